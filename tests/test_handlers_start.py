"""/start and the one error handler, through ``Application.process_update``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler

from bot.app import GENERIC_ERROR_TEXT
from bot.config import Settings
from handlers.common import Context, reply
from storage.db import Database
from tests.support.driver import AN, GROUP, SPIKY, BotDriver, running_bot


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

    bot.app.handlers[0].insert(0, CommandHandler("hong", broken))
    replies = await bot.send("/hong", AN)
    assert replies.text == GENERIC_ERROR_TEXT
    assert any(r.levelname == "ERROR" and r.exc_info for r in caplog.records)


async def test_a_button_pressed_twice_is_no_error(bot: BotDriver) -> None:
    """Telegram's "message is not modified" or "query is too old" are not the user's bug."""

    async def stale(update: Update, context: Context) -> None:
        raise BadRequest("Message is not modified: specified new message content is the same")

    bot.app.handlers[0].insert(0, CommandHandler("cu", stale))
    replies = await bot.send("/cu", AN)
    assert replies.messages == ()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/baocoa 5 cây", "Có phải anh/chị muốn dùng /baocao"),
        ("/tien_do", "/tiendo"),
        ("/abc", "Gõ /help để xem các lệnh."),
    ],
)
async def test_an_unknown_command_gets_an_answer_naming_the_nearest(
    bot: BotDriver, typed: str, expected: str
) -> None:
    replies = await bot.send(typed, AN)
    assert "Tôi không có lệnh «" in replies.text
    assert expected in replies.text
    assert "&lt;" not in replies.text and "&gt;" not in replies.text  # shown as typed, once


async def test_a_lone_slash_is_answered(bot: BotDriver) -> None:
    replies = await bot.send("/", AN)
    assert "ngay sau dấu «/»" in replies.text


async def test_a_command_for_another_bot_in_a_group_is_left_alone(bot: BotDriver) -> None:
    replies = await bot.send("/abc@other_bot", AN, chat_id=GROUP)
    assert replies.messages == ()
    mine = await bot.send(f"/abc@{bot.app.bot.username}", AN, chat_id=GROUP)
    assert "Tôi không có lệnh «/abc»" in mine.text


async def test_a_reply_over_telegrams_limit_is_sent_in_parts(bot: BotDriver) -> None:
    """Every reply goes through one helper that keeps each message within 4,096 characters."""
    lines = [f"Dòng thứ {n}: nội dung khá dài để vượt giới hạn của Telegram." for n in range(150)]
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Tiếp", callback_data="x")]])

    async def long(update: Update, context: Context) -> None:
        await reply(update, "\n".join(lines), markup=markup)

    bot.app.handlers[0].insert(0, CommandHandler("dai", long))
    replies = await bot.send("/dai", AN)
    *first, last = replies.messages
    assert first and all(len(sent.text) <= 4096 for sent in replies.messages)
    assert "\n".join(sent.text for sent in replies.messages) == "\n".join(lines)
    assert all(sent.buttons == () for sent in first) and last.buttons == (("Tiếp", "x"),)


@pytest.mark.parametrize(
    "extra",
    [
        {
            "sticker": {
                "file_id": "s1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            }
        },
        {"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3}},
        {"location": {"latitude": 15.2, "longitude": 108.8}},
        {"contact": {"phone_number": "0900000000", "first_name": "An"}},
    ],
)
async def test_a_message_the_bot_cannot_read_is_answered_in_private_only(
    bot: BotDriver, extra: dict[str, object]
) -> None:
    for chat_id, answered in ((None, True), (GROUP, False)):
        update = bot.message("x", AN, chat_id=chat_id)
        assert update.message is not None
        data = update.to_dict()
        del data["message"]["text"]
        data["message"].update(extra)
        replies = await bot.process(Update.de_json(data, bot.app.bot))
        if answered:
            assert replies.text.startswith("Tôi chưa đọc được loại tin nhắn này")
        else:
            assert replies.messages == ()  # group chatter is none of the bot's business


@pytest.mark.parametrize("data", ["xyz:1", "plan:activate:abc", "rp:notanumber", "unit:del:1:9"])
async def test_a_button_no_feature_knows_is_still_answered(bot: BotDriver, data: str) -> None:
    pressed = await bot.press(data, AN)
    [answer] = pressed.api("answerCallbackQuery")
    assert answer.params["text"] == (
        "Nút này không còn dùng được; không có gì thay đổi. Hãy gõ lại lệnh."
    )
    assert answer.params["show_alert"] is True
