"""Extraction time grows linearly with hostile input (issue 15): a ratio, not a time.

Each case is a run of one unit (punctuation, hyphen and apostrophe runs, captions, team names,
quotes, crews). The stages of people, line-ups and quotes are timed on an input and on one four
times its size, in the same run; linear code takes about four times as long, quadratic code
sixteen. Results stages add their own cases here.
"""

import time
from collections.abc import Callable

import pytest

from bot.extraction import Aliases, find_lineups
from bot.extraction.document import analyse
from bot.extraction.lineups import assign_cars
from bot.extraction.quotes import extract_quotes

SMALL_CHARS = 15_000
GROWTH = 4
MAX_TIME_RATIO = 8.0
"""Four times the input may take less than eight times as long (quadratic would be 16)."""
REPEATS = 3
MIN_TOTAL_SECONDS = 0.3

UNITS = {
    "full stops": ".",
    "exclamations": "!?",
    "ellipses": "…",
    "hyphen run": "A-",
    "apostrophe run": "O'A",
    "Mc hyphen run": "McAbc-",
    "captions": "#31: Abc, Def, GTP: ",
    "team names": "Team Abc ",
    "cued quotes": '"Abc," said Def. ',
    "open quotes": "“A",
    "single quotes": "‘Abc def,’ ",
    "dashes": "– Abc ",
    "slash lists": "Abc Def/",
    "car connectors": "No. 7 of Abc Def and ",
    "number words": "the number seven crew of Abc Def, ",
    "respectively": "Abc Def and Ghi Jkl, No. 7, respectively ",
    "labels": "ABC DEF, NO. 3 – WINNER: “Abc def.” ",
    "asides": "“Abc – explains Abc Def, who – ",
}
PARAGRAPH_UNITS = {
    "heading lines": "ABC DEF\n\n“Abc def ghi.”\n\nHOW?\n\n",
    "short paragraphs": "Abc Def and Ghi Jkl drove the No. 7.\n\n",
}


def people_stages(body: str) -> None:
    """Run the mention, line-up and quote stages on one article body."""
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    document = analyse(paragraphs, Aliases())
    find_lineups(document, assign_cars(document), None)
    extract_quotes(document)


def fastest_pair(small: Callable[[], None], large: Callable[[], None]) -> tuple[float, float]:
    """Return the fastest time of each of two runs, in seconds, measured in turns.

    Processor time of this process, so other work on a shared machine does not count; taking
    turns exposes both to the same cache effects; the runs repeat at least `REPEATS` times and
    until `MIN_TOTAL_SECONDS` went by, and the fastest of each counts.
    """
    times: tuple[list[float], list[float]] = ([], [])
    while len(times[0]) < REPEATS or sum(times[0]) + sum(times[1]) < MIN_TOTAL_SECONDS:
        for run, spent in ((small, times[0]), (large, times[1])):
            start = time.process_time()
            run()
            spent.append(time.process_time() - start)
    return min(times[0]), min(times[1])


def body_of(unit: str, chars: int) -> str:
    return unit * (chars // len(unit))


@pytest.mark.parametrize("unit", list(UNITS.values()) + list(PARAGRAPH_UNITS.values()),
                         ids=list(UNITS) + list(PARAGRAPH_UNITS))  # fmt: skip
def test_time_grows_linearly(unit):
    small, large = body_of(unit, SMALL_CHARS), body_of(unit, SMALL_CHARS * GROWTH)
    people_stages(small)  # warm the caches of compiled patterns
    small_time, large_time = fastest_pair(
        lambda: people_stages(small), lambda: people_stages(large)
    )
    ratio = large_time / small_time
    assert ratio < MAX_TIME_RATIO, f"{GROWTH}x the input took {ratio:.1f}x the time"
