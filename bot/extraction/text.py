"""Text helpers for extraction: sentence splitting, car numbers, years and ordinals."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from bot.text import SENTENCE_END_MARKS, is_abbreviation

MAX_NUMBER_DIGITS = 2
_SPACES = re.compile(r"\s+")
_END_MARKS = re.escape(SENTENCE_END_MARKS + "…")
_SENTENCE_END = re.compile(
    rf"(?<![{_END_MARKS}])[{_END_MARKS}]++[\"”’)\]]*+\s+(?=[\"“‘'(\[#A-Z0-9À-Þ])|"
    r"(?<=[a-z]{3})\.(?=[A-Z][a-z]{2})|(?<=\d{4})\.(?=[A-Z][a-z]{2})"
)
"""A sentence's end: its mark and the space after, or a full stop glued to the next sentence
('... in 2014.Last year's titles'), as text pulled from a page often has."""
_WORD_BEFORE = re.compile(r"([^\W\d_]+)\W*\Z")
NOT_CAR_UNITS = (
    r"\s*(?:laps?|seconds?|secs?|s\b|minutes?|mins?|points?|places?|positions?|spots?|years?|"
    r"hours?|kg|km|mph|kph|per\b|%|[.,:]\d|-)"
)
"""What follows 'car' and a number that is not a car number ('the car 25 seconds clear')."""
_MARKED_CAR = re.compile(r"(?:#\s?|\bNo\.\s?|\bNos?\.\s)(\d{1,3})\b")
_CAR_WORDS = ("car", "Car", "umber", "crew", "entry")
"""Words one of which a car number written without '#' or 'No.' comes with."""
_CAR = re.compile(
    r"(?:#\s?|\bNo\.\s?|\bNos?\.\s|\b[Cc]ar\s+(?:No\.\s?|#\s?)?(?=\d{1,3}\b(?!"
    + NOT_CAR_UNITS
    + r")))"
    r"(\d{1,3})\b"
    r"|\b(?:[Tt]he|[Tt]heir|[Hh]is|[Hh]er|[Ii]ts)\s+(\d{1,3})\s+(?=car\b|cars\b|entry\b|crew\b)"
    r"|\b(?:[Tt]he|[Tt]heir|[Hh]is|[Hh]er|[Ii]ts)\s+number\s+(one|two|three|four|five|six|seven|"
    r"eight|nine|ten|\d{1,3})\b"
)
_YEAR = re.compile(r"(?<![\d:.])(19[5-9]\d|20[0-4]\d)(?![\d:]|\.\d)")

ORDINALS: Mapping[str, int] = MappingProxyType({
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
})  # fmt: skip
CARDINALS: Mapping[str, int] = MappingProxyType({
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Span:
    """A slice of a paragraph: its bounds and text."""

    start: int
    end: int
    text: str


def collapse(text: str) -> str:
    """Collapse runs of whitespace to single spaces and strip the ends."""
    return _SPACES.sub(" ", text).strip()


def ordinal_value(word: str) -> int | None:
    """Return the number an ordinal ("third", "13th") or small cardinal word stands for."""
    lowered = word.casefold()
    if lowered[:1] == "p" and lowered[1:].isdigit():
        return int(lowered[1:])
    if lowered in ORDINALS:
        return ORDINALS[lowered]
    if lowered in CARDINALS:
        return CARDINALS[lowered]
    digits = lowered.rstrip("stndrh")
    if digits.isdigit() and lowered[len(digits) :] in {"st", "nd", "rd", "th"}:
        return int(digits)
    return int(lowered) if lowered.isdigit() and len(lowered) <= MAX_NUMBER_DIGITS else None


def split_sentences(text: str) -> list[Span]:
    """Split a paragraph into sentences, keeping offsets; abbreviations do not end one."""
    spans: list[Span] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = _WORD_BEFORE.search(text, max(start, match.start() - 20), match.start() + 1)
        word = before.group(1) if before else ""
        if match.group().startswith(".") and is_abbreviation(word):
            continue
        end = match.end()
        if text[start:end].strip():
            spans.append(Span(start, end, text[start:end]))
        start = end
    if text[start:].strip():
        spans.append(Span(start, len(text), text[start:]))
    return spans


def find_cars(text: str) -> list[Span]:
    """Return car-number mentions with the number as the span text.

    '#31', 'No. 01', 'car 25', 'car No. 25', 'the 25 car', 'the number seven crew'.
    """
    if not any(word in text for word in _CAR_WORDS):
        if "#" not in text and "No" not in text:  # what every other car number starts with
            return []
        return [Span(m.start(), m.end(), m.group(1)) for m in _MARKED_CAR.finditer(text)]
    return [Span(m.start(), m.end(), _car_text(m)) for m in _CAR.finditer(text)]


def _car_text(match: re.Match[str]) -> str:
    """Return the number of a car mention as digits ('number seven' is 7)."""
    number = match.group(1) or match.group(2) or match.group(3)
    return str(CARDINALS.get(number.casefold(), number))


def find_years(text: str) -> list[int]:
    """Return the four-digit years named in a text, in order."""
    return [int(m.group(1)) for m in _YEAR.finditer(text)]
