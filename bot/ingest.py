"""Ingest article files into the store: read, extract, write, one article per transaction."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot import extraction
from bot.articles import Article, ArticleError, find_article_files, read_article
from bot.clock import Clock, SystemClock
from bot.extraction import Aliases, extract, load_aliases
from bot.extraction.names import PARTICLES, normalize_name
from bot.store import Store

log = logging.getLogger(__name__)

WORD_MATCH_CUTOFF = 75.0
"""A known person is offered to extraction when a word of their name is this close to a word
of the article (extraction's own fuzzy matching needs 85 on whole names or surnames)."""

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


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


def _name_words(name: str) -> set[str]:
    """Return the words of a normalised name and the parts of hyphenated ones."""
    words = set()
    for word in name.split():
        words.add(word)
        words.update(part for part in re.split(r"['\-]", word) if part)
    return words


@dataclass(slots=True)
class KnownPeople:
    """The people a store knows, kept between articles and indexed by the words of their names.

    Extraction resolves an article's mentions against the known people, and building its
    resolver costs time quadratic in their number, so each article gets only the people whose
    names share a word with it, exactly or closely (every name extraction could resolve a
    mention to), in the order the store lists them (by folded name). Mentions are runs of
    capitalised words and name particles, so only those words of the article count.
    """

    last_id: int = 0
    names: dict[str, str] = field(default_factory=dict)
    by_word: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    words: list[str] = field(default_factory=list)
    _close: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    def add(self, entity_id: int, name: str, norm: str) -> None:
        """Remember one person entity."""
        self.last_id = max(self.last_id, entity_id)
        if norm in self.names:
            return
        self.names[norm] = name
        for word in _name_words(normalize_name(name)):
            if word not in self.by_word:
                self.words.append(word)
            self.by_word[word].add(norm)

    def close_words(self, word: str) -> list[str]:
        """Return the known name words close to a word (memoised; new words checked once)."""
        checked, found = self._close.get(word, (0, []))
        if checked < len(self.words):
            found = found + [
                match
                for match, _, _ in process.extract(
                    word,
                    self.words[checked:],
                    scorer=fuzz.ratio,
                    score_cutoff=WORD_MATCH_CUTOFF,
                    limit=None,
                )
            ]
            self._close[word] = (len(self.words), found)
        return found

    def relevant(self, article: Article) -> list[str]:
        """Return the known people whose names an article may mention, ordered by folded name."""
        text = f"{article.title}\n{article.body}"
        tokens = set(_WORD.findall(text))
        capitalised = {normalize_name(w) for w in tokens if w[0].isupper()}
        words = set(capitalised) | (PARTICLES & {w.casefold() for w in tokens})
        for word in capitalised:
            words.update(part for part in re.split(r"['\-]", word) if part)
            if word.endswith(("'s", "'")):
                words.add(word.rstrip("s").rstrip("'"))
        chosen: set[str] = set()
        for word in words & self.by_word.keys():
            chosen |= self.by_word[word]
        for word in capitalised:
            for close in self.close_words(word):
                chosen |= self.by_word[close]
        return [self.names[norm] for norm in sorted(chosen)]


@dataclass(slots=True)
class Ingestor:
    """Ingest files into one store with one set of aliases."""

    store: Store
    aliases: Aliases | None
    extractor: str
    clock: Clock = field(default_factory=SystemClock)
    on_file: Callable[[str, str], None] | None = None
    known: KnownPeople = field(default_factory=KnownPeople)

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
        await self._refresh_known()
        known = self.known.relevant(article)
        facts = await asyncio.to_thread(extract, article, aliases=self.aliases, known_people=known)
        return await self.store.put_article(
            article, facts, path=key, fingerprint=fingerprint, now=self.clock.now()
        )

    async def _refresh_known(self) -> None:
        """Add the people stored since the last article to the cached known people."""
        rows = await self.store.fetchall(
            "SELECT id, name, norm FROM entities WHERE id > ? AND kind = 'person'",
            (self.known.last_id,),
        )
        for row in rows:
            self.known.add(int(row["id"]), row["name"], row["norm"])

    def _tell(self, name: str, what: str) -> None:
        """Report progress on one file to the caller, if it asked."""
        if self.on_file is not None:
            self.on_file(name, what)
