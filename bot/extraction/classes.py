"""Name the class a result belongs to (GTP, LMP2, GTD Pro, Hypercar, LMGT3...)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.extraction.events import clause_bounds
from bot.extraction.result_words import result_words
from bot.extraction.text import Span

CLASS_REACH_CHARS = 80
"""How far from an outcome phrase a class name may be and still be its class."""
CAR_CLASS_CHARS = 30
"""How close to a car number a class name must be to describe that car."""


def class_mentions(text: str) -> list[tuple[int, int, str]]:
    """Return the class names of a text: (start, end, class)."""
    if not any(ch.isupper() for ch in text):
        return []
    return result_words().classes.find(text)


def class_of(
    text: str,
    start: int,
    end: int,
    car: str | None,
    car_classes: Mapping[str, str],
    mentions: list[tuple[int, int, str]],
) -> str | None:
    """Return the class of an outcome stated at text[start:end], else the class of its car.

    `mentions` are the class names of the text (class_mentions).
    """
    low, high = clause_bounds(text, start)
    near = [
        (_distance(m, start, end), m[2])
        for m in mentions
        if low <= m[0] < high and _distance(m, start, end) <= CLASS_REACH_CHARS
    ]
    if near:
        return min(near)[1]
    return car_classes.get(car) if car else None


def car_classes(
    sentences: Iterable[tuple[list[Span], list[tuple[int, int, str]]]],
) -> dict[str, str]:
    """Return the class each car number is described with ('No. 79 GTD Pro Mercedes').

    Each sentence comes as its cars and its class names; a class name counts for the car
    right before or after it (no other car between). A car described with two different
    classes in one article gets none.
    """
    seen: dict[str, set[str]] = {}
    for cars, mentions in sentences:
        if not cars or not mentions:
            continue
        for k, car in enumerate(cars):
            low = cars[k - 1].end if k else -1
            high = cars[k + 1].start if k + 1 < len(cars) else None
            for start, stop, name in mentions:
                after = car.end <= start <= car.end + CAR_CLASS_CHARS
                before = car.start - CAR_CLASS_CHARS <= stop <= car.start
                inside = start >= low and (high is None or stop <= high)
                if (after or before) and inside:
                    seen.setdefault(car.text, set()).add(name)
    return {car: names.pop() for car, names in seen.items() if len(names) == 1}


def _distance(mention: tuple[int, int, str], start: int, end: int) -> int:
    if mention[0] < end and start < mention[1]:
        return 0
    return start - mention[1] if mention[1] <= start else mention[0] - end
