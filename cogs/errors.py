"""One error handler for all slash commands: a short note for users, the traceback in the log."""

from __future__ import annotations

import contextlib
import logging
import sqlite3

import discord
from discord import app_commands
from discord.ext import commands

from bot.store import StoreError
from cogs._reply import NO_PINGS, mark_answered, thinking_in_public

log = logging.getLogger(__name__)

GENERIC_FAILURE = (
    "Something went wrong on Paddock's side while answering. "
    "It has been logged; please try again in a moment."
)


def user_message(error: app_commands.AppCommandError) -> str | None:
    """Return what to tell the user for an expected error, or None for a bug."""
    if isinstance(error, app_commands.MissingPermissions):
        needed = ", ".join(p.replace("_", " ").title() for p in error.missing_permissions)
        return f"You need the {needed} permission to use this command."
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This command works in servers only, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Slow down a little: try again in {error.retry_after:.0f} s."
    if isinstance(error, app_commands.TransformerError):
        return f"“{error.value}” is not a valid value for this option."
    if isinstance(error, app_commands.CheckFailure):
        return "You cannot use this command here."
    original = getattr(error, "original", None)
    if isinstance(original, StoreError | sqlite3.Error):
        return "Paddock's database is unavailable right now; the admins have been told in the log."
    return None


class ErrorHandler(commands.Cog):
    """Catch every app-command error in one place."""

    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot
        self._previous = bot.tree.on_error
        bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        """Give the tree back its previous handler."""
        self.bot.tree.on_error = self._previous  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        """Tell the user briefly (ephemeral) and log the traceback of unexpected errors."""
        message = user_message(error)
        name = interaction.command.qualified_name if interaction.command else "?"
        original = getattr(error, "original", None)
        if message is None:
            log.error("Command /%s failed", name, exc_info=error)
            message = GENERIC_FAILURE
        elif isinstance(original, StoreError | sqlite3.Error):
            log.error("Command /%s: the database is unavailable: %s", name, original)
        try:
            await tell_privately(interaction, message)
        except discord.HTTPException as exc:
            log.warning("Could not report an error to the user: %s", exc)


async def tell_privately(interaction: discord.Interaction, message: str) -> None:
    """Show `message` to the person who asked only, whatever was sent before.

    Discord's first follow-up after a defer edits the "thinking..." message and ignores its
    ephemeral flag: after a public defer the thinking message is deleted first, so the note
    goes out as a private follow-up instead of replacing a message the whole channel sees.
    """
    if not interaction.response.is_done():
        await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_PINGS)
        return
    if thinking_in_public(interaction):
        with contextlib.suppress(discord.NotFound):  # already gone: the follow-up is new anyway
            await interaction.delete_original_response()
        mark_answered(interaction)
    await interaction.followup.send(message, ephemeral=True, allowed_mentions=NO_PINGS)


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(ErrorHandler(bot))
