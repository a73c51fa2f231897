"""The facts extraction finds in an article, as plain values shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

ResultKind = Literal["pole", "win", "finish", "title", "fastest_lap"]
EntityKind = Literal["person", "team", "car", "event"]


@dataclass(frozen=True, slots=True)
class Quote:
    """A direct quotation and who said it (None when it cannot be attributed)."""

    speaker: str | None
    text: str
    paragraph: int = 0
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Lineup:
    """The drivers of one car, as an article states them."""

    car: str
    team: str | None
    drivers: tuple[str, ...]
    paragraph: int = 0
    car_model: str | None = None
    season: int | None = None
    event: str | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """An outcome that happened: a pole, win, finishing position, title or fastest lap."""

    kind: ResultKind
    position: int | None
    car: str | None
    drivers: tuple[str, ...]
    team: str | None
    event: str | None
    detail: str | None
    paragraph: int = 0
    season: int | None = None
    session: str | None = None
    race_class: str | None = None
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, team, car or event with its canonical name and the variants seen."""

    kind: EntityKind
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(slots=True)
class ArticleFacts:
    """Everything extraction found in one article."""

    quotes: list[Quote] = field(default_factory=list)
    lineups: list[Lineup] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Return how many facts (quotes, lineups and results) there are."""
        return len(self.quotes) + len(self.lineups) + len(self.results)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article: where it came from, when it was published, and its text."""

    source: str
    title: str
    body: str
    published: date | None = None
    url: str | None = None
    content_hash: str = ""
    series: str | None = None

    @property
    def paragraphs(self) -> list[str]:
        """Return the non-empty lines of the body, stripped: the article's paragraphs."""
        return split_paragraphs(self.body)


def split_paragraphs(body: str) -> list[str]:
    """Split text into paragraphs: one per non-empty line."""
    return [line.strip() for line in body.splitlines() if line.strip()]
