"""Reply to interactions with rendered answers: defer when slow, page when long, never ping."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.admission import Admission, Ticket
from bot.queries.answers import Answer
from bot.queries.catalogue import complete
from bot.queries.links import add_links, linked
from bot.queries.saved import SavedQuery, remember, rerun, saved_query_of
from bot.queries.server import spoilers_on
from cogs._render import render_embeds

if TYPE_CHECKING:
    from bot.services import Services
    from cogs._client import PaddockBot

log = logging.getLogger(__name__)

ANSWER_BUDGET_S = 0.25  # idle: answer directly if ready this soon, else defer first
FIRST = asyncio.FIRST_COMPLETED
PAGE_FAILED = "Something went wrong on Paddock's side while turning the page; please try again."
PAGE_BUDGET_S = 1.5  # a page turn edits the message directly if ready this soon, else defers
PAGE_TEMPLATE = r"pg:(?P<key>[0-9a-f]{1,16}):(?P<step>[pn]):(?P<page>\d{1,4}):(?P<owner>\d{1,20})"
AUTOCOMPLETE_LIMIT = 25
NO_PINGS = discord.AllowedMentions.none()
# Kept in `interaction.extras`: how the interaction was deferred, and whether it was answered.
DEFERRED = "paddock.deferred"
ANSWERED = "paddock.answered"


async def defer(interaction: discord.Interaction, *, ephemeral: bool) -> None:
    """Acknowledge with "thinking...", private when the answer is going to be private."""
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    interaction.extras[DEFERRED] = "ephemeral" if ephemeral else "public"


def mark_answered(interaction: discord.Interaction) -> None:
    """Note that the thinking message (if any) has been used up: replaced or deleted."""
    interaction.extras[ANSWERED] = True


def thinking_in_public(interaction: discord.Interaction) -> bool:
    """Return whether the channel sees a "thinking..." message that the next follow-up edits."""
    if interaction.extras.get(ANSWERED):
        return False
    how = interaction.extras.get(DEFERRED)
    if how is not None:
        return bool(how == "public")
    # deferred elsewhere: assume public (deleting a private thinking message is harmless)
    return interaction.response.type == discord.InteractionResponseType.deferred_channel_message


async def hides_results(interaction: discord.Interaction) -> bool:
    """Return whether the server asked for race results behind spoiler tags."""
    if interaction.guild_id is None:
        return False
    return await spoilers_on(services_of(interaction), interaction.guild_id)


def services_of(interaction: discord.Interaction) -> Services:
    """Return the core services of the bot that received the interaction."""
    client: PaddockBot = interaction.client  # type: ignore[assignment]
    return client.services


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_TEMPLATE):
    """A Previous/Next button that carries its whole state: saved query, page, who asked.

    Nothing lives in memory: a press after a restart, or days later, runs the saved query
    again and shows the page (the template is registered with `bot.add_dynamic_items`).
    """

    def __init__(self, key: str, step: str, page: int, owner_id: int, *, disabled: bool) -> None:
        label, emoji = ("Previous", "◀") if step == "p" else ("Next", "▶")
        super().__init__(
            discord.ui.Button(
                label=label,
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=f"pg:{key}:{step}:{page}:{owner_id}",
            )
        )
        self.key, self.page, self.owner_id = key, page, owner_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PageButton:
        """Rebuild a pressed button from its `custom_id`."""
        return cls(
            match["key"], match["step"], int(match["page"]), int(match["owner"]), disabled=False
        )

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Let only the person who asked turn the pages."""
        if interaction.user.id == self.owner_id:
            return True
        await interaction.response.send_message(
            "Only the person who asked can turn these pages. Run the command yourself to browse.",
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
        return False

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Run the saved query again and show the wanted page."""
        try:
            await turn_page(interaction, self.key, self.page, self.owner_id)
        except Exception:  # a button has no command error handler: tell the presser privately
            log.exception("Turning a page of saved query %s failed", self.key)
            with contextlib.suppress(discord.HTTPException):
                await _say_privately(interaction, PAGE_FAILED)


def pager_view(key: str, page: int, pages: int, owner_id: int) -> discord.ui.View:
    """Return lasting Previous/Next buttons for `page` of `pages`."""
    view = discord.ui.View(timeout=None)
    view.add_item(PageButton(key, "p", max(page - 1, 0), owner_id, disabled=page == 0))
    last = pages - 1
    view.add_item(PageButton(key, "n", min(page + 1, last), owner_id, disabled=page >= last))
    return view


async def turn_page(interaction: discord.Interaction[Any], key: str, page: int, owner: int) -> None:
    """Show `page` of a saved query's answer in the pressed message."""
    services = services_of(interaction)
    task = asyncio.ensure_future(rerun(services, key))
    try:
        await asyncio.wait({task}, timeout=PAGE_BUDGET_S)
        deferred = not task.done()
        if deferred:
            await interaction.response.defer()  # the message stays as it is meanwhile
        answer = await task
    finally:
        task.cancel()
    if answer is not None:
        answer = await add_links(services, answer)
    if answer is None:
        await _expired(interaction)
        return
    embeds = render_embeds(answer, spoilers=await hides_results(interaction))
    page = max(0, min(page, len(embeds) - 1))
    view = pager_view(key, page, len(embeds), owner) if len(embeds) > 1 else None
    if deferred:
        await interaction.edit_original_response(
            embed=embeds[page], view=view, allowed_mentions=NO_PINGS
        )
    else:
        await interaction.response.edit_message(embed=embeds[page], view=view)


async def _expired(interaction: discord.Interaction[Any]) -> None:
    """Say privately that these pages cannot be shown any more."""
    await _say_privately(
        interaction, "These pages cannot be shown any more: run the command again."
    )


async def _say_privately(interaction: discord.Interaction[Any], note: str) -> None:
    """Tell only the person who pressed a button."""
    if interaction.response.is_done():
        await interaction.followup.send(note, ephemeral=True, allowed_mentions=NO_PINGS)
    else:
        await interaction.response.send_message(note, ephemeral=True, allowed_mentions=NO_PINGS)


async def send_answer(
    interaction: discord.Interaction,
    answer: Answer,
    *,
    ephemeral: bool = False,
    saved: SavedQuery | None = None,
) -> None:
    """Send a rendered answer as the interaction's reply (or follow-up after a defer).

    A long answer gets lasting page buttons when its query can be saved (`saved`); without
    one only its first page is shown.
    """
    embeds = render_embeds(answer, spoilers=await hides_results(interaction))
    view: discord.ui.View = discord.utils.MISSING
    if len(embeds) > 1 and saved is not None:
        services = services_of(interaction)
        key = await remember(services.store, saved, services.clock.now())
        view = pager_view(key, 0, len(embeds), interaction.user.id)
    attached = answer.attachment
    file = (
        discord.File(io.BytesIO(attached.data), filename=attached.filename)
        if attached is not None
        else discord.utils.MISSING
    )
    if interaction.response.is_done():
        await interaction.followup.send(
            embed=embeds[0], view=view, file=file, ephemeral=ephemeral, allowed_mentions=NO_PINGS
        )
        mark_answered(interaction)
    else:
        await interaction.response.send_message(
            embed=embeds[0], view=view, file=file, ephemeral=ephemeral, allowed_mentions=NO_PINGS
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
    saved = saved_query_of(query)
    query = linked(query)  # every cited article links to where it was published
    gate = services.admission
    gate.nudge_waiting()  # those waiting on their budget: acknowledge now, the bot is busy
    busy = gate.active > 0
    ticket = gate.enter()
    try:
        if busy:
            await defer(interaction, ephemeral=ephemeral)
            gate.acknowledged(ticket)
            answer = await gate.run(partial(query, services))
        else:
            answer = await _answer_or_defer(interaction, gate, ticket, query, services, ephemeral)
        await send_answer(interaction, answer, ephemeral=ephemeral, saved=saved)
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
            await defer(interaction, ephemeral=ephemeral)
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
        return choices(await complete(services_of(interaction), kind, current))

    complete_names.__name__ = f"complete_{kind}"  # names the kind (tests/test_catalogue.py)
    return complete_names
