"""Answer text as plain structure: emphasis, code, links, channels, roles and times as data.

The core never writes Discord markup. A plain `str` in an answer is literal text (the Discord
renderer escapes it); a `Text` is a run of spans, each renderer turning the structured spans
into its own form (cogs/_render.py: Discord markdown, mentions and timestamps; bot/console:
readable text).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from bot.text import ELLIPSIS, clip

TimestampStyle = Literal["t", "T", "d", "D", "f", "F", "R"]


@dataclass(frozen=True, slots=True)
class Bold:
    """Emphasised text."""

    text: str


@dataclass(frozen=True, slots=True)
class Code:
    """A command, a path or a value to type, shown verbatim."""

    text: str


@dataclass(frozen=True, slots=True)
class Spoiler:
    """Text hidden until the reader asks for it (race results, for fans watching on delay)."""

    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A titled link."""

    title: str
    url: str


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel of the server, by id."""

    id: int


@dataclass(frozen=True, slots=True)
class Role:
    """A role of the server, by id (shown, never pinged)."""

    id: int


@dataclass(frozen=True, slots=True)
class Timestamp:
    """An instant, shown to each reader in their own time zone (`R`: relative, `in 2 hours`)."""

    at: datetime
    style: TimestampStyle = "F"


Span = str | Bold | Code | Spoiler | Link | Channel | Role | Timestamp


def span_json(span: Span) -> dict[str, object]:
    """Return a span as JSON-ready data: its kind and value."""
    if isinstance(span, str):
        return {"text": span}
    if isinstance(span, Timestamp):
        return {"timestamp": span.at.isoformat(), "style": span.style}
    if isinstance(span, Link):
        return {"link": span.url, "title": span.title}
    kind = type(span).__name__.lower()
    return {kind: span.text if isinstance(span, Bold | Code | Spoiler) else span.id}


def span_plain(span: Span) -> str:
    """Return a span as plain text (times in UTC), for lengths, JSON and logs."""
    if isinstance(span, str):
        return span
    if isinstance(span, Bold | Code | Spoiler):
        return span.text
    if isinstance(span, Link):
        return f"{span.title} ({span.url})"
    if isinstance(span, Channel):
        return f"#{span.id}"
    if isinstance(span, Role):
        return f"@{span.id}"
    return span.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@dataclass(frozen=True, slots=True)
class Text:
    """A run of spans: answer text with structure (build with `Text.of`, `+` and `join`)."""

    spans: tuple[Span, ...] = ()

    @classmethod
    def of(cls, *spans: Span | Text) -> Text:
        """Return the text made of these spans (nested texts are flattened)."""
        flat: list[Span] = []
        for span in spans:
            flat.extend(span.spans if isinstance(span, Text) else (span,))
        return cls(tuple(s for s in flat if s != ""))

    def join(self, parts: Iterable[str | Text]) -> Text:
        """Return the parts with this text between each two."""
        out: list[Span | Text] = []
        for number, part in enumerate(parts):
            if number:
                out.append(self)
            out.append(part)
        return Text.of(*out)

    def __add__(self, other: str | Text) -> Text:
        return Text.of(self, other)

    def __radd__(self, other: str) -> Text:
        return Text.of(other, self)

    def plain(self) -> str:
        """Return the text without structure (times in UTC)."""
        return "".join(map(span_plain, self.spans))

    def __str__(self) -> str:
        return self.plain()

    def __len__(self) -> int:
        return len(self.plain())

    def __contains__(self, part: str) -> bool:
        return part in self.plain()

    def clip(self, limit: int) -> Text:
        """Return the text shortened to about `limit` plain characters, ending with an ellipsis."""
        if len(self) <= limit:
            return self
        kept: list[Span] = []
        room = limit - 1
        for span in self.spans:
            size = len(span_plain(span))
            if size <= room:
                kept.append(span)
                room -= size
                continue
            if isinstance(span, str) and room > 0:
                kept.append(span[:room].rstrip())
            elif isinstance(span, Bold | Code | Spoiler) and room > 0:
                kept.append(type(span)(span.text[:room].rstrip()))
            break
        return Text.of(*kept, ELLIPSIS)


Rich = str | Text
"""Answer text: a plain string (literal, escaped on Discord) or structured `Text`."""


def plain(value: Rich) -> str:
    """Return answer text without structure."""
    return value if isinstance(value, str) else value.plain()


def clip_rich(value: Rich, limit: int) -> Rich:
    """Shorten answer text to at most `limit` plain characters."""
    return clip(value, limit) if isinstance(value, str) else value.clip(limit)


LINES = Text(("\n",))
"""Joins lines: `LINES.join(lines)`."""
