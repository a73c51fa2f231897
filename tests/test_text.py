"""The shared text helpers: one folding, one spelling rank, one sentence-stop definition."""

from __future__ import annotations

import pytest

from bot.articles import derive_title
from bot.extraction.text import split_sentences
from bot.text import QUOTES_AS_ONE, fold, fold_name, fold_words, spelling_rank


def test_store_keys_keep_apostrophes_while_names_read_them_as_one():
    assert fold("  O’HÁRA  Racing ") == "o’hara racing"
    assert fold_name("O’Hára") == fold_name("o'hara") == "o'hara"
    assert fold("“Fast” ‘lap’", QUOTES_AS_ONE) == "'fast' 'lap'"
    assert fold_words("Rolex 24 At Daytona!") == "rolex 24 at daytona"


@pytest.mark.parametrize(
    ("worse", "better"),
    [("SEBASTIEN BOURDAIS", "Sebastien Bourdais"), ("Sebastien Bourdais", "Sébastien Bourdais"),
     ("Renger Van Der Zande", "Renger van der Zande")],
)  # fmt: skip
def test_spelling_rank_prefers_natural_case_then_accents_then_particles(worse, better):
    assert spelling_rank(better) > spelling_rank(worse)
    assert spelling_rank(better, fullest=True) > spelling_rank(worse, fullest=True)


def test_only_the_fullest_rank_prefers_the_longer_variant():
    assert spelling_rank("Pipo Derani", fullest=True) > spelling_rank("Derani", fullest=True)
    assert spelling_rank("Pipo Derani") == spelling_rank("Derani")


@pytest.mark.parametrize("abbreviation", ["No.", "Dr.", "Jr.", "St.", "Mr.", "Inc.", "J."])
def test_titles_and_sentences_run_on_after_the_same_abbreviations(abbreviation):
    text = f"Kow joined the {abbreviation} Lakeside crew today. Alv stayed home."
    assert derive_title(text) == f"Kow joined the {abbreviation} Lakeside crew today."
    assert [s.text.strip() for s in split_sentences(text)] == [
        f"Kow joined the {abbreviation} Lakeside crew today.",
        "Alv stayed home.",
    ]
