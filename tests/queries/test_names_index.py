"""The name index at scale: candidates by bisect and trigrams give the answers a full scan would."""

from __future__ import annotations

import sqlite3
from itertools import product

import pytest

from bot.queries import names
from bot.queries.names import COMPLETE_LIMIT, FUZZY_SCAN, KindIndex, complete
from bot.text import fold

FIRST = ("Pipo", "Kim", "Anja", "Bruno", "Chloe", "Dario", "Elif", "Femi", "Gus", "Hana")
LAST = tuple(
    f"{head}{tail}"
    for head, tail in product(
        ("Ab", "Bel", "Cor", "Der", "Es", "Far", "Gal", "Hol", "Ist", "Jun", "Kett", "Lor"),
        ("ani", "rinco", "ova", "sson", "etti", "ard", "ley", "ski", "ez", "ini", "aka", "orn"),
    )
)


def crowd_index() -> KindIndex:
    """Return an index of 1,440 people, each surname also an alias, mentions varying."""
    names = [f"{first} {last}" for first, last in product(FIRST, LAST)]
    pairs = [(fold(name), owner) for owner, name in enumerate(names, start=1)]
    pairs += [(fold(name.split()[-1]), owner) for owner, name in enumerate(names, start=1)]
    pairs.sort()
    return KindIndex(
        keys=[key for key, _ in pairs],
        owners=[owner for _, owner in pairs],
        names=dict(enumerate(names, start=1)),
        popularity={owner: owner % 7 for owner in range(1, len(names) + 1)},
    )


def by_scan(index: KindIndex, query: str) -> list[str]:
    """Return the prefix matches a scan of every alias finds: starts first, then word starts."""
    order = {owner: at for at, owner in enumerate(index.ranked)}
    starts = {o for k, o in zip(index.keys, index.owners, strict=True) if k.startswith(query)}
    words = {
        o
        for k, o in zip(index.keys, index.owners, strict=True)
        if any(word.startswith(query) for word in k.split(" "))
    }
    chosen = [*sorted(starts, key=order.get), *sorted(words - starts, key=order.get)]
    return [index.names[owner] for owner in chosen[:COMPLETE_LIMIT]]


def test_the_crowd_is_bigger_than_a_full_fuzzy_scan():
    assert len(crowd_index().keys) > FUZZY_SCAN


@pytest.mark.parametrize("broad", [names.BROAD_SLICE, 10])
def test_broad_prefixes_list_the_most_mentioned_first(monkeypatch, broad):
    monkeypatch.setattr(names, "BROAD_SLICE", broad)
    index = crowd_index()

    for query in ("d", "de", "der", "k", "kett", "pipo", "pipo k", "ani"):
        expected = by_scan(index, query)
        assert index.complete(query, COMPLETE_LIMIT)[: len(expected)] == expected, query
        # The second call answers from what the first remembered (of broad prefixes).
        assert index.complete(query, COMPLETE_LIMIT)[: len(expected)] == expected, query
    assert bool(index.remembered) == (broad == 10)


def test_most_mentioned_people_come_first_with_nothing_typed():
    index = crowd_index()
    mentions = [index.popularity.get(owner, 0) for owner in index.ranked]

    assert mentions == sorted(mentions, reverse=True)
    assert index.complete("", COMPLETE_LIMIT) == index.top(COMPLETE_LIMIT)


def test_typos_are_found_among_many():
    index = crowd_index()

    assert index.complete("pipo kterrinco", 5)[0] == "Pipo Kettrinco"  # swapped letters
    assert index.complete("bruno dreani", 5)[0] == "Bruno Derani"
    assert index.complete("hlosson", 5)[0].endswith("Holsson")
    assert all(name.endswith("Galaka") for name in index.complete("glaaka", 3))


def test_a_wrong_first_letter_is_found_by_shared_letters():
    index = crowd_index()

    assert index.complete("cettrinco", 3)[0].endswith("Kettrinco")


def test_middles_and_full_names_are_found():
    index = crowd_index()

    found = index.complete("ettrin", COMPLETE_LIMIT)

    assert all(name.endswith("Kettrinco") for name in found[: len(FIRST)])
    assert index.complete("chloe lorsson", COMPLETE_LIMIT)[0] == "Chloe Lorsson"


def test_resolve_uses_whole_words_and_typos():
    index = crowd_index()

    assert index.resolve("femi galova").name == "Femi Galova"
    assert index.resolve("pipo kterrinco").name == "Pipo Kettrinco"
    shared = index.resolve("galov")  # ten people have the surname

    assert shared.name is None
    assert len(shared.suggestions) == 5
    assert all(name.endswith("Galova") for name in shared.suggestions)


async def test_index_notices_writes_of_other_processes(qs, qstore, monkeypatch):
    monkeypatch.setattr("bot.store.database.EXTERNAL_CHECK_S", 0.0)  # the check interval passed
    assert "Nadia Okafor" not in await complete(qs, "person", "okafor")
    db = sqlite3.connect(qstore.path, isolation_level=None)
    try:
        db.execute(
            "INSERT INTO entities (kind, name, norm) VALUES ('person', 'Nadia Okafor', ?)",
            (fold("Nadia Okafor"),),
        )
    finally:
        db.close()

    assert await complete(qs, "person", "okafor") == ["Nadia Okafor"]


async def test_index_notices_writes_through_the_store_at_once(qs, qstore):
    assert "Nadia Okafor" not in await complete(qs, "person", "okafor")
    async with qstore.transaction() as db:
        await db.execute(
            "INSERT INTO entities (kind, name, norm) VALUES ('person', 'Nadia Okafor', ?)",
            (fold("Nadia Okafor"),),
        )

    assert await complete(qs, "person", "okafor") == ["Nadia Okafor"]
