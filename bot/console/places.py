"""The console's channels and roles: names as typed, with ids stored like a guild's."""

from __future__ import annotations

from bot.store import Store

PLACE_MARKS = {"channel": "#", "role": "@"}
MAX_PLACE_CHARS = 100


def place_key(kind: str, typed: str) -> str:
    """Return the name of a channel or role as typed (`#racing` → `racing`), or raise."""
    name = typed.strip().removeprefix(PLACE_MARKS.get(kind, "")).strip()
    if not name or len(name) > MAX_PLACE_CHARS:
        raise ValueError(f"a {kind} name has 1 to {MAX_PLACE_CHARS} characters, got {typed!r}")
    return name.lower() if kind == "channel" else name


async def place_id(store: Store, kind: str, typed: str) -> int:
    """Return the id of the console's channel or role called `typed`, naming it on first use."""
    name = place_key(kind, typed)
    async with store.transaction() as db:
        await db.execute(
            "INSERT INTO console_places (kind, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (kind, name),
        )
        async with db.execute(
            "SELECT id FROM console_places WHERE kind = ? AND name = ?", (kind, name)
        ) as cur:
            row = await cur.fetchone()
    assert row is not None  # noqa: S101 - inserted or already there, in this transaction
    return int(row[0])


async def place_names(store: Store) -> dict[int, str]:
    """Return every console channel and role by id, as shown: `#racing`, `@Race fans`."""
    rows = await store.fetchall("SELECT id, kind, name FROM console_places")
    return {int(r["id"]): f"{PLACE_MARKS[r['kind']]}{r['name']}" for r in rows}
