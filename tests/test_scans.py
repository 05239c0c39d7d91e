"""The scan use case (bot/scans.py): turns per chat, the time limits, the OCR note."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image

from bot import scans
from bot.core import ocr
from bot.core.ocr import OcrResult, OcrTimeout, PageSource, PageText, TooManyPages
from bot.scans import ScanDesk, ocr_note, photo_pages, read_scan
from tests.support.scans import needs_tesseract, text_rows_image


async def test_one_document_at_a_time_per_chat_and_chats_apart() -> None:
    desk = ScanDesk()
    order: list[str] = []
    release = asyncio.Event()

    async def document(chat: int, name: str, hold: bool) -> None:
        async with desk.chat(chat):
            order.append(f"{name} starts")
            if hold:
                await release.wait()
            order.append(f"{name} ends")

    first = asyncio.create_task(document(1, "first", hold=True))
    await asyncio.sleep(0)
    assert desk.busy(1) and not desk.busy(2)
    second = asyncio.create_task(document(1, "second", hold=False))
    other_chat = asyncio.create_task(document(2, "other chat", hold=False))
    await asyncio.sleep(0.01)
    assert order == ["first starts", "other chat starts", "other chat ends"]
    release.set()
    await asyncio.gather(first, second, other_chat)
    assert order[-2:] == ["second starts", "second ends"]
    assert not desk.busy(1)


def _page(number: int) -> PageText:
    return PageText(number, f"trang {number}", 90.0, 50)


async def test_pages_are_read_in_order_with_progress_before_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(scans, "require_tesseract", lambda: "tesseract")
    monkeypatch.setattr(scans, "read_page", lambda source, timeout: _page(source.number))
    seen: list[tuple[int, int]] = []

    async def progress(page: int, pages: int) -> None:
        seen.append((page, pages))

    sources = [PageSource(n, lambda: Image.new("L", (10, 10))) for n in (1, 2, 3)]
    result = await read_scan(sources, desk=ScanDesk(), progress=progress)
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert result.text == "trang 1\n\ntrang 2\n\ntrang 3"


async def test_the_whole_document_has_a_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scans, "require_tesseract", lambda: "tesseract")

    def slow_page(source: PageSource, timeout: float) -> PageText:
        import time

        time.sleep(0.05)
        return _page(source.number)

    monkeypatch.setattr(scans, "read_page", slow_page)
    sources = [PageSource(n, lambda: Image.new("L", (10, 10))) for n in (1, 2, 3)]
    with pytest.raises(OcrTimeout, match="quá 0 phút"):
        await read_scan(sources, desk=ScanDesk(), total_timeout=0.06)


@needs_tesseract
def test_a_page_that_takes_too_long_is_stopped() -> None:
    page = io.BytesIO()
    text_rows_image().save(page, "PNG")
    with pytest.raises(OcrTimeout, match="Đọc một trang mất quá"):
        ocr._run_tesseract(ocr.require_tesseract(), page.getvalue(), timeout=0.001)


def test_more_photos_than_the_page_limit_are_refused() -> None:
    with pytest.raises(TooManyPages, match="nhiều hơn 30 trang"):
        photo_pages([b"x"] * 31)


def test_the_ocr_note_says_how_sure_the_reading_was() -> None:
    result = OcrResult(
        (
            PageText(1, "a", 96.4, 300),
            PageText(2, "", None, 0, blank=True),
            PageText(3, "b", 88.0, 100),
        ),
        4.0,
    )
    note = ocr_note(result)
    assert note.startswith(
        "🔎 Đã đọc chữ từ ảnh 2 trang (bỏ qua 1 trang trống); độ tin cậy trung bình 94% "
        "(thấp nhất trang 3: 88%)."
    )
    assert "Hãy đối chiếu các số liệu với bản giấy" in note


def test_a_low_confidence_gets_a_warning() -> None:
    note = ocr_note(OcrResult((PageText(1, "a", 61.2, 40),), 1.0))
    assert "độ tin cậy trung bình 61%." in note
    assert "thấp nhất" not in note  # one page: nothing to compare
    assert "⚠️ Nhiều chữ đọc chưa chắc chắn" in note
