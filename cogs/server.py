"""Server settings for scheduled posts (admins only)."""

from __future__ import annotations

from functools import partial

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.server import change, show_settings, update_settings, zone_names
from cogs._reply import choices, reply


async def _zones(_: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    """Offer IANA time zone names."""
    return choices(zone_names(current))


def guild_of(interaction: discord.Interaction) -> int:
    """Return the server a guild-only command was used in."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class ServerConfig(commands.GroupCog, group_name="config"):
    """Where and when Paddock posts in this server."""

    @app_commands.command(name="show", description="Show this server's settings and next posts.")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show the settings and the next planned posts."""
        await reply(interaction, partial(show_settings, guild_id=guild_of(interaction)))

    @app_commands.command(name="channel", description="The channel for reminders and posts.")
    @app_commands.describe(channel="Where reminders and the quote of the day go")
    async def channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        """Post reminders and the quote of the day in `channel`."""
        update = partial(update_settings, guild_id=guild_of(interaction), channel_id=channel.id)
        await reply(interaction, update)

    @app_commands.command(name="news", description="The channel for news posts (empty: none).")
    @app_commands.describe(channel="Where each new article from the feeds goes; empty to stop")
    async def news(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Post each new article from the feeds in `channel`, or stop when left empty."""
        channel_id = channel.id if channel else None
        update = partial(
            update_settings, guild_id=guild_of(interaction), news_channel_id=channel_id
        )
        await reply(interaction, update)

    @app_commands.command(name="series", description="Which series' news and reminders, or all.")
    @app_commands.describe(series="Series names, e.g. IMSA, WEC; or all")
    async def series(self, interaction: discord.Interaction, series: str) -> None:
        """Choose which series' news and reminders this server gets (default: all)."""
        await reply(
            interaction, partial(change, guild_id=guild_of(interaction), key="series", raw=series)
        )

    @app_commands.command(name="role", description="A role to ping for reminders (empty: none).")
    @app_commands.describe(role="The role to ping; leave empty to never ping")
    async def role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        """Ping `role` in race reminders, or nobody when left empty."""
        role_id = role.id if role else None
        update = partial(update_settings, guild_id=guild_of(interaction), ping_role_id=role_id)
        await reply(interaction, update)

    @app_commands.command(name="timezone", description="This server's time zone.")
    @app_commands.describe(zone="An IANA time zone, e.g. America/New_York")
    @app_commands.autocomplete(zone=_zones)
    async def timezone(self, interaction: discord.Interaction, zone: str) -> None:
        """Set the time zone for the quote of the day and previews."""
        await reply(
            interaction, partial(change, guild_id=guild_of(interaction), key="timezone", raw=zone)
        )

    @app_commands.command(name="leads", description="When reminders go out, e.g. 7d, 1d, 1h.")
    @app_commands.describe(leads="Times before each race, e.g. 7d, 1d, 1h (or default)")
    async def leads(self, interaction: discord.Interaction, leads: str) -> None:
        """Set how long before each race the reminders go out."""
        await reply(
            interaction, partial(change, guild_id=guild_of(interaction), key="leads", raw=leads)
        )

    @app_commands.command(name="qotd", description="Quote of the day time (HH:MM) or off.")
    @app_commands.describe(at="Local time, 24-hour HH:MM (e.g. 09:00), or off")
    async def qotd(self, interaction: discord.Interaction, at: str) -> None:
        """Set the local time of the quote of the day, or turn it off."""
        await reply(
            interaction, partial(change, guild_id=guild_of(interaction), key="qotd_time", raw=at)
        )


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(ServerConfig())
