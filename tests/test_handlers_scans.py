"""Plans sent as photos and scans, through ``Application.process_update``: an album read as
one document in page order, /kehoach then an image file, a scanned PDF handed over by
/kehoach, progress edited in one message, the OCR note and the usual summary; refusals
(not an admin, a photo out of context, Tesseract missing, a dark photo) store nothing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from telegram import Update

from bot.config import Settings
from handlers import scans as scan_handlers
from handlers.common import NOT_ADMIN_TEXT
from storage import plans
from storage.db import Database
from storage.models import Plan, PlanTarget
from tests.support.driver import ADMIN, AN, GROUP, NAMES, BotDriver, running_bot
from tests.support.scans import PHONE_PAGES, SCAN_300_PDF, image_bytes, needs_tesseract
from tests.support.updates import (
    chat_dict,
    document_dict,
    file_ids,
    message_dict,
    next_update_id,
    user_dict,
)

# The handler tests drive an application that is initialised but not polling: PTB warns that
# its background tasks are not awaited at stop; settle() awaits them instead.
pytestmark = pytest.mark.filterwarnings("ignore:Tasks created via `Application.create_task`")


@pytest.fixture
async def bot(
    settings: Settings, database: Database, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[BotDriver]:
    monkeypatch.setattr(scan_handlers, "QUIET_SECONDS", 0.05)
    async with running_bot(settings, database) as driver:
        yield driver


def photo_update(
    bot: BotDriver,
    content: bytes,
    user_id: int,
    message_id: int,
    *,
    caption: str | None = None,
    album: str | None = None,
    chat_id: int | None = None,
    as_file: str | None = None,
) -> Update:
    """A photo (or, with *as_file*, an image document) message; its bytes are served to
    ``getFile``."""
    file_id, unique_id = file_ids(content, str(message_id))
    bot.request.add_file(
        file_id, content, f"photos/file_{message_id}.jpg", file_unique_id=unique_id
    )
    name = NAMES.get(user_id, "Người dùng")
    chat = chat_dict(user_id if chat_id is None else chat_id, first_name=name)
    if as_file is None:
        photo = [{"file_id": file_id, "file_unique_id": unique_id, "width": 1296, "height": 1794}]
        message = message_dict(
            chat, user_dict(user_id, name), message_id, caption=caption, photo=photo
        )
    else:
        document = {**document_dict(as_file, content), "file_id": file_id}
        document["file_unique_id"] = unique_id
        message = message_dict(
            chat, user_dict(user_id, name), message_id, caption=caption, document=document
        )
    if album is not None:
        message["media_group_id"] = album
    return Update.de_json({"update_id": next_update_id(), "message": message}, bot.app.bot)


async def settle(bot: BotDriver) -> list[str]:
    """Wait for the background reading to finish; every text the bot sent or edited in."""
    await scan_handlers.desk_of_app(bot.app).idle()
    texts = [str(m.get("text", "")) for m in bot.request.sent_messages()]
    edits = [str(c.params.get("text", "")) for c in bot.request.calls("editMessageText")]
    return texts + edits


async def stored_plans(bot: BotDriver) -> list[Plan]:
    async with bot.db.session() as session:
        return await plans.list_plans(session)


# ---------------------------------------------------------------- reading


@needs_tesseract
async def test_an_album_of_photos_is_one_plan_read_in_page_order(bot: BotDriver) -> None:
    first, second = (p.read_bytes() for p in PHONE_PAGES)
    bot.request.clear()
    await bot.app.process_update(
        photo_update(bot, first, ADMIN, 500, caption="/kehoach", album="a1")
    )
    await bot.app.process_update(photo_update(bot, second, ADMIN, 501, album="a1"))
    texts = await settle(bot)

    assert "Đang đọc trang 1/2…" in texts
    assert "Đang đọc trang 2/2…" in texts
    note = next(t for t in texts if t.startswith("🔎 Đã đọc chữ từ ảnh 2 trang"))
    assert "độ tin cậy trung bình" in note and "thấp nhất trang" in note
    summary = next(t for t in texts if t.startswith("✅ Đã nạp kế hoạch mới."))
    assert "Số 14/KH-UBND, ngày 20/01/2026" in summary
    assert "(1) Trồng mới cây phân tán: 45.000 cây" in summary
    assert "(7) Thu ngân sách nhà nước trên địa bàn: 12,4 tỷ đồng" in summary
    # Page 2 was read after page 1: its closing section follows the targets in the text.
    [plan] = await stored_plans(bot)
    assert plan.source_filename == "anh-chup-2-trang.ocr.txt" and plan.imported_by == ADMIN
    assert plan.raw_text.index("(10)") < plan.raw_text.index("IV. KHEN THƯỞNG")
    targets = await bot.rows(PlanTarget, PlanTarget.plan_id == plan.id)
    assert len(targets) == 10


@needs_tesseract
async def test_kehoach_then_an_image_file_imports_it(bot: BotDriver) -> None:
    offer = await bot.send("/kehoach", ADMIN)
    assert "Chưa nạp kế hoạch nào." in offer.text
    bot.request.clear()
    update = photo_update(bot, PHONE_PAGES[0].read_bytes(), ADMIN, 600, as_file="trang-1.jpg")
    await bot.app.process_update(update)
    texts = await settle(bot)
    assert any(t.startswith("🔎 Đã đọc chữ từ ảnh 1 trang") for t in texts)
    summary = next(t for t in texts if t.startswith("✅ Đã nạp kế hoạch mới."))
    # Figures must be exact; a letter of a name may still be misread ("bảo hiếm").
    assert re.search(r"\n\(3\) Tỷ lệ người dân tham gia [^\n]*: 96% ↑\n", summary)
    assert re.search(r"\n\(10\) Tỷ lệ trẻ em [^\n]*: không quá 7%", summary)
    assert len(await stored_plans(bot)) == 1


@needs_tesseract
async def test_a_scanned_pdf_sent_with_kehoach_is_read(bot: BotDriver) -> None:
    """/kehoach finds no text layer in the PDF and hands it to OCR."""
    await bot.send_file(("ke-hoach-scan.pdf", SCAN_300_PDF.read_bytes()), ADMIN, caption="/kehoach")
    texts = await settle(bot)
    assert "Đang đọc trang 2/2…" in texts
    summary = next(t for t in texts if t.startswith("✅ Đã nạp kế hoạch mới."))
    assert re.search(r"\n\(5\) Bê tông hóa [^\n]*: 8,5 km ↑\n", summary)
    assert re.search(r"\n\(10\) Tỷ lệ trẻ em [^\n]*: không quá 7%", summary)
    [plan] = await stored_plans(bot)
    assert plan.source_filename == "ke-hoach-scan.pdf.ocr.txt"


@needs_tesseract
async def test_a_dark_photo_is_refused_with_the_reason(bot: BotDriver) -> None:
    dark = image_bytes(Image.new("L", (1200, 1600), 25), "JPEG")
    await bot.app.process_update(photo_update(bot, dark, ADMIN, 700, caption="/kehoach"))
    texts = await settle(bot)
    assert any(t.startswith("Trang 1: ảnh quá tối") for t in texts)
    assert await stored_plans(bot) == []


# ---------------------------------------------------------------- refusals without OCR


async def test_missing_tesseract_says_how_to_install_it(
    bot: BotDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    photo = PHONE_PAGES[1].read_bytes()
    await bot.app.process_update(photo_update(bot, photo, ADMIN, 800, caption="/kehoach"))
    texts = await settle(bot)
    assert any("apt-get install tesseract-ocr tesseract-ocr-vie" in t for t in texts)
    assert await stored_plans(bot) == []


async def test_a_photo_out_of_context_gets_a_hint_in_private_and_silence_in_groups(
    bot: BotDriver,
) -> None:
    photo = PHONE_PAGES[1].read_bytes()
    replies = await bot.process(photo_update(bot, photo, ADMIN, 900))
    assert "Tôi nhận được ảnh nhưng không biết dùng vào việc gì" in replies.text
    replies = await bot.process(photo_update(bot, photo, AN, 901, chat_id=GROUP))
    assert not replies
    assert await settle(bot) == []


async def test_a_non_admin_cannot_import_photos(bot: BotDriver) -> None:
    photo = PHONE_PAGES[1].read_bytes()
    replies = await bot.process(photo_update(bot, photo, AN, 950, caption="/kehoach"))
    assert NOT_ADMIN_TEXT in replies.text
    await settle(bot)
    assert await stored_plans(bot) == []


async def test_a_broken_image_file_is_refused_at_once(bot: BotDriver) -> None:
    broken = photo_update(
        bot, b"\xff\xd8\xff\xe0 not a photo", ADMIN, 961, caption="/kehoach", as_file="trang.jpg"
    )
    replies = await bot.process(broken)
    assert "Chưa đọc được tệp dạng «.jpg» này: tệp hỏng hoặc không phải ảnh" in replies.text
    await settle(bot)
    assert await stored_plans(bot) == []


async def test_more_photos_than_the_page_limit_are_refused(
    bot: BotDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(scan_handlers, "MAX_PAGES", 2)
    monkeypatch.setattr(scan_handlers, "QUIET_SECONDS", 0.5)
    photo = PHONE_PAGES[1].read_bytes()
    bot.request.clear()
    for offset in range(3):
        caption = "/kehoach" if offset == 0 else None
        update = photo_update(bot, photo, ADMIN, 970 + offset, caption=caption, album="big")
        await bot.app.process_update(update)
    texts = await settle(bot)
    assert any("Đã nhận 3 ảnh, nhiều hơn 2 trang" in t for t in texts)
    assert not any(t.startswith("Đang đọc trang") for t in texts)
    assert await stored_plans(bot) == []
