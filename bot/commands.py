"""The command table the console uses: names, options and the core query behind each."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.answers import Answer
from bot.queries.about import about
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
    return await command.handler(services, **bind_options(command, given))
