"""Calendar subscriptions: iCalendar feeds read into events and merged with the shipped calendar.

A subscription's events are kept in the store (`calendar_events`), each under the uid it has in
the merged calendar: the uid of the shipped event it updates (the same UID, or the same series,
name and date) or its own. An event that leaves its feed is kept as cancelled, so the merged
calendar drops it (and with it its pending posts); a moved one keeps its uid, so its posts move.
Parsing is blocking work: run `parse_subscription` off the event loop.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

from bot.schedule.calendar import (
    SESSION_KINDS,
    X_EVENT_NAME,
    X_EVENT_UID,
    X_KIND,
    X_ROUND,
    X_SEASON,
    X_TZ,
    Calendar,
    Event,
    Season,
    Session,
    SessionKind,
    series_matches,
)
from bot.store import Store
from bot.text import fold_words

log = logging.getLogger(__name__)

YEARS_BACK = 1
YEARS_AHEAD = 3
"""Recurrences are expanded from January of last year to the end of this year + 2."""
SAME_DATE_DAYS = 3
"""A subscribed event and a shipped one of the same series and name are the same event when
their first days are at most this many days apart."""
KIND_WORDS: dict[str, SessionKind] = {
    "qualifying": "qualifying",
    "quali": "qualifying",
    "qualification": "qualifying",
    "practice": "practice",
    "fp1": "practice",
    "fp2": "practice",
    "fp3": "practice",
    "warmup": "practice",
    "warm": "practice",
    "test": "test",
    "testing": "test",
    "race": "race",
}
KIND_FILLER = frozenset({"free", "session", "official", "up", "the", "day", "final", "group"})
"""Words that may stand beside a kind word in a session name ('Free Practice 2')."""
SEPARATORS = (" - ", " – ", " — ", ": ", " | ")


@dataclass(frozen=True, slots=True)
class Subscribed:
    """One event a subscription holds, under its uid in the merged calendar."""

    feed_uid: str
    series: str
    event: Event
    cancelled: bool = False


# --- reading an .ics feed -------------------------------------------------------------------


def parse_subscription(
    data: bytes, series: str, now: datetime, base: Calendar | None = None
) -> list[Subscribed]:
    """Read every session of an iCalendar feed (recurrences expanded) into events.

    Times with a TZID or in UTC keep their instant; floating times are the venue's local time
    (the feed's X-PADDOCK-TZ, the zone of another session of the event, the shipped event's
    zone, the calendar's X-WR-TIMEZONE, else UTC); date-only sessions stay date-only.
    """
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise ValueError(f"not a valid iCalendar file ({exc})") from None
    if not isinstance(parsed, icalendar.Calendar):
        raise ValueError("not a VCALENDAR")
    default_zone = _zone_or_none(str(parsed.get("X-WR-TIMEZONE", "")))
    start = datetime(now.year - YEARS_BACK, 1, 1, tzinfo=UTC)
    end = datetime(now.year + YEARS_AHEAD, 1, 1, tzinfo=UTC)
    try:
        occurrences = list(recurring_ical_events.of(parsed).between(start, end))
    except Exception as exc:  # the library raises its own errors for bad recurrence rules
        raise ValueError(f"cannot expand its events ({type(exc).__name__}: {exc})") from None
    uses: defaultdict[str, int] = defaultdict(int)
    for component in occurrences:
        uses[str(component.get("uid", ""))] += 1
    groups: dict[str, list[_Raw]] = defaultdict(list)
    for component in occurrences:
        raw = _raw(component, uses)
        if raw is not None:
            groups[raw.group].append(raw)
    events = [_event(raws, series, default_zone, base) for raws in groups.values()]
    return sorted(events, key=lambda s: (s.event.first_day, s.event.uid))


@dataclass(frozen=True, slots=True)
class _Raw:
    """One session as the feed states it (a floating time still naive)."""

    uid: str
    group: str
    name: str
    venue: str
    kind: SessionKind
    start: datetime | date
    ends: date | None
    zone: str | None
    round: int | None
    season: int


def _raw(component: Any, uses: dict[str, int]) -> _Raw | None:
    """Read one VEVENT occurrence; None when it has no UID or start."""
    uid = str(component.get("uid", "")).strip()
    dtstart = component.get("dtstart")
    if not uid or dtstart is None:
        log.warning("Calendar subscription: skipped an event without UID or DTSTART")
        return None
    start = dtstart.dt
    if uses[uid] > 1:  # a recurring event: one session per occurrence
        uid = f"{uid}@{_day(start).isoformat()}"
    summary = str(component.get("summary", "")).strip()
    kind = _kind(component, summary)
    name = str(component.get(X_EVENT_NAME, "")) or event_name(summary) or "Event"
    explicit = str(component.get(X_EVENT_UID, ""))
    season_text = str(component.get(X_SEASON, ""))
    season = int(season_text) if season_text.isdigit() else _day(start).year
    group = explicit or f"{fold_words(name)}|{season}"
    zone = str(component.get(X_TZ, "")) or _zone_key(start)
    round_text = str(component.get(X_ROUND, ""))
    return _Raw(
        uid=uid,
        group=group,
        name=name,
        venue=str(component.get("location", "")).strip(),
        kind=kind,
        start=start,
        ends=_ends(component, start),
        zone=zone if _zone_or_none(zone or "") else None,
        round=int(round_text) if round_text.isdigit() else None,
        season=season,
    )


def _kind(component: Any, summary: str) -> SessionKind:
    """Return the session kind: X-PADDOCK-KIND, else a kind word of the categories or summary."""
    stated = str(component.get(X_KIND, ""))
    if stated in SESSION_KINDS:
        return cast(SessionKind, stated)
    categories = component.get("categories")
    words = fold_words(summary).split()
    if categories is not None:
        for category in categories if isinstance(categories, list) else [categories]:
            words += [fold_words(str(c)) for c in getattr(category, "cats", [])]
    preferred: tuple[SessionKind, ...] = ("qualifying", "practice", "test", "race")
    for kind in preferred:
        if any(KIND_WORDS.get(word) == kind for word in words):
            return kind
    return "race"


def event_name(summary: str) -> str:
    """Return the event's name from a session summary: 'Rolex 24 - Qualifying' → 'Rolex 24'."""
    parts = [summary]
    for separator in SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    kept = [p.strip() for p in parts if p.strip() and not _is_kind_phrase(p)]
    if kept:
        return " - ".join(kept)
    words = [w for w in summary.split() if fold_words(w) not in KIND_WORDS]
    return " ".join(words).strip()


def _is_kind_phrase(text: str) -> bool:
    """Return whether a piece of a summary only names a session ('Race', 'Free Practice 2')."""
    words = fold_words(text).split()
    filler = {w for w in words if w in KIND_FILLER or w.isdigit()}
    kinds = {w for w in words if w in KIND_WORDS}
    return bool(kinds) and set(words) <= kinds | filler


def _day(start: datetime | date) -> date:
    return start.date() if isinstance(start, datetime) else start


def _zone_key(start: datetime | date) -> str | None:
    """Return the IANA zone of a start with a TZID (not UTC, not floating), if any."""
    if not isinstance(start, datetime) or start.tzinfo is None:
        return None
    key = getattr(start.tzinfo, "key", None)
    return key if isinstance(key, str) and key != "UTC" else None


def _ends(component: Any, start: datetime | date) -> date | None:
    """Return the last day of a date-only event spanning several days."""
    dtend = component.get("dtend")
    if dtend is None or isinstance(start, datetime) or isinstance(dtend.dt, datetime):
        return None
    last = dtend.dt - timedelta(days=1)
    return last if last > start else None


def _zone_or_none(name: str) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _event(
    raws: list[_Raw], series: str, default_zone: ZoneInfo | None, base: Calendar | None
) -> Subscribed:
    """Build one event from its sessions, floating times placed in the venue's zone."""
    first = raws[0]
    season = first.season
    shipped = _shipped_match(base, series, first.name, _day(first.start)) if base else None
    zone_name = (
        next((r.zone for r in raws if r.zone), None)
        or (shipped.tz if shipped else None)
        or (default_zone.key if default_zone else None)
        or "UTC"
    )
    zone = ZoneInfo(zone_name)
    sessions = tuple(
        sorted(
            (Session(r.uid, r.kind, _placed(r.start, zone)) for r in raws),
            key=_session_key,
        )
    )
    ends = max((r.ends for r in raws if r.ends), default=None)
    event = Event(
        uid=first.group if "|" not in first.group else _uid(series, first.name, season),
        name=first.name,
        venue=next((r.venue for r in raws if r.venue), ""),
        tz=zone_name,
        season=season,
        round=next((r.round for r in raws if r.round is not None), None),
        sessions=sessions,
        ends=ends,
    )
    return Subscribed(feed_uid=event.uid, series=series, event=event)


def _placed(start: datetime | date, zone: ZoneInfo) -> datetime | date:
    """Return a start with a floating time placed in `zone` (others unchanged)."""
    if isinstance(start, datetime) and start.tzinfo is None:
        return start.replace(tzinfo=zone)
    return start


def _session_key(session: Session) -> datetime:
    if isinstance(session.start, datetime):
        return session.start.astimezone(UTC)
    return datetime(session.start.year, session.start.month, session.start.day, tzinfo=UTC)


def _uid(series: str, name: str, season: int) -> str:
    """Return a stable uid for a subscribed event: series, season and name."""
    return "-".join(["sub", *fold_words(series).split(), str(season), *name_words(name)])


def name_words(name: str) -> list[str]:
    """Return the folded words of a name."""
    return fold_words(name).split()


# --- matching with the shipped calendar ---------------------------------------------------


def _shipped_match(base: Calendar | None, series: str, name: str, day: date) -> Event | None:
    """Return the shipped event of the same series and name within a few days of `day`."""
    if base is None:
        return None
    wanted = fold_words(name)
    for season in base.seasons:
        if not series_matches(season.series, (series,)):
            continue
        for event in season.events:
            names = {fold_words(n) for n in event.names()}
            if wanted not in names or not event.sessions:
                continue
            if abs((event.first_day - day).days) <= SAME_DATE_DAYS:
                return event
    return None


def assign_uids(
    found: Iterable[Subscribed], known: dict[str, str], base: Calendar
) -> list[Subscribed]:
    """Give each subscribed event its uid in the merged calendar.

    The uid it had before (`known`, by feed uid), else the shipped event with the same uid,
    else the shipped event of the same series and name within a few days, else its own.
    """
    placed = []
    for item in found:
        uid = known.get(item.feed_uid)
        if uid is None and base.event(item.event.uid) is not None:
            uid = item.event.uid
        if uid is None:
            shipped = _shipped_match(base, item.series, item.event.name, item.event.first_day)
            uid = shipped.uid if shipped else item.event.uid
        placed.append(replace(item, event=replace(item.event, uid=uid)))
    return placed


def merge(base: Calendar, subscribed: Sequence[Subscribed]) -> Calendar:
    """Return the shipped calendar with the subscriptions' events added, updated or cancelled."""
    seasons = [replace(s, events=tuple(s.events)) for s in base.seasons]
    for item in subscribed:
        shipped = base.event(item.event.uid)
        seasons = _without(seasons, item.event.uid)
        if item.cancelled:
            continue
        event = _onto(shipped, item.event) if shipped else item.event
        seasons = _with(seasons, event, base.series_of(shipped) if shipped else item.series)
    return Calendar(tuple(sorted(seasons, key=lambda s: (s.year, s.series))))


def _onto(shipped: Event, new: Event) -> Event:
    """Return the shipped event updated from its subscription (session uids kept by kind)."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for session in shipped.sessions:
        by_kind[session.kind].append(session.uid)
    sessions = []
    for session in new.sessions:
        uids = by_kind.get(session.kind)
        sessions.append(replace(session, uid=uids.pop(0)) if uids else session)
    return replace(
        shipped,
        venue=new.venue or shipped.venue,
        tz=new.tz if new.tz != "UTC" else shipped.tz,
        season=new.season,
        round=new.round if new.round is not None else shipped.round,
        sessions=tuple(sessions),
        ends=new.ends or shipped.ends,
    )


def _without(seasons: list[Season], uid: str) -> list[Season]:
    return [replace(s, events=tuple(e for e in s.events if e.uid != uid)) for s in seasons]


def _with(seasons: list[Season], event: Event, series: str) -> list[Season]:
    """Return the seasons with `event` in its year's season of `series` (made if needed)."""
    for i, season in enumerate(seasons):
        if season.year == event.season and series_matches(season.series, (series,)):
            events = sorted((*season.events, event), key=_first_day)
            seasons[i] = replace(season, events=tuple(events))
            return seasons
    return [*seasons, Season(event.season, series, (event,))]


def _first_day(event: Event) -> date:
    return event.first_day if event.sessions else date.max


# --- the store ------------------------------------------------------------------------------


async def stored_subscriptions(store: Store) -> list[Subscribed]:
    """Return every subscribed event the store holds, cancelled ones included."""
    rows = await store.fetchall(
        "SELECT feed_uid, series, event, cancelled FROM calendar_events"
        " ORDER BY source_url, feed_uid"
    )
    return [
        Subscribed(r["feed_uid"], r["series"], event_from_json(r["event"]), bool(r["cancelled"]))
        for r in rows
    ]


async def subscribed_calendar(store: Store, base: Calendar) -> Calendar:
    """Return the shipped calendar merged with every subscription the store holds."""
    subscribed = await stored_subscriptions(store)
    return merge(base, subscribed) if subscribed else base


@dataclass(frozen=True, slots=True)
class SubscriptionChange:
    """What one poll of a calendar changed."""

    added: int = 0
    updated: int = 0
    cancelled: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        """Return whether the merged calendar changes."""
        return bool(self.added or self.updated or self.cancelled)


def save_subscription(
    db: sqlite3.Connection, url: str, found: list[Subscribed], base: Calendar, now: datetime
) -> SubscriptionChange:
    """Store a calendar feed's events (on the writer thread); those gone from it are cancelled."""
    rows = {
        r[0]: (r[1], r[2], bool(r[3]))
        for r in db.execute(
            "SELECT feed_uid, event_uid, event, cancelled FROM calendar_events"
            " WHERE source_url = ?",
            (url,),
        )
    }
    placed = assign_uids(found, {k: v[0] for k, v in rows.items()}, base)
    added = updated = unchanged = cancelled = 0
    for item in placed:
        payload = event_to_json(item.event)
        old = rows.get(item.feed_uid)
        if old is not None and old[1] == payload and not old[2]:
            unchanged += 1
            continue
        added, updated = (added + 1, updated) if old is None else (added, updated + 1)
        db.execute(
            "INSERT INTO calendar_events (source_url, feed_uid, event_uid, series, event,"
            " cancelled, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?)"
            " ON CONFLICT (source_url, feed_uid) DO UPDATE SET event_uid = excluded.event_uid,"
            " series = excluded.series, event = excluded.event, cancelled = 0,"
            " updated_at = excluded.updated_at",
            (url, item.feed_uid, item.event.uid, item.series, payload, now.isoformat()),
        )
    present = {item.feed_uid for item in placed}
    for feed_uid, (_, _, was_cancelled) in rows.items():
        if feed_uid in present or was_cancelled:
            continue
        cancelled += 1
        db.execute(
            "UPDATE calendar_events SET cancelled = 1, updated_at = ?"
            " WHERE source_url = ? AND feed_uid = ?",
            (now.isoformat(), url, feed_uid),
        )
    return SubscriptionChange(added, updated, cancelled, unchanged)


def event_to_json(event: Event) -> str:
    """Return an event as JSON text (zone names kept, so local times survive)."""
    return json.dumps(
        {
            "uid": event.uid,
            "name": event.name,
            "venue": event.venue,
            "tz": event.tz,
            "season": event.season,
            "round": event.round,
            "aliases": list(event.aliases),
            "ends": event.ends.isoformat() if event.ends else None,
            "sessions": [_session_json(s) for s in event.sessions],
        },
        sort_keys=True,
    )


def _session_json(session: Session) -> dict[str, Any]:
    start = session.start
    if isinstance(start, datetime):
        zone = getattr(start.tzinfo, "key", None)
        return {
            "uid": session.uid,
            "kind": session.kind,
            "start": start.astimezone(UTC).isoformat(),
            "zone": zone if isinstance(zone, str) else "UTC",
        }
    return {"uid": session.uid, "kind": session.kind, "day": start.isoformat()}


def event_from_json(text: str) -> Event:
    """Return the event of `event_to_json` text."""
    data = json.loads(text)
    sessions = []
    for raw in data["sessions"]:
        start: datetime | date
        if "day" in raw:
            start = date.fromisoformat(raw["day"])
        else:
            start = datetime.fromisoformat(raw["start"]).astimezone(ZoneInfo(raw["zone"]))
        sessions.append(Session(raw["uid"], raw["kind"], start))
    return Event(
        uid=data["uid"],
        name=data["name"],
        venue=data["venue"],
        tz=data["tz"],
        season=int(data["season"]),
        round=data["round"],
        sessions=tuple(sessions),
        aliases=tuple(data["aliases"]),
        ends=date.fromisoformat(data["ends"]) if data["ends"] else None,
    )
