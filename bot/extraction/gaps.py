"""Gaps to the leader stated apart from a place ("Just 0.071 separated the pair")."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.extraction.document import Document
from bot.facts import Result
from bot.text import fold

GAP_LOOKAHEAD_PARAGRAPHS = 2
_GAP = re.compile(
    r"(?<![\d:.])(\d{1,2}\.\d{3})(?!\d)\s*(?:s\b|secs?\b|seconds?\b)?"
    r"(?=[^.]{0,40}?\b(?:separated|split|behind|off|adrift|slower|back)\b)",
    re.IGNORECASE,
)


def _surnames(result: Result) -> list[str]:
    """Return the folded surnames of a result's drivers."""
    return [fold(name.split()[-1]) for name in result.drivers if name.split()]


def _gap_for(document: Document, result: Result) -> str | None:
    """Return the gap a nearby sentence states for one of the result's drivers."""
    surnames = _surnames(result)
    last = result.paragraph + GAP_LOOKAHEAD_PARAGRAPHS
    for sentence in document.sentences:
        if not result.paragraph <= sentence.paragraph <= last:
            continue
        match = _GAP.search(sentence.text)
        if not match:
            continue
        words = set(re.findall(r"\w+", fold(sentence.text)))
        if any(surname in words for surname in surnames):
            return match.group(1)
    return None


def add_gaps(document: Document, results: list[Result]) -> list[Result]:
    """Give placed results without a detail the gap a nearby sentence states for them."""
    out = []
    for result in results:
        placed = result.kind == "finish" and (result.position or 0) >= 2
        gap = _gap_for(document, result) if placed and not result.detail else None
        out.append(replace(result, detail=gap) if gap else result)
    return out
