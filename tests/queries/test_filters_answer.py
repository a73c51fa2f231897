"""Filters that answer: events an article is about, car numbers as written, makes, typos,
ambiguous names, and suggestions that answer when asked.

Each test builds its own small store of invented articles, so the facts are known exactly.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

from bot.clock import OffsetClock
from bot.console.repl import answer_line
from bot.facts import Article, ArticleFacts, Entity, Lineup, Result
from bot.queries.answers import Answer
from bot.queries.catalogue import command_table, complete
from bot.schedule.calendar import Calendar, parse_calendar
from bot.services import Services
from bot.store import Store
from tests.conftest import paddock
from tests.helpers import put_stories
from tests.queries.conftest import INGESTED_AT, NOW, query_config

SUNFIELD = "Solaris 24 At Sunfield"
EVENTS = (Entity("event", SUNFIELD, ("24 Hours of Sunfield", "Sunfield 24")),)
KESTREL = "Kestrel Racing"
MARLOW = "Marlow Motorsport"
ORBIT = "Orbit Competition"
TEAMS = [
    Entity("team", KESTREL, ("Kestrel",)),
    Entity("team", MARLOW, ("Marlow",)),
    Entity("team", ORBIT, ("Orbit",)),
]


def story(
    name: str,
    published: date,
    text: str,
    *,
    lineups: tuple[Lineup, ...] = (),
    results: tuple[Result, ...] = (),
    entities: tuple[Entity, ...] = (),
) -> tuple[Article, ArticleFacts]:
    """Return one invented article and its facts (its teams and drivers as entities)."""
    people = [Entity("person", d) for lu in lineups for d in lu.drivers]
    facts = ArticleFacts(
        lineups=list(lineups),
        results=list(results),
        entities=[*TEAMS, *people, *entities],
    )
    return Article(name, text.split(".")[0], text, published), facts


@asynccontextmanager
async def services_for(
    tmp_path: Path, stories: list[tuple[Article, ArticleFacts]], calendar: Calendar | None = None
) -> AsyncIterator[Services]:
    """Write the stories into a fresh store and yield services over it."""
    db = tmp_path / "filters.db"
    async with Store.open(db) as store:
        await put_stories(store, stories, INGESTED_AT)
        yield Services(store, query_config(db), OffsetClock(NOW), calendar=calendar)


async def ask(services: Services, line: str) -> Answer:
    """Answer a console line."""
    answer, problem = await answer_line(services, command_table(), line)
    assert answer is not None, problem
    return answer


def sunfield_calendar(year: int, last_day: date) -> Calendar:
    """Return a calendar with the Sunfield race of one season."""
    return parse_calendar(
        {
            "season": [
                {
                    "year": year,
                    "event": [
                        {
                            "uid": f"sunfield-{year}",
                            "name": SUNFIELD,
                            "venue": "Sunfield Speedway",
                            "tz": "America/New_York",
                            "aliases": ["Sunfield"],
                            "session": [
                                {"uid": f"sunfield-{year}-race", "kind": "race", "start": last_day}
                            ],
                        }
                    ],
                }
            ]
        }
    )


PREVIEW = story(
    "preview.txt",
    date(2030, 1, 10),
    "Kestrel Racing is ready for the 24 Hours of Sunfield. "
    "Ana Brook, Cy Dunmore and Eli Fenn drive the #7.",
    lineups=(Lineup("7", KESTREL, ("Ana Brook", "Cy Dunmore", "Eli Fenn"), 1, season=2030),),
    entities=EVENTS,
)
REPORT = story(
    "report.txt",
    date(2030, 3, 20),
    "Kestrel Racing won at Harbourside. "
    "Ana Brook and Gus Hale drove the #7, two months after the Sunfield 24.",
    lineups=(Lineup("7", KESTREL, ("Ana Brook", "Gus Hale"), 1, season=2030),),
    entities=EVENTS,
)
ELSEWHERE = story(
    "elsewhere.txt",
    date(2030, 1, 12),
    "Marlow Motorsport names Ivo Jansen for the #8 this season.",
    lineups=(Lineup("8", MARLOW, ("Ivo Jansen",), 1, season=2030),),
)


async def test_event_filter_finds_the_line_up_of_the_article_about_that_event(tmp_path):
    calendar = sunfield_calendar(2030, date(2030, 1, 27))
    async with services_for(tmp_path, [PREVIEW, REPORT, ELSEWHERE], calendar) as services:
        answer = await ask(services, "/lineup car:7 event:Sunfield")
        grid = await ask(services, "/lineup event:Sunfield")

    assert answer.ok, answer.description
    assert answer.data["current"]["drivers"] == ["Ana Brook", "Cy Dunmore", "Eli Fenn"]
    assert answer.data["current"]["events"] == [SUNFIELD]
    assert {c["car"] for c in grid.data["cars"]} == {"7"}, "the #8 article is not about Sunfield"


async def test_without_the_calendar_an_article_mentioning_the_event_counts(tmp_path):
    async with services_for(tmp_path, [PREVIEW, ELSEWHERE]) as services:
        answer = await ask(services, "/lineup car:7 event:Sunfield")
        other = await ask(services, "/lineup car:8 event:Sunfield")

    assert answer.ok and answer.data["current"]["drivers"][0] == "Ana Brook"
    assert other.status == "not_found"


PADDED = story(
    "padded.txt",
    date(2030, 1, 10),
    "Orbit Competition runs the #05 for Jo Kim and Lu Moss.",
    lineups=(Lineup("05", ORBIT, ("Jo Kim", "Lu Moss"), 1, season=2030),),
)
BOTH = story(
    "both.txt",
    date(2030, 1, 11),
    "Marlow Motorsport runs the #9 for Ivo Jansen; Orbit runs the #09 for Jo Kim.",
    lineups=(
        Lineup("9", MARLOW, ("Ivo Jansen",), 1, season=2030),
        Lineup("09", ORBIT, ("Jo Kim",), 1, season=2030),
    ),
)


async def test_a_car_number_finds_its_zero_padded_form_and_says_so(tmp_path):
    async with services_for(tmp_path, [PADDED, BOTH]) as services:
        padded = await ask(services, "/lineup car:5")
        exact = await ask(services, "/lineup car:9")
        zero = await ask(services, "/lineup car:09")

    assert padded.ok and padded.data["car"] == "05"
    assert "No #5 on record; showing #05" in padded.description
    assert exact.data["car"] == "9" and "on record" not in exact.description
    assert zero.data["car"] == "09" and zero.data["current"]["drivers"] == ["Jo Kim"]


RESULT_ONLY = story(
    "result-only.txt",
    date(2030, 2, 1),
    "Orbit Competition took pole with the #55 at Sunfield.",
    results=(Result("pole", 1, "55", ("Jo Kim",), ORBIT, SUNFIELD, "1:40.1", 0, season=2030),),
    entities=(*EVENTS, Entity("person", "Jo Kim")),
)


async def test_line_up_suggestions_only_offer_cars_that_have_line_ups(tmp_path):
    async with services_for(tmp_path, [PREVIEW, ELSEWHERE, RESULT_ONLY]) as services:
        unknown = await ask(services, "/lineup car:99")
        result_only = await ask(services, "/lineup car:55")
        followed = [await ask(services, f"/lineup car:{s}") for s in unknown.suggestions]

    assert unknown.status == "not_found"
    assert unknown.suggestions, "something is suggested"
    assert "#55" not in unknown.suggestions
    assert all(a.ok for a in followed), [a.description for a in followed]
    assert result_only.status == "not_found"
    assert "#55" not in result_only.suggestions and result_only.suggestions


async def test_line_up_car_autocomplete_offers_only_cars_with_line_ups(tmp_path):
    async with services_for(tmp_path, [PADDED, RESULT_ONLY]) as services:
        lineup_option = command_table()["lineup"].option("car")
        assert lineup_option is not None and lineup_option.complete
        for_lineup = await complete(services, lineup_option.complete, "5")
        for_results = await complete(services, "car", "5")

    assert "05" in for_lineup and "55" not in for_lineup
    assert "55" in for_results


MAKES = story(
    "makes.txt",
    date(2030, 1, 10),
    "Kestrel and Marlow race the Velox V-LMDh; Orbit races an Aurel GT3.",
    lineups=(
        Lineup("7", KESTREL, ("Ana Brook",), 1, car_model="Velox V-LMDh", season=2030),
        Lineup("8", MARLOW, ("Ivo Jansen",), 1, car_model="Velox VR-24", season=2030),
        Lineup("05", ORBIT, ("Jo Kim",), 1, car_model="Aurel GT3", season=2030),
    ),
)


async def test_a_make_lists_every_team_running_it_and_says_it_is_a_make(tmp_path):
    async with services_for(tmp_path, [MAKES]) as services:
        velox = await ask(services, "/lineup team:velox")
        aurel = await ask(services, "/lineup team:Aurel")
        team = await ask(services, "/lineup team:Kestrel")
        team_answer = await ask(services, "/team name:Velox")

    assert velox.ok
    assert "Velox is a make" in velox.description
    assert velox.data["make"]["teams"] == [KESTREL, MARLOW]
    assert {c["car"] for c in velox.data["cars"]} == {"7", "8"}
    assert aurel.data["make"]["teams"] == [ORBIT]
    assert "make" not in team.data and {c["car"] for c in team.data["cars"]} == {"7"}
    assert team_answer.ok and "Velox is a make" in team_answer.description
    assert team_answer.suggestions == [KESTREL, MARLOW]


TYPOS = story(
    "typos.txt",
    date(2030, 1, 10),
    "Alex Palomar and Alexander Simmons share the Kestrel Racing #7.",
    lineups=(Lineup("7", KESTREL, ("Alex Palomar", "Alexander Simmons"), 1, season=2030),),
)


async def test_team_names_forgive_typos_like_driver_names(tmp_path):
    async with services_for(tmp_path, [TYPOS, ELSEWHERE]) as services:
        team = await ask(services, "/team name:kestrl")
        lineup = await ask(services, "/lineup team:marlw")
        driver = await ask(services, "/driver name:palomr")
        far = await ask(services, "/team name:zebra")

    assert team.ok and team.title == KESTREL
    assert lineup.ok and lineup.data["team"] == MARLOW
    assert driver.ok and driver.title == "Alex Palomar"
    assert far.status == "not_found"


async def test_an_ambiguous_name_lists_the_candidates_instead_of_picking_one(tmp_path):
    async with services_for(tmp_path, [TYPOS]) as services:
        alex = await ask(services, "/driver name:Alex")
        speaker = await ask(services, "/quote speaker:Alex")
        full = await ask(services, "/driver name:Alexander")

    assert alex.status == "not_found"
    assert alex.title == "Which driver?"
    assert alex.suggestions == ["Alex Palomar", "Alexander Simmons"]
    assert "Alex Palomar, Alexander Simmons" in alex.description
    assert speaker.suggestions == ["Alex Palomar", "Alexander Simmons"]
    assert full.ok and full.title == "Alexander Simmons"


async def test_the_console_command_line_finds_a_padded_car(tmp_path):
    async with services_for(tmp_path, [PADDED]):
        pass

    result = paddock("--db", str(tmp_path / "filters.db"), "ask", "/lineup car:5", "--json")

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["data"]["car"] == "05"
    assert answer["data"]["typed_car"] == "5"
