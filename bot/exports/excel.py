"""The progress workbook (.xlsx): "Tổng hợp", "Chi tiết" and "Số liệu" sheets.

Spreadsheet number formats follow the viewer's locale, so "12500" shows as "12,500" on an
English machine. The first two sheets therefore hold figures as Vietnamese-formatted text
("12.500", "21,6%"), which reads the same everywhere; "Số liệu" holds the real numbers for
officers who want to compute.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, tzinfo
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from bot.core.numbers import format_number
from bot.core.progress import ProgressTable, TargetInfo, percent_of_target
from bot.exports import (
    DISPLAY_TZ,
    completion,
    format_moment,
    percent_text,
    plan_number,
    target_name,
)

__all__ = ["SHEET_DETAILS", "SHEET_RAW", "SHEET_SUMMARY", "build_workbook"]

SHEET_SUMMARY = "Tổng hợp"
SHEET_DETAILS = "Chi tiết"
SHEET_RAW = "Số liệu"
DETAIL_HEADER = (
    "Đơn vị",
    "Số",
    "Chỉ tiêu",
    "Số liệu",
    "Đơn vị tính",
    "% chỉ tiêu",
    "Người báo cáo",
    "Thời gian báo cáo",
)
HEADER_ROW = 6  # rows 1–4 carry the title block, row 5 is a spacer

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_WRAP = Alignment(wrap_text=True, vertical="top")
_RIGHT = Alignment(horizontal="right", vertical="top")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MIN_WIDTH, _MAX_WIDTH, _NAME_WIDTH = 8.0, 30.0, 48.0


def _number(value: Decimal) -> int | float:
    """A spreadsheet number: integers stay exact, others become floats."""
    return int(value) if value == value.to_integral_value() else float(value)


def _title_block(ws: Any, title: str, table: ProgressTable, tz: tzinfo) -> None:
    """Rows 1–4: what the sheet is, for which plan and period, and when it was made."""
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.cell(row=2, column=1, value=table.plan_label)
    ws.cell(row=3, column=1, value=f"Kỳ báo cáo: {table.period_label}")
    ws.cell(row=4, column=1, value=f"Ngày lập: {format_moment(table.generated_at, tz)}")


def _header(ws: Any, names: Sequence[str]) -> None:
    """The bold, shaded header row, frozen with the two label columns."""
    for column, name in enumerate(names, start=1):
        cell = ws.cell(row=HEADER_ROW, column=column, value=name)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)


_FORMULA_STARTS = frozenset("=+-@")


def _keep_as_text(cell: Any) -> None:
    """Text a spreadsheet would run as a formula (a reporter named "=HYPERLINK(…)") is
    stored as the text it is, shown without a visible quote."""
    if isinstance(cell.value, str) and cell.value[:1] in _FORMULA_STARTS:
        cell.data_type = "s"
        cell.quotePrefix = True


def _row(ws: Any, row: int, values: Sequence[object], *, text_from: int = 3) -> None:
    """One data row; columns before *text_from* are labels (wrapped), the rest figures."""
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=column, value=value)
        _keep_as_text(cell)
        cell.border = _BORDER
        cell.alignment = _WRAP if column < text_from else _RIGHT
        if isinstance(value, int | float):
            cell.number_format = "#,##0" if isinstance(value, int) else "#,##0.0##"


def _fit_columns(ws: Any, name_column: int) -> None:
    """Widths from the longest value in each column below the title block, within bounds."""
    for column in range(1, ws.max_column + 1):
        letter = get_column_letter(column)
        if column == name_column:
            ws.column_dimensions[letter].width = _NAME_WIDTH
            continue
        cells = ws.iter_rows(min_row=HEADER_ROW, min_col=column, max_col=column, values_only=True)
        longest = max((len(str(v)) for (v,) in cells if v is not None), default=0)
        ws.column_dimensions[letter].width = max(_MIN_WIDTH, min(_MAX_WIDTH, longest + 2.0))


def _summary_values(table: ProgressTable, target: TargetInfo) -> list[object]:
    done = completion(table, target)
    figures = [table.figure(u, target.key) for u in table.units]
    return [
        target.marker,
        target_name(target),
        target.measure or "",
        plan_number(target),
        *(format_number(f.value) if f is not None else "" for f in figures),
        format_number(done.total) if done.total is not None else "",
        percent_text(done.percent),
        f"{done.reported}/{len(table.units)}",
        done.status.label,
    ]


def _fill_summary(ws: Any, table: ProgressTable, tz: tzinfo) -> None:
    """Targets down, units across: plan, each unit's latest figure, total, % and status."""
    _title_block(ws, "BẢNG TỔNG HỢP TIẾN ĐỘ THỰC HIỆN CHỈ TIÊU THI ĐUA", table, tz)
    names = ["Số", "Chỉ tiêu", "Đơn vị tính", "Chỉ tiêu kế hoạch", *table.units]
    _header(ws, [*names, "Tổng cộng", "% kế hoạch", "Đơn vị đã báo cáo", "Đánh giá"])
    row = HEADER_ROW
    for row, target in enumerate(table.targets, start=HEADER_ROW + 1):
        _row(ws, row, _summary_values(table, target))
    _fit_columns(ws, name_column=2)  # before the note, which may be long and spills over
    missing = table.units_missing()
    note = (
        f"Đơn vị chưa báo cáo ({len(missing)}): {', '.join(missing)}"
        if missing
        else "Tất cả đơn vị đã báo cáo."
    )
    ws.cell(row=row + 2, column=1, value=note).font = Font(bold=True)


def _fill_details(ws: Any, table: ProgressTable, tz: tzinfo) -> None:
    """One row per latest figure: unit, target, value, who reported it and when."""
    _title_block(ws, "CHI TIẾT SỐ LIỆU CÁC ĐƠN VỊ ĐÃ BÁO CÁO", table, tz)
    _header(ws, DETAIL_HEADER)
    row = HEADER_ROW
    for unit in table.units:
        for target in table.targets:
            figure = table.figure(unit, target.key)
            if figure is None:
                continue
            row += 1
            percent = percent_text(percent_of_target(figure.value, target))
            values = [unit, target.marker, target_name(target), format_number(figure.value)]
            values += [target.measure or "", percent, figure.reporter_name]
            values.append(format_moment(figure.reported_at, tz))
            _row(ws, row, values, text_from=4)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=2)
    _fit_columns(ws, name_column=3)


def _raw_values(table: ProgressTable, target: TargetInfo) -> list[object]:
    done = completion(table, target)
    figures = [table.figure(u, target.key) for u in table.units]
    plan = _number(target.value) if target.value is not None else None
    return [
        target.marker,
        target_name(target),
        target.measure or "",
        target.qualifier.label,
        plan,
        *(_number(f.value) if f is not None else None for f in figures),
        _number(done.total) if done.total is not None else None,
        _number(done.percent) if done.percent is not None else None,
    ]


def _fill_raw(ws: Any, table: ProgressTable, tz: tzinfo) -> None:
    """The same grid as "Tổng hợp" with real numbers, to compute with."""
    _title_block(ws, "SỐ LIỆU DẠNG SỐ (ĐỂ TÍNH TOÁN)", table, tz)
    names = ["Số", "Chỉ tiêu", "Đơn vị tính", "Điều kiện", "Chỉ tiêu kế hoạch", *table.units]
    _header(ws, [*names, "Tổng cộng", "% kế hoạch"])
    for row, target in enumerate(table.targets, start=HEADER_ROW + 1):
        _row(ws, row, _raw_values(table, target), text_from=5)
    _fit_columns(ws, name_column=2)


def build_workbook(table: ProgressTable, *, tz: tzinfo = DISPLAY_TZ) -> bytes:
    """The .xlsx of *table*: summary, details (who reported when, in *tz*) and raw numbers."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = SHEET_SUMMARY
    _fill_summary(summary, table, tz)
    _fill_details(workbook.create_sheet(SHEET_DETAILS), table, tz)
    _fill_raw(workbook.create_sheet(SHEET_RAW), table, tz)
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
