"""Poll the configured sources once: news feeds into articles, calendars into the calendar.

One source's failure (unreachable, HTTP error, malformed) is reported by its URL and recorded
as its last error; every other source still goes in. `paddock refresh` and the running bot's
poller both call `poll_feeds` / `poll_calendar` (`paddock refresh` ingests every feed's new
items in one go).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Literal

import aiosqlite

from bot.config import CalendarSource, Config, FeedSource
from bot.facts import Article
from bot.ingest.feeds import (
    FeedError,
    FeedItem,
    is_html,
    item_article,
    item_hash,
    page_text,
    parse_feed,
)
from bot.ingest.fetch import Fetched, Fetcher, FetchError
from bot.ingest.files import Ingestor, IngestReport
from bot.schedule.calendar import Calendar
from bot.schedule.news import queue_news
from bot.schedule.subscriptions import parse_subscription, save_subscription
from bot.store import Store

log = logging.getLogger(__name__)

SourceKind = Literal["feed", "calendar"]
Outcome = Literal["changed", "unchanged", "failed"]
PATHS_PER_QUERY = 500


@dataclass(slots=True)
class SourceReport:
    """What one poll of one source did."""

    url: str
    kind: SourceKind
    outcome: Outcome = "unchanged"
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    error: str | None = None
    not_modified: bool = False
    news_queued: int = 0

    @property
    def ok(self) -> bool:
        """Return whether the source was read (some items may still have been skipped)."""
        return self.outcome != "failed"

    def line(self) -> str:
        """Return the one-line summary `paddock refresh` prints."""
        if self.error is not None:
            return f"{self.kind} {self.url}: failed: {self.error}"
        if self.not_modified:
            return f"{self.kind} {self.url}: not modified (304)"
        what = "articles" if self.kind == "feed" else "events"
        parts = [f"{self.added} added", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        if self.kind == "calendar":
            parts.append(f"{self.cancelled} cancelled")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        line = f"{self.kind} {self.url}: {what} {', '.join(parts)}"
        for name, reason in self.skipped:
            line += f"\n  skipped {name}: {reason}"
        return line


@dataclass(frozen=True, slots=True)
class SourceState:
    """A source's row: validators for a conditional GET, and its health."""

    url: str
    kind: SourceKind
    series: str | None = None
    name: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_polled: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    item_count: int = 0


async def source_states(store: Store) -> dict[str, SourceState]:
    """Return every source the store has polled, by URL."""
    rows = await store.fetchall(
        "SELECT url, kind, series, name, etag, last_modified, last_polled, last_success,"
        " last_error, item_count FROM sources ORDER BY kind, url"
    )
    return {row["url"]: SourceState(*row) for row in rows}


async def _state(store: Store, url: str, kind: SourceKind, series: str | None) -> SourceState:
    row = await store.fetchone(
        "SELECT url, kind, series, name, etag, last_modified, last_polled, last_success,"
        " last_error, item_count FROM sources WHERE url = ?",
        (url,),
    )
    return SourceState(*row) if row else SourceState(url, kind, series)


def _record(
    db: sqlite3.Connection,
    state: SourceState,
    now: datetime,
    *,
    error: str | None = None,
    fetched: Fetched | None = None,
    keep_validators: bool = True,
    name: str | None = None,
) -> None:
    """Save a source's health and validators after a poll (inside a writer transaction)."""
    etag, modified = state.etag, state.last_modified
    if fetched is not None and not fetched.not_modified:
        etag, modified = (fetched.etag, fetched.last_modified) if keep_validators else (None, None)
    kind = state.kind
    db.execute(
        "INSERT INTO sources (url, kind, series, name, etag, last_modified, last_polled,"
        " last_success, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (url) DO UPDATE SET kind = excluded.kind, series = excluded.series,"
        " name = coalesce(excluded.name, sources.name), etag = excluded.etag,"
        " last_modified = excluded.last_modified, last_polled = excluded.last_polled,"
        " last_success = coalesce(excluded.last_success, sources.last_success),"
        " last_error = excluded.last_error",
        (
            state.url,
            kind,
            state.series,
            name,
            etag,
            modified,
            now.isoformat(),
            None if error else now.isoformat(),
            error,
        ),
    )
    _count_items(db, state)


def _count_items(db: sqlite3.Connection, state: SourceState) -> None:
    """Save how many items (feed) or live events (calendar) a source has now."""
    count_sql = (
        "SELECT count(*) FROM feed_items WHERE source_url = ?"
        if state.kind == "feed"
        else "SELECT count(*) FROM calendar_events WHERE source_url = ? AND cancelled = 0"
    )
    count = db.execute(count_sql, (state.url,)).fetchone()[0]
    db.execute("UPDATE sources SET item_count = ? WHERE url = ?", (count, state.url))


async def _fail(store: Store, report: SourceReport, state: SourceState, now: datetime) -> None:
    """Record a failed poll; the source's last success and validators stay."""
    report.outcome = "failed"
    log.warning("Source %s failed: %s", report.url, report.error)
    await store.write(partial(_record, state=state, now=now, error=report.error))


# --- feeds ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Todo:
    """A feed item to (re-)ingest under its article key."""

    item: FeedItem
    key: str
    digest: str
    new: bool


async def poll_feed(
    store: Store, fetcher: Fetcher, ingestor: Ingestor, source: FeedSource, now: datetime
) -> SourceReport:
    """Poll one news feed: new and changed items become articles, new ones news posts."""
    (report,) = await poll_feeds(store, fetcher, ingestor, [source], now)
    return report


@dataclass(slots=True)
class _FeedRead:
    """A fetched feed whose new and changed items are read, waiting to be ingested."""

    report: SourceReport
    state: SourceState
    source: FeedSource
    fetched: Fetched
    name: str
    ready: list[_Todo]
    articles: list[tuple[str, Article]]


async def poll_feeds(
    store: Store,
    fetcher: Fetcher,
    ingestor: Ingestor,
    sources: Sequence[FeedSource],
    now: datetime,
) -> list[SourceReport]:
    """Poll feeds at once: fetch and read them concurrently, then ingest every item in one go.

    One ingest for the whole round lets a big round use the worker processes and write in
    chunks, as `paddock ingest` does, instead of one small ingest per feed. An article two
    feeds both bring (the same canonical URL) is ingested once.
    """
    reads = await asyncio.gather(*(_read_feed(store, fetcher, s, now) for s in sources))
    batch: dict[str, Article] = {}
    for read in reads:
        if isinstance(read, _FeedRead):
            for key, article in read.articles:
                batch.setdefault(key, article)
    ingested = await ingestor.ingest_articles(list(batch.items())) if batch else None
    reports = []
    for read in reads:
        if isinstance(read, _FeedRead):
            await _save_feed(store, read, ingested, now)
            reports.append(read.report)
        else:
            reports.append(read)
    return reports


async def _read_feed(
    store: Store, fetcher: Fetcher, source: FeedSource, now: datetime
) -> _FeedRead | SourceReport:
    """Fetch a feed and read its new and changed items (a report when done already)."""
    report = SourceReport(source.url, "feed")
    state = await _state(store, source.url, "feed", source.series)
    try:
        fetched = await fetcher.get(source.url, etag=state.etag, last_modified=state.last_modified)
        if fetched.not_modified:
            report.not_modified = True
            await store.write(partial(_record, state=state, now=now, fetched=fetched))
            return report
        parsed = await asyncio.to_thread(parse_feed, fetched.body, source.url, fetched.content_type)
    except (FetchError, FeedError) as exc:
        report.error = exc.reason if isinstance(exc, FetchError) else str(exc)
        await _fail(store, report, state, now)
        return report
    todo = await _todo(store, source.url, parsed.items, report)
    read = await asyncio.gather(*(_article(fetcher, t, parsed.title, source) for t in todo))
    articles: list[tuple[str, Article]] = []
    ready: list[_Todo] = []
    for item, article in zip(todo, read, strict=True):
        if isinstance(article, str):
            report.skipped.append((item.item.link or item.item.guid, article))
        else:
            articles.append((item.key, article))
            ready.append(item)
    return _FeedRead(report, state, source, fetched, parsed.title, ready, articles)


async def _save_feed(
    store: Store, read: _FeedRead, ingested: IngestReport | None, now: datetime
) -> None:
    """Record a read feed's items once they are ingested, and queue news of the new ones."""
    report, keys = read.report, {key for key, _ in read.articles}
    if ingested is not None:
        report.skipped += [(key, why) for key, why in ingested.skipped if key in keys]
    failed = {key for key, _ in report.skipped}
    ready = [t for t in read.ready if t.key not in failed]
    ids = await _article_ids(store, [t.key for t in ready])
    report.added = sum(1 for t in ready if t.new)
    report.updated = len(ready) - report.added
    report.outcome = "changed" if ready else "unchanged"
    report.news_queued = await store.write(
        partial(
            _save_items,
            state=read.state,
            ready=ready,
            ids=ids,
            series=read.source.series,
            fetched=read.fetched,
            complete=not report.skipped,
            name=read.name,
            now=now,
        )
    )


async def _todo(store: Store, url: str, items: list[FeedItem], report: SourceReport) -> list[_Todo]:
    """Return the items that are new or changed; duplicates (GUID, canonical URL) are left out."""
    rows = await store.fetchall(
        "SELECT guid, article_path, content_hash FROM feed_items WHERE source_url = ?", (url,)
    )
    by_guid = {row["guid"]: (row["article_path"], row["content_hash"]) for row in rows}
    elsewhere = await _known_urls(store, [i.canonical_url for i in items if i.canonical_url])
    todo: list[_Todo] = []
    seen: set[str] = set()
    for item in items:
        digest = item_hash(item)
        known = by_guid.get(item.guid)
        if known is not None and known[1] == digest:
            report.unchanged += 1
            continue
        key = known[0] if known else elsewhere.get(item.canonical_url or "", item.key)
        if key in seen:  # the same article twice in one feed
            report.unchanged += 1
            continue
        seen.add(key)
        if known is None and item.canonical_url in elsewhere:  # already read from another item
            report.unchanged += 1
            continue
        todo.append(_Todo(item, key, digest, new=known is None))
    return todo


async def _known_urls(store: Store, urls: list[str]) -> dict[str, str]:
    """Return the article key of every canonical URL some feed item already has."""
    select = "SELECT canonical_url, article_path FROM feed_items WHERE canonical_url IN ({})"
    return {row[0]: row[1] for row in await _rows_in(store, select, urls)}


async def _article_ids(store: Store, keys: list[str]) -> dict[str, int]:
    """Return the article ids of stored article keys."""
    select = "SELECT path, id FROM articles WHERE path IN ({})"
    return {row[0]: int(row[1]) for row in await _rows_in(store, select, keys)}


async def _rows_in(store: Store, select: str, values: list[str]) -> list[aiosqlite.Row]:
    """Return the rows of `select` (its `IN ({})` filled with marks), a batch of values a query."""
    rows: list[aiosqlite.Row] = []
    for at in range(0, len(values), PATHS_PER_QUERY):
        batch = values[at : at + PATHS_PER_QUERY]
        rows += await store.fetchall(select.format(", ".join("?" for _ in batch)), batch)
    return rows


async def _article(
    fetcher: Fetcher, todo: _Todo, feed_title: str, source: FeedSource
) -> Article | str:
    """Return a feed item's article: from its full content, else from its linked page.

    A string is the reason the item cannot be read.
    """
    item = todo.item
    if item.content is not None:
        body = item.content
    elif item.link:
        try:
            page = await fetcher.get(item.link)
        except FetchError as exc:
            return f"linked page: {exc.reason}"
        if not is_html(page.content_type):
            return f"linked page is not HTML ({page.content_type or 'no content type'})"
        try:
            body = await asyncio.to_thread(page_text, page.body, page.url)
        except FeedError as exc:
            return f"linked page: {exc}"
    elif item.summary:
        body = item.summary
    else:
        return "no text and no link"
    return item_article(item, body, feed_title, source.series)


def _save_items(
    db: sqlite3.Connection,
    state: SourceState,
    ready: list[_Todo],
    ids: dict[str, int],
    series: str | None,
    fetched: Fetched,
    complete: bool,
    name: str,
    now: datetime,
) -> int:
    """Record the items read and queue news of the new ones, in one transaction.

    When some item could not be read, the feed's validators are not kept, so the next poll
    reads the whole feed again and retries it.
    """
    _record(db, state, now, fetched=fetched, keep_validators=complete, name=name)
    news: list[tuple[int, str | None]] = []
    for todo in ready:
        article_id = ids.get(todo.key)
        if article_id is None:
            continue
        announced = db.execute(
            "SELECT 1 FROM feed_items WHERE article_path = ? LIMIT 1", (todo.key,)
        ).fetchone()
        db.execute(
            "INSERT INTO feed_items (source_url, guid, canonical_url, article_path, content_hash,"
            " seen_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_url, guid) DO UPDATE SET"
            " canonical_url = excluded.canonical_url, article_path = excluded.article_path,"
            " content_hash = excluded.content_hash, seen_at = excluded.seen_at",
            (
                state.url,
                todo.item.guid,
                todo.item.canonical_url,
                todo.key,
                todo.digest,
                now.isoformat(),
            ),
        )
        if announced is None:
            news.append((article_id, series))
    _count_items(db, state)
    return queue_news(db, news, now)


# --- calendars ------------------------------------------------------------------------------


async def poll_calendar(
    store: Store, fetcher: Fetcher, source: CalendarSource, base: Calendar, now: datetime
) -> SourceReport:
    """Poll one calendar subscription and store its events (merged with `base` when read)."""
    report = SourceReport(source.url, "calendar")
    state = await _state(store, source.url, "calendar", source.series)
    try:
        fetched = await fetcher.get(source.url, etag=state.etag, last_modified=state.last_modified)
        if fetched.not_modified:
            report.not_modified = True
            await store.write(partial(_record, state=state, now=now, fetched=fetched))
            return report
        found = await asyncio.to_thread(parse_subscription, fetched.body, source.series, now, base)
    except FetchError as exc:
        report.error = exc.reason
        await _fail(store, report, state, now)
        return report
    except ValueError as exc:
        report.error = str(exc)
        await _fail(store, report, state, now)
        return report

    def save(db: sqlite3.Connection) -> None:
        _record(db, state, now, fetched=fetched)  # the source row first: events refer to it
        change = save_subscription(db, source.url, found, base, now)
        report.added, report.updated = change.added, change.updated
        report.cancelled, report.unchanged = change.cancelled, change.unchanged
        report.outcome = "changed" if change.changed else "unchanged"
        _count_items(db, state)

    await store.write(save)
    return report


# --- everything once ------------------------------------------------------------------------


@dataclass(slots=True)
class RefreshReport:
    """What one round over every source did."""

    sources: list[SourceReport] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        """Return the URLs of the sources that could not be read."""
        return [s.url for s in self.sources if not s.ok]

    @property
    def calendar_changed(self) -> bool:
        """Return whether a calendar subscription changed the merged calendar."""
        return any(s.kind == "calendar" and s.outcome == "changed" for s in self.sources)

    @property
    def news_queued(self) -> int:
        """Return how many news posts were queued."""
        return sum(s.news_queued for s in self.sources)


async def refresh_all(
    store: Store,
    config: Config,
    fetcher: Fetcher,
    ingestor: Ingestor,
    base: Calendar,
    now: datetime,
) -> RefreshReport:
    """Poll every configured feed and calendar once (concurrently, bounded by the fetcher)."""
    feeds = poll_feeds(store, fetcher, ingestor, config.feeds, now)
    calendars = [poll_calendar(store, fetcher, cal, base, now) for cal in config.calendars]
    feed_reports, calendar_reports = await asyncio.gather(feeds, asyncio.gather(*calendars))
    return RefreshReport([*feed_reports, *calendar_reports])
