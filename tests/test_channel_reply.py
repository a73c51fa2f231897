"""/config channel in the console: it says what it will post next, and the quote of the day
is on at 09:00 once a channel is set (an admin can switch it off, and it stays off)."""

from __future__ import annotations

from bot.console.repl import answer_line
from bot.queries.catalogue import CONSOLE_GUILD_ID, command_table
from bot.schedule.calendar import load_calendar
from bot.schedule.outbox import get_settings


async def _ask(services, line: str):
    answer, problem = await answer_line(services, command_table(), line)
    assert answer is not None, problem
    return answer


async def test_setting_a_channel_lists_the_next_posts_and_turns_the_quote_of_the_day_on(services):
    services.calendar = load_calendar(services.config.calendar_file)

    answer = await _ask(services, "/config channel channel:#racing")

    assert answer.ok
    assert "The quote of the day is on, every day at 09:00" in answer.description
    assert "/config qotd at:off" in answer.description
    coming = answer.data["next_posts"]
    assert 1 <= len(coming) <= 5
    assert any("reminder: Rolex 24 At Daytona race, 7d before" in line for line in coming)
    assert any("quote of the day" in line for line in coming)
    saved = await get_settings(services.store, CONSOLE_GUILD_ID)
    assert saved.qotd_time is not None and saved.qotd_time.strftime("%H:%M") == "09:00"


async def test_a_quote_of_the_day_switched_off_stays_off_when_the_channel_changes(services):
    services.calendar = load_calendar(services.config.calendar_file)
    await _ask(services, "/config channel channel:#racing")
    await _ask(services, "/config qotd at:off")

    answer = await _ask(services, "/config channel channel:#general")

    assert "The quote of the day is off" in answer.description
    assert not any("quote of the day" in line for line in answer.data["next_posts"])
    assert (await get_settings(services.store, CONSOLE_GUILD_ID)).qotd_time is None


async def test_config_show_in_the_console_lists_what_the_plan_holds(services):
    services.calendar = load_calendar(services.config.calendar_file)
    await _ask(services, "/config channel channel:#racing")

    answer = await _ask(services, "/config show")

    posts = next(s.value for s in answer.sections if s.name == "Next posts")
    assert "reminder: Rolex 24 At Daytona race" in posts
    assert "none planned" not in posts


async def test_leads_typed_in_words_in_the_console_are_said_back(services):
    answer = await _ask(services, '/config leads leads:"1 week, 12h"')

    assert answer.ok
    assert "reminders go out 1 week and 12 hours before each race (7d, 12h)" in answer.description
