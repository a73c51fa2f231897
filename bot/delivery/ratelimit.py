"""Stay under Discord's rate limits before Discord has to say so.

* `GlobalLimiter`: a token bucket shared by every process of the bot through the database
  (`DeliveryStore.reserve_slots`): each send waits for its slot, at most `rate` a second in
  all. Slots are reserved a few at a time, so the database sees a handful of writes a second.
  Slots a stalled event loop let pass are not caught up in a rush, and a stall on Discord's
  side does not make one either: a process never has more than `rate` sends answered in the
  last second or still unanswered (Discord counts requests a second, when they reach it).
* `ChannelBuckets`: Discord's per-channel message limit (5 messages per 5 seconds), kept in
  memory by the process that owns the channel's server; it says how long a send must wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.delivery.store import DeliveryStore

GLOBAL_RATE_PER_S = 45.0  # Discord's global limit is 50 requests a second; keep headroom
GLOBAL_BUCKET = "discord-global"
SLOTS_PER_RESERVATION = 8
RATE_WINDOW_S = 1.0  # Discord's global limit counts requests per second
CHANNEL_MESSAGES = 5
CHANNEL_WINDOW_S = 5.0
CHANNEL_BUCKETS_KEPT = 10_000


class GlobalLimiter:
    """A shared token bucket: `acquire()` returns when a send may go, `release()` once answered."""

    def __init__(
        self,
        store: DeliveryStore,
        *,
        rate_per_s: float = GLOBAL_RATE_PER_S,
        bucket: str = GLOBAL_BUCKET,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.interval_s = 1.0 / rate_per_s
        self.per_window = max(1, int(rate_per_s * RATE_WINDOW_S))
        self.bucket = bucket
        self._now = now
        self._slots: deque[float] = deque()
        self._answered: deque[float] = deque()  # when this process's latest sends were answered
        self._in_flight = 0
        self._freed = asyncio.Event()
        self._waiting = 0
        self._refill = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait for a send slot of the bucket (then call `release()` when the send is over)."""
        self._waiting += 1
        try:
            async with self._refill:
                if not self._slots:
                    await self._reserve()
                slot = self._slots.popleft()
        finally:
            self._waiting -= 1
        delay = slot - self._now()
        if delay > 0:
            await asyncio.sleep(delay)
        await self._within_window()

    def release(self) -> None:
        """Count a send acquired before as answered now."""
        self._in_flight -= 1
        self._answered.append(self._now())
        self._freed.set()

    async def _within_window(self) -> None:
        """Wait until fewer than `per_window` sends were answered in the last second or are out."""
        while True:
            cutoff = self._now() - RATE_WINDOW_S
            while self._answered and self._answered[0] <= cutoff:
                self._answered.popleft()
            if len(self._answered) + self._in_flight < self.per_window:
                break
            wait_s = self._answered[0] - cutoff if self._answered else None
            self._freed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._freed.wait(), wait_s)
        self._in_flight += 1

    async def _reserve(self) -> None:
        count = max(1, min(SLOTS_PER_RESERVATION, self._waiting))
        first = await self.store.reserve_slots(self.bucket, count, self.interval_s, self._now())
        self._slots.extend(first + i * self.interval_s for i in range(count))


@dataclass(slots=True)
class ChannelBuckets:
    """Discord's per-channel message bucket, per channel this process posts in."""

    messages: int = CHANNEL_MESSAGES
    window_s: float = CHANNEL_WINDOW_S
    now: Callable[[], float] = time.monotonic
    _sent: dict[int, deque[float]] = field(default_factory=dict)
    _blocked: dict[int, float] = field(default_factory=dict)

    def wait(self, channel_id: int) -> float:
        """Return how long a message to `channel_id` must wait (0 when it may go now)."""
        now = self.now()
        blocked = self._blocked.get(channel_id, 0.0) - now
        sent = self._sent.get(channel_id)
        if sent is not None:
            while sent and sent[0] <= now - self.window_s:
                sent.popleft()
        full = sent[0] + self.window_s - now if sent and len(sent) >= self.messages else 0.0
        return max(blocked, full, 0.0)

    def take(self, channel_id: int) -> None:
        """Count a message sent to `channel_id` now."""
        if len(self._sent) > CHANNEL_BUCKETS_KEPT:
            self._forget_idle()
        self._sent.setdefault(channel_id, deque()).append(self.now())

    def block(self, channel_id: int, seconds: float) -> None:
        """Hold a channel back for `seconds` (Discord answered 429 for it)."""
        self._blocked[channel_id] = self.now() + seconds

    def _forget_idle(self) -> None:
        cutoff = self.now() - self.window_s
        for channel_id in [c for c, sent in self._sent.items() if not sent or sent[-1] < cutoff]:
            del self._sent[channel_id]
        for channel_id in [c for c, until in self._blocked.items() if until < self.now()]:
            del self._blocked[channel_id]
