"""The /about cog, the pager and the error handler, driven with interaction doubles."""

from __future__ import annotations

import logging
from functools import partial
from unittest import mock

import discord
import pytest
from discord import app_commands

from bot.queries.answers import Answer, Section
from bot.queries.article import article
from bot.queries.saved import saved_query_of
from cogs._reply import PageButton, defer, send_answer
from cogs.errors import GENERIC_FAILURE, ErrorHandler
from cogs.meta import Meta
from tests.helpers import embed_text, make_interaction, pings_nobody, sent


async def test_about_reports_articles_and_never_pings(services):
    interaction = make_interaction(services)
    await Meta().about.callback(Meta(), interaction)
    reply = sent(interaction)
    text = embed_text(reply["embed"])
    assert "Articles\n5" in text
    assert pings_nobody(reply["allowed_mentions"])


async def test_long_answers_get_lasting_page_buttons_only_the_asker_can_turn(services):
    query = partial(article, id=1)
    interaction = make_interaction(services, user_id=1)
    await send_answer(interaction, await query(services), saved=saved_query_of(query))
    view = sent(interaction)["view"]
    assert view.timeout is None, "buttons that never expire"
    previous, following = view.children
    assert isinstance(following, PageButton)
    assert previous.item.disabled and not following.item.disabled
    assert all(len(button.custom_id) <= 100 for button in view.children)

    stranger = make_interaction(services, user_id=2)
    assert await following.interaction_check(stranger) is False
    assert "Only the person who asked" in stranger.response.sent[0]["content"]
    assert stranger.response.sent[0]["ephemeral"] is True

    # A press is rebuilt from the custom_id alone (as after a restart) and runs the query again.
    owner = make_interaction(services, user_id=1)
    match = PageButton.__discord_ui_compiled_template__.fullmatch(following.custom_id)
    pressed = await PageButton.from_custom_id(owner, following.item, match)
    assert await pressed.interaction_check(owner) is True
    await pressed.callback(owner)
    (edit,) = owner.response.edits
    assert "Page 2/" in edit["embed"].footer.text
    turned_previous, _ = edit["view"].children
    assert not turned_previous.item.disabled


async def test_answers_whose_query_cannot_be_saved_show_their_first_page_only(services):
    answer = Answer("Many", sections=[Section(f"S{n}", "v" * 900) for n in range(20)])
    interaction = make_interaction(services)
    await send_answer(interaction, answer)
    assert sent(interaction)["view"] is discord.utils.MISSING


def handler():
    bot = mock.MagicMock()
    bot.tree.on_error = None
    return ErrorHandler(bot)


async def test_unexpected_errors_show_a_short_note_and_log_the_traceback(services, caplog):
    interaction = make_interaction(services)
    error = app_commands.CommandInvokeError(mock.MagicMock(), ZeroDivisionError("boom"))
    with caplog.at_level(logging.ERROR):
        await handler().on_app_command_error(interaction, error)
    reply = interaction.response.sent[0]
    assert reply["content"] == GENERIC_FAILURE and reply["ephemeral"] is True
    assert "boom" not in reply["content"] and "Traceback" not in reply["content"]
    assert any(r.exc_info for r in caplog.records)


async def test_permission_errors_say_what_is_missing(services):
    interaction = make_interaction(services)
    await handler().on_app_command_error(
        interaction, app_commands.MissingPermissions(["manage_guild"])
    )
    assert "Manage Guild permission" in interaction.response.sent[0]["content"]


async def test_errors_after_a_public_defer_replace_the_thinking_message_privately(services):
    interaction = make_interaction(services)
    await defer(interaction, ephemeral=False)
    await handler().on_app_command_error(interaction, app_commands.NoPrivateMessage())
    interaction.delete_original_response.assert_awaited_once()
    kwargs = interaction.followup.send.await_args.kwargs
    assert kwargs["ephemeral"] is True and pings_nobody(kwargs["allowed_mentions"])


async def test_errors_after_a_private_defer_keep_the_thinking_message(services):
    interaction = make_interaction(services)
    await defer(interaction, ephemeral=True)
    await handler().on_app_command_error(interaction, app_commands.NoPrivateMessage())
    interaction.delete_original_response.assert_not_awaited()
    assert interaction.followup.send.await_args.kwargs["ephemeral"] is True


@pytest.mark.parametrize("guild_id", [42, None])
async def test_about_works_in_guilds_and_direct_messages(services, guild_id):
    interaction = make_interaction(services, guild_id=guild_id)
    await Meta().about.callback(Meta(), interaction)
    assert sent(interaction)["embed"].title == "About Paddock"


async def test_short_answers_with_inline_fields_stay_on_one_page(services):
    interaction = make_interaction(services)
    await Meta().about.callback(Meta(), interaction)
    reply = sent(interaction)
    assert reply["view"] is discord.utils.MISSING, "/about fits one page: no buttons"
    assert "Database" in embed_text(reply["embed"])


async def test_pager_follows_a_deferred_reply(services):
    query = partial(article, id=1)
    interaction = make_interaction(services)
    await interaction.response.defer()
    await send_answer(interaction, await query(services), saved=saved_query_of(query))
    kwargs = interaction.followup.send.await_args.kwargs
    assert all(isinstance(b, PageButton) for b in kwargs["view"].children)
    assert "Page 1/" in kwargs["embed"].footer.text
    assert pings_nobody(kwargs["allowed_mentions"])


async def test_help_groups_every_command_with_an_example_only_for_the_asker(services):
    from bot.queries.catalogue import CATALOGUE

    interaction = make_interaction(services)
    await Meta.help.callback(Meta(), interaction)
    reply = sent(interaction)
    assert reply["ephemeral"] is True and pings_nobody(reply["allowed_mentions"])
    fields = {f.name: f.value for f in reply["embed"].fields}
    assert "/lineup car:31" in fields["Line-ups and results"]
    assert "/config show" in fields["Server settings (admins)"]
    assert "/config show" not in fields["Line-ups and results"]
    shown = embed_text(reply["embed"])
    assert all(c.example in shown for c in CATALOGUE)


async def test_help_for_one_command_shows_its_options(services):
    interaction = make_interaction(services)
    await Meta.help.callback(Meta(), interaction, command="schedule season")
    fields = {f.name: f.value for f in sent(interaction)["embed"].fields}
    assert fields["year:1950–2100"] == "Season year, e.g. 2024 (optional)"
    assert fields["Example"] == "`/schedule season year:2024`"


async def test_a_page_turn_that_fails_tells_the_presser_privately(services, monkeypatch, caplog):
    import cogs._reply as reply_module

    async def broken(_services, _key):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(reply_module, "rerun", broken)
    owner = make_interaction(services, user_id=1)
    button = PageButton("0123456789ab", "n", 1, 1, disabled=False)
    with caplog.at_level(logging.ERROR):
        await button.callback(owner)
    (note,) = owner.response.sent
    assert note["ephemeral"] is True and "Something went wrong" in note["content"]
    assert "boom" not in note["content"] and pings_nobody(note["allowed_mentions"])
    assert any(r.exc_info for r in caplog.records)
