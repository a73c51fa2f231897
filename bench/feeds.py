"""The feeds step: 1,000 new feed items vs the same texts as files, then an unchanged refresh.

`FEEDS` feeds of `ITEMS_PER_FEED` items each (full text in content:encoded) are served by the
local source server on 127.0.0.1 (real HTTP, ETags, 304s). The texts are the bench corpus's
first articles, also written as files. Timed, each on a fresh store:

* `paddock ingest` of the files (`Ingestor.ingest`, as the command line does);
* the first refresh of every feed (`refresh_all`, as `paddock refresh` does): fetch, parse,
  ingest every item, record the items;
* a second refresh: every feed unchanged, so every request is a conditional GET.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

from bench.corpus import CorpusGenerator
from bot.articles import read_article
from bot.config import Config, FeedSource
from bot.facts import Article
from bot.ingest.fetch import Fetcher
from bot.ingest.files import Ingestor
from bot.ingest.sources import RefreshReport, refresh_all
from bot.schedule.calendar import Calendar
from bot.store import Store
from tests.sources_server import SourceServer

REPO_ROOT = Path(__file__).resolve().parents[1]
ALIASES_FILE = REPO_ROOT / "seeds" / "aliases.toml"
FEEDS = 50
ITEMS_PER_FEED = 20
RSS_TYPE = "application/rss+xml"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def feed_xml(feed: int, articles: list[Article], base: str) -> str:
    """Return an RSS 2.0 feed whose items carry the articles' full texts."""
    items = []
    for number, article in enumerate(articles):
        paragraphs = "".join(f"<p>{escape(p)}</p>" for p in article.body.split("\n\n") if p)
        published = datetime.combine(article.published or NOW.date(), NOW.time(), UTC)
        items.append(
            f"<item><title>{escape(article.title)}</title>"
            f"<link>{base}/news/{feed}/{number}?utm_source=rss</link>"
            f'<guid isPermaLink="false">feed-{feed}-item-{number}</guid>'
            f"<pubDate>{format_datetime(published, usegmt=True)}</pubDate>"
            f"<description>{escape(article.title)}</description>"
            f"<content:encoded><![CDATA[{paragraphs}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>Bench feed {feed}</title><link>{base}/</link>"
        f"<description>bench</description>{''.join(items)}</channel></rss>"
    )


def write_texts(folder: Path, seed: int, count: int) -> list[Article]:
    """Write `count` corpus articles as files and return them as read back."""
    generator = CorpusGenerator(seed)
    folder.mkdir(parents=True, exist_ok=True)
    articles = []
    for number in range(count):
        name, text = generator.article(number)
        path = folder / name
        path.write_text(text, encoding="utf-8")
        articles.append(read_article(path))
    return articles


async def ingest_files(folder: Path, db: Path) -> tuple[float, int, int]:
    """Ingest the files into a fresh store as `paddock ingest` does.

    Returns the seconds it took, the articles added and the facts read.
    """
    async with Store.open(db) as store:
        ingestor = await Ingestor.create(store, ALIASES_FILE)
        start = time.perf_counter()
        report = await ingestor.ingest([folder])
        seconds = time.perf_counter() - start
        facts = (await store.stats()).facts
    if report.skipped:
        raise RuntimeError(f"ingest skipped {len(report.skipped)} files: {report.skipped[:3]}")
    return seconds, len(report.added), facts


async def refresh_twice(config: Config) -> tuple[float, RefreshReport, float, RefreshReport, int]:
    """Refresh every feed twice on a fresh store.

    Returns each refresh's seconds and report, and the facts read.
    """
    async with Store.open(config.database) as store, Fetcher.open() as fetcher:
        ingestor = await Ingestor.create(store, ALIASES_FILE)
        start = time.perf_counter()
        first = await refresh_all(store, config, fetcher, ingestor, Calendar(), NOW)
        first_s = time.perf_counter() - start
        start = time.perf_counter()
        second = await refresh_all(store, config, fetcher, ingestor, Calendar(), NOW)
        second_s = time.perf_counter() - start
        facts = (await store.stats()).facts
    return first_s, first, second_s, second, facts


async def bench_feeds(
    work: Path, seed: int, rounds: int = 1, feeds: int = FEEDS, items: int = ITEMS_PER_FEED
) -> dict[str, Any]:
    """Run the feeds step `rounds` times (files and feeds in turn) and keep each best time.

    Taking turns and the best of each keeps the ratio fair on a machine whose load changes.
    """
    count = feeds * items
    texts = work / "feed-texts"
    articles = write_texts(texts, seed, count)
    files_times, feed_times, unchanged_times = [], [], []
    async with SourceServer() as server:
        base = server.url("")
        for feed in range(feeds):
            chunk = articles[feed * items : (feed + 1) * items]
            server.put(f"/feed-{feed}.xml", feed_xml(feed, chunk, base), RSS_TYPE)
        for turn in range(rounds):
            files_s, files_added, files_facts = await ingest_files(texts, work / f"files-{turn}.db")
            config = Config(
                database=work / f"feeds-{turn}.db",
                seeds=REPO_ROOT / "seeds",
                feeds=tuple(FeedSource(server.url(f"/feed-{f}.xml")) for f in range(feeds)),
            )
            first_s, first, second_s, second, feed_facts = await refresh_twice(config)
            second_requests = server.requests[-feeds:]
            if first.failed or second.failed:
                raise RuntimeError(f"feeds failed: {first.failed or second.failed}")
            added = sum(s.added for s in first.sources)
            if added != count or files_added != count:
                raise RuntimeError(f"expected {count} articles: {added} from feeds, {files_added}")
            files_times.append(files_s)
            feed_times.append(first_s)
            unchanged_times.append(second_s)
    return {
        "feeds": feeds,
        "items_per_feed": items,
        "items": count,
        "rounds": rounds,
        "files_ingest_s": round(min(files_times), 3),
        "feeds_ingest_s": round(min(feed_times), 3),
        "ratio": round(min(feed_times) / min(files_times), 4),
        "files_facts": files_facts,
        "feeds_facts": feed_facts,
        "unchanged_refresh_s": round(max(unchanged_times), 3),
        "not_modified": sum(s.not_modified for s in second.sources),
        "requests_304": sum(r.status == 304 for r in second_requests),
        "unchanged_added": sum(s.added + s.updated for s in second.sources),
    }
