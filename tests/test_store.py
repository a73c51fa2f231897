"""The store on a real SQLite file: migrations from empty and from the previous version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.store import Store, StoreError
from bot.store.migrations import MIGRATIONS

TABLES = {"articles", "paragraphs", "articles_fts", "entities", "entity_aliases", "quotes"}


async def test_migrates_an_empty_file_to_the_latest_version(tmp_path: Path):
    path = tmp_path / "new.db"
    async with Store.open(path) as store:
        assert await store.version() == len(MIGRATIONS)
        names = {r["name"] for r in await store.fetchall("SELECT name FROM sqlite_master")}
        assert TABLES | {"lineups", "results", "lineup_drivers", "result_drivers"} <= names
        mode = await store.fetchone("PRAGMA journal_mode")
        assert mode[0] == "wal"
        fk = await store.fetchone("PRAGMA foreign_keys")
        assert fk[0] == 1


async def test_migrates_from_the_previous_version_keeping_data(tmp_path: Path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        for number, script in enumerate(MIGRATIONS[:-1], start=1):
            db.executescript(script)
            db.execute(f"PRAGMA user_version = {number}")
        if len(MIGRATIONS) > 1:
            db.execute(
                "INSERT INTO articles (path, source, content_hash, title, body, ingested_at)"
                " VALUES ('/a.txt', 'a.txt', 'h', 'Kept', 'Body', '2024-01-01T00:00:00+00:00')"
            )
    async with Store.open(path) as store:
        assert await store.version() == len(MIGRATIONS)
        if len(MIGRATIONS) > 1:
            row = await store.fetchone("SELECT title FROM articles")
            assert row["title"] == "Kept"


async def test_posts_planned_before_version_4_survive_its_outbox_rebuild(tmp_path: Path):
    path = tmp_path / "v3.db"
    with sqlite3.connect(path) as db:
        for number, script in enumerate(MIGRATIONS[:3], start=1):
            db.executescript(script)
            db.execute(f"PRAGMA user_version = {number}")
        db.execute("INSERT INTO guild_settings (guild_id, channel_id) VALUES (1, 10)")
        db.execute(
            "INSERT INTO outbox (guild_id, ref, lead, kind, due_utc, payload, status)"
            " VALUES (1, 'qotd:2024-01-02', 0, 'qotd', '2024-01-02T09:00:00+00:00', '{}', 'sent')"
        )
    async with Store.open(path) as store:
        row = await store.fetchone("SELECT guild_id, ref, status FROM outbox")
        assert tuple(row) == (1, "qotd:2024-01-02", "sent")
        settings = await store.fetchone("SELECT series, spoilers FROM guild_settings")
        assert tuple(settings) == ("[]", 0)


async def test_reopening_does_not_migrate_again(tmp_path: Path):
    path = tmp_path / "p.db"
    async with Store.open(path):
        pass
    async with Store.open(path) as store:
        assert await store.migrate() == len(MIGRATIONS)


async def test_a_newer_database_is_refused_with_a_clear_message(tmp_path: Path):
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    with pytest.raises(StoreError, match="newer than this Paddock knows"):
        async with Store.open(path):
            pass


async def test_a_database_in_a_missing_read_only_place_is_a_clear_error(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open database"):
        async with Store.open(blocker / "sub" / "p.db"):
            pass


async def test_a_failed_transaction_writes_nothing(store: Store):
    with pytest.raises(RuntimeError):
        async with store.transaction() as db:
            await db.execute(
                "INSERT INTO articles (path, source, content_hash, title, body, ingested_at)"
                " VALUES ('/a', 'a', 'h', 't', 'b', 'now')"
            )
            raise RuntimeError("boom")
    assert (await store.stats()).articles == 0


async def test_the_data_stamp_moves_with_writes_here_and_in_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = tmp_path / "stamp.db"
    async with Store.open(db) as store:
        first = await store.data_stamp()
        assert await store.data_stamp() == first
        async with store.transaction() as conn:
            await conn.execute("INSERT INTO guild_settings (guild_id) VALUES (1)")
        second = await store.data_stamp()
        assert second != first
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("INSERT INTO guild_settings (guild_id) VALUES (2)")
        other.close()
        assert await store.data_stamp() == second, "other processes are asked only now and then"
        monkeypatch.setattr("bot.store.database.EXTERNAL_CHECK_S", 0.0)
        assert await store.data_stamp() != second
