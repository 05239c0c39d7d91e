"""Progress reports: /baocao, plain messages with figures, buttons, /huy, edited messages."""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import reporting
from bot.callbacks import ReportChoicePress, ReportStartPress, UndoPress
from bot.commands import Audience, Command
from bot.core.questions import reads_as_report
from bot.core.report_parser import parse_report
from bot.core.text import shorten
from bot.errors import UserFacingError
from bot.exports.text import render_confirmation
from bot.reporting import Outcome, ReportingUnit, Saved, Sender, target_info
from bot.update_scope import UpdateScope, scope_of
from handlers.common import (
    Context,
    acknowledge,
    command,
    command_args,
    remove_buttons,
    reply,
    require_active_plan,
    sender_is_admin,
)

COMMANDS = (
    Command(
        "baocao",
        "Báo cáo số liệu của đơn vị",
        "/baocao &lt;nội dung&gt; — ví dụ: /baocao Đã trồng được 12.500 cây phân tán",
        Audience.STAFF,
    ),
    Command("huy", "Rút lại báo cáo vừa gửi", "/huy — rút lại báo cáo gần nhất", Audience.STAFF),
)

ECHO_LIMIT = 80  # characters of the user's text quoted back in a problem line
USAGE = (
    "Cách báo cáo: <code>/baocao Đã trồng được 12.500 cây phân tán</code>\n"
    "Nhiều số liệu một lúc: <code>/baocao lợn 2.300 con; dê 120 con</code>\n"
    "Cộng thêm vào số đã báo: <code>/baocao thêm 300 cây phân tán</code>\n"
    "Quản trị viên báo cáo thay đơn vị: <code>/baocao Thôn 1: 12.500 cây phân tán</code>"
)
NOT_MEMBER = (
    "Anh/chị chưa thuộc đơn vị nào nên chưa báo cáo được. Hãy xin cán bộ phụ trách mã tham gia "
    "rồi gõ <code>/thamgia MÃ</code>. Anh/chị vẫn có thể hỏi về kế hoạch bằng <code>/hoi</code>."
)
ADMIN_NOT_MEMBER = (
    "Anh/chị là quản trị viên, chưa thuộc đơn vị nào: hãy ghi tên đơn vị trước số liệu, ví dụ "
    "<code>/baocao Thôn 1: 12.500 cây phân tán</code>. Xem tiến độ một đơn vị: "
    "<code>/tiendo Thôn 1</code>; mọi đơn vị: /tonghop."
)


NOT_UNDERSTOOD = (
    "Tôi chưa hiểu tin nhắn «{echo}»: không thấy số liệu nào ứng với một chỉ tiêu của kế "
    "hoạch, nên chưa ghi gì.\n"
    "Cách báo cáo: ghi tên chỉ tiêu kèm số liệu, ví dụ «lợn 2.300 con» hay «BHYT 95,5%»; "
    "xem các chỉ tiêu bằng /chitieu."
)
NOT_UNDERSTOOD_ADMIN = (
    " Quản trị viên báo cáo thay đơn vị thì ghi tên đơn vị trước: "
    "<code>/baocao Thôn 1 BHYT 95,5%</code>."
)


def not_understood_text(text: str, *, admin: bool) -> str:
    """Nothing in *text* points to a target: say so plainly, and how to report."""
    return NOT_UNDERSTOOD.format(echo=_echo(text)) + (NOT_UNDERSTOOD_ADMIN if admin else "")


async def not_member_text(update: Update, context: Context) -> str:
    """Why the sender cannot report or see their unit, and what to do instead."""
    return ADMIN_NOT_MEMBER if await sender_is_admin(update, context) else NOT_MEMBER


async def baocao(update: Update, context: Context) -> None:
    """/baocao <figures>: record figures for the sender's unit (admins may name a unit)."""
    text = command_args(update)
    if not text:
        await reply(update, USAGE)
        return
    await report_text(update, context, text)


async def report_text(
    update: Update,
    context: Context,
    text: str,
    *,
    quiet_when_unmatched: bool = False,
    message_id: int | None = None,
) -> None:
    """Record the figures in *text* for the unit the sender reports for.

    In a unit's group chat (*quiet_when_unmatched*) a message none of whose figures fits a
    target is ordinary chatter, so the bot stays silent instead of complaining."""
    scope = scope_of(context)
    await scope.remember_sender()
    try:
        unit, text = await _unit_and_text(update, context, text)
    except UserFacingError as exc:
        if not quiet_when_unmatched:  # group chatter ("Tổ 3: 15 người dự họp") gets no reply
            await reply(update, exc.message_vi)
        return
    active = await require_active_plan(update, context)
    if active is None:
        return
    parsed = parse_report(text)
    if parsed.empty:
        await reply(update, f"Tôi không thấy số liệu nào trong tin nhắn.\n\n{USAGE}")
        return
    if unit is None:
        # Being in no unit matters only for figures that would fit a target.
        if reporting.fits_a_target(parsed, active.kb):
            await reply(update, await not_member_text(update, context))
        else:
            admin = await sender_is_admin(update, context)
            await reply(update, not_understood_text(text, admin=admin))
        return
    sender = await _sender(update, scope, unit, text, edited=False, message_id=message_id)
    outcome = await reporting.submit(scope.services, scope.session, sender, parsed, active)
    heard = outcome.saved or outcome.questions or outcome.duplicates or outcome.other_year
    if quiet_when_unmatched and not heard:
        return
    await _send_outcome(update, outcome)


async def _unit_and_text(
    update: Update, context: Context, text: str
) -> tuple[ReportingUnit | None, str]:
    """The unit the message reports for, and the text left once a unit's name is read."""
    user = update.effective_user
    assert user is not None
    scope = scope_of(context)
    return await reporting.unit_for_message(
        scope.services,
        scope.session,
        unit=await scope.reporting_unit(),
        user_id=user.id,
        text=text,
    )


async def _sender(
    update: Update,
    scope: UpdateScope,
    unit: ReportingUnit,
    text: str,
    *,
    edited: bool,
    message_id: int | None = None,
) -> Sender:
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    assert user is not None and chat is not None
    version = ""
    if message is not None and edited and message.edit_date is not None:
        version = str(int(message.edit_date.timestamp()))
    if message_id is None and message is not None:
        message_id = message.message_id
    return Sender(
        unit_id=unit.id,
        unit_name=unit.name,
        telegram_id=user.id,
        chat_id=chat.id,
        message_id=message_id,
        source_key=f"tg:{chat.id}:{message_id}:{version}",
        text=text,
        at=scope.services.clock.now(),
        period=await scope.reporting_period(unit.id),
    )


def _undo_press(outcome: Outcome) -> UndoPress:
    """The rows this confirmation saved, and only those, for its undo."""
    ids = [report_id for saved in outcome.saved for report_id in saved.report_ids]
    return UndoPress(first=min(ids), last=max(ids))


async def _send_outcome(update: Update, outcome: Outcome) -> None:
    """Confirm what was saved (with an undo button), ask what is unclear, list problems."""
    if outcome.other_year is not None and outcome.sender is not None:
        await reply(
            update,
            f"Tin nhắn ghi năm {outcome.other_year}, nhưng số liệu gửi bây giờ thuộc kỳ "
            f"{html.escape(outcome.sender.period.label)}, nên tôi chưa ghi. Nếu là số liệu của "
            f"kỳ {html.escape(outcome.sender.period.label)}, anh/chị gửi lại không kèm năm; "
            "số liệu các kỳ trước xin báo cán bộ phụ trách.",
        )
        return
    if outcome.saved and outcome.sender is not None:
        lines = [_confirmation(s, outcome.sender) for s in outcome.saved]
        undo = InlineKeyboardButton("Hoàn tác", callback_data=_undo_press(outcome).encode())
        await reply(update, "\n".join(lines), markup=InlineKeyboardMarkup([[undo]]))
    if outcome.duplicates and not outcome.saved:
        await reply(update, "Số liệu của tin nhắn này đã được ghi trước đó.")
    for question in outcome.questions:
        buttons = [
            [InlineKeyboardButton(label, callback_data=data)] for label, data in question.options
        ]
        await reply(update, question.text, markup=InlineKeyboardMarkup(buttons))
    heard = outcome.saved or outcome.questions or outcome.duplicates or outcome.unreadable
    if outcome.unmatched and not heard and outcome.sender is not None:
        await reply(update, not_understood_text(outcome.sender.text, admin=False))
        return
    problems = [
        *(f"• Không có chỉ tiêu nào khớp với «{_echo(c)}»." for c in outcome.unmatched),
        *(f"• Không đọc được số trong «{_echo(c)}»." for c in outcome.unreadable),
    ]
    if problems:
        problems.append("Xem danh sách chỉ tiêu bằng /chitieu rồi nhắn lại, ví dụ «lợn 2.300 con».")
        await reply(update, "\n".join(problems))


def _echo(text: str) -> str:
    """A piece of the user's message quoted back: short enough to read, escaped for HTML."""
    return html.escape(shorten(text, ECHO_LIMIT))


def _confirmation(saved: Saved, sender: Sender) -> str:
    info = target_info(saved.target, saved.parent)
    return render_confirmation(
        sender.unit_name,
        info,
        saved.total,
        sender.period.label,
        mode="delta" if saved.delta else "cumulative",
        added=saved.value if saved.delta else None,
    )


async def choice_pressed(update: Update, context: Context) -> None:
    """A button under a report question: which target, which number, save anyway, skip."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    press = ReportChoicePress.decode(query.data)
    assert press is not None, "the handler's pattern is the kind's"
    scope = scope_of(context)
    try:
        outcome = await reporting.resolve(
            scope.services,
            scope.session,
            press.pending_id,
            str(press.choice),
            update.effective_user.id,
        )
    except UserFacingError as exc:
        await acknowledge(query, exc.message_vi, alert=True)
        return
    await acknowledge(query)
    await remove_buttons(query.message)
    if not (outcome.saved or outcome.questions or outcome.unmatched or outcome.duplicates):
        await reply(update, "Đã bỏ qua số liệu này.")
        return
    await _send_outcome(update, outcome)


async def undo_pressed(update: Update, context: Context) -> None:
    """The "Hoàn tác" button: withdraw the figures the confirmed message stored."""
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    press = UndoPress.decode(query.data)
    assert press is not None, "the handler's pattern is the kind's"
    scope = scope_of(context)
    admin = await sender_is_admin(update, context)
    try:
        undone = await reporting.undo(
            scope.services, scope.session, press.report_ids, update.effective_user.id, admin=admin
        )
    except UserFacingError as exc:
        await acknowledge(query, exc.message_vi, alert=True)
        return
    await acknowledge(query)
    await remove_buttons(query.message)
    if undone:
        lines = "\n".join(f"• {html.escape(line)}" for line in undone)
        await reply(
            update,
            f"Đã hoàn tác {len(undone)} số liệu (vẫn lưu trong lịch sử, đánh dấu đã rút):\n{lines}",
        )
    else:
        await reply(update, "Số liệu này đã được hoàn tác trước đó.")


async def huy(update: Update, context: Context) -> None:
    """/huy: withdraw the sender's most recent report."""
    scope = scope_of(context)
    user = update.effective_user
    assert user is not None
    active = await require_active_plan(update, context)
    if active is None:
        return
    withdrawn = await reporting.withdraw_last(
        scope.services, scope.session, user.id, active.plan_id
    )
    if not withdrawn:
        await reply(update, "Anh/chị chưa có báo cáo nào để rút lại.")
        return
    lines = "\n".join(f"• {html.escape(line)}" for line in withdrawn)
    await reply(
        update,
        f"Đã rút lại {len(withdrawn)} số liệu của báo cáo gần nhất "
        f"(vẫn lưu trong lịch sử, đánh dấu đã rút):\n{lines}",
    )


async def message_edited(update: Update, context: Context) -> None:
    """An edited message that had stored figures: correct them from the new text."""
    scope = scope_of(context)
    message = update.edited_message
    if message is None or not message.text or message.text.startswith("/"):
        return
    try:
        unit, text = await _unit_and_text(update, context, message.text)
    except UserFacingError as exc:
        if message.chat.type == ChatType.PRIVATE:  # group chatter edited stays unanswered
            await reply(update, exc.message_vi)
        return
    active = await scope.active_plan()
    if unit is None or active is None:
        return
    sender = await _sender(update, scope, unit, text, edited=True)
    may_start = await _reads_as_new_report(update, scope, text)
    outcome, replaced = await reporting.correct(
        scope.services, scope.session, sender, parse_report(text), active, may_start=may_start
    )
    if replaced:
        await reply(update, f"Đã cập nhật theo tin nhắn vừa sửa ({replaced} số liệu cũ được thay).")
        await _send_outcome(update, outcome)
    elif outcome.saved or outcome.questions or outcome.other_year is not None:
        await _send_outcome(update, outcome)


async def _reads_as_new_report(update: Update, scope: UpdateScope, text: str) -> bool:
    """Whether this text, sent new, would have been read as a report (see handlers.messages):
    figures and no question, in a private chat or a group bound to a unit."""
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE:
        return reads_as_report(text)
    if not reads_as_report(text, in_group=True):
        return False
    return await scope.group_unit() is not None


async def report_button(update: Update, context: Context) -> None:
    """The "Báo cáo ngay" button under a reminder: explain how to send figures."""
    query = update.callback_query
    assert query is not None
    await acknowledge(query)
    await reply(update, USAGE)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root."""
    return [
        command("baocao", baocao),
        command("huy", huy),
        CallbackQueryHandler(report_button, pattern=ReportStartPress.matches),
        CallbackQueryHandler(choice_pressed, pattern=ReportChoicePress.matches),
        CallbackQueryHandler(undo_pressed, pattern=UndoPress.matches),
        MessageHandler(filters.UpdateType.EDITED_MESSAGE & filters.TEXT, message_edited),
    ]
