"""Per-server settings (/config): parse and check values, save, and show the plan."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import process, utils

from bot.queries.answers import Answer, Section
from bot.queries.inline import LINES, Channel, Code, Role, Text, Timestamp, plain
from bot.schedule.calendar import Calendar
from bot.schedule.outbox import get_settings, posts, save_settings
from bot.schedule.planning import DEFAULT_LEADS, GuildSettings, PlannedPost, plan_posts
from bot.services import Services
from bot.text import plural

MAX_LEADS = 6
MAX_LEAD = timedelta(days=30)
UPCOMING_SHOWN = 5
ZONE_CHOICES = 25
LEAD_UNITS = {"w": timedelta(weeks=1), "d": timedelta(days=1), "h": timedelta(hours=1)}
LEAD_UNITS["m"] = timedelta(minutes=1)
_LEAD = re.compile(r"\s*(\d{1,3})\s*([a-z]+)\s*")
_LEAD_SEPARATORS = re.compile(r",|;|\band\b")
LEAD_WORDS = {
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), "w"),
    **dict.fromkeys(("d", "day", "days"), "d"),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), "h"),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), "m"),
}
"""The unit words a lead time may use, each to its one-letter unit."""
_CLOCK = re.compile(r"^([01]?\d|2[0-3])[:h.]?([0-5]\d)$")
OFF_WORDS = frozenset({"off", "none", "no", "disable", "disabled"})


class SettingError(ValueError):
    """A settings value a server admin typed that Paddock cannot use."""


def parse_leads(text: str) -> tuple[timedelta, ...]:
    """Parse lead times such as `7d, 1d, 1h`, `2 days, 30m` or `1 week` (or `default`).

    Commas, `and` and spaces separate leads; each is a number and a unit (w, week, d, day,
    h, hour, m, min…). Returned longest first, each once.
    """
    if text.strip().lower() == "default":
        return DEFAULT_LEADS
    leads: set[timedelta] = set()
    for part in filter(None, (p.strip() for p in _LEAD_SEPARATORS.split(text.lower()))):
        for number, unit in _lead_pairs(part):
            lead = int(number) * LEAD_UNITS[unit]
            if not timedelta(minutes=1) <= lead <= MAX_LEAD:
                raise SettingError(f"“{number}{unit}” is out of range: leads go from 1m to 30d")
            leads.add(lead)
    if not leads or len(leads) > MAX_LEADS:
        raise SettingError(f"give between 1 and {MAX_LEADS} lead times, e.g. 7d, 1d, 1h")
    return tuple(sorted(leads, reverse=True))


def _lead_pairs(part: str) -> list[tuple[str, str]]:
    """Return the (number, unit) pairs a part holds (`2 days 30m`); raise on anything else."""
    pairs: list[tuple[str, str]] = []
    at = 0
    for match in _LEAD.finditer(part):
        unit = LEAD_WORDS.get(match.group(2))
        if match.start() != at or unit is None:
            break
        pairs.append((match.group(1), unit))
        at = match.end()
    if at != len(part) or not pairs:
        raise SettingError(
            f"“{part.strip()}” is not a lead time: use a number and a unit, e.g. "
            "`7d`, `2 days`, `12h`, `30m` or `1 week`"
        )
    return pairs


def describe_leads(leads: tuple[timedelta, ...]) -> str:
    """Say lead times in words: `2 days and 30 minutes`, `1 week`."""
    words = [_lead_words(lead) for lead in leads]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _lead_words(lead: timedelta) -> str:
    """Say one lead time in words: `1 week`, `1 day 6 hours`, `90 minutes` → `1 hour 30 minutes`."""
    minutes = int(lead.total_seconds()) // 60
    parts = []
    for unit, size in (("week", 7 * 24 * 60), ("day", 24 * 60), ("hour", 60), ("minute", 1)):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(plural(count, unit))
    return " ".join(parts)


def format_lead(lead: timedelta) -> str:
    """Format a lead time as `7d`, `1h`, `1d 6h` or `30m`."""
    minutes = int(lead.total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (mins, "m")) if n]
    return " ".join(parts) or "0m"


def parse_qotd(text: str) -> time | None:
    """Parse a local time of day such as `09:00`, or `off`."""
    value = text.strip().lower()
    if value in OFF_WORDS:
        return None
    match = _CLOCK.match(value)
    if not match:
        raise SettingError(f"“{text}” is not a time of day: use 24-hour HH:MM, e.g. 09:00, or off")
    return time(int(match.group(1)), int(match.group(2)))


MAX_ZONE_NAME_CHARS = 64
"""The longest time zone name accepted (the longest IANA name has 32 characters)."""


def parse_timezone(text: str) -> str:
    """Return a valid IANA time zone name, or raise with the closest ones."""
    name = text.strip()
    if len(name) > MAX_ZONE_NAME_CHARS:
        raise SettingError(
            f"“{name[:40]}…” is not a time zone: names have at most {MAX_ZONE_NAME_CHARS} "
            "characters, e.g. Europe/Berlin."
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        close = ", ".join(zone_names(name)[:3])
        raise SettingError(f"“{text}” is not a time zone. Did you mean: {close}?") from None
    return name


def zone_names(current: str) -> list[str]:
    """Return IANA zone names for autocomplete, typo-tolerant."""
    zones = sorted(z for z in available_timezones() if "/" in z or z == "UTC")
    if not current.strip():
        return zones[:ZONE_CHOICES]
    found = process.extract(
        current, zones, processor=_zone_words, limit=ZONE_CHOICES, score_cutoff=50
    )
    return [name for name, _, _ in found]


def _zone_words(name: str) -> str:
    """Return a zone name as plain lowercase words for fuzzy matching."""
    return utils.default_process(name.replace("_", " ").replace("/", " "))


ALL_WORDS = frozenset({"all", "any", "every", "default", "*"})
MAX_SERIES = 10


def parse_series(text: str) -> tuple[str, ...]:
    """Parse the series a server follows, e.g. `IMSA, WEC`; `all` (or nothing) means every one."""
    names = [part.strip() for part in re.split(r"[,;]+", text) if part.strip()]
    if not names or (len(names) == 1 and names[0].lower() in ALL_WORDS):
        return ()
    if len(names) > MAX_SERIES:
        raise SettingError(f"give at most {MAX_SERIES} series, e.g. `IMSA, WEC`, or `all`")
    return tuple(dict.fromkeys(names))


def _describe(settings: GuildSettings) -> list[Section]:
    """Return the settings as answer sections."""
    channel = Text.of(Channel(settings.channel_id)) if settings.channel_id else "not set (no posts)"
    role = (
        Text.of(Role(settings.ping_role_id)) if settings.ping_role_id else "none (posts never ping)"
    )
    qotd = settings.qotd_time.strftime("%H:%M") if settings.qotd_time else "off"
    if settings.qotd_time is None and settings.channel_id is None:
        qotd = f"off (on at {DEFAULT_QOTD_TIME:%H:%M} once a channel is set)"
    status = f"paused: {settings.pause_reason}" if settings.paused else "active"
    results = "hidden behind spoiler tags" if settings.spoilers else "shown"
    news = (
        Text.of(Channel(settings.news_channel_id))
        if settings.news_channel_id
        else "not set (no news)"
    )
    return [
        Section("Channel", channel, inline=True),
        Section("Ping role", role, inline=True),
        Section("Time zone", settings.timezone, inline=True),
        Section("Reminder leads", ", ".join(map(format_lead, settings.leads)), inline=True),
        Section("Quote of the day", qotd, inline=True),
        Section("Posting", status, inline=True),
        Section("Race results", results, inline=True),
        Section("Server events", "on" if settings.server_events else "off", inline=True),
        Section("News channel", news, inline=True),
        Section("Series", ", ".join(settings.series) or "all", inline=True),
    ]


def _settings_data(settings: GuildSettings) -> dict[str, Any]:
    """Return settings as JSON-ready data."""
    return {
        "guild_id": settings.guild_id,
        "channel_id": settings.channel_id,
        "ping_role_id": settings.ping_role_id,
        "timezone": settings.timezone,
        "leads": [format_lead(lead) for lead in settings.leads],
        "qotd_time": settings.qotd_time.strftime("%H:%M") if settings.qotd_time else None,
        "events_enabled": settings.events_enabled,
        "paused": settings.paused,
        "spoilers": settings.spoilers,
        "news_channel_id": settings.news_channel_id,
        "series": list(settings.series),
    }


RoleCheck = Callable[[int], str | None]  # a role id -> why it cannot be pinged, or None


def role_warning(settings: GuildSettings, check: RoleCheck | None) -> Section | None:
    """Return a warning when the saved ping role can no longer be pinged."""
    role_id = settings.ping_role_id
    problem = check(role_id) if check is not None and role_id else None
    if problem is None or role_id is None:
        return None
    return Section(
        "Warning", Text.of("Reminders cannot ping ", Role(role_id), f" any more: {problem}")
    )


async def show_settings(
    services: Services, guild_id: int, *, title: str = "", role_check: RoleCheck | None = None
) -> Answer:
    """Answer /config show: the settings and the next planned posts."""
    settings = await get_settings(services.store, guild_id)
    pending = [p for p in await posts(services.store, guild_id) if p.status == "pending"]
    upcoming = LINES.join(
        Text.of(Timestamp(p.due, "f"), f" · {p.kind} · ", Timestamp(p.due, "R"))
        for p in sorted(pending, key=lambda p: p.due)[:UPCOMING_SHOWN]
    )
    if not upcoming and services.planner is None:  # the console: what the plan holds
        upcoming = LINES.join(next_posts(services, settings))
    sections = _describe(settings)
    sections.append(Section("Next posts", upcoming if upcoming.spans else "none planned"))
    warning = role_warning(settings, role_check)
    if warning is not None:
        sections.insert(0, warning)
    return Answer(
        title or "Paddock settings for this server",
        sections=sections,
        data=_settings_data(settings) | {"pending_posts": len(pending)},
    )


async def update_settings(
    services: Services, guild_id: int, *, role_check: RoleCheck | None = None, **changes: Any
) -> Answer:
    """Change some settings, save them (re-planning posts) and show the result."""
    current = await get_settings(services.store, guild_id)
    try:
        updated = replace(current, **changes)
    except ValueError as exc:
        return Answer("Setting not changed", str(exc), status="error")
    if services.planner is not None:
        await services.planner.update_settings(updated)
    else:
        await save_settings(services.store, updated, services.clock.now())
    return await show_settings(services, guild_id, title="Saved", role_check=role_check)


async def change(
    services: Services, guild_id: int, key: str, raw: str, *, role_check: RoleCheck | None = None
) -> Answer:
    """Parse one typed value (`leads`, `qotd`, `timezone`, `series`, `spoilers`) and save it."""
    parsers: dict[str, Callable[[str], Any]] = {
        "leads": parse_leads,
        "qotd_time": parse_qotd,
        "timezone": parse_timezone,
        "series": parse_series,
        "spoilers": parse_switch,
    }
    try:
        value = parsers[key](raw)
    except SettingError as exc:
        return Answer("Setting not changed", str(exc), status="error", data={"key": key})
    answer = await update_settings(services, guild_id, role_check=role_check, **{key: value})
    if key == "leads" and answer.ok:
        answer.description = (
            f"Understood “{raw.strip()}”: reminders go out {describe_leads(value)} "
            f"before each race ({', '.join(map(format_lead, value))})."
        )
    return answer


DEFAULT_QOTD_TIME = time(9, 0)
"""The quote of the day's time once a server sets a channel (until an admin changes it)."""
POST_PREVIEW_DAYS = 1
"""Days of quotes of the day the channel reply lists (they repeat daily)."""


async def set_channel(
    services: Services, guild_id: int, channel: int, *, role_check: RoleCheck | None = None
) -> Answer:
    """Post in a channel; the first time, with the quote of the day on; say what comes next."""
    current = await get_settings(services.store, guild_id)
    changes: dict[str, Any] = {"channel_id": channel}
    if current.channel_id is None and current.qotd_time is None:
        changes["qotd_time"] = DEFAULT_QOTD_TIME
    answer = await update_settings(services, guild_id, role_check=role_check, **changes)
    if not answer.ok:
        return answer
    settings = await get_settings(services.store, guild_id)
    coming = next_posts(services, settings)
    answer.description = Text.of(
        "Paddock will post in ", Channel(channel), ". ", qotd_text(settings)
    )
    answer.sections = [s for s in answer.sections if s.name != "Next posts"]
    answer.sections.append(Section("Next posts", LINES.join(coming) if coming else "none planned"))
    answer.data["next_posts"] = [plain(line) for line in coming]
    return answer


def qotd_text(settings: GuildSettings) -> Text:
    """Say whether the quote of the day is on, when, and how to change it."""
    if settings.qotd_time is None:
        return Text.of(
            "The quote of the day is off: ", Code("/config qotd at:09:00"), " turns it on."
        )
    at = settings.qotd_time.strftime("%H:%M")
    return Text.of(
        f"The quote of the day is on, every day at {at} ({settings.timezone}): ",
        Code("/config qotd at:off"),
        " switches it off.",
    )


def next_posts(services: Services, settings: GuildSettings) -> list[Text]:
    """Describe the next posts the plan holds for a server (one quote of the day of them)."""
    calendar = services.calendar or Calendar()
    now = services.clock.now()
    planned = plan_posts(settings, calendar, start=now, qotd_days=POST_PREVIEW_DAYS)
    return [
        Text.of(Timestamp(post.due, "f"), f" · {_post_text(post, calendar)}")
        for post in planned[:UPCOMING_SHOWN]
    ]


def _post_text(post: PlannedPost, calendar: Calendar) -> str:
    """Say what a planned post is: a race-week preview, a reminder, the quote of the day."""
    event = calendar.event(post.event_uid) if post.event_uid else None
    found = calendar.session(post.session_uid) if post.session_uid else None
    if post.kind == "preview" and event is not None:
        return f"race-week preview: {event.name}"
    if post.kind == "countdown" and found is not None:
        event, session = found
        return f"reminder: {event.name} {session.label.lower()}, {format_lead(post.lead)} before"
    return "quote of the day" if post.kind == "qotd" else post.kind


ON_WORDS = frozenset({"on", "yes", "true", "hide", "hidden"})
SHOWN_WORDS = frozenset({"off", "no", "false", "show", "shown"})


def parse_switch(text: str) -> bool:
    """Parse `on` or `off` (yes/no, true/false also do)."""
    value = text.strip().lower()
    if value in ON_WORDS:
        return True
    if value in SHOWN_WORDS:
        return False
    raise SettingError(f"“{text}” is neither on nor off: use on or off")


async def spoilers_on(services: Services, guild_id: int) -> bool:
    """Return whether a server wants race results behind spoiler tags."""
    return (await get_settings(services.store, guild_id)).spoilers
