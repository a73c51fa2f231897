"""The race calendar: seasons, events and sessions, loaded from TOML and exchanged as iCalendar."""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Literal, cast, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
import recurring_ical_events

from bot.articles import read_regular_file
from bot.text import fold_words

log = logging.getLogger(__name__)

SessionKind = Literal["practice", "qualifying", "race", "test"]
SESSION_KINDS: tuple[str, ...] = get_args(SessionKind)
ICS_PRODID = "-//Paddock//Race calendar//EN"
ICS_UID_DOMAIN = "@paddock"
X_EVENT_UID = "X-PADDOCK-EVENT-UID"
X_EVENT_NAME = "X-PADDOCK-EVENT"
X_ROUND = "X-PADDOCK-ROUND"
X_SEASON = "X-PADDOCK-SEASON"
X_SERIES = "X-PADDOCK-SERIES"
X_KIND = "X-PADDOCK-KIND"
X_TZ = "X-PADDOCK-TZ"
X_ALIASES = "X-PADDOCK-ALIASES"
X_ENDS = "X-PADDOCK-ENDS"
DEFAULT_SERIES = "IMSA WeatherTech SportsCar Championship"
DEFAULT_IMPORT_TZ = "UTC"
MAX_ICS_BYTES = 50_000_000
"""The largest .ics file `paddock calendar import` reads."""
MAX_SHOWN_CHARS = 60
"""A bad value longer than this is cut in error messages."""


@dataclass(frozen=True, slots=True)
class Session:
    """One session; `start` is an aware datetime, or a date when no time is published."""

    uid: str
    kind: SessionKind
    start: datetime | date

    @property
    def timed(self) -> bool:
        """Return whether a start time is published (not just a date)."""
        return isinstance(self.start, datetime)

    def local_date(self, tz: ZoneInfo) -> date:
        """Return the session's day in the venue's time zone."""
        if isinstance(self.start, datetime):
            return self.start.astimezone(tz).date()
        return self.start

    def day_start_utc(self, tz: ZoneInfo) -> datetime:
        """Return the UTC instant of the venue's local midnight on the session's day."""
        return datetime.combine(self.local_date(tz), time(0), tz).astimezone(UTC)

    def start_utc(self) -> datetime | None:
        """Return the published start time in UTC, or None for a date-only session."""
        return self.start.astimezone(UTC) if isinstance(self.start, datetime) else None

    @property
    def label(self) -> str:
        """Return the session's display name, e.g. 'Race'."""
        return self.kind.capitalize()


@dataclass(frozen=True, slots=True)
class Event:
    """A race weekend (or test) at one venue."""

    uid: str
    name: str
    venue: str
    tz: str
    season: int
    round: int | None = None
    sessions: tuple[Session, ...] = ()
    aliases: tuple[str, ...] = ()
    ends: date | None = None

    @property
    def zone(self) -> ZoneInfo:
        """Return the venue's time zone."""
        return ZoneInfo(self.tz)

    @property
    def first_day(self) -> date:
        """Return the local day of the first session."""
        return min(s.local_date(self.zone) for s in self.sessions)

    @property
    def last_day(self) -> date:
        """Return the local last day of the event (the `ends` date or the last session)."""
        days = [s.local_date(self.zone) for s in self.sessions]
        if self.ends is not None:
            days.append(self.ends)
        return max(days)

    @property
    def round_label(self) -> str:
        """Return 'Round N'; without a round, 'Test' when it has no race, else 'Race weekend'.

        (A subscribed calendar rarely numbers its rounds: a race there is not a test.)
        """
        if self.round is not None:
            return f"Round {self.round}"
        return "Race weekend" if any(s.kind == "race" for s in self.sessions) else "Test"

    def is_upcoming(self, now: datetime, kinds: Iterable[str] | None = None) -> bool:
        """Return whether a session (of `kinds`, if given) is still to come at `now`."""
        wanted = set(kinds) if kinds is not None else set(SESSION_KINDS)
        return any(_session_upcoming(s, self.zone, now) for s in self.sessions if s.kind in wanted)

    def names(self) -> tuple[str, ...]:
        """Return every name the event answers to: its name, aliases and uid."""
        return (self.name, *self.aliases, self.uid)


@dataclass(frozen=True, slots=True)
class Season:
    """One championship year."""

    year: int
    series: str = DEFAULT_SERIES
    events: tuple[Event, ...] = ()

    @property
    def rounds(self) -> tuple[Event, ...]:
        """Return the championship rounds (tests left out), in order."""
        return tuple(e for e in self.events if e.round is not None)


@dataclass(frozen=True, slots=True)
class Calendar:
    """Every season Paddock knows."""

    seasons: tuple[Season, ...] = ()

    def season(self, year: int) -> Season | None:
        """Return the season of `year`, if known."""
        return next((s for s in self.seasons if s.year == year), None)

    def events(self, series: Iterable[str] = ()) -> Iterator[Event]:
        """Yield every event (of `series`, when given) in date order."""
        wanted = tuple(series)
        yield from sorted(
            (
                e
                for s in self.seasons
                if not wanted or series_matches(s.series, wanted)
                for e in s.events
                if e.sessions
            ),
            key=lambda e: (e.first_day, e.round or 0),
        )

    def series_of(self, event: Event) -> str:
        """Return the series an event belongs to."""
        season = next((s for s in self.seasons if event in s.events), None)
        return season.series if season is not None else DEFAULT_SERIES

    def next_event(
        self, now: datetime, kinds: Iterable[str] | None = None, series: Iterable[str] = ()
    ) -> Event | None:
        """Return the first event (of `series`, when given) with a session still to come."""
        wanted = tuple(kinds) if kinds is not None else None
        return next((e for e in self.events(series) if e.is_upcoming(now, wanted)), None)

    def series_names(self) -> tuple[str, ...]:
        """Return every series the calendar holds, in order of first appearance."""
        return tuple(dict.fromkeys(s.series for s in self.seasons if s.events))

    def find_event(self, name: str, season: int | None = None) -> Event | None:
        """Return the event called `name` (or an alias of it), latest season first."""
        wanted = fold_words(name)
        if not wanted:
            return None
        candidates = sorted(
            (e for s in self.seasons if season in (None, s.year) for e in s.events),
            key=lambda e: -e.season,
        )
        exact = [e for e in candidates if wanted in {fold_words(n) for n in e.names()}]
        if exact:
            return exact[0]
        words = set(wanted.split())
        partial = [
            e for e in candidates if any(words <= set(fold_words(n).split()) for n in e.names())
        ]
        seasons_hit = {e.season for e in partial}
        by_season = [e for e in partial if e.season == max(seasons_hit, default=0)]
        return by_season[0] if len(by_season) == 1 else None

    def session(self, uid: str) -> tuple[Event, Session] | None:
        """Return the event and session with session uid `uid`."""
        for event in self.events():
            for session in event.sessions:
                if session.uid == uid:
                    return event, session
        return None

    def event(self, uid: str) -> Event | None:
        """Return the event with uid `uid`."""
        return next((e for s in self.seasons for e in s.events if e.uid == uid), None)


def series_matches(series: str | None, wanted: Iterable[str]) -> bool:
    """Return whether a series is one of `wanted`: 'IMSA' matches 'IMSA WeatherTech …'."""
    if series is None:
        return False
    words = set(fold_words(series).split())
    if not words:
        return False
    for name in wanted:
        other = set(fold_words(name).split())
        if other and (other <= words or words <= other):
            return True
    return False


def _session_upcoming(session: Session, tz: ZoneInfo, now: datetime) -> bool:
    """Return whether a session has not started (date-only: its local day is not over)."""
    start = session.start_utc()
    if start is not None:
        return start > now
    return session.local_date(tz) >= now.astimezone(tz).date()


# --- TOML ---------------------------------------------------------------------------------


def load_calendar(path: Path) -> Calendar:
    """Read a calendar TOML file; a bad value raises ValueError naming the key."""
    with path.open("rb") as handle:
        try:
            raw = tomllib.load(handle)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path}: not valid TOML: {exc}") from exc
    return parse_calendar(raw, where=str(path))


def current_calendar(saved: Path, seed: Path) -> Calendar:
    """Return the saved (imported) calendar if there is one, else the shipped seed calendar."""
    return load_calendar(saved if saved.exists() else seed)


def import_calendar_file(ics: Path, saved: Path, seed: Path) -> ImportReport:
    """Merge an .ics file into the current calendar and save the result to `saved`.

    The result is saved only once it has been read back as a valid calendar, so an import
    never leaves a calendar that stops Paddock from starting.
    """
    data = read_regular_file(ics, MAX_ICS_BYTES, source=str(ics))
    report = import_ics(data, current_calendar(saved, seed))
    if report.changed:
        parse_calendar(tomllib.loads(dump_calendar(report.calendar)), where=f"import of {ics}")
        save_calendar(report.calendar, saved)
        log.info(
            "Calendar %s: %d sessions added, %d updated",
            ics,
            len(report.added),
            len(report.updated),
        )
    return report


def parse_calendar(raw: Mapping[str, Any], where: str = "calendar") -> Calendar:
    """Build a calendar from parsed TOML data."""
    seasons = _get(raw, "season", list, where, default=[])
    calendar = Calendar(
        tuple(_parse_season(s, f"{where}: season[{i}]") for i, s in enumerate(seasons))
    )
    _check_unique_uids(calendar, where)
    return calendar


def _check_unique_uids(calendar: Calendar, where: str) -> None:
    seen: set[str] = set()
    for season in calendar.seasons:
        for event in season.events:
            for uid in (event.uid, *(s.uid for s in event.sessions)):
                if uid in seen:
                    raise ValueError(f"{where}: uid {uid!r} is used twice; expected unique uids")
                seen.add(uid)


def _parse_season(raw: Any, where: str) -> Season:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table")
    year = _get(raw, "year", int, where)
    series = _get(raw, "series", str, where, default=DEFAULT_SERIES)
    events = _get(raw, "event", list, where, default=[])
    return Season(
        year,
        series,
        tuple(_parse_event(e, year, f"{where}.event[{i}]") for i, e in enumerate(events)),
    )


def _parse_event(raw: Any, year: int, where: str) -> Event:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table")
    tz_name = _get(raw, "tz", str, where)
    zone = _zone(tz_name, f"{where}.tz")
    aliases = _get(raw, "aliases", list, where, default=[])
    if not all(isinstance(a, str) for a in aliases):
        raise ValueError(f"{where}.aliases: expected a list of strings")
    ends = _get(raw, "ends", date, where, default=None)
    if isinstance(ends, datetime):
        raise ValueError(f"{where}.ends: expected a date (YYYY-MM-DD)")
    sessions = _get(raw, "session", list, where, default=[])
    return Event(
        uid=_get(raw, "uid", str, where),
        name=_get(raw, "name", str, where),
        venue=_get(raw, "venue", str, where),
        tz=tz_name,
        season=year,
        round=_get(raw, "round", int, where, default=None),
        sessions=tuple(
            _parse_session(s, zone, f"{where}.session[{i}]") for i, s in enumerate(sessions)
        ),
        aliases=tuple(aliases),
        ends=ends,
    )


def _parse_session(raw: Any, event_zone: ZoneInfo, where: str) -> Session:
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: expected a table")
    kind = _get(raw, "kind", str, where)
    if kind not in SESSION_KINDS:
        raise ValueError(f"{where}.kind: expected one of {', '.join(SESSION_KINDS)}, got {kind!r}")
    start = raw.get("start")
    zone = event_zone
    if "tz" in raw:
        zone = _zone(_get(raw, "tz", str, where), f"{where}.tz")
    if isinstance(start, datetime):
        start = start if start.tzinfo is not None else start.replace(tzinfo=zone)
    elif not isinstance(start, date):
        raise ValueError(f"{where}.start: expected a date or a date-time, got {start!r}")
    return Session(uid=_get(raw, "uid", str, where), kind=cast(SessionKind, kind), start=start)


def _get(raw: Mapping[str, Any], key: str, kind: type, where: str, **kw: Any) -> Any:
    """Return raw[key] checked to be a `kind`; a missing key returns kw['default'] if given."""
    if key not in raw:
        if "default" in kw:
            return kw["default"]
        raise ValueError(f"{where}.{key}: missing (expected {kind.__name__})")
    value = raw[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ValueError(f"{where}.{key}: expected {kind.__name__}, got {value!r}")
    return value


def _zone(name: str, where: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name too long
        shown = name if len(name) <= MAX_SHOWN_CHARS else name[:MAX_SHOWN_CHARS] + "…"
        raise ValueError(f"{where}: expected an IANA time zone name, got {shown!r}") from exc


def dump_calendar(calendar: Calendar) -> str:
    """Return the calendar as TOML text that `load_calendar` reads back."""
    lines: list[str] = []
    for season in calendar.seasons:
        lines += ["[[season]]", f"year = {season.year}", f"series = {_q(season.series)}", ""]
        for event in season.events:
            lines += _dump_event(event)
    return "\n".join(lines).rstrip() + "\n"


def _dump_event(event: Event) -> list[str]:
    lines = ["[[season.event]]", f"uid = {_q(event.uid)}"]
    if event.round is not None:
        lines.append(f"round = {event.round}")
    lines += [f"name = {_q(event.name)}", f"venue = {_q(event.venue)}", f"tz = {_q(event.tz)}"]
    if event.ends is not None:
        lines.append(f"ends = {event.ends.isoformat()}")
    lines += [f"aliases = [{', '.join(_q(a) for a in event.aliases)}]", ""]
    for session in event.sessions:
        lines += ["[[season.event.session]]", f"uid = {_q(session.uid)}"]
        lines.append(f"kind = {_q(session.kind)}")
        lines += _dump_start(session.start, event.tz)
        lines.append("")
    return lines


def _dump_start(start: datetime | date, event_tz: str) -> list[str]:
    """Return the TOML lines of a start: local time plus the zone when it is not the event's."""
    zone_key = getattr(start.tzinfo, "key", None) if isinstance(start, datetime) else None
    if not isinstance(start, datetime) or not isinstance(zone_key, str):
        return [f"start = {start.isoformat()}"]
    local = start.replace(tzinfo=None).isoformat()
    return (
        [f"start = {local}"]
        if zone_key == event_tz
        else [f"start = {local}", f"tz = {_q(zone_key)}"]
    )


def _q(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def save_calendar(calendar: Calendar, path: Path) -> None:
    """Write the calendar to a TOML file (atomically: a temp file, then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(path.suffix + ".tmp")
    temp.write_text(dump_calendar(calendar), encoding="utf-8")
    temp.replace(path)


# --- iCalendar ----------------------------------------------------------------------------


@dataclass(slots=True)
class ImportReport:
    """What an iCalendar import changed, and the resulting calendar."""

    calendar: Calendar
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Return whether anything was added or updated."""
        return bool(self.added or self.updated)


def export_ics(calendar: Calendar, *, stamp: datetime | None = None) -> bytes:
    """Return every session as an iCalendar VEVENT (UID = session uid)."""
    cal = icalendar.Calendar()
    cal.add("prodid", ICS_PRODID)
    cal.add("version", "2.0")
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC)
    for season in calendar.seasons:
        for event in season.events:
            for session in event.sessions:
                cal.add_component(_vevent(season, event, session, stamp))
    cal.add_missing_timezones()
    return cal.to_ical()


def _vevent(season: Season, event: Event, session: Session, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", session.uid + ICS_UID_DOMAIN)
    vevent.add("dtstamp", stamp)
    vevent.add("summary", f"{event.name} — {session.label}")
    vevent.add("location", event.venue)
    vevent.add("dtstart", session.start)
    if not session.timed:
        vevent.add("dtend", session.start + timedelta(days=1))
    vevent.add("categories", [session.kind])
    vevent.add(X_EVENT_UID, event.uid)
    vevent.add(X_EVENT_NAME, event.name)
    vevent.add(X_SEASON, str(season.year))
    vevent.add(X_SERIES, season.series)
    vevent.add(X_KIND, session.kind)
    vevent.add(X_TZ, event.tz)
    if event.round is not None:
        vevent.add(X_ROUND, str(event.round))
    if event.aliases:
        vevent.add(X_ALIASES, "|".join(event.aliases))
    if event.ends is not None:
        vevent.add(X_ENDS, event.ends.isoformat())
    return vevent


@dataclass(frozen=True, slots=True)
class _IcsSession:
    """One VEVENT read back: the session and the event it belongs to."""

    event: Event
    series: str
    session: Session


def import_ics(data: bytes, calendar: Calendar) -> ImportReport:
    """Merge an iCalendar file into `calendar`: sessions matched by UID are updated, not added.

    Recurring events (RRULE, RDATE) are expanded into one session per occurrence; an event
    Paddock cannot read (no start, an unknown time zone, a start that is not a date or a
    date-time) is reported in `skipped` and the rest go in. Time is linear in the events.
    """
    try:
        parsed = icalendar.Calendar.from_ical(decode_ics(data))
    except ValueError as exc:
        raise ValueError(f"not a valid iCalendar file: {_one_line(exc)}") from exc
    report = ImportReport(calendar)
    merger = _Merger(calendar, report)
    floating_tz = _calendar_zone(parsed, report)
    floating: set[str] = set()
    for component, occurrence in _occurrences(parsed, report):
        try:
            item = _read_vevent(component, occurrence, floating_tz)
        except (ValueError, OSError, OverflowError) as exc:
            uid = str(component.get("uid", "?"))
            report.skipped.append(f"{uid}: {_one_line(exc)}")
            log.warning("Calendar import skipped event %s: %s", uid, _one_line(exc))
            continue
        uid = str(component.get("uid", ""))
        if _floating(component) and uid not in floating:
            floating.add(uid)  # once for a recurring event, not once per occurrence
            report.warnings.append(
                f"{item.session.uid}: start time has no time zone (floating); "
                f"read as {item.event.tz}"
            )
        merger.merge(item)
    report.calendar = merger.build()
    return report


def decode_ics(data: bytes) -> str:
    """Return the text of an iCalendar file: UTF-8, or the charset it declares.

    iCalendar is UTF-8 (RFC 5545); older files name another charset with a CHARSET
    parameter or X-WR-CHARSET. Undeclared bytes that are not UTF-8 raise ValueError.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        declared = _DECLARED_CHARSET.search(data)
        if declared is None:
            raise ValueError(
                f"not UTF-8 (byte {exc.start} cannot be decoded) and no charset is declared: "
                "expected UTF-8 (RFC 5545) or a CHARSET= / X-WR-CHARSET naming the encoding"
            ) from None
        charset = declared.group(1).decode("ascii")
    try:
        return data.decode(charset)
    except LookupError:
        raise ValueError(f"declares an unknown charset {charset!r}") from None
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"not {charset} as it declares (byte {exc.start} cannot be decoded)"
        ) from None


_DECLARED_CHARSET = re.compile(rb"(?:;CHARSET=|\nX-WR-CHARSET:)\s*\"?([A-Za-z0-9_-]{1,40})", re.I)
MAX_OCCURRENCES = 500
"""Occurrences of one recurring event imported at most (an RRULE without an end never ends)."""
_RECURRING = ("RRULE", "RDATE")


def _floating(component: icalendar.cal.Component) -> bool:
    """Tell whether a VEVENT starts at a local time with no zone anywhere (RFC 5545 floating)."""
    prop = component.get("dtstart")
    value = getattr(prop, "dt", None)
    return (
        isinstance(value, datetime)
        and value.tzinfo is None
        and not component.get(X_TZ)
        and not prop.params.get("TZID")
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _occurrences(
    parsed: icalendar.Calendar, report: ImportReport
) -> Iterator[tuple[icalendar.cal.Component, str | None]]:
    """Yield each VEVENT, recurring ones once per occurrence (with the occurrence's id)."""
    series: dict[str, list[icalendar.cal.Component]] = {}
    for component in parsed.walk("VEVENT"):
        if "RECURRENCE-ID" in component or any(key in component for key in _RECURRING):
            series.setdefault(str(component.get("uid", "")), []).append(component)
        else:
            yield component, None
    for uid, components in series.items():
        yield from _expand(uid, components, report)


def _expand(
    uid: str, components: list[icalendar.cal.Component], report: ImportReport
) -> Iterator[tuple[icalendar.cal.Component, str | None]]:
    """Yield the occurrences of one recurring event (RRULE/RDATE, with RECURRENCE-ID edits)."""
    if not any(key in c for c in components for key in _RECURRING):
        for component in components:  # an edited occurrence of a series not in this file
            yield component, None
        return
    holder = icalendar.Calendar()
    for component in components:
        holder.add_component(component)
    try:
        occurrences = recurring_ical_events.of(holder).all()
        for taken, occurrence in enumerate(occurrences):
            if taken == MAX_OCCURRENCES:
                report.warnings.append(
                    f"{uid}: recurs more than {MAX_OCCURRENCES} times; "
                    f"only the first {MAX_OCCURRENCES} occurrences were imported"
                )
                return
            yield occurrence, _occurrence_id(occurrence)
    except Exception as exc:  # the library's errors for a broken rule vary by version
        report.skipped.append(f"{uid}: cannot expand its recurrence ({_one_line(exc)})")
        log.warning("Calendar import skipped recurring event %s: %s", uid, exc)


def _occurrence_id(occurrence: icalendar.cal.Component) -> str:
    start = _start_of(occurrence)
    if isinstance(start, datetime):
        return start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return start.strftime("%Y%m%d")


def _start_of(component: icalendar.cal.Component) -> datetime | date:
    """Return DTSTART as a date or date-time (a PERIOD gives its start)."""
    prop = component.get("dtstart")
    if prop is None:
        raise ValueError("no DTSTART")
    value = prop.dt
    if isinstance(value, tuple):  # VALUE=PERIOD: (start, end or duration)
        value = value[0]
    if not isinstance(value, date):
        kind = prop.params.get("VALUE", type(value).__name__).upper()
        raise ValueError(f"DTSTART is a {kind}, expected a date or a date-time")
    tzid = prop.params.get("TZID")
    if isinstance(value, datetime) and value.tzinfo is None and tzid:
        raise ValueError(
            f"unknown time zone TZID={str(tzid)[:80]!r}: expected an IANA name or a VTIMEZONE"
        )
    return value


def _calendar_zone(parsed: icalendar.Calendar, report: ImportReport) -> str:
    """Return the zone of floating times: the calendar's X-WR-TIMEZONE, else UTC."""
    name = str(parsed.get("X-WR-TIMEZONE", "")).strip()
    if not name:
        return DEFAULT_IMPORT_TZ
    try:
        _zone(name, "X-WR-TIMEZONE")
    except ValueError as exc:
        report.warnings.append(f"{exc}; floating times read as {DEFAULT_IMPORT_TZ}")
        return DEFAULT_IMPORT_TZ
    return name


def _read_vevent(
    component: icalendar.cal.Component, occurrence: str | None, floating_tz: str
) -> _IcsSession:
    uid = str(component.get("uid", "")).removesuffix(ICS_UID_DOMAIN)
    if not uid:
        raise ValueError("no UID")
    if occurrence is not None:
        uid = f"{uid}-{occurrence}"
    start = _start_of(component)
    summary = str(component.get("summary", uid))
    tz_name = str(component.get(X_TZ, "")) or _tz_name_of(start, floating_tz)
    zone = _zone(tz_name, f"{X_TZ}" if component.get(X_TZ) else "time zone")
    if isinstance(start, datetime) and start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    kind = str(component.get(X_KIND, "")) or _guess_kind(summary)
    if kind not in SESSION_KINDS:
        raise ValueError(
            f"{X_KIND}: expected one of {', '.join(SESSION_KINDS)}, got {kind[:MAX_SHOWN_CHARS]!r}"
        )
    year = _int(component, X_SEASON) or _day_of(start).year
    aliases = str(component.get(X_ALIASES, ""))
    ends = str(component.get(X_ENDS, ""))
    event_uid = str(component.get(X_EVENT_UID, ""))
    if event_uid and occurrence is not None:
        event_uid = f"{event_uid}-{occurrence}"
    event = Event(
        uid=event_uid or f"{uid}{PLAIN_EVENT_SUFFIX}",
        name=str(component.get(X_EVENT_NAME, "")) or summary,
        venue=str(component.get("location", "")),
        tz=tz_name,
        season=year,
        round=_int(component, X_ROUND),
        aliases=tuple(a for a in aliases.split("|") if a),
        ends=_ics_date(ends, X_ENDS) if ends else None,
    )
    session = Session(uid=uid, kind=cast(SessionKind, kind), start=start)
    return _IcsSession(event, str(component.get(X_SERIES, "")) or DEFAULT_SERIES, session)


def _ics_date(text: str, key: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"{key}: expected a date (YYYY-MM-DD), got {text[:MAX_SHOWN_CHARS]!r}"
        ) from None


PLAIN_EVENT_SUFFIX = "-event"
"""An event read from a VEVENT without X-PADDOCK-EVENT-UID: its session's uid plus this."""
MAX_INT_DIGITS = 6


def _int(component: icalendar.cal.Component, key: str) -> int | None:
    text = str(component.get(key, "")).strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and len(text) <= MAX_INT_DIGITS):
        raise ValueError(f"{key}: expected a whole number, got {text[:40]!r}")
    return int(text)


def _day_of(start: date) -> date:
    return start.date() if isinstance(start, datetime) else start


def _tz_name_of(start: date, floating_tz: str) -> str:
    if not isinstance(start, datetime):
        return floating_tz
    key = getattr(start.tzinfo, "key", None)
    if isinstance(key, str):
        return key
    return floating_tz if start.tzinfo is None else DEFAULT_IMPORT_TZ


def _guess_kind(summary: str) -> str:
    words = fold_words(summary).split()
    for kind in ("qualifying", "practice", "test"):
        if kind in words:
            return kind
    return "race"


class _Merger:
    """Merge imported sessions into a calendar, indexed by uid (linear in the events)."""

    def __init__(self, calendar: Calendar, report: ImportReport) -> None:
        self.report = report
        self.series: dict[int, str] = {s.year: s.series for s in calendar.seasons}
        self.season_events: dict[int, list[str]] = {}
        self.events: dict[str, Event] = {}
        self.sessions: dict[str, dict[str, Session]] = {}
        self.owner: dict[str, str] = {}
        self.touched_seasons: set[int] = set()
        self.touched_events: set[str] = set()
        for season in calendar.seasons:
            self.season_events[season.year] = [e.uid for e in season.events]
            for event in season.events:
                self.events[event.uid] = event
                self.sessions[event.uid] = {s.uid: s for s in event.sessions}
                self.owner.update((s.uid, event.uid) for s in event.sessions)

    def merge(self, item: _IcsSession) -> None:
        """Add or update one imported session (and its event)."""
        session = replace(item.session, uid=self._session_uid(item.session.uid))
        owner = self.owner.get(session.uid)
        if owner is not None:
            event = self.events[owner]
            if self.sessions[owner][session.uid] == session and _same_event(event, item.event):
                self.report.unchanged.append(session.uid)
                return
            self.report.updated.append(session.uid)
            self._put_session(owner, _update_event(event, item.event), session)
            return
        session = replace(session, uid=self._free_uid(session.uid))
        self.report.added.append(session.uid)
        known = self.events.get(item.event.uid)
        if known is not None:
            self._put_session(known.uid, _update_event(known, item.event), session)
            return
        event = replace(item.event, uid=self._free_uid(item.event.uid), sessions=())
        self.events[event.uid] = event
        self.sessions[event.uid] = {}
        if event.season not in self.series:
            self.series[event.season] = item.series or DEFAULT_SERIES
        self.season_events.setdefault(event.season, []).append(event.uid)
        self._put_session(event.uid, event, session)

    def _session_uid(self, uid: str) -> str:
        """Return the uid a session imported as `uid` has here (renamed if an event had it)."""
        number = 1
        candidate = uid
        while candidate in self.events:
            number += 1
            candidate = f"{uid}-{number}"
        return candidate

    def _free_uid(self, uid: str) -> str:
        """Return `uid`, or `uid-2`, `uid-3`… when a session or event already has it."""
        candidate, number = uid, 1
        while candidate in self.owner or candidate in self.events:
            number += 1
            candidate = f"{uid}-{number}"
        return candidate

    def _put_session(self, event_uid: str, event: Event, session: Session) -> None:
        self.events[event_uid] = event
        self.sessions[event_uid][session.uid] = session
        self.owner[session.uid] = event_uid
        self.touched_events.add(event_uid)
        self.touched_seasons.add(event.season)

    def build(self) -> Calendar:
        """Return the merged calendar (touched events and seasons re-sorted by date)."""
        seasons = []
        for year in sorted(self.season_events):
            events = []
            for uid in self.season_events[year]:
                sessions = tuple(self.sessions[uid].values())
                if uid in self.touched_events:
                    sessions = _sorted(sessions)
                events.append(replace(self.events[uid], sessions=sessions))
            ordered = _by_date(events) if year in self.touched_seasons else tuple(events)
            seasons.append(Season(year, self.series[year], ordered))
        return Calendar(tuple(seasons))


def _same_event(old: Event, new: Event) -> bool:
    return (old.name, old.venue, old.tz, old.round) == (new.name, new.venue, new.tz, new.round)


def _update_event(old: Event, new: Event) -> Event:
    """Return `old` with the descriptive fields an import carries."""
    return replace(
        old,
        name=new.name,
        venue=new.venue or old.venue,
        tz=new.tz,
        round=new.round,
        aliases=new.aliases or old.aliases,
        ends=new.ends or old.ends,
    )


def _sorted(sessions: Iterable[Session]) -> tuple[Session, ...]:
    return tuple(sorted(sessions, key=_session_sort_key))


def _session_sort_key(session: Session) -> datetime:
    if isinstance(session.start, datetime):
        return session.start.astimezone(UTC)
    return datetime.combine(session.start, time(0), UTC)


def _by_date(events: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(sorted(events, key=lambda e: e.first_day if e.sessions else date.max))
