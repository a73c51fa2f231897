"""reply(): answer directly when idle and quick, acknowledge at once under load, never leak."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import bot.admission as admission_module
import cogs._reply as reply_module
from bot.admission import Admission
from bot.queries.answers import Answer
from cogs._reply import reply
from tests.helpers import make_interaction, pings_nobody, sent


class LoggedResponse:
    """Wrap an interaction double so that defers land in a shared event log."""

    def __init__(self, interaction: Any, log: list[str], name: str) -> None:
        original = interaction.response.defer

        async def defer(**kwargs: Any) -> None:
            log.append(f"defer {name}")
            await original(**kwargs)

        interaction.response.defer = defer


def query(log: list[str], name: str, *, delay: float = 0.0, fail: bool = False) -> Any:
    """Return a core query that logs when it starts and answers after `delay`."""

    async def run(_services: Any) -> Answer:
        log.append(f"query {name}")
        await asyncio.sleep(delay)
        if fail:
            raise RuntimeError("boom")
        return Answer(f"Answer {name}")

    return run


async def test_idle_and_quick_answers_directly(services):
    interaction = make_interaction(services)
    await reply(interaction, query([], "a"))
    assert not interaction.response.deferred
    assert interaction.response.sent[0]["embed"].title == "Answer a"
    assert pings_nobody(sent(interaction)["allowed_mentions"])


async def test_idle_but_slow_defers_after_the_budget(services, monkeypatch):
    monkeypatch.setattr(reply_module, "ANSWER_BUDGET_S", 0.01)
    interaction = make_interaction(services)
    await reply(interaction, query([], "slow", delay=0.2))
    assert interaction.response.deferred
    assert sent(interaction)["embed"].title == "Answer slow"
    assert pings_nobody(sent(interaction)["allowed_mentions"])


async def test_busy_defers_before_the_query_and_queries_wait_for_acknowledgements(services):
    log: list[str] = []
    first, second, third = (make_interaction(services, user_id=n) for n in (1, 2, 3))
    for name, interaction in (("1", first), ("2", second), ("3", third)):
        LoggedResponse(interaction, log, name)
    await asyncio.gather(
        reply(first, query(log, "1", delay=0.05)),
        reply(second, query(log, "2")),
        reply(third, query(log, "3")),
    )
    # the second interaction nudges the first (idle, waiting on its budget) to defer; the
    # others defer before their queries, which start only once every defer went out
    assert {"defer 1", "defer 2", "defer 3"} <= set(log)
    last_defer = max(log.index(f"defer {n}") for n in "123")
    assert log.index("query 2") > last_defer and log.index("query 3") > last_defer
    for n, interaction in (("1", first), ("2", second), ("3", third)):
        assert sent(interaction)["embed"].title == f"Answer {n}"
    gate = services.admission
    assert (gate.active, gate.unacked, gate.waiting) == (0, 0, set())


async def test_a_failing_query_leaves_the_gate_clean(services):
    first, second = make_interaction(services), make_interaction(services)
    results = await asyncio.gather(
        reply(first, query([], "1", delay=0.01, fail=True)),
        reply(second, query([], "2", fail=True)),
        return_exceptions=True,
    )
    assert all(isinstance(r, RuntimeError) for r in results)
    gate = services.admission
    assert (gate.active, gate.unacked, gate.waiting) == (0, 0, set())
    assert gate.acks_out.is_set()
    await reply(make_interaction(services), query([], "after"))  # still answers


@pytest.mark.parametrize("slots", [1, 2])
async def test_at_most_query_slots_queries_run_at_once(services, monkeypatch, slots):
    monkeypatch.setattr(services, "admission", Admission(slots))
    running = peak = 0

    async def counted(_services: Any) -> Answer:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.01)
        running -= 1
        return Answer("ok")

    interactions = [make_interaction(services, user_id=n) for n in range(8)]
    await asyncio.gather(*(reply(i, counted) for i in interactions))
    assert peak == slots


async def test_a_hung_acknowledgement_delays_other_queries_only_briefly(services, monkeypatch):
    monkeypatch.setattr(admission_module, "ACK_WAIT_S", 0.05)
    first, hung, third = (make_interaction(services, user_id=n) for n in (1, 2, 3))
    release = asyncio.Event()

    async def hang(**kwargs: Any) -> None:
        await release.wait()

    hung.response.defer = hang  # this acknowledgement never comes back (until released)
    tasks = [
        asyncio.ensure_future(reply(first, query([], "1", delay=0.01))),
        asyncio.ensure_future(reply(hung, query([], "2"))),
        asyncio.ensure_future(reply(third, query([], "3"))),
    ]
    # the third's query waits for pending acknowledgements, but not for the hung one forever
    await asyncio.wait_for(asyncio.gather(tasks[0], tasks[2]), 2.0)
    assert sent(third)["embed"].title == "Answer 3"
    assert not tasks[1].done()
    release.set()
    await tasks[1]
    assert services.admission.unacked == 0
