"""The command catalogue: every command, its options and the core query behind it.

The one source of truth for both adapters: the cogs take their descriptions and ranges from
here (tests/test_catalogue.py proves the slash-command tree identical), the console runs these
declarations directly, and `/help` is generated from them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from rapidfuzz import process

from bot.queries.about import about
from bot.queries.answers import Answer, Attachment, Section
from bot.queries.article import article
from bot.queries.driver import driver
from bot.queries.inline import LINES, Code, Text
from bot.queries.lineup import lineup
from bot.queries.links import add_links
from bot.queries.quotes import quote
from bot.queries.results import results
from bot.queries.schedule import calendar_ics, next_weekend, schedule
from bot.queries.search import search
from bot.queries.server import change, set_channel, show_settings, update_settings, zone_names
from bot.queries.team import team
from bot.services import Services

Handler = Callable[..., Awaitable[Answer]]
OptionKind = Literal["string", "integer", "channel", "role"]

SEASON_MIN = 1950
SEASON_MAX = 2100
SEARCH_MAX_CHARS = 200
SUGGESTED_COMMANDS = 3
SUGGESTION_CUTOFF = 60.0
CONSOLE_GUILD_ID = 0
"""The console is one local server; its settings are stored like a guild's, under this id."""


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a command, as `/command name:value`."""

    name: str
    description: str
    kind: OptionKind = "string"
    required: bool = False
    min_value: int | None = None
    max_value: int | None = None
    min_length: int | None = None
    max_length: int | None = None
    complete: str | None = None
    """The kind of names autocomplete offers (`person`, `team`, `car`, `event`, `zone`, …)."""

    def usage(self) -> str:
        """Return how to type the option, e.g. `car:31`, with its range when it has one."""
        kinds = {"integer": "number", "channel": "channel", "role": "role"}
        value = kinds.get(self.kind, "text")
        if self.min_value is not None and self.max_value is not None:
            value = f"{self.min_value}–{self.max_value}"
        return f"{self.name}:{value}"


@dataclass(frozen=True, slots=True)
class Command:
    """A command: its name, description, options, help group and the query that answers it."""

    name: str
    description: str
    handler: Handler
    group: str
    example: str
    options: tuple[Option, ...] = ()
    guild: bool = False
    """Whether the query is per server (it then gets `guild_id`; the console is one server)."""

    @property
    def leaf(self) -> str:
        """Return the name within its group: `season` for `schedule season`."""
        return self.name.rsplit(" ", 1)[-1]

    def option(self, name: str) -> Option | None:
        """Return the option called `name`, if any."""
        return next((o for o in self.options if o.name == name), None)

    def descriptions(self) -> dict[str, str]:
        """Return each option's description by option name."""
        return {o.name: o.description for o in self.options}


class UsageError(ValueError):
    """A command line the console cannot run: the message says how to fix it."""


def _season(description: str = "Season year, e.g. 2024", name: str = "season") -> Option:
    """Return a season-year option, 1950–2100."""
    return Option(name, description, "integer", min_value=SEASON_MIN, max_value=SEASON_MAX)


async def _schedule_ics(services: Services) -> Answer:
    """Answer /schedule ics: the calendar as an .ics file."""
    exported = calendar_ics(services)
    if exported is None:
        return Answer("No calendar", "No calendar is loaded yet.", status="not_found")
    name, data = exported
    return Answer(
        "Race calendar",
        "Add every session to your own calendar:",
        attachment=Attachment(name, data),
        data={"filename": name},
    )


async def _config_channel(services: Services, guild_id: int, channel: int) -> Answer:
    """Post reminders and the quote of the day in a channel."""
    return await set_channel(services, guild_id, channel)


async def _config_news(services: Services, guild_id: int, channel: int | None = None) -> Answer:
    """Post each new article from the feeds in a channel, or stop."""
    return await update_settings(services, guild_id, news_channel_id=channel)


async def _config_series(services: Services, guild_id: int, series: str) -> Answer:
    """Choose the series whose news and reminders the server gets."""
    return await change(services, guild_id, "series", series)


async def _config_role(services: Services, guild_id: int, role: int | None = None) -> Answer:
    """Ping a role in reminders, or nobody."""
    return await update_settings(services, guild_id, ping_role_id=role)


async def _config_timezone(services: Services, guild_id: int, zone: str) -> Answer:
    """Set the server's time zone."""
    return await change(services, guild_id, "timezone", zone)


async def _config_leads(services: Services, guild_id: int, leads: str) -> Answer:
    """Set when reminders go out."""
    return await change(services, guild_id, "leads", leads)


async def _config_qotd(services: Services, guild_id: int, at: str) -> Answer:
    """Set the quote of the day's time, or turn it off."""
    return await change(services, guild_id, "qotd_time", at)


async def _config_spoilers(services: Services, guild_id: int, state: str) -> Answer:
    """Hide race results behind spoiler tags in this server, or show them."""
    return await change(services, guild_id, "spoilers", state)


async def _config_events(services: Services, guild_id: int, state: str) -> Answer:
    """Keep Discord server events for upcoming race sessions (on), or none (off)."""
    wanted = state.strip().casefold()
    if wanted not in ("on", "off"):
        return Answer(
            "Setting not changed", f"events: expected on or off, got {state!r}", status="error"
        )
    return await update_settings(services, guild_id, server_events=wanted == "on")


async def _help(services: Services, command: str | None = None) -> Answer:
    """Answer /help: every command by group with an example, or one command's options."""
    return help_answer(command)


FACTS = "Line-ups and results"
READING = "Quotes and articles"
CALENDAR = "Race calendar"
SERVER = "Server settings (admins)"
ABOUT = "About Paddock"

CATALOGUE: tuple[Command, ...] = (
    Command(
        "lineup",
        "Who drives a car, now and before (or each car of a team).",
        lineup,
        FACTS,
        "/lineup car:31",
        (
            Option("car", "Car number, e.g. 31 or 01", complete="lineup_car"),
            Option("team", "Team name (lists each of its cars)", complete="team"),
            _season(),
            Option("event", "Event name, e.g. Rolex 24", complete="event"),
        ),
    ),
    Command(
        "driver",
        "A driver's cars, teammates and results.",
        driver,
        FACTS,
        "/driver name:Derani",
        (Option("name", "Driver name (typos are fine)", required=True, complete="person"),),
    ),
    Command(
        "team",
        "A team's cars, drivers and results.",
        team,
        FACTS,
        "/team name:AXR",
        (Option("name", "Team name or abbreviation, e.g. AXR", required=True, complete="team"),),
    ),
    Command(
        "results",
        "Poles, wins, positions and titles.",
        results,
        FACTS,
        "/results event:Daytona season:2024",
        (
            Option("event", "Event name, e.g. Daytona", complete="event"),
            _season(),
            Option("driver", "Driver name", complete="person"),
            Option("car", "Car number", complete="car"),
        ),
    ),
    Command(
        "quote",
        "Quotes by speaker or topic, or a random one.",
        quote,
        READING,
        "/quote speaker:Derani",
        (
            Option("speaker", "Who said it", complete="person"),
            Option("about", "A word or phrase in the quote"),
        ),
    ),
    Command(
        "search",
        "Search the articles.",
        search,
        READING,
        '/search query:"pole position"',
        (
            Option(
                "query",
                'Words, or a "quoted phrase"',
                required=True,
                min_length=1,
                max_length=SEARCH_MAX_CHARS,
            ),
        ),
    ),
    Command(
        "article",
        "Read an article and the facts found in it.",
        article,
        READING,
        "/article id:1",
        (Option("id", "Article id, as cited in answers", "integer", required=True, min_value=1),),
    ),
    Command("next", "The next race weekend, with countdowns.", next_weekend, CALENDAR, "/next"),
    Command(
        "schedule season",
        "A season's rounds (this year's by default).",
        schedule,
        CALENDAR,
        "/schedule season year:2024",
        (_season(name="year"),),
    ),
    Command(
        "schedule ics",
        "The calendar as an .ics file for your own calendar.",
        _schedule_ics,
        CALENDAR,
        "/schedule ics",
    ),
    Command(
        "config show",
        "Show this server's settings and next posts.",
        show_settings,
        SERVER,
        "/config show",
        guild=True,
    ),
    Command(
        "config channel",
        "The channel for reminders and posts.",
        _config_channel,
        SERVER,
        "/config channel channel:#racing",
        (Option("channel", "Where reminders and the quote of the day go", "channel", True),),
        guild=True,
    ),
    Command(
        "config news",
        "The channel for news posts (empty: none).",
        _config_news,
        SERVER,
        "/config news channel:#news",
        (
            Option(
                "channel", "Where each new article from the feeds goes; empty to stop", "channel"
            ),
        ),
        guild=True,
    ),
    Command(
        "config series",
        "Which series' news and reminders this server gets.",
        _config_series,
        SERVER,
        '/config series series:"IMSA, WEC"',
        (Option("series", "Series names, e.g. IMSA, WEC; or all", required=True),),
        guild=True,
    ),
    Command(
        "config role",
        "A role to ping for reminders (empty: none).",
        _config_role,
        SERVER,
        "/config role role:@Fans",
        (Option("role", "The role to ping; leave empty to never ping", "role"),),
        guild=True,
    ),
    Command(
        "config events",
        "Race sessions as Discord server events.",
        _config_events,
        SERVER,
        "/config events state:on",
        (
            Option(
                "state", "on: one event per upcoming race, with line-ups; off: none", required=True
            ),
        ),
        guild=True,
    ),
    Command(
        "config timezone",
        "This server's time zone.",
        _config_timezone,
        SERVER,
        "/config timezone zone:America/New_York",
        (
            Option(
                "zone", "An IANA time zone, e.g. America/New_York", required=True, complete="zone"
            ),
        ),
        guild=True,
    ),
    Command(
        "config leads",
        "When reminders go out, e.g. 7d, 1d, 1h.",
        _config_leads,
        SERVER,
        '/config leads leads:"7d, 1d, 1h"',
        (Option("leads", "Times before each race, e.g. 7d, 1d, 1h (or default)", required=True),),
        guild=True,
    ),
    Command(
        "config qotd",
        "Quote of the day time (HH:MM) or off.",
        _config_qotd,
        SERVER,
        "/config qotd at:09:00",
        (Option("at", "Local time, 24-hour HH:MM (e.g. 09:00), or off", required=True),),
        guild=True,
    ),
    Command(
        "config spoilers",
        "Hide race results behind spoiler tags (on) or show them (off).",
        _config_spoilers,
        SERVER,
        "/config spoilers state:on",
        (Option("state", "on: results behind spoiler tags; off: shown", required=True),),
        guild=True,
    ),
    Command("about", "Version, articles, facts, latency and uptime.", about, ABOUT, "/about"),
    Command(
        "help",
        "Every command with an example, or one command's options.",
        _help,
        ABOUT,
        "/help command:lineup",
        (Option("command", "A command, e.g. lineup or config channel", complete="command"),),
    ),
)
GROUP_DESCRIPTIONS = {
    "schedule": "The race calendar.",
    "config": "Where and when Paddock posts in this server.",
}
"""Descriptions of the command groups (a group's subcommands are `group sub` above)."""


def command_table() -> dict[str, Command]:
    """Return every command by name."""
    return {c.name: c for c in CATALOGUE}


def spec(name: str) -> Command:
    """Return the declaration of the command `name` (for the cogs' decorators)."""
    return command_table()[name]


def closest_commands(name: str, limit: int = SUGGESTED_COMMANDS) -> list[str]:
    """Return the command names spelled most like `name`, best first."""
    names = [c.name for c in CATALOGUE]
    found = process.extract(name, names, limit=limit, score_cutoff=SUGGESTION_CUTOFF)
    return [match for match, _, _ in found]


def unknown_command(name: str) -> str:
    """Return the message for an unknown command, with the closest ones."""
    close = closest_commands(name)
    if close:
        return f"unknown command /{name}; did you mean {' or '.join(f'/{c}' for c in close)}?"
    return f"unknown command /{name}; /help lists every command"


def help_answer(command: str | None = None) -> Answer:
    """Return the help: commands grouped with one example each, or one command's options."""
    if command:
        found = command_table().get(" ".join(command.strip().lstrip("/").lower().split()))
        if found is None:
            name = command.strip().lstrip("/")
            return Answer(
                "No such command",
                unknown_command(name).capitalize() + ".",
                status="not_found",
                suggestions=[f"/{c}" for c in closest_commands(name)],
                data={"query": command},
            )
        return _command_help(found)
    sections: list[Section] = []
    for group in dict.fromkeys(c.group for c in CATALOGUE):
        lines = [
            Text.of(Code(c.example), f" · {c.description}") for c in CATALOGUE if c.group == group
        ]
        sections.append(Section(group, LINES.join(lines)))
    return Answer(
        "Paddock commands",
        Text.of(
            "Type a command with its options as name:value. ",
            Code("/help command:NAME"),
            " shows one command's options.",
        ),
        sections=sections,
        data={"commands": [c.name for c in CATALOGUE]},
    )


def _command_help(command: Command) -> Answer:
    """Return one command's help: what it does, an example and each option."""
    sections = [Section("Example", Text.of(Code(command.example)))]
    for option in command.options:
        need = "required" if option.required else "optional"
        sections.append(Section(option.usage(), f"{option.description} ({need})"))
    return Answer(
        f"/{command.name}",
        command.description,
        sections=sections,
        data={
            "command": command.name,
            "options": [
                {"name": o.name, "kind": o.kind, "required": o.required} for o in command.options
            ],
        },
    )


def convert(command: Command, option: Option, raw: str) -> Any:
    """Check one raw option value against its declaration and convert it."""
    where = f"/{command.name} {option.name}"
    if option.kind == "integer":
        try:
            value: Any = int(raw)
        except ValueError:
            raise UsageError(f"{where}: expected a whole number, got {raw!r}") from None
        low, high = option.min_value, option.max_value
        if (low is not None and value < low) or (high is not None and value > high):
            span = f"{low if low is not None else '…'}–{high if high is not None else '…'}"
            raise UsageError(f"{where}: expected a number in {span}, got {value}")
        return value
    if option.min_length is not None and len(raw) < option.min_length:
        raise UsageError(f"{where}: expected at least {option.min_length} characters")
    if option.max_length is not None and len(raw) > option.max_length:
        raise UsageError(f"{where}: expected at most {option.max_length} characters")
    return raw


def bind_options(command: Command, given: dict[str, str]) -> dict[str, Any]:
    """Check and convert the options given for a command."""
    bound: dict[str, Any] = {}
    for name, raw in given.items():
        option = command.option(name)
        if option is None:
            known = ", ".join(o.name for o in command.options) or "none"
            raise UsageError(f"/{command.name} has no option {name!r} (options: {known})")
        bound[name] = convert(command, option, raw)
    missing = [o.name for o in command.options if o.required and o.name not in bound]
    if missing:
        raise UsageError(f"/{command.name} needs {', '.join(f'{m}:…' for m in missing)}")
    return bound


def find_command(table: dict[str, Command], name: str) -> Command:
    """Return the command called `name`, or raise with the closest ones."""
    command = table.get(name)
    if command is None:
        raise UsageError(unknown_command(name))
    return command


async def invoke(
    services: Services, command: Command, bound: dict[str, Any], *, guild_id: int
) -> Answer:
    """Run a command's query with checked options (per-server ones in server `guild_id`)."""
    if command.guild:
        bound = {**bound, "guild_id": guild_id}
    return await add_links(services, await command.handler(services, **bound))


async def complete(services: Services, kind: str, current: str) -> list[str]:
    """Return autocomplete candidates of a kind: command names, time zones or entity names."""
    if kind == "command":
        typed = current.strip().lstrip("/").lower()
        names = [c.name for c in CATALOGUE]
        starting = [n for n in names if n.startswith(typed)]
        if not typed:
            return names
        return starting or closest_commands(typed, limit=len(names))
    if kind == "zone":
        return zone_names(current)
    from bot.queries.names import complete as complete_names

    return await complete_names(services, kind, current)
