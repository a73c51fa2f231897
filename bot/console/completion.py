"""Tab completion at the console prompt: commands, subcommands, options and option values.

Readline is given the whole line (no word delimiters), so quoted values with spaces complete
as one piece. Readline inserts the longest common prefix of what the completer returns: when
several candidates match but do not all extend what was typed (typo-tolerant names), the
completer keeps the typed line and lists the candidates instead of replacing the typed text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from bot.queries.catalogue import Command, closest_commands, complete
from bot.services import Services

log = logging.getLogger(__name__)

COMPLETION_TIMEOUT_S = 1.0
QUOTES = "\"'"


@dataclass(slots=True)
class Completion:
    """What Tab does: the lines readline may complete to, and the choices shown to the user."""

    lines: list[str] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)


def split_typed(line: str) -> tuple[list[str], str]:
    """Split a line being typed into its finished words and the word being typed (unquoted)."""
    words: list[str] = []
    current: list[str] = []
    quote = ""
    for ch in line:
        if quote:
            if ch == quote:
                quote = ""
            else:
                current.append(ch)
        elif ch in QUOTES:
            quote = ch
        elif ch.isspace():
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(ch)
    return words, "".join(current)


def quoted(value: str) -> str:
    """Return an option value as typed on the command line (quoted when it has spaces)."""
    return f'"{value}"' if any(ch.isspace() for ch in value) else value


class Completer:
    """Readline completion over the command catalogue and the core's autocomplete.

    Readline calls it from the thread that waits for input, so value lookups (async, on the
    store) run on the event loop through `run_coroutine_threadsafe`.
    """

    def __init__(
        self, services: Services, table: dict[str, Command], loop: asyncio.AbstractEventLoop
    ) -> None:
        self.services = services
        self.table = table
        self.loop = loop
        self.shown: list[str] = []
        self._lines: list[str] = []

    def __call__(self, text: str, state: int) -> str | None:
        """Return the state-th completion of the line `text` (readline's protocol)."""
        if state == 0:
            found = self.complete(text)
            self._lines, self.shown = found.lines, found.shown
        return self._lines[state] if state < len(self._lines) else None

    def complete(self, line: str) -> Completion:
        """Return what Tab offers at the end of `line`."""
        words, typed = split_typed(line)
        head = line[: len(line) - len(_raw_tail(line, typed))]
        choices = self.choices(words, typed)
        option, sep, _ = typed.partition(":")
        shown = [c.removeprefix(f"{option}:").strip('"') for c in choices] if sep else choices
        if not choices:
            return Completion()
        if len(choices) == 1:
            (only,) = choices
            return Completion([head + only + ("" if only.endswith(":") else " ")], shown)
        if all(choice.startswith(typed) for choice in choices):
            return Completion([head + choice for choice in choices], shown)
        return Completion([line, line + " "], shown)  # keep what was typed; list the choices

    def choices(self, words: list[str], typed: str) -> list[str]:
        """Return the words that may replace `typed` after the finished `words`."""
        if not words:
            return self._command_words(typed)
        first = words[0].lstrip("/").lower()
        if first not in self.table and len(words) == 1:
            return _starting(self._subcommands(first), typed)
        name = first if first in self.table else f"{first} {words[1].lower()}"
        command = self.table.get(name)
        if command is None:
            return []
        option_name, sep, value = typed.partition(":")
        if not sep:
            given = {w.partition(":")[0].lower() for w in words[1:]}
            free = [f"{o.name}:" for o in command.options if o.name not in given]
            return _starting(free, typed.lower())
        option = command.option(option_name.lower())
        if option is None or option.complete is None:
            return []
        names = self._lookup(option.complete, value)
        return [f"{option_name}:{quoted(n)}" for n in names]

    def _command_words(self, typed: str) -> list[str]:
        """Return the first words of commands (`/lineup`, `/config`) that `typed` may become."""
        firsts = list(dict.fromkeys(f"/{name.split()[0]}" for name in self.table))
        starting = _starting(firsts, typed.lower())
        if starting or not typed.strip("/"):
            return starting
        return list(dict.fromkeys(f"/{c.split()[0]}" for c in closest_commands(typed.strip("/"))))

    def _subcommands(self, group: str) -> list[str]:
        """Return the subcommands of a group (`season`, `ics` for `schedule`)."""
        return [name.split(" ", 1)[1] for name in self.table if name.startswith(f"{group} ")]

    def _lookup(self, kind: str, current: str) -> list[str]:
        """Ask the core autocomplete for names of `kind`, waiting at most a second."""
        future = asyncio.run_coroutine_threadsafe(complete(self.services, kind, current), self.loop)
        try:
            return future.result(timeout=COMPLETION_TIMEOUT_S)
        except (TimeoutError, OSError) as exc:
            log.debug("Completion of %s %r gave up: %s", kind, current, exc)
            future.cancel()
            return []


def _starting(words: Iterable[str], typed: str) -> list[str]:
    """Return the words that start with `typed`, in order."""
    return [w for w in words if w.lower().startswith(typed.lower())]


def _raw_tail(line: str, typed: str) -> str:
    """Return the end of `line` that spells the word being typed (quotes included)."""
    if not typed and (not line or line[-1].isspace()):
        return ""
    start = len(line)
    while start > 0 and not (line[start - 1].isspace() and _balanced(line[: start - 1])):
        start -= 1
    return line[start:]


def _balanced(text: str) -> bool:
    """Return whether every quote opened in `text` is closed."""
    quote = ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in QUOTES:
            quote = ch
    return not quote


def show_choices(completer: Completer, prompt: str, buffer: str) -> None:
    """Print the completer's choices under the prompt, then the prompt and the line again."""
    print("\n" + "  ".join(completer.shown))
    print(prompt + buffer, end="", flush=True)
