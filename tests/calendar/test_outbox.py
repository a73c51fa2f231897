"""The persisted outbox on a real SQLite file: late, dropped, sent once, moved, paused."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot.schedule.calendar import Calendar
from bot.schedule.outbox import (
    choose_daily_quote,
    drop_post,
    due_posts,
    get_post,
    get_settings,
    mark_sent,
    pause_guild,
    posts,
    prune_done,
    record_qotd,
    resume_guild,
    save_settings,
    sync_plan,
)
from bot.schedule.planning import GuildSettings, plan_posts
from bot.store import Store
from tests.calendar.conftest import at
from tests.calendar.test_calendar import _move

GUILD = 1
SETTINGS = GuildSettings(GUILD, channel_id=10)
NEW_YEAR = at("2024-01-01T00:00:00Z")
SEBRING_7D = ("session:imsa-2024-r02-sebring-race", 7 * 86400)


async def planned_store(store: Store, calendar: Calendar, start: datetime = NEW_YEAR) -> None:
    await save_settings(store, SETTINGS, start)
    await sync_plan(store, plan_posts(SETTINGS, calendar, start=start), start)


async def test_settings_round_trip(store: Store):
    assert await get_settings(store, 5) == GuildSettings(5)
    wanted = GuildSettings(
        5,
        channel_id=77,
        ping_role_id=88,
        timezone="Europe/Berlin",
        leads=(timedelta(hours=2),),
        qotd_time=time(9, 0),
        session_kinds=("race", "qualifying"),
        news_channel_id=99,
        series=("IMSA", "WEC"),
        server_events=True,
        spoilers=True,
    )
    await save_settings(store, wanted, NEW_YEAR)
    assert await get_settings(store, 5) == wanted
    assert await get_settings(store, 6) == GuildSettings(6)


async def test_a_post_missed_by_ten_minutes_goes_out_marked_late(store: Store, calendar: Calendar):
    await planned_store(store, calendar)
    due = at("2024-01-20T18:40:00Z")  # Rolex 24, one week to go
    ready = await due_posts(store, due + timedelta(minutes=10))
    assert [(p.key.ref, p.status) for p in ready] == [
        ("session:imsa-2024-r01-daytona-race", "sending")
    ]
    assert await mark_sent(store, ready[0].key, 555, due + timedelta(minutes=10))
    stored = await get_post(store, ready[0].key)
    assert (stored.status, stored.message_id, stored.sent) == ("late", 555, True)


async def test_a_post_missed_by_two_hours_is_dropped_not_sent(store: Store, calendar: Calendar):
    await planned_store(store, calendar)
    due = at("2024-01-20T18:40:00Z")
    assert await due_posts(store, due + timedelta(hours=2)) == []
    dropped = [p for p in await posts(store, GUILD) if p.status == "dropped"]
    assert [p.key.ref for p in dropped] == ["session:imsa-2024-r01-daytona-race"]
    assert await due_posts(store, due + timedelta(hours=3)) == []


async def test_a_post_on_time_is_sent_once_and_never_returned_again(
    store: Store, calendar: Calendar
):
    await planned_store(store, calendar)
    due = at("2024-01-20T18:40:00Z")
    assert await due_posts(store, due - timedelta(seconds=1)) == []
    [post] = await due_posts(store, due)
    assert post.status == "sending"
    assert await due_posts(store, due) == []  # claimed: no other wake-up or process gets it
    assert await mark_sent(store, post.key, 1, due)
    assert not await mark_sent(store, post.key, 2, due)  # idempotent: first message id kept
    assert (await get_post(store, post.key)).message_id == 1
    assert (await get_post(store, post.key)).status == "sent"
    assert await due_posts(store, due + timedelta(minutes=5)) == []


async def test_an_event_moved_by_a_day_moves_its_pending_posts_but_not_sent_ones(
    store: Store, calendar: Calendar
):
    await planned_store(store, calendar, at("2024-03-01T00:00:00Z"))
    sent_at = at("2024-03-09T09:00:00Z")  # 09:00 server time (UTC) a week before
    [week_before] = await due_posts(store, sent_at)
    assert week_before.key[1:] == SEBRING_7D
    await mark_sent(store, week_before.key, 9, sent_at)

    moved = _move(calendar, "imsa-2024-r02-sebring", 1)
    now = sent_at + timedelta(hours=1)
    report = await sync_plan(store, plan_posts(SETTINGS, moved, start=now), now)
    # The race-week preview stays on Monday 11 March; the sent week-before post stays sent.
    assert report.moved == [(GUILD, "session:imsa-2024-r02-sebring-race", 86400)]
    assert report.added == [] and report.removed == []
    by_key = {p.key[1:]: p for p in await posts(store, GUILD)}
    assert by_key[("session:imsa-2024-r02-sebring-race", 86400)].due == at("2024-03-16T09:00:00Z")
    sent = by_key[SEBRING_7D]
    assert (sent.status, sent.due, sent.message_id) == ("sent", sent_at, 9)


async def test_a_cancelled_event_removes_its_pending_posts(store: Store, calendar: Calendar):
    await planned_store(store, calendar)
    cancelled = Calendar(
        tuple(
            replace(s, events=tuple(e for e in s.events if e.uid != "imsa-2024-r03-longbeach"))
            for s in calendar.seasons
        )
    )
    report = await sync_plan(store, plan_posts(SETTINGS, cancelled, start=NEW_YEAR), NEW_YEAR)
    assert sorted(k.ref for k in report.removed) == [
        "event:imsa-2024-r03-longbeach",
        "session:imsa-2024-r03-longbeach-race",
        "session:imsa-2024-r03-longbeach-race",
    ]
    assert not [p for p in await posts(store, GUILD) if "2024-r03-longbeach" in p.key.ref]


async def test_syncing_the_same_plan_twice_changes_nothing(store: Store, calendar: Calendar):
    await planned_store(store, calendar)
    before = await posts(store, GUILD)
    report = await sync_plan(store, plan_posts(SETTINGS, calendar, start=NEW_YEAR), NEW_YEAR)
    assert (report.added, report.moved, report.removed) == ([], [], [])
    assert await posts(store, GUILD) == before


async def test_a_paused_server_gets_nothing_until_resumed(store: Store, calendar: Calendar):
    await planned_store(store, calendar)
    await pause_guild(store, GUILD, "channel deleted")
    settings = await get_settings(store, GUILD)
    assert (settings.paused, settings.pause_reason) == (True, "channel deleted")
    due = at("2024-01-20T18:40:00Z")
    assert await due_posts(store, due) == []
    await resume_guild(store, GUILD)
    assert [p.key.ref for p in await due_posts(store, due)] == [
        "session:imsa-2024-r01-daytona-race"
    ]


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


async def test_no_quote_of_the_day_repeats_within_60_days(store: Store):
    await add_quotes(store, 70)
    history: list[tuple[int, date]] = []
    day = date(2024, 1, 1)
    for _ in range(200):
        chosen = await choose_daily_quote(store, GUILD, day)
        assert chosen is not None and 1 <= chosen <= 70
        assert all((day - posted).days >= 60 for quote, posted in history if quote == chosen)
        await record_qotd(store, GUILD, chosen, day)
        history.append((chosen, day))
        day += timedelta(days=1)
    assert len({q for q, _ in history[:70]}) == 70  # every quote once before any repeats


async def test_with_too_few_quotes_a_day_goes_without_rather_than_repeating(store: Store):
    await add_quotes(store, 2)
    await record_qotd(store, GUILD, 1, date(2024, 5, 1))
    await record_qotd(store, GUILD, 2, date(2024, 5, 2))
    assert await choose_daily_quote(store, GUILD, date(2024, 6, 29)) is None
    assert await choose_daily_quote(store, GUILD, date(2024, 6, 30)) == 1


async def test_a_never_posted_quote_comes_before_an_old_one_and_servers_choose_apart(store: Store):
    await add_quotes(store, 2)
    await record_qotd(store, GUILD, 1, date(2023, 1, 1))
    assert await choose_daily_quote(store, GUILD, date(2024, 6, 1)) == 2
    # Another server, the same day: its own history, and the day's pick varies by server.
    picks = {await choose_daily_quote(store, guild, date(2024, 6, 1)) for guild in range(2, 12)}
    assert picks == {1, 2}


async def test_the_quote_of_the_day_varies_from_day_to_day(store: Store):
    await add_quotes(store, 500)
    picks = [await choose_daily_quote(store, GUILD, date(2024, 6, d)) for d in range(1, 11)]
    assert len(set(picks)) == 10
    assert picks == [await choose_daily_quote(store, GUILD, date(2024, 6, d)) for d in range(1, 11)]


async def test_old_delivered_posts_are_pruned_in_chunks_and_unsent_or_recent_ones_stay(
    store: Store, calendar: Calendar
):
    await planned_store(store, calendar)
    cutoff = at("2024-06-01T00:00:00Z")
    rows = await posts(store, GUILD)
    old = [p for p in rows if p.due < cutoff]
    recent = [p for p in rows if p.due >= cutoff]
    for post in old[:3]:
        await mark_sent(store, post.key, 1, post.due)
    await mark_sent(store, old[3].key, 1, old[3].due + timedelta(minutes=10))  # late
    await drop_post(store, old[4].key, "the event is gone")
    await mark_sent(store, recent[0].key, 1, recent[0].due)

    assert await prune_done(store, cutoff, chunk=2) == 5

    kept = {p.key: p for p in await posts(store, GUILD)}
    assert set(kept) == {p.key for p in rows} - {p.key for p in old[:5]}
    assert {kept[p.key].status for p in old[5:]} == {"pending"}  # old but never sent: kept
    assert kept[recent[0].key].status == "sent"
    assert await prune_done(store, cutoff) == 0
