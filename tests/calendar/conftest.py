"""Fixtures for the calendar, planning, outbox and scheduler tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from bot.clock import parse_instant
from bot.schedule.calendar import Calendar, load_calendar

SEED_CALENDAR = Path(__file__).resolve().parents[2] / "seeds" / "calendar.toml"


class SetClock:
    """A clock that stays where the test puts it."""

    def __init__(self, start: str) -> None:
        self.moment = parse_instant(start)

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime | str) -> None:
        self.moment = parse_instant(moment) if isinstance(moment, str) else moment


@pytest.fixture
def calendar() -> Calendar:
    return load_calendar(SEED_CALENDAR)


def at(text: str) -> datetime:
    return parse_instant(text)
