"""The console adapter: Discord's `/command option:value` syntax on a terminal or a pipe."""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from bot.console.render import render_text
from bot.queries.answers import Answer
from bot.queries.catalogue import Command, UsageError, command_table, run_command
from bot.services import Services
from bot.store import describe_db_error

log = logging.getLogger(__name__)

PROMPT = "paddock> "
EXIT_WORDS = frozenset({"exit", "quit", "/exit", "/quit"})
COMPLETION_TIMEOUT_S = 1.0


@dataclass(frozen=True, slots=True)
class Invocation:
    """A parsed command line: the command name and its raw option values."""

    name: str
    options: dict[str, str]


def parse_invocation(line: str) -> Invocation:
    """Parse `/name [sub] opt:value opt:"two words"` into an `Invocation`."""
    try:
        tokens = shlex.split(line.strip())
    except ValueError as exc:
        raise UsageError(f"cannot parse {line.strip()!r}: {exc}") from None
    if not tokens or not tokens[0].startswith("/") or len(tokens[0]) < 2:
        raise UsageError("commands start with a slash, e.g. /about or /lineup car:31")
    words = [tokens[0][1:]]
    options: dict[str, str] = {}
    for token in tokens[1:]:
        name, sep, value = token.partition(":")
        if not sep:
            if options:
                raise UsageError(f"expected option:value, got {token!r}")
            words.append(token)
            continue
        if not name:
            raise UsageError(f"option without a name in {token!r}")
        options[name.lower()] = value
    return Invocation(" ".join(words).lower(), options)


def render(answer: Answer, *, as_json: bool, now: datetime | None = None) -> str:
    """Render an answer for the console, as text or as JSON."""
    if as_json:
        return json.dumps(answer.to_json(), ensure_ascii=False, default=str) + "\n"
    return render_text(answer, now=now)


async def answer_line(
    services: Services, table: dict[str, Command], line: str
) -> tuple[Answer | None, str | None]:
    """Run one console line; return its answer or a usage message."""
    try:
        invocation = parse_invocation(line)
        return await run_command(services, table, invocation.name, invocation.options), None
    except UsageError as exc:
        return None, str(exc)
    except sqlite3.Error as exc:  # a damaged or locked database: say so, keep the session
        return None, describe_db_error(services.store.path, exc)


async def ask(services: Services, line: str, *, as_json: bool, out: TextIO) -> int:
    """Answer a single command line; return the exit code."""
    answer, problem = await answer_line(services, command_table(), line)
    if answer is None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    out.write(render(answer, as_json=as_json, now=services.clock.now()))
    return 0 if answer.ok else 1


async def run_console(
    services: Services, *, as_json: bool, stdin: TextIO, out: TextIO, interactive: bool
) -> int:
    """Read commands (one a line) until EOF or `exit`, answering each."""
    table = command_table()
    if interactive:
        _enable_completion(services, table)
        out.write("Paddock console: type /about, /lineup car:31 … (Tab completes, exit quits)\n")
    failures = 0
    while True:
        line = await _read_line(stdin, interactive)
        if line is None or line.strip().lower() in EXIT_WORDS:
            break
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        answer, problem = await answer_line(services, table, line)
        if answer is None:
            failures += 1
            out.write(f"error: {problem}\n")
        else:
            out.write(render(answer, as_json=as_json, now=services.clock.now()))
        out.flush()
    return 1 if failures else 0


async def _read_line(stdin: TextIO, interactive: bool) -> str | None:
    """Read one line off the event loop; None at EOF."""
    if interactive:
        try:
            return await asyncio.to_thread(input, PROMPT)
        except EOFError:
            return None
    line = await asyncio.to_thread(stdin.readline)
    return line or None


class Completer:
    """Readline completion: command names, option names, and option values by entity name.

    Readline calls it from the thread that waits for input, so value lookups (async, on the
    store) run on the event loop through `run_coroutine_threadsafe`.
    """

    def __init__(
        self,
        services: Services,
        table: dict[str, Command],
        loop: asyncio.AbstractEventLoop,
        buffer: Callable[[], str],
    ) -> None:
        self.services = services
        self.table = table
        self.loop = loop
        self.buffer = buffer
        self._matches: list[str] = []

    def __call__(self, text: str, state: int) -> str | None:
        """Return the state-th completion of `text` (readline's protocol)."""
        if state == 0:
            self._matches = self.candidates(self.buffer(), text)
        return self._matches[state] if state < len(self._matches) else None

    def candidates(self, line: str, text: str) -> list[str]:
        """Return completions of the word `text` at the end of `line`."""
        words = line.split()
        if len(words) <= 1 and not line.endswith(" "):
            return [f"/{name}" for name in sorted(self.table) if f"/{name}".startswith(text)]
        command = self.table.get(words[0].lstrip("/").lower())
        if command is None:
            return []
        name, sep, value = text.partition(":")
        if not sep:
            return [f"{o.name}:" for o in command.options if o.name.startswith(text)]
        option = command.option(name)
        if option is None or option.complete is None:
            return []
        names = self._lookup(option.complete, value.strip('"'))
        return [f'{name}:"{n}"' if " " in n else f"{name}:{n}" for n in names]

    def _lookup(self, kind: str, current: str) -> list[str]:
        """Ask the core autocomplete for names of `kind`, waiting at most a second."""
        from bot.queries.names import complete

        future = asyncio.run_coroutine_threadsafe(complete(self.services, kind, current), self.loop)
        try:
            return future.result(timeout=COMPLETION_TIMEOUT_S)
        except (TimeoutError, OSError):
            future.cancel()
            return []


def _enable_completion(services: Services, table: dict[str, Command]) -> None:
    """Complete commands, options and names at the prompt, when readline is available."""
    try:
        import readline
    except ImportError:
        return
    completer = Completer(services, table, asyncio.get_running_loop(), readline.get_line_buffer)
    readline.set_completer_delims(" \t")
    readline.set_completer(completer)
    readline.parse_and_bind("tab: complete")
