"""The word lists extraction decides by, read once from bot/extraction/data/words.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

WORDS_PATH = Path(__file__).resolve().parent / "data" / "words.toml"


@dataclass(frozen=True, slots=True)
class Words:
    """The lists of words.toml: name prefixes, cue verbs, crew connectors, one-driver series."""

    name_prefixes: frozenset[str]
    never_first: frozenset[str]
    heading_verbs: frozenset[str]
    """Verbs that end a name in a title-case heading ('Ohta Attains …'), casefolded."""
    countries: tuple[str, ...]
    cue_verbs: tuple[str, ...]
    cue_words: frozenset[str]
    """The one-word speech verbs, casefolded (to test a single token)."""
    crew_connectors: tuple[str, ...]
    one_driver_series: tuple[str, ...]
    shared_car_series: tuple[str, ...]
    car_nouns: tuple[str, ...]
    car_connectors: tuple[str, ...]
    roles: tuple[str, ...]
    rival_phrases: tuple[str, ...]


@cache
def words() -> Words:
    """Return the word lists (read from the data file on first use)."""
    data = tomllib.loads(WORDS_PATH.read_text(encoding="utf-8"))
    return Words(
        name_prefixes=frozenset(w.casefold() for w in data["names"]["prefixes"]),
        never_first=frozenset(w.casefold() for w in data["names"]["never_first"]),
        heading_verbs=frozenset(w.casefold() for w in data["names"]["heading_verbs"]),
        countries=tuple(data["names"]["countries"]),
        cue_verbs=tuple(data["quotes"]["cue_verbs"]),
        cue_words=frozenset(w.casefold() for w in data["quotes"]["cue_verbs"] if " " not in w),
        crew_connectors=tuple(data["lineups"]["crew_connectors"]),
        one_driver_series=tuple(data["lineups"]["one_driver_series"]),
        shared_car_series=tuple(data["lineups"]["shared_car_series"]),
        car_nouns=tuple(data["lineups"]["car_nouns"]),
        car_connectors=tuple(data["lineups"]["car_connectors"]),
        roles=tuple(data["lineups"]["roles"]),
        rival_phrases=tuple(data["lineups"]["rival_phrases"]),
    )


def alternation(phrases: tuple[str, ...]) -> str:
    """Return a regex alternation of phrases, longest first, any whitespace between words."""
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)
