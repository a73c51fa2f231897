"""Find person names in text and resolve their variants to one canonical spelling."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.extraction.words import words as word_lists
from bot.text import fold_name, spelling_rank

FUZZY_THRESHOLD = 85.0
MIN_FUZZY_LENGTH = 5
MAX_NAME_TOKENS = 4
MIN_NAME_AFTER_PREFIX = 2
"""A prefix word (Dane, Drivers) is dropped only when a full name follows it (Dane Cameron)."""

PARTICLES = frozenset(
    {"van", "der", "den", "de", "da", "di", "von", "du", "dos", "del", "ter", "le"}
)
# Words that start a sentence or a clause and are never the first name of a person.
STOP_WORDS = frozenset(
    [
        "the", "a", "an", "this", "that", "these", "those", "it", "its", "in", "on", "at",
        "for", "with", "as", "after", "before", "during", "but", "and", "so", "when", "while",
        "since", "just", "all", "photo", "no", "yes", "thanks", "approximately", "obviously",
        "honestly", "quite", "however", "interestingly", "meanwhile", "then", "there", "here",
        "we", "our", "i", "you", "my", "your", "if", "what", "how", "why", "congratulations",
        "according", "asked", "speaking", "joining", "both", "every", "each", "only", "also",
        "even", "first", "second", "third", "last", "next", "new", "former", "current",
        "polesitter", "pole-sitter", "rookie", "veteran", "teammate", "co-driver", "driver",
        "newcomer", "leader", "winner", "runner-up", "owner", "points",
        "reigning", "defending", "team", "by"
    ]
)  # fmt: skip
# Generic vocabulary of organisations, places, events, titles and roles: never part of a name.
NOT_NAME_WORDS = frozenset(
    [
        "racing", "motorsport", "motorsports", "team", "engineering", "autosport",
        "competition", "performance", "development", "championship", "championships", "series",
        "cup", "hours", "hour", "grand", "prix", "petit", "mans", "rolex",
        "international", "speedway", "raceway", "park", "circuit", "road", "beach", "lane",
        "lap", "pro", "class", "award", "manufacturers", "endurance", "sprint", "images",
        "photo", "champion", "champions", "president", "vice", "director", "manager",
        "owner", "co-owner", "global", "general", "motors", "chief", "officer", "principal",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january",
        "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "north", "south", "east", "west", "american", "formula",
        "indycar", "nascar", "qualifying", "hyperpole", "hypercar", "victory", "lane", "track",
        "race", "operations", "marketing", "communications", "program", "technical",
        "sporting", "department", "head", "shootout", "superpole", "trophy", "position",
        "fastest", "motor", "press", "conference", "transcript", "penalty", "penalties",
    ]
)  # fmt: skip
LOCATION_PREPOSITIONS = frozenset({"at", "in", "near"})
INNER_STOP_WORDS = frozenset({"for", "of", "and", "the", "in", "at", "to", "with", "on", "by"})
"""Words a heading capitalises inside a phrase ('Force For Good'): never inside a name."""
POSSESSIVE_DETERMINERS = frozenset({"his", "her", "their", "its"})

_TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:['’\-][^\W\d_]+)*)[^\w]*\Z")
"""The word just before a place, only punctuation and spaces between ('in #8 A' has none)."""
_POSSESSIVE = re.compile(r"['’]s?\Z")
_NEXT_TOKEN = re.compile(r"[ \t]+([\w.\-]+)")
_MC = re.compile(
    r"(?:Mc|Mac|O['’]|D['’]|De|Di|Da|Du|La|Le|Van|Von)?[^\W\d_][^\W\d_A-Z]+"
    r"(?:-[A-ZÀ-Þ][^\W\d_A-Z]+)*\Z"
)


def surname(name: str) -> str:
    """Return the last token of a name, normalised: the key scoring compares ('Jr.' is 'Jr')."""
    tokens = fold_name(name).split()
    return tokens[-1].rstrip(".") if tokens else ""


@dataclass(frozen=True, slots=True)
class Mention:
    """A run of capitalised words in a text that may name a person."""

    start: int
    end: int
    text: str

    @property
    def tokens(self) -> list[str]:
        """Return the words of the mention."""
        return self.text.split()


def is_capitalised(token: str) -> bool:
    """Tell whether a token looks like part of a proper name (Velden, O'Hara, McAllister)."""
    return token[:1].isupper() and not token.isupper() and bool(_MC.match(token))


def _strip_possessive(token: str) -> str:
    return _POSSESSIVE.sub("", token) if token[-2:] in {"’s", "'s"} else token


def find_mentions(text: str, *, blocked: Iterable[tuple[int, int]] = ()) -> list[Mention]:
    """Return runs of capitalised words (with name particles) that could be person names."""
    blocked_list = _merge_spans(blocked)
    mentions: list[Mention] = []
    run: list[re.Match[str]] = []
    previous_end = -1
    for match in _TOKEN.finditer(text):
        token = match.group()
        gap = text[previous_end : match.start()] if previous_end >= 0 else ""
        contiguous = bool(run) and gap.isspace() and "\n" not in gap
        name_like = is_capitalised(_strip_possessive(token)) or token in PARTICLES
        if name_like and text[match.end() : match.end() + 1] in {".", "-"}:
            name_like = not text[match.end() + 1 : match.end() + 2].isalnum()
        if run and (not name_like or not contiguous):
            _close_run(text, run, mentions)
            run = []
        if name_like:
            run.append(match)
        previous_end = match.end()
        if run and token[-2:] in {"’s", "'s"}:
            _close_run(text, run, mentions)
            run = []
    _close_run(text, run, mentions)
    return [
        m
        for m in mentions
        if not _inside(m, blocked_list)
        and not _runs_into(m, blocked_list)
        and not _names_a_vehicle(text, m)
    ]


def _merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return sorted spans with overlapping ones merged (so a bisect finds the right one)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _names_a_vehicle(text: str, mention: Mention) -> bool:
    """Tell a make followed by a model code ('GT3', '911') from a person's name."""
    following = _NEXT_TOKEN.match(text, mention.end)
    if following is None:
        return False
    token = following.group(1)
    return any(ch.isdigit() for ch in token) or (len(token) > 1 and token.isupper())


def _runs_into(mention: Mention, blocked: list[tuple[int, int]]) -> bool:
    """Tell whether a blocked name (an event, a team) starts inside a mention."""
    index = bisect_right(blocked, (mention.start, float("inf")))
    return index < len(blocked) and blocked[index][0] < mention.end


def _inside(mention: Mention, blocked: list[tuple[int, int]]) -> bool:
    index = bisect_right(blocked, (mention.start, float("inf")))
    return index > 0 and blocked[index - 1][0] <= mention.start < blocked[index - 1][1]


def _close_run(text: str, run: list[re.Match[str]], out: list[Mention]) -> None:
    """Turn a run of tokens into name mentions, cutting at non-name vocabulary.

    A speech verb after a name in a title-case heading ('Ann Berg Says ...') is no part of it.
    """
    piece: list[re.Match[str]] = []
    verbs = word_lists().cue_words | word_lists().heading_verbs
    for match in run:
        word = _strip_possessive(match.group()).casefold()
        inner = piece and word in INNER_STOP_WORDS and match.group()[0].isupper()
        if word in NOT_NAME_WORDS or (piece and word in verbs) or inner:
            _emit(text, piece, out)
            piece = []
            continue
        piece.append(match)
    _emit(text, piece, out)


def _emit(text: str, piece: list[re.Match[str]], out: list[Mention]) -> None:
    prefixes, never_first = word_lists().name_prefixes, word_lists().never_first
    if piece and piece[0].group().casefold() in POSSESSIVE_DETERMINERS:
        return  # 'His Bus Bros co-star said': a description of someone, not a name
    while piece and (
        piece[0].group().casefold() in STOP_WORDS
        or piece[0].group().casefold() in never_first
        or (piece[0].group().casefold() in prefixes and len(piece) > MIN_NAME_AFTER_PREFIX)
        or (piece[0].group() in PARTICLES and len(piece) < 2)
    ):
        piece = piece[1:]
    while piece and piece[-1].group() in PARTICLES:
        piece = piece[:-1]
    if not piece or len(piece) > MAX_NAME_TOKENS:
        return
    if all(m.group() in PARTICLES for m in piece):
        return
    if all(m.group().casefold() in prefixes for m in piece):
        return  # 'Brazilian driver Serra': a nationality or role alone names nobody
    start, end = piece[0].start(), piece[-1].end()
    words = [_strip_possessive(m.group()) for m in piece]
    end -= len(piece[-1].group()) - len(words[-1])
    out.append(Mention(start, end, " ".join(words)))


def preceding_word(text: str, index: int) -> str:
    """Return the word just before `index`, casefolded ('' at the start or after a number)."""
    before = _WORD_BEFORE.search(text, max(0, index - 30), index)
    return before.group(1).casefold() if before else ""


class NameResolver:
    """Map spelling variants, typos and surname-only mentions to known canonical names."""

    def __init__(self, names: Iterable[str] = (), *, threshold: float = FUZZY_THRESHOLD) -> None:
        self._threshold = threshold
        self._canonical: dict[str, str] = {}
        self._keys_of: dict[str, list[str]] = {}
        self._by_surname: dict[str, list[str]] = {}
        self._keys: list[str] = []  # the keys of _canonical, in order, for fuzzy search
        self._surnames: list[str] = []
        self._keys_by_tail: dict[str, list[str]] = {}
        for name in names:
            self.add(name)

    @property
    def names(self) -> list[str]:
        """Return the canonical names, in the order they were added."""
        return list(dict.fromkeys(self._canonical.values()))

    def add(self, name: str) -> str:
        """Register a name (or find the one it is a variant of) and return its canonical form."""
        name = " ".join(name.split())
        if not name:
            return name
        key = fold_name(name)
        known = self.lookup(name)
        if known is not None:
            if key == fold_name(known) and spelling_rank(name) > spelling_rank(known):
                self._rename(known, name)
                return name
            if key not in self._canonical:
                self._set(key, known)
            return known
        shorter = self._shorter_form(key)
        if shorter is not None:
            self._rename(shorter, name)
            return name
        self._set(key, name)
        if len(name.split()) > 1:
            self._surnamed(surname(name)).append(name)
        return name

    def _surnamed(self, key: str) -> list[str]:
        """Return the full names known under a surname (a new, empty list for a new one)."""
        if key not in self._by_surname:
            self._by_surname[key] = []
            self._surnames.append(key)
        return self._by_surname[key]

    def _set(self, key: str, canonical: str) -> None:
        if key not in self._canonical:
            self._keys.append(key)
            tokens = key.split(" ")
            for at in range(1, len(tokens)):
                self._keys_by_tail.setdefault(" ".join(tokens[at:]), []).append(key)
        self._canonical[key] = canonical
        self._keys_of.setdefault(canonical, []).append(key)

    def _shorter_form(self, key: str) -> str | None:
        """Return the one known name this one extends at the front ('van der Berghe')."""
        tokens = key.split()
        found = {
            self._canonical[tail]
            for k in range(1, len(tokens) - 1)
            if (tail := " ".join(tokens[k:])) in self._canonical
        }
        return found.pop() if len(found) == 1 else None

    def _rename(self, old: str, new: str) -> None:
        """Make a better or fuller spelling the canonical name of everything that meant `old`."""
        keys = self._keys_of.pop(old, [])
        for key in keys:
            self._canonical[key] = new
        self._keys_of.setdefault(new, []).extend(keys)
        if fold_name(new) not in self._canonical:
            self._set(fold_name(new), new)
        else:
            self._canonical[fold_name(new)] = new
        names = self._surnamed(surname(new))
        names[:] = [new if n == old else n for n in names]
        if len(new.split()) > 1 and new not in names:
            names.append(new)

    def lookup(self, name: str) -> str | None:
        """Return the canonical name a variant stands for, or None when it is unknown."""
        key = fold_name(name)
        if not key:
            return None
        if key in self._canonical:
            return self._canonical[key]
        if " " not in key:
            return self._lookup_surname(key)
        tails = {self._canonical[k] for k in self._keys_by_tail.get(key, ())}
        if len(tails) == 1:
            return tails.pop()
        if len(key) < MIN_FUZZY_LENGTH or not self._canonical:
            return None
        best = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=self._threshold)
        return self._canonical[best[0]] if best else None

    def _lookup_surname(self, key: str) -> str | None:
        found = self._by_surname.get(key, [])
        if len(found) == 1:
            return found[0]
        if found or len(key) < MIN_FUZZY_LENGTH or not self._by_surname:
            return None
        best = process.extractOne(
            key, self._surnames, scorer=fuzz.ratio, score_cutoff=self._threshold
        )
        if best is None or len(self._by_surname[best[0]]) != 1:
            return None
        return self._by_surname[best[0]][0]

    def resolve(self, name: str) -> str:
        """Return the canonical form of a name, or the name itself when it is unknown."""
        return self.lookup(name) or " ".join(name.split())
