"""Fixtures for end-to-end tests against the local Discord API emulator.

* ``emulator``: an :class:`~tests.e2e.emulator.Emulator` on 127.0.0.1 and a random port.
* ``run_bot``: start a bot script as a subprocess (``sys.executable``) pointed at the emulator;
  output goes to a log file under ``tmp_path``; every process is killed at teardown.
* ``mini_bot``: ``tests/e2e/mini_bot.py`` running, READY and with its commands synced.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from pathlib import Path
from typing import IO, Any

import pytest

from .emulator import Emulator, make_guild, make_text_channel, make_user

APP_ID = "900000000000000001"
GUILD_ID = "800000000000000001"
CHANNEL_ID = "800000000000000002"
OTHER_CHANNEL_ID = "800000000000000003"
FAKE_BOT_AUTH = "fake"  # what the bot sends as its token
MINI_BOT = Path(__file__).with_name("mini_bot.py")
REPO_ROOT = Path(__file__).resolve().parents[2]
BOT_START_TIMEOUT_S = 15.0


class BotProcess:
    """A bot subprocess with its output captured to ``log_path``."""

    def __init__(self, args: list[str], env: Mapping[str, str], log_path: Path) -> None:
        self.args = args
        self.env = dict(env)
        self.log_path = log_path
        self.proc: asyncio.subprocess.Process | None = None
        self._log_file: IO[bytes] | None = None

    async def start(self) -> None:
        self._log_file = _open_log(self.log_path)
        self.proc = await asyncio.create_subprocess_exec(
            *self.args,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=asyncio.subprocess.STDOUT,
            env=self.env,
            cwd=str(REPO_ROOT),
        )

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
