"""/chitieu: list the targets (everyone) and correct them (admins); the confirmation buttons of
destructive changes. Update → request, result → reply; the work is in :mod:`bot.targets`."""

from __future__ import annotations

import html
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import callbacks, knowledge
from bot import targets as use
from bot import targets_texts as texts
from bot.callbacks import TargetChange, TargetConfirmPress
from bot.commands import Audience, Command
from bot.core.text import fold
from bot.errors import NotFound, UserFacingError
from bot.exports.targets_sheet import build_targets_sheet, read_targets_sheet
from bot.plans import paginate
from bot.update_scope import before_speaking, scope_of
from handlers import questions
from handlers.common import (
    NO_PLAN_TEXT,
    Context,
    admin_press,
    answered,
    command,
    command_args,
    reply,
    require_admin,
    sender_is_admin,
)

COMMANDS = (
    Command(
        "chitieu",
        "Danh sách chỉ tiêu",
        "/chitieu [trang] — danh sách chỉ tiêu; quản trị viên: /chitieu them|sua|xoa|tach|gop|"
        "huong|phamvi|excel … (gõ /chitieu huongdan)",
        Audience.EVERYONE,
    ),
)

ACTIONS = frozenset(
    {"xem", "them", "sua", "xoa", "khoiphuc", "laylai", "tach", "gop", "huong", "phamvi"}
    | {"excel", "mau", "nhap", "huongdan"}
)
READ_ONLY = frozenset({"xem", "huongdan"})  # anyone may look; changes are for admins
ONE_KEY = frozenset({"xem", "xoa", "khoiphuc", "laylai"})  # actions on exactly one target


async def chitieu(update: Update, context: Context) -> None:
    """/chitieu [trang] lists; /chitieu <việc> … changes the targets (admins only)."""
    args = command_args(update)
    word, _, rest = args.partition(" ")
    if (
        not args
        or args.isdigit()
        or (fold(word) not in ACTIONS and not await sender_is_admin(update, context))
    ):  # the listing, as before; "/chitieu bhyt" from a member lists too
        await questions.chitieu(update, context)
        return
    scope = scope_of(context)
    await scope.remember_sender()
    if fold(word) not in READ_ONLY and not await require_admin(update, context):
        return
    try:
        text, markup = await _run(update, context, fold(word), rest.strip())
    except UserFacingError as exc:
        await scope.rollback()  # a refused change leaves nothing of itself behind
        text, markup = html.escape(exc.message_vi, quote=False), None
    pages = paginate(text.split("\n")) if text else []
    for page in pages[:-1]:
        await reply(update, page)
    if pages:
        await reply(update, pages[-1], markup=markup)


async def sheet_received(update: Update, context: Context) -> None:
    """A file sent with the caption /chitieu nhap (the command's document form)."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    name = (message.document.file_name or "").lower()
    if not name.endswith(".xlsx"):
        await scope_of(context).remember_sender()
        if await require_admin(update, context):
            await reply(update, texts.NOT_XLSX)
        return
    await chitieu(update, context)


async def _send_sheet(update: Update, context: Context, *, blank: bool) -> None:
    scope = scope_of(context)
    chat = update.effective_chat
    assert chat is not None
    session = scope.session
    plan = await use.plan_in_use(session)
    if plan is None and not blank:
        raise NotFound(NO_PLAN_TEXT)
    current = [] if blank or plan is None else await use.live_targets(session, plan.id)
    label = plan.label if plan is not None else "Kế hoạch"
    data = build_targets_sheet(
        current,
        title=f"Chỉ tiêu — {label}",
        direction_of=use.direction_of,
        scope_of=use.scope_of,
    )
    await before_speaking()
    await chat.send_document(
        InputFile(data, filename="mau-chi-tieu.xlsx" if blank else "chi-tieu.xlsx"),
        caption=texts.TEMPLATE_CAPTION if blank else texts.SHEET_CAPTION,
    )


async def _import_sheet(
    update: Update, context: Context, file_id: str, *, apply: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """Read a returned sheet; problems → nothing changes; removals → asked first."""
    scope = scope_of(context)
    services = scope.services
    await before_speaking()  # no lock held while the file comes from Telegram
    telegram_file = await context.bot.get_file(file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    rows, problems = read_targets_sheet(data)
    if problems:
        return "\n".join(texts.sheet_problems_lines(problems)), None
    actor = update.effective_user.id if update.effective_user else None
    session = scope.session
    plan = await use.plan_in_use(session)
    if plan is None:
        return NO_PLAN_TEXT, None
    outcome = await use.apply_sheet(session, plan.id, rows, actor=actor, apply=False)
    if outcome.problems:
        return "\n".join(texts.sheet_problems_lines(outcome.problems)), None
    if outcome.removed and not apply:
        payload: dict[str, Any] = {"action": "sheet", "file_id": file_id}
        markup = await _ask(update, context, session, plan.id, payload)
        return "\n".join(texts.sheet_lines(outcome, done=False)), markup
    if outcome.changes:
        outcome = await use.apply_sheet(session, plan.id, rows, actor=actor, apply=True)
    knowledge.invalidate(services)
    return "\n".join(texts.sheet_lines(outcome, done=True)), None


async def _run(
    update: Update, context: Context, word: str, rest: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    services = scope_of(context).services
    actor = update.effective_user.id if update.effective_user else None
    if word in {"huongdan", "help", "?"}:
        return texts.USAGE, None
    if word in {"excel", "mau"}:
        await _send_sheet(update, context, blank=word == "mau")
        return "", None
    if word == "nhap":
        message = update.effective_message
        if message is None or message.document is None:
            return texts.SEND_SHEET_TEXT, None
        return await _import_sheet(update, context, message.document.file_id, apply=False)
    session = scope_of(context).session
    plan = await use.plan_in_use(session)
    if plan is None:
        return NO_PLAN_TEXT, None
    key, _, tail = rest.partition(" ")
    tail = tail.strip()
    if word in ONE_KEY and (tail or not key):  # "/chitieu xoa 10 11": say so, do nothing
        return texts.one_key(word), None
    missing = texts.missing_part(word, key, rest if word == "them" else tail)
    if missing is not None:
        return missing, None
    if word == "xem":
        return texts.detail_text(await use.describe(session, plan.id, key)), None
    if word == "them":
        explicit = use.normalise_key(key) is not None and bool(tail)
        change = await use.add_target(
            session,
            plan.id,
            tail if explicit else rest,
            actor=actor,
            key=key if explicit else None,
        )
    elif word == "sua":
        field, _, value = tail.partition(" ")
        if fold(field) in {"ten", "so", "dvt", "loai"}:
            change = await use.edit_target(session, plan.id, key, fold(field), value, actor=actor)
        else:
            change = await use.edit_target(session, plan.id, key, "dong", tail, actor=actor)
    elif word in {"khoiphuc", "laylai"}:
        change = await use.restore_target(session, plan.id, key, actor=actor)
    elif word == "huong":
        direction = texts.DIRECTION_WORDS.get(fold(tail).replace(" ", ""))
        if direction is None:
            usage = texts.DIRECTION_USAGE
            return texts.choice_problem(key, tail, texts.DIRECTION_WORDS, usage), None
        change = await use.set_direction(session, plan.id, key, direction, actor=actor)
    elif word == "phamvi":
        scope = texts.SCOPE_WORDS.get(fold(tail).replace(" ", ""))
        if scope is None:
            usage = texts.SCOPE_USAGE
            return texts.choice_problem(key, tail, texts.SCOPE_WORDS, usage), None
        change = await use.set_scope(session, plan.id, key, scope, actor=actor)
    elif word == "xoa":
        change = await use.remove_target(session, plan.id, key, actor=actor, apply=False)
        payload: dict[str, Any] = {"action": "remove", "key": change.before[0].target.key}
        return texts.preview_text(change), await _ask(update, context, session, plan.id, payload)
    elif word == "gop":
        keys_text, _, line = rest.partition("|")
        change = await use.merge_targets(
            session, plan.id, keys_text.split(), actor=actor, apply=False, line=line.strip()
        )
        payload = {
            "action": "merge",
            "keys": [ref.target.key for ref in change.before],
            "line": line.strip() or None,
        }
        return texts.preview_text(change), await _ask(update, context, session, plan.id, payload)
    elif word == "tach":
        parts = [p for p in tail.replace("\n", ";").split(";") if p.strip()]
        change = await use.split_target(session, plan.id, key, parts, actor=actor, apply=False)
        if change.destructive:  # the target has reports: say what happens to them first
            payload = {"action": "split", "key": change.before[0].target.key, "parts": parts}
            return texts.preview_text(change), await _ask(
                update, context, session, plan.id, payload
            )
        change = await use.split_target(session, plan.id, key, parts, actor=actor, apply=True)
    else:
        return f"Không hiểu «{html.escape(word)}».\n{texts.USAGE}", None
    knowledge.invalidate(services)
    return texts.done_text(change), None


async def _ask(
    update: Update,
    context: Context,
    session: AsyncSession,
    plan_id: int,
    payload: dict[str, Any],
) -> InlineKeyboardMarkup:
    """Keep the change as a pending choice (survives restarts) and ask with two buttons."""
    services = scope_of(context).services
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    change = TargetChange.model_validate({**payload, "plan_id": plan_id})
    pending_id = await callbacks.ask(
        session, change, chat_id=chat.id, user_id=user.id, now=services.clock.now()
    )
    markup = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.CONFIRM,
                    callback_data=TargetConfirmPress(pending_id=pending_id, yes=True).encode(),
                ),
                InlineKeyboardButton(
                    texts.CANCEL,
                    callback_data=TargetConfirmPress(pending_id=pending_id, yes=False).encode(),
                ),
            ]
        ]
    )
    return markup


async def confirm_pressed(update: Update, context: Context) -> None:
    """ "Đồng ý" / "Thôi" under a destructive change."""
    press = await admin_press(update, context, TargetConfirmPress)
    if press is None:
        return
    scope = scope_of(context)
    services = scope.services
    user = update.effective_user
    assert user is not None
    text: str
    session = scope.session
    asked = await answered(update, context, TargetChange, press.pending_id)
    payload = asked.details() if asked is not None else None
    plan = await use.plan_in_use(session)
    if payload is None:
        text = texts.EXPIRED
    elif not press.yes:
        text = texts.CANCELLED
    elif plan is None or plan.id != payload.get("plan_id"):
        text = texts.PLAN_CHANGED
    elif payload.get("action") != "sheet":
        try:
            change = await use.apply_change(session, plan.id, payload, user.id)
            text = texts.done_text(change)
        except UserFacingError as exc:
            text = html.escape(exc.message_vi, quote=False)
    else:
        text = ""
    if payload is not None and payload.get("action") == "sheet" and not text:
        try:
            text, _ = await _import_sheet(update, context, payload["file_id"], apply=True)
        except UserFacingError as exc:
            text = html.escape(exc.message_vi, quote=False)
    knowledge.invalidate(services)
    for page in paginate(text.split("\n")):
        await reply(update, page)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root."""
    # New messages only: an edited caption must not apply a sheet again.
    sheet_caption = (
        filters.UpdateType.MESSAGE
        & filters.Document.ALL
        & filters.CaptionRegex(r"^/chitieu(@\w+)?\s+nhap\b")
    )
    return [
        command("chitieu", chitieu),
        MessageHandler(sheet_caption, sheet_received),
        CallbackQueryHandler(confirm_pressed, pattern=TargetConfirmPress.matches),
    ]
