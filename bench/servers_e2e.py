"""``python -m bench.servers_e2e``: a real ``python -m bot run`` with many configured servers.

Three runs of the bot against the Discord API emulator, each on a database of its own:

1. Start-up: `--servers` configured servers and nothing due (the clock is set before the
   season's first reminder): process start to READY and to the first answer, the full re-plan
   the scheduler logs after READY, `/config leads` end to end (dispatch to the answer; the
   first one apart: it loads the settings query paths) and the bot's peak RSS.
2. A burst with the emulator's Discord limits on (50 requests a second, 5 messages per 5 s a
   channel): `--burst` servers whose 7-day reminder is due at once (planned before the bot
   starts, its clock a few seconds past the due time), while commands go in a few at a time:
   the time from the first post to the last, 429s, lost and doubled posts, the busiest second
   of requests, and the commands' answer latency (dispatch to the answer) during the burst.
3. A 60-second 429 with the limits on: `--limited` servers due at once, the first one's
   channel answering 429 (retry after 60 s): when the other servers' posts arrived, counted
   from the first post request of the burst.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.e2e import Bench, peak_rss_mb
from bench.measure import Latency
from bench.servers import REPO, ROLEX_WEEK, FixedClock
from bot.delivery.scheduler import DeliveryResult, OutgoingPost, PostScheduler
from bot.schedule.calendar import load_calendar
from bot.schedule.outbox import stamp
from bot.store import Store
from tests.e2e.emulator import Emulator, make_text_channel

FAKE_NOW = "2024-01-10T12:00:00Z"  # the Rolex 24's first reminder is ten days away
REPLANNED = re.compile(r"Re-planned (\d+) servers .* in ([\d.]+) s")
FIRST_GUILD = 10_000_000
FIRST_CHANNEL = 20_000_000
GLOBAL_RATE_PER_S = 45.0  # the bot's own pace, under Discord's 50 a second
BURST_CLOCK = ROLEX_WEEK + timedelta(seconds=5)  # the bot starts just after the posts are due
BURST_COMMANDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("about", {}),
    ("next", {}),
    ("config show", {}),
    ("schedule season", {"year": 2024}),
    ("config leads", {"leads": "2h"}),
)
COMMANDS_AT_ONCE = 3  # commands dispatched together during the burst
COMMAND_PAUSE_S = 1.0  # between those groups
LONG_429_S = 60.0
POLL_S = 0.5
SETTLE_S = 2.0  # waited after the last expected post, for a doubled one to show


def channel_of(index: int) -> int:
    """Return the channel of the `index`-th configured server."""
    return FIRST_CHANNEL + index


async def prepare(db_path: Path, servers: int) -> None:
    """Create the database with `servers` configured servers."""
    async with Store.open(db_path) as store, store.transaction() as db:
        await db.executemany(
            "INSERT INTO guild_settings (guild_id, channel_id, change_seq) VALUES (?, ?, ?)",
            [(FIRST_GUILD + i, channel_of(i), i + 1) for i in range(servers)],
        )


async def prepare_due(db_path: Path, servers: int) -> None:
    """Configure `servers` servers and plan their posts: every 7-day reminder is due at once."""
    await prepare(db_path, servers)

    async def deliver(outgoing: OutgoingPost) -> DeliveryResult:
        raise AssertionError("nothing is due while planning")

    calendar = load_calendar(REPO / "seeds" / "calendar.toml")
    async with Store.open(db_path) as store:
        clock = FixedClock(ROLEX_WEEK - timedelta(minutes=1))
        scheduler = PostScheduler(store, calendar, deliver, clock)
        await scheduler.start()
        await scheduler.stop()
        row = await store.fetchone(
            "SELECT count(*) FROM outbox WHERE due_utc = ?", (stamp(ROLEX_WEEK),)
        )
    if row is None or row[0] != servers:
        raise RuntimeError(f"planned {row[0] if row else 0} posts due at once, not {servers}")


async def wait_for_replan(log_path: Path, servers: int, timeout_s: float) -> float:
    """Return the duration of the first full re-plan of at least `servers` servers."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = await asyncio.to_thread(log_path.read_text, errors="replace")
        for count, seconds in REPLANNED.findall(text):
            if int(count) >= servers:
                return float(seconds)
        await asyncio.sleep(0.2)
    raise TimeoutError("no full re-plan logged")


def limited_bench(db_path: Path, work: Path, servers: int, fake_now: str) -> Bench:
    """Return a bench whose emulator has Discord's limits on and every server's channel."""
    bench = Bench(db_path, work, env={"PADDOCK_FAKE_NOW": fake_now})
    emu = bench.emu
    emu.rate_limits = True
    for i in range(servers):
        emu.add_channels(FIRST_GUILD + i, [make_text_channel(channel_of(i), "paddock")])
    return bench


async def measure_startup(work: Path, servers: int) -> dict[str, float]:
    """Start the bot on `servers` configured servers; time start-up, the re-plan, /config."""
    db_path = work / "startup.db"
    await prepare(db_path, servers)
    bench = Bench(db_path, work, env={"PADDOCK_FAKE_NOW": FAKE_NOW})
    try:
        startup = await bench.start()
        replan_s = await wait_for_replan(work / "bot.log", servers, 120.0)
        configs = []
        for leads in ("2h", "1d, 1h", "default", "3h"):
            began = time.monotonic()
            await bench.run_batch([("config leads", {"leads": leads})])
            configs.append(time.monotonic() - began)
        assert bench.proc is not None
        return {
            "servers": float(servers),
            "ready_s": startup["ready_s"],
            "first_answer_s": startup["first_answer_s"],
            "full_replan_s": replan_s,
            "config_first_ms": configs[0] * 1000,
            "config_end_to_end_ms": max(configs[1:]) * 1000,
            "peak_rss_mb": peak_rss_mb(bench.proc.pid),
        }
    finally:
        await bench.stop()


def post_requests(emu: Emulator) -> list[Any]:
    """Return the bot's message posts (to any channel), in arrival order."""
    return [
        r
        for r in emu.requests
        if r.method == "POST" and r.path.startswith("/channels/") and r.path.endswith("/messages")
    ]


def busiest_second(emu: Emulator) -> int:
    """Return the most requests counted by Discord's global limit in any one second."""
    times = sorted(
        r.time for r in emu.requests if not r.path.startswith(("/interactions/", "/webhooks/"))
    )
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most


async def wait_for_posts(bench: Bench, channels: Sequence[int], timeout_s: float) -> None:
    """Wait until every channel in `channels` holds a message (or the time is up)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if all(bench.emu.channel_messages(c) for c in channels):
            return
        await bench.guard(asyncio.sleep(POLL_S))
    raise TimeoutError(f"posts missing after {timeout_s:.0f} s")


async def commands_meanwhile(bench: Bench, stop: asyncio.Event) -> Latency:
    """Send commands a few at a time until `stop`; return their answer latencies."""
    answers = Latency()
    turn = 0
    while not stop.is_set():
        group = [BURST_COMMANDS[(turn + i) % len(BURST_COMMANDS)] for i in range(COMMANDS_AT_ONCE)]
        _, answer = await bench.run_batch(group)
        answers.samples.extend(answer.samples)
        turn += COMMANDS_AT_ONCE
        await asyncio.sleep(COMMAND_PAUSE_S)
    return answers


def delivery_counts(emu: Emulator, channels: Sequence[int]) -> dict[str, float]:
    """Return the lost and doubled posts over `channels`, and the 429s the bot was given."""
    counts = [len(emu.channel_messages(c)) for c in channels]
    return {
        "lost": float(sum(1 for n in counts if n == 0)),
        "doubled": float(sum(n - 1 for n in counts if n > 1) + len(emu.deduplicated)),
        "rate_limited_429s": float(len(emu.limited)),
    }


async def measure_burst(work: Path, servers: int) -> dict[str, float]:
    """Deliver `servers` posts due at once under Discord's limits, with commands meanwhile."""
    db_path = work / "burst.db"
    await prepare_due(db_path, servers)
    bench = limited_bench(db_path, work, servers, BURST_CLOCK.isoformat())
    channels = [channel_of(i) for i in range(servers)]
    stop = asyncio.Event()
    try:
        await bench.start()
        meanwhile = asyncio.ensure_future(commands_meanwhile(bench, stop))
        try:
            await wait_for_posts(bench, channels, servers / GLOBAL_RATE_PER_S * 1.5 + 60)
        finally:
            stop.set()
            answers = await meanwhile
        await asyncio.sleep(SETTLE_S)
        emu = bench.emu
        posts = post_requests(emu)
        sent = [r.time for r in posts if r.status == 200]
        answered = answers.summary()
        assert bench.proc is not None
        return {
            "posts": float(servers),
            "burst_s": max(sent) - posts[0].time,
            "burst_minimum_s": servers / GLOBAL_RATE_PER_S,
            **delivery_counts(emu, channels),
            "busiest_second": float(busiest_second(emu)),
            "commands": float(answered["n"]),
            "command_answer_p50_ms": float(answered["p50_ms"]),
            "command_answer_p99_ms": float(answered["p99_ms"]),
            "command_answer_max_ms": float(answered["max_ms"]),
            "peak_rss_mb": peak_rss_mb(bench.proc.pid),
        }
    finally:
        await bench.stop()


async def measure_long_429(work: Path, servers: int) -> dict[str, float]:
    """Deliver `servers` posts due at once, the first server's channel answering a 60 s 429."""
    db_path = work / "limited.db"
    await prepare_due(db_path, servers)
    bench = limited_bench(db_path, work, servers, BURST_CLOCK.isoformat())
    limited = f"/channels/{channel_of(0)}/messages"
    bench.emu.fail_next("POST", limited, status=429, retry_after=LONG_429_S)
    others = [channel_of(i) for i in range(1, servers)]
    try:
        await bench.start()
        await wait_for_posts(bench, others, 30.0)
        await asyncio.sleep(SETTLE_S)
        emu = bench.emu
        posts = post_requests(emu)
        to_others = [r.time for r in posts if r.status == 200 and r.path != limited]
        refused = [r for r in posts if r.path == limited]
        return {
            "posts": float(servers),
            "limited_refused": float(sum(r.status == 429 for r in refused)),
            "limited_sent_meanwhile": float(sum(r.status == 200 for r in refused)),
            "others_latest_s": max(to_others) - posts[0].time,
            "others_minimum_s": (servers - 1) / GLOBAL_RATE_PER_S,
            **delivery_counts(emu, others),
        }
    finally:
        await bench.stop()


async def run(servers: int, burst: int, limited: int) -> dict[str, dict[str, float]]:
    """Measure and return the numbers of the three runs, in a temporary folder."""
    with tempfile.TemporaryDirectory() as folder:
        return await run_in(Path(folder), servers, burst, limited)


async def run_in(work: Path, servers: int, burst: int, limited: int) -> dict[str, dict[str, float]]:
    """Measure and return the numbers of the three runs (a count of 0 skips its run)."""
    results = {}
    for name, measure, count in (
        ("startup", measure_startup, servers),
        ("burst", measure_burst, burst),
        ("long_429", measure_long_429, limited),
    ):
        if count <= 0:
            continue
        run_dir = work / name
        run_dir.mkdir()
        results[name] = await measure(run_dir, count)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.servers_e2e", description=__doc__)
    parser.add_argument("--servers", type=int, default=10_000, help="start-up run (0: skip)")
    parser.add_argument("--burst", type=int, default=10_000, help="posts due at once (0: skip)")
    parser.add_argument("--limited", type=int, default=20, help="the 429 run's posts (0: skip)")
    args = parser.parse_args(argv)
    for name, numbers in asyncio.run(run(args.servers, args.burst, args.limited)).items():
        for key, value in numbers.items():
            print(f"| {name} {key} | {value:,.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
