"""Calendar subscriptions: every session kind, time zones, recurrences, merging, cancelling."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.schedule.calendar import Calendar, load_calendar
from bot.schedule.planning import GuildSettings, plan_posts
from bot.schedule.subscriptions import (
    assign_uids,
    merge,
    parse_subscription,
    save_subscription,
    stored_subscriptions,
)
from bot.store import Store
from tests.conftest import SEEDS

from .fixtures import ics, season_2027

NOW = datetime(2026, 12, 4, tzinfo=UTC)
NY = ZoneInfo("America/New_York")


def test_sessions_of_every_kind_keep_their_instants() -> None:
    found = parse_subscription(season_2027().encode(), "IMSA", NOW)
    daytona, sebring = (item.event for item in found)
    assert daytona.name == "Rolex 24 At Daytona" and daytona.tz == "America/New_York"
    assert [(s.kind, s.start) for s in daytona.sessions] == [
        ("qualifying", datetime(2027, 1, 28, 15, 15, tzinfo=NY)),
        ("race", datetime(2027, 1, 30, 13, 30, tzinfo=NY)),
    ]
    assert sebring.name == "Twelve Hours of Sebring"
    assert [(s.kind, s.start) for s in sebring.sessions] == [
        ("race", datetime(2027, 3, 20, 14, 40, tzinfo=UTC))
    ]


def test_floating_times_are_the_venue_time_and_dates_stay_dates() -> None:
    data = ics(
        [
            "UID:p1\r\nSUMMARY:Road America: Practice 1\r\nDTSTART:20270806T101500",
            "UID:r1\r\nSUMMARY:Road America: Race\r\nDTSTART;VALUE=DATE:20270808",
            "UID:w\r\nSUMMARY:Test days - Test\r\nDTSTART;VALUE=DATE:20270301\r\n"
            "DTEND;VALUE=DATE:20270304\r\nRRULE:FREQ=YEARLY;COUNT=2",
        ],
        extra="X-WR-TIMEZONE:America/Chicago\r\n",
    )
    events = [item.event for item in parse_subscription(data.encode(), "IMSA", NOW)]
    road = next(e for e in events if e.name == "Road America")
    assert road.tz == "America/Chicago"
    practice, race = road.sessions
    assert practice.kind == "practice"
    assert practice.start == datetime(2027, 8, 6, 10, 15, tzinfo=ZoneInfo("America/Chicago"))
    assert race.kind == "race" and race.start == date(2027, 8, 8) and not race.timed
    tests = sorted((e for e in events if e.name == "Test days"), key=lambda e: e.season)
    assert [e.season for e in tests] == [2027, 2028]  # the recurrence, expanded
    assert tests[0].sessions[0].start == date(2027, 3, 1) and tests[0].ends == date(2027, 3, 3)


def shipped() -> Calendar:
    return load_calendar(SEEDS / "calendar.toml")


def test_the_same_event_updates_the_shipped_one_instead_of_doubling_it() -> None:
    base = shipped()
    daytona = base.find_event("Rolex 24", 2026)
    assert daytona is not None
    race = next(s for s in daytona.sessions if s.kind == "race")
    day = race.local_date(daytona.zone)
    data = ics(
        [
            f"UID:feed-race\r\nSUMMARY:{daytona.name} - Race\r\n"
            f"DTSTART;TZID=America/New_York:{day:%Y%m%d}T134500"
        ]
    )
    found = parse_subscription(data.encode(), "IMSA", NOW, base)
    merged = merge(base, assign_uids(found, {}, base))
    same = [e for e in merged.events() if e.season == 2026 and e.name == daytona.name]
    assert [e.uid for e in same] == [daytona.uid]
    assert [s.uid for s in same[0].sessions] == [race.uid]  # its posts move rather than double
    assert same[0].sessions[0].start == datetime.combine(day, datetime.min.time(), NY).replace(
        hour=13, minute=45
    )
    assert merged.series_of(same[0]) == base.series_of(daytona)


async def test_an_event_gone_from_its_feed_is_cancelled_and_its_posts_withdrawn(
    tmp_path: Path,
) -> None:
    base = Calendar()
    url = "http://127.0.0.1:1/imsa.ics"
    settings = GuildSettings(1, channel_id=5)
    async with Store.open(tmp_path / "p.db") as store:

        async def poll(text: str) -> Calendar:
            found = parse_subscription(text.encode(), "IMSA", NOW, base)

            def save(db: sqlite3.Connection) -> None:
                db.execute(
                    "INSERT OR IGNORE INTO sources (url, kind) VALUES (?, 'calendar')", (url,)
                )
                save_subscription(db, url, found, base, NOW)

            await store.write(save)
            return merge(base, await stored_subscriptions(store))

        first = await poll(season_2027())
        moved = await poll(season_2027(race_day="20270131"))
        gone = await poll(ics([season_2027().split("BEGIN:VEVENT")[1].split("END:VEVENT")[0]]))
    names = lambda cal: sorted({e.name for e in cal.events()})  # noqa: E731
    assert names(first) == ["Rolex 24 At Daytona", "Twelve Hours of Sebring"]
    before = {p.key: p.due for p in plan_posts(settings, first, start=NOW)}
    after = {p.key: p.due for p in plan_posts(settings, moved, start=NOW)}
    assert before.keys() == after.keys()  # the moved race keeps its posts, a day later
    moved_keys = {k for k in before if before[k] != after[k]}
    assert moved_keys == {k for k in before if k.ref == "session:daytona-2027-race@test"}
    assert all(after[k] - before[k] == timedelta(days=1) for k in moved_keys)
    assert names(gone) == ["Rolex 24 At Daytona"]
    assert not [p for p in plan_posts(settings, gone, start=NOW) if "sebring" in p.key.ref]
