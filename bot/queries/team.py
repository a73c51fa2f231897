"""The /team query: a team's cars and their line-ups, its drivers and its results."""

from __future__ import annotations

import logging

from bot.queries import lineup as lineups
from bot.queries import results as outcomes
from bot.queries.answers import Answer, unresolved
from bot.queries.common import (
    Citations,
    chunk_sections,
    person_seasons,
    seasons_text,
)
from bot.queries.inline import Rich, Text
from bot.queries.makes import find_make
from bot.queries.names import event_names, resolve
from bot.services import Services
from bot.text import plural

log = logging.getLogger(__name__)

TEAM_ROWS_PER_CAR = 12
"""Latest line-up statements read per car (the team's latest cars, see GRID_CARS)."""
TEAM_RESULT_ROWS = 30
"""Result statements read at most (latest seasons first); the answer says how many more."""


async def team(services: Services, name: str) -> Answer:
    """Show a team's cars (each line-up by season), drivers and results; for a make, its teams."""
    exact = await resolve(services, "team", name, exact=True)
    make = None if exact.found else await find_make(services.store, name)
    if make is not None and make.team_ids:
        answer = await lineups.lineup(services, team=name)
        answer.suggestions = list(make.team_names)
        answer.description += "\nAsk /team name: with one of them for its drivers and results."
        return answer
    resolution = exact if exact.found else await resolve(services, "team", name)
    if resolution.entity_id is None or resolution.name is None:
        return unresolved("team", name, resolution.suggestions, several=resolution.ambiguous)
    team_id, full_name = resolution.entity_id, resolution.name
    facts, names, more_cars = await lineups.latest_per_car(
        services.store, lineups.BY_TEAM, (team_id,), TEAM_ROWS_PER_CAR
    )
    by_car = lineups.group_lineups(facts)
    cars = sorted(by_car.items(), key=lambda item: lineups.recency(item[1][0]))
    result_facts, result_names, more_results = await outcomes.latest_results(
        services.store, outcomes.BY_TEAM, (team_id,), TEAM_RESULT_ROWS
    )
    events = outcomes.group_by_event(result_facts, await event_names(services))
    stints = [g for _, groups in cars for g in groups]
    drivers = person_seasons((d, g.season) for g in stints for d in g.drivers)
    for fact in result_facts:
        for key in fact.drivers:
            names.add(key, result_names.name(key))
            seasons = drivers.setdefault(key, [])
            if fact.season not in seasons:
                seasons.append(fact.season)

    citations = Citations()
    for stint in stints:
        citations.extend(stint.sources)
    citations.extend(outcomes.cite_results(events))

    sections = []
    for number, groups in cars:
        sections += chunk_sections(f"#{number}", [g.line(names, with_team=False) for g in groups])
    driver_lines = [f"{names.name(k)} ({seasons_text(v)})" for k, v in _by_latest(drivers)]
    sections += chunk_sections("Drivers", driver_lines)
    result_lines: list[Rich] = [
        Text.of(f"{e.heading}: ", r.line(result_names)) for e in events for r in e.results
    ]
    if more_results > 0:
        result_lines.append(f"…and {plural(more_results, 'earlier result')}: see /results.")
    sections += chunk_sections("Results", result_lines, spoiler=True)
    return Answer(
        title=full_name,
        description=_counts_text(
            len(cars), more_cars, len(drivers), len(result_facts) + more_results
        ),
        sections=sections,
        sources=citations.sources(),
        data={
            "name": full_name,
            "cars": [
                {"car": number, "lineups": [g.to_data(names) for g in groups]}
                for number, groups in cars
            ],
            "drivers": [
                {"name": names.name(k), "seasons": sorted(v, key=_season_order)}
                for k, v in _by_latest(drivers)
            ],
            "results": outcomes.events_data(events, result_names),
        },
    )


def _counts_text(cars: int, more_cars: int, drivers: int, results: int) -> str:
    """Say how many cars (and how many older ones not listed), drivers and results."""
    more = f" (and {more_cars} with older line-ups)" if more_cars > 0 else ""
    return (
        f"{cars} car{'s' if cars != 1 else ''}{more}, {drivers} "
        f"driver{'s' if drivers != 1 else ''}, {results} result{'s' if results != 1 else ''}."
    )


def _season_order(season: int | None) -> int:
    """Sort key for seasons: oldest first, undated last."""
    return season if season is not None else 10_000


def _by_latest(drivers: dict[str, list[int | None]]) -> list[tuple[str, list[int | None]]]:
    """Order drivers by their latest season with the team (latest first), keeping ties stable."""
    return sorted(
        drivers.items(), key=lambda item: -max((s for s in item[1] if s is not None), default=0)
    )
