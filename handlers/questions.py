"""Question answering from the active plan: /hoi, private questions, /chitieu, /cauhoi, /tuvung."""

from __future__ import annotations

import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler

from bot import knowledge
from bot import questions as use
from bot.callbacks import AnswerChoicePress, TargetsPagePress
from bot.commands import Audience, Command
from bot.core.answers import choice_buttons, render_answer, render_plan_deadlines
from bot.core.matcher import Answer
from bot.core.questions import asks_about_deadline, is_small_talk, plan_deadlines_asked
from bot.core.text import fold
from bot.plans import target_block
from bot.questions import Asker, Synonym
from bot.update_scope import scope_of
from handlers.common import (
    Context,
    acknowledge,
    command,
    command_args,
    remove_buttons,
    reply,
    require_active_plan,
    require_admin,
)
from handlers.deadlines import list_text
from reminders import service

COMMANDS = (
    Command(
        "hoi",
        "Hỏi về chỉ tiêu, nhiệm vụ trong kế hoạch",
        "/hoi &lt;câu hỏi&gt; — ví dụ: /hoi chỉ tiêu BHYT là bao nhiêu?",
        Audience.EVERYONE,
    ),
    Command(
        "cauhoi",
        "Câu hỏi bot chưa trả lời được",
        "/cauhoi — các câu hỏi bot chưa trả lời được (để bổ sung từ đồng nghĩa)",
        Audience.ADMIN,
    ),
    Command(
        "tuvung",
        "Từ viết tắt, từ đồng nghĩa",
        "/tuvung — xem; /tuvung them &lt;từ&gt; = &lt;nghĩa&gt;; /tuvung xoa &lt;từ&gt;",
        Audience.ADMIN,
    ),
)

SMALL_TALK_REPLY = (
    "Dạ. Anh/chị cần hỏi gì về kế hoạch (ví dụ «chỉ tiêu BHYT bao nhiêu?») hay báo cáo số "
    "liệu (ví dụ «Đã trồng được 12.500 cây phân tán») thì cứ nhắn ạ. Xem các lệnh: /help."
)
NONE_RECORDED = (
    "Xin lỗi vì chưa hiểu đúng. Câu hỏi đã được ghi lại để cán bộ bổ sung. "
    "Anh/chị thử hỏi bằng từ ngữ khác, hoặc xem /chitieu."
)
NONE_NOT_RECORDED = (
    "Xin lỗi vì chưa hiểu đúng. Anh/chị thử hỏi bằng từ ngữ khác, hoặc xem /chitieu."
)
TARGETS_PER_PAGE = 12


async def hoi(update: Update, context: Context) -> None:
    """/hoi <question>: answer from the active plan (works in groups too)."""
    question = command_args(update)
    if not question:
        await reply(
            update, "Hãy gõ câu hỏi sau lệnh, ví dụ: <code>/hoi chỉ tiêu BHYT là bao nhiêu?</code>"
        )
        return
    await answer_text(update, context, question)


async def answer_text(update: Update, context: Context, question: str) -> None:
    """Answer *question*: a figure, a passage, a choice of close matches, or a plain "no"."""
    scope = scope_of(context)
    services = scope.services
    await scope.remember_sender()
    if is_small_talk(question):
        await reply(update, SMALL_TALK_REPLY)
        return
    in_use = await scope.active_plan()
    set_in_plan = plan_deadlines_asked(question, in_use.parsed.deadlines) if in_use else []
    if in_use is not None and set_in_plan:  # a date the plan itself sets, quoted from it
        text = render_plan_deadlines(set_in_plan, in_use.label, in_use.parsed.year)
        await reply(update, text)
        return
    if asks_about_deadline(question):  # else the reporting calendar answers
        views = await service.list_deadlines_with_counts(services, session=scope.session)
        await reply(update, list_text(views, usage_year=None))
        return
    active = await require_active_plan(update, context)
    if active is None:
        return
    answer = active.kb.ask(question)
    markup = None
    if answer.kind == "choices":
        markup = await _choice_markup(update, context, answer, question, active.plan_id)
    elif answer.kind == "none" and not answer.settled:
        # A question the plan may answer in other words is kept for the officer; one nothing
        # could answer ("chỉ tiêu số 20" of 14) is not.
        await _record_unanswered(update, context, question, active.plan_id)
    await reply(update, render_answer(answer), markup=markup)


async def _choice_markup(
    update: Update, context: Context, answer: Answer, question: str, plan_id: int
) -> InlineKeyboardMarkup:
    """The close matches as buttons, and "Không phải". The plan's id rides in every button
    (after a switch of plan, "t:5" is another target); the question that "Không phải" records
    is kept in the database, so a restart or a later question does not lose it."""
    scope = scope_of(context)
    pending_id = await use.offer_choices(
        scope.session, question, plan_id, _asker(update), now=scope.services.clock.now()
    )
    rows = [
        [InlineKeyboardButton(label[:60], callback_data=press.encode())]
        for label, hit_id in choice_buttons(answer)
        if (press := _choice_press(plan_id, hit_id)) is not None
    ]
    none_data = AnswerChoicePress.none_of_them(plan_id, pending_id).encode()
    rows.append([InlineKeyboardButton("Không phải", callback_data=none_data)])
    return InlineKeyboardMarkup(rows)


def _choice_press(plan_id: int, hit_id: str) -> AnswerChoicePress | None:
    """The button for *hit_id*; None for a hit whose id cannot ride in a button (a target
    key too long for Telegram's 64 bytes), which the answer's text still lists."""
    try:
        return AnswerChoicePress.choice(plan_id, hit_id)
    except ValueError:
        return None


def _asker(update: Update) -> Asker:
    user, chat = update.effective_user, update.effective_chat
    return Asker(user_id=user.id if user else None, chat_id=chat.id if chat else None)


async def _record_unanswered(update: Update, context: Context, question: str, plan_id: int) -> None:
    await use.record_unanswered(scope_of(context).session, question, plan_id, _asker(update))


async def choice_pressed(update: Update, context: Context) -> None:
    """A "Có phải anh/chị muốn hỏi…" button, or "Không phải"."""
    query = update.callback_query
    assert query is not None
    press = AnswerChoicePress.decode(query.data)
    assert press is not None, "the handler's pattern is the kind's"
    await acknowledge(query)
    await remove_buttons(query.message)
    active = await require_active_plan(update, context)
    if active is None:
        return
    if press.plan_id != active.plan_id:
        await reply(update, "Kế hoạch đang dùng đã thay đổi; anh/chị vui lòng hỏi lại.")
        return
    if press.pending_id is not None:
        scope = scope_of(context)
        recorded = await use.reject_choices(
            scope.session,
            press.pending_id,
            active.plan_id,
            _asker(update),
            now=scope.services.clock.now(),
        )
        await reply(update, NONE_RECORDED if recorded else NONE_NOT_RECORDED)
        return
    answer = active.kb.resolve(press.hit_id)
    if answer is None:
        await reply(update, "Mục này không còn trong kế hoạch đang dùng. Hãy hỏi lại.")
        return
    await reply(update, render_answer(answer))


async def chitieu(update: Update, context: Context) -> None:
    """/chitieu [trang]: the active plan's targets, grouped, paged with buttons when long."""
    await scope_of(context).remember_sender()
    asked = command_args(update)
    page = int(asked) - 1 if asked.isdigit() and int(asked) > 0 else 0
    await _send_targets_page(update, context, page, edit=False)


async def page_pressed(update: Update, context: Context) -> None:
    """Next/previous page of /chitieu."""
    query = update.callback_query
    assert query is not None
    press = TargetsPagePress.decode(query.data)
    assert press is not None, "the handler's pattern is the kind's"
    await acknowledge(query)
    await _send_targets_page(update, context, press.page, edit=True)


async def _send_targets_page(update: Update, context: Context, page: int, *, edit: bool) -> None:
    active = await require_active_plan(update, context)
    if active is None:
        return
    top = active.parsed.top_level_targets()
    if not top:
        await reply(update, f"{html.escape(active.label)} không có danh sách chỉ tiêu.")
        return
    pages = max(1, -(-len(top) // TARGETS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    lines = [
        f"<b>Chỉ tiêu thi đua — {html.escape(active.label)}</b> (trang {page + 1}/{pages})",
        "",
    ]
    for target in top[page * TARGETS_PER_PAGE : (page + 1) * TARGETS_PER_PAGE]:
        lines.extend(target_block(active.parsed, target))
    buttons = []
    if page > 0:
        buttons.append(
            InlineKeyboardButton("◀ Trước", callback_data=TargetsPagePress(page=page - 1).encode())
        )
    if page < pages - 1:
        buttons.append(
            InlineKeyboardButton("Sau ▶", callback_data=TargetsPagePress(page=page + 1).encode())
        )
    markup = InlineKeyboardMarkup([buttons]) if buttons else None
    text = "\n".join(lines)
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        await query.message.edit_text(text, parse_mode="HTML", reply_markup=markup)
    else:
        await reply(update, text, markup=markup)


async def cauhoi(update: Update, context: Context) -> None:
    """/cauhoi (admins): recent questions the bot could not answer, to improve synonyms."""
    if not await require_admin(update, context):
        return
    rows = await use.open_questions(scope_of(context).session, limit=20)
    if not rows:
        await reply(update, "Chưa có câu hỏi nào bot không trả lời được.")
        return
    lines = ["<b>Câu hỏi bot chưa trả lời được</b> (mới nhất trước):"]
    for row in rows:
        times = f" ({row.count} lần)" if row.count > 1 else ""
        lines.append(f"• {html.escape(row.text)}{times}")
    lines.append(
        "\nNếu câu hỏi dùng từ viết tắt hay từ địa phương, thêm bằng "
        "<code>/tuvung them từ = nghĩa trong kế hoạch</code>."
    )
    await reply(update, "\n".join(lines))


TUVUNG_USAGE = (
    "Cách dùng: <code>/tuvung</code> (xem), "
    "<code>/tuvung them sổ đỏ = giấy chứng nhận quyền sử dụng đất</code>, "
    "<code>/tuvung xoa sổ đỏ</code>."
)


async def tuvung(update: Update, context: Context) -> None:
    """/tuvung (admins): list, add (`them từ = nghĩa`) or remove (`xoa từ`) synonyms."""
    scope = scope_of(context)
    if not await require_admin(update, context):
        return
    action, _, rest = command_args(update).partition(" ")
    action, rest = fold(action), rest.strip()
    user_id = update.effective_user.id if update.effective_user else None
    session = scope.session
    if action == "them":
        phrase, _, expansion = rest.partition("=")
        if not phrase.strip() or not expansion.strip():
            await reply(update, TUVUNG_USAGE)
            return
        await use.teach_synonym(session, phrase.strip(), expansion.strip(), user_id)
        text = f"Đã thêm: «{html.escape(phrase.strip())}» = «{html.escape(expansion.strip())}»."
    elif action == "xoa" and rest:
        removed = await use.forget_synonym(session, rest)
        text = "Đã xóa." if removed else f"Không có từ «{html.escape(rest)}»."
    elif not action:
        text = _synonyms_text(await use.synonyms(session))
    else:
        text = TUVUNG_USAGE
    knowledge.invalidate(scope.services)
    await reply(update, text)


def _synonyms_text(rows: list[Synonym]) -> str:
    if not rows:
        return "Chưa có từ nào do quản trị viên thêm (bot đã có sẵn các từ viết tắt thông dụng)."
    lines = ["<b>Từ đồng nghĩa do quản trị viên thêm</b>"]
    lines += [f"• {html.escape(r.phrase)} = {html.escape(r.expansion)}" for r in rows]
    return "\n".join(lines)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root."""
    return [
        command("hoi", hoi),
        command("cauhoi", cauhoi),
        command("tuvung", tuvung),
        CallbackQueryHandler(choice_pressed, pattern=AnswerChoicePress.matches),
        CallbackQueryHandler(page_pressed, pattern=TargetsPagePress.matches),
    ]
