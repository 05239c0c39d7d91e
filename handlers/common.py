"""Small helpers every handler module shares: who is speaking, admin checks, replies."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackContext, CommandHandler, filters

from bot import callbacks, knowledge
from bot.audit import Origin
from bot.callbacks import Answer, Pending, Press
from bot.exports.text import MESSAGE_LIMIT, split_messages
from bot.knowledge import ActivePlan
from bot.services import get_services, is_admin
from bot.update_scope import before_speaking, current_scope, scope_of

Context = CallbackContext[Any, Any, Any, Any]
PressT = TypeVar("PressT", bound=Press)
PendingT = TypeVar("PendingT", bound=Pending)
Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]


def command(name: str, callback: Callback) -> CommandHandler[Any, None]:
    """A command handler for new messages only.

    PTB also runs commands on edited messages; editing "/baocao 5 km" would then report again,
    and editing "/thamgia MÃ" would join again. An edit of a plain report is handled by
    reporting's correction handler instead.
    """
    return CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE)


NO_PLAN_TEXT = (
    "Chưa có kế hoạch thi đua nào được nạp nên tôi chưa trả lời hay ghi số liệu được. "
    "Quản trị viên nạp kế hoạch bằng lệnh /kehoach."
)
NOT_ADMIN_TEXT = "Lệnh này chỉ dành cho quản trị viên (cán bộ phụ trách thi đua – khen thưởng)."


async def sender_is_admin(update: Update, context: Context) -> bool:
    """True when the sender of *update* is an admin."""
    scope = current_scope()
    if scope is not None:
        return await scope.is_admin()
    user = update.effective_user
    return user is not None and await is_admin(get_services(context), user.id)


async def require_admin(update: Update, context: Context) -> bool:
    """Check the sender is an admin; otherwise tell them so and return False."""
    if await sender_is_admin(update, context):
        return True
    await reply(update, NOT_ADMIN_TEXT)
    return False


async def require_active_plan(update: Update, context: Context) -> ActivePlan | None:
    """The active plan's knowledge base; when there is none, say so and return None."""
    scope = current_scope()
    if scope is not None:
        active = await scope.active_plan()
    else:
        active = await knowledge.active_plan(get_services(context))
    if active is None:
        await reply(update, NO_PLAN_TEXT)
    return active


async def reply(
    update: Update,
    text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Answer in the chat the update came from, as HTML (callers escape user text).

    A text over Telegram's limit goes out as several messages cut between lines, the buttons
    under the last one; returns the last message sent.
    """
    chat = update.effective_chat
    if chat is None:
        return None
    await before_speaking()  # what the reply tells of is saved before it goes out
    message = update.effective_message
    parts = split_messages(text.split("\n")) if len(text) > MESSAGE_LIMIT else [text]
    sent: Message | None = None
    for number, part in enumerate(parts, start=1):
        sent = await chat.send_message(
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup if number == len(parts) else None,
            reply_to_message_id=message.message_id if message and chat.type != "private" else None,
            disable_web_page_preview=True,
        )
    return sent


def origin_of(update: Update) -> Origin:
    """Who sent *update*, in which chat and message: what the audit log records."""
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    return Origin(
        actor=user.id if user else None,
        chat=chat.id if chat else None,
        message_id=message.message_id if message else None,
    )


def command_args(update: Update) -> str:
    """The text after the command, as typed, line breaks kept
    (``/baocao Thôn 1: 12.500 cây`` → ``Thôn 1: 12.500 cây``)."""
    message = update.effective_message
    text = (message.text or message.caption or "") if message else ""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 and parts[0].startswith("/") else ""


# Telegram's answers to a button pressed twice, or long ago (a backlog after a restart): the
# work is done or void either way, so they must not stop the reply that follows.
HARMLESS_BAD_REQUESTS = (
    "message is not modified",
    "query is too old",
    "query id is invalid",
    "message to edit not found",
    "message can't be edited",
)


def is_harmless(error: BadRequest) -> bool:
    """True for the Bad Requests listed in :data:`HARMLESS_BAD_REQUESTS`."""
    message = error.message.lower()
    return any(known in message for known in HARMLESS_BAD_REQUESTS)


async def acknowledge(
    query: CallbackQuery, text: str | None = None, *, alert: bool = False
) -> None:
    """Answer a button press (stops the spinner; *text* as a toast or an alert)."""
    await before_speaking()
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        if not is_harmless(exc):
            raise


async def remove_buttons(message: object) -> None:
    """Take the buttons off a bot message so its question cannot be answered twice."""
    if not isinstance(message, Message):
        return
    try:
        await message.edit_reply_markup(reply_markup=None)
    except BadRequest as exc:
        if not is_harmless(exc):
            raise


async def admin_press(
    update: Update, context: Context, kind: type[PressT], *, take_buttons: bool = True
) -> PressT | None:
    """The press of *kind* behind *update*, for an admin's button: the spinner stopped, a
    non-admin told so (None), the question's buttons taken off (*take_buttons*) so it is
    not answered twice."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(query)
    if not await require_admin(update, context):
        return None
    if take_buttons:
        await remove_buttons(query.message)
    press = kind.decode(query.data)
    assert press is not None, "the handler's pattern is the kind's"
    return press


async def answered(
    update: Update, context: Context, kind: type[PendingT], pending_id: int
) -> PendingT | None:
    """The question *pending_id* of *kind* put to the sender, closed in the update's
    transaction (answered once); None when it is used up, expired or someone else's."""
    scope = scope_of(context)
    user = update.effective_user
    assert user is not None
    return await callbacks.answer(
        scope.session, kind, pending_id, user_id=user.id, now=scope.services.clock.now()
    )


KEEP_AS_IS = "Thôi, giữ nguyên"
# A press on a question already answered, expired, or asked of someone else.
ALREADY_ANSWERED = (
    "Nút này đã được dùng, hết hiệu lực hoặc không dành cho anh/chị; không thay đổi gì."
)


def confirm_markup(
    kind: type[Answer], pending_id: int, yes_label: str, no_label: str = KEEP_AS_IS
) -> InlineKeyboardMarkup:
    """The two buttons under a question that asks before changing something: do it, or
    keep things as they are (both answer the pending question *pending_id*)."""
    yes = kind(pending_id=pending_id, yes=True).encode()
    no = kind(pending_id=pending_id, yes=False).encode()
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes_label, callback_data=yes),
                InlineKeyboardButton(no_label, callback_data=no),
            ]
        ]
    )
