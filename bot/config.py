"""Typed configuration: a TOML file, then environment variables, checked at start."""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.clock import parse_instant

DEFAULT_CONFIG_FILE = Path("config.toml")
MAX_SHOWN_CHARS = 60
"""A bad value longer than this is cut in error messages."""
SHIPPED_SEEDS = Path(__file__).resolve().parent.parent / "seeds"
"""The seeds folder beside the package (a source checkout or an editable install)."""
DISCORD_API_BASE = "https://discord.com/api/v10"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(ValueError):
    """A configuration value is missing or wrong: the message names the key."""


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    """How Paddock talks to Discord."""

    dev_guild_id: int | None = None
    token_file: Path | None = None
    api_base: str = DISCORD_API_BASE
    shards: int | None = None  # None: one unsharded connection; 0: "auto" (Discord's count)
    shard_ids: tuple[int, ...] | None = None  # the shards this process runs (None: all)

    @property
    def sharded(self) -> bool:
        """Return whether the bot connects through shards (AutoShardedBot)."""
        return self.shards is not None


@dataclass(frozen=True, slots=True)
class ClockConfig:
    """A test-only clock: start the bot's clock at `start`, running `speed` times real time."""

    start: datetime | None = None
    speed: float = 1.0


DEFAULT_FEED_POLL_MINUTES = 15
DEFAULT_CALENDAR_POLL_HOURS = 6
URL_SCHEMES = ("http", "https")


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A news feed (RSS or Atom) Paddock polls: `[[feeds]]`."""

    url: str
    series: str | None = None
    poll_minutes: float = DEFAULT_FEED_POLL_MINUTES

    @property
    def interval_s(self) -> float:
        """Return the time between polls, in seconds."""
        return self.poll_minutes * 60


@dataclass(frozen=True, slots=True)
class CalendarSource:
    """An iCalendar subscription Paddock polls: `[[calendars]]`."""

    url: str
    series: str
    poll_hours: float = DEFAULT_CALENDAR_POLL_HOURS

    @property
    def interval_s(self) -> float:
        """Return the time between polls, in seconds."""
        return self.poll_hours * 3600


@dataclass(frozen=True, slots=True)
class Config:
    """Paddock's settings."""

    database: Path = Path("data/paddock.db")
    seeds: Path = Path("seeds")
    timezone: str = "UTC"
    log_level: str = "INFO"
    discord: DiscordConfig = field(default_factory=DiscordConfig)
    clock: ClockConfig = field(default_factory=ClockConfig)
    feeds: tuple[FeedSource, ...] = ()
    calendars: tuple[CalendarSource, ...] = ()

    @property
    def articles_dir(self) -> Path:
        """Return the folder of the default article store."""
        return self.seeds / "articles"

    @property
    def aliases_file(self) -> Path:
        """Return the team-aliases data file."""
        return self.seeds / "aliases.toml"

    @property
    def calendar_file(self) -> Path:
        """Return the shipped race calendar."""
        return self.seeds / "calendar.toml"

    @property
    def zone(self) -> ZoneInfo:
        """Return the default time zone."""
        return ZoneInfo(self.timezone)

    def token(self, environ: dict[str, str] | None = None) -> str | None:
        """Return the bot token from DISCORD_TOKEN or the token file, never from config."""
        env = os.environ if environ is None else environ
        if env.get("DISCORD_TOKEN", "").strip():
            return env["DISCORD_TOKEN"].strip()
        if self.discord.token_file is not None:
            try:
                return self.discord.token_file.read_text(encoding="utf-8").strip() or None
            except OSError as exc:
                raise ConfigError(
                    f"discord.token_file: cannot read {self.discord.token_file} ({exc.strerror})"
                ) from None
        return None


def _expect(key: str, value: Any, kind: type | tuple[type, ...], expected: str) -> Any:
    """Return value if it has the expected type, else raise a `ConfigError` naming the key."""
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise ConfigError(f"{key} = {value!r}: expected {expected}")
    if not isinstance(value, kind):
        raise ConfigError(f"{key} = {value!r}: expected {expected}")
    return value


def _check_keys(section: str, table: dict[str, Any], allowed: set[str]) -> None:
    """Reject keys the configuration does not know."""
    for key in table:
        if key not in allowed:
            name = f"{section}.{key}" if section else key
            known = ", ".join(sorted(allowed))
            raise ConfigError(f"unknown key {name!r}: expected one of {known}")


def _path(key: str, value: Any, base: Path) -> Path:
    """Return a path value, relative to the config file's folder."""
    text = _expect(key, value, str, "a path (string)")
    if "\x00" in text:
        raise ConfigError(f"{key} = {text!r}: expected a path without NUL characters")
    path = Path(text).expanduser()
    return path if path.is_absolute() else base / path


def _timezone(key: str, value: Any) -> str:
    """Return a valid IANA time zone name."""
    name = _expect(key, value, str, "an IANA time zone name such as 'America/New_York'")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long for a path
        shown = name if len(name) <= MAX_SHOWN_CHARS else name[:MAX_SHOWN_CHARS] + "…"
        raise ConfigError(
            f"{key} = {shown!r}: expected an IANA time zone name such as 'America/New_York'"
        ) from None
    return name


def _discord(table: dict[str, Any], base: Path) -> DiscordConfig:
    """Read the [discord] table."""
    _check_keys("discord", table, {f.name for f in fields(DiscordConfig)})
    guild = table.get("dev_guild_id")
    if guild is not None:
        guild = _expect("discord.dev_guild_id", guild, int, "an integer guild id")
    api_base = _expect(
        "discord.api_base", table.get("api_base", DISCORD_API_BASE), str, "an http(s) URL"
    )
    if not api_base.startswith(("http://", "https://")):
        raise ConfigError(f"discord.api_base = {api_base!r}: expected an http(s) URL")
    token_file = table.get("token_file")
    shards, shard_ids = _shards(table)
    return DiscordConfig(
        dev_guild_id=guild or None,
        token_file=_path("discord.token_file", token_file, base) if token_file else None,
        api_base=api_base.rstrip("/"),
        shards=shards,
        shard_ids=shard_ids,
    )


AUTO_SHARDS = 0


def _shards(table: dict[str, Any]) -> tuple[int | None, tuple[int, ...] | None]:
    """Read discord.shards ("auto" or a count) and discord.shard_ids (a list of shard numbers)."""
    raw = table.get("shards")
    expected = 'a number of shards > 0 or "auto"'
    if raw is None:
        count = None
    elif raw == "auto":
        count = AUTO_SHARDS
    else:
        count = _expect("discord.shards", raw, int, expected)
        if count <= 0:
            raise ConfigError(f"discord.shards = {raw!r}: expected {expected}")
    ids = table.get("shard_ids")
    if ids is None:
        return count, None
    wanted = "a list of shard numbers, e.g. [0, 1]"
    if not isinstance(ids, list) or not ids:
        raise ConfigError(f"discord.shard_ids = {ids!r}: expected {wanted}")
    for shard in ids:
        _expect("discord.shard_ids", shard, int, wanted)
    if count is None or count == AUTO_SHARDS:
        raise ConfigError(
            f"discord.shard_ids = {ids!r}: expected discord.shards to be a number of shards too"
        )
    outside = [s for s in ids if not 0 <= s < count]
    if outside or len(set(ids)) != len(ids):
        raise ConfigError(
            f"discord.shard_ids = {ids!r}: expected distinct shard numbers from 0 to {count - 1}"
        )
    return count, tuple(sorted(ids))


def _clock(table: dict[str, Any]) -> ClockConfig:
    """Read the [clock] table (for tests and demos)."""
    _check_keys("clock", table, {f.name for f in fields(ClockConfig)})
    start = table.get("start")
    if start is not None:
        text = _expect("clock.start", start, str, "an ISO 8601 instant with a time zone")
        try:
            start = parse_instant(text)
        except ValueError:
            raise ConfigError(
                f"clock.start = {text!r}: expected an ISO 8601 instant with a time zone"
            ) from None
    speed = float(_expect("clock.speed", table.get("speed", 1.0), (int, float), "a number > 0"))
    if not math.isfinite(speed) or speed <= 0:
        raise ConfigError(f"clock.speed = {speed!r}: expected a number > 0")
    return ClockConfig(start=start, speed=speed)


# --- sources: [[feeds]] and [[calendars]] ------------------------------------------------


def source_url(key: str, value: Any) -> str:
    """Return an http(s) URL with a host, else raise a `ConfigError` naming the key."""
    url = _expect(key, value, str, "an http(s) URL")
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in URL_SCHEMES or not parts.hostname:
        raise ConfigError(f"{key} = {url!r}: expected an http(s) URL")
    return url.strip()


def _positive(key: str, value: Any) -> float:
    """Return a number > 0, else raise a `ConfigError` naming the key."""
    number = float(_expect(key, value, (int, float), "a number > 0"))
    if number <= 0:
        raise ConfigError(f"{key} = {value!r}: expected a number > 0")
    return number


def _tables(key: str, value: Any) -> list[dict[str, Any]]:
    """Return an array of tables (`[[key]]`), else raise a `ConfigError` naming the key."""
    items = _expect(key, value, list, f"an array of tables ([[{key}]])")
    for i, item in enumerate(items):
        _expect(f"{key}[{i}]", item, dict, "a table")
    return items


def _feeds(value: Any) -> tuple[FeedSource, ...]:
    """Read the [[feeds]] tables."""
    feeds = []
    for i, table in enumerate(_tables("feeds", value)):
        where = f"feeds[{i}]"
        _check_keys(where, table, {f.name for f in fields(FeedSource)})
        series = table.get("series")
        feeds.append(
            FeedSource(
                url=source_url(f"{where}.url", table.get("url")),
                series=_expect(f"{where}.series", series, str, "a string") if series else None,
                poll_minutes=_positive(
                    f"{where}.poll_minutes", table.get("poll_minutes", DEFAULT_FEED_POLL_MINUTES)
                ),
            )
        )
    _check_unique("feeds", [feed.url for feed in feeds])
    return tuple(feeds)


def _calendars(value: Any) -> tuple[CalendarSource, ...]:
    """Read the [[calendars]] tables."""
    calendars = []
    for i, table in enumerate(_tables("calendars", value)):
        where = f"calendars[{i}]"
        _check_keys(where, table, {f.name for f in fields(CalendarSource)})
        series = _expect(f"{where}.series", table.get("series"), str, "a series name (string)")
        if not series.strip():
            raise ConfigError(f"{where}.series = {series!r}: expected a series name (string)")
        calendars.append(
            CalendarSource(
                url=source_url(f"{where}.url", table.get("url")),
                series=series.strip(),
                poll_hours=_positive(
                    f"{where}.poll_hours", table.get("poll_hours", DEFAULT_CALENDAR_POLL_HOURS)
                ),
            )
        )
    _check_unique("calendars", [calendar.url for calendar in calendars])
    return tuple(calendars)


def _check_unique(key: str, urls: list[str]) -> None:
    """Reject a source URL listed twice."""
    for i, url in enumerate(urls):
        if url in urls[:i]:
            raise ConfigError(f"{key}[{i}].url = {url!r}: listed twice; expected each URL once")


def parse_config(data: dict[str, Any], base: Path) -> Config:
    """Build a `Config` from parsed TOML, resolving paths against `base`."""
    paddock = data.get("paddock", {})
    _check_keys("", data, {"paddock", "discord", "clock", "feeds", "calendars"})
    for section in ("paddock", "discord", "clock"):
        _expect(section, data.get(section, {}), dict, "a table")
    _check_keys("paddock", paddock, {"database", "seeds", "timezone", "log_level"})
    level = _expect("paddock.log_level", paddock.get("log_level", "INFO"), str, "a level name")
    if level.upper() not in LOG_LEVELS:
        raise ConfigError(f"paddock.log_level = {level!r}: expected one of {', '.join(LOG_LEVELS)}")
    return Config(
        database=_path("paddock.database", paddock.get("database", "data/paddock.db"), base),
        seeds=_path("paddock.seeds", paddock["seeds"], base)
        if "seeds" in paddock
        else default_seeds(base),
        timezone=_timezone("paddock.timezone", paddock.get("timezone", "UTC")),
        log_level=level.upper(),
        discord=_discord(data.get("discord", {}), base),
        clock=_clock(data.get("clock", {})),
        feeds=_feeds(data.get("feeds", [])),
        calendars=_calendars(data.get("calendars", [])),
    )


def load_config(path: Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """Load the config file (explicit, $PADDOCK_CONFIG or ./config.toml) and apply env overrides."""
    env = os.environ if environ is None else environ
    chosen = path or (Path(env["PADDOCK_CONFIG"]) if env.get("PADDOCK_CONFIG") else None)
    if chosen is None and DEFAULT_CONFIG_FILE.is_file():
        chosen = DEFAULT_CONFIG_FILE
    if chosen is None:
        config = parse_config({}, Path.cwd())
    else:
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"config file {chosen}: cannot be read ({exc.strerror})") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(
                f"config file {chosen}: not UTF-8 (byte {exc.start} cannot be decoded); "
                "expected a UTF-8 TOML file"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {chosen}: invalid TOML ({exc})") from None
        config = parse_config(data, chosen.resolve().parent)
    return _apply_env(config, env)


def _apply_env(config: Config, env: dict[str, str] | os._Environ[str]) -> Config:
    """Apply PADDOCK_DB, PADDOCK_DISCORD_API_BASE and the test clock variables."""
    data: dict[str, Any] = {}
    if env.get("PADDOCK_DB"):
        config = replace(config, database=Path(env["PADDOCK_DB"]))
    if env.get("PADDOCK_DISCORD_API_BASE"):
        data["discord"] = {"api_base": env["PADDOCK_DISCORD_API_BASE"]}
        config = replace(
            config,
            discord=replace(config.discord, api_base=_discord(data["discord"], Path()).api_base),
        )
    if env.get("PADDOCK_FAKE_NOW"):
        clock = {"start": env["PADDOCK_FAKE_NOW"]}
        if env.get("PADDOCK_CLOCK_SPEED"):
            try:
                clock["speed"] = float(env["PADDOCK_CLOCK_SPEED"])  # type: ignore[assignment]
            except ValueError:
                raise ConfigError(
                    f"PADDOCK_CLOCK_SPEED = {env['PADDOCK_CLOCK_SPEED']!r}: expected a number > 0"
                ) from None
        config = replace(config, clock=_clock(clock))
    return config


# --- defaults found relative to the package --------------------------------------------------


def default_seeds(base: Path) -> Path:
    """Return the seeds folder when the config names none: `base`/seeds, else the shipped one.

    So `paddock` run from another folder still finds the calendar and the aliases file.
    """
    local = base / "seeds"
    if local.is_dir() or not SHIPPED_SEEDS.is_dir():
        return local
    return SHIPPED_SEEDS


def check_log_level(level: str, key: str = "--log-level") -> str:
    """Return a log level name in capitals, or raise a `ConfigError` naming the choices."""
    if level.upper() not in LOG_LEVELS:
        raise ConfigError(f"{key} = {level!r}: expected one of {', '.join(LOG_LEVELS)}")
    return level.upper()
