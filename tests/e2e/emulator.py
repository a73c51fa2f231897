"""A local emulator of the Discord API v10 (REST + gateway), as discord.py 2.7 uses it.

The emulator is an aiohttp web server that runs in-process, in the test's event loop, on
``127.0.0.1`` and a random port. A real discord.py bot (usually a subprocess) talks to it
exactly as it would talk to Discord: REST under ``/api/v10`` and the gateway websocket at
``/gateway``. Tests drive it from the "Discord side": they invoke slash commands, autocomplete
and button presses, inspect every request the bot made, and inject faults.

Pointing a discord.py bot at the emulator
-----------------------------------------
discord.py 2.7 has no public option for the API host. Two class attributes decide where it goes,
and both must be set in the bot process **before** ``Client.start()`` / ``login()``:

1. ``discord.http.Route.BASE`` (a ``ClassVar[str]``, default ``https://discord.com/api/v10``).
   Every REST ``Route`` is built as ``Route.BASE + path``; interaction callbacks and webhook
   follow-ups (``discord.webhook.async_``) use the same ``Route`` class, so setting
   ``Route.BASE = emu.base_url`` (``http://127.0.0.1:PORT/api/v10``) moves *all* HTTP traffic.
   Note ``discord.http._set_api_version()`` overwrites ``Route.BASE``; don't call it afterwards.

2. ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY`` (a ``yarl.URL``, default
   ``wss://gateway.discord.gg/``). A plain (non-sharded) ``discord.Client`` in 2.7 does **not**
   ask ``GET /gateway/bot`` for the URL: it connects straight to ``DEFAULT_GATEWAY`` and later
   resumes at READY's ``resume_gateway_url`` (the emulator points that back at itself).
   ``INVALIDATE_SESSION`` also falls back to ``DEFAULT_GATEWAY``. So fetch the URL from the
   configured API base and set it, e.g. in ``setup_hook`` (which runs after login, before the
   websocket connects)::

       discord.http.Route.BASE = api_base  # before client.start()
       ...
       async def setup_hook(self) -> None:
           _shards, url, _limits = await self.http.get_bot_gateway()
           discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

   Against real Discord this is harmless (``/gateway/bot`` returns ``wss://gateway.discord.gg``);
   against the emulator it returns ``ws://127.0.0.1:PORT/gateway``. ``AutoShardedClient`` calls
   ``/gateway/bot`` itself and needs only step 1.

Paddock does the same from its ``discord.api_base`` config setting / ``PADDOCK_DISCORD_API_BASE``.
``tests/e2e/mini_bot.py`` is the reference implementation.

Test-facing API (all waits take ``timeout_s`` and raise ``TimeoutError`` with recent requests)
---------------------------------------------------------------------------------------------
``emu = Emulator(app_id, bot_user, guilds, token=None, heartbeat_interval_ms=1000)``;
``await emu.start()`` / ``await emu.stop()`` (or ``async with``); ``emu.base_url``;
``emu.gateway_url``; ``await emu.wait_ready()``; ``await emu.wait_for_request(method, glob)``;
``await emu.invoke(name, {opt: value}, guild_id=, channel_id=, user=, dm=, followups=)`` /
``autocomplete(name, options, focused)`` / ``press_button(message, custom_id, user=)`` ->
:class:`InteractionRecord`; ``emu.requests`` (:class:`RecordedRequest`), ``emu.unknown_requests``,
``emu.channel_messages(cid)``, ``await emu.wait_for_message(cid, predicate)``,
``emu.add_channels(guild_id, channels)`` (channels of a server no session is told about),
``emu.fail_next(method, glob, status=429, retry_after=0.2, times=1)``,
``emu.stall_next(method, glob, handle_first=False)`` / ``emu.release_stalled()`` (``emu.stalled``),
``await emu.drop_gateway()``, ``await emu.request_reconnect()``,
``await emu.invalidate_session()``, ``await emu.dispatch(event, data)``,
``await emu.wait_until(predicate)``, ``emu.shard_count = N`` (model Discord's shards: one session
per shard, each with its own guilds; off by default). Helpers: :func:`make_guild`,
:func:`make_text_channel`, :func:`make_user`. Requests that break Discord's limits (command
names/descriptions, 25 choices, 2000-char content, embed sizes, empty messages) get Discord's 400
error bodies. A message created with ``nonce`` and ``enforce_nonce`` (as discord.py sends) is not
created twice: the repeat gets the first message back (listed in ``emu.deduplicated``).
Snowflake-typed options (user, channel, role, mentionable) come with Discord's ``resolved`` data.

Discord's rules (held and modelled)
-----------------------------------
Every request the bot sends (User-Agent ``DiscordBot``) and every answer is validated against
Discord's OpenAPI description (``SPEC_PATH``, see ``tests/e2e/openapi.py``); what breaks it is
listed in ``emu.violations`` and fails the test (the ``held_to_discord`` fixture). Set
``EMULATOR_DUMP=/path`` to append each offending answer to that file while debugging. Modelled
by hand, as settings a test may change: ``emu.now()`` / ``emu.advance(seconds)`` (the emulator's
clock), ``first_response_s`` (3 s, then ``10062 Unknown interaction``), ``token_lifetime_s``
(15 min, then ``50027 Invalid Webhook Token``), ``nonce_window_s`` (5 min), ``bot_permissions``
(app permissions; Mention Everyone decides whether a non-mentionable role is pinged, Manage
Events guards scheduled events), ``rate_limits`` (off: counted and reported in
``X-RateLimit-*`` headers; on: 429s, 5 messages / 5 s a channel) and ``global_limit`` (50/s).
``invoke(..., permissions=)`` refuses a command whose ``default_member_permissions`` the member
lacks (:class:`PermissionError`); ``new_interaction`` makes one without dispatching it;
``update_role`` + ``dispatch_role_update`` change a role; ``emu.limited`` lists the 429s.

Fidelity notes (things discord.py relies on)
--------------------------------------------
* JSON responses must carry ``Content-Type: application/json`` *exactly*: discord.py's
  ``json_or_text`` compares the header with ``==``, so ``application/json; charset=utf-8``
  would hand the bot a ``str``.
* A 429 is only honoured (sleep ``retry_after`` from the JSON body, then retry) when the response
  has a ``Via`` header; without one discord.py assumes a Cloudflare ban and raises. 500/502/504
  are retried after ``1 + 2 * attempt`` seconds, at most 5 attempts in total.
* Interaction callbacks are sent with ``?with_response=1`` and discord.py parses the
  ``{"interaction": ..., "resource": ...}`` body; ``response_message_id`` is what a ``View`` sent
  in a response gets keyed on.
* The gateway URL carries ``?v=10&encoding=json&compress=zlib-stream``. discord.py only
  decompresses *binary* frames, so text frames would also work; by default the emulator honours
  the request and sends one zlib stream (``Z_SYNC_FLUSH`` per message) per connection.
* On start a ``discord.Client`` calls ``GET /users/@me`` then ``GET /oauth2/applications/@me``
  (plus whatever the bot's ``setup_hook`` does, e.g. ``PUT .../guilds/{id}/commands``).
* After a non-resumable INVALID_SESSION, discord.py's default ``before_identify_hook`` sleeps
  5 s before the new IDENTIFY.
* ``wait_ready()`` means "READY and GUILD_CREATEs were sent"; the bot's own ``on_ready`` fires
  ``guild_ready_timeout`` (default 2 s) after the last GUILD_CREATE. Interactions are handled
  before that, so tests need not wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import hashlib
import itertools
import json
import logging
import math
import os
import re
import secrets
import time
import warnings
import weakref
import zlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from aiohttp import WSMsgType, web

from .openapi import ApiSpec

__all__ = [
    "Emulator",
    "Fault",
    "InteractionRecord",
    "RecordedRequest",
    "make_guild",
    "make_text_channel",
    "make_user",
]

log = logging.getLogger(__name__)

DISCORD_EPOCH_MS = 1420070400000
API_PREFIX = "/api/v10"
EPHEMERAL = 1 << 6
NONCE_WINDOW_S = 300.0  # Discord: enforce_nonce dedupes "within the past few minutes"
FIRST_RESPONSE_S = 3.0  # Discord: an interaction must be answered (or deferred) within 3 s
TOKEN_LIFETIME_S = 15 * 60.0  # Discord: an interaction token works for 15 minutes
LOADING = 1 << 7
GLOBAL_LIMIT = 50  # Discord: 50 requests a second per bot, interaction endpoints excepted
GLOBAL_WINDOW_S = 1.0
DEFAULT_ROUTE_LIMIT = (50, 1.0)  # requests, seconds (Discord's per-route limits vary)
ROUTE_LIMITS = {("POST", "/channels/{cid}/messages"): (5, 5.0)}  # 5 messages / 5 s a channel

# Gateway opcodes.
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Intent bits that gate the events the emulator dispatches on its own.
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_GUILD_SCHEDULED_EVENTS = 1 << 16

# Interaction and callback types.
INTERACTION_APPLICATION_COMMAND = 2
INTERACTION_MESSAGE_COMPONENT = 3
INTERACTION_AUTOCOMPLETE = 4
CALLBACK_TYPES = {4, 5, 6, 7, 8, 9}

NAME_RE = re.compile(r"^[-_\w]{1,32}$")
ALL_PERMISSIONS = str((1 << 50) - 1)
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
MENTION_EVERYONE = 1 << 17
MANAGE_EVENTS = 1 << 33
ROLE_MENTION_RE = re.compile(r"<@&(\d+)>")

Json = dict[str, Any]


SPEC_PATH = Path(__file__).resolve().parents[3] / "shared" / "discord-api-spec" / "openapi.json"


@cache
def discord_spec(path: Path = SPEC_PATH) -> ApiSpec | None:
    """Discord's OpenAPI description (read once), or None with a warning when it is absent."""
    if not path.exists():
        warnings.warn(
            f"{path} is absent: the emulator does not validate requests and responses",
            stacklevel=2,
        )
        return None
    return ApiSpec.load(path)


def _numbered(components: list[Json]) -> list[Json]:
    """Return components as Discord stores them: numbered ``id`` each, no null emoji fields."""
    counter = itertools.count(1)

    def number(component: Json) -> Json:
        out = {**component, "id": component.get("id") or next(counter)}
        if isinstance(out.get("emoji"), dict):  # a unicode emoji comes back as its name only
            out["emoji"] = {k: v for k, v in out["emoji"].items() if v is not None}
        if "components" in out:
            out["components"] = [number(c) for c in out["components"]]
        return out

    return [number(c) for c in components]


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


_snowflake_counter = itertools.count(1)


def snowflake() -> str:
    """Return a fresh, time-ordered snowflake as a string (Discord sends ids as strings)."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (next(_snowflake_counter) & 0x3FFFFF))


def make_user(user_id: int | str, username: str, *, bot: bool = False) -> Json:
    """Build a Discord user object."""
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0",
        "global_name": None if bot else username,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
        "primary_guild": None,
    }


def make_text_channel(channel_id: int | str, name: str, *, position: int = 0) -> Json:
    """Build a guild text channel object (type 0)."""
    return {
        "id": str(channel_id),
        "type": 0,
        "name": name,
        "position": position,
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "permission_overwrites": [],
        "last_message_id": None,
        "flags": 0,
    }


def make_guild(
    guild_id: int | str,
    name: str,
    *,
    channels: Iterable[Json] | None = None,
    roles: Iterable[Json] | None = None,
    owner_id: int | str = 1,
) -> Json:
    """Build a guild object; the @everyone role (same id as the guild) is always present."""
    gid = str(guild_id)
    role_list = [
        {
            "id": gid,
            "name": "@everyone",
            "permissions": "2222085186637376",
            "position": 0,
            "color": 0,
            "colors": {"primary_color": 0},
            "hoist": False,
            "managed": False,
            "mentionable": False,
            "flags": 0,
            "icon": None,
            "unicode_emoji": None,
        }
    ]
    for role in roles or ():
        role_list.append(full_role({"permissions": "0", "position": 1, **role}))
    chans = list(channels) if channels is not None else [make_text_channel(int(gid) + 1, "general")]
    return {
        "id": gid,
        "name": name,
        "icon": None,
        "owner_id": str(owner_id),
        "features": [],
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "system_channel_id": None,
        "afk_channel_id": None,
        "afk_timeout": 300,
        "roles": role_list,
        "emojis": [],
        "stickers": [],
        "channels": chans,
        **GUILD_DEFAULTS,
    }


GUILD_DEFAULTS: Json = {
    "description": None,
    "home_header": None,
    "splash": None,
    "discovery_splash": None,
    "banner": None,
    "application_id": None,
    "region": "deprecated",
    "system_channel_flags": 0,
    "widget_enabled": False,
    "widget_channel_id": None,
    "max_presences": None,
    "max_members": 500000,
    "max_stage_video_channel_users": 50,
    "max_video_channel_users": 25,
    "vanity_url_code": None,
    "premium_subscription_count": 0,
    "rules_channel_id": None,
    "safety_alerts_channel_id": None,
    "public_updates_channel_id": None,
    "premium_progress_bar_enabled": False,
    "incidents_data": None,
    "nsfw": False,
}


def full_role(role: Json) -> Json:
    """A role object with every field Discord sends (a test may give only a few)."""
    colour = int(role.get("color") or 0)
    return {
        "name": str(role.get("id")),
        "permissions": "0",
        "position": 1,
        "color": colour,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "icon": None,
        "unicode_emoji": None,
        "flags": 0,
        **role,
        "colors": {"primary_color": colour, "secondary_color": None, "tertiary_color": None},
    }


@dataclass
class _Window:
    """A fixed rate-limit window: ``limit`` requests per ``window_s`` from its first request."""

    limit: int
    window_s: float
    start: float = 0.0
    count: int = 0

    def _roll(self, now: float) -> None:
        if now - self.start >= self.window_s:
            self.start, self.count = now, 0

    def full(self, now: float) -> bool:
        self._roll(now)
        return self.count >= self.limit

    def hit(self, now: float) -> None:
        self._roll(now)
        self.count += 1

    def reset_after(self, now: float) -> float:
        return max(0.0, self.start + self.window_s - now)

    def headers(self, now: float, bucket: str, offset_s: float, *, floor: int) -> dict[str, str]:
        """Return Discord's X-RateLimit-* headers for this window."""
        after = self.reset_after(now)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(floor, self.limit - self.count)),
            "X-RateLimit-Reset": f"{time.time() + offset_s + after:.3f}",
            "X-RateLimit-Reset-After": f"{after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }


@dataclass
class RecordedRequest:
    """One HTTP request the bot made (``path`` is relative to ``/api/v10``)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[Json]
    headers: dict[str, str]
    time: float
    status: int = 0
    response: Any = None

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


@dataclass
class Fault:
    """An injected failure: the next ``times`` matching requests get ``status`` instead.

    ``status == 0`` is a stall (see :meth:`Emulator.stall_next`): the request is held unanswered.
    """

    method: str
    pattern: str | re.Pattern[str]
    status: int
    retry_after: float
    times: int
    is_global: bool = False
    body: Json | None = None
    handle_first: bool = False
    stall_s: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        """Return whether this fault applies to ``method path``."""
        if self.times <= 0 or (self.method not in ("*", method)):
            return False
        if isinstance(self.pattern, re.Pattern):
            return self.pattern.fullmatch(path) is not None
        return fnmatch.fnmatchcase(path, self.pattern)


@dataclass
class InteractionRecord:
    """An interaction the emulator sent, and everything the bot answered to it."""

    id: str
    token: str
    type: int
    payload: Json
    callbacks: list[Json] = field(default_factory=list)
    original: Json | None = None
    followups: list[Json] = field(default_factory=list)
    edits: list[Json] = field(default_factory=list)
    created: float = 0.0  # the emulator's clock (``Emulator.now()``) when it was dispatched
    original_deleted: bool = False

    @property
    def callback(self) -> Json | None:
        """The first (normally the only) callback body, ``{"type": ..., "data": ...}``."""
        return self.callbacks[0] if self.callbacks else None

    @property
    def response_type(self) -> int | None:
        """The callback type (4 message, 5 defer, 6 deferred update, 7 update, 8 choices...)."""
        return self.callback["type"] if self.callback else None

    @property
    def data(self) -> Json:
        """The callback's ``data`` object (empty dict if none)."""
        return (self.callback or {}).get("data") or {}

    @property
    def choices(self) -> list[Json]:
        """Autocomplete choices of a type 8 callback."""
        return list(self.data.get("choices") or [])

    @property
    def message(self) -> Json | None:
        """The message the interaction's response created or updated, in its latest state."""
        return self.original


@dataclass(eq=False)
class _Session:
    id: str
    intents: int
    seq: int = 0
    events: list[Json] = field(default_factory=list)
    conn: _Conn | None = None
    shard: int | None = None  # set only when the emulator models shards (``shard_count``)


@dataclass(eq=False)
class _Conn:
    ws: web.WebSocketResponse
    request: web.Request
    compressor: Any = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    session: _Session | None = None
    heartbeats: int = 0


class _HTTPError(Exception):
    def __init__(self, status: int, message: str, code: int = 0, errors: Json | None = None):
        super().__init__(message)
        self.status = status
        self.body: Json = {"message": message, "code": code}
        if errors:
            self.body["errors"] = errors


INVALID_FORM_BODY = 50035
NULLABLE_COMMAND_KEYS = {"default_member_permissions", "contexts", "name_localizations"}


def _error_tree(errors: dict[str, str]) -> Json:
    """Nest ``{"embeds.0.title": message}`` as Discord does: ``{"embeds": {"0": {"title": ...}}}``.

    Each leaf is ``{"_errors": [{"code": ..., "message": ...}]}``; Discord's description types
    that ``code`` as an integer (its form-body error code), which is what the emulator sends.
    """
    tree: Json = {}
    for path, message in errors.items():
        node = tree
        for part in path.split("."):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": INVALID_FORM_BODY, "message": message})
    return tree


def _form_error(path: str, message: str, code: str = "BASE_TYPE_BAD_LENGTH") -> _HTTPError:
    return _HTTPError(400, "Invalid Form Body", INVALID_FORM_BODY, _error_tree({path: message}))


Handler = Callable[[RecordedRequest, dict[str, str]], Awaitable[tuple[int, Any]]]


class Emulator:
    """In-process Discord API v10 + gateway emulator (see the module docstring)."""

    live: ClassVar[weakref.WeakSet[Emulator]] = weakref.WeakSet()  # checked after each test

    def __init__(
        self,
        app_id: int | str = 900000000000000001,
        bot_user: Json | None = None,
        guilds: Iterable[Json] | None = None,
        *,
        token: str | None = None,
        heartbeat_interval_ms: int = 1000,
        compress_gateway: bool = True,
        default_user: Json | None = None,
        strict_commands: bool = True,
        validate: bool = True,
    ) -> None:
        """Configure (but do not start) the emulator.

        ``token``: if given, REST calls must carry ``Authorization: Bot <token>`` (401 otherwise)
        and IDENTIFY/RESUME must use it (close 4004 otherwise). ``strict_commands``: like Discord,
        only commands the bot registered (guild or global; global only in DMs) can be invoked.
        ``validate``: hold every request the bot sends, and every answer, to Discord's OpenAPI
        description (``SPEC_PATH``); what breaks it is listed in ``violations``.
        """
        self.app_id = str(app_id)
        self.bot_user = bot_user or make_user(self.app_id, "Emubot", bot=True)
        self.guilds: dict[str, Json] = {}
        for g in guilds if guilds is not None else [make_guild(800000000000000001, "Paddock Test")]:
            self.guilds[str(g["id"])] = g
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.compress_gateway = compress_gateway
        self.default_user = default_user or make_user(700000000000000001, "fan")
        self.strict_commands = strict_commands

        self.spec = discord_spec() if validate else None
        self.violations: list[str] = []
        self.requests: list[RecordedRequest] = []
        self.unknown_requests: list[RecordedRequest] = []
        self.gateway_received: list[Json] = []
        self.faults: list[Fault] = []
        self.interactions: dict[str, InteractionRecord] = {}
        self._by_token: dict[str, InteractionRecord] = {}
        self.global_commands: dict[str, Json] = {}
        self.guild_commands: dict[str, dict[str, Json]] = {}
        self.scheduled_events: dict[str, dict[str, Json]] = {gid: {} for gid in self.guilds}
        self.messages: dict[str, Json] = {}
        self.identify_count = 0
        self.resume_count = 0
        self.ready_count = 0
        self.connection_count = 0
        self.last_identify: Json | None = None

        self._channels: dict[str, Json] = {}
        for gid, g in self.guilds.items():
            for ch in g.get("channels", []):
                self._channels[str(ch["id"])] = {**ch, "guild_id": gid}
        self._channel_msgs: dict[str, list[str]] = {}
        self._dm_channels: dict[str, str] = {}
        self._sessions: dict[str, _Session] = {}
        self._session: _Session | None = None
        self.shard_count: int | None = None  # set to model shards (see _identify_shard)
        self._shard_sessions: dict[int, _Session] = {}
        self._conns: set[_Conn] = set()
        self._cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler, str]] = []
        self.stalled: list[RecordedRequest] = []
        self.deduplicated: list[RecordedRequest] = []
        self._nonces: dict[tuple[str, str], tuple[str, float]] = {}
        self._release: asyncio.Event | None = None
        self._offset_s = 0.0
        # Discord's rules, as settings a test may change.
        self.nonce_window_s = NONCE_WINDOW_S
        self.bot_permissions = int(ALL_PERMISSIONS)  # what the bot may do in every guild
        # Rate limits: always counted and reported in X-RateLimit-* headers; refused with 429
        # only when ``rate_limits`` is on (off, ``Remaining`` never drops below 1).
        self.rate_limits = False
        self.global_limit = GLOBAL_LIMIT
        self.limited: list[RecordedRequest] = []  # requests the emulator's own limits refused
        self._buckets: dict[tuple[str, ...], _Window] = {}
        self._global = _Window(GLOBAL_LIMIT, GLOBAL_WINDOW_S)
        self.first_response_s = FIRST_RESPONSE_S
        self.token_lifetime_s = TOKEN_LIFETIME_S
        self._build_routes()

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Start listening on 127.0.0.1 with a random free port."""
        self._cond = asyncio.Condition()
        self._release = asyncio.Event()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/gateway/", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        app.router.add_route("*", "/{tail:.*}", self._outside_api)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        Emulator.live.add(self)

    async def stop(self) -> None:
        """Close every websocket and stop the server."""
        self.release_stalled()
        for conn in list(self._conns):
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.ws.close(code=1001), 1.0)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Emulator:
        """Start on entry."""
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Stop on exit."""
        await self.stop()

    @property
    def port(self) -> int:
        """The TCP port (0 before start)."""
        return self._port

    @property
    def base_url(self) -> str:
        """What to set ``discord.http.Route.BASE`` to: ``http://127.0.0.1:PORT/api/v10``."""
        return f"http://127.0.0.1:{self._port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The websocket URL returned by ``/gateway/bot`` and used as ``resume_gateway_url``."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    # ------------------------------------------------------------------ the clock

    def now(self) -> float:
        """The emulator's clock in seconds (monotonic, plus whatever :meth:`advance` added)."""
        return time.monotonic() + self._offset_s

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward: tokens age, nonce windows pass, limits reset."""
        self._offset_s += seconds

    # ------------------------------------------------------------------ waiting

    async def _notify(self) -> None:
        if self._cond is None:
            return
        async with self._cond:
            self._cond.notify_all()

    async def wait_until(
        self, predicate: Callable[[], Any], timeout_s: float = 5.0, what: str = "condition"
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every request/event); return it."""
        assert self._cond is not None, "emulator not started"
        value: Any = None

        def check() -> bool:
            nonlocal value
            value = predicate()
            return bool(value)

        try:
            async with asyncio.timeout(timeout_s), self._cond:
                await self._cond.wait_for(check)
        except TimeoutError:
            recent = ", ".join(repr(r) for r in self.requests[-8:])
            msg = f"timed out after {timeout_s}s waiting for {what}; last requests: [{recent}]"
            raise TimeoutError(msg) from None
        return value

    async def wait_ready(self, timeout_s: float = 10.0) -> None:
        """Wait until a session IDENTIFYed and got READY plus its GUILD_CREATEs."""
        await self.wait_until(lambda: self.ready_count > 0, timeout_s, "READY")

    async def wait_for_request(
        self, method: str, path_pattern: str, timeout_s: float = 5.0, *, count: int = 1
    ) -> list[RecordedRequest]:
        """Wait until ``count`` answered requests match ``method`` and the glob ``path_pattern``."""

        def found() -> list[RecordedRequest]:
            hits = [
                r
                for r in self.requests
                if r.status and r.method == method and fnmatch.fnmatchcase(r.path, path_pattern)
            ]
            return hits if len(hits) >= count else []

        return await self.wait_until(found, timeout_s, f"{count}x {method} {path_pattern}")

    def add_channels(self, guild_id: int | str, channels: Iterable[Json]) -> None:
        """Let the bot post to channels of a server its session is not told about.

        Such a server is on no session's guild list (as another shard's server would be): a
        benchmark configures thousands this way without sending thousands of GUILD_CREATEs.
        """
        for ch in channels:
            self._channels[str(ch["id"])] = {**ch, "guild_id": str(guild_id)}

    def channel_messages(self, channel_id: int | str) -> list[Json]:
        """Messages currently in a channel (excluding ephemeral ones), oldest first."""
        ids = self._channel_msgs.get(str(channel_id), [])
        return [self.messages[i] for i in ids if i in self.messages]

    async def wait_for_message(
        self,
        channel_id: int | str,
        predicate: Callable[[Json], bool] | None = None,
        timeout_s: float = 5.0,
    ) -> Json:
        """Wait for a message in ``channel_id`` matching ``predicate``; return the first match."""

        def found() -> Json | None:
            for m in self.channel_messages(channel_id):
                if predicate is None or predicate(m):
                    return m
            return None

        return await self.wait_until(found, timeout_s, f"message in channel {channel_id}")

    # ------------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        status: int = 429,
        retry_after: float = 0.2,
        times: int = 1,
        *,
        is_global: bool = False,
        body: Json | None = None,
    ) -> Fault:
        """Answer the next ``times`` matching requests with ``status`` (429 or 5xx usually).

        ``path_pattern`` is a glob over the path relative to ``/api/v10`` (e.g.
        ``/channels/*/messages``) or a compiled regex. Faults queue in call order, so
        ``fail_next(..., 429)`` then ``fail_next(..., 500)`` fails the first attempt with 429
        and the retry with 500.
        """
        fault = Fault(method.upper(), path_pattern, status, retry_after, times, is_global, body)
        self.faults.append(fault)
        return fault

    def stall_next(
        self,
        method: str,
        path_pattern: str | re.Pattern[str],
        *,
        times: int = 1,
        handle_first: bool = False,
        timeout_s: float = 30.0,
    ) -> Fault:
        """Hold the next ``times`` matching requests unanswered (a hung API or a lost answer).

        With ``handle_first`` the request takes effect first (e.g. the message is created) and
        only its answer is held: what a client sees when the connection dies after Discord
        acted. A held request is answered when :meth:`release_stalled` is called or after
        ``timeout_s`` (with its real answer if handled, else 504). Held requests are listed in
        ``emu.stalled``.
        """
        fault = Fault(
            method.upper(),
            path_pattern,
            0,
            0.0,
            times,
            handle_first=handle_first,
            stall_s=timeout_s,
        )
        self.faults.append(fault)
        return fault

    def release_stalled(self) -> None:
        """Answer every request held by :meth:`stall_next`."""
        if self._release is not None:
            self._release.set()
            self._release = asyncio.Event()

    async def _stall(self, rec: RecordedRequest, fault: Fault) -> web.Response:
        release = self._release
        response = await self._route(rec) if fault.handle_first else None
        self.stalled.append(rec)
        await self._notify()
        if release is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(release.wait(), fault.stall_s)
        if response is not None:
            return response
        rec.status, rec.response = 504, {"message": "504: Gateway Timeout", "code": 0}
        return self._json_response(rec.status, rec.response)

    # ------------------------------------------------------------------ gateway control

    def _current_conn(self) -> _Conn | None:
        s = self._session
        if s is None or s.conn is None or s.conn.ws.closed:
            return None
        return s.conn

    async def drop_gateway(
        self, *, code: int | None = None, wait: bool = True, timeout_s: float = 10.0
    ) -> None:
        """Drop the bot's gateway connection and (if ``wait``) wait until it RESUMEs.

        ``code=None`` aborts the TCP connection with no close frame (a network failure);
        otherwise a close frame with that code is sent (4000-4003/4005-4009 are resumable).
        """
        conn = self._current_conn()
        if conn is None:
            raise RuntimeError("no gateway connection to drop")
        before = self.resume_count
        if code is None:
            transport = conn.request.transport
            if transport is not None:
                transport.abort()
        else:
            await conn.ws.close(code=code)
        if wait:
            await self.wait_until(
                lambda: self.resume_count > before, timeout_s, "RESUME after drop"
            )

    async def request_reconnect(self, *, wait: bool = True, timeout_s: float = 10.0) -> None:
        """Send op 7 RECONNECT and (if ``wait``) wait until the bot RESUMEs."""
        conn = self._current_conn()
        if conn is None:
            raise RuntimeError("no gateway connection")
        before = self.resume_count
        await self._send(conn, {"op": OP_RECONNECT, "d": None})
        if wait:
            await self.wait_until(
                lambda: self.resume_count > before, timeout_s, "RESUME after op 7"
            )

    async def settle(self, timeout_s: float = 2.0) -> None:
        """Round-trip a server-sent HEARTBEAT (op 1) through the bot's gateway connection.

        discord.py answers op 1 at once from its gateway task, so when the reply arrives the
        bot's event loop has run past everything it received earlier (e.g. the HTTP response to
        its interaction callback, after which it registers a ``View``). Used by ``invoke`` and
        friends before they return; a no-op when the bot is not connected.
        """
        conn = self._current_conn()
        if conn is None:
            return
        before = conn.heartbeats
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self._send(conn, {"op": OP_HEARTBEAT, "d": None})
        with contextlib.suppress(TimeoutError):
            await self.wait_until(lambda: conn.heartbeats > before or conn.ws.closed, timeout_s)

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; with ``resumable=False`` the session is forgotten."""
        conn = self._current_conn()
        if conn is None:
            raise RuntimeError("no gateway connection")
        if not resumable and conn.session is not None:
            self._sessions.pop(conn.session.id, None)
        await self._send(conn, {"op": OP_INVALID_SESSION, "d": resumable})

    async def dispatch(self, event: str, data: Any) -> int:
        """Dispatch a gateway event to the current session; return its sequence number.

        If the bot is disconnected the event is kept and replayed when it RESUMEs. With
        ``shard_count`` set, an event about a guild goes to the session of the guild's shard.
        """
        session = self._shard_session_for(data) or self._session
        if session is None:
            raise RuntimeError("no gateway session (bot has not IDENTIFYed)")
        session.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        session.events.append(payload)
        conn = session.conn
        if conn is not None and not conn.ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._send(conn, payload)
        return session.seq

    async def _send(self, conn: _Conn, payload: Json) -> None:
        text = json.dumps(payload, separators=(",", ":"))
        async with conn.lock:
            if conn.compressor is not None:
                data = conn.compressor.compress(text.encode()) + conn.compressor.flush(
                    zlib.Z_SYNC_FLUSH
                )
                await conn.ws.send_bytes(data)
            else:
                await conn.ws.send_str(text)

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        conn = _Conn(ws=ws, request=request)
        if self.compress_gateway and request.query.get("compress") == "zlib-stream":
            conn.compressor = zlib.compressobj()
        self._conns.add(conn)
        self.connection_count += 1
        try:
            await self._send(
                conn, {"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
            )
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.gateway_received.append(payload)
                await self._gateway_op(conn, payload)
        except (ConnectionError, RuntimeError) as exc:
            log.debug("gateway connection ended: %r", exc)
        finally:
            self._conns.discard(conn)
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            await self._notify()
        return ws

    async def _gateway_op(self, conn: _Conn, payload: Json) -> None:
        op = payload.get("op")
        d = payload.get("d")
        if op == OP_HEARTBEAT:
            conn.heartbeats += 1
            await self._send(conn, {"op": OP_HEARTBEAT_ACK, "d": None})
        elif op == OP_IDENTIFY:
            if self.token is not None and d.get("token") != self.token:
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return
            await self._identify(conn, d)
        elif op == OP_RESUME:
            if self.token is not None and d.get("token") != self.token:
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return
            await self._resume(conn, d)
        await self._notify()

    async def _identify(self, conn: _Conn, d: Json) -> None:
        if self.shard_count and "shard" in d:
            await self._identify_shard(conn, d)
            return
        self.identify_count += 1
        self.last_identify = d
        if self._session is not None and self._session.conn is not None:
            self._session.conn = None
        session = _Session(id=secrets.token_hex(16), intents=int(d.get("intents", 0)))
        self._sessions[session.id] = session
        self._session = session
        session.conn = conn
        conn.session = session
        ready: Json = {
            "v": 10,
            "user": self.bot_user,
            "user_settings": {},
            "guilds": [{"id": gid, "unavailable": True} for gid in self.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.app_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["emulator"],
        }
        if "shard" in d:
            ready["shard"] = d["shard"]
        await self.dispatch("READY", ready)
        for guild in self.guilds.values():
            await self.dispatch("GUILD_CREATE", self._guild_create(guild))
        self.ready_count += 1

    def _guild_create(self, guild: Json) -> Json:
        gid = str(guild["id"])
        return {
            **guild,
            "joined_at": _now_iso(),
            "large": False,
            "unavailable": False,
            "member_count": 2,
            "members": [self._member(self.bot_user)],
            "voice_states": [],
            "presences": [],
            "threads": [],
            "stage_instances": [],
            "soundboard_sounds": [],
            "guild_scheduled_events": list(self.scheduled_events.get(gid, {}).values()),
        }

    async def _resume(self, conn: _Conn, d: Json) -> None:
        session = self._sessions.get(str(d.get("session_id")))
        if session is None:
            await self._send(conn, {"op": OP_INVALID_SESSION, "d": False})
            return
        old = session.conn
        session.conn = conn
        conn.session = session
        self._session = session
        if old is not None and old is not conn and not old.ws.closed:
            with contextlib.suppress(Exception):
                await old.ws.close(code=4000)
        last = int(d.get("seq") or 0)
        for event in [e for e in session.events if e["s"] > last]:
            await self._send(conn, event)
        self.resume_count += 1
        await self.dispatch("RESUMED", {"_trace": ["emulator"]})

    # ------------------------------------------------------------------ shards (switchable)
    #
    # Off unless a test sets ``emu.shard_count``. Then ``GET /gateway/bot`` recommends that many
    # shards, each IDENTIFY with ``shard: [id, count]`` is a session of its own (sessions of
    # other shards stay connected), READY and GUILD_CREATE carry only that shard's guilds
    # (Discord's rule: ``(guild_id >> 22) % shard_count``), and an event about a guild is
    # dispatched to the session of the guild's shard.

    def guild_shard(self, guild_id: int | str) -> int:
        """Return the shard a guild is on (``shard_count`` must be set)."""
        return (int(guild_id) >> 22) % (self.shard_count or 1)

    def _shard_session_for(self, data: Any) -> _Session | None:
        if not self.shard_count or not isinstance(data, dict):
            return None
        guild_id = data.get("guild_id")
        if guild_id is None:
            return None
        return self._shard_sessions.get(self.guild_shard(guild_id))

    async def _identify_shard(self, conn: _Conn, d: Json) -> None:
        self.identify_count += 1
        self.last_identify = d
        shard = int(d["shard"][0])
        session = _Session(id=secrets.token_hex(16), intents=int(d.get("intents", 0)), shard=shard)
        self._sessions[session.id] = session
        self._shard_sessions[shard] = session
        self._session = session
        session.conn = conn
        conn.session = session
        guilds = [g for gid, g in self.guilds.items() if self.guild_shard(gid) == shard]
        ready: Json = {
            "v": 10,
            "user": self.bot_user,
            "user_settings": {},
            "guilds": [{"id": g["id"], "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.app_id, "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "shard": d["shard"],
            "_trace": ["emulator"],
        }
        await self._send_to(session, "READY", ready)
        for guild in guilds:
            await self._send_to(session, "GUILD_CREATE", self._guild_create(guild))
        self.ready_count += 1

    async def _send_to(self, session: _Session, event: str, data: Json) -> None:
        session.seq += 1
        payload = {"op": OP_DISPATCH, "t": event, "s": session.seq, "d": data}
        session.events.append(payload)
        if session.conn is not None and not session.conn.ws.closed:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await self._send(session.conn, payload)

    # ------------------------------------------------------------------ interactions

    def _member(self, user: Json, permissions: str = ALL_PERMISSIONS) -> Json:
        return {
            "user": user,
            "roles": [],
            "nick": None,
            "avatar": None,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "permissions": permissions,
        }

    def _default_channel(self, guild_id: str) -> str:
        for ch in self.guilds[guild_id].get("channels", []):
            if ch.get("type") == 0:
                return str(ch["id"])
        raise ValueError(f"guild {guild_id} has no text channel")

    def dm_channel_id(self, user: Json) -> str:
        """The id of the DM channel between the bot and ``user`` (created on first use)."""
        uid = str(user["id"])
        if uid not in self._dm_channels:
            cid = snowflake()
            self._dm_channels[uid] = cid
            self._channels[cid] = {
                "id": cid,
                "type": 1,
                "recipients": [user],
                "last_message_id": None,
                "flags": 0,
            }
        return self._dm_channels[uid]

    def _find_command(self, name: str, guild_id: str | None) -> tuple[Json | None, str | None]:
        if guild_id is not None and name in self.guild_commands.get(guild_id, {}):
            return self.guild_commands[guild_id][name], guild_id
        return self.global_commands.get(name), None

    @staticmethod
    def _option_type(value: Any) -> int:
        if isinstance(value, bool):
            return 5
        if isinstance(value, int):
            return 4
        if isinstance(value, float):
            return 10
        return 3

    def _build_options(
        self, schema: list[Json], options: dict[str, Any], focused: str | None
    ) -> list[Json]:
        by_name = {o["name"]: o for o in schema}
        out: list[Json] = []
        for name, value in options.items():
            spec = by_name.get(name)
            otype = spec["type"] if spec else self._option_type(value)
            if otype in (6, 7, 8, 9):  # snowflake-valued options are sent as strings
                value = str(value)
            opt: Json = {"name": name, "type": otype, "value": value}
            if focused == name:
                opt["focused"] = True
                opt["type"] = spec["type"] if spec else 3
            out.append(opt)
        return out

    def _command_data(
        self,
        command: str,
        options: dict[str, Any] | list[Json] | None,
        guild_id: str | None,
        focused: str | None = None,
    ) -> Json:
        parts = command.split()
        cmd, cmd_guild = self._find_command(parts[0], guild_id)
        if cmd is None and self.strict_commands:
            where = f"guild {guild_id} or globally" if guild_id else "globally (needed in DMs)"
            msg = f"/{parts[0]} is not registered {where}; did the bot sync its commands?"
            raise LookupError(msg)
        data: Json = {"id": cmd["id"] if cmd else snowflake(), "name": parts[0], "type": 1}
        if cmd_guild is not None:
            data["guild_id"] = cmd_guild
        schema: list[Json] = (cmd or {}).get("options") or []
        containers: list[Json] = []
        for sub in parts[1:]:
            spec = next((o for o in schema if o["name"] == sub), None)
            node: Json = {"name": sub, "type": spec["type"] if spec else 1, "options": []}
            containers.append(node)
            schema = (spec or {}).get("options") or []
        if isinstance(options, list):
            leaf = options
        else:
            leaf = self._build_options(schema, options or {}, focused)
        if containers:
            for parent, child in itertools.pairwise(containers):
                parent["options"] = [child]
            containers[-1]["options"] = leaf
            data["options"] = [containers[0]]
        else:
            data["options"] = leaf
        resolved = self._resolved(leaf, guild_id)
        if resolved:
            data["resolved"] = resolved
        return data

    def _resolved(self, options: list[Json], guild_id: str | None) -> Json:
        """Discord's ``resolved`` map for user/channel/role/mentionable option values."""
        resolved: Json = {}
        roles = {str(r["id"]): r for r in self.guilds.get(guild_id or "", {}).get("roles", [])}
        for opt in options:
            otype, value = opt.get("type"), str(opt.get("value"))
            if opt.get("focused") or otype not in (6, 7, 8, 9):
                continue
            if otype == 7 and value in self._channels:
                ch = self._channels[value]
                resolved.setdefault("channels", {})[value] = {
                    "id": value,
                    "name": ch.get("name"),
                    "type": ch.get("type", 0),
                    "parent_id": ch.get("parent_id"),
                    "permissions": ALL_PERMISSIONS,
                }
            elif otype in (8, 9) and value in roles:
                resolved.setdefault("roles", {})[value] = roles[value]
            elif otype in (6, 9):
                user = next(
                    (u for u in (self.default_user, self.bot_user) if u["id"] == value),
                    make_user(value, f"user{value}"),
                )
                resolved.setdefault("users", {})[value] = user
                if guild_id is not None:
                    member = {k: v for k, v in self._member(user).items() if k != "user"}
                    resolved.setdefault("members", {})[value] = member
        return resolved

    def _context(
        self, guild_id: int | str | None, channel_id: int | str | None, user: Json | None, dm: bool
    ) -> tuple[str | None, str, Json]:
        user = user or self.default_user
        if dm:
            return None, self.dm_channel_id(user), user
        gid = str(guild_id) if guild_id is not None else next(iter(self.guilds))
        if gid not in self.guilds:
            raise ValueError(f"unknown guild {gid}")
        cid = str(channel_id) if channel_id is not None else self._default_channel(gid)
        return gid, cid, user

    async def send_interaction(
        self,
        itype: int,
        data: Json,
        *,
        guild_id: str | None,
        channel_id: str,
        user: Json,
        message: Json | None = None,
        permissions: str = ALL_PERMISSIONS,
    ) -> InteractionRecord:
        """Dispatch a raw INTERACTION_CREATE of type ``itype`` and return its record."""
        record = self.new_interaction(
            itype,
            data,
            guild_id=guild_id,
            channel_id=channel_id,
            user=user,
            message=message,
            permissions=permissions,
        )
        await self.dispatch("INTERACTION_CREATE", record.payload)
        return record

    def new_interaction(
        self,
        itype: int,
        data: Json,
        *,
        guild_id: str | None,
        channel_id: str,
        user: Json,
        message: Json | None = None,
        permissions: str = ALL_PERMISSIONS,
    ) -> InteractionRecord:
        """Create an interaction (its id and token now valid) without dispatching it."""
        iid = snowflake()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(32)
        channel = dict(self._channels.get(channel_id) or {"id": channel_id, "type": 0})
        payload: Json = {
            "id": iid,
            "application_id": self.app_id,
            "type": itype,
            "data": data,
            "token": token,
            "version": 1,
            "channel_id": channel_id,
            "channel": channel,
            "app_permissions": str(self.bot_permissions),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild_id is not None:
            payload["guild_id"] = guild_id
            payload["guild"] = {"id": guild_id, "locale": "en-US", "features": []}
            payload["guild_locale"] = "en-US"
            payload["member"] = self._member(user, permissions)
            payload["context"] = 0
            payload["authorizing_integration_owners"] = {"0": guild_id}
        else:
            payload["user"] = user
            payload["context"] = 1
            payload["authorizing_integration_owners"] = {"0": "0"}
        if message is not None:
            payload["message"] = message
        record = InteractionRecord(
            id=iid, token=token, type=itype, payload=payload, created=self.now()
        )
        self.interactions[iid] = record
        self._by_token[token] = record
        return record

    async def invoke(
        self,
        command: str,
        options: dict[str, Any] | list[Json] | None = None,
        *,
        guild_id: int | str | None = None,
        channel_id: int | str | None = None,
        user: Json | None = None,
        dm: bool = False,
        followups: int = 0,
        timeout_s: float = 5.0,
        permissions: int | str = ALL_PERMISSIONS,
    ) -> InteractionRecord:
        """Run a slash command (type 2) and return once it is answered.

        ``command`` may include subcommands (``"standings driver"``). ``options`` maps option
        names to values (types come from the synced command, else from the Python type) or is a
        raw option list. Defaults: first guild, its first text channel, ``default_user``;
        ``dm=True`` invokes from the user's DM instead. Waits for the callback plus
        ``followups`` follow-up messages. ``permissions`` are the member's: like Discord, a
        command whose ``default_member_permissions`` they lack is not offered to them
        (:class:`PermissionError`).
        """
        gid, cid, who = self._context(guild_id, channel_id, user, dm)
        data = self._command_data(command, options, gid)
        self._check_member_may_use(command, gid, int(permissions))
        record = await self.send_interaction(
            INTERACTION_APPLICATION_COMMAND,
            data,
            guild_id=gid,
            channel_id=cid,
            user=who,
            permissions=str(permissions),
        )
        await self.wait_until(
            lambda: record.callbacks and len(record.followups) >= followups,
            timeout_s,
            f"answer to /{command}",
        )
        await self.settle()
        return record

    def _check_member_may_use(self, command: str, guild_id: str | None, permissions: int) -> None:
        """Refuse, as Discord's client does, a command the member's permissions do not allow."""
        cmd, _ = self._find_command(command.split()[0], guild_id)
        required = (cmd or {}).get("default_member_permissions")
        if guild_id is None or required is None or permissions & ADMINISTRATOR:
            return
        if permissions & int(required) != int(required):
            msg = f"/{command} needs permissions {required}; Discord does not offer it here"
            raise PermissionError(msg)

    def update_role(self, guild_id: int | str, role_id: int | str, **changes: Any) -> Json:
        """Change a role (e.g. ``mentionable=False``); see :meth:`dispatch_role_update`."""
        guild = self.guilds[str(guild_id)]
        role = next(r for r in guild["roles"] if r["id"] == str(role_id))
        role.update(changes)
        return role

    async def dispatch_role_update(self, guild_id: int | str, role: Json) -> None:
        """Tell the bot about a changed role (GUILD_ROLE_UPDATE)."""
        await self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild_id), "role": role})

    async def autocomplete(
        self,
        command: str,
        options: dict[str, Any],
        focused: str,
        *,
        guild_id: int | str | None = None,
        channel_id: int | str | None = None,
        user: Json | None = None,
        dm: bool = False,
        timeout_s: float = 5.0,
    ) -> InteractionRecord:
        """Send an autocomplete interaction (type 4) with ``focused`` as the focused option."""
        gid, cid, who = self._context(guild_id, channel_id, user, dm)
        options = dict(options)
        options.setdefault(focused, "")
        data = self._command_data(command, options, gid, focused)
        record = await self.send_interaction(
            INTERACTION_AUTOCOMPLETE, data, guild_id=gid, channel_id=cid, user=who
        )
        await self.wait_until(lambda: record.callbacks, timeout_s, f"autocomplete for /{command}")
        await self.settle()
        return record

    async def press_button(
        self,
        message: Json | int | str,
        custom_id: str,
        *,
        user: Json | None = None,
        component_type: int = 2,
        values: list[str] | None = None,
        timeout_s: float = 5.0,
    ) -> InteractionRecord:
        """Press a button (or choose ``values`` in a select) on a stored message (type 3)."""
        if not isinstance(message, dict):
            message = self.messages[str(message)]
        else:
            message = self.messages.get(str(message["id"]), message)
        cid = str(message["channel_id"])
        channel = self._channels.get(cid, {})
        gid = channel.get("guild_id")
        data: Json = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = values
        record = await self.send_interaction(
            INTERACTION_MESSAGE_COMPONENT,
            data,
            guild_id=gid,
            channel_id=cid,
            user=user or self.default_user,
            message=self._public(message),
        )
        await self.wait_until(lambda: record.callbacks, timeout_s, f"answer to button {custom_id}")
        await self.settle()
        return record

    # ------------------------------------------------------------------ HTTP plumbing

    def _build_routes(self) -> None:
        r = self._add_route
        r("GET", "/users/@me", self._get_me)
        r("GET", "/users/{user_id}", self._get_user)
        r("POST", "/users/@me/channels", self._create_dm)
        r("GET", "/gateway", self._get_gateway)
        r("GET", "/gateway/bot", self._get_gateway_bot)
        r("GET", "/oauth2/applications/@me", self._get_application)
        r("GET", "/applications/@me", self._get_application)
        r("GET", "/applications/{app}/commands", self._get_commands)
        r("PUT", "/applications/{app}/commands", self._put_commands)
        r("POST", "/applications/{app}/commands", self._post_command)
        r("GET", "/applications/{app}/guilds/{guild}/commands", self._get_commands)
        r("PUT", "/applications/{app}/guilds/{guild}/commands", self._put_commands)
        r("POST", "/applications/{app}/guilds/{guild}/commands", self._post_command)
        r("POST", "/interactions/{iid}/{token}/callback", self._callback)
        r("POST", "/webhooks/{app}/{token}", self._followup)
        r("GET", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_get)
        r("PATCH", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_edit)
        r("DELETE", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_delete)
        r("GET", "/channels/{cid}", self._get_channel)
        r("GET", "/channels/{cid}/messages", self._list_messages)
        r("POST", "/channels/{cid}/messages", self._create_message)
        r("GET", "/channels/{cid}/messages/{mid}", self._get_message)
        r("PATCH", "/channels/{cid}/messages/{mid}", self._edit_message)
        r("DELETE", "/channels/{cid}/messages/{mid}", self._delete_message)
        r("GET", "/guilds/{guild}", self._get_guild)
        r("GET", "/guilds/{guild}/channels", self._get_guild_channels)
        r("GET", "/guilds/{guild}/scheduled-events", self._list_events)
        r("POST", "/guilds/{guild}/scheduled-events", self._create_event)
        r("GET", "/guilds/{guild}/scheduled-events/{eid}", self._get_event)
        r("PATCH", "/guilds/{guild}/scheduled-events/{eid}", self._edit_event)
        r("DELETE", "/guilds/{guild}/scheduled-events/{eid}", self._delete_event)

    def _add_route(self, method: str, template: str, handler: Handler) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self._routes.append((method, re.compile(regex), handler, template))

    @staticmethod
    def _json_response(
        status: int, body: Any, headers: dict[str, str] | None = None
    ) -> web.Response:
        if status == 204 or body is None:
            return web.Response(status=204, headers=headers)
        raw = json.dumps(body).encode()
        # Exactly "application/json": discord.py compares the header with ==.
        return web.Response(
            status=status, body=raw, headers={"Content-Type": "application/json", **(headers or {})}
        )

    async def _outside_api(self, request: web.Request) -> web.Response:
        rec = RecordedRequest(
            request.method,
            request.path,
            dict(request.query),
            None,
            [],
            dict(request.headers),
            time.monotonic(),
        )
        rec.status = 404
        self.requests.append(rec)
        self.unknown_requests.append(rec)
        await self._notify()
        return self._json_response(404, {"message": "404: Not Found", "code": 0})

    async def _read_body(self, request: web.Request) -> tuple[Any, list[Json]]:
        ctype = request.content_type
        files: list[Json] = []
        if ctype.startswith("multipart/"):
            payload: Any = None
            reader = await request.multipart()
            async for part in reader:
                if part is None or not hasattr(part, "read"):
                    continue
                raw = await part.read(decode=False)  # type: ignore[union-attr]
                if part.name == "payload_json":
                    payload = json.loads(raw)
                elif part.filename is not None:
                    files.append(
                        {
                            "field": part.name,
                            "filename": part.filename,
                            "size": len(raw),
                            "content_type": part.headers.get("Content-Type"),
                            "data": bytes(raw),
                        }
                    )
            return payload, files
        raw_body = await request.read()
        if not raw_body:
            return None, files
        try:
            return json.loads(raw_body), files
        except ValueError:
            return raw_body.decode(errors="replace"), files

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = await self._read_body(request)
        rec = RecordedRequest(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            headers=dict(request.headers),
            time=time.monotonic(),
        )
        self.requests.append(rec)
        try:
            resp = await self._handle(rec, request)
            self._hold_to_discord(rec)
            # Put the answer on the wire before waking waiters: a test reacting to "the bot got
            # its callback" must not overtake this HTTP response with a gateway event.
            with contextlib.suppress(ConnectionError):  # the client is gone (e.g. killed)
                await resp.prepare(request)
                await resp.write_eof()
        finally:
            await self._notify()
        return resp

    def _hold_to_discord(self, rec: RecordedRequest) -> None:
        """Check the bot's request and the emulator's answer against Discord's description."""
        if self.spec is None:
            return
        found: list[str] = []
        if rec.headers.get("User-Agent", "").startswith("DiscordBot"):  # the bot, not a test
            found += self.spec.check_request(rec.method, rec.path, rec.json)
        if rec.status:
            found += self.spec.check_response(rec.method, rec.path, rec.status, rec.response)
        self.violations.extend(found)
        if found and os.environ.get("EMULATOR_DUMP"):
            with open(os.environ["EMULATOR_DUMP"], "a", encoding="utf-8") as dump:
                dump.write(json.dumps({"path": rec.path, "response": rec.response}) + "\n")
        for violation in found:
            log.warning("emulator: %s", violation)

    # ------------------------------------------------------------------ rate limits

    def _bucket_of(self, method: str, path: str) -> tuple[tuple[str, ...], str, int, float]:
        """Return a request's bucket key, bucket hash, limit and window (Discord's buckets).

        A bucket is a route (method + template) per major parameter: the channel, the guild,
        or the webhook (interaction) token. Creating messages allows 5 per 5 s per channel.
        """
        template, params = path, {}
        for route_method, regex, _, route_template in self._routes:
            match = regex.fullmatch(path) if route_method == method else None
            if match is not None:
                template, params = route_template, match.groupdict()
                break
        major = tuple(params.get(k, "") for k in ("cid", "guild", "token", "iid"))
        digest = hashlib.sha1(f"{method} {template}".encode()).hexdigest()[:16]  # noqa: S324
        limit, window = ROUTE_LIMITS.get((method, template), DEFAULT_ROUTE_LIMIT)
        return (method, template, *major), digest, limit, window

    def _rate_limit(self, rec: RecordedRequest) -> tuple[dict[str, str], web.Response | None]:
        """Count a request against its bucket (and the global limit); 429 when over one."""
        key, digest, limit, window_s = self._bucket_of(rec.method, rec.path)
        now = self.now()
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Window(limit, window_s)
        global_scope = not rec.path.startswith(("/interactions/", "/webhooks/"))
        self._global.limit = self.global_limit
        if self.rate_limits and global_scope and self._global.full(now):
            return {}, self._limited(rec, self._global.reset_after(now), digest, is_global=True)
        if self.rate_limits and bucket.full(now):
            headers = bucket.headers(now, digest, self._offset_s, floor=0)
            return headers, self._limited(rec, bucket.reset_after(now), digest, is_global=False)
        bucket.hit(now)
        if global_scope:
            self._global.hit(now)
        floor = 0 if self.rate_limits else 1
        return bucket.headers(now, digest, self._offset_s, floor=floor), None

    def _limited(
        self, rec: RecordedRequest, retry_after: float, digest: str, *, is_global: bool
    ) -> web.Response:
        """Answer 429 as Discord does: body with code, retry_after and global; scope headers."""
        self.limited.append(rec)
        rec.status = 429
        rec.response = {
            "message": "You are being rate limited.",
            "retry_after": round(retry_after, 3),
            "global": is_global,
            "code": 0,
        }
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        return self._json_response(429, rec.response, headers)

    async def _handle(self, rec: RecordedRequest, request: web.Request) -> web.Response:
        # Authentication (webhook-token routes are unauthenticated, like Discord's).
        if (
            self.token is not None
            and not rec.path.startswith(("/interactions/", "/webhooks/"))
            and rec.headers.get("Authorization") != f"Bot {self.token}"
        ):
            rec.status, rec.response = 401, {"message": "401: Unauthorized", "code": 0}
            return self._json_response(rec.status, rec.response)
        headers, refused = self._rate_limit(rec)
        if refused is not None:
            refused.headers.update(headers)
            return refused
        response = await self._faulted_or_routed(rec)
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response

    async def _faulted_or_routed(self, rec: RecordedRequest) -> web.Response:
        for fault in self.faults:
            if fault.matches(rec.method, rec.path):
                fault.times -= 1
                if fault.status == 0:
                    return await self._stall(rec, fault)
                return self._fault_response(rec, fault)
        return await self._route(rec)

    async def _route(self, rec: RecordedRequest) -> web.Response:
        for method, regex, handler, _ in self._routes:
            if method != rec.method:
                continue
            m = regex.fullmatch(rec.path)
            if m is None:
                continue
            try:
                status, body = await handler(rec, m.groupdict())
            except _HTTPError as err:
                status, body = err.status, err.body
            rec.status, rec.response = status, body
            return self._json_response(status, body)
        rec.status, rec.response = 404, {"message": "Unknown", "code": 0}
        self.unknown_requests.append(rec)
        log.info("emulator: unknown route %s %s", rec.method, rec.path)
        return self._json_response(404, rec.response)

    def _fault_response(self, rec: RecordedRequest, fault: Fault) -> web.Response:
        rec.status = fault.status
        if fault.status == 429:
            rec.response = fault.body or {
                "message": "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": fault.is_global,
                "code": 0,
            }
            headers = {
                # discord.py treats a 429 without Via as a Cloudflare ban and gives up.
                "Via": "1.1 google",
                "Retry-After": str(max(1, round(fault.retry_after))),
                "X-RateLimit-Scope": "global" if fault.is_global else "user",
            }
            if fault.is_global:
                headers["X-RateLimit-Global"] = "true"
            return self._json_response(429, rec.response, headers)
        rec.response = fault.body or {"message": "500: Internal Server Error", "code": 0}
        return self._json_response(fault.status, rec.response)

    # ------------------------------------------------------------------ REST handlers: misc

    async def _get_me(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        return 200, {
            **self.bot_user,
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "locale": "en-US",
        }

    async def _get_user(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        for user in (self.bot_user, self.default_user):
            if user["id"] == p["user_id"]:
                return 200, user
        raise _HTTPError(404, "Unknown User", 10013)

    async def _create_dm(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        rid = str((rec.json or {}).get("recipient_id"))
        user = self.default_user if rid == self.default_user["id"] else make_user(rid, f"user{rid}")
        return 200, self._channels[self.dm_channel_id(user)]

    async def _get_gateway(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        shards = self.shard_count or 1
        return 200, {"url": self.gateway_url, "shards": shards, "session_start_limit": limit}

    async def _get_application(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        return 200, {
            "id": self.app_id,
            "name": self.bot_user["username"],
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot": self.bot_user,
            "bot_public": False,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "flags_new": "0",
            "owner": make_user(1, "owner"),
            "team": None,
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "redirect_uris": [],
            "tags": [],
            "approximate_guild_count": len(self.guilds),
            "approximate_user_install_count": 0,
            "approximate_user_authorization_count": 0,
            "explicit_content_filter": 0,
            "eligible_oauth2_scopes": ["bot", "applications.commands"],
        }

    async def _get_channel(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        return 200, self._channel_or_404(p["cid"])

    def _channel_or_404(self, cid: str) -> Json:
        ch = self._channels.get(cid)
        if ch is None:
            raise _HTTPError(404, "Unknown Channel", 10003)
        return ch

    def _guild_or_404(self, gid: str) -> Json:
        guild = self.guilds.get(gid)
        if guild is None:
            raise _HTTPError(404, "Unknown Guild", 10004)
        return guild

    async def _get_guild(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        guild = self._guild_or_404(p["guild"])
        public = {k: v for k, v in guild.items() if k != "channels"}
        return 200, {**GUILD_DEFAULTS, **public, "roles": [full_role(r) for r in guild["roles"]]}

    async def _get_guild_channels(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        self._guild_or_404(p["guild"])
        return 200, [c for c in self._channels.values() if c.get("guild_id") == p["guild"]]

    # ------------------------------------------------------------------ REST: app commands

    def _check_app(self, app: str) -> None:
        if app != self.app_id:
            raise _HTTPError(403, "Missing Access", 50001)

    def _validate_option(self, opt: Json, path: str, errors: Json) -> None:
        name = opt.get("name", "")
        if not isinstance(name, str) or not NAME_RE.match(name) or name != name.lower():
            errors[f"{path}.name"] = "Invalid option name (1-32 lowercase chars)"
        desc = opt.get("description", "")
        if not isinstance(desc, str) or not 1 <= len(desc) <= 100:
            errors[f"{path}.description"] = "Must be between 1 and 100 in length."
        if len(opt.get("choices") or []) > 25:
            errors[f"{path}.choices"] = "Must be 25 or fewer in length."
        subs = opt.get("options") or []
        if len(subs) > 25:
            errors[f"{path}.options"] = "Must be 25 or fewer in length."
        for i, sub in enumerate(subs):
            self._validate_option(sub, f"{path}.options.{i}", errors)

    def _validate_commands(self, commands: list[Json]) -> None:
        errors: Json = {}
        if len(commands) > 100:
            errors["_"] = "Must be 100 or fewer in length."
        seen: set[tuple[int, str]] = set()
        for i, cmd in enumerate(commands):
            ctype = cmd.get("type", 1)
            name = cmd.get("name", "")
            if (ctype, name) in seen:
                errors[f"{i}.name"] = "Application command names must be unique"
            seen.add((ctype, name))
            if ctype == 1:
                self._validate_option({**cmd, "choices": None}, str(i), errors)
            elif not isinstance(name, str) or not 1 <= len(name) <= 32:
                errors[f"{i}.name"] = "Must be between 1 and 32 in length."
        if errors:
            raise _HTTPError(
                400,
                "Invalid Form Body",
                50035,
                _error_tree(errors),
            )

    def _store_command(self, cmd: Json, table: dict[str, Json], guild_id: str | None) -> Json:
        old = table.get(cmd["name"])
        if cmd.get("default_member_permissions") is not None:  # answered as a string
            cmd = {**cmd, "default_member_permissions": str(cmd["default_member_permissions"])}
        stored: Json = {
            "type": 1,
            "options": [],
            "default_member_permissions": None,
            "dm_permission": True,
            "nsfw": False,
            "contexts": None,
            "integration_types": [0],
            "description": "",
            **{k: v for k, v in cmd.items() if v is not None or k in NULLABLE_COMMAND_KEYS},
            "id": old["id"] if old else snowflake(),
            "application_id": self.app_id,
            "version": snowflake(),
        }
        if guild_id is not None:
            stored["guild_id"] = guild_id
        return stored

    def _command_table(self, p: dict[str, str]) -> tuple[dict[str, Json], str | None]:
        self._check_app(p["app"])
        gid = p.get("guild")
        if gid is None:
            return self.global_commands, None
        self._guild_or_404(gid)
        return self.guild_commands.setdefault(gid, {}), gid

    async def _get_commands(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        table, _ = self._command_table(p)
        return 200, list(table.values())

    async def _put_commands(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        table, gid = self._command_table(p)
        commands = rec.json or []
        if not isinstance(commands, list):
            raise _form_error("_", "Expected a list", "LIST_TYPE_CONVERT")
        self._validate_commands(commands)
        new = {c["name"]: self._store_command(c, table, gid) for c in commands}
        table.clear()
        table.update(new)
        return 200, list(new.values())

    async def _post_command(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        table, gid = self._command_table(p)
        self._validate_commands([rec.json or {}])
        existed = rec.json["name"] in table
        stored = self._store_command(rec.json, table, gid)
        table[stored["name"]] = stored
        return (200 if existed else 201), stored

    # ------------------------------------------------------------------ REST: messages

    def _validate_message(self, body: Json, files: list[Json], *, partial: bool = False) -> None:
        content = body.get("content")
        if content is not None and not isinstance(content, str):
            raise _form_error("content", "Must be a string.", "STRING_TYPE_CONVERT")
        if content is not None and len(str(content)) > 2000:
            raise _form_error("content", "Must be 2000 or fewer in length.")
        embeds = body.get("embeds") or []
        if len(embeds) > 10:
            raise _form_error("embeds", "Must be 10 or fewer in length.")
        total = 0
        for i, e in enumerate(embeds):
            for key, limit in (("title", 256), ("description", 4096)):
                value = e.get(key) or ""
                total += len(value)
                if len(value) > limit:
                    raise _form_error(f"embeds.{i}.{key}", f"Must be {limit} or fewer in length.")
            fields = e.get("fields") or []
            if len(fields) > 25:
                raise _form_error(f"embeds.{i}.fields", "Must be 25 or fewer in length.")
            for j, f in enumerate(fields):
                if len(f.get("name") or "") > 256 or len(f.get("value") or "") > 1024:
                    raise _form_error(f"embeds.{i}.fields.{j}", "Field too long.")
                total += len(f.get("name") or "") + len(f.get("value") or "")
            total += len((e.get("footer") or {}).get("text") or "")
            total += len((e.get("author") or {}).get("name") or "")
        if total > 6000:
            raise _form_error("embeds", "Embed size exceeds maximum size of 6000")
        allowed = body.get("allowed_mentions")
        if allowed is not None:
            bad = set(allowed.get("parse") or []) - {"users", "roles", "everyone"}
            if bad:
                raise _form_error("allowed_mentions.parse", f"Invalid values {sorted(bad)}")
        if not partial and not (
            content
            or embeds
            or body.get("components")
            or files
            or body.get("poll")
            or body.get("sticker_ids")
        ):
            raise _HTTPError(400, "Cannot send an empty message", 50006)

    def _attachments(self, files: list[Json]) -> list[Json]:
        return [
            {
                "id": snowflake(),
                "filename": f["filename"],
                "size": f["size"],
                "url": f"http://127.0.0.1:{self._port}/attachments/{f['filename']}",
                "proxy_url": f"http://127.0.0.1:{self._port}/attachments/{f['filename']}",
                "content_type": f.get("content_type"),
            }
            for f in files
        ]

    def _new_message(
        self,
        channel_id: str,
        body: Json,
        files: list[Json],
        *,
        msg_type: int = 0,
        webhook_id: str | None = None,
        flags: int = 0,
        interaction: InteractionRecord | None = None,
    ) -> Json:
        channel = self._channels.get(channel_id, {})
        msg: Json = {
            "id": snowflake(),
            "channel_id": channel_id,
            "author": self.bot_user,
            "content": body.get("content") or "",
            "timestamp": _now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": self._role_mentions(channel, body),
            "attachments": self._attachments(files),
            "embeds": body.get("embeds") or [],
            "components": _numbered(body.get("components") or []),
            "pinned": False,
            "type": msg_type,
            "flags": flags | int(body.get("flags") or 0),
        }
        if webhook_id:
            msg["application_id"] = self.app_id
        if "guild_id" in channel:
            msg["guild_id"] = channel["guild_id"]
        if webhook_id:
            msg["webhook_id"] = webhook_id
        if body.get("poll"):
            msg["poll"] = body["poll"]
        if interaction is not None:
            user = interaction.payload.get("user") or interaction.payload["member"]["user"]
            msg["interaction_metadata"] = {
                "id": interaction.id,
                "type": interaction.type,
                "user": user,
                "authorizing_integration_owners": interaction.payload.get(
                    "authorizing_integration_owners", {}
                ),
            }
            if interaction.type == INTERACTION_MESSAGE_COMPONENT:
                pressed = interaction.payload.get("message") or {}
                msg["interaction_metadata"]["interacted_message_id"] = pressed.get("id")
        # Bookkeeping for tests (not part of Discord's message object).
        msg["_allowed_mentions"] = body.get("allowed_mentions")
        return msg

    def _role_mentions(self, channel: Json, body: Json) -> list[str]:
        """Roles a message notifies: mentioned, allowed, and mentionable (or the bot pings all)."""
        guild = self.guilds.get(str(channel.get("guild_id")))
        if guild is None:
            return []
        allowed = body.get("allowed_mentions")
        may_all = self.bot_permissions & MENTION_EVERYONE
        roles = {r["id"]: r for r in guild.get("roles", [])}
        out = []
        for rid in ROLE_MENTION_RE.findall(str(body.get("content") or "")):
            listed = allowed is None or "roles" in (allowed.get("parse") or [])
            listed = listed or rid in [str(r) for r in (allowed or {}).get("roles") or []]
            role = roles.get(rid)
            if listed and role is not None and (role.get("mentionable") or may_all):
                out.append(rid)
        return out

    def _public(self, msg: Json) -> Json:
        return {k: v for k, v in msg.items() if not k.startswith("_")}

    async def _store_message(self, msg: Json) -> None:
        self.messages[msg["id"]] = msg
        if msg["flags"] & EPHEMERAL:
            return
        cid = msg["channel_id"]
        self._channel_msgs.setdefault(cid, []).append(msg["id"])
        if cid in self._channels:
            self._channels[cid]["last_message_id"] = msg["id"]
        await self._message_event("MESSAGE_CREATE", msg)

    async def _message_event(self, event: str, msg: Json) -> None:
        """Dispatch MESSAGE_CREATE/UPDATE/DELETE like Discord: only with the matching intent."""
        if self._session is None or msg["flags"] & EPHEMERAL:
            return
        is_dm = "guild_id" not in msg
        wanted = INTENT_DIRECT_MESSAGES if is_dm else INTENT_GUILD_MESSAGES
        if not self._session.intents & wanted:
            return
        if event == "MESSAGE_DELETE":
            data = {k: msg[k] for k in ("id", "channel_id", "guild_id") if k in msg}
        else:
            data = self._public(msg)
        await self.dispatch(event, data)

    def _apply_edit(self, msg: Json, body: Json, files: list[Json]) -> Json:
        private = int(msg.get("flags") or 0) & EPHEMERAL  # no edit makes a message (un)private
        for key in ("content", "embeds", "components", "flags"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        msg["components"] = _numbered(msg.get("components") or [])
        msg["flags"] = (int(msg.get("flags") or 0) & ~EPHEMERAL) | private
        if "attachments" in body or files:
            kept_ids = {str(a.get("id")) for a in body.get("attachments") or []}
            msg["attachments"] = [a for a in msg["attachments"] if a["id"] in kept_ids]
            msg["attachments"] += self._attachments(files)
        if "allowed_mentions" in body:
            msg["_allowed_mentions"] = body["allowed_mentions"]
        msg["flags"] = int(msg.get("flags") or 0) & ~LOADING
        msg["edited_timestamp"] = _now_iso()
        return msg

    async def _create_message(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        self._channel_or_404(p["cid"])
        body = rec.json or {}
        self._validate_message(body, rec.files)
        nonce = body.get("nonce")
        key = (p["cid"], str(nonce))
        if nonce is not None and body.get("enforce_nonce"):
            # Like Discord: a message with the same nonce in the last few minutes is returned
            # instead of creating a duplicate.
            seen = self._nonces.get(key)
            if seen is not None and self.now() - seen[1] < self.nonce_window_s:
                existing = self.messages.get(seen[0])
                if existing is not None:
                    self.deduplicated.append(rec)
                    return 200, self._public(existing)
        msg = self._new_message(p["cid"], body, rec.files)
        if nonce is not None:
            msg["nonce"] = nonce
            self._nonces[key] = (msg["id"], self.now())
        await self._store_message(msg)
        return 200, self._public(msg)

    def _message_or_404(self, cid: str, mid: str) -> Json:
        msg = self.messages.get(mid)
        if msg is None or msg["channel_id"] != cid:
            raise _HTTPError(404, "Unknown Message", 10008)
        return msg

    async def _list_messages(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        self._channel_or_404(p["cid"])
        limit = max(1, min(100, int(rec.query.get("limit", 50))))
        msgs = self.channel_messages(p["cid"])  # oldest first
        if "after" in rec.query:  # the oldest `limit` after the id (newest first, as always)
            msgs = [m for m in msgs if int(m["id"]) > int(rec.query["after"])][:limit]
        if "before" in rec.query:
            msgs = [m for m in msgs if int(m["id"]) < int(rec.query["before"])]
        return 200, [self._stored(m) for m in list(reversed(msgs))[:limit]]

    def _stored(self, msg: Json) -> Json:
        """A message as reading it back shows it: Discord returns the nonce only on creation."""
        return {k: v for k, v in self._public(msg).items() if k != "nonce"}

    async def _get_message(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        return 200, self._stored(self._message_or_404(p["cid"], p["mid"]))

    async def _edit_message(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        msg = self._message_or_404(p["cid"], p["mid"])
        self._validate_message(rec.json or {}, rec.files, partial=True)
        self._apply_edit(msg, rec.json or {}, rec.files)
        await self._message_event("MESSAGE_UPDATE", msg)
        return 200, self._public(msg)

    async def _delete_message(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        msg = self._message_or_404(p["cid"], p["mid"])
        self.messages.pop(p["mid"], None)
        await self._message_event("MESSAGE_DELETE", msg)
        return 204, None

    # ------------------------------------------------------------------ REST: interactions

    def _interaction_by_token(self, token: str) -> InteractionRecord:
        record = self._by_token.get(token)
        if record is None:
            raise _HTTPError(404, "Unknown Webhook", 10015)
        if self.now() - record.created > self.token_lifetime_s:
            raise _HTTPError(401, "Invalid Webhook Token", 50027)
        return record

    async def _callback(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        record = self.interactions.get(p["iid"])
        if record is None or record.token != p["token"]:
            raise _HTTPError(404, "Unknown interaction", 10062)
        if record.callbacks:
            raise _HTTPError(400, "Interaction has already been acknowledged.", 40060)
        if self.now() - record.created > self.first_response_s:
            raise _HTTPError(404, "Unknown interaction", 10062)
        body = rec.json or {}
        ctype = body.get("type")
        if ctype not in CALLBACK_TYPES:
            raise _form_error("type", f"Value {ctype!r} is not a valid enum value.", "ENUM")
        data = body.get("data") or {}
        is_component = record.type == INTERACTION_MESSAGE_COMPONENT
        if ctype in (6, 7) and not is_component:
            raise _HTTPError(400, "Interaction callback type not allowed here", 50035)
        if ctype == 8:
            if record.type != INTERACTION_AUTOCOMPLETE:
                raise _HTTPError(400, "Interaction callback type not allowed here", 50035)
            if len(data.get("choices") or []) > 25:
                raise _form_error("data.choices", "Must be 25 or fewer in length.")
        if ctype == 4:
            self._validate_message(data, rec.files)
        record.callbacks.append({"type": ctype, "data": data, "files": rec.files})

        channel_id = str(record.payload["channel_id"])
        message: Json | None = None
        if ctype in (4, 5):
            flags = int(data.get("flags") or 0) & EPHEMERAL
            if ctype == 5:
                flags |= LOADING
                content_body: Json = {"flags": flags}
            else:
                content_body = data
            message = self._new_message(
                channel_id,
                content_body,
                rec.files if ctype == 4 else [],
                msg_type=20,
                webhook_id=self.app_id,
                flags=flags,
                interaction=record,
            )
            record.original = message
            await self._store_message(message)
        elif ctype == 7:
            target = self.messages.get(str(record.payload["message"]["id"]))
            if target is None:
                target = record.payload["message"]
            self._validate_message(data, rec.files, partial=True)
            message = self._apply_edit(target, data, rec.files)
            record.original = message
            await self._message_event("MESSAGE_UPDATE", message)
        elif ctype == 6:
            record.original = self.messages.get(str(record.payload["message"]["id"]))

        if rec.query.get("with_response") not in ("1", "true", "True"):
            return 204, None
        result: Json = {
            "interaction": {
                "id": record.id,
                "type": record.type,
                "response_message_loading": ctype == 5,
                "response_message_ephemeral": bool(message and message["flags"] & EPHEMERAL),
            },
            "resource": {"type": ctype},
        }
        if message is not None:
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"]["message"] = self._public(message)
        if ctype not in (4, 7):  # Discord's description: a resource only for a message sent
            del result["resource"]
        return 200, result

    async def _followup(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        self._check_app(p["app"])
        record = self._interaction_by_token(p["token"])
        if not record.callbacks:
            raise _HTTPError(404, "Unknown Webhook", 10015)
        body = rec.json or {}
        self._validate_message(body, rec.files)
        flags = int(body.get("flags") or 0) & EPHEMERAL
        if (
            record.original is not None
            and record.original["flags"] & LOADING
            and not record.followups
        ):
            # The first follow-up after a defer edits the "thinking..." message, and its
            # ephemeral flag is ignored: the message stays as public (or private) as the defer.
            edit = {k: v for k, v in body.items() if k != "flags"}
            message = self._apply_edit(record.original, edit, rec.files)
            await self._message_event("MESSAGE_UPDATE", message)
        else:
            message = self._new_message(
                str(record.payload["channel_id"]),
                body,
                rec.files,
                webhook_id=self.app_id,
                flags=flags,
                interaction=record,
            )
            await self._store_message(message)
        record.followups.append(message)
        if rec.query.get("wait") not in ("1", "true", "True"):
            return 204, None
        return 200, self._public(message)

    def _webhook_message(self, record: InteractionRecord, mid: str) -> Json:
        if mid == "@original":
            if record.original is None:
                raise _HTTPError(404, "Unknown Message", 10008)
            return record.original
        msg = self.messages.get(mid)
        if msg is None or msg.get("webhook_id") != self.app_id:
            raise _HTTPError(404, "Unknown Message", 10008)
        return msg

    async def _webhook_get(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        self._check_app(p["app"])
        record = self._interaction_by_token(p["token"])
        return 200, self._public(self._webhook_message(record, p["mid"]))

    async def _webhook_edit(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        self._check_app(p["app"])
        record = self._interaction_by_token(p["token"])
        msg = self._webhook_message(record, p["mid"])
        body = rec.json or {}
        self._validate_message(body, rec.files, partial=True)
        self._apply_edit(msg, body, rec.files)
        record.edits.append({"message_id": p["mid"], "body": body})
        await self._message_event("MESSAGE_UPDATE", msg)
        return 200, self._public(msg)

    async def _webhook_delete(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        self._check_app(p["app"])
        record = self._interaction_by_token(p["token"])
        msg = self._webhook_message(record, p["mid"])
        self.messages.pop(msg["id"], None)
        if p["mid"] == "@original" or msg is record.original:
            record.original = None
            record.original_deleted = True
        await self._message_event("MESSAGE_DELETE", msg)
        return 204, None

    # ------------------------------------------------------------------ REST: scheduled events

    def _validate_event(self, body: Json, *, partial: bool) -> None:
        name = body.get("name")
        if (name is not None or not partial) and not 1 <= len(name or "") <= 100:
            raise _form_error("name", "Must be between 1 and 100 in length.")
        if len(body.get("description") or "") > 1000:
            raise _form_error("description", "Must be 1000 or fewer in length.")
        if not partial:
            for key in ("privacy_level", "scheduled_start_time", "entity_type"):
                if key not in body:
                    raise _form_error(key, "This field is required", "BASE_TYPE_REQUIRED")
        if body.get("entity_type") == 3:
            if not (body.get("entity_metadata") or {}).get("location"):
                raise _form_error("entity_metadata.location", "This field is required")
            if not partial and not body.get("scheduled_end_time"):
                raise _form_error("scheduled_end_time", "This field is required")

    def _events(self, gid: str) -> dict[str, Json]:
        self._guild_or_404(gid)
        if not self.bot_permissions & (MANAGE_EVENTS | ADMINISTRATOR):
            raise _HTTPError(403, "Missing Permissions", 50013)
        return self.scheduled_events.setdefault(gid, {})

    def _event_or_404(self, gid: str, eid: str) -> Json:
        event = self._events(gid).get(eid)
        if event is None:
            raise _HTTPError(404, "Unknown Guild Scheduled Event", 10070)
        return event

    async def _maybe_dispatch_event(self, name: str, event: Json) -> None:
        if self._session is not None and self._session.intents & INTENT_GUILD_SCHEDULED_EVENTS:
            await self.dispatch(name, event)

    async def _list_events(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        return 200, list(self._events(p["guild"]).values())

    async def _get_event(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        return 200, self._event_or_404(p["guild"], p["eid"])

    async def _create_event(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        events = self._events(p["guild"])
        body = rec.json or {}
        self._validate_event(body, partial=False)
        event: Json = {
            "id": snowflake(),
            "guild_id": p["guild"],
            "channel_id": None,
            "creator_id": self.bot_user["id"],
            "creator": self.bot_user,
            "description": None,
            "scheduled_end_time": None,
            "entity_id": None,
            "entity_metadata": None,
            "status": 1,
            "user_count": 0,
            "image": None,
            "recurrence_rule": None,
            "guild_scheduled_event_exceptions": [],
            **body,
        }
        events[event["id"]] = event
        await self._maybe_dispatch_event("GUILD_SCHEDULED_EVENT_CREATE", event)
        return 200, event

    async def _edit_event(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        event = self._event_or_404(p["guild"], p["eid"])
        body = rec.json or {}
        self._validate_event({**event, **body}, partial=True)
        event.update(body)
        await self._maybe_dispatch_event("GUILD_SCHEDULED_EVENT_UPDATE", event)
        return 200, event

    async def _delete_event(self, rec: RecordedRequest, p: dict[str, str]) -> tuple[int, Any]:
        event = self._event_or_404(p["guild"], p["eid"])
        del self._events(p["guild"])[p["eid"]]
        await self._maybe_dispatch_event("GUILD_SCHEDULED_EVENT_DELETE", event)
        return 204, None
