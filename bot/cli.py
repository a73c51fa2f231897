"""The `paddock` command line: run, ingest, ask, console, extract, eval, sync, calendar, sources."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sqlite3
import sys
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.clock import Clock, OffsetClock, SystemClock, parse_instant
from bot.config import Config, ConfigError, check_log_level, load_config
from bot.log import setup_logging
from bot.store import Store, StoreError, describe_db_error

log = logging.getLogger(__name__)


def _instant(value: str) -> Any:
    """Parse --now for argparse."""
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def common_options() -> argparse.ArgumentParser:
    """Return the options every subcommand takes, before or after its name.

    Unset, they stay out of the namespace (SUPPRESS), so a value given before the
    subcommand is not reset by the subcommand's parser.
    """
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS,
        help="config file (default: ./config.toml)",
    )
    common.add_argument(
        "--db", type=Path, default=argparse.SUPPRESS, help="database file (overrides the config)"
    )
    common.add_argument(
        "--log-level", default=argparse.SUPPRESS, help="DEBUG, INFO, WARNING or ERROR"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for every subcommand."""
    common = common_options()
    parser = argparse.ArgumentParser(prog="paddock", description=__doc__, parents=[common])
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run", help="ingest the seeds, then start the bot (or the console)", parents=[common]
    )
    run.add_argument("--now", type=_instant, help="set the clock (ISO 8601 with zone)")
    run.add_argument("--json", action="store_true", help="console answers as JSON")

    ingest = sub.add_parser("ingest", help="read article files into the store", parents=[common])
    ingest.add_argument("paths", nargs="+", type=Path)

    ask = sub.add_parser(
        "ask", help="answer one command, e.g. paddock ask '/lineup car:31'", parents=[common]
    )
    ask.add_argument("line")
    ask.add_argument("--json", action="store_true", help="print the answer object as JSON")
    ask.add_argument("--now", type=_instant, help="set the clock (ISO 8601 with zone)")

    console = sub.add_parser(
        "console", help="type commands at a prompt (or pipe them in)", parents=[common]
    )
    console.add_argument("--json", action="store_true")
    console.add_argument("--now", type=_instant, help="set the clock (ISO 8601 with zone)")

    extract = sub.add_parser(
        "extract", help="print the facts found in article files", parents=[common]
    )
    extract.add_argument("files", nargs="+", type=Path)
    extract.add_argument("--json", action="store_true", help="one JSON object a line (default)")

    evaluate = sub.add_parser("eval", help="score extraction against a gold file", parents=[common])
    evaluate.add_argument("gold", type=Path)
    evaluate.add_argument("articles", type=Path)

    calendar = sub.add_parser(
        "calendar", help="import or export the race calendar (.ics)", parents=[common]
    )
    calendar_sub = calendar.add_subparsers(dest="action", required=True, metavar="ACTION")
    importing = calendar_sub.add_parser(
        "import", help="merge an .ics file into the calendar", parents=[common]
    )
    importing.add_argument("file", type=Path)
    exporting = calendar_sub.add_parser(
        "export", help="write the calendar as .ics", parents=[common]
    )
    exporting.add_argument("--out", type=Path, help="file to write (default: standard output)")

    sub.add_parser("refresh", help="poll every configured feed and calendar once", parents=[common])
    sub.add_parser(
        "sources",
        help="list the configured feeds and calendars and their health",
        parents=[common],
    )

    sync = sub.add_parser(
        "sync", help="sync slash commands to Discord (globally by default)", parents=[common]
    )
    sync.add_argument("--guild", type=int, help="sync to this guild only")
    return parser


def make_clock(now: Any, config: Config) -> Clock:
    """Return the clock: --now, else the config's test clock, else the system clock."""
    if now is not None:
        return OffsetClock(now, speed=1.0)
    if config.clock.start is not None:
        return OffsetClock(config.clock.start, speed=config.clock.speed)
    return SystemClock()


async def ingest_default(config: Config, clock: Clock) -> None:
    """Ingest the seed articles when the database is new or they changed."""
    from bot.ingest.files import Ingestor

    async with Store.open(config.database) as store:
        ingestor = await Ingestor.create(store, config.aliases_file, clock)
        report = await ingestor.ingest([config.articles_dir])
        for name, reason in report.skipped:
            print(f"skipped {name}: {reason}", file=sys.stderr)
        for name, reason in report.warnings:
            print(f"warning: {name}: {reason}", file=sys.stderr)


async def cmd_ingest(args: argparse.Namespace, config: Config) -> int:
    """Ingest the given files and folders."""
    from bot.ingest.files import Ingestor

    async with Store.open(config.database) as store:
        await store.check_writable()
        ingestor = await Ingestor.create(store, config.aliases_file, SystemClock())
        ingestor.on_file = lambda name, what: print(f"{name}: {what}")
        report = await ingestor.ingest(args.paths)
    for name, reason in report.skipped:
        print(f"skipped {name}: {reason}", file=sys.stderr)
    for name, reason in report.warnings:
        print(f"warning: {name}: {reason}", file=sys.stderr)
    print(f"{report.summary()} → {config.database}")
    return 0 if report.ok else 1


async def cmd_ask(args: argparse.Namespace, config: Config) -> int:
    """Answer one command line."""
    from bot.console.repl import ask
    from bot.services import open_services

    clock = make_clock(args.now, config)
    async with open_services(config, clock) as services:
        return await ask(services, args.line, as_json=args.json, out=sys.stdout)


async def cmd_console(args: argparse.Namespace, config: Config) -> int:
    """Run the console until EOF."""
    from bot.console.repl import run_console
    from bot.services import open_services

    clock = make_clock(args.now, config)
    async with open_services(config, clock) as services:
        return await run_console(
            services,
            as_json=args.json,
            stdin=sys.stdin,
            out=sys.stdout,
            interactive=sys.stdin.isatty(),
        )


async def cmd_run(args: argparse.Namespace, config: Config) -> int:
    """Ingest the seeds, then run the bot with a token or the console without one."""
    clock = make_clock(args.now, config)
    await ingest_default(config, clock)
    token = config.token()
    if token is None:
        print("No DISCORD_TOKEN set: starting the local console.", file=sys.stderr)
        return await cmd_console(args, config)
    from cogs._client import run_bot

    return await run_bot(config, token, clock)


async def cmd_sync(args: argparse.Namespace, config: Config) -> int:
    """Sync the command tree to Discord, globally or to one guild."""
    token = config.token()
    if token is None:
        print("error: set DISCORD_TOKEN (or discord.token_file) to sync commands", file=sys.stderr)
        return 2
    from cogs._client import sync_commands

    return await sync_commands(config, token, guild_id=args.guild)


def cmd_calendar(args: argparse.Namespace, config: Config) -> int:
    """Import an .ics file into the calendar, or export the calendar as .ics."""
    from bot.schedule.calendar import current_calendar, export_ics, import_calendar_file
    from bot.services import saved_calendar_path

    saved = saved_calendar_path(config)
    try:
        if args.action == "import":
            report = import_calendar_file(args.file, saved, config.calendar_file)
            for line in report.skipped:
                print(f"skipped {line}", file=sys.stderr)
            for line in report.warnings:
                print(f"warning: {line}", file=sys.stderr)
            print(
                f"{args.file}: {len(report.added)} added, {len(report.updated)} updated, "
                f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped → {saved}"
            )
            return 0
        data = export_ics(current_calendar(saved, config.calendar_file))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        args.out.write_bytes(data)
        print(f"Calendar written to {args.out}")
    return 0


def cmd_extract(args: argparse.Namespace, config: Config) -> int:
    """Print the facts of each file, one JSON object a line."""
    from bot.extraction.evaluate import run_extract

    return run_extract(args.files, out=sys.stdout, aliases_path=config.aliases_file)


def cmd_eval(args: argparse.Namespace, config: Config) -> int:
    """Score extraction against a gold file."""
    from bot.extraction.evaluate import run_eval

    return run_eval(args.gold, args.articles, out=sys.stdout, aliases_path=config.aliases_file)


async def cmd_refresh(args: argparse.Namespace, config: Config) -> int:
    """Poll every configured feed and calendar once; exit 1 naming the sources that failed."""
    from bot.ingest.fetch import Fetcher
    from bot.ingest.files import Ingestor
    from bot.ingest.sources import refresh_all
    from bot.services import load_current_calendar

    if not config.feeds and not config.calendars:
        print("No sources configured: add [[feeds]] or [[calendars]] to the config file.")
        return 0
    clock = make_clock(None, config)
    base = await load_current_calendar(config)
    async with Store.open(config.database) as store, Fetcher.open() as fetcher:
        ingestor = await Ingestor.create(store, config.aliases_file, clock)
        report = await refresh_all(store, config, fetcher, ingestor, base, clock.now())
    for source in report.sources:
        print(source.line())
    if report.failed:
        print(f"error: could not read {', '.join(report.failed)}", file=sys.stderr)
        return 1
    return 0


async def cmd_sources(args: argparse.Namespace, config: Config) -> int:
    """List each configured source with its last success, last error and item count."""
    from bot.ingest.sources import source_states
    from bot.queries.sources import describe_sources

    async with Store.open(config.database) as store:
        states = await source_states(store)
    lines = describe_sources(config, states)
    print("\n".join(lines) if lines else "No sources configured.")
    return 0


ASYNC_COMMANDS: dict[str, Callable[[argparse.Namespace, Config], Coroutine[Any, Any, int]]] = {
    "run": cmd_run,
    "ingest": cmd_ingest,
    "ask": cmd_ask,
    "console": cmd_console,
    "sync": cmd_sync,
    "refresh": cmd_refresh,
    "sources": cmd_sources,
}
SYNC_COMMANDS: dict[str, Callable[[argparse.Namespace, Config], int]] = {
    "extract": cmd_extract,
    "eval": cmd_eval,
    "calendar": cmd_calendar,
}


def main(argv: list[str] | None = None) -> int:
    """Run the `paddock` command line and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        config = load_config(getattr(args, "config", None))
    except ConfigError as exc:
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    if getattr(args, "db", None) is not None:
        config = replace(config, database=args.db)
    log_level = getattr(args, "log_level", None)
    try:
        level = check_log_level(log_level) if log_level else config.log_level
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    setup_logging(level)
    try:
        if args.command in SYNC_COMMANDS:
            return SYNC_COMMANDS[args.command](args, config)
        return asyncio.run(ASYNC_COMMANDS[args.command](args, config))
    except (StoreError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except sqlite3.Error as exc:  # locked, damaged or read-only mid-command: one line, no traceback
        log.debug("Database error", exc_info=True)
        print(f"error: {describe_db_error(config.database, exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
