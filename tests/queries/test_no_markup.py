"""The core writes no Discord markup: every command's answer is literal text and spans."""

from __future__ import annotations

import re

import pytest

from bot.console.repl import run_line
from bot.queries.answers import Answer
from bot.queries.catalogue import CATALOGUE, command_table
from bot.queries.inline import Text
from bot.services import load_current_calendar

MARKUP = re.compile(r"<[#@:]|<t:\d|\*\*|\|\||\]\(|`|\d{4}-\d\d-\d\d \d\d:\d\d UTC")
"""Mentions, channels, emoji, timestamps, bold, spoilers, masked links, code; and a timestamp
span flattened into a string (an f-string around a `Text` loses its spans)."""


def literal_texts(answer: Answer) -> list[str]:
    """Return every plain text of an answer (the parts a renderer shows as written)."""
    values = [answer.description, *(s.value for s in answer.sections)]
    texts = [answer.title, *(s.name for s in answer.sections)]
    for value in values:
        texts += (
            [s for s in value.spans if isinstance(s, str)] if isinstance(value, Text) else [value]
        )
    return texts


@pytest.mark.parametrize("command", CATALOGUE, ids=lambda c: c.name)
async def test_each_example_answers_in_plain_text_and_spans(services, command):
    services.calendar = await load_current_calendar(services.config)
    answer = await run_line(services, command_table(), command.example)
    written = [t for t in literal_texts(answer) if MARKUP.search(t)]
    assert written == [], f"{command.example}: Discord markup in the core's answer"
    assert answer.title, command.example
