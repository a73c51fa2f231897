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
from functools import partial
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


MAX_ROWID = 2**63 - 1
"""The largest id SQLite stores."""


class StoreError(RuntimeError):
    """The database cannot be used: the message says why and what to do."""


def describe_db_error(path: Path, exc: sqlite3.Error) -> str:
    """Return one line saying what is wrong with the database and what to do about it."""
    text = " ".join(str(exc).split())
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return (
            f"database {path} is locked by another process ({text}): "
            "wait for the other Paddock (an ingest or the bot) to finish writing, then try again"
        )
    if "malformed" in lowered or "not a database" in lowered or "corrupt" in lowered:
        return (
            f"database {path} is damaged ({text}): restore it from a backup, "
            "or move it away and run `paddock ingest` again to rebuild it"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return (
            f"database {path} cannot be written ({text}): "
            "check the file's and its folder's permissions"
        )
    return f"database {path}: {text}"


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
        if "\x00" in str(path):
            raise StoreError(f"cannot open database {str(path)!r}: the path contains a NUL byte")
        try:
            await _mkdir(path.parent)
            db = await aiosqlite.connect(path, isolation_level=None)
        except OSError as exc:
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        except aiosqlite.Error as exc:
            raise StoreError(describe_db_error(path, exc)) from exc
        db.row_factory = aiosqlite.Row
        try:
            writer = await asyncio.to_thread(Writer.connect, path, BUSY_TIMEOUT_MS)
        except sqlite3.Error as exc:
            await db.close()
            raise StoreError(describe_db_error(path, exc)) from exc
        store = cls(db, path, writer)
        try:
            try:
                await store._configure()
                if migrate:
                    await store.migrate()
            except sqlite3.Error as exc:
                raise StoreError(describe_db_error(path, exc)) from exc
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
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(describe_db_error(self.path, exc)) from exc
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
            try:
                applied = await self._writer.run(partial(_migrate_to, number=number))
            except sqlite3.Error as exc:
                raise StoreError(
                    f"database {self.path}: migration to version {number} failed: {exc}"
                ) from exc
            if applied:
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
        """Return one article by id (None for an id SQLite cannot hold, too)."""
        if not 0 < article_id <= MAX_ROWID:
            return None
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


def _migrate_to(db: sqlite3.Connection, number: int) -> bool:
    """Apply migration `number` inside the open write transaction, unless another did.

    The version is read again under the write lock (BEGIN IMMEDIATE), so two processes
    opening an old database at once migrate it once.
    """
    row = db.execute("PRAGMA user_version").fetchone()
    if int(row[0]) >= number:
        return False
    for statement in split_statements(MIGRATIONS[number - 1]):
        db.execute(statement)
    db.execute(f"PRAGMA user_version = {int(number)}")
    return True


def split_statements(script: str) -> list[str]:
    """Split an SQL script into complete statements (trigger bodies kept whole)."""
    statements: list[str] = []
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip().strip(";").strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip().strip(";").strip():
        statements.append(buffer.strip().removesuffix(";"))
    return statements


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
