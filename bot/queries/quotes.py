"""The /quote query: quotes by speaker or topic, best first, or a random one."""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from bot.queries.answers import Answer, Section, Source, not_found, unresolved
from bot.queries.common import (
    FIELD_VALUE_LIMIT,
    Citations,
    best_spelling,
    clip,
    source_data,
    source_from,
)
from bot.queries.names import resolve
from bot.services import Services
from bot.store import Store
from bot.text import fold, plural

log = logging.getLogger(__name__)

SHOWN_QUOTES = 10
QUOTE_MARKS = '“”" ,'
ABOUT_CUTOFF = 80.0
WORD_TYPO_CUTOFF = 85.0
MIN_WORD_CHARS = 2
COUNT_LIMIT = 1_000
"""Matches counted exactly up to this many; more are shown as "1,000+"."""
MATCH_POOL = 500
"""The most recently added matches sorted by date (all of them when there are no more)."""
RESCUE_POOL = 100
"""Latest quotes scored for close spellings when none has every word."""

LATEST_FIRST = "a.published DESC, q.id"
"""Quote order: latest article first (SQLite sorts NULL dates last when descending)."""

_QUOTES_SQL = (
    "SELECT q.id, q.article_id, q.paragraph, q.speaker, p.name AS entity_name, q.text,"
    " a.title, a.published FROM quotes q JOIN articles a ON a.id = q.article_id"
    " LEFT JOIN entities p ON p.id = q.speaker_id"
    " WHERE {where} ORDER BY {order} LIMIT ?"
)
_MATCHED_WHERE = (
    "q.id IN (SELECT rowid FROM quotes_fts WHERE quotes_fts MATCH ? ORDER BY rowid DESC LIMIT ?)"
)
_COUNT_MATCHES_SQL = (
    "SELECT count(*) FROM (SELECT 1 FROM quotes_fts WHERE quotes_fts MATCH ? LIMIT ?)"
)
_WORD = re.compile(r"\w+")
_IN_ARTICLES_ABOUT = "q.article_id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
_COUNT_IN_ARTICLES_SQL = "SELECT count(*) FROM quotes q WHERE {where}"


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """A quote with its speaker, citation and relevance."""

    id: int
    speaker: str | None
    text: str
    paragraph: int
    source: Source
    score: float = 100.0

    def to_data(self) -> dict[str, Any]:
        """Return the quote as JSON-ready data."""
        return {
            "id": self.id,
            "speaker": self.speaker,
            "text": self.text,
            "paragraph": self.paragraph,
            "score": round(self.score, 1),
            "source": source_data(self.source),
        }

    def section(self) -> Section:
        """Return the quote as a section: speaker and date, quote and its article (cited below)."""
        when = self.source.published.isoformat() if self.source.published else "undated"
        cite = f"\n— article {self.source.article_id}"
        room = FIELD_VALUE_LIMIT - len(cite) - 2
        return Section(
            f"{self.speaker or 'Unattributed'} · {when}",
            f"“{clip(self.text.strip(QUOTE_MARKS), room)}”{cite}",
        )


def _found(row: Any, score: float = 100.0) -> FoundQuote:
    """Build a quote from a row, with the best spelling of its speaker."""
    speaker = row["speaker"]
    if speaker and row["entity_name"] and fold(speaker) == fold(row["entity_name"]):
        speaker = best_spelling([speaker, row["entity_name"]])
    return FoundQuote(row["id"], speaker, row["text"], row["paragraph"], source_from(row), score)


async def _rows(
    store: Store,
    where: str,
    params: tuple[object, ...],
    limit: int,
    *,
    order: str = LATEST_FIRST,
) -> list[Any]:
    """Fetch quote rows, latest article first."""
    sql = _QUOTES_SQL.format(where=where, order=order)
    return await store.fetchall(sql, (*params, limit))


def relevance(about: str, text: str) -> float:
    """Score how well a quote matches a keyword or phrase (0-100)."""
    query, folded = fold(about), fold(text)
    words = [w for w in _WORD.findall(query) if len(w) >= MIN_WORD_CHARS]
    if not words:
        return 0.0
    tokens = _WORD.findall(folded)
    hits = sum(1 for w in words if any(_word_matches(w, t) for t in tokens))
    coverage = 100.0 * hits / len(words)
    phrase = 100.0 if query in folded else 0.0
    return max(phrase, coverage, fuzz.partial_ratio(query, folded) if len(query) > 4 else 0.0)


def _word_matches(word: str, token: str) -> bool:
    """Return whether a query word matches a quote word (prefix, or one typo when long)."""
    if token.startswith(word):
        return True
    return len(word) > MIN_WORD_CHARS + 2 and fuzz.ratio(word, token) >= WORD_TYPO_CUTOFF


def _words(about: str) -> list[str]:
    """Return the folded words of a keyword or phrase that are long enough to look for."""
    return [w for w in _WORD.findall(fold(about)) if len(w) >= MIN_WORD_CHARS]


def _fts(expression: str, speaker_id: int | None) -> str:
    """Return an FTS5 query over the quote texts, by one speaker when given."""
    query = "{text} : (" + expression + ")"
    return query if speaker_id is None else f'{query} AND speaker_id : "{speaker_id}"'


async def _latest_matching(store: Store, match: str, limit: int) -> tuple[list[Any], int]:
    """Return the latest quotes matching an FTS5 query and how many match (capped).

    Only the most recently added matches are sorted by date: exact up to MATCH_POOL matches,
    and the recent end of a common word's quotes beyond that.
    """
    row = await store.fetchone(_COUNT_MATCHES_SQL, (match, COUNT_LIMIT + 1))
    total = int(row[0]) if row else 0
    if not total:
        return [], 0
    return await _rows(store, _MATCHED_WHERE, (match, MATCH_POOL), limit), total


async def _about(store: Store, about: str, speaker_id: int | None) -> tuple[list[FoundQuote], int]:
    """Return the best quotes about a keyword (by a speaker) and how many there are.

    Quotes with every word (or words starting with them) come first, latest first; only when
    there are none are the latest quotes with some of the words (or, for a speaker, their
    latest quotes) scored by rapidfuzz for close spellings.
    """
    words = _words(about)
    if not words:
        return [], 0
    every = " AND ".join(f'"{word}"*' for word in words)
    rows, total = await _latest_matching(store, _fts(every, speaker_id), SHOWN_QUOTES)
    if rows:
        return [_found(row) for row in rows], total
    scored = [
        (relevance(about, row["text"]), row) for row in await _close(store, words, speaker_id)
    ]
    ranked = sorted((x for x in scored if x[0] >= ABOUT_CUTOFF), key=lambda x: -x[0])
    return [_found(row, score) for score, row in ranked[:SHOWN_QUOTES]], len(ranked)


async def _in_articles_about(
    store: Store, about: str, speaker_id: int | None
) -> tuple[list[FoundQuote], int]:
    """Return the quotes (by a speaker) in the articles whose headline has every word."""
    words = _words(about)
    if not words:
        return [], 0
    match = "{title} : (" + " AND ".join(f'"{word}"*' for word in words) + ")"
    where = _IN_ARTICLES_ABOUT + (" AND q.speaker_id = ?" if speaker_id is not None else "")
    params: tuple[object, ...] = (match, speaker_id) if speaker_id is not None else (match,)
    rows = await _rows(store, where, params, SHOWN_QUOTES)
    if not rows:
        return [], 0
    counted = await store.fetchone(_COUNT_IN_ARTICLES_SQL.format(where=where), params)
    return [_found(row) for row in rows], int(counted[0]) if counted else len(rows)


async def _close(store: Store, words: list[str], speaker_id: int | None) -> list[Any]:
    """Return quotes to score for close spellings: with some words, else the speaker's latest."""
    some = " OR ".join(f'"{word}"*' for word in words)
    rows, _ = await _latest_matching(store, _fts(some, speaker_id), RESCUE_POOL)
    if not rows and speaker_id is not None:
        rows = await _rows(store, "q.speaker_id = ?", (speaker_id,), RESCUE_POOL)
    return rows


async def random_quote(store: Store, rng: random.Random) -> FoundQuote | None:
    """Return one quote at random (the first attributed one from a random id on)."""
    row = await store.fetchone("SELECT max(id) FROM quotes")
    if not row or row[0] is None:
        return None
    start = rng.randint(1, int(row[0]))
    for where in ("q.id >= ? AND q.speaker IS NOT NULL", "q.speaker IS NOT NULL", "q.id >= ?"):
        rows = await _rows(store, where, (start,) if "?" in where else (), 1, order="q.id")
        if rows:
            return _found(rows[0])
    return None


async def _by_speaker(store: Store, speaker_id: int) -> tuple[list[FoundQuote], int]:
    """Return a speaker's latest quotes and how many they have."""
    rows = await _rows(store, "q.speaker_id = ?", (speaker_id,), SHOWN_QUOTES)
    row = await store.fetchone("SELECT count(*) FROM quotes WHERE speaker_id = ?", (speaker_id,))
    return [_found(r) for r in rows], int(row[0]) if row else 0


async def quote(
    services: Services,
    speaker: str | None = None,
    about: str | None = None,
    rng: random.Random | None = None,
) -> Answer:
    """Show matching quotes, best first; with no options, a random quote."""
    speaker_id, who = None, None
    if speaker:
        resolution = await resolve(services, "person", speaker)
        if resolution.entity_id is None:
            return unresolved(
                "speaker", speaker, resolution.suggestions, several=resolution.ambiguous
            )
        speaker_id, who = resolution.entity_id, resolution.name
    from_articles = False
    if about:
        found, total = await _about(services.store, about, speaker_id)
        if not found:
            found, total = await _in_articles_about(services.store, about, speaker_id)
            from_articles = bool(found)
    elif speaker_id is not None:
        found, total = await _by_speaker(services.store, speaker_id)
    else:
        chooser = rng or random.Random(services.clock.now().timestamp())
        one = await random_quote(services.store, chooser)
        found, total = ([one], 1) if one else ([], 0)
    if not found:
        asked = " about ".join(x for x in (who, about) if x) or "any"
        return not_found("quote", asked, [])
    answer = _answer(found, total, who, about, random_pick=not (speaker or about))
    if from_articles:
        answer.description = (
            f"No quote says “{about}”; these are from the articles about it. " + answer.description
        )
        answer.data["from_articles_about"] = True
    return answer


def _answer(
    found: list[FoundQuote],
    total: int,
    who: str | None,
    about: str | None,
    *,
    random_pick: bool,
) -> Answer:
    """Build the answer: the first quotes as sections, and how many there are in all."""
    shown = found[:SHOWN_QUOTES]
    citations = Citations()
    citations.extend(q.source for q in shown)
    if random_pick:
        title = "Random quote"
    else:
        title = " ".join(
            x
            for x in ("Quotes", f"by {who}" if who else "", f"about “{about}”" if about else "")
            if x
        )
    return Answer(
        title=title,
        description="" if random_pick else _count_text(total, len(shown), bool(about)),
        sections=[q.section() for q in shown],
        sources=citations.sources(),
        data={
            "speaker": who,
            "about": about,
            "total": total,
            "quotes": [q.to_data() for q in shown],
        },
    )


def _count_text(total: int, shown: int, ranked: bool = True) -> str:
    """Say how many quotes were found (1,000+ past the count limit) and how many more there are."""
    order = "best first" if ranked else "latest first"
    if total > COUNT_LIMIT:
        return f"{COUNT_LIMIT:,}+ quotes found; showing {shown}, {order}, and many more."
    more = f", and {total - shown:,} more" if total > shown else ""
    return f"{plural(total, 'quote')} found; showing {shown}, {order}{more}."
