"""Deadline reminders: the use cases handlers, jobs and other features call.

* Deadlines: :func:`list_deadlines_with_counts`, :func:`set_deadline`,
  :func:`add_custom_deadline`, :func:`remove_custom_deadline`, :func:`ensure_default_deadlines`.
* Periods (for reporting and progress): :func:`period_on`, :func:`current_period`,
  :func:`year_deadlines`.
* Sending: :func:`send_due` (a scheduled slot of a deadline) and :func:`send_now` (/nhacnho).

Who gets what. For a six-month or year-end deadline, a unit "has reported" when it has any
live (not withdrawn) report with the deadline's period key; reminders and the overdue notice
go only to units that have not, listing the active plan's reportable targets they have no
figure for, with a "Báo cáo ngay" button (callback ``rep:start``, handled by reporting). The
digest (deadline day) and the overdue summary (day after) go to the admins. A custom deadline
is not something the bot can check, so every unit gets each of its reminders (once per
reminder day, without the button) and there is no digest and no overdue notice.

After each unit broadcast the admins are told which chats could not be reached (blocked the
bot, failed, or interrupted by a restart) and which units have nowhere to receive messages.
"""

from __future__ import annotations

import asyncio
import html
import re
import time as systime
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import ReportStartPress
from bot.core.numbers import DateFormatError, format_number, parse_date
from bot.errors import InvalidInput, NotFound
from bot.periods import (
    closing_period,
    default_deadlines,
    local_today,
    year_deadlines,
)
from bot.services import Services
from reminders import calendar as cal
from reminders.broadcast import (
    Broadcaster,
    BroadcastResult,
    MessageSender,
    Monotonic,
    Outgoing,
    RateLimiter,
    Sleep,
)
from storage import deadlines as store
from storage import users
from storage.models import Deadline

PACING_KEY = "reminders.pacing"
LOCKS_KEY = "reminders.locks"

REPORT_BUTTON_TEXT = "Báo cáo ngay"
REPORT_CALLBACK = ReportStartPress().encode()
MANUAL = "manual"
ADMIN_SUFFIX = "-admin"  # overdue summary to admins, recorded apart from the units' notices
NOTICE_SUFFIX = ":loi"  # admins' notice about chats that could not be reached
MAX_TARGET_LINES = 12
MAX_UNIT_LINES = 60
# After a period's deadline, units that sent nothing may still report for it for this many
# days (the overdue notice asks them to), and summaries show it while it is being compiled.
LIST_BUDGET = 3000  # characters of list lines in one message, leaving room for the rest
MAX_NAME_LENGTH = 200

# ---------------------------------------------------------------- runtime state


@dataclass
class Pacing:
    """How broadcasts wait: the sleep and monotonic clock (tests inject virtual ones) and
    the rate limiter shared by every broadcast of the process."""

    sleep: Sleep = asyncio.sleep
    monotonic: Monotonic = systime.monotonic
    limiter: RateLimiter | None = None


def pacing(services: Services) -> Pacing:
    """The process's :class:`Pacing`, created on first use (tests put their own first)."""
    current = services.caches.get(PACING_KEY)
    if not isinstance(current, Pacing):
        current = Pacing()
        services.caches[PACING_KEY] = current
    if current.limiter is None:
        current.limiter = RateLimiter(
            services.settings.broadcast_per_second,
            monotonic=current.monotonic,
            sleep=current.sleep,
        )
    return current


def broadcaster(services: Services, bot: MessageSender) -> Broadcaster:
    """A broadcaster for *bot* that shares the process's pacing."""
    shared = pacing(services)
    return Broadcaster(
        bot,
        services.db,
        services.settings,
        services.clock,
        shared.sleep,
        monotonic=shared.monotonic,
        limiter=shared.limiter,
    )


def _lock(services: Services, name: str) -> asyncio.Lock:
    """One lock per reminder, so a job and /nhacnho never broadcast the same one at once."""
    locks: dict[str, asyncio.Lock] = services.caches.setdefault(LOCKS_KEY, {})
    return locks.setdefault(name, asyncio.Lock())


async def ensure_default_deadlines(
    services: Services, *, session: AsyncSession | None = None
) -> None:
    """Default rows for this year and next exist and follow the settings (written in
    *session* when the caller has one)."""
    this_year = local_today(services).year
    wanted = []
    for year in (this_year, this_year + 1):
        dates = default_deadlines(services, year)
        wanted += [
            store.DefaultDeadline(year, cal.SIX_MONTH, dates.six_month),
            store.DefaultDeadline(year, cal.YEAR_END, dates.year_end),
        ]
    async with services.db.within(session) as own:
        await store.ensure_defaults(own, wanted)


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True, slots=True)
class DeadlineView:
    """A deadline as /hanchot shows it; counts only for period deadlines."""

    id: int
    kind: str
    year: int
    name: str
    due_on: date
    source: str
    title: str  # "báo cáo sơ kết 6 tháng đầu năm 2026" or the custom name
    period: cal.Period | None
    reported: int | None = None
    total: int | None = None


def _view(row: Deadline, counts: tuple[int, int] | None = None) -> DeadlineView:
    period = cal.period_of(row.kind, row.year) if row.kind in cal.PERIOD_KINDS else None
    return DeadlineView(
        id=row.id,
        kind=row.kind,
        year=row.year,
        name=row.name,
        due_on=row.due_on,
        source=row.source,
        title=cal.deadline_title(row.kind, row.year, row.name),
        period=period,
        reported=counts[0] if counts else None,
        total=counts[1] if counts else None,
    )


async def list_deadlines_with_counts(
    services: Services, limit: int = 8, *, session: AsyncSession | None = None
) -> list[DeadlineView]:
    """Coming deadlines (today included), soonest first, with how many units have reported
    for each period deadline (read in *session* when the caller has one)."""
    await ensure_default_deadlines(services, session=session)
    async with services.db.within(session) as own:
        rows = (await store.deadlines_from(own, local_today(services)))[:limit]
        views = []
        for row in rows:
            counts = None
            if row.kind in cal.PERIOD_KINDS:
                counts = await store.reported_count(own, cal.period_key(row.kind, row.year))
            views.append(_view(row, counts))
    return views


def parse_future_day(services: Services, text: str) -> date:
    """A date typed as dd/mm/yyyy (or dd/mm: the next such day) that is today or later;
    InvalidInput otherwise."""
    today = local_today(services)
    short = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})\s*", text)
    if short:
        day_month = f"{short[1]}/{short[2]}"
        year = (
            today.year
            if _parses_on_or_after(f"{day_month}/{today.year}", today)
            else today.year + 1
        )
        text = f"{day_month}/{year}"
    try:
        day = parse_date(text)
    except DateFormatError as exc:
        raise InvalidInput(exc.message_vi) from None
    if day < today:
        raise InvalidInput(
            f"Ngày {cal.format_day(day)} đã qua (hôm nay là {cal.format_day(today)}). "
            "Hãy chọn một ngày từ hôm nay trở đi."
        )
    return day


def _parses_on_or_after(text: str, today: date) -> bool:
    try:
        return parse_date(text) >= today
    except DateFormatError:
        return True  # let the full parse say what is wrong


async def set_deadline(
    services: Services,
    kind: str,
    due_on: date,
    actor: int,
    *,
    session: AsyncSession | None = None,
) -> DeadlineView:
    """Override the *kind* ("6thang" or "nam") deadline of *due_on*'s year (in *session*
    when the caller has one). Raises InvalidInput for a past date, an unknown kind, or an
    order that breaks the periods (the six-month deadline must come before the year-end
    one); nothing is written then."""
    if kind not in cal.PERIOD_KINDS:
        raise InvalidInput("Chỉ đổi được hạn «6thang» hoặc «nam».")
    if due_on < local_today(services):
        raise InvalidInput(f"Ngày {cal.format_day(due_on)} đã qua. Hãy chọn một ngày sắp tới.")
    year = due_on.year
    current = await year_deadlines(services, year, session=session)
    closed_on = current.six_month if kind == cal.SIX_MONTH else current.year_end
    if closed_on < local_today(services):
        # Moving it now would reopen a closed period: reports already filed for the next
        # one would stand in the wrong period.
        raise InvalidInput(
            f"Kỳ {cal.period_label(kind, year)} đã khóa sổ ngày {cal.format_day(closed_on)}; "
            "không đổi được hạn của kỳ đã qua."
        )
    if kind == cal.SIX_MONTH and due_on >= current.year_end:
        raise InvalidInput(
            f"Hạn sơ kết 6 tháng phải trước hạn tổng kết năm {year} "
            f"({cal.format_day(current.year_end)})."
        )
    if kind == cal.YEAR_END and due_on <= current.six_month:
        raise InvalidInput(
            f"Hạn tổng kết năm phải sau hạn sơ kết 6 tháng năm {year} "
            f"({cal.format_day(current.six_month)})."
        )
    async with services.db.within(session) as own:
        row = await store.set_period_deadline(own, year, kind, due_on, actor)
        await users.audit(
            own, "deadline.set", actor=actor, kind=kind, year=year, due_on=due_on.isoformat()
        )
        return _view(row)


def clean_name(name: str) -> str:
    """A custom deadline's name, trimmed and checked."""
    cleaned = " ".join(name.replace("\n", " ").split()).strip("\"'“”«» ")
    if not cleaned:
        raise InvalidInput("Hãy ghi tên của hạn, ví dụ «Hồ sơ khen thưởng».")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise InvalidInput(f"Tên hạn dài quá (tối đa {MAX_NAME_LENGTH} ký tự).")
    return cleaned


async def add_custom_deadline(
    services: Services,
    name: str,
    due_on: date,
    actor: int,
    *,
    session: AsyncSession | None = None,
) -> tuple[DeadlineView, bool]:
    """Add a named deadline (or move the one with that name in that year), in *session*
    when the caller has one. Returns the deadline and whether it is new."""
    cleaned = clean_name(name)
    if due_on < local_today(services):
        raise InvalidInput(f"Ngày {cal.format_day(due_on)} đã qua. Hãy chọn một ngày sắp tới.")
    async with services.db.within(session) as own:
        row, created = await store.upsert_custom(own, cleaned, due_on, actor)
        await users.audit(
            own, "deadline.custom", actor=actor, name=cleaned, due_on=due_on.isoformat()
        )
        return _view(row), created


async def remove_custom_deadline(
    services: Services, name: str, actor: int, *, session: AsyncSession | None = None
) -> DeadlineView:
    """Delete the coming custom deadline called *name* (its whole name, case and marks
    aside), in *session* when the caller has one; NotFound, listing the ones there are,
    when there is none (nothing is written then)."""
    today = local_today(services)
    async with services.db.within(session) as session:
        coming = await store.deadlines_from(session, today, kinds=(store.CUSTOM_KIND,))
        listed = ", ".join(f"«{r.name}» ({cal.format_day(r.due_on)})" for r in coming[:10])
        choices = (
            f" Các hạn riêng sắp tới: {listed}." if listed else " Chưa có hạn riêng nào sắp tới."
        )
        if not name.strip(" \"'“”«»"):
            raise InvalidInput(
                f'Hãy ghi tên hạn cần xóa, ví dụ: /hanchot xoa "Hồ sơ khen thưởng".{choices}'
            )
        cleaned = clean_name(name)
        rows = [r for r in await store.find_custom(session, cleaned) if r.due_on >= today]
        if not rows:
            raise NotFound(f"Không có hạn riêng nào sắp tới tên «{cleaned}».{choices}")
        view = _view(rows[-1])
        await store.delete_deadline(session, rows[-1].id)
        await users.audit(session, "deadline.remove", actor=actor, name=cleaned)
    return view


# ---------------------------------------------------------------- message texts


def _target_line(target: store.TargetRef) -> str:
    label = f"{target.parent_name} – {target.name}" if target.parent_name else target.name
    if len(label) > 90:
        label = label[:89].rstrip() + "…"
    number = f"({target.number}) " if target.number else ""
    line = f"• {number}{html.escape(label)}"
    if target.value is not None:
        amount = format_number(target.value)
        measure = target.measure or ""
        amount += measure if measure == "%" else f" {measure}".rstrip()
        line += f": {html.escape(amount)}"
    return line


def _fit(lines: Sequence[str], budget: int, more: str, *, max_lines: int) -> list[str]:
    """As many of *lines* as fit in *budget* characters and *max_lines* lines, then
    "… và N <more>" for the rest: a Telegram message holds 4.096 characters."""
    kept: list[str] = []
    used = 0
    for line in lines[:max_lines]:
        if used + len(line) + 1 > budget:
            break
        kept.append(line)
        used += len(line) + 1
    if len(kept) < len(lines):
        kept.append(f"… và {len(lines) - len(kept)} {more}")
    return kept


def _target_lines(missing: Sequence[store.TargetRef]) -> list[str]:
    lines = [_target_line(t) for t in missing]
    return _fit(lines, LIST_BUDGET, "chỉ tiêu khác", max_lines=MAX_TARGET_LINES)


def _unit_lines(names: Sequence[str]) -> list[str]:
    lines = [f"• {html.escape(n)}" for n in names]
    return _fit(lines, LIST_BUDGET, "đơn vị khác", max_lines=MAX_UNIT_LINES)


def report_markup() -> InlineKeyboardMarkup:
    """The button under a reminder; the reporting feature answers its callback."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(REPORT_BUTTON_TEXT, callback_data=REPORT_CALLBACK)]]
    )


def reminder_text(deadline: DeadlineView, unit: store.UnitStatus, today: date) -> str:
    """A reminder to a unit that has not reported for a period deadline."""
    lines = [
        f"⏰ <b>Nhắc hạn {html.escape(deadline.title)}</b>",
        f"Hạn: <b>{cal.format_day_long(deadline.due_on)}</b> "
        f"({cal.days_left_phrase(today, deadline.due_on)}).",
        f"Đơn vị <b>{html.escape(unit.name)}</b> chưa báo cáo số liệu kỳ này.",
    ]
    if unit.missing:
        lines += ["Các chỉ tiêu chưa báo cáo:", *_target_lines(unit.missing)]
    lines.append("Bấm «Báo cáo ngay» hoặc nhắn số liệu từng chỉ tiêu cho bot.")
    return "\n".join(lines)


def custom_reminder_text(deadline: DeadlineView, unit_name: str, today: date) -> str:
    """A reminder of a custom deadline, to every unit."""
    return "\n".join(
        [
            f"⏰ <b>Nhắc hạn: {html.escape(deadline.title)}</b>",
            f"Hạn: <b>{cal.format_day_long(deadline.due_on)}</b> "
            f"({cal.days_left_phrase(today, deadline.due_on)}).",
            f"Đề nghị đơn vị <b>{html.escape(unit_name)}</b> chuẩn bị và nộp đúng hạn.",
        ]
    )


def overdue_text(deadline: DeadlineView, unit: store.UnitStatus) -> str:
    """The one notice, the day after the deadline, to a unit that still has not reported."""
    lines = [
        f"⚠️ <b>Đã quá hạn {html.escape(deadline.title)}</b> "
        f"(hạn {cal.format_day(deadline.due_on)}).",
        f"Đơn vị <b>{html.escape(unit.name)}</b> vẫn chưa báo cáo. Đề nghị báo cáo ngay.",
    ]
    if unit.missing:
        lines += ["Các chỉ tiêu chưa báo cáo:", *_target_lines(unit.missing)]
    return "\n".join(lines)


def digest_text(deadline: DeadlineView, missing: Sequence[str], total: int) -> str:
    """The admins' digest on the deadline day."""
    head = f"📋 <b>Hạn {html.escape(deadline.title)}: {cal.format_day_long(deadline.due_on)}</b>"
    done = total - len(missing)
    if not total:
        return f"{head}\nChưa có đơn vị nào trong danh sách."
    if not missing:
        return f"{head}\nTất cả {total} đơn vị đã báo cáo."
    return "\n".join(
        [
            head,
            f"Đã báo cáo: {done}/{total} đơn vị.",
            f"Còn {len(missing)} đơn vị chưa báo cáo:",
            *_unit_lines(missing),
        ]
    )


def overdue_admin_text(deadline: DeadlineView, missing: Sequence[str], total: int) -> str:
    """The admins' summary the day after the deadline."""
    head = f"⚠️ <b>Quá hạn {html.escape(deadline.title)}</b> (hạn {cal.format_day(deadline.due_on)})"
    if not missing:
        return f"{head}\nTất cả {total} đơn vị đã báo cáo."
    return "\n".join(
        [
            head,
            f"Còn {len(missing)}/{total} đơn vị chưa báo cáo:",
            *_unit_lines(missing),
            "Bot đã gửi thông báo quá hạn tới các đơn vị này.",
        ]
    )


def problems_text(
    deadline: DeadlineView, result: BroadcastResult, homeless: Sequence[str]
) -> str | None:
    """The admins' notice about chats that could not be reached; None when all went well."""
    lines = [
        f"• {html.escape(m.label or str(m.chat_id))}: {html.escape(reason)}"
        for m, reason in result.problems
    ]
    lines += [
        f"• {html.escape(name)}: chưa có nhóm hoặc thành viên nào nhận được tin của bot"
        for name in homeless
    ]
    if not lines:
        return None
    return "\n".join(
        [
            f"⚠️ <b>Nhắc hạn {html.escape(deadline.title)}: có nơi chưa nhận được</b>",
            *_fit(lines, LIST_BUDGET, "nơi khác", max_lines=MAX_UNIT_LINES),
        ]
    )


# ---------------------------------------------------------------- sending


@dataclass
class SendReport:
    """What one send of a deadline did."""

    deadline: DeadlineView
    slot_key: str
    delivery_key: str
    units_targeted: list[str] = field(default_factory=list)  # units the message was for
    homeless: list[str] = field(default_factory=list)  # targeted units with nowhere to send
    result: BroadcastResult = field(default_factory=BroadcastResult)
    admin_result: BroadcastResult = field(default_factory=BroadcastResult)
    reported: int = 0
    total: int = 0


@dataclass(frozen=True, slots=True)
class _Plan:
    unit_messages: list[Outgoing]
    admin_messages: list[Outgoing]
    targeted: list[str]
    homeless: list[str]
    reported: int
    total: int


async def _plan(
    services: Services, view: DeadlineView, slot_key: str, *, session: AsyncSession | None = None
) -> _Plan:
    """Who gets which message for *slot_key* of the deadline (read in *session* when the
    caller has one)."""
    today = local_today(services)
    base_key = slot_key.partition("-")[0] if slot_key.startswith(MANUAL) else slot_key
    async with services.db.within(session) as session:
        if view.period is None:
            units = [
                store.UnitStatus(u.id, u.name, reported=False, missing=())
                for u in await store.live_units(session)
            ]
        else:
            units = await store.unit_statuses(session, view.period.key)
        todo = [u for u in units if not u.reported]
        wants_units = base_key in (MANUAL, cal.OVERDUE) or base_key.startswith("d-")
        recipients = (
            await store.unit_recipients(session, [u.unit_id for u in todo]) if wants_units else {}
        )
        wants_admins = base_key in (cal.DIGEST, cal.OVERDUE)
        admins = (
            await store.admin_recipients(session, services.settings.admin_ids)
            if wants_admins
            else []
        )
    unit_messages: list[Outgoing] = []
    homeless: list[str] = []
    if wants_units:
        for unit in todo:
            if view.period is None:
                text, markup = custom_reminder_text(view, unit.name, today), None
            elif base_key == cal.OVERDUE or view.due_on < today:
                text, markup = overdue_text(view, unit), report_markup()
            else:
                text, markup = reminder_text(view, unit, today), report_markup()
            chats = recipients.get(unit.unit_id, [])
            if not chats:
                homeless.append(unit.name)
            unit_messages += [
                Outgoing(r.chat_id, text, markup, unit.unit_id, r.label) for r in chats
            ]
    missing_names = [u.name for u in todo]
    admin_text = ""
    if base_key == cal.DIGEST:
        admin_text = digest_text(view, missing_names, len(units))
    elif base_key == cal.OVERDUE:
        admin_text = overdue_admin_text(view, missing_names, len(units))
    admin_messages = [Outgoing(a.chat_id, admin_text, None, None, a.label) for a in admins]
    return _Plan(
        unit_messages,
        admin_messages,
        missing_names if wants_units else [],
        homeless,
        len(units) - len(todo),
        len(units),
    )


async def _load(services: Services, deadline_id: int) -> DeadlineView | None:
    async with services.db.session() as session:
        row = await store.get_deadline(session, deadline_id)
        return _view(row) if row is not None else None


def slots_of(services: Services, view: DeadlineView) -> list[cal.Slot]:
    """The reminder slots the current settings give this deadline."""
    settings = services.settings
    return cal.slots_for_kind(
        view.kind,
        view.due_on,
        settings.reminder_days_before,
        settings.reminder_time,
        settings.tz,
        settings.holidays,
    )


def valid_slot_keys(services: Services, view: DeadlineView) -> set[str]:
    """The slot keys the current settings give this deadline."""
    return {slot.key for slot in slots_of(services, view)}


async def send_due(
    services: Services,
    bot: MessageSender,
    deadline_id: int,
    slot_key: str,
    *,
    expected_due: date | None = None,
) -> SendReport | None:
    """Send the slot *slot_key* ("d-3", "digest", "overdue") of a deadline. Returns None
    when the job is stale: the deadline was deleted or moved, or the slot no longer exists.
    Safe to call again: chats already handled for this slot are skipped."""
    view = await _load(services, deadline_id)
    if view is None or (expected_due is not None and view.due_on != expected_due):
        return None
    if slot_key not in valid_slot_keys(services, view):
        return None
    return await _send(services, bot, view, slot_key)


async def send_now(services: Services, bot: MessageSender, kind: str | None = None) -> SendReport:
    """/nhacnho: remind now, for the next deadline (of *kind* when given); while a period
    that just closed still has units owing (see :func:`closing_period`), for that one
    first. Repeating it the same day sends nothing new."""
    view = await _deadline_to_chase(services, kind)
    return await _send(services, bot, view, _manual_slot(services))


@dataclass(frozen=True, slots=True)
class Preview:
    """Who /nhacnho would remind now, without sending anything (the offline console)."""

    deadline: DeadlineView
    units: list[str]  # units that still owe figures
    homeless: list[str]  # of those, units with no chat to send to
    reported: int
    total: int


async def preview_now(
    services: Services, kind: str | None = None, *, session: AsyncSession | None = None
) -> Preview:
    """What :func:`send_now` would do now, sending nothing (read in *session* when the
    caller has one)."""
    view = await _deadline_to_chase(services, kind, session=session)
    plan = await _plan(services, view, _manual_slot(services), session=session)
    return Preview(view, plan.targeted, plan.homeless, plan.reported, plan.total)


def _manual_slot(services: Services) -> str:
    return f"{MANUAL}-{local_today(services):%Y%m%d}"


async def _deadline_to_chase(
    services: Services, kind: str | None, *, session: AsyncSession | None = None
) -> DeadlineView:
    """The deadline /nhacnho is about: a period that just closed while units still owe it,
    else the next deadline (of *kind* when given)."""
    await ensure_default_deadlines(services, session=session)
    closing = await closing_period(services, session=session)
    if closing is not None and kind in (None, closing.kind):
        async with services.db.within(session) as own:
            overdue = await store.period_deadline(own, closing.year, closing.kind)
            reported, total = await store.reported_count(own, closing.key)
        if overdue is not None and reported < total:
            return _view(overdue)
    async with services.db.within(session) as own:
        rows = await store.deadlines_from(
            own, local_today(services), kinds=[kind] if kind else None
        )
    if not rows:
        raise NotFound("Không có hạn báo cáo nào sắp tới.")
    return _view(rows[0])


async def _send(
    services: Services, bot: MessageSender, view: DeadlineView, slot_key: str
) -> SendReport:
    key = cal.delivery_key(slot_key, view.due_on)
    report = SendReport(view, slot_key, key)
    async with _lock(services, f"{view.id}:{key}"):
        plan = await _plan(services, view, slot_key)
        report.units_targeted, report.homeless = plan.targeted, plan.homeless
        report.reported, report.total = plan.reported, plan.total
        sender = broadcaster(services, bot)
        if plan.unit_messages:
            report.result = await sender.broadcast(view.id, key, plan.unit_messages)
        if plan.admin_messages:
            # The digest goes only to admins; the overdue summary shares its slot with the
            # units' notices, so it is recorded under a key of its own.
            admin_key = (
                key
                if slot_key == cal.DIGEST
                else cal.delivery_key(slot_key + ADMIN_SUFFIX, view.due_on)
            )
            report.admin_result = await sender.broadcast(view.id, admin_key, plan.admin_messages)
        notice = problems_text(view, report.result, plan.homeless)
        if notice is not None and (plan.unit_messages or plan.homeless):
            async with services.db.session() as session:
                admins = await store.admin_recipients(session, services.settings.admin_ids)
            await sender.broadcast(
                view.id,
                key + NOTICE_SUFFIX,
                [Outgoing(a.chat_id, notice, None, None, a.label) for a in admins],
            )
    return report
