"""Reply to interactions with rendered answers: defer when slow, page when long, never ping."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.admission import Admission, Ticket
from bot.queries.answers import Answer
from bot.queries.links import linked
from cogs._render import render_embeds

if TYPE_CHECKING:
    from bot.services import Services
    from cogs._client import PaddockBot

log = logging.getLogger(__name__)

ANSWER_BUDGET_S = 0.25  # idle: answer directly if ready this soon, else defer first
FIRST = asyncio.FIRST_COMPLETED
PAGER_TIMEOUT_S = 180.0
AUTOCOMPLETE_LIMIT = 25
NO_PINGS = discord.AllowedMentions.none()


def services_of(interaction: discord.Interaction) -> Services:
    """Return the core services of the bot that received the interaction."""
    client: PaddockBot = interaction.client  # type: ignore[assignment]
    return client.services


class Pager(discord.ui.View):
    """Previous/Next buttons over the pages of one answer, for the person who asked."""

    def __init__(self, origin: discord.Interaction, pages: list[discord.Embed]) -> None:
        super().__init__(timeout=PAGER_TIMEOUT_S)
        self.origin = origin
        self.pages = pages
        self.page = 0
        self._sync_buttons()

    def _sync_buttons(self) -> None:
        """Enable only the buttons that lead somewhere."""
        self.previous.disabled = self.page == 0
        self.next.disabled = self.page >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Let only the person who asked turn the pages."""
        if interaction.user.id == self.origin.user.id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can turn these pages. Run the command yourself to browse.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
        return False

    async def _show(self, interaction: discord.Interaction, step: int) -> None:
        """Move `step` pages and update the message."""
        self.page = max(0, min(len(self.pages) - 1, self.page + step))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.page], view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary, emoji="◀")
    async def previous(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Show the previous page."""
        await self._show(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary, emoji="▶")
    async def next(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Show the next page."""
        await self._show(interaction, +1)

    async def on_timeout(self) -> None:
        """Disable the buttons once nobody can use them any more."""
        for item in self.children:
            if isinstance(item, discord.ui.Button):
                item.disabled = True
        try:
            await self.origin.edit_original_response(view=self, allowed_mentions=NO_PINGS)
        except discord.HTTPException as exc:
            log.info("Pager timeout: could not disable buttons (%s)", exc)


async def send_answer(
    interaction: discord.Interaction, answer: Answer, *, ephemeral: bool = False
) -> None:
    """Send a rendered answer as the interaction's reply (or follow-up after a defer)."""
    embeds = render_embeds(answer)
    view: discord.ui.View = Pager(interaction, embeds) if len(embeds) > 1 else discord.utils.MISSING
    if interaction.response.is_done():
        await interaction.followup.send(
            embed=embeds[0], view=view, ephemeral=ephemeral, allowed_mentions=NO_PINGS
        )
    else:
        await interaction.response.send_message(
            embed=embeds[0], view=view, ephemeral=ephemeral, allowed_mentions=NO_PINGS
        )


async def reply(
    interaction: discord.Interaction,
    query: Callable[[Services], Awaitable[Answer]],
    *,
    ephemeral: bool = False,
) -> None:
    """Run a core query and reply; acknowledge at once whenever the answer cannot come at once.

    Idle, the answer goes out directly when it is ready within `ANSWER_BUDGET_S` (one request,
    no "thinking..."); else, or as soon as another interaction arrives while it waits, the
    interaction is deferred first. Busy (other interactions being answered), it is deferred
    before its query even starts, so acknowledgements never queue behind queries. At most
    `bot.admission.QUERY_SLOTS` queries run at once: the others wait without holding memory.
    """
    services = services_of(interaction)
    query = linked(query)  # every cited article links to where it was published
    gate = services.admission
    gate.nudge_waiting()  # those waiting on their budget: acknowledge now, the bot is busy
    busy = gate.active > 0
    ticket = gate.enter()
    try:
        if busy:
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
            gate.acknowledged(ticket)
            answer = await gate.run(partial(query, services))
        else:
            answer = await _answer_or_defer(interaction, gate, ticket, query, services, ephemeral)
        await send_answer(interaction, answer, ephemeral=ephemeral)
    finally:
        gate.leave(ticket)


async def _answer_or_defer(
    interaction: discord.Interaction,
    gate: Admission,
    ticket: Ticket,
    query: Callable[[Services], Awaitable[Answer]],
    services: Services,
    ephemeral: bool,
) -> Answer:
    """Wait up to the budget (or a nudge) for the answer, deferring if it is not ready."""
    task = asyncio.ensure_future(gate.run(partial(query, services), first=True))
    nudge = asyncio.get_running_loop().create_future()
    gate.waiting.add(nudge)
    try:
        await asyncio.wait({task, nudge}, timeout=ANSWER_BUDGET_S, return_when=FIRST)
        if not task.done():
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
            gate.acknowledged(ticket)
        return await task
    finally:
        gate.waiting.discard(nudge)
        task.cancel()  # a no-op once done; stops the query if deferring failed


def choices(names: list[str]) -> list[app_commands.Choice[str]]:
    """Return at most 25 autocomplete choices, each within Discord's 100-character limit."""
    return [
        app_commands.Choice(name=name[:100], value=name[:100])
        for name in names[:AUTOCOMPLETE_LIMIT]
    ]


def autocomplete(
    kind: str,
) -> Callable[[discord.Interaction[Any], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]]:
    """Return an autocomplete callback offering names of one entity kind."""

    async def complete_names(
        interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        from bot.queries.names import complete

        return choices(await complete(services_of(interaction), kind, current))

    return complete_names
