"""/results: poles with lap times and gaps, grouped by event, fuzzy event names, filters."""

from __future__ import annotations

from datetime import date

import pytest

from bot.facts import Article, ArticleFacts, Result
from bot.queries.results import format_detail, results
from tests.helpers import put_article
from tests.queries.conftest import HXR, INGESTED_AT


def _flat(answer):
    return [(e["season"], e["event"], r) for e in answer.data["events"] for r in e["results"]]


async def test_pole_with_lap_time_and_second_place_gap(qs, article_ids):
    answer = await results(qs, event="Sunfield", season=2024)

    assert answer.ok
    (group,) = answer.data["events"]
    assert (group["season"], group["event"]) == (2024, "Solaris 24 At Sunfield qualifying")
    pole, second = group["results"]
    assert (pole["kind"], pole["drivers"], pole["detail"]) == ("pole", ["Luca Ferraz"], "1:32.656")
    assert (second["position"], second["drivers"]) == (2, ["Sébastien Bourdin"])
    (section,) = answer.sections
    assert section.name == "2024 · Solaris 24 At Sunfield qualifying"
    assert "1:32.656" in str(section.value).splitlines()[0]
    assert "0.071 s behind pole" in str(section.value).splitlines()[1]
    assert [s.article_id for s in answer.sources] == [article_ids["pole-2024.txt"]]


@pytest.mark.parametrize("typed", ["Solaris 24", "24h of Sunfield", "Sunfield 24 Hours", "sunfeld"])
async def test_event_names_are_one_event(qs, typed):
    answer = await results(qs, event=typed)

    events = {(e["season"], e["event"]) for e in answer.data["events"]}
    assert events == {
        (2024, "Solaris 24 At Sunfield qualifying"),
        (2021, "Solaris 24 At Sunfield"),
    }


async def test_spellings_of_one_event_are_grouped_under_its_name(qs, qstore):
    lap = Result("fastest_lap", None, "48", ("Kenji Kobara",), HXR, "24h of Sunfield", "1:36.1", 1)
    story = Article(
        source="lap.txt", title="Kobara lap", body="Kobara lap\nFast.", published=date(2021, 2, 1)
    )
    facts = ArticleFacts(results=[lap])
    await put_article(qstore, story, facts, path="lap.txt", fingerprint="f", now=INGESTED_AT)

    answer = await results(qs, event="Solaris 24", season=2021)

    (group,) = answer.data["events"]
    assert group["event"] == "Solaris 24 At Sunfield"
    assert [r["kind"] for r in group["results"]] == ["finish", "fastest_lap"]


async def test_year_in_the_event_name_filters_the_season(qs):
    answer = await results(qs, event="2021 Solaris 24")

    assert [e["season"] for e in answer.data["events"]] == [2021]


async def test_season_given_ignores_the_year_in_the_stored_name(qs):
    answer = await results(qs, event="Ridgeview Grand Finale", season=2023)

    kinds = [(r["kind"], r["position"]) for _, _, r in _flat(answer)]
    assert kinds == [("win", 1), ("finish", 4)]


async def test_same_title_in_several_articles_is_one_result_citing_each(qs, article_ids):
    answer = await results(qs, event="IMSA SportsCar Championship")

    (title,) = [r for _, _, r in _flat(answer)]
    assert title["kind"] == "title"
    assert title["drivers"] == ["Luca Ferraz", "Alasdair Simms", "Jonah Aldine"]
    assert {s["article_id"] for s in title["sources"]} == {
        article_ids["preview-2024.txt"],
        article_ids["title-2023.txt"],
    }


async def test_driver_filter_by_surname(qs):
    answer = await results(qs, driver="lindqvist")

    assert answer.data["filters"]["driver"] == "Tobias Lindqvist"
    assert [(r["kind"], r["car"]) for _, _, r in _flat(answer)] == [("win", "60")]


async def test_car_filter_keeps_leading_zero(qs):
    zero_one = await results(qs, car="#01")
    one = await results(qs, car="1")

    assert [r["drivers"] for _, _, r in _flat(zero_one)] == [["Sébastien Bourdin"]]
    assert one.status == "not_found"


async def test_events_are_latest_season_first(qs):
    answer = await results(qs)

    seasons = [e["season"] for e in answer.data["events"]]
    assert seasons == sorted(seasons, reverse=True)
    assert answer.sources


async def test_unknown_event_is_not_found_with_event_suggestions(qs):
    answer = await results(qs, event="Monaco Grand Prix")

    assert answer.status == "not_found"
    assert answer.suggestions


async def test_unknown_driver_is_not_found(qs):
    answer = await results(qs, driver="Zed Nobody")

    assert answer.status == "not_found"
    assert answer.title == "No driver found"


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("0.071 behind pole", "0.071 s behind pole"),
        ("+0.071", "0.071 s behind"),
        ("1:32.656", "1:32.656"),
        ("'reigning champions'", "reigning champions"),
        (None, None),
    ],
)
def test_detail_formatting(detail, shown):
    assert format_detail(detail) == shown
