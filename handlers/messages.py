"""Plain text messages: questions go to question answering, figures to progress reporting.

Registered last, after every command, so commands are never read as reports. In private
chats every text is handled; in a group only messages with figures, and only when the group
is bound to a unit, and questions put to the bot (mentioning it or replying to it); other
group chatter is none of the bot's business.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot.core.questions import looks_like_question, reads_as_report
from bot.core.report_parser import has_figure, parse_report
from bot.reporting import fits_a_target
from bot.update_scope import scope_of
from handlers import questions, reporting
from handlers.common import Context, acknowledge, reply
from storage import pending

ROUTE_PREFIX = "route:"
ASK_ROUTE = "Anh/chị muốn ghi số liệu này vào báo cáo, hay đang hỏi về kế hoạch?"


async def text_received(update: Update, context: Context) -> None:
    """Route a plain text message to question answering or to reporting."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    text = message.text.strip()
    if chat.type == ChatType.PRIVATE:
        await _private(update, context, text)
    elif reads_as_report(text, in_group=True):
        await _group(update, context, text)
    elif _addressed_to_bot(message, context) and looks_like_question(text):
        # In a group the bot answers questions put to it (a mention or a reply), not chatter.
        await questions.answer_text(update, context, _without_mention(text, context))


def _addressed_to_bot(message: Message, context: Context) -> bool:
    username = context.bot.username
    if username and f"@{username}".lower() in (message.text or "").lower():
        return True
    replied = message.reply_to_message
    return (
        replied is not None
        and replied.from_user is not None
        and (replied.from_user.id == context.bot.id)
    )


def _without_mention(text: str, context: Context) -> str:
    username = context.bot.username
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.I).strip() if username else text


async def _private(update: Update, context: Context, text: str) -> None:
    question, figures = looks_like_question(text), has_figure(text)
    if figures and not question:
        await reporting.report_text(update, context, text)
    elif figures and question and await _could_be_a_report(context, text):
        await _ask_route(update, context, text)
    else:
        await questions.answer_text(update, context, text)


async def _could_be_a_report(context: Context, text: str) -> bool:
    """A question with figures is worth asking "report or question?" about only when some
    figure would fit a target ("năm 2025 có mấy xã đạt chuẩn?" is just a question)."""
    active = await scope_of(context).active_plan()
    if active is None:
        return False
    parsed = parse_report(text)
    return not parsed.empty and fits_a_target(parsed, active.kb)


async def _group(update: Update, context: Context, text: str) -> None:
    if await scope_of(context).group_unit() is not None:
        await reporting.report_text(update, context, text, quiet_when_unmatched=True)


async def _ask_route(update: Update, context: Context, text: str) -> None:
    scope = scope_of(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    message = update.effective_message
    pending_id = await pending.create(
        scope.session,
        kind="route",
        chat_telegram_id=chat.id,
        user_telegram_id=user.id,
        payload={"text": text, "message_id": message.message_id if message else None},
        now=scope.services.clock.now(),
    )
    buttons = [
        [InlineKeyboardButton("Ghi số liệu", callback_data=f"{ROUTE_PREFIX}{pending_id}:r")],
        [InlineKeyboardButton("Đây là câu hỏi", callback_data=f"{ROUTE_PREFIX}{pending_id}:q")],
    ]
    await reply(update, ASK_ROUTE, markup=InlineKeyboardMarkup(buttons))


async def route_chosen(update: Update, context: Context) -> None:
    """The answer to "report or question?"."""
    query = update.callback_query
    assert query is not None and query.data is not None and update.effective_user is not None
    scope = scope_of(context)
    pending_id, _, choice = query.data.removeprefix(ROUTE_PREFIX).partition(":")
    payload = await pending.take(
        scope.session,
        int(pending_id),
        kind="route",
        user_telegram_id=update.effective_user.id,
        now=scope.services.clock.now(),
    )
    if payload is None:
        await acknowledge(query, "Câu hỏi này không còn hiệu lực.", alert=True)
        return
    await acknowledge(query)
    text = str(payload["text"])
    if choice == "r":
        await reporting.report_text(update, context, text, message_id=payload.get("message_id"))
    else:
        await questions.answer_text(update, context, text)


STALE_BUTTON = "Nút này không còn dùng được; không có gì thay đổi. Hãy gõ lại lệnh."


async def stale_button(update: Update, context: Context) -> None:
    """A button no feature knows (from an older version of the bot, or altered data): stop
    the spinner and say so, instead of leaving the press unanswered."""
    query = update.callback_query
    if query is not None:
        await acknowledge(query, STALE_BUTTON, alert=True)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root (registered last)."""
    return [
        CallbackQueryHandler(route_chosen, pattern=rf"^{ROUTE_PREFIX}\d+:[rq]$"),
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.UpdateType.MESSAGE, text_received),
        CallbackQueryHandler(stale_button),  # registered last: after every feature's buttons
    ]
