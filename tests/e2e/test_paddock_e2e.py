"""The real ``python -m bot run`` against the Discord API emulator.

One Paddock process (seed articles, dev guild = the emulator's guild, clock set to the 2024 Roar
weekend) serves every command test in this module; the race-weekend test starts its own Paddock
on a fast fake clock.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import socket
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from .conftest import (
    APP_ID,
    CHANNEL_ID,
    GUILD_ID,
    OTHER_CHANNEL_ID,
    PADDOCK_COMMANDS,
    ROLE_ID,
    BotProcess,
    StartPaddock,
    launch_paddock,
    paddock_emulator,
    stop_paddock,
)
from .emulator import EPHEMERAL, Emulator, InteractionRecord, Json, make_user

pytestmark = pytest.mark.e2e
shared_bot = pytest.mark.asyncio(loop_scope="module")

NAME_RE = re.compile(r"^[-_a-z0-9]{1,32}$")
MANAGE_GUILD = 1 << 5
SHARED_NOW = "2024-01-20T12:00:00+00:00"  # the Roar weekend: the Rolex 24 is next
STRANGER = make_user(700000000000000077, "stranger")
ROLEX_START = datetime(2024, 1, 27, 18, 40, tzinfo=UTC)  # 13:40 America/New_York
ROLEX_RACE = "session:imsa-2024-r01-daytona-race"


# ---------------------------------------------------------------------------- helpers


def embed_text(embed: Json) -> str:
    """Every piece of text a fan sees in an embed."""
    parts = [embed.get("title") or "", embed.get("description") or ""]
    for f in embed.get("fields") or []:
        parts += [f.get("name") or "", f.get("value") or ""]
    parts.append((embed.get("footer") or {}).get("text") or "")
    return "\n".join(parts)


def answer_text(record: InteractionRecord) -> str:
    """The text of an interaction's answer: the callback, else its first follow-up."""
    data = record.data if record.response_type == 4 else (record.followups or [{}])[0]
    return "\n".join([data.get("content") or "", *map(embed_text, data.get("embeds") or [])])


def bot_messages_requests(emulator: Emulator) -> list[Any]:
    """Every request in which the bot created or edited a message (and could have pinged)."""
    out = []
    for r in emulator.requests:
        body = r.json if isinstance(r.json, dict) else {}
        if r.method == "POST" and r.path.endswith("/callback"):
            if body.get("type") in (4, 7):
                out.append((r, body.get("data") or {}))
        elif r.method in ("POST", "PATCH") and r.path.startswith(("/webhooks/", "/channels/")):
            out.append((r, body))
    return out


def assert_no_pings(emulator: Emulator, *, role_posts_in: str | None = None) -> int:
    """Every message the bot sent allows no mentions (a configured role ping excepted)."""
    checked = 0
    for request, body in bot_messages_requests(emulator):
        allowed = body.get("allowed_mentions")
        if request.method == "PATCH" and allowed is None:
            continue  # an edit without allowed_mentions keeps the original's
        assert allowed is not None, f"{request!r} sent no allowed_mentions: {body}"
        assert allowed.get("parse") == [], f"{request!r} parses mentions: {allowed}"
        assert not allowed.get("users"), f"{request!r} may ping users: {allowed}"
        roles = allowed.get("roles") or []
        if roles:
            channel_post = request.path == f"/channels/{role_posts_in}/messages"
            assert channel_post, f"{request!r} may ping roles: {allowed}"
            assert [str(r) for r in roles] == [ROLE_ID]
        checked += 1
    return checked


def choice_names(record: InteractionRecord) -> list[str]:
    assert record.response_type == 8
    assert len(record.choices) <= 25
    for choice in record.choices:
        assert 1 <= len(choice["name"]) <= 100
    return [c["name"] for c in record.choices]


def button_ids(message: Json) -> dict[str, str]:
    """Button label -> custom_id of a message."""
    return {
        c["label"]: c["custom_id"]
        for row in message.get("components") or []
        for c in row["components"]
        if c.get("type") == 2
    }


def buttons_disabled(message: Json) -> dict[str, bool]:
    return {
        c["label"]: bool(c.get("disabled"))
        for row in message.get("components") or []
        for c in row["components"]
    }


def footer(message: Json) -> str:
    return ((message.get("embeds") or [{}])[0].get("footer") or {}).get("text") or ""


# ---------------------------------------------------------------------------- the shared bot


@pytest.fixture(scope="module")
def shared_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared Paddock's folder: config, database (paddock.db) and log."""
    return tmp_path_factory.mktemp("paddock")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def shared(shared_workdir: Path) -> AsyncIterator[Emulator]:
    """An emulator with one real Paddock connected, synced and READY (Roar weekend, 2024)."""
    async with paddock_emulator() as emu:
        bot = await launch_paddock(emu, shared_workdir, name="shared", fake_now=SHARED_NOW)
        try:
            yield emu
        finally:
            await stop_paddock(bot)


@shared_bot
async def test_registered_commands_fit_discord(shared: Emulator) -> None:
    puts = [r for r in shared.requests if r.method == "PUT" and "/commands" in r.path]
    assert [r.path for r in puts] == [PADDOCK_COMMANDS]  # the dev guild only, never global
    (put,) = puts
    assert put.status == 200
    commands = {c["name"]: c for c in put.json}
    assert set(commands) == {
        "about",
        "lineup",
        "driver",
        "team",
        "results",
        "quote",
        "search",
        "article",
        "next",
        "schedule",
        "config",
        "help",
    }

    def check(option: Json, where: str) -> None:
        assert NAME_RE.match(option["name"]), where
        assert 1 <= len(option["description"]) <= 100, where
        assert option["description"] != "…", f"{where}: no description"
        assert len(option.get("choices") or []) <= 25, where
        assert len(option.get("options") or []) <= 25, where
        for sub in option.get("options") or []:
            check(sub, f"{where} {sub['name']}")

    for name, command in commands.items():
        assert command.get("type", 1) == 1
        check(command, f"/{name}")
    assert len(put.json) <= 100

    config = commands["config"]
    assert int(config["default_member_permissions"]) == MANAGE_GUILD
    assert config["dm_permission"] is False
    assert config.get("contexts") in (None, [0])  # guild only
    assert {o["name"] for o in config["options"]} == {
        "show",
        "channel",
        "role",
        "timezone",
        "leads",
        "qotd",
        "events",
        "spoilers",
        "news",
        "series",
    }
    for name, command in commands.items():
        if name != "config":
            assert command.get("default_member_permissions") is None, name
    schedule = {o["name"] for o in commands["schedule"]["options"]}
    assert schedule == {"season", "ics"}
    assert set(shared.guild_commands[GUILD_ID]) == set(commands)
    assert shared.unknown_requests == []


@shared_bot
async def test_about_counts_the_seed_articles(shared: Emulator) -> None:
    record = await shared.invoke("about", timeout_s=10)
    assert record.response_type == 4
    (embed,) = record.data["embeds"]
    assert embed["title"] == "About Paddock"
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Articles"] == "5"
    assert record.data["allowed_mentions"] == {"parse": []}
    # The answer is a real message in the channel where the command was used.
    assert record.message is not None
    assert shared.channel_messages(CHANNEL_ID)[-1]["id"] == record.message["id"]


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("lineup", {"car": "31"}, ["#31", "Pipo Derani", "Action Express Racing"]),
        ("lineup", {"team": "Chip Ganassi Racing"}, ["#01", "Scott Dixon"]),
        ("driver", {"name": "Pipo Derani"}, ["Pipo Derani", "#31"]),
        ("team", {"name": "Action Express Racing"}, ["Action Express Racing", "Derani"]),
        ("results", {"driver": "Pipo Derani"}, ["Derani", "Pole"]),
        ("quote", {"speaker": "Mike O'Gara"}, ["Mike O'Gara", "Daytona"]),
        ("search", {"query": "qualifying record"}, ["pole position", "qualifying record"]),
        ("article", {"id": 3}, ["Derani", "pole"]),
        ("next", {}, ["Rolex 24 At Daytona", "Daytona International Speedway"]),
        ("schedule season", {"year": 2024}, ["Rolex 24 At Daytona", "Sat 27"]),
    ],
)
@shared_bot
async def test_slash_command_answers(
    shared: Emulator, command: str, options: dict[str, Any], expected: list[str]
) -> None:
    record = await shared.invoke(command, options, timeout_s=10, followups=0)
    if record.response_type == 5:  # deferred: wait for the follow-up
        await shared.wait_until(lambda: record.followups, 10, f"/{command} follow-up")
    assert record.response_type in (4, 5)
    text = answer_text(record)
    for needle in expected:
        assert needle.lower() in text.lower(), f"/{command} {options}: {needle!r} not in\n{text}"
    data = record.data if record.response_type == 4 else record.followups[0]
    assert not (data.get("flags") or 0) & EPHEMERAL
    assert "Something went wrong" not in text


@shared_bot
async def test_a_burst_is_acknowledged_at_once_then_answered(shared: Emulator) -> None:
    """30 commands at once: each is acknowledged (deferred if the bot is busy), then answered."""
    burst = [
        ("lineup", {"car": "31"}, "Pipo Derani"),
        ("driver", {"name": "Pipo Derani"}, "#31"),
        ("quote", {"speaker": "Mike O'Gara"}, "Mike O'Gara"),
        ("search", {"query": "qualifying record"}, "qualifying record"),
        ("about", {}, "About Paddock"),
    ] * 6
    gid, cid, user = shared._context(None, None, None, False)
    records = []
    for name, options, _ in burst:
        data = shared._command_data(name, options, gid)
        records.append(
            await shared.send_interaction(2, data, guild_id=gid, channel_id=cid, user=user)
        )
    await shared.wait_until(
        lambda: all(r.callbacks and (r.response_type == 4 or r.followups) for r in records),
        20,
        "every answer in the burst",
    )
    assert {r.response_type for r in records} <= {4, 5}
    assert any(r.response_type == 5 for r in records), "a busy bot acknowledges first"
    for record, (name, _, needle) in zip(records, burst, strict=True):
        text = answer_text(record)
        assert needle.lower() in text.lower(), f"/{name}: {needle!r} not in\n{text}"
        assert "Something went wrong" not in text
        if record.response_type == 5:
            assert len(record.followups) == 1
    assert_no_pings(shared)


@shared_bot
async def test_search_finds_the_pole_article_first(shared: Emulator) -> None:
    record = await shared.invoke("search", {"query": "qualifying record"})
    (embed,) = record.data["embeds"]
    first = embed["fields"][0]
    assert "pole position" in first["name"]
    assert "article 3" in first["value"]


@shared_bot
async def test_typed_input_echoed_in_an_embed_is_never_a_link_or_a_pill(shared: Emulator) -> None:
    typed = "[free tickets](https://evil.example/phish) <@&123> **loud**"
    record = await shared.invoke("search", {"query": typed})
    text = answer_text(record)
    assert "free tickets" in text, "the input is echoed, as typed"
    assert "[free tickets](" not in text and "\\[free tickets\\](" in text
    assert "<@&123>" not in text and "**loud**" not in text
    assert record.data["allowed_mentions"] == {"parse": []}


@shared_bot
async def test_unknown_article_is_a_polite_answer(shared: Emulator) -> None:
    record = await shared.invoke("article", {"id": 999})
    assert record.response_type == 4
    text = answer_text(record)
    assert "999" in text
    assert "Something went wrong" not in text


@shared_bot
async def test_schedule_ics_attaches_the_calendar(shared: Emulator) -> None:
    record = await shared.invoke("schedule ics")
    assert record.response_type == 4
    (sent,) = record.callbacks[0]["files"]
    assert sent["filename"].endswith(".ics")
    body = sent["data"].decode()
    assert body.startswith("BEGIN:VCALENDAR")
    assert "Rolex 24 At Daytona" in body
    assert record.data["allowed_mentions"] == {"parse": []}


@pytest.mark.parametrize(
    ("command", "options", "focused", "expected"),
    [
        ("driver", {"name": "derrani"}, "name", "Pipo Derani"),
        ("lineup", {"car": "3"}, "car", "31"),
        ("team", {"name": "action expres"}, "name", "Action Express Racing"),
        ("results", {"event": "rolex"}, "event", "Rolex 24"),
        ("quote", {"speaker": "ogara"}, "speaker", "Mike O'Gara"),
        ("config timezone", {"zone": "new york"}, "zone", "America/New_York"),
    ],
)
@shared_bot
async def test_autocomplete_offers_the_right_names(
    shared: Emulator, command: str, options: dict[str, str], focused: str, expected: str
) -> None:
    record = await shared.autocomplete(command, options, focused=focused)
    names = choice_names(record)
    assert any(expected.lower() in n.lower() for n in names), names


@shared_bot
async def test_autocomplete_with_nothing_typed_stays_within_25(shared: Emulator) -> None:
    for command, focused in [("driver", "name"), ("config timezone", "zone"), ("lineup", "car")]:
        record = await shared.autocomplete(command, {}, focused=focused)
        assert 0 < len(choice_names(record)) <= 25


@pytest.mark.parametrize(
    ("command", "options"), [("article", {"id": 1}), ("schedule season", {"year": 2024})]
)
@shared_bot
async def test_pager_buttons_turn_pages_for_the_asker_only(
    shared: Emulator, command: str, options: dict[str, Any]
) -> None:
    record = await shared.invoke(command, options)
    assert record.response_type == 4
    message = record.message
    assert message is not None
    ids = button_ids(message)
    assert set(ids) == {"Previous", "Next"}
    assert buttons_disabled(message) == {"Previous": True, "Next": False}
    first_page = message["embeds"][0]
    match = re.search(r"Page 1/(\d+)", footer(message))
    assert match, footer(message)
    pages = int(match.group(1))
    assert pages >= 2

    nxt = await shared.press_button(message, ids["Next"])
    assert nxt.response_type == 7
    assert f"Page 2/{pages}" in footer(nxt.data)
    assert shared.messages[message["id"]]["embeds"][0] != first_page
    assert buttons_disabled(shared.messages[message["id"]])["Previous"] is False

    # A stranger's press is refused privately and changes nothing.
    refused = await shared.press_button(message, ids["Next"], user=STRANGER)
    assert refused.response_type == 4
    assert refused.data["flags"] & EPHEMERAL
    assert "Only the person who asked" in refused.data["content"]
    assert refused.data["allowed_mentions"] == {"parse": []}
    assert f"Page 2/{pages}" in footer(shared.messages[message["id"]])

    back = await shared.press_button(message, ids["Previous"])
    assert back.response_type == 7
    assert f"Page 1/{pages}" in footer(back.data)
    assert back.data["embeds"][0]["fields"] == first_page["fields"]
    assert buttons_disabled(shared.messages[message["id"]])["Previous"] is True


@shared_bot
async def test_config_show_in_a_server(shared: Emulator) -> None:
    record = await shared.invoke("config show")
    assert record.response_type == 4
    text = answer_text(record)
    assert "not set (no posts)" in text
    assert "none (posts never ping)" in text


@pytest.mark.parametrize(
    ("command", "options", "expected"),
    [
        ("config timezone", {"zone": "Mars/Olympus"}, "not a time zone"),
        ("config qotd", {"at": "25:00"}, "not a time of day"),
        ("config leads", {"leads": "soon"}, "not a lead time"),
    ],
)
@shared_bot
async def test_config_typos_are_explained_and_change_nothing(
    shared: Emulator, command: str, options: dict[str, str], expected: str
) -> None:
    record = await shared.invoke(command, options)
    assert record.response_type == 4
    text = answer_text(record)
    assert "Setting not changed" in text
    assert expected in text
    show = await shared.invoke("config show")
    assert "Time zone\nUTC" in answer_text(show)


@shared_bot
async def test_config_timezone_and_qotd_are_saved(shared: Emulator) -> None:
    zone = await shared.invoke("config timezone", {"zone": "America/New_York"})
    assert "America/New_York" in answer_text(zone)
    qotd = await shared.invoke("config qotd", {"at": "off"})
    assert "Quote of the day\noff" in answer_text(qotd)
    back = await shared.invoke("config timezone", {"zone": "UTC"})
    assert "Time zone\nUTC" in answer_text(back)


@shared_bot
async def test_slow_database_write_is_deferred_then_answered(
    shared: Emulator, shared_workdir: Path
) -> None:
    """Another writer holds the database for 3 s: the bot defers, then follows up."""
    other = sqlite3.connect(shared_workdir / "paddock.db", isolation_level=None, timeout=5.0)
    try:
        other.execute("BEGIN IMMEDIATE")
        record = await shared.invoke("config leads", {"leads": "3d, 2h"}, timeout_s=5)
        assert record.response_type == 5  # "Paddock is thinking..." after 2 s
        assert not record.followups
        await asyncio.sleep(1.0)
        other.execute("ROLLBACK")
    finally:
        other.close()
    await shared.wait_until(lambda: record.followups, 10.0, "the follow-up")
    (answer,) = record.followups
    assert answer["id"] == record.message["id"]  # the "thinking" message became the answer
    text = "\n".join(map(embed_text, answer["embeds"]))
    assert "3d, 2h" in text
    assert answer["_allowed_mentions"] == {"parse": []}
    # The settings fit one page: the follow-up carries no pager buttons.
    assert "Page" not in footer(answer)
    assert button_ids(answer) == {}


@shared_bot
async def test_an_error_after_a_defer_is_shown_to_the_asker_only(
    shared: Emulator, shared_workdir: Path
) -> None:
    """The database stays locked past its busy timeout: the error reaches the asker only."""
    other = sqlite3.connect(shared_workdir / "paddock.db", isolation_level=None, timeout=5.0)
    try:
        other.execute("BEGIN IMMEDIATE")
        record = await shared.invoke("config leads", {"leads": "5d"}, timeout_s=5)
        assert record.response_type == 5  # "Paddock is thinking..." in the channel
        thinking = record.message
        assert thinking is not None and not thinking["flags"] & EPHEMERAL
        await shared.wait_until(lambda: record.followups, 45.0, "the error note")
    finally:
        other.execute("ROLLBACK")
        other.close()
    (note,) = record.followups
    assert "database is unavailable" in note["content"]
    assert note["flags"] & EPHEMERAL
    assert note["_allowed_mentions"] == {"parse": []}
    # The thinking message the channel saw is gone, and nothing in the channel tells of it.
    assert record.original_deleted
    channel = shared.channel_messages(CHANNEL_ID)
    assert thinking["id"] not in {m["id"] for m in channel}
    assert not any("database" in (m.get("content") or "") for m in channel)
    assert "Traceback" not in note["content"]


@shared_bot
async def test_no_message_the_bot_sent_can_ping(shared: Emulator) -> None:
    """Runs last in the module: every answer above (and these) allowed no mentions at all."""
    await shared.invoke("quote", {"about": "Daytona"})
    await shared.invoke("config show", channel_id=OTHER_CHANNEL_ID)
    assert assert_no_pings(shared) >= 2
    assert shared.unknown_requests == []


# ---------------------------------------------------------------------------- race weekend

WEEKEND_START = ROLEX_START - timedelta(hours=7, minutes=40)  # 2024-01-27 11:00Z
WEEKEND_SPEED = 3000.0  # 50 bot minutes a second
WEEKEND_LEADS = "4h, 2h, 1h, 10m"


def post_nonce(lead_seconds: int, ref: str = ROLEX_RACE) -> str:
    """The nonce Paddock sends with a post (see `OutgoingPost.nonce`)."""
    digest = hashlib.sha256(f"{GUILD_ID}|{ref}|{lead_seconds}".encode())
    return digest.hexdigest()[:25]


def bot_now(bot: BotProcess, start: datetime, speed: float) -> datetime:
    """An upper bound of the bot's clock (its clock started after we spawned it)."""
    return start + timedelta(seconds=(time.monotonic() - bot.started_at) * speed)


def real_seconds_until(bot: BotProcess, start: datetime, speed: float, when: datetime) -> float:
    """Real seconds until the bot's clock surely passed `when`."""
    return max(0.0, (when - bot_now(bot, start, speed)).total_seconds() / speed)


async def test_race_weekend_posts_arrive_once_in_order(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu = paddock_emu
    bot = await start_paddock(
        emu, fake_now=WEEKEND_START.isoformat(), clock_speed=WEEKEND_SPEED, name="weekend"
    )
    channel = await emu.invoke("config channel", {"channel": OTHER_CHANNEL_ID})
    assert channel.response_type == 4
    assert f"<#{OTHER_CHANNEL_ID}>" in answer_text(channel)
    leads = await emu.invoke("config leads", {"leads": WEEKEND_LEADS})
    assert "4h, 2h, 1h, 10m" in answer_text(leads), answer_text(leads)
    qotd = await emu.invoke("config qotd", {"at": "16:00"})  # server time zone: UTC
    assert "16:00" in answer_text(qotd), answer_text(qotd)
    assert bot_now(bot, WEEKEND_START, WEEKEND_SPEED) < ROLEX_START - timedelta(hours=4)

    def posts() -> list[Json]:
        return emu.channel_messages(OTHER_CHANNEL_ID)

    # The 4h reminder (14:40Z): nobody to ping yet.
    first = await bot.guard(emu.wait_for_message(OTHER_CHANNEL_ID, None, 15.0), 16.0)
    assert first["content"] == ""
    assert first["_allowed_mentions"] == {"parse": []}
    # The fan-club role is set before the quote of the day (16:00Z) and the 2h reminder.
    role = await emu.invoke("config role", {"role": ROLE_ID})
    # (The settings embed shows the role as a pill, <@&id>: embeds never ping, mentions are off.)
    assert ROLE_ID in answer_text(role)
    assert len(posts()) == 1, "the next post came before the role was set"

    settle = ROLEX_START + timedelta(minutes=45)  # race start + the grace window + margin
    await bot.guard(emu.wait_until(lambda: len(posts()) >= 5, 20.0, "five posts"), 21.0)
    wait_s = real_seconds_until(bot, WEEKEND_START, WEEKEND_SPEED, settle) + 0.5
    with pytest.raises(TimeoutError):
        await emu.wait_until(lambda: len(posts()) > 5, wait_s, "a sixth post")
    assert bot.returncode is None

    sent = posts()
    titles = [m["embeds"][0]["title"] for m in sent]
    countdown = "Rolex 24 At Daytona: race countdown"
    assert titles == [countdown, "Quote of the day", countdown, countdown, countdown]
    assert all(m["author"]["id"] == APP_ID for m in sent)
    start_ts = int(ROLEX_START.timestamp())
    reminders = [m for m in sent if m["embeds"][0]["title"] == countdown]
    for message in reminders:
        assert f"<t:{start_ts}:R>" in message["embeds"][0]["description"]
    # Only race reminders ping, and only the configured role.
    assert [m["content"] for m in reminders] == ["", *[f"<@&{ROLE_ID}>"] * 3]
    for message in reminders[1:]:
        allowed = message["_allowed_mentions"]
        assert allowed["parse"] == []
        assert [str(r) for r in allowed["roles"]] == [ROLE_ID]
        assert not allowed.get("users")
    quote = sent[1]
    assert quote["content"] == ""
    assert quote["_allowed_mentions"] == {"parse": []}
    assert "—" in quote["embeds"][0]["description"]
    assert "article" in quote["embeds"][0]["footer"]["text"]
    # One request per post, in due order (4h, quote, 2h, 1h, 10m): nothing retried or doubled.
    creates = [r for r in emu.requests if r.path == f"/channels/{OTHER_CHANNEL_ID}/messages"]
    assert [r.status for r in creates] == [200] * 5
    nonces = [r.json["nonce"] for r in creates]
    assert nonces[1] == post_nonce(0, "qotd:2024-01-27")
    assert nonces[:1] + nonces[2:] == [post_nonce(lead) for lead in (14400, 7200, 3600, 600)]
    assert all(m.get("webhook_id") for m in emu.channel_messages(CHANNEL_ID))
    assert_no_pings(emu, role_posts_in=OTHER_CHANNEL_ID)


# ---------------------------------------------------------------------------- start-up errors


async def test_refused_token_is_a_clear_error(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    wrong = {"DISCORD_TOKEN": "not-the-token"}
    bot = await start_paddock(paddock_emu, wait=False, **wrong)
    assert await asyncio.wait_for(bot.proc.wait(), 20.0) == 3
    assert "Discord refused the token: check DISCORD_TOKEN" in bot.log()
    assert "Traceback" not in bot.log()
    assert paddock_emu.identify_count == 0


async def test_unreachable_api_is_a_clear_error(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # a port nobody listens on
    base = f"http://127.0.0.1:{closed.getsockname()[1]}/api/v10"
    try:
        bot = await start_paddock(paddock_emu, wait=False, PADDOCK_DISCORD_API_BASE=base)
        assert await asyncio.wait_for(bot.proc.wait(), 20.0) == 4
    finally:
        closed.close()
    assert f"Cannot reach the Discord API at {base}" in bot.log()
    assert "Traceback" not in bot.log(), bot.log()[-3000:]
