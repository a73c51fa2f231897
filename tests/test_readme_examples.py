"""The README is true: every command example in its tables, Quickstart and console section
answers on the seed store (not an error, not "nothing found")."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bot.console.repl import answer_line
from bot.queries.catalogue import command_table
from bot.schedule.calendar import load_calendar
from tests.conftest import REPO, paddock

README = REPO / "README.md"
CODE_SPAN = re.compile(r"`([^`]+)`")
ASKED = re.compile(r"paddock ask (?P<line>'[^']*')(?P<flags>[^#\n]*)")
PIPED = re.compile(r"echo (?P<line>'/[^']*') \|")
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
NOTHING = ("nothing matches", "no results", "not found")


def sections(text: str) -> dict[str, str]:
    """Return the README's `## ` sections by heading."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def table_examples(text: str) -> list[str]:
    """Return the commands in every table column headed `example`."""
    found: list[str] = []
    column: int | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            column = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if "example" in cells:
            column = cells.index("example")
        elif column is not None and len(cells) > column and not set(cells[column]) <= {"-"}:
            found += [span for span in CODE_SPAN.findall(cells[column]) if span.startswith("/")]
    return found


def console_examples(text: str) -> list[tuple[str, list[str]]]:
    """Return the `paddock ask '…' [flags]` and `echo '…' |` lines of the README, with flags."""
    found = [(shlex.split(m["line"])[0], m["flags"].split()) for m in ASKED.finditer(text)]
    found += [(shlex.split(m["line"])[0], []) for m in PIPED.finditer(text)]
    return found


def prose_examples(text: str) -> list[str]:
    """Return the inline command examples of a section's prose (`/quote about:"…"`)."""
    prose = FENCED.sub("", text)
    return [
        span
        for span in CODE_SPAN.findall(prose)
        if re.fullmatch(r"/[a-z]+( [a-z]+)?( \w+:(\"[^\"]+\"|\S+))+", span)
        and "<" not in span
        and span.split()[0].lstrip("/") in {name.split()[0] for name in command_table()}
    ]


TEXT = README.read_text(encoding="utf-8")
PARTS = sections(TEXT)
TABLE_EXAMPLES = table_examples(PARTS["Commands"])
CONSOLE_EXAMPLES = console_examples(PARTS["Quickstart"] + PARTS["Using the console"])
PROSE_EXAMPLES = prose_examples(PARTS["Using the console"])


def test_the_readme_has_examples_for_every_table_row_and_the_console():
    commands = {example.split()[0].lstrip("/") for example in TABLE_EXAMPLES}
    assert {"lineup", "driver", "team", "results", "quote", "search", "article"} <= commands
    assert {"about", "next", "schedule", "config"} <= commands
    assert any(line == "/about" for line, _ in CONSOLE_EXAMPLES)
    assert '/quote about:"qualifying record"' in PROSE_EXAMPLES


@pytest.mark.parametrize("line", sorted(set(TABLE_EXAMPLES + PROSE_EXAMPLES)))
async def test_every_readme_example_answers_on_the_seed_store(services, line):
    services.calendar = load_calendar(services.config.calendar_file)

    answer, problem = await answer_line(services, command_table(), line)

    assert answer is not None, f"{line}: {problem}"
    assert answer.ok, f"{line}: {answer.title}: {answer.description}"
    said = f"{answer.title} {answer.description}".lower()
    assert not any(word in said for word in NOTHING), f"{line}: {said}"
    assert answer.sections or answer.description or answer.attachment, line


@pytest.mark.parametrize(("line", "flags"), CONSOLE_EXAMPLES, ids=lambda x: str(x))
def test_the_quickstart_command_lines_answer(tmp_path: Path, line, flags):
    db = tmp_path / "readme.db"
    ingest = paddock("ingest", str(REPO / "seeds" / "articles"), "--db", str(db))
    assert ingest.returncode == 0, ingest.stderr

    result = paddock("ask", line, *flags, "--db", str(db))

    assert result.returncode == 0, f"{line} {flags}: {result.stdout}{result.stderr}"
    assert not any(word in result.stdout.lower() for word in NOTHING), result.stdout
