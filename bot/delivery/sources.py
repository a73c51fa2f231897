"""Poll the configured feeds and calendars while the bot runs, each on its own interval.

Each source has an asyncio task: poll at once, then every `poll_minutes` (feeds) or
`poll_hours` (calendars), on the same code as `paddock refresh`. A calendar change replaces
`Services.calendar` and tells the planner, so reminders move without a restart; news posts
queued by a feed are delivered through the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from bot.config import CalendarSource, FeedSource
from bot.ingest.fetch import Fetcher
from bot.ingest.files import Ingestor
from bot.ingest.sources import SourceReport, poll_calendar, poll_feed
from bot.services import Services, load_current_calendar, load_merged_calendar

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SourcePoller:
    """The running bot's polling of every configured source."""

    services: Services
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _fetcher: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    _calendar_turn: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def start(self) -> None:
        """Start one polling task per configured source (none configured: nothing runs)."""
        config = self.services.config
        if not config.feeds and not config.calendars:
            return
        fetcher = await self._fetcher.enter_async_context(Fetcher.open())
        ingestor = await Ingestor.create(
            self.services.store, config.aliases_file, self.services.clock
        )
        for feed in config.feeds:
            self._spawn(self._feed_loop(fetcher, ingestor, feed), feed.url)
        for calendar in config.calendars:
            self._spawn(self._calendar_loop(fetcher, calendar), calendar.url)
        log.info("Polling %d feeds and %d calendars", len(config.feeds), len(config.calendars))

    def _spawn(self, loop: Coroutine[Any, Any, None], url: str) -> None:
        task = asyncio.ensure_future(loop)
        task.set_name(f"poll {url}")
        self._tasks.append(task)

    async def stop(self) -> None:
        """Stop polling and close the HTTP session."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        await self._fetcher.aclose()

    async def _feed_loop(self, fetcher: Fetcher, ingestor: Ingestor, feed: FeedSource) -> None:
        while True:
            await self._guarded(self.poll_feed(fetcher, ingestor, feed), feed.url)
            await asyncio.sleep(feed.interval_s)

    async def _calendar_loop(self, fetcher: Fetcher, calendar: CalendarSource) -> None:
        while True:
            await self._guarded(self.poll_calendar(fetcher, calendar), calendar.url)
            await asyncio.sleep(calendar.interval_s)

    async def _guarded(self, poll: Coroutine[Any, Any, None], url: str) -> None:
        """Run one poll; a bug met on one source is logged and the polling goes on."""
        try:
            await poll
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("Polling %s failed", url)

    async def poll_feed(self, fetcher: Fetcher, ingestor: Ingestor, feed: FeedSource) -> None:
        """Poll one feed; hand its news posts to the planner."""
        services = self.services
        report = await poll_feed(services.store, fetcher, ingestor, feed, services.clock.now())
        _log(report)
        if report.news_queued and services.planner is not None:
            await services.planner.posts_queued()

    async def poll_calendar(self, fetcher: Fetcher, calendar: CalendarSource) -> None:
        """Poll one calendar; on a change, replace the calendar and re-plan the posts."""
        services = self.services
        async with self._calendar_turn:
            base = await load_current_calendar(services.config)
            report = await poll_calendar(
                services.store, fetcher, calendar, base, services.clock.now()
            )
            _log(report)
            if report.outcome != "changed":
                return
            merged = await load_merged_calendar(services.config, services.store)
            services.calendar = merged
            if services.planner is not None:
                await services.planner.set_calendar(merged)


def _log(report: SourceReport) -> None:
    """Log one poll's outcome."""
    if report.ok:
        log.info("%s", report.line())
    else:
        log.warning("%s", report.line())
