"""The Excel round trip of targets: the sheet the bot sends, the checks on the sheet that
comes back (every bad row named, nothing changed), and the changes it makes, with reported
figures staying on their targets."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bot.config import Settings
from bot.exports.targets_sheet import HEADER, SHEET_TARGETS, read_targets_sheet
from handlers.common import NOT_ADMIN_TEXT
from storage.db import Database
from storage.models import PlanTarget
from tests.support.driver import ADMIN, AN, BotDriver, running_bot
from tests.support.fake_bot_api import ApiCall


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        yield driver


def uploaded(call: ApiCall) -> tuple[str, bytes]:
    [(part, content)] = call.files.items()
    return call.filenames[part], content


def rows_of(data: bytes) -> list[tuple[Any, ...]]:
    book = load_workbook(io.BytesIO(data))
    return [tuple(r) for r in book[SHEET_TARGETS].iter_rows(values_only=True)]


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    page = book.active
    assert page is not None
    page.title = SHEET_TARGETS
    page.append(["Chỉ tiêu — thử"])
    page.append(list(HEADER))
    for row in rows:
        page.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def fetch_sheet(bot: BotDriver) -> bytes:
    replies = await bot.send("/chitieu excel", ADMIN)
    [call] = replies.api("sendDocument")
    name, data = uploaded(call)
    assert name == "chi-tieu.xlsx"
    return data


async def test_the_sheet_lists_every_target_with_direction_and_scope(bot: BotDriver) -> None:
    await bot.load_plan()
    rows = rows_of(await fetch_sheet(bot))
    assert rows[1] == HEADER
    by_key = {r[0]: r for r in rows[2:]}
    assert by_key["1"][:9] == (
        "1", "Trồng cây phân tán", "58.000", "cây", "đúng", "cao", "đơn vị", None, None
    )  # fmt: skip
    assert by_key["2.1"][1:4] == ("Đàn lợn", "4.200", "con")
    assert by_key["7"][2:7] == ("1,5", "%", "không quá", "trần", "xã")
    assert by_key["14"][2] is None and by_key["14"][5] == "định tính"
    assert len(by_key) == 17

    template = await bot.send("/chitieu mau", ADMIN)
    name, data = uploaded(template.api("sendDocument")[0])
    assert name == "mau-chi-tieu.xlsx" and rows_of(data)[2:] == []
    assert (await bot.send("/chitieu excel", AN)).text == NOT_ADMIN_TEXT


async def test_edited_sheet_comes_back_and_changes_in_place(bot: BotDriver) -> None:
    await bot.load_plan()
    await bot.add_member(AN, "Thôn 1")
    await bot.send("Đã trồng được 12.500 cây phân tán", AN)
    [report] = await bot.reports()
    book = load_workbook(io.BytesIO(await fetch_sheet(bot)))
    page = book[SHEET_TARGETS]
    for row in page.iter_rows(min_row=3):
        if row[0].value == "1":
            row[2].value = 60000  # typed as a number in Excel
        if row[0].value == "5":
            row[1].value = "Giải quyết việc làm"
            row[2].value = "400"
    page.append([None, "Xây cầu dân sinh", "3", "cầu", "", "", "", "", ""])
    page.append(["2.4", "Đàn dê", "380", "con", "", "", "", "", ""])
    out = io.BytesIO()
    book.save(out)

    replies = await bot.send_file(("chi-tieu.xlsx", out.getvalue()), ADMIN, caption="/chitieu nhap")
    text = replies.text
    assert "✅ Đã cập nhật từ bảng Excel: thêm 2, sửa 2 chỉ tiêu; 15 dòng giữ nguyên." in text
    assert "(1) Trồng cây phân tán: 58.000 cây\n   → (1) Trồng cây phân tán: 60.000 cây" in text
    assert "(15) Xây cầu dân sinh: 3 cầu" in text and "(2.4) Đàn dê: 380 con" in text
    row = (await bot.rows(PlanTarget, PlanTarget.key == "1"))[0]
    assert row.id == report.target_id and row.value == 60000 and row.edited == "edited"
    [report] = await bot.reports()
    assert report.target_id == row.id
    # Sending the same sheet again does not add its new rows twice.
    again = await bot.send_file(("chi-tieu.xlsx", out.getvalue()), ADMIN, caption="/chitieu nhap")
    assert "Dòng 20, cột «Số»: đã có chỉ tiêu (15) cùng tên; ghi 15 vào cột «Số»" in again.text
    assert "Dòng 21, cột «Số»: (2.4)" not in again.text  # a known number edits, never adds
    assert len(await bot.rows(PlanTarget)) == 19


async def test_bad_rows_are_named_and_nothing_changes(bot: BotDriver) -> None:
    await bot.load_plan()
    data = sheet(
        [
            ["1", "Trồng cây phân tán", "58.000 cây", "cây", "", "", "", "", ""],
            ["3", "", "1.900", "tấn", "", "", "", "", ""],
            ["4", "BHYT", "96", "%", "ít hơn", "nghiêng", "huyện", "", ""],
            ["5", "Việc làm", "400", "người", "", "", "", "", ""],
            ["5", "Việc làm lặp", "400", "người", "", "", "", "", ""],
            ["abc", "Sai số", "1", "cây", "", "", "", "", ""],
            ["99", "Không có", "", "", "", "", "", "", "x"],
        ]
    )
    replies = await bot.send_file(("chi-tieu.xlsx", data), ADMIN, caption="/chitieu nhap")
    text = replies.text
    assert "chưa thay đổi gì" in text
    assert "Dòng 3, cột «Con số»: «58.000 cây» không phải một con số" in text
    assert "Dòng 4, cột «Chỉ tiêu»: thiếu tên chỉ tiêu." in text
    assert "Dòng 5, cột «Cách tính»: «ít hơn» không phải một trong: đúng, khoảng" in text
    assert "Dòng 5, cột «Chiều đánh giá»: «nghiêng»" in text
    assert "Dòng 5, cột «Ai báo cáo»: «huyện» không phải «đơn vị» hoặc «xã»." in text
    assert "Dòng 8, cột «Số»: «abc» không phải số chỉ tiêu" in text
    rows = await bot.rows(PlanTarget, PlanTarget.key.in_(["1", "3", "4", "5"]))
    assert [r.edited for r in rows] == [None, None, None, None]

    # Rows fine on their own but wrong for the plan: also named, also nothing changed.
    data = sheet(
        [
            ["5", "Việc làm", "400", "người", "", "", "", "", ""],
            ["5", "Việc làm lặp", "400", "người", "", "", "", "", ""],
            ["99", "Không có", "", "", "", "", "", "", "x"],
            ["30.1", "Con mồ côi", "1", "cây", "", "", "", "", ""],
        ]
    )
    text = (await bot.send_file(("chi-tieu.xlsx", data), ADMIN, caption="/chitieu nhap")).text
    assert "Dòng 4, cột «Số»: số (5) đã có ở dòng 3." in text
    assert "Dòng 5, cột «Số»: không có chỉ tiêu (99) để bỏ." in text
    assert "Dòng 6, cột «Số»: không có chỉ tiêu (30) để thêm (30.1)." in text
    assert (await bot.rows(PlanTarget, PlanTarget.key == "5"))[0].value == 350


async def test_removing_rows_by_sheet_asks_first(bot: BotDriver) -> None:
    await bot.load_plan()
    data = sheet([["9", "Số thôn giữ vững danh hiệu", "6", "thôn", "", "", "", "", "x"]])
    asked = await bot.send_file(("chi-tieu.xlsx", data), ADMIN, caption="/chitieu nhap")
    assert "Bảng Excel sẽ bỏ 1 chỉ tiêu. Làm theo bảng này?" in asked.text
    assert not (await bot.rows(PlanTarget, PlanTarget.key == "9"))[0].retired
    done = await bot.press(asked.button("Đồng ý"), ADMIN, on=asked.messages[-1])
    assert "✅ Đã cập nhật từ bảng Excel: bỏ 1 chỉ tiêu." in done.text
    assert (await bot.rows(PlanTarget, PlanTarget.key == "9"))[0].retired


async def test_files_that_are_not_target_sheets(bot: BotDriver) -> None:
    await bot.load_plan()
    not_xlsx = await bot.send_file(("ghi-chu.txt", b"abc"), ADMIN, caption="/chitieu nhap")
    assert "không phải .xlsx" in not_xlsx.text
    broken = await bot.send_file(("hong.xlsx", b"PK\x03\x04 junk"), ADMIN, caption="/chitieu nhap")
    assert "Không mở được tệp này như một bảng tính .xlsx" in broken.text
    book = Workbook()
    out = io.BytesIO()
    book.save(out)
    other = await bot.send_file(("khac.xlsx", out.getvalue()), ADMIN, caption="/chitieu nhap")
    assert "Không thấy dòng tiêu đề" in other.text
    assert "Hãy gửi tệp .xlsx" in (await bot.send("/chitieu nhap", ADMIN)).text


def test_numbers_typed_either_way_are_read() -> None:
    rows, problems = read_targets_sheet(
        sheet(
            [
                ["1", "A", 1.5, "%", "tối thiểu", "", "", "", ""],
                ["2", "B", "1.600", "người", "Không quá", "Thấp", "Xã", "", ""],
                ["3", "C", "", "", "", "định tính", "", "Đạt chuẩn", ""],
                ["4", "D", "97,5%", "", "", "", "", "", ""],
            ]
        )
    )
    assert problems == []
    assert [str(r.value) for r in rows] == ["1.5", "1600", "None", "97.5"]
    assert rows[3].measure == "%"
    assert rows[1].direction is not None and rows[1].direction.value == "lower"
    assert rows[2].text_value == "Đạt chuẩn"
