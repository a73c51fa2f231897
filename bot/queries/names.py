"""Name resolution and autocomplete: typo-tolerant lookups of people, teams, cars and events.

Each store gets an in-memory index per kind (folded aliases and their owners), built on first
use and rebuilt when the entities, aliases, articles or facts change. Lookups narrow with a
sorted word index (prefixes) before a substring scan and, last, rapidfuzz scoring.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

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

KIND_ALIASES: dict[str, str] = {
    "person": "person",
    "driver": "person",
    "speaker": "person",
    "people": "person",
    "team": "team",
    "car": "car",
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
_CARS_SQL = (
    "SELECT car, count(DISTINCT article_id) AS n FROM ("
    " SELECT car, article_id FROM lineups"
    " UNION ALL SELECT car, article_id FROM results WHERE car IS NOT NULL"
    ") GROUP BY car"
)
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
    if kind == "car":
        return normalize_car(text) or fold(text).lstrip("#")
    return fold(text)


@dataclass(slots=True)
class KindIndex:
    """Every folded alias of one kind, its owner, display names and popularity."""

    keys: list[str]
    owners: list[int]
    names: dict[int, str]
    popularity: dict[int, int]
    words: list[tuple[str, int, int]] = field(default_factory=list)
    exact: dict[str, list[int]] = field(default_factory=dict)
    ranked: list[int] = field(default_factory=list)
    rank: dict[int, tuple[int, str]] = field(default_factory=dict)
    joined: str = ""
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        words: list[tuple[str, int, int]] = []
        exact: dict[str, list[int]] = defaultdict(list)
        for key, owner in zip(self.keys, self.owners, strict=True):
            exact[key].append(owner)
            words += [(key[start:], owner, start) for start in _word_starts(key)]
        words.sort()
        self.words = words
        self.exact = dict(exact)
        self.rank = {
            owner: (-self.popularity.get(owner, 0), fold(name))
            for owner, name in self.names.items()
        }
        self.ranked = sorted(self.names, key=self._order)
        self.joined = KEY_SEPARATOR.join(self.keys)
        starts, at = [], 0
        for key in self.keys:
            starts.append(at)
            at += len(key) + len(KEY_SEPARATOR)
        self.starts = starts

    def _order(self, owner: int) -> tuple[int, str]:
        """Sort key: most mentioned first, then alphabetical (worked out once per owner)."""
        rank = self.rank.get(owner)
        if rank is None:
            rank = (-self.popularity.get(owner, 0), fold(self.names[owner]))
        return rank

    def top(self, limit: int) -> list[str]:
        """Return the most mentioned names."""
        return [self.names[owner] for owner in self.ranked[:limit]]

    def prefixed(self, query: str) -> tuple[list[int], list[int], list[int]]:
        """Return owners whose alias starts with the query, has it as words, or as a word prefix."""
        full: list[int] = []
        whole: list[int] = []
        prefix: list[int] = []
        at = bisect.bisect_left(self.words, (query,))
        while at < len(self.words) and self.words[at][0].startswith(query):
            suffix, owner, start = self.words[at]
            at += 1
            if start == 0:
                full.append(owner)
            if len(suffix) == len(query) or suffix[len(query)] == " ":
                whole.append(owner)
            prefix.append(owner)
        return _unique(full), _unique(whole), _unique(prefix)

    def containing(self, query: str) -> list[int]:
        """Return owners whose alias contains the query anywhere, in alias order.

        Searches all aliases joined into one string (no alias or query holds the separator).
        """
        if not query or KEY_SEPARATOR in query:
            return _unique(o for k, o in zip(self.keys, self.owners, strict=True) if query in k)
        found: list[int] = []
        at = self.joined.find(query)
        while at != -1:
            position = bisect.bisect_right(self.starts, at) - 1
            found.append(self.owners[position])
            following = position + 1
            if following >= len(self.starts):
                break
            at = self.joined.find(query, self.starts[following])
        return _unique(found)

    def fuzzy(self, query: str, limit: int) -> list[tuple[int, float]]:
        """Return owners whose aliases are close to the query, best first, with the score."""
        if len(query) < MIN_FUZZY_CHARS or not self.keys:
            return []
        found = process.extract(
            query,
            self.keys,
            scorer=fuzz.partial_ratio,
            processor=None,
            score_cutoff=FUZZY_CUTOFF,
            limit=limit * FUZZY_POOL,
        )
        best: dict[int, float] = {}
        for key, score, position in found:
            if len(key) + SHORT_KEY_SLACK < len(query) and fuzz.ratio(query, key) < FUZZY_CUTOFF:
                continue
            owner = self.owners[position]
            best[owner] = max(best.get(owner, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], *self._order(item[0])))
        return ranked[:limit]

    def complete(self, query: str, limit: int) -> list[str]:
        """Return up to `limit` names: prefix matches, then substrings, then fuzzy matches."""
        if not query:
            return self.top(limit)
        full, _, prefix = self.prefixed(query)
        chosen = _unique([*sorted(full, key=self._order), *sorted(prefix, key=self._order)])
        if len(chosen) < limit:
            chosen = _unique([*chosen, *sorted(self.containing(query), key=self._order)])
        if len(chosen) < limit:
            chosen = _unique([*chosen, *(owner for owner, _ in self.fuzzy(query, limit))])
        return [self.names[owner] for owner in chosen[:limit]]

    def resolve(self, query: str, *, exact_only: bool = False) -> Resolution:
        """Resolve a folded query to one owner, or return the closest names."""
        if not query:
            return Resolution(None, self.top(SUGGESTION_LIMIT))
        exact = self.exact.get(query)
        if exact:
            return self._resolved(min(exact, key=self._order))
        if exact_only:
            return Resolution(None, self.suggest(query))
        _, whole, prefix = self.prefixed(query)
        for candidates in (whole, prefix):
            if len(candidates) == 1:
                return self._resolved(candidates[0])
            if candidates:
                names = [self.names[o] for o in sorted(candidates, key=self._order)]
                return Resolution(None, names[:SUGGESTION_LIMIT])
        close = self.fuzzy(query, SUGGESTION_LIMIT)
        if close and close[0][1] >= RESOLVE_CUTOFF:
            clear = len(close) == 1 or close[0][1] - close[1][1] >= RESOLVE_MARGIN
            if clear:
                return self._resolved(close[0][0])
        return Resolution(None, self.suggest(query))

    def suggest(self, query: str) -> list[str]:
        """Return the closest names to a query, or the most mentioned when none is close."""
        return self.complete(query, SUGGESTION_LIMIT) or self.top(SUGGESTION_LIMIT)

    def _resolved(self, owner: int) -> Resolution:
        """Return the resolution naming one owner (cars have no entity id)."""
        return Resolution(self.names[owner], [], owner if owner > 0 else None)


def _word_starts(key: str) -> list[int]:
    """Return the offsets where words start in a folded key."""
    return [i for i, ch in enumerate(key) if ch != " " and (i == 0 or key[i - 1] == " ")]


def _unique(owners: Iterable[int]) -> list[int]:
    """Drop repeated owners, keeping the first."""
    return list(dict.fromkeys(owners))


@dataclass(slots=True)
class _StoreIndexes:
    """The indexes built for one store, valid while its signature does not change."""

    signature: tuple[object, ...]
    kinds: dict[str, asyncio.Task[KindIndex]] = field(default_factory=dict)


NAMES_CACHE = "names"
"""Per-store cache of name indexes (dropped with the store)."""


async def name_index(store: Store, kind: str) -> KindIndex:
    """Return the index of one kind for a store, building it when missing or stale."""
    kind = canonical_kind(kind)
    row = await store.fetchone(_SIGNATURE_SQL)
    signature = tuple(row) if row else ()
    cached = store.caches.get(NAMES_CACHE)
    if not isinstance(cached, _StoreIndexes) or cached.signature != signature:
        cached = _StoreIndexes(signature)
        store.caches[NAMES_CACHE] = cached
    build = cached.kinds.get(kind)
    if build is None:
        source = _build_cars(store) if kind == "car" else _build_entities(store, kind)
        build = asyncio.ensure_future(source)
        cached.kinds[kind] = build
    try:
        return await asyncio.shield(build)
    except Exception:
        cached.kinds.pop(kind, None)
        raise


async def _build_entities(store: Store, kind: str) -> KindIndex:
    """Index the entities of one kind with their aliases and fact spellings."""
    rows = await store.fetchall(
        "SELECT e.id, e.name, e.norm, a.norm AS alias FROM entities e"
        " LEFT JOIN entity_aliases a ON a.entity_id = e.id WHERE e.kind = ?",
        (kind,),
    )
    spelled = await store.fetchall(_SPELLINGS_SQL[kind])
    popularity = await store.fetchall(
        "SELECT m.entity_id, count(*) FROM mentions m JOIN entities e ON e.id = m.entity_id"
        " WHERE e.kind = ? GROUP BY m.entity_id",
        (kind,),
    )
    index = await asyncio.to_thread(_entity_index, rows, spelled, popularity)
    log.debug("Built %s name index: %d aliases", kind, len(index.keys))
    return index


def _entity_index(rows: list[Any], spelled: list[Any], popularity: list[Any]) -> KindIndex:
    """Build an index from entity rows, fact spellings and mention counts (CPU only)."""
    spellings: dict[int, list[str]] = defaultdict(list)
    norms: dict[int, str] = {}
    pairs: set[tuple[str, int]] = set()
    for row in rows:
        norms[row["id"]] = row["norm"]
        spellings[row["id"]].append(row["name"])
        pairs.add((row["norm"], row["id"]))
        if row["alias"]:
            pairs.add((row["alias"], row["id"]))
    for owner, spelling in spelled:
        if owner in norms and spelling and fold(spelling) == norms[owner]:
            spellings[owner].append(spelling)
    ordered = sorted(pairs)
    return KindIndex(
        keys=[key for key, _ in ordered],
        owners=[owner for _, owner in ordered],
        names={owner: best_spelling(names) for owner, names in spellings.items()},
        popularity={int(owner): int(count) for owner, count in popularity},
    )


async def _build_cars(store: Store) -> KindIndex:
    """Index the car numbers named in line-ups, results and car entities."""
    counts: Counter[str] = Counter()
    for car, articles in await store.fetchall(_CARS_SQL):
        number = normalize_car(car) or car
        counts[number] += int(articles)
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


async def resolve(services: Services, kind: str, text: str) -> Resolution:
    """Resolve typed text to one canonical name (and entity id), or the closest suggestions."""
    kind = canonical_kind(kind)
    index = await name_index(services.store, kind)
    return index.resolve(query_key(kind, text), exact_only=kind == "car")


async def event_matcher_for(services: Services, text: str) -> EventMatcher:
    """Return a matcher for typed event text, knowing every stored event's aliases."""
    index = await name_index(services.store, "event")
    groups: dict[int, list[str]] = defaultdict(list)
    for key, owner in zip(index.keys, index.owners, strict=True):
        groups[owner].append(key)
    return event_matcher(text, groups.values())


async def event_names(services: Services) -> dict[frozenset[str], str]:
    """Map the words of every known event alias to the event's name (events with aliases)."""
    index = await name_index(services.store, "event")
    groups: dict[int, list[str]] = defaultdict(list)
    for key, owner in zip(index.keys, index.owners, strict=True):
        groups[owner].append(key)
    names: dict[frozenset[str], str] = {}
    for owner, keys in sorted(groups.items(), key=lambda item: -len(item[1])):
        if len(keys) < MIN_ALIASES_FOR_EVENT:
            continue
        for key in keys:
            names.setdefault(event_tokens(key), index.names[owner])
    names.pop(frozenset(), None)
    return names
