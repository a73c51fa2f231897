"""Car makes (Cadillac, Acura…) read from the store, not from a list kept by hand.

A make is the first word of a car model raced; its teams are those that raced such a car and
those whose name (or an alias) carries the word. The makes are read once per store and read
again after the store changed (they cost a pass over the line-ups).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.store import Store
from bot.text import fold

log = logging.getLogger(__name__)

MAKES_CACHE = "makes"
"""Per-store cache of the makes (dropped with the store)."""

_MODELS_SQL = (
    "SELECT DISTINCT l.team_id, l.car_model FROM lineups l"
    " WHERE l.car_model IS NOT NULL AND l.team_id IS NOT NULL"
)
_TEAM_NAMES_SQL = (
    "SELECT e.id, e.name FROM entities e WHERE e.kind = 'team'"
    " UNION SELECT a.entity_id, a.alias FROM entity_aliases a"
    " JOIN entities e ON e.id = a.entity_id WHERE e.kind = 'team'"
)
_CANONICAL_SQL = "SELECT id, name FROM entities WHERE kind = 'team'"


@dataclass(frozen=True, slots=True)
class Make:
    """A car make and the teams (entity ids and names, alphabetical) that run it."""

    name: str
    team_ids: tuple[int, ...]
    team_names: tuple[str, ...] = field(default=())


@dataclass(slots=True)
class _Makes:
    """Every make of one store, by folded word, valid while the store's stamp holds."""

    stamp: tuple[int, int]
    makes: dict[str, Make]


def make_word(model: str) -> str:
    """Return the make of a car model: its first word (`Cadillac V-Series.R` → `Cadillac`)."""
    words = model.split()
    return words[0] if words else ""


async def find_make(store: Store, text: str) -> Make | None:
    """Return the make a typed team text names, with the teams running it, or None."""
    wanted = fold(text)
    if not wanted or " " in wanted:
        return None
    return (await _store_makes(store)).get(wanted)


async def _store_makes(store: Store) -> dict[str, Make]:
    """Return the store's makes, read again when the store changed."""
    stamp = await store.data_stamp()
    cached = store.caches.get(MAKES_CACHE)
    if isinstance(cached, _Makes) and cached.stamp == stamp:
        return cached.makes
    makes = await _read_makes(store)
    store.caches[MAKES_CACHE] = _Makes(stamp, makes)
    return makes


async def _read_makes(store: Store) -> dict[str, Make]:
    """Read every make and its teams from the line-ups, team names and aliases."""
    spelled: dict[str, str] = {}
    teams: dict[str, set[int]] = {}
    for team_id, model in await store.fetchall(_MODELS_SQL):
        word = make_word(model)
        key = fold(word)
        if key:
            spelled.setdefault(key, word)
            teams.setdefault(key, set()).add(int(team_id))
    for team_id, name in await store.fetchall(_TEAM_NAMES_SQL):
        for word in set(fold(name or "").split()) & set(spelled):
            teams[word].add(int(team_id))
    names = {int(team_id): name for team_id, name in await store.fetchall(_CANONICAL_SQL)}
    makes = {}
    for key, word in spelled.items():
        ordered = sorted((t for t in teams[key] if t in names), key=lambda t: fold(names[t]))
        makes[key] = Make(word, tuple(ordered), tuple(names[t] for t in ordered))
    log.debug("Read %d makes", len(makes))
    return makes
