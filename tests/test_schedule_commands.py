"""/next and /schedule through the core queries, and the console with a set clock."""

from __future__ import annotations

import json

from bot.clock import OffsetClock, parse_instant
from bot.queries.schedule import calendar_ics, next_weekend, schedule
from bot.services import load_current_calendar
from cogs._render import markdown
from tests.conftest import paddock


async def with_calendar(services, now: str):
    services.calendar = await load_current_calendar(services.config)
    services.clock = OffsetClock(parse_instant(now))
    return services


async def test_next_names_the_rolex_24_with_start_countdown_and_lineups(services):
    answer = await next_weekend(await with_calendar(services, "2024-01-20T12:00:00Z"))
    assert answer.ok and "Rolex 24" in answer.title
    race = answer.data["race"]
    assert race["start_utc"] == "2024-01-27T18:40:00+00:00"  # 13:40 at Daytona (EST)
    assert "<t:1706380800:R>" in markdown(answer.description)
    names = [s.name for s in answer.sections]
    assert any(name.startswith("#31") for name in names), names
    assert answer.sources, "line-ups cite their articles"


async def test_next_after_the_last_known_race_says_how_to_import(services):
    answer = await next_weekend(await with_calendar(services, "2026-11-21T12:00:00Z"))
    assert answer.status == "not_found"
    assert "No race is scheduled" in answer.description
    assert "paddock calendar import" in answer.description


async def test_schedule_lists_a_season(services):
    answer = await schedule(await with_calendar(services, "2024-01-20T12:00:00Z"), year=2026)
    assert answer.ok and len(answer.data["events"]) >= 11


async def test_calendar_exports_as_ics(services):
    name, data = calendar_ics(await with_calendar(services, "2024-01-20T12:00:00Z"))
    assert name.endswith(".ics") and data.startswith(b"BEGIN:VCALENDAR")
    assert b"Rolex 24" in data


def test_console_next_with_a_set_clock(tmp_path):
    db = str(tmp_path / "p.db")
    assert paddock("--db", db, "ingest", "seeds/articles").returncode == 0
    result = paddock("--db", db, "ask", "/next", "--json", "--now", "2024-01-20T12:00Z")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "Rolex 24" in answer["title"]
    later = paddock("--db", db, "ask", "/next", "--now", "2026-11-21T00:00Z")
    assert "No race is scheduled" in later.stdout


async def test_next_links_recent_articles_that_name_the_event(services):
    answer = await next_weekend(await with_calendar(services, "2024-01-20T12:00:00Z"))
    news = next(s for s in answer.sections if s.name == "In the news")
    assert "2024-01-16" in news.value, "the Roar preview names the 24h of Daytona"
    assert answer.data["news"][0] == 1
