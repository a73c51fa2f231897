"""Clocks: the real one, and ones set or sped up for the console and tests."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time (always timezone-aware, UTC)."""

    def now(self) -> datetime:
        """Return the current time."""
        ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


@dataclass(slots=True)
class OffsetClock:
    """A clock that starts at `start` and runs `speed` times faster than real time."""

    start: datetime
    speed: float = 1.0
    _origin: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        if self.start.tzinfo is None:
            raise ValueError("OffsetClock needs a timezone-aware start time")

    def now(self) -> datetime:
        """Return the start time plus the (scaled) time elapsed since creation."""
        elapsed = (time.monotonic() - self._origin) * self.speed
        return (self.start + timedelta(seconds=elapsed)).astimezone(UTC)


def parse_instant(value: str) -> datetime:
    """Parse an ISO 8601 instant; a value without a time zone is rejected."""
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone: add Z or an offset such as +00:00")
    return parsed.astimezone(UTC)
