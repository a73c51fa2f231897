"""The /next and /schedule queries: the calendar plus the line-ups the articles know."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.queries.answers import Answer, Section, Source
from bot.queries.common import parse_date
from bot.queries.inline import Text
from bot.queries.sessions import IMPORT_HINT, next_race, season_schedule
from bot.schedule.calendar import Calendar, Event, export_ics
from bot.services import Services

CARS_TO_WATCH = 8
NEWS_SHOWN = 5
NEWS_WINDOW = timedelta(days=120)
ICS_FILENAME = "paddock-calendar.ics"

_LATEST_LINEUPS = """
WITH ranked AS (
    SELECT l.id, l.car, l.team, a.id AS article_id, a.title, a.published,
           CAST(coalesce(l.season, substr(a.published, 1, 4)) AS INTEGER) AS season,
           row_number() OVER (
               PARTITION BY l.car
               ORDER BY coalesce(l.season, substr(a.published, 1, 4)) DESC,
                        a.published DESC, l.id DESC
           ) AS rank
    FROM lineups l JOIN articles a ON a.id = l.article_id
    WHERE CAST(coalesce(l.season, substr(a.published, 1, 4)) AS INTEGER) BETWEEN ? AND ?
)
SELECT r.car, r.team, r.article_id, r.title, r.published, r.season,
       (SELECT group_concat(driver, ', ') FROM
           (SELECT driver FROM lineup_drivers WHERE lineup_id = r.id ORDER BY ord)) AS drivers
FROM ranked r WHERE r.rank = 1
ORDER BY r.season DESC, r.published DESC, r.car LIMIT ?
"""
"""Each car's latest line-up of the seasons asked (stated, or its article's year)."""
WATCHED_SEASONS = 2
"""Cars to watch come from the event's season and the one before."""


def _calendar(services: Services) -> Calendar | None:
    """Return the loaded calendar, if any."""
    return services.calendar


async def latest_lineups(services: Services, season: int, limit: int = CARS_TO_WATCH) -> Answer:
    """Return each car's latest line-up of this season or the last, most recent first."""
    first = season - WATCHED_SEASONS + 1
    rows = await services.store.fetchall(_LATEST_LINEUPS, (first, season, limit))
    sections, sources = [], []
    for row in rows:
        team = f" · {row['team']}" if row["team"] else ""
        drivers = row["drivers"] or "drivers not named"
        sections.append(Section(f"#{row['car']}{team} ({row['season']})", drivers))
        source = Source(row["article_id"], row["title"], parse_date(row["published"]))
        if source not in sources:
            sources.append(source)
    return Answer("Cars to watch", sections=sections, sources=sources)


def _phrase(name: str) -> str:
    """Return a name as an FTS5 phrase (double quotes doubled inside)."""
    return '"' + name.replace('"', '""') + '"'


async def event_news(services: Services, event: Event, now: datetime) -> list[Source]:
    """Return the recent articles that name the event (by any of its names), newest first."""
    names = [n for n in (event.name, *event.aliases) if len(n) > 3]
    since = (now - NEWS_WINDOW).date().isoformat()
    rows = await services.store.fetchall(
        "SELECT a.id, a.title, a.published FROM articles_fts f JOIN articles a ON a.id = f.rowid"
        " WHERE articles_fts MATCH ? AND a.published >= ? AND a.published <= ?"
        " ORDER BY a.published DESC LIMIT ?",
        (" OR ".join(map(_phrase, names)), since, now.date().isoformat(), NEWS_SHOWN),
    )
    return [Source(r["id"], r["title"], parse_date(r["published"])) for r in rows]


async def next_weekend(services: Services) -> Answer:
    """Answer /next: the next race weekend, its sessions, and the current line-ups."""
    calendar = _calendar(services)
    if calendar is None:
        return Answer(
            "No calendar", Text.of("No calendar is loaded. ", IMPORT_HINT), status="not_found"
        )
    answer = next_race(calendar, services.clock.now())
    if not answer.ok:
        return answer
    event = calendar.event(answer.data["event"]["uid"])
    news = await event_news(services, event, services.clock.now()) if event else []
    if news:
        lines = "\n".join(f"• {source.cite()}" for source in news)
        answer.sections.append(Section("In the news", lines))
        answer.data["news"] = [source.article_id for source in news]
    season = event.season if event else services.clock.now().year
    cars = await latest_lineups(services, season)
    if cars.sections:
        seasons = f"{season - WATCHED_SEASONS + 1}–{season}"
        heading = Section(f"Cars to watch ({seasons} line-ups in the articles)", "")
        answer = replace(
            answer,
            sections=[*answer.sections, heading, *cars.sections],
            sources=[*news, *(s for s in cars.sources if s not in news)],
            data={**answer.data, "lineups": [s.name for s in cars.sections]},
        )
    return answer


async def schedule(services: Services, year: int | None = None) -> Answer:
    """Answer /schedule: a season's rounds (this year's by default)."""
    calendar = _calendar(services)
    if calendar is None:
        return Answer(
            "No calendar", Text.of("No calendar is loaded. ", IMPORT_HINT), status="not_found"
        )
    return season_schedule(calendar, year or services.clock.now().year)


def calendar_ics(services: Services) -> tuple[str, bytes] | None:
    """Return the calendar as an .ics file name and content, or None without a calendar."""
    calendar = _calendar(services)
    if calendar is None:
        return None
    return ICS_FILENAME, export_ics(calendar, stamp=services.clock.now())
