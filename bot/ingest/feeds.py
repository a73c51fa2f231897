"""News feeds (RSS 0.9x/1.0/2.0, Atom) and linked pages, read into articles.

Parsing is blocking work (feedparser, lxml, trafilatura): callers run these functions off the
event loop (`asyncio.to_thread`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import feedparser
import lxml.html
import trafilatura
from lxml import etree

from bot.articles import MAX_TITLE_CHARS, derive_title
from bot.facts import Article
from bot.text import clip

FEED_KEY_PREFIX = "feed:"
"""Articles from feeds are stored under `feed:<canonical URL>` (files under their path)."""
TRACKING_PARAMS = frozenset(
    {"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "ref", "ref_src"}
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "_hs")
MIN_CONTENT_CHARS = 200
"""Item content shorter than this is a summary: the linked page is read instead."""
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
BLOCK_TAGS = (
    "p", "div", "section", "article", "header", "footer", "li", "ul", "ol", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "tr", "figure", "figcaption", "dd", "dt",
)  # fmt: skip
DROP_TAGS = ("script", "style", "noscript", "template", "iframe", "svg", "form", "nav")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


class FeedError(ValueError):
    """A feed or page that cannot be read; the message says why."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, before its text is settled."""

    guid: str
    link: str | None
    canonical_url: str | None
    title: str
    published: date | None
    content: str | None
    """Full text from the item (content:encoded, Atom content), or None: only a summary."""
    summary: str

    @property
    def key(self) -> str:
        """Return the store key of the article: its canonical URL, else its GUID."""
        return FEED_KEY_PREFIX + (self.canonical_url or self.guid)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its title and its items."""

    title: str
    items: list[FeedItem] = field(default_factory=list)


def canonical_url(url: str | None) -> str | None:
    """Return a URL without tracking parameters (utm_* and others) or fragment, host lowercase."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in TRACKING_PARAMS and not name.lower().startswith(TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), path, urlencode(query, doseq=True), "")
    )


TOLERATED = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
"""Parser complaints that still leave a well-formed feed (a charset or content type mislabel)."""


def parse_feed(data: bytes, url: str, content_type: str = "") -> ParsedFeed:
    """Parse a feed document; raise `FeedError` when it is malformed or not a feed."""
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    # No sanitising or URI rewriting of the items' HTML: it is read as text (`html_to_text`,
    # scripts and styles dropped) and never shown as HTML; that work was half the parse time.
    parsed = feedparser.parse(
        data, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, TOLERATED):
        raise FeedError(f"malformed feed ({_reason(problem)})")
    if not parsed.get("version") and not parsed.entries:
        raise FeedError("not an RSS or Atom feed")
    title = str(parsed.feed.get("title") or urlsplit(url).hostname or url).strip()
    return ParsedFeed(title, [_item(entry, url) for entry in parsed.entries])


def _reason(problem: object) -> str:
    """Return a one-line reason for a parser exception."""
    text = str(problem).strip().splitlines()[0] if str(problem).strip() else ""
    return text or type(problem).__name__


def _item(entry: Any, feed_url: str) -> FeedItem:
    """Read one feed entry."""
    link = entry.get("link") or None
    canonical = canonical_url(link)
    title = str(entry.get("title") or "").strip()
    summary = html_to_text(str(entry.get("summary") or ""))
    guid = str(entry.get("id") or "").strip() or canonical or _digest(f"{title}\n{summary}")
    return FeedItem(
        guid=guid,
        link=link,
        canonical_url=canonical,
        title=title,
        published=_published(entry),
        content=_full_content(entry),
        summary=summary,
    )


def _full_content(entry: Any) -> str | None:
    """Return the item's full text (content:encoded or Atom content), or None."""
    parts = [str(part.get("value") or "") for part in entry.get("content") or []]
    text = "\n".join(html_to_text(part) for part in parts if part.strip()).strip()
    return text if len(text) >= MIN_CONTENT_CHARS else None


def _published(entry: Any) -> date | None:
    """Return the item's publication (or update) day in UTC."""
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not stamp:
        return None
    year, month, day, hour, minute, second = stamp[:6]
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC).date()


def html_to_text(markup: str) -> str:
    """Return the text of an HTML fragment: one line a paragraph, scripts and styles dropped."""
    if "<" not in markup:
        return "\n".join(_lines(lxml.html.fromstring(f"<p>{markup}</p>").text_content()))
    try:
        root = lxml.html.fromstring(f"<div>{markup}</div>")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("|".join(f"//{tag}" for tag in DROP_TAGS)):
        bad.drop_tree()
    for element in root.iter(*BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return "\n".join(_lines(root.text_content()))


def _lines(text: str) -> list[str]:
    """Return the non-empty lines of text with runs of spaces collapsed."""
    return [line for line in (_SPACES.sub(" ", raw).strip() for raw in text.splitlines()) if line]


def page_text(html: bytes, url: str) -> str:
    """Return a page's main text (navigation, banners, related links, footers dropped)."""
    text = trafilatura.extract(
        html,
        url=url,
        include_comments=False,
        include_tables=False,
        include_links=False,
        favor_precision=True,
        deduplicate=True,
    )
    if not text or not text.strip():
        raise FeedError("no article text found on the page")
    return "\n".join(_lines(text))


def is_html(content_type: str) -> bool:
    """Return whether a response's content type is an HTML page."""
    return content_type in HTML_TYPES


def item_article(item: FeedItem, body: str, source: str, series: str | None) -> Article:
    """Return the article of a feed item, with its URL, date, source name and series."""
    title = clip(item.title, MAX_TITLE_CHARS) if item.title else derive_title(body)
    url = item.canonical_url or item.link
    digest = _digest(f"{title}\n{item.published}\n{url}\n{series}\n{body}")
    return Article(
        source=source,
        title=title,
        body=body,
        published=item.published,
        url=url,
        content_hash=digest,
        series=series,
    )


def item_hash(item: FeedItem) -> str:
    """Return a hash of what the feed says about an item (a change re-reads it)."""
    return _digest(f"{item.title}\n{item.published}\n{item.link}\n{item.content}\n{item.summary}")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
