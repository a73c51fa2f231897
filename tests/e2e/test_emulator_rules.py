"""The emulator models Discord's rules that its OpenAPI description leaves out.

Each test talks to the emulator over HTTP (as a bot would) or through tests/e2e/mini_bot.py.
"""

from __future__ import annotations

import aiohttp
import pytest

from .conftest import CHANNEL_ID, FAKE_BOT_AUTH, GUILD_ID
from .emulator import ALL_PERMISSIONS, MENTION_EVERYONE, Emulator

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
