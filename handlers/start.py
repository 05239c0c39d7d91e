"""/start and /help: what the bot does, and the commands for each kind of user."""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot.commands import Audience, Command, for_audience
from bot.update_scope import scope_of
from handlers.common import Context, command, reply, sender_is_admin
from storage import units

COMMANDS = (
    Command("start", "Bắt đầu và giới thiệu bot", "/start — giới thiệu bot", Audience.EVERYONE),
    Command("help", "Danh sách lệnh", "/help — danh sách lệnh", Audience.EVERYONE),
)

WELCOME = (
    "Xin chào{name}! Tôi là trợ lý <b>thi đua – khen thưởng</b> của xã.\n\n"
    "Tôi giúp anh/chị:\n"
    "• <b>Báo cáo tiến độ</b> các chỉ tiêu thi đua của đơn vị (thôn, tổ dân phố, phòng ban…), "
    "chỉ cần nhắn kiểu «Đã trồng được 12.500 cây phân tán»;\n"
    "• <b>Hỏi đáp</b> về chỉ tiêu và nhiệm vụ trong kế hoạch thi đua, "
    "ví dụ «chỉ tiêu BHYT là bao nhiêu?»;\n"
    "• <b>Nhắc hạn</b> báo cáo sơ kết 6 tháng và tổng kết năm.\n\n"
    "Gõ /help để xem các lệnh."
)

JOIN_HINT = (
    "\n\nAnh/chị chưa thuộc đơn vị nào nên chưa báo cáo được. Hãy xin cán bộ phụ trách "
    "<b>mã tham gia</b> của đơn vị mình rồi gõ <code>/thamgia MÃ</code>. "
    "Trong lúc đó anh/chị vẫn có thể hỏi về kế hoạch thi đua."
)


async def start(update: Update, context: Context) -> None:
    """Greet the user, say what the bot does and, for newcomers, how to join a unit."""
    await scope_of(context).remember_sender()
    user = update.effective_user
    name = f", {html.escape(user.first_name)}" if user and user.first_name else ""
    text = WELCOME.format(name=name)
    if not await sender_is_admin(update, context) and not await _is_member(update, context):
        text += JOIN_HINT
    await reply(update, text)


async def _is_member(update: Update, context: Context) -> bool:
    """True when the sender already belongs to a unit."""
    if update.effective_user is None:
        return False
    session = scope_of(context).session
    return await units.unit_of_user(session, update.effective_user.id) is not None


def help_text(commands: tuple[Command, ...], *, admin: bool) -> str:
    """The /help message: commands for everyone and staff, and for admins when asked by one."""
    lines = ["<b>Các lệnh của bot</b>", ""]
    groups = [
        (Audience.EVERYONE, "Dành cho mọi người"),
        (Audience.STAFF, "Dành cho thành viên đơn vị"),
    ]
    if admin:
        groups.append((Audience.ADMIN, "Dành cho quản trị viên"))
    for audience, title in groups:
        listed = for_audience(commands, audience)
        if listed:
            lines.append(f"<b>{title}</b>")
            lines.extend(f"• {c.usage}" for c in listed)
            lines.append("")
    lines.append(
        "Nhắn tin bình thường cũng được: câu hỏi sẽ được trả lời theo kế hoạch, "
        "tin có số liệu sẽ được ghi nhận là báo cáo."
    )
    return "\n".join(lines)


async def show_help(update: Update, context: Context) -> None:
    """List the commands, grouped for staff and (to admins only) for admins."""
    scope = scope_of(context)
    await scope.remember_sender()
    admin = await sender_is_admin(update, context)
    await reply(update, help_text(scope.services.commands, admin=admin))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root."""
    return [command("start", start), command("help", show_help)]
