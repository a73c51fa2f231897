"""The emulator models Discord's rules that its OpenAPI description leaves out.

Each test talks to the emulator over HTTP (as a bot would) or through tests/e2e/mini_bot.py.
"""

from __future__ import annotations

import aiohttp
import pytest

from .conftest import CHANNEL_ID, FAKE_BOT_AUTH, GUILD_ID, OTHER_CHANNEL_ID
from .emulator import ALL_PERMISSIONS, EPHEMERAL, MENTION_EVERYONE, Emulator, InteractionRecord

pytestmark = pytest.mark.e2e

HTTP_TIMEOUT = aiohttp.ClientTimeout(total=5)
AUTH = {"Authorization": f"Bot {FAKE_BOT_AUTH}"}
LOUD_ROLE = "800000000000000020"
QUIET_ROLE = "800000000000000021"


def add_roles(emu: Emulator) -> None:
    for rid, mentionable in ((LOUD_ROLE, True), (QUIET_ROLE, False)):
        emu.guilds[GUILD_ID]["roles"].append(
            {"id": rid, "name": rid, "permissions": "0", "position": 1, "mentionable": mentionable}
        )


async def post(emu: Emulator, body: dict[str, object]) -> dict[str, object]:
    async with (
        aiohttp.ClientSession(headers=AUTH, timeout=HTTP_TIMEOUT) as http,
        http.post(f"{emu.base_url}/channels/{CHANNEL_ID}/messages", json=body) as resp,
    ):
        assert resp.status == 200, await resp.text()
        return await resp.json()


async def test_only_mentionable_roles_are_pinged(emulator: Emulator) -> None:
    add_roles(emulator)
    emulator.bot_permissions = int(ALL_PERMISSIONS) & ~MENTION_EVERYONE
    both = {"content": f"<@&{LOUD_ROLE}> <@&{QUIET_ROLE}>"}
    sent = await post(emulator, {**both, "allowed_mentions": {"parse": ["roles"]}})
    assert sent["mention_roles"] == [LOUD_ROLE]
    # Allowed mentions still decide first: no role listed, nobody pinged.
    sent = await post(emulator, {**both, "allowed_mentions": {"parse": []}})
    assert sent["mention_roles"] == []
    # With Mention Everyone the bot may ping any role.
    emulator.bot_permissions = int(ALL_PERMISSIONS)
    sent = await post(emulator, {**both, "allowed_mentions": {"parse": [], "roles": [QUIET_ROLE]}})
    assert sent["mention_roles"] == [QUIET_ROLE]


# ---------------------------------------------------------------------------- rate limits

GENERAL = f"/channels/{CHANNEL_ID}/messages"
OTHER = f"/channels/{OTHER_CHANNEL_ID}/messages"
RATE_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Reset-After",
    "X-RateLimit-Bucket",
)


async def call(
    emu: Emulator,
    method: str,
    path: str,
    body: object = None,
    *,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], object]:
    async with (
        aiohttp.ClientSession(headers={**AUTH, **(headers or {})}, timeout=HTTP_TIMEOUT) as http,
        http.request(method, emu.base_url + path, json=body) as resp,
    ):
        data = await resp.json() if resp.content_type == "application/json" else None
        return resp.status, dict(resp.headers), data


async def test_every_answer_carries_rate_limit_headers_per_bucket(emulator: Emulator) -> None:
    for path in ("/users/@me", f"/channels/{CHANNEL_ID}"):
        status, headers, _ = await call(emulator, "GET", path)
        assert status == 200
        assert all(name in headers for name in RATE_HEADERS), headers
    seen = []
    for path in (GENERAL, GENERAL, OTHER):
        _, headers, _ = await call(emulator, "POST", path, {"content": "hi"})
        seen.append(headers)
    # One bucket for the route, counted per channel (its major parameter): 5 messages / 5 s.
    assert {h["X-RateLimit-Bucket"] for h in seen} == {seen[0]["X-RateLimit-Bucket"]}
    assert [h["X-RateLimit-Limit"] for h in seen] == ["5", "5", "5"]
    assert [h["X-RateLimit-Remaining"] for h in seen] == ["4", "3", "4"]
    assert 0 < float(seen[0]["X-RateLimit-Reset-After"]) <= 5.0
    _, user_headers, _ = await call(emulator, "GET", "/users/@me")
    assert user_headers["X-RateLimit-Bucket"] != seen[0]["X-RateLimit-Bucket"]


async def test_five_messages_per_five_seconds_per_channel_when_enforced(emulator: Emulator) -> None:
    emulator.rate_limits = True
    statuses = [(await call(emulator, "POST", GENERAL, {"content": "x"}))[0] for _ in range(5)]
    assert statuses == [200] * 5
    status, headers, body = await call(emulator, "POST", GENERAL, {"content": "x"})
    assert status == 429
    assert body["code"] == 0 and body["global"] is False
    assert 0 < body["retry_after"] <= 5.0
    assert headers["X-RateLimit-Remaining"] == "0"
    assert headers["X-RateLimit-Scope"] == "user" and "Via" in headers
    assert int(headers["Retry-After"]) >= 1
    assert (await call(emulator, "POST", OTHER, {"content": "x"}))[0] == 200  # another channel
    emulator.advance(5.0)
    assert (await call(emulator, "POST", GENERAL, {"content": "x"}))[0] == 200
    assert len(emulator.channel_messages(CHANNEL_ID)) == 6
    assert len(emulator.limited) == 1


async def test_the_global_limit_when_enforced(emulator: Emulator) -> None:
    emulator.rate_limits = True
    emulator.global_limit = 3  # Discord's is 50 a second; switchable for a test
    paths = ["/users/@me", f"/channels/{CHANNEL_ID}", f"/guilds/{GUILD_ID}", "/users/@me"]
    answers = [await call(emulator, "GET", path) for path in paths]
    assert [status for status, _, _ in answers] == [200, 200, 200, 429]
    _, headers, body = answers[-1]
    assert body["global"] is True and body["code"] == 0
    assert headers["X-RateLimit-Global"] == "true" and headers["X-RateLimit-Scope"] == "global"
    emulator.advance(1.0)
    assert (await call(emulator, "GET", "/users/@me"))[0] == 200
    emulator.rate_limits = False  # off: counted, never refused
    assert [(await call(emulator, "GET", "/users/@me"))[0] for _ in range(5)] == [200] * 5


# ---------------------------------------------------------------------------- interactions


def fresh_interaction(emu: Emulator) -> InteractionRecord:
    return emu.new_interaction(
        2,
        {"id": "1", "name": "about", "type": 1},
        guild_id=GUILD_ID,
        channel_id=CHANNEL_ID,
        user=emu.default_user,
    )


def callback(record: InteractionRecord) -> str:
    return f"/interactions/{record.id}/{record.token}/callback?with_response=1"


def followup(emu: Emulator, record: InteractionRecord) -> str:
    return f"/webhooks/{emu.app_id}/{record.token}?wait=true"


async def test_an_interaction_must_be_answered_within_3_seconds(emulator: Emulator) -> None:
    late = fresh_interaction(emulator)
    emulator.advance(3.1)
    status, _, body = await call(emulator, "POST", callback(late), {"type": 5})
    assert (status, body["code"]) == (404, 10062)  # Unknown interaction
    on_time = fresh_interaction(emulator)
    assert (await call(emulator, "POST", callback(on_time), {"type": 5}))[0] == 200


async def test_an_interaction_token_works_for_15_minutes(emulator: Emulator) -> None:
    record = fresh_interaction(emulator)
    assert (await call(emulator, "POST", callback(record), {"type": 5}))[0] == 200
    emulator.advance(14 * 60)
    status, _, _ = await call(emulator, "POST", followup(emulator, record), {"content": "ok"})
    assert status == 200
    emulator.advance(61)
    status, _, body = await call(emulator, "POST", followup(emulator, record), {"content": "late"})
    assert (status, body["code"]) == (401, 50027)  # Invalid Webhook Token
    status, _, _ = await call(
        emulator, "PATCH", f"/webhooks/{emulator.app_id}/{record.token}/messages/@original", {}
    )
    assert status == 401


async def test_the_first_follow_up_after_a_defer_edits_it_and_ignores_its_flags(
    emulator: Emulator,
) -> None:
    record = fresh_interaction(emulator)
    _, _, deferred = await call(emulator, "POST", callback(record), {"type": 5})
    thinking_id = deferred["interaction"]["response_message_id"]
    private = {"content": "only for you?", "flags": EPHEMERAL}
    _, _, first = await call(emulator, "POST", followup(emulator, record), private)
    assert first["id"] == thinking_id  # the "thinking" message, edited
    assert not first["flags"] & EPHEMERAL  # the flag was ignored: the channel sees it
    assert [m["id"] for m in emulator.channel_messages(CHANNEL_ID)] == [thinking_id]
    _, _, second = await call(emulator, "POST", followup(emulator, record), private)
    assert second["id"] != thinking_id and second["flags"] & EPHEMERAL  # a new, private one
    assert [m["id"] for m in emulator.channel_messages(CHANNEL_ID)] == [thinking_id]


async def test_after_deleting_the_thinking_message_a_follow_up_is_private(
    emulator: Emulator,
) -> None:
    record = fresh_interaction(emulator)
    await call(emulator, "POST", callback(record), {"type": 5})
    original = f"/webhooks/{emulator.app_id}/{record.token}/messages/@original"
    assert (await call(emulator, "DELETE", original))[0] == 204
    private = {"content": "only for you", "flags": EPHEMERAL}
    _, _, note = await call(emulator, "POST", followup(emulator, record), private)
    assert note["flags"] & EPHEMERAL
    assert emulator.channel_messages(CHANNEL_ID) == []


# ---------------------------------------------------------------------------- nonces


async def test_the_nonce_window_is_a_setting(emulator: Emulator) -> None:
    post_once = {"content": "reminder", "nonce": "abc123", "enforce_nonce": True}
    _, _, first = await call(emulator, "POST", GENERAL, post_once)
    _, _, again = await call(emulator, "POST", GENERAL, post_once)
    assert again["id"] == first["id"]  # deduplicated within the window
    emulator.advance(emulator.nonce_window_s + 1)  # the window passed: Discord forgets
    _, _, late = await call(emulator, "POST", GENERAL, post_once)
    assert late["id"] != first["id"]
    assert len(emulator.channel_messages(CHANNEL_ID)) == 2
    emulator.nonce_window_s = 0.0
    _, _, zero = await call(emulator, "POST", GENERAL, post_once)
    assert zero["id"] != late["id"]
    # History does not return nonces (Discord sends them only with the created message).
    _, _, history = await call(emulator, "GET", f"{GENERAL}?limit=10")
    assert all("nonce" not in m for m in history)


# ---------------------------------------------------------------------------- the description


async def test_requests_and_answers_outside_discords_description_are_violations(
    emulator: Emulator,
) -> None:
    if emulator.spec is None:
        pytest.skip("Discord's OpenAPI description is absent")
    as_bot = {"User-Agent": "DiscordBot (https://github.com/Rapptz/discord.py 2.7.1)"}
    await call(emulator, "POST", GENERAL, {"content": 5}, headers=as_bot)
    await call(emulator, "POST", GENERAL, {"content": "fine"}, headers=as_bot)
    found, emulator.violations[:] = list(emulator.violations), []
    assert len(found) == 1 and "content" in found[0], found
    bad_answer = {"id": "1", "content": "no author"}
    assert emulator.spec.check_response("POST", GENERAL, 200, bad_answer)
    assert emulator.spec.check_request("POST", "/not/discord", None)
