"""The results a fan sees from the seed store: seasons, events, sessions and titles named right."""

from pathlib import Path

import pytest

from bot.articles import find_article_files, read_article
from bot.extraction import extract, load_aliases
from bot.facts import Result

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"


@pytest.fixture(scope="module")
def seed_results() -> dict[str, list[Result]]:
    aliases = load_aliases(SEEDS / "aliases.toml")
    found = {}
    for path in find_article_files([SEEDS / "articles"]):
        found[path.name] = extract(read_article(path), aliases=aliases).results
    return found


def _all(seed_results: dict[str, list[Result]]) -> list[Result]:
    return [r for results in seed_results.values() for r in results]


def _surnames(result: Result) -> set[str]:
    return {name.split()[-1] for name in result.drivers}


def test_no_title_for_2024(seed_results):
    titles = [r for r in _all(seed_results) if r.kind == "title"]
    assert titles
    assert [r for r in titles if r.season == 2024] == []


def test_fresh_from_winning_the_title_is_the_season_before(seed_results):
    (title,) = [r for r in seed_results["000_4e3abb27bcd9c051.txt"] if r.kind == "title"]
    assert title.season == 2023
    assert {"Derani", "Aitken"} <= _surnames(title)


def test_aitken_sixth_at_petit_le_mans_2023(seed_results):
    sixth = [r for r in _all(seed_results) if r.position == 6 and "Aitken" in _surnames(r)]
    assert [(r.kind, r.event, r.season, r.session) for r in sixth] == [
        ("finish", "Petit Le Mans", 2023, "race")
    ]


def test_bourdais_second_in_rolex_24_qualifying(seed_results):
    bourdais = [r for r in _all(seed_results) if "Bourdais" in _surnames(r)]
    assert [(r.kind, r.position, r.event, r.session) for r in bourdais] == [
        ("finish", 2, "Rolex 24 At Daytona", "qualifying")
    ]


def test_2023_gtp_title_named_as_such(seed_results):
    titles = [r for r in _all(seed_results) if r.kind == "title"]
    assert all(r.event and "title" in r.event for r in titles)
    gtp = [r for r in titles if r.race_class == "GTP"]
    assert gtp
    assert all(r.season == 2023 and r.event.startswith("2023 ") and "GTP" in r.event for r in gtp)


def test_every_seed_result_keeps_its_sentence(seed_results):
    for name, results in seed_results.items():
        text = " ".join(read_article(SEEDS / "articles" / name).paragraphs)
        flat = " ".join(text.split())
        assert all(r.evidence and r.evidence in flat for r in results), name
