"""Keep each server's Discord events in step with the plan: create, move, delete, never twice.

The ids of the events Paddock created live in the `server_events` table (with a fingerprint of
what was sent), so a restart edits or deletes the same events instead of creating new ones. An
event whose race has started is left alone and forgotten; one whose session is gone from the
plan (cancelled, or moved out of the horizon) is deleted; one a moderator deleted is created
again. Only the process that delivers posts syncs events (see `PostScheduler.is_deliverer`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.clock import Clock
from bot.queries.server_events import PlannedServerEvent, plan_server_events
from bot.schedule.calendar import Calendar
from bot.schedule.outbox import all_settings, get_settings
from bot.services import Services

log = logging.getLogger(__name__)

SYNC_INTERVAL = timedelta(minutes=30)  # picks up calendar changes and new line-ups


class ServerEventGone(Exception):
    """The event no longer exists on Discord (deleted by a moderator)."""


class ServerEventsForbidden(Exception):
    """Paddock may not manage events in the server (no Manage Events permission)."""


class ServerEventsAdapter(Protocol):
    """What talks to Discord about scheduled events (implemented in cogs/_client.py)."""

    async def create_server_event(self, guild_id: int, event: PlannedServerEvent) -> int:
        """Create an external event; return its id."""

    async def edit_server_event(
        self, guild_id: int, event_id: int, event: PlannedServerEvent
    ) -> None:
        """Make an existing event show `event` (raise `ServerEventGone` if it is gone)."""

    async def delete_server_event(self, guild_id: int, event_id: int) -> None:
        """Delete an event (raise `ServerEventGone` if it is already gone)."""

    async def find_server_event(self, guild_id: int, event: PlannedServerEvent) -> int | None:
        """Return the id of an event Paddock made for this session but did not record, if any."""


class ServerEventSync:
    """Make every server's Discord events match the plan."""

    def __init__(
        self,
        services: Services,
        calendar: Callable[[], Calendar],
        adapter: ServerEventsAdapter,
        clock: Clock,
        *,
        may_sync: Callable[[], bool] = lambda: True,
    ) -> None:
        self.services = services
        self.calendar = calendar
        self.adapter = adapter
        self.clock = clock
        self.may_sync = may_sync
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Sync now and then every `SYNC_INTERVAL`, in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="paddock-server-events")

    async def stop(self) -> None:
        """Stop syncing (the events stay on Discord)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.sync_all()
            except Exception:  # one failed round must not end the syncing
                log.exception("Server events: sync failed")
            await asyncio.sleep(SYNC_INTERVAL.total_seconds())

    async def sync_all(self) -> None:
        """Sync every server that has server events on (or still has some from Paddock)."""
        if not self.may_sync():
            return
        guilds = {s.guild_id for s in await all_settings(self.services.store) if s.server_events}
        guilds |= await self._guilds_with_events()
        for guild_id in sorted(guilds):
            await self.sync_guild(guild_id)

    async def sync_guild(self, guild_id: int) -> None:
        """Make one server's events match the plan (none when it switched them off)."""
        if not self.may_sync():
            return
        async with self._lock:
            settings = await get_settings(self.services.store, guild_id)
            now = self.clock.now()
            wanted: list[PlannedServerEvent] = []
            if settings.server_events:
                wanted = await plan_server_events(self.services, self.calendar(), now)
            try:
                await self._apply(guild_id, wanted, now)
            except ServerEventsForbidden:
                log.warning("Server events: no Manage Events permission in server %d", guild_id)

    async def _apply(self, guild_id: int, wanted: list[PlannedServerEvent], now: datetime) -> None:
        known = await self._known(guild_id)
        for planned in wanted:
            event_id, fingerprint = known.pop(planned.session_uid, (None, None))
            if event_id is not None and fingerprint == planned.fingerprint:
                continue
            if event_id is not None:
                try:
                    await self.adapter.edit_server_event(guild_id, event_id, planned)
                    await self._save(guild_id, planned, event_id)
                    log.info("Server events: moved %s in server %d", planned.name, guild_id)
                    continue
                except ServerEventGone:
                    log.info("Server events: %s was deleted on Discord; recreating", planned.name)
            # Created just before a crash, never recorded? Adopt it instead of making a second.
            found = await self.adapter.find_server_event(guild_id, planned)
            if found is not None:
                await self.adapter.edit_server_event(guild_id, found, planned)
                await self._save(guild_id, planned, found)
                log.info("Server events: found %s in server %d again", planned.name, guild_id)
                continue
            event_id = await self.adapter.create_server_event(guild_id, planned)
            await self._save(guild_id, planned, event_id)
            log.info("Server events: created %s in server %d", planned.name, guild_id)
        for session_uid, (event_id, _) in known.items():
            started = self._started(session_uid, now)
            if not started:
                with contextlib.suppress(ServerEventGone):
                    await self.adapter.delete_server_event(guild_id, event_id)
            await self._forget(guild_id, session_uid)
            if not started:
                log.info("Server events: deleted event %d in server %d", event_id, guild_id)

    def _started(self, session_uid: str, now: datetime) -> bool:
        """Return whether a session is still in the calendar and has begun (keep its event)."""
        found = self.calendar().session(session_uid)
        start = found[1].start_utc() if found is not None else None
        return start is not None and start <= now

    async def _known(self, guild_id: int) -> dict[str, tuple[int, str]]:
        rows = await self.services.store.fetchall(
            "SELECT session_uid, event_id, fingerprint FROM server_events WHERE guild_id = ?",
            (guild_id,),
        )
        return {row["session_uid"]: (row["event_id"], row["fingerprint"]) for row in rows}

    async def _guilds_with_events(self) -> set[int]:
        rows = await self.services.store.fetchall("SELECT DISTINCT guild_id FROM server_events")
        return {row["guild_id"] for row in rows}

    async def _save(self, guild_id: int, planned: PlannedServerEvent, event_id: int) -> None:
        async with self.services.store.transaction() as db:
            await db.execute(
                "INSERT INTO server_events (guild_id, session_uid, event_id, fingerprint)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (guild_id, session_uid) DO UPDATE SET"
                " event_id = excluded.event_id, fingerprint = excluded.fingerprint",
                (guild_id, planned.session_uid, event_id, planned.fingerprint),
            )

    async def _forget(self, guild_id: int, session_uid: str) -> None:
        async with self.services.store.transaction() as db:
            await db.execute(
                "DELETE FROM server_events WHERE guild_id = ? AND session_uid = ?",
                (guild_id, session_uid),
            )
