"""One-line reasons with the right exit code, never a traceback: databases, config, values."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.queries.server import SettingError, parse_timezone
from bot.schedule.planning import GuildSettings
from tests.conftest import REPO, SEEDS, paddock


def one_error_line(result: subprocess.CompletedProcess[str], code: int = 2) -> str:
    """Assert the command failed with `code` and one `error` line; return that line."""
    assert result.returncode == code, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "error" in line.lower()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(("error: ", "config error: ")), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a database with the seed articles ingested (made once for this module)."""
    db = tmp_path_factory.mktemp("seeded") / "paddock.db"
    result = paddock("--db", str(db), "ingest", str(SEEDS / "articles"))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    return db


def test_ingest_into_a_read_only_database_says_so(tmp_path: Path, seeded_db: Path):
    db = tmp_path / "ro.db"
    shutil.copy(seeded_db, db)
    db.chmod(0o444)
    immutable = subprocess.run(["chattr", "+i", str(db)], capture_output=True, check=False)
    try:
        probe = subprocess.run(
            [sys.executable, "-c", f"open({str(db)!r}, 'r+b')"], capture_output=True, check=False
        )
        if probe.returncode == 0:
            pytest.skip("this user can write any file (root without chattr)")
        line = one_error_line(paddock("--db", str(db), "ingest", str(SEEDS / "articles")))
        assert line.startswith(f"error: database {db} cannot be written")
    finally:
        if immutable.returncode == 0:
            subprocess.run(["chattr", "-i", str(db)], check=False)
        db.chmod(0o644)


HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("PRAGMA user_version = 6")
print("locked", flush=True)
time.sleep(60)
"""


def test_a_database_locked_by_another_writer_says_so(tmp_path: Path, seeded_db: Path):
    db = tmp_path / "locked.db"
    shutil.copy(seeded_db, db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        began = time.monotonic()
        line = one_error_line(paddock("--db", str(db), "ingest", str(SEEDS / "articles")))
        assert time.monotonic() - began < 60
        assert line.startswith(f"error: database {db} is locked by another process")
    finally:
        holder.kill()
        holder.wait()


FACT_TABLES = (
    "articles", "paragraphs", "entities", "entity_aliases", "mentions", "quotes",
    "lineups", "lineup_drivers", "results", "result_drivers",
)  # fmt: skip


def _corrupt(db: Path) -> None:
    """Overwrite every page of the article and fact tables (and their indexes) with garbage."""
    with sqlite3.connect(db) as conn:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        marks = ", ".join("?" for _ in FACT_TABLES)
        pages = [
            row[0]
            for row in conn.execute(
                "SELECT pageno FROM dbstat WHERE name IN (SELECT name FROM sqlite_master"  # noqa: S608
                f" WHERE tbl_name IN ({marks}) AND type IN ('table', 'index'))",
                FACT_TABLES,
            )
        ]
    assert pages
    data = bytearray(db.read_bytes())
    for number in pages:
        at = (number - 1) * page
        data[at : at + page] = bytes([0xA5]) * page
    db.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "args",
    [
        ("ask", "/lineup car:31"),
        ("ask", "/driver name:Harlow"),
        ("ask", "/article id:1"),
        ("ask", "/results event:Daytona"),
        ("ingest", str(SEEDS / "articles")),
    ],
    ids=["lineup", "driver", "article", "results", "ingest"],
)
def test_a_database_with_a_corrupt_page_says_so(tmp_path: Path, seeded_db: Path, args):
    db = tmp_path / "bad.db"
    shutil.copy(seeded_db, db)
    _corrupt(db)
    line = one_error_line(paddock("--db", str(db), *args))
    assert line.startswith(f"error: database {db} is damaged")


def test_a_console_session_survives_a_huge_article_id(tmp_path: Path, seeded_db: Path):
    db = tmp_path / "p.db"
    shutil.copy(seeded_db, db)
    result = paddock("--db", str(db), "console", stdin="/article id:99999999999999999999\n/about\n")
    assert "Traceback" not in result.stderr
    first, _, rest = result.stdout.partition("99999999999999999999")
    assert "no article" in (first + rest[:200]).lower()
    assert "Paddock" in rest, "/about answered after it: the session went on"


def test_a_console_session_survives_a_damaged_database(tmp_path: Path, seeded_db: Path):
    db = tmp_path / "p.db"
    shutil.copy(seeded_db, db)
    _corrupt(db)
    result = paddock("--db", str(db), "console", stdin="/lineup car:31\n/driver name:Harlow\n")
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2 and all(f"database {db} is damaged" in e for e in errors)
    assert result.returncode == 1


def test_a_non_utf8_config_says_so(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_bytes('[paddock]\ntimezone = "Europe/Zürich"\n'.encode("latin-1"))
    line = one_error_line(paddock("--config", str(config), "calendar", "export"))
    assert line == (
        f"config error: config file {config}: not UTF-8 (byte 30 cannot be decoded); "
        "expected a UTF-8 TOML file"
    )


def test_an_unknown_log_level_says_so(tmp_path: Path):
    line = one_error_line(
        paddock("--db", str(tmp_path / "p.db"), "--log-level", "LOUD", "ask", "/about")
    )
    assert (
        line == "error: --log-level = 'LOUD': expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
    )


def test_a_nan_clock_speed_says_so(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[clock]\nstart = "2024-01-20T12:00:00Z"\nspeed = nan\n')
    line = one_error_line(paddock("--config", str(config), "ask", "/about"))
    assert line == "config error: clock.speed = nan: expected a number > 0"


def test_a_nul_in_the_database_path_says_so(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text('[paddock]\ndatabase = "data/pad\\u0000dock.db"\n')
    line = one_error_line(paddock("--config", str(config), "ask", "/about"))
    assert line == (
        "config error: paddock.database = 'data/pad\\x00dock.db': "
        "expected a path without NUL characters"
    )


def test_ask_from_another_folder_finds_the_calendar(tmp_path: Path):
    result = paddock(
        "--db", str(tmp_path / "p.db"), "ask", "/next", "--now", "2024-01-20T12:00:00Z",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Rolex 24" in result.stdout


def test_ask_with_seeds_lacking_a_calendar_says_what_is_missing(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    config = tmp_path / "config.toml"
    config.write_text(f'[paddock]\nseeds = "{seeds}"\ndatabase = "{tmp_path / "p.db"}"\n')
    line = one_error_line(paddock("--config", str(config), "ask", "/next"))
    assert line.startswith(f"error: paddock.seeds: no calendar at {seeds / 'calendar.toml'}")


LONG_ZONE = "Europe/" + "A" * 300


def test_a_time_zone_over_255_characters_is_a_clear_error_everywhere(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(f'[paddock]\ntimezone = "{LONG_ZONE}"\n')
    line = one_error_line(paddock("--config", str(config), "ask", "/about"))
    assert line.startswith("config error: paddock.timezone = 'Europe/AAAA")
    assert "expected an IANA time zone name" in line and len(line) < 200
    with pytest.raises(SettingError, match="names have at most 64 characters"):
        parse_timezone(LONG_ZONE)
    with pytest.raises(ValueError, match="timezone: expected an IANA time zone"):
        GuildSettings(guild_id=1, timezone=LONG_ZONE)
    assert REPO.is_dir()
