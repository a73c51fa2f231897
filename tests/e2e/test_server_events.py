"""Race sessions as Discord server events: created, moved and deleted with the calendar, once.

Paddock runs on the Roar weekend 2024 (the Rolex 24 is the one race in the next 14 days). The
calendar changes the way an operator changes it (a saved calendar.toml beside the database),
and each change is picked up by a restart, which must never duplicate an event.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from .conftest import GUILD_ID, PADDOCK_SEEDS, BotProcess, StartPaddock
from .emulator import ALL_PERMISSIONS, EPHEMERAL, MANAGE_EVENTS, Emulator, Json
from .test_paddock_e2e import SHARED_NOW, answer_text
from .test_paddock_faults import wait_for_log

pytestmark = pytest.mark.e2e

ROLEX_START = datetime(2024, 1, 27, 18, 40, tzinfo=UTC)
ROLEX_MOVED = ROLEX_START + timedelta(minutes=30)
ROLEX_SESSION = re.compile(
    r'\[\[season\.event\.session\]\]\nuid = "imsa-2024-r01-daytona-race"\n'
    r'kind = "race"\nstart = [^\n]*\n'
)
EVENTS = f"/guilds/{GUILD_ID}/scheduled-events"
QUIET_S = 2.0  # how long a restarted bot gets to (wrongly) create or change an event


def events(emu: Emulator) -> list[Json]:
    return list(emu.scheduled_events[GUILD_ID].values())


def event_requests(emu: Emulator, method: str) -> list[object]:
    return [r for r in emu.requests if r.method == method and r.path.startswith(EVENTS)]


def when(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def save_calendar(workdir: Path, text: str) -> None:
    """Change the calendar as `paddock calendar import` would: calendar.toml beside the DB."""
    (workdir / "calendar.toml").write_text(text, encoding="utf-8")


async def restart(
    emu: Emulator, start_paddock: StartPaddock, bot: BotProcess, name: str
) -> BotProcess:
    await bot.stop()
    return await start_paddock(emu, fake_now=SHARED_NOW, name=name)


async def test_server_events_follow_the_calendar_and_survive_restarts(
    paddock_emu: Emulator, start_paddock: StartPaddock, tmp_path: Path
) -> None:
    emu = paddock_emu
    workdir = tmp_path / "paddock"
    bot = await start_paddock(emu, fake_now=SHARED_NOW, name="first")

    # Without Manage Events, switching them on says what is missing and changes nothing.
    emu.bot_permissions = int(ALL_PERMISSIONS) & ~MANAGE_EVENTS
    refused = await emu.invoke("config events", {"state": "on"})
    assert refused.data["flags"] & EPHEMERAL
    assert "Manage Events permission" in answer_text(refused)
    assert "Server events\noff" in answer_text(await emu.invoke("config show"))
    emu.bot_permissions = int(ALL_PERMISSIONS)

    switched = await emu.invoke("config events", {"state": "on"})
    assert "Server events\non" in answer_text(switched)
    await bot.guard(emu.wait_until(lambda: events(emu), 10.0, "the server event"), 11.0)
    await wait_for_log(bot, "Server events: created", 10.0)  # recorded before the restart
    (event,) = events(emu)
    assert event["name"] == "Rolex 24 At Daytona: Race"
    assert event["entity_type"] == 3  # external: a place, not a voice channel
    assert event["entity_metadata"]["location"] == "Daytona International Speedway"
    assert event["privacy_level"] == 2
    assert when(event["scheduled_start_time"]) == ROLEX_START
    assert when(event["scheduled_end_time"]) == ROLEX_START + timedelta(hours=24)
    assert "Line-ups" in event["description"] and "#31" in event["description"]
    assert "Derani" in event["description"]
    first_id = event["id"]

    # A restart finds the event again: nothing new is created.
    bot = await restart(emu, start_paddock, bot, "second")
    await asyncio.sleep(QUIET_S)
    assert [e["id"] for e in events(emu)] == [first_id]
    assert len(event_requests(emu, "POST")) == 1

    # An event created just before a crash, its id never recorded: found again, not doubled.
    await bot.stop()
    with contextlib.closing(sqlite3.connect(workdir / "paddock.db")) as db, db:
        db.execute("DELETE FROM server_events")
    bot = await start_paddock(emu, fake_now=SHARED_NOW, name="unrecorded")
    await asyncio.sleep(QUIET_S)
    assert [e["id"] for e in events(emu)] == [first_id]
    assert len(event_requests(emu, "POST")) == 1

    # The calendar moves the race: the same event moves with it.
    seeded = (PADDOCK_SEEDS / "calendar.toml").read_text(encoding="utf-8")
    save_calendar(
        workdir, seeded.replace("start = 2024-01-27T13:40:00", "start = 2024-01-27T14:10:00")
    )
    bot = await restart(emu, start_paddock, bot, "moved")
    await bot.guard(
        emu.wait_until(
            lambda: when(events(emu)[0]["scheduled_start_time"]) == ROLEX_MOVED, 10.0, "the move"
        ),
        11.0,
    )
    await wait_for_log(bot, "Server events: moved", 10.0)  # recorded before the next restart
    (moved,) = events(emu)
    assert moved["id"] == first_id
    assert when(moved["scheduled_end_time"]) == ROLEX_MOVED + timedelta(hours=24)
    assert len(event_requests(emu, "POST")) == 1
    assert len(event_requests(emu, "PATCH")) == 2  # brought up to date when found, then moved

    # The race is cancelled (gone from the calendar): its event is deleted, once.
    cancelled, removed = ROLEX_SESSION.subn("", seeded)
    assert removed == 1
    save_calendar(workdir, cancelled)
    bot = await restart(emu, start_paddock, bot, "cancelled")
    await bot.guard(emu.wait_until(lambda: not events(emu), 10.0, "the deletion"), 11.0)
    await wait_for_log(bot, "Server events: deleted", 10.0)  # forgotten before the restart
    bot = await restart(emu, start_paddock, bot, "after")
    await asyncio.sleep(QUIET_S)
    assert events(emu) == []
    assert len(event_requests(emu, "POST")) == 1
    assert len(event_requests(emu, "DELETE")) == 1


async def test_switching_server_events_off_removes_them(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu = paddock_emu
    bot = await start_paddock(emu, fake_now=SHARED_NOW)
    await emu.invoke("config events", {"state": "on"})
    await bot.guard(emu.wait_until(lambda: events(emu), 10.0, "the server event"), 11.0)
    off = await emu.invoke("config events", {"state": "off"})
    assert "Server events\noff" in answer_text(off)
    await bot.guard(emu.wait_until(lambda: not events(emu), 10.0, "the deletion"), 11.0)
    assert len(event_requests(emu, "DELETE")) == 1
