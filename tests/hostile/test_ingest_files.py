"""Hostile and careless article files: each bad one is reported by name, no other is lost."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from bot.config import Config
from bot.ingest.files import Ingestor
from bot.store import Store
from tests.conftest import SEEDS, paddock

ARTICLE = """ date 2025-01-26 Harlow takes the win at round {n}
The No. {car} Brookfield Racing entry of Ada Harlow, Mateo Quint and Lena Varga won round {n}.
“It was a long night but the car was perfect,” Harlow said.
"""


def write_good(folder: Path, count: int, start: int = 0) -> list[str]:
    """Write `count` small good articles; return their names."""
    folder.mkdir(parents=True, exist_ok=True)
    names = []
    for n in range(start, start + count):
        name = f"good{n:05d}.txt"
        (folder / name).write_text(ARTICLE.format(n=n, car=n % 90 + 2), encoding="utf-8")
        names.append(name)
    return names


BAD_JSON = {
    "deep.json": "[" * 100_000,
    "bigint.json": '{"body": "x", "n": ' + "9" * 100_000 + "}",
    "surrogate.json": '{"body": "Harlow \\ud800 won"}',
    "nul.json": '{"body": "Harlow\\u0000 won"}',
}


def stored_names(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return sorted(Path(row[0]).name for row in conn.execute("SELECT path FROM articles"))


def test_each_malformed_json_article_is_reported_and_the_rest_of_its_chunk_stored(
    tmp_path: Path,
):
    folder = tmp_path / "in"
    good = write_good(folder, 60)
    for name, text in BAD_JSON.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = tmp_path / "p.db"
    result = paddock("--db", str(db), "ingest", str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert sorted(Path(line.split()[1].rstrip(":")).name for line in skipped) == sorted(BAD_JSON)
    reasons = {Path(line.split()[1].rstrip(":")).name: line for line in skipped}
    assert "nested too deeply" in reasons["deep.json"]
    assert "a number of 100,000 digits" in reasons["bigint.json"]
    assert "lone surrogate (\\ud800)" in reasons["surrogate.json"]
    assert "NUL character" in reasons["nul.json"]
    assert stored_names(db) == good


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_special_files_as_arguments_give_one_line_each_and_never_block(tmp_path: Path):
    good = write_good(tmp_path / "in", 2)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.txt"
    zero.symlink_to("/dev/zero")
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    db = tmp_path / "p.db"
    began = time.monotonic()
    result = paddock(
        "--db", str(db), "ingest", str(fifo), str(zero), str(loop), str(tmp_path / "in")
    )
    assert time.monotonic() - began < 60
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(lines) == 3
    assert f"skipped {fifo}: not a regular file (a FIFO), not read" in lines
    assert f"skipped {Path('/dev/zero')}: not a regular file (a character device), not read" in (
        lines
    )
    assert f"skipped {loop}: cannot be read (a symbolic link loop)" in lines
    assert stored_names(db) == good


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
async def test_fifos_and_dangling_links_inside_a_folder_are_warned_about(
    store: Store, config: Config, tmp_path: Path
):
    folder = tmp_path / "in"
    good = write_good(folder, 2)
    os.mkfifo(folder / "pipe.md")
    (folder / "gone.txt").symlink_to(tmp_path / "deleted.txt")
    (folder / "zero.json").symlink_to("/dev/zero")
    ingestor = await Ingestor.create(store, config.aliases_file)
    report = await ingestor.ingest([folder])
    assert sorted(Path(p).name for p in report.added) == good
    assert report.skipped == []
    warned = {Path(where).name: why for where, why in report.warnings}
    assert warned == {
        "pipe.md": "a FIFO, not read",
        "gone.txt": "dangling link (No such file or directory), not read",
        "zero.json": "a character device, not read",
    }


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder: run as a user to test")
async def test_an_unreadable_folder_is_warned_about(store: Store, config: Config, tmp_path: Path):
    folder = tmp_path / "in"
    write_good(folder, 1)
    locked = folder / "locked"
    write_good(locked, 1, start=1)
    locked.chmod(0)
    try:
        report = await (await Ingestor.create(store, config.aliases_file)).ingest([folder])
    finally:
        locked.chmod(0o755)
    assert [Path(p).name for p in report.added] == ["good00000.txt"]
    assert [(Path(w).name, why.split(" (")[0]) for w, why in report.warnings] == [
        ("locked", "folder not read")
    ]


async def test_the_same_files_by_another_path_are_the_same_articles(
    store: Store, config: Config, tmp_path: Path
):
    folder = tmp_path / "real"
    good = write_good(folder, 5)
    link = tmp_path / "link"
    link.symlink_to(folder)
    os.link(folder / good[0], tmp_path / "hard.txt")
    ingestor = await Ingestor.create(store, config.aliases_file)
    first = await ingestor.ingest([folder, link, tmp_path / "hard.txt"])
    assert len(first.added) == 5
    assert (await store.stats()).articles == 5
    assert len(first.warnings) == 6, "five files by the link and one hard link, read once"
    again = await ingestor.ingest([link])
    assert (len(again.added), len(again.unchanged)) == (0, 5)
    assert (await store.stats()).articles == 5


async def test_markdown_front_matter_with_crlf_is_read(
    store: Store, config: Config, tmp_path: Path
):
    text = "---\r\ndate: 2025-03-15\r\ntitle: Sebring preview\r\n---\r\nHarlow leads.\r\nMore.\r\n"
    (tmp_path / "crlf.md").write_bytes(text.encode("utf-8"))
    report = await (await Ingestor.create(store, config.aliases_file)).ingest([tmp_path])
    assert len(report.added) == 1
    row = await store.fetchone("SELECT title, published, body FROM articles")
    assert (row["title"], row["published"]) == ("Sebring preview", "2025-03-15")
    assert "\r" not in row["body"] and "---" not in row["body"]


async def test_reextraction_removes_entities_no_article_mentions(
    store: Store, config: Config, tmp_path: Path
):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE.format(n=1, car=27), encoding="utf-8")
    ingestor = await Ingestor.create(store, config.aliases_file)
    await ingestor.ingest([path])
    people = {r["name"] for r in await store.fetchall("SELECT name FROM entities")}
    assert "Lena Varga" in people
    path.write_text(ARTICLE.format(n=1, car=27).replace("Lena Varga", "Ines Moreau"))
    await ingestor.ingest([path])
    people = {r["name"] for r in await store.fetchall("SELECT name FROM entities")}
    assert "Ines Moreau" in people
    assert "Lena Varga" not in people
    left = await store.fetchone(
        "SELECT count(*) FROM entities e WHERE NOT EXISTS"
        " (SELECT 1 FROM mentions m WHERE m.entity_id = e.id)"
    )
    assert left[0] == 0


async def test_a_file_over_its_time_budget_is_reported_and_the_rest_ingest(
    store: Store, config: Config, tmp_path: Path, monkeypatch
):
    import bot.ingest.files

    real_extract = bot.ingest.files.extract

    def extract(article, **kwargs):
        while "Forever" in article.body:  # extraction that never ends on this one article
            pass
        return real_extract(article, **kwargs)

    monkeypatch.setattr(bot.ingest.files, "extract", extract)
    good = write_good(tmp_path / "in", 3)
    (tmp_path / "in" / "slow.txt").write_text(ARTICLE.format(n=9, car=9) + "Forever.\n")
    ingestor = await Ingestor.create(store, config.aliases_file)
    ingestor.file_budget_s = 0.5
    report = await ingestor.ingest([tmp_path / "in"])
    assert sorted(Path(p).name for p in report.added) == good
    assert [(Path(p).name, why) for p, why in report.skipped] == [
        ("slow.txt", "extraction took longer than the 0.5 s a file may take; skipped")
    ]


async def test_an_article_the_database_refuses_costs_no_other_of_its_chunk(
    store: Store, config: Config, tmp_path: Path, monkeypatch
):
    import bot.ingest.files

    real_write = bot.ingest.files.write_article

    def write_article(db, article, facts, **kwargs):
        article_id = real_write(db, article, facts, **kwargs)
        if "won round 2." in article.body:  # refused after part of it was written
            raise sqlite3.IntegrityError("CHECK constraint failed: refused")
        return article_id

    monkeypatch.setattr(bot.ingest.files, "write_article", write_article)
    good = write_good(tmp_path / "in", 5)
    report = await (await Ingestor.create(store, config.aliases_file)).ingest([tmp_path / "in"])
    assert [(Path(p).name, why.split(" (")[0]) for p, why in report.skipped] == [
        ("good00002.txt", "cannot be stored")
    ]
    assert sorted(Path(p).name for p in report.added) == [n for n in good if n != "good00002.txt"]
    assert stored_names(store.path) == sorted(report_names(report.added))
    orphans = await store.fetchone(
        "SELECT count(*) FROM paragraphs WHERE article_id NOT IN (SELECT id FROM articles)"
    )
    assert orphans[0] == 0


def report_names(paths: list[str]) -> list[str]:
    return [Path(p).name for p in paths]


def test_ingest_from_another_folder_uses_the_same_aliases_file(tmp_path: Path):
    folder = tmp_path / "in"
    write_good(folder, 1)
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    here = paddock("--db", str(tmp_path / "repo.db"), "ingest", str(folder))
    there = paddock("--db", str(tmp_path / "other.db"), "ingest", str(folder), cwd=elsewhere)
    assert here.returncode == there.returncode == 0, there.stderr
    assert "warning" not in there.stderr

    def fingerprints(db: Path) -> list[str]:
        with sqlite3.connect(db) as conn:
            return [row[0] for row in conn.execute("SELECT content_hash FROM articles")]

    assert fingerprints(tmp_path / "other.db") == fingerprints(tmp_path / "repo.db"), (
        "the stored extractor fingerprint covers the aliases file: the same one was used"
    )


def test_a_missing_aliases_file_is_warned_about(tmp_path: Path):
    seeds = tmp_path / "seeds"
    write_good(seeds / "articles", 1)
    config = tmp_path / "config.toml"
    config.write_text(f'[paddock]\nseeds = "{seeds}"\ndatabase = "{tmp_path / "p.db"}"\n')
    result = paddock("--config", str(config), "ingest", str(seeds / "articles"))
    assert result.returncode == 0, result.stderr
    assert (
        f"warning: {seeds / 'aliases.toml'}: aliases file not found: team names are not merged"
        in result.stderr
    )


def _bad_kinds(folder: Path) -> list[tuple[str, object]]:
    """Return how to make each kind of bad file: (name suffix, bytes or a maker)."""
    return [
        (".json", b"[" * 100_000),
        (".json", b'{"body": "x", "n": ' + b"9" * 100_000 + b"}"),
        (".json", b'{"body": "Harlow \\ud800 won"}'),
        (".json", b'{"body": "Harlow\\u0000 won"}'),
        (".json", b'{"body": "unterminated'),
        (".json", b'["an array"]'),
        (".json", b'{"title": "no body"}'),
        (".json", b'{"body": "x", "title": 7}'),
        (".txt", "Sébastien Bourdais".encode("latin-1")),
        (".txt", b""),
        (".txt", b" \n\t\n"),
        (".txt", b"\x89PNG\r\n\x1a\n\x00\x00"),
        (".txt", b" date 2024-02-30 Harlow won."),
        (".txt", b"word " * 220_000),
        (".md", b"---\ndate: 31/01/2025\n---\nHarlow won.\n"),
        (".txt", lambda path: os.mkfifo(path)),
        (".txt", lambda path: path.symlink_to(folder / "nothing-here")),
        (".json", lambda path: path.symlink_to("/dev/zero")),
        (".md", lambda path: path.symlink_to(path)),
    ]


def write_corpus(folder: Path, total: int, bad: int) -> set[str]:
    """Write `total` files of which `bad` are bad (every kind, mixed in); return the bad names."""
    kinds = _bad_kinds(folder)
    every = total // bad
    bad_names: set[str] = set()
    write_good(folder, 0)
    for n in range(total):
        if n % every == every // 2 and len(bad_names) < bad:
            suffix, make = kinds[len(bad_names) % len(kinds)]
            path = folder / f"bad{n:05d}{suffix}"
            if callable(make):
                make(path)
            else:
                assert isinstance(make, bytes)
                path.write_bytes(make)
            bad_names.add(path.name)
        else:
            (folder / f"good{n:05d}.txt").write_text(ARTICLE.format(n=n, car=n % 90 + 2))
    return bad_names


async def _ingest_corpus(tmp_path: Path, total: int, bad: int) -> float:
    folder = tmp_path / f"corpus{total}"
    bad_names = write_corpus(folder, total, bad)
    async with Store.open(tmp_path / f"c{total}.db") as store:
        ingestor = await Ingestor.create(store, SEEDS / "aliases.toml")
        began = time.perf_counter()
        report = await ingestor.ingest([folder])
        elapsed = time.perf_counter() - began
        reported = [Path(p).name for p, _ in (*report.skipped, *report.warnings)]
        assert sorted(reported) == sorted(bad_names), "each bad file reported once, by name"
        assert len(report.added) == total - bad
        assert all(Path(p).name.startswith("good") for p in report.added)
        assert (await store.stats()).articles == total - bad
    return elapsed


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
async def test_5000_files_with_50_bad_ones_store_the_4950_good_ones_in_linear_time(
    tmp_path: Path,
):
    small = await _ingest_corpus(tmp_path, 1_000, 10)
    large = await _ingest_corpus(tmp_path, 5_000, 50)
    print(f"ingest: 1,000 files {small:.1f} s, 5,000 files {large:.1f} s")
    assert large / small < 5 * 2, f"1,000 files {small:.1f} s, 5,000 files {large:.1f} s"
