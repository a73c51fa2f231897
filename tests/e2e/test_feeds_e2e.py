"""News feeds end to end: the real bot polls a local feed and posts each new article once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.feeds.fixtures import LINEUP_TEXT, rss
from tests.sources_server import SourceServer

from .conftest import OTHER_CHANNEL_ID, StartPaddock, write_paddock_config
from .emulator import Emulator, Fault
from .test_paddock_e2e import answer_text

pytestmark = pytest.mark.e2e
POLL_MINUTES = 0.02  # 1.2 s: the feed is polled many times during the test
RSS = "application/rss+xml"


def item(n: int, base: str) -> dict[str, str]:
    return {
        "title": f"Harbor Motorsport story {n}",
        "link": f"{base}/news/story-{n}?utm_source=rss",
        "guid": f"story-{n}",
        "content": LINEUP_TEXT.replace("Monday", f"day {n}"),
    }


@pytest.fixture
async def server() -> AsyncIterator[SourceServer]:
    async with SourceServer() as running:
        running.put("/news.xml", rss("Harbor News", [item(1, running.url(""))]), RSS)
        yield running


async def test_each_new_feed_item_posts_once_with_a_link_across_a_restart(
    paddock_emu: Emulator, start_paddock: StartPaddock, server: SourceServer, tmp_path: Path
) -> None:
    emu, base = paddock_emu, server.url("")
    config = write_paddock_config(tmp_path / "paddock")
    with config.open("a", encoding="utf-8") as out:
        out.write(f'\n[[feeds]]\nurl = "{server.url("/news.xml")}"\nseries = "IMSA"\n')
        out.write(f"poll_minutes = {POLL_MINUTES}\n")
    bot = await start_paddock(emu, name="news")
    await bot.guard(
        emu.wait_until(lambda: len(server.seen("/news.xml")) >= 2, 10.0, "two polls"), 11
    )
    news = await emu.invoke("config news", {"channel": OTHER_CHANNEL_ID})
    assert f"<#{OTHER_CHANNEL_ID}>" in answer_text(news)

    def posts() -> list[dict[str, object]]:
        return emu.channel_messages(OTHER_CHANNEL_ID)

    server.put("/news.xml", rss("Harbor News", [item(n, base) for n in (1, 2)]), RSS)
    await bot.guard(emu.wait_until(lambda: len(posts()) >= 1, 15.0, "the news post"), 16.0)
    await bot.stop()
    server.put("/news.xml", rss("Harbor News", [item(n, base) for n in (1, 2, 3)]), RSS)
    bot = await start_paddock(emu, name="news-again")
    await bot.guard(emu.wait_until(lambda: len(posts()) >= 2, 15.0, "the second post"), 16.0)
    polls = len(server.seen("/news.xml"))
    await bot.guard(
        emu.wait_until(lambda: len(server.seen("/news.xml")) >= polls + 3, 15.0, "more polls"), 16
    )

    embeds = [m["embeds"][0] for m in posts()]  # type: ignore[index]
    assert [e["title"] for e in embeds] == [
        "Harbor Motorsport story 2",
        "Harbor Motorsport story 3",
    ]
    assert [e["url"] for e in embeds] == [f"{base}/news/story-2", f"{base}/news/story-3"]
    fields = " ".join(f["value"] for e in embeds for f in e["fields"])
    assert "Anna Keller, Tom Meyer, Luis Ortega" in fields
    assert all(m["_allowed_mentions"] == {"parse": []} for m in posts())
    assert 304 in {r.status for r in server.seen("/news.xml")}


@dataclass
class SkipFirst(Fault):
    """A fault that lets the first matching request through and applies to the next ones."""

    let_through: int = 1

    def matches(self, method: str, path: str) -> bool:
        """Return whether the fault applies (never to the first `let_through` requests)."""
        if not super().matches(method, path):
            return False
        if self.let_through > 0:
            self.let_through -= 1
            return False
        return True


async def test_news_of_one_poll_arrive_once_each_across_a_kill_mid_delivery(
    paddock_emu: Emulator, start_paddock: StartPaddock, server: SourceServer, tmp_path: Path
) -> None:
    """SIGKILL while a poll's three news posts go out: the second was created, its answer lost."""
    emu, base = paddock_emu, server.url("")
    config = write_paddock_config(tmp_path / "paddock")
    with config.open("a", encoding="utf-8") as out:
        out.write(f'\n[[feeds]]\nurl = "{server.url("/news.xml")}"\nseries = "IMSA"\n')
        out.write(f"poll_minutes = {POLL_MINUTES}\n")
    bot = await start_paddock(emu, name="news-before-kill")
    await bot.guard(  # the second poll starts after the first was saved: story 1 is old news
        emu.wait_until(lambda: len(server.seen("/news.xml")) >= 2, 10.0, "two polls"), 11
    )
    await emu.invoke("config news", {"channel": OTHER_CHANNEL_ID})
    path = f"/channels/{OTHER_CHANNEL_ID}/messages"
    stall = SkipFirst("POST", path, 0, 0.0, 1, handle_first=True, stall_s=30.0)
    emu.faults.append(stall)

    def posts() -> list[dict[str, object]]:
        return emu.channel_messages(OTHER_CHANNEL_ID)

    def attempts() -> list[Any]:
        return [r for r in emu.requests if r.method == "POST" and r.path == path]

    # One poll brings three new items: three news posts queued in one transaction.
    server.put("/news.xml", rss("Harbor News", [item(n, base) for n in (1, 2, 3, 4)]), RSS)
    await bot.guard(emu.wait_until(lambda: emu.stalled, 20.0, "the second news post"), 21.0)
    await bot.kill()
    assert bot.returncode == -9
    emu.release_stalled()
    assert len(posts()) == 2  # the first, and the second whose answer never came back

    restarted = await start_paddock(emu, name="news-after-kill")
    await restarted.guard(emu.wait_until(lambda: len(posts()) >= 3, 20.0, "the third"), 21.0)
    polls = len(server.seen("/news.xml"))
    await restarted.guard(
        emu.wait_until(lambda: len(server.seen("/news.xml")) >= polls + 3, 15.0, "more polls"), 16
    )

    embeds = [m["embeds"][0] for m in posts()]  # type: ignore[index]
    assert [e["title"] for e in embeds] == [f"Harbor Motorsport story {n}" for n in (2, 3, 4)]
    assert [e["url"] for e in embeds] == [f"{base}/news/story-{n}" for n in (2, 3, 4)]
    tries = attempts()
    # Story 3's attempt was cut short: after the restart it was found in the channel (the
    # history was read), not sent again, so it arrives once whatever Discord's nonce window.
    assert len(tries) == 3
    assert any(r.method == "GET" and r.path == path for r in emu.requests)
    assert len({r.json["nonce"] for r in tries}) == 3
    assert emu.deduplicated == []
    assert all(m["_allowed_mentions"] == {"parse": []} for m in posts())
