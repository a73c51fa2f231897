"""Reading article files: formats, titles and the bad files that must be skipped by name."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.articles import MAX_ARTICLE_BYTES, ArticleError, parse_article, read_article
from tests.conftest import SEEDS


def test_seed_format_with_leading_date_on_the_first_line():
    article = read_article(SEEDS / "articles" / "000_4e3abb27bcd9c051.txt")
    assert article.published == date(2024, 1, 16)
    assert article.title.startswith("We have officially entered the first week")
    assert not article.body.startswith("date")
    assert article.paragraphs[0].startswith("We have officially")


def test_headline_line_becomes_the_title():
    article = read_article(SEEDS / "articles" / "004_bb363fd8c613a592.txt")
    assert article.title == "Blomqvist joins Action Express Racing for IMSA's 2024 endurance rounds"


def test_article_without_date_line_is_undated():
    article = read_article(SEEDS / "articles" / "002_38c99bcb48105c50.txt")
    assert article.published is None
    assert article.title.endswith("new qualifying record.")


def test_json_article():
    raw = json.dumps(
        {
            "date": "2025-03-15",
            "title": "Sebring preview",
            "body": "Line one.\nLine two.",
            "url": "u",
        }
    ).encode()
    article = parse_article(raw, "preview.json")
    assert (article.title, article.published, article.url) == (
        "Sebring preview",
        date(2025, 3, 15),
        "u",
    )
    assert article.paragraphs == ["Line one.", "Line two."]


def test_markdown_article_with_front_matter_and_heading():
    raw = b"---\ndate: 2024-06-01\n---\n# Detroit notebook\n\nThe field gathers downtown.\n"
    article = parse_article(raw, "notes.md")
    assert article.title == "Detroit notebook"
    assert article.published == date(2024, 6, 1)


@pytest.mark.parametrize(
    ("name", "raw", "reason"),
    [
        ("latin1.txt", "Sébastien".encode("latin-1"), "not UTF-8"),
        ("empty.txt", b"  \n\n", "empty file"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        ("baddate.txt", b" date 2024-13-45 Text follows.", "bad date '2024-13-45'"),
        ("words.txt", b" date yesterday Text follows.", "bad date 'yesterday'"),
        ("big.txt", b"a" * (MAX_ARTICLE_BYTES + 1), "too large"),
        ("broken.json", b'{"title": "x"', "invalid JSON"),
        ("nobody.json", b'{"title": "x"}', "no 'body' text"),
    ],
)
def test_bad_files_raise_an_error_naming_file_and_reason(name: str, raw: bytes, reason: str):
    with pytest.raises(ArticleError) as caught:
        parse_article(raw, name)
    assert caught.value.source == name
    assert reason in str(caught.value)
    assert str(caught.value).startswith(f"{name}: ")


def test_oversized_file_is_refused_before_reading(tmp_path: Path):
    path = tmp_path / "huge.txt"
    path.write_bytes(b"x" * (MAX_ARTICLE_BYTES + 10))
    with pytest.raises(ArticleError, match=r"huge\.txt: too large"):
        read_article(path)


def test_first_sentence_title_does_not_stop_at_car_number_abbreviations():
    article = parse_article(
        b" date 2021-02-11 The No. 48 car returns at Sebring. More text.", "a.txt"
    )
    assert article.title == "The No. 48 car returns at Sebring."
