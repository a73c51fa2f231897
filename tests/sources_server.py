"""A real HTTP server on 127.0.0.1 serving feeds, pages and calendars for tests and the bench.

Each path serves what `put` gave it, with an ETag and a Last-Modified, and answers a matching
conditional GET with a real 304. Special behaviours: `fail` (an HTTP status), `slow` (sleeps
before answering), `redirect` (a Location to another path), `huge` (streams a body of that many
bytes without Content-Length), `cookies` (a Set-Cookie header). Every request is recorded with
its headers and the status sent.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

from aiohttp import web

HUGE_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True)
class Seen:
    """One request the server answered."""

    path: str
    headers: dict[str, str]
    status: int


@dataclass(slots=True)
class _Doc:
    body: bytes
    content_type: str
    etag: str
    modified: str


@dataclass(slots=True)
class SourceServer:
    """The server: `async with SourceServer() as server`, then `server.url('/feed.xml')`."""

    docs: dict[str, _Doc] = field(default_factory=dict)
    failing: dict[str, int] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    huge: dict[str, int] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None
    _version: int = 0

    async def __aenter__(self) -> SourceServer:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        sockets = site._server.sockets if site._server else []  # type: ignore[union-attr]
        self.port = sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def put(self, path: str, body: str | bytes, content_type: str) -> None:
        """Serve `body` at `path` (a new version: new ETag and Last-Modified)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self._version += 1
        stamp = datetime(2027, 1, 1, tzinfo=UTC).timestamp() + self._version * 60
        self.docs[path] = _Doc(
            data,
            content_type,
            f'"{hashlib.sha256(data).hexdigest()[:16]}"',
            format_datetime(datetime.fromtimestamp(stamp, UTC), usegmt=True),
        )

    def seen(self, path: str) -> list[Seen]:
        return [r for r in self.requests if r.path == path]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        status = await self._answer(request, path)
        self.requests.append(Seen(path, dict(request.headers), status.status))
        return status

    async def _answer(self, request: web.Request, path: str) -> web.StreamResponse:
        if path in self.slow:
            await asyncio.sleep(self.slow[path])
        if path in self.failing:
            return web.Response(status=self.failing[path], text="server trouble")
        if path in self.redirects:
            return web.Response(status=302, headers={"Location": self.redirects[path]})
        if path in self.huge:
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            sent = 0
            chunk = b"<" * HUGE_CHUNK
            try:
                while sent < self.huge[path]:
                    await response.write(chunk)
                    sent += len(chunk)
            except (ConnectionError, RuntimeError):
                pass  # the client stopped reading
            return response
        doc = self.docs.get(path)
        if doc is None:
            return web.Response(status=404, text="not found")
        headers = {"ETag": doc.etag, "Last-Modified": doc.modified}
        if path in self.cookies:
            headers["Set-Cookie"] = self.cookies[path]
        if request.headers.get("If-None-Match") == doc.etag or (
            "If-None-Match" not in request.headers
            and request.headers.get("If-Modified-Since") == doc.modified
        ):
            return web.Response(status=304, headers=headers)
        return web.Response(body=doc.body, headers={**headers, "Content-Type": doc.content_type})
