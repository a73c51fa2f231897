"""Queries saved under a short key, so that a button can run its query again any time later.

A pager button cannot hold a query's options (Discord allows 100 characters of `custom_id`);
it holds the key of a saved query instead. The same query with the same options always gets
the same key, so the table holds each distinct query once.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from bot.queries.answers import Answer
from bot.schedule.outbox import stamp
from bot.services import Services
from bot.store import Store

log = logging.getLogger(__name__)

QUERY_PACKAGE = "bot.queries."  # only queries of this package are saved and run again
KEY_LENGTH = 12  # hex characters: 48 bits, plenty for the distinct queries of one bot

Query = Callable[[Services], Awaitable[Answer]]


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """A core query by name (`module:function`) with its keyword options."""

    name: str
    options: dict[str, Any]

    @property
    def key(self) -> str:
        """Return the short key of this query and options."""
        text = json.dumps([self.name, self.options], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:KEY_LENGTH]


def saved_query_of(query: Callable[..., Any]) -> SavedQuery | None:
    """Return the saveable form of a query (a core function, maybe partial), or None."""
    options: dict[str, Any] = {}
    func = query
    if isinstance(query, partial):
        func = query.func
        if query.args:
            return None
        options = {k: v for k, v in query.keywords.items() if _is_json(v)}
    module, name = getattr(func, "__module__", ""), getattr(func, "__qualname__", "")
    if not module.startswith(QUERY_PACKAGE) or "." in name or "<" in name:
        return None
    return SavedQuery(f"{module}:{name}", options)


def _is_json(value: Any) -> bool:
    """Return whether a value is plain data (an option a user gave), not e.g. a callback."""
    return value is None or isinstance(value, str | int | float | bool)


async def remember(store: Store, saved: SavedQuery, now: datetime) -> str:
    """Save a query (once) and return its key."""
    key = saved.key
    async with store.transaction() as db:
        await db.execute(
            "INSERT OR IGNORE INTO saved_queries (key, query, options, created_at)"
            " VALUES (?, ?, ?, ?)",
            (key, saved.name, json.dumps(saved.options, sort_keys=True), stamp(now)),
        )
    return key


async def recall(store: Store, key: str) -> SavedQuery | None:
    """Return the query saved under `key`, or None."""
    row = await store.fetchone("SELECT query, options FROM saved_queries WHERE key = ?", (key,))
    return SavedQuery(row["query"], json.loads(row["options"])) if row else None


def resolve(saved: SavedQuery) -> Query | None:
    """Return the runnable query of a saved one, or None if this version has no such query."""
    module_name, _, func_name = saved.name.partition(":")
    if not module_name.startswith(QUERY_PACKAGE):
        return None
    try:
        func = getattr(importlib.import_module(module_name), func_name)
        inspect.signature(func).bind(None, **saved.options)  # None stands for the services
    except (ImportError, AttributeError, TypeError):
        log.warning("Saved query %s no longer exists or takes %s", saved.name, saved.options)
        return None
    return partial(func, **saved.options)


async def rerun(services: Services, key: str) -> Answer | None:
    """Run the query saved under `key` again; None when it is unknown."""
    saved = await recall(services.store, key)
    query = resolve(saved) if saved is not None else None
    return await query(services) if query is not None else None
