"""What a fan and a server admin meet first, through the real bot and the Discord emulator:
/config spoilers hides race results (and only results); /config channel says what comes next."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import OTHER_CHANNEL_ID, StartPaddock
from .emulator import Emulator, InteractionRecord

pytestmark = pytest.mark.e2e

ROAR_WEEKEND = "2024-01-20T12:00:00+00:00"


def fields(record: InteractionRecord) -> dict[str, str]:
    """Return the first embed's fields of an answer, by name (repeated names joined)."""
    data = record.data if record.response_type == 4 else (record.followups or [{}])[0]
    found: dict[str, str] = {}
    for field in (data.get("embeds") or [{}])[0].get("fields") or []:
        found[field["name"]] = "\n".join(filter(None, [found.get(field["name"]), field["value"]]))
    return found


def description(record: InteractionRecord) -> str:
    data = record.data if record.response_type == 4 else (record.followups or [{}])[0]
    return (data.get("embeds") or [{}])[0].get("description") or ""


def hidden(value: str) -> bool:
    return value.startswith("||") and value.endswith("||")


def result_fields(record: InteractionRecord) -> list[str]:
    """Return the values of an answer's result fields (events of /results, or "Results")."""
    return [
        value
        for name, value in fields(record).items()
        if name.startswith("Results") or " · " in name
    ]


async def test_spoilers_hide_race_results_until_switched_off(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu: Any = paddock_emu
    await start_paddock(emu, fake_now=ROAR_WEEKEND, name="spoilers")

    before = await emu.invoke("results")
    assert result_fields(before) and not any(map(hidden, result_fields(before)))

    switched = await emu.invoke("config spoilers", {"state": "on"})
    assert "Race results" in fields(switched)
    assert fields(switched)["Race results"] == "hidden behind spoiler tags"

    results = await emu.invoke("results")
    assert result_fields(results) and all(map(hidden, result_fields(results)))
    assert not hidden(description(results)), "counts are not results"
    driver = await emu.invoke("driver", {"name": "Derani"})
    assert hidden(fields(driver)["Results"])
    assert not hidden(fields(driver)["Cars and teams"])
    team = await emu.invoke("team", {"name": "AXR"})
    assert hidden(fields(team)["Results"])
    lineup = await emu.invoke("lineup", {"car": "31"})
    assert not any(hidden(v) for v in fields(lineup).values())

    typo = await emu.invoke("config spoilers", {"state": "maybe"})
    assert "neither on nor off" in description(typo)
    off = await emu.invoke("config spoilers", {"state": "off"})
    assert fields(off)["Race results"] == "shown"
    after = await emu.invoke("results")
    assert not any(map(hidden, result_fields(after)))


async def test_setting_a_channel_says_what_comes_next_and_turns_the_quote_of_the_day_on(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu: Any = paddock_emu
    await start_paddock(emu, fake_now=ROAR_WEEKEND, name="channel")

    record = await emu.invoke("config channel", {"channel": OTHER_CHANNEL_ID})

    assert record.response_type == 4
    assert f"<#{OTHER_CHANNEL_ID}>" in description(record)
    assert "The quote of the day is on, every day at 09:00" in description(record)
    coming = fields(record)["Next posts"].splitlines()
    assert 1 <= len(coming) <= 5
    assert any("reminder: Rolex 24 At Daytona race, 7d before" in line for line in coming)
    assert any("quote of the day" in line for line in coming)
    assert fields(record)["Quote of the day"] == "09:00"

    off = await emu.invoke("config qotd", {"at": "off"})
    assert fields(off)["Quote of the day"] == "off"
    again = await emu.invoke("config channel", {"channel": OTHER_CHANNEL_ID})
    assert "The quote of the day is off" in description(again)

    leads = await emu.invoke("config leads", {"leads": "2 days, 30m"})
    assert "reminders go out 2 days and 30 minutes before each race" in description(leads)
    assert fields(leads)["Reminder leads"] == "2d, 30m"
