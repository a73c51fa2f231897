"""The /quote query: quotes by speaker or topic, best first, or a random one."""

from __future__ import annotations

import logging
import random
import re
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from bot.answers import Answer, Section, Source, not_found
from bot.queries.common import (
    FIELD_VALUE_LIMIT,
    Citations,
    best_spelling,
    clip,
    safe,
    short_cite,
    source_data,
    source_from,
)
from bot.queries.names import resolve
from bot.services import Services
from bot.store import Store
from bot.text import fold

log = logging.getLogger(__name__)

SHOWN_QUOTES = 10
QUOTE_MARKS = '“”" ,'
ABOUT_CUTOFF = 80.0
WORD_TYPO_CUTOFF = 85.0
MIN_WORD_CHARS = 2
FUZZY_SCAN_LIMIT = 20_000

_QUOTES_SQL = (
    "SELECT q.id, q.article_id, q.paragraph, q.speaker, p.name AS entity_name, q.text,"
    " a.title, a.published FROM quotes q JOIN articles a ON a.id = q.article_id"
    " LEFT JOIN entities p ON p.id = q.speaker_id"
    " WHERE {where} ORDER BY a.published IS NULL, a.published DESC, q.id LIMIT ? OFFSET ?"
)
_PICK_SQL = (
    "SELECT q.id FROM quotes q JOIN articles a ON a.id = q.article_id"
    " WHERE {where} ORDER BY a.published IS NULL, a.published DESC, q.id LIMIT 1 OFFSET ?"
)
"""The id of the quote at an offset in the order of _QUOTES_SQL (sorting ids, not texts)."""
_WORD = re.compile(r"\w+")


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
        """Return the quote as a section: speaker and date, quote and citation."""
        when = self.source.published.isoformat() if self.source.published else "undated"
        cite = f"\n— {self.source.title} ({short_cite(self.source)})"
        room = FIELD_VALUE_LIMIT - len(cite) - 2
        return Section(
            f"{self.speaker or 'Unattributed'} · {when}",
            f"“{clip(safe(self.text.strip(QUOTE_MARKS)), room)}”{cite}",
        )


def _found(row: Any, score: float = 100.0) -> FoundQuote:
    """Build a quote from a row, with the best spelling of its speaker."""
    speaker = row["speaker"]
    if speaker and row["entity_name"] and fold(speaker) == fold(row["entity_name"]):
        speaker = best_spelling([speaker, row["entity_name"]])
    return FoundQuote(row["id"], speaker, row["text"], row["paragraph"], source_from(row), score)


async def _rows(
    store: Store, where: str, params: tuple[object, ...], limit: int, offset: int = 0
) -> list[Any]:
    """Fetch quote rows, latest article first."""
    sql = _QUOTES_SQL.format(where=where)
    return await store.fetchall(sql, (*params, limit, offset))


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


async def _about(
    store: Store, about: str, where: str, params: tuple[object, ...]
) -> list[FoundQuote]:
    """Return the quotes matching a keyword, best first (SQL narrows, rapidfuzz ranks)."""
    words = [w for w in _WORD.findall(fold(about)) if len(w) >= MIN_WORD_CHARS]
    if not words:
        return []
    like = " OR ".join("q.text LIKE ?" for _ in words)
    rows = await _rows(
        store,
        f"({where}) AND ({like})",
        (*params, *(f"%{w}%" for w in words)),
        FUZZY_SCAN_LIMIT,
    )
    if not rows:
        rows = await _rows(store, where, params, FUZZY_SCAN_LIMIT)
    scored = [(relevance(about, row["text"]), row) for row in rows]
    ranked = sorted((x for x in scored if x[0] >= ABOUT_CUTOFF), key=lambda x: -x[0])
    return [_found(row, score) for score, row in ranked]


async def random_quote(store: Store, rng: random.Random) -> FoundQuote | None:
    """Return one quote at random, preferring attributed ones."""
    for where in ("q.speaker IS NOT NULL", "1 = 1"):
        row = await store.fetchone(f"SELECT count(*) FROM quotes q WHERE {where}")  # noqa: S608
        total = int(row[0]) if row else 0
        if total:
            sql = _PICK_SQL.format(where=where)
            picked = await store.fetchone(sql, (rng.randrange(total),))
            rows = await _rows(store, "q.id = ?", (picked[0],), 1) if picked else []
            return _found(rows[0]) if rows else None
    return None


async def quote(
    services: Services,
    speaker: str | None = None,
    about: str | None = None,
    rng: random.Random | None = None,
) -> Answer:
    """Show matching quotes, best first; with no options, a random quote."""
    where, params, who = "1 = 1", (), None
    if speaker:
        resolution = await resolve(services, "person", speaker)
        if resolution.entity_id is None:
            return not_found("speaker", speaker, resolution.suggestions)
        where, params, who = "q.speaker_id = ?", (resolution.entity_id,), resolution.name
    if about:
        found = await _about(services.store, about, where, params)
    elif speaker:
        found = [_found(row) for row in await _rows(services.store, where, params, -1)]
    else:
        chooser = rng or random.Random(services.clock.now().timestamp())
        one = await random_quote(services.store, chooser)
        found = [one] if one else []
    if not found:
        asked = " about ".join(x for x in (who, about) if x) or "any"
        return not_found("quote", asked, [])
    return _answer(found, who, about, random_pick=not (speaker or about))


def _answer(
    found: list[FoundQuote], who: str | None, about: str | None, *, random_pick: bool
) -> Answer:
    """Build the answer: the first quotes as sections, all of them in the data."""
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
    more = f" (showing {len(shown)})" if len(found) > len(shown) else ""
    description = "" if random_pick else f"{len(found)} found, best first{more}."
    return Answer(
        title=title,
        description=description,
        sections=[q.section() for q in shown],
        sources=citations.sources(),
        data={
            "speaker": who,
            "about": about,
            "total": len(found),
            "quotes": [q.to_data() for q in shown],
        },
    )
