"""The /driver query: a driver's cars and teams by season, teammates, results and quotes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.queries import lineup as lineups
from bot.queries import results as outcomes
from bot.queries.answers import Answer, Section, Source, unresolved
from bot.queries.common import (
    FIELD_VALUE_LIMIT,
    Citations,
    Spellings,
    chunk_sections,
    clip,
    name_key,
    person_seasons,
    seasons_text,
    short_cite,
    source_data,
    source_from,
)
from bot.queries.inline import Bold, Rich, Text
from bot.queries.names import event_names, resolve
from bot.services import Services
from bot.store import Store
from bot.text import plural

log = logging.getLogger(__name__)

DRIVER_LINEUP_ROWS = 20
"""Line-up statements read at least (the driver's latest whole seasons); earlier ones counted."""
DRIVER_RESULT_ROWS = 18
"""Result statements read at most (latest seasons first); the answer says how many more."""

MENTIONS_SORTED = 500
"""Up to this many mentions are sorted by date; more are found walking articles newest first."""

_MENTIONS_SQL = "SELECT count(*) FROM (SELECT 1 FROM mentions WHERE entity_id = ? LIMIT ?)"
_LATEST_MENTION_SQL = (
    "SELECT a.id AS article_id, a.title, a.published FROM mentions m"
    " JOIN articles a ON a.id = m.article_id WHERE m.entity_id = ?"
    " ORDER BY a.published DESC, a.id DESC LIMIT 1"
)
"""Latest first (SQLite sorts NULL dates last when descending)."""
_NEWEST_MENTIONING_SQL = (
    "SELECT a.id AS article_id, a.title, a.published FROM articles a WHERE EXISTS"
    " (SELECT 1 FROM mentions m WHERE m.entity_id = ? AND m.article_id = a.id)"
    " ORDER BY a.published DESC, a.id DESC LIMIT 1"
)
"""The same, walking the articles by date (quick when many mention the entity)."""


async def latest_mention(store: Store, entity_id: int) -> Source | None:
    """Return the latest article that mentions an entity."""
    counted = await store.fetchone(_MENTIONS_SQL, (entity_id, MENTIONS_SORTED + 1))
    many = counted is not None and int(counted[0]) > MENTIONS_SORTED
    row = await store.fetchone(
        _NEWEST_MENTIONING_SQL if many else _LATEST_MENTION_SQL, (entity_id,)
    )
    return source_from(row) if row else None


def stint_lines(stints: list[lineups.LineupGroup], names: Spellings) -> list[Text]:
    """Return one line per season and car: `2024 · #31 Team (model)`."""
    lines: list[Text] = []
    for stint in stints:
        season = str(stint.season) if stint.season is not None else "undated"
        team = names.name(stint.team)
        model = f" ({stint.car_model})" if stint.car_model else ""
        line = Text.of(Bold(season), f" · #{stint.car}" + (f" {team}" if team else "") + model)
        if line not in lines:
            lines.append(line)
    return lines


def teammates(stints: list[lineups.LineupGroup], me: str, names: Spellings) -> list[dict[str, Any]]:
    """Return the people who shared a car with `me`, most recent first, with the seasons."""
    seasons = person_seasons((d, s.season) for s in stints for d in s.drivers if d != me)
    return [{"name": names.name(key), "seasons": list(found)} for key, found in seasons.items()]


@dataclass(slots=True)
class DriverRecord:
    """Everything the store says about one driver."""

    name: str
    me: str
    stints: list[lineups.LineupGroup]
    names: Spellings
    events: list[outcomes.EventResults]
    result_names: Spellings
    quotes: int
    mention: Source | None
    earlier_seasons: int = 0
    more_results: int = 0

    @property
    def results(self) -> int:
        """Return how many results the driver has (those not shown counted as stated)."""
        return sum(len(e.results) for e in self.events) + self.more_results

    def sources(self) -> list[Source]:
        """Return every article cited: line-ups, results, the latest mention."""
        citations = Citations()
        for stint in self.stints:
            citations.extend(stint.sources)
        citations.extend(outcomes.cite_results(self.events))
        if self.mention:
            citations.add(self.mention)
        return citations.sources()

    def sections(self) -> list[Section]:
        """Return cars and teams, teammates, results, quotes and the latest mention."""
        mates = teammates(self.stints, self.me, self.names)
        stints: list[Rich] = [*stint_lines(self.stints, self.names)]
        if self.earlier_seasons:
            earlier = plural(self.earlier_seasons, "earlier season")
            stints.append(f"…and {earlier} not shown.")
        sections = chunk_sections("Cars and teams", stints)
        sections += chunk_sections(
            "Teammates", [f"{m['name']} ({seasons_text(m['seasons'])})" for m in mates]
        )
        lines: list[Rich] = [
            Text.of(f"{e.heading}: ", r.line(self.result_names))
            for e in self.events
            for r in e.results
        ]
        if self.more_results:
            earlier = plural(self.more_results, "earlier result")
            lines.append(f"…and {earlier}: see /results driver.")
        sections += chunk_sections("Results", lines, spoiler=True)
        sections.append(Section("Quotes", str(self.quotes), inline=True))
        if self.mention:
            cite = f"{self.mention.headline} ({short_cite(self.mention)})"
            sections.append(Section("Latest mention", clip(cite, FIELD_VALUE_LIMIT), inline=True))
        return sections

    def to_data(self) -> dict[str, Any]:
        """Return the record as JSON-ready data."""
        return {
            "name": self.name,
            "seasons": [_stint_data(s, self.names, self.me) for s in self.stints],
            "teammates": teammates(self.stints, self.me, self.names),
            "results": outcomes.events_data(self.events, self.result_names),
            "quotes": self.quotes,
            "latest_mention": source_data(self.mention) if self.mention else None,
            "earlier_seasons": self.earlier_seasons,
            "more_results": self.more_results,
        }


async def driver_record(services: Services, person_id: int, name: str) -> DriverRecord:
    """Gather a driver's line-ups, results, quote count and latest mention."""
    store = services.store
    facts, names, earlier = await lineups.recent_lineups(
        store, lineups.BY_DRIVER, (person_id,), rows=DRIVER_LINEUP_ROWS, indexed=False
    )
    stints = sorted(
        (g for groups in lineups.group_lineups(facts).values() for g in groups),
        key=lineups.recency,
    )
    result_facts, result_names, more = await outcomes.latest_results(
        store,
        outcomes.BY_DRIVER,
        (person_id,),
        DRIVER_RESULT_ROWS,
        count_sql=outcomes.DRIVER_COUNT_SQL,
        by_id=True,
    )
    events = outcomes.group_by_event(result_facts, await event_names(services))
    row = await store.fetchone("SELECT count(*) FROM quotes WHERE speaker_id = ?", (person_id,))
    return DriverRecord(
        name=name,
        me=name_key(person_id, ""),
        stints=stints,
        names=names,
        events=events,
        result_names=result_names,
        quotes=int(row[0]) if row else 0,
        mention=await latest_mention(store, person_id),
        earlier_seasons=earlier,
        more_results=more,
    )


async def driver(services: Services, name: str) -> Answer:
    """Show a driver's cars and teams by season, teammates, results, quotes, latest mention."""
    resolution = await resolve(services, "person", name)
    if resolution.entity_id is None or resolution.name is None:
        return unresolved("driver", name, resolution.suggestions, several=resolution.ambiguous)
    record = await driver_record(services, resolution.entity_id, resolution.name)
    return Answer(
        title=record.name,
        description=_summary(record.stints, record.names, record.quotes, record.results),
        sections=record.sections(),
        sources=record.sources(),
        data=record.to_data(),
    )


def _stint_data(stint: lineups.LineupGroup, names: Spellings, me: str) -> dict[str, Any]:
    """Return one season in one car as JSON-ready data."""
    return {
        "season": stint.season,
        "car": stint.car,
        "team": names.name(stint.team),
        "car_model": stint.car_model,
        "teammates": names.names(d for d in stint.drivers if d != me),
        "sources": [source_data(s) for s in stint.sources],
    }


def _summary(stints: list[lineups.LineupGroup], names: Spellings, quotes: int, results: int) -> str:
    """Return a one-line summary of the driver's latest car and the fact counts."""
    parts = []
    if stints:
        latest = stints[0]
        team = names.name(latest.team)
        season = f" in {latest.season}" if latest.season is not None else ""
        parts.append(f"Latest: #{latest.car}" + (f" for {team}" if team else "") + season + ".")
    parts.append(f"{results} result{'s' if results != 1 else ''}, {quotes} quote")
    parts[-1] += "s." if quotes != 1 else "."
    return " ".join(parts)
