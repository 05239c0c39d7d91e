"""/start and the one error handler, through ``Application.process_update``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler

from bot.app import GENERIC_ERROR_TEXT
from bot.config import Settings
from handlers.common import Context
from storage.db import Database
from tests.support.driver import AN, SPIKY, BotDriver, running_bot


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        yield driver


async def test_start_escapes_the_users_name(bot: BotDriver) -> None:
    replies = await bot.send("/start", SPIKY)
    [call] = replies.api("sendMessage")
    assert call.params["parse_mode"] == "HTML"
    assert "An &lt;3 &amp; Bình" in call.params["text"]


async def test_a_bad_request_is_a_bug_the_user_hears_about(
    bot: BotDriver, caplog: pytest.LogCaptureFixture
) -> None:
    """PTB's BadRequest is a NetworkError, yet no retry fixes it: log it and answer."""

    async def broken(update: Update, context: Context) -> None:
        raise BadRequest("Can't parse entities: unsupported start tag")

    bot.app.add_handler(CommandHandler("hong", broken), group=-1)
    replies = await bot.send("/hong", AN)
    assert replies.text == GENERIC_ERROR_TEXT
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)


async def test_a_button_pressed_twice_is_no_error(bot: BotDriver) -> None:
    """Telegram's "message is not modified" or "query is too old" are not the user's bug."""

    async def stale(update: Update, context: Context) -> None:
        raise BadRequest("Message is not modified: specified new message content is the same")

    bot.app.add_handler(CommandHandler("cu", stale), group=-1)
    replies = await bot.send("/cu", AN)
    assert replies.messages == ()
