"""The config loader: defaults, and errors that name the key, the value and the expectation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_loads(tmp_path: Path):
    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    config = load_config(example, environ={})
    assert config.timezone == "UTC"
    assert config.database.name == "paddock.db"
    assert config.discord.api_base == "https://discord.com/api/v10"


def test_relative_paths_resolve_against_the_config_folder(tmp_path: Path):
    config = load_config(write(tmp_path, '[paddock]\ndatabase = "x/p.db"\n'), environ={})
    assert config.database == tmp_path / "x" / "p.db"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[paddock]\ndatabse = "x.db"\n', "unknown key 'paddock.databse'"),
        ("[paddock]\ndatabase = 5\n", "paddock.database = 5: expected a path (string)"),
        (
            '[paddock]\ntimezone = "Mars/Olympus"\n',
            "paddock.timezone = 'Mars/Olympus': expected an IANA",
        ),
        ('[paddock]\nlog_level = "LOUD"\n', "paddock.log_level = 'LOUD': expected one of"),
        ('[discord]\ndev_guild_id = "abc"\n', "discord.dev_guild_id = 'abc': expected an integer"),
        ('[discord]\ntoken = "secret"\n', "unknown key 'discord.token'"),
        ('[discord]\napi_base = "ftp://x"\n', "expected an http(s) URL"),
        ("[clock]\nspeed = 0\n", "clock.speed = 0.0: expected a number > 0"),
        ('[clock]\nstart = "2024-01-20T12:00:00"\n', "clock.start = '2024-01-20T12:00:00'"),
        ("[weather]\nrain = true\n", "unknown key 'weather'"),
        ("[paddock\n", "invalid TOML"),
    ],
)
def test_bad_values_name_the_key_and_what_was_expected(tmp_path: Path, text: str, message: str):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    assert message in str(caught.value)


def test_token_comes_from_the_environment_or_a_token_file(tmp_path: Path):
    secret = tmp_path / "token"
    secret.write_text("file-token\n")
    config = parse_config({"discord": {"token_file": str(secret)}}, tmp_path)
    assert config.token(environ={}) == "file-token"
    assert config.token(environ={"DISCORD_TOKEN": "env-token"}) == "env-token"
    assert parse_config({}, tmp_path).token(environ={}) is None


def test_environment_points_the_bot_at_another_api_and_clock(tmp_path: Path):
    config = load_config(
        None,
        environ={
            "PADDOCK_DISCORD_API_BASE": "http://127.0.0.1:9999/api/v10/",
            "PADDOCK_FAKE_NOW": "2024-01-27T18:00:00Z",
            "PADDOCK_CLOCK_SPEED": "60",
        },
    )
    assert config.discord.api_base == "http://127.0.0.1:9999/api/v10"
    assert (
        config.clock.start is not None
        and config.clock.start.isoformat() == "2024-01-27T18:00:00+00:00"
    )
    assert config.clock.speed == 60


def test_shards_are_auto_a_count_and_optional_shard_ids(tmp_path: Path):
    auto = load_config(write(tmp_path, '[discord]\nshards = "auto"\n'), environ={})
    assert (auto.discord.sharded, auto.discord.shards, auto.discord.shard_ids) == (True, 0, None)
    some = load_config(write(tmp_path, "[discord]\nshards = 4\nshard_ids = [3, 2]\n"), environ={})
    assert (some.discord.shards, some.discord.shard_ids) == (4, (2, 3))
    assert not load_config(write(tmp_path, "[paddock]\n"), environ={}).discord.sharded


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('shards = "many"', "discord.shards = 'many': expected a number of shards > 0 or \"auto\""),
        ("shards = 0", "discord.shards = 0: expected a number of shards > 0"),
        ("shards = 2\nshard_ids = [2]", "discord.shard_ids = [2]: expected distinct shard numbers"),
        ("shards = 2\nshard_ids = 1", "discord.shard_ids = 1: expected a list of shard numbers"),
        ('shards = 2\nshard_ids = ["a"]', "discord.shard_ids = 'a': expected a list of shard"),
        ("shard_ids = [0]", "discord.shard_ids = [0]: expected discord.shards to be a number"),
    ],
)
def test_bad_shard_settings_name_the_key(tmp_path: Path, text: str, message: str):
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(write(tmp_path, f"[discord]\n{text}\n"), environ={})
