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


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root (after every command)."""
    slash = filters.Regex(r"^\s*/") & filters.ChatType.PRIVATE
    return [MessageHandler((filters.COMMAND | slash) & filters.UpdateType.MESSAGE, unknown_command)]
