"""The /article query: an article's title, date, the facts found in it and its text."""

from __future__ import annotations

import logging
from typing import Any

from bot.queries import lineup as lineups
from bot.queries import results as outcomes
from bot.queries.answers import Answer, Section, Source, not_found
from bot.queries.common import (
    FIELD_VALUE_LIMIT,
    chunk_sections,
    clip,
    normalize_car,
)
from bot.queries.inline import Text
from bot.queries.names import event_names
from bot.services import Services
from bot.store import StoredArticle
from bot.text import headline, plural

log = logging.getLogger(__name__)

QUOTE_PREVIEW_CHARS = 200
EVIDENCE_PREVIEW_CHARS = 300
SUGGESTED_ARTICLES = 5
ENTITY_HEADINGS = {"person": "People", "team": "Teams", "event": "Events", "car": "Cars"}


def split_long(text: str, limit: int = FIELD_VALUE_LIMIT) -> list[str]:
    """Split text into pieces of at most `limit` characters, at spaces where possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit)
        cut = cut if cut > 0 else limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


async def _suggestions(services: Services) -> list[str]:
    """Return the latest articles as `id: title` suggestions (undated last, by the date index)."""
    rows = await services.store.fetchall(
        "SELECT id, title FROM articles ORDER BY published DESC, id DESC LIMIT ?",
        (SUGGESTED_ARTICLES,),
    )
    return [f"{row['id']}: {headline(row['title'])}" for row in rows]


async def article(services: Services, id: int) -> Answer:
    """Show an article: title, date, the facts found (counts and lists) and its text."""
    store = services.store
    stored = await store.article(id)
    if stored is None:
        return not_found("article", str(id), await _suggestions(services))
    facts, names = await lineups.fetch_lineups(store, "l.article_id = ?", (id,))
    groups = [g for gs in lineups.group_lineups(facts).values() for g in gs]
    result_facts, result_names = await outcomes.fetch_results(store, "r.article_id = ?", (id,))
    events = outcomes.group_by_event(result_facts, await event_names(services))
    quotes = await store.fetchall(
        "SELECT speaker, text, paragraph, evidence FROM quotes WHERE article_id = ?"
        " ORDER BY paragraph, id",
        (id,),
    )
    shown_results = [(e, r) for e in events for r in e.results]
    counts = {"quotes": len(quotes), "lineups": len(groups), "results": len(shown_results)}
    entities = await _entities(services, id)
    paragraphs = [
        row["text"]
        for row in await store.fetchall(
            "SELECT text FROM paragraphs WHERE article_id = ? ORDER BY idx", (id,)
        )
    ]

    lineup_evidence = await _lineup_evidence(services, id)
    sections = chunk_sections(
        "Line-ups",
        [
            Text.of(f"#{g.car} ", g.line(names), evidence_note(lineup_evidence.get(g.car)))
            for g in groups
        ],
    )
    sections += chunk_sections(
        "Results",
        [
            Text.of(f"{e.heading}: ", r.line(result_names), evidence_note(r.evidence))
            for e, r in shown_results
        ],
        spoiler=True,
    )
    sections += chunk_sections("Quotes", [_quote_line(row) for row in quotes])
    for kind, heading in ENTITY_HEADINGS.items():
        if entities.get(kind):
            sections += chunk_sections(heading, [", ".join(entities[kind])])
    sections += _text_sections(paragraphs)
    source = Source(stored.id, stored.title, stored.published)
    return Answer(
        title=source.headline,
        description=_description(stored, counts),
        sections=sections,
        sources=[source],
        data={
            "id": stored.id,
            "title": stored.title,
            "date": stored.published.isoformat() if stored.published else None,
            "source": stored.source,
            "url": stored.url,
            "facts": counts,
            "lineups": [
                {**g.to_data(names), "evidence": lineup_evidence.get(g.car)} for g in groups
            ],
            "results": outcomes.events_data(events, result_names),
            "quotes": [
                {
                    "speaker": q["speaker"],
                    "text": q["text"],
                    "paragraph": q["paragraph"],
                    "evidence": q["evidence"],
                }
                for q in quotes
            ],
            "entities": entities,
            "paragraphs": paragraphs,
        },
    )


async def _entities(services: Services, article_id: int) -> dict[str, list[str]]:
    """Return the names mentioned in an article, by kind."""
    rows = await services.store.fetchall(
        "SELECT e.kind, e.name FROM mentions m JOIN entities e ON e.id = m.entity_id"
        " WHERE m.article_id = ? ORDER BY e.kind, e.name",
        (article_id,),
    )
    found: dict[str, list[str]] = {}
    for row in rows:
        found.setdefault(row["kind"], []).append(row["name"])
    return found


def _quote_line(row: Any) -> str:
    """Return a quote as one short line: speaker, the start of the quote, and its evidence."""
    speaker = row["speaker"] or "Unattributed"
    quote = f"{speaker}: “{clip(row['text'], QUOTE_PREVIEW_CHARS)}”"
    return quote + evidence_note(row["evidence"])


def evidence_note(evidence: str | None) -> str:
    """Return the sentence a fact was read from, as a short note after the fact."""
    if not evidence:
        return ""
    return f" — read from: “{clip(evidence, EVIDENCE_PREVIEW_CHARS)}”"


async def _lineup_evidence(services: Services, article_id: int) -> dict[str, str]:
    """Return the sentence each car's line-up was first read from in an article."""
    rows = await services.store.fetchall(
        "SELECT car, evidence FROM lineups WHERE article_id = ? AND evidence IS NOT NULL"
        " ORDER BY paragraph, id",
        (article_id,),
    )
    found: dict[str, str] = {}
    for row in rows:
        found.setdefault(normalize_car(row["car"]) or row["car"], row["evidence"])
    return found


def _text_sections(paragraphs: list[str]) -> list[Section]:
    """Return the article text as sections of whole paragraphs (long ones split)."""
    pieces = [piece for p in paragraphs for piece in split_long(p)]
    return chunk_sections("Text", pieces)


def _description(stored: StoredArticle, counts: dict[str, int]) -> str:
    """Return the date, origin and fact counts of an article."""
    when = stored.published.isoformat() if stored.published else "Undated"
    origin = stored.url or stored.source
    found = ", ".join(
        plural(counts[key], word)
        for key, word in (("quotes", "quote"), ("lineups", "line-up"), ("results", "result"))
    )
    return f"{when} · {origin}\n{plural(sum(counts.values()), 'fact')} found: {found}."
