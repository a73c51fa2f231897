"""Read article files (.txt, .md, .json) into `Article` values."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

from bot.facts import Article, split_paragraphs
from bot.text import clip

MAX_ARTICLE_BYTES = 1_000_000
MAX_TITLE_CHARS = 256
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".json"})

_DATE_PREFIX = re.compile(r"\A\s*date\s+(\S+)[ \t]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SENTENCE_END = re.compile(
    r"(?<!\bNo\.)(?<!\bNr\.)(?<!\bSt\.)(?<!\bMr\.)(?<!\bDr\.)(?<!\bJr\.)(?<!\b[A-Z]\.)"
    r"(?<=[.!?])\s+(?=[\"“‘'A-Z0-9#])"
)
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


class ArticleError(ValueError):
    """An article file that cannot be read; the message names the file and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


def derive_title(body: str) -> str:
    """Return the headline line when there is one, else the first sentence."""
    lines = split_paragraphs(body)
    if not lines:
        return ""
    first = lines[0]
    looks_like_headline = len(lines) > 1 and len(first) <= 160 and first[-1] not in '.!?:”"'
    if looks_like_headline:
        return first[:MAX_TITLE_CHARS]
    sentence = _SENTENCE_END.split(first, maxsplit=1)[0]
    return clip(sentence, MAX_TITLE_CHARS)


def parse_date(value: str, source: str) -> date:
    """Parse an ISO date (YYYY-MM-DD) or raise an `ArticleError` naming the value."""
    if not _ISO_DATE.fullmatch(value):
        raise ArticleError(source, f"bad date {value!r}: expected YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ArticleError(source, f"bad date {value!r}: {exc}") from None


def decode(raw: bytes, source: str) -> str:
    """Check the raw bytes of an article file and return its text."""
    if len(raw) > MAX_ARTICLE_BYTES:
        raise ArticleError(
            source, f"too large ({len(raw):,} bytes; the limit is {MAX_ARTICLE_BYTES:,})"
        )
    if b"\x00" in raw:
        raise ArticleError(source, "binary file (contains NUL bytes), not a text article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(source, f"not UTF-8 (byte {exc.start} cannot be decoded)") from None
    if not text.strip():
        raise ArticleError(source, "empty file")
    return text


def parse_text(text: str, source: str) -> tuple[date | None, str]:
    """Split an optional leading ``date YYYY-MM-DD`` from the article text."""
    match = _DATE_PREFIX.match(text)
    if not match:
        return None, text.strip()
    return parse_date(match.group(1), source), text[match.end() :].strip()


def parse_markdown(text: str, source: str) -> tuple[date | None, str, str | None]:
    """Read a Markdown article: optional front matter (date, title), then the text."""
    title = None
    published = None
    front = _FRONT_MATTER.match(text)
    if front:
        fields = dict(
            (key.strip().lower(), value.strip().strip("\"'"))
            for key, _, value in (line.partition(":") for line in front.group(1).splitlines())
        )
        if fields.get("date"):
            published = parse_date(fields["date"], source)
        title = fields.get("title") or None
        text = text[front.end() :]
    else:
        published, text = parse_text(text, source)
    lines = text.strip().splitlines()
    if title is None and lines and lines[0].startswith("#"):
        title = lines[0].lstrip("#").strip()
    body = "\n".join(line.lstrip("#").strip() if line.startswith("#") else line for line in lines)
    return published, body.strip(), title


def parse_json(text: str, source: str) -> tuple[date | None, str, str | None, str | None]:
    """Read a JSON article ``{"date", "title", "body", "url"}``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(source, f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ArticleError(source, "JSON article must be an object with date, title, body, url")
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise ArticleError(source, "JSON article has no 'body' text")
    for key in ("date", "title", "url"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ArticleError(source, f"JSON field {key!r} must be a string")
    published = parse_date(data["date"], source) if data.get("date") else None
    return published, body.strip(), data.get("title") or None, data.get("url") or None


def parse_article(raw: bytes, source: str) -> Article:
    """Parse the bytes of an article file named `source` (its suffix picks the format)."""
    text = decode(raw, source)
    suffix = Path(source).suffix.lower()
    title = url = None
    if suffix == ".json":
        published, body, title, url = parse_json(text, source)
    elif suffix == ".md":
        published, body, title = parse_markdown(text, source)
    else:
        published, body = parse_text(text, source)
    if not body:
        raise ArticleError(source, "no text after the date line")
    return Article(
        source=source,
        title=clip(title, MAX_TITLE_CHARS) if title else derive_title(body),
        body=body,
        published=published,
        url=url,
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def read_article(path: Path) -> Article:
    """Read one article file from disk (blocking: call it off the event loop)."""
    try:
        size = path.stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise ArticleError(
                path.name, f"too large ({size:,} bytes; the limit is {MAX_ARTICLE_BYTES:,})"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(path.name, f"cannot be read ({exc.strerror})") from None
    return parse_article(raw, path.name)


def find_article_files(paths: list[Path]) -> list[Path]:
    """Expand files and folders into the sorted list of article files they name (absolute)."""
    found: list[Path] = []
    for path in (p.resolve() for p in paths):
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in ARTICLE_SUFFIXES
            )
        else:
            found.append(path)
    return found
