from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from bot.extraction import Aliases, extract, load_aliases
from bot.facts import Article, ArticleFacts

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def aliases() -> Aliases:
    return load_aliases(REPO / "seeds" / "aliases.toml")


@pytest.fixture
def facts_of() -> Callable[..., ArticleFacts]:
    """Extract the facts of a short article written in the test."""

    def run(
        body: str,
        *,
        published: date | None = date(2025, 3, 15),
        aliases: Aliases | None = None,
        known_people: tuple[str, ...] = (),
    ) -> ArticleFacts:
        article = Article(source="test.txt", title="Test", body=body, published=published)
        return extract(article, aliases=aliases, known_people=known_people)

    return run
