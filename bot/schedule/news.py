"""News posts: each new article from a feed goes once to every server that asked for its news.

A news post is an outbox row (kind 'news', ref `news:<article id>`), so the outbox's uniqueness
makes it once per server, and a restart neither loses nor repeats it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime

from bot.schedule.calendar import series_matches
from bot.schedule.outbox import stamp

NEWS_REF_PREFIX = "news:"


def news_ref(article_id: int) -> str:
    """Return the outbox ref of an article's news post."""
    return f"{NEWS_REF_PREFIX}{article_id}"


def wants_series(chosen: Iterable[str], series: str | None) -> bool:
    """Return whether a server that chose `chosen` series (none: all) gets news of `series`."""
    wanted = tuple(chosen)
    return not wanted or series_matches(series, wanted)


def queue_news(
    db: sqlite3.Connection, articles: Iterable[tuple[int, str | None]], now: datetime
) -> int:
    """Queue a news post of each (article id, series) for every server that wants it.

    Runs inside a writer transaction; returns how many posts were queued.
    """
    servers = [
        (int(row[0]), tuple(json.loads(row[1] or "[]")), bool(row[2]))
        for row in db.execute(
            "SELECT guild_id, series, paused FROM guild_settings WHERE news_channel_id IS NOT NULL"
        )
    ]
    queued = 0
    for article_id, series in articles:
        payload = json.dumps({"article_id": article_id}, sort_keys=True)
        for guild_id, chosen, paused in servers:
            if not wants_series(chosen, series):
                continue
            cur = db.execute(
                "INSERT OR IGNORE INTO outbox (guild_id, ref, lead, kind, due_utc, payload,"
                " status) VALUES (?, ?, 0, 'news', ?, ?, ?)",
                (
                    guild_id,
                    news_ref(article_id),
                    stamp(now),
                    payload,
                    "paused" if paused else "pending",
                ),
            )
            queued += cur.rowcount
    return queued
