"""Search snippets cost the same per hit however long the article is."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from bot.clock import OffsetClock, parse_instant
from bot.config import Config
from bot.facts import Article, ArticleFacts
from bot.queries.search import search
from bot.services import Services
from bot.store import Store

PARAGRAPH = (
    "Harlow took the pole at Daytona with a lap of 1:34.5 while the rest of the field "
    "struggled in traffic and the crews worked through the night on brakes and tyres."
)


async def _put(store: Store, name: str, size: int) -> int:
    count = size // (len(PARAGRAPH) + 2)
    body = "\n\n".join(f"{PARAGRAPH} Stint {n}." for n in range(count))
    article = Article(source=name, title=f"Notes {name}", body=body, content_hash=name)
    return await store.put_article(
        article, ArticleFacts(), path=name, fingerprint=name, now=datetime.now(UTC)
    )


async def _search_seconds(services: Services, query: str) -> tuple[float, dict]:
    best = float("inf")
    hit: dict = {}
    for _ in range(3):
        began = time.perf_counter()
        answer = await search(services, query=query)
        best = min(best, time.perf_counter() - began)
        hit = answer.data["hits"][0]
    return best, hit


async def test_a_snippet_of_a_1_mb_article_costs_about_what_a_small_one_does(
    tmp_path: Path, config: Config
):
    async with (
        Store.open(tmp_path / "big.db") as big_store,
        Store.open(tmp_path / "small.db") as small_store,
    ):
        await _put(big_store, "big.txt", 950_000)
        await _put(small_store, "small.txt", 95_000)
        clock = OffsetClock(parse_instant("2024-01-20T12:00:00Z"))
        big, big_snippet = await _search_seconds(Services(big_store, config, clock), "pole traffic")
        small, small_snippet = await _search_seconds(
            Services(small_store, config, clock), "pole traffic"
        )
    assert {"pole", "traffic"} <= set(big_snippet["highlights"])
    assert big_snippet["snippet"].startswith("Harlow took the pole at Daytona")
    assert len(big_snippet["snippet"]) < 400
    assert "pole" in small_snippet["highlights"]
    print(f"search: 95 kB article {small * 1000:.1f} ms, 950 kB {big * 1000:.1f} ms")
    assert big / small < 4, f"95 kB article {small * 1000:.1f} ms, 950 kB {big * 1000:.1f} ms"
