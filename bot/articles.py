"""Read article files (.txt, .md, .json) into `Article` values."""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.facts import Article, split_paragraphs
from bot.text import clip, sentence_stop_pattern

log = logging.getLogger(__name__)

MAX_ARTICLE_BYTES = 1_000_000
MAX_TITLE_CHARS = 256
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".json"})

_DATE_PREFIX = re.compile(r"\A\s*date\s+(\S+)[ \t]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SENTENCE_END = re.compile(rf"{sentence_stop_pattern()}\s+(?=[\"“‘'A-Z0-9#])")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_NEWLINES = re.compile(r"\r\n?")
JSON_SHAPE = 'an object {"date", "title", "body", "url"} of strings'
MAX_SHOWN_CHARS = 40
"""A bad value longer than this is cut in error messages."""


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
    end = _SENTENCE_END.search(first)
    sentence = first[: end.start() + 1] if end else first
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
    return _NEWLINES.sub("\n", text)


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
    data = _load_json(text, source)
    if not isinstance(data, dict):
        raise ArticleError(source, "JSON article must be an object with date, title, body, url")
    for key in ("date", "title", "body", "url"):
        if data.get(key) is not None:
            _check_json_text(data[key], key, source)
    body = data.get("body")
    if not isinstance(body, str) or not body.strip():
        raise ArticleError(source, "JSON article has no 'body' text")
    published = parse_date(data["date"], source) if data.get("date") else None
    body = _NEWLINES.sub("\n", body).strip()
    return published, body, data.get("title") or None, data.get("url") or None


def _load_json(text: str, source: str) -> object:
    """Parse JSON text; nesting too deep or a number too long is an `ArticleError`."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArticleError(source, f"invalid JSON at line {exc.lineno}: {exc.msg}") from None
    except RecursionError:
        raise ArticleError(
            source, f"invalid JSON article: nested too deeply; expected {JSON_SHAPE}"
        ) from None
    except ValueError as exc:  # an integer longer than Python converts (int_max_str_digits)
        digits = re.search(r"has (\d+) digits", str(exc))
        what = f"a number of {int(digits.group(1)):,} digits" if digits else str(exc)
        raise ArticleError(
            source,
            f"invalid JSON article: {what}; expected {JSON_SHAPE}",
        ) from None


def _check_json_text(value: object, key: str, source: str) -> None:
    """Check a JSON field is a string SQLite and Discord can take (no NUL, no lone surrogate)."""
    if not isinstance(value, str):
        raise ArticleError(source, f"JSON field {key!r} must be a string")
    if "\x00" in value:
        raise ArticleError(source, f"JSON field {key!r} contains a NUL character (\\u0000)")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        code = ord(value[exc.start])
        raise ArticleError(
            source, f"JSON field {key!r} has a lone surrogate (\\u{code:04x}), not text"
        ) from None


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


def read_regular_file(path: Path, limit: int, source: str | None = None) -> bytes:
    """Return the bytes of a regular file of at most `limit` bytes, else an `ArticleError`.

    The file is opened without blocking (a FIFO does not wait for a writer), checked to be a
    regular file once open (a link to /dev/zero is refused), and its size is counted while
    reading, not taken from `st_size`.
    """
    name = source or path.name
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise ArticleError(name, f"cannot be read ({_reason(exc)})") from None
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ArticleError(name, f"not a regular file ({file_kind(mode)}), not read")
        os.set_blocking(fd, True)  # a regular file: read it whole, as usual
        try:
            raw = handle.read(limit + 1)
        except OSError as exc:
            raise ArticleError(name, f"cannot be read ({_reason(exc)})") from None
    if len(raw) > limit:
        raise ArticleError(name, f"too large (over {limit:,} bytes; the limit is {limit:,})")
    return raw


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link loop"
    return exc.strerror or str(exc)


def file_kind(mode: int) -> str:
    """Name the kind of a file from its mode, e.g. 'a FIFO'."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def read_article(path: Path) -> Article:
    """Read one article file from disk (blocking: call it off the event loop)."""
    return parse_article(read_regular_file(path, MAX_ARTICLE_BYTES), path.name)


@dataclass(slots=True)
class FileScan:
    """The article files some paths name, and what could not be looked at."""

    files: list[Path] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    """Arguments that cannot be read: (path, reason); each is a file skipped."""
    warnings: list[tuple[str, str]] = field(default_factory=list)
    """What a folder walk passed over: unreadable folders, dangling links, FIFOs."""
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    """Files reached twice (by another path or link): (path, the path it is the same as)."""


def scan_article_files(paths: list[Path]) -> FileScan:
    """Expand files and folders into the article files they name, once each, sorted.

    A file's identity is its resolved path (symbolic links followed), and two paths to the
    same file on disk (hard links, bind mounts) are one file: the first path found is kept.
    """
    scan = FileScan()
    seen: dict[tuple[int, int], Path] = {}
    for arg in paths:
        try:
            path = Path(os.path.realpath(arg, strict=True))
            info = path.stat()
        except (OSError, RuntimeError) as exc:
            reason = _reason(exc) if isinstance(exc, OSError) else "a symbolic link loop"
            scan.problems.append((str(arg), f"cannot be read ({reason})"))
            continue
        if stat.S_ISDIR(info.st_mode):
            for found, found_info in _walk(path, scan):
                _keep(scan, seen, found, found_info)
        else:
            _keep(scan, seen, path, info)
    return scan


def _keep(
    scan: FileScan, seen: dict[tuple[int, int], Path], path: Path, info: os.stat_result
) -> None:
    """Add a file unless the same file (device and inode) is already in."""
    key = (info.st_dev, info.st_ino)
    if key in seen:
        scan.duplicates.append((str(path), str(seen[key])))
        return
    seen[key] = path
    scan.files.append(path)


def _walk(folder: Path, scan: FileScan) -> list[tuple[Path, os.stat_result]]:
    """Return the article files under a folder (links followed), warning on what is passed over."""
    found: list[tuple[Path, os.stat_result]] = []
    visited: set[tuple[int, int]] = set()

    def on_error(exc: OSError) -> None:
        scan.warnings.append((str(exc.filename), f"folder not read ({_reason(exc)})"))

    for root, dirs, names in os.walk(folder, onerror=on_error, followlinks=True):
        try:
            here = os.stat(root)
        except OSError as exc:  # gone or unreadable since it was listed
            scan.warnings.append((root, f"folder not read ({_reason(exc)})"))
            dirs[:] = []
            continue
        if (here.st_dev, here.st_ino) in visited:
            dirs[:] = []
            continue
        visited.add((here.st_dev, here.st_ino))
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.suffix not in ARTICLE_SUFFIXES:
                continue
            try:
                info = path.stat()
            except OSError as exc:
                what = "dangling link" if path.is_symlink() else "cannot be read"
                scan.warnings.append((str(path), f"{what} ({_reason(exc)}), not read"))
                continue
            if not stat.S_ISREG(info.st_mode):
                scan.warnings.append((str(path), f"{file_kind(info.st_mode)}, not read"))
                continue
            found.append((Path(os.path.realpath(path)), info))
    return sorted(found, key=lambda item: item[0])


def find_article_files(paths: list[Path]) -> list[Path]:
    """Expand files and folders into the sorted list of article files they name (absolute)."""
    scan = scan_article_files(paths)
    for where, reason in (*scan.problems, *scan.warnings):
        log.warning("%s: %s", where, reason)
    return scan.files
