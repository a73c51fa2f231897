"""The command table the console uses: names, options and the core query behind each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.queries.about import about
from bot.queries.answers import Answer
from bot.queries.article import article
from bot.queries.driver import driver
from bot.queries.lineup import lineup
from bot.queries.links import add_links
from bot.queries.quotes import quote
from bot.queries.results import results
from bot.queries.schedule import next_weekend, schedule
from bot.queries.search import search
from bot.queries.team import team
from bot.services import Services

Handler = Callable[..., Awaitable[Answer]]


@dataclass(frozen=True, slots=True)
class Option:
    """One option of a command, as `/command name:value`."""

    name: str
    description: str
    required: bool = False
    kind: type = str
    complete: str | None = None


@dataclass(frozen=True, slots=True)
class Command:
    """A command: its name, options and the core query that answers it."""

    name: str
    description: str
    handler: Handler
    options: tuple[Option, ...] = ()

    def option(self, name: str) -> Option | None:
        """Return the option called `name`, if any."""
        return next((o for o in self.options if o.name == name), None)


class UsageError(ValueError):
    """A command line the console cannot run: the message says how to fix it."""


def command_table() -> dict[str, Command]:
    """Return every console command by name."""
    commands = [
        Command("about", "Version, articles, facts, latency and uptime.", about),
        Command(
            "lineup",
            "Who drives a car, now and before (or each car of a team).",
            lineup,
            (
                Option("car", "Car number, e.g. 31 or 01", complete="car"),
                Option("team", "Team name (lists each of its cars)", complete="team"),
                Option("season", "Season year, e.g. 2024", kind=int),
                Option("event", "Event name, e.g. Rolex 24", complete="event"),
            ),
        ),
        Command(
            "driver",
            "A driver's cars, teammates and results.",
            driver,
            (Option("name", "Driver name (typos are fine)", required=True, complete="person"),),
        ),
        Command(
            "team",
            "A team's cars, drivers and results.",
            team,
            (Option("name", "Team name or abbreviation", required=True, complete="team"),),
        ),
        Command(
            "results",
            "Poles, wins, positions and titles.",
            results,
            (
                Option("event", "Event name, e.g. Daytona", complete="event"),
                Option("season", "Season year, e.g. 2024", kind=int),
                Option("driver", "Driver name", complete="person"),
                Option("car", "Car number", complete="car"),
            ),
        ),
        Command(
            "quote",
            "Quotes by speaker or topic, or a random one.",
            quote,
            (
                Option("speaker", "Who said it", complete="person"),
                Option("about", "A word or phrase in the quote"),
            ),
        ),
        Command(
            "search",
            "Search the articles.",
            search,
            (Option("query", 'Words, or a "quoted phrase"', required=True),),
        ),
        Command(
            "article",
            "Read an article and the facts found in it.",
            article,
            (Option("id", "Article id, as cited in answers", required=True, kind=int),),
        ),
        Command("next", "The next race weekend, with countdowns.", next_weekend),
        Command(
            "schedule season",
            "A season's rounds (this year's by default).",
            schedule,
            (Option("year", "Season year, e.g. 2024", kind=int),),
        ),
    ]
    return {c.name: c for c in commands}


def bind_options(command: Command, given: dict[str, str]) -> dict[str, Any]:
    """Check and convert the options given for a command."""
    bound: dict[str, Any] = {}
    for name, raw in given.items():
        option = command.option(name)
        if option is None:
            known = ", ".join(o.name for o in command.options) or "none"
            raise UsageError(f"/{command.name} has no option {name!r} (options: {known})")
        try:
            bound[name] = option.kind(raw)
        except ValueError:
            raise UsageError(
                f"/{command.name} {name}: expected {option.kind.__name__}, got {raw!r}"
            ) from None
    missing = [o.name for o in command.options if o.required and o.name not in bound]
    if missing:
        raise UsageError(f"/{command.name} needs {', '.join(f'{m}:…' for m in missing)}")
    return bound


async def run_command(
    services: Services, table: dict[str, Command], name: str, given: dict[str, str]
) -> Answer:
    """Run the command `name` with the given raw options."""
    command = table.get(name)
    if command is None:
        raise UsageError(f"unknown command /{name}; try one of: /{', /'.join(sorted(table))}")
    return await add_links(
        services, await command.handler(services, **bind_options(command, given))
    )
