"""``python -m bench.servers``: the post scheduler at many configured servers, in process.

Real SQLite file, the real `PostScheduler`, the shipped calendar; Discord is replaced by an
adapter that answers each post after `--latency` seconds and records when it was sent, so the
numbers are the scheduler's own: a full re-plan of every server (cold, then warm), one
server's re-plan (what `/config` waits for), the wake-up arming query, peak RSS, and a burst of
posts due at once delivered under the shared 45/s rate limiter (rate, the busiest second, lost
or doubled posts). Not measured here: the gateway and the emulator's Discord limits.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.delivery.scheduler import DeliveryResult, OutgoingPost, PostScheduler
from bot.schedule.calendar import load_calendar
from bot.schedule.outbox import next_due
from bot.schedule.planning import GuildSettings
from bot.store import Store

REPO = Path(__file__).resolve().parents[1]
ROLEX_WEEK = datetime(2024, 1, 20, 18, 40, tzinfo=UTC)  # every server's 7-day reminder


class FixedClock:
    """The bot's clock, held where the benchmark puts it."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def rss_mb() -> float:
    """Return this process's peak RSS in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def configure(store: Store, count: int, first: int) -> None:
    """Save `count` servers' settings in one transaction."""
    async with store.transaction() as db:
        await db.executemany(
            "INSERT INTO guild_settings (guild_id, channel_id, change_seq) VALUES (?, ?, ?)",
            [(first + i, 10 * (first + i), i + 1) for i in range(count)],
        )


async def run(servers: int, burst: int, latency: float) -> dict[str, float]:
    """Measure and return the numbers."""
    calendar = load_calendar(REPO / "seeds" / "calendar.toml")
    sent: list[tuple[int, float]] = []

    async def deliver(outgoing: OutgoingPost) -> DeliveryResult:
        await asyncio.sleep(latency)
        sent.append((outgoing.post.id, time.monotonic()))
        return DeliveryResult.sent(outgoing.post.id)

    results: dict[str, float] = {"servers": servers}
    with tempfile.TemporaryDirectory() as work:
        async with Store.open(Path(work) / "paddock.db") as store:
            await configure(store, servers, 1)
            clock = FixedClock(ROLEX_WEEK - timedelta(days=3))
            scheduler = PostScheduler(store, calendar, deliver, clock)
            began = time.monotonic()
            await scheduler.start()  # leases, then the full re-plan (cold)
            results["replan_cold_s"] = time.monotonic() - began
            began = time.monotonic()
            await scheduler.replan()
            results["replan_warm_s"] = time.monotonic() - began
            rows = await store.fetchone("SELECT count(*) FROM outbox")
            results["outbox_rows"] = rows[0] if rows else 0
            began = time.monotonic()
            for guild in range(1, 21):
                settings = GuildSettings(guild, channel_id=10 * guild, leads=(timedelta(hours=2),))
                await scheduler.update_settings(settings)
            results["one_server_replan_ms"] = (time.monotonic() - began) / 20 * 1000
            began = time.monotonic()
            for _ in range(100):
                await next_due(store)
            results["next_due_ms"] = (time.monotonic() - began) / 100 * 1000
            await scheduler.stop()
            results["peak_rss_mb"] = rss_mb()
            if burst <= 0:
                return results

            # The burst: `burst` more servers whose 7-day reminder is due right now.
            await configure(store, burst, 10_000_000)
            async with store.transaction() as db:  # keep the first servers quiet at the burst
                quiet = "UPDATE guild_settings SET channel_id = NULL WHERE guild_id <= ?"
                await db.execute(quiet, (servers,))
                await db.execute("DELETE FROM outbox WHERE guild_id <= ?", (servers,))
            clock.moment = ROLEX_WEEK
            scheduler = PostScheduler(store, calendar, deliver, clock)
            sent.clear()
            began = time.monotonic()
            await scheduler.start()
            elapsed = time.monotonic() - began
            await scheduler.stop()
    ids = Counter(post_id for post_id, _ in sent)
    seconds = Counter(int(at - began) for _, at in sent)
    results["burst_posts"] = burst
    results["burst_sent"] = len(ids)
    results["burst_doubled"] = sum(1 for n in ids.values() if n > 1)
    results["burst_s"] = elapsed
    results["burst_minimum_s"] = burst / 45
    results["burst_busiest_second"] = max(seconds.values(), default=0)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.servers", description=__doc__)
    parser.add_argument("--servers", type=int, default=10_000)
    parser.add_argument("--burst", type=int, default=1_000, help="posts due at once (0: none)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per post")
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.servers, args.burst, args.latency))
    for key, value in results.items():
        print(f"| {key} | {value:,.3f} |" if isinstance(value, float) else f"| {key} | {value} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
