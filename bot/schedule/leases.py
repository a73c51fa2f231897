"""Who delivers which shard's posts (leases with an expiry), and the shared rate-limit buckets.

Every process of the bot shares one database, so both live there:

* A lease row per shard names the process delivering that shard's servers until it expires.
  Its holder renews it every few seconds; when the holder dies the lease runs out and another
  process takes the shard over. Each process also says which shards it would rather have (the
  ones its gateway connection serves, `delivery_nodes`), and hands a shard it took over back
  once the process that wants it is alive again.
* A rate-limit bucket is the next free send slot (a generic cell rate algorithm): reserving n
  sends moves it on by n intervals, so every process together stays under one rate.

Times here are real (epoch seconds), not the bot's clock: they are about processes being alive.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from bot.store import Store


@dataclass(frozen=True, slots=True)
class LeaseClaim:
    """One process's view of the leases after renewing them."""

    held: frozenset[int]
    gained: frozenset[int]
    lost: frozenset[int]


async def claim_leases(
    store: Store,
    holder: str,
    *,
    preferred: frozenset[int],
    count: int,
    now_s: float,
    ttl_s: float,
    adopt: bool = True,
    alive: Callable[[str], bool] = lambda holder: True,
) -> LeaseClaim:
    """Renew this process's leases, take the free ones it may have, and hand back borrowed ones.

    A free (missing or expired) lease is taken when this process prefers the shard, or (with
    `adopt`) when no live process does: its preferred owner died. A shard held but not
    preferred is handed back as soon as a live process prefers it. `alive(holder)` may say
    early that a holder is dead (a process on this machine that no longer runs).
    """
    expires = now_s + ttl_s
    async with store.transaction() as db:
        await db.execute("DELETE FROM delivery_nodes WHERE expires_at < ?", (now_s,))
        await db.execute(
            "INSERT INTO delivery_nodes (holder, shards, expires_at) VALUES (?, ?, ?)"
            " ON CONFLICT (holder) DO UPDATE SET shards = excluded.shards,"
            " expires_at = excluded.expires_at",
            (holder, json.dumps(sorted(preferred)), expires),
        )
        async with db.execute(
            "SELECT holder, shards FROM delivery_nodes WHERE holder != ?", (holder,)
        ) as cur:
            nodes = [(row[0], json.loads(row[1])) for row in await cur.fetchall()]
        wanted_elsewhere = {s for who, shards in nodes if alive(who) for s in shards}
        async with db.execute("SELECT shard, holder, expires_at FROM delivery_leases") as cur:
            leases = {int(r[0]): (r[1], float(r[2])) for r in await cur.fetchall()}
        before = frozenset(s for s, (who, until) in leases.items() if who == holder)
        held: set[int] = set()
        for shard in range(count):
            who, until = leases.get(shard, ("", 0.0))
            mine = who == holder
            free = until < now_s or not alive(who)
            if mine and shard not in preferred and shard in wanted_elsewhere:
                await db.execute(
                    "DELETE FROM delivery_leases WHERE shard = ? AND holder = ?", (shard, holder)
                )
                continue
            may_take = shard in preferred or (adopt and shard not in wanted_elsewhere)
            if mine or (free and may_take):
                await db.execute(
                    "INSERT INTO delivery_leases (shard, holder, expires_at) VALUES (?, ?, ?)"
                    " ON CONFLICT (shard) DO UPDATE SET holder = excluded.holder,"
                    " expires_at = excluded.expires_at",
                    (shard, holder, expires),
                )
                held.add(shard)
    now_held = frozenset(held)
    return LeaseClaim(now_held, now_held - before, before - now_held)


async def release_leases(store: Store, holder: str) -> None:
    """Give up every lease of this process (a clean shutdown: another takes over at once)."""
    async with store.transaction() as db:
        await db.execute("DELETE FROM delivery_leases WHERE holder = ?", (holder,))
        await db.execute("DELETE FROM delivery_nodes WHERE holder = ?", (holder,))


async def reserve_slots(
    store: Store, bucket: str, count: int, *, interval_s: float, now_s: float
) -> float:
    """Reserve `count` sends of `bucket`, `interval_s` apart; return when the first may go."""
    async with store.transaction() as db:
        async with db.execute(
            "SELECT next_free FROM rate_limits WHERE bucket = ?", (bucket,)
        ) as cur:
            row = await cur.fetchone()
        first = max(float(row[0]) if row else now_s, now_s)
        await db.execute(
            "INSERT INTO rate_limits (bucket, next_free) VALUES (?, ?)"
            " ON CONFLICT (bucket) DO UPDATE SET next_free = excluded.next_free",
            (bucket, first + count * interval_s),
        )
    return first
