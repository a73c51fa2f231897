"""What a query needs to answer (the store, the settings, the clock, the calendar), wired once.

`open_services` is the one place that builds them, for the bot and the console alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from bot.admission import Admission
from bot.clock import Clock, SystemClock
from bot.config import Config, ConfigError
from bot.schedule.calendar import Calendar, current_calendar
from bot.schedule.planning import GuildSettings
from bot.schedule.subscriptions import subscribed_calendar
from bot.store import Store


class Planner(Protocol):
    """What plans and delivers posts (the delivery layer): told when a server's settings change."""

    async def update_settings(self, settings: GuildSettings) -> None:
        """Save a server's settings and re-plan its posts."""

    async def set_calendar(self, calendar: Calendar) -> None:
        """Use a changed calendar: move, add or withdraw the posts it changes."""

    async def posts_queued(self) -> None:
        """Deliver posts queued outside the plan (news) when they are due."""


def saved_calendar_path(config: Config) -> Path:
    """Return where an imported calendar is kept: beside the database."""
    return config.database.parent / "calendar.toml"


async def load_current_calendar(config: Config) -> Calendar:
    """Load the imported calendar if there is one, else the shipped one (off the event loop)."""
    saved = saved_calendar_path(config)
    try:
        return await asyncio.to_thread(current_calendar, saved, config.calendar_file)
    except FileNotFoundError:
        raise ConfigError(
            f"paddock.seeds: no calendar at {config.calendar_file}: set paddock.seeds in "
            "config.toml to the folder holding calendar.toml (or run from the Paddock folder)"
        ) from None
    except (ValueError, OSError) as exc:
        raise ConfigError(f"calendar: {' '.join(str(exc).split())}") from None


async def load_merged_calendar(config: Config, store: Store) -> Calendar:
    """Load the current calendar merged with the calendar subscriptions the store holds."""
    return await subscribed_calendar(store, await load_current_calendar(config))


@dataclass(slots=True)
class Services:
    """The resources shared by every adapter for one running Paddock."""

    store: Store
    config: Config
    clock: Clock = field(default_factory=SystemClock)
    calendar: Calendar | None = None
    planner: Planner | None = None
    started_at: datetime | None = None
    latency_ms: float | None = None
    admission: Admission = field(default_factory=Admission)

    def __post_init__(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock.now()


@asynccontextmanager
async def open_services(
    config: Config, clock: Clock, *, check: bool = False
) -> AsyncIterator[Services]:
    """Open the store and the calendar and yield the `Services` every adapter shares."""
    async with Store.open(config.database) as store:
        if check:
            await store.check_writable()
        calendar = await load_merged_calendar(config, store)
        yield Services(store=store, config=config, clock=clock, calendar=calendar)
