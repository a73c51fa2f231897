"""/quote: by speaker (surname is enough), by keyword best first, or a random one."""

from __future__ import annotations

import random

from bot.queries.quotes import quote


async def test_surname_resolves_to_the_speaker(qs, article_ids):
    answer = await quote(qs, speaker="Simms")

    assert answer.ok
    assert answer.data["speaker"] == "Alasdair Simms"
    (found,) = answer.data["quotes"]
    assert found["text"].startswith("I felt a bit like the third wheel")
    assert found["source"]["article_id"] == article_ids["title-2023.txt"]
    assert answer.sections[0].name.startswith("Alasdair Simms")
    assert [s.article_id for s in answer.sources] == [article_ids["title-2023.txt"]]


async def test_speaker_quotes_latest_first(qs):
    answer = await quote(qs, speaker="ferraz")

    texts = [q["text"] for q in answer.data["quotes"]]
    assert len(texts) == 3
    assert texts[-1].startswith("It's been an incredible season")


async def test_keyword_ranks_the_matching_quote_first(qs):
    answer = await quote(qs, about="on rails")

    assert answer.data["quotes"][0]["text"].startswith("The car felt on rails")
    assert "third wheel" not in " ".join(q["text"] for q in answer.data["quotes"])


async def test_keyword_with_a_typo(qs):
    answer = await quote(qs, about="third weel")

    assert answer.data["quotes"][0]["speaker"] == "Alasdair Simms"


async def test_speaker_and_keyword_together(qs):
    answer = await quote(qs, speaker="Ferraz", about="flying")

    (found,) = answer.data["quotes"]
    assert found["text"] == "Obviously, the Aurelia was flying out there today."


async def test_random_quote_is_one_attributed_quote(qs):
    answer = await quote(qs, rng=random.Random(7))

    assert answer.ok
    assert answer.title == "Random quote"
    (found,) = answer.data["quotes"]
    assert found["speaker"]
    assert answer.sources


async def test_random_quote_without_rng_uses_the_clock(qs):
    answer = await quote(qs)

    assert answer.ok
    (found,) = answer.data["quotes"]
    assert found["speaker"]


async def test_no_matching_quote(qs):
    answer = await quote(qs, about="zebra crossing")

    assert answer.status == "not_found"


async def test_unknown_speaker_suggests_names(qs):
    answer = await quote(qs, speaker="Qwerty Uiop")

    assert answer.status == "not_found"
    assert answer.suggestions
