"""Ingest article files into the store: read, extract, write, one article per transaction."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import multiprocessing
import os
import re
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial
from pathlib import Path

from rapidfuzz import fuzz, process

from bot import extraction
from bot.articles import Article, ArticleError, read_article, scan_article_files
from bot.clock import Clock, SystemClock
from bot.extraction import Aliases, extract, load_aliases
from bot.extraction.names import PARTICLES
from bot.facts import ArticleFacts
from bot.ingest.budget import BudgetExceeded, Watchdog
from bot.ingest.orphans import die_with
from bot.store import Store
from bot.store.writer import write_article
from bot.text import fold_name

log = logging.getLogger(__name__)

CHUNK_ARTICLES = 64
"""Articles read, extracted and written (in one transaction) together."""
POOL_MIN_ARTICLES = 256
"""Files from which an ingest extracts in worker processes (below, starting them costs more)."""
WORD_MATCH_CUTOFF = 75.0
"""A known person is offered to extraction when a word of their name is this close to a word
of the article (extraction's own fuzzy matching needs 85 on whole names or surnames)."""

FILE_BUDGET_S = 60.0
"""Seconds extraction may spend on one file before it is reported and skipped."""

_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass(slots=True)
class IngestReport:
    """What an ingest run did, file by file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """What was passed over without losing an article: dangling links, FIFOs in a folder,
    unreadable folders, the same file by a second path, a missing aliases file."""
    article_ids: dict[str, int] = field(default_factory=dict)
    """The store id of every article added or updated, by its key (path)."""

    @property
    def ok(self) -> bool:
        """Return whether every file was read."""
        return not self.skipped

    def summary(self) -> str:
        """Return a one-line summary."""
        text = (
            f"{len(self.added)} added, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
        )
        return text + (f", {len(self.warnings)} warnings" if self.warnings else "")


def extractor_fingerprint(aliases_file: Path | None) -> str:
    """Hash the extraction code and the aliases file, so a change re-extracts every article."""
    digest = hashlib.sha256()
    package = Path(extraction.__file__).parent
    for source in sorted(package.glob("*.py")):
        digest.update(source.read_bytes())
    if aliases_file is not None and aliases_file.is_file():
        digest.update(aliases_file.read_bytes())
    return digest.hexdigest()[:16]


def _surname_words(name: str) -> set[str]:
    """Return the last word of a normalised name and, if hyphenated, its parts."""
    surname = name.split()[-1] if name.split() else ""
    return {surname, *(part for part in re.split(r"['\-]", surname) if part)} - {""}


@dataclass(slots=True)
class KnownPeople:
    """The people a store knows, kept between articles and indexed by their surnames.

    Extraction resolves an article's mentions against the known people, and building its
    resolver costs time quadratic in their number, so each article gets only the people whose
    surname is a word of it, exactly or closely: extraction resolves a mention by its surname
    or by a full name that ends with it. They come in the order the store lists them (by
    folded name). Mentions are runs of capitalised words and name particles, so only those
    words of the article count. (Matching every word of a name instead, first names too,
    offered five times as many people and extracted the same facts from 10,000 articles.)
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
        for word in _surname_words(fold_name(name)):
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
        capitalised = {fold_name(w) for w in tokens if w[0].isupper()}
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


Person = tuple[int, str, str]
"""A person entity of the store: id, name and folded name."""
NEW_PEOPLE_SQL = "SELECT id, name, norm FROM entities WHERE id > ? AND kind = 'person' ORDER BY id"


def default_workers() -> int:
    """Return how many extraction processes a big ingest uses: one per CPU."""
    return os.cpu_count() or 1


@dataclass(frozen=True, slots=True)
class ExtractionFailed:
    """Why extraction failed on one article (its traceback went to the log)."""

    reason: str


@dataclass(frozen=True, slots=True)
class _Pending:
    """A read article that is new or changed, with where it goes in the store."""

    article: Article
    key: str
    fingerprint: str
    replaces: bool


@dataclass(frozen=True, slots=True)
class _Chunk:
    """A chunk of new or changed articles and their facts being extracted."""

    pending: list[_Pending]
    facts: asyncio.Future[_Extracted]


@dataclass(slots=True)
class Ingestor:
    """Ingest files into one store with one set of aliases.

    Files go in chunks of `CHUNK_ARTICLES`: read and compared with the store in one go,
    extracted in parallel (in worker processes for a big ingest), then written in order in
    one transaction. Every article of a chunk is extracted against the people the store knew
    before the chunk, so the facts do not depend on how many workers there are.
    """

    store: Store
    aliases: Aliases | None
    extractor: str
    clock: Clock = field(default_factory=SystemClock)
    on_file: Callable[[str, str], None] | None = None
    aliases_file: Path | None = None
    workers: int = field(default_factory=default_workers)
    pool_min: int = POOL_MIN_ARTICLES
    file_budget_s: float = FILE_BUDGET_S
    missing_aliases: Path | None = None
    pool_broken: bool = False
    people: list[Person] = field(default_factory=list)
    known: KnownPeople = field(default_factory=KnownPeople)
    _turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    """One ingest at a time: the known people are shared between them."""

    @classmethod
    async def create(
        cls, store: Store, aliases_file: Path | None, clock: Clock | None = None
    ) -> Ingestor:
        """Load the aliases and fingerprint the extractor, off the event loop."""
        aliases = None
        missing = None
        if aliases_file is not None and await asyncio.to_thread(aliases_file.is_file):
            aliases = await asyncio.to_thread(load_aliases, aliases_file)
        else:
            missing, aliases_file = aliases_file, None
        fingerprint = await asyncio.to_thread(extractor_fingerprint, aliases_file)
        return cls(
            store,
            aliases,
            fingerprint,
            clock or SystemClock(),
            aliases_file=aliases_file,
            missing_aliases=missing,
        )

    async def ingest(self, paths: list[Path]) -> IngestReport:
        """Ingest every article file under `paths`; bad files are reported and skipped."""
        report = IngestReport()
        files = await self._scan(paths, report)

        async def load(at: int, report: IngestReport) -> list[_Pending]:
            return await self._compare(files[at : at + CHUNK_ARTICLES], report)

        return await self._run(len(files), load, report)

    async def ingest_articles(self, articles: list[tuple[str, Article]]) -> IngestReport:
        """Ingest articles read elsewhere (news feeds), each under its key, as files are."""

        async def load(at: int, report: IngestReport) -> list[_Pending]:
            chunk = articles[at : at + CHUNK_ARTICLES]
            stored = await self.store.stored_hashes([key for key, _ in chunk])
            return self._pending(chunk, stored, report)

        return await self._run(len(articles), load)

    async def _run(
        self,
        count: int,
        load: Callable[[int, IngestReport], Awaitable[list[_Pending]]],
        report: IngestReport | None = None,
    ) -> IngestReport:
        """Ingest `count` articles, `load`ed a chunk at a time.

        Chunk k is extracted while chunk k-1 is written, against the people known when
        chunk k-2 was written, so the facts do not depend on timing or on the worker count.
        """
        report = report if report is not None else IngestReport()
        previous: _Chunk | None = None
        async with self._turn, self._extraction(count) as extract_all:
            try:
                for at in range(0, count, CHUNK_ARTICLES):
                    pending = await load(at, report)
                    people = await self._people()
                    articles = [item.article for item in pending]
                    chunk = _Chunk(pending, asyncio.ensure_future(extract_all(articles, people)))
                    if previous is not None:
                        await self._finish(previous, report)
                    previous = chunk
                if previous is not None:
                    await self._finish(previous, report)
            finally:
                if previous is not None and not previous.facts.done():
                    previous.facts.cancel()
        log.info("Ingest: %s", report.summary())
        return report

    async def _scan(self, paths: list[Path], report: IngestReport) -> list[Path]:
        """Find the article files under `paths`, reporting what cannot be read or is passed over."""
        scan = await asyncio.to_thread(scan_article_files, paths)
        if self.missing_aliases is not None:
            self._warn(
                report,
                str(self.missing_aliases),
                "aliases file not found: team names are not merged (set paddock.seeds)",
            )
        for where, reason in scan.problems:
            self._skip(report, where, reason)
        for where, reason in scan.warnings:
            self._warn(report, where, reason)
        for where, same in scan.duplicates:
            self._warn(report, where, f"the same file as {same}, read once")
        return scan.files

    def _skip(self, report: IngestReport, where: str, reason: str) -> None:
        log.warning("Skipped %s: %s", where, reason)
        report.skipped.append((where, reason))
        self._tell(where, f"skipped: {reason}")

    def _warn(self, report: IngestReport, where: str, reason: str) -> None:
        log.warning("%s: %s", where, reason)
        report.warnings.append((where, reason))

    @asynccontextmanager
    async def _extraction(self, files: int) -> AsyncIterator[_ExtractAll]:
        """Yield how to extract many articles: worker processes for a big ingest, else a thread."""
        if self.workers < 2 or files < self.pool_min or not self._poolable():
            yield self._extract_in_thread
            return
        with ProcessPoolExecutor(
            self.workers,
            mp_context=_worker_context(),
            initializer=die_with,
            initargs=(os.getpid(),),
        ) as pool:
            yield partial(self._extract_in_pool, pool)

    def _poolable(self) -> bool:
        """Tell whether worker processes can rebuild these aliases (from their file)."""
        return self.aliases is None or self.aliases_file is not None

    async def _extract_in_thread(
        self, articles: list[Article], people: tuple[Person, ...]
    ) -> _Extracted:
        """Extract articles one after another on a thread."""
        return await asyncio.to_thread(
            extract_many, self.aliases, self.known, people, articles, self.file_budget_s
        )

    async def _extract_in_pool(
        self, pool: ProcessPoolExecutor, articles: list[Article], people: tuple[Person, ...]
    ) -> _Extracted:
        """Extract articles in the worker processes, a slice each."""
        if not articles:
            return []
        if self.pool_broken:
            return await self._extract_in_thread(articles, people)
        loop = asyncio.get_running_loop()
        size = -(-len(articles) // self.workers)
        try:
            done = await asyncio.gather(
                *(
                    loop.run_in_executor(
                        pool,
                        extract_in_worker,
                        self.aliases_file,
                        people,
                        articles[at : at + size],
                        self.file_budget_s,
                    )
                    for at in range(0, len(articles), size)
                )
            )
        except BrokenProcessPool:  # a worker died (killed, out of memory): go on without them
            log.warning("Ingest: an extraction worker died; extracting on in this process")
            self.pool_broken = True
            return await self._extract_in_thread(articles, people)
        return [facts for part in done for facts in part]

    async def _compare(self, files: list[Path], report: IngestReport) -> list[_Pending]:
        """Read a chunk of files and return the new or changed articles among them."""
        read = await asyncio.to_thread(_read_all, files)
        stored = await self.store.stored_hashes([str(path) for path in files])
        return self._pending(
            [(str(path), item) for path, item in zip(files, read, strict=True)], stored, report
        )

    def _pending(
        self,
        keyed: Sequence[tuple[str, Article | ArticleError]],
        stored: dict[str, str],
        report: IngestReport,
    ) -> list[_Pending]:
        """Return the new or changed articles of a chunk; report the bad and unchanged ones."""
        pending: list[_Pending] = []
        for key, item in keyed:
            if isinstance(item, ArticleError):
                self._skip(report, key, item.reason)
                continue
            fingerprint = f"{item.content_hash}:{self.extractor}"
            if stored.get(key) == fingerprint:
                report.unchanged.append(key)
                continue
            pending.append(_Pending(item, key, fingerprint, replaces=key in stored))
        return pending

    async def _people(self) -> tuple[Person, ...]:
        """Return every person the store knows now (fetching only those new since last time)."""
        last = self.people[-1][0] if self.people else 0
        self.people += [tuple(row) for row in await self.store.fetchall(NEW_PEOPLE_SQL, (last,))]
        return tuple(self.people)

    async def _finish(self, chunk: _Chunk, report: IngestReport) -> None:
        """Wait for a chunk's facts, write it in one transaction, and report its files."""
        pending: list[_Pending] = []
        facts: list[ArticleFacts] = []
        for item, found in zip(chunk.pending, await chunk.facts, strict=True):
            if isinstance(found, ExtractionFailed):
                self._skip(report, item.key, found.reason)
            else:
                pending.append(item)
                facts.append(found)
        if not pending:
            return
        written = await self.store.write(partial(self._write, pending=pending, facts=facts))
        for item, outcome in zip(pending, written, strict=True):
            if isinstance(outcome, str):
                self._skip(report, item.key, outcome)
                continue
            report.article_ids[item.key] = outcome
            (report.updated if item.replaces else report.added).append(item.key)
            self._tell(item.key, "updated" if item.replaces else "added")

    def _write(
        self, db: sqlite3.Connection, pending: list[_Pending], facts: list[ArticleFacts]
    ) -> list[int | str]:
        """Write extracted articles in order (on the writer thread), each in a savepoint.

        An article the database refuses is rolled back alone and its reason returned in its
        place; the others of the chunk are still written.
        """
        now = self.clock.now()
        return [
            _write_one(db, item, found, now) for item, found in zip(pending, facts, strict=True)
        ]

    def _tell(self, name: str, what: str) -> None:
        """Report progress on one file to the caller, if it asked."""
        if self.on_file is not None:
            self.on_file(name, what)


_Extracted = list[ArticleFacts | ExtractionFailed]
_ExtractAll = Callable[[list[Article], tuple[Person, ...]], Awaitable[_Extracted]]


def _write_one(
    db: sqlite3.Connection, item: _Pending, facts: ArticleFacts, now: datetime
) -> int | str:
    """Write one article inside a savepoint; return its id, or why it could not be written."""
    db.execute("SAVEPOINT article")
    try:
        article_id = write_article(
            db, item.article, facts, path=item.key, fingerprint=item.fingerprint, now=now
        )
    except (sqlite3.IntegrityError, sqlite3.DataError, sqlite3.InterfaceError, ValueError) as exc:
        db.execute("ROLLBACK TO article")
        db.execute("RELEASE article")
        log.warning("Not written %s: %s", item.key, exc)
        return f"cannot be stored ({type(exc).__name__}: {' '.join(str(exc).split())})"
    db.execute("RELEASE article")
    return article_id


def _worker_context() -> multiprocessing.context.BaseContext:
    """Return how to start extraction workers: from a fork server where there is one.

    A fork server forks no threads of ours, and its workers start with extraction imported.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "bot.ingest.orphans"])
    return context


def _read_all(files: list[Path]) -> list[Article | ArticleError]:
    """Read many article files; a bad file gives its error in its place."""
    read: list[Article | ArticleError] = []
    for path in files:
        try:
            read.append(read_article(path))
        except ArticleError as exc:
            read.append(exc)
        except Exception as exc:  # a reader bug on one odd file must not cost the others
            log.exception("Reading %s failed", path)
            read.append(ArticleError(path.name, f"cannot be read ({type(exc).__name__}: {exc})"))
    return read


def extract_many(
    aliases: Aliases | None,
    known: KnownPeople,
    people: Iterable[Person],
    articles: list[Article],
    budget_s: float = FILE_BUDGET_S,
) -> list[ArticleFacts | ExtractionFailed]:
    """Learn the people not yet known, then extract each article against those it may name."""
    for entity_id, name, norm in people:
        if entity_id > known.last_id:
            known.add(entity_id, name, norm)
    with Watchdog() as watchdog:
        return [_extract_one(article, aliases, known, watchdog, budget_s) for article in articles]


def _extract_one(
    article: Article,
    aliases: Aliases | None,
    known: KnownPeople,
    watchdog: Watchdog,
    budget_s: float,
) -> ArticleFacts | ExtractionFailed:
    """Extract one article within its time budget; a failure is reported for that file."""
    try:
        with watchdog.budget(budget_s):
            return extract(article, aliases=aliases, known_people=known.relevant(article))
    except BudgetExceeded:
        log.warning("Extraction of %s took over %.3g s: skipped", article.source, budget_s)
        return ExtractionFailed(
            f"extraction took longer than the {budget_s:g} s a file may take; skipped"
        )
    except Exception as exc:  # a bug met on one odd article must not stop the other files
        log.exception("Extraction failed on %s", article.source)
        return ExtractionFailed(f"extraction failed ({type(exc).__name__}: {exc})")


@cache
def _worker_state(aliases_file: Path | None) -> tuple[Aliases | None, KnownPeople]:
    """Return a worker process's aliases and known people (one ingest per pool)."""
    aliases = load_aliases(aliases_file) if aliases_file is not None else None
    return aliases, KnownPeople()


def extract_in_worker(
    aliases_file: Path | None,
    people: tuple[Person, ...],
    articles: list[Article],
    budget_s: float = FILE_BUDGET_S,
) -> _Extracted:
    """Extract a slice of articles in a worker process."""
    aliases, known = _worker_state(aliases_file)
    return extract_many(aliases, known, people, articles, budget_s)
