"""What a query needs to answer: the store, the settings, the clock, the calendar."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.admission import Admission
from bot.calendar import Calendar, current_calendar
from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.store import Store

if TYPE_CHECKING:
    from bot.scheduler import PostScheduler


def saved_calendar_path(config: Config) -> Path:
    """Return where an imported calendar is kept: beside the database."""
    return config.database.parent / "calendar.toml"


async def load_current_calendar(config: Config) -> Calendar:
    """Load the imported calendar if there is one, else the shipped one (off the event loop)."""
    return await asyncio.to_thread(
        current_calendar, saved_calendar_path(config), config.calendar_file
    )


@dataclass(slots=True)
class Services:
    """The resources shared by every adapter for one running Paddock."""

    store: Store
    config: Config
    clock: Clock = field(default_factory=SystemClock)
    calendar: Calendar | None = None
    scheduler: PostScheduler | None = None
    started_at: datetime | None = None
    latency_ms: float | None = None
    admission: Admission = field(default_factory=Admission)

    def __post_init__(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock.now()
