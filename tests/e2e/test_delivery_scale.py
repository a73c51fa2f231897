"""Delivery with several servers and processes, against the real ``python -m bot run``.

* A 60-second 429 on one server's channel: that post is rescheduled (not slept through), the
  other server's post goes out at once, and the rate-limited one arrives once, a minute later.
* Two Paddocks on one database: the one holding the delivery lease plans a server whose
  settings were saved through the other (the one Discord sends the commands to) within
  seconds, and its post arrives once.
* Two Paddocks with two shards each deliver only their own servers; when one is killed the
  other takes its shards over and the posts it missed arrive once.
"""

from __future__ import annotations

import asyncio
import re
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
    launch_paddock,
    paddock_guild,
    stop_paddock,
    write_paddock_config,
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


SHORT_429_S = 5.0  # under 30 s: discord.py sleeps through it inside the send
HELD_SERVERS = 20  # more than the bot's 16 delivery workers
OTHER_SERVERS = 5


def burst_guild(index: int) -> str:
    return str(810_000_000_000_000_000 + 10 * index)


def burst_channel(index: int) -> str:
    return str(810_000_000_000_000_001 + 10 * index)


def burst_emulator(count: int) -> Emulator:
    """The Paddock test guild and `count` servers with one text channel each."""
    servers = [
        make_guild(
            burst_guild(i), f"Server {i}", channels=[make_text_channel(burst_channel(i), "p")]
        )
        for i in range(count)
    ]
    return Emulator(
        APP_ID, make_user(APP_ID, "Paddock", bot=True), [paddock_guild(), *servers],
        token=FAKE_BOT_AUTH, heartbeat_interval_ms=1000,
    )  # fmt: skip


async def test_short_429s_on_many_channels_hold_back_no_other_servers_post(
    start_paddock: StartPaddock, tmp_path: Path
) -> None:
    count = HELD_SERVERS + OTHER_SERVERS
    async with burst_emulator(count) as emu:
        for i in range(HELD_SERVERS):  # the first servers' channels: one 429 each, then 200
            path = f"/channels/{burst_channel(i)}/messages"
            emu.fail_next("POST", path, status=429, retry_after=SHORT_429_S)
        bot = await start_paddock(emu, fake_now=(REMINDER_DUE - timedelta(seconds=15)).isoformat())
        database = tmp_path / "paddock" / "paddock.db"
        for i in range(count):
            await asyncio.to_thread(save_channel, database, burst_guild(i), burst_channel(i))

        others = [burst_channel(i) for i in range(HELD_SERVERS, count)]
        for channel in others:
            await bot.guard(emu.wait_for_message(channel, timeout_s=30.0), 31.0)
        first = min(r.time for i in range(count) for r in post_requests(emu, burst_channel(i)))
        arrived = [r.time for c in others for r in post_requests(emu, c) if r.status == 200]
        assert max(arrived) - first <= 2.0  # not behind the sends discord.py sleeps in

        for i in range(HELD_SERVERS):  # each held-back post arrives once, after its 429
            await bot.guard(emu.wait_for_message(burst_channel(i), timeout_s=20.0), 21.0)
        await asyncio.sleep(1.0)
        for i in range(HELD_SERVERS):
            assert [r.status for r in post_requests(emu, burst_channel(i))] == [429, 200]
        assert [len(emu.channel_messages(burst_channel(i))) for i in range(count)] == [1] * count
        assert emu.deduplicated == []
        assert "held back by Discord" in bot.log()


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


# ---------------------------------------------------------------------------- shards

SHARDS = 4
LEADS = "[3600, 3000]"  # reminders 60 and 50 minutes before the race


def shard_guild(shard: int) -> str:
    """Return a guild id on `shard` of SHARDS (Discord: (id >> 22) % shard_count)."""
    return str(((100 * SHARDS + shard) << 22) | 7)


def sharded_emulator() -> Emulator:
    guilds = [paddock_guild()] + [
        make_guild(
            shard_guild(s), f"Shard {s}", channels=[make_text_channel(shard_guild(s) + "0", "p")]
        )
        for s in range(SHARDS)
    ]
    emu = Emulator(
        APP_ID, make_user(APP_ID, "Paddock", bot=True), guilds, token=FAKE_BOT_AUTH,
        heartbeat_interval_ms=1000,
    )  # fmt: skip
    emu.shard_count = SHARDS
    return emu


def sharded_config(workdir: Path, database: Path, shard_ids: list[int]) -> None:
    path = write_paddock_config(workdir, database)
    with path.open("a", encoding="utf-8") as out:
        out.write(f"shards = {SHARDS}\nshard_ids = {shard_ids}\n")


def save_server(database: Path, guild_id: str) -> None:
    """Save a server's channel and leads as another process would (with a change stamp)."""
    with sqlite3.connect(database, timeout=10) as db:
        db.execute(
            "INSERT INTO guild_settings (guild_id, channel_id, leads, change_seq) VALUES (?, ?, ?,"
            " (SELECT coalesce(max(change_seq), 0) + 1 FROM guild_settings))",
            (int(guild_id), int(guild_id + "0"), LEADS),
        )


def delivered(bot: Any) -> int:
    return sum(int(m) for m in re.findall(r"Delivered (\d+) posts", bot.log()))


async def test_two_processes_deliver_their_own_shards_and_take_over_a_dead_ones(
    tmp_path: Path,
) -> None:
    database = tmp_path / "paddock.db"
    sharded_config(tmp_path / "a", database, [0, 1])
    sharded_config(tmp_path / "b", database, [2, 3])
    # One bot minute a second: the 60-minute reminders are due 40 s after each start, the
    # 50-minute ones 10 s later.
    fake_now = (REMINDER_DUE - timedelta(minutes=40)).isoformat()
    async with sharded_emulator() as emu:
        a = await launch_paddock(emu, tmp_path / "a", name="a", fake_now=fake_now, clock_speed=60.0)
        b = await launch_paddock(emu, tmp_path / "b", name="b", fake_now=fake_now, clock_speed=60.0)
        try:
            for shard in range(SHARDS):
                await asyncio.to_thread(save_server, database, shard_guild(shard))
            channels = {s: shard_guild(s) + "0" for s in range(SHARDS)}

            # Each process delivers the 60-minute reminder of its own two servers.
            for shard in range(SHARDS):
                owner = a if shard < 2 else b
                await owner.guard(emu.wait_for_message(channels[shard], timeout_s=60.0), 61.0)
            await emu.wait_until(lambda: delivered(a) + delivered(b) >= 4, 10.0, "4 deliveries")
            assert (delivered(a), delivered(b)) == (2, 2)

            # a dies before its servers' 50-minute reminders: b takes shards 0 and 1 over
            # (within 30 s) and those reminders arrive, once each.
            await a.kill()
            await b.guard(_log_has(b, "Took over delivery for shards [0, 1]", 30.0), 31.0)
            for shard in range(SHARDS):
                await b.guard(
                    emu.wait_until(
                        lambda s=shard: len(emu.channel_messages(channels[s])) >= 2,
                        60.0,
                        f"the second reminder on shard {shard}",
                    ),
                    61.0,
                )
            await emu.wait_until(lambda: delivered(b) >= 6, 10.0, "b's deliveries")
            await asyncio.sleep(2.0)
            assert [len(emu.channel_messages(channels[s])) for s in range(SHARDS)] == [2] * 4
            assert delivered(b) == 6
            assert emu.deduplicated == []
        finally:
            await stop_paddock(b)
            await stop_paddock(a)
