"""Team and event name variants, read from a TOML data file (seeds/aliases.toml)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.extraction.literals import LiteralIndex
from bot.text import fold_name

SECTIONS = ("teams", "events")
DEFAULT_ALIASES_PATH = Path(__file__).resolve().parents[2] / "seeds" / "aliases.toml"
MEMO_TEXTS = 4_096
"""Sentences whose team and event names are remembered (extraction asks several times)."""
_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"(?<![\w-])\w+")


@dataclass(frozen=True, slots=True)
class Found:
    """A known team or event named in a text: where, as written, and its canonical name."""

    start: int
    end: int
    text: str
    canonical: str


@dataclass(frozen=True)
class Aliases:
    """Canonical team and event names with the variants articles use for them."""

    teams: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    events: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_team_index", _index(self.teams))
        object.__setattr__(self, "_event_index", _index(self.events))
        for section, table in (("teams", self.teams), ("events", self.events)):
            found = (_pattern(table), LiteralIndex(_first_words(table)), _index(table))
            object.__setattr__(self, f"_{section}", found)
        object.__setattr__(self, "_found", {})

    def canonical_team(self, name: str) -> str:
        """Return the canonical team name for a variant (the name itself when unknown)."""
        return self._team_index.get(fold_name(name), name)  # type: ignore[attr-defined]

    def canonical_event(self, name: str) -> str:
        """Return the canonical event name for a variant (the name itself when unknown)."""
        return self._event_index.get(fold_name(name), name)  # type: ignore[attr-defined]

    def find_teams(self, text: str) -> list[Found]:
        """Return the known teams named in a text, longest variant first at each place."""
        return self._memo("teams", text)

    def find_events(self, text: str) -> list[Found]:
        """Return the known events named in a text."""
        return self._memo("events", text)

    def _memo(self, section: str, text: str) -> list[Found]:
        """Return the names of one section found in a text, remembering recent texts."""
        found: dict[tuple[str, str], tuple[Found, ...]] = self._found  # type: ignore[attr-defined]
        key = (section, text)
        hit = found.get(key)
        if hit is None:
            if len(found) >= MEMO_TEXTS:
                found.clear()
            pattern, starts, index = getattr(self, f"_{section}")
            hit = found[key] = tuple(_find(pattern, starts, index, text))
        return list(hit)


def _index(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for canonical, variants in table.items():
        for variant in (canonical, *variants):
            index.setdefault(fold_name(variant), canonical)
    return index


def _pattern(table: Mapping[str, tuple[str, ...]]) -> re.Pattern[str] | None:
    variants = {v for canonical, vs in table.items() for v in (canonical, *vs)}
    if not variants:
        return None
    ordered = sorted(variants, key=len, reverse=True)
    body = "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in ordered)
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)


def _first_words(table: Mapping[str, tuple[str, ...]]) -> frozenset[str]:
    """Return the first words of every variant, casefolded (where a match can start)."""
    return frozenset(
        _WORD.match(v).group().casefold()  # type: ignore[union-attr]
        for canonical, vs in table.items()
        for v in (canonical, *vs)
    )


def _find(
    pattern: re.Pattern[str] | None, starts: LiteralIndex, index: dict[str, str], text: str
) -> list[Found]:
    """Return the variants named in a text, trying the pattern only where a variant's word starts.

    The same matches as `pattern.finditer(text)`, found without running the long alternation
    at every character of the text.
    """
    if pattern is None:
        return []
    found = []
    end = 0
    for at in _candidates(text, starts):
        if at < end:
            continue
        match = pattern.match(text, at)
        if match is None:
            continue
        canonical = index.get(fold_name(match.group()), match.group())
        found.append(Found(match.start(), match.end(), match.group(), canonical))
        end = match.end()
    return found


def _candidates(text: str, starts: LiteralIndex) -> list[int]:
    """Return where a word of the text is the first word of a variant, in order."""
    folded = text.casefold()
    if len(folded) != len(text):  # casefolding changed lengths (ß → ss): go word by word
        return [
            word.start()
            for word in _WORD_START.finditer(text)
            if word.group().casefold() in starts.literals
        ]
    found = []
    for first in starts.present(folded):
        at = folded.find(first)
        while at >= 0:
            word = _WORD_START.match(folded, at)
            if word is not None and word.end() == at + len(first):
                found.append(at)
            at = folded.find(first, at + 1)
    return sorted(found)


def load_aliases(path: Path) -> Aliases:
    """Read an aliases TOML file; a malformed file raises ValueError naming the bad key."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path.name}: not valid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path.name}: cannot be read ({exc})") from None
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise ValueError(f"{path.name}: unknown section {unknown[0]!r} (expected teams, events)")
    tables = {section: _read_table(data.get(section, {}), section, path) for section in SECTIONS}
    return Aliases(teams=tables["teams"], events=tables["events"])


def _read_table(table: object, section: str, path: Path) -> dict[str, tuple[str, ...]]:
    if not isinstance(table, dict):
        raise ValueError(f"{path.name}: {section!r} must be a table of name = [variants]")
    result: dict[str, tuple[str, ...]] = {}
    for key, variants in table.items():
        if not key.strip():
            raise ValueError(f"{path.name}: {section} has an empty name")
        if not isinstance(variants, list) or not all(
            isinstance(v, str) and v.strip() for v in variants
        ):
            raise ValueError(f"{path.name}: {section}.{key!r} must be a list of non-empty strings")
        result[key] = tuple(variants)
    return result
