"""Reply to interactions with rendered answers: defer when slow, page when long, never ping."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.answers import Answer
from bot.render_discord import render_embeds

if TYPE_CHECKING:
    from bot.client import PaddockBot
    from bot.services import Services

log = logging.getLogger(__name__)

ANSWER_BUDGET_S = 0.25  # idle: answer directly if ready this soon, else defer first
QUERY_SLOTS = 2  # queries running at once (SQLite runs them one by one anyway)
ACK_WAIT_S = 1.0  # queries wait this long at most for pending acknowledgements to go out
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
    `QUERY_SLOTS` queries run at once: the others wait their turn without holding memory.
    """
    gate = _gate()
    services = services_of(interaction)
    gate.nudge_waiting()  # those waiting on their budget: acknowledge now, the bot is busy
    busy = gate.active > 0
    ticket = gate.enter()
    try:
        if busy:
            await interaction.response.defer(thinking=True, ephemeral=ephemeral)
            gate.acknowledged(ticket)
            answer = await gate.run(query, services)
        else:
            answer = await _answer_or_defer(interaction, gate, ticket, query, services, ephemeral)
        await send_answer(interaction, answer, ephemeral=ephemeral)
    finally:
        gate.leave(ticket)


async def _answer_or_defer(
    interaction: discord.Interaction,
    gate: _Gate,
    ticket: _Ticket,
    query: Callable[[Services], Awaitable[Answer]],
    services: Services,
    ephemeral: bool,
) -> Answer:
    """Wait up to the budget (or a nudge) for the answer, deferring if it is not ready."""
    task = asyncio.ensure_future(gate.run(query, services, first=True))
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


class _Ticket:
    """One interaction being answered; `acked` once its callback went out."""

    __slots__ = ("acked",)

    def __init__(self) -> None:
        self.acked = False


class _Gate:
    """How busy one event loop's bot is: replies in progress, unacknowledged ones, query slots.

    Queries start only when no interaction waits for its acknowledgement: a query's Python work
    runs on the event loop, and acknowledgements (due within 3 s) must not queue behind it.
    """

    def __init__(self) -> None:
        self.active = 0
        self.unacked = 0
        self.acks_out = asyncio.Event()
        self.acks_out.set()
        self.waiting: set[asyncio.Future[None]] = set()
        self.slots = asyncio.Semaphore(QUERY_SLOTS)

    def enter(self) -> _Ticket:
        """Count an interaction in, unacknowledged."""
        self.active += 1
        self.unacked += 1
        self.acks_out.clear()
        return _Ticket()

    def acknowledged(self, ticket: _Ticket) -> None:
        """Count an interaction's acknowledgement (once)."""
        if not ticket.acked:
            ticket.acked = True
            self.unacked -= 1
            if self.unacked == 0:
                self.acks_out.set()

    def leave(self, ticket: _Ticket) -> None:
        """Count an interaction out (answered, or failed)."""
        self.acknowledged(ticket)
        self.active -= 1

    def nudge_waiting(self) -> None:
        """Wake every reply waiting on its budget so that it defers now."""
        for nudge in self.waiting:
            if not nudge.done():
                nudge.set_result(None)

    async def run(
        self,
        query: Callable[[Services], Awaitable[Answer]],
        services: Services,
        *,
        first: bool = False,
    ) -> Answer:
        """Run a query in one of the slots, once every acknowledgement is out.

        `first` is the idle bot's one interaction: unacknowledged while its own query runs.
        """
        if not first:
            await self._acks_sent()  # hold no slot while waiting
        async with self.slots:
            if not first:
                await self._acks_sent()  # more may have come in meanwhile
            return await query(services)

    async def _acks_sent(self) -> None:
        """Wait until no acknowledgement is pending, or `ACK_WAIT_S` (one may hang)."""
        if not self.acks_out.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.acks_out.wait(), ACK_WAIT_S)


_gates: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Gate] = weakref.WeakKeyDictionary()


def _gate() -> _Gate:
    """Return the running loop's gate."""
    loop = asyncio.get_running_loop()
    gate = _gates.get(loop)
    if gate is None:
        gate = _gates[loop] = _Gate()
    return gate


def choices(names: list[str]) -> list[app_commands.Choice[str]]:
    """Return at most 25 autocomplete choices, each within Discord's 100-character limit."""
    return [
        app_commands.Choice(name=name[:100], value=name[:100])
        for name in names[:AUTOCOMPLETE_LIMIT]
    ]


def autocomplete(
    kind: str,
) -> Callable[[discord.Interaction, str], Awaitable[list[app_commands.Choice[str]]]]:
    """Return an autocomplete callback offering names of one entity kind."""

    async def complete_names(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        from bot.queries.names import complete

        return choices(await complete(services_of(interaction), kind, current))

    return complete_names
