"""The progress workbook, opened back with openpyxl: real numbers, print setup, statuses."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from io import BytesIO
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.core.progress import Verdict
from bot.exports.excel import (
    HEADER_ROW,
    PERCENT_FORMAT,
    SHEET_DETAILS,
    SHEET_SUMMARY,
    build_workbook,
)
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


def _cells(sheet: Any) -> dict[str, dict[str, Any]]:
    """Like :func:`_rows` but the cells themselves (to read number formats)."""
    header = [c.value for c in sheet[HEADER_ROW]]
    rows = {}
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if row[0].value is not None and row[1].value is not None:
            rows[str(row[0].value)] = dict(zip(header, row, strict=True))
    return rows


def test_sheets_and_title_block() -> None:
    book = _open(build_workbook(make_table()))
    assert book.sheetnames == [SHEET_SUMMARY, SHEET_DETAILS]
    summary = book[SHEET_SUMMARY]
    assert summary["A1"].value == "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA"
    assert summary["A1"].font.bold
    assert summary["A2"].value == "Kế hoạch 21/KH-UBND"
    assert summary["A3"].value == "Kỳ báo cáo: 6 tháng đầu năm 2025"
    assert summary["A4"].value == "Ngày lập: 03/07/2025 14:05"


def test_figures_are_numbers_and_rates_are_fractions_shown_as_percent() -> None:
    rows = _cells(_open(build_workbook(make_table()))[SHEET_SUMMARY])
    trees = rows["(3)"]
    assert trees["Kế hoạch"].value == 58000 and trees["Kế hoạch"].number_format == "#,##0"
    assert trees["Thực hiện (cả xã)"].value == 30500
    assert trees["So với kế hoạch"].value == 0.526
    assert trees["So với kế hoạch"].number_format == PERCENT_FORMAT
    assert trees["Thôn 1"].value == 12500 and isinstance(trees["Thôn 1"].value, int)
    insurance = rows["(7)"]
    assert insurance["Kế hoạch"].value == 0.96 and "%" in insurance["Kế hoạch"].number_format
    assert insurance["Thôn 2"].value == 0.925
    assert rows["(9)"]["Kế hoạch"].value == 2.5


def test_the_same_statuses_and_rules_as_every_view() -> None:
    rows = _rows(_open(build_workbook(make_table()))[SHEET_SUMMARY])
    assert rows["(3)"]["Đánh giá"] == "chưa đủ số liệu"
    assert rows["(3)"]["Đơn vị đã báo cáo"] == "2/3"
    assert rows["(3)"]["Cách tính"] == "tổng các đơn vị"
    # A rate: no commune figure from a sum or a mean, the units' range beside it.
    rate = rows["(7)"]
    assert rate["Thực hiện (cả xã)"] == "chưa có số chung"
    assert rate["So với kế hoạch"] is None
    assert rate["Khoảng số liệu các đơn vị"] == "92,5% (Thôn 2) – 97% (Thôn 1)"
    assert rows["(5)"]["Đánh giá"] == "chưa đủ số liệu"  # 1/3 units, over the target
    assert rows["(12)"]["Kế hoạch"] == "định tính"
    assert rows["(12)"]["Thực hiện (cả xã)"] == "chưa báo cáo"


def test_a_qualitative_status_set_by_an_officer() -> None:
    verdict = Verdict("12", achieved=True, set_by="An", set_at=datetime(2025, 6, 1, tzinfo=UTC))
    table = replace(make_table(), verdicts={"12": verdict})
    rows = _rows(_open(build_workbook(table))[SHEET_SUMMARY])
    assert rows["(12)"]["Thực hiện (cả xã)"] == "đạt" and rows["(12)"]["Đánh giá"] == "đạt"


def test_print_setup_a4_landscape_fit_to_width_repeated_header() -> None:
    book = _open(build_workbook(make_table()))
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.print_title_rows.replace("$", "") == f"{HEADER_ROW}:{HEADER_ROW}"
        assert sheet.freeze_panes is not None
        assert int(sheet.freeze_panes[1:]) == HEADER_ROW + 1


def test_header_is_bold() -> None:
    summary = _open(build_workbook(make_table()))[SHEET_SUMMARY]
    assert all(c.font.bold for c in summary[HEADER_ROW] if c.value)
    assert summary.freeze_panes == "C7"


def test_missing_units_are_listed_under_the_table() -> None:
    summary = _open(build_workbook(make_table()))[SHEET_SUMMARY]
    texts = [c.value for c in summary["A"] if isinstance(c.value, str)]
    # Each unit owes trees, money and pigs (they add up); the third sent nothing at all.
    assert f"Đơn vị chưa báo cáo đủ (3/3): Thôn 1, Thôn 2, {UNITS[2]} (chưa gửi số nào)." in texts
    assert any(t.startswith("Cách tính:") for t in texts)


def test_details_say_who_reported_when_in_local_time() -> None:
    details = _open(build_workbook(make_table()))[SHEET_DETAILS]
    rows = list(details.iter_rows(min_row=HEADER_ROW + 1, values_only=True))
    assert len(rows) == 6
    assert rows[0] == (
        "Thôn 1",
        "(3)",
        "Trồng mới cây phân tán",
        12500,
        "cây",
        "Cán bộ Thôn 1",
        "10/06/2025 08:30",
    )
    assert [r[0] for r in rows] == ["Thôn 1"] * 3 + ["Thôn 2"] * 3


def test_details_follow_the_requested_time_zone() -> None:
    data = build_workbook(make_table(), tz=ZoneInfo("UTC"))
    details = _open(data)[SHEET_DETAILS]
    assert details.cell(row=HEADER_ROW + 1, column=7).value == "10/06/2025 01:30"


def test_an_empty_table_still_makes_a_workbook() -> None:
    rows = _rows(_open(build_workbook(make_table([])))[SHEET_SUMMARY])
    assert rows["(3)"]["Thực hiện (cả xã)"] == "chưa có số liệu"
    assert rows["(3)"]["Đơn vị đã báo cáo"] == "0/3"
    assert rows["(3)"]["Đánh giá"] == "chưa báo cáo"


def test_names_that_look_like_formulas_stay_text() -> None:
    """A Telegram name is typed by anyone: "=HYPERLINK(…)" must not become a live formula."""
    [first, *rest] = default_figures()
    sneaky = replace(first, reporter_name='=HYPERLINK("http://x.example","bấm")')
    details = _open(build_workbook(make_table([sneaky, *rest])))[SHEET_DETAILS]
    cell = next(
        row[5] for row in details.iter_rows(min_row=HEADER_ROW + 1) if row[0].value == "Thôn 1"
    )
    assert cell.value == '=HYPERLINK("http://x.example","bấm")'
    assert cell.data_type == "s"
