"""Delivery with several servers and processes, against the real ``python -m bot run``.

* A 60-second 429 on one server's channel: that post is rescheduled (not slept through), the
  other server's post goes out at once, and the rate-limited one arrives once, a minute later.
* Two Paddocks on one database: the one holding the delivery lease plans a server whose
  settings were saved through the other (the one Discord sends the commands to) within
  seconds, and its post arrives once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    APP_ID,
    CHANNEL_ID,
    FAKE_BOT_AUTH,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    StartPaddock,
    paddock_guild,
)
from .emulator import Emulator, make_guild, make_text_channel, make_user

pytestmark = pytest.mark.e2e

ROLEX_START = datetime(2024, 1, 27, 18, 40, tzinfo=UTC)
REMINDER_DUE = ROLEX_START - timedelta(hours=1)  # the 1h reminder of the default leads
SECOND_GUILD = "800000000000000101"
SECOND_CHANNEL = "800000000000000102"
LONG_429_S = 60.0


def two_server_emulator() -> Emulator:
    """The Paddock test guild and a second server with one text channel."""
    second = make_guild(
        SECOND_GUILD, "Second", channels=[make_text_channel(SECOND_CHANNEL, "paddock")]
    )
    return Emulator(
        APP_ID,
        make_user(APP_ID, "Paddock", bot=True),
        [paddock_guild(), second],
        token=FAKE_BOT_AUTH,
        heartbeat_interval_ms=1000,
    )


def post_requests(emu: Emulator, channel: str) -> list[Any]:
    path = f"/channels/{channel}/messages"
    return [r for r in emu.requests if r.method == "POST" and r.path == path]


def save_channel(database: Path, guild_id: str, channel_id: str) -> None:
    """Save a server's channel the way another process would: the row and a change stamp."""
    with sqlite3.connect(database, timeout=10) as db:
        db.execute(
            "INSERT INTO guild_settings (guild_id, channel_id, change_seq) VALUES"
            " (?, ?, (SELECT coalesce(max(change_seq), 0) + 1 FROM guild_settings))",
            (int(guild_id), int(channel_id)),
        )


def pending_posts(database: Path, guild_id: str) -> int:
    with sqlite3.connect(database, timeout=10) as db:
        row = db.execute(
            "SELECT count(*) FROM outbox WHERE guild_id = ? AND status = 'pending'",
            (int(guild_id),),
        ).fetchone()
    return int(row[0])


async def wait_for(check: Any, timeout_s: float, what: str) -> float:
    """Poll `check` (run in a thread) until true; return how long it took."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    while not await asyncio.to_thread(check):
        if loop.time() - began > timeout_s:
            pytest.fail(f"timed out after {timeout_s} s waiting for {what}")
        await asyncio.sleep(0.1)
    return loop.time() - began


async def test_a_60_second_429_on_one_channel_does_not_delay_another_server(
    start_paddock: StartPaddock, tmp_path: Path
) -> None:
    async with two_server_emulator() as emu:
        emu.fail_next(
            "POST", f"/channels/{OTHER_CHANNEL_ID}/messages", status=429, retry_after=LONG_429_S
        )
        # Real speed: the reminder is due 10 s after the start, and may go out 30 minutes late.
        bot = await start_paddock(emu, fake_now=(REMINDER_DUE - timedelta(seconds=10)).isoformat())
        await emu.invoke("config channel", {"channel": OTHER_CHANNEL_ID})
        await asyncio.to_thread(save_channel, tmp_path / "paddock" / "paddock.db", SECOND_GUILD,
                                SECOND_CHANNEL)  # fmt: skip

        await bot.guard(emu.wait_for_message(SECOND_CHANNEL, timeout_s=20.0), 21.0)
        [limited] = post_requests(emu, OTHER_CHANNEL_ID)
        [other] = post_requests(emu, SECOND_CHANNEL)
        assert limited.status == 429
        assert abs(other.time - limited.time) <= 2.0  # both due at once: not held back
        assert "waits 60 s: channel" in bot.log()

        # The rate-limited post goes out once, when the limit is over.
        first = await bot.guard(emu.wait_for_message(OTHER_CHANNEL_ID, timeout_s=75.0), 76.0)
        retried = post_requests(emu, OTHER_CHANNEL_ID)
        assert [r.status for r in retried] == [429, 200]
        assert retried[1].time - limited.time >= LONG_429_S - 1
        assert first["embeds"][0]["title"] == "Rolex 24 At Daytona: race countdown"
        await asyncio.sleep(1.0)
        assert len(emu.channel_messages(OTHER_CHANNEL_ID)) == 1
        assert len(emu.channel_messages(SECOND_CHANNEL)) == 1
        assert post_requests(emu, CHANNEL_ID) == []  # only /config's answer is in #general


async def test_settings_saved_through_the_other_process_are_planned_by_the_owner(
    paddock_emu: Emulator, start_paddock: StartPaddock, tmp_path: Path
) -> None:
    emu = paddock_emu
    database = tmp_path / "paddock" / "paddock.db"
    fake_now = (REMINDER_DUE - timedelta(hours=2)).isoformat()  # due 12 s after the start
    owner = await start_paddock(emu, fake_now=fake_now, clock_speed=600.0, name="owner")
    other = await start_paddock(emu, fake_now=fake_now, clock_speed=600.0, name="other")
    await other.guard(_log_has(other, "standing by", 10.0), 11.0)

    # Discord now sends the commands to the second process (its session is the newest).
    record = await emu.invoke("config channel", {"channel": OTHER_CHANNEL_ID})
    assert f"<#{OTHER_CHANNEL_ID}>" in str(record.data)
    took = await wait_for(lambda: pending_posts(database, GUILD_ID) > 0, 5.0, "the owner's plan")
    assert took <= 5.0
    assert "Re-planned" not in other.log()  # the process without a lease plans nothing

    await owner.guard(emu.wait_for_message(OTHER_CHANNEL_ID, timeout_s=20.0), 21.0)
    await asyncio.sleep(1.5)
    assert len(emu.channel_messages(OTHER_CHANNEL_ID)) == 1
    assert owner.returncode is None and other.returncode is None


async def _log_has(bot: Any, text: str, timeout_s: float) -> None:
    loop = asyncio.get_running_loop()
    began = loop.time()
    while text not in bot.log():
        if loop.time() - began > timeout_s:
            pytest.fail(f"{text!r} not in the log after {timeout_s} s")
        await asyncio.sleep(0.1)
