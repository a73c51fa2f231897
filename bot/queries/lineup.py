"""The /lineup query: who drives a car as of the latest article, with earlier line-ups below."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from bot.queries.answers import Answer, Section, Source, not_found, unresolved
from bot.queries.common import (
    Citations,
    EventMatcher,
    Spellings,
    chunk_sections,
    join_names,
    keep_season_event,
    name_key,
    season_of,
    short_cite,
    source_data,
    source_from,
    team_key,
)
from bot.queries.inline import Bold, Rich, Text
from bot.queries.makes import find_make
from bot.queries.names import (
    car_suggestions,
    event_matcher_for,
    matching_events,
    resolve,
    resolve_car,
)
from bot.schedule.calendar import Calendar
from bot.services import Services
from bot.store import Store
from bot.text import fold

log = logging.getLogger(__name__)

BY_CAR = "l.car = ?"
BY_TEAM = "l.team_id = ?"
BY_DRIVER = "l.id IN (SELECT lineup_id FROM lineup_drivers WHERE driver_id = ?)"
EVERY = "1 = 1"
LINEUP_ROWS = 40
"""Statements read for one car at least: whole seasons, latest first (earlier ones counted)."""
EVENT_ROWS = 12
"""Statements read at least for a car at the event asked (whole seasons, latest first)."""
GRID_ROWS_PER_CAR = 6
"""Latest statements read per car when listing a team's (or every) car's current line-up."""
GRID_CARS = 12
"""Cars listed at most (latest season first); the answer says how many more there are."""
SUGGESTED_SEASONS = 5
SUGGESTED_CARS = 5
LATEST_SEASON = 9_999
"""A season later than any stored, as the top of an open season window."""

_LINEUPS_SQL = (
    "SELECT l.id, l.article_id, l.paragraph, l.car, l.team, l.team_id, t.name AS team_entity,"
    " l.car_model, l.season, l.event, a.title, a.published"
    " FROM lineups l JOIN articles a ON a.id = l.article_id"
    " LEFT JOIN entities t ON t.id = l.team_id"
    " WHERE {where} ORDER BY a.published IS NULL, a.published DESC, a.id DESC, l.paragraph, l.id"
)
_DRIVERS_SQL = (
    "SELECT d.lineup_id, d.driver, d.driver_id, p.name AS entity_name"
    " FROM lineup_drivers d LEFT JOIN entities p ON p.id = d.driver_id"
    " WHERE d.lineup_id IN (SELECT value FROM json_each(?)) ORDER BY d.lineup_id, d.ord"
)
"""The drivers of line-ups given as a JSON list of ids."""
_SEASON_COUNTS_SQL = (
    "SELECT season, count(*) FROM (SELECT l.season AS season FROM lineups l"
    " WHERE ({where}) AND l.season IS NOT NULL"
    " UNION ALL SELECT CAST(substr(a.published, 1, 4) AS INTEGER) FROM lineups l"
    " JOIN articles a ON a.id = l.article_id WHERE ({where}) AND l.season IS NULL)"
    " WHERE season IS NOT NULL AND season <= ? GROUP BY season ORDER BY season DESC"
)
"""Statements per season (stated, or the year of an article stating none), latest first; the
stated ones from the (car, season) or (team, car, season) index alone."""
_WINDOW = (
    "l.id IN (SELECT l.id FROM lineups l WHERE ({where}) AND l.season BETWEEN ? AND ?"
    " UNION ALL SELECT l.id FROM lineups l WHERE ({where}) AND l.season IS NULL)"
    " AND (l.season IS NOT NULL OR a.published IS NULL OR a.published >= ?)"
)
"""Statements of the seasons in a window; those without a stated season from its first year."""
_STATEMENTS_SQL = (
    "SELECT l.id, l.season, CASE WHEN l.season IS NULL THEN (SELECT a.published FROM articles a"
    " WHERE a.id = l.article_id) END FROM lineups l WHERE {where}"
)
"""Statements' ids, seasons and, when they state none, their articles' dates (a stated
season's from an index holding the filter's columns alone), for a window worked out in
Python: filters no season index serves (a driver's) or dear to evaluate (an event's) are
read once instead of once to count the seasons and once more for the window."""
_BY_ID_STATEMENTS_SQL = (
    "SELECT l.id, l.season, CASE WHEN l.season IS NULL THEN (SELECT a.published FROM articles a"
    " WHERE a.id = l.article_id) END FROM lineups l INDEXED BY lineups_id_season WHERE {where}"
)
"""The same for a filter naming line-up ids, from the (id, season, article_id) index."""
_SEASONS_SQL = (
    "SELECT DISTINCT season FROM (SELECT l.season FROM lineups l"
    " WHERE ({where}) AND l.season IS NOT NULL"
    " UNION ALL SELECT CAST(substr(a.published, 1, 4) AS INTEGER) FROM lineups l"
    " JOIN articles a ON a.id = l.article_id WHERE ({where}) AND l.season IS NULL)"
    " WHERE season IS NOT NULL ORDER BY season DESC LIMIT ?"
)
"""A car's latest seasons: stated, or the years of the articles stating no season."""
_EVENTS_SQL = "SELECT DISTINCT l.event FROM lineups l WHERE ({where}) AND l.event IS NOT NULL"
_CARS_SQL = (
    "WITH RECURSIVE cars(car) AS (SELECT min(l.car) FROM lineups l WHERE {where}"
    " UNION ALL SELECT (SELECT min(l.car) FROM lineups l WHERE ({where}) AND l.car > cars.car)"
    " FROM cars WHERE cars.car IS NOT NULL)"
    " SELECT cars.car, (SELECT max(l.season) FROM lineups l WHERE ({where}) AND l.car = cars.car)"
    " AS latest FROM cars WHERE cars.car IS NOT NULL ORDER BY latest DESC, cars.car"
)
"""The cars with the latest stated seasons first (cars with undated line-ups only, last).

The cars are stepped through one index seek each (a loose index scan), not by reading every
statement of the filter."""
_CAR_LATEST_SQL = (
    "SELECT id FROM (SELECT l.id FROM lineups l WHERE ({where}) AND l.car = ?"
    " AND l.season IS NOT NULL ORDER BY l.season DESC, l.id DESC LIMIT ?)"
    " UNION ALL SELECT id FROM (SELECT l.id FROM lineups l WHERE ({where}) AND l.car = ?"
    " AND l.season IS NULL ORDER BY l.id DESC LIMIT ?)"
)
"""A car's latest statements with a season and without (most recently added first); one such
query per car listed, joined into one statement."""


@dataclass(slots=True)
class LineupFact:
    """One line-up as one article states it (drivers as person keys)."""

    id: int
    car: str
    season: int | None
    team: str | None
    car_model: str | None
    event: str | None
    source: Source
    drivers: list[str] = field(default_factory=list)
    season_stated: bool = True


@dataclass(slots=True)
class LineupGroup:
    """A car's line-up in one season, merged across the articles that state it."""

    car: str
    season: int | None
    drivers: list[str]
    team: str | None
    car_model: str | None
    events: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    season_stated: bool = False
    latest: date | None = field(default=None, init=False)
    """The date of the latest source (kept as sources are added: sorting asks it often)."""

    @property
    def as_of(self) -> date | None:
        """Return the date of the latest article stating this line-up."""
        return self.latest

    def _cite(self, source: Source) -> None:
        """Add a source, keeping the latest date."""
        self.sources.append(source)
        if source.published and (self.latest is None or source.published > self.latest):
            self.latest = source.published

    def absorb(self, fact: LineupFact) -> None:
        """Merge another statement of this line-up (drivers unioned, first values kept)."""
        self.drivers += [d for d in fact.drivers if d not in self.drivers]
        self.season_stated = self.season_stated or fact.season_stated
        self.team = self.team or fact.team
        self.car_model = self.car_model or fact.car_model
        if fact.event and fact.event not in self.events:
            self.events.append(fact.event)
        if fact.source not in self.sources:
            self._cite(fact.source)

    def merge(self, other: LineupGroup) -> None:
        """Merge another article's statement of these drivers (or of some of them)."""
        self.team = self.team or other.team
        self.car_model = self.car_model or other.car_model
        self.events += [e for e in other.events if e not in self.events]
        for source in [s for s in other.sources if s not in self.sources]:
            self._cite(source)
        self.sources.sort(key=_newest_first)

    def to_data(self, names: Spellings) -> dict[str, Any]:
        """Return the group as JSON-ready data."""
        return {
            "car": self.car,
            "season": self.season,
            "team": names.name(self.team),
            "car_model": self.car_model,
            "drivers": names.names(self.drivers),
            "events": list(self.events),
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "sources": [source_data(s) for s in self.sources],
        }

    def line(self, names: Spellings, *, with_team: bool = True) -> Text:
        """Return a one-line summary: season, drivers, team and the latest citation."""
        season = str(self.season) if self.season is not None else "undated"
        team = f" — {names.name(self.team)}" if self.team and with_team else ""
        cite = f" ({short_cite(self.sources[0])})" if self.sources else ""
        return Text.of(Bold(season), f" · {join_names(names.names(self.drivers))}{team}{cite}")


async def fetch_lineups(
    store: Store, where: str, params: tuple[object, ...]
) -> tuple[list[LineupFact], Spellings]:
    """Return the line-ups matching a filter, latest article first, and their spellings."""
    names = Spellings()
    rows = await store.fetchall(_LINEUPS_SQL.format(where=where), params)
    facts: dict[int, LineupFact] = {}
    for row in rows:
        team = team_key(row, names)
        facts[row["id"]] = LineupFact(
            id=row["id"],
            car=row["car"],
            season=season_of(row["season"], row["published"]),
            season_stated=row["season"] is not None,
            team=team,
            car_model=row["car_model"],
            event=row["event"],
            source=source_from(row),
        )
    for row in await store.fetchall(_DRIVERS_SQL, (json.dumps(list(facts)),)):
        fact = facts.get(row["lineup_id"])
        if fact is None:
            continue
        key = names.add(
            name_key(row["driver_id"], row["driver"]), row["driver"], row["entity_name"]
        )
        if key not in fact.drivers:
            fact.drivers.append(key)
    return list(facts.values()), names


def group_lineups(facts: Iterable[LineupFact]) -> dict[str, list[LineupGroup]]:
    """Group line-ups by car, then by season and driver set, most recent first.

    Statements of one car and season in the same article are one line-up (their drivers
    unioned); the same drivers (or some of them) stated in other articles of that season
    are the same line-up, citing every article.
    """
    per_article: dict[tuple[str, int | None, int], LineupGroup] = {}
    for fact in facts:
        key = (fact.car, fact.season, fact.source.article_id)
        group = per_article.get(key)
        if group is None:
            group = LineupGroup(fact.car, fact.season, [], fact.team, fact.car_model)
            per_article[key] = group
        group.absorb(fact)
    merged: list[LineupGroup] = []
    by_season: dict[tuple[str, int | None], list[tuple[LineupGroup, set[str]]]] = {}
    for group in sorted(per_article.values(), key=lambda g: -len(g.drivers)):
        if not group.drivers:
            continue
        drivers = set(group.drivers)
        kept = by_season.setdefault((group.car, group.season), [])
        same = next((k for k, k_drivers in kept if drivers <= k_drivers), None)
        if same is not None:
            same.merge(group)
        else:
            kept.append((group, drivers))
            merged.append(group)
    by_car: dict[str, list[LineupGroup]] = {}
    for group in _promote_announcements(merged):
        by_car.setdefault(group.car, []).append(group)
    for groups in by_car.values():
        groups.sort(key=recency)
    return by_car


def _promote_announcements(groups: list[LineupGroup]) -> list[LineupGroup]:
    """Move next season's line-up, announced late in a season, into the next season.

    A line-up whose season is only its article's year, stated after another line-up of that
    car and season, with the drivers of the car's next-season line-up, is that announcement.
    """
    kept = list(groups)
    for group in groups:
        if group.season_stated or group.season is None or group.as_of is None:
            continue
        drivers = set(group.drivers)
        after = [
            g
            for g in kept
            if (g.car, g.season) == (group.car, group.season + 1) and drivers <= set(g.drivers)
        ]
        replaced = any(
            (g.car, g.season) == (group.car, group.season)
            and set(g.drivers) != drivers
            and g.as_of is not None
            and g.as_of < group.as_of
            for g in kept
        )
        if after and replaced:
            after[0].merge(group)
            kept.remove(group)
    return kept


def _newest_first(source: Source) -> int:
    """Sort key for citations: latest article first, undated last."""
    return -(source.published.toordinal() if source.published else 0)


def recency(group: LineupGroup) -> tuple[bool, int, int]:
    """Sort key: latest season first, then latest article (undated last)."""
    as_of = group.as_of
    return (group.season is None, -(group.season or 0), -(as_of.toordinal() if as_of else 0))


async def lineup(
    services: Services,
    car: str | None = None,
    team: str | None = None,
    season: int | None = None,
    event: str | None = None,
) -> Answer:
    """Show a car's drivers (or each car of a team) as of the latest article, with history."""
    matcher = await event_matcher_for(services, event) if event else None
    if matcher is not None and season is None:
        season = matcher.year
    teams: TeamFilter = TeamFilter()
    if team:
        found = await _team_filter(services, team)
        if isinstance(found, Answer):
            return found
        teams = found
    if car:
        return await _car_lineup(services, car, teams, season, matcher)
    where, params = (teams.where, teams.ids) if teams.ids else (EVERY, ())
    if season is not None:
        where, params = f"({where}) AND (l.season = ? OR l.season IS NULL)", (*params, season)
    facts, names, more = await latest_per_car(services.store, where, params, GRID_ROWS_PER_CAR)
    if matcher is not None:
        await about_events(services.store, facts, matcher, services.calendar)
    title = f"{teams.name} line-ups" if teams.name else "Line-ups"
    answer = _grid(facts, names, (season, matcher), title, teams.name, more)
    if teams.make and answer.ok:
        answer.description = Text.of(teams.note(), "\n", answer.description)
        answer.data["make"] = {"name": teams.name, "teams": list(teams.names)}
    return answer


@dataclass(frozen=True, slots=True)
class TeamFilter:
    """The teams a `team:` option names: one team, or every team running a make."""

    ids: tuple[int, ...] = ()
    name: str | None = None
    names: tuple[str, ...] = ()
    make: bool = False

    @property
    def where(self) -> str:
        """Return the SQL condition on line-ups (parameters: the ids)."""
        return f"l.team_id IN ({', '.join('?' * len(self.ids))})"

    def team_keys(self) -> set[str]:
        """Return the person-or-team keys of the teams."""
        return {name_key(team_id, "") for team_id in self.ids}

    def note(self) -> str:
        """Say that the name is a make and which teams run it."""
        count = len(self.names)
        teams = f"{count} team{'s' if count != 1 else ''} run{'s' if count == 1 else ''} it"
        return f"{self.name} is a make: {teams} — {', '.join(self.names)}."


async def _team_filter(services: Services, team: str) -> TeamFilter | Answer:
    """Resolve `team:` to a team, or to a make's teams; or answer why it cannot be."""
    exact = await resolve(services, "team", team, exact=True)
    make = None if exact.found else await find_make(services.store, team)
    if make is not None and make.team_ids:
        return TeamFilter(make.team_ids, make.name, make.team_names, make=True)
    resolution = exact if exact.found else await resolve(services, "team", team)
    if resolution.entity_id is None or resolution.name is None:
        suggestions = await _teams_with_lineups(services.store, resolution.suggestions)
        return unresolved("team", team, suggestions, several=resolution.ambiguous)
    return TeamFilter((resolution.entity_id,), resolution.name, (resolution.name,))


_LINEUP_CARS_SQL = (
    "SELECT DISTINCT l.car FROM lineups l"
    " WHERE l.car IN (SELECT value FROM json_each(?)) AND {where}"
)
_TEAMS_WITH_LINEUPS_SQL = (
    "SELECT t.name FROM entities t WHERE t.kind = 'team'"
    " AND EXISTS (SELECT 1 FROM lineups l WHERE l.team_id = t.id)"
)


async def _teams_with_lineups(store: Store, names: list[str]) -> list[str]:
    """Keep the suggested teams that have line-ups (a suggestion must answer)."""
    rows = await store.fetchall(_TEAMS_WITH_LINEUPS_SQL)
    known = {fold(row[0]) for row in rows}
    return [name for name in names if fold(name) in known]


async def latest_per_car(
    store: Store, where: str, params: tuple[object, ...], per_car: int = GRID_ROWS_PER_CAR
) -> tuple[list[LineupFact], Spellings, int]:
    """Return the latest statements of the GRID_CARS latest cars, and how many cars are left."""
    cars = await store.fetchall(_CARS_SQL.format(where=where), (*params, *params, *params))
    more = max(0, len(cars) - GRID_CARS)
    listed = [car for car, _ in cars[:GRID_CARS]]
    if not listed:
        return [], Spellings(), more
    sql = " UNION ALL ".join([_CAR_LATEST_SQL.format(where=where)] * len(listed))
    values = [value for car in listed for value in (*params, car, per_car, *params, car, per_car)]
    ids = [row[0] for row in await store.fetchall(sql, values)]
    marks = ", ".join("?" * len(ids))
    facts, names = await fetch_lineups(store, f"l.id IN ({marks})", tuple(ids))
    return facts, names, more


async def recent_lineups(
    store: Store,
    where: str,
    params: tuple[object, ...],
    upper: int | None = None,
    rows: int = LINEUP_ROWS,
    *,
    indexed: bool = True,
) -> tuple[list[LineupFact], Spellings, int]:
    """Return the latest whole seasons' statements (to `upper`) and how many seasons are left.

    `indexed` says whether a season index serves the filter (a car's or a team's, not a
    driver's); it only chooses how the statements per season are counted.
    """
    top = upper if upper is not None else LATEST_SEASON
    if not indexed:
        statements = await _statements(store, where, params, by_id=True)
        ids, earlier = window_ids(statements, rows, top)
        facts, names = await _lineups_by_id(store, ids)
        return facts, names, earlier
    sql, values = _SEASON_COUNTS_SQL.format(where=where), (*params, *params, top)
    counts = [(int(s), int(n)) for s, n in await store.fetchall(sql, values)]
    first, earlier = window_start(counts, rows)
    window = _WINDOW.format(where=where)
    window_params = (*params, first, top, *params, f"{first:04d}")
    facts, names = await fetch_lineups(store, window, window_params)
    return facts, names, earlier


async def _statements(
    store: Store, where: str, params: tuple[object, ...], *, by_id: bool = False
) -> list[tuple[int, int | None, str | None]]:
    """Return (id, season, article date when no season is stated) of the statements.

    `by_id` says the filter names line-up ids (a driver's): they are looked up in the
    (id, season, article_id) index, a few megabytes, instead of across the table's rows.
    """
    sql = _BY_ID_STATEMENTS_SQL if by_id else _STATEMENTS_SQL
    rows = await store.fetchall(sql.format(where=where), params)
    return [(int(row[0]), row[1], row[2]) for row in rows]


async def _lineups_by_id(store: Store, ids: list[int]) -> tuple[list[LineupFact], Spellings]:
    """Return the line-ups with these ids, latest article first."""
    if not ids:
        return [], Spellings()
    return await fetch_lineups(store, f"l.id IN ({', '.join('?' * len(ids))})", tuple(ids))


def window_start(counts: list[tuple[int, int]], rows: int) -> tuple[int, int]:
    """Return where the latest seasons pass `rows` statements (0: never) and the seasons before."""
    total = 0
    for at, (season, count) in enumerate(counts):
        total += count
        if total > rows:
            return season, len(counts) - at - 1
    return 0, 0


async def _event_lineups(
    services: Services, where: str, params: tuple[object, ...], matcher: EventMatcher
) -> tuple[list[LineupFact], Spellings]:
    """Return the latest statements at the events a matcher accepts.

    A line-up naming no event counts for the events its article mentions (the article is
    about them); `about_events` then keeps only those the article came before. The statements
    are read latest seasons first, until the window of `recent_lineups` past EVENT_ROWS is
    known.
    """
    store = services.store
    rows = await store.fetchall(_EVENTS_SQL.format(where=where), params)
    events = [row[0] for row in rows if matcher.matches(row[0])]
    entities = [entity for entity, _ in await matching_events(services, matcher)]
    if not events and not entities:
        return [], Spellings()
    arms: list[tuple[str, tuple[object, ...]]] = []
    if events:
        arms.append((f"({where}) AND l.event IN ({', '.join('?' * len(events))})", (*events,)))
    if entities:
        entity = "m.entity_id" if len(entities) <= FEW_EVENTS else "+m.entity_id"
        mentioned = _MENTIONS_EVENT.format(entity=entity, marks=", ".join("?" * len(entities)))
        arms.append((f"({where}) AND l.event IS NULL AND {mentioned}", (*entities,)))
    seasons = await store.fetchall(_STATED_SEASONS_SQL.format(where=where), params)
    latest = [row[0] for row in seasons]
    statements = await _latest_statements(store, arms, params, latest, EVENT_ROWS)
    ids, _ = window_ids(statements, EVENT_ROWS)
    return await _lineups_by_id(store, ids)


_MENTIONS_EVENT = (
    "EXISTS (SELECT 1 FROM mentions m WHERE m.article_id = l.article_id AND {entity} IN ({marks}))"
)
"""The statement's article mentions one of the events: each statement's article is looked
up, never every article mentioning an event (a season's title is mentioned by thousands)."""
FEW_EVENTS = 4
"""Event entities looked up one by one per article (more: the article's mentions are read)."""
_STATED_SEASONS_SQL = (
    "SELECT DISTINCT l.season FROM lineups l WHERE ({where}) AND l.season IS NOT NULL"
    " ORDER BY l.season DESC"
)
FIRST_SEASONS = 2
"""Seasons read first for a window of event statements (then twice as many each time)."""


async def _latest_statements(
    store: Store,
    arms: list[tuple[str, tuple[object, ...]]],
    params: tuple[object, ...],
    seasons: list[int],
    rows: int,
) -> list[tuple[int, int | None, str | None]]:
    """Return the statements of some filters (OR-ed) of the latest seasons, and undated ones.

    Seasons are read latest first until the window past `rows` starts in a season read
    (every statement stating no season is read with the first seasons), so `window_ids`
    finds the same window in them as in every statement of the filters.
    """
    parts = [(f"{arm} AND l.season IS NULL", (*params, *values)) for arm, values in arms]
    found: list[tuple[int, int | None, str | None]] = []
    for newest, oldest in _season_batches(seasons):
        parts += [
            (f"{arm} AND l.season BETWEEN ? AND ?", (*params, *values, oldest, newest))
            for arm, values in arms
        ]
        found += await _statements_of(store, parts)
        parts = []
        first, _ = window_start(_season_counts(found), rows)
        if first and first >= oldest:
            return found
    if parts:
        found += await _statements_of(store, parts)
    return found


def _season_batches(seasons: list[int]) -> Iterator[tuple[int, int]]:
    """Yield the newest and oldest of the latest seasons, FIRST_SEASONS, then twice as many."""
    at, size = 0, FIRST_SEASONS
    while at < len(seasons):
        yield seasons[at], seasons[min(at + size, len(seasons)) - 1]
        at, size = at + size, size * 2


async def _statements_of(
    store: Store, parts: list[tuple[str, tuple[object, ...]]]
) -> list[tuple[int, int | None, str | None]]:
    """Return the statements of several filters (each a condition and its parameters)."""
    sql = " UNION ALL ".join(_STATEMENTS_SQL.format(where=where) for where, _ in parts)
    rows = await store.fetchall(sql, [value for _, values in parts for value in values])
    return [(int(row[0]), row[1], row[2]) for row in rows]


def window_ids(
    statements: Iterable[tuple[int, int | None, str | None]],
    rows: int,
    upper: int = LATEST_SEASON,
) -> tuple[list[int], int]:
    """Return the statements of the latest whole seasons (to `upper`) past `rows`, seasons left.

    The window of `recent_lineups` (_SEASON_COUNTS_SQL and _WINDOW) over statements already
    read: a season is the stated one, else the year of the article.
    """
    listed = list(statements)
    first, earlier = window_start(_season_counts(listed, upper), rows)
    since = f"{first:04d}"
    ids = [
        statement_id
        for statement_id, season, published in listed
        if (
            first <= season <= upper
            if season is not None
            else published is None or published >= since
        )
    ]
    return ids, earlier


def _season_counts(
    statements: list[tuple[int, int | None, str | None]], upper: int = LATEST_SEASON
) -> list[tuple[int, int]]:
    """Return statements per season (stated, else the article's year) to `upper`, latest first."""
    counts: dict[int, int] = {}
    for _, season, published in statements:
        year = season if season is not None else _year_of(published)
        if year is not None and year <= upper:
            counts[year] = counts.get(year, 0) + 1
    return sorted(counts.items(), reverse=True)


def _year_of(published: str | None) -> int | None:
    """Return the year of a stored article date (as SQLite's CAST of its first four letters)."""
    if published is None:
        return None
    digits = published[:4]
    return int(digits) if digits.isdigit() else 0


_ARTICLE_EVENTS_SQL = (
    "SELECT m.article_id, e.name FROM mentions m JOIN entities e ON e.id = m.entity_id"
    " WHERE e.kind = 'event' AND m.article_id IN (SELECT value FROM json_each(?))"
    " ORDER BY m.article_id, e.name"
)


async def about_events(
    store: Store,
    facts: Iterable[LineupFact],
    matcher: EventMatcher,
    calendar: Calendar | None,
) -> None:
    """Give each line-up naming no event the asked event its article is about, if any.

    The article must mention the event and, when the calendar knows that event in the
    line-up's season, be published before the event ended (a race report mentioning last
    January's race is not about it).
    """
    open_facts = [f for f in facts if f.event is None]
    if not open_facts:
        return
    ids = sorted({f.source.article_id for f in open_facts})
    mentioned: dict[int, list[str]] = {}
    for row in await store.fetchall(_ARTICLE_EVENTS_SQL, (json.dumps(ids),)):
        if matcher.matches(row["name"]):
            mentioned.setdefault(row["article_id"], []).append(row["name"])
    for fact in open_facts:
        fact.event = next(
            (
                name
                for name in mentioned.get(fact.source.article_id, [])
                if _before_event(calendar, matcher, fact)
            ),
            None,
        )


def _before_event(calendar: Calendar | None, matcher: EventMatcher, fact: LineupFact) -> bool:
    """Return whether an article came before the asked event in its line-up's season."""
    published = fact.source.published
    if calendar is None or published is None or fact.season is None:
        return True
    ends = [
        event.last_day
        for event in calendar.events()
        if event.season == fact.season and any(map(matcher.matches, event.names()))
    ]
    return not ends or published <= max(ends)


async def _car_facts(
    services: Services,
    where: str,
    params: tuple[object, ...],
    season: int | None,
    matcher: EventMatcher | None,
) -> tuple[list[LineupFact], Spellings, int]:
    """Return a car's statements for the asked season or event, with the seasons before them."""
    store = services.store
    upper = season + 1 if season is not None else None
    asked: list[LineupFact] = []
    names = Spellings()
    if matcher is not None:
        asked, names = await _event_lineups(services, where, params, matcher)
        await about_events(store, asked, matcher, services.calendar)
        seasons = [f.season for f in asked if f.season is not None]
        if upper is None and seasons:
            upper = max(seasons) + 1
    facts, window_names, earlier = await recent_lineups(store, where, params, upper, LINEUP_ROWS)
    names.update(window_names)
    borrowed = {f.id: f.event for f in asked}
    for fact in facts:
        fact.event = fact.event or borrowed.get(fact.id)
    known = {f.id for f in facts}
    return [*facts, *(f for f in asked if f.id not in known)], names, earlier


async def _car_lineup(
    services: Services,
    car: str,
    teams: TeamFilter,
    season: int | None,
    matcher: EventMatcher | None,
) -> Answer:
    """Answer for one car (of a team, when given): the current line-up and the earlier ones."""
    match = await resolve_car(services, car)
    number = match.number
    if number is None:
        suggestions = await _cars_with_lineups(services, match.suggestions, teams)
        return not_found("car", car, [f"#{s}" for s in suggestions])
    where, params = BY_CAR, cast(tuple[object, ...], (number,))
    if teams.ids:
        where, params = f"{BY_CAR} AND {teams.where}", (number, *teams.ids)
    facts, names, earlier = await _car_facts(services, where, params, season, matcher)
    if teams.ids:
        facts = [f for f in facts if f.team in teams.team_keys()]
    everything = group_lineups(facts).get(number, [])
    groups = everything
    if season is not None or matcher is not None:
        groups = group_lineups(keep_season_event(facts, season, matcher)).get(number, [])
    if not groups:
        what = _filters_text(number, season, matcher, teams.name)
        suggestions = await _seasons(services.store, number, where, params)
        if not suggestions and season is None and matcher is None:
            nearby = await car_suggestions(services, number)
            cars = await _cars_with_lineups(services, nearby, teams)
            suggestions = [f"#{c}" for c in cars if c != number]
        return not_found("line-up", what, suggestions)
    current = groups[0]
    shown = {(g.season, frozenset(g.drivers)) for g in groups}
    older = [
        g
        for g in everything
        if recency(g) > recency(current) and (g.season, frozenset(g.drivers)) not in shown
    ]
    history = sorted([*groups[1:], *older], key=recency)
    answer = _car_answer(number, current, history, names, earlier)
    if match.note:
        answer.description = Text.of(match.note, "\n", answer.description)
        answer.data["typed_car"] = match.typed
    return answer


async def _cars_with_lineups(services: Services, cars: list[str], teams: TeamFilter) -> list[str]:
    """Keep the suggested cars that have line-ups (of the teams asked): a suggestion must answer.

    When none has, suggest the most mentioned cars that have.
    """
    kept = await _with_lineups(services.store, cars, teams)
    if not kept:
        kept = await _with_lineups(services.store, await car_suggestions(services, ""), teams)
    return kept[:SUGGESTED_CARS]


async def _with_lineups(store: Store, cars: list[str], teams: TeamFilter) -> list[str]:
    """Return the cars (in the order given) that have line-ups of the teams asked."""
    where, params = (teams.where, teams.ids) if teams.ids else (EVERY, ())
    sql = _LINEUP_CARS_SQL.format(where=where)
    rows = await store.fetchall(sql, (json.dumps(cars), *params))
    known = {row[0] for row in rows}
    return [car for car in cars if car in known]


async def _seasons(store: Store, number: str, where: str, params: tuple[object, ...]) -> list[str]:
    """Return the latest seasons a car has line-ups in, as suggestions."""
    sql = _SEASONS_SQL.format(where=where)
    rows = await store.fetchall(sql, (*params, *params, SUGGESTED_SEASONS))
    return [f"#{number} in {row[0]}" for row in rows]


def _car_answer(
    number: str,
    current: LineupGroup,
    history: list[LineupGroup],
    names: Spellings,
    earlier: int = 0,
) -> Answer:
    """Build the answer for one car."""
    citations = Citations()
    citations.extend(current.sources)
    for group in history:
        citations.extend(group.sources)
    season = str(current.season) if current.season is not None else "Undated"
    sections = chunk_sections(f"Drivers ({season})", names.names(current.drivers))
    if current.team:
        sections.append(Section("Team", names.name(current.team) or "?", inline=True))
    if current.car_model:
        sections.append(Section("Car", current.car_model, inline=True))
    if current.events:
        sections.append(Section("Event", ", ".join(current.events), inline=True))
    sections += chunk_sections("As of", [short_cite(s) for s in current.sources])
    lines: list[Rich] = [g.line(names) for g in history]
    if earlier:
        lines.append(
            f"…and {earlier} earlier season{'s' if earlier != 1 else ''}: ask with season."
        )
    sections += chunk_sections("Earlier line-ups", lines)
    team = names.name(current.team)
    return Answer(
        title=f"#{number} line-up",
        description=Text.of(
            Bold(join_names(names.names(current.drivers))),
            (f" — {team}" if team else "") + f" ({season})",
        ),
        sections=sections,
        sources=citations.sources(),
        data={
            "car": number,
            "current": current.to_data(names),
            "history": [g.to_data(names) for g in history],
            "earlier_seasons": earlier,
        },
    )


def _grid(
    facts: list[LineupFact],
    names: Spellings,
    filters: tuple[int | None, EventMatcher | None],
    title: str,
    team: str | None,
    more: int = 0,
) -> Answer:
    """Build the answer listing the current line-up of each car (of a team, or of all)."""
    season, matcher = filters
    by_car = group_lineups(keep_season_event(facts, season, matcher))
    if not by_car:
        return not_found("line-up", _filters_text(None, season, matcher, team), [])
    cars = sorted(by_car.items(), key=lambda item: recency(item[1][0]))
    citations = Citations()
    sections: list[Section] = []
    for number, groups in cars:
        current = groups[0]
        citations.extend(current.sources)
        heading = f"#{number} ({current.season or 'undated'})"
        detail = " · ".join(
            x for x in (names.name(current.team), current.car_model) if x and team != x
        )
        lines = [join_names(names.names(current.drivers))]
        lines += [detail] if detail else []
        lines.append(short_cite(current.sources[0]))
        sections += chunk_sections(heading, lines)
    suffix = f" ({season})" if season is not None else ""
    return Answer(
        title=f"{title}{suffix}",
        description=_cars_text(len(cars), more),
        sections=sections,
        sources=citations.sources(),
        data={
            "team": team,
            "season": season,
            "cars": [
                {
                    "car": n,
                    "current": g[0].to_data(names),
                    "history": [x.to_data(names) for x in g[1:]],
                }
                for n, g in cars
            ],
        },
    )


def _cars_text(count: int, more: int) -> str:
    """Say how many cars are listed, and how many more there are."""
    text = f"{count} car{'s' if count != 1 else ''}, latest line-up each."
    if more > 0:
        text += f" {more} more car{'s' if more != 1 else ''} not shown (latest season first)."
    return text


def _filters_text(
    number: str | None, season: int | None, matcher: EventMatcher | None, team: str | None = None
) -> str:
    """Describe what was asked, for a not-found answer."""
    parts = [f"#{number}" if number else None, team]
    parts += [f"in {season}" if season is not None else None]
    parts += [f"at {matcher.text}" if matcher else None]
    return " ".join(p for p in parts if p) or "any car"
