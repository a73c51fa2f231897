"""One logging setup for the whole process."""

from __future__ import annotations

import logging
import re

LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_TOKEN_LIKE = re.compile(r"[A-Za-z\d_-]{23,28}\.[A-Za-z\d_-]{6}\.[A-Za-z\d_-]{27,}")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a Discord bot token in log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the formatted message in place; always keep the record."""
        message = record.getMessage()
        if _TOKEN_LIKE.search(message):
            record.msg = _TOKEN_LIKE.sub("[token redacted]", message)
            record.args = ()
        return True


def setup_logging(level: str = "INFO") -> None:
    """Send logs to stderr at `level`, with token redaction; quiet chatty libraries."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("discord.gateway", "discord.http", "apscheduler", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(logging.getLevelName(level), logging.WARNING))
