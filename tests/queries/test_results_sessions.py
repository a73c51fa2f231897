"""Results in the store and on screen: session, class and the sentence each fact came from."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.articles import find_article_files, read_article
from bot.clock import OffsetClock
from bot.console.render import render_text
from bot.extraction import extract, load_aliases
from bot.facts import Article, ArticleFacts, Result
from bot.queries.article import article
from bot.queries.results import results
from bot.services import Services
from bot.store import Store
from bot.store.migrations import MIGRATIONS
from cogs._render import render_embeds
from tests.helpers import put_article
from tests.queries.conftest import INGESTED_AT, NOW, REPO, query_config

SEEDS = REPO / "seeds"


@pytest.fixture
async def seed_services(tmp_path: Path):
    """Return services over a real store holding the seed articles, extracted for real."""
    db = tmp_path / "seeds.db"
    aliases = load_aliases(SEEDS / "aliases.toml")
    async with Store.open(db) as store:
        for path in find_article_files([SEEDS / "articles"]):
            art = read_article(path)
            facts = extract(art, aliases=aliases)
            await put_article(store, art, facts, path=str(path), fingerprint="f", now=INGESTED_AT)
        yield Services(store, query_config(db), OffsetClock(NOW))


def _lines(answer) -> list[str]:
    return [line for s in answer.sections for line in str(s.value).splitlines()]


async def test_qualifying_second_says_qualifying(seed_services):
    answer = await results(seed_services, driver="Bourdais")
    lines = [line for line in _lines(answer) if "Bourdais" in line]
    assert len(lines) == 1
    assert "P2 in qualifying" in lines[0]
    assert [r["session"] for e in answer.data["events"] for r in e["results"]] == ["qualifying"]


async def test_titles_are_named_never_unnamed(seed_services):
    answer = await results(seed_services, driver="Derani")
    headings = [s.name for s in answer.sections]
    assert not any("Unnamed event" in h for h in headings)
    assert any("GTP" in h and "title" in h for h in headings)
    assert not any(
        r["kind"] == "title" and r["season"] == 2024
        for e in answer.data["events"]
        for r in e["results"]
    )


async def test_article_shows_the_sentence_of_each_result(seed_services):
    store = seed_services.store
    row = await store.fetchone("SELECT article_id FROM results WHERE position = 6")
    answer = await article(seed_services, id=row["article_id"])
    results_sections = [s for s in answer.sections if s.name.startswith("Results")]
    lines = [line for s in results_sections for line in str(s.value).splitlines()]
    assert lines and all("read from:" in line for line in lines)
    sixth = [line for line in lines if "P6" in line]
    assert sixth and "sixth-place finish in the 10-hour event" in sixth[0]
    assert all(r["evidence"] for e in answer.data["results"] for r in e["results"])


async def test_class_and_session_on_every_renderer(tmp_path: Path):
    db = tmp_path / "p.db"
    facts = ArticleFacts(
        results=[
            Result(
                "finish",
                2,
                "79",
                ("Nora Falk",),
                None,
                "Solaris 24",
                None,
                season=2024,
                session="qualifying",
                race_class="GTD Pro",
                evidence="Nora Falk was second in GTD Pro qualifying.",
            ),
            Result(
                "finish",
                2,
                "79",
                ("Nora Falk",),
                None,
                "Solaris 24",
                None,
                season=2024,
                session="race",
                race_class="GTD Pro",
                evidence="Nora Falk finished second in GTD Pro.",
            ),
        ]
    )
    art = Article(source="a.txt", title="Solaris 24", body="x", published=None)
    async with Store.open(db) as store:
        await put_article(store, art, facts, path="a.txt", fingerprint="f", now=INGESTED_AT)
        answer = await results(Services(store, query_config(db), OffsetClock(NOW)))
    lines = _lines(answer)
    assert len([line for line in lines if "P2" in line]) == 2
    assert any("P2 in qualifying · GTD Pro" in line for line in lines)
    assert any("P2 · GTD Pro" in line for line in lines)
    text = render_text(answer)
    assert "P2 in qualifying · GTD Pro" in text
    embeds = "\n".join(f.value for e in render_embeds(answer) for f in e.fields)
    assert "P2 in qualifying · GTD Pro" in embeds


async def test_migration_adds_session_class_and_evidence(tmp_path: Path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        for number, script in enumerate(MIGRATIONS[:-1], start=1):
            db.executescript(script)
            db.execute(f"PRAGMA user_version = {number}")
    async with Store.open(path) as store:
        columns = {
            table: {row["name"] for row in await store.fetchall(f"PRAGMA table_info({table})")}
            for table in ("results", "lineups", "quotes")
        }
    assert {"session", "class", "evidence"} <= columns["results"]
    assert "evidence" in columns["lineups"]
    assert "evidence" in columns["quotes"]
