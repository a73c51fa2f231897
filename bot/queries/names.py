"""Name resolution and autocomplete: typo-tolerant lookups of people, teams, cars and events.

Each store gets an in-memory index per kind (folded aliases and their owners), built on first
use and rebuilt when the entities, aliases, articles or facts change. A lookup gathers a few
candidates and ranks only those: aliases starting with the text (bisect on the sorted
aliases), aliases with a word starting with it (bisect on the sorted distinct words, each with
the aliases holding it), aliases with a word containing it (the words sharing its trigrams),
and, for typos, aliases holding the words spelled most like a typed word or sharing most of
its trigrams, scored with rapidfuzz. Owners are ranked once (most mentioned first), so a page
of prefix matches is the lowest ranks of a slice, remembered for broad prefixes.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import math
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import InitVar, dataclass, field
from itertools import accumulate, chain, compress
from typing import Any, TypeVar

from rapidfuzz import fuzz, process

from bot.queries.common import (
    EventMatcher,
    best_spelling,
    event_matcher,
    event_tokens,
    normalize_car,
)
from bot.services import Services
from bot.store import Store
from bot.text import fold

log = logging.getLogger(__name__)

COMPLETE_LIMIT = 25
SUGGESTION_LIMIT = 5
MIN_FUZZY_CHARS = 3
FUZZY_CUTOFF = 78.0
RESOLVE_CUTOFF = 85.0
RESOLVE_MARGIN = 5.0
FUZZY_POOL = 4
SHORT_KEY_SLACK = 2
MIN_ALIASES_FOR_EVENT = 2
KEY_SEPARATOR = "\n"
PREFIX_END = "\U0010ffff"
"""Appended to a prefix, sorts after every text that starts with the prefix."""
GRAM = 3
"""Length of the letter grams that find stored words similar to a typed one."""
MIN_SHARED_GRAMS = 0.5
"""Share of a typed word's grams a stored word must hold to be a fuzzy candidate."""
WORD_POOL = 16
"""Most similar stored words taken per typed word and way of finding them."""
SPELLING_CUTOFF = 70.0
"""Least rapidfuzz ratio of a stored word to a typed one with the same first letter."""
FUZZY_CANDIDATES = 1_000
"""Most aliases scored with rapidfuzz per lookup."""
FUZZY_SCAN = 1_500
"""Aliases of the most mentioned owners scored when grams find too few (all of a small index)."""
SUBSTRING_HITS = 5_000
"""Most aliases holding a word with the typed text looked at per lookup."""
BROAD_SLICE = 2_000
"""Prefix matches above this many have their best owners remembered."""
TOP_KEEP = 2 * COMPLETE_LIMIT
"""Best owners remembered per broad prefix (enough to fill a page after dropping repeats)."""
INT_ARRAY = "i"
"""Array type code of alias, word and rank numbers."""
DERIVED_LIMIT = 1_024
"""Things worked out from one index kept at most (then it starts over)."""
_EVENT_ENTITIES_SQL = "SELECT id, name FROM entities WHERE kind = 'event'"
T = TypeVar("T")

KIND_ALIASES: dict[str, str] = {
    "person": "person",
    "driver": "person",
    "speaker": "person",
    "people": "person",
    "team": "team",
    "car": "car",
    "lineup_car": "lineup_car",
    "event": "event",
}

_SPELLINGS_SQL = {
    "person": (
        "SELECT driver_id, driver FROM lineup_drivers"
        " UNION SELECT driver_id, driver FROM result_drivers"
        " UNION SELECT speaker_id, speaker FROM quotes WHERE speaker IS NOT NULL"
    ),
    "team": (
        "SELECT team_id, team FROM lineups WHERE team IS NOT NULL"
        " UNION SELECT team_id, team FROM results WHERE team IS NOT NULL"
    ),
    "event": "SELECT event_id, event FROM results WHERE event IS NOT NULL",
}
_ENTITIES_SQL = (
    "SELECT e.id, e.name, e.norm, (SELECT count(*) FROM mentions m WHERE m.entity_id = e.id)"
    " FROM entities e WHERE e.kind = ? ORDER BY e.norm"
)
_ALIASES_SQL = (
    "SELECT a.entity_id, a.norm FROM entity_aliases a JOIN entities e ON e.id = a.entity_id"
    " WHERE e.kind = ? AND a.norm <> e.norm AND a.norm <> '' ORDER BY a.norm"
)
"""Aliases other than the entity's own folded name (sorted, like the entities)."""
_CARS_SQL = (
    "SELECT car, count(DISTINCT article_id) AS n FROM ("
    " SELECT car, article_id FROM lineups"
    " UNION ALL SELECT car, article_id FROM results WHERE car IS NOT NULL"
    ") GROUP BY car"
)
_LINEUP_CARS_SQL = "SELECT car, count(DISTINCT article_id) AS n FROM lineups GROUP BY car"
CAR_KINDS = frozenset({"car", "lineup_car"})
"""Kinds indexed by car number: every car, or the cars with line-ups."""
_SIGNATURE_SQL = (
    "SELECT (SELECT count(*) FROM entities), (SELECT count(*) FROM entity_aliases),"
    " (SELECT count(*) FROM articles), (SELECT max(id) FROM articles),"
    " (SELECT max(id) FROM lineups), (SELECT max(id) FROM results)"
)


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a typed name resolved to: the canonical name, or the closest suggestions."""

    name: str | None
    suggestions: list[str] = field(default_factory=list)
    entity_id: int | None = None
    ambiguous: bool = False
    """Several names match the text equally well: `suggestions` lists them, best first."""

    @property
    def found(self) -> bool:
        """Return whether the text named exactly one thing."""
        return self.name is not None


def canonical_kind(kind: str) -> str:
    """Map an option kind (driver, speaker, …) to an entity kind."""
    try:
        return KIND_ALIASES[kind.lower()]
    except KeyError:
        raise ValueError(f"unknown name kind {kind!r}") from None


def query_key(kind: str, text: str) -> str:
    """Fold user input the way the index keys are folded (car numbers normalised)."""
    if kind in CAR_KINDS:
        return normalize_car(text) or fold(text).lstrip("#")
    return fold(text)


@dataclass(slots=True)
class WordIndex:
    """The distinct words of sorted aliases, each with the aliases holding it."""

    words: list[str]
    starts: array[int]
    aliases: array[int]
    grams: dict[str, array[int]]
    text: str
    offsets: array[int]

    @classmethod
    def build(cls, keys: Sequence[str]) -> WordIndex:
        """Index the words of the aliases (words are split at spaces, as folding leaves them)."""
        holders: dict[str, list[int]] = defaultdict(list)
        for position, key in enumerate(keys):
            for word in key.split(" "):
                holders[word].append(position)
        words = sorted(holders)
        aliases = array(INT_ARRAY)
        for word in words:
            aliases.extend(holders[word])
        sizes = (len(holders[word]) for word in words)
        starts = array(INT_ARRAY, accumulate(sizes, initial=0))
        text, offsets = _joined(words)
        return cls(words, starts, aliases, _gram_index(words), text, offsets)

    def holding(self, word: int) -> array[int]:
        """Return the aliases holding a word (by its position)."""
        return self.aliases[self.starts[word] : self.starts[word + 1]]

    def prefixed(self, prefix: str) -> tuple[int, int]:
        """Return the slice of `aliases` holding a word that starts with the prefix."""
        low = bisect_left(self.words, prefix)
        high = bisect_left(self.words, prefix + PREFIX_END, low)
        return self.starts[low], self.starts[high]

    def exactly(self, word: str) -> tuple[int, int]:
        """Return the slice of `aliases` holding the word itself."""
        at = bisect_left(self.words, word)
        if at == len(self.words) or self.words[at] != word:
            return 0, 0
        return self.starts[at], self.starts[at + 1]

    def containing(self, part: str, limit: int) -> list[int]:
        """Return up to about `limit` aliases holding a word that contains the text."""
        found: list[int] = []
        for word in self._words_containing(part):
            found += self.holding(word)
            if len(found) >= limit:
                break
        return found

    def _words_containing(self, part: str) -> Iterator[int]:
        """Yield the positions of the words containing the text, in word order."""
        if len(part) < GRAM:
            yield from self._scan(part)
            return
        held = sorted((self.grams.get(gram, ()) for gram in _grams(part)), key=len)
        common = set(held[0]).intersection(*held[1:])
        yield from (word for word in sorted(common) if part in self.words[word])

    def _scan(self, part: str) -> Iterator[int]:
        """Yield the positions of the words containing a short text (string search)."""
        at = self.text.find(part)
        while at != -1:
            word = bisect_right(self.offsets, at) - 1
            yield word
            if word + 1 >= len(self.offsets):
                return
            at = self.text.find(part, self.offsets[word + 1])

    def similar(self, typed: str) -> list[int]:
        """Return aliases holding the words closest to a typed word, closest first."""
        words = _unique([*self._spelled_like(typed), *self._sharing_grams(typed)])
        found: list[int] = []
        for word in words:
            found += self.holding(word)
            if len(found) >= FUZZY_CANDIDATES:
                break
        return found

    def _spelled_like(self, typed: str) -> list[int]:
        """Return the words with the same first letter spelled most like a typed word."""
        low = bisect_left(self.words, typed[:1])
        high = bisect_left(self.words, typed[:1] + PREFIX_END, low)
        found = process.extract(
            typed,
            self.words[low:high],
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=SPELLING_CUTOFF,
            limit=WORD_POOL,
        )
        return [low + at for _, _, at in found]

    def _sharing_grams(self, typed: str) -> list[int]:
        """Return the words sharing most trigrams with a typed word (a typo or a middle)."""
        grams = _grams(typed)
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(self.grams.get(gram, ()))
        need = max(1, math.ceil(len(grams) * MIN_SHARED_GRAMS))
        close = [word for word, count in shared.items() if count >= need]
        return heapq.nlargest(WORD_POOL, close, key=shared.__getitem__)


def _grams(word: str) -> set[str]:
    """Return the letter trigrams of a word."""
    return {word[at : at + GRAM] for at in range(len(word) - GRAM + 1)}


def _gram_index(words: list[str]) -> dict[str, array[int]]:
    """Map each trigram to the positions of the words holding it."""
    holders: dict[str, list[int]] = defaultdict(list)
    for position, word in enumerate(words):
        for gram in _grams(word):
            holders[gram].append(position)
    return {gram: array(INT_ARRAY, found) for gram, found in holders.items()}


def _joined(texts: list[str]) -> tuple[str, array[int]]:
    """Join texts with the separator; return the string and where each text starts in it."""
    lengths = (len(text) + len(KEY_SEPARATOR) for text in texts[:-1])
    starts = array(INT_ARRAY, accumulate(lengths, initial=0) if texts else ())
    return KEY_SEPARATOR.join(texts), starts


@dataclass(slots=True)
class KindIndex:
    """Every folded alias of one kind (sorted), its owner, display names and popularity."""

    keys: list[str]
    owners: list[int]
    names: dict[int, str]
    popularity: dict[int, int]
    folded: InitVar[dict[int, str] | None] = None
    ranked: list[int] = field(init=False, default_factory=list)
    place: dict[int, int] = field(init=False, default_factory=dict)
    key_ranks: array[int] = field(init=False, default_factory=lambda: array(INT_ARRAY))
    words: WordIndex = field(init=False)
    word_ranks: array[int] = field(init=False, default_factory=lambda: array(INT_ARRAY))
    popular: list[int] = field(init=False, default_factory=list)
    remembered: dict[tuple[bool, int, int], list[int]] = field(init=False, default_factory=dict)
    derived: dict[object, Any] = field(init=False, default_factory=dict)
    """What queries work out from the index (event matchers...), dropped with it."""

    def __post_init__(self, folded: dict[int, str] | None) -> None:
        self.ranked = self._ranking(folded or {})
        self.place = {owner: at for at, owner in enumerate(self.ranked)}
        self.key_ranks = array(INT_ARRAY, map(self.place.__getitem__, self.owners))
        self.words = WordIndex.build(self.keys)
        self.word_ranks = array(INT_ARRAY, map(self.key_ranks.__getitem__, self.words.aliases))
        self.popular = self._popular_aliases()

    def _ranking(self, folded: dict[int, str]) -> list[int]:
        """Return the owners, most mentioned first, then alphabetical (by folded name)."""
        missing = {o: fold(name) for o, name in self.names.items() if o not in folded}
        spelled = {**folded, **missing} if missing else folded
        ranked = sorted(self.names, key=spelled.__getitem__)
        ranked.sort(key=lambda owner: self.popularity.get(owner, 0), reverse=True)
        return ranked

    def _order(self, owner: int) -> int:
        """Return an owner's place in the ranking (most mentioned first)."""
        return self.place.get(owner, len(self.ranked))

    def _popular_aliases(self) -> list[int]:
        """Return the aliases of the most mentioned owners, best first (the fuzzy fallback)."""
        top = set(self.ranked[:FUZZY_SCAN])
        chosen = compress(range(len(self.keys)), map(top.__contains__, self.owners))
        return sorted(chosen, key=self.key_ranks.__getitem__)[:FUZZY_SCAN]

    def top(self, limit: int) -> list[str]:
        """Return the most mentioned names."""
        return [self.names[owner] for owner in self.ranked[:limit]]

    def _starting(self, query: str) -> tuple[int, int]:
        """Return the slice of aliases that start with the query."""
        low = bisect_left(self.keys, query)
        return low, bisect_left(self.keys, query + PREFIX_END, low)

    def _exact(self, query: str) -> list[int]:
        """Return the owners of aliases equal to the query."""
        low = bisect_left(self.keys, query)
        return self.owners[low : bisect_right(self.keys, query, low)]

    def _best(self, ranks: array[int], low: int, high: int) -> list[int]:
        """Return the distinct ranks of a slice, best first (remembered for broad slices)."""
        if high - low <= BROAD_SLICE:
            return sorted(set(ranks[low:high]))
        key = (ranks is self.key_ranks, low, high)
        best = self.remembered.get(key)
        if best is None:
            best = self.remembered[key] = sorted(set(ranks[low:high]))[:TOP_KEEP]
        return best

    def _word_matches(self, query: str) -> list[int]:
        """Return the aliases with a word starting with the query (which may span words)."""
        if " " not in query:
            low, high = self.words.prefixed(query)
            return list(self.words.aliases[low:high])
        *whole, last = query.split(" ")
        slices = [*map(self.words.exactly, whole), self.words.prefixed(last)]
        low, high = min(slices, key=lambda bounds: bounds[1] - bounds[0])
        held = self.words.aliases[low:high]
        return [alias for alias in held if _at_word_start(self.keys[alias], query)]

    def _word_ranks(self, query: str) -> list[int]:
        """Return the best ranks of owners with a word starting with the query."""
        if " " not in query:
            return self._best(self.word_ranks, *self.words.prefixed(query))
        return sorted({self.key_ranks[alias] for alias in self._word_matches(query)})

    def _prefix_owners(self, query: str, limit: int) -> list[int]:
        """Return the best owners with an alias starting with the query, then a word doing so."""
        ranks = self._best(self.key_ranks, *self._starting(query))
        if len(ranks) < limit:
            ranks = _unique([*ranks, *self._word_ranks(query)])
        return [self.ranked[rank] for rank in ranks[:limit]]

    def _whole_matches(self, query: str) -> Iterable[int]:
        """Return the aliases holding the query as whole words."""
        if " " not in query:
            low, high = self.words.exactly(query)
            return self.words.aliases[low:high]
        return [at for at in self._word_matches(query) if _whole_words(self.keys[at], query)]

    def prefixed(self, query: str) -> tuple[list[int], list[int], list[int]]:
        """Return owners whose alias starts with the query, has it as words, or as a word prefix."""
        low, high = self._starting(query)
        full = _unique(self.owners[low:high])
        whole = _unique(map(self.owners.__getitem__, self._whole_matches(query)))
        matches = self._word_matches(query)
        prefix = _unique([*full, *map(self.owners.__getitem__, matches)])
        return full, whole, prefix

    def containing(self, query: str) -> list[int]:
        """Return owners whose alias contains the query anywhere, best first (bounded)."""
        if not query or KEY_SEPARATOR in query:
            return []
        longest = max(query.split(" "), key=len)
        held = self.words.containing(longest, SUBSTRING_HITS)
        if longest != query:
            held = [at for at in held if query in self.keys[at]]
        ranks = sorted(set(map(self.key_ranks.__getitem__, held)))
        return [self.ranked[rank] for rank in ranks]

    def _fuzzy_candidates(self, query: str, wanted: int) -> list[int]:
        """Return aliases worth scoring: those with words like all typed words first."""
        if len(self.keys) <= FUZZY_SCAN:
            return list(range(len(self.keys)))
        typed = [word for word in query.split(" ") if len(word) >= GRAM]
        found = [self.words.similar(word) for word in typed]
        candidates: list[int] = []
        if found:
            everywhere = set(found[0]).intersection(*found[1:])
            candidates = _unique([*everywhere, *chain.from_iterable(found)])
        if len(candidates) < wanted:
            candidates = _unique([*candidates, *self.popular])
        return candidates[:FUZZY_CANDIDATES]

    def fuzzy(self, query: str, limit: int) -> list[tuple[int, float]]:
        """Return owners whose aliases are close to the query, best first, with the score."""
        if len(query) < MIN_FUZZY_CHARS or not self.keys:
            return []
        candidates = self._fuzzy_candidates(query, limit * FUZZY_POOL)
        found = process.extract(
            query,
            [self.keys[at] for at in candidates],
            scorer=fuzz.partial_ratio,
            processor=None,
            score_cutoff=FUZZY_CUTOFF,
            limit=limit * FUZZY_POOL,
        )
        best: dict[int, float] = {}
        for key, score, at in found:
            if len(key) + SHORT_KEY_SLACK < len(query) and fuzz.ratio(query, key) < FUZZY_CUTOFF:
                continue
            owner = self.owners[candidates[at]]
            if score < RESOLVE_CUTOFF:  # a slip in a short word: compare whole words too
                score = max(score, _word_score(query, key))
            best[owner] = max(best.get(owner, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], self._order(item[0])))
        return ranked[:limit]

    def complete(self, query: str, limit: int) -> list[str]:
        """Return up to `limit` names: prefix matches, then substrings, then fuzzy matches."""
        if not query:
            return self.top(limit)
        chosen = self._prefix_owners(query, limit)
        if len(chosen) < limit:
            chosen = _unique([*chosen, *self.containing(query)])
        if len(chosen) < limit:
            chosen = _unique([*chosen, *(owner for owner, _ in self.fuzzy(query, limit))])
        return [self.names[owner] for owner in chosen[:limit]]

    def resolve(self, query: str, *, exact_only: bool = False) -> Resolution:
        """Resolve a folded query to one owner, or return the closest names."""
        if not query:
            return Resolution(None, self.top(SUGGESTION_LIMIT))
        exact = self._exact(query)
        if exact:
            return self._resolved(min(exact, key=self._order))
        if exact_only:
            return Resolution(None, self.suggest(query))
        _, whole, prefix = self.prefixed(query)
        if len(whole) == 1 and len(prefix) > 1:  # `Alex`: Alex Palou, and Alexander Sims too
            others = [owner for owner in prefix if owner != whole[0]]
            return self._ambiguous([whole[0], *self._best_owners(others)])
        for candidates in (whole, prefix):
            if len(candidates) == 1:
                return self._resolved(candidates[0])
            if candidates:
                return self._ambiguous(self._best_owners(candidates))
        close = self.fuzzy(query, SUGGESTION_LIMIT)
        if close and close[0][1] >= RESOLVE_CUTOFF:
            clear = len(close) == 1 or close[0][1] - close[1][1] >= RESOLVE_MARGIN
            if clear:
                return self._resolved(close[0][0])
        return Resolution(None, self.suggest(query))

    def _best_owners(self, owners: list[int]) -> list[int]:
        """Return some owners, best ranked first."""
        ranks = sorted(map(self.place.__getitem__, owners))
        return [self.ranked[rank] for rank in ranks]

    def _ambiguous(self, owners: list[int]) -> Resolution:
        """Return the resolution listing the several names a text matches equally well."""
        names = [self.names[owner] for owner in owners[:SUGGESTION_LIMIT]]
        return Resolution(None, names, ambiguous=True)

    def suggest(self, query: str) -> list[str]:
        """Return the closest names to a query, or the most mentioned when none is close."""
        return self.complete(query, SUGGESTION_LIMIT) or self.top(SUGGESTION_LIMIT)

    def _resolved(self, owner: int) -> Resolution:
        """Return the resolution naming one owner (cars have no entity id)."""
        return Resolution(self.names[owner], [], owner if owner > 0 else None)


def _word_score(query: str, key: str) -> float:
    """Score typed words against a key's words, each against its closest (`ganasi`, `ganassi`).

    A one-letter slip in a short word costs more than rapidfuzz's partial ratio forgives
    (it compares windows the typed length long), so whole words are compared too.
    """
    typed = query.split(" ")
    words = key.split(" ")
    if len(typed) > len(words):
        return 0.0
    scores = [max(fuzz.ratio(t, w) for w in words) for t in typed]
    return min(scores) if all(len(t) >= MIN_FUZZY_CHARS for t in typed) else 0.0


def _at_word_start(key: str, query: str) -> bool:
    """Return whether the query occurs in the key where a word starts."""
    return key.startswith(query) or f" {query}" in key


def _whole_words(key: str, query: str) -> bool:
    """Return whether the query occurs in the key as whole words."""
    return f" {query} " in f" {key} "


def _unique(owners: Iterable[int]) -> list[int]:
    """Drop repeated owners, keeping the first."""
    return list(dict.fromkeys(owners))


@dataclass(slots=True)
class _StoreIndexes:
    """The indexes built for one store, valid while its signature does not change."""

    signature: tuple[object, ...]
    changes: tuple[int, int]
    kinds: dict[str, asyncio.Task[KindIndex]] = field(default_factory=dict)


NAMES_CACHE = "names"
"""Per-store cache of name indexes (dropped with the store)."""


async def _current_indexes(store: Store) -> _StoreIndexes:
    """Return the store's cached indexes, emptied when the indexed data changed.

    The signature (row counts, last ids) costs a scan, so it is read only after the store's
    change counters moved; they are read first, so a write in between is caught next time.
    """
    changes = await store.data_stamp()
    cached = store.caches.get(NAMES_CACHE)
    if isinstance(cached, _StoreIndexes) and cached.changes == changes:
        return cached
    row = await store.fetchone(_SIGNATURE_SQL)
    signature = tuple(row) if row else ()
    if isinstance(cached, _StoreIndexes) and cached.signature == signature:
        cached.changes = changes
        return cached
    cached = _StoreIndexes(signature, changes)
    store.caches[NAMES_CACHE] = cached
    return cached


async def name_index(store: Store, kind: str) -> KindIndex:
    """Return the index of one kind for a store, building it when missing or stale."""
    kind = canonical_kind(kind)
    cached = await _current_indexes(store)
    build = cached.kinds.get(kind)
    if build is None:
        if kind in CAR_KINDS:
            source = _build_cars(store, lineups_only=kind == "lineup_car")
        else:
            source = _build_entities(store, kind)
        build = asyncio.ensure_future(source)
        cached.kinds[kind] = build
    try:
        return await asyncio.shield(build)
    except Exception:
        cached.kinds.pop(kind, None)
        raise


async def _build_entities(store: Store, kind: str) -> KindIndex:
    """Index the entities of one kind with their aliases, fact spellings and mention counts."""
    entities = await store.fetchall(_ENTITIES_SQL, (kind,))
    aliases = await store.fetchall(_ALIASES_SQL, (kind,))
    spelled = await store.fetchall(_SPELLINGS_SQL[kind])
    index = await asyncio.to_thread(_entity_index, entities, aliases, spelled)
    log.debug("Built %s name index: %d aliases", kind, len(index.keys))
    return index


def _entity_index(entities: list[Any], aliases: list[Any], spelled: list[Any]) -> KindIndex:
    """Build an index from entity (with mention counts) and alias rows and fact spellings."""
    norms = {owner: norm for owner, _, norm, _ in entities}
    keys = [norm for _, _, norm, _ in entities] + [alias for _, alias in aliases]
    owners = [owner for owner, _, _, _ in entities] + [owner for owner, _ in aliases]
    order = sorted(range(len(keys)), key=keys.__getitem__)  # two sorted runs: merged quickly
    return KindIndex(
        keys=list(map(keys.__getitem__, order)),
        owners=list(map(owners.__getitem__, order)),
        names=_display_names(entities, spelled, norms),
        popularity={owner: count for owner, _, _, count in entities if count},
        folded=norms,
    )


def _display_names(
    entities: list[Any], spelled: list[Any], norms: dict[int, str]
) -> dict[int, str]:
    """Return each entity's best spelling among its name and the facts' spellings of it."""
    names = {owner: name.strip() for owner, name, _, _ in entities}
    variants: dict[int, list[str]] = defaultdict(list)
    for owner, spelling in spelled:
        if owner in norms and spelling and fold(spelling) == norms[owner]:
            variants[owner].append(spelling)
    for owner, spellings in variants.items():
        names[owner] = best_spelling([names[owner], *spellings])
    return names


async def _build_cars(store: Store, *, lineups_only: bool = False) -> KindIndex:
    """Index the car numbers of line-ups, results and car entities (or of line-ups only)."""
    counts: Counter[str] = Counter()
    for car, articles in await store.fetchall(_LINEUP_CARS_SQL if lineups_only else _CARS_SQL):
        number = normalize_car(car) or car
        counts[number] += int(articles)
    if not lineups_only:
        for (name,) in await store.fetchall("SELECT name FROM entities WHERE kind = 'car'"):
            counts[normalize_car(name) or name] += 0
    cars = sorted(counts)
    owners = [-(i + 1) for i in range(len(cars))]
    return KindIndex(
        keys=list(cars),
        owners=owners,
        names=dict(zip(owners, cars, strict=True)),
        popularity={owner: counts[car] for owner, car in zip(owners, cars, strict=True)},
    )


async def complete(
    services: Services, kind: str, current: str, limit: int = COMPLETE_LIMIT
) -> list[str]:
    """Return up to `limit` (at most 25) names of a kind for autocomplete; typos are fine."""
    kind = canonical_kind(kind)
    index = await name_index(services.store, kind)
    return index.complete(query_key(kind, current), max(0, min(limit, COMPLETE_LIMIT)))


async def resolve(services: Services, kind: str, text: str, *, exact: bool = False) -> Resolution:
    """Resolve typed text to one canonical name (and entity id), or the closest suggestions.

    `exact` accepts only a name or alias spelled as typed (cars always are).
    """
    kind = canonical_kind(kind)
    index = await name_index(services.store, kind)
    return index.resolve(query_key(kind, text), exact_only=exact or kind in CAR_KINDS)


def _derived(index: KindIndex, key: object, make: Callable[[], T]) -> T:
    """Return what `make` works out from an index, remembered with the index."""
    if key not in index.derived:
        if len(index.derived) >= DERIVED_LIMIT:
            index.derived.clear()
        index.derived[key] = make()
    return index.derived[key]


def _alias_groups(index: KindIndex) -> dict[int, list[str]]:
    """Return the folded aliases of each owner of an index."""
    groups: dict[int, list[str]] = defaultdict(list)
    for key, owner in zip(index.keys, index.owners, strict=True):
        groups[owner].append(key)
    return groups


async def event_matcher_for(services: Services, text: str) -> EventMatcher:
    """Return a matcher for typed event text, knowing every stored event's aliases."""
    index = await name_index(services.store, "event")
    groups = _derived(index, "alias groups", lambda: _alias_groups(index))
    return _derived(index, ("matcher", text), lambda: event_matcher(text, groups.values()))


async def event_entities(services: Services) -> list[tuple[int, str]]:
    """Return every stored event (id, name), read once per index."""
    index = await name_index(services.store, "event")
    found: list[tuple[int, str]] | None = index.derived.get("entities")
    if found is None:
        rows = await services.store.fetchall(_EVENT_ENTITIES_SQL)
        found = [(int(row[0]), str(row[1])) for row in rows]
        index.derived["entities"] = found
    return found


async def matching_events(services: Services, matcher: EventMatcher) -> list[tuple[int, str]]:
    """Return the stored events (id, name) a matcher accepts."""
    every = await event_entities(services)
    index = await name_index(services.store, "event")
    return _derived(index, ("events", matcher), lambda: [e for e in every if matcher.matches(e[1])])


async def event_names(services: Services) -> Mapping[frozenset[str], str]:
    """Map the words of every known event alias to the event's name (events with aliases)."""
    index = await name_index(services.store, "event")
    return _derived(index, "event names", lambda: _event_names(index))


def _event_names(index: KindIndex) -> dict[frozenset[str], str]:
    """Map the words of every known event alias to the event's name (events with aliases)."""
    groups = _derived(index, "alias groups", lambda: _alias_groups(index))
    names: dict[frozenset[str], str] = {}
    for owner, keys in sorted(groups.items(), key=lambda item: -len(item[1])):
        if len(keys) < MIN_ALIASES_FOR_EVENT:
            continue
        for key in keys:
            names.setdefault(event_tokens(key), index.names[owner])
    names.pop(frozenset(), None)
    return names


CAR_DIGITS = 3
"""Longest car number: `1`, `01` and `001` are the same number written differently."""


@dataclass(frozen=True, slots=True)
class CarMatch:
    """The car number a typed one is on record as (maybe written with(out) leading zeros)."""

    number: str | None
    typed: str | None
    suggestions: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        """Say when the number on record is written differently from the typed one."""
        if self.number is None or self.typed is None or self.number == self.typed:
            return ""
        return f"No #{self.typed} on record; showing #{self.number}, the same number."


def car_spellings(number: str) -> list[str]:
    """Return the ways a car number is written: `1`, `01`, `001`."""
    bare = number.lstrip("0") or "0"
    return [bare.rjust(width, "0") for width in range(len(bare), CAR_DIGITS + 1)]


async def resolve_car(services: Services, text: str) -> CarMatch:
    """Resolve a typed car number: as typed, else the one other way it is written on record."""
    typed = normalize_car(text)
    index = await name_index(services.store, "car")
    if typed is None:
        return CarMatch(None, None, await car_suggestions(services, text))
    if index.resolve(typed, exact_only=True).found:
        return CarMatch(typed, typed)
    written = [
        n for n in car_spellings(typed) if n != typed and index.resolve(n, exact_only=True).found
    ]
    if len(written) == 1:
        return CarMatch(written[0], typed)
    return CarMatch(None, typed, written or await car_suggestions(services, typed))


async def car_suggestions(services: Services, text: str) -> list[str]:
    """Return up to 25 car numbers like the typed one, else the most mentioned."""
    index = await name_index(services.store, "car")
    query = query_key("car", text)
    return index.complete(query, COMPLETE_LIMIT) or index.top(COMPLETE_LIMIT)
