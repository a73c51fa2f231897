"""The fetcher against a real HTTP server on 127.0.0.1: 304s, errors, timeouts, redirects, caps."""

from __future__ import annotations

import tomllib
from collections.abc import AsyncIterator

import pytest

from bot.ingest.fetch import MAX_REDIRECTS, Fetcher, FetchError
from tests.conftest import REPO
from tests.sources_server import SourceServer

FEED = "application/rss+xml"


@pytest.fixture
async def server() -> AsyncIterator[SourceServer]:
    async with SourceServer() as running:
        running.put("/feed.xml", "<rss version='2.0'><channel/></rss>", FEED)
        yield running


async def test_a_conditional_get_of_an_unchanged_source_is_a_304(server: SourceServer) -> None:
    async with Fetcher.open() as fetcher:
        first = await fetcher.get(server.url("/feed.xml"))
        again = await fetcher.get(
            server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
        )
        server.put(
            "/feed.xml", "<rss version='2.0'><channel><title>new</title></channel></rss>", FEED
        )
        changed = await fetcher.get(
            server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
        )
    assert (first.status, first.content_type, first.not_modified) == (200, FEED, False)
    assert first.etag and first.last_modified and b"<rss" in first.body
    assert again.not_modified and again.body == b""
    assert changed.status == 200 and b"new" in changed.body
    seen = server.seen("/feed.xml")
    assert [r.status for r in seen] == [200, 304, 200]
    assert seen[1].headers["If-None-Match"] == first.etag
    assert seen[1].headers["If-Modified-Since"] == first.last_modified
    assert "If-None-Match" not in seen[0].headers
    assert seen[0].headers["User-Agent"] == "Paddock/0.1.0"


async def test_http_errors_and_timeouts_are_named(server: SourceServer) -> None:
    server.failing["/down.xml"] = 500
    server.slow["/slow.xml"] = 3.0
    server.put("/slow.xml", "<rss/>", FEED)
    async with Fetcher.open(timeout_s=0.5) as fetcher:
        with pytest.raises(FetchError, match=r"HTTP 500") as down:
            await fetcher.get(server.url("/down.xml"))
        with pytest.raises(FetchError, match=r"no answer within 0.5 s"):
            await fetcher.get(server.url("/slow.xml"))
        with pytest.raises(FetchError, match="HTTP 404"):
            await fetcher.get(server.url("/missing.xml"))
    assert down.value.url == server.url("/down.xml")


async def test_redirects_are_followed_a_few_times_only(server: SourceServer) -> None:
    for hop in range(MAX_REDIRECTS):
        server.redirects[f"/hop{hop}"] = (
            f"/hop{hop + 1}" if hop + 1 < MAX_REDIRECTS else "/feed.xml"
        )
    server.redirects["/loop"] = "/loop"
    server.redirects["/ftp"] = "ftp://127.0.0.1/feed.xml"
    async with Fetcher.open() as fetcher:
        followed = await fetcher.get(server.url("/hop0"))
        with pytest.raises(FetchError, match=f"more than {MAX_REDIRECTS} redirects"):
            await fetcher.get(server.url("/loop"))
        with pytest.raises(FetchError, match="non-http"):
            await fetcher.get(server.url("/ftp"))
        with pytest.raises(FetchError, match="not an http"):
            await fetcher.get("file:///etc/passwd")
    assert followed.url == server.url("/feed.xml") and b"<rss" in followed.body
    assert len(server.seen("/loop")) == MAX_REDIRECTS + 1


async def test_a_huge_body_is_cut_off_while_reading(server: SourceServer) -> None:
    server.huge["/huge.xml"] = 20 * 1024 * 1024
    async with Fetcher.open() as fetcher:
        with pytest.raises(FetchError, match="larger than 5,242,880 bytes"):
            await fetcher.get(server.url("/huge.xml"))
        small = await fetcher.get(server.url("/feed.xml"))  # the session is still usable
    assert small.status == 200


async def test_requests_name_paddock_and_its_version_and_send_no_cookies(
    server: SourceServer,
) -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    server.cookies["/feed.xml"] = "session=abc123; Path=/"
    async with Fetcher.open() as fetcher:
        first = await fetcher.get(server.url("/feed.xml"))
        await fetcher.get(
            server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified
        )
    plain, conditional = (r.headers for r in server.seen("/feed.xml"))
    assert plain["User-Agent"] == f"Paddock/{project['version']}"
    assert set(plain) == {"Host", "User-Agent", "Accept", "Accept-Encoding"}
    assert set(conditional) == set(plain) | {"If-None-Match", "If-Modified-Since"}
    assert (conditional["If-None-Match"], conditional["If-Modified-Since"]) == (
        first.etag, first.last_modified,
    )  # fmt: skip
