"""Spec-checked doubles of discord.py objects, for driving cog callbacks directly."""

from __future__ import annotations

from datetime import datetime
from functools import partial
from types import SimpleNamespace
from typing import Any
from unittest import mock

import discord

from bot.articles import Article
from bot.facts import ArticleFacts
from bot.services import Services
from bot.store import Store
from bot.store.writer import write_article


class FakeResponse:
    """An `InteractionResponse` double that records what the cog sent."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.deferred = False
        self.edits: list[dict[str, Any]] = []
        self.type: discord.InteractionResponseType | None = None

    def is_done(self) -> bool:
        return self.deferred or bool(self.sent) or bool(self.edits)

    async def send_message(self, content: str | None = None, **kwargs: Any) -> None:
        assert not self.is_done(), "an interaction can be answered only once"
        self.sent.append({"content": content, **kwargs})

    async def defer(self, **kwargs: Any) -> None:
        assert not self.is_done()
        self.deferred = True
        self.type = discord.InteractionResponseType.deferred_channel_message

    async def edit_message(self, **kwargs: Any) -> None:
        assert not self.is_done()
        self.edits.append(kwargs)


def make_interaction(services: Services, *, user_id: int = 1001, guild_id: int | None = 42) -> Any:
    """Return an `Interaction` double (spec-checked) whose client carries `services`."""
    interaction = mock.create_autospec(discord.Interaction, instance=True, spec_set=False)
    interaction.client = SimpleNamespace(services=services, latency=0.05)
    interaction.user = mock.create_autospec(discord.Member, instance=True)
    interaction.user.id = user_id
    interaction.guild_id = guild_id
    interaction.response = FakeResponse()
    interaction.extras = {}
    interaction.followup = mock.create_autospec(discord.Webhook, instance=True)
    interaction.command = None
    return interaction


def sent(interaction: Any) -> dict[str, Any]:
    """Return the one reply sent (as a response, or as a follow-up after a defer)."""
    if interaction.response.sent:
        (reply,) = interaction.response.sent
        return reply
    interaction.followup.send.assert_awaited_once()
    return {"content": None, **interaction.followup.send.await_args.kwargs}


def embed_text(embed: discord.Embed) -> str:
    """Return all the visible text of an embed."""
    parts = [embed.title or "", embed.description or ""]
    parts += [f"{f.name}\n{f.value}" for f in embed.fields]
    parts.append(embed.footer.text or "")
    return "\n".join(parts)


def pings_nobody(allowed: discord.AllowedMentions) -> bool:
    """Return whether these allowed mentions let no user, role, @everyone or reply ping."""
    data = allowed.to_dict()
    return data.get("parse") == [] and not data.get("users") and not data.get("roles")


async def put_article(store: Store, article: Article, facts: ArticleFacts, **where: Any) -> int:
    """Store an article with given facts through the writer ingest uses; return its id.

    `where` is the article's `path`, `fingerprint` and ingest time `now` (see `write_article`).
    """
    return await store.write(partial(write_article, article=article, facts=facts, **where))


async def put_stories(
    store: Store, stories: list[tuple[Article, ArticleFacts]], now: datetime
) -> None:
    """Store each (article, facts) under its own source name, as if ingested at `now`."""
    for article, facts in stories:
        await put_article(
            store, article, facts, path=article.source, fingerprint=article.source, now=now
        )
