"""Progress views through ``Application.process_update``: /tiendo for a unit, /tonghop with
totals, missing units and a chart, and /xuatbaocao's workbook and Word draft read back from
the uploaded bytes."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from typing import Any

import openpyxl
import pytest
from docx import Document

from bot.config import Settings
from bot.core.plan import Qualifier, Target
from bot.exports.pdf import libreoffice
from bot.verdicts import verdict_marker
from handlers.common import NO_PLAN_TEXT, NOT_ADMIN_TEXT
from handlers.reporting import NOT_MEMBER
from storage.db import Database
from tests.support.driver import ADMIN, AN, BINH, CUONG, BotDriver, running_bot
from tests.support.fake_bot_api import ApiCall

PERIOD = "6 tháng đầu năm 2025"


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    """The sample plan; Thôn 1 (An) and Thôn 2 (Bình) have reported, Thôn 3 has not."""
    async with running_bot(settings, database) as driver:
        await driver.load_plan()
        await driver.add_member(AN, "Thôn 1")
        await driver.add_member(BINH, "Thôn 2")
        await driver.unit("Thôn 3")
        for text in ("Đã trồng được 12.500 cây phân tán", "lợn 2.300 con", "BHYT đạt 87,5%"):
            assert "✅" in (await driver.send(text, AN)).text, text
        for text in ("trồng được 8.000 cây phân tán", "tỷ lệ tham gia BHYT 96%"):
            assert "✅" in (await driver.send(text, BINH)).text, text
        yield driver


def uploaded(call: ApiCall) -> tuple[str, bytes]:
    """The file name and bytes of a sendDocument/sendPhoto call."""
    [(part, content)] = call.files.items()
    return call.filenames[part], content


def sheet_rows(workbook: Any, title: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in workbook[title].iter_rows(values_only=True)]


async def test_tiendo_shows_the_members_unit(bot: BotDriver) -> None:
    replies = await bot.send("/tiendo", AN)
    lines = replies.text.splitlines()
    assert lines[:2] == ["Tiến độ của Thôn 1", f"{PERIOD} · Kế hoạch 27/KH-UBND"]
    assert "• Trồng cây phân tán: 12.500 / 58.000 cây (21,6%) ▓▓░░░░░░░░" in lines
    assert "• Chăn nuôi — Đàn lợn: 2.300 / 4.200 con (54,8%) ▓▓▓▓▓░░░░░" in lines
    assert "• Chăn nuôi — Đàn bò: chưa báo cáo (chỉ tiêu 600 con)" in lines
    assert (  # a rate reads as a rate: how far from the level, not "92,1% of 95%"
        "• Tỷ lệ người dân tham gia bảo hiểm y tế: 87,5% — chỉ tiêu tối thiểu 95%, còn 7,5 điểm"
    ) in lines
    assert "96%" not in replies.text  # Thôn 2's figures stay out of Thôn 1's view
    assert lines[-1] == "Đã báo cáo 3/15 chỉ tiêu. Gửi số liệu bằng /baocao."

    other = await bot.send("/tiendo", BINH)
    assert (
        "• Tỷ lệ người dân tham gia bảo hiểm y tế: 96% — chỉ tiêu tối thiểu 95%, đã đạt "
        "(vượt 1 điểm)"
    ) in other.text

    assert (await bot.send("/tiendo", CUONG)).text == re.sub(r"<[^>]+>", "", NOT_MEMBER)
    # An admin names the unit; others are told they cannot look at another unit.
    assert (await bot.send("/tiendo thon 3", ADMIN)).text.startswith("Tiến độ của Thôn 3")
    refused = await bot.send("/tiendo Thôn 2", AN)
    assert refused.text.startswith("Chỉ quản trị viên mới xem được tiến độ của đơn vị khác.")
    assert (await bot.send("/tiendo thôn 1", AN)).text.startswith("Tiến độ của Thôn 1")
    # An admin in no unit is told /tiendo's own usage and the units to choose from.
    usage = (
        "Cách dùng: /tiendo tên đơn vị — tiến độ một đơn vị, ví dụ /tiendo Thôn 1; "
        "mọi đơn vị: /tonghop.\nCác đơn vị: Thôn 1, Thôn 2, Thôn 3."
    )
    assert (await bot.send("/tiendo", ADMIN)).text == usage
    for name in ("Thôn 9", "Thôn", "thon 1 2"):  # no such unit; never a part of a name
        missing = await bot.send(f"/tiendo {name}", ADMIN)
        assert missing.text == f"Không tìm thấy đơn vị «{name}».\n{usage}"


async def test_tonghop_totals_missing_units_and_a_chart(bot: BotDriver) -> None:
    assert (await bot.send("/tonghop", AN)).text == NOT_ADMIN_TEXT

    replies = await bot.send("/tonghop", ADMIN)
    text = replies.text
    assert text.startswith(f"Tổng hợp tiến độ — {PERIOD}\n")
    assert "Kế hoạch 27/KH-UBND · cập nhật 01/06/2025 08:00" in text
    assert "Đơn vị đã báo cáo đủ số liệu: 0/3" in text  # each owes trees, rice … itself
    assert (
        "• Trồng cây phân tán: tổng 20.500 / 58.000 cây (35,3%) ▓▓▓░░░░░░░"
        " — 2/3 đơn vị đã báo cáo, chưa đủ số liệu"
    ) in text
    # Rates do not add up: no commune figure without the commune's own, the range beside.
    assert (
        "• Tỷ lệ người dân tham gia bảo hiểm y tế (tối thiểu 95%): chưa có số chung của xã; "
        "các đơn vị: 87,5% (Thôn 1) – 96% (Thôn 2) — 2/3 đơn vị đã báo cáo, chưa đủ số liệu"
    ) in text
    assert "• Sản lượng thóc cả năm: chưa có đơn vị báo cáo (chỉ tiêu 1.850 tấn)" in text
    assert "Đơn vị chưa báo cáo đủ (3/3): Thôn 1, Thôn 2, Thôn 3 (chưa gửi số nào)." in text
    assert (  # what to do about the missing commune figure
        "1 chỉ tiêu tỷ lệ đã có số của đơn vị nhưng chưa có số chung của xã: chọn đơn vị báo "
        "cáo số chung bằng /sochung tên đơn vị"
    ) in text

    [photo] = replies.api("sendPhoto")
    name, content = uploaded(photo)
    assert name == "tien-do-1.png" and content.startswith(b"\x89PNG\r\n\x1a\n")
    assert photo.params["caption"] == f"Mức thực hiện chỉ tiêu — {PERIOD}"
    assert photo.params["chat_id"] == ADMIN


async def test_a_deleted_unit_leaves_the_summary_even_when_its_name_returns(
    bot: BotDriver,
) -> None:
    asked = await bot.send("/donvi xoa Thôn 1", ADMIN)
    await bot.press(asked.button("Xóa đơn vị"), ADMIN, on=asked.messages[0])
    text = (await bot.send("/tonghop", ADMIN)).text
    assert "Đơn vị đã báo cáo đủ số liệu: 0/2" in text
    assert "Đơn vị chưa báo cáo đủ (2/2): Thôn 2, Thôn 3 (chưa gửi số nào)." in text
    assert "• Trồng cây phân tán: tổng 8.000 / 58.000 cây (13,8%)" in text
    await bot.send("/donvi them Thôn 1", ADMIN)  # a new unit with the old name starts empty
    text = (await bot.send("/tonghop", ADMIN)).text
    assert "Đơn vị chưa báo cáo đủ (3/3): Thôn 1 (chưa gửi số nào), Thôn 2, Thôn 3 (chưa" in text


async def test_tonghop_without_figures_sends_no_chart(
    settings: Settings, database: Database
) -> None:
    async with running_bot(settings, database) as bare:
        assert (await bare.send("/tonghop", ADMIN)).text == NO_PLAN_TEXT
        await bare.load_plan()
        await bare.unit("Thôn 1")
        replies = await bare.send("/tonghop", ADMIN)
        assert "Đơn vị đã báo cáo đủ số liệu: 0/1" in replies.text
        assert "Đơn vị chưa báo cáo đủ (1/1): Thôn 1 (chưa gửi số nào)." in replies.text
        assert replies.api("sendPhoto") == []


async def test_xuatbaocao_sends_a_workbook_and_a_word_draft(bot: BotDriver) -> None:
    assert (await bot.send("/xuatbaocao", AN)).text == NOT_ADMIN_TEXT
    usage = await bot.send("/xuatbaocao quy", ADMIN)
    assert usage.text == "Cách dùng: /xuatbaocao 6thang hoặc /xuatbaocao nam."
    assert usage.api("sendDocument") == []

    replies = await bot.send("/xuatbaocao 6thang", ADMIN)
    workbook_call, draft_call = replies.api("sendDocument")
    assert workbook_call.params["caption"] == f"Bảng tổng hợp tiến độ — {PERIOD}"
    name, content = uploaded(workbook_call)
    assert name == "tien-do-2025-6thang.xlsx"
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Tổng hợp", "Chi tiết"]

    summary = sheet_rows(workbook, "Tổng hợp")
    assert summary[1][0] == "Kế hoạch 27/KH-UBND"
    assert summary[2][0] == f"Kỳ báo cáo: {PERIOD}"
    header = summary[5]
    assert header[:9] == (
        "TT",
        "Chỉ tiêu",
        "ĐVT",
        "Điều kiện",
        "Kế hoạch",
        "Thực hiện (cả xã)",
        "So với kế hoạch",
        "Đơn vị đã báo cáo",
        "Đánh giá",
    )
    assert header[-3:] == ("Thôn 1", "Thôn 2", "Thôn 3")
    trees = next(row for row in summary if row[1] == "Trồng cây phân tán")
    # Real numbers: 35,3% is the number 0,353 shown as a percentage.
    assert trees[2:9] == ("cây", None, 58000, 20500, 0.353, "2/3", "chưa đủ số liệu")
    assert trees[-3:] == (12500, 8000, None)
    note = "Đơn vị chưa báo cáo đủ (3/3): Thôn 1, Thôn 2, Thôn 3 (chưa gửi số nào)."
    assert any(v == note for row in summary for v in row)

    details = sheet_rows(workbook, "Chi tiết")
    assert (
        "Thôn 1",
        "(1)",
        "Trồng cây phân tán",
        12500,
        "cây",
        "Nguyễn Văn An",
        "01/06/2025 08:00",
    ) in details
    assert next(r[:2] for r in details if r[3] == 0.96) == ("Thôn 2", "(4)")

    assert draft_call.params["caption"].startswith("Dự thảo báo cáo")
    name, content = uploaded(draft_call)
    assert name == "du-thao-bao-cao-2025-6thang.docx"
    draft = Document(io.BytesIO(content))
    paragraphs = [p.text for p in draft.paragraphs]
    assert f"Sơ kết công tác thi đua, khen thưởng {PERIOD}" in paragraphs
    assert "Đơn vị chưa báo cáo đủ (3/3): Thôn 1, Thôn 2, Thôn 3 (chưa gửi số nào)." in paragraphs
    assert any("có 0/3 đơn vị đã báo cáo đủ số liệu" in p for p in paragraphs)
    assert any(p.startswith("Thực hiện Kế hoạch số 27/KH-UBND") for p in paragraphs)
    rows = [[cell.text for cell in row.cells] for table in draft.tables for row in table.rows]
    partial = ["cây", "58.000", "20.500\n(2/3 đơn vị)", "35,3%", "chưa đủ số liệu"]
    assert ["1", "Trồng cây phân tán", *partial] in rows
    # Sub-targets stand under their compound line's row, with their own name.
    pigs = next(i for i, row in enumerate(rows) if row[1] == "Đàn lợn")
    assert rows[pigs][0] == "-" and rows[pigs][3:5] == ["4.200", "2.300\n(1/3 đơn vị)"]
    assert any(row[:2] == ["2", "Chăn nuôi"] for row in rows[:pigs])


@pytest.mark.parametrize("word", ["nam", "năm", "NĂM"])
async def test_xuatbaocao_nam_in_june_exports_last_year(bot: BotDriver, word: str) -> None:
    replies = await bot.send(f"/xuatbaocao {word}", ADMIN)
    names = [uploaded(call)[0] for call in replies.api("sendDocument")]
    assert names == ["tien-do-2024-nam.xlsx", "du-thao-bao-cao-2024-nam.docx"]
    draft = Document(io.BytesIO(uploaded(replies.api("sendDocument")[1])[1]))
    paragraphs = [p.text for p in draft.paragraphs]
    assert "Tổng kết công tác thi đua, khen thưởng năm 2024" in paragraphs
    # This year's figures belong to the six-month period, not to last year's report.
    assert (
        "Đơn vị chưa báo cáo đủ (3/3): Thôn 1 (chưa gửi số nào), Thôn 2 (chưa gửi số nào), "
        "Thôn 3 (chưa gửi số nào)."
    ) in paragraphs


async def test_word_draft_lists_targets_with_their_number_once(bot: BotDriver) -> None:
    replies = await bot.send("/xuatbaocao 6thang", ADMIN)
    draft = Document(io.BytesIO(uploaded(replies.api("sendDocument")[1])[1]))
    paragraphs = [p.text for p in draft.paragraphs]
    assert not any("(1) (1)" in p or "((" in p for p in paragraphs), paragraphs
    cells = [row.cells[:2] for table in draft.tables for row in table.rows]
    assert ["1", "Trồng cây phân tán"] in [[c.text for c in pair] for pair in cells]


async def test_tonghop_takes_a_period(bot: BotDriver) -> None:
    last_year = await bot.send("/tonghop năm", ADMIN)  # June 2025: last year's annual period
    assert last_year.text.startswith("Tổng hợp tiến độ — năm 2024")
    wrong = await bot.send("/tonghop thôn 1", ADMIN)
    assert wrong.text == "Cách dùng: /tonghop 6thang hoặc /tonghop nam."


async def test_danhgia_sets_a_qualitative_status_every_view_shows(bot: BotDriver) -> None:
    listing = (await bot.send("/danhgia", AN)).text
    assert "• (14) Phòng cháy rừng: chưa báo cáo" in listing
    assert "/danhgia 14 dat" in listing
    assert (await bot.send("/danhgia 14 chắc là đạt", AN)).text == (
        "Ghi dat hoặc chuadat sau số chỉ tiêu."
    )
    wrong = await bot.send("/danhgia 3 dat", AN)  # a target with a figure is reported as such
    assert wrong.text == "Không có chỉ tiêu định tính số «3». Gõ /danhgia để xem."
    assert (await bot.send("/danhgia 14 dat", CUONG)).text == re.sub(r"<[^>]+>", "", NOT_MEMBER)

    saved = await bot.send("/danhgia 14 đạt", AN)
    assert saved.text == "Đã ghi: (14) Phòng cháy rừng — đạt, 6 tháng đầu năm 2025 (đơn vị Thôn 1)."
    summary = (await bot.send("/tonghop", ADMIN)).text
    assert "• Phòng cháy rừng: đạt ✅ (" in summary and "(Thôn 1), " in summary
    # The officer's later word stands; the earlier one stays in the history.
    assert "chưa đạt" in (await bot.send("/danhgia 14 chuadat", ADMIN)).text
    assert "• Phòng cháy rừng: chưa đạt ❌" in (await bot.send("/tonghop", ADMIN)).text
    draft = Document(
        io.BytesIO(uploaded((await bot.send("/xuatbaocao", ADMIN)).api("sendDocument")[1])[1])
    )
    rows = [[c.text for c in row.cells] for table in draft.tables for row in table.rows]
    assert ["14", "Phòng cháy rừng", "", "định tính", "chưa đạt", "", "chưa đạt"] in rows


async def test_sochung_makes_a_units_rate_the_commune_figure(bot: BotDriver) -> None:
    assert (await bot.send("/sochung Thôn 2", AN)).text == NOT_ADMIN_TEXT
    assert "chưa có" in (await bot.send("/sochung", ADMIN)).text
    marked = await bot.send("/sochung thon 2", ADMIN)
    assert marked.text.startswith("Thôn 2 báo cáo số chung của cả xã")
    assert (await bot.send("/sochung", ADMIN)).text.startswith(
        "Đơn vị báo cáo số chung của xã: Thôn 2."
    )
    text = (await bot.send("/tonghop", ADMIN)).text
    assert (
        "• Tỷ lệ người dân tham gia bảo hiểm y tế: 96% / tối thiểu 95% (số chung, Thôn 2); "
        "các đơn vị: 87,5% (Thôn 1) — 1/2 đơn vị đã báo cáo, đạt ✅"
    ) in text
    # Counts still add up over the other units only.
    assert "tổng 12.500 / 58.000 cây" in text
    assert "/sochung tên đơn vị" not in text  # the commune figure is there: no hint
    assert (await bot.send("/sochung bo Thôn 2", ADMIN)).text == (
        "Thôn 2 không còn là đơn vị báo cáo số chung của xã."
    )
    assert "không tìm thấy" in (await bot.send("/sochung Thôn 9", ADMIN)).text.lower()
    for bare in ("/sochung bo", "/sochung Bỏ"):
        assert (await bot.send(bare, ADMIN)).text.startswith("Cách dùng: /sochung bo tên đơn vị")


async def test_xuatbaocao_pdf_sends_the_draft_as_pdf_or_says_why_not(bot: BotDriver) -> None:
    replies = await bot.send("/xuatbaocao 6thang pdf", ADMIN)
    names = [uploaded(call)[0] for call in replies.api("sendDocument")]
    assert names[:2] == ["tien-do-2025-6thang.xlsx", "du-thao-bao-cao-2025-6thang.docx"]
    if libreoffice() is None:
        assert names == names[:2]
        assert "chưa cài LibreOffice" in replies.text
    else:
        assert names[2] == "du-thao-bao-cao-2025-6thang.pdf"
        assert uploaded(replies.api("sendDocument")[2])[1].startswith(b"%PDF")


def test_a_part_of_a_compound_line_is_named_by_its_own_key_in_verdicts() -> None:
    part = Target("8.4", "(8)", "Huyện đạt chuẩn NTM", None, None, Qualifier.EXACT, "II", "", "8")
    line = Target("19", "(19)", "Giảm tai nạn giao thông", None, None, Qualifier.EXACT, "II", "")
    assert (verdict_marker(part), verdict_marker(line)) == ("(8.4)", "(19)")
