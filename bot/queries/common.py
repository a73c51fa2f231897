"""Helpers shared by the fact queries: car numbers, spellings, citations and sections."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache, partial
from typing import Any, Protocol, TypeVar

from bot.queries.answers import Section, Source
from bot.queries.inline import LINES, Rich, clip_rich
from bot.text import clip, fold, spelling_rank

FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
CONTINUED = " (cont.)"
SPOILER_ROOM = 4
"""Characters a renderer may add around a result section's value (Discord's `||…||`)."""

_CAR_INPUT = re.compile(
    r"^\s*(?:(?:car|no|nr|num|number)\.?\s*)?#?\s*(\d{1,3})(?![\d:.])", re.IGNORECASE
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d|2100)\b")


def normalize_car(text: str | None) -> str | None:
    """Return the car number in `31`, `#31`, `No. 31` or `car 31` form, keeping leading zeros."""
    if not text:
        return None
    match = _CAR_INPUT.match(text)
    return match.group(1) if match else None


def year_in(text: str | None) -> int | None:
    """Return the first season-like year written in a text, if any."""
    match = _YEAR.search(text or "")
    return int(match.group(1)) if match else None


def parse_date(value: str | None) -> date | None:
    """Parse a stored ISO date, tolerating None and bad values."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def season_of(season: int | None, published: str | None) -> int | None:
    """Return a fact's season: its own, else the year of its article."""
    if season is not None:
        return int(season)
    when = parse_date(published)
    return when.year if when else None


def best_spelling(variants: Iterable[str | None]) -> str:
    """Return the best of several spellings of one name (accented, most complete)."""
    names = [v.strip() for v in variants if v and v.strip()]
    if len(names) < 2:
        return names[0] if names else ""
    return max(names, key=partial(spelling_rank, fullest=True))


def join_names(names: Iterable[str]) -> str:
    """Join names with commas."""
    return ", ".join(names)


def chunk_sections(
    name: str, lines: Iterable[Rich], *, inline: bool = False, spoiler: bool = False
) -> list[Section]:
    """Pack lines into sections of at most 1024 characters; later ones are marked (cont.).

    `spoiler` marks them as race results (room is left for the spoiler tags).
    """
    limit = FIELD_VALUE_LIMIT - SPOILER_ROOM if spoiler else FIELD_VALUE_LIMIT
    sections: list[Section] = []
    current: list[Rich] = []
    size = 0
    for raw in lines:
        line = clip_rich(raw, limit)
        extra = len(line) + (1 if current else 0)
        if current and size + extra > limit:
            sections.append(_section(name, current, len(sections), inline, spoiler))
            current, size = [], 0
            extra = len(line)
        current.append(line)
        size += extra
    if current:
        sections.append(_section(name, current, len(sections), inline, spoiler))
    return sections


def _section(name: str, lines: list[Rich], number: int, inline: bool, spoiler: bool) -> Section:
    """Build one chunk of a long list."""
    title = name if number == 0 else f"{name}{CONTINUED}"
    return Section(clip(title, FIELD_NAME_LIMIT), join_lines(lines), inline=inline, spoiler=spoiler)


def join_lines(lines: Iterable[Rich]) -> Rich:
    """Join lines of answer text (plain stays plain)."""
    listed = list(lines)
    if all(isinstance(line, str) for line in listed):
        return "\n".join(map(str, listed))
    return LINES.join(listed)


def source_from(row: Mapping[str, Any] | Any) -> Source:
    """Build a citation from a row with article_id, title and published."""
    return Source(int(row["article_id"]), row["title"], parse_date(row["published"]))


def source_data(source: Source) -> dict[str, Any]:
    """Return a citation as JSON-ready data."""
    return {
        "article_id": source.article_id,
        "title": source.title,
        "date": source.published.isoformat() if source.published else None,
    }


def short_cite(source: Source) -> str:
    """Return a compact citation for a section line: date and article id."""
    when = source.published.isoformat() if source.published else "undated"
    return f"{when}, article {source.article_id}"


@dataclass(slots=True)
class Citations:
    """The articles an answer cites, each once, in the order first cited."""

    _by_id: dict[int, Source] = field(default_factory=dict)

    def add(self, source: Source) -> Source:
        """Cite an article (again) and return its citation."""
        return self._by_id.setdefault(source.article_id, source)

    def extend(self, sources: Iterable[Source]) -> None:
        """Cite several articles."""
        for source in sources:
            self.add(source)

    def sources(self) -> list[Source]:
        """Return the cited articles."""
        return list(self._by_id.values())


def name_key(entity_id: int | None, name: str) -> str:
    """Return the key that identifies one person or team across spellings."""
    return f"id:{entity_id}" if entity_id is not None else f"name:{fold(name)}"


def team_key(row: Any, names: Spellings) -> str | None:
    """Record the team spellings of a fact row (team, team_id, team_entity); return its key."""
    if not row["team"] and row["team_id"] is None:
        return None
    key = name_key(row["team_id"], row["team"] or row["team_entity"] or "")
    return names.add(key, row["team"], row["team_entity"])


_WORD = re.compile(r"\w+")
_HOURS = re.compile(r"\b(\d+)\s*(?:h|hr|hrs)\b")
EVENT_STOPWORDS = frozenset(
    {"the", "of", "at", "a", "an", "and", "hours", "hour", "race", "round", "edition"}
)
EVENT_SYNONYMS: Mapping[str, str] = {
    "twelve": "12",
    "six": "6",
    "ten": "10",
    "eight": "8",
    "four": "4",
    "1": "",
}
SESSION_WORDS = frozenset(
    {
        "qualifying",
        "practice",
        "warmup",
        "warm",
        "up",
        "test",
        "tests",
        "session",
        "pole",
        "hyperpole",
        "finale",
        "opener",
        "season",
        "overall",
        "class",
        "gtp",
        "lmp2",
        "gtd",
        "pro",
    }
)
_PARENTHESES = re.compile(r"\([^)]*\)")
TOKEN_TYPO_MIN_CHARS = 5
TOKEN_TYPO_CUTOFF = 80.0
EVENT_TOKENS_CACHE = 4_096
"""Event names whose words are kept (the same few names recur in every answer)."""


@lru_cache(maxsize=EVENT_TOKENS_CACHE)
def event_tokens(text: str | None) -> frozenset[str]:
    """Return the folded words that identify an event: no years, filler words or sponsors."""
    folded = _HOURS.sub(r"\1 hours", fold(text or ""))
    tokens = set()
    for word in _WORD.findall(folded):
        if _YEAR.fullmatch(word) or word in EVENT_STOPWORDS:
            continue
        word = EVENT_SYNONYMS.get(word, word)
        if word:
            tokens.add(word)
    return frozenset(tokens)


def _token_in(token: str, words: frozenset[str]) -> bool:
    """Return whether a query word is among an event's words (long words may have a typo)."""
    if token in words:
        return True
    if len(token) < TOKEN_TYPO_MIN_CHARS:
        return False
    from rapidfuzz import fuzz

    return any(fuzz.ratio(token, word) >= TOKEN_TYPO_CUTOFF for word in words)


@dataclass(frozen=True, slots=True)
class EventMatcher:
    """Decide whether a stored event name is the event a user typed.

    Text naming a known event (an alias) matches that event's names only, with any session
    word (qualifying, race…) around them; other text matches events containing its words.
    """

    text: str
    patterns: tuple[frozenset[str], ...]
    names: tuple[frozenset[str], ...] = ()
    year: int | None = None

    def matches(self, event: str | None) -> bool:
        """Return whether a stored event name is the typed event."""
        words = event_tokens(_PARENTHESES.sub(" ", event or ""))
        if self.names:
            return any(n <= words and words - n <= SESSION_WORDS for n in self.names)
        return any(all(_token_in(t, words) for t in pattern) for pattern in self.patterns)


def event_matcher(text: str, alias_groups: Iterable[Iterable[str]] = ()) -> EventMatcher:
    """Build a matcher for typed event text; alias groups are the known events' names."""
    base = event_tokens(text)
    names: set[frozenset[str]] = set()
    for group in alias_groups:
        token_sets = {event_tokens(alias) for alias in group} - {frozenset()}
        if base in token_sets:
            names |= token_sets
    patterns = (base,) if base else ()
    return EventMatcher(text, patterns, tuple(sorted(names, key=sorted)), year_in(text))


@dataclass(slots=True)
class Spellings:
    """Every spelling seen for each person or team key, to display the best one."""

    _seen: dict[str, dict[str, None]] = field(default_factory=dict)
    _best: dict[str, str | None] = field(default_factory=dict)

    def add(self, key: str, *names: str | None) -> str:
        """Record spellings for a key (each once, in first-seen order) and return the key."""
        seen = self._seen.setdefault(key, {})
        for name in names:
            if name and name not in seen:
                seen[name] = None
                self._best.pop(key, None)
        return key

    def update(self, other: Spellings) -> None:
        """Record every spelling another collection holds."""
        for key, names in other._seen.items():
            self.add(key, *names)

    def name(self, key: str | None) -> str | None:
        """Return the best spelling recorded for a key (worked out once per new spelling)."""
        if key is None:
            return None
        if key not in self._best:
            self._best[key] = best_spelling(self._seen.get(key, ())) or None
        return self._best[key]

    def names(self, keys: Iterable[str]) -> list[str]:
        """Return the best spelling of several keys, in order."""
        return [self.name(key) or "?" for key in keys]


def seasons_text(seasons: Iterable[int | None]) -> str:
    """Return seasons as `2023, 2024` (undated ones last)."""
    listed = list(seasons)
    known = sorted({s for s in listed if s is not None})
    undated = ["undated"] if None in listed else []
    return ", ".join([*(str(s) for s in known), *undated])


def person_seasons(pairs: Iterable[tuple[str, int | None]]) -> dict[str, list[int | None]]:
    """Collect the seasons of each person key, in first-seen order."""
    seen: dict[str, list[int | None]] = {}
    for key, season in pairs:
        bucket = seen.setdefault(key, [])
        if season not in bucket:
            bucket.append(season)
    return seen


class _Dated(Protocol):
    """A fact with a season and an event name."""

    @property
    def season(self) -> int | None:
        """Return the fact's season."""
        ...

    @property
    def event(self) -> str | None:
        """Return the fact's event name."""
        ...


FactT = TypeVar("FactT", bound=_Dated)


def keep_season_event(
    facts: list[FactT], season: int | None, matcher: EventMatcher | None
) -> list[FactT]:
    """Keep the facts of the season and event asked for."""
    if matcher is not None:
        facts = [f for f in facts if matcher.matches(f.event)]
    if season is not None:
        facts = [f for f in facts if f.season == season]
    return facts
