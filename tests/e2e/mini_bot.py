"""A tiny stand-alone discord.py bot used only to prove the Discord API emulator (NOT Paddock).

Run as a subprocess by tests/e2e/test_emulator.py with:
  DISCORD_TOKEN          any token (the emulator accepts what it is configured with)
  DISCORD_API_BASE       e.g. http://127.0.0.1:PORT/api/v10
  MINI_BOT_GUILD_ID      guild to sync the commands to

It shows the two-step mechanism documented in tests/e2e/emulator.py: Route.BASE before login,
then DEFAULT_GATEWAY from GET /gateway/bot in setup_hook.
"""

from __future__ import annotations

import asyncio
import datetime
import io
import logging
import os
import sys

import discord
import yarl
from discord import app_commands

log = logging.getLogger("mini_bot")

SERIES = [
    "Formula 1",
    "Formula 2",
    "Formula 3",
    "F1 Academy",
    "Formula E",
    "IndyCar",
    "Indy NXT",
    "NASCAR Cup",
    "NASCAR Xfinity",
    "NASCAR Truck",
    "WEC",
    "IMSA",
    "MotoGP",
    "Moto2",
    "Moto3",
    "WorldSBK",
    "WRC",
    "WRC2",
    "Dakar",
    "DTM",
    "Super Formula",
    "Super GT",
    "BTCC",
    "Supercars",
    "GT World Challenge",
    "ELMS",
    "Asian Le Mans",
    "Extreme H",
    "W Series",
    "Formula Regional",
]

NO_MENTIONS = discord.AllowedMentions.none()


class VoteView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=120)
        self.yes = 0
        self.no = 0

    def render(self) -> str:
        return f"Votes: yes={self.yes} no={self.no}"

    @discord.ui.button(label="Yes", style=discord.ButtonStyle.success, custom_id="vote:yes")
    async def vote_yes(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        self.yes += 1
        await interaction.response.edit_message(content=self.render(), view=self)

    @discord.ui.button(label="No", style=discord.ButtonStyle.danger, custom_id="vote:no")
    async def vote_no(self, interaction: discord.Interaction, _button: discord.ui.Button) -> None:
        self.no += 1
        await interaction.response.edit_message(content=self.render(), view=self)


class MiniBot(discord.Client):
    def __init__(self, guild_id: int) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.2)
        self.guild_id = guild_id
        self.tree = app_commands.CommandTree(self)
        register(self.tree)

    async def setup_hook(self) -> None:
        # discord.Client connects to DiscordWebSocket.DEFAULT_GATEWAY without asking
        # /gateway/bot, so take the URL from the configured API base.
        _shards, url, _limits = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        # Global commands (usable in DMs) plus a guild copy (available at once in the guild).
        synced = await self.tree.sync()
        guild = discord.Object(self.guild_id)
        self.tree.copy_global_to(guild=guild)
        synced_guild = await self.tree.sync(guild=guild)
        log.info("synced %d global, %d guild commands", len(synced), len(synced_guild))

    async def on_ready(self) -> None:
        log.info("READY as %s in %d guild(s)", self.user, len(self.guilds))

    async def on_resumed(self) -> None:
        log.info("RESUMED")


def register(tree: app_commands.CommandTree) -> None:
    @tree.command(name="ping", description="Check that the bot answers")
    async def ping(interaction: discord.Interaction) -> None:
        where = "dm" if interaction.guild_id is None else "guild"
        await interaction.response.send_message(f"pong ({where})", allowed_mentions=NO_MENTIONS)

    @tree.command(name="standings", description="Championship standings for a series")
    @app_commands.describe(series="Racing series")
    async def standings(interaction: discord.Interaction, series: str) -> None:
        embed = discord.Embed(title=f"Standings: {series}", description="1. Driver A @everyone")
        embed.add_field(name="Leader", value="Driver A", inline=False)
        await interaction.response.send_message(embed=embed, allowed_mentions=NO_MENTIONS)

    @standings.autocomplete("series")
    async def series_autocomplete(
        _interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        hits = [s for s in SERIES if current.lower() in s.lower()]
        return [app_commands.Choice(name=s, value=s) for s in hits[:25]]

    @tree.command(name="vote", description="Post a vote with buttons")
    async def vote(interaction: discord.Interaction) -> None:
        view = VoteView()
        await interaction.response.send_message(view.render(), view=view)

    @tree.command(name="announce", description="Post a message in this channel")
    @app_commands.describe(text="What to post")
    async def announce(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.send_message("Posting...", ephemeral=True)
        channel = interaction.channel
        assert isinstance(channel, discord.abc.Messageable)
        await channel.send(text, allowed_mentions=NO_MENTIONS)
        await interaction.followup.send("Posted.", ephemeral=True)

    @tree.command(name="slow", description="Defer, then edit the original response")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await asyncio.sleep(0.1)
        await interaction.edit_original_response(content="Done thinking.")

    @tree.command(name="schedule", description="Create an external scheduled event")
    @app_commands.describe(name="Event name")
    async def schedule(interaction: discord.Interaction, name: str) -> None:
        guild = interaction.guild
        assert guild is not None
        start = discord.utils.utcnow() + datetime.timedelta(days=1)
        event = await guild.create_scheduled_event(
            name=name,
            start_time=start,
            end_time=start + datetime.timedelta(hours=2),
            entity_type=discord.EntityType.external,
            privacy_level=discord.PrivacyLevel.guild_only,
            location="Circuit de Spa-Francorchamps",
        )
        event = await event.edit(description="Lights out at 15:00")
        await interaction.response.send_message(f"event {event.id}", ephemeral=True)

    @tree.command(name="card", description="Reply with a file attachment")
    async def card(interaction: discord.Interaction) -> None:
        data = io.BytesIO(b"P1 Driver A\nP2 Driver B\n")
        await interaction.response.send_message("Results card", file=discord.File(data, "card.txt"))
        channel = interaction.channel
        assert isinstance(channel, discord.abc.Messageable)
        await channel.send("Copy", file=discord.File(io.BytesIO(b"copy"), "copy.txt"))


async def main() -> None:
    api_base = os.environ["DISCORD_API_BASE"]
    discord.http.Route.BASE = api_base  # must happen before the first request
    bot = MiniBot(int(os.environ["MINI_BOT_GUILD_ID"]))
    async with bot:
        await bot.start(os.environ["DISCORD_TOKEN"])


if __name__ == "__main__":
    discord.utils.setup_logging(level=logging.INFO, root=True)
    logging.getLogger("discord.gateway").setLevel(logging.DEBUG)
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
