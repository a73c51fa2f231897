"""Lineups, drivers, teams and results."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.catalogue import SEASON_MAX, SEASON_MIN, spec
from bot.queries.driver import driver
from bot.queries.lineup import lineup
from bot.queries.results import results
from bot.queries.team import team
from cogs._reply import autocomplete, reply

Season = app_commands.Range[int, SEASON_MIN, SEASON_MAX]
LINEUP, DRIVER, TEAM, RESULTS = map(spec, ("lineup", "driver", "team", "results"))


class Facts(commands.Cog):
    """Who drives what, and what they won."""

    @app_commands.command(name=LINEUP.leaf, description=LINEUP.description)
    @app_commands.describe(**LINEUP.descriptions())
    @app_commands.autocomplete(
        car=autocomplete("lineup_car"), team=autocomplete("team"), event=autocomplete("event")
    )
    async def lineup(
        self,
        interaction: discord.Interaction,
        car: str | None = None,
        team: str | None = None,
        season: Season | None = None,
        event: str | None = None,
    ) -> None:
        """Show a car's drivers as of the latest article, with earlier line-ups below."""
        await reply(interaction, partial(lineup, car=car, team=team, season=season, event=event))

    @app_commands.command(name=DRIVER.leaf, description=DRIVER.description)
    @app_commands.describe(**DRIVER.descriptions())
    @app_commands.autocomplete(name=autocomplete("person"))
    async def driver(self, interaction: discord.Interaction, name: str) -> None:
        """Show a driver's cars and teams by season, teammates, results and quotes."""
        await reply(interaction, partial(driver, name=name))

    @app_commands.command(name=TEAM.leaf, description=TEAM.description)
    @app_commands.describe(**TEAM.descriptions())
    @app_commands.autocomplete(name=autocomplete("team"))
    async def team(self, interaction: discord.Interaction, name: str) -> None:
        """Show a team's cars, drivers and results."""
        await reply(interaction, partial(team, name=name))

    @app_commands.command(name=RESULTS.leaf, description=RESULTS.description)
    @app_commands.describe(**RESULTS.descriptions())
    @app_commands.autocomplete(
        event=autocomplete("event"), driver=autocomplete("person"), car=autocomplete("car")
    )
    async def results(
        self,
        interaction: discord.Interaction,
        event: str | None = None,
        season: Season | None = None,
        driver: str | None = None,
        car: str | None = None,
    ) -> None:
        """Show poles with lap times, wins, finishing positions and titles."""
        await reply(
            interaction, partial(results, event=event, season=season, driver=driver, car=car)
        )


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(Facts())
