"""The word lists of the results stages, read once from a data file (data/results.toml)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType

WORDS_PATH = Path(__file__).resolve().parent / "data" / "results.toml"
CASE_SENSITIVE_MODALITY = frozenset(
    {"future", "hedge", "intention", "negation", "unknown_time", "not_cues"}
)
"""Cue lists matched as written: 'will' is a cue, 'Will Stevens' and 'In May' are not."""


@dataclass(frozen=True, slots=True)
class WordList:
    """A list of words or phrases and one pattern finding any of them as whole words."""

    words: tuple[str, ...]
    pattern: re.Pattern[str]

    def search(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        """Return the first occurrence in text[start:end], or None."""
        return self.pattern.search(text, start, len(text) if end is None else end)

    def last(self, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
        """Return the last occurrence in text[start:end], or None."""
        found = None
        for found in self.pattern.finditer(text, start, len(text) if end is None else end):  # noqa: B007
            pass
        return found


def word_pattern(words: Iterable[str], *, case_sensitive: bool = False) -> re.Pattern[str]:
    """Return a pattern matching any of the phrases as whole words, longest first."""
    ordered = sorted({w for w in words if w}, key=len, reverse=True)
    alternatives = "|".join(_alternative(w) for w in ordered) or "(?!)"
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w\-])(?:{alternatives})(?![\w]|-(?=\w))", flags)


def _alternative(word: str) -> str:
    """Return one phrase as a pattern: spaces match any whitespace, either apostrophe."""
    return re.escape(word).replace(r"\ ", r"\s+").replace("'", "['’]")


def _word_list(words: Iterable[str], *, case_sensitive: bool = False) -> WordList:
    words = tuple(words)
    return WordList(words, word_pattern(words, case_sensitive=case_sensitive))


_TOKEN = re.compile(r"[^\W_]+")
_JOINER = re.compile(r"[\s\-/]{1,3}")


@dataclass(frozen=True, slots=True)
class Named:
    """Canonical names with their spellings, found word by word (linear in the text)."""

    first: Mapping[str, tuple[tuple[tuple[str, ...], str], ...]]
    case_sensitive: bool

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Return (start, end, canonical name) of every spelling in the text, in order."""
        tokens = list(_TOKEN.finditer(text))
        words = [t.group() if self.case_sensitive else t.group().casefold() for t in tokens]
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(tokens):
            size = self._match(text, tokens, words, i)
            if size:
                phrase, name = size
                out.append((tokens[i].start(), tokens[i + len(phrase) - 1].end(), name))
                i += len(phrase)
            else:
                i += 1
        return out

    def _match(
        self, text: str, tokens: list[re.Match[str]], words: list[str], i: int
    ) -> tuple[tuple[str, ...], str] | None:
        for phrase, name in self.first.get(words[i], ()):
            end = i + len(phrase)
            if end > len(words) or tuple(words[i:end]) != phrase:
                continue
            joined = all(
                _JOINER.fullmatch(text, tokens[k].end(), tokens[k + 1].start())
                for k in range(i, end - 1)
            )
            if joined:
                return phrase, name
        return None


def _named(table: Mapping[str, list[str]], *, case_sensitive: bool) -> Named:
    first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name, spellings in table.items():
        for spelling in [name, *spellings]:
            phrase = tuple(_TOKEN.findall(spelling if case_sensitive else spelling.casefold()))
            if phrase:
                first.setdefault(phrase[0], []).append((phrase, name))
    ordered = {
        word: tuple(sorted(set(phrases), key=lambda p: len(p[0]), reverse=True))
        for word, phrases in first.items()
    }
    return Named(MappingProxyType(ordered), case_sensitive)


@dataclass(frozen=True, slots=True)
class ResultWords:
    """Every word list the results stages use."""

    sessions: Named
    classes: Named
    modality: Mapping[str, WordList]
    previous_season: WordList
    label_anchors: WordList
    place_words: WordList
    makes: frozenset[str]
    team_words: frozenset[str]
    count_nouns: WordList
    contest_nouns: WordList
    battle_nouns: WordList
    descriptor_nouns: WordList
    career_series: WordList
    not_result_tables: WordList
    inside_before: WordList
    inside_after: WordList
    reference_after: WordList
    grid_tables: WordList


@cache
def result_words(path: Path = WORDS_PATH) -> ResultWords:
    """Read the results word lists (once per process)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    modality = {
        key: _word_list(words, case_sensitive=key in CASE_SENSITIVE_MODALITY)
        for key, words in data["modality"].items()
    }
    return ResultWords(
        sessions=_named(data["sessions"], case_sensitive=False),
        classes=_named(data["classes"], case_sensitive=True),
        modality=MappingProxyType(modality),
        previous_season=_word_list(data["seasons"]["previous"]),
        label_anchors=_word_list(data["seasons"]["label_anchors"]),
        place_words=_word_list(data["actors"]["place_words"], case_sensitive=True),
        makes=frozenset(data["actors"]["makes"]),
        team_words=frozenset(data["actors"]["team_words"]),
        count_nouns=_word_list(data["actors"]["count_nouns"]),
        contest_nouns=_word_list(data["actors"]["contest_nouns"]),
        battle_nouns=_word_list(data["actors"]["battle_nouns"]),
        descriptor_nouns=_word_list(data["actors"]["descriptor_nouns"], case_sensitive=True),
        career_series=_word_list(data["actors"]["career_series"], case_sensitive=True),
        not_result_tables=_word_list(data["tables"]["not_results"]),
        inside_before=_word_list(data["events"]["inside_before"], case_sensitive=True),
        inside_after=_word_list(data["events"]["inside_after"], case_sensitive=True),
        reference_after=_word_list(data["events"]["reference_after"]),
        grid_tables=_word_list(data["tables"]["grid"]),
    )
