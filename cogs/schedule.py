"""The race calendar: the next weekend, a season, and the calendar as a file."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.catalogue import GROUP_DESCRIPTIONS, SEASON_MAX, SEASON_MIN, spec
from bot.queries.schedule import next_weekend, schedule
from cogs._reply import reply

Season = app_commands.Range[int, SEASON_MIN, SEASON_MAX]
NEXT, SEASON, ICS = map(spec, ("next", "schedule season", "schedule ics"))


class Schedule(commands.Cog):
    """Race weekends, sessions and countdowns."""

    group = app_commands.Group(name="schedule", description=GROUP_DESCRIPTIONS["schedule"])

    @app_commands.command(name=NEXT.leaf, description=NEXT.description)
    async def next(self, interaction: discord.Interaction) -> None:
        """Show the next race weekend, its sessions and the current line-ups."""
        await reply(interaction, next_weekend)

    @group.command(name=SEASON.leaf, description=SEASON.description)
    @app_commands.describe(**SEASON.descriptions())
    async def season(self, interaction: discord.Interaction, year: Season | None = None) -> None:
        """Show a season's rounds with dates and venues."""
        await reply(interaction, partial(schedule, year=year))

    @group.command(name=ICS.leaf, description=ICS.description)
    async def ics(self, interaction: discord.Interaction) -> None:
        """Attach the calendar as an iCalendar file."""
        await reply(interaction, ICS.handler)


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(Schedule())
