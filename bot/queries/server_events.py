"""Which server events should exist: one per upcoming race session, with its line-ups.

Servers that switch server events on get one external event per timed race session starting
within `SERVER_EVENT_HORIZON`; members then get Discord's own "Interested" reminders. This
module only plans (plain data); the delivery layer makes Discord match the plan.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from bot.queries.inline import plain
from bot.queries.schedule import latest_lineups
from bot.schedule.calendar import Calendar, Event, Session
from bot.services import Services
from bot.text import clip

SERVER_EVENT_HORIZON = timedelta(days=14)
DEFAULT_RACE_LENGTH = timedelta(hours=3)  # a sprint race; endurance races name their length
NAME_LIMIT = 100  # Discord: a scheduled event's name is 1-100 characters
LOCATION_LIMIT = 100  # Discord: an external event's location is 1-100 characters
DESCRIPTION_LIMIT = 1000  # Discord: a scheduled event's description is at most 1000 characters
LINEUP_CARS = 12
_HOURS_WORDS = {"six": 6, "eight": 8, "ten": 10, "twelve": 12, "twenty-four": 24}
_HOURS = re.compile(r"\b(\d{1,2}|six|eight|ten|twelve|twenty-four)[\s-]*(?:hours?|h)\b", re.I)
_TWENTY_FOUR = re.compile(r"\b24\b")


@dataclass(frozen=True, slots=True)
class PlannedServerEvent:
    """A server event as it should be on Discord."""

    session_uid: str
    name: str
    location: str
    start: datetime
    end: datetime
    description: str

    @property
    def fingerprint(self) -> str:
        """Return a digest of everything shown, to tell when Discord's copy is out of date."""
        fields = asdict(self) | {"start": self.start.isoformat(), "end": self.end.isoformat()}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:32]


def race_length(event: Event) -> timedelta:
    """Return how long a race runs: named in endurance races (Rolex 24, Twelve Hours)."""
    match = _HOURS.search(event.name)
    if match:
        word = match.group(1).lower()
        return timedelta(hours=int(word) if word.isdigit() else _HOURS_WORDS[word])
    if _TWENTY_FOUR.search(event.name):
        return timedelta(hours=24)
    return DEFAULT_RACE_LENGTH


def upcoming_races(
    calendar: Calendar, now: datetime, horizon: timedelta = SERVER_EVENT_HORIZON
) -> list[tuple[Event, Session, datetime]]:
    """Return every timed race session starting after `now` and within `horizon`."""
    out = []
    for event in calendar.events():
        for session in event.sessions:
            start = session.start_utc()
            if session.kind == "race" and start is not None and now < start <= now + horizon:
                out.append((event, session, start))
    return sorted(out, key=lambda found: found[2])


async def plan_server_events(
    services: Services, calendar: Calendar, now: datetime
) -> list[PlannedServerEvent]:
    """Return the server events that should exist now (the same for every server)."""
    races = upcoming_races(calendar, now)
    if not races:
        return []
    lineups = await lineup_lines(services, races[0][0].season)
    return [
        PlannedServerEvent(
            session_uid=session.uid,
            name=clip(f"{event.name}: {session.label}", NAME_LIMIT),
            location=clip(event.venue or "to be announced", LOCATION_LIMIT),
            start=start,
            end=start + race_length(event),
            description=describe(event, session, lineups),
        )
        for event, session, start in races
    ]


async def lineup_lines(services: Services, season: int) -> list[str]:
    """Return the latest line-ups the articles know (this season or the last), one car a line."""
    cars = await latest_lineups(services, season, LINEUP_CARS)
    return [f"{s.name}: {plain(s.value)}" for s in cars.sections]


def describe(event: Event, session: Session, lineups: list[str]) -> str:
    """Return an event's description: what it is, then the line-ups, within Discord's limit."""
    head = f"{event.name} ({event.round_label}), {session.label.lower()} at {event.venue}."
    lines = [head, "", "Line-ups (latest in the articles):", *lineups] if lineups else [head]
    text = ""
    for line in lines:
        if len(text) + len(line) + 1 > DESCRIPTION_LIMIT:
            break
        text += line + "\n"
    return text.strip()
