"""/driver and /team: cars by season, teammates, results, quotes, latest mention."""

from __future__ import annotations

from bot.queries.driver import driver
from bot.queries.team import team


async def test_driver_cars_teammates_results_and_quotes(qs, article_ids):
    answer = await driver(qs, name="aldine")

    assert answer.ok
    assert answer.title == "Jonah Aldine"
    seasons = [(s["season"], s["car"], s["team"]) for s in answer.data["seasons"]]
    assert seasons == [(2024, "31", "Harbor Express Racing"), (2023, "31", "Harbor Express Racing")]
    mates = {m["name"]: m["seasons"] for m in answer.data["teammates"]}
    assert mates == {
        "Luca Ferraz": [2024, 2023],
        "Tobias Lindqvist": [2024],
        "Alasdair Simms": [2023],
    }
    kinds = [r["kind"] for e in answer.data["results"] for r in e["results"]]
    assert sorted(kinds) == ["finish", "title"]
    assert answer.data["quotes"] == 1
    assert answer.data["latest_mention"]["article_id"] == article_ids["preview-2024.txt"]
    assert answer.sources


async def test_driver_typo_and_accents(qs):
    answer = await driver(qs, name="sebastien bourdn")

    assert answer.title == "Sébastien Bourdin"
    assert answer.data["seasons"][0]["car"] == "01"


async def test_driver_in_two_teams(qs):
    answer = await driver(qs, name="Lindqvist")

    teams = [(s["season"], s["team"]) for s in answer.data["seasons"]]
    assert teams == [(2024, "Harbor Express Racing"), (2023, "Meadow Shank Racing")]


async def test_unknown_driver(qs):
    answer = await driver(qs, name="Nobody At All")

    assert answer.status == "not_found"
    assert answer.suggestions


async def test_team_cars_drivers_results(qs):
    answer = await team(qs, name="Harbor Express")

    assert answer.title == "Harbor Express Racing"
    assert [c["car"] for c in answer.data["cars"]] == ["31", "48"]
    history = [(lu["season"], lu["drivers"][0]) for lu in answer.data["cars"][0]["lineups"]]
    assert history == [(2024, "Luca Ferraz"), (2023, "Luca Ferraz")]
    drivers = {d["name"]: d["seasons"] for d in answer.data["drivers"]}
    assert drivers["Jonah Aldine"] == [2023, 2024]
    assert "Alasdair Simms" in drivers
    assert answer.data["results"]
    assert answer.sources


async def test_unknown_team(qs):
    answer = await team(qs, name="Zzyzx Racing")

    assert answer.status == "not_found"
