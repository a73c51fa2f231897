"""Decide whether an outcome phrase states something that happened (modality of its clause)."""

from __future__ import annotations

import re

from bot.extraction.result_words import result_words

UNREAL_KINDS = ("future", "hedge", "intention", "negation", "unknown_time")
"""Cue lists whose presence before an outcome phrase means it did not (yet) happen."""
CUE_BEFORE_CHARS = 80
"""How far before an outcome phrase a modality cue still governs it."""
CUE_AFTER_CHARS = 60
"""How far after a phrase whose subject follows it a cue still governs it."""
RUNNING_BEFORE_CHARS = 40
RUNNING_AFTER_CHARS = 40
_COORDINATION = re.compile(r",|;|\band\b|\bthen\b|\bbefore\b|\bto\b")
_FINISHING_VERB = re.compile(
    r"\b(?:finish\w*|came\s+home|crossed\s+the\s+line|classified|ended|took\s+the\s+(?:checkered|"
    r"chequered)|won|wins|winning|victory|podium)\b",
    re.IGNORECASE,
)
LOCAL_LOOKBACK_CHARS = 200
_LOCAL_BREAK = re.compile(
    r"[;:]|\s[—–]\s|,\s+(?:and|but|while|whereas|although|though|as|before|after)\b|"
    r"\s(?:but|while|whereas)\s|"
    r"\sand\s+(?=(?:then\s+|eventually\s+|finally\s+)?(?:had\s+to|was|were|finished|took|"
    r"claimed|settled|ended|crossed|came)\b)"
)
"""Where a clause ends for the cues before an outcome: 'was unable to pass A and had to settle
for second' states the second place the 'unable' does not govern."""
_IN_QUALIFYING = re.compile(
    r"(?:\s+(?:place|position|spot))?\s+in\s+(?:the\s+)?(?:qualifying|hyperpole)\b", re.IGNORECASE
)
_ASIDE = re.compile(r",\s*(?:who|which|whose|where)\b[^,;.]{0,120}(?:,|\Z)")


_FROM_PLACE = re.compile(r"\bfrom\s+(?:the\s+)?\Z", re.IGNORECASE)
"""'from fifth on the grid': a place right after 'from' is where a car started or ran."""


def is_unreal(
    text: str, start: int, end: int, *, subject_after: bool, kinds: tuple[str, ...] = UNREAL_KINDS
) -> bool:
    """Tell whether a future, hedge, intention, negation or unknown-time cue governs a phrase."""
    first, last = local_clause(text, start)
    low = max(first, start - CUE_BEFORE_CHARS)
    high = min(last, end + CUE_AFTER_CHARS) if subject_after else end
    return has_cue(text, low, max(low, high), kinds)


def local_clause(text: str, at: int) -> tuple[int, int]:
    """Return the bounds of the clause around a position, coordinated clauses split."""
    start = 0
    for match in _LOCAL_BREAK.finditer(text, max(0, at - LOCAL_LOOKBACK_CHARS), at):
        start = match.end()
    following = _LOCAL_BREAK.search(text, at)
    return start, following.start() if following else len(text)


def has_cue(text: str, low: int, high: int, kinds: tuple[str, ...] = UNREAL_KINDS) -> bool:
    """Tell whether text[low:high] holds a cue of one of the kinds."""
    lists = result_words().modality
    exceptions = lists["not_cues"].pattern
    for kind in kinds:
        for cue in lists[kind].pattern.finditer(text, low, high):
            if not exceptions.match(text, cue.start()):
                return True
    return False


def is_running(text: str, start: int, end: int, clause: tuple[int, int]) -> bool:
    """Tell whether a place at text[start:end] is a running or grid position, not a result."""
    running = result_words().modality["running"]
    local = local_start(text, start, clause)
    during = result_words().modality["during"]
    if _IN_QUALIFYING.match(text, end):
        return False
    if running.search(text, local, start) or _FROM_PLACE.search(text, local, start):
        return True
    if during.search(text, end, min(clause[1], end + RUNNING_AFTER_CHARS)):
        return True
    outside = _without_asides(text, clause)
    return _FINISHING_VERB.search(outside) is None and during.search(outside) is not None


def local_start(text: str, start: int, clause: tuple[int, int]) -> int:
    """Return where the phrase governing a place begins: after the last 'and', 'to' or comma."""
    low = max(clause[0], start - RUNNING_BEFORE_CHARS)
    breaks = list(_COORDINATION.finditer(text, low, start))
    return breaks[-1].end() if breaks else low


def is_practice(text: str, at: int) -> bool:
    """Tell whether the clause of a phrase (its asides left out) is about practice or testing."""
    clause = local_clause(text, at)
    return result_words().modality["practice"].search(_without_asides(text, clause)) is not None


def _without_asides(text: str, clause: tuple[int, int]) -> str:
    return _ASIDE.sub(",", text[clause[0] : clause[1]])
