"""Saved queries: the short key a lasting button carries, and running the query again."""

from __future__ import annotations

from functools import partial

from bot.queries.lineup import lineup
from bot.queries.saved import SavedQuery, recall, remember, rerun, resolve, saved_query_of


async def test_a_saved_query_runs_again_from_its_key(services):
    saved = saved_query_of(partial(lineup, car="31", team=None, season=None, event=None))
    assert saved is not None and saved.name == "bot.queries.lineup:lineup"
    key = await remember(services.store, saved, services.clock.now())
    assert key == await remember(services.store, saved, services.clock.now())  # saved once
    assert len(key) <= 16
    assert await recall(services.store, key) == saved
    again = await rerun(services, key)
    direct = await lineup(services, car="31")
    assert again is not None and again.title == direct.title and again.sections == direct.sections
    other = saved_query_of(partial(lineup, car="01"))
    assert other is not None and other.key != key


async def test_only_core_queries_with_plain_options_are_saved(services):
    async def not_core(_services):
        return None

    assert saved_query_of(not_core) is None
    assert saved_query_of(partial(lineup, "31")) is None  # positional options are not kept
    checked = saved_query_of(partial(lineup, car="31", role_check=lambda _id: None))
    assert checked is not None and checked.options == {"car": "31"}
    assert resolve(SavedQuery("os:system", {})) is None
    assert resolve(SavedQuery("bot.queries.lineup:lineup", {"colour": "red"})) is None
    assert await rerun(services, "0123456789ab") is None
