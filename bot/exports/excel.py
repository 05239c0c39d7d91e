"""The progress workbook (.xlsx), ready to print: "Tổng hợp" and "Chi tiết".

Figures are real spreadsheet numbers with number formats (a rate of 50,3% is the number 0,503
shown as a percentage), so officers can compute with them and each viewer shows them in its
own locale's notation. Both sheets print on A4 landscape, fitted to the page width, with the
header row repeated on every page and panes frozen under it. The commune figure and status of
each target come from :func:`bot.core.progress.assess`, as in every other view.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, tzinfo
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from bot.core.progress import Assessment, ProgressTable, Rule, Status, TargetInfo
from bot.exports import (
    DISPLAY_TZ,
    QUALITATIVE_PLAN,
    RULES_NOTE,
    format_moment,
    missing_units_note,
    report_rows,
    spread_text,
    target_name,
)

__all__ = ["SHEET_DETAILS", "SHEET_SUMMARY", "SUMMARY_HEADER", "build_workbook"]

SHEET_SUMMARY = "Tổng hợp"
SHEET_DETAILS = "Chi tiết"
SUMMARY_HEADER = (
    "TT",
    "Chỉ tiêu",
    "ĐVT",
    "Điều kiện",
    "Kế hoạch",
    "Thực hiện (cả xã)",
    "So với kế hoạch",
    "Đơn vị đã báo cáo",
    "Đánh giá",
    "Cách tính",
    "Khoảng số liệu các đơn vị",
)
DETAIL_HEADER = (
    "Đơn vị",
    "TT",
    "Chỉ tiêu",
    "Số liệu",
    "ĐVT",
    "Người báo cáo",
    "Thời gian báo cáo",
)
HEADER_ROW = 6  # rows 1–4 carry the title block, row 5 is a spacer

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_GROUP_FILL = PatternFill("solid", fgColor="F2F2F2")
_STATUS_FILLS = {
    Status.ACHIEVED: PatternFill("solid", fgColor="C6EFCE"),
    Status.NOT_ACHIEVED: PatternFill("solid", fgColor="FFC7CE"),
    Status.PARTIAL: PatternFill("solid", fgColor="FFEB9C"),
}
_WRAP = Alignment(wrap_text=True, vertical="top")
_RIGHT = Alignment(horizontal="right", vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MIN_WIDTH, _MAX_WIDTH, _NAME_WIDTH = 7.0, 24.0, 42.0
_RULE_SHORT = {
    Rule.SUM: "tổng các đơn vị",
    Rule.WEIGHTED: "bình quân gia quyền",
    Rule.COMMUNE: "số chung của xã",
    Rule.QUALITATIVE: "định tính",
}
_LINE_POINTS = 15.0  # one line of 11 pt text
COUNT_FORMAT, DECIMAL_FORMAT, PERCENT_FORMAT = "#,##0", "#,##0.0##", "0.0%"


def _cell_number(value: Decimal, measure: str | None) -> tuple[int | float, str]:
    """A spreadsheet number and its format: 96% as 0,96 shown "96.0%"; counts exact."""
    if measure == "%":
        return float(value / 100), "0.0#%"
    if value == value.to_integral_value():
        return int(value), COUNT_FORMAT
    return float(value), DECIMAL_FORMAT


def _title_block(ws: Any, title: str, table: ProgressTable, tz: tzinfo) -> None:
    """Rows 1–4: what the sheet is, for which plan and period, and when it was made."""
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=table.plan_label)
    ws.cell(row=3, column=1, value=f"Kỳ báo cáo: {table.period_label}")
    ws.cell(row=4, column=1, value=f"Ngày lập: {format_moment(table.generated_at, tz)}")


def _header(ws: Any, names: Sequence[str], freeze_column: int) -> None:
    """The bold, shaded header row; panes frozen under it and after the label columns."""
    for column, name in enumerate(names, start=1):
        cell = ws.cell(row=HEADER_ROW, column=column, value=name)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=freeze_column)


_FORMULA_STARTS = frozenset("=+-@")


def _keep_as_text(cell: Any) -> None:
    """Text a spreadsheet would run as a formula (a reporter named "=HYPERLINK(…)") is
    stored as the text it is, shown without a visible quote."""
    if isinstance(cell.value, str) and cell.value[:1] in _FORMULA_STARTS:
        cell.data_type = "s"
        cell.quotePrefix = True


def _put(ws: Any, row: int, column: int, value: object, number_format: str = "") -> Any:
    cell = ws.cell(row=row, column=column, value=value)
    _keep_as_text(cell)
    cell.border = _BORDER
    cell.alignment = _RIGHT if isinstance(value, int | float) else _WRAP
    if number_format:
        cell.number_format = number_format
    return cell


def _page_setup(ws: Any, last_column: int) -> None:
    """A4 landscape, fitted to the page width (as many pages down as needed), the header
    row repeated on each printed page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.print_area = f"A1:{get_column_letter(last_column)}{ws.max_row}"


def _fit_columns(ws: Any, name_column: int) -> None:
    """Widths from the longest value in each column below the title block, within bounds."""
    for column in range(1, ws.max_column + 1):
        letter = get_column_letter(column)
        if column == name_column:
            ws.column_dimensions[letter].width = _NAME_WIDTH
            continue
        cells = ws.iter_rows(
            min_row=HEADER_ROW + 1, min_col=column, max_col=column, values_only=True
        )
        longest = max(
            (
                len(f"{v:,}") if isinstance(v, int) else len(str(v))
                for (v,) in cells
                if v is not None
            ),
            default=0,
        )
        header = ws.cell(row=HEADER_ROW, column=column).value or ""
        widest_word = max((len(w) for w in str(header).split()), default=0)
        width = max(_MIN_WIDTH, widest_word + 2.0, min(_MAX_WIDTH, longest + 2.0))
        if header == "ĐVT":  # "triệu đồng/người/năm" may wrap; "tỷ đồng" fits
            width = min(width, 11.0)
        ws.column_dimensions[letter].width = width


def _fit_rows(ws: Any) -> None:
    """Row heights for wrapped text: spreadsheets do not grow rows written by a program, so
    each data row gets as many lines as its longest cell needs in its column's width."""
    widths = {
        column: ws.column_dimensions[get_column_letter(column)].width or _MIN_WIDTH
        for column in range(1, ws.max_column + 1)
    }
    for row in ws.iter_rows(min_row=HEADER_ROW, max_row=ws.max_row):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and cell.coordinate not in ws.merged_cells:
                lines = max(lines, math.ceil(len(cell.value) / max(widths[cell.column] - 1, 1)))
        if lines > 1:
            ws.row_dimensions[row[0].row].height = _LINE_POINTS * min(lines, 8)


def _plan_cell(target: TargetInfo) -> tuple[object, str]:
    if target.value is None:
        return QUALITATIVE_PLAN, ""
    return _cell_number(target.value, target.measure)


def _figure_cell(done: Assessment) -> tuple[object, str]:
    """The commune figure as a number; the status for a qualitative target; else why not."""
    if done.rule is Rule.QUALITATIVE:
        return done.status.label, ""
    if done.value is None:
        return ("chưa có số chung" if done.figures else "chưa có số liệu"), ""
    return _cell_number(done.value, done.target.measure)


def _summary_row(ws: Any, row: int, done: Assessment) -> None:
    target = done.target
    plan, plan_format = _plan_cell(target)
    figure, figure_format = _figure_cell(done)
    percent = float(done.percent / 100) if done.percent is not None else None
    coverage = None if done.rule is Rule.QUALITATIVE else f"{done.reported}/{done.expected}"
    values: list[tuple[object, str]] = [
        (target.marker, ""),
        (target_name(target), ""),
        (target.measure or "", ""),
        (target.qualifier.label if target.value is not None else "", ""),
        (plan, plan_format),
        (figure, figure_format),
        (percent, PERCENT_FORMAT),
        (coverage, ""),
        (done.status.label, ""),
        (_RULE_SHORT[done.rule] + (f": {done.source}" if done.source else ""), ""),
        (spread_text(done) if done.rule is not Rule.SUM else "", ""),
    ]
    for column, (value, number_format) in enumerate(values, start=1):
        _put(ws, row, column, value, number_format)
    fill = _STATUS_FILLS.get(done.status)
    if fill is not None:
        ws.cell(row=row, column=9).fill = fill


def _group_row(ws: Any, row: int, title: str, width: int) -> None:
    cell = ws.cell(row=row, column=1, value=title)
    cell.font = Font(bold=True)
    for column in range(1, width + 1):
        ws.cell(row=row, column=column).fill = _GROUP_FILL
        ws.cell(row=row, column=column).border = _BORDER
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)


def _fill_summary(ws: Any, table: ProgressTable, tz: tzinfo) -> None:
    """One row per target: plan, commune figure, % of plan, coverage, status, rule, range;
    then one column per unit with its own figure."""
    _title_block(ws, "BẢNG TỔNG HỢP KẾT QUẢ THỰC HIỆN CHỈ TIÊU THI ĐUA", table, tz)
    names = [*SUMMARY_HEADER, *table.units]
    _header(ws, names, freeze_column=3)
    rows = report_rows(table)
    show_groups = len({done.target.section for done in rows}) > 1
    row, section = HEADER_ROW, None
    for done in rows:
        if show_groups and done.target.section != section:
            section = done.target.section
            row += 1
            _group_row(ws, row, section or "Chỉ tiêu khác", len(names))
        row += 1
        _summary_row(ws, row, done)
        for offset, unit in enumerate(table.units):
            figure = table.figure(unit, done.target.key)
            value, number_format = (
                _cell_number(figure.value, done.target.measure) if figure else (None, "")
            )
            _put(ws, row, len(SUMMARY_HEADER) + 1 + offset, value, number_format)
    _fit_columns(ws, name_column=2)
    note = missing_units_note(table)
    _fit_rows(ws)
    ws.cell(row=row + 2, column=1, value=note).font = Font(bold=True)
    rules = ws.cell(row=row + 3, column=1, value=RULES_NOTE)
    rules.font = Font(italic=True)
    rules.alignment = _WRAP
    # Wrapped across the table's width, so the note prints inside the page.
    ws.merge_cells(start_row=row + 3, start_column=1, end_row=row + 3, end_column=len(names))
    ws.row_dimensions[row + 3].height = _LINE_POINTS * 3
    _page_setup(ws, len(names))


def _fill_details(ws: Any, table: ProgressTable, tz: tzinfo) -> None:
    """One row per latest figure: unit, target, value, who reported it and when."""
    _title_block(ws, "CHI TIẾT SỐ LIỆU CÁC ĐƠN VỊ ĐÃ BÁO CÁO", table, tz)
    _header(ws, DETAIL_HEADER, freeze_column=2)
    row = HEADER_ROW
    for unit in table.units:
        for target in table.targets:
            figure = table.figure(unit, target.key)
            if figure is None:
                continue
            row += 1
            value, number_format = _cell_number(figure.value, target.measure)
            cells: list[tuple[object, str]] = [
                (unit, ""),
                (target.marker, ""),
                (target_name(target), ""),
                (value, number_format),
                (target.measure or "", ""),
                (figure.reporter_name, ""),
                (format_moment(figure.reported_at, tz), ""),
            ]
            for column, (content, content_format) in enumerate(cells, start=1):
                _put(ws, row, column, content, content_format)
    _fit_columns(ws, name_column=3)
    _fit_rows(ws)
    _page_setup(ws, len(DETAIL_HEADER))


def build_workbook(table: ProgressTable, *, tz: tzinfo = DISPLAY_TZ) -> bytes:
    """The .xlsx of *table*: the summary by target and the details (who reported when)."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SHEET_SUMMARY
    _fill_summary(summary, table, tz)
    _fill_details(workbook.create_sheet(SHEET_DETAILS), table, tz)
    workbook.properties.creator = "thidua-bot"
    workbook.properties.title = f"Tiến độ chỉ tiêu thi đua — {table.period_label}"
    created = table.generated_at
    if created.tzinfo is not None:  # openpyxl stores naive UTC
        workbook.properties.created = created.astimezone(UTC).replace(tzinfo=None)
    else:
        workbook.properties.created = created
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
