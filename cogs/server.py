"""Server settings for scheduled posts (admins only)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.queries.answers import Answer
from bot.queries.catalogue import GROUP_DESCRIPTIONS, spec
from bot.queries.server import RoleCheck
from cogs._reply import autocomplete, reply, send_answer

if TYPE_CHECKING:
    from cogs._client import PaddockBot

NEED_MANAGE_EVENTS = (
    "Paddock needs the Manage Events permission to keep race sessions as server events: "
    "grant it to Paddock's role (Server Settings → Roles), then run /config events on again."
)
MAKE_PINGABLE = (
    "make the role mentionable (Server Settings → Roles → the role → “Allow anyone to @mention "
    "this role”), or give Paddock's role the Mention Everyone permission (it covers all roles)"
)

SHOW, CHANNEL, ROLE, EVENTS, TIMEZONE, LEADS, QOTD = (
    spec(f"config {name}")
    for name in ("show", "channel", "role", "events", "timezone", "leads", "qotd")
)
NEWS, SERIES = spec("config news"), spec("config series")
SPOILERS = spec("config spoilers")


def ping_problem(role: discord.Role, bot_permissions: discord.Permissions) -> str | None:
    """Return why Paddock could not ping `role` (nobody would be notified), or None."""
    if role.mentionable or bot_permissions.mention_everyone:
        return None
    return f"the role is not mentionable and Paddock may not mention every role; {MAKE_PINGABLE}"


def role_check(interaction: discord.Interaction) -> RoleCheck:
    """Return a check of saved ping roles against the server as Discord has it now."""
    guild = interaction.guild
    permissions = interaction.app_permissions

    def check(role_id: int) -> str | None:
        role = guild.get_role(role_id) if guild is not None else None
        if role is None:
            return "the role no longer exists; choose another with /config role"
        return ping_problem(role, permissions)

    return check


def guild_of(interaction: discord.Interaction) -> int:
    """Return the server a guild-only command was used in."""
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    return interaction.guild_id


@app_commands.default_permissions(manage_guild=True)
@app_commands.guild_only()
class ServerConfig(
    commands.GroupCog, group_name="config", group_description=GROUP_DESCRIPTIONS["config"]
):
    """Where and when Paddock posts in this server."""

    @app_commands.command(name=SHOW.leaf, description=SHOW.description)
    async def show(self, interaction: discord.Interaction) -> None:
        """Show the settings and the next planned posts."""
        await reply(
            interaction,
            partial(
                SHOW.handler, guild_id=guild_of(interaction), role_check=role_check(interaction)
            ),
        )

    @app_commands.command(name=CHANNEL.leaf, description=CHANNEL.description)
    @app_commands.describe(**CHANNEL.descriptions())
    async def channel(self, interaction: discord.Interaction, channel: discord.TextChannel) -> None:
        """Post reminders and the quote of the day in `channel`."""
        guild_id = guild_of(interaction)
        await reply(interaction, partial(CHANNEL.handler, guild_id=guild_id, channel=channel.id))

    @app_commands.command(name=NEWS.leaf, description=NEWS.description)
    @app_commands.describe(**NEWS.descriptions())
    async def news(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        """Post each new article from the feeds in `channel`, or stop when left empty."""
        channel_id = channel.id if channel else None
        await reply(
            interaction, partial(NEWS.handler, guild_id=guild_of(interaction), channel=channel_id)
        )

    @app_commands.command(name=SERIES.leaf, description=SERIES.description)
    @app_commands.describe(**SERIES.descriptions())
    async def series(self, interaction: discord.Interaction, series: str) -> None:
        """Choose which series' news and reminders this server gets (default: all)."""
        await reply(
            interaction, partial(SERIES.handler, guild_id=guild_of(interaction), series=series)
        )

    @app_commands.command(name=ROLE.leaf, description=ROLE.description)
    @app_commands.describe(**ROLE.descriptions())
    async def role(
        self, interaction: discord.Interaction, role: discord.Role | None = None
    ) -> None:
        """Ping `role` in race reminders, or nobody when left empty; refuse a role nobody hears."""
        guild_id = guild_of(interaction)
        problem = ping_problem(role, interaction.app_permissions) if role else None
        if role is not None and problem is not None:
            refusal = f"Paddock could not ping the role “{role.name}”: {problem}."
            await send_answer(
                interaction, Answer("Setting not changed", refusal, status="error"), ephemeral=True
            )
            return
        role_id = role.id if role else None
        await reply(interaction, partial(ROLE.handler, guild_id=guild_id, role=role_id))

    @app_commands.command(name=EVENTS.leaf, description=EVENTS.description)
    @app_commands.describe(**EVENTS.descriptions())
    async def events(self, interaction: discord.Interaction, state: Literal["on", "off"]) -> None:
        """Keep one server event per upcoming race session (or remove them)."""
        guild_id = guild_of(interaction)
        wanted = state == "on"
        if wanted and not interaction.app_permissions.manage_events:
            refusal = Answer("Setting not changed", NEED_MANAGE_EVENTS, status="error")
            await send_answer(interaction, refusal, ephemeral=True)
            return
        await reply(interaction, partial(EVENTS.handler, guild_id=guild_id, state=state))
        client: PaddockBot = interaction.client  # type: ignore[assignment]
        client.sync_server_events(guild_id)

    @app_commands.command(name=TIMEZONE.leaf, description=TIMEZONE.description)
    @app_commands.describe(**TIMEZONE.descriptions())
    @app_commands.autocomplete(zone=autocomplete("zone"))
    async def timezone(self, interaction: discord.Interaction, zone: str) -> None:
        """Set the time zone for the quote of the day and previews."""
        await reply(
            interaction, partial(TIMEZONE.handler, guild_id=guild_of(interaction), zone=zone)
        )

    @app_commands.command(name=LEADS.leaf, description=LEADS.description)
    @app_commands.describe(**LEADS.descriptions())
    async def leads(self, interaction: discord.Interaction, leads: str) -> None:
        """Set how long before each race the reminders go out."""
        await reply(
            interaction, partial(LEADS.handler, guild_id=guild_of(interaction), leads=leads)
        )

    @app_commands.command(name=QOTD.leaf, description=QOTD.description)
    @app_commands.describe(**QOTD.descriptions())
    async def qotd(self, interaction: discord.Interaction, at: str) -> None:
        """Set the local time of the quote of the day, or turn it off."""
        await reply(interaction, partial(QOTD.handler, guild_id=guild_of(interaction), at=at))

    @app_commands.command(name=SPOILERS.leaf, description=SPOILERS.description)
    @app_commands.describe(**SPOILERS.descriptions())
    async def spoilers(self, interaction: discord.Interaction, state: str) -> None:
        """Hide race results behind spoiler tags, or show them."""
        guild_id = guild_of(interaction)
        await reply(interaction, partial(SPOILERS.handler, guild_id=guild_id, state=state))


async def setup(bot: commands.Bot) -> None:
    """Load the cog."""
    await bot.add_cog(ServerConfig())
