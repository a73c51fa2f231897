"""Answers read only what they show, and say so when a store holds more than they list."""

from __future__ import annotations

from datetime import date

from bot.facts import Article, ArticleFacts, Lineup
from bot.queries import driver as driver_query
from bot.queries import lineup as lineup_query
from bot.queries import quotes as quote_query
from bot.queries import results as results_query
from bot.queries import search as search_query
from bot.queries import team as team_query
from tests.helpers import put_article
from tests.queries.conftest import HXR, INGESTED_AT


async def test_quotes_say_how_many_match_beyond_those_shown(qs, monkeypatch):
    monkeypatch.setattr(quote_query, "SHOWN_QUOTES", 1)

    answer = await quote_query.quote(qs, speaker="ferraz")

    assert len(answer.data["quotes"]) == 1
    assert answer.data["total"] == 3
    assert answer.description == "3 quotes found; showing 1, latest first, and 2 more."


async def test_quote_count_stops_at_the_count_limit(qs, monkeypatch):
    monkeypatch.setattr(quote_query, "COUNT_LIMIT", 1)

    answer = await quote_query.quote(qs, about="the")

    assert answer.description.startswith("1+ quotes found; showing")


async def test_keyword_quotes_are_latest_first(qs):
    answer = await quote_query.quote(qs, about="the")

    dates = [q["source"]["date"] for q in answer.data["quotes"]]
    assert len(dates) > 1
    assert dates == sorted(dates, reverse=True)


async def test_results_say_how_many_earlier_results_are_not_shown(qs, monkeypatch):
    monkeypatch.setattr(results_query, "RESULT_ROWS", 1)

    answer = await results_query.results(qs, event="Sunfield", season=2024)

    assert len([r for e in answer.data["events"] for r in e["results"]]) == 1
    assert "earlier not shown" in answer.description


def test_window_starts_where_the_latest_seasons_pass_the_rows():
    counts = [(2024, 2), (2023, 2), (2019, 1), (2018, 1)]

    assert lineup_query.window_start(counts, 4) == (2019, 1)
    assert lineup_query.window_start(counts, 1) == (2024, 3)
    assert lineup_query.window_start(counts, 6) == (0, 0)


async def _season_story(store, season: int, drivers: tuple[str, ...]) -> None:
    path = f"season-{season}.txt"
    article = Article(source=path, title=path, body=f"{path}\nText.", published=date(season, 3, 1))
    facts = ArticleFacts(lineups=[Lineup("31", HXR, drivers, 1, season=season)])
    await put_article(store, article, facts, path=path, fingerprint="f", now=INGESTED_AT)


async def test_car_lineup_counts_the_earlier_seasons_not_read(qs, qstore, monkeypatch):
    await _season_story(qstore, 2018, ("Ada Older", "Ben Older"))
    await _season_story(qstore, 2019, ("Cy Old", "Di Old"))
    monkeypatch.setattr(lineup_query, "LINEUP_ROWS", 4)

    answer = await lineup_query.lineup(qs, car="31")

    assert answer.data["current"]["season"] == 2024
    assert [h["season"] for h in answer.data["history"]] == [2023, 2019]
    assert answer.data["earlier_seasons"] == 1
    earlier = [s for s in answer.sections if s.name == "Earlier line-ups"]
    assert "earlier season" in earlier[0].value


async def test_team_lineups_say_how_many_cars_are_not_listed(qs, monkeypatch):
    monkeypatch.setattr(lineup_query, "GRID_CARS", 1)

    answer = await lineup_query.lineup(qs, team="HXR")

    assert [c["car"] for c in answer.data["cars"]] == ["31"]
    assert (
        answer.description
        == "1 car, latest line-up each. 1 more car not shown (latest season first)."
    )


async def test_driver_says_how_many_results_are_not_shown(qs, monkeypatch):
    monkeypatch.setattr(driver_query, "DRIVER_RESULT_ROWS", 1)

    answer = await driver_query.driver(qs, name="aldine")

    assert answer.data["more_results"] == 1
    results = [s for s in answer.sections if s.name == "Results"]
    assert "1 earlier result" in results[0].value
    assert "2 results" in answer.description


async def test_search_says_when_more_articles_match_than_it_shows(qs, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_HITS", 1)

    answer = await search_query.search(qs, "the")

    assert len(answer.data["hits"]) == 1
    assert "1 of " in answer.description and "shown" in answer.description


async def test_team_counts_the_results_it_does_not_list(qs, monkeypatch):
    monkeypatch.setattr(team_query, "TEAM_RESULT_ROWS", 1)

    answer = await team_query.team(qs, name="Harbor Express")

    results = [s for s in answer.sections if s.name == "Results"]
    assert "…and 3 earlier results: see /results." in results[0].value
    listed = sum(len(e["results"]) for e in answer.data["results"])
    assert listed == 1
