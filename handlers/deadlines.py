"""/hanchot (deadlines: list, override, add, remove) and /nhacnho (remind now)."""

from __future__ import annotations

import html
import logging
import re
from datetime import date
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler

from bot import periods
from bot.commands import Audience, Command
from bot.core.periods import parse_kind
from bot.core.text import fold
from bot.errors import UserFacingError
from bot.services import Services, get_services
from handlers.common import (
    Context,
    command,
    command_args,
    remember_sender,
    reply,
    require_admin,
    sender_is_admin,
)
from reminders import calendar as cal
from reminders import service
from reminders.schedule import rebuild_schedule

logger = logging.getLogger(__name__)

COMMANDS = (
    Command(
        "hanchot",
        "Các hạn báo cáo sắp tới",
        "/hanchot — các hạn báo cáo sắp tới và số đơn vị đã báo cáo "
        '(quản trị viên: /hanchot 6thang|nam dd/mm/yyyy, /hanchot them "Tên" dd/mm/yyyy, '
        '/hanchot xoa "Tên")',
        Audience.EVERYONE,
    ),
    Command(
        "nhacnho",
        "Nhắc hạn báo cáo ngay",
        "/nhacnho [6thang|nam] — nhắc ngay các đơn vị chưa báo cáo cho hạn gần nhất",
        Audience.ADMIN,
    ),
)


def usage(year: int) -> str:
    """How to use /hanchot, with dates of *year* (the coming one) as examples."""
    return (
        "Cách dùng:\n"
        "• /hanchot — xem các hạn sắp tới\n"
        f"• /hanchot 6thang 10/06/{year} — đổi hạn sơ kết 6 tháng của năm đó\n"
        f"• /hanchot nam 10/12/{year} — đổi hạn tổng kết năm (ghi 10/12 là ngày 10/12 sắp tới)\n"
        f'• /hanchot them "Hồ sơ khen thưởng" 31/07/{year} — thêm một hạn riêng\n'
        '• /hanchot xoa "Hồ sơ khen thưởng" — xóa một hạn riêng sắp tới'
    )


OFFLINE_TEXT = (
    "Bảng điều khiển ngoại tuyến không kết nối Telegram nên không gửi nhắc nhở cho các đơn vị "
    "(chạy bot thật bằng make run, có TELEGRAM_BOT_TOKEN, để gửi)."
)
_PERIOD_CHANGE = re.compile(r"^(6\s*thang|sau\s*thang|6t|nam|ca\s*nam)\s+(\S+)$")
_QUOTED = re.compile(r"^[\"“”«']\s*(.+?)\s*[\"“”»']\s*(.*)$", re.S)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def deadline_line(view: service.DeadlineView) -> str:
    """One line of the /hanchot list."""
    line = (
        f"• <b>{cal.format_day(view.due_on)}</b> ({cal.weekday_name(view.due_on)}) — "
        f"{html.escape(_capitalised(view.title))}"
    )
    if view.period is None:
        return line + " <i>(hạn riêng)</i>"
    if view.total:
        line += f": {view.reported}/{view.total} đơn vị đã báo cáo"
    if view.source == "admin":
        line += " <i>(đã điều chỉnh)</i>"
    return line


def list_text(views: list[service.DeadlineView], *, usage_year: int | None) -> str:
    """The /hanchot answer; with *usage_year* (for admins), how to change it."""
    lines = ["📅 <b>Các hạn báo cáo sắp tới</b>"]
    lines += [deadline_line(v) for v in views] or ["Chưa có hạn nào."]
    if usage_year is not None:
        lines += ["", html.escape(usage(usage_year))]
    return "\n".join(lines)


def schedule_text(services: Services, view: service.DeadlineView) -> str:
    """The reminder days of a deadline, as admins read them after a change."""
    slots = service.slots_of(services, view)
    now = services.clock.now()  # a slot of today already past is no promise to make
    days = [s.day for s in slots if s.key.startswith("d-") and s.send_at > now]
    if not days:
        return "Không còn ngày nhắc nào trước hạn này."
    listed = ", ".join(d.strftime("%d/%m") for d in days)
    return f"Bot sẽ nhắc vào các ngày {listed} lúc {services.settings.reminder_time:%H:%M}."


async def hanchot(update: Update, context: Context) -> None:
    """/hanchot: list coming deadlines; admins also change them (see :data:`USAGE`)."""
    services = get_services(context)
    await remember_sender(update, services)
    args = command_args(update)
    if not args:
        views = await service.list_deadlines_with_counts(services)
        admin = await sender_is_admin(update, context)
        coming = periods.local_today(services).year + 1
        await reply(update, list_text(views, usage_year=coming if admin else None))
        return
    if not await require_admin(update, context):
        return
    user = update.effective_user
    actor = user.id if user else 0
    try:
        text = await _change(services, args, actor)
    except UserFacingError as exc:
        await reply(update, html.escape(exc.message_vi, quote=False))
        return
    await reply(update, text)
    await rebuild_schedule(context.application, services, catch_up=False)


async def _change(services: Services, args: str, actor: int) -> str:
    """Carry out an admin's /hanchot change; the reply text (HTML)."""
    head, _, rest = args.partition(" ")
    word = fold(head)
    if word in ("them", "xoa"):
        return await _custom(services, word, rest.strip(), actor)
    coming = periods.local_today(services).year + 1
    if word in ("6thang", "6t", "sauthang", "nam", "canam") and not rest.strip():
        example = "10/12" if word in ("nam", "canam") else "10/06"
        raise UserFacingError(f"Thiếu ngày. Ví dụ: /hanchot {word} {example}/{coming}")
    match = _PERIOD_CHANGE.match(fold(args))
    if match is None:
        raise UserFacingError(f"Không hiểu «{args}».\n{usage(coming)}")
    kind = parse_kind(match[1].replace(" ", ""))
    view = await service.set_deadline(
        services, kind, service.parse_future_day(services, match[2]), actor
    )
    return (
        f"✅ Đã đặt hạn {html.escape(view.title)} là "
        f"<b>{cal.format_day_long(view.due_on)}</b>.{_day_off_note(services, view.due_on)}\n"
        f"{schedule_text(services, view)}\nGõ /nhacnho để nhắc các đơn vị ngay."
    )


def _day_off_note(services: Services, day: date) -> str:
    """A warning when a deadline falls on a weekend or a listed holiday."""
    if cal.is_working_day(day, services.settings.holidays):
        return ""
    return (
        f"\n⚠️ Ngày này là {cal.weekday_name(day)}"
        f"{' (ngày nghỉ lễ)' if day in services.settings.holidays else ''}: các đơn vị có thể "
        "nghỉ; nên chọn một ngày làm việc."
    )


async def _custom(services: Services, word: str, rest: str, actor: int) -> str:
    """/hanchot them "Tên" dd/mm/yyyy and /hanchot xoa "Tên"."""
    if word == "xoa":
        removed = await service.remove_custom_deadline(services, rest, actor)
        return f"🗑 Đã xóa hạn «{html.escape(removed.title)}» ({cal.format_day(removed.due_on)})."
    quoted = _QUOTED.match(rest)
    if quoted:
        name, date_text = quoted[1], quoted[2]
    else:
        name, _, date_text = rest.rpartition(" ")
    if not name.strip() or not date_text.strip():
        coming = periods.local_today(services).year + 1
        raise UserFacingError(
            f'Cần tên và ngày, ví dụ: /hanchot them "Hồ sơ khen thưởng" 31/07/{coming}'
        )
    due = service.parse_future_day(services, date_text.strip())
    view, created = await service.add_custom_deadline(services, name, due, actor)
    verb = "Đã thêm" if created else "Đã đổi ngày của"
    return (
        f"✅ {verb} hạn «{html.escape(view.title)}»: "
        f"<b>{cal.format_day_long(view.due_on)}</b>.{_day_off_note(services, view.due_on)}\n"
        f"{schedule_text(services, view)}"
    )


def summary_text(report: service.SendReport) -> str:
    """What /nhacnho tells the admin once the broadcast is over."""
    view = report.deadline
    result = report.result
    title = html.escape(view.title)
    if not report.total:
        return "Chưa có đơn vị nào để nhắc. Hãy tạo đơn vị trước."
    if not report.units_targeted:
        label = view.period.label if view.period else view.title
        return (
            f"Tất cả {report.total} đơn vị đã báo cáo cho kỳ {html.escape(label)}; không cần nhắc."
        )
    lines = [
        f"📨 Nhắc hạn {title} ({cal.format_day(view.due_on)}): "
        f"{len(report.units_targeted)} đơn vị cần nhắc, đã gửi tới {len(result.sent)} nơi."
    ]
    if result.duplicates:
        lines.append(f"{len(result.duplicates)} nơi đã được nhắc hôm nay nên không gửi lại.")
    problems = len(result.problems) + len(report.homeless)
    if problems:
        lines.append(f"{problems} nơi chưa nhận được (xem thông báo riêng gửi quản trị viên).")
    return "\n".join(lines)


def preview_text(preview: service.Preview) -> str:
    """The offline console's /nhacnho: who would be reminded, since nothing can be sent."""
    view = preview.deadline
    title = html.escape(view.title)
    lines = [
        OFFLINE_TEXT,
        "",
        f"Nếu gửi bây giờ, bot sẽ nhắc hạn {title} ({cal.format_day(view.due_on)}): "
        f"{preview.reported}/{preview.total} đơn vị đã báo cáo.",
    ]
    if not preview.units:
        lines.append("Không còn đơn vị nào cần nhắc.")
        return "\n".join(lines)
    lines.append(f"{len(preview.units)} đơn vị sẽ được nhắc:")
    homeless = set(preview.homeless)
    for name in preview.units:
        note = " — chưa có thành viên hay nhóm chat nào để nhận" if name in homeless else ""
        lines.append(f"• {html.escape(name)}{note}")
    return "\n".join(lines)


async def nhacnho(update: Update, context: Context) -> None:
    """/nhacnho [6thang|nam]: remind the units that have not reported, now, for the next
    deadline. The broadcast runs in the background; the admin gets a summary at the end."""
    services = get_services(context)
    await remember_sender(update, services)
    if not await require_admin(update, context):
        return
    args = command_args(update)
    try:
        kind = parse_kind(args) if args else None
        if services.offline:
            await reply(update, preview_text(await service.preview_now(services, kind)))
            return
    except UserFacingError as exc:
        await reply(update, html.escape(exc.message_vi, quote=False))
        return
    await reply(update, "⏳ Đang gửi nhắc nhở tới các đơn vị chưa báo cáo…")
    context.application.create_task(send_and_report(update, context, kind), update=update)


async def send_and_report(update: Update, context: Context, kind: str | None) -> None:
    """The background part of /nhacnho."""
    services = get_services(context)
    try:
        report = await service.send_now(services, context.bot, kind)
    except UserFacingError as exc:
        await reply(update, html.escape(exc.message_vi, quote=False))
        return
    await reply(update, summary_text(report))


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root."""
    return [command("hanchot", hanchot), command("nhacnho", nhacnho)]
