"""/next and /schedule answers from the shipped calendar."""

from __future__ import annotations

from bot.queries.sessions import next_race, season_schedule
from bot.schedule.calendar import Calendar
from cogs._render import markdown
from tests.calendar.conftest import at

DAYTONA_START = 1706380800  # 2024-01-27 18:40 UTC = 13:40 at Daytona


def test_next_race_during_the_roar_is_the_rolex_24_with_its_start_and_countdown(
    calendar: Calendar,
):
    answer = next_race(calendar, at("2024-01-20T12:00:00Z"))
    assert answer.ok
    assert answer.title == "Rolex 24 At Daytona"
    assert f"Race starts <t:{DAYTONA_START}:R>" in markdown(answer.description)
    assert "Daytona International Speedway" in answer.description
    assert [(s.name, markdown(s.value)) for s in answer.sections] == [
        ("Race", f"<t:{DAYTONA_START}:F> · <t:{DAYTONA_START}:R>")
    ]
    assert answer.data["race"]["start_utc"] == "2024-01-27T18:40:00+00:00"
    assert answer.to_json()["data"]["event"]["round"] == 1


def test_next_race_with_no_published_time_says_so_instead_of_inventing_one(calendar: Calendar):
    answer = next_race(calendar, at("2024-03-01T00:00:00Z"))
    assert answer.title == "Mobil 1 Twelve Hours of Sebring"
    assert "Sat 16 Mar 2024" in answer.description
    assert "not published" in answer.description
    assert "<t:" not in answer.description + answer.sections[0].value
    assert answer.data["race"]["start_utc"] is None


def test_next_race_lists_qualifying_too_when_it_is_published(calendar: Calendar):
    answer = next_race(calendar, at("2024-08-01T00:00:00Z"))
    assert answer.title == "IMSA SportsCar Weekend"
    assert [s.name for s in answer.sections] == ["Qualifying", "Race"]
    assert markdown(answer.sections[0].value).startswith("<t:1722720000:F>")  # 17:20 ET


def test_after_the_last_known_race_it_says_none_is_scheduled_and_how_to_import(
    calendar: Calendar,
):
    answer = next_race(calendar, at("2026-11-21T00:00:00Z"))
    assert not answer.ok
    assert answer.title == "No race scheduled yet"
    assert "paddock calendar import FILE.ics" in answer.description
    assert answer.data["event"] is None


def test_season_schedule_lists_every_round_with_dates(calendar: Calendar):
    answer = season_schedule(calendar, 2024)
    assert answer.ok
    assert len(answer.sections) == 12
    assert answer.sections[1].name == "Round 1 · Rolex 24 At Daytona"
    assert answer.sections[1].value.startswith("Sat 27 – Sun 28 Jan 2024")
    assert answer.sections[-1].name == "Round 11 · Motul Petit Le Mans"
    assert answer.sections[-1].value.startswith("Sat 12 Oct 2024")
    assert [e["round"] for e in answer.data["events"]] == [None, *range(1, 12)]


def test_an_unknown_season_suggests_the_known_ones(calendar: Calendar):
    answer = season_schedule(calendar, 2025)
    assert answer.status == "not_found"
    assert answer.suggestions == ["2024", "2026"]
    assert "paddock calendar import" in answer.description
