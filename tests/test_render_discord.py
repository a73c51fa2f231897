"""Embeds stay within Discord's limits, cite their sources, and cannot ping."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.queries.answers import Answer, Section, Source, not_found
from bot.queries.inline import Bold, Channel, Link, Role, Text, Timestamp
from cogs._render import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TOTAL_LIMIT,
    escape,
    markdown,
    render_embeds,
)

SOURCE = Source(7, "Harlow takes pole with a lap record", date(2024, 1, 23))


def assert_within_limits(embeds):
    for embed in embeds:
        assert len(embed) <= EMBED_TOTAL_LIMIT
        assert len(embed.description or "") <= EMBED_DESCRIPTION_LIMIT
        assert len(embed.fields) <= EMBED_FIELDS_LIMIT
        assert all(len(f.value) <= EMBED_FIELD_VALUE_LIMIT for f in embed.fields)
        assert len(embed.footer.text or "") <= EMBED_FOOTER_LIMIT


def test_short_answer_is_one_embed_citing_its_source():
    answer = Answer(
        "#27 line-up", "Ada Harlow, Mateo Quint", [Section("Team", "Brookfield")], [SOURCE]
    )
    (embed,) = render_embeds(answer)
    assert embed.title == "#27 line-up"
    assert embed.fields[0].name == "Team"
    assert "2024-01-23" in embed.footer.text and "Harlow takes pole" in embed.footer.text


def test_long_answer_is_paged_and_every_page_fits():
    sections = [Section(f"Round {n}", "x" * 1500) for n in range(40)]
    answer = Answer("Season", "d" * 9000, sections, [SOURCE] * 30)
    embeds = render_embeds(answer)
    assert len(embeds) > 3
    assert_within_limits(embeds)
    shown = [f.name for e in embeds for f in e.fields]
    assert shown == [f"Round {n}" for n in range(40)], "no section is lost between pages"
    assert embeds[-1].footer.text.endswith(f"Page {len(embeds)}/{len(embeds)}")
    assert "".join(e.description or "" for e in embeds).count("d") == 9000


def test_nothing_in_an_answer_can_ping_or_show_a_pill():
    answer = Answer("@everyone title", "hi @here <@123> <@&456>", [Section("@everyone", "@here")])
    (embed,) = render_embeds(answer)
    rendered = " ".join(
        [embed.title, embed.description, embed.fields[0].name, embed.fields[0].value]
    )
    assert "@everyone" not in rendered and "@here" not in rendered
    assert "<@123>" not in rendered and "<@&456>" not in rendered
    assert "@123>" in rendered and "@&456>" in rendered, "still readable as typed"


PHISH = "[free tickets](https://evil.example/phish)"


@pytest.mark.parametrize(
    "where",
    ["title", "description", "field name", "field value", "bold"],
)
def test_a_masked_link_in_article_text_or_typed_input_is_never_a_link(where):
    text = f"Win {PHISH} now <@&123>"
    parts = {
        "title": Answer(text),
        "description": Answer("t", text),
        "field name": Answer("t", sections=[Section(text, "v")]),
        "field value": Answer("t", sections=[Section("n", text)]),
        "bold": Answer("t", Text.of(Bold(text))),
    }
    (embed,) = render_embeds(parts[where])
    shown = " ".join([embed.title or "", embed.description or ""])
    shown += " ".join(f"{f.name} {f.value}" for f in embed.fields)
    assert PHISH not in shown and "](" not in shown.replace("\\](", "")
    assert "\\[free tickets\\]" in shown
    assert "<@&123>" not in shown


def test_markup_from_article_text_is_shown_as_typed():
    text = escape("**bold** _it_ ~~gone~~ `code` ||spoiler||\n> quote\n# big\n- item\n1. one")
    for raw in ("\\*\\*bold\\*\\*", "\\_it\\_", "\\~\\~gone", "\\`code\\`", "\\|\\|spoiler"):
        assert raw in text
    assert "\n\\> quote\n\\# big\n\\- item\n1\\. one" in text
    assert "<\u200bt:1:R>" in escape("<t:1:R>") and "<\u200b#9>" in escape("<#9>")


@pytest.mark.parametrize(
    "name", ["O'Neil", "Jean-Éric Vergne", "Kévin Estre", "Renger van der Zande"]
)
def test_names_read_as_written(name):
    (embed,) = render_embeds(Answer(name, name, [Section(name, name)]))
    assert embed.title == embed.description == embed.fields[0].name == embed.fields[0].value == name


def test_structure_becomes_discord_markup():
    at = datetime(2024, 1, 27, 18, 40, tzinfo=UTC)
    text = Text.of(
        Bold("2024"),
        " · ",
        Channel(9),
        " ",
        Role(5),
        " ",
        Timestamp(at, "R"),
        " ",
        Link("Report (full)", "https://example.org/a_(b)"),
        " ",
        Link("x", "javascript:alert(1)"),
    )
    assert markdown(text) == (
        "**2024** · <#9> <@&5> <t:1706380800:R> [Report (full)](https://example.org/a_%28b%29) x"
    )


def test_not_found_answer_lists_suggestions():
    (embed,) = render_embeds(not_found("driver", "derrani", ["Pipo Derani"]))
    assert "derrani" in embed.description and "Pipo Derani" in embed.description
