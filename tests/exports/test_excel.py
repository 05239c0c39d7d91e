"""The progress workbook, opened back with openpyxl."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.exports.excel import HEADER_ROW, SHEET_DETAILS, SHEET_RAW, SHEET_SUMMARY, build_workbook
from tests.exports import UNITS, default_figures, make_table


def _open(data: bytes) -> Any:
    return load_workbook(BytesIO(data))


def _rows(sheet: Any) -> dict[str, dict[str, Any]]:
    """Data rows keyed by target number (column A), each as {header: value}."""
    header = [c.value for c in sheet[HEADER_ROW]]
    rows = {}
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        if row[0] is not None and row[1] is not None:
            rows[str(row[0])] = dict(zip(header, row, strict=True))
    return rows


def test_sheets_and_title_block() -> None:
    book = _open(build_workbook(make_table()))
    assert book.sheetnames == [SHEET_SUMMARY, SHEET_DETAILS, SHEET_RAW]
    summary = book[SHEET_SUMMARY]
    assert summary["A1"].value == "BẢNG TỔNG HỢP TIẾN ĐỘ THỰC HIỆN CHỈ TIÊU THI ĐUA"
    assert summary["A1"].font.bold
    assert summary["A2"].value == "Kế hoạch 21/KH-UBND"
    assert summary["A3"].value == "Kỳ báo cáo: 6 tháng đầu năm 2025"
    assert summary["A4"].value == "Ngày lập: 03/07/2025 14:05"


def test_summary_shows_vietnamese_figures_as_text() -> None:
    summary = _open(build_workbook(make_table()))[SHEET_SUMMARY]
    rows = _rows(summary)
    trees = rows["(3)"]
    assert trees["Chỉ tiêu kế hoạch"] == "58.000"
    assert (trees["Thôn 1"], trees["Thôn 2"], trees[UNITS[2]]) == ("12.500", "18.000", None)
    assert (trees["Tổng cộng"], trees["% kế hoạch"]) == ("30.500", "52,6%")
    assert trees["Đơn vị đã báo cáo"] == "2/3"
    assert rows["(9)"]["Tổng cộng"] == "1,25"
    assert rows["(5)"]["Chỉ tiêu"] == "Phát triển chăn nuôi — Lợn"
    assert rows["(5)"]["Đánh giá"] == "đạt"


def test_totals_only_where_figures_add_up() -> None:
    rows = _rows(_open(build_workbook(make_table()))[SHEET_SUMMARY])
    rate = rows["(7)"]
    assert (rate["Thôn 1"], rate["Thôn 2"]) == ("97", "92,5")
    assert rate["Tổng cộng"] is None and rate["% kế hoạch"] is None
    assert rate["Chỉ tiêu kế hoạch"] == "tối thiểu 96"
    traffic = rows["(12)"]
    assert traffic["Tổng cộng"] is None
    assert traffic["Chỉ tiêu kế hoạch"] == "không định lượng"


def test_header_is_bold_and_panes_frozen() -> None:
    summary = _open(build_workbook(make_table()))[SHEET_SUMMARY]
    assert all(c.font.bold for c in summary[HEADER_ROW] if c.value)
    assert summary.freeze_panes == f"C{HEADER_ROW + 1}"
    assert summary.column_dimensions["B"].width >= 40
    assert 8 <= summary.column_dimensions["E"].width <= 30


def test_missing_units_are_listed_under_the_table() -> None:
    summary = _open(build_workbook(make_table()))[SHEET_SUMMARY]
    texts = [c.value for c in summary["A"] if isinstance(c.value, str)]
    assert f"Đơn vị chưa báo cáo (1): {UNITS[2]}" in texts


def test_details_say_who_reported_when_in_local_time() -> None:
    details = _open(build_workbook(make_table()))[SHEET_DETAILS]
    rows = list(details.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == 6
    assert rows[0] == (
        "Thôn 1",
        "(3)",
        "Trồng mới cây phân tán",
        "12.500",
        "cây",
        "21,6%",
        "Cán bộ Thôn 1",
        "10/06/2025 08:30",
    )
    assert [r[0] for r in rows] == ["Thôn 1"] * 3 + ["Thôn 2"] * 3


def test_details_follow_the_requested_time_zone() -> None:
    data = build_workbook(make_table(), tz=ZoneInfo("UTC"))
    details = _open(data)[SHEET_DETAILS]
    assert details.cell(row=HEADER_ROW + 1, column=8).value == "10/06/2025 01:30"


def test_raw_sheet_holds_real_numbers() -> None:
    rows = _rows(_open(build_workbook(make_table()))[SHEET_RAW])
    trees = rows["(3)"]
    assert trees["Chỉ tiêu kế hoạch"] == 58000
    assert trees["Thôn 1"] == 12500 and isinstance(trees["Thôn 1"], int)
    assert trees["Tổng cộng"] == 30500
    assert trees["% kế hoạch"] == 52.6
    assert rows["(7)"]["Thôn 2"] == 92.5
    assert rows["(7)"]["Điều kiện"] == "tối thiểu"
    assert rows["(7)"]["Tổng cộng"] is None
    assert rows["(9)"]["Chỉ tiêu kế hoạch"] == 2.5


def test_raw_numbers_use_a_grouping_format() -> None:
    raw = _open(build_workbook(make_table()))[SHEET_RAW]
    cell = raw.cell(row=HEADER_ROW + 1, column=5)
    assert cell.value == 58000
    assert cell.number_format == "#,##0"


def test_an_empty_table_still_makes_a_workbook() -> None:
    table = make_table([])
    summary = _open(build_workbook(table))[SHEET_SUMMARY]
    rows = _rows(summary)
    assert rows["(3)"]["Tổng cộng"] is None
    assert rows["(3)"]["Đơn vị đã báo cáo"] == "0/3"


def test_names_that_look_like_formulas_stay_text() -> None:
    """A Telegram name is typed by anyone: "=HYPERLINK(…)" must not become a live formula."""
    [first, *rest] = default_figures()
    sneaky = replace(first, reporter_name='=HYPERLINK("http://x.example","bấm")')
    details = _open(build_workbook(make_table([sneaky, *rest])))[SHEET_DETAILS]
    cell = next(
        row[6] for row in details.iter_rows(min_row=HEADER_ROW + 1) if row[0].value == "Thôn 1"
    )
    assert cell.value == '=HYPERLINK("http://x.example","bấm")'
    assert cell.data_type == "s"
