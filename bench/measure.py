"""The measurements: ingest vs bare FTS5 insert, query and autocomplete latency, start-up."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.corpus import FIRST_NAMES, LAST_NAMES
from bot.articles import read_article
from bot.clock import OffsetClock
from bot.config import Config
from bot.ingest.files import Ingestor
from bot.queries.driver import driver
from bot.queries.lineup import lineup
from bot.queries.names import complete, name_index
from bot.queries.quotes import quote
from bot.queries.results import results
from bot.queries.search import search
from bot.services import Services
from bot.store import Store
from bot.text import fold

REPO_ROOT = Path(__file__).resolve().parents[1]
ALIASES_FILE = REPO_ROOT / "seeds" / "aliases.toml"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
QUERY_KINDS = ("lineup", "driver", "results", "quote", "search")
NAME_KINDS = ("person", "team", "event", "car")


@dataclass(slots=True)
class Latency:
    """Latency samples of one operation, in seconds."""

    samples: list[float] = field(default_factory=list)

    def add(self, seconds: float) -> None:
        """Record one sample."""
        self.samples.append(seconds)

    def summary(self) -> dict[str, float | int]:
        """Return count, p50, p99 and max in milliseconds."""
        ordered = sorted(self.samples)
        if not ordered:
            return {"n": 0, "p50_ms": 0.0, "p99_ms": 0.0, "max_ms": 0.0}
        return {
            "n": len(ordered),
            "p50_ms": round(percentile(ordered, 50) * 1000, 3),
            "p99_ms": round(percentile(ordered, 99) * 1000, 3),
            "max_ms": round(ordered[-1] * 1000, 3),
        }


def percentile(ordered: list[float], pct: float) -> float:
    """Return the nearest-rank percentile of sorted samples."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), round(pct / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def services_for(store: Store, db_path: Path) -> Services:
    """Return query services over a store with a fixed clock."""
    config = Config(database=db_path, seeds=REPO_ROOT / "seeds")
    return Services(store=store, config=config, clock=OffsetClock(NOW))


# ---------------------------------------------------------------------------- ingest


async def ingest_folder(ingestor: Ingestor, folder: Path) -> tuple[int, float]:
    """Ingest every article in a folder; return how many and the seconds it took."""
    start = time.perf_counter()
    report = await ingestor.ingest([folder])
    elapsed = time.perf_counter() - start
    if report.skipped:
        raise RuntimeError(f"ingest skipped {len(report.skipped)} files: {report.skipped[:3]}")
    return len(report.added) + len(report.updated), elapsed


def bare_insert(paths: list[Path], db_path: Path) -> float:
    """Insert the same texts into a bare FTS5 table with one executemany; return articles/s.

    The files are read and parsed first (not timed); the timed part is the executemany and the
    commit, with the store's pragmas (WAL, synchronous NORMAL) and tokenizer.
    """
    rows = []
    for path in paths:
        article = read_article(path)
        rows.append((article.title, article.body))
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5 (title, body,"
            " tokenize = 'unicode61 remove_diacritics 2')"
        )
        start = time.perf_counter()
        db.execute("BEGIN")
        db.executemany("INSERT INTO docs (title, body) VALUES (?, ?)", rows)
        db.execute("COMMIT")
        elapsed = time.perf_counter() - start
    finally:
        db.close()
    return len(rows) / elapsed


# ---------------------------------------------------------------------------- queries


def _typo(rng: random.Random, text: str) -> str:
    """Swap two neighbouring letters of a word (a realistic typo)."""
    if len(text) < 5:
        return text
    at = rng.randrange(1, len(text) - 2)
    return text[:at] + text[at + 1] + text[at] + text[at + 2 :]


async def query_inputs(store: Store, rng: random.Random, count: int) -> dict[str, list[dict]]:
    """Return varied, realistic inputs for each query, drawn from what the store holds."""
    cars = sorted({row[0] for row in await store.fetchall("SELECT DISTINCT car FROM lineups")})
    teams = [
        row[0]
        for row in await store.fetchall(
            "SELECT DISTINCT team FROM lineups WHERE team IS NOT NULL ORDER BY team"
        )
    ]
    drivers = [
        row[0]
        for row in await store.fetchall(
            "SELECT DISTINCT driver FROM lineup_drivers ORDER BY driver LIMIT 5000"
        )
    ]
    speakers = [
        row[0]
        for row in await store.fetchall(
            "SELECT DISTINCT speaker FROM quotes WHERE speaker IS NOT NULL ORDER BY speaker"
            " LIMIT 5000"
        )
    ]
    events = [
        (row[0], row[1])
        for row in await store.fetchall(
            "SELECT DISTINCT event, season FROM results WHERE event IS NOT NULL"
            " ORDER BY event, season"
        )
    ]
    seasons = sorted({s for _, s in events if s})
    topics = ["win", "car", "team", "championship", "race", "pole", "tyres", "Daytona", "proud"]
    words = ["Daytona", "Sebring", "pole position", "Cadillac", "championship", "Le Mans"]

    def pick(items: list[Any]) -> Any:
        return rng.choice(items) if items else None

    out: dict[str, list[dict]] = {kind: [] for kind in QUERY_KINDS}
    for i in range(count):
        car = pick(cars) or "31"
        variant = i % 4
        if variant == 0:
            out["lineup"].append({"car": car})
        elif variant == 1:
            out["lineup"].append({"car": f"#{car}", "season": pick(seasons)})
        elif variant == 2:
            out["lineup"].append({"team": pick(teams) or "Action Express Racing"})
        else:
            out["lineup"].append({"car": car, "event": (pick(events) or ("Daytona", None))[0]})

        name = pick(drivers) or "Pipo Derani"
        forms = [name, name.split()[-1], name.lower(), _typo(rng, name)]
        out["driver"].append({"name": forms[i % len(forms)]})

        event, season = pick(events) or ("Rolex 24 At Daytona", 2024)
        result_forms: list[dict] = [
            {"event": event, "season": season},
            {"event": event},
            {"season": pick(seasons)},
            {"driver": pick(drivers) or name},
            {"car": car},
        ]
        out["results"].append(result_forms[i % len(result_forms)])

        speaker = pick(speakers) or name
        quote_forms: list[dict] = [
            {"speaker": speaker},
            {"about": rng.choice(topics)},
            {"speaker": speaker, "about": rng.choice(topics)},
            {},
        ]
        out["quote"].append(quote_forms[i % len(quote_forms)])

        surname = (pick(drivers) or name).split()[-1]
        search_forms = [
            rng.choice(words),
            surname,
            f"{surname} {rng.choice(['pole', 'win', 'Cadillac', 'Daytona'])}",
            f'"{rng.choice(["pole position", "Petit Le Mans", "the championship"])}"',
            _typo(rng, surname),
        ]
        out["search"].append({"query": search_forms[i % len(search_forms)]})
    return out


QUERIES: dict[str, Callable[..., Awaitable[Any]]] = {
    "lineup": lineup,
    "driver": driver,
    "results": results,
    "quote": quote,
    "search": search,
}


async def warm_indexes(store: Store) -> dict[str, float]:
    """Build the name indexes (the one-time warm-up queries pay); return ms per kind."""
    warm: dict[str, float] = {}
    for kind in NAME_KINDS:
        start = time.perf_counter()
        await name_index(store, kind)
        warm[kind] = round((time.perf_counter() - start) * 1000, 1)
    return warm


async def bench_queries(
    store: Store, db_path: Path, iterations: int, seed: int = 11
) -> tuple[dict[str, dict[str, float | int]], dict[str, float]]:
    """Time each query over varied inputs; return per-query latency and the index warm-up."""
    services = services_for(store, db_path)
    warm = await warm_indexes(store)
    inputs = await query_inputs(store, random.Random(seed), iterations)
    out: dict[str, dict[str, float | int]] = {}
    for kind in QUERY_KINDS:
        run = QUERIES[kind]
        latency = Latency()
        errors = 0
        for options in inputs[kind]:
            start = time.perf_counter()
            try:
                if kind == "quote":
                    await run(services, rng=random.Random(7), **options)
                else:
                    await run(services, **options)
            except Exception as exc:  # a query bug must not stop the benchmark: count it
                errors += 1
                if errors == 1:
                    print(f"/{kind} {options} failed: {exc!r}", flush=True)
                continue
            latency.add(time.perf_counter() - start)
        out[kind] = {**latency.summary(), "errors": errors}
    return out, warm


# ---------------------------------------------------------------------------- autocomplete


def entity_names(count: int, seed: int = 5) -> list[str]:
    """Return `count` distinct invented person names (first, optional middle initial, last)."""
    rng = random.Random(seed)
    names: set[str] = set()
    while len(names) < count:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        names.add(f"{first} {last}" if len(names) % 5 else f"{first} {last}-{rng.randrange(99)}")
    return sorted(names)


def fill_entities(db_path: Path, names: list[str], seed: int = 5) -> None:
    """Write person entities with aliases (and mentions of a few articles) straight into SQLite."""
    rng = random.Random(seed)
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO articles (id, path, source, content_hash, title, body, ingested_at)"
            " VALUES (?, ?, ?, 'x', ?, 'text', '2026-01-01')",
            [(i, f"a{i}", f"a{i}", f"Article {i}") for i in range(1, 51)],
        )
        db.executemany(
            "INSERT INTO entities (id, kind, name, norm) VALUES (?, 'person', ?, ?)",
            [(i, name, fold(name)) for i, name in enumerate(names, start=1)],
        )
        aliases = [(i, name, fold(name)) for i, name in enumerate(names, start=1)]
        aliases += [
            (i, name.split()[-1], fold(name.split()[-1]))
            for i, name in enumerate(names, start=1)
            if i % 3 == 0
        ]
        db.executemany(
            "INSERT INTO entity_aliases (entity_id, alias, norm) VALUES (?, ?, ?)", aliases
        )
        db.executemany(
            "INSERT OR IGNORE INTO mentions (article_id, entity_id) VALUES (?, ?)",
            [(rng.randrange(1, 51), rng.randrange(1, len(names) + 1)) for _ in range(len(names))],
        )
        db.execute("COMMIT")
    finally:
        db.close()


def autocomplete_inputs(names: list[str], count: int, seed: int = 13) -> list[str]:
    """Return what people type: prefixes, surnames, middles, typos, and nothing at all."""
    rng = random.Random(seed)
    typed = []
    for i in range(count):
        name = rng.choice(names)
        first, last = name.split()[0], name.split()[-1]
        forms = [
            name[: rng.randint(1, 3)],
            name[: rng.randint(4, 10)],
            last[: rng.randint(2, 6)],
            f"{first} {last[:2]}",
            last[1:5],
            _typo(rng, last),
            "",
            name.lower(),
        ]
        typed.append(forms[i % len(forms)])
    return typed


async def bench_autocomplete(
    folder: Path, entities: int, iterations: int
) -> dict[str, float | int]:
    """Time person autocomplete over `entities` people; the index build is reported apart."""
    db_path = folder / f"entities-{entities}.db"
    async with Store.open(db_path):
        pass
    names = entity_names(entities)
    await asyncio.to_thread(fill_entities, db_path, names)
    async with Store.open(db_path) as store:
        services = services_for(store, db_path)
        start = time.perf_counter()
        await name_index(store, "person")
        warm_ms = (time.perf_counter() - start) * 1000
        latency = Latency()
        for text in autocomplete_inputs(names, iterations):
            start = time.perf_counter()
            await complete(services, "person", text)
            latency.add(time.perf_counter() - start)
    return {"entities": entities, **latency.summary(), "warmup_ms": round(warm_ms, 1)}
