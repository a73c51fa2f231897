"""Plan a server's race-weekend posts (previews, countdowns, quote of the day) as pure functions.

Rules, so a user can predict what the bot posts:

* Race-week preview: one per event that has a followed session, at the preview time
  (09:00 in the server's time zone) on the Monday on or before the event's first day.
* Countdowns: one per followed session and lead. A lead of whole days keeps the wall-clock
  time at the venue (7 days before a 13:40 start is 13:40 local a week earlier, whatever DST
  did meanwhile); a shorter lead is exact elapsed time.
* Date-only sessions (no published start time) get only their whole-day leads, posted at
  09:00 in the server's time zone on the day the lead lands on (race day itself for none);
  hour leads are skipped, since counting down to an invented time would be wrong.
* Quote of the day: at the server's local `qotd_time` each day, planned a couple of days ahead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.schedule.calendar import SESSION_KINDS, Calendar, Event, Session, series_matches

PostKind = Literal["preview", "countdown", "qotd", "news"]
DEFAULT_LEADS = (timedelta(days=7), timedelta(days=1), timedelta(hours=1))
DEFAULT_SESSION_KINDS = ("race",)
PREVIEW_WEEKDAY = 0  # Monday
PREVIEW_LOCAL_TIME = time(9, 0)
DATE_ONLY_LOCAL_TIME = time(9, 0)
"""When a date-only session's countdowns go out, in the server's time zone."""
QOTD_PLAN_DAYS = 2
QUOTE_REPEAT_WINDOW = timedelta(days=60)
ONE_DAY = timedelta(days=1)
NO_LEAD = timedelta(0)
PREVIEW_AHEAD = timedelta(days=8)  # a preview is due on the Monday on or before the event


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """What one Discord server wants posted, where and when."""

    guild_id: int
    channel_id: int | None = None
    ping_role_id: int | None = None
    timezone: str = "UTC"
    leads: tuple[timedelta, ...] = DEFAULT_LEADS
    qotd_time: time | None = None
    events_enabled: bool = True
    session_kinds: tuple[str, ...] = DEFAULT_SESSION_KINDS
    paused: bool = False
    pause_reason: str | None = None
    news_channel_id: int | None = None
    series: tuple[str, ...] = ()  # the series whose news and reminders it gets; () means all
    server_events: bool = False  # keep Discord server events for upcoming sessions
    spoilers: bool = False  # wrap race results in spoiler tags

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long
            raise ValueError(
                "timezone: expected an IANA time zone such as Europe/Berlin, "
                f"got {self.timezone[:60]!r}"
            ) from exc
        if any(lead <= NO_LEAD for lead in self.leads):
            raise ValueError("leads: expected positive durations before the session")
        unknown = set(self.session_kinds) - set(SESSION_KINDS)
        if unknown:
            raise ValueError(
                f"session_kinds: expected some of {', '.join(SESSION_KINDS)}, got {sorted(unknown)}"
            )

    @property
    def zone(self) -> ZoneInfo:
        """Return the server's time zone."""
        return ZoneInfo(self.timezone)


class PostKey(NamedTuple):
    """A post's identity: the same post planned twice has the same key."""

    guild_id: int
    ref: str
    lead_seconds: int


@dataclass(frozen=True, slots=True)
class PlannedPost:
    """One post the bot should make at `due` (UTC)."""

    key: PostKey
    due: datetime
    kind: PostKind
    event_uid: str | None = None
    session_uid: str | None = None
    lead: timedelta = NO_LEAD
    day: date | None = None

    def payload(self) -> dict[str, object]:
        """Return the JSON-ready references needed to render the post."""
        return {
            "event_uid": self.event_uid,
            "session_uid": self.session_uid,
            "lead_seconds": int(self.lead.total_seconds()),
            "day": self.day.isoformat() if self.day else None,
        }


def plan_posts(
    settings: GuildSettings,
    calendar: Calendar,
    *,
    start: datetime,
    end: datetime | None = None,
    qotd_days: int = QOTD_PLAN_DAYS,
    events: Iterable[Event] | None = None,
) -> list[PlannedPost]:
    """Return every post due at or after `start` (and before `end`) for one server, in order.

    `events` narrows the calendar to the events that can have posts in the window (see
    `events_near`), so planning many servers does not walk the whole calendar for each.
    """
    if settings.channel_id is None:
        return []
    posts: list[PlannedPost] = []
    if settings.events_enabled:
        for event in _of_series(calendar, settings.series, events):
            posts += plan_event(settings, event)
    posts += plan_qotd(settings, start, qotd_days)
    return sorted(
        (p for p in posts if p.due >= start and (end is None or p.due < end)),
        key=lambda p: (p.due, p.key),
    )


def _of_series(
    calendar: Calendar, series: Sequence[str], events: Iterable[Event] | None
) -> Iterable[Event]:
    """Return the events of a server's series (of `events`, when given)."""
    if events is None:
        return calendar.events(series)
    if not series:
        return events
    return [e for e in events if series_matches(calendar.series_of(e), series)]


def events_near(
    calendar: Calendar, start: datetime, end: datetime, longest_lead: timedelta
) -> list[Event]:
    """Return the events that can have a post due between `start` and `end`.

    A countdown is due at most `longest_lead` before its session and a preview at most a
    week before the event's first day, so any other event has nothing in the window.
    """
    earliest = (start - ONE_DAY).date()
    latest = (end + longest_lead + PREVIEW_AHEAD).date()
    return [e for e in calendar.events() if e.last_day >= earliest and e.first_day <= latest]


def plan_event(settings: GuildSettings, event: Event) -> list[PlannedPost]:
    """Return the preview and countdowns of one event for one server."""
    followed = [s for s in event.sessions if s.kind in settings.session_kinds]
    if not followed:
        return []
    posts = [preview_post(settings, event, followed)]
    for session in followed:
        posts += countdown_posts(settings, event, session)
    return posts


def preview_post(settings: GuildSettings, event: Event, followed: Sequence[Session]) -> PlannedPost:
    """Return the race-week preview: Monday 09:00 server time in the week of the event."""
    first = min(s.local_date(event.zone) for s in followed)
    monday = first - timedelta(days=(first.weekday() - PREVIEW_WEEKDAY) % 7)
    due = datetime.combine(monday, PREVIEW_LOCAL_TIME, settings.zone).astimezone(UTC)
    return PlannedPost(
        key=PostKey(settings.guild_id, f"event:{event.uid}", 0),
        due=due,
        kind="preview",
        event_uid=event.uid,
    )


def countdown_posts(settings: GuildSettings, event: Event, session: Session) -> list[PlannedPost]:
    """Return one countdown per lead before a session (hour leads skipped when date-only)."""
    posts = []
    for lead in settings.leads:
        due = countdown_due(session, event.zone, lead, server=settings.zone)
        if due is None:
            continue
        posts.append(
            PlannedPost(
                key=PostKey(settings.guild_id, f"session:{session.uid}", int(lead.total_seconds())),
                due=due,
                kind="countdown",
                event_uid=event.uid,
                session_uid=session.uid,
                lead=lead,
            )
        )
    return posts


def countdown_due(
    session: Session, venue: ZoneInfo, lead: timedelta, *, server: ZoneInfo | None = None
) -> datetime | None:
    """Return when a countdown `lead` before the session is due, or None when it cannot be.

    A date-only session's countdown goes out at DATE_ONLY_LOCAL_TIME in the server's zone
    (the venue's when none is given) on the day `lead` days before the session's day.
    """
    whole_days = lead % ONE_DAY == NO_LEAD
    if isinstance(session.start, datetime):
        if whole_days:  # wall-clock arithmetic in the venue's zone
            return (session.start.astimezone(venue) - lead).astimezone(UTC)
        return session.start.astimezone(UTC) - lead
    if not whole_days:
        return None
    morning = datetime.combine(session.start - lead, DATE_ONLY_LOCAL_TIME, server or venue)
    return morning.astimezone(UTC)


def plan_qotd(settings: GuildSettings, start: datetime, days: int) -> list[PlannedPost]:
    """Return the quote-of-the-day posts for the server's next `days` local days."""
    if settings.qotd_time is None:
        return []
    today = start.astimezone(settings.zone).date()
    posts = []
    for offset in range(days + 1):
        day = today + timedelta(days=offset)
        due = qotd_due(day, settings.qotd_time, settings.zone)
        posts.append(
            PlannedPost(
                key=PostKey(settings.guild_id, f"qotd:{day.isoformat()}", 0),
                due=due,
                kind="qotd",
                day=day,
            )
        )
    return [p for p in posts if p.due >= start][:days]


def qotd_due(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Return the UTC instant of local time `at` on `day` in `zone`."""
    return datetime.combine(day, at, zone).astimezone(UTC)
