"""The /results query: poles with lap times, wins, positions and titles, grouped by event."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from bot.queries.answers import Answer, Section, Source, not_found, unresolved
from bot.queries.common import (
    SESSION_WORDS,
    Citations,
    EventMatcher,
    Spellings,
    chunk_sections,
    event_tokens,
    join_names,
    keep_season_event,
    name_key,
    normalize_car,
    season_of,
    short_cite,
    source_data,
    source_from,
    team_key,
    year_in,
)
from bot.queries.inline import Bold, Text
from bot.queries.names import (
    event_entities,
    event_matcher_for,
    event_names,
    matching_events,
    resolve,
    resolve_car,
)
from bot.services import Services
from bot.store import Store
from bot.text import fold

log = logging.getLogger(__name__)

BY_DRIVER = "r.id IN (SELECT result_id FROM result_drivers WHERE driver_id = ?)"
BY_TEAM = "r.team_id = ?"
BY_CAR = "r.car = ?"
EVERY = "1 = 1"

KIND_LABELS = {
    "pole": "Pole",
    "win": "Win",
    "finish": "Finish",
    "title": "Title",
    "fastest_lap": "Fastest lap",
}
KIND_ORDER = {"title": 0, "win": 1, "pole": 1, "finish": 2, "fastest_lap": 3}
UNPLACED = 999
RACE_SESSION = "race"
QUALIFYING_SESSION = "qualifying"
RESULT_ROWS = 60
"""Result statements read at most per answer (latest seasons first); it says how many more."""

_RESULTS_SQL = (
    "SELECT r.id, r.article_id, r.kind, r.position, r.car, r.team, r.team_id,"
    " t.name AS team_entity, r.event, r.season, r.detail, r.session, r.class, r.evidence,"
    " a.title, a.published"
    " FROM results r JOIN articles a ON a.id = r.article_id"
    " LEFT JOIN entities t ON t.id = r.team_id"
    " WHERE {where} ORDER BY a.published IS NULL, a.published DESC, a.id DESC, r.paragraph, r.id"
)
_LATEST_IDS_SQL = (
    "SELECT id FROM (SELECT r.id FROM results r{indexed} WHERE ({dated})"
    " AND r.season IS NOT NULL ORDER BY r.season DESC, r.id DESC LIMIT ?)"
    " UNION ALL SELECT id FROM (SELECT r.id FROM results r{indexed} WHERE ({where})"
    " AND r.season IS NULL ORDER BY r.id DESC LIMIT ?)"
)
"""The latest seasons' results (most recently added first, from the season indexes), and the
latest of those stating no season."""
BY_ID_INDEX = " INDEXED BY results_id_season"
"""For a filter naming result ids (a driver's): their seasons from the (id, season) index, a
few megabytes, instead of across the table's rows."""
_COUNT_SQL = "SELECT count(*) FROM results r WHERE {where}"
DRIVER_COUNT_SQL = "SELECT count(DISTINCT result_id) FROM result_drivers WHERE driver_id = ?"
"""A driver's results counted from the driver index alone (for BY_DRIVER)."""
_DRIVERS_SQL = (
    "SELECT d.result_id, d.driver, d.driver_id, p.name AS entity_name"
    " FROM result_drivers d LEFT JOIN entities p ON p.id = d.driver_id"
    " WHERE d.result_id IN (SELECT value FROM json_each(?)) ORDER BY d.result_id, d.ord"
)
"""The drivers of results given as a JSON list of ids."""
_GAP = re.compile(r"^\+?(\d+\.\d+)\s*(?:s|sec|secs|seconds)?\b\s*(.*)$", re.IGNORECASE)
_YEAR_WORD = re.compile(r"\b(?:19[5-9]\d|20\d\d)\b")
_SPACES = re.compile(r"\s+")
_PARENTHESES = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class ResultFact:
    """One result, merged across the articles that state it (drivers as person keys)."""

    kind: str
    position: int | None
    car: str | None
    team: str | None
    event: str | None
    season: int | None
    detail: str | None
    sources: list[Source]
    drivers: list[str] = field(default_factory=list)
    session: str | None = None
    race_class: str | None = None
    evidence: str | None = None

    @property
    def event_name(self) -> str:
        """Return the event name without its year."""
        return _SPACES.sub(" ", _YEAR_WORD.sub(" ", self.event or "")).strip() or "Unnamed event"

    @property
    def latest(self) -> date | None:
        """Return the date of the latest article stating this result."""
        return max((s.published for s in self.sources if s.published), default=None)

    def merge_key(self) -> tuple[object, ...]:
        """Return what makes two statements the same result."""
        who: object = self.car if self.car else frozenset(self.drivers) or self.team
        return (
            self.season,
            tuple(sorted(event_tokens(self.event))),
            self.kind,
            self.position,
            self.session if self.session != RACE_SESSION else None,
            self.race_class,
            who,
        )

    def absorb(self, other: ResultFact) -> None:
        """Merge another statement of this result (drivers unioned, details kept)."""
        self.drivers += [d for d in other.drivers if d not in self.drivers]
        self.team = self.team or other.team
        self.detail = self.detail or other.detail
        self.evidence = self.evidence or other.evidence
        self.sources += [s for s in other.sources if s not in self.sources]

    def label(self) -> str:
        """Return what the result was, with its session and class: 'P2 in qualifying · GTD Pro'."""
        return " · ".join(p for p in (self._what() + self._session_words(), self.race_class) if p)

    def _what(self) -> str:
        """Return the kind of result: Pole, Win, P4 or Title."""
        if self.kind == "finish":
            return f"P{self.position}" if self.position else "Finish"
        if self.kind == "title" and self.position and self.position > 1:
            return f"Championship P{self.position}"
        return KIND_LABELS.get(self.kind, self.kind.title())

    def _session_words(self) -> str:
        """Return ' in qualifying' (nothing for a race, or a pole in plain qualifying)."""
        if not self.session or self.session == RACE_SESSION or self.kind == "title":
            return ""
        if self.kind == "pole" and self.session == QUALIFYING_SESSION:
            return ""
        return f" in {self.session}"

    def line(self, names: Spellings) -> Text:
        """Return the result as one line: what, car, drivers, team, detail, citation."""
        who = join_names(names.names(self.drivers))
        car = f"#{self.car} " if self.car else ""
        team = names.name(self.team)
        parts = [f" · {car}{who}".rstrip()]
        if team:
            parts.append(f"({team})" if who or car else team)
        detail = format_detail(self.detail)
        if detail:
            parts.append(f"· {detail}")
        if self.sources:
            parts.append(f"({short_cite(self.sources[0])})")
        return Text.of(Bold(self.label()), " ".join(parts))

    def to_data(self, names: Spellings) -> dict[str, Any]:
        """Return the result as JSON-ready data."""
        return {
            "kind": self.kind,
            "position": self.position,
            "car": self.car,
            "drivers": names.names(self.drivers),
            "team": names.name(self.team),
            "event": self.event,
            "season": self.season,
            "detail": self.detail,
            "session": self.session,
            "class": self.race_class,
            "evidence": self.evidence,
            "sources": [source_data(s) for s in self.sources],
        }


def format_detail(detail: str | None) -> str | None:
    """Format a result's detail: a gap gets its unit (0.071 → 0.071 s behind)."""
    if not detail:
        return None
    match = _GAP.match(detail.strip())
    if match:
        rest = match.group(2) or "behind"
        return f"{match.group(1)} s {rest}"
    return detail.strip().strip("'\"")


async def fetch_results(
    store: Store, where: str, params: tuple[object, ...]
) -> tuple[list[ResultFact], Spellings]:
    """Return every result matching a filter, merged across articles, latest first."""
    rows = await store.fetchall(_RESULTS_SQL.format(where=where), params)
    return await _facts(store, rows)


async def latest_results(
    store: Store,
    where: str,
    params: tuple[object, ...],
    limit: int = RESULT_ROWS,
    season: int | None = None,
    *,
    count_sql: str = _COUNT_SQL,
    by_event: bool = False,
    by_id: bool = False,
) -> tuple[list[ResultFact], Spellings, int]:
    """Return the latest results of a filter (`limit` statements at most) and how many are left.

    With a season, the results stating it are read, and those stating none (their season comes
    from the event name or the article date, so the caller filters them). `count_sql` counts
    the filter's results (a template with {where}, or a cheaper query with the same params).
    `by_event` says the filter names events (`_narrow`), so SQLite should read by event;
    `by_id` that it names result ids alone (a driver's), read from the (id, season) index.
    """
    ids = await _latest_ids(store, where, params, limit + 1, season, by_event=by_event, by_id=by_id)
    if not ids:
        return [], Spellings(), 0
    marks = ", ".join("?" * len(ids))
    rows = await store.fetchall(_RESULTS_SQL.format(where=f"r.id IN ({marks})"), ids)
    kept = {row["id"] for row in sorted(rows, key=_latest_season)[:limit]}
    more = 0
    if len(rows) > limit:
        if season is not None:
            where, params = f"({where}) AND (r.season = ? OR r.season IS NULL)", (*params, season)
        total = await store.fetchone(count_sql.format(where=where), params)
        more = (int(total[0]) if total else 0) - len(kept)
    rows = [row for row in rows if row["id"] in kept]
    facts, names = await _facts(store, rows)
    return facts, names, more


async def _latest_ids(
    store: Store,
    where: str,
    params: tuple[object, ...],
    limit: int,
    season: int | None,
    *,
    by_event: bool = False,
    by_id: bool = False,
) -> list[int]:
    """Return the ids of the latest (or one season's) results, and of up to `limit` undated."""
    dated, dated_params = where, params
    if season is not None:
        # '+' keeps SQLite on the (event_id, season) index when events are named: the season
        # index alone reads every result of the season (30 ms at 100,000 articles).
        column = "+r.season" if by_event else "r.season"
        dated, dated_params = f"({where}) AND {column} = ?", (*params, season)
    indexed = BY_ID_INDEX if by_id else ""
    sql = _LATEST_IDS_SQL.format(dated=dated, where=where, indexed=indexed)
    rows = await store.fetchall(sql, (*dated_params, limit, *params, limit))
    return [row[0] for row in rows]


def _fact_season(row: Any) -> int | None:
    """Return a result's season: its own, else the year in its event name, else its article's."""
    season = row["season"] if row["season"] is not None else year_in(row["event"])
    return season_of(season, row["published"])


def _latest_season(row: Any) -> tuple[bool, int]:
    """Sort key: latest season first, undated last (stable: article order kept within)."""
    season = _fact_season(row)
    return (season is None, -(season or 0))


async def _facts(store: Store, rows: list[Any]) -> tuple[list[ResultFact], Spellings]:
    """Build result facts from rows, with their drivers, merged across articles."""
    names = Spellings()
    facts: dict[int, ResultFact] = {}
    for row in rows:
        team = team_key(row, names)
        facts[row["id"]] = ResultFact(
            kind=row["kind"],
            position=row["position"],
            car=normalize_car(row["car"]) or row["car"],
            team=team,
            event=row["event"],
            season=_fact_season(row),
            detail=row["detail"],
            sources=[source_from(row)],
            session=row["session"],
            race_class=row["class"],
            evidence=row["evidence"],
        )
    for row in await store.fetchall(_DRIVERS_SQL, (json.dumps(list(facts)),)):
        fact = facts.get(row["result_id"])
        if fact is not None:
            key = name_key(row["driver_id"], row["driver"])
            fact.drivers.append(names.add(key, row["driver"], row["entity_name"]))
    return merge_results(facts.values()), names


def merge_results(facts: Any) -> list[ResultFact]:
    """Merge statements of the same result from several articles (first stated kept)."""
    merged: dict[tuple[object, ...], ResultFact] = {}
    for fact in facts:
        key = fact.merge_key()
        if key in merged:
            merged[key].absorb(fact)
        else:
            merged[key] = fact
    return list(merged.values())


@dataclass(slots=True)
class EventResults:
    """The results of one event in one season."""

    event: str
    season: int | None
    results: list[ResultFact] = field(default_factory=list)

    @property
    def heading(self) -> str:
        """Return the section heading: season and event."""
        return f"{self.season} · {self.event}" if self.season is not None else self.event

    def latest(self) -> int:
        """Return the ordinal of the latest article citing any of these results."""
        return max((r.latest.toordinal() for r in self.results if r.latest), default=0)


def canonical_event(fact: ResultFact, known: Mapping[frozenset[str], str]) -> str:
    """Return an event's known name (its session kept: "… qualifying"), else its own name."""
    text = _PARENTHESES.sub(" ", fact.event or "")
    words = event_tokens(text)
    name = known.get(words - SESSION_WORDS)
    if name is None:
        return fact.event_name
    sessions = [w for w in _WORD.findall(fold(text)) if w in SESSION_WORDS]
    return " ".join([name, *dict.fromkeys(sessions)])


def group_by_event(
    facts: list[ResultFact], known: Mapping[frozenset[str], str] | None = None
) -> list[EventResults]:
    """Group results by season and event, latest season first, best position first.

    `known` maps the words of event aliases to the event's name, so that "Rolex 24" and
    "24h of Daytona" results fall under one heading.
    """
    groups: dict[tuple[int | None, str], EventResults] = {}
    for fact in facts:
        name = canonical_event(fact, known or {})
        groups.setdefault((fact.season, name.casefold()), EventResults(name, fact.season))
        groups[(fact.season, name.casefold())].results.append(fact)
    for group in groups.values():
        group.results.sort(key=_placing)
    return sorted(groups.values(), key=lambda g: (g.season is None, -(g.season or 0), -g.latest()))


def _placing(fact: ResultFact) -> tuple[int, int]:
    """Sort key inside an event: titles, then wins and poles, then positions."""
    return (KIND_ORDER.get(fact.kind, UNPLACED), fact.position or UNPLACED)


def results_sections(groups: list[EventResults], names: Spellings) -> list[Section]:
    """Return one section per event (long events split over several)."""
    sections: list[Section] = []
    for group in groups:
        lines = [r.line(names) for r in group.results]
        sections += chunk_sections(group.heading, lines, spoiler=True)
    return sections


def events_data(groups: list[EventResults], names: Spellings) -> list[dict[str, Any]]:
    """Return grouped results as JSON-ready data."""
    return [
        {
            "event": g.event,
            "season": g.season,
            "results": [r.to_data(names) for r in g.results],
        }
        for g in groups
    ]


def cite_results(groups: list[EventResults]) -> list[Source]:
    """Return every article cited by the results."""
    citations = Citations()
    for group in groups:
        for result in group.results:
            citations.extend(result.sources)
    return citations.sources()


async def results(
    services: Services,
    event: str | None = None,
    season: int | None = None,
    driver: str | None = None,
    car: str | None = None,
) -> Answer:
    """Show poles with lap times, wins, positions and titles, grouped by event."""
    where, params, who = EVERY, cast(tuple[object, ...], ()), None
    if driver:
        resolution = await resolve(services, "person", driver)
        if resolution.entity_id is None:
            return unresolved(
                "driver", driver, resolution.suggestions, several=resolution.ambiguous
            )
        where, params, who = BY_DRIVER, (resolution.entity_id,), resolution.name
    match = await resolve_car(services, car) if car else None
    number = (match.number or match.typed) if match else None
    if car and not driver:
        where, params = BY_CAR, (number,)
    matcher = await event_matcher_for(services, event) if event else None
    if matcher is not None and season is None:
        season = matcher.year
    where, params = await _narrow(services, where, params, matcher)
    facts, names, more = await latest_results(
        services.store,
        where,
        params,
        RESULT_ROWS,
        season,
        by_event=matcher is not None,
        by_id=bool(driver) and matcher is None,
    )
    if car:
        facts = [f for f in facts if number is not None and f.car == number]
    groups = group_by_event(keep_season_event(facts, season, matcher), await event_names(services))
    filters = {"event": event, "season": season, "driver": who, "car": number or car}
    if not groups:
        return await _no_results(services, filters, matcher)
    title = _title(filters)
    note = f"{match.note}\n" if match and match.note else ""
    return Answer(
        title=title,
        description=note + _count_text(groups, more),
        sections=results_sections(groups, names),
        sources=cite_results(groups),
        data={"filters": filters, "events": events_data(groups, names)},
    )


async def _narrow(
    services: Services,
    where: str,
    params: tuple[object, ...],
    matcher: EventMatcher | None,
) -> tuple[str, tuple[object, ...]]:
    """Add SQL conditions that keep every result the event filter could keep.

    The filters themselves still run on the merged facts; this only spares reading the rest.
    Whole merge groups stay together: an event's facts include every event spelled with the
    same words as one the matcher accepts. (The season is narrowed by `latest_results`.)
    """
    conditions, values = [where], list(params)
    if matcher is not None:
        keys = {event_tokens(name) for _, name in await matching_events(services, matcher)}
        ids = [
            entity for entity, name in await event_entities(services) if event_tokens(name) in keys
        ]
        conditions.append(f"r.event_id IN ({', '.join('?' * len(ids))})" if ids else "0")
        values += ids
    return " AND ".join(f"({c})" for c in conditions), tuple(values)


def _count_text(groups: list[EventResults], more: int) -> str:
    """Say how many results in how many events are shown, and how many earlier ones are not."""
    count = sum(len(g.results) for g in groups)
    text = (
        f"{count} result{'s' if count != 1 else ''} in {len(groups)} "
        f"event{'s' if len(groups) != 1 else ''}, latest first."
    )
    if more > 0:
        text += f" {more:,} earlier not shown: narrow with event, season, driver or car."
    return text


def _title(filters: dict[str, Any]) -> str:
    """Return the answer title from the filters given."""
    parts = [
        str(filters["season"]) if filters["season"] is not None else None,
        filters["event"],
        filters["driver"],
        f"#{normalize_car(filters['car']) or filters['car']}" if filters["car"] else None,
    ]
    named = " · ".join(p for p in parts if p)
    return f"Results: {named}" if named else "Results"


async def _no_results(
    services: Services, filters: dict[str, Any], matcher: EventMatcher | None
) -> Answer:
    """Return the not-found answer, suggesting events when an event was asked."""
    asked = " · ".join(str(v) for v in filters.values() if v is not None) or "any"
    suggestions: list[str] = []
    if matcher is not None:
        suggestions = (await resolve(services, "event", matcher.text)).suggestions
    answer = not_found("results", asked, suggestions)
    answer.data["filters"] = filters
    return answer
