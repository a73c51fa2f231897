"""Quotes, article search and reading an article."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.article import article
from bot.queries.quotes import quote
from bot.queries.search import search
from cogs._reply import autocomplete, reply


class Reading(commands.Cog):
    """Who said what, and the articles behind every answer."""

    @app_commands.command(name="quote", description="Quotes by speaker or topic, or a random one.")
    @app_commands.describe(speaker="Who said it", about="A word or phrase in the quote")
    @app_commands.autocomplete(speaker=autocomplete("person"))
    async def quote(
        self,
        interaction: discord.Interaction,
        speaker: str | None = None,
        about: str | None = None,
    ) -> None:
        """Show the matching quotes, best first, or a random quote without options."""
        await reply(interaction, partial(quote, speaker=speaker, about=about))

    @app_commands.command(name="search", description="Search the articles.")
    @app_commands.describe(query='Words, or a "quoted phrase"')
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, 200]
    ) -> None:
        """Find articles by full-text search, best match first."""
        await reply(interaction, partial(search, query=query))

    @app_commands.command(name="article", description="Read an article and the facts found in it.")
    @app_commands.describe(id="Article id, as cited in answers")
    async def article(
        self,
        interaction: discord.Interaction,
        id: app_commands.Range[int, 1],
    ) -> None:
        """Show an article's title, date, facts and text."""
        await reply(interaction, partial(article, id=id))


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(Reading())
