"""Delivery at scale on real SQLite files: a planning horizon, per-server re-plans, concurrent
sends under shared rate limits, long 429s, lateness at send time, and leases per shard."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta
from pathlib import Path

import pytest

from bot.delivery.ratelimit import ChannelBuckets, GlobalLimiter
from bot.delivery.scheduler import DeliveryResult, OutgoingPost
from bot.delivery.store import SqliteDeliveryStore
from bot.schedule.calendar import Calendar
from bot.schedule.leases import reserve_slots
from bot.schedule.outbox import posts, save_settings, shard_of
from bot.schedule.planning import GuildSettings
from bot.store import Store
from tests.calendar.conftest import SetClock, at
from tests.calendar.test_scheduler import Inbox, PostScheduler

ROLEX_WEEK = at("2024-01-20T18:40:00Z")  # the Rolex 24's 7-day reminder is due
PLANNED = at("2024-01-01T00:00:00Z")
DAYTONA_7D = ("session:imsa-2024-r01-daytona-race", 7 * 86400)


def guild_on(shard: int, count: int, n: int = 1) -> int:
    """Return a server id on `shard` of `count` (Discord: (id >> 22) % count)."""
    guild = ((n * count + shard) << 22) | n
    assert shard_of(guild, count) == shard
    return guild


async def configure(store: Store, *guilds: int, **options: object) -> None:
    for guild in guilds:
        settings = GuildSettings(guild, channel_id=guild + 1, **options)  # type: ignore[arg-type]
        await save_settings(store, settings, PLANNED)


def sent_guilds(inbox: Inbox) -> list[int]:
    return sorted(o.guild_id for o in inbox.sent)


async def test_posts_are_planned_two_weeks_ahead_and_the_horizon_moves_on(
    store: Store, calendar: Calendar
):
    clock = SetClock("2024-01-01T00:00:00Z")
    inbox = Inbox()
    await configure(store, 1)
    scheduler = PostScheduler(store, calendar, inbox.deliver, clock)
    await scheduler.start()
    assert await posts(store, 1) == []  # the Rolex 24 is more than two weeks away
    assert scheduler.next_wake == at("2024-01-08T00:00:00Z")  # when the horizon moves on
    clock.set("2024-01-08T00:00:00Z")
    await scheduler.run_due()
    planned = [(p.key.ref, p.key.lead_seconds) for p in await posts(store, 1)]
    assert planned == [DAYTONA_7D]  # the preview (22 Jan 09:00) is past the new horizon
    assert scheduler.next_wake == at("2024-01-15T00:00:00Z")
    await scheduler.stop()


async def test_a_settings_change_replans_only_that_server(store: Store, calendar: Calendar):
    clock = SetClock("2024-01-19T00:00:00Z")
    await configure(store, 1, 2)
    scheduler = PostScheduler(store, calendar, Inbox().deliver, clock)
    await scheduler.start()
    before = await posts(store, 2)
    # Server 2's row changes behind the scheduler's back; server 1 changes through it.
    await save_settings(store, GuildSettings(2, channel_id=3, leads=(timedelta(hours=2),)), PLANNED)
    await scheduler.update_settings(GuildSettings(1, channel_id=2, leads=(timedelta(hours=2),)))
    assert [p.key.lead_seconds for p in await posts(store, 1)] == [0, 7200]
    assert await posts(store, 2) == before
    await scheduler.set_calendar(calendar)  # a calendar change re-plans every server
    assert [p.key.lead_seconds for p in await posts(store, 2)] == [0, 7200]
    await scheduler.stop()


async def test_posts_go_out_concurrently_with_a_bound(tmp_path: Path, calendar: Calendar):
    clock = SetClock("2024-01-20T18:40:00Z")
    in_flight, peak, sent = 0, 0, []

    async def slow(outgoing: OutgoingPost) -> DeliveryResult:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.3)  # longer than the rate limiter's spacing: sends overlap
        in_flight -= 1
        sent.append(outgoing.guild_id)
        return DeliveryResult.sent(1)

    async with Store.open(tmp_path / "p.db") as store:
        await configure(store, *range(1, 21))
        scheduler = PostScheduler(store, calendar, slow, clock, concurrency=4)
        await scheduler.start()
        await scheduler.stop()
        states = {p.status for p in await posts(store) if p.due == ROLEX_WEEK}
    assert sorted(sent) == list(range(1, 21))
    assert peak == 4
    assert states == {"sent"}


async def test_sends_discord_holds_back_neither_park_the_workers_nor_use_up_the_global_limit(
    store: Store, calendar: Calendar
):
    clock = SetClock("2024-01-20T18:40:00Z")
    inbox = Inbox()
    held_back = range(1, 51)  # more servers than workers, more sends than the limit a second
    all_sent = asyncio.Event()

    async def deliver(outgoing: OutgoingPost) -> DeliveryResult:
        if outgoing.guild_id in held_back:
            await asyncio.sleep(3.0)  # as discord.py sleeps through a 3-second 429
        result = await inbox.deliver(outgoing)
        if len(inbox.sent) == 55:
            all_sent.set()
        return result

    await configure(store, *range(1, 56))
    scheduler = PostScheduler(store, calendar, deliver, clock)
    await scheduler.start()  # the wake-up is over once every post was handed out
    assert sent_guilds(inbox) == [51, 52, 53, 54, 55]  # none waited for the held-back ones
    await asyncio.wait_for(all_sent.wait(), 10.0)
    await asyncio.sleep(0.1)  # each held-back post recorded
    assert sent_guilds(inbox) == list(range(1, 56))  # each once
    assert {p.status for p in await posts(store) if p.due == ROLEX_WEEK} == {"sent"}
    await scheduler.stop()


async def test_a_long_429_reschedules_that_post_and_the_others_go_out(
    store: Store, calendar: Calendar, caplog: pytest.LogCaptureFixture
):
    clock = SetClock("2024-01-20T18:40:00Z")
    inbox = Inbox()

    async def deliver(outgoing: OutgoingPost) -> DeliveryResult:
        if outgoing.guild_id == 1 and clock.now() < ROLEX_WEEK + timedelta(seconds=60):
            return DeliveryResult.rate_limited(60.0, "429 for 60 s")
        return await inbox.deliver(outgoing)

    await configure(store, 1, 2, 3)
    scheduler = PostScheduler(store, calendar, deliver, clock)
    with caplog.at_level(logging.INFO):
        await scheduler.start()
    assert sent_guilds(inbox) == [2, 3]
    [waiting] = [p for p in await posts(store, 1) if p.due == ROLEX_WEEK]
    assert (waiting.status, waiting.attempts) == ("pending", 0)
    assert waiting.retry_at == ROLEX_WEEK + timedelta(seconds=60)
    assert scheduler.next_wake == ROLEX_WEEK + timedelta(seconds=60)
    assert "channel 2 is rate limited" in caplog.text
    clock.set(ROLEX_WEEK + timedelta(seconds=60))
    scheduler.channels.block(2, 0)
    await scheduler.run_due()
    assert sent_guilds(inbox) == [1, 2, 3]
    [row] = [p for p in await posts(store, 1) if p.due == ROLEX_WEEK]
    assert row.status == "sent"
    await scheduler.stop()


async def test_lateness_is_judged_when_a_post_goes_out(
    store: Store, calendar: Calendar, caplog: pytest.LogCaptureFixture
):
    clock = SetClock("2024-01-20T18:40:00Z")
    sent: list[int] = []

    async def slow(outgoing: OutgoingPost) -> DeliveryResult:
        clock.set(clock.now() + timedelta(minutes=20))  # each send takes 20 bot minutes
        sent.append(outgoing.guild_id)
        return DeliveryResult.sent(1)

    await configure(store, 1, 2, 3)
    scheduler = PostScheduler(store, calendar, slow, clock, concurrency=1)
    with caplog.at_level(logging.WARNING):
        await scheduler.start()
    await scheduler.stop()
    states = {p.guild_id: p.status for p in await posts(store) if p.due == ROLEX_WEEK}
    # Sent at +20 and +40 minutes (late); the third would go out 40 minutes late: dropped.
    assert sent == [1, 2]
    assert states == {1: "late", 2: "late", 3: "dropped"}
    assert "would go out 40 min late (grace 30 min)" in caplog.text


async def test_two_processes_with_two_shards_each_deliver_their_own_and_take_over(
    tmp_path: Path, calendar: Calendar
):
    db = tmp_path / "paddock.db"
    clock = SetClock("2024-01-20T18:30:00Z")
    guilds = {shard: guild_on(shard, 4) for shard in range(4)}
    first, second = Inbox(), Inbox()
    async with Store.open(db) as store_a, Store.open(db) as store_b:
        await configure(store_a, *guilds.values())
        a = PostScheduler(
            store_a, calendar, first.deliver, clock, shard_count=4, shard_ids=[0, 1],
            lease_ttl_s=0.3,
        )  # fmt: skip
        b = PostScheduler(
            store_b, calendar, second.deliver, clock, shard_count=4, shard_ids=[2, 3],
            lease_ttl_s=0.3,
        )  # fmt: skip
        assert await a.start() and await b.start()
        assert (a.held, b.held) == ({0, 1}, {2, 3})
        clock.set(ROLEX_WEEK)
        await a.run_due()
        await b.run_due()
        assert sent_guilds(first) == sorted([guilds[0], guilds[1]])
        assert sent_guilds(second) == sorted([guilds[2], guilds[3]])

        # Process a dies (no clean stop); b takes its shards over once the leases run out,
        # and the post a missed meanwhile goes out once.
        a._scheduler.shutdown(wait=False)  # type: ignore[union-attr]
        await b.renew_leases()
        assert b.held == {2, 3}  # a's leases have not expired yet
        clock.set(at("2024-01-22T09:05:00Z"))  # the race-week previews are due
        await asyncio.sleep(0.4)
        await b.renew_leases()
        assert b.held == {0, 1, 2, 3}
        await b.run_due()
        await b.run_due()
        previews = [o.guild_id for o in second.sent if o.post.kind == "preview"]
        assert sorted(previews) == sorted(guilds.values())
        assert [o.post.kind for o in first.sent] == ["countdown", "countdown"]
        await b.stop()


async def test_a_process_back_gets_its_shards_handed_back(tmp_path: Path, calendar: Calendar):
    db = tmp_path / "paddock.db"
    clock = SetClock("2024-01-20T18:00:00Z")
    async with Store.open(db) as store_a, Store.open(db) as store_b:
        a = PostScheduler(
            store_a, calendar, Inbox().deliver, clock, shard_count=2, shard_ids=[0],
            lease_ttl_s=0.2,
        )  # fmt: skip
        b = PostScheduler(
            store_b, calendar, Inbox().deliver, clock, shard_count=2, shard_ids=[1],
            lease_ttl_s=0.2,
        )  # fmt: skip
        assert await b.start()
        assert b.held == {1}
        await asyncio.sleep(0.25)
        await b.renew_leases()
        assert b.held == {0, 1}  # nobody wants shard 0 yet: b delivers it meanwhile
        assert not await a.start()
        await b.renew_leases()  # a is alive and wants shard 0: b hands it back
        assert b.held == {1}
        await a.renew_leases()
        assert a.held == {0}
        await a.stop()
        await b.stop()


async def test_settings_saved_in_one_process_are_planned_by_the_owner(
    tmp_path: Path, calendar: Calendar
):
    db = tmp_path / "paddock.db"
    clock = SetClock("2024-01-19T00:00:00Z")
    async with Store.open(db) as store_a, Store.open(db) as store_b:
        owner = PostScheduler(store_a, calendar, Inbox().deliver, clock)
        other = PostScheduler(store_b, calendar, Inbox().deliver, clock)
        assert await owner.start()
        assert not await other.start()
        await other.update_settings(GuildSettings(5, channel_id=6))
        assert await posts(store_b, 5) == []  # not this process's server: saved, not planned
        await owner.poll_settings()
        assert [p.key.ref for p in await posts(store_a, 5)][:1] == [DAYTONA_7D[0]]
        await owner.stop()
        await other.stop()


async def test_the_global_bucket_is_shared_by_every_process(tmp_path: Path):
    db = tmp_path / "paddock.db"
    async with Store.open(db) as store_a, Store.open(db) as store_b:
        first = await reserve_slots(store_a, "global", 4, interval_s=0.1, now_s=100.0)
        second = await reserve_slots(store_b, "global", 4, interval_s=0.1, now_s=100.05)
        later = await reserve_slots(store_a, "global", 1, interval_s=0.1, now_s=200.0)
    assert first == 100.0
    assert second == pytest.approx(100.4)  # after the first process's four sends
    assert later == 200.0  # an idle bucket does not save up a burst


def busiest_second(times: list[float]) -> int:
    """Return the most of `times` in any one second."""
    return max(sum(1 for t in times if start <= t < start + 1.0) for start in times)


async def test_slots_a_stalled_event_loop_let_pass_are_not_caught_up_in_a_rush(tmp_path: Path):
    async with Store.open(tmp_path / "paddock.db") as store:
        limiter = GlobalLimiter(SqliteDeliveryStore(store), rate_per_s=45.0, now=time.monotonic)
        sent: list[float] = []

        async def worker() -> None:  # as the scheduler's 16 delivery workers do
            for _ in range(6):
                await limiter.acquire()
                sent.append(time.monotonic())
                limiter.release()

        workers = asyncio.gather(*(worker() for _ in range(16)))
        await asyncio.sleep(0.5)
        time.sleep(0.4)  # noqa: ASYNC251 - the test stalls the loop on purpose (a busy bot)
        await workers
    assert len(sent) == 96
    assert busiest_second(sent) <= 45  # the sends the stall held up go, then the pace waits


async def test_sends_discord_answers_late_all_at_once_are_not_followed_by_a_full_second(
    tmp_path: Path,
):
    async with Store.open(tmp_path / "paddock.db") as store:
        limiter = GlobalLimiter(SqliteDeliveryStore(store), rate_per_s=45.0, now=time.monotonic)
        stalled = asyncio.Event()  # Discord's side stalls: what arrives meanwhile waits
        stalled.set()
        answered: list[float] = []

        async def worker() -> None:
            for _ in range(6):
                await limiter.acquire()
                await asyncio.sleep(0.005)
                await stalled.wait()
                answered.append(time.monotonic())  # when Discord counts it
                limiter.release()

        workers = asyncio.gather(*(worker() for _ in range(16)))
        await asyncio.sleep(0.5)
        stalled.clear()
        await asyncio.sleep(0.4)
        stalled.set()
        await workers
    assert len(answered) == 96
    assert busiest_second(answered) <= 45


def test_a_channel_takes_five_messages_in_five_seconds():
    now = [0.0]
    buckets = ChannelBuckets(now=lambda: now[0])
    for _ in range(5):
        assert buckets.wait(7) == 0.0
        buckets.take(7)
    assert buckets.wait(7) == pytest.approx(5.0)
    assert buckets.wait(8) == 0.0  # another channel is not held back
    now[0] = 5.0
    assert buckets.wait(7) == 0.0
    buckets.block(8, 60.0)
    assert buckets.wait(8) == pytest.approx(60.0)
