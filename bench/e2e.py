"""End to end: a real ``python -m bot run`` against the Discord API emulator.

Start-up (process start → READY → first interaction answered), then bursts of 1, 50 and 500
concurrent slash commands: latency is from the emulator dispatching INTERACTION_CREATE to
the bot's callback request arriving; peak RSS is the bot process's VmHWM at the end.
"""

from __future__ import annotations

import asyncio
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

from bench.measure import Latency
from bot.store import Store
from tests.e2e.emulator import Emulator, make_guild, make_text_channel, make_user

REPO_ROOT = Path(__file__).resolve().parents[1]
APP_ID = "900000000000000001"
GUILD_ID = "800000000000000001"
CHANNEL_ID = "800000000000000002"
TOKEN = "fake"  # noqa: S105 - the emulator's test token
START_TIMEOUT_S = 60.0
SLOW_S = 3.0


def peak_rss_mb(pid: int) -> float:
    """Return a process's peak resident set size (VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mb(pid: int) -> float:
    """Return a process's current resident set size (VmRSS) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def command_inputs(db_path: Path, count: int, seed: int = 17) -> list[tuple[str, dict]]:
    """Return a varied mix of slash commands drawn from the store."""
    rng = random.Random(seed)
    async with Store.open(db_path, migrate=False) as store:
        cars = [r[0] for r in await store.fetchall("SELECT DISTINCT car FROM lineups LIMIT 200")]
        drivers = [
            r[0]
            for r in await store.fetchall(
                "SELECT DISTINCT driver FROM lineup_drivers ORDER BY driver LIMIT 500"
            )
        ]
        events = [
            (r[0], r[1])
            for r in await store.fetchall(
                "SELECT DISTINCT event, season FROM results WHERE event IS NOT NULL"
                " AND season IS NOT NULL ORDER BY event, season LIMIT 500"
            )
        ]
    commands: list[tuple[str, dict]] = []
    for i in range(count):
        car = rng.choice(cars) if cars else "31"
        name = rng.choice(drivers) if drivers else "Pipo Derani"
        event, season = rng.choice(events) if events else ("Rolex 24 At Daytona", 2024)
        mix: list[tuple[str, dict]] = [
            ("lineup", {"car": car}),
            ("driver", {"name": name}),
            ("results", {"event": event, "season": int(season)}),
            ("quote", {"speaker": name}),
            ("search", {"query": name.split()[-1]}),
        ]
        commands.append(mix[i % len(mix)])
    return commands


class Bench:
    """One bot process against one emulator."""

    def __init__(self, db_path: Path, work: Path, *, env: dict[str, str] | None = None) -> None:
        self.db_path = db_path
        self.work = work
        self.extra_env = dict(env or {})
        guild = make_guild(
            GUILD_ID, "Paddock Bench", channels=[make_text_channel(CHANNEL_ID, "general")]
        )
        self.emu = Emulator(APP_ID, make_user(APP_ID, "Paddock", bot=True), [guild], token=TOKEN)
        self.proc: asyncio.subprocess.Process | None = None
        self._log: Any = None

    def env(self) -> dict[str, str]:
        """Return the bot's environment: the emulator, the database, a dev guild."""
        config = self.work / "bench-config.toml"
        config.write_text(
            f'[paddock]\nseeds = "{REPO_ROOT / "seeds"}"\n[discord]\ndev_guild_id = {GUILD_ID}\n',
            encoding="utf-8",
        )
        env = dict(os.environ)
        env.update(
            {
                "DISCORD_TOKEN": TOKEN,
                "PADDOCK_DISCORD_API_BASE": self.emu.base_url,
                "PADDOCK_DB": str(self.db_path),
                "PADDOCK_CONFIG": str(config),
                "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": os.pathsep.join(
                    filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")])
                ),
                **self.extra_env,
            }
        )
        return env

    async def start(self) -> dict[str, float]:
        """Start the emulator and the bot; return the start-up times in seconds."""
        await self.emu.start()
        self._log = (self.work / "bot.log").open("wb")
        started = time.monotonic()
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
            env=self.env(),
            cwd=str(REPO_ROOT),
        )
        await self.guard(
            self.emu.wait_until(lambda: self.emu.ready_count > 0, START_TIMEOUT_S, "READY")
        )
        ready = time.monotonic() - started
        first, _ = await self.run_batch([("about", {})])
        answered = time.monotonic() - started
        return {
            "ready_s": round(ready, 3),
            "first_answer_s": round(answered, 3),
            "first_latency_ms": first.summary()["p50_ms"],
        }

    async def guard(self, waiting: Any) -> Any:
        """Await `waiting`, failing at once if the bot exits."""
        assert self.proc is not None
        work = asyncio.ensure_future(waiting)
        died = asyncio.ensure_future(self.proc.wait())
        done, _ = await asyncio.wait({work, died}, return_when=asyncio.FIRST_COMPLETED)
        if work not in done:
            work.cancel()
            raise RuntimeError(f"the bot exited with {self.proc.returncode}")
        died.cancel()
        return work.result()

    async def run_batch(self, commands: list[tuple[str, dict]]) -> tuple[Latency, Latency]:
        """Dispatch every command at once and wait until all are answered.

        Return two latencies per command, both from its INTERACTION_CREATE being dispatched:
        to its interaction callback arriving (the acknowledgement: a message or a defer), and
        to its answer arriving (the callback's message, or the follow-up after a defer). The
        batch ends when every answer arrived, so N concurrent means N unanswered at the start
        and no backlog carried into the next batch.
        """
        emu = self.emu
        gid, cid, user = emu._context(GUILD_ID, CHANNEL_ID, None, False)
        first_request = len(emu.requests)
        sent: dict[str, float] = {}
        by_token: dict[str, str] = {}
        records = []
        for name, options in commands:
            data = emu._command_data(name, options, gid)
            sent_at = time.monotonic()
            record = await emu.send_interaction(2, data, guild_id=gid, channel_id=cid, user=user)
            sent[record.id] = sent_at
            by_token[record.token] = record.id
            records.append(record)
            await asyncio.sleep(0)  # let the emulator answer requests between dispatches

        pending = list(records)

        def answered() -> bool:  # checked on every request: amortised O(1)
            while pending and pending[-1].callbacks:
                if pending[-1].response_type == 5 and not pending[-1].followups:
                    return False
                pending.pop()
            return not pending

        await self.guard(emu.wait_until(answered, 60.0, f"{len(records)} answers"))
        acked: dict[str, float] = {}
        answers: dict[str, float] = {}
        for request in emu.requests[first_request:]:
            if request.method != "POST":
                continue
            parts = request.path.split("/")
            if parts[-1] == "callback" and parts[2] in sent:
                acked.setdefault(parts[2], request.time)
                if (request.json or {}).get("type") != 5:
                    answers.setdefault(parts[2], request.time)
            elif parts[1] == "webhooks" and parts[-1] in by_token:
                answers.setdefault(by_token[parts[-1]], request.time)
        ack, answer = Latency(), Latency()
        for iid, at in sent.items():
            ack.add(acked[iid] - at)
            answer.add(answers[iid] - at)
        return ack, answer

    async def load(self, commands: list[tuple[str, dict]], concurrency: int) -> dict[str, Any]:
        """Run the commands in bursts of `concurrency`; return throughput and latency."""
        ack, answer = Latency(), Latency()
        start = time.monotonic()
        for at in range(0, len(commands), concurrency):
            batch_ack, batch_answer = await self.run_batch(commands[at : at + concurrency])
            ack.samples.extend(batch_ack.samples)
            answer.samples.extend(batch_answer.samples)
        elapsed = time.monotonic() - start
        answered = answer.summary()
        return {
            "concurrency": concurrency,
            **ack.summary(),
            "per_s": round(len(commands) / elapsed, 1),
            "over_3s": sum(1 for s in ack.samples if s > SLOW_S),
            "answer_p50_ms": answered["p50_ms"],
            "answer_p99_ms": answered["p99_ms"],
            "answer_max_ms": answered["max_ms"],
        }

    def peak_rss_mb(self) -> float:
        """Return the bot's peak RSS so far."""
        assert self.proc is not None
        return round(peak_rss_mb(self.proc.pid), 1)

    async def stop(self) -> None:
        """Stop the bot, then the emulator."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._log is not None:
            self._log.close()
        await self.emu.stop()


async def bench_e2e(
    db_path: Path, work: Path, levels: tuple[int, ...], per_level: dict[int, int]
) -> dict[str, Any]:
    """Start the bot on a store, time start-up, then each concurrency level."""
    bench = Bench(db_path, work)
    try:
        startup = await bench.start()
        startup["rss_after_start_mb"] = round(rss_mb(bench.proc.pid), 1) if bench.proc else 0.0
        startup["peak_rss_after_start_mb"] = bench.peak_rss_mb()
        runs = []
        total = max(per_level.values())
        commands = await command_inputs(db_path, total)
        # one untimed round so every query path has run once (name indexes built)
        await bench.run_batch(commands[:10])
        startup["peak_rss_after_warmup_mb"] = bench.peak_rss_mb()
        for level in levels:
            run = await bench.load(commands[: per_level[level]], level)
            run["peak_rss_mb"] = bench.peak_rss_mb()  # the bot's peak so far
            runs.append(run)
        startup["peak_rss_mb"] = bench.peak_rss_mb()
        return {"startup": startup, "runs": runs}
    except Exception:
        log_path = work / "bot.log"
        if log_path.exists():
            print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    finally:
        await bench.stop()
