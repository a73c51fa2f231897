"""Autocomplete and name resolution: typos, prefixes first, at most 25, cache refresh."""

from __future__ import annotations

import pytest

from bot.facts import Article, ArticleFacts, Entity, Lineup
from bot.queries.names import complete, resolve
from tests.helpers import put_article
from tests.queries.conftest import INGESTED_AT


@pytest.mark.parametrize(
    ("kind", "typed", "expected"),
    [
        ("person", "ferrazz", "Luca Ferraz"),
        ("driver", "lindkvist", "Tobias Lindqvist"),
        ("speaker", "aldin", "Jonah Aldine"),
        ("team", "granatta", "Cole Granata Racing"),
        ("team", "granata", "Cole Granata Racing"),
        ("team", "hxr", "Harbor Express Racing"),
        ("event", "sunfeld", "Solaris 24 At Sunfield"),
    ],
)
async def test_autocomplete_tolerates_typos_and_aliases(qs, kind, typed, expected):
    names = await complete(qs, kind, typed)

    assert expected in names
    assert len(names) <= 25


async def test_prefix_matches_come_before_fuzzy_ones(qs):
    names = await complete(qs, "person", "jo")

    assert names[0] == "Jonah Aldine"


async def test_empty_input_offers_the_most_mentioned_names(qs):
    names = await complete(qs, "person", "")

    # Aldine and Ferraz are mentioned in the most articles.
    assert names[:2] == ["Jonah Aldine", "Luca Ferraz"]
    assert len(names) <= 25


async def test_best_spelling_is_offered(qs):
    names = await complete(qs, "person", "bourdin")

    assert names == ["Sébastien Bourdin"]


async def test_cars_complete_as_numbers_with_leading_zeros(qs):
    assert await complete(qs, "car", "#0") == ["01", "60"]
    assert set(await complete(qs, "car", "")) == {"31", "01", "1", "48", "60"}


async def test_unknown_kind_is_rejected(qs):
    with pytest.raises(ValueError, match="unknown name kind"):
        await complete(qs, "sponsor", "x")


@pytest.mark.parametrize(
    ("kind", "typed", "name"),
    [
        ("person", "Aldine", "Jonah Aldine"),
        ("person", "ferrazz", "Luca Ferraz"),
        ("person", "SEBASTIEN BOURDIN", "Sébastien Bourdin"),
        ("team", "CGR", "Cole Granata Racing"),
        ("car", "#01", "01"),
    ],
)
async def test_resolve_finds_one_name(qs, kind, typed, name):
    resolution = await resolve(qs, kind, typed)

    assert resolution.name == name
    assert resolution.suggestions == []


async def test_resolve_car_is_exact(qs):
    resolution = await resolve(qs, "car", "001")

    assert resolution.name is None
    assert "01" in resolution.suggestions


async def test_resolve_nothing_close_suggests_names(qs):
    resolution = await resolve(qs, "person", "Xavier Quux")

    assert resolution.name is None
    assert 0 < len(resolution.suggestions) <= 5


async def test_index_is_rebuilt_when_entities_change(qs, qstore):
    assert "Nadia Okafor" not in await complete(qs, "person", "okafor")
    facts = ArticleFacts(
        lineups=[Lineup("7", "Okafor Racing", ("Nadia Okafor", "Piet Janssen"), 1)],
        entities=[Entity("person", "Nadia Okafor")],
    )
    story = Article(source="new.txt", title="Okafor signs", body="Okafor signs\nNadia Okafor.")
    await put_article(qstore, story, facts, path="new.txt", fingerprint="f", now=INGESTED_AT)

    assert await complete(qs, "person", "okafor") == ["Nadia Okafor"]
    assert (await resolve(qs, "car", "7")).name == "7"


async def test_many_entities_still_at_most_25_and_typos_found(qs, qstore):
    crowd = [Entity("person", f"Driver Number{i:04d}") for i in range(2000)]
    crowd.append(Entity("person", "Quentin Vasseur-Lemaire"))
    story = Article(source="entry.txt", title="Entry list", body="Entry list\nEveryone.")
    await put_article(
        qstore,
        story,
        ArticleFacts(entities=crowd),
        path="entry.txt",
        fingerprint="f",
        now=INGESTED_AT,
    )

    assert len(await complete(qs, "person", "driver")) == 25
    assert len(await complete(qs, "person", "")) == 25
    assert (await complete(qs, "person", "vaseur lemaire"))[0] == "Quentin Vasseur-Lemaire"
    assert (await complete(qs, "person", "number0042"))[0] == "Driver Number0042"
