"""About Paddock."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.about import about
from cogs._reply import reply


class Meta(commands.Cog):
    """Commands about the bot itself."""

    @app_commands.command(name="about", description="Version, articles, facts, latency, uptime.")
    async def about(self, interaction: discord.Interaction) -> None:
        """Show what Paddock knows and how it is running."""
        await reply(interaction, about)


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(Meta())
