"""Every slash command's callback on the seed store, driven with interaction doubles."""

from __future__ import annotations

import pytest

from bot.services import load_current_calendar
from cogs._reply import autocomplete
from cogs.facts import Facts
from cogs.quotes import Reading
from cogs.schedule import Schedule
from cogs.server import ServerConfig
from tests.helpers import embed_text, make_interaction, pings_nobody, sent


async def run(services, command, cog, **options):
    """Invoke a cog command's callback and return the reply sent and all its text."""
    interaction = make_interaction(services)
    await command.callback(cog, interaction, **options)
    reply = sent(interaction)
    assert pings_nobody(reply["allowed_mentions"])
    return reply, embed_text(reply["embed"]) if reply.get("embed") else reply["content"]


async def test_lineup_of_31_shows_2024_drivers_and_the_2023_lineup_beneath(services):
    _, text = await run(services, Facts.lineup, Facts(), car="31")
    current, _, history = text.partition("Earlier")
    for name in ("Pipo Derani", "Jack Aitken", "Tom Blomqvist"):
        assert name in current
    assert "2024" in current
    assert "Alexander Sims" in history and "2023" in history
    assert "article" in text.lower(), "the footer cites the source articles"


async def test_lineup_of_01_is_not_car_1(services):
    _, text = await run(services, Facts.lineup, Facts(), car="01")
    for surname in ("Bourdais", "van der Zande", "Dixon", "Palou"):
        assert surname in text


async def test_unknown_car_says_so(services):
    reply, text = await run(services, Facts.lineup, Facts(), car="999")
    assert "999" in text
    assert reply["embed"].title.lower().startswith("no ")


async def test_driver_with_a_typo_finds_the_driver(services):
    _, text = await run(services, Facts.driver, Facts(), name="derrani")
    assert "Pipo Derani" in text and "#31" in text


async def test_unknown_driver_suggests_close_names(services):
    _, text = await run(services, Facts.driver, Facts(), name="Blomkvist")
    assert "Tom Blomqvist" in text


async def test_team_by_abbreviation(services):
    _, text = await run(services, Facts.team, Facts(), name="AXR")
    assert "Action Express Racing" in text and "#31" in text


async def test_results_at_daytona_2024_show_the_pole_lap(services):
    _, text = await run(services, Facts.results, Facts(), event="Daytona", season=2024)
    assert "1:32.656" in text and "Derani" in text
    assert "Bourdais" in text and "0.071 s behind" in text


async def test_quote_by_surname(services):
    _, text = await run(services, Reading.quote, Reading(), speaker="Aitken")
    assert "Alex really underestimated himself" in text


async def test_search_finds_the_pole_article_first(services):
    reply, _ = await run(services, Reading.search, Reading(), query='"qualifying record"')
    first_hit = reply["embed"].fields[0]
    assert "pole" in (first_hit.name + first_hit.value).lower()
    assert "**qualifying record**" in first_hit.value.lower()


async def test_article_shows_its_facts_and_text(services):
    _, text = await run(services, Reading.article, Reading(), id=3)
    assert "1:32.656" in text


@pytest.mark.parametrize(
    ("kind", "typed", "expected"),
    [
        ("person", "derrani", "Pipo Derani"),
        ("team", "ganassi", "Chip Ganassi Racing"),
        ("car", "3", "31"),
    ],
)
async def test_autocomplete_is_typo_tolerant_and_at_most_25(services, kind, typed, expected):
    choices = await autocomplete(kind)(make_interaction(services), typed)
    assert 0 < len(choices) <= 25
    assert expected in [c.value for c in choices]


async def test_next_in_a_guild_and_ics_attachment(services):
    services.calendar = await load_current_calendar(services.config)
    _, text = await run(services, Schedule.next, Schedule())
    assert "Rolex 24" in text
    interaction = make_interaction(services)
    await Schedule.ics.callback(Schedule(), interaction)
    reply = sent(interaction)
    assert reply["file"].filename.endswith(".ics")


async def test_config_commands_save_and_show_settings(services):
    cog = ServerConfig()
    _, text = await run(services, ServerConfig.leads, cog, leads="2d, 1h")
    assert "2d, 1h" in text
    _, text = await run(services, ServerConfig.leads, cog, leads="soon")
    assert "not a lead time" in text
    _, text = await run(services, ServerConfig.show, cog)
    assert "2d, 1h" in text and "not set (no posts)" in text


def test_config_is_for_admins_and_servers_only():
    group = ServerConfig().app_command
    assert group.default_permissions.manage_guild is True
    assert group.guild_only is True
