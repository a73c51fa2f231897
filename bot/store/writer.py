"""The store's write connection: articles and their facts written in bulk, off the event loop.

Reads go through aiosqlite; big writes go here: one plain `sqlite3` connection used by one
thread of its own, so a whole batch of articles is written in one hop to that thread and one
transaction, with the statements prepared once, instead of a hop per statement.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from bot.facts import Article, ArticleFacts, Entity
from bot.text import fold

T = TypeVar("T")
ENTITY_BATCH = 400
"""Entities looked up per statement (two SQL variables each)."""


class Writer:
    """One sqlite3 connection and the one thread that uses it."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="paddock-writer")

    @classmethod
    def connect(cls, path: Path, busy_timeout_ms: int) -> Writer:
        """Open the write connection (call it off the event loop)."""
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")
        return cls(db)

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """Run `work` in one transaction on the writer thread: all of it commits, or none."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._transaction, work)

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            result = work(self._db)
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        return result

    async def close(self) -> None:
        """Close the connection and stop the thread."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._db.close)
        self._thread.shutdown(wait=True)


def write_article(
    db: sqlite3.Connection,
    article: Article,
    facts: ArticleFacts,
    *,
    path: str,
    fingerprint: str,
    now: datetime,
) -> int:
    """Insert or replace an article with its paragraphs and facts; return its id.

    A replaced article keeps its id, so citations of it stay valid. Call it inside a
    transaction (`Writer.run`).
    """
    old = db.execute("SELECT id FROM articles WHERE path = ?", (path,)).fetchone()
    before = _mentioned(db, int(old[0])) if old else []
    db.execute("DELETE FROM articles WHERE path = ?", (path,))
    cur = db.execute(
        "INSERT INTO articles (id, path, source, content_hash, published, title, body, url,"
        " ingested_at, series) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            article.series,
        ),
    )
    article_id = int(cur.lastrowid or 0)
    db.executemany(
        "INSERT INTO paragraphs (article_id, idx, text) VALUES (?, ?, ?)",
        [(article_id, i, text) for i, text in enumerate(article.paragraphs)],
    )
    _FactWriter(db, article_id).write(facts)
    if before:
        _drop_orphans(db, before)
    return article_id


def evidence_of(fact: object) -> str | None:
    """Return the sentence a fact was read from, when its extraction kept one."""
    evidence = getattr(fact, "evidence", None)
    return evidence if isinstance(evidence, str) and evidence else None


def _mentioned(db: sqlite3.Connection, article_id: int) -> list[int]:
    """Return the entities an article mentions."""
    rows = db.execute("SELECT entity_id FROM mentions WHERE article_id = ?", (article_id,))
    return [int(row[0]) for row in rows]


def _drop_orphans(db: sqlite3.Connection, entity_ids: list[int]) -> None:
    """Delete those of `entity_ids` no article mentions any more (a re-extraction left them)."""
    db.executemany(
        "DELETE FROM entities WHERE id = ?"
        " AND NOT EXISTS (SELECT 1 FROM mentions WHERE entity_id = entities.id)",
        [(entity_id,) for entity_id in entity_ids],
    )


class _FactWriter:
    """Write one article's entities and facts inside an open transaction.

    Rows are gathered first and written with one statement per table, in the order a row at
    a time would have written them (so entity ids and first alias spellings are the same).
    """

    def __init__(self, db: sqlite3.Connection, article_id: int) -> None:
        self.db = db
        self.article_id = article_id
        self._entities: dict[tuple[str, str], str] = {}
        self._aliases: list[tuple[str, str, str, str]] = []

    def write(self, facts: ArticleFacts) -> None:
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
        ids = self._write_entities()

        def id_of(key: tuple[str, str] | None) -> int | None:
            return None if key is None else ids.get(key, 0)

        self.db.executemany(
            "INSERT INTO quotes (article_id, paragraph, speaker_id, speaker, text, evidence)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    self.article_id,
                    quote.paragraph,
                    id_of(key),
                    quote.speaker,
                    quote.text,
                    evidence_of(quote),
                )
                for quote, key in zip(facts.quotes, speakers, strict=True)
            ],
        )
        row = self.db.execute(
            "SELECT (SELECT max(id) FROM lineups), (SELECT max(id) FROM results)"
        ).fetchone()
        next_lineup = int(row[0] or 0) + 1
        next_result = int(row[1] or 0) + 1
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
                    evidence_of(lineup),
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
                    result.session,
                    result.race_class,
                    evidence_of(result),
                )
            )
            result_drivers += [
                (result_id, order, name, id_of(key))
                for order, (name, key) in enumerate(zip(result.drivers, drivers, strict=True))
            ]
        self.db.executemany(
            "INSERT INTO lineups (id, article_id, paragraph, car, team, team_id, car_model,"
            " season, event, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            lineups,
        )
        self.db.executemany(
            "INSERT INTO lineup_drivers (lineup_id, ord, driver, driver_id) VALUES (?, ?, ?, ?)",
            lineup_drivers,
        )
        self.db.executemany(
            "INSERT INTO results (id, article_id, paragraph, kind, position, car, team, team_id,"
            " event, event_id, season, detail, session, class, evidence)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            results,
        )
        self.db.executemany(
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

    def _write_entities(self) -> dict[tuple[str, str], int]:
        """Upsert the planned entities, their mentions and aliases; return their ids."""
        if not self._entities:
            return {}
        planned = [(kind, name, norm) for (kind, norm), name in self._entities.items()]
        self.db.executemany(
            "INSERT OR IGNORE INTO entities (kind, name, norm) VALUES (?, ?, ?)", planned
        )
        ids: dict[tuple[str, str], int] = {}
        keys = list(self._entities)
        for at in range(0, len(keys), ENTITY_BATCH):
            batch = keys[at : at + ENTITY_BATCH]
            values = ", ".join("(?, ?)" for _ in batch)
            rows = self.db.execute(
                f"SELECT id, kind, norm FROM entities WHERE (kind, norm) IN (VALUES {values})",  # noqa: S608
                [part for key in batch for part in key],
            ).fetchall()
            for row in rows:
                ids[(row[1], row[2])] = int(row[0])
        self.db.executemany(
            "INSERT OR IGNORE INTO mentions (article_id, entity_id) VALUES (?, ?)",
            [(self.article_id, ids.get(key, 0)) for key in keys],
        )
        self.db.executemany(
            "INSERT OR IGNORE INTO entity_aliases (entity_id, alias, norm) VALUES (?, ?, ?)",
            [
                (ids.get((kind, norm), 0), alias, alias_norm)
                for kind, norm, alias, alias_norm in self._aliases
            ],
        )
        return ids
