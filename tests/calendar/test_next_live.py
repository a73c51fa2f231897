"""/next during a session: live now with its elapsed time and what follows; the whole
weekend; cars to watch from this season's and last season's line-ups only, with their years."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.clock import OffsetClock
from bot.console.render import render_text
from bot.console.repl import answer_line
from bot.facts import Article, ArticleFacts, Entity, Lineup
from bot.queries.catalogue import command_table
from bot.queries.sessions import next_race
from bot.schedule.calendar import Calendar, parse_calendar
from bot.services import Services
from bot.store import Store
from tests.helpers import put_stories
from tests.queries.conftest import INGESTED_AT, query_config

RACE_START = datetime(2030, 5, 4, 16, 0, tzinfo=UTC)


def _session(uid: str, kind: str, start: datetime | date) -> dict[str, object]:
    return {"uid": uid, "kind": kind, "start": start}


def weekend_calendar() -> Calendar:
    """Return a season: a six-hour race weekend with practice and qualifying, then a sprint."""
    six = {
        "uid": "harbour",
        "round": 1,
        "name": "Harbourside Six Hours",
        "venue": "Harbourside",
        "tz": "UTC",
        "session": [
            _session("harbour-fp", "practice", RACE_START - timedelta(days=1, hours=2)),
            _session("harbour-q", "qualifying", RACE_START - timedelta(days=1)),
            _session("harbour-race", "race", RACE_START),
        ],
    }
    sprint = {
        "uid": "portside",
        "round": 2,
        "name": "Grand Prix of Portside",
        "venue": "Portside",
        "tz": "UTC",
        "session": [_session("portside-race", "race", RACE_START + timedelta(days=14))],
    }
    return parse_calendar({"season": [{"year": 2030, "event": [six, sprint]}]})


def test_during_a_race_next_says_live_now_with_elapsed_time_and_what_follows():
    answer = next_race(weekend_calendar(), RACE_START + timedelta(minutes=20))

    assert answer.ok
    assert answer.title == "Live now: Harbourside Six Hours"
    assert "Live now: Race, 20m in" in answer.description
    assert "Next: Race (Grand Prix of Portside)" in answer.description
    assert answer.data["live"]["elapsed_minutes"] == 20
    assert answer.data["next"]["uid"] == "portside-race"


def test_next_lists_every_session_of_the_weekend_marking_those_over():
    answer = next_race(weekend_calendar(), RACE_START + timedelta(hours=2))

    sections = {s.name: str(s.value) for s in answer.sections}
    assert list(sections) == ["Practice", "Qualifying", "Race"]
    assert sections["Practice"].endswith(" · over")
    assert sections["Race"].endswith(" · live now")


def test_a_race_is_live_as_long_as_its_name_says_then_the_next_weekend_comes():
    calendar = weekend_calendar()

    late = next_race(calendar, RACE_START + timedelta(hours=5, minutes=50))
    after = next_race(calendar, RACE_START + timedelta(hours=6, minutes=10))

    assert late.title == "Live now: Harbourside Six Hours"
    assert "5h 50m in" in late.description
    assert after.title == "Grand Prix of Portside"
    assert after.data["live"] is None


def test_before_the_weekend_next_counts_down_without_live():
    answer = next_race(weekend_calendar(), RACE_START - timedelta(days=3))

    assert answer.title == "Harbourside Six Hours"
    assert "Live now" not in answer.description
    assert [s.name for s in answer.sections] == ["Practice", "Qualifying", "Race"]


def _lineup_article(name: str, published: date, car: str, season: int, driver: str):
    article = Article(
        name, f"{driver} drives the #{car}", f"{driver} drives the #{car}.", published
    )
    facts = ArticleFacts(
        lineups=[Lineup(car, "Kestrel Racing", (driver,), 0, season=season)],
        entities=[Entity("team", "Kestrel Racing"), Entity("person", driver)],
    )
    return article, facts


async def test_cars_to_watch_come_from_this_and_last_season_each_with_its_year(tmp_path):
    db = tmp_path / "next.db"
    stories = [
        _lineup_article("old.txt", date(2021, 2, 1), "48", 2021, "Jim Oldfield"),
        _lineup_article("last.txt", date(2029, 9, 1), "31", 2029, "Pia Lasting"),
        _lineup_article("now.txt", date(2030, 1, 5), "7", 2030, "Ana Brook"),
    ]
    async with Store.open(db) as store:
        await put_stories(store, stories, INGESTED_AT)
        clock = OffsetClock(RACE_START + timedelta(minutes=20))
        services = Services(store, query_config(db), clock, calendar=weekend_calendar())
        answer, problem = await answer_line(services, command_table(), "/next")

    assert answer is not None, problem
    assert answer.data["lineups"] == ["#7 · Kestrel Racing (2030)", "#31 · Kestrel Racing (2029)"]
    text = render_text(answer, now=clock.now())
    assert "Jim Oldfield" not in text and "#48" not in text
    assert "Live now: Race, 20m in" in text
