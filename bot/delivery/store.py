"""What delivery needs from a database, as a Protocol, and its SQLite implementation.

The scheduler only talks to a `DeliveryStore`. SQLite (`SqliteDeliveryStore`) is the embedded
default; a PostgreSQL store for several machines would implement the same methods (leases
with advisory locks, `claim_due` with `FOR UPDATE SKIP LOCKED`), see README "Scaling out".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol

from bot.queries.posts import NewsItem, StoredQuote, load_news, load_quote
from bot.schedule import leases, outbox
from bot.schedule.leases import LeaseClaim
from bot.schedule.outbox import OUTBOX_GRACE, Post, Shards, SyncReport
from bot.schedule.planning import GuildSettings, PlannedPost, PostKey
from bot.store import Store


class DeliveryStore(Protocol):
    """The outbox, server settings, delivery leases and rate-limit buckets of one bot."""

    @property
    def name(self) -> str:
        """Return where the data lives (for log lines)."""
        ...

    async def all_settings(self, shards: Shards) -> list[GuildSettings]:
        """Return the settings of every server on `shards`."""
        ...

    async def settings_of(self, guild_ids: Iterable[int]) -> list[GuildSettings]:
        """Return the settings of some servers."""
        ...

    async def guild_ids(self, shards: Shards) -> list[int]:
        """Return the servers on `shards` that have settings."""
        ...

    async def get_settings(self, guild_id: int) -> GuildSettings:
        """Return one server's settings."""
        ...

    async def save_settings(self, settings: GuildSettings, now: datetime) -> None:
        """Save a server's settings (bumping the change stamp)."""
        ...

    async def settings_changed_since(self, seq: int) -> tuple[list[int], int]:
        """Return the servers whose settings changed after stamp `seq`, and the latest stamp."""
        ...

    async def latest_settings_change(self) -> int:
        """Return the latest settings change stamp."""
        ...

    async def pause_guild(self, guild_id: int, reason: str) -> None:
        """Stop posting to a server until it is resumed."""
        ...

    async def resume_guild(self, guild_id: int) -> None:
        """Post to a server again."""
        ...

    async def forget_guild(self, guild_id: int) -> None:
        """Delete a server's settings and posts."""
        ...

    async def sync_plan(
        self, planned: Sequence[PlannedPost], now: datetime, guild_ids: Iterable[int]
    ) -> SyncReport:
        """Make the outbox match a plan for some servers, atomically."""
        ...

    async def claim_due(self, now: datetime, shards: Shards, limit: int) -> list[Post]:
        """Claim the posts of `shards` due now (no other process gets them)."""
        ...

    async def next_due(self, shards: Shards) -> datetime | None:
        """Return when the next post of `shards` is due."""
        ...

    async def mark_sent(self, key: PostKey, message_id: int | None, now: datetime) -> bool:
        """Record a post as sent at `now`."""
        ...

    async def reschedule(
        self, key: PostKey, retry_at: datetime, error: str, *, failed: bool
    ) -> bool:
        """Put a claimed post back to be tried at `retry_at`; return whether it will be."""
        ...

    async def drop_post(self, key: PostKey, reason: str) -> None:
        """Give up on a post, saying why."""
        ...

    async def recover_sending(self, shards: Shards) -> int:
        """Put back the posts a dead process left half-sent on `shards`."""
        ...

    async def prune_done(self, before: datetime, shards: Shards) -> int:
        """Delete the delivered and given-up posts of `shards` due before `before`, in chunks."""
        ...

    async def posted_qotd_on(self, guild_id: int, day: date) -> bool:
        """Return whether a server had its quote of the day on `day`."""
        ...

    async def daily_quote(self, guild_id: int, day: date) -> StoredQuote | None:
        """Return a server's quote of the day for `day`."""
        ...

    async def record_qotd(self, guild_id: int, quote_id: int, day: date) -> None:
        """Remember a server's quote of the day."""
        ...

    async def news_item(self, article_id: int) -> NewsItem | None:
        """Return the article a news post links to."""
        ...

    async def claim_leases(
        self,
        holder: str,
        preferred: frozenset[int],
        count: int,
        now_s: float,
        ttl_s: float,
        adopt: bool,
        alive: Callable[[str], bool],
    ) -> LeaseClaim:
        """Renew, take and hand back shard leases (`adopt`: also those nobody alive wants)."""
        ...

    async def release_leases(self, holder: str) -> None:
        """Give up every lease of `holder`."""
        ...

    async def reserve_slots(
        self, bucket: str, count: int, interval_s: float, now_s: float
    ) -> float:
        """Reserve sends of a shared rate-limit bucket; return when the first may go."""
        ...


class SqliteDeliveryStore:
    """`DeliveryStore` on Paddock's SQLite database."""

    def __init__(self, store: Store, grace: timedelta = OUTBOX_GRACE) -> None:
        self.store = store
        self.grace = grace

    @property
    def name(self) -> str:
        """Return the database file."""
        return str(self.store.path)

    async def all_settings(self, shards: Shards) -> list[GuildSettings]:
        """Return the settings of every server on `shards`."""
        return await outbox.all_settings(self.store, shards)

    async def settings_of(self, guild_ids: Iterable[int]) -> list[GuildSettings]:
        """Return the settings of some servers."""
        return await outbox.settings_of(self.store, guild_ids)

    async def guild_ids(self, shards: Shards) -> list[int]:
        """Return the servers on `shards` that have settings."""
        return await outbox.guild_ids(self.store, shards)

    async def get_settings(self, guild_id: int) -> GuildSettings:
        """Return one server's settings."""
        return await outbox.get_settings(self.store, guild_id)

    async def save_settings(self, settings: GuildSettings, now: datetime) -> None:
        """Save a server's settings."""
        await outbox.save_settings(self.store, settings, now)

    async def settings_changed_since(self, seq: int) -> tuple[list[int], int]:
        """Return the servers whose settings changed after `seq`."""
        return await outbox.settings_changed_since(self.store, seq)

    async def latest_settings_change(self) -> int:
        """Return the latest settings change stamp."""
        return await outbox.latest_settings_change(self.store)

    async def pause_guild(self, guild_id: int, reason: str) -> None:
        """Stop posting to a server."""
        await outbox.pause_guild(self.store, guild_id, reason)

    async def resume_guild(self, guild_id: int) -> None:
        """Post to a server again."""
        await outbox.resume_guild(self.store, guild_id)

    async def forget_guild(self, guild_id: int) -> None:
        """Delete a server's settings and posts."""
        await outbox.forget_guild(self.store, guild_id)

    async def sync_plan(
        self, planned: Sequence[PlannedPost], now: datetime, guild_ids: Iterable[int]
    ) -> SyncReport:
        """Make the outbox match a plan."""
        return await outbox.sync_plan(
            self.store, planned, now, guild_ids=guild_ids, grace=self.grace
        )

    async def claim_due(self, now: datetime, shards: Shards, limit: int) -> list[Post]:
        """Claim the posts due now."""
        return await outbox.claim_due(self.store, now, shards=shards, limit=limit, grace=self.grace)

    async def next_due(self, shards: Shards) -> datetime | None:
        """Return when the next post is due."""
        return await outbox.next_due(self.store, shards)

    async def mark_sent(self, key: PostKey, message_id: int | None, now: datetime) -> bool:
        """Record a post as sent."""
        return await outbox.mark_sent(self.store, key, message_id, now)

    async def reschedule(
        self, key: PostKey, retry_at: datetime, error: str, *, failed: bool
    ) -> bool:
        """Put a claimed post back."""
        return await outbox.reschedule(self.store, key, retry_at, error, failed=failed)

    async def drop_post(self, key: PostKey, reason: str) -> None:
        """Give up on a post."""
        await outbox.drop_post(self.store, key, reason)

    async def recover_sending(self, shards: Shards) -> int:
        """Put back half-sent posts."""
        return await outbox.recover_sending(self.store, shards)

    async def prune_done(self, before: datetime, shards: Shards) -> int:
        """Delete old delivered and given-up posts."""
        return await outbox.prune_done(self.store, before, shards)

    async def posted_qotd_on(self, guild_id: int, day: date) -> bool:
        """Return whether a server had its quote of the day on `day`."""
        return await outbox.posted_qotd_on(self.store, guild_id, day)

    async def daily_quote(self, guild_id: int, day: date) -> StoredQuote | None:
        """Return a server's quote of the day."""
        chosen = await outbox.choose_daily_quote(self.store, guild_id, day)
        return await load_quote(self.store, chosen) if chosen is not None else None

    async def record_qotd(self, guild_id: int, quote_id: int, day: date) -> None:
        """Remember a server's quote of the day."""
        await outbox.record_qotd(self.store, guild_id, quote_id, day)

    async def news_item(self, article_id: int) -> NewsItem | None:
        """Return the article a news post links to."""
        return await load_news(self.store, article_id)

    async def claim_leases(
        self,
        holder: str,
        preferred: frozenset[int],
        count: int,
        now_s: float,
        ttl_s: float,
        adopt: bool,
        alive: Callable[[str], bool],
    ) -> LeaseClaim:
        """Renew, take and hand back shard leases."""
        return await leases.claim_leases(
            self.store,
            holder,
            preferred=preferred,
            count=count,
            now_s=now_s,
            ttl_s=ttl_s,
            adopt=adopt,
            alive=alive,
        )

    async def release_leases(self, holder: str) -> None:
        """Give up every lease of `holder`."""
        await leases.release_leases(self.store, holder)

    async def reserve_slots(
        self, bucket: str, count: int, interval_s: float, now_s: float
    ) -> float:
        """Reserve sends of a shared rate-limit bucket."""
        return await leases.reserve_slots(
            self.store, bucket, count, interval_s=interval_s, now_s=now_s
        )
