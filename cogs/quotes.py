"""Quotes, article search and reading an article."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.article import article
from bot.queries.catalogue import SEARCH_MAX_CHARS, spec
from bot.queries.quotes import quote
from bot.queries.search import search
from cogs._reply import autocomplete, reply

QUOTE, SEARCH, ARTICLE = map(spec, ("quote", "search", "article"))


class Reading(commands.Cog):
    """Who said what, and the articles behind every answer."""

    @app_commands.command(name=QUOTE.leaf, description=QUOTE.description)
    @app_commands.describe(**QUOTE.descriptions())
    @app_commands.autocomplete(speaker=autocomplete("person"))
    async def quote(
        self,
        interaction: discord.Interaction,
        speaker: str | None = None,
        about: str | None = None,
    ) -> None:
        """Show the matching quotes, best first, or a random quote without options."""
        await reply(interaction, partial(quote, speaker=speaker, about=about))

    @app_commands.command(name=SEARCH.leaf, description=SEARCH.description)
    @app_commands.describe(**SEARCH.descriptions())
    async def search(
        self, interaction: discord.Interaction, query: app_commands.Range[str, 1, SEARCH_MAX_CHARS]
    ) -> None:
        """Find articles by full-text search, best match first."""
        await reply(interaction, partial(search, query=query))

    @app_commands.command(name=ARTICLE.leaf, description=ARTICLE.description)
    @app_commands.describe(**ARTICLE.descriptions())
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
