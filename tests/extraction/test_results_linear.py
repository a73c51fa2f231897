"""Results stages take time linear in their input, even on pathological text.

Only the results stages are timed (the document is analysed first, untimed); inputs that
stress sentence splitting and name finding are the mention stages' own tests.
"""

import time
from collections.abc import Callable
from datetime import date

import pytest

from bot.extraction import Aliases
from bot.extraction.document import analyse
from bot.extraction.lineups import assign_cars
from bot.extraction.results import ResultFinder, main_event

SMALL_CHARS = 12_000
GROWTH = 4
MAX_RATIO = 2.5 * GROWTH
"""Time may grow at most this much when the input grows GROWTH times (quadratic: 16)."""
REPEATS = 5
MIN_SECONDS = 0.005
"""Times below this are noise (CPU time, best of REPEATS, is measured)."""


def _distinct_events(size: int) -> str:
    words = []
    for n in range(size // 20):
        words.append(f"Ab{n:x} Grand Prix")
    return " ".join(words)[:size]


PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    "hyphen runs": lambda n: ("A-" * n)[:n],
    "hyphen runs before an event": lambda n: ("A-" * n)[: n - 12] + " Grand Prix",
    "apostrophes": lambda n: ("O'A" * n)[:n],
    "capital words before an event": lambda n: ("Abc " * n)[: n - 12] + " Grand Prix",
    "distinct events": _distinct_events,
    "outcome phrases": lambda n: ("Nora Falk won the race in the No. 6 in GTD Pro, " * n)[:n],
    "short sentences": lambda n: ("Ivo Lund was second in qualifying. " * n)[:n],
    "class names": lambda n: ("GTD Pro LMP2 GTP Hypercar " * n)[:n],
}


def _results_time(body: str) -> float:
    document = analyse(body.split("\n\n"), Aliases())
    crews = assign_cars(document)
    best = float("inf")
    for _ in range(REPEATS):
        start = time.process_time()
        ResultFinder(document, crews, date(2025, 1, 1)).find()
        main_event(document)
        best = min(best, time.process_time() - start)
    return best


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_results_time_grows_linearly(name):
    make = PATHOLOGICAL[name]
    small = _results_time(make(SMALL_CHARS))
    large = _results_time(make(SMALL_CHARS * GROWTH))
    assert large <= max(small, MIN_SECONDS) * MAX_RATIO, (name, small, large)
