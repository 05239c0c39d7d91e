"""/kehoach: import a plan document (admins), list plans, switch the active plan."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import knowledge
from bot.commands import Audience, Command
from bot.core.documents import MAX_FILE_BYTES, DocumentError
from bot.periods import current_period
from bot.plans import import_plan, plan_summary, plans_list_text
from bot.services import Services, get_services
from handlers.common import (
    Context,
    acknowledge,
    command,
    command_args,
    remember_sender,
    reply,
    require_admin,
)
from storage import plans

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
        if active is None or p.id != active.id
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
    name = command_args(update) or None
    user = update.effective_user
    try:
        outcome = await import_plan(
            services.db,
            data,
            document.file_name or "ke-hoach",
            name=name,
            imported_by=user.id if user else None,
        )
    except DocumentError as exc:
        await reply(update, html.escape(exc.message_vi))
        return
    knowledge.invalidate(services)
    await reply(update, plan_summary(outcome) + await _year_note(services, outcome.parsed.year))


async def activate_pressed(update: Update, context: Context) -> None:
    """The "Dùng kế hoạch số N" button."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await acknowledge(query)
    await _activate(update, context, query.data.removeprefix(ACTIVATE_PREFIX))


async def _activate(update: Update, context: Context, which: str) -> None:
    services = get_services(context)
    if not await require_admin(update, context):
        return
    if not which.strip():
        await reply(update, "Cách dùng: <code>/kehoach chon &lt;số kế hoạch&gt;</code>")
        return
    async with services.db.session() as session:
        plan = await plans.find_plan(session, which.strip())
        if plan is None:
            await reply(update, f"Không tìm thấy kế hoạch «{html.escape(which)}».")
            return
        await plans.activate_plan(session, plan.id)
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
        CallbackQueryHandler(activate_pressed, pattern=f"^{ACTIVATE_PREFIX}"),
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.Document.ALL & filters.ChatType.PRIVATE,
            document_received,
        ),
    ]
