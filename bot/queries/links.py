"""Give every cited article its link: answers cite by id, the store knows each article's URL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from bot.queries.answers import Answer
from bot.services import Services

Query = Callable[[Services], Awaitable[Answer]]


async def add_links(services: Services, answer: Answer) -> Answer:
    """Fill in the URL of each cited article that has one (one read for all of them)."""
    missing = sorted({s.article_id for s in answer.sources if s.url is None})
    if not missing:
        return answer
    marks = ", ".join("?" for _ in missing)
    rows = await services.store.fetchall(
        f"SELECT id, url FROM articles WHERE url IS NOT NULL AND id IN ({marks})",  # noqa: S608
        missing,
    )
    urls = {int(row[0]): str(row[1]) for row in rows}
    if urls:
        answer.sources = [
            replace(s, url=urls.get(s.article_id)) if s.url is None else s for s in answer.sources
        ]
    return answer


def linked(query: Query) -> Query:
    """Return `query` answering with its cited articles' links filled in."""

    async def run(services: Services) -> Answer:
        return await add_links(services, await query(services))

    return run
