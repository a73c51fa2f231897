"""Render answers as Discord embeds within Discord's limits, paged when long."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import discord

from bot.queries.answers import Answer, Section
from bot.queries.inline import Bold, Channel, Code, Link, Rich, Role, Span, Spoiler, Text, plain
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
LINK_TITLE_CHARS = 80
COLOURS = {"ok": 0xC8102E, "not_found": 0xF2A900, "error": 0x5A5A5A}


ZERO_WIDTH = "\u200b"
"""An invisible character: breaks mentions and fills fields Discord needs non-empty."""
_INLINE_MARKUP = str.maketrans({ch: f"\\{ch}" for ch in "\\*~`|[]"})
_EDGE_UNDERSCORE = re.compile(r"_(?![^\W_])|(?<![^\W_])_")
"""An underscore that could start or end emphasis (one inside a word, as in New_York, cannot)."""
_LINE_START_MARKUP = re.compile(r"^(\s*)(#(?=#{0,2}\s)|-(?=\s|#)|>(?=\s|>>))", re.MULTILINE)
"""Headings (`# `, `## `, `-# `), list items (`- `) and quotes (`> `, `>>> `) at a line start."""
_NUMBERED_LINE = re.compile(r"^(\s*\d+)\.(?=\s)", re.MULTILINE)
_MENTION_START = re.compile(r"<(?=[@#:]|t:|a:|/|https?:)", re.IGNORECASE)
_EVERYONE = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
URL_SAFE = ":/?#@!$&'*+,;=%~-._"
"""Characters kept as they are in a link's address (others, such as `(` `)`, are %-encoded)."""


def escape(text: str) -> str:
    r"""Return literal text for an embed: no markup, masked links, mentions or pills.

    Markdown characters get a backslash (`\*`, `\[` …; names such as O'Neil or Jean-Éric read
    as typed), a `<` that would start a mention, channel, emoji, timestamp or command gets an
    invisible character after it, and so do @everyone and @here.
    """
    safe = _EDGE_UNDERSCORE.sub(r"\\_", text.translate(_INLINE_MARKUP))
    safe = _LINE_START_MARKUP.sub(r"\1\\\2", safe)
    safe = _NUMBERED_LINE.sub(r"\1\\.", safe)
    safe = _MENTION_START.sub(f"<{ZERO_WIDTH}", safe)
    return _EVERYONE.sub(f"@{ZERO_WIDTH}", safe)


def defuse_mentions(text: str) -> str:
    """Break @everyone and @here in text Discord shows without markdown (footers)."""
    return _EVERYONE.sub(f"@{ZERO_WIDTH}", text)


def link_address(url: str) -> str:
    """Return a link's address safe inside `[title](address)`: http(s) only, `(` `)` encoded."""
    address = quote(url.strip(), safe=URL_SAFE)
    return address if address.lower().startswith(("https://", "http://")) else ""


def span_markdown(span: Span) -> str:
    """Return one span as Discord markup (its text escaped)."""
    if isinstance(span, str):
        return escape(span)
    if isinstance(span, Bold):
        return f"**{escape(span.text)}**"
    if isinstance(span, Code):
        return f"`{span.text.replace('`', 'ˋ')}`"
    if isinstance(span, Spoiler):
        return f"||{escape(span.text)}||"
    if isinstance(span, Link):
        address = link_address(span.url)
        return f"[{escape(span.title)}]({address})" if address else escape(span.title)
    if isinstance(span, Channel):
        return f"<#{span.id}>"
    if isinstance(span, Role):
        return f"<@&{span.id}>"
    return f"<t:{int(span.at.timestamp())}:{span.style}>"


def markdown(value: Rich) -> str:
    """Return answer text as Discord markup: plain text escaped, structure as markup."""
    if isinstance(value, Text):
        return "".join(map(span_markdown, value.spans))
    return escape(value)


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
    value = markdown(section.value) or ZERO_WIDTH
    if spoilers and section.spoiler and plain(section.value).strip():
        room = EMBED_FIELD_VALUE_LIMIT - 2 * len(SPOILER)
        value = f"{SPOILER}{clip(value, room)}{SPOILER}"
    return Section(
        name=clip(escape(section.name) or ZERO_WIDTH, EMBED_FIELD_NAME_LIMIT),
        value=clip(value, EMBED_FIELD_VALUE_LIMIT),
        inline=section.inline,
        spoiler=section.spoiler,
    )


def paginate(answer: Answer, *, spoilers: bool = False) -> list[_Page]:
    """Lay an answer out over pages that each fit one embed (with title and footer)."""
    budget = EMBED_TOTAL_LIMIT - EMBED_TITLE_LIMIT - FOOTER_SOURCES_CHARS - PAGE_COUNTER_CHARS
    description = markdown(answer.description)
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


def title_link(answer: Answer) -> str | None:
    """Return where the title links: the answer's own link, else its one linked source."""
    if answer.url:
        return answer.url
    linked = [s.url for s in answer.sources if s.url]
    return linked[0] if len(linked) == 1 else None


def source_links(answer: Answer) -> str:
    """Return masked links to the cited articles that have a URL (beyond the title's link)."""
    linked = [s for s in answer.sources if s.url]
    if len(linked) < 2 and not (linked and answer.url and linked[0].url != answer.url):
        return ""
    lines: list[str] = []
    for source in linked:
        title = clip(source.title, LINK_TITLE_CHARS).replace("[", "(").replace("]", ")")
        line = f"[{defuse_mentions(title)}]({source.url})"
        if sum(len(x) + 1 for x in lines) + len(line) > EMBED_FIELD_VALUE_LIMIT:
            break
        lines.append(line)
    return "\n".join(lines)


def render_embeds(answer: Answer, *, spoilers: bool = False) -> list[discord.Embed]:
    """Render an answer as one embed per page, each within Discord's limits.

    `spoilers` (the server's /config spoilers) hides race results behind spoiler tags.
    """
    layout = paginate(answer, spoilers=spoilers)
    title = clip(escape(answer.title), EMBED_TITLE_LIMIT)
    embeds = []
    for number, page in enumerate(layout):
        embed = discord.Embed(
            title=title,
            url=title_link(answer),
            description=page.description or None,
            colour=COLOURS.get(answer.status, COLOURS["ok"]),
        )
        for section in page.sections:
            embed.add_field(name=section.name, value=section.value, inline=section.inline)
        links = source_links(answer)
        if links and number == len(layout) - 1 and len(embed.fields) < EMBED_FIELDS_LIMIT:
            embed.add_field(name="Read the articles", value=links, inline=False)
        footer = footer_text(answer, number, len(layout))
        if footer:
            embed.set_footer(text=footer)
        embeds.append(embed)
    return embeds
