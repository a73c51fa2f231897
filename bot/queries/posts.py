"""What each post says: race-week previews, countdowns, the quote of the day and news."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.queries.answers import Answer, Section, Source
from bot.queries.inline import Text, Timestamp
from bot.queries.sessions import (
    event_data,
    format_day,
    format_days,
    session_data,
    session_when,
)
from bot.schedule.calendar import Calendar, Event, Session
from bot.schedule.outbox import Post
from bot.store import Store
from bot.text import clip


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A quote from the store, with the article it came from."""

    id: int
    speaker: str | None
    text: str
    source: Source


def render_post(post: Post, calendar: Calendar, quote: StoredQuote | None = None) -> Answer:
    """Return the text of a post; LookupError when its event or quote is gone."""
    if post.kind == "qotd":
        if quote is None:
            raise LookupError("no quote to post")
        return render_qotd(quote, post.day)
    event = calendar.event(post.event_uid or "")
    if event is None:
        raise LookupError(f"event {post.event_uid} is no longer in the calendar")
    series = calendar.series_of(event)
    if post.kind == "preview":
        return _labelled(render_preview(event), series)
    session = next((s for s in event.sessions if s.uid == post.session_uid), None)
    if session is None:
        raise LookupError(f"session {post.session_uid} is no longer in the calendar")
    return _labelled(render_countdown(event, session, post.lead), series)


def _labelled(answer: Answer, series: str) -> Answer:
    """Return a reminder with its series named (servers may follow several)."""
    answer.description = Text.of(series, "\n", answer.description)
    answer.data["series"] = series
    return answer


def render_preview(event: Event) -> Answer:
    """Return the race-week preview: the event and every session as Discord timestamps."""
    return Answer(
        title=f"Race week: {event.name}",
        description=(
            f"{event.round_label} · {event.venue} · {format_days(event.first_day, event.last_day)}"
        ),
        sections=[Section(s.label, session_when(event, s)) for s in event.sessions],
        data={"kind": "preview", "event": event_data(event)},
    )


def render_countdown(event: Event, session: Session, lead: timedelta) -> Answer:
    """Return a countdown reminder: '<Session> starts <t:…:R>' or the day when no time is set."""
    start = session.start_utc()
    line: str | Text
    if start is None:
        day = format_day(session.local_date(event.zone))
        days = f"{lead.days} day" if lead.days == 1 else f"{lead.days} days"
        line = f"{session.label} day is {day} (in {days}); start time not published yet."
    else:
        line = Text.of(
            f"{session.label} starts ", Timestamp(start, "R"), " (", Timestamp(start, "F"), ")"
        )
    return Answer(
        title=f"{event.name}: {session.label.lower()} countdown",
        description=line,
        data={
            "kind": "countdown",
            "event": event_data(event),
            "session": session_data(event, session),
            "lead_seconds": int(lead.total_seconds()),
        },
    )


def render_qotd(quote: StoredQuote, day: date | None) -> Answer:
    """Return the quote of the day with its speaker and source article."""
    speaker = quote.speaker or "Unattributed"
    return Answer(
        title="Quote of the day",
        description=f"“{quote.text}”\n— {speaker}",
        sources=[quote.source],
        data={
            "kind": "qotd",
            "quote_id": quote.id,
            "day": day.isoformat() if day else None,
            "speaker": quote.speaker,
            "text": quote.text,
        },
    )


QUOTE_SQL = (
    "SELECT q.id, q.speaker, q.text, a.id AS article_id, a.title, a.published"
    " FROM quotes q JOIN articles a ON a.id = q.article_id"
)


async def load_quote(store: Store, quote_id: int) -> StoredQuote | None:
    """Return one stored quote with its article."""
    row = await store.fetchone(f"{QUOTE_SQL} WHERE q.id = ?", (quote_id,))
    if row is None:
        return None
    return StoredQuote(
        id=row["id"],
        speaker=row["speaker"],
        text=row["text"],
        source=Source(
            row["article_id"],
            row["title"],
            date.fromisoformat(row["published"][:10]) if row["published"] else None,
        ),
    )


# --- news -----------------------------------------------------------------------------------

NEWS_FACTS_SHOWN = 3
NEWS_QUOTE_CHARS = 200


@dataclass(frozen=True, slots=True)
class NewsItem:
    """A new article from a feed and the facts Paddock read from it."""

    source: Source
    source_name: str
    series: str | None
    facts: tuple[str, ...]


async def load_news(store: Store, article_id: int) -> NewsItem | None:
    """Return an article and a few of its facts (a line-up, a result, a quote)."""
    row = await store.fetchone(
        "SELECT id, title, published, url, source, series FROM articles WHERE id = ?",
        (article_id,),
    )
    if row is None:
        return None
    facts = [*await _lineup_lines(store, article_id), *await _result_lines(store, article_id)]
    facts += await _quote_lines(store, article_id)
    return NewsItem(
        source=Source(
            row["id"],
            row["title"],
            date.fromisoformat(row["published"][:10]) if row["published"] else None,
            row["url"],
        ),
        source_name=row["source"],
        series=row["series"],
        facts=tuple(facts[:NEWS_FACTS_SHOWN]),
    )


async def _lineup_lines(store: Store, article_id: int) -> list[str]:
    rows = await store.fetchall(
        "SELECT l.car, l.team, (SELECT group_concat(driver, ', ') FROM (SELECT driver FROM"
        " lineup_drivers WHERE lineup_id = l.id ORDER BY ord)) AS drivers FROM lineups l"
        " WHERE l.article_id = ? ORDER BY l.paragraph, l.id LIMIT 2",
        (article_id,),
    )
    lines = []
    for r in rows:
        team = f" {r['team']}" if r["team"] else ""
        lines.append(f"Line-up: #{r['car']}{team}: {r['drivers'] or 'drivers not named'}")
    return lines


async def _result_lines(store: Store, article_id: int) -> list[str]:
    rows = await store.fetchall(
        "SELECT r.kind, r.position, r.car, r.event, r.detail, (SELECT group_concat(driver, ', ')"
        " FROM (SELECT driver FROM result_drivers WHERE result_id = r.id ORDER BY ord))"
        " AS drivers FROM results r WHERE r.article_id = ? ORDER BY r.paragraph, r.id LIMIT 2",
        (article_id,),
    )
    lines = []
    for r in rows:
        what = r["kind"].replace("_", " ").capitalize()
        if r["kind"] == "finish" and r["position"]:
            what = f"P{r['position']}"
        car = f" #{r['car']}" if r["car"] else ""
        who = f" {r['drivers']}" if r["drivers"] else ""
        event = f" ({r['event']})" if r["event"] else ""
        lines.append(f"Result: {what}{car}{who}{event}")
    return lines


async def _quote_lines(store: Store, article_id: int) -> list[str]:
    rows = await store.fetchall(
        "SELECT speaker, text FROM quotes WHERE article_id = ? ORDER BY paragraph, id LIMIT 1",
        (article_id,),
    )
    return [
        f"Quote: “{clip(r['text'], NEWS_QUOTE_CHARS)}” — {r['speaker'] or 'unattributed'}"
        for r in rows
    ]


def render_news(item: NewsItem) -> Answer:
    """Return a news post: the linked title, its source and date, and what Paddock read."""
    when = item.source.published.isoformat() if item.source.published else "undated"
    series = f" · {item.series}" if item.series else ""
    facts = "\n".join(item.facts) or "No line-up, result or quote found in it."
    return Answer(
        title=item.source.title,
        description=f"{item.source_name} · {when}{series}",
        sections=[Section("What Paddock read", facts)],
        sources=[item.source],
        url=item.source.url,
        data={
            "kind": "news",
            "article_id": item.source.article_id,
            "url": item.source.url,
            "series": item.series,
            "facts": list(item.facts),
        },
    )
