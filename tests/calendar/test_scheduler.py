"""The post scheduler on a real SQLite file: restarts, one deliverer, late posts, lost channels."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from bot.delivery.ratelimit import ChannelBuckets
from bot.delivery.scheduler import Deliver, DeliveryResult, OutgoingPost
from bot.delivery.scheduler import PostScheduler as RealScheduler
from bot.queries.posts import render_post
from bot.schedule.calendar import Calendar
from bot.schedule.outbox import OUTBOX_RETENTION, get_settings, next_due, posts, save_settings
from bot.schedule.planning import GuildSettings, plan_posts
from bot.store import Store
from cogs._render import markdown
from tests.calendar.conftest import SetClock, at
from tests.calendar.test_calendar import _move

GUILD = 1
SETTINGS = GuildSettings(GUILD, channel_id=10, ping_role_id=20)
SEASON_POSTS = 35


def PostScheduler(
    store: Store, calendar: Calendar, deliver: Deliver, clock: SetClock, **options: Any
) -> RealScheduler:
    """A scheduler whose channel buckets run on the test's clock (posts months apart in it)."""
    channels = ChannelBuckets(now=lambda: clock.now().timestamp())
    return RealScheduler(store, calendar, deliver, clock, channels=channels, **options)


class Inbox:
    """A fake Discord channel that records every post it is sent."""

    def __init__(self, results: list[DeliveryResult] | None = None) -> None:
        self.sent: list[OutgoingPost] = []
        self.results = list(results or [])

    async def deliver(self, outgoing: OutgoingPost) -> DeliveryResult:
        result = self.results.pop(0) if self.results else None
        if result is None or result.status == "sent":
            self.sent.append(outgoing)
            return result or DeliveryResult.sent(1000 + len(self.sent))
        return result

    @property
    def keys(self) -> list[tuple[str, int]]:
        return [(o.post.key.ref, o.post.key.lead_seconds) for o in self.sent]


async def run_until(scheduler: PostScheduler, clock: SetClock, end: str) -> None:
    """Jump the clock from wake-up to wake-up, as the armed job would, until `end`."""
    stop = at(end)
    while scheduler.next_wake is not None and scheduler.next_wake <= stop:
        clock.set(max(scheduler.next_wake, clock.now()))  # an overdue post: run now
        await scheduler.run_due()
    clock.set(stop)


async def started(store: Store, calendar: Calendar, inbox: Inbox, clock: SetClock) -> PostScheduler:
    """Return a scheduler delivering to `inbox`, started (its start must succeed)."""
    scheduler = PostScheduler(store, calendar, inbox.deliver, clock)
    assert await scheduler.start()
    return scheduler


def season_2024_keys(calendar: Calendar) -> list[tuple[str, int]]:
    planned = plan_posts(SETTINGS, calendar, start=at("2024-01-01T00:00:00Z"))
    return [(p.key.ref, p.key.lead_seconds) for p in planned if p.due.year == 2024]


async def test_a_restart_mid_season_neither_loses_nor_repeats_posts(
    tmp_path: Path, calendar: Calendar
):
    db = tmp_path / "paddock.db"
    clock = SetClock("2024-01-01T00:00:00Z")
    inbox = Inbox()
    async with Store.open(db) as store:
        await save_settings(store, SETTINGS, clock.now())
        first = await started(store, calendar, inbox, clock)
        await run_until(first, clock, "2024-06-17T08:00:00Z")
        await first.stop()
    before_restart = len(inbox.sent)
    # Down for a while: the Glen preview (Mon 17 Jun 09:00 UTC) passes 10 minutes unsent.
    clock.set("2024-06-17T09:10:00Z")
    async with Store.open(db) as store:
        second = await started(store, calendar, inbox, clock)
        assert inbox.keys[before_restart] == ("event:imsa-2024-r06-glen", 0)
        await run_until(second, clock, "2024-12-31T23:59:00Z")
        glen = [p for p in await posts(store, GUILD) if p.key.ref == "event:imsa-2024-r06-glen"]
        assert glen[0].status == "late"
        await second.stop()
    assert before_restart == 17
    assert sorted(inbox.keys) == sorted(season_2024_keys(calendar))
    assert len(inbox.keys) == SEASON_POSTS


async def test_housekeeping_deletes_old_delivered_posts_and_a_restart_neither_loses_nor_repeats(
    tmp_path: Path, calendar: Calendar
):
    db = tmp_path / "paddock.db"
    clock = SetClock("2024-01-01T00:00:00Z")
    inbox = Inbox()
    async with Store.open(db) as store:
        await save_settings(store, SETTINGS, clock.now())
        first = await started(store, calendar, inbox, clock)
        await run_until(first, clock, "2024-06-17T09:01:00Z")  # the Glen preview just went out
        await first.housekeeping()
        kept = [p for p in await posts(store, GUILD) if p.sent]
        await first.stop()
    assert inbox.keys[-1] == ("event:imsa-2024-r06-glen", 0)
    assert 0 < len(kept) < len(inbox.sent)  # the posts sent over 60 days ago are gone
    assert min(p.due for p in kept) >= clock.now() - OUTBOX_RETENTION
    assert ("event:imsa-2024-r06-glen", 0) in {(p.key.ref, p.key.lead_seconds) for p in kept}
    async with Store.open(db) as store:  # a restart right after: the plan meets the kept rows
        second = await started(store, calendar, inbox, clock)
        await run_until(second, clock, "2024-12-31T23:59:00Z")
        await second.stop()
    assert sorted(inbox.keys) == sorted(season_2024_keys(calendar))
    assert len(inbox.keys) == SEASON_POSTS


async def test_every_post_goes_out_at_its_due_time(tmp_path: Path, calendar: Calendar):
    clock = SetClock("2024-01-01T00:00:00Z")
    inbox = Inbox()
    async with Store.open(tmp_path / "p.db") as store:
        await save_settings(store, SETTINGS, clock.now())
        scheduler = PostScheduler(store, calendar, inbox.deliver, clock)
        await scheduler.start()
        await run_until(scheduler, clock, "2024-02-01T00:00:00Z")
        rows = {p.key: p for p in await posts(store, GUILD)}
        await scheduler.stop()
    daytona = [rows[o.post.key] for o in inbox.sent]
    assert [(p.key.lead_seconds, p.sent_at, p.status) for p in daytona] == [
        (7 * 86400, at("2024-01-20T18:40:00Z"), "sent"),
        (0, at("2024-01-22T09:00:00Z"), "sent"),
        (86400, at("2024-01-26T18:40:00Z"), "sent"),
        (3600, at("2024-01-27T17:40:00Z"), "sent"),
    ]
    assert {o.channel_id for o in inbox.sent} == {10}
    assert {o.ping_role_id for o in inbox.sent} == {20}


async def test_a_second_process_on_the_same_database_does_not_post(
    tmp_path: Path, calendar: Calendar
):
    db = tmp_path / "paddock.db"
    clock = SetClock("2024-01-20T18:40:00Z")
    first_inbox, second_inbox = Inbox(), Inbox()
    async with Store.open(db) as store_a, Store.open(db) as store_b:
        await save_settings(store_a, SETTINGS, at("2024-01-01T00:00:00Z"))
        first = PostScheduler(store_a, calendar, first_inbox.deliver, clock)
        second = PostScheduler(store_b, calendar, second_inbox.deliver, clock)
        assert await first.start()
        assert not await second.start()
        assert await second.run_due() == []
        await first.stop()
        await second.stop()
    assert first_inbox.keys == [("session:imsa-2024-r01-daytona-race", 7 * 86400)]
    assert second_inbox.sent == []


async def test_a_lost_channel_pauses_the_server_without_crashing(
    store: Store, calendar: Calendar, caplog: pytest.LogCaptureFixture
):
    clock = SetClock("2024-01-01T00:00:00Z")
    inbox = Inbox([DeliveryResult.channel_gone("Unknown Channel")])
    await save_settings(store, SETTINGS, clock.now())
    scheduler = PostScheduler(store, calendar, inbox.deliver, clock)
    await scheduler.start()
    with caplog.at_level(logging.WARNING):
        await run_until(scheduler, clock, "2024-12-31T00:00:00Z")
    await scheduler.stop()
    settings = await get_settings(store, GUILD)
    assert settings.paused
    assert "Unknown Channel" in (settings.pause_reason or "")
    assert inbox.sent == []
    assert "paused" in caplog.text
    assert {p.status for p in await posts(store, GUILD)} == {"paused"}


async def test_a_temporary_failure_is_retried_once_and_sent_once(store: Store, calendar: Calendar):
    clock = SetClock("2024-01-20T18:00:00Z")
    inbox = Inbox([DeliveryResult.retry("503 Service Unavailable")])
    await save_settings(store, SETTINGS, at("2024-01-01T00:00:00Z"))
    scheduler = PostScheduler(store, calendar, inbox.deliver, clock)
    await scheduler.start()
    clock.set("2024-01-20T18:40:00Z")
    await scheduler.run_due()
    assert inbox.sent == []
    assert scheduler.next_wake == at("2024-01-20T18:42:00Z")
    await run_until(scheduler, clock, "2024-01-21T00:00:00Z")
    await scheduler.stop()
    assert inbox.keys == [("session:imsa-2024-r01-daytona-race", 7 * 86400)]
    [row] = [p for p in await posts(store, GUILD) if p.key == inbox.sent[0].post.key]
    assert (row.status, row.attempts, row.sent_at) == ("late", 1, at("2024-01-20T18:42:00Z"))


async def add_quotes(store: Store, count: int) -> None:
    async with store.transaction() as db:
        await db.execute(
            "INSERT INTO articles (id, path, source, content_hash, published, title, body,"
            " ingested_at) VALUES (7, '/a.txt', 'a.txt', 'h', '2024-01-28', 'Porsche wins',"
            " 'Body', '2024-01-29T00:00:00+00:00')"
        )
        await db.executemany(
            "INSERT INTO quotes (article_id, paragraph, speaker, text) VALUES (7, ?, ?, ?)",
            [(i, f"Driver {i}", f"Quote number {i}") for i in range(count)],
        )


async def test_quote_of_the_day_cites_its_article_and_does_not_repeat(
    store: Store, calendar: Calendar
):
    await add_quotes(store, 8)
    clock = SetClock("2024-06-01T00:00:00Z")
    settings = GuildSettings(
        GUILD,
        channel_id=10,
        timezone="America/New_York",
        qotd_time=time(9, 0),
        events_enabled=False,
    )
    inbox = Inbox()
    await save_settings(store, settings, clock.now())
    scheduler = PostScheduler(store, calendar, inbox.deliver, clock)
    await scheduler.start()
    for day in range(1, 6):
        await run_until(scheduler, clock, f"2024-06-0{day}T23:00:00Z")
        await scheduler.replan()  # what the periodic re-plan job does
    await scheduler.stop()
    answers = [o.answer for o in inbox.sent]
    assert [o.post.due for o in inbox.sent] == [
        at(f"2024-06-0{day}T13:00:00Z") for day in range(1, 6)
    ]
    assert all(a.title == "Quote of the day" for a in answers)
    assert answers[0].sources[0].cite() == "2024-01-28 · Porsche wins (article 7)"
    quote_ids = [a.data["quote_id"] for a in answers]
    assert len(set(quote_ids)) == len(quote_ids)


def test_posts_render_as_discord_timestamps(calendar: Calendar):
    planned = plan_posts(SETTINGS, calendar, start=at("2024-01-01T00:00:00Z"))
    from bot.schedule.outbox import Post

    def rendered(ref: str, lead: int):
        p = next(p for p in planned if (p.key.ref, p.key.lead_seconds) == (ref, lead))
        post = Post(0, p.key, p.kind, p.due, p.payload(), "pending")
        return render_post(post, calendar)

    hour = rendered("session:imsa-2024-r01-daytona-race", 3600)
    assert "Race starts <t:1706380800:R>" in markdown(hour.description)
    preview = rendered("event:imsa-2024-r01-daytona", 0)
    assert preview.title == "Race week: Rolex 24 At Daytona"
    assert markdown(preview.sections[0].value) == "<t:1706380800:F> · <t:1706380800:R>"
    sebring = rendered("session:imsa-2024-r02-sebring-race", 86400)
    assert "Race day is Sat 16 Mar 2024 (in 1 day)" in sebring.description
    assert "not published" in sebring.description
    assert "<t:" not in markdown(sebring.description)


async def test_setting_a_new_channel_resumes_a_paused_server(store: Store, calendar: Calendar):
    clock = SetClock("2024-01-20T18:40:00Z")
    inbox = Inbox([DeliveryResult.forbidden("Missing Access")])
    await save_settings(store, SETTINGS, at("2024-01-01T00:00:00Z"))
    scheduler = PostScheduler(store, calendar, inbox.deliver, clock)
    await scheduler.start()
    assert (await get_settings(store, GUILD)).paused
    clock.set("2024-01-22T08:00:00Z")
    await scheduler.update_settings(replace(await get_settings(store, GUILD), channel_id=11))
    await run_until(scheduler, clock, "2024-01-22T10:00:00Z")
    await scheduler.stop()
    assert not (await get_settings(store, GUILD)).paused
    assert [(o.post.key.ref, o.channel_id) for o in inbox.sent] == [
        ("event:imsa-2024-r01-daytona", 11)
    ]


async def test_an_imported_calendar_change_moves_the_armed_posts(store: Store, calendar: Calendar):
    clock = SetClock("2024-03-01T00:00:00Z")
    inbox = Inbox()
    await save_settings(store, SETTINGS, clock.now())
    scheduler = PostScheduler(store, calendar, inbox.deliver, clock)
    await scheduler.start()
    assert await next_due(store) == at("2024-03-09T09:00:00Z")
    await scheduler.set_calendar(_move(calendar, "imsa-2024-r02-sebring", 1))
    assert await next_due(store) == at("2024-03-10T09:00:00Z")
    await scheduler.stop()


def test_settings_reject_an_unknown_time_zone_with_a_clear_message():
    with pytest.raises(ValueError, match="timezone: expected an IANA time zone"):
        GuildSettings(GUILD, timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="session_kinds"):
        GuildSettings(GUILD, session_kinds=("parade",))


async def test_an_adapter_that_raises_does_not_stop_the_others(store: Store, calendar: Calendar):
    clock = SetClock("2024-01-20T18:40:00Z")
    calls: list[int] = []

    async def flaky(outgoing: OutgoingPost) -> DeliveryResult:
        calls.append(outgoing.guild_id)
        if outgoing.guild_id == 1:
            raise ConnectionResetError("gateway went away")
        return DeliveryResult.sent(7)

    for guild in (1, 2):
        await save_settings(
            store, GuildSettings(guild, channel_id=10 + guild), at("2024-01-01T00:00:00Z")
        )
    scheduler = PostScheduler(store, calendar, flaky, clock)
    await scheduler.start()
    await scheduler.stop()
    assert sorted(calls) == [1, 2]
    states = {
        p.guild_id: (p.status, p.attempts) for p in await posts(store) if p.due == clock.now()
    }
    # Guild 1's attempt failed and counts: it is looked for in its channel before a retry.
    assert states == {1: ("pending", 1), 2: ("sent", 0)}


def test_each_post_has_its_own_stable_discord_nonce(calendar: Calendar):
    from bot.queries.answers import Answer
    from bot.schedule.outbox import Post

    planned = plan_posts(SETTINGS, calendar, start=at("2024-01-01T00:00:00Z"))
    nonces = [
        OutgoingPost(
            Post(0, p.key, p.kind, p.due, p.payload(), "pending"), 1, 10, None, Answer("x")
        ).nonce
        for p in planned
    ]
    assert len(set(nonces)) == len(planned)
    assert all(len(n) <= 25 for n in nonces)


async def test_a_post_whose_attempt_may_have_arrived_is_looked_for_before_a_resend(
    store: Store, calendar: Calendar
):
    clock = SetClock("2024-01-20T18:40:00Z")  # the Rolex 24's 7-day reminder is due
    await save_settings(store, SETTINGS, at("2024-01-01T00:00:00Z"))
    attempts: list[str] = []

    async def hangs_up(outgoing: OutgoingPost) -> DeliveryResult:
        attempts.append(outgoing.nonce)
        raise ConnectionResetError("the connection dropped before Discord answered")

    first = PostScheduler(store, calendar, hangs_up, clock)
    await first.start()
    await asyncio.sleep(0.1)  # the wake-up armed at start runs (and finds nothing) before stop
    await first.stop()
    assert len(attempts) == 1

    looked_for: list[str] = []

    async def found_in_channel(outgoing: OutgoingPost) -> int | None:
        looked_for.append(outgoing.nonce)
        return 4242

    async def must_not_send(outgoing: OutgoingPost) -> DeliveryResult:
        raise AssertionError("sent twice")

    clock.set("2024-01-20T19:05:00Z")  # 25 minutes later: Discord's nonce window has passed
    second = PostScheduler(store, calendar, must_not_send, clock, find_sent=found_in_channel)
    await second.start()
    await second.stop()
    assert looked_for == attempts
    (post,) = [p for p in await posts(store) if p.due == at("2024-01-20T18:40:00Z")]
    assert (post.status, post.message_id) == ("late", 4242)


async def test_a_refused_attempt_is_sent_again_without_looking(store: Store, calendar: Calendar):
    clock = SetClock("2024-01-20T18:40:00Z")
    await save_settings(store, SETTINGS, at("2024-01-01T00:00:00Z"))
    inbox = Inbox([DeliveryResult.rate_limited(1.0, "429 for 1 s")])  # Discord refused it
    looked_for: list[str] = []

    async def find_sent(outgoing: OutgoingPost) -> int | None:
        looked_for.append(outgoing.nonce)
        return None

    scheduler = PostScheduler(store, calendar, inbox.deliver, clock, find_sent=find_sent)
    await scheduler.start()
    await run_until(scheduler, clock, "2024-01-20T19:00:00Z")
    await scheduler.stop()
    assert len(inbox.sent) == 1 and looked_for == []
