"""Seeing and exporting progress: /tiendo, /tonghop (with a chart), /xuatbaocao (Excel + Word)."""

from __future__ import annotations

import asyncio
import html
import textwrap
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler

from bot import reporting, verdicts
from bot.commands import Audience, Command
from bot.core.periods import Period, parse_kind
from bot.core.plan import Target
from bot.core.progress import ProgressTable
from bot.core.text import fold
from bot.errors import UserFacingError
from bot.exports.chart import build_charts
from bot.exports.excel import build_workbook
from bot.exports.pdf import docx_to_pdf
from bot.exports.text import render_summary, render_unit_progress
from bot.exports.word import build_report_draft
from bot.update_scope import before_speaking, scope_of
from handlers.common import (
    Context,
    command,
    command_args,
    reply,
    require_active_plan,
    require_admin,
    sender_is_admin,
)
from handlers.reporting import not_member_text

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
        "danhgia",
        "Đánh giá chỉ tiêu định tính",
        "/danhgia — các chỉ tiêu định tính và trạng thái; /danhgia &lt;số chỉ tiêu&gt; dat "
        "(hoặc chuadat) — ghi đạt / chưa đạt cho kỳ đang tổng hợp",
        Audience.STAFF,
    ),
    Command(
        "sochung",
        "Đơn vị báo cáo số chung của xã",
        "/sochung &lt;tên đơn vị&gt; — đơn vị báo cáo số liệu chung của cả xã (tỷ lệ…); "
        "/sochung bo &lt;tên đơn vị&gt; — bỏ",
        Audience.ADMIN,
    ),
    Command(
        "xuatbaocao",
        "Xuất Excel và dự thảo báo cáo Word",
        "/xuatbaocao [6thang|nam] [pdf] — bảng Excel và dự thảo báo cáo sơ kết/tổng kết (Word; "
        "thêm «pdf» để nhận cả bản PDF)",
        Audience.ADMIN,
    ),
)


TIENDO_ADMIN_USAGE = (
    "Cách dùng: <code>/tiendo tên đơn vị</code> — tiến độ một đơn vị, ví dụ "
    "<code>/tiendo {example}</code>; mọi đơn vị: /tonghop."
)
MAX_NAMES_LISTED = 20


def _units_hint(names: list[str]) -> str:
    """The units to choose from, for a /tiendo that named none or none that exists."""
    if not names:
        return "Chưa có đơn vị nào; tạo đơn vị bằng <code>/donvi them Thôn 1</code>."
    shown = ", ".join(html.escape(n) for n in names[:MAX_NAMES_LISTED])
    more = (
        f" và {len(names) - MAX_NAMES_LISTED} đơn vị khác (xem /donvi)"
        if len(names) > MAX_NAMES_LISTED
        else ""
    )
    return f"Các đơn vị: {shown}{more}."


def _tiendo_admin_text(names: list[str], problem: str = "") -> str:
    example = html.escape(names[0]) if names else "Thôn 1"
    usage = TIENDO_ADMIN_USAGE.format(example=example)
    return "\n".join(part for part in (problem, usage, _units_hint(names)) if part)


async def tiendo(update: Update, context: Context) -> None:
    """/tiendo: the sender's unit, each target with its latest figure, % and a bar."""
    scope = scope_of(context)
    await scope.remember_sender()
    active = await require_active_plan(update, context)
    if active is None:
        return
    named = command_args(update)
    admin = await sender_is_admin(update, context)
    names = await reporting.unit_names(scope.session) if admin else []
    if named and admin:
        unit = await reporting.find_unit(scope.session, named)
        if unit is None:
            problem = f"Không tìm thấy đơn vị «{html.escape(named)}»."
            await reply(update, _tiendo_admin_text(names, problem))
            return
    else:
        unit = await scope.reporting_unit()
        asked = await reporting.find_unit(scope.session, named) if named else None
    if named and not admin and (unit is None or asked is None or asked.id != unit.id):
        await reply(
            update,
            "Chỉ quản trị viên mới xem được tiến độ của đơn vị khác. Gõ /tiendo (không kèm tên) "
            "để xem đơn vị của anh/chị.",
        )
        return
    if unit is None and admin:  # an admin in no unit: which unit to look at, and how
        await reply(update, _tiendo_admin_text(names))
        return
    if unit is None:
        await reply(update, await not_member_text(update, context))
        return
    period = await scope.reporting_period(unit.id)  # where the unit's next figure goes
    table = await reporting.progress_table(
        scope.services, active, period, unit=unit, session=scope.session
    )
    for text in render_unit_progress(table, unit.name):
        await reply(update, text)


async def _asked_period(
    update: Update, context: Context, name: str, word: str | None = None
) -> Period | None:
    """The period named after the command ("6thang", "năm"), else the one being compiled;
    None (after saying how to write it) when the word is not a period."""
    word = command_args(update) if word is None else word
    try:
        kind = parse_kind(word) if word else None  # "6thang", "6 tháng", "nam", "năm" …
    except UserFacingError:
        await reply(
            update, f"Cách dùng: <code>/{name} 6thang</code> hoặc <code>/{name} nam</code>."
        )
        return None
    scope = scope_of(context)
    return await reporting.period_for_kind(scope.services, kind, session=scope.session)


async def tonghop(update: Update, context: Context) -> None:
    """/tonghop [6thang|nam]: every unit against every target for the period, the units
    missing, and a chart."""
    scope = scope_of(context)
    services = scope.services
    await scope.remember_sender()
    if not await require_admin(update, context):
        return
    active = await require_active_plan(update, context)
    if active is None:
        return
    period = await _asked_period(update, context, "tonghop")
    if period is None:
        return
    table = await reporting.progress_table(services, active, period, session=scope.session)
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
    scope = scope_of(context)
    services = scope.services
    await scope.remember_sender()
    if not await require_admin(update, context):
        return
    active = await require_active_plan(update, context)
    if active is None:
        return
    words = command_args(update).split()
    want_pdf = bool(words) and fold(words[-1]) == "pdf"
    asked = " ".join(words[:-1] if want_pdf else words)
    period = await _asked_period(update, context, "xuatbaocao", asked)
    if period is None:
        return
    table = await reporting.progress_table(services, active, period, session=scope.session)
    kind = "nam" if period.key.endswith("-nam") else "6thang"
    chat = update.effective_chat
    assert chat is not None
    await before_speaking()
    stem = f"tien-do-{period.key}"
    await chat.send_document(
        InputFile(build_workbook(table, tz=services.settings.tz), filename=f"{stem}.xlsx"),
        caption=f"Bảng tổng hợp tiến độ — {period.label}",
    )
    draft = build_report_draft(table, kind=kind, tz=services.settings.tz)
    await chat.send_document(
        InputFile(draft, filename=f"du-thao-bao-cao-{period.key}.docx"),
        caption="Dự thảo báo cáo (các phần nhận định để cán bộ bổ sung)",
    )
    if want_pdf:
        await _send_pdf(update, draft, period)


async def _send_pdf(update: Update, draft: bytes, period: Period) -> None:
    """The draft as PDF to read on a phone, when the server has LibreOffice."""
    chat = update.effective_chat
    assert chat is not None
    pdf = await asyncio.to_thread(docx_to_pdf, draft)
    if pdf is None:
        await reply(update, "Máy chủ chưa cài LibreOffice nên chưa xuất được PDF; tệp Word ở trên.")
        return
    await chat.send_document(
        InputFile(pdf, filename=f"du-thao-bao-cao-{period.key}.pdf"),
        caption="Dự thảo báo cáo (bản PDF để xem trước)",
    )


def _verdict_list(table: ProgressTable, targets: list[Target], period_label: str) -> str:
    lines = [f"<b>Chỉ tiêu định tính — {html.escape(period_label)}</b>"]
    for target in targets:
        verdict = table.verdicts.get(target.key)
        state = "chưa báo cáo" if verdict is None else ("đạt" if verdict.achieved else "chưa đạt")
        name = html.escape(textwrap.shorten(target.name, 160, placeholder="…"))
        lines.append(f"• {verdicts.verdict_marker(target)} {name}: {state}")
    example = verdicts.verdict_marker(targets[0]).strip("()") if targets else "19"
    lines += [
        "",
        f"Ghi trạng thái: <code>/danhgia {example} dat</code> hoặc "
        f"<code>/danhgia {example} chuadat</code>.",
    ]
    return "\n".join(lines)


async def danhgia(update: Update, context: Context) -> None:
    """/danhgia [số chỉ tiêu dat|chuadat]: list the qualitative targets with their status, or
    set one (an admin for the commune, a member for their unit)."""
    scope = scope_of(context)
    services = scope.services
    await scope.remember_sender()
    active = await require_active_plan(update, context)
    if active is None:
        return
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    assert user is not None and chat is not None
    admin = await sender_is_admin(update, context)
    unit = None
    if not admin:
        unit = await scope.reporting_unit()
        if unit is None:
            await reply(update, await not_member_text(update, context))
            return
    period = await reporting.period_for_kind(services, None, session=scope.session)
    targets = verdicts.qualitative_targets(active)
    words = command_args(update).split(maxsplit=1)
    if not words:
        table = await reporting.progress_table(services, active, period, session=scope.session)
        if not targets:
            await reply(update, "Kế hoạch đang dùng không có chỉ tiêu định tính.")
            return
        await reply(update, _verdict_list(table, targets, period.label))
        return
    target = verdicts.find_qualitative(active, words[0])
    achieved = verdicts.parse_achieved(words[1]) if len(words) > 1 else None
    if target is None or achieved is None:
        problem = (
            f"Không có chỉ tiêu định tính số «{html.escape(words[0])}». Gõ /danhgia để xem."
            if target is None
            else "Ghi <code>dat</code> hoặc <code>chuadat</code> sau số chỉ tiêu."
        )
        await reply(update, problem)
        return
    sender = verdicts.Sender(
        telegram_id=user.id,
        chat_id=chat.id,
        message_id=message.message_id if message else None,
        unit_id=unit.id if unit is not None else None,
        text=(message.text or "") if message else "",
    )
    try:
        await verdicts.set_verdict(
            services, scope.session, active, period, target, achieved=achieved, sender=sender
        )
    except UserFacingError as exc:
        await reply(update, html.escape(exc.message_vi))
        return
    who = f" (đơn vị {html.escape(unit.name)})" if unit is not None else ""
    state = "đạt" if achieved else "chưa đạt"
    await reply(
        update,
        f"Đã ghi: {verdicts.verdict_marker(target)} {html.escape(target.name)} — <b>{state}</b>, "
        f"{html.escape(period.label)}{who}.",
    )


async def sochung(update: Update, context: Context) -> None:
    """/sochung [bo] <tên đơn vị>: the unit whose figures are the commune's own."""
    scope = scope_of(context)
    await scope.remember_sender()
    if not await require_admin(update, context):
        return
    user = update.effective_user
    assert user is not None
    args = command_args(update)
    if fold(args) == "bo":  # "/sochung bo" with no unit: say how, not "no unit «bo»"
        await reply(
            update,
            "Cách dùng: <code>/sochung bo tên đơn vị</code> — bỏ một đơn vị "
            "báo cáo số chung của xã; xem các đơn vị đang báo cáo số chung: /sochung.",
        )
        return
    if not args:
        names = await reporting.commune_reporter_names(scope.session)
        listed = ", ".join(html.escape(n) for n in names) or "chưa có"
        await reply(
            update,
            f"Đơn vị báo cáo số chung của xã: {listed}.\nĐặt: <code>/sochung tên đơn vị</code>; "
            "bỏ: <code>/sochung bo tên đơn vị</code>.",
        )
        return
    first, _, rest = args.partition(" ")
    off = fold(first) == "bo" and bool(rest.strip())
    name = rest.strip() if off else args
    answer = await verdicts.set_commune_reporter(
        scope.services, scope.session, name, on=not off, actor=user.id
    )
    await reply(update, answer)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root."""
    return [
        command("tiendo", tiendo),
        command("tonghop", tonghop),
        command("danhgia", danhgia),
        command("sochung", sochung),
        command("xuatbaocao", xuatbaocao),
    ]
