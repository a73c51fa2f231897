"""The fact commands through the real console: `paddock --db … ask '/lineup car:31' --json`."""

from __future__ import annotations

import json

from bot.queries.catalogue import command_table
from bot.store import Store
from tests.conftest import paddock
from tests.queries.conftest import fill


async def _build(db):
    async with Store.open(db) as store:
        await fill(store)


async def test_ask_lineup_as_json(tmp_path):
    db = tmp_path / "console.db"
    await _build(db)

    result = paddock("--db", str(db), "ask", "/lineup car:31", "--json")

    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["status"] == "ok"
    assert answer["data"]["car"] == "31"
    assert answer["data"]["current"]["drivers"] == [
        "Luca Ferraz",
        "Jonah Aldine",
        "Tobias Lindqvist",
    ]
    assert answer["data"]["history"][0]["season"] == 2023
    assert {s["date"] for s in answer["sources"]} == {"2024-01-16", "2023-10-19", "2023-10-01"}


async def test_console_runs_every_fact_command(tmp_path):
    db = tmp_path / "console.db"
    await _build(db)
    lines = [
        "/lineup car:#01",
        "/driver name:ferraz",
        "/team name:CGR",
        "/results event:Sunfield season:2024",
        "/quote speaker:Simms",
        '/search query:"qualifying record"',
        "/article id:1",
        "/lineup car:999",
    ]

    result = paddock("--db", str(db), "console", "--json", stdin="\n".join(lines) + "\n")

    assert result.returncode == 0, result.stderr
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [a["status"] for a in answers] == ["ok"] * 7 + ["not_found"]
    assert all(a["sources"] for a in answers[:7])
    assert answers[3]["data"]["events"][0]["results"][0]["detail"] == "1:32.656"


async def test_ask_unknown_name_exits_1_with_suggestions(tmp_path):
    db = tmp_path / "console.db"
    await _build(db)

    result = paddock("--db", str(db), "ask", '/driver name:"Zzz Qqq"')

    assert result.returncode == 1
    assert "Did you mean" in result.stdout


def test_commands_are_registered_with_their_options():
    table = command_table()

    assert [o.name for o in table["lineup"].options] == ["car", "team", "season", "event"]
    assert table["lineup"].option("season").kind == "integer"
    assert table["article"].option("id").kind == "integer"
    assert table["article"].option("id").required
    assert table["driver"].option("name").complete == "person"
    assert table["quote"].option("speaker").complete == "person"
    assert table["results"].option("event").complete == "event"
    assert table["search"].option("query").required
