"""The literal pre-checks that let extraction skip patterns a sentence cannot match."""

from __future__ import annotations

import re

import pytest

from bot.extraction import results
from bot.extraction.literals import (
    Gated,
    LiteralIndex,
    finditer,
    required_literal_sets,
)
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
        (r"\b(?:a|the)?\s*\d+", set("0123456789")),
        (r"P\d{1,2}|finished", {f"p{d}" for d in range(10)} | {"finished"}),
        (r"(?:first|\d{1,2}(?:st|nd))\s+place", {"place"}),
        (r"\s+|finished", None),
    ],
)
def test_the_literals_of_a_pattern_are_words_every_match_contains(pattern, expected):
    sets = required_literal_sets(re.compile(pattern, re.IGNORECASE))
    found = sets[0] if sets else None  # the most selective set
    assert found == (frozenset(expected) if expected else None)


def test_a_pattern_needing_two_words_is_checked_for_both():
    pattern = re.compile(r"\b(?:won|took)\s+(?:the\s+)?(?:first|\d(?:st|nd))\b", re.IGNORECASE)
    assert {frozenset({"won", "took"})} <= set(required_literal_sets(pattern))
    gate = Gated.of(pattern)
    assert gate.might_match("she took 1st")
    assert not gate.might_match("she took the lead"), "no ordinal: the pattern cannot match"
    index = LiteralIndex.of([gate])
    assert gate.admits(index.present("he won the first"))
    assert not gate.admits(index.present("he won the race"))


def test_no_outcome_pattern_is_skipped_on_a_sentence_it_matches():
    sentences = corpus_sentences()
    gates = [Gated.of(pattern.regex) for pattern in results.PATTERNS]
    index = LiteralIndex.of(gates)
    checked = skipped = 0
    for sentence in sentences:
        folded = sentence.casefold()
        present = index.present(folded)
        for pattern, gate in zip(results.PATTERNS, gates, strict=True):
            assert gate.admits(present) == gate.might_match(folded), sentence
            if pattern.regex.search(sentence):
                checked += 1
                assert gate.admits(present), (pattern.regex.pattern, sentence)
            elif not gate.admits(present):
                skipped += 1
    assert checked > 100
    assert skipped > checked, "the checks skip most patterns a sentence does not match"


def test_a_gated_scan_finds_what_the_pattern_finds_and_skips_the_rest():
    team = re.compile(r"\bTeam\s+[A-Z]\w+")
    text = "Quint drove for Team Brookfield and Team Harlow."
    assert [m.group() for m in finditer(team, text)] == ["Team Brookfield", "Team Harlow"]
    assert list(finditer(team, "Quint drove for Brookfield.")) == []
