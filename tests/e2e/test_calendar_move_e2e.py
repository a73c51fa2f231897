"""A subscribed calendar's race moves by a day: the running bot moves its reminders, once each.

The real bot polls a calendar from the local source server on a sped-up fake clock. The
Rolex 24 of 2027 is first on Saturday 30 January; the feed then moves it to Friday 29. After
the next poll the planned countdowns are the same outbox rows at the new times (none added,
none left at the old times), and they arrive at the new times, each once, with the new start.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.feeds.fixtures import season_2027
from tests.sources_server import SourceServer

from .conftest import OTHER_CHANNEL_ID, StartPaddock, write_paddock_config
from .emulator import Emulator, Json
from .test_paddock_e2e import bot_now

pytestmark = pytest.mark.e2e

ICS = "text/calendar"
OLD_START = datetime(2027, 1, 30, 18, 30, tzinfo=UTC)  # 13:30 at Daytona
NEW_START = OLD_START - timedelta(days=1)
LEADS = (timedelta(hours=2), timedelta(hours=1))
SPEED = 600.0  # ten bot minutes a real second
FAKE_NOW = NEW_START - LEADS[0] - timedelta(minutes=240)  # the first moved post: 24 s in
POLL_HOURS = 0.0003  # about a second
ARRIVAL_SLACK = timedelta(minutes=60)
"""How far past its due time a post may seem to arrive: the bot's clock starts after it was
spawned (imports), and `bot_now` is an upper bound of it."""


@pytest.fixture
async def server() -> AsyncIterator[SourceServer]:
    async with SourceServer() as running:
        running.put("/imsa.ics", season_2027(race_day="20270130"), ICS)
        yield running


def countdowns(db: Path) -> list[tuple[int, str, int, str, str]]:
    """Return the Rolex 24 race countdowns of the outbox: id, ref, lead, due, status."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return conn.execute(
            "SELECT id, ref, lead, due_utc, status FROM outbox WHERE kind = 'countdown'"
            " AND ref = 'session:daytona-2027-race@test' ORDER BY lead DESC"
        ).fetchall()


def due(start: datetime) -> list[str]:
    return [(start - lead).strftime("%Y-%m-%dT%H:%M:%SZ") for lead in LEADS]


async def wait_for(check: Callable[[], bool], what: str, timeout_s: float) -> None:
    """Wait until `check()` (a blocking read of the database) is true."""
    deadline = time.monotonic() + timeout_s
    while not await asyncio.to_thread(check):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await asyncio.sleep(0.2)


async def test_a_moved_race_moves_its_reminders_without_doubling_them(
    paddock_emu: Emulator, start_paddock: StartPaddock, server: SourceServer, tmp_path: Path
) -> None:
    emu = paddock_emu
    config = write_paddock_config(tmp_path / "paddock")
    with config.open("a", encoding="utf-8") as out:
        out.write(f'\n[[calendars]]\nurl = "{server.url("/imsa.ics")}"\nseries = "IMSA"\n')
        out.write(f"poll_hours = {POLL_HOURS}\n")
    db = tmp_path / "paddock" / "paddock.db"
    bot = await start_paddock(emu, fake_now=FAKE_NOW.isoformat(), clock_speed=SPEED, name="move")
    await emu.invoke("config channel", {"channel": OTHER_CHANNEL_ID})
    await emu.invoke("config leads", {"leads": "2h, 1h"})

    await bot.guard(
        wait_for(lambda: [r[3] for r in countdowns(db)] == due(OLD_START), "the plan", 10), 11
    )
    before = countdowns(db)
    assert [r[4] for r in before] == ["pending", "pending"]

    server.put("/imsa.ics", season_2027(race_day="20270129"), ICS)  # Friday, same time
    await bot.guard(
        wait_for(lambda: [r[3] for r in countdowns(db)] == due(NEW_START), "the move", 10), 11
    )
    after = countdowns(db)
    assert [r[:3] for r in after] == [r[:3] for r in before]  # the same rows, moved
    assert bot_now(bot, FAKE_NOW, SPEED) < NEW_START - LEADS[0], "the move came too late"

    def posts() -> list[Json]:
        return emu.channel_messages(OTHER_CHANNEL_ID)

    arrived: list[datetime] = []
    for count in (1, 2):
        await bot.guard(emu.wait_until(lambda n=count: len(posts()) >= n, 40.0, "a reminder"), 41)
        arrived.append(bot_now(bot, FAKE_NOW, SPEED))
    with pytest.raises(TimeoutError):
        await emu.wait_until(lambda: len(posts()) > 2, 2.0, "a third post")

    for lead, when in zip(LEADS, arrived, strict=True):
        assert NEW_START - lead <= when < NEW_START - lead + ARRIVAL_SLACK, (lead, when)
    embeds = [m["embeds"][0] for m in posts()]
    assert [e["title"] for e in embeds] == ["Rolex 24 At Daytona: race countdown"] * 2
    for embed in embeds:
        assert embed["description"].startswith("IMSA\n")
        assert f"<t:{int(NEW_START.timestamp())}:R>" in embed["description"]
        assert f"<t:{int(OLD_START.timestamp())}" not in embed["description"]
    assert [r[4] for r in countdowns(db)] == ["sent", "sent"]
    assert len({m["nonce"] for m in posts()}) == 2
