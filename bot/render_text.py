"""Render answers as plain text for the console."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime

from bot.answers import Answer

_DISCORD_TIMESTAMP = re.compile(r"<t:(-?\d+)(?::([tTdDfFR]))?>")
_MARKDOWN = re.compile(r"(\*\*|__|~~|`)")


def plain(text: str) -> str:
    """Turn Discord markup into console text: timestamps as ISO times, no emphasis marks."""

    def timestamp(match: re.Match[str]) -> str:
        instant = datetime.fromtimestamp(int(match.group(1)), UTC)
        if match.group(2) == "R":
            return f"({instant:%Y-%m-%d %H:%M} UTC)"
        return f"{instant:%a %d %b %Y %H:%M} UTC"

    return _MARKDOWN.sub("", _DISCORD_TIMESTAMP.sub(timestamp, text))


def render_text(answer: Answer, width: int = 88) -> str:
    """Render an answer as readable text."""
    lines = [answer.title, "=" * min(len(answer.title), width)]
    if answer.description:
        lines += [plain(answer.description), ""]
    for section in answer.sections:
        value = plain(section.value).strip("\u200b")
        if "\n" not in value and len(section.name) + len(value) + 2 <= width:
            lines.append(f"{section.name}: {value}".rstrip())
            continue
        lines.append(f"{section.name}:")
        for line in value.splitlines():
            lines.extend(textwrap.wrap(line, width, initial_indent="  ", subsequent_indent="    "))
    if answer.sources:
        lines += ["", "Sources:"]
        lines += [f"  - {source.cite()}" for source in answer.sources]
    return "\n".join(lines).rstrip() + "\n"
