"""Faults around the real ``python -m bot run``: each test fails if a post is lost or doubled.

Every test starts its own Paddock on a sped-up fake clock 30 bot minutes before the Rolex 24's
one-hour reminder (the only post the default leads still plan at that time), points the
server's posts at #race-weekend, and breaks something around the moment the post is due.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from .conftest import (
    GUILD_ID,
    OTHER_CHANNEL_ID,
    PADDOCK_SEEDS,
    REPO_ROOT,
    BotProcess,
    StartPaddock,
    paddock_env,
    write_paddock_config,
)
from .emulator import EPHEMERAL, Emulator, Json

pytestmark = pytest.mark.e2e

ROLEX_START = datetime(2024, 1, 27, 18, 40, tzinfo=UTC)
REMINDER_DUE = ROLEX_START - timedelta(hours=1)  # the 1h reminder of the default leads
FAKE_NOW = REMINDER_DUE - timedelta(minutes=30)
SPEED = 600.0  # ten bot minutes a second: the reminder is due 3 s after the start
POSTS = f"/channels/{OTHER_CHANNEL_ID}/messages"
REMINDER_NONCE = hashlib.sha256(
    f"{GUILD_ID}|session:imsa-2024-r01-daytona-race|3600".encode()
).hexdigest()[:25]


def posts(emu: Emulator) -> list[Json]:
    return emu.channel_messages(OTHER_CHANNEL_ID)


def post_requests(emu: Emulator) -> list[Any]:
    return [r for r in emu.requests if r.method == "POST" and r.path == POSTS]


async def configured_paddock(
    emu: Emulator,
    start_paddock: StartPaddock,
    *,
    fake_now: datetime = FAKE_NOW,
    speed: float = SPEED,
    **options: Any,
) -> BotProcess:
    """Start Paddock on the fast clock and send the server's posts to #race-weekend."""
    bot = await start_paddock(emu, fake_now=fake_now.isoformat(), clock_speed=speed, **options)
    record = await emu.invoke("config channel", {"channel": OTHER_CHANNEL_ID})
    assert f"<#{OTHER_CHANNEL_ID}>" in str(record.data), record.data
    return bot


async def assert_exactly_one_reminder(emu: Emulator, bot: BotProcess, quiet_s: float) -> Json:
    """The reminder is in the channel once, and nothing else arrives for `quiet_s` seconds."""
    await bot.guard(emu.wait_until(lambda: posts(emu), 20.0, "the reminder"), 21.0)
    with pytest.raises(TimeoutError):
        await emu.wait_until(lambda: len(posts(emu)) > 1, quiet_s, "a second post")
    (post,) = posts(emu)
    (embed,) = post["embeds"]
    assert embed["title"] == "Rolex 24 At Daytona: race countdown"
    assert f"<t:{int(ROLEX_START.timestamp())}:R>" in embed["description"]
    assert post["content"] == ""
    assert post["_allowed_mentions"] == {"parse": []}
    assert post["nonce"] == REMINDER_NONCE
    return post


async def test_gateway_drops_mid_session(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu = paddock_emu
    bot = await configured_paddock(emu, start_paddock)

    # An abrupt drop: the bot resumes (no new IDENTIFY) and answers again.
    await emu.drop_gateway()
    assert emu.resume_count == 1
    about = await emu.invoke("about", timeout_s=10)
    assert about.response_type == 4

    # Dropped again while the reminder comes due; a command sent meanwhile is replayed.
    await bot.guard(_sleep_until_due(bot), 5.0)
    await emu.drop_gateway(wait=False)
    lineup = await emu.invoke("lineup", {"car": "31"}, timeout_s=15)
    assert "Pipo Derani" in str(lineup.data)
    assert emu.resume_count == 2
    assert emu.identify_count == 1

    await assert_exactly_one_reminder(emu, bot, quiet_s=1.5)
    assert [r.status for r in post_requests(emu)] == [200]

    # A non-resumable INVALID_SESSION: a new IDENTIFY, at the emulator's gateway (not Discord's).
    await emu.invalidate_session()
    await bot.guard(emu.wait_until(lambda: emu.ready_count == 2, 12.0, "a new READY"), 13.0)
    assert emu.identify_count == 2
    assert (await emu.invoke("about", timeout_s=10)).response_type == 4
    assert len(posts(emu)) == 1


async def _sleep_until_due(bot: BotProcess) -> None:
    """Return when the bot's clock is about to reach the reminder's due time."""
    elapsed = time.monotonic() - bot.started_at
    due_in = (REMINDER_DUE - FAKE_NOW).total_seconds() / SPEED - elapsed
    await asyncio.sleep(max(0.0, due_in - 0.3))


async def test_429_then_500_on_post_still_arrives_once(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu = paddock_emu
    emu.fail_next("POST", POSTS, status=429, retry_after=0.3)
    emu.fail_next("POST", POSTS, status=500)
    bot = await configured_paddock(emu, start_paddock)

    await assert_exactly_one_reminder(emu, bot, quiet_s=1.5)
    attempts = post_requests(emu)
    assert [r.status for r in attempts] == [429, 500, 200]
    assert attempts[1].time - attempts[0].time >= 0.3  # retry_after honoured
    assert {r.json["nonce"] for r in attempts} == {REMINDER_NONCE}
    assert all(r.json.get("enforce_nonce") for r in attempts)


@pytest.mark.parametrize(
    ("message_created", "restart_after"),
    [
        pytest.param(True, timedelta(minutes=2), id="posted-but-answer-lost"),
        pytest.param(False, timedelta(minutes=2), id="request-hung"),
        # Past Discord's nonce window: only reading the channel can tell the post arrived.
        pytest.param(True, timedelta(minutes=25), id="posted-then-restarted-25-min-later"),
    ],
)
async def test_sigkill_between_due_and_delivery(
    paddock_emu: Emulator,
    start_paddock: StartPaddock,
    message_created: bool,
    restart_after: timedelta,
) -> None:
    emu = paddock_emu
    emu.stall_next("POST", POSTS, handle_first=message_created)
    bot = await configured_paddock(emu, start_paddock, name="before-kill")

    # The reminder is due and the bot is posting it, but never hears back: kill -9.
    await bot.guard(emu.wait_until(lambda: emu.stalled, 20.0, "the reminder's POST"), 21.0)
    await bot.kill()
    assert bot.returncode == -9
    emu.release_stalled()
    assert len(posts(emu)) == (1 if message_created else 0)

    # Restart later, within the 30-minute grace window; Discord's clock moved on as much.
    emu.advance(restart_after.total_seconds())
    restarted = await start_paddock(
        emu,
        fake_now=(REMINDER_DUE + restart_after).isoformat(),
        clock_speed=1.0,
        name="after-kill",
    )
    # The attempt may have reached Discord: the channel is read before anything is sent again.
    await restarted.guard(emu.wait_for_request("GET", POSTS, 10.0), 11.0)
    if not message_created:
        await restarted.guard(
            emu.wait_until(lambda: len(post_requests(emu)) >= 2, 10.0, "the retried POST"), 11.0
        )
    await assert_exactly_one_reminder(emu, restarted, quiet_s=1.5)
    sent = post_requests(emu)
    assert len(sent) == (1 if message_created else 2)
    assert all(r.json["nonce"] == REMINDER_NONCE for r in sent)
    assert sent[-1].status == 200
    assert emu.deduplicated == []
    # The restarted bot answers commands too.
    assert (await emu.invoke("about", timeout_s=10)).response_type == 4


async def test_post_due_during_a_slow_delivery_is_not_lost(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    """A 429 + 500 makes the 1h reminder take ~3.5 s; the 58m one comes due meanwhile."""
    emu = paddock_emu
    emu.fail_next("POST", POSTS, status=429, retry_after=0.3)
    emu.fail_next("POST", POSTS, status=500)
    # One bot minute a second: the 1h reminder is due 2 s after the start, the 58m one 2 s later.
    bot = await configured_paddock(
        emu, start_paddock, fake_now=REMINDER_DUE - timedelta(minutes=2), speed=60.0
    )
    await emu.invoke("config leads", {"leads": "1h, 58m"})

    await bot.guard(emu.wait_until(lambda: len(posts(emu)) >= 2, 15.0, "both reminders"), 16.0)
    with pytest.raises(TimeoutError):
        await emu.wait_until(lambda: len(posts(emu)) > 2, 1.5, "a third post")
    # Deliveries run concurrently: the 58m reminder need not wait behind the 1h one's retries.
    tries: dict[str, list[int]] = {}
    for request in post_requests(emu):
        tries.setdefault(request.json["nonce"], []).append(request.status)
    assert tries.pop(REMINDER_NONCE) == [429, 500, 200]
    assert list(tries.values()) == [[200]]
    assert "maximum number of running instances" not in bot.log()


# ---------------------------------------------------------------------------- the database


async def wait_for_log(bot: BotProcess, text: str, timeout_s: float) -> None:
    """Wait until `text` appears in the bot's log."""
    deadline = time.monotonic() + timeout_s
    while text not in bot.log():
        if time.monotonic() > deadline:
            pytest.fail(f"{text!r} never logged; log:\n{bot.log()[-4000:]}")
        await asyncio.sleep(0.1)


def make_read_only(path: Path) -> Callable[[], None] | None:
    """Make a file read-only even for root (chattr +i); return the undo, or None if we can't."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return lambda: path.chmod(0o644)
    chattr = shutil.which("chattr")
    if chattr is None:
        return None
    if subprocess.run([chattr, "+i", str(path)], capture_output=True, check=False).returncode:
        return None
    return lambda: subprocess.run([chattr, "-i", str(path)], capture_output=True, check=False)


async def ingest_seeds(emu: Emulator, workdir: Path) -> Path:
    """Create `workdir`/paddock.db with the seed articles, as `paddock ingest` does."""
    config = write_paddock_config(workdir)
    env = paddock_env(emu, config)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "ingest",
        str(PADDOCK_SEEDS / "articles"),
        env=env,
        cwd=str(REPO_ROOT),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert await asyncio.wait_for(proc.wait(), 30.0) == 0
    return workdir / "paddock.db"


def assert_clean_exit_with_error(bot: BotProcess, *needles: str) -> None:
    log = bot.log()
    assert bot.returncode == 2, log[-3000:]
    (line,) = [ln for ln in log.splitlines() if ln.startswith("error: ")]
    for needle in needles:
        assert needle in line, line
    assert "Traceback" not in log, log[-3000:]


async def test_read_only_database_is_a_clear_error_at_start(
    paddock_emu: Emulator, start_paddock: StartPaddock, tmp_path: Path
) -> None:
    emu = paddock_emu
    db = await ingest_seeds(emu, tmp_path / "paddock")
    undo = make_read_only(db)
    if undo is None:
        pytest.skip("cannot make a file read-only for this user here (no chattr)")
    try:
        bot = await start_paddock(emu, wait=False, pipe_output=True)
        await asyncio.wait_for(bot.proc.wait(), 20.0)  # exits once, by itself: no crash loop
    finally:
        undo()
    assert_clean_exit_with_error(bot, str(db), "cannot be written", "readonly")
    assert emu.identify_count == 0  # never went online half-working
    assert post_requests(emu) == []


def _no_file_writes() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


async def test_full_disk_is_a_clear_error_at_start(
    paddock_emu: Emulator, start_paddock: StartPaddock, tmp_path: Path
) -> None:
    # RLIMIT_FSIZE = 0: every write to a file fails, as on a full disk (output goes to a pipe).
    bot = await start_paddock(
        paddock_emu, wait=False, pipe_output=True, spawn_options={"preexec_fn": _no_file_writes}
    )
    await asyncio.wait_for(bot.proc.wait(), 20.0)
    # (The message does not name the database file: Store.migrate's wording.)
    assert_clean_exit_with_error(bot, "disk I/O error")
    assert paddock_emu.identify_count == 0
    assert (tmp_path / "paddock" / "paddock.db").stat().st_size == 0


async def test_full_disk_while_running_stops_delivery_without_reposting(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu = paddock_emu
    # Due 5 s after the start: the scheduler starts after READY, then the disk fills.
    bot = await configured_paddock(
        emu, start_paddock, fake_now=REMINDER_DUE - timedelta(minutes=50), pipe_output=True
    )
    await wait_for_log(bot, "Re-planned", 5.0)  # delivering (the scheduler starts after READY)
    resource.prlimit(bot.pid, resource.RLIMIT_FSIZE, (0, 0))  # the disk is now full
    assert post_requests(emu) == [], "the bot started too slowly: the reminder was already out"

    # The reminder comes due but cannot be claimed for sending (a write): delivery stops,
    # loudly, once, before posting what it could not record.
    await wait_for_log(bot, "Post delivery stopped", 20.0)
    with pytest.raises(TimeoutError):
        await emu.wait_until(lambda: post_requests(emu), 1.5, "a post")
    assert posts(emu) == []
    assert bot.log().count("Post delivery stopped") == 1
    assert "cannot be written" in bot.log()
    assert "maximum number of running instances" not in bot.log()

    # Still online: answers read-only commands; a settings change explains the database is down.
    assert (await emu.invoke("about", timeout_s=10)).response_type == 4
    change = await emu.invoke("config leads", {"leads": "2h"}, timeout_s=10)
    assert change.data["flags"] & EPHEMERAL
    assert "database is unavailable" in change.data["content"]
    assert "Traceback" not in bot.log(), bot.log()[-3000:]
    assert bot.returncode is None


async def test_second_process_on_the_same_database_does_not_double_posts(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    """Two Paddocks on one database (a rolling restart): only the lock holder delivers."""
    emu = paddock_emu
    first = await configured_paddock(emu, start_paddock, name="first")
    second = await start_paddock(
        emu, fake_now=FAKE_NOW.isoformat(), clock_speed=SPEED, name="second"
    )
    await wait_for_log(second, "standing by", 5.0)
    await assert_exactly_one_reminder(emu, first, quiet_s=1.5)
    assert [r.status for r in post_requests(emu)] == [200]
    assert first.returncode is None and second.returncode is None


# ---------------------------------------------------------------------------- the server


async def test_lost_channel_access_pauses_until_the_channel_is_set_again(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu = paddock_emu
    emu.fail_next("POST", POSTS, status=403, body={"message": "Missing Permissions", "code": 50013})
    bot = await configured_paddock(emu, start_paddock)

    # Posting is forbidden: the server's posts pause (no retry storm) and /config says why.
    await bot.guard(emu.wait_until(lambda: post_requests(emu), 20.0, "the reminder"), 21.0)
    await wait_for_log(bot, "paused", 5.0)
    show = await emu.invoke("config show")
    assert "paused: forbidden" in str(show.data)
    assert posts(emu) == []

    # An admin fixes the permissions and sets the channel again: the late reminder goes out
    # (still within the 30-minute grace window, 3 s at this clock speed), once.
    await emu.invoke("config channel", {"channel": OTHER_CHANNEL_ID})
    await assert_exactly_one_reminder(emu, bot, quiet_s=1.0)
    assert [r.status for r in post_requests(emu)] == [403, 200]


async def test_removed_from_the_server_forgets_its_posts(
    paddock_emu: Emulator, start_paddock: StartPaddock
) -> None:
    emu = paddock_emu
    bot = await configured_paddock(emu, start_paddock)
    await emu.dispatch("GUILD_DELETE", {"id": GUILD_ID})  # kicked: not an outage
    assert post_requests(emu) == [], "the bot started too slowly: the reminder was already out"
    due_in = (REMINDER_DUE - FAKE_NOW).total_seconds() / SPEED
    left = due_in - (time.monotonic() - bot.started_at)
    with pytest.raises(TimeoutError):
        await emu.wait_until(lambda: post_requests(emu), max(left, 0.0) + 1.5, "a post")
    assert bot.returncode is None
