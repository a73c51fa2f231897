"""Two subscribed series: /next, /schedule season and reminders cover both, each labelled."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import load_config
from bot.queries.posts import render_post
from bot.schedule.outbox import Post
from bot.schedule.planning import GuildSettings, plan_posts
from bot.services import load_merged_calendar
from bot.store import Store
from cogs._render import markdown
from tests.conftest import SEEDS
from tests.sources_server import SourceServer

from .fixtures import ics, season_2027
from .test_refresh import ICS, paddock

NY = ZoneInfo("America/New_York")
QATAR_RACE = datetime(2027, 2, 27, 11, 0, tzinfo=ZoneInfo("Asia/Qatar"))
WEC_SEBRING_RACE = datetime(2027, 3, 19, 12, 0, tzinfo=NY)
IMSA_SEBRING_RACE = datetime(2027, 3, 20, 14, 40, tzinfo=UTC)
DAYTONA_RACE = datetime(2027, 1, 30, 13, 30, tzinfo=NY)


def wec_2027() -> str:
    """Return a 2027 WEC calendar: Qatar, Sebring (the day before IMSA's 12 Hours), Imola."""
    return ics(
        [
            "UID:wec-qatar-2027@test\r\nSUMMARY:Qatar 1812 km - Race\r\n"
            "LOCATION:Lusail International Circuit\r\n"
            "DTSTART;TZID=Asia/Qatar:20270227T110000\r\nDTSTAMP:20261201T000000Z",
            "UID:wec-sebring-2027-fp@test\r\nSUMMARY:1000 Miles of Sebring - Practice\r\n"
            "LOCATION:Sebring International Raceway\r\n"
            "DTSTART;TZID=America/New_York:20270318T100000\r\nDTSTAMP:20261201T000000Z",
            "UID:wec-sebring-2027@test\r\nSUMMARY:1000 Miles of Sebring - Race\r\n"
            "LOCATION:Sebring International Raceway\r\n"
            "DTSTART;TZID=America/New_York:20270319T120000\r\nDTSTAMP:20261201T000000Z",
            "UID:wec-imola-2027@test\r\nSUMMARY:6 Hours of Imola - Race\r\n"
            "LOCATION:Autodromo Enzo e Dino Ferrari\r\n"
            "DTSTART;TZID=Europe/Rome:20270418T130000\r\nDTSTAMP:20261201T000000Z",
        ]
    )


def imsa_2027() -> str:
    """Return the IMSA 2027 calendar with practice at Sebring on the day of the WEC race."""
    practice = (
        "BEGIN:VEVENT\r\nUID:sebring-2027-fp@test\r\nSUMMARY:Twelve Hours of Sebring - Practice"
        "\r\nLOCATION:Sebring International Raceway\r\n"
        "DTSTART;TZID=America/New_York:20270319T090000\r\nDTSTAMP:20261201T000000Z\r\n"
        "END:VEVENT\r\n"
    )
    return season_2027().replace("END:VCALENDAR", practice + "END:VCALENDAR")


def stamp(moment: datetime, style: str) -> dict[str, str]:
    """Return the JSON span of a Discord timestamp."""
    return {"timestamp": moment.astimezone(UTC).isoformat(), "style": style}


@pytest.fixture
async def refreshed(tmp_path: Path) -> AsyncIterator[Path]:
    """Return the config of a store refreshed from an IMSA and a WEC calendar subscription."""
    async with SourceServer() as server:
        server.put("/imsa.ics", imsa_2027(), ICS)
        server.put("/wec.ics", wec_2027(), ICS)
        config = tmp_path / "paddock.toml"
        config.write_text(
            "[paddock]\n"
            f'database = "{tmp_path / "paddock.db"}"\n'
            f'seeds = "{SEEDS}"\n\n'
            f'[[calendars]]\nurl = "{server.url("/imsa.ics")}"\nseries = "IMSA"\n\n'
            f'[[calendars]]\nurl = "{server.url("/wec.ics")}"\nseries = "WEC"\n',
            encoding="utf-8",
        )
        code, out, err = await paddock(config, "refresh")
        assert code == 0, out + err
    yield config


async def ask(config: Path, command: str, now: str) -> dict:
    code, out, err = await paddock(config, "ask", command, "--now", now, "--json")
    assert code == 0, out + err
    return json.loads(out)


async def test_next_names_its_series_and_the_next_race_of_the_other(refreshed: Path) -> None:
    answer = await ask(refreshed, "/next", "2027-01-20T12:00Z")
    assert answer["title"] == "Rolex 24 At Daytona"
    assert answer["description"].startswith("IMSA\n")
    assert answer["data"]["series"] == "IMSA"
    assert stamp(DAYTONA_RACE, "R") in answer["description_spans"]
    sections = {s["name"]: s for s in answer["sections"]}
    wec = sections["Next in WEC"]
    assert wec["value"].startswith("Qatar 1812 km · Lusail International Circuit")
    assert stamp(QATAR_RACE, "R") in wec["spans"]
    assert [s["name"] for s in answer["sections"]] == ["Qualifying", "Race", "Next in WEC"]
    assert [e["series"] for e in answer["data"]["other_series"]] == ["WEC"]


async def test_a_shared_weekend_labels_the_other_series_sessions(refreshed: Path) -> None:
    answer = await ask(refreshed, "/next", "2027-03-10T12:00Z")
    assert answer["title"] == "1000 Miles of Sebring"
    assert answer["description"].startswith(
        "WEC\nRace weekend · Sebring International Raceway · Thu 18 – Fri 19 Mar 2027"
    )
    names = [s["name"] for s in answer["sections"]]
    assert names == [
        "Practice",
        "Practice · Twelve Hours of Sebring (IMSA)",
        "Race",
        "Race · Twelve Hours of Sebring (IMSA)",
        "Next in IMSA",
    ]
    spans = {s["name"]: s["spans"] for s in answer["sections"]}
    assert spans["Race"][0] == stamp(WEC_SEBRING_RACE, "F")
    assert spans["Race · Twelve Hours of Sebring (IMSA)"][0] == stamp(IMSA_SEBRING_RACE, "F")
    assert stamp(IMSA_SEBRING_RACE, "R") in spans["Next in IMSA"]


async def test_the_season_lists_both_series_in_date_order_each_labelled(refreshed: Path) -> None:
    answer = await ask(refreshed, "/schedule season year:2027", "2027-01-20T12:00Z")
    assert answer["title"] == "2027 season"
    assert [s["name"] for s in answer["sections"]] == [
        "IMSA · Race weekend · Rolex 24 At Daytona",
        "WEC · Race weekend · Qatar 1812 km",
        "WEC · Race weekend · 1000 Miles of Sebring",
        "IMSA · Race weekend · Twelve Hours of Sebring",
        "WEC · Race weekend · 6 Hours of Imola",
    ]
    assert answer["sections"][1]["value"] == "Sat 27 Feb 2027 · Lusail International Circuit"
    assert [e["series"] for e in answer["data"]["events"]] == [
        "IMSA", "WEC", "WEC", "IMSA", "WEC",
    ]  # fmt: skip
    # a year of one series only is titled with that series, its rounds unlabelled
    shipped = await ask(refreshed, "/schedule season year:2024", "2027-01-20T12:00Z")
    assert shipped["title"] == "IMSA WeatherTech SportsCar Championship 2024"
    assert not [s for s in shipped["sections"] if s["name"].startswith(("IMSA ·", "WEC ·"))]


async def test_reminders_cover_both_series_each_labelled(refreshed: Path) -> None:
    config = load_config(refreshed, {})
    async with Store.open(config.database) as store:
        calendar = await load_merged_calendar(config, store)
    start = datetime(2027, 1, 1, tzinfo=UTC)
    every = plan_posts(GuildSettings(1, channel_id=2), calendar, start=start)
    rendered = [
        render_post(Post(0, p.key, p.kind, p.due, p.payload(), "pending"), calendar) for p in every
    ]
    by_title = {a.title: a for a in rendered}
    assert {a.data["series"] for a in rendered} == {"IMSA", "WEC"}
    for answer in rendered:
        assert markdown(answer.description).startswith(f"{answer.data['series']}\n")
    qatar = by_title["Qatar 1812 km: race countdown"]
    assert qatar.data["series"] == "WEC"
    assert f"<t:{int(QATAR_RACE.timestamp())}:R>" in markdown(qatar.description)
    assert by_title["Race week: Rolex 24 At Daytona"].data["series"] == "IMSA"
    # five races, each a preview and three countdowns
    assert len(every) == 5 * 4

    wec_only = plan_posts(GuildSettings(1, channel_id=2, series=("WEC",)), calendar, start=start)
    assert wec_only and {p.event_uid for p in wec_only} == {
        p.event_uid for p, a in zip(every, rendered, strict=True) if a.data["series"] == "WEC"
    }
