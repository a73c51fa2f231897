"""Name the session a result belongs to: race, qualifying, Hyperpole or sprint."""

from __future__ import annotations

import re

from bot.extraction.events import clause_bounds
from bot.extraction.result_words import result_words
from bot.facts import ResultKind

RACE = "race"
QUALIFYING = "qualifying"
HYPERPOLE = "Hyperpole"
SESSION_REACH_CHARS = 120
"""How far from an outcome phrase a session word may be and still name its session."""
LAP_TIME = re.compile(r"\b\d:\d{2}\.\d{3}\b|\b\d+m\d{2}\.\d{3}s?\b")


def session_mentions(text: str) -> list[tuple[int, int, str]]:
    """Return the session words of a text: (start, end, session)."""
    return result_words().sessions.find(text)


def session_of(
    kind: ResultKind,
    text: str,
    start: int,
    end: int,
    mentions: list[tuple[int, int, str]] | None = None,
) -> str | None:
    """Return the session of an outcome stated at text[start:end] (None for a title).

    `mentions` are the text's session words when already found (session_mentions).
    """
    if kind == "title":
        return None
    mentions = session_mentions(text) if mentions is None else mentions
    if kind == "pole":
        return HYPERPOLE if any(m[2] == HYPERPOLE for m in mentions) else QUALIFYING
    if kind == "fastest_lap":
        return RACE
    low, high = clause_bounds(text, start)
    near = [
        (_distance(m, start, end), m[2])
        for m in mentions
        if low <= m[0] < high
        and _distance(m, start, end) <= SESSION_REACH_CHARS
        and not (m[2] == RACE and start <= m[0] < end)  # 'finished' of the phrase itself
    ]
    if near:
        return min(near)[1]
    if kind == "finish" and LAP_TIME.search(text, low, high):
        return QUALIFYING
    return RACE


def is_qualifying(session: str | None) -> bool:
    """Tell a qualifying session (qualifying or Hyperpole) from the others."""
    return session in {QUALIFYING, HYPERPOLE}


def _distance(mention: tuple[int, int, str], start: int, end: int) -> int:
    if mention[0] < end and start < mention[1]:
        return 0
    return start - mention[1] if mention[1] <= start else mention[0] - end
