"""The /search query: full-text search over the articles, best match first."""

from __future__ import annotations

import logging
import re
from typing import Any

import aiosqlite

from bot.queries.answers import Answer, Section, not_found
from bot.queries.common import (
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    clip,
    short_cite,
    source_data,
    source_from,
)
from bot.queries.inline import Bold, Span, Text
from bot.services import Services
from bot.store import Store

log = logging.getLogger(__name__)

MAX_HITS = 10
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0
SNIPPET_TOKENS = 24
MARK_OPEN = "\x02"
MARK_CLOSE = "\x03"
RANKED_MATCHES = 1_000
"""Matches ranked at most per query, the most recently added (ranking every match of a common
word would read most of the index); the answer says when there are more."""

MODE_LEADS = {
    "phrase": "The exact phrase first, then articles with all or some of your words",
    "all": "Articles with all your words, best first",
    "any": "No article has all your words; articles with some, best first",
}

_FLOOR_SQL = (
    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?"
)
"""The id of the oldest match ranked, when there are more than RANKED_MATCHES."""
_SEARCH_SQL = (
    "SELECT a.id AS article_id, a.title, a.published, bm25(articles_fts, ?, ?) AS score"
    " FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
    " WHERE articles_fts MATCH ? AND articles_fts.rowid >= ?"
    " ORDER BY score, a.published DESC LIMIT ?"
)
_COUNT_SQL = "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)"
_SNIPPET_SQL = (
    "SELECT snippet(articles_fts, 1, ?, ?, '…', ?) FROM articles_fts"
    " WHERE articles_fts MATCH ? AND articles_fts.rowid = ?"
)
SNIPPET_FTS_MAX_PARAGRAPHS = 60
SNIPPET_FTS_MAX_CHARS = 20_000
"""Articles with fewer paragraphs than this, none longer than this, get FTS5's snippet();
longer ones a window around the first match (snippet() costs more than the text's length)."""
SNIPPET_BEFORE_CHARS = 60
SNIPPET_AFTER_CHARS = 140
"""The window of a long article's snippet: characters before and after its first match."""
_MARKS = re.compile(f"{MARK_OPEN}(.*?){MARK_CLOSE}", re.DOTALL)
_PHRASE = re.compile(r'"([^"]*)"')
_WORD = re.compile(r"\w+")


def fts_query(text: str, *, any_term: bool = False) -> str | None:
    """Turn user input into a safe FTS5 query: "quoted phrases" kept, every word quoted.

    Operators, stars and stray quotes never reach FTS5; None when nothing is searchable.
    """
    terms: list[str] = []
    for phrase in _PHRASE.findall(text):
        words = _WORD.findall(phrase)
        if words:
            terms.append('"' + " ".join(words) + '"')
    terms += [f'"{word}"' for word in _WORD.findall(_PHRASE.sub(" ", text))]
    unique = list(dict.fromkeys(terms))
    if not unique:
        return None
    return (" OR " if any_term else " ").join(unique)


def bold_snippet(snippet: str) -> Text:
    """Return a snippet with its matches in bold."""
    spans: list[Span] = []
    for number, part in enumerate(_MARKS.split(snippet)):
        spans.append(Bold(part) if number % 2 else part)
    return Text.of(*spans)


def highlights(snippet: str) -> list[str]:
    """Return the matched words of a snippet, in order."""
    return _MARKS.split(snippet)[1::2]


async def _run(store: Store, match: str) -> list[dict[str, Any]]:
    """Run one FTS5 query; a query FTS5 rejects finds nothing rather than failing."""
    try:
        floor = await store.fetchone(_FLOOR_SQL, (match, RANKED_MATCHES))
        params = (TITLE_WEIGHT, BODY_WEIGHT, match, floor[0] if floor else 0, MAX_HITS)
        rows = [{**row, "match": match} for row in await store.fetchall(_SEARCH_SQL, params)]
    except aiosqlite.OperationalError as exc:
        log.warning("Search %r rejected by FTS5: %s", match, exc)
        return []
    return rows


async def _snippet(store: Store, match: str, article_id: int) -> str:
    """Return the text around an article's matches (marked), for one hit.

    FTS5's snippet() weighs every window of the whole body, which costs more than the body's
    length (a 1 MB article took seconds); a long article gets a window of its first matching
    paragraph instead, found without reading the rest.
    """
    if await _long(store, article_id):
        return await _paragraph_snippet(store, match, article_id)
    params = (MARK_OPEN, MARK_CLOSE, SNIPPET_TOKENS, match, article_id)
    row = await store.fetchone(_SNIPPET_SQL, params)
    return row[0] if row and row[0] else ""


async def _long(store: Store, article_id: int) -> bool:
    """Tell whether an article is too long for FTS5's snippet(): many or long paragraphs."""
    row = await store.fetchone(
        "SELECT max(idx) FROM paragraphs WHERE article_id = ?", (article_id,)
    )
    last = row[0] if row else None
    if last is None:
        return False
    if last + 1 > SNIPPET_FTS_MAX_PARAGRAPHS:
        return True
    row = await store.fetchone(
        "SELECT max(length(text)) FROM paragraphs WHERE article_id = ?", (article_id,)
    )
    return bool(row and row[0] and row[0] > SNIPPET_FTS_MAX_CHARS)


async def _paragraph_snippet(store: Store, match: str, article_id: int) -> str:
    """Return a window of the first paragraph with a word of the query (else the first)."""
    phrases = _PHRASE.findall(match) or _WORD.findall(match)
    words = list(dict.fromkeys(w for phrase in phrases for w in _WORD.findall(phrase)))
    likes = " OR ".join("text LIKE ? ESCAPE '\\'" for _ in words) or "1"
    row = await store.fetchone(
        f"SELECT text FROM paragraphs WHERE article_id = ? AND ({likes})"  # noqa: S608
        " ORDER BY idx LIMIT 1",
        (article_id, *(f"%{_like_escape(w)}%" for w in words)),
    )
    if row is None:
        row = await store.fetchone(
            "SELECT text FROM paragraphs WHERE article_id = ? ORDER BY idx LIMIT 1", (article_id,)
        )
    return window_snippet(row[0] if row else "", phrases)


def _like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def query_tiers(text: str) -> list[tuple[str, str]]:
    """Return the FTS5 queries to try, best first: the words as a phrase, all words, any word."""
    everything = fts_query(text)
    if everything is None:
        return []
    tiers = []
    words = _WORD.findall(text)
    if len(words) > 1 and '"' not in text:
        tiers.append(("phrase", '"' + " ".join(words) + '"'))
    tiers.append(("all", everything))
    anything = fts_query(text, any_term=True)
    if anything and anything != everything:
        tiers.append(("any", anything))
    return tiers


async def _ranked(store: Store, tiers: list[tuple[str, str]]) -> tuple[list[Any], str, str]:
    """Run the tiers in order, keeping each article once, up to the hit limit."""
    rows: dict[int, Any] = {}
    mode, match = "", ""
    for name, query in tiers:
        found = [row for row in await _run(store, query) if row["article_id"] not in rows]
        if found and not mode:
            mode, match = name, query
        rows.update((row["article_id"], row) for row in found)
        if len(rows) >= MAX_HITS:
            break
    hits = list(rows.values())[:MAX_HITS]
    for hit in hits:
        hit["snip"] = await _snippet(store, hit["match"], hit["article_id"])
    return hits, mode, match


async def search(services: Services, query: str) -> Answer:
    """Find articles by full-text search (title weighted), with the matches in bold."""
    tiers = query_tiers(query)
    if not tiers:
        answer = not_found("article", query, [])
        answer.description = f"“{query}” has no words to search for."
        return answer
    rows, mode, match = await _ranked(services.store, tiers)
    if not rows:
        return not_found("article", query, [])
    hits = [_hit(row) for row in rows]
    sources = [source_from(row) for row in rows]
    lead = MODE_LEADS[mode]
    matched = await _count(services.store, match)
    return Answer(
        title=f"Search: {clip(query, FIELD_NAME_LIMIT - 8)}",
        description=f"{lead} ({_found_text(len(hits), matched)}).",
        sections=[
            Section(
                clip(src.headline, FIELD_NAME_LIMIT),
                bold_snippet(row["snip"] or "").clip(FIELD_VALUE_LIMIT - len(short_cite(src)) - 1)
                + f"\n{short_cite(src)}",
            )
            for hit, row, src in zip(hits, rows, sources, strict=True)
        ],
        sources=sources,
        data={"query": query, "fts": match, "mode": mode, "hits": hits},
    )


async def _count(store: Store, match: str) -> int:
    """Return how many articles match an FTS5 query, counting to one past RANKED_MATCHES."""
    row = await store.fetchone(_COUNT_SQL, (match, RANKED_MATCHES + 1))
    return int(row[0]) if row else 0


def _found_text(shown: int, matched: int) -> str:
    """Say how many hits are shown, and of how many matching articles when there are more."""
    if matched <= shown:
        return f"{shown} found"
    total = f"{RANKED_MATCHES:,}+" if matched > RANKED_MATCHES else f"{matched:,}"
    return f"{shown} of {total} shown"


def _hit(row: Any) -> dict[str, Any]:
    """Return one search hit as JSON-ready data: the snippet and the words it matched."""
    snippet = row["snip"] or ""
    return {
        **source_data(source_from(row)),
        "snippet": snippet.replace(MARK_OPEN, "").replace(MARK_CLOSE, ""),
        "highlights": highlights(snippet),
        "score": round(float(row["score"]), 4),
    }


def window_snippet(body: str, terms: list[str]) -> str:
    """Return the words around the first match of `terms` (words, phrases), the matches marked.

    One regular-expression scan and a window of constant size: the cost per hit stays
    bounded however long the article is. A match FTS5 made through folding (accents) that
    the scan does not see gives the article's opening words instead.
    """
    alternatives = [
        r"\s+".join(re.escape(word) for word in term.split())
        for term in sorted(set(terms), key=len, reverse=True)
        if term.split()
    ]
    if not alternatives:
        return " ".join(body[: SNIPPET_BEFORE_CHARS + SNIPPET_AFTER_CHARS].split())
    pattern = re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.IGNORECASE)
    first = pattern.search(body)
    at = first.start() if first else 0
    start = max(0, at - SNIPPET_BEFORE_CHARS)
    end = min(len(body), at + SNIPPET_AFTER_CHARS)
    while start > 0 and not body[start - 1].isspace() and at - start < 2 * SNIPPET_BEFORE_CHARS:
        start -= 1
    while end < len(body) and not body[end].isspace() and end - at < 2 * SNIPPET_AFTER_CHARS:
        end += 1
    window = " ".join(body[start:end].split())
    marked = pattern.sub(lambda m: f"{MARK_OPEN}{m.group(0)}{MARK_CLOSE}", window)
    return ("…" if start > 0 else "") + marked + ("…" if end < len(body) else "")
