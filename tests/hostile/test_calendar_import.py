"""Calendar import of careless and hostile .ics files: it always leaves a loadable calendar."""

from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from pathlib import Path

from bot.schedule.calendar import Calendar, import_calendar_file, import_ics, load_calendar
from tests.calendar.conftest import SEED_CALENDAR
from tests.conftest import paddock


def vcalendar(*events: str, head: str = "") -> str:
    """Return an iCalendar file holding the given VEVENT bodies."""
    body = "".join(f"BEGIN:VEVENT\r\n{event.strip()}\r\nEND:VEVENT\r\n" for event in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n{head}{body}END:VCALENDAR\r\n"


def vevent(uid: str, start: str, summary: str = "Race", extra: str = "") -> str:
    """Return one VEVENT body."""
    return f"UID:{uid}\r\nSUMMARY:{summary}\r\nDTSTART{start}\r\n{extra}"


def test_a_plain_ics_import_leaves_a_calendar_that_loads_and_exports(tmp_path: Path):
    ics = tmp_path / "plain.ics"
    ics.write_text(
        vcalendar(
            vevent("flt", ":20250601T180000Z", "Flat Rock 100"),
            vevent("flt-event", ":20250608T180000Z", "Second race with the uid an event gets"),
        )
    )
    db = tmp_path / "paddock.db"
    imported = paddock("--db", str(db), "calendar", "import", str(ics))
    assert imported.returncode == 0, imported.stderr
    assert "2 added" in imported.stdout
    exported = paddock("--db", str(db), "calendar", "export")
    assert exported.returncode == 0, exported.stderr
    assert "UID:flt@paddock" in exported.stdout
    saved = load_calendar(tmp_path / "calendar.toml")
    uids = [u for e in saved.events() for u in (e.uid, *(s.uid for s in e.sessions))]
    assert len(uids) == len(set(uids)), "every event and session uid is unique"
    again = paddock("--db", str(db), "calendar", "import", str(ics))
    assert "0 added, 0 updated, 2 unchanged" in again.stdout


def test_period_and_duration_starts_are_read_or_reported(tmp_path: Path):
    data = vcalendar(
        vevent("per", ";VALUE=PERIOD:20250601T180000Z/20250601T200000Z", "Period race"),
        vevent("dur", ";VALUE=DURATION:PT1H", "Duration race"),
        vevent("ok", ":20250602T180000Z", "Fine race"),
    ).encode()
    report = import_ics(data, Calendar())
    assert sorted(report.added) == ["ok", "per"]
    found = report.calendar.session("per")
    assert found is not None
    assert found[1].start_utc() == datetime(2025, 6, 1, 18, 0, tzinfo=UTC)
    assert len(report.skipped) == 1
    assert report.skipped[0].startswith("dur: DTSTART is a DURATION, expected a date")


def test_an_unknown_tzid_is_reported_not_taken_as_utc():
    data = vcalendar(
        vevent("mars", ";TZID=Mars/Olympus:20250601T180000", "Olympus Mons 6 Hours"),
        vevent("sebring", ";TZID=America/New_York:20250315T101000", "Sebring"),
    ).encode()
    report = import_ics(data, Calendar())
    assert report.added == ["sebring"]
    assert report.skipped == [
        "mars: unknown time zone TZID='Mars/Olympus': expected an IANA name or a VTIMEZONE"
    ]


def test_an_over_long_paddock_tz_skips_that_event_only():
    data = vcalendar(
        vevent("long", ":20250601T180000Z", "Long zone", f"X-PADDOCK-TZ:{'A' * 300}"),
        vevent("fine", ":20250601T180000Z", "Fine"),
    ).encode()
    report = import_ics(data, Calendar())
    assert report.added == ["fine"]
    assert len(report.skipped) == 1
    reason = report.skipped[0]
    assert reason.startswith("long: X-PADDOCK-TZ: expected an IANA time zone name, got 'AAA")
    assert len(reason) < 200, "the value is cut, the line stays short"


def test_latin1_is_decoded_by_its_declared_charset_or_reported(tmp_path: Path):
    body = vcalendar(vevent("spa", ";VALUE=DATE:20250726", "Spa-Francorchamps: Tribüne öffnet"))
    declared = body.replace("SUMMARY:", "SUMMARY;CHARSET=ISO-8859-1:").encode("latin-1")
    report = import_ics(declared, Calendar())
    event = report.calendar.event("spa-event")
    assert event is not None and event.name == "Spa-Francorchamps: Tribüne öffnet"
    ics = tmp_path / "latin1.ics"
    ics.write_bytes(body.encode("latin-1"))
    db = tmp_path / "paddock.db"
    result = paddock("--db", str(db), "calendar", "import", str(ics))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: not a valid iCalendar file: not UTF-8")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "calendar.toml").exists()


def test_an_rrule_is_expanded_into_every_occurrence():
    weekly = vevent(
        "club", ";TZID=Europe/London:20250105T100000", "Club race", "RRULE:FREQ=WEEKLY;COUNT=10"
    )
    report = import_ics(vcalendar(weekly).encode(), Calendar())
    assert len(report.added) == 10
    starts = sorted(
        s.start_utc() for e in report.calendar.events() for s in e.sessions if s is not None
    )
    assert starts[0] == datetime(2025, 1, 5, 10, 0, tzinfo=UTC)
    assert starts[-1] == datetime(2025, 3, 9, 10, 0, tzinfo=UTC)
    assert import_ics(vcalendar(weekly).encode(), report.calendar).added == []


def test_an_endless_rrule_is_cut_with_a_warning():
    daily = vevent("daily", ";VALUE=DATE:20250101", "Daily test", "RRULE:FREQ=DAILY")
    report = import_ics(vcalendar(daily).encode(), Calendar())
    assert len(report.added) == 500
    assert report.warnings == [
        "daily: recurs more than 500 times; only the first 500 occurrences were imported"
    ]


def test_an_import_that_would_not_load_is_refused_and_nothing_saved(tmp_path: Path):
    ics = tmp_path / "ok.ics"
    ics.write_text(vcalendar(vevent("a", ";VALUE=DATE:20250601")))
    saved = tmp_path / "data" / "calendar.toml"
    report = import_calendar_file(ics, saved, SEED_CALENDAR)
    assert report.added == ["a"]
    assert load_calendar(saved).event("a-event") is not None


def _import_seconds(count: int) -> float:
    events = [
        vevent(f"e{i}", f";VALUE=DATE:2025{1 + i % 12:02d}{1 + i % 28:02d}") for i in range(count)
    ]
    data = vcalendar(*events).encode()
    began = time.perf_counter()
    report = import_ics(data, Calendar())
    elapsed = time.perf_counter() - began
    assert len(report.added) == count
    return elapsed


def test_calendar_import_is_linear_in_events():
    _import_seconds(200)  # warm up
    small = large = float("inf")
    for _ in range(3):  # alternate, so a busy machine slows both alike; keep the best
        small = min(small, _import_seconds(1_000))
        large = min(large, _import_seconds(4_000))
    print(f"calendar import: 1,000 events {small:.2f} s, 4,000 events {large:.2f} s")
    assert large / small < 4 * 2.5, f"1k events {small:.2f}s, 4k events {large:.2f}s"


def test_dates_of_an_imported_plain_event_are_its_own():
    report = import_ics(vcalendar(vevent("d", ";VALUE=DATE:20250601")).encode(), Calendar())
    event = report.calendar.event("d-event")
    assert event is not None and event.first_day == date(2025, 6, 1)


def test_a_floating_start_time_is_read_as_utc_with_a_warning():
    data = vcalendar(vevent("float", ":20250601T180000", "Floating race")).encode()
    report = import_ics(data, Calendar())
    assert report.added == ["float"]
    assert report.warnings == ["float: start time has no time zone (floating); read as UTC"]


def test_calendar_import_of_a_fifo_or_a_device_is_refused_at_once(tmp_path: Path):
    fifo = tmp_path / "pipe.ics"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.ics"
    zero.symlink_to("/dev/zero")
    for path, kind in ((fifo, "a FIFO"), (zero, "a character device")):
        result = paddock("--db", str(tmp_path / "p.db"), "calendar", "import", str(path))
        assert result.returncode == 2
        assert result.stderr.strip() == f"error: {path}: not a regular file ({kind}), not read"


def test_floating_times_take_the_calendars_x_wr_timezone():
    data = vcalendar(
        vevent("sebring", ":20250315T101000", "Sebring"),
        head="X-WR-TIMEZONE:America/New_York\r\n",
    ).encode()
    report = import_ics(data, Calendar())
    found = report.calendar.session("sebring")
    assert found is not None
    assert found[1].start_utc() == datetime(2025, 3, 15, 14, 10, tzinfo=UTC)
    assert report.warnings == [
        "sebring: start time has no time zone (floating); read as America/New_York"
    ]


def test_a_floating_recurring_event_is_warned_about_once():
    weekly = vevent("club", ":20250105T100000", "Club race", "RRULE:FREQ=WEEKLY;COUNT=4")
    report = import_ics(vcalendar(weekly).encode(), Calendar())
    assert len(report.added) == 4
    assert len(report.warnings) == 1 and "floating" in report.warnings[0]
