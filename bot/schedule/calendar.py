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

from bot.text import fold

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
_NON_WORD = re.compile(r"[^0-9a-z]+")


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
        """Return 'Round N', or 'Test' for an event outside the championship."""
        return f"Round {self.round}" if self.round is not None else "Test"

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

    def events(self) -> Iterator[Event]:
        """Yield every event in date order."""
        yield from sorted(
            (e for s in self.seasons for e in s.events if e.sessions),
            key=lambda e: (e.first_day, e.round or 0),
        )

    def next_event(self, now: datetime, kinds: Iterable[str] | None = None) -> Event | None:
        """Return the first event with a session (of `kinds`, if given) still to come."""
        wanted = tuple(kinds) if kinds is not None else None
        return next((e for e in self.events() if e.is_upcoming(now, wanted)), None)

    def find_event(self, name: str, season: int | None = None) -> Event | None:
        """Return the event called `name` (or an alias of it), latest season first."""
        wanted = normalise_name(name)
        if not wanted:
            return None
        candidates = sorted(
            (e for s in self.seasons if season in (None, s.year) for e in s.events),
            key=lambda e: -e.season,
        )
        exact = [e for e in candidates if wanted in {normalise_name(n) for n in e.names()}]
        if exact:
            return exact[0]
        words = set(wanted.split())
        partial = [
            e for e in candidates if any(words <= set(normalise_name(n).split()) for n in e.names())
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


def normalise_name(name: str) -> str:
    """Return a name folded for matching: lower case, no accents or punctuation."""
    return " ".join(_NON_WORD.sub(" ", fold(name)).split())


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
    """Merge an .ics file into the current calendar and save the result to `saved`."""
    report = import_ics(ics.read_bytes(), current_calendar(saved, seed))
    if report.changed:
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
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{where}: expected an IANA time zone name, got {name!r}") from exc


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
    """Merge an iCalendar file into `calendar`: sessions matched by UID are updated, not added."""
    try:
        parsed = icalendar.Calendar.from_ical(data)
    except ValueError as exc:
        raise ValueError(f"not a valid iCalendar file: {exc}") from exc
    report = ImportReport(calendar)
    for component in parsed.walk("VEVENT"):
        try:
            item = _read_vevent(component)
        except ValueError as exc:
            report.skipped.append(f"{component.get('uid', '?')}: {exc}")
            log.warning("Calendar import skipped an event: %s", exc)
            continue
        report.calendar = _merge(report.calendar, item, report)
    return report


def _read_vevent(component: icalendar.cal.Component) -> _IcsSession:
    uid = str(component.get("uid", "")).removesuffix(ICS_UID_DOMAIN)
    if not uid:
        raise ValueError("no UID")
    dtstart = component.get("dtstart")
    if dtstart is None:
        raise ValueError("no DTSTART")
    start = dtstart.dt
    summary = str(component.get("summary", uid))
    tz_name = str(component.get(X_TZ, "")) or _tz_name_of(start)
    zone = _zone(tz_name, f"{uid}: time zone")
    if isinstance(start, datetime) and start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    kind = str(component.get(X_KIND, "")) or _guess_kind(summary)
    if kind not in SESSION_KINDS:
        raise ValueError(f"unknown session kind {kind!r}")
    year = int(str(component.get(X_SEASON, "")) or _day_of(start).year)
    round_text = str(component.get(X_ROUND, ""))
    aliases = str(component.get(X_ALIASES, ""))
    ends = str(component.get(X_ENDS, ""))
    event = Event(
        uid=str(component.get(X_EVENT_UID, "")) or uid,
        name=str(component.get(X_EVENT_NAME, "")) or summary,
        venue=str(component.get("location", "")),
        tz=tz_name,
        season=year,
        round=int(round_text) if round_text else None,
        aliases=tuple(a for a in aliases.split("|") if a),
        ends=date.fromisoformat(ends) if ends else None,
    )
    session = Session(uid=uid, kind=cast(SessionKind, kind), start=start)
    return _IcsSession(event, str(component.get(X_SERIES, "")) or DEFAULT_SERIES, session)


def _day_of(start: date) -> date:
    return start.date() if isinstance(start, datetime) else start


def _tz_name_of(start: date) -> str:
    tzinfo = start.tzinfo if isinstance(start, datetime) else None
    key = getattr(tzinfo, "key", None)
    return key if isinstance(key, str) else DEFAULT_IMPORT_TZ


def _guess_kind(summary: str) -> str:
    words = normalise_name(summary).split()
    for kind in ("qualifying", "practice", "test"):
        if kind in words:
            return kind
    return "race"


def _merge(calendar: Calendar, item: _IcsSession, report: ImportReport) -> Calendar:
    """Return `calendar` with one imported session added or updated."""
    found = calendar.session(item.session.uid)
    if found is not None:
        event, old = found
        if old == item.session and _same_event(event, item.event):
            report.unchanged.append(old.uid)
            return calendar
        report.updated.append(old.uid)
        sessions = tuple(item.session if s.uid == old.uid else s for s in event.sessions)
        merged = replace(_update_event(event, item.event), sessions=_sorted(sessions))
        return _put_event(calendar, merged, item.series)
    report.added.append(item.session.uid)
    known = calendar.event(item.event.uid)
    if known is None:
        return _put_event(calendar, replace(item.event, sessions=(item.session,)), item.series)
    sessions = _sorted((*known.sessions, item.session))
    return _put_event(calendar, replace(_update_event(known, item.event), sessions=sessions), "")


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


def _put_event(calendar: Calendar, event: Event, series: str) -> Calendar:
    """Return the calendar with `event` replacing the event of the same uid (or appended)."""
    seasons = list(calendar.seasons)
    for i, season in enumerate(seasons):
        season_events = [e for e in season.events if e.uid != event.uid]
        if season.year == event.season:
            replaced = [event if e.uid == event.uid else e for e in season.events]
            if event.uid not in {e.uid for e in season.events}:
                replaced.append(event)
            seasons[i] = replace(season, events=_by_date(replaced))
        elif len(season_events) != len(season.events):
            seasons[i] = replace(season, events=tuple(season_events))
    if event.season not in {s.year for s in seasons}:
        seasons.append(Season(event.season, series or DEFAULT_SERIES, (event,)))
    return Calendar(tuple(sorted(seasons, key=lambda s: s.year)))


def _by_date(events: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(sorted(events, key=lambda e: e.first_day if e.sessions else date.max))
