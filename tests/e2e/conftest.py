"""Fixtures for end-to-end tests against the local Discord API emulator.

* ``emulator``: an :class:`~tests.e2e.emulator.Emulator` on 127.0.0.1 and a random port.
* ``run_bot``: start a bot script as a subprocess (``sys.executable``) pointed at the emulator;
  output goes to a log file under ``tmp_path``; every process is killed at teardown.
* ``mini_bot``: ``tests/e2e/mini_bot.py`` running, READY and with its commands synced.
* ``paddock_emu``: an emulator whose guild (``paddock_guild``) has #general, #race-weekend and
  a mentionable role ``ROLE_ID``.
* ``start_paddock``: ``start(emu, fake_now=..., clock_speed=..., name=..., wait=True)`` runs the
  real ``python -m bot run`` (see :func:`launch_paddock`): a temp config (database in
  ``tmp_path/paddock``, the repo's seeds, ``dev_guild_id`` = the emulator's guild),
  ``DISCORD_TOKEN``, ``PADDOCK_DISCORD_API_BASE`` and optionally ``PADDOCK_FAKE_NOW`` /
  ``PADDOCK_CLOCK_SPEED``; output goes to ``tmp_path/paddock/<name>-N.log``; every process is
  terminated (then killed) at teardown. Restarts reuse the same database.
* A failing test's report carries the log of every Paddock process still around (a
  ``pytest_runtest_makereport`` hook), module-scoped ones included.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pytest

from .emulator import Emulator, Json, make_guild, make_text_channel, make_user

APP_ID = "900000000000000001"
GUILD_ID = "800000000000000001"
CHANNEL_ID = "800000000000000002"
OTHER_CHANNEL_ID = "800000000000000003"
FAKE_BOT_AUTH = "fake"  # what the bot sends as its token
MINI_BOT = Path(__file__).with_name("mini_bot.py")
REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_START_TIMEOUT_S = 15.0
ROLE_ID = "800000000000000009"
PADDOCK_SEEDS = REPO_ROOT / "seeds"
PADDOCK_START_TIMEOUT_S = 30.0


class BotProcess:
    """A bot subprocess with its output captured to ``log_path``."""

    def __init__(self, args: list[str], env: Mapping[str, str], log_path: Path) -> None:
        self.args = args
        self.env = dict(env)
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None
        self._log_file: IO[bytes] | None = None
        self.started_at = 0.0  # time.monotonic() just before the process was spawned
        self.spawn_options: dict[str, Any] = {}
        # Through a pipe, the bot's output still reaches the log when it cannot write files.
        self.pipe_output = False
        self._copier: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._log_file = _open_log(self.log_path)
        self.started_at = time.monotonic()
        self.proc = await asyncio.create_subprocess_exec(
            *self.args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE if self.pipe_output else self._log_file,
            stderr=asyncio.subprocess.STDOUT,
            env=self.env,
            cwd=str(REPO_ROOT),
            **self.spawn_options,
        )
        if self.pipe_output:
            self._copier = asyncio.ensure_future(self._copy_output())

    async def _copy_output(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while chunk := await self.proc.stdout.read(65536):
            if self._log_file is not None:
                self._log_file.write(chunk)
                self._log_file.flush()

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def returncode(self) -> int | None:
        return None if self.proc is None else self.proc.returncode

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    async def guard(self, awaitable: Awaitable[Any], timeout_s: float) -> Any:
        """Await ``awaitable`` but fail fast (with the log) if the process dies or time runs out."""
        assert self.proc is not None
        work = asyncio.ensure_future(awaitable)
        died = asyncio.ensure_future(self.proc.wait())
        try:
            done, _ = await asyncio.wait(
                {work, died}, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            for task in (work, died):
                if not task.done():
                    task.cancel()
            await asyncio.gather(work, died, return_exceptions=True)
        if work in done:
            return work.result()
        if died in done:
            pytest.fail(f"bot exited with {self.returncode}; log:\n{self.log()[-4000:]}")
        pytest.fail(f"timed out after {timeout_s}s; bot log:\n{self.log()[-4000:]}")

    async def kill(self) -> None:
        """SIGKILL the process (no clean shutdown) and reap it."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await asyncio.wait_for(self.proc.wait(), 5.0)

    async def stop(self, grace_s: float = 3.0) -> None:
        """Terminate, then kill after ``grace_s``; always reap the process and close the log."""
        proc = self.proc
        try:
            if proc is not None and proc.returncode is None:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), grace_s)
                except TimeoutError:
                    proc.kill()
                    await asyncio.wait_for(proc.wait(), grace_s)
        finally:
            if self._copier is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._copier, grace_s)
                self._copier = None
            if self._log_file is not None:
                self._log_file.close()
                self._log_file = None


def _open_log(path: Path) -> IO[bytes]:
    return path.open("wb")


def bot_env(emulator: Emulator, **extra: str) -> dict[str, str]:
    """Environment for a bot subprocess pointed at ``emulator``."""
    env = dict(os.environ)
    env.update(
        {
            "DISCORD_TOKEN": FAKE_BOT_AUTH,
            "DISCORD_API_BASE": emulator.base_url,
            "PADDOCK_DISCORD_API_BASE": emulator.base_url,
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])),
        }
    )
    env.update(extra)
    return env


@pytest.fixture(autouse=True)
def held_to_discord() -> Iterator[None]:
    """Fail a test in which the bot sent, or the emulator answered, what Discord's API forbids."""
    before = {emu: len(emu.violations) for emu in Emulator.live}
    yield
    new = [v for emu in list(Emulator.live) for v in emu.violations[before.get(emu, 0) :]]
    if new:
        shown = "\n".join(new[:20])
        pytest.fail(f"{len(new)} violations of Discord's OpenAPI description:\n{shown}")


@pytest.fixture
async def emulator() -> AsyncIterator[Emulator]:
    guild = make_guild(
        GUILD_ID,
        "Paddock Test",
        channels=[
            make_text_channel(CHANNEL_ID, "general", position=0),
            make_text_channel(OTHER_CHANNEL_ID, "race-weekend", position=1),
        ],
    )
    emu = Emulator(
        APP_ID,
        make_user(APP_ID, "MiniBot", bot=True),
        [guild],
        token=FAKE_BOT_AUTH,
        heartbeat_interval_ms=1000,
    )
    await emu.start()
    try:
        yield emu
    finally:
        await emu.stop()


RunBot = Callable[..., Awaitable[BotProcess]]


@pytest.fixture
async def run_bot(tmp_path: Path) -> AsyncIterator[RunBot]:
    """Return ``start(script_or_args, env, name=...)``; all started bots die at teardown."""
    started: list[BotProcess] = []

    async def start(
        script: Path | list[str], env: Mapping[str, str], name: str = "bot"
    ) -> BotProcess:
        args = [sys.executable, str(script)] if isinstance(script, Path) else list(script)
        bot = BotProcess(args, env, tmp_path / f"{name}-{len(started)}.log")
        started.append(bot)
        await bot.start()
        return bot

    try:
        yield start
    finally:
        for bot in started:
            await bot.stop()
            print(f"--- {bot.log_path} (exit {bot.returncode}) ---\n{bot.log()[-3000:]}")


@pytest.fixture
async def mini_bot(emulator: Emulator, run_bot: RunBot) -> BotProcess:
    bot = await run_bot(MINI_BOT, bot_env(emulator, MINI_BOT_GUILD_ID=GUILD_ID), name="mini_bot")
    await bot.guard(emulator.wait_ready(timeout_s=BOT_START_TIMEOUT_S), BOT_START_TIMEOUT_S + 1)
    await bot.guard(
        emulator.wait_for_request(
            "PUT", f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands", BOT_START_TIMEOUT_S
        ),
        BOT_START_TIMEOUT_S + 1,
    )
    return bot


# ---------------------------------------------------------------------------- Paddock itself

PADDOCK_COMMANDS = f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
_PADDOCKS: list[BotProcess] = []  # started and not yet cleaned up; logged on test failure


def paddock_guild() -> Json:
    """The dev guild Paddock syncs to: two text channels and a mentionable role."""
    return make_guild(
        GUILD_ID,
        "Paddock Test",
        channels=[
            make_text_channel(CHANNEL_ID, "general", position=0),
            make_text_channel(OTHER_CHANNEL_ID, "race-weekend", position=1),
        ],
        roles=[{"id": ROLE_ID, "name": "Race fans", "mentionable": True}],
    )


def paddock_emulator() -> Emulator:
    """An (unstarted) emulator whose bot user is Paddock and whose guild is `paddock_guild`."""
    return Emulator(
        APP_ID,
        make_user(APP_ID, "Paddock", bot=True),
        [paddock_guild()],
        token=FAKE_BOT_AUTH,
        heartbeat_interval_ms=1000,
    )


def write_paddock_config(workdir: Path, database: Path | None = None) -> Path:
    """Write a config file: a database in `workdir`, the repo's seeds, dev guild = GUILD_ID."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "paddock.toml"
    path.write_text(
        "[paddock]\n"
        f'database = "{database or workdir / "paddock.db"}"\n'
        f'seeds = "{PADDOCK_SEEDS}"\n'
        'log_level = "INFO"\n'
        "\n[discord]\n"
        f"dev_guild_id = {GUILD_ID}\n",
        encoding="utf-8",
    )
    return path


def paddock_env(
    emulator: Emulator,
    config_path: Path,
    *,
    fake_now: str | None = None,
    clock_speed: float | None = None,
    **extra: str,
) -> dict[str, str]:
    """Environment for `python -m bot run` against `emulator`, optionally on a fast fake clock."""
    env = bot_env(emulator, PADDOCK_CONFIG=str(config_path))
    for key in ("PADDOCK_DB", "PADDOCK_FAKE_NOW", "PADDOCK_CLOCK_SPEED"):
        env.pop(key, None)
    if fake_now is not None:
        env["PADDOCK_FAKE_NOW"] = fake_now
    if clock_speed is not None:
        env["PADDOCK_CLOCK_SPEED"] = str(clock_speed)
    env.update(extra)
    return env


async def launch_paddock(
    emulator: Emulator,
    workdir: Path,
    *,
    name: str = "paddock",
    wait: bool = True,
    spawn_options: Mapping[str, Any] | None = None,
    pipe_output: bool = False,
    **env_options: Any,
) -> BotProcess:
    """Start `python -m bot run` (seeds ingested into `workdir`/paddock.db) against `emulator`.

    With ``wait`` it returns once the bot synced its commands and got READY (a restart on the
    same emulator waits for one more of each). Clean it up with :func:`stop_paddock`.
    """
    config_path = workdir / "paddock.toml"
    if not config_path.exists():
        write_paddock_config(workdir)
    env = paddock_env(emulator, config_path, **env_options)
    log_path = workdir / f"{name}-{sum(p.log_path.parent == workdir for p in _PADDOCKS)}.log"
    bot = BotProcess([sys.executable, "-m", "bot", "run"], env, log_path)
    bot.spawn_options = dict(spawn_options or {})
    bot.pipe_output = pipe_output
    syncs = len(_answered(emulator, "PUT", PADDOCK_COMMANDS))
    readies = emulator.ready_count
    _PADDOCKS.append(bot)
    await bot.start()
    if wait:
        await bot.guard(
            emulator.wait_for_request(
                "PUT", PADDOCK_COMMANDS, PADDOCK_START_TIMEOUT_S, count=syncs + 1
            ),
            PADDOCK_START_TIMEOUT_S + 1,
        )
        await bot.guard(
            emulator.wait_until(
                lambda: emulator.ready_count > readies, PADDOCK_START_TIMEOUT_S, "READY"
            ),
            PADDOCK_START_TIMEOUT_S + 1,
        )
    return bot


async def stop_paddock(bot: BotProcess) -> None:
    """Terminate (then kill) a Paddock process and print its log for the captured output."""
    try:
        await bot.stop()
    finally:
        if bot in _PADDOCKS:
            _PADDOCKS.remove(bot)
        print(f"--- {bot.log_path} (exit {bot.returncode}) ---\n{bot.log()[-3000:]}")


def _answered(emulator: Emulator, method: str, path: str) -> list[Any]:
    return [r for r in emulator.requests if r.method == method and r.path == path and r.status]


StartPaddock = Callable[..., Awaitable[BotProcess]]


@pytest.fixture
async def start_paddock(tmp_path: Path) -> AsyncIterator[StartPaddock]:
    """Return ``start(emulator, **options)`` (see :func:`launch_paddock`); all stop at teardown.

    Every process shares ``tmp_path/paddock`` (so a restart keeps the database).
    """
    started: list[BotProcess] = []

    async def start(emulator: Emulator, **options: Any) -> BotProcess:
        bot = await launch_paddock(emulator, tmp_path / "paddock", **options)
        started.append(bot)
        return bot

    try:
        yield start
    finally:
        for bot in started:
            await stop_paddock(bot)


@pytest.fixture
async def paddock_emu() -> AsyncIterator[Emulator]:
    """A started :func:`paddock_emulator`."""
    async with paddock_emulator() as emu:
        yield emu


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[Any]:
    """Attach the log of every Paddock process still around to a failing test's report."""
    report = yield
    if report.failed:
        for bot in _PADDOCKS:
            report.sections.append((f"Paddock log {bot.log_path}", bot.log()[-8000:]))
    return report
