"""Render answers as plain text for the console: times readable, places by name, no markup."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

from bot.queries.answers import Answer
from bot.queries.inline import Bold, Channel, Code, Link, Rich, Role, Span, Spoiler, Text, Timestamp


def relative(instant: datetime, now: datetime) -> str:
    """Describe an instant relative to now: `in 7d 6h`, `3h 5m ago`."""
    seconds = int((instant - now).total_seconds())
    minutes = abs(seconds) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n][:2]
    span = " ".join(parts) or "less than a minute"
    return f"in {span}" if seconds >= 0 else f"{span} ago"


def when(stamp: Timestamp, now: datetime | None) -> str:
    """Return an instant as console text: relative to now for style R, else a UTC date and time."""
    instant = stamp.at.astimezone(UTC)
    if stamp.style == "R":
        return f"({relative(instant, now)})" if now else f"({instant:%Y-%m-%d %H:%M} UTC)"
    if stamp.style in ("d", "D"):
        return f"{instant:%a %d %b %Y}"
    if stamp.style in ("t", "T"):
        return f"{instant:%H:%M} UTC"
    return f"{instant:%a %d %b %Y %H:%M} UTC"


def span_text(span: Span, now: datetime | None, places: dict[int, str] | None) -> str:
    """Return one span as console text."""
    if isinstance(span, str):
        return span
    if isinstance(span, Bold | Code | Spoiler):
        return span.text
    if isinstance(span, Link):
        return f"{span.title} <{span.url}>"
    if isinstance(span, Channel | Role):
        mark = "#" if isinstance(span, Channel) else "@"
        return (places or {}).get(span.id, f"{mark}{span.id}")
    return when(span, now)


def console_text(value: Rich, now: datetime | None, places: dict[int, str] | None) -> str:
    """Return answer text as console text."""
    if isinstance(value, Text):
        return "".join(span_text(span, now, places) for span in value.spans)
    return value


def render_text(
    answer: Answer,
    width: int = 88,
    now: datetime | None = None,
    places: dict[int, str] | None = None,
) -> str:
    """Render an answer as readable text (relative times against `now`, when given)."""
    lines = [answer.title, "=" * min(len(answer.title), width)]
    if answer.description:
        lines += [console_text(answer.description, now, places), ""]
    for section in answer.sections:
        value = console_text(section.value, now, places)
        if "\n" not in value and len(section.name) + len(value) + 2 <= width:
            lines.append(f"{section.name}: {value}".rstrip())
            continue
        lines.append(f"{section.name}:")
        for line in value.splitlines():
            lines.extend(textwrap.wrap(line, width, initial_indent="  ", subsequent_indent="    "))
    if answer.sources:
        lines += ["", "Sources:"]
        for source in answer.sources:
            lines.append(f"  - {source.cite()}")
            if source.url:
                lines.append(f"    {source.url}")
    return "\n".join(lines).rstrip() + "\n"
