"""Ingest article files into the store: read, extract, write, one article per transaction."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot import extraction
from bot.articles import Article, ArticleError, find_article_files, read_article
from bot.clock import Clock, SystemClock
from bot.extraction import Aliases, extract, load_aliases
from bot.store import Store

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Return whether every file was read."""
        return not self.skipped

    def summary(self) -> str:
        """Return a one-line summary."""
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
        )


def extractor_fingerprint(aliases_file: Path | None) -> str:
    """Hash the extraction code and the aliases file, so a change re-extracts every article."""
    digest = hashlib.sha256()
    package = Path(extraction.__file__).parent
    for source in sorted(package.glob("*.py")):
        digest.update(source.read_bytes())
    if aliases_file is not None and aliases_file.is_file():
        digest.update(aliases_file.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(slots=True)
class Ingestor:
    """Ingest files into one store with one set of aliases."""

    store: Store
    aliases: Aliases | None
    extractor: str
    clock: Clock = field(default_factory=SystemClock)
    on_file: Callable[[str, str], None] | None = None

    @classmethod
    async def create(
        cls, store: Store, aliases_file: Path | None, clock: Clock | None = None
    ) -> Ingestor:
        """Load the aliases and fingerprint the extractor, off the event loop."""
        aliases = None
        if aliases_file is not None and await asyncio.to_thread(aliases_file.is_file):
            aliases = await asyncio.to_thread(load_aliases, aliases_file)
        fingerprint = await asyncio.to_thread(extractor_fingerprint, aliases_file)
        return cls(store, aliases, fingerprint, clock or SystemClock())

    async def ingest(self, paths: list[Path]) -> IngestReport:
        """Ingest every article file under `paths`; bad files are reported and skipped."""
        report = IngestReport()
        files = await asyncio.to_thread(find_article_files, paths)
        for path in files:
            await self._ingest_file(path, report)
        log.info("Ingest: %s", report.summary())
        return report

    async def _ingest_file(self, path: Path, report: IngestReport) -> None:
        """Ingest one file into the report's buckets."""
        try:
            article = await asyncio.to_thread(read_article, path)
        except ArticleError as exc:
            log.warning("Skipped %s: %s", exc.source, exc.reason)
            report.skipped.append((str(path), exc.reason))
            self._tell(str(path), f"skipped: {exc.reason}")
            return
        key = str(path)
        fingerprint = f"{article.content_hash}:{self.extractor}"
        stored = await self.store.stored_hash(key)
        if stored == fingerprint:
            report.unchanged.append(str(path))
            return
        await self.put(article, key, fingerprint)
        (report.updated if stored else report.added).append(str(path))
        self._tell(str(path), "updated" if stored else "added")

    async def put(self, article: Article, key: str, fingerprint: str) -> int:
        """Extract the facts of one article and write it with them in one transaction."""
        known = await self.known_people()
        facts = await asyncio.to_thread(extract, article, aliases=self.aliases, known_people=known)
        return await self.store.put_article(
            article, facts, path=key, fingerprint=fingerprint, now=self.clock.now()
        )

    async def known_people(self) -> list[str]:
        """Return the names of the people the store already knows."""
        rows = await self.store.fetchall("SELECT name FROM entities WHERE kind = 'person'")
        return [row["name"] for row in rows]

    def _tell(self, name: str, what: str) -> None:
        """Report progress on one file to the caller, if it asked."""
        if self.on_file is not None:
            self.on_file(name, what)
