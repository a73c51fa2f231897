"""The literal pre-checks that let extraction skip patterns a sentence cannot match."""

from __future__ import annotations

import re

import pytest

from bot.extraction import results
from bot.extraction.literals import Gated, finditer, required_literals
from tests.conftest import REPO, SEEDS

CORPUS = REPO / "tests" / "extraction" / "corpus" / "articles"


def corpus_sentences() -> list[str]:
    """Return every line of the seed and test-corpus articles (the texts extraction scans)."""
    files = sorted((SEEDS / "articles").glob("*.txt")) + sorted(CORPUS.glob("*.txt"))
    return [line for path in files for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\bwon\b", {"won"}),
        (r"\b(?:took|claimed)\s+pole\b", {"pole"}),
        (r"(?:victory|win)s?", {"victory", "win"}),
        (r"\b(?:a|the)?\s*\d+", None),
        (r"P\d{1,2}|finished", {"p", "finished"}),
        (r"\d+|finished", None),
    ],
)
def test_the_literals_of_a_pattern_are_words_every_match_contains(pattern, expected):
    found = required_literals(re.compile(pattern, re.IGNORECASE))
    assert found == (frozenset(expected) if expected else None)


def test_no_outcome_pattern_is_skipped_on_a_sentence_it_matches():
    sentences = corpus_sentences()
    checked = 0
    for pattern in results.PATTERNS:
        gate = Gated.of(pattern.regex)
        for sentence in sentences:
            if pattern.regex.search(sentence):
                checked += 1
                assert gate.might_match(sentence.casefold()), (pattern.regex.pattern, sentence)
    assert checked > 100


def test_a_gated_scan_finds_what_the_pattern_finds_and_skips_the_rest():
    team = re.compile(r"\bTeam\s+[A-Z]\w+")
    text = "Quint drove for Team Brookfield and Team Harlow."
    assert [m.group() for m in finditer(team, text)] == ["Team Brookfield", "Team Harlow"]
    assert list(finditer(team, "Quint drove for Brookfield.")) == []
