"""End-to-end proof that the Discord API emulator is faithful enough for a real discord.py bot.

Each test starts tests/e2e/mini_bot.py (a stand-alone discord.py bot, not Paddock) as a
subprocess pointed at an in-process emulator.
"""

from __future__ import annotations

import re

import aiohttp
import pytest

from .conftest import APP_ID, CHANNEL_ID, FAKE_BOT_AUTH, GUILD_ID, OTHER_CHANNEL_ID, BotProcess
from .emulator import Emulator, make_user

pytestmark = pytest.mark.e2e

NAME_RE = re.compile(r"^[-_a-z0-9]{1,32}$")
GUILD_COMMANDS = f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=5)


def _paths(emulator: Emulator) -> list[str]:
    return [f"{r.method} {r.path}" for r in emulator.requests]


async def test_login_ready_and_command_sync(emulator: Emulator, mini_bot: BotProcess) -> None:
    # What discord.py asks for on start, in order.
    paths = _paths(emulator)
    assert paths[:3] == [
        "GET /users/@me",
        "GET /oauth2/applications/@me",
        "GET /gateway/bot",
    ]
    assert f"PUT /applications/{APP_ID}/commands" in paths
    assert f"PUT {GUILD_COMMANDS}" in paths
    assert emulator.unknown_requests == []
    assert all(r.headers.get("Authorization") == f"Bot {FAKE_BOT_AUTH}" for r in emulator.requests)

    # IDENTIFY then READY; discord.py heartbeats right after HELLO.
    assert emulator.identify_count == 1
    assert emulator.last_identify is not None
    assert emulator.last_identify["token"] == FAKE_BOT_AUTH
    assert emulator.last_identify["intents"] & (1 << 0)  # GUILDS
    await emulator.wait_until(
        lambda: any(p["op"] == 1 for p in emulator.gateway_received), 5.0, "heartbeat"
    )

    # Commands within Discord's limits, stored with ids and echoed back.
    (put,) = [r for r in emulator.requests if r.method == "PUT" and r.path == GUILD_COMMANDS]
    assert put.status == 200
    names = {c["name"] for c in put.json}
    assert names == {"ping", "standings", "vote", "announce", "slow", "schedule", "card"}
    for cmd in put.json:
        assert NAME_RE.match(cmd["name"]), cmd["name"]
        assert 1 <= len(cmd["description"]) <= 100
        for opt in cmd.get("options", []):
            assert NAME_RE.match(opt["name"])
            assert 1 <= len(opt["description"]) <= 100
    assert all(c["id"] and c["guild_id"] == GUILD_ID for c in put.response)
    assert set(emulator.guild_commands[GUILD_ID]) == names

    # Unknown routes: 404 JSON, recorded; a wrong token gets 401.
    auth = {"Authorization": f"Bot {FAKE_BOT_AUTH}"}
    async with aiohttp.ClientSession(timeout=HTTP_TIMEOUT) as http:
        async with http.get(emulator.base_url + "/no/such/route", headers=auth) as resp:
            assert resp.status == 404
            assert resp.headers["Content-Type"] == "application/json"
            assert await resp.json() == {"message": "Unknown", "code": 0}
        async with http.get(emulator.base_url + "/users/@me") as resp:
            assert resp.status == 401
    assert [r.path for r in emulator.unknown_requests] == ["/no/such/route"]


async def test_slash_command_embed_in_guild_and_dm(
    emulator: Emulator, mini_bot: BotProcess
) -> None:
    record = await emulator.invoke("standings", {"series": "Formula 1"}, channel_id=CHANNEL_ID)
    assert record.response_type == 4
    (embed,) = record.data["embeds"]
    assert embed["title"] == "Standings: Formula 1"
    assert "Driver A" in embed["description"]
    assert record.data["allowed_mentions"]["parse"] == []
    # The response is a real message in the channel, authored by the bot's webhook.
    assert record.message is not None
    assert emulator.channel_messages(CHANNEL_ID)[-1]["id"] == record.message["id"]

    guild_ping = await emulator.invoke("ping", channel_id=OTHER_CHANNEL_ID)
    assert guild_ping.data["content"] == "pong (guild)"

    someone = make_user(700000000000000042, "dm_fan")
    dm_ping = await emulator.invoke("ping", dm=True, user=someone)
    assert "member" not in dm_ping.payload
    assert dm_ping.payload["user"]["id"] == someone["id"]
    assert dm_ping.data["content"] == "pong (dm)"


async def test_autocomplete_returns_at_most_25_choices(
    emulator: Emulator, mini_bot: BotProcess
) -> None:
    record = await emulator.autocomplete("standings", {}, focused="series")
    assert record.response_type == 8
    assert 0 < len(record.choices) <= 25

    narrowed = await emulator.autocomplete("standings", {"series": "formula"}, focused="series")
    assert narrowed.response_type == 8
    assert narrowed.choices
    assert all("formula" in c["name"].lower() for c in narrowed.choices)


async def test_button_press_updates_message(emulator: Emulator, mini_bot: BotProcess) -> None:
    record = await emulator.invoke("vote")
    assert record.response_type == 4
    message = record.message
    assert message is not None
    custom_ids = [c["custom_id"] for row in message["components"] for c in row["components"]]
    assert custom_ids == ["vote:yes", "vote:no"]

    press = await emulator.press_button(message, "vote:yes")
    assert press.response_type == 7
    assert press.data["content"] == "Votes: yes=1 no=0"
    assert emulator.messages[message["id"]]["content"] == "Votes: yes=1 no=0"

    again = await emulator.press_button(message, "vote:no", user=make_user(7000000000007, "b"))
    assert again.response_type == 7
    assert again.data["content"] == "Votes: yes=1 no=1"


async def test_resume_after_abrupt_drop(emulator: Emulator, mini_bot: BotProcess) -> None:
    await emulator.drop_gateway()
    assert emulator.resume_count == 1
    assert emulator.identify_count == 1
    resume = [p for p in emulator.gateway_received if p["op"] == 6][-1]
    assert resume["d"]["seq"] >= 2  # READY + GUILD_CREATE were seen
    assert (await emulator.invoke("ping")).data["content"] == "pong (guild)"

    # An interaction dispatched while the bot is away is replayed on RESUME.
    await emulator.drop_gateway(wait=False)
    record = await emulator.invoke("ping", timeout_s=10.0)
    assert record.data["content"] == "pong (guild)"
    assert emulator.resume_count == 2
    assert emulator.identify_count == 1


async def test_resume_after_op7_reconnect(emulator: Emulator, mini_bot: BotProcess) -> None:
    await emulator.request_reconnect()
    assert emulator.resume_count == 1
    assert emulator.identify_count == 1
    assert (await emulator.invoke("ping")).data["content"] == "pong (guild)"


async def test_429_then_500_still_posts_exactly_one_message(
    emulator: Emulator, mini_bot: BotProcess
) -> None:
    emulator.fail_next("POST", "/channels/*/messages", status=429, retry_after=0.2)
    emulator.fail_next("POST", "/channels/*/messages", status=500)

    # discord.py sleeps retry_after after the 429 and 1 + 2 * attempt seconds after the 500.
    record = await emulator.invoke(
        "announce", {"text": "Lights out!"}, channel_id=CHANNEL_ID, followups=1, timeout_s=15.0
    )
    assert record.response_type == 4
    assert record.data["flags"] & 64  # ephemeral "Posting..."
    assert record.followups[0]["content"] == "Posted."

    posted = [m for m in emulator.channel_messages(CHANNEL_ID) if m["content"] == "Lights out!"]
    assert len(posted) == 1
    assert posted[0]["_allowed_mentions"] == {"parse": []}
    attempts = [
        r
        for r in emulator.requests
        if r.method == "POST" and r.path == f"/channels/{CHANNEL_ID}/messages"
    ]
    assert [r.status for r in attempts] == [429, 500, 200]
    assert attempts[1].time - attempts[0].time >= 0.2


async def test_deferred_response_then_edit_original(
    emulator: Emulator, mini_bot: BotProcess
) -> None:
    record = await emulator.invoke("slow")
    assert record.response_type == 5
    await emulator.wait_until(lambda: record.edits, 5.0, "edit of @original")
    assert record.message is not None
    assert record.message["content"] == "Done thinking."
    assert not record.message["flags"] & 128  # no longer "thinking"
    assert record.edits[0]["message_id"] == "@original"


async def test_scheduled_event_create_and_edit(emulator: Emulator, mini_bot: BotProcess) -> None:
    record = await emulator.invoke("schedule", {"name": "Belgian GP"})
    assert record.response_type == 4
    (event,) = emulator.scheduled_events[GUILD_ID].values()
    assert record.data["content"] == f"event {event['id']}"
    assert event["name"] == "Belgian GP"
    assert event["entity_type"] == 3
    assert event["entity_metadata"] == {"location": "Circuit de Spa-Francorchamps"}
    assert event["description"] == "Lights out at 15:00"
    methods = [r.method for r in emulator.requests if "/scheduled-events" in r.path]
    assert methods == ["POST", "PATCH"]


async def test_invalid_session_reidentifies_at_default_gateway(
    emulator: Emulator, mini_bot: BotProcess
) -> None:
    # op 9 (not resumable) makes discord.py reconnect to DEFAULT_GATEWAY and IDENTIFY again,
    # which only reaches the emulator because mini_bot patched DEFAULT_GATEWAY.
    await emulator.invalidate_session()
    await emulator.wait_until(lambda: emulator.ready_count == 2, 10.0, "second READY")
    assert emulator.identify_count == 2
    assert (await emulator.invoke("ping")).data["content"] == "pong (guild)"


async def test_emulator_rejects_what_discord_rejects(emulator: Emulator) -> None:
    auth = {"Authorization": f"Bot {FAKE_BOT_AUTH}"}
    url = f"{emulator.base_url}/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    bad = [{"name": "Bad Name", "description": "x" * 101, "type": 1}]
    async with aiohttp.ClientSession(headers=auth, timeout=HTTP_TIMEOUT) as http:
        async with http.put(url, json=bad) as resp:
            assert resp.status == 400
            body = await resp.json()
            assert body["code"] == 50035
            assert {"name", "description"} <= set(body["errors"]["0"])  # nested, as Discord
        msg_url = f"{emulator.base_url}/channels/{CHANNEL_ID}/messages"
        async with http.post(msg_url, json={"content": "x" * 2001}) as resp:
            assert resp.status == 400
        async with http.post(msg_url, json={}) as resp:
            assert (await resp.json())["code"] == 50006
        async with http.post(
            f"{emulator.base_url}/channels/1/messages", json={"content": "hi"}
        ) as resp:
            assert resp.status == 404
            assert (await resp.json())["code"] == 10003
    assert emulator.channel_messages(CHANNEL_ID) == []


async def test_multipart_files_in_callback_and_channel_message(
    emulator: Emulator, mini_bot: BotProcess
) -> None:
    record = await emulator.invoke("card", channel_id=CHANNEL_ID)
    assert record.response_type == 4
    assert record.data["content"] == "Results card"  # parsed from the payload_json part
    (sent,) = record.callbacks[0]["files"]
    assert sent["filename"] == "card.txt"
    assert sent["data"] == b"P1 Driver A\nP2 Driver B\n"
    assert record.message is not None
    assert [a["filename"] for a in record.message["attachments"]] == ["card.txt"]

    copy = await emulator.wait_for_message(CHANNEL_ID, lambda m: m["content"] == "Copy", 5.0)
    assert [a["filename"] for a in copy["attachments"]] == ["copy.txt"]
    (post,) = [r for r in emulator.requests if r.path == f"/channels/{CHANNEL_ID}/messages"]
    assert post.headers["Content-Type"].startswith("multipart/form-data")
