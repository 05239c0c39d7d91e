"""/kehoach: import a plan document (admins), list plans, switch the active plan."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import callbacks, knowledge, targets, targets_texts
from bot.callbacks import (
    PlanActivatePress,
    PlanCandidateOffer,
    PlanCandidatePress,
    PlanDeadlineOffer,
    PlanDeadlinePress,
    PlanReimport,
    PlanReimportPress,
    PlanSwitch,
    PlanUsePress,
)
from bot.commands import Audience, Command
from bot.core.documents import MAX_FILE_BYTES, DocumentError, ScannedPdf
from bot.core.plan import DeadlineKind
from bot.errors import UserFacingError
from bot.periods import current_period
from bot.plans import (
    MAX_SUMMARY_CHARS,
    ImportOutcome,
    Offers,
    PlanFile,
    PlanList,
    ReimportCheck,
    candidate_from,
    check_reimport,
    find_plan,
    import_plan,
    offer_choices,
    offered_plan,
    plan_list,
    plan_summary_pages,
    plans_list_text,
    read_plan_file,
    reimport_question,
    switch_plan,
    switch_preview,
)
from bot.services import Services, get_services
from bot.update_scope import before_speaking, current_scope, scope_of
from handlers.common import (
    ALREADY_ANSWERED,
    Context,
    acknowledge,
    admin_press,
    answered,
    command,
    command_args,
    confirm_markup,
    reply,
    require_admin,
)
from handlers.deadlines import schedule_text
from reminders import service
from reminders.calendar import SIX_MONTH, YEAR_END, format_day_long
from reminders.schedule import rebuild_schedule
from reminders.service import DeadlineView

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

SEND_FILE_TEXT = (
    "Hãy gửi tệp kế hoạch (.docx, .pdf có chữ, .txt hoặc .md, tối đa 10 MB) ngay sau tin nhắn này; "
    "hoặc gửi tệp kèm chú thích <code>/kehoach</code>."
)


async def kehoach(update: Update, context: Context) -> None:
    """List plans (and offer to receive a file), or switch the active plan with `chon`."""
    scope = scope_of(context)
    services = scope.services
    await scope.remember_sender()
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
    session = scope.session
    listed = await plan_list(session)
    all_plans, active = listed.plans, listed.active
    if context.user_data is not None:
        context.user_data[AWAITING_FILE] = services.clock.now() + AWAIT_WINDOW
    text = plans_list_text(all_plans, active.id if active else None)
    buttons = [
        [
            InlineKeyboardButton(
                f"Dùng kế hoạch số {p.id}", callback_data=PlanActivatePress(plan_id=p.id).encode()
            )
        ]
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
    check = await check_reimport(
        services.db, read, request.filename, session=scope_of(context).session
    )
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
    scope = scope_of(context)
    services = scope.services
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    question = PlanReimport(file_id=request.file_id, filename=request.filename, name=request.name)
    pending_id = await callbacks.ask(
        scope.session, question, chat_id=chat.id, user_id=user.id, now=services.clock.now()
    )
    markup = confirm_markup(PlanReimportPress, pending_id, "Nạp lại")
    *before, last = reimport_question(check)
    for page in before:  # a long list of changes: the question and buttons come last
        await reply(update, page)
    await reply(update, last, markup=markup)


async def reimport_pressed(update: Update, context: Context) -> None:
    """ "Nạp lại" / "Thôi" under the question about re-importing over reported figures."""
    press = await admin_press(update, context, PlanReimportPress)
    if press is None:
        return
    asked = await answered(update, context, PlanReimport, press.pending_id)
    if asked is None:
        await reply(update, ALREADY_ANSWERED)
        return
    if not press.yes:
        await reply(update, "Đã hủy, kế hoạch giữ nguyên như trước.")
        return
    await before_speaking()  # the button is used up; no lock held while the file comes
    telegram_file = await context.bot.get_file(asked.file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    request = _ImportRequest(asked.file_id, asked.filename, asked.name or "")
    await _import(update, context, data, request)


async def _import(
    update: Update,
    context: Context,
    data: bytes,
    request: _ImportRequest,
    read: PlanFile | None = None,
) -> None:
    scope = scope_of(context)
    user = update.effective_user
    try:
        outcome = await import_plan(
            scope.services.db,
            data,
            request.filename,
            name=request.name or None,
            imported_by=user.id if user else None,
            read=read,
            session=scope.session,
        )
    except DocumentError as exc:
        await reply(update, html.escape(exc.message_vi))
        return
    await send_import_outcome(update, context, outcome)


async def send_import_outcome(update: Update, context: Context, outcome: ImportOutcome) -> None:
    """What an import found, paged, with one-tap buttons for lines not taken and for the
    deadlines the plan sets (a typed file or a scan alike): in the update's session, or in
    sessions of their own for a scan read in the background."""
    services = get_services(context)
    scope = current_scope()
    session = scope.session if scope is not None else None
    user = update.effective_user
    knowledge.invalidate(services)
    pages = plan_summary_pages(outcome)
    # A report is never the plan in use, so its year needs no warning.
    is_plan = outcome.parsed.kind != "bao_cao"
    note = await _year_note(services, outcome.parsed.year, session=session) if is_plan else ""
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
        session=session,
    )
    for page in pages[:-1]:
        await reply(update, page)
    await reply(update, pages[-1], markup=_offer_markup(offers))


def _offer_markup(offers: Offers) -> InlineKeyboardMarkup | None:
    """One-tap buttons: add a line not taken, use a date the plan sets as a deadline."""
    rows = [
        [
            InlineKeyboardButton(
                f"➕ Thêm dòng {number}", callback_data=PlanCandidatePress(pending_id=pid).encode()
            )
        ]
        for number, pid in offers.candidates
    ]
    rows += [
        [InlineKeyboardButton(label, callback_data=PlanDeadlinePress(pending_id=pid).encode())]
        for pid, label in offers.deadlines
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def candidate_pressed(update: Update, context: Context) -> None:
    """ "➕ Thêm dòng N" under an import summary: the line becomes the next target."""
    press = await admin_press(update, context, PlanCandidatePress, take_buttons=False)
    if press is None:
        return
    scope = scope_of(context)
    services, session = scope.services, scope.session
    user = update.effective_user
    assert user is not None
    offer = await answered(update, context, PlanCandidateOffer, press.pending_id)
    plan = await offered_plan(session, offer.plan_id) if offer else None
    if offer is None or plan is None:
        text = ALREADY_ANSWERED
    else:
        try:
            change = await targets.add_candidate(
                session, plan.id, candidate_from(offer), actor=user.id
            )
            text = targets_texts.done_text(change)
        except UserFacingError as exc:
            text = html.escape(exc.message_vi, quote=False)
    knowledge.invalidate(services)
    await reply(update, text)


async def deadline_pressed(update: Update, context: Context) -> None:
    """ "📅 dd/mm/yyyy — …" under an import summary: the plan's date becomes a deadline."""
    press = await admin_press(update, context, PlanDeadlinePress, take_buttons=False)
    if press is None:
        return
    scope = scope_of(context)
    services, session = scope.services, scope.session
    user = update.effective_user
    assert user is not None
    offer = await answered(update, context, PlanDeadlineOffer, press.pending_id)
    if offer is None:
        await reply(update, ALREADY_ANSWERED)
        return
    try:
        view = await _set_plan_deadline(
            services, offer.kind, offer.due, offer.what, user.id, session=session
        )
    except UserFacingError as exc:  # refused before anything is written; the button stays used
        await reply(update, html.escape(exc.message_vi, quote=False))
        return
    await rebuild_schedule(context.application, services, catch_up=False, session=session)
    await reply(
        update,
        f"✅ Đã đặt hạn {html.escape(view.title)}: <b>{format_day_long(view.due_on)}</b>.\n"
        f"{schedule_text(services, view)}",
    )


async def _set_plan_deadline(
    services: Services, kind: str, due: date, what: str, actor: int, *, session: AsyncSession
) -> DeadlineView:
    """A six-month or year-end report date moves that period's deadline; any other date
    (registration, award dossiers) becomes a named deadline."""
    if kind == DeadlineKind.SIX_MONTH:
        return await service.set_deadline(services, SIX_MONTH, due, actor, session=session)
    if kind == DeadlineKind.YEAR_END:
        return await service.set_deadline(services, YEAR_END, due, actor, session=session)
    view, _created = await service.add_custom_deadline(services, what, due, actor, session=session)
    return view


async def activate_pressed(update: Update, context: Context) -> None:
    """The "Dùng kế hoạch số N" button."""
    query = update.callback_query
    assert query is not None
    press = PlanActivatePress.decode(query.data)
    assert press is not None, "the handler's pattern is the kind's"
    await acknowledge(query)
    await _activate(update, context, str(press.plan_id))


ACTIVATE_USAGE = "Cách dùng: <code>/kehoach chon &lt;số kế hoạch&gt;</code>, ví dụ {example}."


def _choices_text(stored: PlanList) -> str:
    """The plans one may choose, by the number to type: "số 1 (21/KH-UBND), số 2 (…)"."""
    usable = stored.choosable
    if not usable:
        return "Chưa có kế hoạch nào để chọn; hãy nạp tệp kế hoạch bằng /kehoach."
    listed = ", ".join(
        f"số {p.id} ({html.escape(knowledge.citation_label(p))})" for p in usable[:20]
    )
    example = f"<code>/kehoach chon {usable[-1].id}</code>"
    return f"Các kế hoạch có thể chọn: {listed}.\n{ACTIVATE_USAGE.format(example=example)}"


async def _activate(update: Update, context: Context, which: str) -> None:
    """/kehoach chon N (or the list's button): say what switching changes, and ask first."""
    scope = scope_of(context)
    services = scope.services
    if not await require_admin(update, context):
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    session = scope.session
    plan = await find_plan(session, which.strip())
    if plan is None:
        problem = f"Không tìm thấy kế hoạch «{html.escape(which.strip())}». " if which else ""
        await reply(update, problem + _choices_text(await plan_list(session)))
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
    preview = await switch_preview(session)
    current, reported = preview.current, preview.reported
    question = PlanSwitch(plan_id=plan.id, from_plan=current.id if current else None)
    pending_id = await callbacks.ask(
        session, question, chat_id=chat.id, user_id=user.id, now=services.clock.now()
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
    markup = confirm_markup(PlanUsePress, pending_id, f"Dùng kế hoạch số {plan.id}")
    await reply(update, "\n".join(lines), markup=markup)


async def use_pressed(update: Update, context: Context) -> None:
    """ "Dùng kế hoạch số N" / "Thôi" under the question about switching the plan in use."""
    press = await admin_press(update, context, PlanUsePress)
    if press is None:
        return
    scope = scope_of(context)
    services, session = scope.services, scope.session
    user = update.effective_user
    assert user is not None
    asked = await answered(update, context, PlanSwitch, press.pending_id)
    if asked is None:
        await reply(update, ALREADY_ANSWERED)
        return
    if not press.yes:
        await reply(update, "Đã hủy; kế hoạch đang dùng giữ nguyên.")
        return
    plan = await switch_plan(session, asked.plan_id, asked.from_plan, actor=user.id)
    if plan is None:
        await reply(
            update,
            "Kế hoạch đang dùng đã thay đổi trong lúc chờ, nên tôi không đổi gì. "
            "Xem lại bằng /kehoach.",
        )
        return
    label, year = knowledge.citation_label(plan), plan.year
    knowledge.invalidate(services)
    note = await _year_note(services, year, session=session)
    await reply(update, f"Đã chọn <b>{html.escape(label)}</b> làm kế hoạch đang dùng.{note}")


async def _year_note(
    services: Services, plan_year: int | None, *, session: AsyncSession | None = None
) -> str:
    """A warning when the plan is for another year than the reports now coming in."""
    period = await current_period(services, session=session)
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
        CallbackQueryHandler(activate_pressed, pattern=PlanActivatePress.matches),
        CallbackQueryHandler(use_pressed, pattern=PlanUsePress.matches),
        CallbackQueryHandler(reimport_pressed, pattern=PlanReimportPress.matches),
        CallbackQueryHandler(candidate_pressed, pattern=PlanCandidatePress.matches),
        CallbackQueryHandler(deadline_pressed, pattern=PlanDeadlinePress.matches),
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.Document.ALL & filters.ChatType.PRIVATE,
            document_received,
        ),
    ]
