"""The console adapter: Discord's command syntax, text and JSON output, the piped console."""

from __future__ import annotations

import json

import pytest

from bot.console.repl import parse_invocation
from bot.queries.catalogue import UsageError
from tests.conftest import paddock


@pytest.mark.parametrize(
    ("line", "name", "options"),
    [
        ("/about", "about", {}),
        ("/lineup car:31", "lineup", {"car": "31"}),
        (
            '/quote about:"qualifying record" speaker:Derani',
            "quote",
            {"about": "qualifying record", "speaker": "Derani"},
        ),
        ("/schedule season year:2024", "schedule season", {"year": "2024"}),
        ("  /LINEUP Car:01 ", "lineup", {"car": "01"}),
    ],
)
def test_parses_discord_command_syntax(line, name, options):
    invocation = parse_invocation(line)
    assert (invocation.name, invocation.options) == (name, options)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("about", "commands start with a slash"),
        ('/quote about:"unclosed', "cannot parse"),
        ("/lineup car:31 stray", "expected option:value"),
        ("/lineup :31", "option without a name"),
    ],
)
def test_bad_lines_get_a_clear_message(line, message):
    with pytest.raises(UsageError, match=message):
        parse_invocation(line)


def test_piped_run_without_a_token_answers_about_with_the_seed_count(tmp_path):
    result = paddock("--db", str(tmp_path / "p.db"), "run", stdin="/about\n")
    assert result.returncode == 0, result.stderr
    assert "No DISCORD_TOKEN set" in result.stderr
    assert "Articles: 5" in result.stdout


def test_console_reports_unknown_commands_and_keeps_going(tmp_path):
    db = str(tmp_path / "p.db")
    paddock("--db", db, "ingest", "seeds/articles")
    result = paddock("--db", db, "console", stdin="/nope\n/about\n")
    assert "unknown command /nope" in result.stdout
    assert "Articles: 5" in result.stdout
    assert result.returncode == 1


def test_ask_json_is_the_answer_object(tmp_path):
    db = str(tmp_path / "p.db")
    paddock("--db", db, "ingest", "seeds/articles")
    result = paddock("--db", db, "ask", "/about", "--json")
    data = json.loads(result.stdout)
    assert data["data"]["articles"] == 5 and data["status"] == "ok"
    assert data["data"]["database"].endswith("p.db")


def test_bad_config_stops_with_the_key_named(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[paddock]\ntimezone = "Mars/Base"\n')
    result = paddock("--config", str(config), "ask", "/about")
    assert result.returncode == 2
    assert "paddock.timezone = 'Mars/Base'" in result.stderr
    assert "Traceback" not in result.stderr


async def test_tab_completion_offers_commands_options_and_names(services):
    import asyncio

    from bot.console.repl import Completer
    from bot.queries.catalogue import command_table

    completer = Completer(services, command_table(), asyncio.get_running_loop(), lambda: "")
    assert "/lineup" in completer.candidates("/lin", "/lin")
    assert completer.candidates("/lineup ", "ca") == ["car:"]
    names = await asyncio.to_thread(completer.candidates, "/driver name:derr", "name:derr")
    assert 'name:"Pipo Derani"' in names
