"""/article: title, date, facts found and text; unknown ids."""

from __future__ import annotations

from bot.queries.article import article, split_long


async def test_article_shows_facts_and_text(qs, article_ids):
    article_id = article_ids["preview-2024.txt"]
    answer = await article(qs, id=article_id)

    assert answer.ok
    assert answer.title == "The Aurelia V8 already roars before the 24h of Sunfield"
    assert answer.data["date"] == "2024-01-16"
    assert answer.data["facts"] == {"quotes": 1, "lineups": 3, "results": 1}
    assert answer.data["facts"]["lineups"] == len(answer.data["lineups"])
    assert "3 line-ups, 1 result." in answer.description
    assert {lu["car"] for lu in answer.data["lineups"]} == {"31", "01", "1"}
    assert answer.data["quotes"][0]["speaker"] == "Chris Mattox"
    assert len(answer.data["paragraphs"]) == 6
    text = "\n".join(str(s.value) for s in answer.sections if s.name.startswith("Text"))
    assert "Brightline Motorsport brings back" in text
    assert [s.article_id for s in answer.sources] == [article_id]
    assert "2024-01-16" in answer.description


async def test_sections_fit_embed_fields(qs, article_ids):
    answer = await article(qs, id=article_ids["title-2023.txt"])

    assert all(len(s.value) <= 1024 for s in answer.sections)


async def test_unknown_article_suggests_recent_ones(qs, article_ids):
    answer = await article(qs, id=999)

    assert answer.status == "not_found"
    assert answer.suggestions[0].startswith(f"{article_ids['pole-2024.txt']}: ")


def test_long_paragraphs_are_split_at_spaces():
    pieces = split_long("word " * 500, 100)

    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces).split() == ["word"] * 500
