"""Plain answer objects that every adapter (Discord, console, JSON) renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from bot.queries.inline import Rich, Text, plain, span_json
from bot.text import headline

AnswerStatus = Literal["ok", "not_found", "error"]
CITE_TITLE_CHARS = 90


@dataclass(frozen=True, slots=True)
class Source:
    """The article a fact came from."""

    article_id: int
    title: str
    published: date | None = None
    url: str | None = None

    def cite(self) -> str:
        """Return a short citation: the date (or 'undated'), the title and the article id."""
        when = self.published.isoformat() if self.published else "undated"
        return f"{when} · {self.headline} (article {self.article_id})"

    @property
    def headline(self) -> str:
        """Return the article's headline: its title, cut at a word to about 90 characters."""
        return headline(self.title, CITE_TITLE_CHARS)


@dataclass(frozen=True, slots=True)
class Section:
    """A titled block of an answer (an embed field on Discord)."""

    name: str
    value: Rich
    inline: bool = False
    spoiler: bool = False
    """The value tells race results: hidden behind spoiler tags where a server asks for it."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that goes with an answer (an attachment on Discord, a file the console writes)."""

    filename: str
    data: bytes


@dataclass(slots=True)
class Answer:
    """What a query returns: text blocks, their sources, and machine-readable data."""

    title: str
    description: Rich = ""
    sections: list[Section] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    status: AnswerStatus = "ok"
    suggestions: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    attachment: Attachment | None = None
    url: str | None = None
    """Where the title links to (a news post's article)."""

    @property
    def ok(self) -> bool:
        """Return whether the query found what was asked."""
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        """Return the answer as JSON-ready data."""
        out = asdict(self)
        out["description"] = plain(self.description)
        out["sections"] = [_section_json(s) for s in self.sections]
        if isinstance(self.description, Text):
            out["description_spans"] = [span_json(s) for s in self.description.spans]
        out["sources"] = [
            {
                "article_id": s.article_id,
                "title": s.title,
                "date": s.published.isoformat() if s.published else None,
                "url": s.url,
            }
            for s in self.sources
        ]
        if self.attachment is not None:
            out["attachment"] = {
                "filename": self.attachment.filename,
                "bytes": len(self.attachment.data),
            }
        return out


def _section_json(section: Section) -> dict[str, Any]:
    """Return a section as JSON-ready data: plain text, and its spans when structured."""
    out: dict[str, Any] = {
        "name": section.name,
        "value": plain(section.value),
        "inline": section.inline,
    }
    if isinstance(section.value, Text):
        out["spans"] = [span_json(s) for s in section.value.spans]
    return out


def not_found(what: str, query: str, suggestions: list[str]) -> Answer:
    """Return the answer for a query that matched nothing, with the closest names."""
    hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
    return Answer(
        title=f"No {what} found",
        description=f"Nothing matches {what} “{query}”.{hint}",
        status="not_found",
        suggestions=suggestions,
        data={"query": query},
    )


def ambiguous(what: str, query: str, candidates: list[str]) -> Answer:
    """Return the answer for a name that several things match: the candidates, none picked."""
    return Answer(
        title=f"Which {what}?",
        description=(
            f"“{query}” matches {len(candidates)} {what}s: {', '.join(candidates)}. "
            "Ask again with one of them."
        ),
        status="not_found",
        suggestions=candidates,
        data={"query": query, "candidates": candidates},
    )


def unresolved(what: str, query: str, suggestions: list[str], *, several: bool) -> Answer:
    """Return the answer for a name that matched nothing, or several things equally well."""
    if several and len(suggestions) > 1:
        return ambiguous(what, query, suggestions)
    return not_found(what, query, suggestions)
