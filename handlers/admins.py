"""/quantri: list admins, promote and demote them (admins only).

Admins listed in ADMIN_IDS cannot be demoted here: the setting is re-applied at every
start, so the change would silently come back. Everyone else is promoted by Telegram id,
by @username (people the bot has seen) or by replying to one of their messages.
"""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import admins as use
from bot import callbacks
from bot.admins import Demotion, Person, Promotion
from bot.callbacks import AdminDemotePress, AdminDemotion
from bot.commands import Audience, Command
from bot.core.text import fold
from bot.services import Services
from bot.update_scope import UpdateScope, scope_of
from handlers.common import (
    ALREADY_ANSWERED,
    Context,
    admin_press,
    answered,
    command,
    command_args,
    confirm_markup,
    origin_of,
    reply,
    require_admin,
)

COMMANDS = (
    Command(
        "quantri",
        "Quản lý quản trị viên",
        "/quantri — danh sách quản trị viên; /quantri them &lt;id Telegram hoặc @tên&gt;; "
        "/quantri bo &lt;id Telegram hoặc @tên&gt;",
        Audience.ADMIN,
    ),
)

USAGE = (
    "<b>Quản trị viên</b>\n"
    "• <code>/quantri</code> — danh sách\n"
    "• <code>/quantri them 123456789</code> hoặc <code>/quantri them @tentaikhoan</code> — "
    "cấp quyền (hoặc trả lời một tin của người đó bằng <code>/quantri them</code>)\n"
    "• <code>/quantri bo 123456789</code> — gỡ quyền\n"
    "Người được cấp quyền cần đã nhắn tin cho bot ít nhất một lần (ví dụ gõ /start)."
)
PROMOTE_WORDS = {"them", "cap", "add"}
DEMOTE_WORDS = {"bo", "go", "xoa", "remove"}
_TELEGRAM_ID = re.compile(r"-?\d{1,20}")


def esc(text: str) -> str:
    """A user-supplied text made safe for an HTML reply."""
    return html.escape(text, quote=False)


def person(someone: Person) -> str:
    """ "<b>Nguyễn Văn An</b> (@an, <code>123</code>)" — or just the id when unknown."""
    telegram_id = someone.telegram_id
    if not someone.full_name:
        return f"<code>{telegram_id}</code> (chưa nhắn tin cho bot)"
    handle = f"@{esc(someone.username)}, " if someone.username else ""
    return f"<b>{esc(someone.full_name)}</b> ({handle}<code>{telegram_id}</code>)"


async def _target(update: Update, session: AsyncSession, text: str) -> tuple[int | None, str]:
    """The Telegram id *text* names (id, @username) or the author of the replied-to message;
    with a Vietnamese explanation when none can be found."""
    text = text.strip()
    if not text:
        message = update.effective_message
        replied = message.reply_to_message if message else None
        if replied is not None and replied.from_user is not None:
            return replied.from_user.id, ""
        return None, "Hãy ghi id Telegram hoặc @tên tài khoản của người đó.\n\n" + USAGE
    if _TELEGRAM_ID.fullmatch(text):
        return int(text), ""
    if text.startswith("@") and len(text) > 1:
        telegram_id = await use.by_username(session, text[1:])
        if telegram_id is None:
            return None, (
                f"Bot chưa biết tài khoản {esc(text)}. Hãy nhờ người đó nhắn /start cho bot, "
                "hoặc dùng id Telegram."
            )
        return telegram_id, ""
    return None, f"«{esc(text)}» không phải id Telegram hay @tên tài khoản.\n\n{USAGE}"


async def quantri(update: Update, context: Context) -> None:
    """/quantri (admins only): list admins; ``them``/``bo`` promote or demote one."""
    scope = scope_of(context)
    await scope.remember_sender()
    if not await require_admin(update, context):
        return
    parts = command_args(update).split(maxsplit=1)
    action = fold(parts[0]) if parts else ""
    rest = parts[1] if len(parts) > 1 else ""
    if not action:
        await _list(update, scope)
    elif action in PROMOTE_WORDS:
        await _promote(update, scope, rest)
    elif action in DEMOTE_WORDS:
        await _demote(update, scope, rest)
    else:
        await reply(update, USAGE)


async def _list(update: Update, scope: UpdateScope) -> None:
    """Every admin, those from ADMIN_IDS marked."""
    services = scope.services
    configured = set(services.settings.admin_ids)
    for_session = set(services.session_admin_ids)
    people = await use.admins(scope.session, also=configured | for_session)
    lines = [f"<b>Quản trị viên</b> ({len(people)})", ""]
    for someone in people:
        lines.append(f"• {person(someone)}{_admin_source(someone.telegram_id, services)}")
    lines += ["", USAGE]
    await reply(update, "\n".join(lines))


def _admin_source(telegram_id: int, services: Services) -> str:
    """Why someone is an admin, when it is not a promotion stored in the database."""
    if telegram_id in services.settings.admin_ids:
        return " — khai báo trong ADMIN_IDS"
    if telegram_id in services.session_admin_ids:
        return " — quản trị viên trong phiên bảng điều khiển này"
    return ""


async def _promote(update: Update, scope: UpdateScope, rest: str) -> None:
    """Give the admin role to a user the bot knows."""
    session = scope.session
    text = await _promote_text(session, update, rest)
    await reply(update, text)


async def _promote_text(session: AsyncSession, update: Update, rest: str) -> str:
    telegram_id, problem = await _target(update, session, rest)
    if telegram_id is None:
        return problem
    promotion, someone = await use.promote(session, telegram_id, origin_of(update))
    if promotion is Promotion.UNKNOWN:
        return (
            f"Bot chưa biết người dùng <code>{telegram_id}</code>. Hãy nhờ người đó nhắn "
            "/start cho bot rồi thử lại."
        )
    if promotion is Promotion.ALREADY:
        return f"{person(someone)} đã là quản trị viên."
    return f"Đã cấp quyền quản trị viên cho {person(someone)}."


async def _demote(update: Update, scope: UpdateScope, rest: str) -> None:
    """Ask before taking the admin role back (never from ADMIN_IDS), saying what changes;
    the buttons run :func:`demote_pressed`."""
    services = scope.services
    chat, sender = update.effective_chat, update.effective_user
    assert chat is not None and sender is not None
    session = scope.session
    telegram_id, problem = await _demotable(session, update, services, rest)
    if telegram_id is not None:
        described = person(await use.person(session, telegram_id))
        pending_id = await callbacks.ask(
            session,
            AdminDemotion(telegram_id=telegram_id),
            chat_id=chat.id,
            user_id=sender.id,
            now=services.clock.now(),
        )
    if telegram_id is None:
        await reply(update, problem)
        return
    itself = " (chính anh/chị)" if sender.id == telegram_id else ""
    text = (
        f"Gỡ quyền quản trị viên của {described}{itself}? Người đó sẽ không dùng được các lệnh "
        "quản trị nữa (/donvi, /kehoach, /tonghop, /quantri…); cấp lại bằng "
        f"<code>/quantri them {telegram_id}</code>."
    )
    markup = confirm_markup(AdminDemotePress, pending_id, "Gỡ quyền")
    await reply(update, text, markup=markup)


async def _demotable(
    session: AsyncSession, update: Update, services: Services, rest: str
) -> tuple[int | None, str]:
    """The admin *rest* names, if the role can be taken back; else why not."""
    telegram_id, problem = await _target(update, session, rest)
    if telegram_id is None:
        return None, problem
    demotion, someone = await use.demotable(
        session,
        telegram_id,
        configured=services.settings.admin_ids,
        for_session=services.session_admin_ids,
    )
    described = person(someone)
    if demotion is Demotion.CONFIGURED:
        return None, (
            f"{described} được khai báo trong ADMIN_IDS nên không gỡ quyền bằng lệnh được; "
            "hãy sửa cấu hình rồi khởi động lại bot."
        )
    if demotion is Demotion.SESSION:
        return None, (
            f"{described} là quản trị viên trong phiên bảng điều khiển này (chỉ trong phiên "
            "đó) nên không gỡ quyền bằng lệnh được."
        )
    if demotion is Demotion.NOT_ADMIN:
        return None, f"{described} không phải quản trị viên."
    return telegram_id, ""


async def demote_pressed(update: Update, context: Context) -> None:
    """ "Gỡ quyền" / "Thôi" under the question /quantri bo asked."""
    press = await admin_press(update, context, AdminDemotePress)
    if press is None:
        return
    scope = scope_of(context)
    services, session = scope.services, scope.session
    sender = update.effective_user
    assert sender is not None
    asked = await answered(update, context, AdminDemotion, press.pending_id)
    if asked is None:
        text = ALREADY_ANSWERED
    elif not press.yes:
        text = "Đã hủy; quyền quản trị viên giữ nguyên."
    else:
        text = await _demote_now(session, update, services, asked.telegram_id)
    await reply(update, text)


async def _demote_now(
    session: AsyncSession, update: Update, services: Services, telegram_id: int
) -> str:
    """Take the role back, checking again: things may have changed since the question."""
    demoted, someone = await use.demote(
        session, telegram_id, origin_of(update), configured=services.settings.admin_ids
    )
    described = person(someone)
    if not demoted:
        return f"{described} hiện không phải quản trị viên gỡ được bằng lệnh; không thay đổi gì."
    sender = update.effective_user
    itself = " (chính anh/chị)" if sender is not None and sender.id == telegram_id else ""
    return f"Đã gỡ quyền quản trị viên của {described}{itself}."


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root (new messages only)."""
    return [
        command("quantri", quantri),
        CallbackQueryHandler(demote_pressed, pattern=AdminDemotePress.matches),
    ]
