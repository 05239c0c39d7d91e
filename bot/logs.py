"""Logging setup: one format, quiet HTTP client, and the bot token never written anywhere."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

# Bot API URLs carry the token ("/bot123:ABC…/sendMessage"); scrub anything token-shaped.
_TOKEN_PATTERN = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
REDACTED = "<token>"


class RedactTokens(logging.Filter):
    """Replace bot tokens in log messages and arguments before they are formatted out."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _TOKEN_PATTERN.sub(REDACTED, str(record.msg))
        if isinstance(record.args, Mapping):  # logger.info("%(url)s", {"url": …})
            record.args = {k: _scrub(v) for k, v in record.args.items()}
        elif record.args:
            record.args = tuple(_scrub(a) for a in record.args)
        return True


def _scrub(value: object) -> object:
    return _TOKEN_PATTERN.sub(REDACTED, value) if isinstance(value, str) else value


class RedactingFormatter(logging.Formatter):
    """The last line of defence: exception messages and tracebacks are scrubbed too."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def redact(text: str) -> str:
    """*text* with any bot token replaced."""
    return _TOKEN_PATTERN.sub(REDACTED, text)


def setup_logging(level: str) -> None:
    """Configure the root logger once for the process."""
    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL at INFO, and those URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
