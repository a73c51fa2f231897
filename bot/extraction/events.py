"""Name the event and season a fact belongs to."""

from __future__ import annotations

import re
from datetime import date

from bot.extraction.aliases import Aliases, Found
from bot.extraction.result_words import result_words
from bot.extraction.text import find_years, ordinal_value

MAX_NAME_WORD_CHARS = 30
"""The longest word read as part of a race name (bounds the work per position: linear)."""
GENERIC_EVENT = re.compile(
    r"\b(?:(?:[A-Z][\w'’.\-]{0,30}\s+){0,3}(?:Grand\s+Prix|(?:Sports\s?[Cc]ar\s+)?Classic)|"
    r"(?:[A-Z][\w'’.\-]{0,30}\s+){1,3}(?:\d{1,2}|Twelve|Six|Ten|Eight|Four|Three|Two)\s+Hours?|"
    r"(?:\d{1,2}|Twelve|Six|Ten|Eight|Four|Three|Two)\s+Hours(?=\s+(?:of|at)\s+(?:the\s+)?[A-Z])|"
    r"(?:[A-Z][\w'’.\-]{0,30}\s+){1,3}\d{3,4}\s?(?:km|Miles)|"
    r"\d{3,4}\s?(?:km|Miles)(?=\s+(?:of|at)\s+(?:the\s+)?[A-Z]))"
    r"(?:\s+(?:of|at)\s+(?:the\s+)?[A-Z][\w'’\-]{0,30}(?:\s+[A-Z][\w'’\-]{0,30}){0,3})?"
)
YEAR_WINDOW = 80
YEAR_AFTER_WINDOW = 40
_YEARS_AGO = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s+years?\s+ago\b"
)
_LAST_YEAR = re.compile(r"\blast\s+(?:year|season)\b", re.IGNORECASE)
CLAUSE_LOOKBACK = 200
_CLAUSE_BREAK = re.compile(
    r",\s+(?:but|while|whereas|although|though)\b|;|\s[—–]\s|"
    r",\s+and\s+(?=(?:he|she|they|it|his|her|their|its)\b)"
)
_CHAMPIONSHIP = re.compile(r"\b(?:Championship|Cup|Series|title)\b", re.IGNORECASE)
_SEASON_PHRASE = re.compile(
    r"\b((?:19|20)\d\d)\s+(?:[A-Z][\w.\-]*\s+){0,5}(?:season|campaign|Championship|Series|Cup)\b|"
    r"\bseason\s+of\s+((?:19|20)\d\d)\b"
)
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_]+)")
_LAST_WORD = re.compile(r"([^\W\d_]+)[ \t]+\Z")
REFERENCE_CHARS = 20
"""How far after a race's name the word that uses it for another race is looked for."""
NAME_WORD_CHARS = 20
"""How far before an event's name the word that makes it part of a longer one is looked for."""
_THIS_YEAR = re.compile(r"\bthis\s+(?:year|season)\b", re.IGNORECASE)


def find_event(
    text: str, aliases: Aliases, near: int = 0, *, prefer_race: bool = False
) -> str | None:
    """Return the canonical event named in a text, the one nearest to `near` first."""
    known = known_events(text, aliases)
    found = [
        (abs(f.start - near), 0, f.canonical) for f in known if not refers_elsewhere(text, f.end)
    ]
    found += [
        (abs(m.start() - near), 1, m.group().strip())
        for m in GENERIC_EVENT.finditer(text)
        if not any(f.start < m.end() and m.start() < f.end for f in known)
        and not refers_elsewhere(text, m.end())
    ]
    if prefer_race:
        races = [item for item in found if not is_championship(item[2])]
        found = races or found
    return min(found)[2] if found else None


def refers_elsewhere(text: str, end: int) -> bool:
    """Tell a race's name used for another race or a place ('the 2023 Indy 500 champion')."""
    following = result_words().reference_after.search(text, end, end + REFERENCE_CHARS)
    return following is not None and not text[end : following.start()].strip(" -")


def known_events(text: str, aliases: Aliases) -> list[Found]:
    """Return the events the aliases name in a text, less those inside a longer name.

    'Le Mans' in 'the Asian Le Mans Series', 'GT Le Mans' or 'Le Mans Prototype 2' is not
    the 24 Hours of Le Mans (the words that say so are in data/results.toml).
    """
    return [f for f in aliases.find_events(text) if not _inside_name(text, f)]


def _inside_name(text: str, found: Found) -> bool:
    words = result_words()
    after = _NEXT_WORD.match(text, found.end)
    if after and words.inside_before.pattern.fullmatch(after.group(1)):
        return True
    before = _LAST_WORD.search(text, max(0, found.start - NAME_WORD_CHARS), found.start)
    return bool(before and words.inside_after.pattern.fullmatch(before.group(1)))


def find_season(
    text: str,
    published: date | None,
    near: int = 0,
    *,
    end: int | None = None,
    whole_sentence: bool = False,
) -> int | None:
    """Return the season a sentence talks about: a year it names, else the article's year.

    Years are looked for in the clause around `near`..`end` (the phrase stating the fact).
    """
    end = near if end is None else end
    low, high = (0, len(text)) if whole_sentence else clause_bounds(text, near)
    before, after = (len(text), len(text)) if whole_sentence else (YEAR_WINDOW, YEAR_AFTER_WINDOW)
    years = [
        (min(abs(at - near), abs(at - end)), year)
        for at, year in _years_with_positions(text)
        if max(low, near - before) <= at <= min(high, end + after)
    ]
    if years:
        return min(years)[1]
    if published is None:
        return None
    ago = _YEARS_AGO.search(text, low, high)
    if ago and not whole_sentence:
        count = ordinal_value(ago.group(1))
        return published.year - count if count else published.year
    if not whole_sentence and is_relative_past(text[low:high]):
        return published.year - 1
    return published.year


def article_season(paragraphs: list[str]) -> int | None:
    """Return the season an undated article is about: 'the 2024 season', '2024 ... Championship'."""
    for paragraph in paragraphs:
        match = _SEASON_PHRASE.search(paragraph)
        if match:
            return int(match.group(1) or match.group(2))
    return None


def clause_bounds(text: str, at: int) -> tuple[int, int]:
    """Return the bounds of the clause around a position ('..., but ...' splits clauses)."""
    start = 0
    for match in _CLAUSE_BREAK.finditer(text, max(0, at - CLAUSE_LOOKBACK), at):
        start = match.end()
    following = _CLAUSE_BREAK.search(text, at)
    return start, following.start() if following else len(text)


def is_relative_past(text: str) -> bool:
    """Tell whether a sentence places its facts in the previous season ('last year')."""
    return bool(_LAST_YEAR.search(text)) and not _THIS_YEAR.search(text)


def is_championship(event: str | None) -> bool:
    """Tell a championship or cup (a season-long title) from a single race."""
    return bool(event) and bool(_CHAMPIONSHIP.search(event or ""))


def _years_with_positions(text: str) -> list[tuple[int, int]]:
    positions = []
    start = 0
    for year in find_years(text):
        at = text.find(str(year), start)
        positions.append((at, year))
        start = at + 4
    return positions
