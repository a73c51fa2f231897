"""The console adapter: Discord's command syntax, text and JSON output, the piped console."""

from __future__ import annotations

import asyncio
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


def tab(completer, line: str) -> tuple[str, list[str]]:
    """Press Tab as GNU readline does: insert the common prefix of the completions."""
    found = []
    while (match := completer(line, len(found))) is not None:
        found.append(match)
    if not found:
        return line, []
    common = found[0]
    while not all(match.startswith(common) for match in found):
        common = common[:-1]
    return common, completer.shown


@pytest.fixture
async def completer(services):
    from bot.console.completion import Completer
    from bot.queries.catalogue import command_table

    return Completer(services, command_table(), asyncio.get_running_loop())


async def test_tab_completes_a_command_and_adds_a_space(completer):
    assert await asyncio.to_thread(tab, completer, "/li") == ("/lineup ", ["/lineup"])
    assert (await asyncio.to_thread(tab, completer, "/con"))[0] == "/config "
    assert (await asyncio.to_thread(tab, completer, "/config ch"))[0] == "/config channel "


async def test_tab_keeps_the_typed_text_when_several_commands_match(completer):
    line, shown = await asyncio.to_thread(tab, completer, "/s")
    assert line == "/s"
    assert shown == ["/search", "/schedule"]
    line, shown = await asyncio.to_thread(tab, completer, "/schedule ")
    assert (line, shown) == ("/schedule ", ["season", "ics"])


async def test_tab_offers_the_options_not_given_yet(completer):
    assert await asyncio.to_thread(tab, completer, "/lineup ca") == ("/lineup car:", ["car:"])
    _, shown = await asyncio.to_thread(tab, completer, "/lineup car:31 ")
    assert shown == ["team:", "season:", "event:"]


async def test_tab_on_a_fuzzy_name_lists_the_names_and_keeps_the_typed_text(completer):
    line, shown = await asyncio.to_thread(tab, completer, "/driver name:der")
    assert line == "/driver name:der"  # not replaced by 'name:"' (their common prefix)
    assert shown[0] == "Pipo Derani" and len(shown) > 1
    again, shown_again = await asyncio.to_thread(tab, completer, line)
    assert (again, shown_again) == (line, shown)  # a second Tab lists them again


async def test_tab_completes_a_unique_name_quoted(completer):
    line, _ = await asyncio.to_thread(tab, completer, "/driver name:Pipo")
    assert line == '/driver name:"Pipo Derani" '
    line, _ = await asyncio.to_thread(tab, completer, '/driver name:"Pipo De')
    assert line == '/driver name:"Pipo Derani" '
    assert await asyncio.to_thread(tab, completer, "/search query:pol") == (
        "/search query:pol",
        [],
    )


def test_console_range_checks_the_season_like_discord(tmp_path):
    result = paddock("--db", str(tmp_path / "p.db"), "ask", "/lineup car:31 season:1900")
    assert result.returncode == 2
    assert "season: expected a number in 1950–2100, got 1900" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_command_suggests_the_closest(tmp_path):
    result = paddock("--db", str(tmp_path / "p.db"), "ask", "/linup car:31")
    assert result.returncode == 2
    assert "unknown command /linup; did you mean /lineup" in result.stderr
    assert "/driver" not in result.stderr


def test_console_is_one_server_with_its_own_settings(tmp_path):
    db = str(tmp_path / "p.db")
    lines = [
        "/config channel channel:#racing",
        "/config timezone zone:America/New_York",
        '/config leads leads:"2d, 1h"',
        '/config role role:"Race fans"',
        "/config show",
    ]
    result = paddock("--db", db, "console", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stdout + result.stderr
    shown = result.stdout.rpartition("Paddock settings for this server")[2]
    assert "Channel: #racing" in shown
    assert "Time zone: America/New_York" in shown
    assert "Reminder leads: 2d, 1h" in shown
    assert "Ping role: @Race fans" in shown
    assert "unknown command" not in result.stdout
    # Saved like a guild's: a later session sees them.
    again = paddock("--db", db, "ask", "/config show", "--json")
    data = json.loads(again.stdout)["data"]
    assert data["timezone"] == "America/New_York" and data["leads"] == ["2d", "1h"]
    assert data["guild_id"] == 0 and data["channel_id"] is not None


def test_console_config_typos_are_explained(tmp_path):
    result = paddock("--db", str(tmp_path / "p.db"), "ask", "/config timezone zone:Europe/Berln")
    assert result.returncode == 1
    assert "is not a time zone. Did you mean: Europe/Berlin" in result.stdout


def test_schedule_ics_writes_the_file_and_prints_its_path(tmp_path):
    result = paddock("--db", str(tmp_path / "p.db"), "ask", "/schedule ics")
    assert result.returncode == 0, result.stderr
    written = tmp_path / "paddock-calendar.ics"
    assert f"Saved to {written}\n" in result.stdout
    body = written.read_text()
    assert body.startswith("BEGIN:VCALENDAR") and "Rolex 24 At Daytona" in body


def test_help_lists_every_command_grouped_with_an_example(tmp_path):
    from bot.queries.catalogue import CATALOGUE

    result = paddock("--db", str(tmp_path / "p.db"), "ask", "/help")
    assert result.returncode == 0, result.stderr
    for command in CATALOGUE:
        assert command.example in result.stdout, command.name
    facts = result.stdout.index("Line-ups and results:")
    server = result.stdout.index("Server settings (admins):")
    assert facts < result.stdout.index("/lineup car:31") < server
    assert server < result.stdout.index("/config show")


def test_help_for_one_command_lists_its_options(tmp_path):
    result = paddock("--db", str(tmp_path / "p.db"), "ask", "/help command:lineup")
    assert result.returncode == 0, result.stderr
    assert "/lineup" in result.stdout
    assert "season:1950–2100: Season year, e.g. 2024 (optional)" in result.stdout
    assert "car:text: Car number, e.g. 31 or 01 (optional)" in result.stdout
    assert "driver" not in result.stdout.lower()
    typo = paddock("--db", str(tmp_path / "p.db"), "ask", "/help command:linup")
    assert typo.returncode == 1
    assert "did you mean /lineup" in typo.stdout
