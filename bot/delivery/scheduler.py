"""Deliver planned posts on time: the outbox, an APScheduler wake-up, and one deliverer per DB.

The outbox in the database is the only source of truth: one APScheduler job is armed for the
earliest unsent post, and each wake-up delivers whatever is due then. A restart re-reads the
outbox, so it neither loses posts (missed ones go out late within the grace window) nor repeats
them (a post marked sent is never returned again). An exclusive `flock` on `<db>.lock` makes
sure only one bot process delivers.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import os
import sqlite3
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Literal

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.queries.answers import Answer
from bot.queries.posts import (
    StoredQuote,
    load_news,
    load_quote,
    quote_ids,
    render_news,
    render_post,
)
from bot.schedule.calendar import Calendar
from bot.schedule.outbox import (
    OUTBOX_GRACE,
    Post,
    all_settings,
    drop_post,
    due_posts,
    forget_guild,
    get_settings,
    mark_failed,
    mark_sent,
    pause_guild,
    qotd_history,
    record_qotd,
    resume_guild,
    save_settings,
    sync_plan,
    unsent_posts,
)
from bot.schedule.planning import GuildSettings, PostKey, choose_quote_of_the_day, plan_posts
from bot.store import Store, StoreError

log = logging.getLogger(__name__)

DeliveryStatus = Literal["sent", "channel_gone", "forbidden", "retry"]
RETRY_DELAY = timedelta(minutes=2)
DELIVERY_TIMEOUT = timedelta(seconds=60)
NONCE_LENGTH = 25
REPLAN_INTERVAL = timedelta(hours=6)
LOCK_RETRY_INTERVAL = timedelta(minutes=1)
WAKE_JOB_ID = "paddock-outbox-wake"
REPLAN_JOB_ID = "paddock-outbox-replan"
LOCK_JOB_ID = "paddock-outbox-lock"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What happened when the adapter tried to post."""

    status: DeliveryStatus
    message_id: int | None = None
    detail: str = ""

    @classmethod
    def sent(cls, message_id: int) -> DeliveryResult:
        """Return the result of a posted message."""
        return cls("sent", message_id)

    @classmethod
    def channel_gone(cls, detail: str = "channel not found") -> DeliveryResult:
        """Return the result when the channel no longer exists."""
        return cls("channel_gone", detail=detail)

    @classmethod
    def forbidden(cls, detail: str = "missing permission to post") -> DeliveryResult:
        """Return the result when the bot may not post in the channel."""
        return cls("forbidden", detail=detail)

    @classmethod
    def retry(cls, detail: str) -> DeliveryResult:
        """Return the result of a temporary failure (rate limit, outage)."""
        return cls("retry", detail=detail)


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    """A post ready to send: where to, whom to ping, and the rendered answer."""

    post: Post
    guild_id: int
    channel_id: int
    ping_role_id: int | None
    answer: Answer

    @property
    def nonce(self) -> str:
        """Return a stable 25-character id for this post (Discord's message `nonce`).

        Sending with `channel.send(..., nonce=outgoing.nonce)` (discord.py then asks Discord to
        enforce it) lets Discord drop a duplicate if the bot crashed between posting and
        recording the post as sent.
        """
        key = self.post.key
        digest = hashlib.sha256(f"{key.guild_id}|{key.ref}|{key.lead_seconds}".encode())
        return digest.hexdigest()[:NONCE_LENGTH]


Deliver = Callable[[OutgoingPost], Awaitable[DeliveryResult]]


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What one wake-up did with one post."""

    post: Post
    result: DeliveryResult


# --- the single-deliverer lock ------------------------------------------------------------


@dataclass(slots=True)
class DeliveryLock:
    """An exclusive, non-blocking flock on a file; released by the OS if the process dies."""

    path: Path
    _handle: IO[str] | None = field(default=None, init=False)

    @property
    def held(self) -> bool:
        """Return whether this process holds the lock."""
        return self._handle is not None

    def acquire(self) -> bool:
        """Take the lock if free; return whether this process holds it."""
        if self._handle is not None:
            return True
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._handle = handle
        return True

    def release(self) -> None:
        """Give the lock up."""
        if self._handle is None:
            return
        fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        self._handle.close()
        self._handle = None


def _busy(exc: Exception) -> bool:
    """Return whether a database error is only contention (locked or busy), not a failure."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def lock_path_for(database: Path) -> Path:
    """Return the lock file next to a database: `<db>.lock`."""
    return database.with_name(database.name + ".lock")


# --- the scheduler ------------------------------------------------------------------------


class PostScheduler:
    """Plan, arm and deliver every server's posts from the outbox.

    Every public method runs under one asyncio lock, so the scheduler never interleaves two
    of its own database transactions on the shared connection.
    """

    def __init__(
        self,
        store: Store,
        calendar: Calendar,
        deliver: Deliver,
        clock: Clock,
        *,
        lock_path: Path | None = None,
        grace: timedelta = OUTBOX_GRACE,
    ) -> None:
        self.store = store
        self.calendar = calendar
        self.clock = clock
        self.grace = grace
        self._deliver = deliver
        self._lock = DeliveryLock(lock_path or lock_path_for(store.path))
        self._busy = asyncio.Lock()
        self._backoff: dict[PostKey, datetime] = {}
        self._scheduler: AsyncIOScheduler | None = None
        self.next_wake: datetime | None = None

    @property
    def is_deliverer(self) -> bool:
        """Return whether this process holds the delivery lock."""
        return self._lock.held

    async def start(self) -> bool:
        """Start: take the lock, re-plan, send what is due, arm the next wake-up.

        Returns False when another process holds the lock; this one then stands by and
        retries the lock every minute.
        """
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.start()
        self._scheduler.add_job(
            self.replan, IntervalTrigger(seconds=REPLAN_INTERVAL.total_seconds()), id=REPLAN_JOB_ID
        )
        if not self._lock.acquire():
            log.warning("Another Paddock process is delivering posts; standing by")
            self._scheduler.add_job(
                self._take_over,
                IntervalTrigger(seconds=LOCK_RETRY_INTERVAL.total_seconds()),
                id=LOCK_JOB_ID,
            )
            return False
        await self.replan()
        await self.run_due()
        return True

    async def stop(self) -> None:
        """Stop the scheduler and release the lock (pending posts stay in the outbox)."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        async with self._busy:
            self._lock.release()
        self.next_wake = None

    async def _take_over(self) -> None:
        if not self._lock.acquire():
            return
        log.info("Took over post delivery")
        if self._scheduler is not None:
            with contextlib.suppress(LookupError):
                self._scheduler.remove_job(LOCK_JOB_ID)
        await self.replan()
        await self.run_due()

    async def set_calendar(self, calendar: Calendar) -> None:
        """Use a new calendar (after an import) and move or cancel the posts it changes."""
        self.calendar = calendar
        await self.replan()

    async def posts_queued(self) -> None:
        """Arm the wake-up for posts queued outside the plan (news)."""
        async with self._busy:
            if self._lock.held:
                await self._arm()

    async def update_settings(self, settings: GuildSettings) -> None:
        """Save a server's settings and re-plan its posts (resuming it if it was paused)."""
        async with self._busy:
            resumed = replace(settings, paused=False, pause_reason=None)
            await save_settings(self.store, resumed, self.clock.now())
            await resume_guild(self.store, settings.guild_id)
            await self._replan_unlocked([settings.guild_id])

    async def forget(self, guild_id: int) -> None:
        """Drop a server's settings and posts (the bot was removed from it)."""
        async with self._busy:
            await forget_guild(self.store, guild_id)
            await self._arm()

    async def replan(self, guild_ids: Sequence[int] | None = None) -> None:
        """Re-plan every server's posts (or only `guild_ids`) and re-arm the wake-up."""
        async with self._busy:
            await self._replan_unlocked(guild_ids)

    async def _replan_unlocked(self, guild_ids: Iterable[int] | None) -> None:
        if not self._lock.held:
            return
        wanted = set(guild_ids) if guild_ids is not None else None
        now = self.clock.now()
        for settings in await all_settings(self.store):
            if wanted is None or settings.guild_id in wanted:
                planned = plan_posts(settings, self.calendar, start=now - self.grace)
                await sync_plan(
                    self.store, planned, now, guild_ids=[settings.guild_id], grace=self.grace
                )
        await self._arm()

    async def run_due(self) -> list[DeliveryOutcome]:
        """Deliver every post due now, then arm the next wake-up.

        When the database cannot be written (read-only, disk full), delivery stops with one
        clear error instead of re-posting what it cannot record as sent.
        """
        async with self._busy:
            if not self._lock.held:
                return []
            try:
                outcomes = await self._deliver_due(self.clock.now())
                quote_guilds = {o.post.guild_id for o in outcomes if o.post.kind == "qotd"}
                if quote_guilds:  # keep the quote of the day planned ahead
                    await self._replan_unlocked(quote_guilds)
                return outcomes
            except (sqlite3.Error, StoreError) as exc:
                if _busy(exc):  # another writer: the re-armed wake tries again
                    log.warning("Post delivery waits: the database is busy (%s)", exc)
                    return []
                self._halt(exc)
                return []
            finally:
                if self._lock.held:
                    await self._arm()

    def _halt(self, exc: Exception) -> None:
        """Stop delivering after a database failure; pending posts stay in the outbox."""
        log.error(
            "Post delivery stopped: the database %s cannot be written (%s). Posts already "
            "sent may not be recorded. Free disk space or fix the file's permissions, then "
            "restart Paddock.",
            self.store.path,
            exc,
        )
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self._lock.release()
        self.next_wake = None

    async def _deliver_due(self, now: datetime) -> list[DeliveryOutcome]:
        outcomes: list[DeliveryOutcome] = []
        blocked: set[int] = set()
        for post in await due_posts(self.store, now, self.grace):
            if post.guild_id in blocked or self._backoff.get(post.key, now) > now:
                continue
            outcome = await self._deliver_one(post, now)
            if outcome is None:
                continue
            outcomes.append(outcome)
            if outcome.result.status in ("channel_gone", "forbidden"):
                blocked.add(post.guild_id)
        return outcomes

    async def _deliver_one(self, post: Post, now: datetime) -> DeliveryOutcome | None:
        outgoing = await self._outgoing(post)
        if outgoing is None:
            return None
        try:
            async with asyncio.timeout(DELIVERY_TIMEOUT.total_seconds()):
                result = await self._deliver(outgoing)
        except Exception as exc:  # the adapter must not stop the other posts
            log.exception("Delivering post %s for server %d failed", post.key.ref, post.guild_id)
            result = DeliveryResult.retry(f"{type(exc).__name__}: {exc}")
        await self._record(post, outgoing, result, now)
        return DeliveryOutcome(post, result)

    async def _outgoing(self, post: Post) -> OutgoingPost | None:
        settings = await get_settings(self.store, post.guild_id)
        if post.kind == "news":
            return await self._news(post, settings)
        if settings.channel_id is None:
            await drop_post(self.store, post.key, "no channel configured")
            return None
        quote = await self._quote_for(post) if post.kind == "qotd" else None
        try:
            answer = render_post(post, self.calendar, quote)
        except LookupError as exc:
            await drop_post(self.store, post.key, str(exc))
            return None
        # The role is for race reminders (previews, countdowns), never the quote of the day.
        role = settings.ping_role_id if post.kind != "qotd" else None
        return OutgoingPost(post, post.guild_id, settings.channel_id, role, answer)

    async def _news(self, post: Post, settings: GuildSettings) -> OutgoingPost | None:
        """Return a news post to the server's news channel (never pinging)."""
        item = await load_news(self.store, int(post.payload.get("article_id") or 0))
        reason = "no news channel configured" if settings.news_channel_id is None else ""
        reason = reason or ("the article is gone" if item is None else "")
        if reason or item is None or settings.news_channel_id is None:
            await drop_post(self.store, post.key, reason)
            return None
        return OutgoingPost(post, post.guild_id, settings.news_channel_id, None, render_news(item))

    async def _quote_for(self, post: Post) -> StoredQuote | None:
        history = await qotd_history(self.store, post.guild_id)
        today = post.day or post.due.date()
        if any(day == today for _, day in history):
            return None  # already posted today's quote
        ids = await quote_ids(self.store)
        # one hash per quote: off the event loop, so interactions are still answered meanwhile
        chosen = await asyncio.to_thread(choose_quote_of_the_day, ids, history, today)
        return await load_quote(self.store, chosen.id) if chosen is not None else None

    async def _record(
        self, post: Post, outgoing: OutgoingPost, result: DeliveryResult, now: datetime
    ) -> None:
        if result.status == "sent":
            await mark_sent(self.store, post.key, result.message_id, now)
            self._backoff.pop(post.key, None)
            quote_id = outgoing.answer.data.get("quote_id")
            if post.kind == "qotd" and isinstance(quote_id, int):
                await record_qotd(self.store, post.guild_id, quote_id, post.day or now.date())
            return
        if result.status in ("channel_gone", "forbidden"):
            await pause_guild(self.store, post.guild_id, f"{result.status}: {result.detail}")
            return
        if await mark_failed(self.store, post.key, result.detail):
            self._backoff[post.key] = now + RETRY_DELAY

    async def _arm(self) -> None:
        """Arm one wake-up for the earliest unsent post (after any retry back-off)."""
        wakes = [
            max(p.due, self._backoff.get(p.key, p.due)) for p in await unsent_posts(self.store)
        ]
        self.next_wake = min(wakes, default=None)
        if self._scheduler is None:
            return
        if self.next_wake is None:
            with contextlib.suppress(LookupError):
                self._scheduler.remove_job(WAKE_JOB_ID)
            return
        # Armed from inside run_due too: a wake due at once must not be skipped as a second
        # instance of the running job (it waits for the lock, then delivers).
        self._scheduler.add_job(
            self.run_due,
            DateTrigger(run_date=datetime.now(UTC) + self._real_delay(self.next_wake)),
            id=WAKE_JOB_ID,
            replace_existing=True,
            misfire_grace_time=None,
            coalesce=True,
            max_instances=2,
        )

    def _real_delay(self, wake: datetime) -> timedelta:
        """Return the real time until the clock reaches `wake` (sooner on a sped-up clock)."""
        delay = max(wake - self.clock.now(), timedelta(0))
        speed = getattr(self.clock, "speed", 1.0)
        return delay / speed if isinstance(speed, int | float) and speed > 0 else delay
