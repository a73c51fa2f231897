"""The /about query: what this Paddock knows and how it is running."""

from __future__ import annotations

from bot import __version__
from bot.queries.answers import Answer, Section
from bot.queries.inline import Code, Text, plain
from bot.queries.sources import sources_section
from bot.services import Services


def _duration(seconds: float) -> str:
    """Format a duration as days, hours, minutes and seconds."""
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    parts = [f"{days}d"] if days else []
    if days or hours:
        parts.append(f"{hours}h")
    parts += [f"{minutes}m", f"{secs}s"]
    return " ".join(parts)


async def about(services: Services) -> Answer:
    """Report the version, article and fact counts, database, latency and uptime."""
    stats = await services.store.stats()
    now = services.clock.now()
    uptime = (now - services.started_at).total_seconds() if services.started_at else 0.0
    latency = f"{services.latency_ms:.0f} ms" if services.latency_ms is not None else "n/a"
    sources = await sources_section(services)
    answer = Answer(
        title="About Paddock",
        description=(
            "Lineups, results and quotes read from motorsport news, "
            "with race-weekend reminders. Every answer cites its article."
        ),
        sections=[
            Section("Version", __version__, inline=True),
            Section("Articles", str(stats.articles), inline=True),
            Section(
                "Facts",
                f"{stats.facts} ({stats.quotes} quotes, {stats.lineups} lineups, "
                f"{stats.results} results)",
                inline=True,
            ),
            Section("Entities", str(stats.entities), inline=True),
            Section("Latency", latency, inline=True),
            Section("Uptime", _duration(uptime), inline=True),
            Section("Database", Text.of(Code(str(services.store.path)))),
        ],
        data={
            "version": __version__,
            "articles": stats.articles,
            "facts": stats.facts,
            "quotes": stats.quotes,
            "lineups": stats.lineups,
            "results": stats.results,
            "entities": stats.entities,
            "database": str(services.store.path),
            "latency_ms": services.latency_ms,
            "uptime_s": round(uptime, 3),
        },
    )
    if sources is not None:
        answer.sections.append(sources)
        answer.data["sources"] = plain(sources.value).splitlines()
    return answer
