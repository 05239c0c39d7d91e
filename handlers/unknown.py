"""Commands the bot does not know ("/abc", "/baocoa", a lone "/"): a short answer, never silence.

Registered after every feature's commands and before free text. In a group only commands
addressed to this bot ("/abc@ten_bot") are answered: others may belong to another bot.
"""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.commands import nearest
from bot.services import get_services
from handlers.common import Context, reply

COMMANDS = ()

UNKNOWN = "Tôi không có lệnh «{typed}»."
MEANT = " Có phải anh/chị muốn dùng {usage}?"
HELP_HINT = " Gõ /help để xem các lệnh."
BARE_SLASH = "Anh/chị gõ tên lệnh ngay sau dấu «/», ví dụ /help để xem các lệnh."
NOT_READABLE = (
    "Tôi chưa đọc được loại tin nhắn này (nhãn dán, tin thoại, video, vị trí…). Anh/chị nhắn "
    "bằng chữ: báo cáo số liệu, ví dụ «lợn 2.300 con», hoặc hỏi về kế hoạch; nạp kế hoạch "
    "bằng tệp hay ảnh chụp kèm chú thích /kehoach. Gõ /help để xem các lệnh."
)


def unknown_text(typed: str, meant_usage: str | None) -> str:
    """The answer to an unknown command *typed* (without the slash)."""
    shown = html.escape(f"/{typed}"[:40])
    text = UNKNOWN.format(typed=shown)
    if meant_usage is not None:
        # A command's usage is written as Telegram HTML already ("&lt;nội dung&gt;").
        return text + MEANT.format(usage=meant_usage) + HELP_HINT
    return text + HELP_HINT


async def unknown_command(update: Update, context: Context) -> None:
    """Answer a command no feature handles, naming the nearest known one."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    word = message.text.split(maxsplit=1)[0].removeprefix("/")
    typed, _, addressee = word.partition("@")
    if chat.type != ChatType.PRIVATE and addressee.lower() != (context.bot.username or "").lower():
        return  # a command for another bot, or chatter in a group
    if not typed:
        await reply(update, BARE_SLASH)
        return
    meant = nearest(get_services(context).commands, typed)
    await reply(update, unknown_text(typed, meant.usage if meant is not None else None))


async def unreadable_message(update: Update, context: Context) -> None:
    """A private message no feature reads (a sticker, a voice note, a location): say so and
    what the bot does read, rather than stay silent."""
    await reply(update, NOT_READABLE)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root (after every command)."""
    slash = filters.Regex(r"^\s*/") & filters.ChatType.PRIVATE
    # Text goes to handlers.messages; files and photos were taken by the features before.
    other = (
        filters.ChatType.PRIVATE
        & filters.UpdateType.MESSAGE
        & ~filters.TEXT
        & ~filters.StatusUpdate.ALL
        & ~filters.Document.ALL
        & ~filters.PHOTO
    )
    return [
        MessageHandler((filters.COMMAND | slash) & filters.UpdateType.MESSAGE, unknown_command),
        MessageHandler(other, unreadable_message),
    ]
