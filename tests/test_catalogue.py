"""One command catalogue: the slash-command tree the cogs declare is the catalogue, exactly."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.queries.catalogue import CATALOGUE, GROUP_DESCRIPTIONS, Command, Option
from cogs._client import extension_names

OPTION_TYPES = {
    "string": discord.AppCommandOptionType.string,
    "integer": discord.AppCommandOptionType.integer,
    "channel": discord.AppCommandOptionType.channel,
    "role": discord.AppCommandOptionType.role,
}


async def loaded_tree() -> app_commands.CommandTree[Any]:
    """Load every cog into a bot that never connects, and return its command tree."""
    bot = commands.Bot(command_prefix="!", intents=discord.Intents.none(), help_command=None)
    for name in extension_names():
        await bot.load_extension(name)
    return bot.tree


def walk(tree: app_commands.CommandTree[Any]) -> dict[str, app_commands.Command[Any, ..., Any]]:
    """Return every slash command by its full name (`schedule season`)."""
    found: dict[str, app_commands.Command[Any, ..., Any]] = {}
    for command in tree.get_commands():
        if isinstance(command, app_commands.Group):
            found.update({c.qualified_name: c for c in command.walk_commands()})
        elif isinstance(command, app_commands.Command):
            found[command.qualified_name] = command
    return found


def declared(option: Option) -> dict[str, Any]:
    """Return what the catalogue says an option is, in discord.py's terms."""
    low = option.min_value if option.kind == "integer" else option.min_length
    high = option.max_value if option.kind == "integer" else option.max_length
    return {
        "type": OPTION_TYPES[option.kind],
        "required": option.required,
        "description": option.description,
        "min": low,
        "max": high,
        "autocomplete": f"complete_{option.complete}" if option.complete else None,
    }


def on_discord(command: app_commands.Command[Any, ..., Any], name: str) -> dict[str, Any]:
    """Return what the slash command declares for one option."""
    parameter = command._params[name]  # the public Parameter says only *whether* it completes
    complete = parameter.autocomplete
    return {
        "type": parameter.type,
        "required": parameter.required,
        "description": str(parameter.description),
        "min": parameter.min_value,
        "max": parameter.max_value,
        "autocomplete": complete.__name__ if complete else None,
    }


async def test_slash_commands_are_the_catalogue():
    slash = walk(await loaded_tree())
    assert sorted(slash) == sorted(c.name for c in CATALOGUE)
    for command in CATALOGUE:
        cog_command = slash[command.name]
        assert cog_command.description == command.description, command.name
        options = {p.name: on_discord(cog_command, p.name) for p in cog_command.parameters}
        assert list(options) == [o.name for o in command.options], command.name
        for option in command.options:
            assert options[option.name] == declared(option), f"/{command.name} {option.name}"


async def test_command_groups_are_described_by_the_catalogue():
    groups = {
        c.name: c.description
        for c in (await loaded_tree()).get_commands()
        if isinstance(c, app_commands.Group)
    }
    assert groups == GROUP_DESCRIPTIONS


def test_every_command_has_an_example_of_itself():
    for command in CATALOGUE:
        assert command.example.startswith(f"/{command.name}"), command.name
        assert 0 < len(command.description) <= 100, command.name


@pytest.mark.parametrize("command", CATALOGUE, ids=lambda c: c.name)
def test_each_season_option_is_1950_to_2100(command: Command):
    for option in command.options:
        if option.name in ("season", "year"):
            assert (option.min_value, option.max_value) == (1950, 2100)


async def test_help_autocomplete_offers_commands_by_prefix_then_by_spelling(services):
    from bot.queries.catalogue import complete

    assert await complete(services, "command", "sch") == ["schedule season", "schedule ics"]
    assert (await complete(services, "command", "linup"))[0] == "lineup"
    assert len(await complete(services, "command", "")) == len(CATALOGUE)
