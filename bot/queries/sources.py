"""The configured sources and their health: `paddock sources` and the short form in /about."""

from __future__ import annotations

from datetime import datetime

from bot.config import Config
from bot.ingest.sources import SourceState, source_states
from bot.queries.answers import Section
from bot.services import Services

NEVER = "never"
ABOUT_SOURCES_SHOWN = 8


def _when(stamp: str | None) -> str:
    """Return a stored ISO instant as 'YYYY-MM-DD HH:MM UTC', or 'never'."""
    if not stamp:
        return NEVER
    return f"{datetime.fromisoformat(stamp):%Y-%m-%d %H:%M} UTC"


def _configured(config: Config) -> list[tuple[str, str, str | None, str]]:
    """Return (kind, url, series, how often) for every configured source."""
    feeds = [("feed", f.url, f.series, f"every {f.poll_minutes:g} min") for f in config.feeds]
    calendars = [
        ("calendar", c.url, c.series, f"every {c.poll_hours:g} h") for c in config.calendars
    ]
    return feeds + calendars


def describe_sources(config: Config, states: dict[str, SourceState]) -> list[str]:
    """Return one line per configured source: last success, last error, item count."""
    lines = []
    for kind, url, series, often in _configured(config):
        state = states.get(url)
        label = f" [{series}]" if series else ""
        if state is None:
            lines.append(f"{kind} {url}{label} ({often}): not polled yet")
            continue
        unit = "items" if kind == "feed" else "events"
        lines.append(
            f"{kind} {url}{label} ({often}): last success {_when(state.last_success)}, "
            f"last error {state.last_error or 'none'}, {state.item_count} {unit}"
        )
    return lines


async def sources_section(services: Services) -> Section | None:
    """Return the sources in short for /about: how many are healthy, and the failing ones."""
    configured = _configured(services.config)
    if not configured:
        return None
    states = await source_states(services.store)
    lines = []
    for kind, url, _, _ in configured[:ABOUT_SOURCES_SHOWN]:
        state = states.get(url)
        if state is None:
            lines.append(f"{kind} {url}: not polled yet")
        elif state.last_error:
            lines.append(f"{kind} {url}: failing ({state.last_error})")
        else:
            lines.append(f"{kind} {url}: ok {_when(state.last_success)}, {state.item_count}")
    if len(configured) > ABOUT_SOURCES_SHOWN:
        lines.append(f"…and {len(configured) - ABOUT_SOURCES_SHOWN} more (see paddock sources)")
    return Section("Sources", "\n".join(lines))
