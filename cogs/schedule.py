"""The race calendar: the next weekend, a season, and the calendar as a file."""

from __future__ import annotations

import io
from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.schedule import calendar_ics, next_weekend, schedule
from cogs._reply import NO_PINGS, reply, services_of

Season = app_commands.Range[int, 1950, 2100]


class Schedule(commands.Cog):
    """Race weekends, sessions and countdowns."""

    group = app_commands.Group(name="schedule", description="The race calendar.")

    @app_commands.command(name="next", description="The next race weekend, with countdowns.")
    async def next(self, interaction: discord.Interaction) -> None:
        """Show the next race weekend, its sessions and the current line-ups."""
        await reply(interaction, next_weekend)

    @group.command(name="season", description="A season's rounds (this year's by default).")
    @app_commands.describe(year="Season year, e.g. 2024")
    async def season(self, interaction: discord.Interaction, year: Season | None = None) -> None:
        """Show a season's rounds with dates and venues."""
        await reply(interaction, partial(schedule, year=year))

    @group.command(name="ics", description="The calendar as an .ics file for your own calendar.")
    async def ics(self, interaction: discord.Interaction) -> None:
        """Attach the calendar as an iCalendar file."""
        exported = calendar_ics(services_of(interaction))
        if exported is None:
            await interaction.response.send_message(
                "No calendar is loaded yet.", ephemeral=True, allowed_mentions=NO_PINGS
            )
            return
        name, data = exported
        await interaction.response.send_message(
            "Add every session to your own calendar:",
            file=discord.File(io.BytesIO(data), filename=name),
            allowed_mentions=NO_PINGS,
        )


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(Schedule())
