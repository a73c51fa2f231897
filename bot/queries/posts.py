"""What each post says: race-week previews, countdowns and the quote of the day."""

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
    if post.kind == "preview":
        return render_preview(event)
    session = next((s for s in event.sessions if s.uid == post.session_uid), None)
    if session is None:
        raise LookupError(f"session {post.session_uid} is no longer in the calendar")
    return render_countdown(event, session, post.lead)


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
ID_CHUNK = 10_000


@dataclass(frozen=True, slots=True)
class QuoteId:
    """Only a quote's id: what the quote of the day is chosen by."""

    id: int


async def quote_ids(store: Store) -> list[QuoteId]:
    """Return the id of every stored quote (not their texts: 360,000 quotes hold ~60 MB)."""
    ids: list[QuoteId] = []
    async with store.db.execute("SELECT id FROM quotes ORDER BY id") as cursor:
        while rows := await cursor.fetchmany(ID_CHUNK):
            ids.extend(QuoteId(row[0]) for row in rows)
    return ids


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
