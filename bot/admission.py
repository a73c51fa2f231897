"""Admission of work under load: acknowledgements first, then a few queries at a time.

A chat adapter must acknowledge each request within a deadline (Discord: 3 s) and may answer
later. Queries do Python work on the event loop, so when many requests arrive at once they
wait until every pending acknowledgement has gone out, and only `QUERY_SLOTS` run together.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")
QUERY_SLOTS = 2
"""Queries running at once (SQLite runs them one by one anyway)."""
ACK_WAIT_S = 1.0
"""Longest a query waits for pending acknowledgements (one may hang), in seconds."""


class Ticket:
    """One request being answered; `acked` once its acknowledgement went out."""

    __slots__ = ("acked",)

    def __init__(self) -> None:
        self.acked = False


class Admission:
    """How busy one running Paddock is: requests in progress, unacknowledged ones, slots."""

    def __init__(self, slots: int = QUERY_SLOTS) -> None:
        self.active = 0
        self.unacked = 0
        self.acks_out = asyncio.Event()
        self.acks_out.set()
        self.waiting: set[asyncio.Future[None]] = set()
        self.slots = asyncio.Semaphore(slots)

    def enter(self) -> Ticket:
        """Count a request in, unacknowledged."""
        self.active += 1
        self.unacked += 1
        self.acks_out.clear()
        return Ticket()

    def acknowledged(self, ticket: Ticket) -> None:
        """Count a request's acknowledgement (once)."""
        if not ticket.acked:
            ticket.acked = True
            self.unacked -= 1
            if self.unacked == 0:
                self.acks_out.set()

    def leave(self, ticket: Ticket) -> None:
        """Count a request out (answered, or failed)."""
        self.acknowledged(ticket)
        self.active -= 1

    def nudge_waiting(self) -> None:
        """Wake every request waiting on its answer budget so that it acknowledges now."""
        for nudge in self.waiting:
            if not nudge.done():
                nudge.set_result(None)

    async def run(self, work: Callable[[], Awaitable[T]], *, first: bool = False) -> T:
        """Run a query in one of the slots, once every acknowledgement is out.

        `first` is an idle bot's one request: unacknowledged while its own query runs.
        """
        if not first:
            await self._acks_sent()  # hold no slot while waiting
        async with self.slots:
            if not first:
                await self._acks_sent()  # more may have come in meanwhile
            return await work()

    async def _acks_sent(self) -> None:
        """Wait until no acknowledgement is pending, or `ACK_WAIT_S` (one may hang)."""
        if not self.acks_out.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.acks_out.wait(), ACK_WAIT_S)
