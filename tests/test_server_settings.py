"""Server settings: what an admin types, what gets saved, and the posts it plans."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from bot.queries.server import (
    SettingError,
    change,
    parse_leads,
    parse_qotd,
    show_settings,
    update_settings,
    zone_names,
)
from bot.schedule.outbox import get_settings
from cogs._render import markdown

GUILD = 4242


def test_leads_parse_in_any_order_longest_first():
    assert parse_leads("1h, 7d 1d") == (timedelta(days=7), timedelta(days=1), timedelta(hours=1))
    assert parse_leads("90m") == (timedelta(minutes=90),)


@pytest.mark.parametrize(
    ("text", "message"),
    [("3x", "“3x” is not a lead time"), ("45d", "out of range"), ("", "between 1 and 6")],
)
def test_bad_leads_say_what_is_wrong(text, message):
    with pytest.raises(SettingError, match=message):
        parse_leads(text)


def test_quote_of_the_day_time_or_off():
    assert parse_qotd("09:00") == time(9, 0)
    assert parse_qotd("off") is None
    with pytest.raises(SettingError, match="24-hour HH:MM"):
        parse_qotd("9am")


def test_time_zone_autocomplete_forgives_typos():
    assert "America/New_York" in zone_names("new yrok")
    assert len(zone_names("")) <= 25


async def test_bad_time_zone_is_refused_with_suggestions(services):
    answer = await change(services, GUILD, "timezone", "Europe/Berln")
    assert answer.status == "error"
    assert "Europe/Berlin" in answer.description
    assert (await get_settings(services.store, GUILD)).timezone == "UTC"


async def test_setting_a_channel_plans_reminders_for_the_next_race(services):
    before = await show_settings(services, GUILD)
    assert before.data["pending_posts"] == 0
    answer = await update_settings(services, GUILD, channel_id=777)
    assert answer.data["channel_id"] == 777
    assert markdown(answer.sections[0].value) == "<#777>"
    saved = await get_settings(services.store, GUILD)
    assert saved.channel_id == 777 and saved.leads == parse_leads("7d, 1d, 1h")


async def test_changing_leads_is_saved_and_shown(services):
    answer = await change(services, GUILD, "leads", "2d, 30m")
    assert answer.data["leads"] == ["2d", "30m"]
    assert (await get_settings(services.store, GUILD)).leads == (
        timedelta(days=2),
        timedelta(minutes=30),
    )


@pytest.mark.parametrize(
    ("typed", "leads", "said"),
    [
        ("2 days, 30m", (timedelta(days=2), timedelta(minutes=30)), "2 days and 30 minutes"),
        ("1 week", (timedelta(weeks=1),), "1 week"),
        ("12h", (timedelta(hours=12),), "12 hours"),
        ("1 hour and 90 mins", (timedelta(minutes=90), timedelta(hours=1)), "1 hour 30 minutes"),
    ],
)
async def test_leads_in_words_are_understood_and_said_back(services, typed, leads, said):
    assert parse_leads(typed) == leads

    answer = await change(services, GUILD, "leads", typed)

    assert answer.ok
    assert answer.description.startswith(f"Understood “{typed}”: reminders go out {said}")
    assert (await get_settings(services.store, GUILD)).leads == leads


@pytest.mark.parametrize("typed", ["2 dayz", "soon", "1 week later", "30"])
async def test_leads_that_are_not_lead_times_change_nothing_and_say_why(services, typed):
    answer = await change(services, GUILD, "leads", typed)

    assert answer.status == "error"
    assert "is not a lead time" in answer.description
    assert (await get_settings(services.store, GUILD)).leads == parse_leads("default")
