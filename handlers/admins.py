"""/quantri: list admins, promote and demote them (admins only).

Admins listed in ADMIN_IDS cannot be demoted here: the setting is re-applied at every
start, so the change would silently come back. Everyone else is promoted by Telegram id,
by @username (people the bot has seen) or by replying to one of their messages.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot.commands import Audience, Command
from bot.core.text import fold
from bot.services import Services, get_services
from handlers.common import (
    Context,
    acknowledge,
    command,
    command_args,
    remember_sender,
    remove_buttons,
    reply,
    require_admin,
)
from handlers.units import Origin, esc
from storage import pending, users
from storage.models import Role, User

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
DEMOTE_PREFIX = "admin:bo:"
DEMOTE_KIND = "admin.demote"
_TELEGRAM_ID = re.compile(r"-?\d{1,20}")


def person(user: User | None, telegram_id: int) -> str:
    """ "<b>Nguyễn Văn An</b> (@an, <code>123</code>)" — or just the id when unknown."""
    if user is None or not user.full_name:
        return f"<code>{telegram_id}</code> (chưa nhắn tin cho bot)"
    handle = f"@{esc(user.username)}, " if user.username else ""
    return f"<b>{esc(user.full_name)}</b> ({handle}<code>{telegram_id}</code>)"


async def _user_by_username(session: AsyncSession, username: str) -> User | None:
    # Usernames are case-insensitive on Telegram.
    return await session.scalar(
        select(User).where(func.lower(User.username) == username.lower()).limit(1)
    )


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
        user = await _user_by_username(session, text[1:])
        if user is None:
            return None, (
                f"Bot chưa biết tài khoản {esc(text)}. Hãy nhờ người đó nhắn /start cho bot, "
                "hoặc dùng id Telegram."
            )
        return user.telegram_id, ""
    return None, f"«{esc(text)}» không phải id Telegram hay @tên tài khoản.\n\n{USAGE}"


async def quantri(update: Update, context: Context) -> None:
    """/quantri (admins only): list admins; ``them``/``bo`` promote or demote one."""
    services = get_services(context)
    await remember_sender(update, services)
    if not await require_admin(update, context):
        return
    parts = command_args(update).split(maxsplit=1)
    action = fold(parts[0]) if parts else ""
    rest = parts[1] if len(parts) > 1 else ""
    if not action:
        await _list(update, services)
    elif action in PROMOTE_WORDS:
        await _promote(update, services, rest)
    elif action in DEMOTE_WORDS:
        await _demote(update, services, rest)
    else:
        await reply(update, USAGE)


async def _list(update: Update, services: Services) -> None:
    """Every admin, those from ADMIN_IDS marked."""
    configured = set(services.settings.admin_ids)
    for_session = set(services.session_admin_ids)
    async with services.db.session() as session:
        ids = sorted(set(await users.admin_telegram_ids(session)) | configured | for_session)
        people = [(i, await users.get_user(session, i)) for i in ids]
    lines = [f"<b>Quản trị viên</b> ({len(people)})", ""]
    for telegram_id, user in people:
        lines.append(f"• {person(user, telegram_id)}{_admin_source(telegram_id, services)}")
    lines += ["", USAGE]
    await reply(update, "\n".join(lines))


def _admin_source(telegram_id: int, services: Services) -> str:
    """Why someone is an admin, when it is not a promotion stored in the database."""
    if telegram_id in services.settings.admin_ids:
        return " — khai báo trong ADMIN_IDS"
    if telegram_id in services.session_admin_ids:
        return " — quản trị viên trong phiên bảng điều khiển này"
    return ""


async def _promote(update: Update, services: Services, rest: str) -> None:
    """Give the admin role to a user the bot knows."""
    async with services.db.session() as session:
        text = await _promote_text(session, update, rest)
    await reply(update, text)


async def _promote_text(session: AsyncSession, update: Update, rest: str) -> str:
    telegram_id, problem = await _target(update, session, rest)
    if telegram_id is None:
        return problem
    user = await users.get_user(session, telegram_id)
    if user is None:
        return (
            f"Bot chưa biết người dùng <code>{telegram_id}</code>. Hãy nhờ người đó nhắn "
            "/start cho bot rồi thử lại."
        )
    if user.role == Role.ADMIN:
        return f"{person(user, telegram_id)} đã là quản trị viên."
    await users.set_role(session, telegram_id, Role.ADMIN)
    await Origin.of(update).audit(
        session, "admin.promote", telegram_id=telegram_id, name=user.full_name
    )
    return f"Đã cấp quyền quản trị viên cho {person(user, telegram_id)}."


async def _demote(update: Update, services: Services, rest: str) -> None:
    """Ask before taking the admin role back (never from ADMIN_IDS), saying what changes;
    the buttons run :func:`demote_pressed`."""
    chat, sender = update.effective_chat, update.effective_user
    assert chat is not None and sender is not None
    async with services.db.session() as session:
        telegram_id, problem = await _demotable(session, update, services, rest)
        if telegram_id is not None:
            described = person(await users.get_user(session, telegram_id), telegram_id)
            pending_id = await pending.create(
                session,
                kind=DEMOTE_KIND,
                chat_telegram_id=chat.id,
                user_telegram_id=sender.id,
                payload={"telegram_id": telegram_id},
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
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Gỡ quyền", callback_data=f"{DEMOTE_PREFIX}{pending_id}:1"),
                InlineKeyboardButton(
                    "Thôi, giữ nguyên", callback_data=f"{DEMOTE_PREFIX}{pending_id}:0"
                ),
            ]
        ]
    )
    await reply(update, text, markup=markup)


async def _demotable(
    session: AsyncSession, update: Update, services: Services, rest: str
) -> tuple[int | None, str]:
    """The admin *rest* names, if the role can be taken back; else why not."""
    telegram_id, problem = await _target(update, session, rest)
    if telegram_id is None:
        return None, problem
    user = await users.get_user(session, telegram_id)
    described = person(user, telegram_id)
    if telegram_id in services.settings.admin_ids:
        return None, (
            f"{described} được khai báo trong ADMIN_IDS nên không gỡ quyền bằng lệnh được; "
            "hãy sửa cấu hình rồi khởi động lại bot."
        )
    if telegram_id in services.session_admin_ids:
        return None, (
            f"{described} là quản trị viên trong phiên bảng điều khiển này (chỉ trong phiên "
            "đó) nên không gỡ quyền bằng lệnh được."
        )
    if user is None or user.role != Role.ADMIN:
        return None, f"{described} không phải quản trị viên."
    return telegram_id, ""


async def demote_pressed(update: Update, context: Context) -> None:
    """ "Gỡ quyền" / "Thôi" under the question /quantri bo asked."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(query)
    if not await require_admin(update, context):
        return
    await remove_buttons(query.message)
    services = get_services(context)
    sender = update.effective_user
    assert sender is not None
    pending_id, _, answer = query.data.removeprefix(DEMOTE_PREFIX).partition(":")
    async with services.db.session() as session:
        payload = await pending.take(
            session,
            int(pending_id),
            kind=DEMOTE_KIND,
            user_telegram_id=sender.id,
            now=services.clock.now(),
        )
        if payload is None:
            text = (
                "Nút này đã được dùng, hết hiệu lực hoặc không dành cho anh/chị; không thay đổi gì."
            )
        elif answer != "1":
            text = "Đã hủy; quyền quản trị viên giữ nguyên."
        else:
            text = await _demote_now(session, update, services, int(payload["telegram_id"]))
    await reply(update, text)


async def _demote_now(
    session: AsyncSession, update: Update, services: Services, telegram_id: int
) -> str:
    """Take the role back, checking again: things may have changed since the question."""
    user = await users.get_user(session, telegram_id)
    described = person(user, telegram_id)
    if telegram_id in services.settings.admin_ids or user is None or user.role != Role.ADMIN:
        return f"{described} hiện không phải quản trị viên gỡ được bằng lệnh; không thay đổi gì."
    await users.set_role(session, telegram_id, Role.USER)
    await Origin.of(update).audit(
        session, "admin.demote", telegram_id=telegram_id, name=user.full_name
    )
    sender = update.effective_user
    itself = " (chính anh/chị)" if sender is not None and sender.id == telegram_id else ""
    return f"Đã gỡ quyền quản trị viên của {described}{itself}."


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root (new messages only)."""
    return [
        command("quantri", quantri),
        CallbackQueryHandler(demote_pressed, pattern=rf"^{DEMOTE_PREFIX}\d+:[01]$"),
    ]
