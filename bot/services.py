"""What a query needs to answer: the store, the settings, the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.store import Store


@dataclass(slots=True)
class Services:
    """The resources shared by every adapter for one running Paddock."""

    store: Store
    config: Config
    clock: Clock = field(default_factory=SystemClock)
    started_at: datetime | None = None
    latency_ms: float | None = None

    def __post_init__(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock.now()
