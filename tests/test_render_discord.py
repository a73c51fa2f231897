"""Embeds stay within Discord's limits, cite their sources, and cannot ping."""

from __future__ import annotations

from datetime import date

from bot.queries.answers import Answer, Section, Source, escape, not_found
from cogs._render import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FIELDS_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TOTAL_LIMIT,
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


def test_nothing_in_an_answer_can_ping():
    answer = Answer("@everyone title", "hi @here <@123> <@&456>", [Section("@everyone", "@here")])
    (embed,) = render_embeds(answer)
    rendered = " ".join(
        [embed.title, embed.description, embed.fields[0].name, embed.fields[0].value]
    )
    assert "@everyone" not in rendered and "@here" not in rendered
    assert "<@&456>" in rendered, "mention pills stay readable: embeds never ping"


def test_escape_neutralises_markdown_and_mentions_in_article_text():
    text = escape("**bold** claim by @everyone and <@123> in <#9> `code`\n> quote")
    assert "**" not in text.replace("\\*", "")
    assert "@everyone" not in text and "<@1" not in text and "<#9" not in text
    assert "\n\\> quote" in text
    assert "\\`code\\`" in text


def test_not_found_answer_lists_suggestions():
    (embed,) = render_embeds(not_found("driver", "derrani", ["Pipo Derani"]))
    assert "derrani" in embed.description and "Pipo Derani" in embed.description
