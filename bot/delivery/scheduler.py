"""Deliver planned posts on time: the outbox, an APScheduler wake-up, and leases per shard.

The outbox in the database is the only source of truth. Each process owns the shards it holds
a lease for (`bot.schedule.leases`): it plans those shards' servers over a horizon (the next
two weeks, extended as time passes), arms one APScheduler job for the earliest due post
(`next_due`, one indexed query), and each wake-up claims what is due and sends it through a
bounded pool of workers, every send paced by a rate limiter shared by all processes. No lock
is held across the network. A restart re-reads the outbox, so it neither loses posts (missed
ones go out late within the grace window) nor repeats them (a post marked sent is never
returned again; one half-sent is re-sent with the same nonce).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import socket
import sqlite3
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.clock import Clock
from bot.delivery.ratelimit import ChannelBuckets, GlobalLimiter
from bot.delivery.store import DeliveryStore, SqliteDeliveryStore
from bot.queries.answers import Answer
from bot.queries.posts import StoredQuote, render_news, render_post
from bot.schedule.calendar import Calendar
from bot.schedule.outbox import OUTBOX_GRACE, OUTBOX_RETENTION, Post, Shards, SyncReport
from bot.schedule.planning import GuildSettings, events_near, plan_posts
from bot.store import Store, StoreError

log = logging.getLogger(__name__)

DeliveryStatus = Literal["sent", "channel_gone", "forbidden", "retry", "rate_limited"]
RETRY_DELAY = timedelta(minutes=2)
DELIVERY_TIMEOUT = timedelta(seconds=60)
NONCE_LENGTH = 25
HORIZON = timedelta(days=14)
HORIZON_REFRESH = timedelta(days=7)  # extend the horizon when half of it has passed
REPLAN_INTERVAL = timedelta(hours=6)
PLAN_CHUNK = 250  # servers per planning transaction
CLAIM_BATCH = 64  # posts claimed at a time
DELIVERY_CONCURRENCY = 16  # posts in flight at once
CHANNEL_WAIT_MAX_S = 2.0  # a fuller channel bucket reschedules the post instead of waiting
# A send still unanswered after this long (discord.py sleeping through a 429 shorter than 30 s,
# or retrying a 5xx) goes on without its worker, which takes the next server's posts.
HELD_SEND_S = 0.5
HELD_SERVERS_MAX = 64  # servers whose posts go on without a worker, at most
LEASE_TTL_S = 15.0
LEASE_RENEW_S = 5.0
SETTINGS_POLL_S = 2.0
LONGEST_LEAD = timedelta(days=31)
WAKE_JOB_ID = "paddock-outbox-wake"
REPLAN_JOB_ID = "paddock-outbox-replan"
LEASE_JOB_ID = "paddock-outbox-leases"
POLL_JOB_ID = "paddock-outbox-settings"


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What happened when the adapter tried to post."""

    status: DeliveryStatus
    message_id: int | None = None
    detail: str = ""
    retry_after_s: float = 0.0

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
        """Return the result of a temporary failure (outage)."""
        return cls("retry", detail=detail)

    @classmethod
    def rate_limited(cls, retry_after_s: float, detail: str = "") -> DeliveryResult:
        """Return the result of a long 429: try this post again after `retry_after_s`."""
        return cls("rate_limited", detail=detail or "rate limited", retry_after_s=retry_after_s)


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    """A post ready to send: where to, whom to ping, and the rendered answer."""

    post: Post
    guild_id: int
    channel_id: int
    ping_role_id: int | None
    answer: Answer
    spoilers: bool = False
    """The server hides race results behind spoiler tags (/config spoilers)."""

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
# Look in the post's channel for a message an earlier attempt left; its id, or None.
FindSent = Callable[[OutgoingPost], Awaitable[int | None]]


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What one wake-up did with one post."""

    post: Post
    result: DeliveryResult


def _busy(exc: Exception) -> bool:
    """Return whether a database error is only contention (locked or busy), not a failure."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))


def process_name() -> str:
    """Return a name for this process that no other process of the bot has."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


def holder_alive(holder: str) -> bool:
    """Return False for a lease holder known dead: a process of this machine that is gone."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


class _Halted(Exception):
    """Delivery stopped after a database failure."""


# --- the scheduler ------------------------------------------------------------------------


class PostScheduler:
    """Plan, arm and deliver the posts of the servers on the shards this process leases."""

    def __init__(
        self,
        store: Store,
        calendar: Calendar,
        deliver: Deliver,
        clock: Clock,
        *,
        grace: timedelta = OUTBOX_GRACE,
        shard_count: int = 1,
        shard_ids: Iterable[int] | None = None,
        outbox: DeliveryStore | None = None,
        concurrency: int = DELIVERY_CONCURRENCY,
        lease_ttl_s: float = LEASE_TTL_S,
        lease_renew_s: float = LEASE_RENEW_S,
        channels: ChannelBuckets | None = None,
        find_sent: FindSent | None = None,
    ) -> None:
        self.store = store
        self._find_sent = find_sent
        self.outbox: DeliveryStore = outbox or SqliteDeliveryStore(store, grace)
        self.calendar = calendar
        self.clock = clock
        self.grace = grace
        self.holder = process_name()
        self.shard_count = shard_count
        self.preferred = frozenset(range(shard_count) if shard_ids is None else shard_ids)
        self.held: frozenset[int] = frozenset()
        self.concurrency = concurrency
        self.lease_ttl_s = lease_ttl_s
        self.lease_renew_s = lease_renew_s
        self.limiter = GlobalLimiter(self.outbox)
        self.channels = channels or ChannelBuckets()
        self._deliver = deliver
        self._plan_lock = asyncio.Lock()
        self._scheduler: AsyncIOScheduler | None = None
        self._halted = False
        self._held: set[asyncio.Task[None]] = set()
        self._settings_seq = 0
        self._refresh_at: datetime | None = None
        self._started_at = time.monotonic()
        self.next_wake: datetime | None = None

    def configure_shards(self, count: int, ids: Iterable[int] | None = None) -> None:
        """Set the shard count once Discord told it (`discord.shards = "auto"`); before start."""
        self.shard_count = count
        self.preferred = frozenset(range(count) if ids is None else ids)

    @property
    def shards(self) -> Shards:
        """Return the shards this process delivers for now."""
        return Shards(self.shard_count, self.held)

    @property
    def is_deliverer(self) -> bool:
        """Return whether this process delivers for any shard."""
        return bool(self.held)

    def owns(self, guild_id: int) -> bool:
        """Return whether this process delivers a server's posts."""
        return self.shards.owns(guild_id)

    async def start(self) -> bool:
        """Start: take leases, plan their servers, send what is due, arm the next wake-up.

        Returns False when every wanted shard is leased by another process; this one then
        stands by, renewing its claim every few seconds, and takes over when a lease expires.
        """
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._scheduler.start()
        self._settings_seq = await self.outbox.latest_settings_change()
        jobs = (
            (self.housekeeping, REPLAN_INTERVAL.total_seconds(), REPLAN_JOB_ID),
            (self.renew_leases, self.lease_renew_s, LEASE_JOB_ID),
            (self.poll_settings, SETTINGS_POLL_S, POLL_JOB_ID),
        )
        for job, seconds, job_id in jobs:
            self._scheduler.add_job(
                job, IntervalTrigger(seconds=seconds), id=job_id, coalesce=True, max_instances=1
            )
        await self.renew_leases(first=True)
        if not self.held:
            log.warning("Another Paddock process is delivering posts; standing by")
        return bool(self.held)

    async def stop(self) -> None:
        """Stop the scheduler and hand the leases back (pending posts stay in the outbox)."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        for task in self._held:  # a post cut short stays 'sending': looked for on the next start
            task.cancel()
        await asyncio.gather(*self._held, return_exceptions=True)
        if self.held and not self._halted:
            with contextlib.suppress(sqlite3.Error, StoreError):
                await self.outbox.release_leases(self.holder)
        self.held = frozenset()
        self.next_wake = None

    async def renew_leases(self, *, first: bool = False) -> None:
        """Renew this process's leases; plan and deliver the shards it just gained."""
        if self._halted:
            return
        if first:
            self._started_at = time.monotonic()
        # Shards nobody alive wants are adopted only after one lease period: a process starting
        # beside this one has registered the shards it wants by then.
        adopt = time.monotonic() - self._started_at >= self.lease_ttl_s
        try:
            claim = await self.outbox.claim_leases(
                self.holder,
                self.preferred,
                self.shard_count,
                time.time(),
                self.lease_ttl_s,
                adopt,
                holder_alive,
            )
        except (sqlite3.Error, StoreError) as exc:
            # leases that cannot be written expire: others take over
            self._survive(exc, "Could not renew the delivery leases: %s")
            return
        self.held = claim.held
        if claim.lost:
            log.info("Handed over delivery for shards %s", sorted(claim.lost))
        if not claim.gained:
            return
        gained = Shards(self.shard_count, claim.gained)
        recovered = await self.outbox.recover_sending(gained)
        if not first or recovered:
            log.info(
                "Took over delivery for shards %s (%d half-sent posts to re-send)",
                sorted(claim.gained),
                recovered,
            )
        await self.replan(shards=gained)
        await self.run_due()

    async def poll_settings(self) -> None:
        """Re-plan the servers of this process whose settings another process changed."""
        if not self.held or self._halted:
            return
        changed, self._settings_seq = await self.outbox.settings_changed_since(self._settings_seq)
        mine = [g for g in changed if self.owns(g)]
        if mine:
            await self.replan(mine)

    async def set_calendar(self, calendar: Calendar) -> None:
        """Use a new calendar (after an import) and move or cancel the posts it changes."""
        self.calendar = calendar
        await self.replan()

    async def posts_queued(self) -> None:
        """Arm the wake-up for posts queued outside the plan (news)."""
        await self._arm()

    async def update_settings(self, settings: GuildSettings) -> None:
        """Save a server's settings (resuming it if paused); re-plan it if this process owns it.

        Otherwise the process owning its shard sees the change stamp within seconds.
        """
        resumed = replace(settings, paused=False, pause_reason=None)
        await self.outbox.save_settings(resumed, self.clock.now())
        await self.outbox.resume_guild(settings.guild_id)
        if self.owns(settings.guild_id):
            await self.replan([settings.guild_id])

    async def forget(self, guild_id: int) -> None:
        """Drop a server's settings and posts (the bot was removed from it)."""
        await self.outbox.forget_guild(guild_id)
        await self._arm()

    async def housekeeping(self) -> None:
        """Re-plan every server this process owns, then delete posts delivered long ago."""
        await self.replan()
        if not self.held or self._halted:
            return
        try:
            pruned = await self.outbox.prune_done(self.clock.now() - OUTBOX_RETENTION, self.shards)
        except (sqlite3.Error, StoreError) as exc:
            self._survive(exc, "Old posts are kept until the next housekeeping: database busy (%s)")
            return
        if pruned:
            log.info(
                "Deleted %d posts delivered more than %d days ago",
                pruned,
                OUTBOX_RETENTION.days,
            )

    # --- planning ---------------------------------------------------------------------

    async def replan(
        self, guild_ids: Sequence[int] | None = None, *, shards: Shards | None = None
    ) -> SyncReport:
        """Re-plan some servers (default: every server this process owns), then re-arm.

        Servers go in chunks, one transaction each; between chunks commands and deliveries
        run. One summary line is logged for a full re-plan.
        """
        report = SyncReport()
        if not self.held or self._halted:
            return report
        began = time.monotonic()
        full = guild_ids is None
        ids = (
            await self.outbox.guild_ids(shards or self.shards)
            if guild_ids is None
            else [g for g in guild_ids if self.owns(g)]
        )
        now = self.clock.now()
        end = now + HORIZON
        events = events_near(self.calendar, now - self.grace, end, LONGEST_LEAD)
        for at in range(0, len(ids), PLAN_CHUNK):
            chunk = ids[at : at + PLAN_CHUNK]
            async with self._plan_lock:
                part = await self._plan_chunk(chunk, now, end, events)
            report.added += part.added
            report.moved += part.moved
            report.removed += part.removed
            await asyncio.sleep(0)  # let commands in between chunks
        if full:
            self._refresh_at = now + HORIZON_REFRESH
            log.info(
                "Re-planned %d servers (shards %s) until %s: %d added, %d moved, %d removed"
                " in %.1f s",
                len(ids),
                _shard_list(shards or self.shards),
                end.date().isoformat(),
                len(report.added),
                len(report.moved),
                len(report.removed),
                time.monotonic() - began,
            )
        await self._arm()
        return report

    async def _plan_chunk(
        self, chunk: Sequence[int], now: datetime, end: datetime, events: list
    ) -> SyncReport:
        planned = []
        start = now - self.grace
        for settings in await self.outbox.settings_of(chunk):
            planned += plan_posts(settings, self.calendar, start=start, end=end, events=events)
        return await self.outbox.sync_plan(planned, now, chunk)

    # --- delivery ---------------------------------------------------------------------

    async def run_due(self) -> list[DeliveryOutcome]:
        """Deliver every post due now on this process's shards, then arm the next wake-up.

        When the database cannot be written (read-only, disk full), delivery stops with one
        clear error instead of re-posting what it cannot record as sent.
        """
        if not self.held or self._halted:
            return []
        outcomes: list[DeliveryOutcome] = []
        try:
            if self._refresh_at is not None and self.clock.now() >= self._refresh_at:
                await self.replan()  # extend the horizon
            await self._deliver_due(outcomes)
            await self._delivered(outcomes, "")
        except (sqlite3.Error, StoreError) as exc:
            if not self._survive(exc, "Post delivery waits: the database is busy (%s)"):
                return outcomes
        except _Halted:
            return outcomes
        await self._arm()
        return outcomes

    async def _delivered(self, outcomes: list[DeliveryOutcome], note: str) -> None:
        """Log what a delivery did; keep the quote of the day planned ahead for its servers."""
        if outcomes:
            sent = sum(o.result.status == "sent" for o in outcomes)
            log.info(
                "Delivered %d posts (%d not sent)%s for shards %s",
                sent,
                len(outcomes) - sent,
                note,
                _shard_list(self.shards),
            )
        quote_guilds = [o.post.guild_id for o in outcomes if o.post.kind == "qotd"]
        if quote_guilds:
            await self.replan(sorted(set(quote_guilds)))

    async def _deliver_due(self, outcomes: list[DeliveryOutcome]) -> None:
        """Claim due posts in batches and hand them, per server, to a bounded pool of workers."""
        queue: asyncio.Queue[list[Post] | None] = asyncio.Queue(maxsize=self.concurrency)
        workers = [
            asyncio.create_task(self._worker(queue, outcomes)) for _ in range(self.concurrency)
        ]
        try:
            while not self._halted:
                batch = await self.outbox.claim_due(self.clock.now(), self.shards, CLAIM_BATCH)
                if not batch:
                    break
                for group in _by_guild(batch):
                    await self._put(queue, group, workers)
            for _ in workers:
                await self._put(queue, None, workers)
        except BaseException:
            for worker in workers:
                worker.cancel()  # the producer failed: nobody would stop them otherwise
            raise
        finally:
            results = await asyncio.gather(*workers, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException) and not isinstance(result, asyncio.CancelledError):
                raise result

    @staticmethod
    async def _put(
        queue: asyncio.Queue[list[Post] | None],
        item: list[Post] | None,
        workers: list[asyncio.Task[None]],
    ) -> None:
        """Queue work for the workers, or raise what stopped them all."""
        while True:
            if all(w.done() for w in workers):
                for worker in workers:
                    if (error := worker.exception()) is not None:
                        raise error
                return
            try:
                await asyncio.wait_for(queue.put(item), timeout=1.0)
                return
            except TimeoutError:
                continue

    async def _worker(
        self, queue: asyncio.Queue[list[Post] | None], outcomes: list[DeliveryOutcome]
    ) -> None:
        while (group := await queue.get()) is not None:
            await self._run_group(group, outcomes)

    async def _run_group(self, group: list[Post], outcomes: list[DeliveryOutcome]) -> None:
        """Deliver one server's posts; when Discord holds a send back, go on without it."""
        held = asyncio.Event()
        run = asyncio.create_task(self._deliver_group(group, outcomes, held))
        freed = asyncio.create_task(held.wait())
        try:
            await asyncio.wait({run, freed}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            run.cancel()
            raise
        finally:
            freed.cancel()
        if run.done():
            run.result()  # what stopped it stops the wake-up too
            return
        settle = asyncio.create_task(self._settle_held(run))
        self._held.add(settle)
        settle.add_done_callback(self._held.discard)

    async def _deliver_group(
        self, group: list[Post], outcomes: list[DeliveryOutcome], held: asyncio.Event
    ) -> list[DeliveryOutcome]:
        """Deliver one server's posts in due order; return those finished after `held` was set."""
        later: list[DeliveryOutcome] = []
        for post in group:
            outcome = await self._deliver_one(post, held)
            if outcome is None:
                continue
            (later if held.is_set() else outcomes).append(outcome)
            if outcome.result.status in ("channel_gone", "forbidden"):
                break  # the server is paused: its other posts wait with it
        return later

    async def _settle_held(self, run: asyncio.Task[list[DeliveryOutcome]]) -> None:
        """Wait for a server's held-back posts, then log them and re-arm as a wake-up does."""
        try:
            await self._delivered(await run, " held back by Discord")
            await self._arm()
        except (sqlite3.Error, StoreError) as exc:
            self._survive(exc, "Post delivery waits: the database is busy (%s)")
        except _Halted:
            return

    async def _deliver_one(self, post: Post, held: asyncio.Event) -> DeliveryOutcome | None:
        outgoing = await self._outgoing(post)
        if outgoing is None:
            return None
        wait_s = self.channels.wait(outgoing.channel_id)
        if wait_s > CHANNEL_WAIT_MAX_S:
            await self.outbox.reschedule(
                post.key, self._after(wait_s), "channel rate limit", failed=False
            )
            return None
        if wait_s > 0:
            await asyncio.sleep(wait_s)
        await self.limiter.acquire()
        overdue = self.clock.now() - post.due
        if overdue > self.grace:  # lateness is judged when the post would go out
            self.limiter.release()
            await self.outbox.drop_post(
                post.key, f"would go out {_minutes(overdue)} late (grace {_minutes(self.grace)})"
            )
            return None
        self.channels.take(outgoing.channel_id)
        result = await self._send(post, outgoing, held)
        await self._record(post, outgoing, result)
        return DeliveryOutcome(post, result)

    async def _send(
        self, post: Post, outgoing: OutgoingPost, held: asyncio.Event
    ) -> DeliveryResult:
        """Send a post whose limiter slot is taken; held back, free its worker and its slot.

        A send unanswered after `HELD_SEND_S` is mostly one Discord answered with a wait that
        discord.py sleeps through: it no longer counts as in flight for the global limit.
        """
        sending = asyncio.ensure_future(self._timed_attempt(post, outgoing))
        counted = True
        try:
            done, _ = await asyncio.wait({sending}, timeout=HELD_SEND_S)
            if not done:
                self.limiter.release()
                counted = False
                if len(self._held) < HELD_SERVERS_MAX:
                    held.set()
            return await sending
        except asyncio.CancelledError:
            sending.cancel()
            raise
        finally:
            if counted:
                self.limiter.release()

    async def _timed_attempt(self, post: Post, outgoing: OutgoingPost) -> DeliveryResult:
        """Attempt a post within `DELIVERY_TIMEOUT`; a failure of the adapter is a retry."""
        try:
            async with asyncio.timeout(DELIVERY_TIMEOUT.total_seconds()):
                return await self._attempt(post, outgoing)
        except Exception as exc:  # the adapter must not stop the other posts
            log.exception("Delivering post %s for server %d failed", post.key.ref, post.guild_id)
            return DeliveryResult.retry(f"{type(exc).__name__}: {exc}")

    async def _attempt(self, post: Post, outgoing: OutgoingPost) -> DeliveryResult:
        """Send a post, unless an earlier attempt (one that failed or was cut short) arrived.

        Discord's nonce check lasts a few minutes only, so a post tried before is looked for in
        its channel first, however late the retry.
        """
        if post.attempts > 0 and self._find_sent is not None:
            found = await self._find_sent(outgoing)
            if found is not None:
                log.info("Post %s for server %d had arrived already", post.key.ref, post.guild_id)
                return DeliveryResult.sent(found)
        return await self._deliver(outgoing)

    async def _outgoing(self, post: Post) -> OutgoingPost | None:
        settings = await self.outbox.get_settings(post.guild_id)
        if post.kind == "news":
            return await self._news(post, settings)
        if settings.channel_id is None:
            await self.outbox.drop_post(post.key, "no channel configured")
            return None
        quote = await self._quote_for(post) if post.kind == "qotd" else None
        try:
            answer = render_post(post, self.calendar, quote)
        except LookupError as exc:
            await self.outbox.drop_post(post.key, str(exc))
            return None
        # The role is for race reminders (previews, countdowns), never the quote of the day.
        role = settings.ping_role_id if post.kind != "qotd" else None
        return OutgoingPost(
            post, post.guild_id, settings.channel_id, role, answer, spoilers=settings.spoilers
        )

    async def _news(self, post: Post, settings: GuildSettings) -> OutgoingPost | None:
        """Return a news post to the server's news channel (never pinging)."""
        item = await self.outbox.news_item(int(post.payload.get("article_id") or 0))
        reason = "no news channel configured" if settings.news_channel_id is None else ""
        reason = reason or ("the article is gone" if item is None else "")
        if reason or item is None or settings.news_channel_id is None:
            await self.outbox.drop_post(post.key, reason)
            return None
        return OutgoingPost(post, post.guild_id, settings.news_channel_id, None, render_news(item))

    async def _quote_for(self, post: Post) -> StoredQuote | None:
        today = post.day or post.due.date()
        if await self.outbox.posted_qotd_on(post.guild_id, today):
            return None  # already posted today's quote
        return await self.outbox.daily_quote(post.guild_id, today)

    async def _record(self, post: Post, outgoing: OutgoingPost, result: DeliveryResult) -> None:
        now = self.clock.now()
        if result.status == "sent":
            if not await self.outbox.mark_sent(post.key, result.message_id, now):
                return
            quote_id = outgoing.answer.data.get("quote_id")
            if post.kind == "qotd" and isinstance(quote_id, int):
                await self.outbox.record_qotd(post.guild_id, quote_id, post.day or now.date())
            return
        if result.status in ("channel_gone", "forbidden"):
            await self.outbox.pause_guild(post.guild_id, f"{result.status}: {result.detail}")
            return
        if result.status == "rate_limited":
            self.channels.block(outgoing.channel_id, result.retry_after_s)
            log.info(
                "Post %s for server %d waits %.0f s: channel %d is rate limited",
                post.key.ref,
                post.guild_id,
                result.retry_after_s,
                outgoing.channel_id,
            )
            await self.outbox.reschedule(
                post.key, self._after(result.retry_after_s), result.detail, failed=False
            )
            return
        await self.outbox.reschedule(post.key, now + RETRY_DELAY, result.detail, failed=True)

    def _after(self, real_seconds: float) -> datetime:
        """Return the bot-clock time `real_seconds` from now (further on a sped-up clock)."""
        return self.clock.now() + timedelta(seconds=real_seconds) * self._speed()

    def _speed(self) -> float:
        speed = getattr(self.clock, "speed", 1.0)
        return float(speed) if isinstance(speed, int | float) and speed > 0 else 1.0

    def _survive(self, exc: Exception, busy_note: str) -> bool:
        """Log a busy database and carry on (True), or halt delivery on any other failure."""
        if _busy(exc):
            log.warning(busy_note, exc)
            return True
        self._halt(exc)
        return False

    def _halt(self, exc: Exception) -> None:
        """Stop delivering after a database failure; pending posts stay in the outbox."""
        if self._halted:
            return
        self._halted = True
        log.error(
            "Post delivery stopped: the database %s cannot be written (%s). Posts already "
            "sent may not be recorded. Free disk space or fix the file's permissions, then "
            "restart Paddock.",
            self.outbox.name,
            exc,
        )
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        self.next_wake = None

    async def _arm(self) -> None:
        """Arm one wake-up for the earliest due post (or the horizon's extension)."""
        if not self.held or self._halted:
            self.next_wake = None
            return
        wakes = [await self.outbox.next_due(self.shards), self._refresh_at]
        self.next_wake = min((w for w in wakes if w is not None), default=None)
        if self._scheduler is None:
            return
        if self.next_wake is None:
            with contextlib.suppress(LookupError):
                self._scheduler.remove_job(WAKE_JOB_ID)
            return
        # Armed from inside run_due too: a wake due at once must not be skipped as a second
        # instance of the running job.
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
        return max(wake - self.clock.now(), timedelta(0)) / self._speed()


def _by_guild(batch: Sequence[Post]) -> list[list[Post]]:
    """Group claimed posts by server, each in due order."""
    groups: dict[int, list[Post]] = {}
    for post in batch:
        groups.setdefault(post.guild_id, []).append(post)
    return list(groups.values())


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} min"


def _shard_list(shards: Shards) -> str:
    return ", ".join(map(str, sorted(shards.ids))) + f" of {shards.count}"
