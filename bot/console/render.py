"""Render answers as plain text for the console."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime

from bot.queries.answers import Answer

_DISCORD_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_MARKDOWN = re.compile(r"(\*\*|__|~~|`)")
_PLACE = re.compile(r"<(?:#|@&)(\d+)>")


def relative(instant: datetime, now: datetime) -> str:
    """Describe an instant relative to now: `in 7d 6h`, `3h 5m ago`."""
    seconds = int((instant - now).total_seconds())
    minutes = abs(seconds) // 60
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n][:2]
    span = " ".join(parts) or "less than a minute"
    return f"in {span}" if seconds >= 0 else f"{span} ago"


def plain(text: str, now: datetime | None = None, places: dict[int, str] | None = None) -> str:
    """Turn Discord markup into console text: readable times, no emphasis marks."""

    def timestamp(match: re.Match[str]) -> str:
        instant = datetime.fromtimestamp(int(match.group(1)), UTC)
        if match.group(2) == "R":
            return f"({relative(instant, now)})" if now else f"({instant:%Y-%m-%d %H:%M} UTC)"
        return f"{instant:%a %d %b %Y %H:%M} UTC"

    def place(match: re.Match[str]) -> str:
        return (places or {}).get(int(match.group(1)), f"#{match.group(1)}")

    text = _PLACE.sub(place, _DISCORD_TIMESTAMP.sub(timestamp, text))
    return _MARKDOWN.sub("", text)


def render_text(
    answer: Answer,
    width: int = 88,
    now: datetime | None = None,
    places: dict[int, str] | None = None,
) -> str:
    """Render an answer as readable text (relative times against `now`, when given)."""
    lines = [answer.title, "=" * min(len(answer.title), width)]
    if answer.description:
        lines += [plain(answer.description, now, places), ""]
    for section in answer.sections:
        value = plain(section.value, now, places).strip("\u200b")
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
