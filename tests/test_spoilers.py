"""Spoilers: result sections carry the flag; the Discord renderer wraps only those (within
Discord's limits) when the server asks; the console shows results plainly."""

from __future__ import annotations

from bot.console.repl import answer_line
from bot.queries.answers import Answer, Section
from bot.queries.catalogue import command_table
from bot.queries.common import chunk_sections
from cogs._render import render_embeds


def test_only_result_sections_are_wrapped_and_only_when_asked():
    answer = Answer(
        "Results",
        "2 results in 1 event.",
        sections=[
            Section("Drivers", "Ana Brook"),
            *chunk_sections("2030 · Sunfield", ["Win · #7 Ana Brook"], spoiler=True),
        ],
    )

    (shown,) = render_embeds(answer)
    (hidden,) = render_embeds(answer, spoilers=True)

    assert [f.value for f in shown.fields] == ["Ana Brook", "Win · #7 Ana Brook"]
    assert [f.value for f in hidden.fields] == ["Ana Brook", "||Win · #7 Ana Brook||"]
    assert hidden.description == "2 results in 1 event."


def test_long_result_sections_stay_within_the_field_limit_with_their_tags():
    lines = [f"P{n} · #{n} A driver with a rather long name indeed" for n in range(1, 80)]
    answer = Answer("Results", sections=chunk_sections("2030 · Sunfield", lines, spoiler=True))

    embeds = render_embeds(answer, spoilers=True)

    values = [f.value for e in embeds for f in e.fields]
    assert len(values) > 1
    assert all(len(v) <= 1024 and v.startswith("||") and v.endswith("||") for v in values)
    shown = "\n".join(v.strip("|") for v in values)
    assert all(line in shown for line in lines), "nothing was cut to fit the tags"


async def test_the_console_shows_results_plainly_with_spoilers_on(services):
    table = command_table()
    switched, _ = await answer_line(services, table, "/config spoilers state:on")
    results, _ = await answer_line(services, table, "/results")

    assert switched is not None and switched.data["spoilers"] is True
    assert results is not None and results.ok
    result_sections = [s for s in results.sections if s.spoiler]
    assert result_sections, "results are marked as results"
    assert not any("||" in s.value for s in results.sections)


async def test_driver_and_team_answers_mark_only_their_results(services):
    table = command_table()
    driver, _ = await answer_line(services, table, "/driver name:Derani")
    team, _ = await answer_line(services, table, "/team name:AXR")

    for answer in (driver, team):
        assert answer is not None and answer.ok
        assert {s.name for s in answer.sections if s.spoiler} == {"Results"}
