"""/search: bm25 ranking, phrases, hostile FTS5 input, highlighted snippets."""

from __future__ import annotations

import pytest

from bot.queries.search import fts_query, search
from cogs._render import markdown


async def test_words_of_a_phrase_rank_the_phrase_article_first(qs, article_ids):
    answer = await search(qs, query="qualifying record")

    ids = [hit["article_id"] for hit in answer.data["hits"]]
    assert ids[0] == article_ids["pole-2024.txt"]
    assert article_ids["crowd-2022.txt"] in ids


async def test_quoted_phrase_matches_only_the_phrase(qs, article_ids):
    answer = await search(qs, query='"qualifying record"')

    assert [hit["article_id"] for hit in answer.data["hits"]] == [article_ids["pole-2024.txt"]]
    assert answer.sources[0].article_id == article_ids["pole-2024.txt"]


async def test_title_matches_weigh_more(qs, article_ids):
    answer = await search(qs, query="crowd")

    assert answer.data["hits"][0]["article_id"] == article_ids["crowd-2022.txt"]


async def test_snippet_highlights_matches_in_bold(qs):
    answer = await search(qs, query='"qualifying record"')

    assert "qualifying record" in answer.data["hits"][0]["snippet"]
    assert [h.lower() for h in answer.data["hits"][0]["highlights"]] == ["qualifying record"]
    assert "**qualifying record**" in markdown(answer.sections[0].value).lower()


@pytest.mark.parametrize("hostile", ['"unbalanced', "AND OR", "NEAR(", "a:b", "-x +y", "'; DROP"])
async def test_hostile_input_never_raises(qs, hostile):
    answer = await search(qs, query=hostile)

    assert answer.status in {"ok", "not_found"}


async def test_star_alone_has_nothing_to_search(qs):
    answer = await search(qs, query="*")

    assert answer.status == "not_found"
    assert "no words" in answer.description


async def test_no_article_with_every_word_falls_back_to_any(qs):
    answer = await search(qs, query="crowd zeppelin")

    assert answer.ok
    assert answer.data["mode"] == "any"


async def test_nothing_found(qs):
    answer = await search(qs, query="zeppelin")

    assert answer.status == "not_found"


@pytest.mark.parametrize(
    ("typed", "fts"),
    [
        ('"qualifying record"', '"qualifying record"'),
        ("Ferraz pole", '"Ferraz" "pole"'),
        ('"unbalanced', '"unbalanced"'),
        ("AND OR", '"AND" "OR"'),
        ("*", None),
    ],
)
def test_fts_query_quotes_every_term(typed, fts):
    assert fts_query(typed) == fts
