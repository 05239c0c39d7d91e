"""Re-importing a plan through the real application: an OCR-damaged copy of the plan never
overwrites the clean text stored from the first import (same figures), a real change still
does, and the summary and the confirmation show the plan as stored after merging with the
officer's edits, naming the targets that will change or be retired."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.damage import is_damaged_copy
from bot.plans import ReimportCheck, reimport_question
from storage.db import Database
from storage.models import Plan, PlanSection, PlanTarget
from tests.conftest import REPO
from tests.support.driver import ADMIN, AN, BotDriver, Replies, running_bot

CORPUS = REPO / "tests" / "fixtures" / "corpus"
CLEAN = CORPUS / "c08_xa_son_thuy_ve_kinh_te.txt"
SCANNED = CORPUS / "c09_xa_son_thuy_ve_kinh_te_ocr.txt"


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        yield driver


async def names(bot: BotDriver) -> dict[str, str]:
    return {row.key: row.name for row in await bot.rows(PlanTarget)}


async def send_text(bot: BotDriver, path: Path, text: str) -> Replies:
    return await bot.send_file((path.name, text.encode()), ADMIN, caption="/kehoach")


@pytest.mark.parametrize(
    ("new", "old", "damaged"),
    [
        ("Tông giá trị sản xuất", "Tổng giá trị sản xuất", True),
        ("Tỷ lệ tăng dan sé ty nhiên", "Tỷ lệ tăng dân số tự nhiên", True),
        ("UBND xã Sơn Thuy", "UBND xã Sơn Thủy", True),
        ("(4) Tr6ng cây phân tan 40.000 cay.", "(4) Trồng cây phân tán 40.000 cây.", True),
        ("4. Ty 1ệ ho gia dình van hóa: 91%.", "4. Tỷ lệ hộ gia đình văn hóa: 91%.", True),
        ("(4) Trồng cây 40.000 cây.", "(4) Trồng cây 45.000 cây.", False),  # a new figure
        ("Tổng giá trị sản xuất", "Tông giá trị sản xuất", False),  # marks gained: a fix
        ("Tỷ lệ hộ cận nghèo", "Tỷ lệ hộ nghèo", False),  # a word more
        ("Thôn 3", "Thôn 2", False),  # numbers are never noise
        ("Diện tích lạc", "Diện tích lợn", False),  # two letters changed
        ("Tổng giá trị", "Tổng giá trị", False),  # the same
    ],
)
def test_a_damaged_copy_is_told_from_a_change(new: str, old: str, damaged: bool) -> None:
    assert is_damaged_copy(new, old) is damaged


async def test_a_scanned_copy_keeps_the_clean_names_of_the_same_targets(bot: BotDriver) -> None:
    await bot.send_plan_file(CLEAN, ADMIN)
    clean = await names(bot)
    assert clean["10"] == "Tỷ lệ tăng dân số tự nhiên"

    replies = await bot.send_plan_file(SCANNED, ADMIN)
    assert "các chỉ tiêu không thay đổi" in replies.text
    assert "Tệp này đọc lỗi chữ (mất dấu, sai chữ khi quét) ở cả 17 chỉ tiêu" in replies.text
    assert "giữ nguyên tên đúng đã lưu" in replies.text
    assert await names(bot) == clean
    for shown in ("(1) Tổng giá trị sản xuất", "(10) Tỷ lệ tăng dân số tự nhiên", "Sơn Thủy"):
        assert shown in replies.text
    for damage in ("Tông giá", "dan sé ty", "Sơn Thuy", "Về kinh te"):
        assert damage not in replies.text
    [plan] = await bot.rows(Plan)
    assert plan.issuer == "UBND xã Sơn Thủy"
    assert plan.raw_text == CLEAN.read_text(encoding="utf-8")  # the clean text stays
    titles = {row.title for row in await bot.rows(PlanSection)}
    assert "Về kinh tế" in titles and "Về kinh te" not in titles


async def test_a_scanned_docx_plan_keeps_even_a_name_the_scan_cut_short(bot: BotDriver) -> None:
    await bot.send_plan_file(CORPUS / "c42_xa_tan_lien_nhom_danh_lai.docx", ADMIN)
    clean = await names(bot)
    assert clean["c.3"] == "Trồng mới cây xanh"
    replies = await bot.send_plan_file(CORPUS / "c43_xa_tan_lien_nhom_danh_lai_ocr.txt", ADMIN)
    assert "các chỉ tiêu không thay đổi" in replies.text
    assert f"ở cả {len(clean)} chỉ tiêu" in replies.text
    assert await names(bot) == clean  # "Trong moi" (the same line, damaged) is not taken


async def test_a_scanned_copy_with_a_new_figure_still_updates_that_target(
    bot: BotDriver,
) -> None:
    await bot.send_plan_file(CLEAN, ADMIN)
    scanned = SCANNED.read_text(encoding="utf-8")
    assert "980 tỷ đồng" in scanned
    replies = await send_text(bot, SCANNED, scanned.replace("980 tỷ đồng", "1.050 tỷ đồng"))
    assert "sửa 1 chỉ tiêu" in replies.text
    [row] = await bot.rows(PlanTarget, PlanTarget.key == "1")
    assert row.value == 1050  # a new figure is a change, read as the file has it
    assert (await names(bot))["10"] == "Tỷ lệ tăng dân số tự nhiên"


async def test_a_real_change_of_wording_replaces_the_stored_name(bot: BotDriver) -> None:
    await bot.send_plan_file(CLEAN, ADMIN)
    text = CLEAN.read_text(encoding="utf-8").replace(
        "Trồng cây phân tán", "Trồng cây xanh phân tán"
    )
    replies = await send_text(bot, CLEAN, text)
    assert "sửa 1 chỉ tiêu" in replies.text
    assert "đọc lỗi chữ" not in replies.text
    assert (await names(bot))["4"] == "Trồng cây xanh phân tán"


async def test_the_confirmation_and_summary_name_the_changes_as_stored(bot: BotDriver) -> None:
    await bot.send_plan_file(CLEAN, ADMIN)
    await bot.add_member(AN, "Thôn 1")
    await bot.send("Đã trồng được 12.500 cây phân tán", AN)
    assert len(await bot.reports()) == 1
    edited = await bot.send("/chitieu sua 4 ten Trồng cây phân tán ở các thôn", ADMIN)
    assert "Trồng cây phân tán ở các thôn" in edited.text

    text = CLEAN.read_text(encoding="utf-8").replace("1.350 tấn", "1.400 tấn")
    text = text.replace("(16) Không để xảy ra cháy rừng.\n", "")
    asked = await send_text(bot, CLEAN, text)
    question = asked.messages[-1].text
    assert "Nạp lại sẽ sửa 1, bỏ 1 chỉ tiêu." in question
    assert "• (5) Sản lượng thịt hơi xuất chuồng: 1.350 tấn → 1.400 tấn" in question
    assert "Chỉ tiêu sẽ bỏ" in question and "• (16) Không để xảy ra cháy rừng" in question
    assert "Chỉ tiêu đã sửa trong chat" in question
    assert "• (4) Trồng cây phân tán ở các thôn: 40.000 cây" in question
    assert asked.labels() == ["Nạp lại", "Thôi, giữ nguyên"]
    assert all(len(m.text) <= 4096 for m in asked.messages)

    done = await bot.press(asked.button("Nạp lại"), ADMIN, on=asked.messages[-1])
    assert "sửa 1, bỏ 1 chỉ tiêu. Chỉ tiêu thay đổi (5); bị bỏ (16)." in done.text
    # The summary shows what is stored: the officer's name for (4), not the file's.
    assert "(4) Trồng cây phân tán ở các thôn: 40.000 cây" in done.text
    assert "(5) Sản lượng thịt hơi xuất chuồng: 1.400 tấn" in done.text
    assert "(16) Không để xảy ra" not in done.text  # retired: not listed among the targets


def test_a_long_confirmation_is_paged_and_asks_last() -> None:
    check = ReimportCheck(
        plan_id=1,
        name="11/KH-UBND",
        reports=3,
        added=0,
        updated=150,
        retired=150,
        kept=0,
        changed_lines=tuple(f"({n}) Chỉ tiêu thứ {n}: 1.000 cây → 1.200 cây" for n in range(150)),
        retired_lines=tuple(f"({n}) Chỉ tiêu bỏ thứ {n}: 5 nhà" for n in range(150, 300)),
    )
    pages = reimport_question(check)
    assert len(pages) > 1 and all(len(page) <= 4096 for page in pages)
    joined = "\n".join(pages)
    assert all(f"({n}) Chỉ tiêu" in joined for n in range(300))  # nothing dropped
    assert pages[-1].endswith("Nạp lại kế hoạch?")
