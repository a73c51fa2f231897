"""About Paddock, and help on its commands."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.catalogue import spec
from cogs._reply import autocomplete, reply

ABOUT, HELP = spec("about"), spec("help")


class Meta(commands.Cog):
    """Commands about the bot itself."""

    @app_commands.command(name=ABOUT.leaf, description=ABOUT.description)
    async def about(self, interaction: discord.Interaction) -> None:
        """Show what Paddock knows and how it is running."""
        await reply(interaction, ABOUT.handler)

    @app_commands.command(name=HELP.leaf, description=HELP.description)
    @app_commands.describe(**HELP.descriptions())
    @app_commands.autocomplete(command=autocomplete("command"))
    async def help(self, interaction: discord.Interaction, command: str | None = None) -> None:
        """Show every command with an example, or one command's options (only to the asker)."""
        await reply(interaction, partial(HELP.handler, command=command), ephemeral=True)


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(Meta())
