"""Car makes (Cadillac, Acura…) read from the store, not from a list kept by hand.

A make is the first word of a car model raced; its teams are those that raced such a car and
those whose name (or an alias) carries the word.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.store import Store
from bot.text import fold

log = logging.getLogger(__name__)

_MODELS_SQL = (
    "SELECT DISTINCT l.team_id, l.car_model FROM lineups l"
    " WHERE l.car_model IS NOT NULL AND l.team_id IS NOT NULL"
)
_TEAM_NAMES_SQL = (
    "SELECT e.id, e.name FROM entities e WHERE e.kind = 'team'"
    " UNION SELECT a.entity_id, a.alias FROM entity_aliases a"
    " JOIN entities e ON e.id = a.entity_id WHERE e.kind = 'team'"
)
_CANONICAL_SQL = "SELECT id, name FROM entities WHERE kind = 'team' ORDER BY name"


@dataclass(frozen=True, slots=True)
class Make:
    """A car make and the teams (entity ids and names) that run it."""

    name: str
    team_ids: tuple[int, ...]
    team_names: tuple[str, ...] = field(default=())


def make_word(model: str) -> str:
    """Return the make of a car model: its first word (`Cadillac V-Series.R` → `Cadillac`)."""
    words = model.split()
    return words[0] if words else ""


async def find_make(store: Store, text: str) -> Make | None:
    """Return the make a typed team text names, with the teams running it, or None.

    A make is the first word of a car model some team raced; the teams running it are those
    with a line-up in such a car, and those whose name (or an alias) holds the make's word.
    """
    wanted = fold(text)
    if not wanted or " " in wanted:
        return None
    spelled: str | None = None
    teams: set[int] = set()
    for team_id, model in await store.fetchall(_MODELS_SQL):
        word = make_word(model)
        if fold(word) == wanted:
            spelled = spelled or word
            teams.add(int(team_id))
    if spelled is None:
        return None
    for team_id, name in await store.fetchall(_TEAM_NAMES_SQL):
        if wanted in fold(name or "").split():
            teams.add(int(team_id))
    names: dict[int, str] = {}
    for team_id, name in await store.fetchall(_CANONICAL_SQL):
        if team_id in teams:
            names[int(team_id)] = name
    ordered = sorted(names, key=lambda owner: fold(names[owner]))
    return Make(spelled, tuple(ordered), tuple(names[o] for o in ordered))
