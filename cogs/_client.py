"""The discord.py client: owns the store, loads the cogs, syncs commands on demand."""

from __future__ import annotations

import asyncio
import logging
import math
import pkgutil
import signal
from collections.abc import Coroutine
from contextlib import AsyncExitStack
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import yarl
from discord.ext import commands

import cogs
from bot.clock import Clock, SystemClock
from bot.config import DISCORD_API_BASE, Config, ConfigError
from bot.delivery.scheduler import DeliveryResult, OutgoingPost, PostScheduler
from bot.delivery.server_events import ServerEventGone, ServerEventsForbidden, ServerEventSync
from bot.delivery.sources import SourcePoller
from bot.queries.server_events import PlannedServerEvent
from bot.schedule.calendar import Calendar
from bot.services import Services, load_merged_calendar, open_services, saved_calendar_path
from cogs._render import render_embeds
from cogs._reply import PageButton

log = logging.getLogger(__name__)

EXIT_LOGIN_FAILED = 3
EXIT_UNREACHABLE = 4
# HTTP connections kept to the API: a burst of interactions reuses these (keep-alive) instead of
# opening one connection (and, against Discord, one TLS handshake) per concurrent request.
HTTP_CONNECTIONS = 32
RECONCILE_LIMIT = 100  # messages read after a post's due time to find an earlier attempt
SENT_MARGIN = timedelta(minutes=1)  # a post never goes out before it is due; clocks drift
# A 429 longer than this raises discord.RateLimited instead of sleeping inside channel.send:
# the scheduler reschedules that one post (30 s is the smallest value discord.py accepts).
MAX_RATELIMIT_SLEEP_S = 30.0
# on_ready fires this long after the last GUILD_CREATE; the scheduler starts then.
GUILD_READY_TIMEOUT_S = 0.5
CALENDAR_POLL_S = 5.0


def extension_names() -> list[str]:
    """Return every extension module in `cogs/` (modules starting with _ are helpers)."""
    return sorted(
        f"cogs.{module.name}"
        for module in pkgutil.iter_modules(cogs.__path__)
        if not module.name.startswith("_")
    )


def point_at_api(api_base: str) -> None:
    """Send every REST call (and so the gateway lookup) to `api_base`."""
    discord.http.Route.BASE = api_base.rstrip("/")


class PaddockBot(commands.Bot):
    """Paddock on Discord: minimal intents, no message content, never pings."""

    def __init__(
        self, config: Config, clock: Clock, *, deliver_posts: bool = True, **options: Any
    ) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),
            help_command=None,
            max_messages=None,  # no message events (no intent for them): keep no message cache
            max_ratelimit_timeout=MAX_RATELIMIT_SLEEP_S,
            guild_ready_timeout=GUILD_READY_TIMEOUT_S,
            **options,
        )
        self.config = config
        self.clock = clock
        self.deliver_posts = deliver_posts
        self._resources = AsyncExitStack()
        self._services: Services | None = None
        self._scheduler: PostScheduler | None = None
        self._delivery_started = False
        self._background: set[asyncio.Task[None]] = set()
        self._server_events: ServerEventSync | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def services(self) -> Services:
        """Return the core services (available once `setup_hook` ran)."""
        if self._services is None:
            raise RuntimeError("Paddock is not set up yet")
        self._services.latency_ms = None if math.isnan(self.latency) else self.latency * 1000
        return self._services

    async def login(self, token: str) -> None:
        """Log in over a bounded pool of HTTP connections (discord.py's default is unbounded)."""
        if self.http.connector is discord.utils.MISSING:
            self.http.connector = aiohttp.TCPConnector(limit=HTTP_CONNECTIONS)
        await super().login(token)

    async def setup_hook(self) -> None:
        """Open the store, load the cogs, sync to the dev guild only, start the post scheduler."""
        await self._follow_gateway()
        # serving: settings and posts must be saved (a command sync only reads)
        services = await self._resources.enter_async_context(
            open_services(self.config, self.clock, check=self.deliver_posts)
        )
        calendar = services.calendar or Calendar()
        discord_config = self.config.discord
        scheduler = PostScheduler(
            services.store,
            calendar,
            self.deliver,
            self.clock,
            shard_count=discord_config.shards or 1,
            shard_ids=discord_config.shard_ids,
            find_sent=self.find_sent,
        )
        services.planner = scheduler
        self._services, self._scheduler = services, scheduler
        self._resources.push_async_callback(scheduler.stop)
        events = ServerEventSync(
            services,
            lambda: scheduler.calendar,
            self,
            self.clock,
            may_sync=lambda: scheduler.is_deliverer,
            owns=scheduler.owns,
        )
        self._server_events = events
        self._resources.push_async_callback(events.stop)
        self.add_dynamic_items(PageButton)  # page buttons of any earlier answer work again
        for name in extension_names():
            await self.load_extension(name)
        guild_id = self.config.discord.dev_guild_id
        if guild_id:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("Synced %d commands to dev guild %d", len(synced), guild_id)

    async def _follow_gateway(self) -> None:
        """Use the gateway URL that the configured API announces (not Discord's by default)."""
        if self.config.discord.api_base == DISCORD_API_BASE:
            return
        _, url, _ = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)
        log.info("Using the gateway at %s", url)

    async def on_ready(self) -> None:
        """Log who we are and start delivering posts (once; commands are never synced here)."""
        log.info("Connected as %s to %d servers", self.user, len(self.guilds))
        if self.deliver_posts and not self._delivery_started and self._scheduler is not None:
            self._delivery_started = True
            self._spawn(self._start_delivery(self._scheduler))

    async def _start_delivery(self, scheduler: PostScheduler) -> None:
        """Start the post scheduler (in the background: commands are answered meanwhile)."""
        count = self.shard_count or 1
        if self.config.discord.shards is not None and scheduler.shard_count != count:
            scheduler.configure_shards(count, self.config.discord.shard_ids)
        await scheduler.start()
        if self._server_events is not None:
            self._server_events.start()
        poller = SourcePoller(self.services)  # feeds and calendars, on their own intervals
        self._resources.push_async_callback(poller.stop)
        await poller.start()
        self._spawn(self._watch_calendar(scheduler))

    async def _watch_calendar(self, scheduler: PostScheduler) -> None:
        """Reload the calendar when it changes on disk (`paddock calendar import` elsewhere)."""
        path = saved_calendar_path(self.config)
        seen = await _mtime(path)
        while True:
            await asyncio.sleep(CALENDAR_POLL_S)
            stamp = await _mtime(path)
            if stamp == seen:
                continue
            seen = stamp
            try:  # the imported calendar with the subscribed ones merged in, as at start
                calendar = await load_merged_calendar(self.config, self.services.store)
            except ConfigError as exc:
                log.warning("The calendar changed but cannot be read (%s): kept the old one", exc)
                continue
            log.info("The calendar changed: re-planning posts")
            self.services.calendar = calendar
            await scheduler.set_calendar(calendar)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run `work` in the background, keeping a reference until it ends."""
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Forget a server's settings and posts when Paddock is removed from it."""
        if self._scheduler is not None:
            await self._scheduler.forget(guild.id)

    async def deliver(self, outgoing: OutgoingPost) -> DeliveryResult:
        """Post one scheduled message; ping only the role a server admin chose."""
        role = outgoing.ping_role_id
        allowed = (
            discord.AllowedMentions(roles=[discord.Object(id=role)], everyone=False, users=False)
            if role
            else discord.AllowedMentions.none()
        )
        try:
            # No lookup first: the post is one request, whichever shard's cache has the channel.
            channel = self.get_channel(outgoing.channel_id) or self.get_partial_messageable(
                outgoing.channel_id
            )
            if not isinstance(channel, discord.abc.Messageable):
                return DeliveryResult.channel_gone("the channel cannot hold messages")
            message = await channel.send(
                content=f"<@&{role}>" if role else None,
                embed=post_embed(outgoing),
                allowed_mentions=allowed,
                nonce=outgoing.nonce,
            )
        except discord.RateLimited as exc:
            return DeliveryResult.rate_limited(exc.retry_after, f"429 for {exc.retry_after:.0f} s")
        except discord.NotFound:
            return DeliveryResult.channel_gone()
        except discord.Forbidden:
            return DeliveryResult.forbidden()
        except (discord.HTTPException, OSError) as exc:  # looked for in the channel before a retry
            return DeliveryResult.retry(str(exc))
        return DeliveryResult.sent(message.id)

    async def find_sent(self, outgoing: OutgoingPost) -> int | None:
        """Return the id of this post if an earlier attempt left it in the channel, else None.

        Discord dedupes a nonce for a few minutes only and history does not return nonces, so
        a post is recognised by its marker: Paddock's own message, sent no earlier than the
        post was due, with the post's title and the due time as its embed timestamp.
        """
        try:
            channel = self.get_channel(outgoing.channel_id) or await self.fetch_channel(
                outgoing.channel_id
            )
        except discord.NotFound:
            return None  # sending then finds the channel gone and pauses the server's posts
        if not isinstance(channel, discord.abc.Messageable):
            return None
        wanted = post_embed(outgoing)
        since = discord.Object(id=discord.utils.time_snowflake(outgoing.post.due - SENT_MARGIN))
        try:
            async for message in channel.history(limit=RECONCILE_LIMIT, after=since):
                if self.user is None or message.author.id != self.user.id or not message.embeds:
                    continue
                embed = message.embeds[0]
                if (embed.title, embed.timestamp) == (wanted.title, wanted.timestamp):
                    return message.id
        except discord.Forbidden:
            log.warning(
                "Cannot read the history of channel %d (Read Message History): sending post %s"
                " again without checking whether it arrived",
                outgoing.channel_id,
                outgoing.post.key.ref,
            )
        return None

    def sync_server_events(self, guild_id: int) -> None:
        """Bring one server's Discord events in line with its settings, in the background."""
        if self._server_events is None or not self.deliver_posts:
            return
        task = asyncio.create_task(self._server_events.sync_guild(guild_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def create_server_event(self, guild_id: int, event: PlannedServerEvent) -> int:
        """Create an external scheduled event for a race session; return its id."""
        try:
            created = await self.http.create_guild_scheduled_event(
                guild_id, **server_event_payload(event)
            )
        except (discord.Forbidden, discord.NotFound) as exc:
            raise ServerEventsForbidden(str(exc)) from exc
        return int(created["id"])

    async def find_server_event(self, guild_id: int, event: PlannedServerEvent) -> int | None:
        """Return an event Paddock created for this session (same name) but did not record."""
        try:
            events = await self.http.get_scheduled_events(guild_id, False)
        except (discord.Forbidden, discord.NotFound) as exc:
            raise ServerEventsForbidden(str(exc)) from exc
        mine = self.user.id if self.user is not None else None
        for found in events:
            creator = found.get("creator_id")
            if found.get("name") == event.name and creator is not None and int(creator) == mine:
                return int(found["id"])
        return None

    async def edit_server_event(
        self, guild_id: int, event_id: int, event: PlannedServerEvent
    ) -> None:
        """Update a scheduled event Paddock created (the calendar moved the session)."""
        try:
            await self.http.edit_scheduled_event(guild_id, event_id, **server_event_payload(event))
        except discord.NotFound as exc:
            raise ServerEventGone(str(exc)) from exc
        except discord.Forbidden as exc:
            raise ServerEventsForbidden(str(exc)) from exc

    async def delete_server_event(self, guild_id: int, event_id: int) -> None:
        """Delete a scheduled event Paddock created (the session was cancelled)."""
        try:
            await self.http.delete_scheduled_event(guild_id, event_id)
        except discord.NotFound as exc:
            raise ServerEventGone(str(exc)) from exc
        except discord.Forbidden as exc:
            raise ServerEventsForbidden(str(exc)) from exc

    async def close(self) -> None:
        """Disconnect, then release the store and every other resource."""
        for task in list(self._background):
            task.cancel()
        await super().close()
        await self._resources.aclose()


class ShardedPaddockBot(PaddockBot, commands.AutoShardedBot):
    """Paddock over several gateway shards (`discord.shards` in the config)."""


def make_bot(config: Config, clock: Clock, *, deliver_posts: bool = True) -> PaddockBot:
    """Return the bot the config asks for: sharded (AutoShardedBot) or one connection."""
    discord_config = config.discord
    if not discord_config.sharded:
        return PaddockBot(config, clock, deliver_posts=deliver_posts)
    return ShardedPaddockBot(
        config,
        clock,
        deliver_posts=deliver_posts,
        shard_count=discord_config.shards or None,  # None: as many as Discord recommends
        shard_ids=list(discord_config.shard_ids) if discord_config.shard_ids else None,
    )


async def _mtime(path: Path) -> float | None:
    """Return a file's modification time, or None when it does not exist (off the event loop)."""
    try:
        return (await asyncio.to_thread(path.stat)).st_mtime
    except OSError:
        return None


def post_embed(outgoing: OutgoingPost) -> discord.Embed:
    """Return a scheduled post's embed, stamped with its due time (also its marker)."""
    embed = render_embeds(outgoing.answer, spoilers=outgoing.spoilers)[0]
    embed.timestamp = outgoing.post.due
    return embed


def server_event_payload(event: PlannedServerEvent) -> dict[str, Any]:
    """Return Discord's body for an external, server-only scheduled event."""
    return {
        "name": event.name,
        "privacy_level": discord.PrivacyLevel.guild_only.value,
        "entity_type": discord.EntityType.external.value,
        "entity_metadata": {"location": event.location},
        "scheduled_start_time": event.start.isoformat(),
        "scheduled_end_time": event.end.isoformat(),
        "description": event.description,
    }


def _stop_on_signals(bot: PaddockBot) -> None:
    """Close the bot cleanly on SIGINT and SIGTERM."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, _request_close, bot, sig)


def _request_close(bot: PaddockBot, sig: signal.Signals) -> None:
    """Start closing the bot after a signal."""
    log.info("Received %s: shutting down", sig.name)
    bot.loop.create_task(bot.close())


async def run_bot(config: Config, token: str, clock: Clock) -> int:
    """Connect to Discord and serve until closed; return the exit code."""
    point_at_api(config.discord.api_base)
    async with make_bot(config, clock) as bot:
        _stop_on_signals(bot)
        try:
            await bot.start(token)
        except discord.LoginFailure:
            log.error("Discord refused the token: check DISCORD_TOKEN")
            return EXIT_LOGIN_FAILED
        except (aiohttp.ClientError, OSError) as exc:  # only login gets here: the gateway retries
            log.error("Cannot reach the Discord API at %s: %s", config.discord.api_base, exc)
            return EXIT_UNREACHABLE
        except discord.HTTPException as exc:  # e.g. a 5xx while syncing commands at start
            log.error("Discord answered HTTP %s during start-up: %s", exc.status, exc.text)
            return EXIT_UNREACHABLE
    return 0


async def sync_commands(config: Config, token: str, *, guild_id: int | None) -> int:
    """Sync the command tree globally (or to one guild) and exit."""
    point_at_api(config.discord.api_base)
    async with make_bot(config, SystemClock(), deliver_posts=False) as bot:
        await bot.login(token)  # runs setup_hook: the store opens and the cogs load
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            bot.tree.copy_global_to(guild=guild)
        synced = await bot.tree.sync(guild=guild)
    where = f"guild {guild_id}" if guild_id else "every server (global; may take up to an hour)"
    print(f"Synced {len(synced)} commands to {where}.")
    return 0
