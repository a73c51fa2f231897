"""The SQLite article store: schema migrations, the write path and counts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import aiosqlite

from bot.articles import Article
from bot.facts import ArticleFacts, Entity
from bot.migrations import MIGRATIONS
from bot.text import fold

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5_000


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

    def __init__(self, db: aiosqlite.Connection, path: Path) -> None:
        self.db = db
        self.path = path
        self._write_lock = asyncio.Lock()

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
        store = cls(db, path)
        try:
            await store._configure()
            if migrate:
                await store.migrate()
            yield store
        finally:
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
                raise StoreError(f"migration to version {number} failed: {exc}") from exc
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
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            await self.db.execute("COMMIT")

    async def fetchall(self, sql: str, params: Iterable[object] = ()) -> list[aiosqlite.Row]:
        """Run a query and return every row."""
        async with self.db.execute(sql, tuple(params)) as cur:
            return list(await cur.fetchall())

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

    async def stored_hash(self, path: str) -> str | None:
        """Return the content fingerprint stored for an article path, if any."""
        row = await self.fetchone("SELECT content_hash FROM articles WHERE path = ?", (path,))
        return row["content_hash"] if row else None

    async def article(self, article_id: int) -> StoredArticle | None:
        """Return one article by id."""
        row = await self.fetchone(
            "SELECT id, source, title, published, body, url FROM articles WHERE id = ?",
            (article_id,),
        )
        return _stored_article(row) if row else None

    async def put_article(
        self,
        article: Article,
        facts: ArticleFacts,
        *,
        path: str,
        fingerprint: str,
        now: datetime,
    ) -> int:
        """Insert or replace an article with its paragraphs and facts, atomically.

        A replaced article keeps its id, so citations of it stay valid.
        """
        async with self.transaction() as db:
            async with db.execute("SELECT id FROM articles WHERE path = ?", (path,)) as cur:
                old = await cur.fetchone()
            await db.execute("DELETE FROM articles WHERE path = ?", (path,))
            cur = await db.execute(
                "INSERT INTO articles (id, path, source, content_hash, published, title, body, url,"
                " ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    old[0] if old else None,
                    path,
                    article.source,
                    fingerprint,
                    article.published.isoformat() if article.published else None,
                    article.title,
                    article.body,
                    article.url,
                    now.isoformat(),
                ),
            )
            article_id = int(cur.lastrowid or 0)
            await db.executemany(
                "INSERT INTO paragraphs (article_id, idx, text) VALUES (?, ?, ?)",
                [(article_id, i, text) for i, text in enumerate(article.paragraphs)],
            )
            writer = _FactWriter(db, article_id)
            await writer.write(facts)
        return article_id


class _FactWriter:
    """Write one article's entities and facts inside an open transaction."""

    def __init__(self, db: aiosqlite.Connection, article_id: int) -> None:
        self.db = db
        self.article_id = article_id
        self._ids: dict[tuple[str, str], int] = {}

    async def write(self, facts: ArticleFacts) -> None:
        """Write entities, mentions, quotes, lineups and results."""
        for entity in facts.entities:
            await self.entity(entity)
        for quote in facts.quotes:
            speaker_id = await self.entity_id("person", quote.speaker)
            await self.db.execute(
                "INSERT INTO quotes (article_id, paragraph, speaker_id, speaker, text)"
                " VALUES (?, ?, ?, ?, ?)",
                (self.article_id, quote.paragraph, speaker_id, quote.speaker, quote.text),
            )
        for lineup in facts.lineups:
            cur = await self.db.execute(
                "INSERT INTO lineups (article_id, paragraph, car, team, team_id, car_model,"
                " season, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.article_id,
                    lineup.paragraph,
                    lineup.car,
                    lineup.team,
                    await self.entity_id("team", lineup.team),
                    lineup.car_model,
                    lineup.season,
                    lineup.event,
                ),
            )
            await self.drivers("lineup_drivers", "lineup_id", cur.lastrowid, lineup.drivers)
        for result in facts.results:
            cur = await self.db.execute(
                "INSERT INTO results (article_id, paragraph, kind, position, car, team, team_id,"
                " event, event_id, season, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.article_id,
                    result.paragraph,
                    result.kind,
                    result.position,
                    result.car,
                    result.team,
                    await self.entity_id("team", result.team),
                    result.event,
                    await self.entity_id("event", result.event),
                    result.season,
                    result.detail,
                ),
            )
            await self.drivers("result_drivers", "result_id", cur.lastrowid, result.drivers)

    async def drivers(
        self, table: str, key: str, fact_id: int | None, drivers: Iterable[str]
    ) -> None:
        """Write the ordered drivers of one lineup or result."""
        rows = [
            (fact_id, order, name, await self.entity_id("person", name))
            for order, name in enumerate(drivers)
        ]
        await self.db.executemany(
            f"INSERT INTO {table} ({key}, ord, driver, driver_id) VALUES (?, ?, ?, ?)",  # noqa: S608
            rows,
        )

    async def entity(self, entity: Entity) -> int:
        """Upsert an entity and its aliases, record the mention, and return its id."""
        norm = fold(entity.name)
        cached = self._ids.get((entity.kind, norm))
        if cached is not None:
            entity_id = cached
        else:
            await self.db.execute(
                "INSERT OR IGNORE INTO entities (kind, name, norm) VALUES (?, ?, ?)",
                (entity.kind, entity.name, norm),
            )
            async with self.db.execute(
                "SELECT id FROM entities WHERE kind = ? AND norm = ?", (entity.kind, norm)
            ) as cur:
                row = await cur.fetchone()
            entity_id = int(row[0]) if row else 0
            self._ids[(entity.kind, norm)] = entity_id
            await self.db.execute(
                "INSERT OR IGNORE INTO mentions (article_id, entity_id) VALUES (?, ?)",
                (self.article_id, entity_id),
            )
        await self.db.executemany(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, norm) VALUES (?, ?, ?)",
            [(entity_id, alias, fold(alias)) for alias in (entity.name, *entity.aliases)],
        )
        return entity_id

    async def entity_id(self, kind: str, name: str | None) -> int | None:
        """Return the id of a named entity, creating it when extraction did not list it."""
        if not name:
            return None
        cached = self._ids.get((kind, fold(name)))
        if cached is not None:
            return cached
        return await self.entity(Entity(kind=kind, name=name))  # type: ignore[arg-type]


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
