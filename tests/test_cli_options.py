"""The command line: `--db` and `--config` before or after the subcommand; the seeds folder
holds only articles and data files, so `paddock ingest seeds/` reads every file as it should."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import SEEDS, paddock


def test_ingesting_the_seeds_folder_reads_only_articles(tmp_path: Path):
    db = tmp_path / "seeds.db"

    result = paddock("ingest", str(SEEDS), "--db", str(db))

    assert result.returncode == 0, result.stderr
    assert "5 added, 0 updated, 0 unchanged, 0 skipped" in result.stdout
    assert not [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert not list(SEEDS.glob("*.json")), "no gold or other JSON beside the articles"


def _database_of(result) -> str:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["data"]["database"]


def test_db_works_before_and_after_the_subcommand(tmp_path: Path):
    db = tmp_path / "after.db"
    ingest = paddock("ingest", str(SEEDS / "articles"), "--db", str(db))
    assert ingest.returncode == 0, ingest.stderr

    after = paddock("ask", "/about", "--db", str(db), "--json")
    before = paddock("--db", str(db), "ask", "/about", "--json")

    assert _database_of(after) == _database_of(before) == str(db)
    assert json.loads(after.stdout)["data"]["articles"] == 5


def test_config_works_after_the_subcommand(tmp_path: Path):
    db = tmp_path / "from-config.db"
    config = tmp_path / "paddock.toml"
    config.write_text(f'[paddock]\ndatabase = "{db}"\nseeds = "{SEEDS}"\n', encoding="utf-8")

    after = paddock("ask", "/about", "--config", str(config), "--json")
    before = paddock("--config", str(config), "ask", "/about", "--json")

    assert _database_of(after) == _database_of(before) == str(db)


def test_an_option_after_the_subcommand_wins_over_the_same_one_before(tmp_path: Path):
    first, second = tmp_path / "first.db", tmp_path / "second.db"

    result = paddock("--db", str(first), "ask", "/about", "--db", str(second), "--json")

    assert _database_of(result) == str(second)
