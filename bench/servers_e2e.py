"""``python -m bench.servers_e2e``: a real ``python -m bot run`` with many configured servers.

The database holds `--servers` configured servers (and no articles); the bot runs against the
Discord API emulator. Measured: process start to READY and to the first answer, the full
re-plan the scheduler logs after READY, `/config leads` end to end (dispatch to the answer;
the first one apart: it loads the settings query paths) and the bot's peak RSS. Nothing is
due meanwhile (the clock is set before the season's first reminder).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from pathlib import Path

from bench.e2e import Bench, peak_rss_mb
from bot.store import Store

FAKE_NOW = "2024-01-10T12:00:00Z"  # the Rolex 24's first reminder is ten days away
REPLANNED = re.compile(r"Re-planned (\d+) servers .* in ([\d.]+) s")


async def prepare(db_path: Path, servers: int) -> None:
    """Create the database with `servers` configured servers."""
    async with Store.open(db_path) as store, store.transaction() as db:
        await db.executemany(
            "INSERT INTO guild_settings (guild_id, channel_id, change_seq) VALUES (?, ?, ?)",
            [(10_000_000 + i, 20_000_000 + i, i + 1) for i in range(servers)],
        )


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


async def run(servers: int) -> dict[str, float]:
    """Measure and return the numbers."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db_path = work / "paddock.db"
        await prepare(db_path, servers)
        bench = Bench(db_path, work)
        original_env = bench.env

        def env() -> dict[str, str]:
            return {**original_env(), "PADDOCK_FAKE_NOW": FAKE_NOW}

        bench.env = env  # type: ignore[method-assign]
        try:
            startup = await bench.start()
            replan_s = await wait_for_replan(work / "bot.log", servers, 120.0)
            configs = []
            for leads in ("2h", "1d, 1h", "default", "3h"):
                began = time.monotonic()
                await bench.run_batch([("config leads", {"leads": leads})])
                configs.append(time.monotonic() - began)
            assert bench.proc is not None
            results = {
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
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(prog="python -m bench.servers_e2e", description=__doc__)
    parser.add_argument("--servers", type=int, default=10_000)
    args = parser.parse_args(argv)
    for key, value in asyncio.run(run(args.servers)).items():
        print(f"| {key} | {value:,.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
