"""/lineup: the current drivers of a car, the history beneath, seasons, teams and car numbers."""

from __future__ import annotations

from datetime import date

import pytest

from bot.facts import Article, ArticleFacts, Lineup
from bot.queries.lineup import lineup
from tests.helpers import put_article
from tests.queries.conftest import BRIGHT, HXR, INGESTED_AT, MSR


async def test_latest_lineup_with_the_previous_season_beneath(qs):
    answer = await lineup(qs, car="31")

    assert answer.ok
    current = answer.data["current"]
    assert current["season"] == 2024
    assert current["drivers"] == ["Luca Ferraz", "Jonah Aldine", "Tobias Lindqvist"]
    assert current["team"] == "Harbor Express Racing"
    assert current["car_model"] == "Aurelia V-Series.R"
    assert [(h["season"], h["drivers"]) for h in answer.data["history"]] == [
        (2023, ["Luca Ferraz", "Alasdair Simms", "Jonah Aldine"])
    ]
    assert "Luca Ferraz, Jonah Aldine, Tobias Lindqvist" in answer.description
    assert "Alasdair Simms" in "\n".join(str(s.value) for s in answer.sections)


async def test_same_lineup_in_two_articles_is_one_lineup_citing_both(qs, article_ids):
    answer = await lineup(qs, car="31")

    cited = [s["article_id"] for s in answer.data["current"]["sources"]]
    assert cited == [article_ids["preview-2024.txt"], article_ids["signing.txt"]]
    # The 2023 title article states the line-up twice (text and caption): one entry.
    assert len(answer.data["history"]) == 1
    assert {s.article_id for s in answer.sources} == {
        article_ids["preview-2024.txt"],
        article_ids["signing.txt"],
        article_ids["title-2023.txt"],
    }


async def test_drivers_from_one_article_are_unioned_and_spellings_merged(qs):
    answer = await lineup(qs, car="01")

    assert answer.data["current"]["drivers"] == [
        "Sébastien Bourdin",
        "Reinout van der Berg",
        "Scott Dunmore",
        "Alex Paloma",
    ]
    assert answer.data["history"] == []
    assert answer.data["current"]["team"] == "Cole Granata Racing"


@pytest.mark.parametrize("typed", ["31", "#31", "No. 31", "no.31", "car 31", " #31 "])
async def test_car_number_input_forms(qs, typed):
    answer = await lineup(qs, car=typed)

    assert answer.data["car"] == "31"
    assert answer.data["current"]["drivers"][0] == "Luca Ferraz"


async def test_01_and_1_are_different_cars(qs):
    zero_one = await lineup(qs, car="01")
    one = await lineup(qs, car="1")

    assert zero_one.data["car"] == "01"
    assert one.data["car"] == "1"
    assert one.data["current"]["drivers"] == ["Mara Quint", "Teo Vance"]
    assert "Mara Quint" not in zero_one.data["current"]["drivers"]


async def test_season_filter_shows_that_seasons_lineup(qs):
    answer = await lineup(qs, car="31", season=2023)

    assert answer.data["current"]["season"] == 2023
    assert answer.data["current"]["drivers"] == ["Luca Ferraz", "Alasdair Simms", "Jonah Aldine"]
    assert answer.data["current"]["car_model"] == "Aurelia V-LMDh"
    assert answer.data["history"] == []


async def test_season_without_lineup_is_not_found_with_the_known_seasons(qs):
    answer = await lineup(qs, car="31", season=2019)

    assert answer.status == "not_found"
    assert answer.suggestions == ["#31 in 2024", "#31 in 2023"]


async def test_event_filter_uses_event_aliases(qs):
    answer = await lineup(qs, car="48", event="24h of Sunfield")

    assert answer.ok
    assert answer.data["current"]["season"] == 2021
    assert answer.data["current"]["drivers"][0] == "Jimmie Jansen"


async def test_unknown_car_is_not_found_with_suggestions(qs):
    answer = await lineup(qs, car="7")

    assert answer.status == "not_found"
    assert answer.suggestions
    assert all(s.startswith("#") for s in answer.suggestions)


async def test_team_lists_each_car(qs):
    answer = await lineup(qs, team="HXR")

    assert answer.ok
    cars = {c["car"]: c["current"]["drivers"] for c in answer.data["cars"]}
    assert cars == {
        "31": ["Luca Ferraz", "Jonah Aldine", "Tobias Lindqvist"],
        "48": ["Jimmie Jansen", "Simon Pagnol", "Kenji Kobara", "Mike Rockwell"],
    }
    assert [c["car"] for c in answer.data["cars"]] == ["31", "48"]
    assert answer.sources


async def test_unknown_team_is_not_found_with_suggestions(qs):
    answer = await lineup(qs, team="Nobody Motorsport")

    assert answer.status == "not_found"
    assert answer.suggestions


async def test_every_section_fits_an_embed_field(qs):
    for car in ("31", "01", "1", "48", "60"):
        answer = await lineup(qs, car=car)
        assert all(len(s.value) <= 1024 and len(s.name) <= 256 for s in answer.sections)


async def test_later_partial_mention_joins_the_full_lineup(qs, qstore):
    partial = ArticleFacts(lineups=[Lineup("31", HXR, ("Jonah Aldine", "Luca Ferraz"), 1)])
    story = Article(
        source="test-days.txt",
        title="Aldine and Ferraz lead test",
        body="Aldine and Ferraz lead test\nThe #31 topped the sheets.",
        published=date(2024, 1, 20),
    )
    new_id = await put_article(
        qstore, story, partial, path="test-days.txt", fingerprint="f", now=INGESTED_AT
    )

    answer = await lineup(qs, car="31")

    current = answer.data["current"]
    assert current["drivers"] == ["Luca Ferraz", "Jonah Aldine", "Tobias Lindqvist"]
    assert current["sources"][0]["article_id"] == new_id
    assert current["as_of"] == "2024-01-20"
    assert [h["season"] for h in answer.data["history"]] == [2023]


async def test_season_alone_lists_every_car_of_that_season(qs):
    answer = await lineup(qs, season=2023)

    cars = {c["car"]: c["current"]["drivers"][0] for c in answer.data["cars"]}
    assert cars == {"31": "Luca Ferraz", "60": "Tobias Lindqvist"}
    assert answer.title == "Line-ups (2023)"
    assert answer.sources


async def test_car_of_another_team_is_not_found(qs):
    answer = await lineup(qs, car="60", team="Harbor Express Racing")

    assert answer.status == "not_found"


async def _story(store, path, published, lineup_fact):
    article = Article(source=path, title=path, body=f"{path}\nText.", published=published)
    facts = ArticleFacts(lineups=[lineup_fact])
    return await put_article(store, article, facts, path=path, fingerprint="f", now=INGESTED_AT)


async def test_late_season_announcement_counts_for_the_next_season(qs, qstore):
    new_crew = ("Nadia Okafor", "Colm Brann", "Elio Castaneda")
    announced = await _story(
        qstore, "msr-signs.txt", date(2023, 11, 5), Lineup("60", MSR, new_crew, 1)
    )
    await _story(qstore, "msr-test.txt", date(2024, 1, 10), Lineup("60", MSR, new_crew, 1))

    answer = await lineup(qs, car="60")

    assert answer.data["current"]["season"] == 2024
    assert announced in [s["article_id"] for s in answer.data["current"]["sources"]]
    assert [(h["season"], h["drivers"][0]) for h in answer.data["history"]] == [
        (2023, "Tobias Lindqvist")
    ]


async def test_unchanged_lineup_keeps_its_earlier_season(qs, qstore):
    await _story(
        qstore,
        "bright-2023.txt",
        date(2023, 5, 1),
        Lineup("1", BRIGHT, ("Mara Quint", "Teo Vance"), 1),
    )

    answer = await lineup(qs, car="1")

    assert answer.data["current"]["season"] == 2024
    assert [h["season"] for h in answer.data["history"]] == [2023]
