"""Plans sent as photos or scans: photos of the pages (one, several, an album), image files,
and — through :func:`scanned_pdf_received`, called by /kehoach when a PDF has no text — PDFs
of page images.

Photos come one update each, an album's siblings within a second or so, and only the first
carries the caption. So pages are collected per chat until no new one has come for
:data:`QUIET_SECONDS`, then read in message order as one document, in the background: the
update is answered at once and other users are not kept waiting. Progress is one message,
edited page by page.
"""

from __future__ import annotations

import asyncio
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from PIL import Image
from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, BaseHandler, MessageHandler, filters

from bot.commands import Command
from bot.core.documents import DocumentError
from bot.core.ocr import MAX_PAGES, PageSource
from bot.scans import (
    ScanDesk,
    import_scan,
    ocr_note,
    photo_pages,
    progress_text,
    scanned_pdf_pages,
)
from bot.services import get_services
from handlers.common import Context, command_args, is_harmless, reply, require_admin
from handlers.plans import AWAITING_FILE, send_import_outcome

COMMANDS: tuple[Command, ...] = ()  # photos ride on /kehoach (handlers.plans)

QUIET_SECONDS = 2.5  # an album's photos arrive within this of each other
MAX_IMAGE_BYTES = 20 * 1024 * 1024  # the most a bot may download from Telegram
_DESK = "scan_desk"
_BATCHES = "scan_batches"
_CAPTION = re.compile(r"^/kehoach(@\w+)?(\s|$)")

PHOTO_HINT = (
    "Tôi nhận được ảnh nhưng không biết dùng vào việc gì. Muốn nạp kế hoạch từ ảnh chụp các "
    "trang, hãy gửi <code>/kehoach</code> rồi gửi ảnh (có thể gửi nhiều ảnh một lần, theo "
    "thứ tự trang), hoặc gửi ảnh kèm chú thích <code>/kehoach</code>."
)
WAIT_TURN_TEXT = "Đang đọc tài liệu gửi trước; tài liệu này sẽ được đọc ngay sau đó."


@dataclass
class _Batch:
    """Photos of one document still arriving."""

    user_id: int
    first: Update
    name: str | None
    pages: dict[int, bytes] = field(default_factory=dict)  # image bytes by message id
    refused: int = 0  # pages beyond MAX_PAGES, counted and not downloaded
    downloading: int = 0  # pages still coming from Telegram: the batch waits for them
    collecting: bool = False  # the background task that closes and reads the batch is on
    arrived: asyncio.Event = field(default_factory=asyncio.Event)  # set by each new page


def desk_of_app(application: Application[Any, Any, Any, Any, Any, Any]) -> ScanDesk:
    """The bot's one :class:`ScanDesk` (created on first use)."""
    desk = application.bot_data.get(_DESK)
    if not isinstance(desk, ScanDesk):
        desk = ScanDesk()
        application.bot_data[_DESK] = desk
    return desk


def desk_of(context: Context) -> ScanDesk:
    """The :class:`ScanDesk` of the application running *context*."""
    return desk_of_app(context.application)


def _batches(context: Context) -> dict[tuple[int, int], _Batch]:
    """Photos being collected, by (chat, sender)."""
    batches: dict[tuple[int, int], _Batch] = context.application.bot_data.setdefault(_BATCHES, {})
    return batches


def _awaiting(context: Context) -> bool:
    deadline = (context.user_data or {}).get(AWAITING_FILE)
    return deadline is not None and get_services(context).clock.now() <= deadline


async def image_received(update: Update, context: Context) -> None:
    """A photo or an image file: a page of a plan when it comes with /kehoach, right after
    /kehoach, or with the other photos of a document being collected."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    batches = _batches(context)
    batch = batches.get((chat.id, user.id))
    if batch is None:
        captioned = bool(_CAPTION.match(message.caption or ""))
        if not captioned and not _awaiting(context):
            if chat.type == "private":
                await reply(update, PHOTO_HINT)
            return  # a photo in a group that is not meant for the bot
        if not await require_admin(update, context):
            return
        if context.user_data is not None:
            context.user_data.pop(AWAITING_FILE, None)
        batch = _Batch(user.id, update, command_args(update) or None)
        batches[(chat.id, user.id)] = batch
    batch.arrived.set()
    if len(batch.pages) >= MAX_PAGES:
        batch.refused += 1
        return
    if message.document is not None and (message.document.file_size or 0) > MAX_IMAGE_BYTES:
        _drop_if_empty(batches, (chat.id, user.id), batch)
        await reply(update, "Ảnh lớn hơn 20 MB nên không đọc được. Hãy gửi ảnh nhỏ hơn.")
        return
    batch.downloading += 1
    try:
        data = await _download(message)
    finally:
        batch.downloading -= 1
        batch.arrived.set()
    if message.document is not None and not _is_image(data):
        suffix = PurePath(message.document.file_name or "").suffix.lower() or "ảnh"
        _drop_if_empty(batches, (chat.id, user.id), batch)
        await reply(
            update,
            f"Chưa đọc được tệp dạng «{html.escape(suffix)}» này: tệp hỏng hoặc không phải ảnh. "
            "Hãy gửi ảnh JPEG hoặc PNG chụp các trang kế hoạch.",
        )
        return
    batch.pages[message.message_id] = data
    batch.arrived.set()
    if not batch.collecting:
        _start_collecting(context, chat.id, batch)


def _drop_if_empty(
    batches: dict[tuple[int, int], _Batch], key: tuple[int, int], batch: _Batch
) -> None:
    """Forget a batch whose only page was refused: the next photo starts afresh."""
    if not batch.collecting and not batch.downloading and not batch.pages:
        batches.pop(key, None)


def _is_image(data: bytes) -> bool:
    """True when Pillow recognises *data* as an image (the header only: cheap)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (OSError, ValueError, SyntaxError):
        return False
    return True


def _start_collecting(context: Context, chat_id: int, batch: _Batch) -> None:
    batch.collecting = True
    task = context.application.create_task(
        _collect_then_read(context, chat_id, batch), update=batch.first
    )
    desk_of(context).track(task)


async def _collect_then_read(context: Context, chat_id: int, batch: _Batch) -> None:
    while True:  # until no page has come for QUIET_SECONDS
        batch.arrived.clear()
        try:
            await asyncio.wait_for(batch.arrived.wait(), QUIET_SECONDS)
        except TimeoutError:
            if not batch.downloading:
                break
    _batches(context).pop((chat_id, batch.user_id), None)
    if not batch.pages:
        return
    if batch.refused:
        count = len(batch.pages) + batch.refused
        await reply(
            batch.first,
            f"Đã nhận {count} ảnh, nhiều hơn {MAX_PAGES} trang bot đọc được một lần. "
            "Hãy gửi riêng các trang có chỉ tiêu.",
        )
        return
    images = [batch.pages[key] for key in sorted(batch.pages)]
    filename = f"anh-chup-{len(images)}-trang"
    await _read_and_import(batch.first, context, photo_pages(images), filename, batch.name)


async def _download(message: Message) -> bytes:
    if message.document is not None:
        telegram_file = await message.document.get_file()
    else:
        telegram_file = await message.photo[-1].get_file()  # the largest size Telegram kept
    return bytes(await telegram_file.download_as_bytearray())


async def scanned_pdf_received(
    update: Update, context: Context, data: bytes, filename: str
) -> None:
    """A PDF of page images sent with /kehoach (the sender is already checked as an admin):
    read it in the background like photos."""
    try:
        sources = await scanned_pdf_pages(data)
    except DocumentError as exc:
        await reply(update, html.escape(exc.message_vi))
        return
    name = command_args(update) or None
    task = context.application.create_task(
        _read_and_import(update, context, sources, filename, name), update=update
    )
    desk_of(context).track(task)


async def _read_and_import(
    update: Update, context: Context, sources: list[PageSource], filename: str, name: str | None
) -> None:
    services, desk = get_services(context), desk_of(context)
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    if desk.busy(chat.id):
        await reply(update, WAIT_TURN_TEXT)
    async with desk.chat(chat.id):
        status = await reply(update, progress_text(1, len(sources)))

        async def progress(page: int, pages: int) -> None:
            if page > 1:
                await _edit(status, progress_text(page, pages))

        try:
            outcome = await import_scan(
                services.db,
                sources,
                filename,
                desk=desk,
                name=name,
                imported_by=user.id if user else None,
                progress=progress,
            )
        except DocumentError as exc:
            await _edit(status, exc.message_vi)
            return
        await _edit(status, ocr_note(outcome.ocr))
        await send_import_outcome(update, context, outcome.imported)


async def _edit(status: Message | None, text: str) -> None:
    """Replace the progress message's text (plain text, escaped)."""
    if status is None:
        return
    try:
        await status.edit_text(html.escape(text, quote=False), parse_mode="HTML")
    except BadRequest as exc:
        if not is_harmless(exc):
            raise


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root (before handlers.plans, whose
    document handler would otherwise take image files)."""
    images = filters.UpdateType.MESSAGE & (filters.PHOTO | filters.Document.IMAGE)
    return [MessageHandler(images, image_received)]
