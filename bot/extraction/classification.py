"""Read classification lists: runs of lines that each open with a position.

'1st, Sebastien Buemi, Renault e.dams', '2. #16 ARTA MUGEN NSX-GT (Honda) – A, B',
'4th, Kevin Harvick*': each line holds one place and its holder, nothing else. A run of such
lines with rising positions is a result table; a heading just before it names its class and
session ('GT300 Results:', 'STARTING GRID'), and one naming practice or standings rules it out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.extraction.classes import class_mentions
from bot.extraction.document import Document
from bot.extraction.labels import heading_person, is_heading, recased
from bot.extraction.names import find_mentions
from bot.extraction.result_words import result_words
from bot.extraction.sessions import HYPERPOLE, QUALIFYING, RACE, session_mentions
from bot.extraction.text import find_cars
from bot.facts import Result, ResultKind

MAX_LINE_CHARS = 200
"""The longest line of a table: a place, a car with its description, two or three names."""
MIN_TABLE_LINES = 2
MAX_FIRST_POSITION = 3
"""A table starts at the top: a run opening lower down is a list of something else."""
MAX_GAP_PARAGRAPHS = 3
"""Paragraphs (a driver's quote) allowed between two lines of one table."""
HEADING_LOOKBACK = 3
"""Paragraphs before a table searched for the heading that names its session and class."""
MAX_HEADING_CHARS = 160
MAX_LOWER_WORDS = 2
"""Lower-case words a line may hold ('apr', 'e.dams'): more make it a sentence."""
CAR_AT_START_CHARS = 4
"""How far into a line's holder its car number may start ('#36', '(No. 7)')."""

_DETAIL_PLACE = re.compile(
    r"(?:(?P<finish>Finishing\s+Position|Finish(?:ed)?|Race\s+Result|Result)|"
    r"(?P<start>Starting\s+Position|Start(?:ed)?|Qualified|Qualifying|Grid))\s*:\s*"
    r"(?P<place>P?\d{1,2})(?:st|nd|rd|th)?\b",
    re.IGNORECASE,
)
"""A detail line under a driver's heading: 'Finishing Position: 1st', 'Start: 5th'."""
MAX_DETAIL_CHARS = 80
_POSITION = re.compile(r"\A\s*(?:P|Pos\.?\s*)?(\d{1,2})(?:st|nd|rd|th)?\s*[.,:)–—-]\s+(?=\S)")
_LOWER_WORD = re.compile(r"(?<![\w.])[a-z][a-z'’]+\b")
_DASH = re.compile(r"\s[–—-]\s")
_SENTENCE_INSIDE = re.compile(r"[.!?…][”\"’]?\s+\S")


@dataclass(frozen=True, slots=True)
class _Line:
    """One line of a table: where it is, its place and the holder text after the place."""

    paragraph: int
    position: int
    holder: str


def table_results(document: Document, season: int | None) -> list[Result]:
    """Return the results the article's classification tables state."""
    results: list[Result] = []
    for table in _tables(document):
        heading = _heading(document, table[0].paragraph)
        if _excluded(heading):
            continue
        session = _session(heading)
        named = {c[2] for c in class_mentions(heading)}
        race_class = named.pop() if len(named) == 1 else None
        for line in table:
            result = _result(document, line, session, race_class, season)
            if result is not None:
                results.append(result)
    return results


def detail_results(document: Document, season: int | None) -> list[Result]:
    """Return the places the detail lines under a driver's heading state.

    'DENNY HAMLIN, No. 11 … / Finishing Position: 1st' above his quotes: Hamlin won.
    """
    results: list[Result] = []
    for index, paragraph in enumerate(document.paragraphs):
        text = " ".join(paragraph.split())
        if len(text) > MAX_DETAIL_CHARS or _SENTENCE_INSIDE.search(text):
            continue
        places = list(_DETAIL_PLACE.finditer(text))
        person = heading_person(document, index) if places else None
        if person is None:
            continue
        for place in places:
            position = int(place.group("place").lstrip("Pp"))
            session = RACE if place.group("finish") else QUALIFYING
            stated = _place(position, session, index, season, text)
            results.append(replace(stated, drivers=(person,)))
    return results


def _tables(document: Document) -> list[list[_Line]]:
    """Return the runs of position lines with rising places (quotes may stand between)."""
    tables: list[list[_Line]] = []
    run: list[_Line] = []
    for index, paragraph in enumerate(document.paragraphs):
        line = _line(index, paragraph)
        if line is None:
            continue
        follows = run and line.position > run[-1].position
        if follows and index - run[-1].paragraph <= MAX_GAP_PARAGRAPHS + 1:
            run.append(line)
            continue
        _close(run, tables)
        run = [line] if line.position <= MAX_FIRST_POSITION else []
    _close(run, tables)
    return tables


def _close(run: list[_Line], tables: list[list[_Line]]) -> None:
    if len(run) >= MIN_TABLE_LINES:
        tables.append(list(run))


def _line(index: int, paragraph: str) -> _Line | None:
    """Return a paragraph read as one line of a table, or None."""
    text = " ".join(paragraph.split())
    match = _POSITION.match(text)
    if match is None or len(text) > MAX_LINE_CHARS:
        return None
    holder = text[match.end() :]
    if _SENTENCE_INSIDE.search(holder):
        return None
    if len(_LOWER_WORD.findall(_without_connectors(holder))) > MAX_LOWER_WORDS:
        return None
    return _Line(index, int(match.group(1)), holder)


def _without_connectors(text: str) -> str:
    return re.sub(r"\b(?:and|of|de|da|di|van|der|den|von|le|la)\b", " ", text)


def _heading(document: Document, first: int) -> str:
    """Return the heading lines just before a table (back to the prose or table before it)."""
    parts: list[str] = []
    for index in range(first - 1, max(-1, first - 1 - HEADING_LOOKBACK), -1):
        text = " ".join(document.paragraphs[index].split())
        if _POSITION.match(text) or not _introduces(text):
            break
        parts.insert(0, text)
    return " ".join(parts)


def _introduces(text: str) -> bool:
    """Tell a heading line or a sentence ending in a colon from the prose before a table."""
    return len(text) <= MAX_HEADING_CHARS and (is_heading(text) or text.endswith(":"))


def _excluded(heading: str) -> bool:
    """Tell a table of practice times or standings from one of a session's places."""
    return result_words().not_result_tables.search(heading) is not None


def _session(heading: str) -> str:
    found = {m[2] for m in session_mentions(heading)}
    if HYPERPOLE in found:
        return HYPERPOLE
    if QUALIFYING in found or result_words().grid_tables.search(heading):
        return QUALIFYING
    return RACE


def _result(
    document: Document, line: _Line, session: str, race_class: str | None, season: int | None
) -> Result | None:
    """Return the result one table line states, or None when it names no holder."""
    holder = line.holder.rstrip("*").strip()
    cars = [c for c in find_cars(holder) if c.start <= CAR_AT_START_CHARS]
    car = cars[0].text if cars else None
    people_text = holder
    if car is not None:
        dash = _DASH.search(holder, cars[0].end)
        people_text = holder[dash.end() :] if dash else ""
    drivers = _drivers(document, people_text)
    if car is None and not drivers:
        return None
    teams = document.aliases.find_teams(holder)
    return replace(
        _place(line.position, session, line.paragraph, season, document.paragraphs[line.paragraph]),
        car=car,
        drivers=tuple(drivers),
        team=teams[0].canonical if teams else None,
        race_class=race_class,
    )


def _place(position: int, session: str, paragraph: int, season: int | None, text: str) -> Result:
    """Return a place in a session, no holder yet: first is the race's win or the pole."""
    kind: ResultKind = "finish"
    if position == 1:
        kind = "win" if session == RACE else "pole"
    return Result(
        kind=kind,
        position=position,
        car=None,
        drivers=(),
        team=None,
        event=None,
        detail=None,
        paragraph=paragraph,
        season=season,
        session=session,
        race_class=None,
        evidence=" ".join(text.split()),
    )


def _drivers(document: Document, text: str) -> list[str]:
    """Return the people a table line names: its holder, then full names or known surnames."""
    text = recased(text)
    blocked = [(t.start, t.end) for t in document.aliases.find_teams(text)]
    names: list[str] = []
    for mention in find_mentions(text, blocked=blocked):
        known = document.resolver.lookup(mention.text)
        if known or not names or len(mention.tokens) >= 2:
            names.append(known or " ".join(mention.text.split()))
    return list(dict.fromkeys(names))
