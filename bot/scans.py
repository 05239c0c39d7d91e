"""Importing a plan from a scan: a PDF of page images or phone photos of the pages.

The pages are read with Tesseract (:mod:`bot.core.ocr`) one at a time off the event loop,
reporting progress after each, then the text goes through the same import as a text file
(:func:`bot.plans.import_plan`: the plan reader, diacritics restoration of damaged labels,
storage in one transaction). The officer gets the usual import summary plus how sure the OCR
was (:func:`ocr_note`).

:class:`ScanDesk` keeps scans in order: one document at a time per chat (a second one waits
for the first), and one page at a time for the whole bot, since OCR takes a CPU core and the
other users' reports must still be answered.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import PurePath

from bot.core.numbers import format_number
from bot.core.ocr import (
    MAX_PAGES,
    PAGE_TIMEOUT_SECONDS,
    TOTAL_TIMEOUT_SECONDS,
    OcrResult,
    PageSource,
    PageText,
    TooManyPages,
    document_timeout,
    finish,
    image_page,
    pdf_pages,
    read_page,
    require_tesseract,
)
from bot.plans import ImportOutcome, import_plan
from storage.db import Database

__all__ = [
    "LOW_CONFIDENCE",
    "Progress",
    "ScanDesk",
    "ScanOutcome",
    "import_scan",
    "ocr_note",
    "photo_pages",
    "progress_text",
    "scanned_pdf_pages",
]

LOW_CONFIDENCE = 75.0  # mean word confidence (%) under which the officer is told to check hard

Progress = Callable[[int, int], Awaitable[None]]  # (page about to be read, pages in all)


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """An imported scan: the plan import and what OCR made of each page."""

    imported: ImportOutcome
    ocr: OcrResult


@dataclass
class ScanDesk:
    """Where scans queue: one document per chat at a time, one page in the whole bot."""

    _chats: dict[int, asyncio.Lock] = field(default_factory=dict)
    _engine: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(1))
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def busy(self, chat_id: int) -> bool:
        """True while a document of *chat_id* is being read."""
        lock = self._chats.get(chat_id)
        return lock is not None and lock.locked()

    @asynccontextmanager
    async def chat(self, chat_id: int) -> AsyncIterator[None]:
        """Hold *chat_id*'s turn for one document."""
        lock = self._chats.setdefault(chat_id, asyncio.Lock())
        async with lock:
            yield

    @asynccontextmanager
    async def engine(self) -> AsyncIterator[None]:
        """Hold the OCR engine for one page."""
        async with self._engine:
            yield

    def track(self, task: asyncio.Task[None]) -> None:
        """Keep *task* referenced until it ends (and let :meth:`idle` wait for it)."""
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every tracked scan has finished (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


async def scanned_pdf_pages(data: bytes) -> list[PageSource]:
    """The pages of a scanned PDF (counted and checked against the page limit)."""
    return await asyncio.to_thread(pdf_pages, data)


def photo_pages(images: Sequence[bytes]) -> list[PageSource]:
    """Photos or image files, in the order given, as the pages of one document."""
    if len(images) > MAX_PAGES:
        raise TooManyPages(
            f"Đã nhận {len(images)} ảnh, nhiều hơn {MAX_PAGES} trang bot đọc được một lần. "
            "Hãy gửi riêng các trang có chỉ tiêu."
        )
    return [image_page(data, number) for number, data in enumerate(images, start=1)]


async def read_scan(
    sources: Sequence[PageSource],
    *,
    desk: ScanDesk,
    progress: Progress | None = None,
    total_timeout: float = TOTAL_TIMEOUT_SECONDS,
) -> OcrResult:
    """OCR every page in order, one page at a time off the event loop."""
    await asyncio.to_thread(require_tesseract)
    started = time.monotonic()
    pages: list[PageText] = []
    for source in sources:
        if progress is not None:
            await progress(source.number, len(sources))
        async with desk.engine():
            left = total_timeout - (time.monotonic() - started)
            if left <= 0:
                raise document_timeout(total_timeout)
            timeout = min(PAGE_TIMEOUT_SECONDS, left)
            pages.append(await asyncio.to_thread(read_page, source, timeout=timeout))
    return finish(pages, time.monotonic() - started)


async def import_scan(
    db: Database,
    sources: Sequence[PageSource],
    filename: str,
    *,
    desk: ScanDesk,
    name: str | None,
    imported_by: int | None,
    progress: Progress | None = None,
) -> ScanOutcome:
    """Read the pages, then import their text as a plan (updating an earlier import of the
    same document). Raises :class:`~bot.core.documents.DocumentError` (an
    :class:`~bot.core.ocr.OcrError` for the scan itself); nothing is stored then."""
    result = await read_scan(sources, desk=desk, progress=progress)
    text_name = f"{PurePath(filename).name or 'ban-scan'}.ocr.txt"
    imported = await import_plan(
        db, result.text.encode("utf-8"), text_name, name=name, imported_by=imported_by
    )
    return ScanOutcome(imported, result)


# ---------------------------------------------------------------- texts


def progress_text(page: int, pages: int) -> str:
    """ "Đang đọc trang 3/9…" """
    return f"Đang đọc trang {page}/{pages}…"


def _percent(value: float) -> str:
    return f"{format_number(round(value))}%"


def ocr_note(result: OcrResult) -> str:
    """How sure the OCR was, for the officer: pages read, mean confidence, the weakest page
    and, when confidence is low, what to check. Plain text."""
    read = [p for p in result.pages if not p.blank]
    blank = len(result.pages) - len(read)
    parts = [f"🔎 Đã đọc chữ từ ảnh {len(read)} trang"]
    if blank:
        parts[0] += f" (bỏ qua {blank} trang trống)"
    confidence = result.confidence
    if confidence is not None:
        parts[0] += f"; độ tin cậy trung bình {_percent(confidence)}"
    weakest = result.weakest()
    if len(read) > 1 and weakest is not None and weakest.confidence is not None:
        parts[0] += f" (thấp nhất trang {weakest.number}: {_percent(weakest.confidence)})"
    parts[0] += "."
    if confidence is not None and confidence < LOW_CONFIDENCE:
        parts.append(
            "⚠️ Nhiều chữ đọc chưa chắc chắn: hãy đối chiếu từng chỉ tiêu và số liệu với bản "
            "giấy; nếu sai nhiều, hãy chụp lại thẳng, đủ sáng, rõ nét."
        )
    else:
        parts.append("Hãy đối chiếu các số liệu với bản giấy trước khi dùng.")
    return "\n".join(parts)
