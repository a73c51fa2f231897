"""Planning server events: one per timed race session in the horizon, within Discord's limits."""

from __future__ import annotations

from datetime import timedelta

from bot.queries.server_events import (
    DESCRIPTION_LIMIT,
    SERVER_EVENT_HORIZON,
    describe,
    plan_server_events,
    race_length,
    upcoming_races,
)
from tests.calendar.conftest import at


def test_only_timed_races_in_the_horizon_are_planned(calendar):
    now = at("2024-01-20T12:00:00Z")
    races = upcoming_races(calendar, now)
    assert [session.uid for _, session, _ in races] == ["imsa-2024-r01-daytona-race"]
    assert all(now < start <= now + SERVER_EVENT_HORIZON for _, _, start in races)
    # None once the race started; a later window finds timed races only, never date-only ones.
    assert upcoming_races(calendar, at("2024-01-27T18:41:00Z"), timedelta(days=3)) == []
    later = upcoming_races(calendar, at("2024-01-28T00:00:00Z"), timedelta(days=365))
    assert later and all(session.timed and session.kind == "race" for _, session, _ in later)


def test_race_lengths_come_from_the_event_name(calendar):
    assert race_length(calendar.event("imsa-2024-r01-daytona")) == timedelta(hours=24)
    assert race_length(calendar.event("imsa-2024-r02-sebring")) == timedelta(hours=12)


def test_the_description_keeps_within_discords_limit(calendar):
    event = calendar.event("imsa-2024-r01-daytona")
    lines = [f"#{n} · Team {n}: Driver A, Driver B, Driver C" for n in range(200)]
    text = describe(event, event.sessions[0], lines)
    assert len(text) <= DESCRIPTION_LIMIT
    assert text.startswith("Rolex 24 At Daytona (Round 1), race at Daytona International Speedway.")
    assert text.endswith(lines[text.count("#") - 1])  # whole lines only


async def test_planned_events_carry_the_line_ups(services, calendar):
    (planned,) = await plan_server_events(services, calendar, at("2024-01-20T12:00:00Z"))
    assert planned.name == "Rolex 24 At Daytona: Race"
    assert planned.end - planned.start == timedelta(hours=24)
    assert "#31" in planned.description and "Pipo Derani" in planned.description
    moved = await plan_server_events(services, calendar, at("2024-01-20T12:00:00Z"))
    assert moved[0].fingerprint == planned.fingerprint  # stable: no needless edits
