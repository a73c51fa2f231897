"""The console adapter: Discord's `/command option:value` syntax on a terminal or a pipe."""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from bot.console.completion import Completer, show_choices
from bot.console.places import place_id, place_names
from bot.console.render import render_text
from bot.queries.answers import Answer
from bot.queries.catalogue import (
    CONSOLE_GUILD_ID,
    Command,
    UsageError,
    bind_options,
    command_table,
    find_command,
    invoke,
)
from bot.queries.inline import Text
from bot.services import Services
from bot.store import describe_db_error

log = logging.getLogger(__name__)

PROMPT = "paddock> "
EXIT_WORDS = frozenset({"exit", "quit", "/exit", "/quit"})


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


def render(
    answer: Answer,
    *,
    as_json: bool,
    now: datetime | None = None,
    places: dict[int, str] | None = None,
) -> str:
    """Render an answer for the console, as text or as JSON."""
    if as_json:
        return json.dumps(answer.to_json(), ensure_ascii=False, default=str) + "\n"
    return render_text(answer, now=now, places=places)


async def run_line(services: Services, table: dict[str, Command], line: str) -> Answer:
    """Run one console line in the console's own server; UsageError when it cannot run."""
    invocation = parse_invocation(line)
    command = find_command(table, invocation.name)
    bound = bind_options(command, invocation.options)
    for option in command.options:
        if option.kind in ("channel", "role") and option.name in bound:
            try:
                bound[option.name] = await place_id(services.store, option.kind, bound[option.name])
            except ValueError as exc:
                raise UsageError(f"/{command.name} {option.name}: {exc}") from None
    answer = await invoke(services, command, bound, guild_id=CONSOLE_GUILD_ID)
    if answer.attachment is not None:
        await _save_attachment(services, answer)
    return answer


async def _save_attachment(services: Services, answer: Answer) -> None:
    """Write an answer's file beside the database and say where it is."""
    assert answer.attachment is not None  # noqa: S101 - checked by the caller
    path = (services.config.database.parent / answer.attachment.filename).resolve()
    await asyncio.to_thread(path.write_bytes, answer.attachment.data)
    answer.description = Text.of(answer.description, "\n", f"Saved to {path}")
    answer.data["path"] = str(path)


async def answer_line(
    services: Services, table: dict[str, Command], line: str
) -> tuple[Answer | None, str | None]:
    """Run one console line; return its answer or a usage message."""
    try:
        return await run_line(services, table, line), None
    except UsageError as exc:
        return None, str(exc)
    except sqlite3.Error as exc:  # a damaged or locked database: say so, keep the session
        return None, describe_db_error(services.store.path, exc)


async def render_answer(services: Services, answer: Answer, *, as_json: bool) -> str:
    """Render an answer with the console's channel and role names and the current time."""
    places = None if as_json else await place_names(services.store)
    return render(answer, as_json=as_json, now=services.clock.now(), places=places)


async def ask(services: Services, line: str, *, as_json: bool, out: TextIO) -> int:
    """Answer a single command line; return the exit code."""
    answer, problem = await answer_line(services, command_table(), line)
    if answer is None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    out.write(await render_answer(services, answer, as_json=as_json))
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
            out.write(await render_answer(services, answer, as_json=as_json))
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


def _enable_completion(services: Services, table: dict[str, Command]) -> None:
    """Complete commands, options and names at the prompt, when readline is available."""
    try:
        import readline
    except ImportError:
        return
    completer = Completer(services, table, asyncio.get_running_loop())
    readline.set_completer_delims("")  # the completer sees the whole line (quoted values)
    readline.set_completer(completer)
    readline.set_completion_display_matches_hook(
        lambda *_: show_choices(completer, PROMPT, readline.get_line_buffer())
    )
    readline.parse_and_bind("tab: complete")
