"""[[feeds]] and [[calendars]] in the config: defaults, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, parse_config


def parse(data: dict[str, object]) -> object:
    return parse_config(data, Path("/tmp"))


def test_sources_and_their_defaults() -> None:
    config = parse(
        {
            "feeds": [{"url": "https://example.com/imsa.xml", "series": "IMSA"},
                      {"url": "http://example.com/all.xml", "poll_minutes": 5}],
            "calendars": [{"url": "https://example.com/imsa.ics", "series": "IMSA"}],
        }
    )  # fmt: skip
    first, second = config.feeds  # type: ignore[attr-defined]
    assert (first.series, first.poll_minutes, first.interval_s) == ("IMSA", 15, 900)
    assert (second.series, second.poll_minutes) == (None, 5)
    (calendar,) = config.calendars  # type: ignore[attr-defined]
    assert (calendar.series, calendar.poll_hours, calendar.interval_s) == ("IMSA", 6, 21600)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"feeds": [{"url": "ftp://example.com/x"}]},
            "feeds[0].url = 'ftp://example.com/x': expected an http(s) URL",
        ),
        ({"feeds": [{"url": "https://"}]}, "feeds[0].url = 'https://': expected an http(s) URL"),
        (
            {"feeds": [{"url": "https://e.com/x", "pol_minutes": 5}]},
            "unknown key 'feeds[0].pol_minutes'",
        ),
        (
            {"feeds": [{"url": "https://e.com/x", "poll_minutes": "5"}]},
            "feeds[0].poll_minutes = '5': expected a number > 0",
        ),
        (
            {"feeds": [{"url": "https://e.com/x", "poll_minutes": 0}]},
            "feeds[0].poll_minutes = 0: expected a number > 0",
        ),
        (
            {"feeds": {"url": "https://e.com/x"}},
            "feeds = {'url': 'https://e.com/x'}: expected an array of tables ([[feeds]])",
        ),
        (
            {"calendars": [{"url": "https://e.com/x.ics"}]},
            "calendars[0].series = None: expected a series name (string)",
        ),
        (
            {"calendars": [{"url": "https://e.com/x.ics", "series": "IMSA", "poll_hours": True}]},
            "calendars[0].poll_hours = True: expected a number > 0",
        ),
        ({"feed": []}, "unknown key 'feed'"),
        (
            {"feeds": [{"url": "https://e.com/x"}, {"url": "https://e.com/x"}]},
            "feeds[1].url = 'https://e.com/x': listed twice",
        ),
    ],
)
def test_bad_sources_fail_naming_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse(data)
    assert str(error.value).startswith(message)
