"""Plain pytest fixtures and helpers over the Telegram harness (import them in conftest).

``polling`` runs any Application (e.g. the real one from ``bot.app.build_application``) with
long polling against its configured API and stops it cleanly; ``builder_for`` starts an
``ApplicationBuilder`` wired to a :class:`FakeBotApi`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application, ApplicationBuilder
from telegram.ext._applicationbuilder import InitApplicationBuilder

from tests.support.fake_bot_api import FakeBotApi
from tests.support.recording_request import RecordingRequest

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def builder_for(fake: FakeBotApi, token: str | None = None) -> InitApplicationBuilder:
    """An ``ApplicationBuilder`` pointed at *fake* (its token unless *token* is given)."""
    return (
        ApplicationBuilder()
        .token(token or fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
    )


@asynccontextmanager
async def polling(application: AnyApplication, *, timeout: int = 5) -> AsyncIterator[None]:
    """Initialise, start and long-poll *application*; on exit stop polling, stop and shut down.

    Injected updates wake the fake's long poll at once, and stopping cancels it, so *timeout*
    costs nothing. Unlike ``run_polling`` this does not call ``post_init``: call it yourself
    when the test needs it.
    """
    async with application:
        await application.start()
        updater = application.updater
        assert updater is not None, "the application was built without an updater"
        await updater.start_polling(
            poll_interval=0.0, timeout=timeout, allowed_updates=Update.ALL_TYPES
        )
        try:
            yield
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A started :class:`FakeBotApi` on an ephemeral port (token ``DEFAULT_TOKEN``)."""
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def recording_request() -> RecordingRequest:
    """A fresh :class:`RecordingRequest` with its own lenient simulator."""
    return RecordingRequest()


__all__ = ["AnyApplication", "builder_for", "fake_bot_api", "polling", "recording_request"]
