"""Seeing and exporting progress: /tiendo, /tonghop (with a chart), /xuatbaocao (Excel + Word)."""

from __future__ import annotations

import html
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler

from bot import reporting
from bot.commands import Audience, Command
from bot.errors import UserFacingError
from bot.exports.chart import build_charts
from bot.exports.excel import build_workbook
from bot.exports.text import render_summary, render_unit_progress
from bot.exports.word import build_report_draft
from bot.services import get_services
from handlers.common import (
    Context,
    command,
    command_args,
    remember_sender,
    reply,
    require_active_plan,
    require_admin,
    sender_is_admin,
)
from handlers.reporting import not_member_text
from reminders.calendar import Period
from reminders.service import parse_kind, reporting_period
from storage import units

COMMANDS = (
    Command(
        "tiendo",
        "Xem tiến độ của đơn vị",
        "/tiendo — tiến độ các chỉ tiêu của đơn vị mình "
        "(quản trị viên: /tiendo &lt;tên đơn vị&gt;)",
        Audience.STAFF,
    ),
    Command(
        "tonghop",
        "Tổng hợp mọi đơn vị",
        "/tonghop [6thang|nam] — tổng hợp mọi đơn vị theo chỉ tiêu, kèm biểu đồ và đơn vị "
        "chưa báo cáo",
        Audience.ADMIN,
    ),
    Command(
        "xuatbaocao",
        "Xuất Excel và dự thảo báo cáo Word",
        "/xuatbaocao [6thang|nam] — bảng Excel và dự thảo báo cáo sơ kết/tổng kết (Word)",
        Audience.ADMIN,
    ),
)


async def tiendo(update: Update, context: Context) -> None:
    """/tiendo: the sender's unit, each target with its latest figure, % and a bar."""
    services = get_services(context)
    await remember_sender(update, services)
    active = await require_active_plan(update, context)
    if active is None:
        return
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    named = command_args(update)
    admin = await sender_is_admin(update, context)
    async with services.db.session() as session:
        if named and admin:
            unit = await units.find_unit(session, named)
            if unit is None:
                await reply(update, f"Không tìm thấy đơn vị «{html.escape(named)}». Xem /donvi.")
                return
        else:
            unit = await units.reporting_unit(
                session, user_telegram_id=user.id, chat_telegram_id=chat.id, chat_type=chat.type
            )
            asked = await units.find_unit(session, named) if named else None
    if named and not admin and (unit is None or asked is None or asked.id != unit.id):
        await reply(
            update,
            "Chỉ quản trị viên mới xem được tiến độ của đơn vị khác. Gõ /tiendo (không kèm tên) "
            "để xem đơn vị của anh/chị.",
        )
        return
    if unit is None:
        await reply(update, await not_member_text(update, context))
        return
    period = await reporting_period(services, unit.id)  # where the unit's next figure goes
    table = await reporting.progress_table(services, active, period, unit=unit)
    for text in render_unit_progress(table, unit.name):
        await reply(update, text)


async def _asked_period(update: Update, context: Context, name: str) -> Period | None:
    """The period named after the command ("6thang", "năm"), else the one being compiled;
    None (after saying how to write it) when the word is not a period."""
    word = command_args(update)
    try:
        kind = parse_kind(word) if word else None  # "6thang", "6 tháng", "nam", "năm" …
    except UserFacingError:
        await reply(
            update, f"Cách dùng: <code>/{name} 6thang</code> hoặc <code>/{name} nam</code>."
        )
        return None
    return await reporting.period_for_kind(get_services(context), kind)


async def tonghop(update: Update, context: Context) -> None:
    """/tonghop [6thang|nam]: every unit against every target for the period, the units
    missing, and a chart."""
    services = get_services(context)
    await remember_sender(update, services)
    if not await require_admin(update, context):
        return
    active = await require_active_plan(update, context)
    if active is None:
        return
    period = await _asked_period(update, context, "tonghop")
    if period is None:
        return
    table = await reporting.progress_table(services, active, period)
    for text in render_summary(table, tz=services.settings.tz):
        await reply(update, text)
    if (table.figures or table.verdicts) and update.effective_chat is not None:
        images = build_charts(table)
        for number, image in enumerate(images, start=1):
            part = f" ({number}/{len(images)})" if len(images) > 1 else ""
            await update.effective_chat.send_photo(
                InputFile(image, filename=f"tien-do-{number}.png"),
                caption=f"Mức thực hiện chỉ tiêu — {period.label}{part}",
            )


async def xuatbaocao(update: Update, context: Context) -> None:
    """/xuatbaocao [6thang|nam]: an Excel workbook and a Word draft of the report."""
    services = get_services(context)
    await remember_sender(update, services)
    if not await require_admin(update, context):
        return
    active = await require_active_plan(update, context)
    if active is None:
        return
    period = await _asked_period(update, context, "xuatbaocao")
    if period is None:
        return
    table = await reporting.progress_table(services, active, period)
    kind = "nam" if period.key.endswith("-nam") else "6thang"
    chat = update.effective_chat
    assert chat is not None
    stem = f"tien-do-{period.key}"
    await chat.send_document(
        InputFile(build_workbook(table, tz=services.settings.tz), filename=f"{stem}.xlsx"),
        caption=f"Bảng tổng hợp tiến độ — {period.label}",
    )
    await chat.send_document(
        InputFile(
            build_report_draft(table, kind=kind, tz=services.settings.tz),
            filename=f"du-thao-bao-cao-{period.key}.docx",
        ),
        caption="Dự thảo báo cáo (các phần nhận định để cán bộ bổ sung)",
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root."""
    return [
        command("tiendo", tiendo),
        command("tonghop", tonghop),
        command("xuatbaocao", xuatbaocao),
    ]
