"""`paddock refresh` and `paddock sources` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import socket
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import REPO, SEEDS
from tests.sources_server import SourceServer

from .fixtures import (
    COOKIE_TEXT,
    FOOTER_TEXT,
    MALFORMED_FEED,
    NAV_TEXT,
    POLE_PAGE_TEXT,
    imsa_items,
    page,
    rss,
    season_2027,
)

RSS = "application/rss+xml"
ICS = "text/calendar"


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def paddock(config: Path, *args: str) -> tuple[int, str, str]:
    """Run the real `paddock` command line (the server keeps serving meanwhile)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--config", str(config), *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=str(REPO),
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    return int(proc.returncode or 0), out.decode(), err.decode()


def write_config(tmp_path: Path, feeds: list[str], calendars: list[str]) -> Path:
    lines = [
        "[paddock]",
        f'database = "{tmp_path / "paddock.db"}"',
        f'seeds = "{SEEDS}"',
        "",
    ]
    for url in feeds:
        lines += ["[[feeds]]", f'url = "{url}"', 'series = "IMSA"', ""]
    for url in calendars:
        lines += ["[[calendars]]", f'url = "{url}"', 'series = "IMSA"', "poll_hours = 6", ""]
    path = tmp_path / "paddock.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.fixture
async def server() -> SourceServer:
    async with SourceServer() as running:
        base = running.url("")
        running.put("/imsa.xml", rss("IMSA Test News", imsa_items(base)), RSS)
        running.put(
            "/news/keller-pole.html", page("Keller takes pole", POLE_PAGE_TEXT), "text/html"
        )
        running.put("/broken.xml", MALFORMED_FEED, RSS)
        running.put("/imsa.ics", season_2027(), ICS)
        yield running


def articles(db: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(
            "SELECT id, path, source, title, body, url, published, series FROM articles ORDER BY id"
        ).fetchall()


async def test_refresh_reads_feeds_and_calendars_and_names_what_failed(
    server: SourceServer, tmp_path: Path
) -> None:
    unreachable = f"http://127.0.0.1:{closed_port()}/gone.xml"
    config = write_config(
        tmp_path,
        [server.url("/imsa.xml"), server.url("/broken.xml"), unreachable],
        [server.url("/imsa.ics")],
    )
    code, out, err = await paddock(config, "refresh")

    assert code == 1
    assert "Traceback" not in out + err
    assert unreachable in err and server.url("/broken.xml") in err
    assert server.url("/imsa.xml") not in err
    lines = {line.split(": ")[0]: line for line in out.splitlines() if not line.startswith(" ")}
    assert lines[f"feed {server.url('/imsa.xml')}"].endswith(
        "articles 2 added, 0 updated, 0 unchanged"
    )
    assert "malformed feed" in lines[f"feed {server.url('/broken.xml')}"]
    assert "cannot connect" in lines[f"feed {unreachable}"]
    assert "events 2 added" in lines[f"calendar {server.url('/imsa.ics')}"]

    stored = articles(tmp_path / "paddock.db")
    assert [a["title"] for a in stored] == [
        "Harbor Motorsport names its Rolex 24 crew",
        "Keller takes pole at the Roar",
    ]
    crew, pole = stored
    assert crew["url"] == server.url("/news/harbor-crew")  # tracking parameters dropped
    assert pole["url"] == server.url("/news/keller-pole.html")  # fragment dropped
    assert (crew["source"], crew["series"], crew["published"]) == (
        "IMSA Test News", "IMSA", "2027-01-10",
    )  # fmt: skip
    assert "Anna Keller, Tom Meyer and Luis Ortega" in crew["body"]
    # the summary-only item was read from its linked page, without the page's furniture
    assert "lap of 1:34.512" in pole["body"]
    for furniture in (NAV_TEXT, COOKIE_TEXT, FOOTER_TEXT, "Other story one", "Home"):
        assert furniture not in pole["body"]
    assert "Keller was fastest." not in pole["body"]

    code, out, _ = await paddock(config, "ask", "/lineup car:77", "--json")
    answer = json.loads(out)
    assert code == 0, out
    text = json.dumps(answer["sections"])
    for driver in ("Anna Keller", "Tom Meyer", "Luis Ortega"):
        assert driver in text
    assert [s["url"] for s in answer["sources"]] == [server.url("/news/harbor-crew")]

    code, out, _ = await paddock(config, "ask", "/lineup car:77")
    assert server.url("/news/harbor-crew") in out  # the console shows the link

    code, out, _ = await paddock(config, "ask", "/next", "--now", "2027-01-20T12:00Z", "--json")
    answer = json.loads(out)
    assert code == 0, out
    race = datetime(2027, 1, 30, 13, 30, tzinfo=ZoneInfo("America/New_York"))
    quali = datetime(2027, 1, 28, 15, 15, tzinfo=ZoneInfo("America/New_York"))
    assert answer["title"] == "Rolex 24 At Daytona"
    race_at, quali_at = race.astimezone(UTC).isoformat(), quali.astimezone(UTC).isoformat()
    assert {"timestamp": race_at, "style": "R"} in answer["description_spans"]
    shown = {s["name"]: s.get("spans") for s in answer["sections"]}
    assert shown["Qualifying"][0] == {"timestamp": quali_at, "style": "F"}
    assert shown["Race"][0] == {"timestamp": race_at, "style": "F"}
    assert answer["data"]["race"]["start_utc"] == race.astimezone(UTC).isoformat()

    # a second refresh adds nothing and costs conditional GETs answered 304
    before = len(server.requests)
    code, out, _ = await paddock(config, "refresh")
    assert code == 1
    assert len(articles(tmp_path / "paddock.db")) == 2
    for path in ("/imsa.xml", "/imsa.ics"):
        again = server.seen(path)[-1]
        assert again.status == 304
        assert "If-None-Match" in again.headers and "If-Modified-Since" in again.headers
        assert again.headers["User-Agent"].startswith("Paddock/")
        assert f"{server.url(path)}: not modified (304)" in out
    assert not [r for r in server.requests[before:] if r.path == "/news/keller-pole.html"]

    code, out, _ = await paddock(config, "sources")
    assert code == 0
    by_url = {line.split()[1]: line for line in out.splitlines()}
    assert "last error none, 2 items" in by_url[server.url("/imsa.xml")]
    assert "last success never" in by_url[unreachable] and "cannot connect" in by_url[unreachable]
    assert "2 events" in by_url[server.url("/imsa.ics")]


async def test_a_changed_item_replaces_its_article_and_a_copy_is_not_read_twice(
    server: SourceServer, tmp_path: Path
) -> None:
    base = server.url("")
    copy = {
        **imsa_items(base)[0],
        "guid": "other-guid",
        "link": f"{base}/news/harbor-crew?utm_campaign=x",
    }
    server.put("/other.xml", rss("Other News", [copy]), RSS)
    config = write_config(tmp_path, [server.url("/imsa.xml"), server.url("/other.xml")], [])
    code, out, err = await paddock(config, "refresh")
    assert code == 0, out + err
    first = articles(tmp_path / "paddock.db")
    assert len(first) == 2  # the copy in the other feed (same canonical URL) is not a third

    items = imsa_items(base)
    items[0]["content"] = items[0]["content"].replace("Luis Ortega", "Maria Lind")
    server.put("/imsa.xml", rss("IMSA Test News", items), RSS)
    code, out, _ = await paddock(config, "refresh")
    assert code == 0
    assert f"feed {server.url('/imsa.xml')}: articles 0 added, 1 updated, 1 unchanged" in out
    second = articles(tmp_path / "paddock.db")
    assert [a["id"] for a in second] == [a["id"] for a in first]  # the citation stays valid
    code, out, _ = await paddock(config, "ask", "/lineup car:77", "--json")
    text = json.dumps(json.loads(out)["sections"])
    assert "Maria Lind" in text and "Luis Ortega" not in text


async def test_bad_pages_are_named_and_the_other_items_still_go_in(
    server: SourceServer, tmp_path: Path
) -> None:
    base = server.url("")
    items = [
        *imsa_items(base),
        {"title": "Entry list", "link": f"{base}/entry.pdf", "guid": "pdf", "summary": "PDF"},
        {"title": "Slow page", "link": f"{base}/slow.html", "guid": "slow", "summary": "slow"},
    ]
    server.put("/imsa.xml", rss("IMSA Test News", items), RSS)
    server.put("/entry.pdf", b"%PDF-1.4 not a page", "application/pdf")
    server.slow["/slow.html"] = 15.0
    server.put("/slow.html", page("Slow", POLE_PAGE_TEXT), "text/html")
    config = write_config(tmp_path, [server.url("/imsa.xml")], [])
    code, out, _ = await paddock(config, "refresh")
    assert code == 0  # the feed was read; two of its items were not
    assert "articles 2 added, 0 updated, 0 unchanged, 2 skipped" in out
    assert f"skipped {base}/entry.pdf: linked page is not HTML (application/pdf)" in out
    assert f"skipped {base}/slow.html: linked page: no answer within 10 s" in out
    assert len(articles(tmp_path / "paddock.db")) == 2
    # the feed's validators were not kept, so the next poll reads it again and retries them
    del server.slow["/slow.html"]
    code, out, _ = await paddock(config, "refresh")
    assert "articles 1 added, 0 updated, 2 unchanged, 1 skipped" in out
    assert server.seen("/imsa.xml")[-1].status == 200
