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
            except BaseException:
                if self.db.in_transaction:
                    await self.db.execute("ROLLBACK")
                raise

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
            await _FactWriter(db, article_id).write(facts)
        return article_id


class _FactWriter:
    """Write one article's entities and facts inside an open transaction.

    Rows are gathered first and written with one statement per table, in the order a row at
    a time would have written them (so entity ids and first alias spellings are the same).
    """

    def __init__(self, db: aiosqlite.Connection, article_id: int) -> None:
        self.db = db
        self.article_id = article_id
        self._entities: dict[tuple[str, str], str] = {}
        self._aliases: list[tuple[str, str, str, str]] = []

    async def write(self, facts: ArticleFacts) -> None:
        """Write entities, mentions, quotes, lineups and results."""
        for entity in facts.entities:
            self.entity(entity)
        speakers = [self.entity_key("person", quote.speaker) for quote in facts.quotes]
        lineup_keys = [
            (
                self.entity_key("team", lineup.team),
                [self.entity_key("person", name) for name in lineup.drivers],
            )
            for lineup in facts.lineups
        ]
        result_keys = [
            (
                self.entity_key("team", result.team),
                self.entity_key("event", result.event),
                [self.entity_key("person", name) for name in result.drivers],
            )
            for result in facts.results
        ]
        ids = await self._write_entities()

        def id_of(key: tuple[str, str] | None) -> int | None:
            return None if key is None else ids.get(key, 0)

        await self.db.executemany(
            "INSERT INTO quotes (article_id, paragraph, speaker_id, speaker, text)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (self.article_id, quote.paragraph, id_of(key), quote.speaker, quote.text)
                for quote, key in zip(facts.quotes, speakers, strict=True)
            ],
        )
        async with self.db.execute(
            "SELECT (SELECT max(id) FROM lineups), (SELECT max(id) FROM results)"
        ) as cur:
            row = await cur.fetchone()
        next_lineup = int(row[0] or 0) + 1 if row else 1
        next_result = int(row[1] or 0) + 1 if row else 1
        lineups, lineup_drivers = [], []
        for offset, (lineup, (team, drivers)) in enumerate(
            zip(facts.lineups, lineup_keys, strict=True)
        ):
            lineup_id = next_lineup + offset
            lineups.append(
                (
                    lineup_id,
                    self.article_id,
                    lineup.paragraph,
                    lineup.car,
                    lineup.team,
                    id_of(team),
                    lineup.car_model,
                    lineup.season,
                    lineup.event,
                )
            )
            lineup_drivers += [
                (lineup_id, order, name, id_of(key))
                for order, (name, key) in enumerate(zip(lineup.drivers, drivers, strict=True))
            ]
        results, result_drivers = [], []
        for offset, (result, (team, event, drivers)) in enumerate(
            zip(facts.results, result_keys, strict=True)
        ):
            result_id = next_result + offset
            results.append(
                (
                    result_id,
                    self.article_id,
                    result.paragraph,
                    result.kind,
                    result.position,
                    result.car,
                    result.team,
                    id_of(team),
                    result.event,
                    id_of(event),
                    result.season,
                    result.detail,
                )
            )
            result_drivers += [
                (result_id, order, name, id_of(key))
                for order, (name, key) in enumerate(zip(result.drivers, drivers, strict=True))
            ]
        await self.db.executemany(
            "INSERT INTO lineups (id, article_id, paragraph, car, team, team_id, car_model,"
            " season, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            lineups,
        )
        await self.db.executemany(
            "INSERT INTO lineup_drivers (lineup_id, ord, driver, driver_id) VALUES (?, ?, ?, ?)",
            lineup_drivers,
        )
        await self.db.executemany(
            "INSERT INTO results (id, article_id, paragraph, kind, position, car, team, team_id,"
            " event, event_id, season, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            results,
        )
        await self.db.executemany(
            "INSERT INTO result_drivers (result_id, ord, driver, driver_id) VALUES (?, ?, ?, ?)",
            result_drivers,
        )

    def entity(self, entity: Entity) -> tuple[str, str]:
        """Plan an entity with its aliases (and its mention); return its key."""
        key = (entity.kind, fold(entity.name))
        self._entities.setdefault(key, entity.name)
        self._aliases += [(*key, alias, fold(alias)) for alias in (entity.name, *entity.aliases)]
        return key

    def entity_key(self, kind: str, name: str | None) -> tuple[str, str] | None:
        """Return the key of a named entity, planning it when extraction did not list it."""
        if not name:
            return None
        key = (kind, fold(name))
        if key in self._entities:
            return key
        return self.entity(Entity(kind=kind, name=name))  # type: ignore[arg-type]

    async def _write_entities(self) -> dict[tuple[str, str], int]:
        """Upsert the planned entities, their mentions and aliases; return their ids."""
        if not self._entities:
            return {}
        planned = [(kind, name, norm) for (kind, norm), name in self._entities.items()]
        await self.db.executemany(
            "INSERT OR IGNORE INTO entities (kind, name, norm) VALUES (?, ?, ?)", planned
        )
        ids: dict[tuple[str, str], int] = {}
        keys = list(self._entities)
        for at in range(0, len(keys), _ENTITY_BATCH):
            batch = keys[at : at + _ENTITY_BATCH]
            values = ", ".join("(?, ?)" for _ in batch)
            async with self.db.execute(
                f"SELECT id, kind, norm FROM entities WHERE (kind, norm) IN (VALUES {values})",  # noqa: S608
                [part for key in batch for part in key],
            ) as cur:
                for row in await cur.fetchall():
                    ids[(row[1], row[2])] = int(row[0])
        await self.db.executemany(
            "INSERT OR IGNORE INTO mentions (article_id, entity_id) VALUES (?, ?)",
            [(self.article_id, ids.get(key, 0)) for key in keys],
        )
        await self.db.executemany(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, norm) VALUES (?, ?, ?)",
            [
                (ids.get((kind, norm), 0), alias, alias_norm)
                for kind, norm, alias, alias_norm in self._aliases
            ],
        )
        return ids


_ENTITY_BATCH = 400
"""Entities looked up per statement (two SQL variables each)."""


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
