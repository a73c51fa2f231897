"""Schedule queries (/next, /schedule) answered from the race calendar."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.queries.answers import Answer, Section
from bot.queries.inline import LINES, Code, Text, Timestamp
from bot.schedule.calendar import Calendar, Event, Session, series_matches
from bot.text import fold

IMPORT_HINT = Text.of("Import one with ", Code("paddock calendar import FILE.ics"), ".")
NOT_PUBLISHED = "start time not published yet"
FOLLOWED_FOR_NEXT = ("race",)
SESSION_LENGTHS = {
    "race": timedelta(hours=2, minutes=40),  # an IMSA sprint race
    "qualifying": timedelta(hours=1),
    "practice": timedelta(hours=1, minutes=30),
    "test": timedelta(hours=8),
}
"""How long a session runs when its event's name does not say (`Twelve Hours of …`)."""
HOUR_WORDS = {"four": 4, "six": 6, "eight": 8, "ten": 10, "twelve": 12}
_RACE_HOURS = re.compile(r"\b(\d{1,2}|four|six|eight|ten|twelve)\s*(?:hours?|h)\b|\b(24)\b")


def format_day(day: date) -> str:
    """Return a day as 'Sat 16 Mar 2024'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def format_days(first: date, last: date) -> str:
    """Return a span of days as 'Sat 27 – Sun 28 Jan 2024' (one day: 'Sat 16 Mar 2024')."""
    if first == last:
        return format_day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%a} {first.day} – {format_day(last)}"
    if first.year == last.year:
        return f"{first:%a} {first.day} {first:%b} – {format_day(last)}"
    return f"{format_day(first)} – {format_day(last)}"


def session_when(event: Event, session: Session) -> str | Text:
    """Return when a session is: Discord timestamps, or its day and that no time is published."""
    start = session.start_utc()
    if start is None:
        return f"{format_day(session.local_date(event.zone))} · {NOT_PUBLISHED}"
    return Text.of(Timestamp(start, "F"), " · ", Timestamp(start, "R"))


def session_data(event: Event, session: Session) -> dict[str, Any]:
    """Return a session as JSON-ready data."""
    start = session.start_utc()
    return {
        "uid": session.uid,
        "kind": session.kind,
        "date": session.local_date(event.zone).isoformat(),
        "start_utc": start.isoformat() if start else None,
        "time_published": start is not None,
    }


def event_data(event: Event, series: str | None = None) -> dict[str, Any]:
    """Return an event as JSON-ready data (with its series, when given)."""
    return {
        "uid": event.uid,
        **({"series": series} if series is not None else {}),
        "name": event.name,
        "season": event.season,
        "round": event.round,
        "venue": event.venue,
        "tz": event.tz,
        "first_day": event.first_day.isoformat(),
        "last_day": event.last_day.isoformat(),
        "sessions": [session_data(event, s) for s in event.sessions],
    }


def next_race(calendar: Calendar, now: datetime) -> Answer:
    """Return the session live now (with the next one after it), or the next race weekend.

    Every subscribed series is covered: the answer names the event's series, and the next
    race of each other series follows the weekend's sessions.
    """
    live = live_session(calendar, now)
    if live is not None:
        return _live_answer(calendar, live, now)
    event = calendar.next_event(now, FOLLOWED_FOR_NEXT)
    if event is None:
        return Answer(
            title="No race scheduled yet",
            description=Text.of(
                f"No race is scheduled after {format_day(now.date())}. ", IMPORT_HINT
            ),
            status="not_found",
            data={"event": None, "now": now.isoformat()},
        )
    series = calendar.series_of(event)
    race = _next_race_session(event, now)
    countdown = _countdown_line(event, race)
    description = (
        f"{event.round_label} · {event.venue} · {format_days(event.first_day, event.last_day)}"
    )
    others = other_series_next(calendar, series, now)
    return Answer(
        title=event.name,
        description=Text.of(series, "\n", description, "\n", countdown),
        sections=weekend_sections(calendar, event, now) + [s for s, _ in others],
        data={
            "event": event_data(event, series),
            "series": series,
            "race": session_data(event, race),
            "live": None,
            "other_series": [data for _, data in others],
        },
    )


def other_series_next(
    calendar: Calendar, shown: str, now: datetime
) -> list[tuple[Section, dict[str, Any]]]:
    """Return the next race weekend of each series other than `shown`, labelled with it."""
    out = []
    seen: set[str] = set()
    for series in calendar.series_names():
        if series_matches(series, (shown,)):
            continue
        event = calendar.next_event(now, FOLLOWED_FOR_NEXT, series=(series,))
        if event is None or event.uid in seen or calendar.series_of(event) != series:
            continue
        seen.add(event.uid)
        race = _next_race_session(event, now)
        value = Text.of(f"{event.name} · {event.venue}\n", _countdown_line(event, race))
        out.append((Section(f"Next in {series}", value), event_data(event, series)))
    return out


@dataclass(frozen=True, slots=True)
class LiveSession:
    """A session under way: its event, when it started and when it is expected to end."""

    event: Event
    session: Session
    start: datetime
    end: datetime


def session_length(event: Event, session: Session) -> timedelta:
    """Return how long a session runs: a race the hours in its event's name, else the default."""
    if session.kind == "race":
        match = _RACE_HOURS.search(fold(event.name))
        if match:
            word = match.group(1) or match.group(2)
            hours = int(word) if word.isdigit() else HOUR_WORDS[word]
            return timedelta(hours=hours)
    return SESSION_LENGTHS[session.kind]


def live_session(calendar: Calendar, now: datetime) -> LiveSession | None:
    """Return the timed session under way at `now` (the latest started), if any."""
    live: LiveSession | None = None
    for event in calendar.events():
        for session in event.sessions:
            start = session.start_utc()
            if start is None or start > now:
                continue
            end = start + session_length(event, session)
            if now < end and (live is None or start > live.start):
                live = LiveSession(event, session, start, end)
    return live


def _session_after(calendar: Calendar, now: datetime) -> tuple[Event, Session] | None:
    """Return the first session (of any event) still to come after `now`."""
    upcoming = [
        (_sort_instant(event, session), event, session)
        for event in calendar.events()
        for session in event.sessions
        if _after(event, session, now)
    ]
    if not upcoming:
        return None
    _, event, session = min(upcoming, key=lambda item: item[0])
    return event, session


def _sort_instant(event: Event, session: Session) -> datetime:
    """Return a session's start, or its day's local midnight when no time is published."""
    return session.start_utc() or session.day_start_utc(event.zone)


def elapsed_text(span: timedelta) -> str:
    """Return an elapsed time as `20m`, `3h 05m` or `1d 2h`."""
    minutes = max(0, int(span.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m"


def _live_answer(calendar: Calendar, live: LiveSession, now: datetime) -> Answer:
    """Answer /next during a session: live now, for how long, and what comes after it."""
    event, session = live.event, live.session
    series = calendar.series_of(event)
    elapsed = elapsed_text(now - live.start)
    lines: list[str | Text] = [
        series,
        f"{event.round_label} · {event.venue} · {format_days(event.first_day, event.last_day)}",
        Text.of(
            f"Live now: {session.label}, {elapsed} in (started ", Timestamp(live.start, "t"), ")."
        ),
    ]
    after = _session_after(calendar, now)
    if after is not None:
        next_event, next_session = after
        where = "" if next_event.uid == event.uid else f" ({next_event.name})"
        when = session_when(next_event, next_session)
        lines.append(Text.of(f"Next: {next_session.label}{where}, ", when))
    return Answer(
        title=f"Live now: {event.name}",
        description=LINES.join(lines),
        sections=weekend_sections(calendar, event, now),
        data={
            "event": event_data(event, series),
            "series": series,
            "race": session_data(event, session),
            "live": {
                **session_data(event, session),
                "elapsed_minutes": int((now - live.start).total_seconds()) // 60,
                "expected_end_utc": live.end.isoformat(),
            },
            "next": session_data(*after) if after else None,
        },
    )


def weekend_sections(calendar: Calendar, event: Event, now: datetime) -> list[Section]:
    """Return every session of the weekend (events on the same days), each marked when over."""
    first, last = event.first_day, event.last_day
    events = [e for e in calendar.events() if e.first_day <= last and e.last_day >= first]
    sessions = sorted(
        ((e, s) for e in events for s in e.sessions), key=lambda pair: _sort_instant(*pair)
    )
    series = calendar.series_of(event)
    sections = []
    for other, session in sessions:
        label = session.label if other.uid == event.uid else f"{session.label} · {other.name}"
        other_series = calendar.series_of(other)
        if other_series != series:
            label = f"{label} ({other_series})"
        sections.append(Section(label, session_when(other, session) + _state(other, session, now)))
    return sections


def _state(event: Event, session: Session, now: datetime) -> str:
    """Return ` · live now` or ` · over` for a session that has started."""
    start = session.start_utc()
    if start is None or start > now:
        return ""
    return " · live now" if now < start + session_length(event, session) else " · over"


def _next_race_session(event: Event, now: datetime) -> Session:
    races = [s for s in event.sessions if s.kind in FOLLOWED_FOR_NEXT]
    return next((s for s in races if _after(event, s, now)), races[0])


def _after(event: Event, session: Session, now: datetime) -> bool:
    start = session.start_utc()
    if start is not None:
        return start > now
    return session.local_date(event.zone) >= now.astimezone(event.zone).date()


def _countdown_line(event: Event, race: Session) -> str | Text:
    start = race.start_utc()
    if start is None:
        day = format_day(race.local_date(event.zone))
        return f"Race day is {day}; the {NOT_PUBLISHED}."
    return Text.of("Race starts ", Timestamp(start, "R"))


def season_schedule(calendar: Calendar, year: int) -> Answer:
    """Return a season's events of every series, with their dates and venues.

    One series: the title names it. Several: every round is labelled with its series.
    """
    seasons = [s for s in calendar.seasons if s.year == year and any(e.sessions for e in s.events)]
    if not seasons:
        known = sorted({s.year for s in calendar.seasons})
        return Answer(
            title=f"No {year} calendar",
            description=Text.of(f"Paddock has no calendar for {year}. ", IMPORT_HINT),
            status="not_found",
            suggestions=[str(y) for y in known],
            data={"year": year, "known_years": known},
        )
    events = sorted(
        ((season.series, e) for season in seasons for e in season.events if e.sessions),
        key=lambda pair: (pair[1].first_day, pair[0], pair[1].round or 0),
    )
    names = [season.series for season in seasons]
    several = len(set(names)) > 1
    title = f"{year} season" if several else f"{names[0]} {year}"
    rounds = ", ".join(f"{len(season.rounds)} {season.series}" for season in seasons)
    description = f"{rounds} rounds" if several else f"{len(seasons[0].rounds)} rounds"
    return Answer(
        title=title,
        description=description,
        sections=[
            Section(
                f"{series} · {e.round_label} · {e.name}"
                if several
                else f"{e.round_label} · {e.name}",
                f"{format_days(e.first_day, e.last_day)} · {e.venue}",
            )
            for series, e in events
        ],
        data={
            "year": year,
            "series": names[0] if not several else None,
            "all_series": names,
            "events": [event_data(e, series) for series, e in events],
        },
    )
