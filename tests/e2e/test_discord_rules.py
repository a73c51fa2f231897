"""Paddock under Discord's own rules: pingable roles, admin-only commands, lasting buttons.

One Paddock (seed articles, Roar weekend 2024) serves the tests that need no restart; the bot
may not Mention Everyone, and the server has a role nobody may mention.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from .conftest import (
    GUILD_ID,
    ROLE_ID,
    StartPaddock,
    launch_paddock,
    paddock_emulator,
    stop_paddock,
)
from .emulator import ALL_PERMISSIONS, EPHEMERAL, MENTION_EVERYONE, Emulator
from .test_paddock_e2e import (
    SHARED_NOW,
    STRANGER,
    answer_text,
    button_ids,
    buttons_disabled,
    footer,
)

pytestmark = pytest.mark.e2e
rules_bot = pytest.mark.asyncio(loop_scope="module")

QUIET_ROLE = "800000000000000010"
NO_MENTION_EVERYONE = int(ALL_PERMISSIONS) & ~MENTION_EVERYONE
MEMBER = 1 << 10 | 1 << 11 | 1 << 31  # view channels, send messages, use application commands


def rules_emulator() -> Emulator:
    """The Paddock emulator with a role nobody may mention, and a bot without Mention Everyone."""
    emu = paddock_emulator()
    emu.guilds[GUILD_ID]["roles"].append(
        {
            "id": QUIET_ROLE,
            "name": "Quiet fans",
            "permissions": "0",
            "position": 2,
            "color": 0,
            "colors": {"primary_color": 0},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }
    )
    emu.bot_permissions = NO_MENTION_EVERYONE
    return emu


@pytest.fixture(scope="module")
def rules_workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("paddock-rules")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rules(rules_workdir: Path) -> AsyncIterator[Emulator]:
    async with rules_emulator() as emu:
        bot = await launch_paddock(emu, rules_workdir, name="rules", fake_now=SHARED_NOW)
        try:
            yield emu
        finally:
            await stop_paddock(bot)


@rules_bot
async def test_a_role_nobody_would_hear_is_refused(rules: Emulator) -> None:
    refused = await rules.invoke("config role", {"role": QUIET_ROLE})
    assert refused.response_type == 4
    assert refused.data["flags"] & EPHEMERAL
    text = answer_text(refused)
    assert "Setting not changed" in text
    assert "not mentionable" in text
    assert "Allow anyone to @mention this role" in text
    assert "Mention Everyone permission" in text
    assert refused.data["allowed_mentions"] == {"parse": []}
    show = await rules.invoke("config show")
    assert "none (posts never ping)" in answer_text(show)
    # A mentionable role is taken.
    taken = await rules.invoke("config role", {"role": ROLE_ID})
    assert "Setting not changed" not in answer_text(taken)
    assert ROLE_ID in answer_text(taken)


@rules_bot
async def test_config_show_warns_when_the_saved_role_stops_being_pingable(
    rules: Emulator,
) -> None:
    await rules.invoke("config role", {"role": ROLE_ID})
    assert "Warning" not in answer_text(await rules.invoke("config show"))
    role = rules.update_role(GUILD_ID, ROLE_ID, mentionable=False)
    try:
        await rules.dispatch_role_update(GUILD_ID, role)
        await rules.settle()
        text = answer_text(await rules.invoke("config show"))
        assert "Warning" in text
        assert "cannot ping" in text and "not mentionable" in text
    finally:
        role = rules.update_role(GUILD_ID, ROLE_ID, mentionable=True)
        await rules.dispatch_role_update(GUILD_ID, role)
        await rules.settle()
    assert "Warning" not in answer_text(await rules.invoke("config show"))


@rules_bot
async def test_config_is_offered_to_server_managers_only(rules: Emulator) -> None:
    with pytest.raises(PermissionError):
        await rules.invoke("config show", permissions=MEMBER)
    about = await rules.invoke("about", permissions=MEMBER)
    assert about.response_type == 4
    managers = await rules.invoke("config show", permissions=MEMBER | 1 << 5)
    assert "Paddock settings" in answer_text(managers)


async def test_a_pager_still_turns_after_a_restart_and_16_minutes(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu = paddock_emu
    bot = await start_paddock(emu, fake_now=SHARED_NOW, name="before")
    record = await emu.invoke("article", {"id": 1})
    assert record.response_type == 4
    message = record.message
    assert message is not None
    ids = button_ids(message)
    assert set(ids) == {"Previous", "Next"}
    assert all(len(custom_id) <= 100 for custom_id in ids.values())
    pages = footer(message).rsplit("Page 1/", 1)[1]

    await bot.stop()
    await start_paddock(emu, fake_now=SHARED_NOW, name="after")
    emu.advance(16 * 60)  # the first interaction's token has expired

    turned = await emu.press_button(message, ids["Next"], timeout_s=10)
    assert turned.response_type in (6, 7)
    shown = emu.messages[message["id"]]
    assert f"Page 2/{pages}" in footer(shown)
    assert buttons_disabled(shown)["Previous"] is False
    # Still only for the person who asked.
    refused = await emu.press_button(shown, button_ids(shown)["Previous"], user=STRANGER)
    assert refused.data["flags"] & EPHEMERAL
    assert f"Page 2/{pages}" in footer(emu.messages[message["id"]])
    back = await emu.press_button(shown, button_ids(shown)["Previous"])
    assert back.response_type in (6, 7)
    assert f"Page 1/{pages}" in footer(emu.messages[message["id"]])
    # Nothing used the expired token (no disabling of buttons on a timeout).
    assert [r for r in emu.requests if record.token in r.path and r.status == 401] == []
