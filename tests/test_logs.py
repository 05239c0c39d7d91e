"""The bot token never reaches the logs, whatever logs it."""

from __future__ import annotations

import logging
import sys

import pytest

from bot.logs import REDACTED, RedactingFormatter, RedactTokens, redact, setup_logging
from tests.conftest import TEST_TOKEN


def test_redact_replaces_tokens_in_urls() -> None:
    url = f"https://api.telegram.org/bot{TEST_TOKEN}/sendMessage"
    assert TEST_TOKEN not in redact(url)
    assert REDACTED in redact(url)


def test_filter_scrubs_message_and_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("tests.redaction")
    logger.addFilter(RedactTokens())
    with caplog.at_level(logging.INFO, logger="tests.redaction"):
        logger.info("calling %s", f"/bot{TEST_TOKEN}/getMe")
        logger.info(f"token in message {TEST_TOKEN}")
    assert TEST_TOKEN not in caplog.text
    assert caplog.text.count(REDACTED) == 2


def test_http_client_request_logs_are_silenced() -> None:
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    setup_logging("DEBUG")
    try:
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
        assert any(isinstance(f, RedactTokens) for h in root.handlers for f in h.filters)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)


def test_tracebacks_and_mapping_arguments_are_scrubbed() -> None:
    formatter = RedactingFormatter("%(message)s")
    try:
        raise RuntimeError(f"cannot reach https://api.telegram.org/bot{TEST_TOKEN}/getMe")
    except RuntimeError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    assert TEST_TOKEN not in formatter.format(record)

    mapped = logging.LogRecord(
        "t", logging.INFO, __file__, 1, "calling %(url)s", ({"url": f"/bot{TEST_TOKEN}"},), None
    )
    assert RedactTokens().filter(mapped)
    assert mapped.getMessage() == f"calling /bot{REDACTED}"
