"""The persisted outbox of planned posts, and each server's post settings.

A post row moves pending -> sending (claimed by the process delivering its shard) -> sent (or
late, when it went out more than a minute after its due time, judged when it is sent) -> never
again; sending -> pending (with a retry time) after a temporary failure or a rate limit;
pending -> dropped when it would go out more than the grace window late; pending <-> paused
while the server's channel is gone or access is lost. Sent, late and dropped rows are deleted
`OUTBOX_RETENTION` after they were due, by the scheduler's housekeeping (`prune_done`).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import aiosqlite

from bot.schedule.planning import (
    DEFAULT_LEADS,
    DEFAULT_SESSION_KINDS,
    QUOTE_REPEAT_WINDOW,
    GuildSettings,
    PlannedPost,
    PostKey,
    PostKind,
)
from bot.store import Store

log = logging.getLogger(__name__)

PostStatus = Literal["pending", "sending", "sent", "late", "dropped", "paused"]
OUTBOX_GRACE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=1)
MAX_ATTEMPTS = 5
OPEN_STATUSES = ("pending", "paused")
PLANNED_KINDS = ("preview", "countdown", "qotd")  # what planning owns (news posts are not)
HISTORY_LOOKBACK = timedelta(days=45)  # rows older than this are never re-planned
# Delivered or given-up rows are deleted this long after they were due (housekeeping); longer
# than HISTORY_LOOKBACK, so planning never misses a row it could plan again.
OUTBOX_RETENTION = timedelta(days=60)
DONE_STATUSES = ("sent", "late", "dropped")
PRUNE_CHUNK = 1_000  # rows deleted per transaction
SNOWFLAKE_SHARD_SHIFT = 22  # Discord: shard_id = (guild_id >> 22) % shard_count
_STAMP = "%Y-%m-%dT%H:%M:%SZ"


def stamp(moment: datetime) -> str:
    """Return an aware datetime as the sortable UTC text stored in the database."""
    if moment.tzinfo is None:
        raise ValueError("a stored time must be timezone-aware")
    return moment.astimezone(UTC).strftime(_STAMP)


def unstamp(text: str) -> datetime:
    """Return the aware UTC datetime of stored text."""
    return datetime.strptime(text, _STAMP).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Post:
    """A post row of the outbox."""

    id: int
    key: PostKey
    kind: PostKind
    due: datetime
    payload: dict[str, Any]
    status: PostStatus
    attempts: int = 0
    sent_at: datetime | None = None
    message_id: int | None = None
    retry_at: datetime | None = None

    @property
    def guild_id(self) -> int:
        """Return the server the post is for."""
        return self.key.guild_id

    @property
    def event_uid(self) -> str | None:
        """Return the event the post is about, if any."""
        return self.payload.get("event_uid")

    @property
    def session_uid(self) -> str | None:
        """Return the session the post counts down to, if any."""
        return self.payload.get("session_uid")

    @property
    def lead(self) -> timedelta:
        """Return how long before the session the post is due."""
        return timedelta(seconds=self.key.lead_seconds)

    @property
    def day(self) -> date | None:
        """Return the local day of a quote-of-the-day post."""
        day = self.payload.get("day")
        return date.fromisoformat(day) if day else None

    @property
    def sent(self) -> bool:
        """Return whether the post has gone out."""
        return self.sent_at is not None


@dataclass(slots=True)
class SyncReport:
    """What `sync_plan` changed, as post keys."""

    added: list[PostKey] = field(default_factory=list)
    moved: list[PostKey] = field(default_factory=list)
    removed: list[PostKey] = field(default_factory=list)
    skipped_past: list[PostKey] = field(default_factory=list)


_COLUMNS = (
    "id, guild_id, ref, lead, kind, due_utc, payload, status, attempts, sent_at, message_id,"
    " retry_at"
)


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards a process delivers for: `ids` of `count` (Discord's guild-to-shard rule)."""

    count: int = 1
    ids: frozenset[int] = frozenset({0})

    def owns(self, guild_id: int) -> bool:
        """Return whether a server belongs to one of these shards."""
        return shard_of(guild_id, self.count) in self.ids

    def sql(self) -> tuple[str, list[int]]:
        """Return an SQL condition on `guild_id` selecting these shards, with its parameters."""
        if self.count == 1:
            return ("1", []) if 0 in self.ids else ("0", [])
        marks = ", ".join("?" * len(self.ids))
        return f"((guild_id >> {SNOWFLAKE_SHARD_SHIFT}) % ?) IN ({marks})", [
            self.count,
            *sorted(self.ids),
        ]


ALL_SHARDS = Shards()


def shard_of(guild_id: int, count: int) -> int:
    """Return the shard a server is on."""
    return (guild_id >> SNOWFLAKE_SHARD_SHIFT) % count


def _post(row: aiosqlite.Row) -> Post:
    return Post(
        id=row["id"],
        key=PostKey(row["guild_id"], row["ref"], row["lead"]),
        kind=row["kind"],
        due=unstamp(row["due_utc"]),
        payload=json.loads(row["payload"]),
        status=row["status"],
        attempts=row["attempts"],
        sent_at=unstamp(row["sent_at"]) if row["sent_at"] else None,
        message_id=row["message_id"],
        retry_at=unstamp(row["retry_at"]) if row["retry_at"] else None,
    )


# --- settings -----------------------------------------------------------------------------


async def get_settings(store: Store, guild_id: int) -> GuildSettings:
    """Return a server's settings (the defaults when it has none saved)."""
    row = await store.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return _settings(row) if row else GuildSettings(guild_id)


async def all_settings(store: Store, shards: Shards = ALL_SHARDS) -> list[GuildSettings]:
    """Return the saved settings of every server (on `shards`)."""
    where, params = shards.sql()
    rows = await store.fetchall(
        f"SELECT * FROM guild_settings WHERE {where} ORDER BY guild_id",  # noqa: S608
        params,
    )
    return [_settings(row) for row in rows]


async def guild_ids(store: Store, shards: Shards = ALL_SHARDS) -> list[int]:
    """Return the servers (on `shards`) that have settings."""
    where, params = shards.sql()
    rows = await store.fetchall(
        f"SELECT guild_id FROM guild_settings WHERE {where} ORDER BY guild_id",  # noqa: S608
        params,
    )
    return [int(row[0]) for row in rows]


async def settings_of(store: Store, guild_ids: Iterable[int]) -> list[GuildSettings]:
    """Return the saved settings of some servers (one query; servers without any are left out)."""
    ids = sorted(set(guild_ids))
    marks = ", ".join("?" * len(ids))
    rows = await store.fetchall(
        f"SELECT * FROM guild_settings WHERE guild_id IN ({marks}) ORDER BY guild_id",  # noqa: S608
        ids,
    )
    return [_settings(row) for row in rows]


async def settings_changed_since(store: Store, seq: int) -> tuple[list[int], int]:
    """Return the servers whose settings were saved after change `seq`, and the latest change.

    Every save bumps a change stamp, so a process polls this one indexed query to learn of
    settings another process saved.
    """
    rows = await store.fetchall(
        "SELECT guild_id, change_seq FROM guild_settings WHERE change_seq > ? ORDER BY change_seq",
        (seq,),
    )
    latest = max((int(r["change_seq"]) for r in rows), default=seq)
    return [int(r["guild_id"]) for r in rows], latest


async def latest_settings_change(store: Store) -> int:
    """Return the stamp of the latest settings change."""
    row = await store.fetchone("SELECT coalesce(max(change_seq), 0) FROM guild_settings")
    return int(row[0]) if row else 0


async def save_settings(store: Store, settings: GuildSettings, now: datetime) -> None:
    """Insert or replace a server's settings."""
    async with store.transaction() as db:
        await db.execute(
            "INSERT INTO guild_settings (guild_id, channel_id, ping_role_id, timezone, leads,"
            " qotd_time, events_enabled, session_kinds, paused, pause_reason, news_channel_id,"
            " series, server_events, spoilers, updated_at, change_seq)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " (SELECT coalesce(max(change_seq), 0) + 1 FROM guild_settings))"
            " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,"
            " ping_role_id = excluded.ping_role_id, timezone = excluded.timezone,"
            " leads = excluded.leads, qotd_time = excluded.qotd_time,"
            " events_enabled = excluded.events_enabled, session_kinds = excluded.session_kinds,"
            " paused = excluded.paused, pause_reason = excluded.pause_reason,"
            " news_channel_id = excluded.news_channel_id, series = excluded.series,"
            " server_events = excluded.server_events, spoilers = excluded.spoilers,"
            " updated_at = excluded.updated_at, change_seq = excluded.change_seq",
            (
                settings.guild_id,
                settings.channel_id,
                settings.ping_role_id,
                settings.timezone,
                json.dumps([int(lead.total_seconds()) for lead in settings.leads]),
                settings.qotd_time.strftime("%H:%M") if settings.qotd_time else None,
                int(settings.events_enabled),
                json.dumps(list(settings.session_kinds)),
                int(settings.paused),
                settings.pause_reason,
                settings.news_channel_id,
                json.dumps(list(settings.series)),
                int(settings.server_events),
                int(settings.spoilers),
                stamp(now),
            ),
        )


async def forget_guild(store: Store, guild_id: int) -> None:
    """Delete a server's settings, posts and quote history (the bot left the server)."""
    async with store.transaction() as db:
        await db.execute("DELETE FROM guild_settings WHERE guild_id = ?", (guild_id,))


def _settings(row: aiosqlite.Row) -> GuildSettings:
    leads = json.loads(row["leads"]) if row["leads"] else []
    kinds = json.loads(row["session_kinds"]) if row["session_kinds"] else []
    return GuildSettings(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        ping_role_id=row["ping_role_id"],
        timezone=row["timezone"],
        leads=tuple(timedelta(seconds=s) for s in leads) if leads else DEFAULT_LEADS,
        qotd_time=time.fromisoformat(row["qotd_time"]) if row["qotd_time"] else None,
        events_enabled=bool(row["events_enabled"]),
        session_kinds=tuple(kinds) if kinds else DEFAULT_SESSION_KINDS,
        paused=bool(row["paused"]),
        pause_reason=row["pause_reason"],
        news_channel_id=row["news_channel_id"],
        series=tuple(json.loads(row["series"])),
        server_events=bool(row["server_events"]),
        spoilers=bool(row["spoilers"]),
    )


async def pause_guild(store: Store, guild_id: int, reason: str) -> None:
    """Stop posting to a server (its channel is gone or access was lost) until resumed."""
    async with store.transaction() as db:
        await db.execute(
            "INSERT INTO guild_settings (guild_id, paused, pause_reason) VALUES (?, 1, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET paused = 1,"
            " pause_reason = excluded.pause_reason",
            (guild_id, reason),
        )
        await db.execute(
            "UPDATE outbox SET status = 'paused' WHERE guild_id = ?"
            " AND status IN ('pending', 'sending')",
            (guild_id,),
        )
    log.warning("Posts to server %d paused: %s", guild_id, reason)


async def resume_guild(store: Store, guild_id: int) -> None:
    """Post to a server again; posts whose time passed meanwhile are dropped when due."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE guild_settings SET paused = 0, pause_reason = NULL WHERE guild_id = ?",
            (guild_id,),
        )
        await db.execute(
            "UPDATE outbox SET status = 'pending' WHERE guild_id = ? AND status = 'paused'",
            (guild_id,),
        )
    log.info("Posts to server %d resumed", guild_id)


# --- the plan -----------------------------------------------------------------------------


async def sync_plan(
    store: Store,
    planned: Sequence[PlannedPost],
    now: datetime,
    *,
    guild_ids: Iterable[int] = (),
    grace: timedelta = OUTBOX_GRACE,
) -> SyncReport:
    """Make the outbox match the plan for the planned servers (and `guild_ids`), in one transaction.

    New posts are inserted; unsent posts whose time changed are moved; unsent posts no longer
    planned (session cancelled) are removed. Sent posts are never touched. A new post already
    more than `grace` overdue is not inserted. Every change is one set-based statement
    (`executemany`), so a chunk of servers costs a few statements, not one per post.
    """
    guilds = {p.key.guild_id for p in planned} | set(guild_ids)
    report = SyncReport()
    if not guilds:
        return report
    async with store.transaction() as db:
        await _ensure_guilds(db, guilds)
        existing = await _rows_of(db, guilds, now - grace - HISTORY_LOOKBACK)
        paused = await _paused_guilds(db, guilds)
        inserts, moves = _changes(planned, existing, now, grace, paused, report)
        removals = _removals(planned, existing, now - grace, report)
        await db.executemany(
            "INSERT INTO outbox (guild_id, ref, lead, kind, due_utc, payload, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id, ref, lead) DO NOTHING",
            inserts,
        )
        await db.executemany(
            "UPDATE outbox SET due_utc = ?, payload = ?, status = ?, attempts = 0,"
            " last_error = NULL, retry_at = NULL WHERE id = ?",
            moves,
        )
        await db.executemany("DELETE FROM outbox WHERE id = ?", removals)
    return report


def _changes(
    planned: Sequence[PlannedPost],
    existing: dict[PostKey, Post],
    now: datetime,
    grace: timedelta,
    paused: set[int],
    report: SyncReport,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Return the rows to insert and the rows to move for a plan."""
    inserts: list[tuple[object, ...]] = []
    moves: list[tuple[object, ...]] = []
    for post in planned:
        row = existing.get(post.key)
        payload = json.dumps(post.payload(), sort_keys=True)
        status = "paused" if post.key.guild_id in paused else "pending"
        if row is None:
            if post.due < now - grace:
                report.skipped_past.append(post.key)
                continue
            inserts.append((*post.key, post.kind, stamp(post.due), payload, status))
            report.added.append(post.key)
            continue
        if row.sent or (row.due == post.due and json.dumps(row.payload, sort_keys=True) == payload):
            continue
        revived = row.status == "dropped" and post.due >= now
        if row.status not in OPEN_STATUSES and not revived:
            continue
        moves.append((stamp(post.due), payload, status, row.id))
        report.moved.append(post.key)
    return inserts, moves


def _removals(
    planned: Sequence[PlannedPost],
    existing: dict[PostKey, Post],
    since: datetime,
    report: SyncReport,
) -> list[tuple[int]]:
    """Return the unsent planned rows the plan no longer has (news posts are not planned)."""
    wanted = {p.key for p in planned}
    removals = []
    for key, row in existing.items():
        if key in wanted or row.status not in OPEN_STATUSES or row.due < since:
            continue
        if row.kind not in PLANNED_KINDS:
            continue
        removals.append((row.id,))
        report.removed.append(key)
    return removals


async def _ensure_guilds(db: aiosqlite.Connection, guilds: Iterable[int]) -> None:
    await db.executemany(
        "INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", [(g,) for g in guilds]
    )


async def _rows_of(
    db: aiosqlite.Connection, guilds: Iterable[int], since: datetime
) -> dict[PostKey, Post]:
    ids = sorted(guilds)
    marks = ", ".join("?" * len(ids))
    sql = (  # news posts are queued, not planned: a re-plan leaves them alone
        f"SELECT {_COLUMNS} FROM outbox WHERE guild_id IN ({marks})"  # noqa: S608 - only ? marks
        " AND kind != 'news' AND (due_utc >= ? OR status IN ('pending', 'paused', 'sending'))"
    )
    async with db.execute(sql, [*ids, stamp(since)]) as cur:
        return {post.key: post for post in map(_post, await cur.fetchall())}


async def _paused_guilds(db: aiosqlite.Connection, guilds: Iterable[int]) -> set[int]:
    ids = sorted(guilds)
    marks = ", ".join("?" * len(ids))
    sql = f"SELECT guild_id FROM guild_settings WHERE paused = 1 AND guild_id IN ({marks})"  # noqa: S608
    async with db.execute(sql, ids) as cur:
        return {row[0] for row in await cur.fetchall()}


# --- delivery -----------------------------------------------------------------------------


async def claim_due(
    store: Store,
    now: datetime,
    *,
    shards: Shards = ALL_SHARDS,
    limit: int = 500,
    grace: timedelta = OUTBOX_GRACE,
) -> list[Post]:
    """Claim (mark 'sending') up to `limit` posts of `shards` due at `now`, oldest first.

    A post past its retry time counts as due then. One that would go out more than `grace`
    after its due time is dropped instead, with a log line saying so.
    """
    where, params = shards.sql()
    at = stamp(now)
    async with store.transaction() as db:
        async with db.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE status = 'pending' AND due_utc <= ?"  # noqa: S608
            f" AND (retry_at IS NULL OR retry_at <= ?) AND {where} ORDER BY due_utc, id LIMIT ?",
            (at, at, *params, limit),
        ) as cur:
            rows = [_post(row) for row in await cur.fetchall()]
        ready = []
        for post in rows:
            if now - post.due > grace:
                reason = f"missed by {_minutes(now - post.due)} (grace {_minutes(grace)})"
                await _drop(db, post.id, reason)
                _log_drop(post.key, reason)
                continue
            ready.append(post)
        await db.executemany(
            "UPDATE outbox SET status = 'sending' WHERE id = ?", [(p.id,) for p in ready]
        )
    return [_claimed(p) for p in ready]


def _claimed(post: Post) -> Post:
    return Post(
        post.id, post.key, post.kind, post.due, post.payload, "sending", post.attempts,
        retry_at=post.retry_at,
    )  # fmt: skip


async def due_posts(store: Store, now: datetime, grace: timedelta = OUTBOX_GRACE) -> list[Post]:
    """Claim every post due at `now` on every shard (see `claim_due`)."""
    claimed: list[Post] = []
    while batch := await claim_due(store, now, grace=grace):
        claimed += batch
    return claimed


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} min"


async def _drop(db: aiosqlite.Connection, post_id: int, reason: str) -> None:
    await db.execute(
        "UPDATE outbox SET status = 'dropped', last_error = ? WHERE id = ?", (reason, post_id)
    )


def _log_drop(key: PostKey, reason: str) -> None:
    log.warning("Dropped post %s for server %d: %s", key.ref, key.guild_id, reason)


async def mark_sent(store: Store, key: PostKey, message_id: int | None, now: datetime) -> bool:
    """Record that a post went out at `now` (late when over a minute after due); idempotent.

    Returns False when it was already recorded.
    """
    async with store.transaction() as db:
        cur = await db.execute(
            "UPDATE outbox SET status = CASE WHEN due_utc < ? THEN 'late' ELSE 'sent' END,"
            " sent_at = ?, message_id = ?, retry_at = NULL"
            " WHERE guild_id = ? AND ref = ? AND lead = ? AND sent_at IS NULL",
            (stamp(now - LATE_AFTER), stamp(now), message_id, *key),
        )
        changed = cur.rowcount > 0
        await cur.close()
    return changed


async def reschedule(
    store: Store, key: PostKey, retry_at: datetime, error: str, *, failed: bool = True
) -> bool:
    """Put a claimed post back, to be tried at `retry_at`; return whether it will be.

    A failure (`failed`) counts towards `MAX_ATTEMPTS`; a rate limit or a full channel
    bucket does not (the grace window still bounds how late it may go out).
    """
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET attempts = attempts + ?, last_error = ?, retry_at = ?,"
            " status = CASE WHEN attempts + ? >= ? THEN 'dropped' ELSE 'pending' END"
            " WHERE guild_id = ? AND ref = ? AND lead = ? AND sent_at IS NULL"
            " AND status IN ('pending', 'sending')",
            (int(failed), error, stamp(retry_at), int(failed), MAX_ATTEMPTS, *key),
        )
    post = await get_post(store, key)
    retry = post is not None and post.status == "pending"
    if not retry:
        _log_drop(key, f"gave up after {MAX_ATTEMPTS} attempts: {error}")
    return retry


async def mark_failed(store: Store, key: PostKey, error: str, retry_at: datetime) -> bool:
    """Count a failed delivery; return whether the post will be tried again at `retry_at`."""
    return await reschedule(store, key, retry_at, error)


async def drop_post(store: Store, key: PostKey, reason: str) -> None:
    """Give up on an unsent post (its event is gone, no quote is left) and log why."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET status = 'dropped', last_error = ?"
            " WHERE guild_id = ? AND ref = ? AND lead = ? AND sent_at IS NULL",
            (reason, *key),
        )
    _log_drop(key, reason)


async def recover_sending(store: Store, shards: Shards = ALL_SHARDS) -> int:
    """Put back posts left 'sending' by a process that died mid-delivery; return how many.

    The cut-short attempt counts: a post tried before is looked for in its channel before it
    goes out again (Discord drops a repeated nonce for a few minutes only).
    """
    where, params = shards.sql()
    async with store.transaction() as db:
        cur = await db.execute(
            "UPDATE outbox SET status = 'pending', attempts = attempts + 1,"  # noqa: S608
            f" last_error = 'interrupted: may have arrived' WHERE status = 'sending' AND {where}",
            params,
        )
        count = cur.rowcount
        await cur.close()
    return count


async def unsent_posts(store: Store) -> list[Post]:
    """Return the posts still to deliver (pending or being sent, not paused), in due order."""
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM outbox WHERE status IN ('pending', 'sending')"  # noqa: S608
        " AND sent_at IS NULL ORDER BY due_utc, id"
    )
    return [_post(row) for row in rows]


async def get_post(store: Store, key: PostKey) -> Post | None:
    """Return one post by key."""
    row = await store.fetchone(
        f"SELECT {_COLUMNS} FROM outbox WHERE guild_id = ? AND ref = ? AND lead = ?",  # noqa: S608
        key,
    )
    return _post(row) if row else None


async def posts(store: Store, guild_id: int | None = None) -> list[Post]:
    """Return every post (of one server, if given), in due order."""
    where, params = ("WHERE guild_id = ?", (guild_id,)) if guild_id is not None else ("", ())
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM outbox {where} ORDER BY due_utc, id",  # noqa: S608
        params,
    )
    return [_post(row) for row in rows]


async def next_due(store: Store, shards: Shards = ALL_SHARDS) -> datetime | None:
    """Return when the earliest pending post of `shards` is due (or may be retried).

    Two index walks (due time, retry time) that stop at the first row of the shards.
    """
    where, params = shards.sql()
    first_sql = (
        "SELECT due_utc FROM outbox INDEXED BY outbox_status_due WHERE status = 'pending'"  # noqa: S608
        f" AND retry_at IS NULL AND {where} ORDER BY due_utc LIMIT 1"
    )
    retry_sql = (
        "SELECT max(due_utc, retry_at) FROM outbox INDEXED BY outbox_retry"  # noqa: S608
        f" WHERE retry_at IS NOT NULL AND status = 'pending' AND {where} ORDER BY retry_at LIMIT 1"
    )
    first = await store.fetchone(first_sql, params)
    retry = await store.fetchone(retry_sql, params)
    times = [unstamp(row[0]) for row in (first, retry) if row and row[0]]
    return min(times, default=None)


async def prune_done(
    store: Store, before: datetime, shards: Shards = ALL_SHARDS, *, chunk: int = PRUNE_CHUNK
) -> int:
    """Delete the sent, late and dropped posts of `shards` due before `before`; return how many.

    A chunk of rows per transaction, so commands and deliveries run in between. Pending,
    paused and half-sent posts are never touched, however old.
    """
    where, params = shards.sql()
    sql = (
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"  # noqa: S608 - only ? marks
        f" WHERE status IN ({', '.join('?' * len(DONE_STATUSES))}) AND due_utc < ?"
        f" AND {where} LIMIT ?)"
    )
    total = 0
    while True:
        async with store.transaction() as db:
            cur = await db.execute(sql, (*DONE_STATUSES, stamp(before), *params, chunk))
            deleted = cur.rowcount
            await cur.close()
        total += deleted
        if deleted < chunk:
            return total
        await asyncio.sleep(0)  # let commands and deliveries in between chunks


# --- quote of the day ---------------------------------------------------------------------


async def record_qotd(store: Store, guild_id: int, quote_id: int, day: date) -> None:
    """Remember that a quote was a server's quote of the day."""
    async with store.transaction() as db:
        await _ensure_guilds(db, (guild_id,))
        await db.execute(
            "INSERT OR REPLACE INTO qotd_history (guild_id, posted_on, quote_id) VALUES (?, ?, ?)",
            (guild_id, day.isoformat(), quote_id),
        )


async def qotd_history(store: Store, guild_id: int) -> list[tuple[int, date]]:
    """Return a server's past quotes of the day as (quote id, day)."""
    rows = await store.fetchall(
        "SELECT quote_id, posted_on FROM qotd_history WHERE guild_id = ? ORDER BY posted_on",
        (guild_id,),
    )
    return [(int(r["quote_id"]), date.fromisoformat(r["posted_on"])) for r in rows]


async def posted_qotd_on(store: Store, guild_id: int, day: date) -> bool:
    """Return whether a server already had its quote of the day on `day`."""
    row = await store.fetchone(
        "SELECT 1 FROM qotd_history WHERE guild_id = ? AND posted_on = ?",
        (guild_id, day.isoformat()),
    )
    return row is not None


async def choose_daily_quote(
    store: Store, guild_id: int, day: date, *, window: timedelta = QUOTE_REPEAT_WINDOW
) -> int | None:
    """Return the id of a server's quote of the day, chosen in SQL at a constant cost.

    A quote the server never had comes first: the first one at or after a point in the id
    range that a hash of the day and the server picks (so the choice is stable for a day
    and varies between days), found by an index walk that skips only the server's own
    history. When every quote was posted, the least recently posted one outside `window`;
    none when all were posted within it.
    """
    row = await store.fetchone("SELECT max(id) FROM quotes")
    if row is None or row[0] is None:
        return None
    digest = hashlib.sha256(f"{day.isoformat()}:{guild_id}".encode()).hexdigest()
    start = int(digest[:12], 16) % int(row[0]) + 1
    for condition in ("q.id >= ?", "q.id < ?"):
        found = await store.fetchone(
            f"SELECT q.id FROM quotes q WHERE {condition} AND NOT EXISTS"  # noqa: S608
            " (SELECT 1 FROM qotd_history h WHERE h.guild_id = ? AND h.quote_id = q.id)"
            " ORDER BY q.id LIMIT 1",
            (start, guild_id),
        )
        if found is not None:
            return int(found[0])
    oldest = await store.fetchone(
        "SELECT h.quote_id, max(h.posted_on) AS last FROM qotd_history h"
        " JOIN quotes q ON q.id = h.quote_id WHERE h.guild_id = ?"
        " GROUP BY h.quote_id HAVING last <= ? ORDER BY last, h.quote_id LIMIT 1",
        (guild_id, (day - window).isoformat()),
    )
    return int(oldest[0]) if oldest is not None else None
