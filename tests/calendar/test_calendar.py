"""The shipped calendar, name lookups, TOML errors and the iCalendar round trip."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.schedule.calendar import (
    Calendar,
    export_ics,
    import_ics,
    load_calendar,
    save_calendar,
)
from tests.calendar.conftest import at


def test_2024_season_has_the_roar_and_eleven_rounds(calendar: Calendar):
    season = calendar.season(2024)
    assert season is not None
    assert [e.round for e in season.events] == [None, *range(1, 12)]
    assert season.events[0].name == "Roar Before the Rolex 24"
    assert [s.kind for s in season.events[0].sessions] == ["test", "test", "qualifying"]
    assert calendar.season(2026) is not None
    assert len(calendar.season(2026).rounds) == 11


def test_published_times_are_exact_and_the_rest_are_date_only(calendar: Calendar):
    daytona = calendar.find_event("Rolex 24 At Daytona", 2024)
    assert daytona.sessions[0].start_utc() == at("2024-01-27T18:40:00Z")  # 13:40 EST
    assert daytona.last_day == date(2024, 1, 28)
    road_america = calendar.find_event("Road America", 2024)
    starts = {s.kind: s.start_utc() for s in road_america.sessions}
    assert starts == {
        "qualifying": at("2024-08-03T21:20:00Z"),  # 17:20 ET
        "race": at("2024-08-04T19:10:00Z"),  # 15:10 ET
    }
    assert road_america.tz == "America/Chicago"
    timed = [s.uid for e in calendar.events() for s in e.sessions if s.timed and e.season == 2024]
    assert sorted(timed) == [
        "imsa-2024-r01-daytona-race",
        "imsa-2024-r08-roadamerica-qualifying",
        "imsa-2024-r08-roadamerica-race",
    ]
    sebring = calendar.find_event("Sebring", 2024)
    assert sebring.sessions[0].start == date(2024, 3, 16)


@pytest.mark.parametrize(
    "name", ["Rolex 24", "24 Hours of Daytona", "Daytona 24 Hours", "rolex 24 at daytona"]
)
def test_the_names_fans_use_find_the_same_event(calendar: Calendar, name: str):
    event = calendar.find_event(name, 2024)
    assert event is not None
    assert event.uid == "imsa-2024-r01-daytona"


def test_a_name_without_season_finds_the_latest_season(calendar: Calendar):
    assert calendar.find_event("Petit Le Mans").uid == "imsa-2026-r11-atlanta"
    assert calendar.find_event("Le Mans 24 Hours") is None


def test_next_event_skips_what_is_over(calendar: Calendar):
    assert calendar.next_event(at("2024-01-20T12:00:00Z")).name == "Roar Before the Rolex 24"
    assert calendar.next_event(at("2024-01-20T12:00:00Z"), ["race"]).name == "Rolex 24 At Daytona"
    # A date-only race is still "next" during its own local day.
    assert calendar.next_event(at("2024-03-16T23:00:00Z"), ["race"]).round == 2


@pytest.mark.parametrize(
    ("snippet", "message"),
    [
        ('tz = "Mars/Olympus"', r"event\[0\]\.tz: expected an IANA time zone"),
        ("tz = 5", r"event\[0\]\.tz: expected str"),
        ('start = "soon"', r"session\[0\]\.start: expected a date or a date-time"),
        ('kind = "parade"', r"session\[0\]\.kind: expected one of"),
    ],
)
def test_bad_values_name_the_key_and_the_expected_type(tmp_path: Path, snippet: str, message: str):
    good = {
        "tz": 'tz = "America/New_York"',
        "start": "start = 2024-03-16",
        "kind": 'kind = "race"',
    }
    key = snippet.split(" = ")[0]
    good[key] = snippet
    text = f"""
[[season]]
year = 2024

[[season.event]]
uid = "e1"
name = "Sebring"
venue = "Sebring International Raceway"
{good["tz"]}

[[season.event.session]]
uid = "e1-race"
{good["kind"]}
{good["start"]}
"""
    path = tmp_path / "cal.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        load_calendar(path)


def test_season_year_must_be_an_integer(tmp_path: Path):
    path = tmp_path / "cal.toml"
    path.write_text('[[season]]\nyear = "2024"\n')
    with pytest.raises(ValueError, match=r"season\[0\]\.year: expected int"):
        load_calendar(path)


def test_ics_export_then_import_gives_back_the_same_calendar(calendar: Calendar):
    data = export_ics(calendar, stamp=at("2024-01-01T00:00:00Z"))
    assert b"UID:imsa-2024-r01-daytona-race@paddock" in data
    report = import_ics(data, Calendar())
    assert report.calendar == calendar
    assert len(report.added) == sum(len(e.sessions) for e in calendar.events())


def test_reimporting_the_same_file_changes_nothing(calendar: Calendar):
    report = import_ics(export_ics(calendar), calendar)
    assert report.added == [] and report.updated == []
    assert report.calendar == calendar


def _move(calendar: Calendar, event_uid: str, days: int) -> Calendar:
    seasons = []
    for season in calendar.seasons:
        events = []
        for event in season.events:
            if event.uid == event_uid:
                sessions = tuple(
                    replace(s, start=s.start + timedelta(days=days)) for s in event.sessions
                )
                event = replace(event, sessions=sessions)
            events.append(event)
        seasons.append(replace(season, events=tuple(events)))
    return Calendar(tuple(seasons))


def test_reimport_of_a_changed_event_updates_it_instead_of_adding_a_copy(calendar: Calendar):
    moved = _move(calendar, "imsa-2024-r02-sebring", 1)
    report = import_ics(export_ics(moved), calendar)
    assert report.updated == ["imsa-2024-r02-sebring-race"]
    assert report.added == []
    merged = report.calendar
    sebrings = [e for e in merged.events() if e.season == 2024 and "Sebring" in e.name]
    assert len(sebrings) == 1
    assert sebrings[0].sessions[0].start == date(2024, 3, 17)
    assert sum(len(e.sessions) for e in merged.events()) == sum(
        len(e.sessions) for e in calendar.events()
    )


def test_a_foreign_ics_file_adds_events(calendar: Calendar):
    data = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Someone else//EN
BEGIN:VEVENT
UID:imsa-2025-sebring-race@example.org
DTSTAMP:20241201T000000Z
SUMMARY:Twelve Hours of Sebring 2025
DTSTART;TZID=America/New_York:20250315T101000
END:VEVENT
END:VCALENDAR
"""
    report = import_ics(data, calendar)
    assert report.added == ["imsa-2025-sebring-race@example.org"]
    season = report.calendar.season(2025)
    assert season is not None
    session = season.events[0].sessions[0]
    assert session.kind == "race"
    assert session.start_utc() == at("2025-03-15T14:10:00Z")
    assert import_ics(data, report.calendar).added == []


def test_a_saved_calendar_loads_back(tmp_path: Path, calendar: Calendar):
    path = tmp_path / "data" / "calendar.toml"
    save_calendar(calendar, path)
    assert load_calendar(path) == calendar


def test_a_uid_used_twice_is_refused(tmp_path: Path):
    path = tmp_path / "cal.toml"
    event = (
        '[[season.event]]\nuid = "same"\nname = "A"\nvenue = "V"\ntz = "UTC"\n'
        '[[season.event.session]]\nuid = "same-race"\nkind = "race"\nstart = 2024-03-16\n'
    )
    path.write_text("[[season]]\nyear = 2024\n" + event + event)
    with pytest.raises(ValueError, match="'same' is used twice"):
        load_calendar(path)


def test_importing_a_file_saves_the_merged_calendar_and_keeps_the_seed(
    tmp_path: Path, calendar: Calendar
):
    from bot.schedule.calendar import current_calendar, import_calendar_file
    from tests.calendar.conftest import SEED_CALENDAR

    ics = tmp_path / "moved.ics"
    ics.write_bytes(export_ics(_move(calendar, "imsa-2026-r11-atlanta", 7)))
    saved = tmp_path / "data" / "calendar.toml"
    assert current_calendar(saved, SEED_CALENDAR) == calendar
    report = import_calendar_file(ics, saved, SEED_CALENDAR)
    assert report.updated == ["imsa-2026-r11-atlanta-race"]
    reloaded = current_calendar(saved, SEED_CALENDAR)
    assert reloaded.event("imsa-2026-r11-atlanta").sessions[0].start == date(2026, 10, 10)
    assert load_calendar(SEED_CALENDAR) == calendar
    assert import_calendar_file(ics, saved, SEED_CALENDAR).changed is False
