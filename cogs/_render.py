"""Render answers as Discord embeds within Discord's limits, paged when long."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from bot.queries.answers import ZERO_WIDTH, Answer, Section
from bot.text import clip

EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FIELDS_LIMIT = 25
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
ROWS_PER_PAGE = 6  # a full-width field is a row; three inline fields share one
INLINE_PER_ROW = 3
PAGE_DESCRIPTION_CHARS = 2000
FOOTER_SOURCES_CHARS = 1000
PAGE_COUNTER_CHARS = 40
SPOILER = "||"
COLOURS = {"ok": 0xC8102E, "not_found": 0xF2A900, "error": 0x5A5A5A}


def defuse_mentions(text: str) -> str:
    """Break @everyone and @here (embeds never ping; mention pills like <#id> stay readable)."""
    return text.replace("@everyone", f"@{ZERO_WIDTH}everyone").replace(
        "@here", f"@{ZERO_WIDTH}here"
    )


def split_text(text: str, limit: int) -> list[str]:
    """Split text into chunks of at most `limit` characters, at line breaks when possible."""
    chunks: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        chunks.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n")
    if text or not chunks:
        chunks.append(text)
    return chunks


@dataclass(slots=True)
class _Page:
    """The parts of one embed before it is built."""

    description: str
    sections: list[Section]

    def width(self) -> int:
        """Return the room its fields take, in inline-field units (a full row is three)."""
        return sum(_width(s) for s in self.sections)

    def size(self) -> int:
        """Return the characters this page's description and fields use."""
        return len(self.description) + sum(len(s.name) + len(s.value) for s in self.sections)


def _width(section: Section) -> int:
    """Return the room a field takes: one unit inline, a whole row otherwise."""
    return 1 if section.inline else INLINE_PER_ROW


def _safe_section(section: Section, *, spoilers: bool = False) -> Section:
    """Return the section clipped to Discord's field limits and unable to ping.

    With `spoilers`, a section of race results is wrapped in spoiler tags (`||…||`).
    """
    value = defuse_mentions(section.value) or ZERO_WIDTH
    if spoilers and section.spoiler and section.value.strip():
        room = EMBED_FIELD_VALUE_LIMIT - 2 * len(SPOILER)
        value = f"{SPOILER}{clip(value, room)}{SPOILER}"
    return Section(
        name=clip(defuse_mentions(section.name) or ZERO_WIDTH, EMBED_FIELD_NAME_LIMIT),
        value=clip(value, EMBED_FIELD_VALUE_LIMIT),
        inline=section.inline,
        spoiler=section.spoiler,
    )


def paginate(answer: Answer, *, spoilers: bool = False) -> list[_Page]:
    """Lay an answer out over pages that each fit one embed (with title and footer)."""
    budget = EMBED_TOTAL_LIMIT - EMBED_TITLE_LIMIT - FOOTER_SOURCES_CHARS - PAGE_COUNTER_CHARS
    description = defuse_mentions(answer.description)
    limit = PAGE_DESCRIPTION_CHARS if answer.sections else EMBED_DESCRIPTION_LIMIT
    pages = [_Page(chunk, []) for chunk in split_text(description, limit)]
    for section in (_safe_section(s, spoilers=spoilers) for s in answer.sections):
        page = pages[-1]
        full = page.width() + _width(section) > ROWS_PER_PAGE * INLINE_PER_ROW
        if full or page.size() + len(section.name) + len(section.value) > budget:
            page = _Page("", [])
            pages.append(page)
        page.sections.append(section)
    return pages


def footer_text(answer: Answer, page: int, pages: int) -> str:
    """Return the footer: the cited sources, then the page counter when paged."""
    parts = []
    if answer.sources:
        cited = " | ".join(source.cite() for source in answer.sources)
        plural = "s" if len(answer.sources) > 1 else ""
        parts.append(clip(defuse_mentions(f"Source{plural}: {cited}"), FOOTER_SOURCES_CHARS))
    if pages > 1:
        parts.append(f"Page {page + 1}/{pages}")
    return " · ".join(parts)


def render_embeds(answer: Answer, *, spoilers: bool = False) -> list[discord.Embed]:
    """Render an answer as one embed per page, each within Discord's limits.

    `spoilers` (the server's /config spoilers) hides race results behind spoiler tags.
    """
    layout = paginate(answer, spoilers=spoilers)
    title = clip(defuse_mentions(answer.title), EMBED_TITLE_LIMIT)
    embeds = []
    for number, page in enumerate(layout):
        embed = discord.Embed(
            title=title,
            description=page.description or None,
            colour=COLOURS.get(answer.status, COLOURS["ok"]),
        )
        for section in page.sections:
            embed.add_field(name=section.name, value=section.value, inline=section.inline)
        footer = footer_text(answer, number, len(layout))
        if footer:
            embed.set_footer(text=footer)
        embeds.append(embed)
    return embeds
