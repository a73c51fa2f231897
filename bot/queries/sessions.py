"""Schedule queries (/next, /schedule) answered from the race calendar."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from bot.queries.answers import Answer, Section
from bot.queries.inline import Code, Text, Timestamp
from bot.schedule.calendar import Calendar, Event, Session

IMPORT_HINT = Text.of("Import one with ", Code("paddock calendar import FILE.ics"), ".")
NOT_PUBLISHED = "start time not published yet"
FOLLOWED_FOR_NEXT = ("race",)


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


def event_data(event: Event) -> dict[str, Any]:
    """Return an event as JSON-ready data."""
    return {
        "uid": event.uid,
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
    """Return the next race weekend and its sessions, or how to import a calendar."""
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
    race = _next_race_session(event, now)
    countdown = _countdown_line(event, race)
    description = (
        f"{event.round_label} · {event.venue} · {format_days(event.first_day, event.last_day)}"
    )
    return Answer(
        title=event.name,
        description=Text.of(description, "\n", countdown),
        sections=[Section(s.label, session_when(event, s)) for s in event.sessions],
        data={"event": event_data(event), "race": session_data(event, race)},
    )


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
    """Return a season's events with their dates and venues."""
    season = calendar.season(year)
    if season is None:
        known = [str(s.year) for s in calendar.seasons]
        return Answer(
            title=f"No {year} calendar",
            description=Text.of(f"Paddock has no calendar for {year}. ", IMPORT_HINT),
            status="not_found",
            suggestions=known,
            data={"year": year, "known_years": [s.year for s in calendar.seasons]},
        )
    events = [e for e in season.events if e.sessions]
    return Answer(
        title=f"{season.series} {year}",
        description=f"{len(season.rounds)} rounds",
        sections=[
            Section(
                f"{e.round_label} · {e.name}",
                f"{format_days(e.first_day, e.last_day)} · {e.venue}",
            )
            for e in events
        ],
        data={"year": year, "series": season.series, "events": [event_data(e) for e in events]},
    )
