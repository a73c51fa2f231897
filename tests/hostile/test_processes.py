"""Two processes at once, and a killed ingest: real processes, real SQLite files."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.store.migrations import MIGRATIONS
from tests.conftest import REPO, SEEDS

OPEN_STORE = """
import asyncio, sys, time
from pathlib import Path
from bot.store import Store

async def main():
    go = Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.001)
    async with Store.open(Path(sys.argv[1])) as store:
        print(await store.version())

asyncio.run(main())
"""


def _open_at_once(db: Path, processes: int) -> list[subprocess.CompletedProcess[str]]:
    """Open `db` from several processes released at the same moment."""
    go = db.with_suffix(".go")
    started = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_STORE, str(db), str(go)],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    time.sleep(1.5)  # every process imported and waiting
    go.touch()
    results = []
    for process in started:
        out, err = process.communicate(timeout=60)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


@pytest.mark.parametrize("start_version", [0, 1])
def test_processes_opening_a_new_or_older_database_at_once_migrate_it_once(
    tmp_path: Path, start_version: int
):
    for attempt in range(3):
        db = tmp_path / f"race{attempt}.db"
        if start_version:
            with sqlite3.connect(db) as conn:
                conn.executescript(MIGRATIONS[0] + "\nPRAGMA user_version = 1;")
        results = _open_at_once(db, 3)
        for result in results:
            assert result.returncode == 0, result.stderr
            assert result.stdout.strip() == str(len(MIGRATIONS))
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _children() -> dict[int, list[int]]:
    """Return every process's children, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree = _children()
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the worker processes")
def test_killing_a_big_ingest_leaves_no_worker_processes(tmp_path: Path):
    folder = tmp_path / "articles"
    folder.mkdir()
    seed = sorted((SEEDS / "articles").glob("*.txt"))
    texts = [path.read_text(encoding="utf-8") for path in seed]
    for i in range(600):
        (folder / f"a{i:04d}.txt").write_text(texts[i % len(texts)] + f"\nNote {i}.\n")
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    ingest = subprocess.Popen(
        [sys.executable, "-m", "bot", "--db", str(tmp_path / "p.db"), "ingest", str(folder)],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    helpers: set[int] = set()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(helpers) < 4 and ingest.poll() is None:
            helpers = _descendants(ingest.pid)  # fork server, resource tracker, 2 workers
            time.sleep(0.05)
        assert len(helpers) >= 3, "the ingest started its worker processes"
        ingest.send_signal(signal.SIGKILL)
        ingest.wait(timeout=10)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(pid) for pid in helpers):
            time.sleep(0.1)
        left = [pid for pid in helpers if _alive(pid)]
        assert left == [], f"processes left running after kill -9 of the ingest: {left}"
    finally:
        for pid in helpers:  # only those still running this test's Python
            if _alive(pid) and _runs_python(pid):
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
        if ingest.poll() is None:
            ingest.kill()
            ingest.wait()


def _runs_python(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0]
    except OSError:
        return False
    return command.decode(errors="replace") == sys.executable
