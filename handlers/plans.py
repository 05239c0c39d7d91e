"""/kehoach: import a plan document (admins), list plans, switch the active plan."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import knowledge, targets, targets_texts
from bot.commands import Audience, Command
from bot.core.documents import MAX_FILE_BYTES, DocumentError, ScannedPdf
from bot.core.plan import DeadlineKind
from bot.errors import UserFacingError
from bot.periods import current_period
from bot.plans import (
    CANDIDATE_KIND,
    DEADLINE_KIND,
    MAX_SUMMARY_CHARS,
    ImportOutcome,
    Offers,
    PlanFile,
    ReimportCheck,
    candidate_from,
    check_reimport,
    import_plan,
    offer_choices,
    plan_summary_pages,
    plans_list_text,
    read_plan_file,
    reimport_question,
)
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
from handlers.deadlines import schedule_text
from reminders import service
from reminders.calendar import SIX_MONTH, YEAR_END, format_day_long
from reminders.schedule import rebuild_schedule
from reminders.service import DeadlineView
from storage import pending, plans, users
from storage.models import Plan

COMMANDS = (
    Command(
        "kehoach",
        "Nạp, xem và chọn kế hoạch thi đua",
        "/kehoach — xem các kế hoạch; gửi tệp kèm chú thích /kehoach để nạp; "
        "/kehoach chon &lt;số&gt; để chọn kế hoạch đang dùng",
        Audience.ADMIN,
    ),
)

AWAITING_FILE = "awaiting_plan_file_until"  # user_data key: when the "send the file now" offer ends
AWAIT_WINDOW = timedelta(minutes=15)
ACTIVATE_PREFIX = "plan:activate:"
CANDIDATE_PREFIX = "plan:cand:"
REIMPORT_PREFIX = "plan:re:"
REIMPORT_KIND = "plan.reimport"
USE_PREFIX = "plan:use:"
ACTIVATE_KIND = "plan.activate"
DEADLINE_PREFIX = "plan:dl:"
ALREADY_ANSWERED = (
    "Nút này đã được dùng, hết hiệu lực hoặc không dành cho anh/chị; không thay đổi gì."
)

SEND_FILE_TEXT = (
    "Hãy gửi tệp kế hoạch (.docx, .pdf có chữ, .txt hoặc .md, tối đa 10 MB) ngay sau tin nhắn này; "
    "hoặc gửi tệp kèm chú thích <code>/kehoach</code>."
)


async def kehoach(update: Update, context: Context) -> None:
    """List plans (and offer to receive a file), or switch the active plan with `chon`."""
    services = get_services(context)
    await remember_sender(update, services)
    if not await require_admin(update, context):
        return
    message = update.effective_message
    if message is not None and message.document is not None:
        await _import_document(update, context)
        return
    args = command_args(update).split()
    if args and args[0].lower() in {"chon", "chọn"}:
        await _activate(update, context, " ".join(args[1:]))
        return
    async with services.db.session() as session:
        all_plans = await plans.list_plans(session)
        active = await plans.active_plan(session)
    if context.user_data is not None:
        context.user_data[AWAITING_FILE] = services.clock.now() + AWAIT_WINDOW
    text = plans_list_text(all_plans, active.id if active else None)
    buttons = [
        [InlineKeyboardButton(f"Dùng kế hoạch số {p.id}", callback_data=f"{ACTIVATE_PREFIX}{p.id}")]
        for p in all_plans
        if (active is None or p.id != active.id) and p.kind != "bao_cao"
    ]
    await reply(
        update,
        f"{text}\n\n{SEND_FILE_TEXT}",
        markup=InlineKeyboardMarkup(buttons) if buttons else None,
    )


async def document_received(update: Update, context: Context) -> None:
    """A file right after /kehoach (from the same admin) is imported as a plan."""
    services = get_services(context)
    deadline = (context.user_data or {}).get(AWAITING_FILE)
    if deadline is None or services.clock.now() > deadline:
        await reply(
            update,
            "Tôi nhận được tệp nhưng không biết dùng vào việc gì. Muốn nạp kế hoạch, hãy gửi tệp "
            "kèm chú thích <code>/kehoach</code>.",
        )
        return
    if not await require_admin(update, context):
        return
    await _import_document(update, context)


async def _import_document(update: Update, context: Context) -> None:
    services = get_services(context)
    message = update.effective_message
    assert message is not None and message.document is not None
    document = message.document
    if context.user_data is not None:
        context.user_data.pop(AWAITING_FILE, None)
    if document.file_size is not None and document.file_size > MAX_FILE_BYTES:
        await reply(update, "Tệp lớn hơn 10 MB nên không nạp được. Hãy gửi bản nhỏ hơn.")
        return
    await reply(update, "Đang đọc kế hoạch, xin chờ một chút…")
    telegram_file = await document.get_file()
    data = bytes(await telegram_file.download_as_bytearray())
    request = _ImportRequest(
        document.file_id, document.file_name or "ke-hoach", command_args(update)
    )
    try:
        read = await read_plan_file(data, request.filename)
    except ScannedPdf:  # a PDF of page images: read it with OCR (handlers.scans)
        from handlers.scans import scanned_pdf_received  # here: scans imports this module

        await scanned_pdf_received(update, context, data, request.filename)
        return
    except DocumentError as exc:
        await reply(update, html.escape(exc.message_vi))
        return
    check = await check_reimport(services.db, read, request.filename)
    if check is not None:  # a corrected plan over one with reports: ask first
        await _ask_reimport(update, context, request, check)
        return
    await _import(update, context, data, request, read)


@dataclass(frozen=True, slots=True)
class _ImportRequest:
    file_id: str
    filename: str
    name: str


async def _ask_reimport(
    update: Update, context: Context, request: _ImportRequest, check: ReimportCheck
) -> None:
    services = get_services(context)
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    async with services.db.session() as session:
        pending_id = await pending.create(
            session,
            kind=REIMPORT_KIND,
            chat_telegram_id=chat.id,
            user_telegram_id=user.id,
            payload={
                "file_id": request.file_id,
                "filename": request.filename,
                "name": request.name,
            },
            now=services.clock.now(),
        )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Nạp lại", callback_data=f"{REIMPORT_PREFIX}{pending_id}:1"),
                InlineKeyboardButton(
                    "Thôi, giữ nguyên", callback_data=f"{REIMPORT_PREFIX}{pending_id}:0"
                ),
            ]
        ]
    )
    await reply(update, reimport_question(check), markup=markup)


async def reimport_pressed(update: Update, context: Context) -> None:
    """ "Nạp lại" / "Thôi" under the question about re-importing over reported figures."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(query)
    if not await require_admin(update, context):
        return
    await remove_buttons(query.message)
    services = get_services(context)
    user = update.effective_user
    assert user is not None
    pending_id, _, answer = query.data.removeprefix(REIMPORT_PREFIX).partition(":")
    async with services.db.session() as session:
        payload = await pending.take(
            session,
            int(pending_id),
            kind=REIMPORT_KIND,
            user_telegram_id=user.id,
            now=services.clock.now(),
        )
    if payload is None:
        await reply(update, ALREADY_ANSWERED)
        return
    if answer != "1":
        await reply(update, "Đã hủy, kế hoạch giữ nguyên như trước.")
        return
    telegram_file = await context.bot.get_file(payload["file_id"])
    data = bytes(await telegram_file.download_as_bytearray())
    request = _ImportRequest(payload["file_id"], payload["filename"], payload.get("name") or "")
    await _import(update, context, data, request)


async def _import(
    update: Update,
    context: Context,
    data: bytes,
    request: _ImportRequest,
    read: PlanFile | None = None,
) -> None:
    services = get_services(context)
    user = update.effective_user
    try:
        outcome = await import_plan(
            services.db,
            data,
            request.filename,
            name=request.name or None,
            imported_by=user.id if user else None,
            read=read,
        )
    except DocumentError as exc:
        await reply(update, html.escape(exc.message_vi))
        return
    await send_import_outcome(update, context, outcome)


async def send_import_outcome(update: Update, context: Context, outcome: ImportOutcome) -> None:
    """What an import found, paged, with one-tap buttons for lines not taken and for the
    deadlines the plan sets (a typed file or a scan alike)."""
    services = get_services(context)
    user = update.effective_user
    knowledge.invalidate(services)
    pages = plan_summary_pages(outcome)
    note = await _year_note(services, outcome.parsed.year)
    if len(pages[-1]) + len(note) <= MAX_SUMMARY_CHARS:
        pages[-1] += note
    elif note:
        pages.append(note.strip())
    chat = update.effective_chat
    offers = await offer_choices(
        services.db,
        outcome,
        chat_id=chat.id if chat else 0,
        user_id=user.id if user else 0,
        now=services.clock.now(),
    )
    for page in pages[:-1]:
        await reply(update, page)
    await reply(update, pages[-1], markup=_offer_markup(offers))


def _offer_markup(offers: Offers) -> InlineKeyboardMarkup | None:
    """One-tap buttons: add a line not taken, use a date the plan sets as a deadline."""
    rows = [
        [InlineKeyboardButton(f"➕ Thêm dòng {number}", callback_data=f"{CANDIDATE_PREFIX}{pid}")]
        for number, pid in offers.candidates
    ]
    rows += [
        [InlineKeyboardButton(label, callback_data=f"{DEADLINE_PREFIX}{pid}")]
        for pid, label in offers.deadlines
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def candidate_pressed(update: Update, context: Context) -> None:
    """ "➕ Thêm dòng N" under an import summary: the line becomes the next target."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(query)
    if not await require_admin(update, context):
        return
    services = get_services(context)
    user = update.effective_user
    assert user is not None
    pending_id = int(query.data.removeprefix(CANDIDATE_PREFIX))
    async with services.db.session() as session:
        payload = await pending.take(
            session,
            pending_id,
            kind=CANDIDATE_KIND,
            user_telegram_id=user.id,
            now=services.clock.now(),
        )
        plan = await plans.get_plan(session, int(payload["plan_id"])) if payload else None
        if payload is None or plan is None:
            text = ALREADY_ANSWERED
        else:
            try:
                change = await targets.add_candidate(
                    session, plan.id, candidate_from(payload), actor=user.id
                )
                text = targets_texts.done_text(change)
            except UserFacingError as exc:
                text = html.escape(exc.message_vi, quote=False)
    knowledge.invalidate(services)
    await reply(update, text)


async def deadline_pressed(update: Update, context: Context) -> None:
    """ "📅 dd/mm/yyyy — …" under an import summary: the plan's date becomes a deadline."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(query)
    if not await require_admin(update, context):
        return
    services = get_services(context)
    user = update.effective_user
    assert user is not None
    async with services.db.session() as session:
        payload = await pending.take(
            session,
            int(query.data.removeprefix(DEADLINE_PREFIX)),
            kind=DEADLINE_KIND,
            user_telegram_id=user.id,
            now=services.clock.now(),
        )
    if payload is None:
        await reply(update, ALREADY_ANSWERED)
        return
    due = date.fromisoformat(payload["due"])
    try:
        view = await _set_plan_deadline(services, payload["kind"], due, payload["what"], user.id)
    except UserFacingError as exc:
        await reply(update, html.escape(exc.message_vi, quote=False))
        return
    await rebuild_schedule(context.application, services, catch_up=False)
    await reply(
        update,
        f"✅ Đã đặt hạn {html.escape(view.title)}: <b>{format_day_long(view.due_on)}</b>.\n"
        f"{schedule_text(services, view)}",
    )


async def _set_plan_deadline(
    services: Services, kind: str, due: date, what: str, actor: int
) -> DeadlineView:
    """A six-month or year-end report date moves that period's deadline; any other date
    (registration, award dossiers) becomes a named deadline."""
    if kind == DeadlineKind.SIX_MONTH:
        return await service.set_deadline(services, SIX_MONTH, due, actor)
    if kind == DeadlineKind.YEAR_END:
        return await service.set_deadline(services, YEAR_END, due, actor)
    view, _created = await service.add_custom_deadline(services, what, due, actor)
    return view


async def activate_pressed(update: Update, context: Context) -> None:
    """The "Dùng kế hoạch số N" button."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(query)
    await _activate(update, context, query.data.removeprefix(ACTIVATE_PREFIX))


ACTIVATE_USAGE = "Cách dùng: <code>/kehoach chon &lt;số kế hoạch&gt;</code>, ví dụ {example}."


def _choices_text(all_plans: list[Plan]) -> str:
    """The plans one may choose, by the number to type: "số 1 (21/KH-UBND), số 2 (…)"."""
    usable = [p for p in all_plans if p.kind != "bao_cao"]
    if not usable:
        return "Chưa có kế hoạch nào để chọn; hãy nạp tệp kế hoạch bằng /kehoach."
    listed = ", ".join(
        f"số {p.id} ({html.escape(knowledge.citation_label(p))})" for p in usable[:20]
    )
    example = f"<code>/kehoach chon {usable[-1].id}</code>"
    return f"Các kế hoạch có thể chọn: {listed}.\n{ACTIVATE_USAGE.format(example=example)}"


async def _activate(update: Update, context: Context, which: str) -> None:
    """/kehoach chon N (or the list's button): say what switching changes, and ask first."""
    services = get_services(context)
    if not await require_admin(update, context):
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    async with services.db.session() as session:
        all_plans = await plans.list_plans(session)
        plan = await plans.find_plan(session, which.strip()) if which.strip() else None
        if plan is None:
            problem = f"Không tìm thấy kế hoạch «{html.escape(which.strip())}». " if which else ""
            await reply(update, problem + _choices_text(all_plans))
            return
        if plan.kind == "bao_cao":
            await reply(
                update,
                f"Văn bản số {plan.id} là báo cáo, không phải kế hoạch, nên không dùng làm kế "
                "hoạch đang dùng. Hãy nạp tệp kế hoạch thi đua rồi chọn nó.",
            )
            return
        label = html.escape(knowledge.citation_label(plan))
        if plan.is_active:
            await reply(
                update,
                f"<b>{label}</b> (số {plan.id}) đang là kế hoạch đang dùng; không thay đổi gì.",
            )
            return
        current = await plans.active_plan(session)
        reported = await plans.plan_report_count(session, current.id) if current else 0
        pending_id = await pending.create(
            session,
            kind=ACTIVATE_KIND,
            chat_telegram_id=chat.id,
            user_telegram_id=user.id,
            payload={"plan_id": plan.id, "from": current.id if current else None},
            now=services.clock.now(),
        )
    lines = [
        f"Chọn <b>{label}</b> (số {plan.id}) làm kế hoạch đang dùng?",
        "• Từ lúc đó bot trả lời câu hỏi và ghi số liệu theo các chỉ tiêu của kế hoạch này.",
    ]
    if current is not None:
        lines.append(
            f"• <b>{html.escape(knowledge.citation_label(current))}</b> thôi nhận số liệu mới; "
            f"{reported} số liệu đã báo cáo theo nó vẫn được giữ, chọn lại lúc nào cũng được."
        )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    f"Dùng kế hoạch số {plan.id}", callback_data=f"{USE_PREFIX}{pending_id}:1"
                ),
                InlineKeyboardButton(
                    "Thôi, giữ nguyên", callback_data=f"{USE_PREFIX}{pending_id}:0"
                ),
            ]
        ]
    )
    await reply(update, "\n".join(lines), markup=markup)


async def use_pressed(update: Update, context: Context) -> None:
    """ "Dùng kế hoạch số N" / "Thôi" under the question about switching the plan in use."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(query)
    if not await require_admin(update, context):
        return
    await remove_buttons(query.message)
    services = get_services(context)
    user = update.effective_user
    assert user is not None
    pending_id, _, answer = query.data.removeprefix(USE_PREFIX).partition(":")
    async with services.db.session() as session:
        payload = await pending.take(
            session,
            int(pending_id),
            kind=ACTIVATE_KIND,
            user_telegram_id=user.id,
            now=services.clock.now(),
        )
        if payload is None:
            await reply(update, ALREADY_ANSWERED)
            return
        if answer != "1":
            await reply(update, "Đã hủy; kế hoạch đang dùng giữ nguyên.")
            return
        plan = await plans.get_plan(session, int(payload["plan_id"]))
        current = await plans.active_plan(session)
        if plan is None or (current.id if current else None) != payload["from"]:
            await reply(
                update,
                "Kế hoạch đang dùng đã thay đổi trong lúc chờ, nên tôi không đổi gì. "
                "Xem lại bằng /kehoach.",
            )
            return
        await plans.activate_plan(session, plan.id)
        await users.audit(session, "plan.activate", actor=user.id, plan_id=plan.id)
        label, year = knowledge.citation_label(plan), plan.year
    knowledge.invalidate(services)
    note = await _year_note(services, year)
    await reply(update, f"Đã chọn <b>{html.escape(label)}</b> làm kế hoạch đang dùng.{note}")


async def _year_note(services: Services, plan_year: int | None) -> str:
    """A warning when the plan is for another year than the reports now coming in."""
    period = await current_period(services)
    if plan_year is None or plan_year == period.year:
        return ""
    return (
        f"\n\n⚠️ Văn bản này áp dụng cho năm {plan_year}, còn số liệu gửi bây giờ thuộc kỳ "
        f"{html.escape(period.label)}. Khi văn bản này là kế hoạch đang dùng, các đơn vị báo "
        "cáo theo chỉ tiêu của nó; nếu đã có kế hoạch năm nay, hãy nạp và chọn kế hoạch đó."
    )


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root."""
    # New messages only, like every command: an edited caption must not import again.
    caption_command = (
        filters.UpdateType.MESSAGE
        & filters.Document.ALL
        & filters.CaptionRegex(r"^/kehoach(@\w+)?(\s|$)")
    )
    return [
        command("kehoach", kehoach),
        MessageHandler(caption_command, kehoach),
        CallbackQueryHandler(activate_pressed, pattern=rf"^{ACTIVATE_PREFIX}\d+$"),
        CallbackQueryHandler(use_pressed, pattern=rf"^{USE_PREFIX}\d+:[01]$"),
        CallbackQueryHandler(reimport_pressed, pattern=rf"^{REIMPORT_PREFIX}\d+:[01]$"),
        CallbackQueryHandler(candidate_pressed, pattern=rf"^{CANDIDATE_PREFIX}\d+$"),
        CallbackQueryHandler(deadline_pressed, pattern=rf"^{DEADLINE_PREFIX}\d+$"),
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.Document.ALL & filters.ChatType.PRIVATE,
            document_received,
        ),
    ]
