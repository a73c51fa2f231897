"""Ingest on a real SQLite file: idempotence, replacement, bad files, and crash safety."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.articles import split_paragraphs
from bot.config import Config
from bot.ingest.files import Ingestor
from bot.store import Store
from tests.conftest import REPO, SEEDS, paddock

ARTICLE = """ date 2025-01-26 Harlow takes the win at the season opener
The No. 27 Brookfield Racing entry of Ada Harlow, Mateo Quint and Lena Varga won the season opener.
“It was a long night but the car was perfect,” Harlow said.
"""


async def test_reingesting_unchanged_files_does_nothing(store: Store, config: Config):
    ingestor = await Ingestor.create(store, config.aliases_file)
    first = await ingestor.ingest([config.articles_dir])
    assert len(first.added) == 5
    stats = await store.stats()
    second = await ingestor.ingest([config.articles_dir])
    assert (len(second.added), len(second.updated), len(second.unchanged)) == (0, 0, 5)
    assert await store.stats() == stats


async def test_a_changed_file_replaces_its_article_and_facts(
    store: Store, config: Config, tmp_path: Path
):
    path = tmp_path / "opener.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    ingestor = await Ingestor.create(store, config.aliases_file)
    await ingestor.ingest([path])
    first_id = (await store.fetchone("SELECT id FROM articles"))["id"]
    path.write_text(ARTICLE.replace("perfect", "flawless"), encoding="utf-8")
    report = await ingestor.ingest([path])
    assert len(report.updated) == 1
    rows = await store.fetchall("SELECT id, body FROM articles")
    assert len(rows) == 1 and "flawless" in rows[0]["body"]
    quotes = await store.fetchall("SELECT article_id, text FROM quotes")
    assert rows[0]["id"] == first_id, "a replaced article keeps its id, so citations stay valid"
    assert quotes and all(q["article_id"] == first_id for q in quotes)
    assert all("perfect" not in q["text"] for q in quotes)
    hits = await store.fetchall("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'perfect'")
    assert hits == []


def write_bad_files(folder: Path) -> dict[str, str]:
    """Write one file of each bad kind; return file name → expected reason."""
    (folder / "latin1.txt").write_bytes("Sébastien".encode("latin-1"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"\x89PNG\x00\x00\x00")
    (folder / "baddate.txt").write_text(" date 2024-02-30 Text.", encoding="utf-8")
    (folder / "huge.txt").write_bytes(b"word " * 210_000)
    return {
        "latin1.txt": "not UTF-8",
        "empty.txt": "empty file",
        "image.txt": "binary file",
        "baddate.txt": "bad date '2024-02-30'",
        "huge.txt": "too large",
    }


def test_bad_files_are_reported_by_name_and_skipped_while_the_rest_ingest(tmp_path: Path):
    folder = tmp_path / "in"
    shutil.copytree(SEEDS / "articles", folder)
    expected = write_bad_files(folder)
    db = tmp_path / "p.db"
    result = paddock("--db", str(db), "ingest", str(folder))
    assert result.returncode == 1
    for name, reason in expected.items():
        line = next(line for line in result.stderr.splitlines() if f"{name}:" in line)
        assert reason in line, line
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 5


def check_consistent(db: Path) -> int:
    """Assert every stored article is whole (paragraphs, index, facts); return the count."""
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        articles = conn.execute("SELECT id, body FROM articles").fetchall()
        for article_id, body in articles:
            stored = conn.execute(
                "SELECT count(*) FROM paragraphs WHERE article_id = ?", (article_id,)
            ).fetchone()[0]
            assert stored == len(split_paragraphs(body))
            quotes = conn.execute(
                "SELECT count(*) FROM quotes WHERE article_id = ?", (article_id,)
            ).fetchone()[0]
            assert quotes >= 1, "every generated article has a quote"
        orphans = conn.execute(
            "SELECT count(*) FROM quotes WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()[0]
        assert orphans == 0
        return len(articles)


def test_an_ingest_killed_midway_leaves_each_article_all_in_or_all_out(tmp_path: Path):
    folder = tmp_path / "many"
    folder.mkdir()
    total = 400
    for n in range(total):
        (folder / f"a{n:04d}.txt").write_text(
            ARTICLE.replace("27", str(n % 90 + 2)) + f"\nRound {n}.\n"
        )
    db = tmp_path / "p.db"
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", str(db), "ingest", str(folder)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert proc.stdout is not None
        for _ in range(20):  # wait until some articles are in, then kill without warning
            proc.stdout.readline()
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    partial = check_consistent(db)
    assert 0 < partial < total
    result = paddock("--db", str(db), "ingest", str(folder))
    assert result.returncode == 0, result.stderr
    assert check_consistent(db) == total


async def stored_facts(db: Path) -> dict[str, list[tuple]]:
    """Return every fact row of a store, by article path, in a comparable form."""
    async with Store.open(db) as store:
        out: dict[str, list[tuple]] = {}
        for table, columns in (
            ("quotes", "q.speaker, q.text"),
            ("lineups", "q.car, q.team, q.season, q.event"),
            ("results", "q.kind, q.position, q.car, q.team, q.event, q.season, q.detail"),
        ):
            rows = await store.fetchall(
                f"SELECT a.path, {columns} FROM {table} q JOIN articles a ON a.id = q.article_id"  # noqa: S608
                " ORDER BY a.path, q.id"
            )
            out[table] = [tuple(row) for row in rows]
        people = await store.fetchall("SELECT name FROM entities WHERE kind = 'person'")
        out["people"] = sorted(row[0] for row in people)
        return out


async def test_a_big_ingest_in_worker_processes_stores_the_same_facts(tmp_path: Path):
    folder = tmp_path / "articles"
    shutil.copytree(REPO / "tests" / "extraction" / "corpus" / "articles", folder / "corpus")
    shutil.copytree(SEEDS / "articles", folder / "seeds")
    reports = {}
    for workers in (1, 2):
        async with Store.open(tmp_path / f"w{workers}.db") as store:
            ingestor = await Ingestor.create(store, SEEDS / "aliases.toml")
            ingestor.workers, ingestor.pool_min = workers, 1
            reports[workers] = await ingestor.ingest([folder])
    assert len(reports[2].added) == len(reports[1].added) == 50
    parallel = await stored_facts(tmp_path / "w2.db")
    serial = await stored_facts(tmp_path / "w1.db")
    assert parallel["results"] and parallel["quotes"] and parallel["lineups"]
    assert parallel == serial


async def test_an_article_extraction_fails_on_is_reported_and_the_rest_ingest(
    store: Store, config: Config, tmp_path: Path, monkeypatch
):
    import bot.ingest.files

    real_extract = bot.ingest.files.extract

    def extract(article, **kwargs):
        if "Boom" in article.body:
            raise RuntimeError("a bug met on an odd article")
        return real_extract(article, **kwargs)

    monkeypatch.setattr(bot.ingest.files, "extract", extract)
    for name, text in (("a.txt", ARTICLE), ("b.txt", ARTICLE + "Boom.\n"), ("c.txt", ARTICLE)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingestor = await Ingestor.create(store, config.aliases_file)
    report = await ingestor.ingest([tmp_path])
    assert [Path(p).name for p in report.added] == ["a.txt", "c.txt"]
    assert [(Path(p).name, why) for p, why in report.skipped] == [
        ("b.txt", "extraction failed (RuntimeError: a bug met on an odd article)")
    ]
    assert (await store.stats()).articles == 2
    assert not report.ok
