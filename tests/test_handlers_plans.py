"""/kehoach through ``Application.process_update``: uploading a plan (with the caption or
right after the command), re-importing it, refusals, unusable files, listing plans and
switching the active one (command and button)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.config import Settings
from handlers.common import NO_PLAN_TEXT, NOT_ADMIN_TEXT
from storage import plans
from storage.db import Database
from storage.models import AuditEntry, Plan, PlanTarget
from tests.conftest import REPO
from tests.support.driver import (
    ADMIN,
    AN,
    OTHER_PLAN_FILE,
    PLAN_FILE,
    BotDriver,
    running_bot,
)
from tests.support.updates import document_dict

NOT_UNDERSTOOD_FILE = "Tôi nhận được tệp nhưng không biết dùng vào việc gì"


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        yield driver


async def stored_plans(bot: BotDriver) -> list[Plan]:
    async with bot.db.session() as session:
        return await plans.list_plans(session)


async def target_count(bot: BotDriver, plan_id: int) -> int:
    rows = await bot.rows(PlanTarget, PlanTarget.plan_id == plan_id, PlanTarget.retired.is_(False))
    return len(rows)


async def test_upload_with_caption_imports_and_summarises(bot: BotDriver) -> None:
    replies = await bot.send_plan_file(PLAN_FILE, ADMIN)

    assert replies.messages[0].text == "Đang đọc kế hoạch, xin chờ một chút…"
    summary = replies.messages[-1].text
    assert summary.startswith("✅ Đã nạp kế hoạch mới.")
    assert "Số 27/KH-UBND, ngày 15/01/2025" in summary
    assert "Năm áp dụng: 2025" in summary
    assert "Gồm 8 mục, 14 chỉ tiêu kèm 3 chỉ tiêu thành phần" in summary
    assert "Đây là kế hoạch đang dùng" in summary
    assert "(1) Trồng cây phân tán: 58.000 cây" in summary
    # The compound line, then its parts indented under it.
    assert "Mục II.2. Chỉ tiêu thi đua\n(1) Trồng cây phân tán: 58.000 cây ↑" in summary
    assert (
        "(2) Chăn nuôi:\n    – (2.1) Đàn lợn: 4.200 con ↑\n    – (2.2) Đàn bò: 600 con ↑" in summary
    )
    assert "(4) Tỷ lệ người dân tham gia bảo hiểm y tế: tối thiểu 95%" in summary
    assert "(7) Tỷ lệ hộ nghèo: không quá 1,5% ≤" in summary
    assert "(14) Phòng cháy rừng: không để xảy ra cháy rừng ○" in summary
    assert "Kế hoạch này tôi" not in summary  # 14 targets: no warning
    assert "(10) Thu ngân sách nhà nước trên địa bàn: 8,5 tỷ đồng" in summary

    [plan] = await stored_plans(bot)
    assert (plan.number, plan.year, plan.is_active) == ("27/KH-UBND", 2025, True)
    assert plan.source_filename == PLAN_FILE.name and plan.imported_by == ADMIN
    assert await target_count(bot, plan.id) == 17
    actions = [e.action for e in await bot.rows(AuditEntry)]
    assert actions.count("plan.import") == 1


async def test_reimport_updates_in_place(bot: BotDriver) -> None:
    await bot.send_plan_file(PLAN_FILE, ADMIN)
    [first] = await stored_plans(bot)

    again = await bot.send_plan_file(PLAN_FILE, ADMIN)
    assert "Đã cập nhật kế hoạch đã nạp trước đây (không tạo bản trùng)" in again.text
    assert "các chỉ tiêu không thay đổi" in again.text

    # The officer corrects one figure in the file and sends it again.
    corrected = PLAN_FILE.read_text(encoding="utf-8").replace("58.000 cây", "60.000 cây")
    replies = await bot.send_file((PLAN_FILE.name, corrected.encode()), ADMIN, caption="/kehoach")
    assert "Đã cập nhật kế hoạch đã nạp trước đây" in replies.text
    assert "sửa 1 chỉ tiêu" in replies.text
    assert "(1) Trồng cây phân tán: 60.000 cây" in replies.text

    [plan] = await stored_plans(bot)
    assert plan.id == first.id and plan.is_active
    assert await target_count(bot, plan.id) == 17
    rows = await bot.rows(PlanTarget, PlanTarget.plan_id == plan.id, PlanTarget.key == "1")
    assert [row.value for row in rows] == [60000]


async def test_command_then_file_imports_it(bot: BotDriver) -> None:
    offer = await bot.send("/kehoach", ADMIN)
    assert "Chưa nạp kế hoạch nào." in offer.text
    assert "Hãy gửi tệp kế hoạch (.docx, .pdf có chữ, .txt hoặc .md, tối đa 10 MB)" in offer.text
    assert offer.buttons == []

    replies = await bot.send_plan_file(PLAN_FILE, ADMIN, caption=None)
    assert "✅ Đã nạp kế hoạch mới." in replies.text
    assert len(await stored_plans(bot)) == 1

    # The offer is used up: the next file without a caption is not imported.
    replies = await bot.send_plan_file(OTHER_PLAN_FILE, ADMIN, caption=None)
    assert NOT_UNDERSTOOD_FILE in replies.text
    assert len(await stored_plans(bot)) == 1


async def test_offer_to_receive_a_file_expires(bot: BotDriver) -> None:
    await bot.send("/kehoach", ADMIN)
    bot.clock.advance(timedelta(minutes=16))
    replies = await bot.send_plan_file(PLAN_FILE, ADMIN, caption=None)
    assert NOT_UNDERSTOOD_FILE in replies.text
    assert "kèm chú thích /kehoach" in replies.text
    assert await stored_plans(bot) == []


async def test_non_admin_is_refused_and_nothing_is_stored(bot: BotDriver) -> None:
    replies = await bot.send_plan_file(PLAN_FILE, AN)
    assert replies.text == NOT_ADMIN_TEXT
    assert replies.api("getFile") == []  # the file is not even downloaded

    assert (await bot.send("/kehoach", AN)).text == NOT_ADMIN_TEXT
    # Being refused /kehoach opens no window for a caption-less file either.
    assert NOT_UNDERSTOOD_FILE in (await bot.send_plan_file(PLAN_FILE, AN, caption=None)).text
    assert await stored_plans(bot) == []

    await bot.load_plan()
    await bot.load_plan(OTHER_PLAN_FILE)
    assert (await bot.send("/kehoach chon 2", AN)).text == NOT_ADMIN_TEXT
    assert (await bot.press("plan:activate:2", AN)).text == NOT_ADMIN_TEXT
    async with bot.db.session() as session:
        active = await plans.active_plan(session)
    assert active is not None and active.number == "27/KH-UBND"


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("trong.txt", b"", "Tệp không có nội dung chữ nào"),
        ("anh-chup.jpg", b"\xff\xd8\xff\xe0 not really a photo", "Chưa đọc được tệp dạng «.jpg»"),
        (
            "ghi-chu.txt",
            "Chiều nay các thôn họp tại nhà văn hóa, nhớ mang sổ sách.".encode(),
            "không thấy chỉ tiêu hay nội dung kế hoạch nào",
        ),
    ],
    ids=["empty", "photo", "not-a-plan"],
)
async def test_unusable_files_get_a_vietnamese_explanation(
    bot: BotDriver, filename: str, content: bytes, expected: str
) -> None:
    replies = await bot.send_file((filename, content), ADMIN, caption="/kehoach")
    assert expected in replies.messages[-1].text
    assert "Đã nạp" not in replies.text
    assert await stored_plans(bot) == []
    # Asking afterwards still says there is no plan.
    assert (await bot.send("/hoi chỉ tiêu trồng cây", AN)).text == NO_PLAN_TEXT


async def test_a_file_over_ten_megabytes_is_not_downloaded(bot: BotDriver) -> None:
    document = document_dict("ke-hoach-lon.pdf", b"%PDF-1.4")
    document["file_size"] = 11 * 1024 * 1024
    replies = await bot.send_file(document, ADMIN, caption="/kehoach")
    assert "Tệp lớn hơn 10 MB nên không nạp được" in replies.text
    assert replies.api("getFile") == []
    assert await stored_plans(bot) == []


async def test_list_and_switch_the_active_plan(bot: BotDriver) -> None:
    await bot.send_plan_file(PLAN_FILE, ADMIN)
    second = await bot.send_plan_file(OTHER_PLAN_FILE, ADMIN)
    assert "Chưa phải kế hoạch đang dùng; gõ /kehoach chon 2" in second.text

    listing = await bot.send("/kehoach", ADMIN)
    assert "• Số 1: 27/KH-UBND — đang dùng" in listing.text
    assert "• Số 2: ke_hoach_bang_chi_tieu\n" in listing.text
    assert "27/KH-UBND · ngày 15/01/2025 · năm 2025 · tệp ke_hoach_xa_dong_tien_2025.md" in (
        listing.text
    )
    assert listing.buttons == [("Dùng kế hoạch số 2", "plan:activate:2")]

    # Questions follow the switch at once (the knowledge base is rebuilt).
    assert "58.000 cây" in (await bot.send("/hoi chỉ tiêu trồng cây", AN)).text
    asked = await bot.send("/kehoach chon 2", ADMIN)  # says what changes, and asks first
    assert asked.text == (
        "Chọn Kế hoạch thi đua thực hiện các chỉ tiêu năm 2025 của thôn Đông (số 2) làm kế "
        "hoạch đang dùng?\n"
        "• Từ lúc đó bot trả lời câu hỏi và ghi số liệu theo các chỉ tiêu của kế hoạch này.\n"
        "• Kế hoạch 27/KH-UBND thôi nhận số liệu mới; 0 số liệu đã báo cáo theo nó vẫn được "
        "giữ, chọn lại lúc nào cũng được."
    )
    assert asked.labels() == ["Dùng kế hoạch số 2", "Thôi, giữ nguyên"]
    assert all(len(data.encode()) <= 64 for _, data in asked.buttons)
    kept = await bot.press(asked.button("Thôi"), ADMIN, on=asked.messages[0])
    assert kept.text == "Đã hủy; kế hoạch đang dùng giữ nguyên."
    assert "58.000 cây" in (await bot.send("/hoi chỉ tiêu trồng cây", AN)).text
    late = await bot.press(asked.button("Dùng"), ADMIN, on=asked.messages[0])  # answered once
    assert (
        late.text
        == "Nút này đã được dùng, hết hiệu lực hoặc không dành cho anh/chị; không thay đổi gì."
    )
    asked = await bot.send("/kehoach chon 2", ADMIN)
    chosen = await bot.press(asked.button("Dùng"), ADMIN, on=asked.messages[0])
    assert chosen.text == (
        "Đã chọn Kế hoạch thi đua thực hiện các chỉ tiêu năm 2025 của thôn Đông "
        "làm kế hoạch đang dùng."
    )
    answer = await bot.send("/hoi chỉ tiêu trồng cây", AN)
    assert "Theo Kế hoạch thi đua thực hiện các chỉ tiêu năm 2025" in answer.text
    assert "1.500 cây" in answer.text

    listing = await bot.send("/kehoach", ADMIN)
    assert "• Số 2: ke_hoach_bang_chi_tieu — đang dùng" in listing.text
    pressed = await bot.press(listing.button("Dùng kế hoạch số 1"), ADMIN, on=listing.messages[0])
    assert pressed.api("answerCallbackQuery")
    assert pressed.text.startswith("Chọn Kế hoạch 27/KH-UBND (số 1) làm kế hoạch đang dùng?")
    pressed = await bot.press(pressed.button("Dùng"), ADMIN, on=pressed.messages[0])
    assert pressed.text == "Đã chọn Kế hoạch 27/KH-UBND làm kế hoạch đang dùng."
    async with bot.db.session() as session:
        active = await plans.active_plan(session)
        flags = list(await session.scalars(select(Plan.is_active).order_by(Plan.id)))
    assert active is not None and active.id == 1
    assert flags == [True, False]  # exactly one active plan

    choices = (
        "Các kế hoạch có thể chọn: số 1 (Kế hoạch 27/KH-UBND), số 2 (Kế hoạch thi đua thực "
        "hiện các chỉ tiêu năm 2025 của thôn Đông).\n"
        "Cách dùng: /kehoach chon <số kế hoạch>, ví dụ /kehoach chon 2."
    )
    # Only a plan's number or whole name chooses it; anything else changes nothing.
    for which in ("9", "2025", "ke_hoach", "27", "KH"):
        missing = await bot.send(f"/kehoach chon {which}", ADMIN)
        assert missing.text == f"Không tìm thấy kế hoạch «{which}». {choices}"
        assert missing.buttons == []
    assert (await bot.send("/kehoach chon", ADMIN)).text == choices
    same = await bot.send("/kehoach chon 27/KH-UBND", ADMIN)
    assert same.text == "Kế hoạch 27/KH-UBND (số 1) đang là kế hoạch đang dùng; không thay đổi gì."
    async with bot.db.session() as session:
        assert (await plans.active_plan(session)).id == 1  # type: ignore[union-attr]


async def test_a_plan_for_another_year_is_flagged(bot: BotDriver) -> None:
    older = PLAN_FILE.parent / "ke_hoach_ocr_xa_binh_an.txt"  # a 2024 plan; it is June 2025
    replies = await bot.send_plan_file(older, ADMIN)
    assert "⚠️ Văn bản này áp dụng cho năm 2024, còn số liệu gửi bây giờ thuộc kỳ" in (
        replies.messages[-1].text
    )


async def test_a_report_of_another_year_gets_no_warning_about_the_plan_in_use(
    bot: BotDriver,
) -> None:
    report = REPO / "tests" / "fixtures" / "plans" / "bao_cao_6_thang_thon.txt"  # of 2024
    replies = await bot.send_plan_file(report, ADMIN)
    assert "Báo cáo" in replies.text
    assert "áp dụng cho năm 2024, còn số liệu" not in replies.text
