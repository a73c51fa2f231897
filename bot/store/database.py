"""The SQLite article store: schema migrations, the write path and counts."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

import aiosqlite

from bot.store.migrations import MIGRATIONS
from bot.store.writer import Writer

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000
T = TypeVar("T")
EXTERNAL_CHECK_S = 2.0
"""How often `data_stamp` asks SQLite whether another process wrote (seconds)."""
PATHS_PER_QUERY = 500
"""Article paths looked up per statement (one SQL variable each)."""


class StoreError(RuntimeError):
    """The database cannot be used: the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class StoreStats:
    """How much the store holds."""

    articles: int
    quotes: int
    lineups: int
    results: int
    entities: int

    @property
    def facts(self) -> int:
        """Return the number of facts: quotes, lineups and results."""
        return self.quotes + self.lineups + self.results


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article row as the queries see it."""

    id: int
    source: str
    title: str
    published: date | None
    body: str
    url: str | None


class Store:
    """An open Paddock database (aiosqlite, WAL, foreign keys on)."""

    def __init__(self, db: aiosqlite.Connection, path: Path, writer: Writer) -> None:
        self.db = db
        self.path = path
        self._writer = writer  # bulk writes: one sqlite3 connection on a thread of its own
        self._write_lock = asyncio.Lock()
        self._writes = 0  # commits through this store
        self._external = 0  # PRAGMA data_version: moves when another connection commits
        self._checked_at = -EXTERNAL_CHECK_S
        self.caches: dict[str, object] = {}  # derived data that queries keep per open store

    @classmethod
    @asynccontextmanager
    async def open(cls, path: Path, *, migrate: bool = True) -> AsyncIterator[Store]:
        """Open (creating if needed) and migrate the database at `path`, closing it after."""
        try:
            await _mkdir(path.parent)
            db = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, aiosqlite.Error) as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        db.row_factory = aiosqlite.Row
        try:
            writer = await asyncio.to_thread(Writer.connect, path, BUSY_TIMEOUT_MS)
        except sqlite3.Error as exc:
            await db.close()
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        store = cls(db, path, writer)
        try:
            await store._configure()
            if migrate:
                await store.migrate()
            yield store
        finally:
            await writer.close()
            await db.close()

    async def _configure(self) -> None:
        """Set the connection pragmas."""
        await self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self.db.execute("PRAGMA foreign_keys = ON")
        try:
            await self.db.execute("PRAGMA journal_mode = WAL")
            await self.db.execute("PRAGMA synchronous = NORMAL")
        except aiosqlite.OperationalError as exc:
            log.warning("Database %s: WAL mode unavailable (%s)", self.path, exc)

    async def version(self) -> int:
        """Return the schema version (PRAGMA user_version)."""
        async with self.db.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def check_writable(self) -> None:
        """Raise a clear `StoreError` now if the database cannot be written (read-only, full)."""
        try:
            version = await self.version()
            async with self.transaction() as db:
                await db.execute(f"PRAGMA user_version = {int(version)}")
        except sqlite3.Error as exc:
            if self.db.in_transaction:
                await self.db.execute("ROLLBACK")
            raise StoreError(
                f"database {self.path} cannot be written ({exc}): Paddock saves server settings "
                "and posts there, so check the file's permissions and the free disk space"
            ) from exc

    async def migrate(self) -> int:
        """Apply every migration newer than the database; return the new version."""
        current = await self.version()
        latest = len(MIGRATIONS)
        if current > latest:
            raise StoreError(
                f"database {self.path} has schema version {current}, newer than this "
                f"Paddock knows ({latest}): upgrade Paddock or use another database"
            )
        for number in range(current + 1, latest + 1):
            script = MIGRATIONS[number - 1]
            try:
                await self.db.executescript(
                    f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            except aiosqlite.Error as exc:
                if self.db.in_transaction:
                    await self.db.execute("ROLLBACK")
                raise StoreError(
                    f"database {self.path}: migration to version {number} failed: {exc}"
                ) from exc
            log.info("Database %s migrated to schema version %d", self.path, number)
        return latest

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Run a block in one write transaction: all of it commits, or none of it.

        Writers on this connection take turns, so two coroutines never interleave transactions.
        """
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
                await self.db.execute("COMMIT")
                self._writes += 1
            except BaseException:
                if self.db.in_transaction:
                    await self.db.execute("ROLLBACK")
                raise

    async def fetchall(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        """Run a query and return every row (one trip to the database thread)."""
        return list(await self.db.execute_fetchall(sql, tuple(params)))

    async def fetchone(self, sql: str, params: Iterable[object] = ()) -> aiosqlite.Row | None:
        """Run a query and return its first row, or None."""
        async with self.db.execute(sql, tuple(params)) as cur:
            return await cur.fetchone()

    async def stats(self) -> StoreStats:
        """Count articles, facts and entities."""
        row = await self.fetchone(
            "SELECT (SELECT count(*) FROM articles), (SELECT count(*) FROM quotes),"
            " (SELECT count(*) FROM lineups), (SELECT count(*) FROM results),"
            " (SELECT count(*) FROM entities)"
        )
        assert row is not None  # noqa: S101 - an aggregate always returns one row
        return StoreStats(*(int(v) for v in row))

    async def stored_hashes(self, paths: list[str]) -> dict[str, str]:
        """Return the content fingerprints stored for many article paths (absent: unknown)."""
        found: dict[str, str] = {}
        for at in range(0, len(paths), PATHS_PER_QUERY):
            batch = paths[at : at + PATHS_PER_QUERY]
            marks = ", ".join("?" for _ in batch)
            rows = await self.fetchall(
                f"SELECT path, content_hash FROM articles WHERE path IN ({marks})",  # noqa: S608
                batch,
            )
            found.update((row["path"], row["content_hash"]) for row in rows)
        return found

    async def article(self, article_id: int) -> StoredArticle | None:
        """Return one article by id."""
        row = await self.fetchone(
            "SELECT id, source, title, published, body, url FROM articles WHERE id = ?",
            (article_id,),
        )
        return _stored_article(row) if row else None

    async def write(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work(connection)` in one write transaction on the writer thread.

        It takes turns with `transaction()`, so writers never wait on each other's locks.
        """
        async with self._write_lock:
            result = await self._writer.run(work)
            self._writes += 1
            return result

    async def data_stamp(self) -> tuple[int, int]:
        """Return a stamp that changes after every committed write, here or in another process.

        Writes through this store count at once; another process's commits show through
        PRAGMA data_version, asked at most every `EXTERNAL_CHECK_S` (so a cache can check the
        stamp on every keystroke without a trip to the database thread).
        """
        now = time.monotonic()
        if now - self._checked_at >= EXTERNAL_CHECK_S:
            self._checked_at = now
            row = await self.fetchone("PRAGMA data_version")
            self._external = int(row[0]) if row else 0
        return self._writes, self._external


def _stored_article(row: aiosqlite.Row) -> StoredArticle:
    """Build a `StoredArticle` from a row."""
    published = date.fromisoformat(row["published"]) if row["published"] else None
    return StoredArticle(
        id=row["id"],
        source=row["source"],
        title=row["title"],
        published=published,
        body=row["body"],
        url=row["url"],
    )


async def _mkdir(folder: Path) -> None:
    """Create a folder (and parents) off the event loop."""
    await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
