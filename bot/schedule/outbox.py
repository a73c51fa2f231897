"""The persisted outbox of planned posts, and each server's post settings (schema version 2).

A post row moves pending -> sent (or late, when it went out after its due time but within the
grace window) -> never again; pending -> dropped when it was missed by more than the grace
window; pending <-> paused while the server's channel is gone or access is lost.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal

import aiosqlite

from bot.schedule.planning import (
    DEFAULT_LEADS,
    DEFAULT_SESSION_KINDS,
    GuildSettings,
    PlannedPost,
    PostKey,
    PostKind,
)
from bot.store import Store

log = logging.getLogger(__name__)

PostStatus = Literal["pending", "sent", "late", "dropped", "paused"]
OUTBOX_GRACE = timedelta(minutes=30)
LATE_AFTER = timedelta(minutes=1)
MAX_ATTEMPTS = 5
OPEN_STATUSES = ("pending", "paused")
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


_COLUMNS = "id, guild_id, ref, lead, kind, due_utc, payload, status, attempts, sent_at, message_id"


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
    )


# --- settings -----------------------------------------------------------------------------


async def get_settings(store: Store, guild_id: int) -> GuildSettings:
    """Return a server's settings (the defaults when it has none saved)."""
    row = await store.fetchone("SELECT * FROM guild_settings WHERE guild_id = ?", (guild_id,))
    return _settings(row) if row else GuildSettings(guild_id)


async def all_settings(store: Store) -> list[GuildSettings]:
    """Return the saved settings of every server."""
    rows = await store.fetchall("SELECT * FROM guild_settings ORDER BY guild_id")
    return [_settings(row) for row in rows]


async def save_settings(store: Store, settings: GuildSettings, now: datetime) -> None:
    """Insert or replace a server's settings."""
    async with store.transaction() as db:
        await db.execute(
            "INSERT INTO guild_settings (guild_id, channel_id, ping_role_id, timezone, leads,"
            " qotd_time, events_enabled, session_kinds, paused, pause_reason, news_channel_id,"
            " series, server_events, spoilers, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id,"
            " ping_role_id = excluded.ping_role_id, timezone = excluded.timezone,"
            " leads = excluded.leads, qotd_time = excluded.qotd_time,"
            " events_enabled = excluded.events_enabled, session_kinds = excluded.session_kinds,"
            " paused = excluded.paused, pause_reason = excluded.pause_reason,"
            " news_channel_id = excluded.news_channel_id, series = excluded.series,"
            " server_events = excluded.server_events, spoilers = excluded.spoilers,"
            " updated_at = excluded.updated_at",
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
            "UPDATE outbox SET status = 'paused' WHERE guild_id = ? AND status = 'pending'",
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
    """Make the outbox match the plan for the planned servers (and `guild_ids`).

    New posts are inserted; unsent posts whose time changed are moved; unsent posts no longer
    planned (session cancelled) are removed. Sent posts are never touched. A new post already
    more than `grace` overdue is not inserted.
    """
    guilds = {p.key.guild_id for p in planned} | set(guild_ids)
    report = SyncReport()
    if not guilds:
        return report
    async with store.transaction() as db:
        await _ensure_guilds(db, guilds)
        existing = await _rows_of(db, guilds)
        paused = await _paused_guilds(db, guilds)
        for post in planned:
            await _sync_one(db, post, existing.get(post.key), now, grace, paused, report)
        wanted = {p.key for p in planned}
        for key, row in existing.items():
            if key in wanted or row.status not in OPEN_STATUSES or row.due < now - grace:
                continue
            await db.execute("DELETE FROM outbox WHERE id = ?", (row.id,))
            report.removed.append(key)
    if report.added or report.moved or report.removed:
        log.info(
            "Outbox synced: %d added, %d moved, %d removed",
            len(report.added),
            len(report.moved),
            len(report.removed),
        )
    return report


async def _sync_one(
    db: aiosqlite.Connection,
    post: PlannedPost,
    row: Post | None,
    now: datetime,
    grace: timedelta,
    paused: set[int],
    report: SyncReport,
) -> None:
    payload = json.dumps(post.payload(), sort_keys=True)
    if row is None:
        if post.due < now - grace:
            report.skipped_past.append(post.key)
            return
        status = "paused" if post.key.guild_id in paused else "pending"
        await db.execute(
            "INSERT INTO outbox (guild_id, ref, lead, kind, due_utc, payload, status)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (*post.key, post.kind, stamp(post.due), payload, status),
        )
        report.added.append(post.key)
        return
    if row.sent or (row.due == post.due and json.dumps(row.payload, sort_keys=True) == payload):
        return
    revived = row.status == "dropped" and post.due >= now
    if row.status not in OPEN_STATUSES and not revived:
        return
    status = "paused" if post.key.guild_id in paused else "pending"
    await db.execute(
        "UPDATE outbox SET due_utc = ?, payload = ?, status = ?, attempts = 0, last_error = NULL"
        " WHERE id = ?",
        (stamp(post.due), payload, status, row.id),
    )
    report.moved.append(post.key)


async def _ensure_guilds(db: aiosqlite.Connection, guilds: Iterable[int]) -> None:
    await db.executemany(
        "INSERT OR IGNORE INTO guild_settings (guild_id) VALUES (?)", [(g,) for g in guilds]
    )


async def _rows_of(db: aiosqlite.Connection, guilds: Iterable[int]) -> dict[PostKey, Post]:
    ids = sorted(guilds)
    marks = ", ".join("?" * len(ids))
    sql = (  # news posts are queued, not planned: a re-plan leaves them alone
        f"SELECT {_COLUMNS} FROM outbox WHERE guild_id IN ({marks})"  # noqa: S608 - only ? marks
        " AND kind != 'news'"
    )
    async with db.execute(sql, ids) as cur:
        return {post.key: post for post in map(_post, await cur.fetchall())}


async def _paused_guilds(db: aiosqlite.Connection, guilds: Iterable[int]) -> set[int]:
    ids = sorted(guilds)
    marks = ", ".join("?" * len(ids))
    sql = f"SELECT guild_id FROM guild_settings WHERE paused = 1 AND guild_id IN ({marks})"  # noqa: S608
    async with db.execute(sql, ids) as cur:
        return {row[0] for row in await cur.fetchall()}


# --- delivery -----------------------------------------------------------------------------


async def due_posts(store: Store, now: datetime, grace: timedelta = OUTBOX_GRACE) -> list[Post]:
    """Return the unsent posts due at `now`, oldest first.

    A post missed by more than `grace` is marked dropped (and logged) instead; one missed by
    more than a minute but within `grace` is marked late and returned.
    """
    ready: list[Post] = []
    async with store.transaction() as db:
        async with db.execute(
            f"SELECT {_COLUMNS} FROM outbox WHERE status IN ('pending', 'late')"  # noqa: S608
            " AND sent_at IS NULL AND due_utc <= ? ORDER BY due_utc, id",
            (stamp(now),),
        ) as cur:
            rows = [_post(row) for row in await cur.fetchall()]
        for post in rows:
            overdue = now - post.due
            if overdue > grace:
                await _set_status(db, post.id, "dropped")
                log.warning(
                    "Dropped %s post %s for server %d: missed by %s (grace %s)",
                    post.kind,
                    post.key.ref,
                    post.guild_id,
                    _minutes(overdue),
                    _minutes(grace),
                )
                continue
            if overdue > LATE_AFTER and post.status == "pending":
                await _set_status(db, post.id, "late")
                post = replace(post, status="late")
            ready.append(post)
    return ready


def _minutes(span: timedelta) -> str:
    return f"{int(span.total_seconds() // 60)} min"


async def _set_status(db: aiosqlite.Connection, post_id: int, status: PostStatus) -> None:
    await db.execute("UPDATE outbox SET status = ? WHERE id = ?", (status, post_id))


async def mark_sent(store: Store, key: PostKey, message_id: int | None, now: datetime) -> bool:
    """Record that a post went out; return False when it was already recorded (idempotent)."""
    async with store.transaction() as db:
        cur = await db.execute(
            "UPDATE outbox SET status = CASE status WHEN 'late' THEN 'late' ELSE 'sent' END,"
            " sent_at = ?, message_id = ? WHERE guild_id = ? AND ref = ? AND lead = ?"
            " AND sent_at IS NULL",
            (stamp(now), message_id, *key),
        )
        changed = cur.rowcount > 0
        await cur.close()
    return changed


async def mark_failed(store: Store, key: PostKey, error: str) -> bool:
    """Count a failed delivery; return whether the post may be tried again."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
            " status = CASE WHEN attempts + 1 >= ? THEN 'dropped' ELSE status END"
            " WHERE guild_id = ? AND ref = ? AND lead = ? AND sent_at IS NULL",
            (error, MAX_ATTEMPTS, *key),
        )
    post = await get_post(store, key)
    retry = post is not None and post.status in ("pending", "late")
    if not retry:
        log.warning("Gave up on post %s for server %d: %s", key.ref, key.guild_id, error)
    return retry


async def drop_post(store: Store, key: PostKey, reason: str) -> None:
    """Give up on an unsent post (its event is gone, no quote is left) and log why."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE outbox SET status = 'dropped', last_error = ?"
            " WHERE guild_id = ? AND ref = ? AND lead = ? AND sent_at IS NULL",
            (reason, *key),
        )
    log.warning("Dropped post %s for server %d: %s", key.ref, key.guild_id, reason)


async def unsent_posts(store: Store) -> list[Post]:
    """Return the posts still to deliver (pending or late, not paused), in due order."""
    rows = await store.fetchall(
        f"SELECT {_COLUMNS} FROM outbox WHERE status IN ('pending', 'late')"  # noqa: S608
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


async def next_due(store: Store) -> datetime | None:
    """Return when the earliest unsent, unpaused post is due."""
    row = await store.fetchone(
        "SELECT min(due_utc) FROM outbox WHERE status IN ('pending', 'late') AND sent_at IS NULL"
    )
    return unstamp(row[0]) if row and row[0] else None


# --- quote of the day history -------------------------------------------------------------


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
