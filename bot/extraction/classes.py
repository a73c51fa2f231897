"""Name the class a result belongs to (GTP, LMP2, GTD Pro, Hypercar, LMGT3...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.extraction.events import clause_bounds
from bot.extraction.text import Span
from bot.extraction.words import result_words

CLASS_REACH_CHARS = 80
"""How far from an outcome phrase a class name may be and still be its class."""
CAR_CLASS_CHARS = 30
"""How close to a car number a class name must be to describe that car."""
MAX_SENTENCE_CHARS = 3000
"""Longer 'sentences' are not prose (results skip them too): no classes are read there."""


def class_mentions(text: str) -> list[tuple[int, int, str]]:
    """Return the class names of a text: (start, end, class)."""
    if not any(ch.isupper() for ch in text):
        return []
    return result_words().classes.find(text)


def class_of(
    text: str, start: int, end: int, car: str | None, car_classes: Mapping[str, str]
) -> str | None:
    """Return the class of an outcome stated at text[start:end], else the class of its car."""
    low, high = clause_bounds(text, start)
    near = [
        (_distance(m, start, end), m[2])
        for m in class_mentions(text)
        if low <= m[0] < high and _distance(m, start, end) <= CLASS_REACH_CHARS
    ]
    if near:
        return min(near)[1]
    return car_classes.get(car) if car else None


def car_classes(sentences: Iterable[tuple[str, list[Span]]]) -> dict[str, str]:
    """Return the class each car number is described with ('No. 79 GTD Pro Mercedes').

    A car described with two different classes in one article gets none.
    """
    seen: dict[str, set[str]] = {}
    for text, cars in sentences:
        if not cars or len(text) > MAX_SENTENCE_CHARS:
            continue
        mentions = class_mentions(text)
        for car in cars:
            for start, stop, name in mentions:
                if car.end <= start <= car.end + CAR_CLASS_CHARS or (
                    car.start - CAR_CLASS_CHARS <= stop <= car.start
                ):
                    between = text[min(car.end, stop) : max(car.start, start)]
                    if "#" not in between and "No." not in between:
                        seen.setdefault(car.text, set()).add(name)
    return {car: names.pop() for car, names in seen.items() if len(names) == 1}


def _distance(mention: tuple[int, int, str], start: int, end: int) -> int:
    if mention[0] < end and start < mention[1]:
        return 0
    return start - mention[1] if mention[1] <= start else mention[0] - end
