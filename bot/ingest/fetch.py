"""Fetch operator-configured sources over HTTP: bounded, polite and conditional.

Every request names Paddock and its version (User-Agent), sends no cookies, goes only to
http(s) URLs, follows at most `MAX_REDIRECTS` redirects (each checked again), gives up after
`TIMEOUT_S`, and stops reading a body past `MAX_BODY_BYTES` (counted while reading, whatever
Content-Length says). At most
`CONCURRENCY` requests run at once. A source's ETag and Last-Modified are sent back, so an
unchanged source answers 304 Not Modified with no body.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import aiohttp

from bot import __version__

log = logging.getLogger(__name__)

USER_AGENT = f"Paddock/{__version__}"
"""The project's name and version (pyproject.toml declares no project URL to name)."""
TIMEOUT_S = 10.0
"""Whole request, redirects included (seconds)."""
MAX_BODY_BYTES = 5 * 1024 * 1024
"""Largest body read (bytes); a bigger one fails the request."""
MAX_REDIRECTS = 5
CONCURRENCY = 4
"""Requests in flight at once, over every source."""
READ_CHUNK_BYTES = 64 * 1024
ALLOWED_SCHEMES = ("http", "https")
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
NOT_MODIFIED = 304


class FetchError(Exception):
    """A source could not be fetched: the message says why, the URL is kept."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Fetched:
    """What a GET returned: a body, or `not_modified` after a conditional GET."""

    url: str
    """The final URL, after redirects."""
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        """Return whether the server said the source is unchanged (304)."""
        return self.status == NOT_MODIFIED


def check_url(url: str) -> None:
    """Raise a `FetchError` unless `url` is an http(s) URL with a host."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.hostname:
        raise FetchError(url, "not an http(s) URL")


class Fetcher:
    """An HTTP client for sources: one session, a bound on requests in flight."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        *,
        timeout_s: float = TIMEOUT_S,
        max_bytes: int = MAX_BODY_BYTES,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self._session = session
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self._slots = asyncio.Semaphore(concurrency)

    @classmethod
    @asynccontextmanager
    async def open(cls, **options: float) -> AsyncIterator[Fetcher]:
        """Open a fetcher (its HTTP session closes after the block)."""
        connector = aiohttp.TCPConnector(limit=int(options.get("concurrency", CONCURRENCY)))
        async with aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": USER_AGENT},
            cookie_jar=aiohttp.DummyCookieJar(),  # cookies a site sets are never sent back
            auto_decompress=True,
        ) as session:
            yield cls(
                session,
                timeout_s=float(options.get("timeout_s", TIMEOUT_S)),
                max_bytes=int(options.get("max_bytes", MAX_BODY_BYTES)),
                concurrency=int(options.get("concurrency", CONCURRENCY)),
            )

    async def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """GET `url` (conditionally when validators are given); raise `FetchError` on failure."""
        check_url(url)
        async with self._slots:
            try:
                async with asyncio.timeout(self.timeout_s):
                    return await self._follow(url, etag, last_modified)
            except TimeoutError:
                raise FetchError(url, f"no answer within {self.timeout_s:g} s") from None
            except aiohttp.ClientError as exc:
                raise FetchError(url, _describe(exc)) from None

    async def _follow(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        """Request `url`, following at most `MAX_REDIRECTS` redirects to http(s) URLs."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            async with self._session.get(
                current, headers=headers, allow_redirects=False
            ) as response:
                if response.status in REDIRECT_STATUSES:
                    target = response.headers.get("Location")
                    if not target:
                        raise FetchError(url, f"HTTP {response.status} without a Location")
                    current = urljoin(current, target)
                    try:
                        check_url(current)
                    except FetchError:
                        raise FetchError(
                            url, f"redirected to a non-http(s) URL {current}"
                        ) from None
                    continue
                return await self._read(url, current, response)
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")

    async def _read(self, url: str, final: str, response: aiohttp.ClientResponse) -> Fetched:
        """Read a final response's body within the size cap."""
        etag = response.headers.get("ETag")
        modified = response.headers.get("Last-Modified")
        if response.status == NOT_MODIFIED:
            return Fetched(final, NOT_MODIFIED, etag=etag, last_modified=modified)
        if response.status >= 400:
            raise FetchError(url, f"HTTP {response.status} {response.reason or ''}".rstrip())
        body = bytearray()
        async for chunk in response.content.iter_chunked(READ_CHUNK_BYTES):
            body += chunk
            if len(body) > self.max_bytes:
                raise FetchError(url, f"larger than {self.max_bytes:,} bytes; not read further")
        return Fetched(
            final,
            response.status,
            bytes(body),
            response.headers.get("Content-Type", "").split(";")[0].strip().lower(),
            etag=etag,
            last_modified=modified,
        )


def _describe(exc: aiohttp.ClientError) -> str:
    """Return a short reason for a client error (no traceback)."""
    if isinstance(exc, aiohttp.ClientConnectorError):
        return f"cannot connect ({exc.os_error.strerror or exc.os_error})"
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}" if text != type(exc).__name__ else text
