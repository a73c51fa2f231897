"""Reading feeds: canonical URLs, full content versus summaries, malformed feeds."""

from __future__ import annotations

import pytest

from bot.ingest.feeds import FeedError, canonical_url, html_to_text, page_text, parse_feed

from .fixtures import MALFORMED_FEED, NAV_TEXT, POLE_PAGE_TEXT, imsa_items, page, rss


def test_canonical_urls_drop_tracking_parameters_and_fragments() -> None:
    assert canonical_url("HTTPS://Example.COM/a?id=3&utm_source=x&fbclid=y#top") == (
        "https://example.com/a?id=3"
    )
    assert canonical_url("http://example.com") == "http://example.com/"
    assert canonical_url("mailto:x@example.com") is None


def test_full_content_items_keep_their_text_and_summary_items_do_not() -> None:
    feed = parse_feed(rss("News", imsa_items("http://127.0.0.1:1")).encode(), "http://x/f.xml")
    full, summary = feed.items
    assert feed.title == "News"
    assert full.content is not None and "Anna Keller, Tom Meyer and Luis Ortega" in full.content
    assert full.content.splitlines()[0].startswith("Harbor Motorsport confirmed")
    assert summary.content is None and summary.summary == "Keller was fastest."
    assert full.guid == "harbor-crew" and full.published is not None
    assert full.canonical_url == "http://127.0.0.1:1/news/harbor-crew"


def test_a_malformed_feed_is_an_error() -> None:
    with pytest.raises(FeedError, match="malformed feed"):
        parse_feed(MALFORMED_FEED.encode(), "http://x/f.xml")
    with pytest.raises(FeedError):
        parse_feed(b"just some words", "http://x/f.xml")


def test_html_becomes_one_line_a_paragraph() -> None:
    text = html_to_text("<p>One <b>bold</b> line.</p><script>x()</script><p>Two<br>Three</p>")
    assert text.splitlines() == ["One bold line.", "Two", "Three"]


def test_page_text_drops_the_page_furniture() -> None:
    text = page_text(page("Pole", POLE_PAGE_TEXT).encode(), "http://x/p.html")
    assert "lap of 1:34.512" in text and NAV_TEXT not in text
