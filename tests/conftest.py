"""Fixtures shared by the whole suite: paths, a fresh database, the seeded store."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import OffsetClock, parse_instant
from bot.config import Config, parse_config
from bot.services import Services
from bot.store import Store

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = REPO.parent / "shared"


@pytest.fixture
def config(tmp_path: Path) -> Config:
    """Return a config with a fresh database in tmp_path and the repo's seeds."""
    return parse_config(
        {"paddock": {"database": str(tmp_path / "paddock.db"), "seeds": str(SEEDS)}}, REPO
    )


@pytest.fixture
async def store(config: Config) -> AsyncIterator[Store]:
    """Return an open, empty store on a real SQLite file."""
    async with Store.open(config.database) as opened:
        yield opened


@pytest.fixture
async def seeded(store: Store, config: Config) -> Store:
    """Return the store with the five seed articles ingested."""
    from bot.ingest.files import Ingestor

    ingestor = await Ingestor.create(store, config.aliases_file)
    report = await ingestor.ingest([config.articles_dir])
    assert report.ok, report.skipped
    return store


@pytest.fixture
def services(seeded: Store, config: Config) -> Services:
    """Return services over the seeded store with the clock at 2024-01-20 12:00 UTC."""
    return Services(seeded, config, OffsetClock(parse_instant("2024-01-20T12:00:00Z")))


def paddock(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path = REPO
):
    """Run the real `paddock` command line in a subprocess and return the result."""
    full_env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        timeout=120,
        check=False,
    )
