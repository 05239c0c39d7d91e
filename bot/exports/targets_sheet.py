"""The plan's targets as an .xlsx the officer edits (or a blank template to fill), and the
reading of that sheet when it comes back.

Figures are written as Vietnamese text ("58.000", "1,5"), which reads the same in every
spreadsheet locale; read back, a numeric cell and a text cell are both accepted. Reading
checks every row and reports each problem with its row number and column; it changes
nothing itself (see :func:`bot.targets.apply_sheet`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from bot.core.numbers import NumberError, format_number, parse_number
from bot.core.plan import Direction, Qualifier, Scope, Target
from bot.core.text import collapse_spaces, fold
from bot.errors import InvalidInput

__all__ = [
    "HEADER",
    "SHEET_TARGETS",
    "SheetProblem",
    "SheetRow",
    "build_targets_sheet",
    "read_targets_sheet",
]

SHEET_TARGETS = "Chỉ tiêu"
SHEET_HELP = "Hướng dẫn"
COL_KEY, COL_NAME, COL_VALUE, COL_MEASURE = "Số", "Chỉ tiêu", "Con số", "Đơn vị tính"
COL_QUALIFIER, COL_DIRECTION, COL_SCOPE = "Cách tính", "Chiều đánh giá", "Ai báo cáo"
COL_TEXT, COL_REMOVE = "Nội dung (không phải số)", "Bỏ (ghi x)"
HEADER = (
    COL_KEY,
    COL_NAME,
    COL_VALUE,
    COL_MEASURE,
    COL_QUALIFIER,
    COL_DIRECTION,
    COL_SCOPE,
    COL_TEXT,
    COL_REMOVE,
)
_WIDTHS = (8, 60, 14, 22, 12, 16, 12, 30, 10)
_HELP_WIDTH = 100
MAX_ROWS = 500  # a plan has tens of targets; more rows than this is not a targets sheet
MAX_FILE_BYTES = 2 * 1024 * 1024

QUALIFIER_LABELS = {
    Qualifier.EXACT: "đúng",
    Qualifier.ABOUT: "khoảng",
    Qualifier.AT_LEAST: "tối thiểu",
    Qualifier.MORE_THAN: "trên",
    Qualifier.AT_MOST: "không quá",
    Qualifier.REDUCE: "giảm",
    Qualifier.INCREASE: "tăng",
}
DIRECTION_LABELS = {
    Direction.HIGHER: "cao",
    Direction.LOWER: "thấp",
    Direction.CEILING: "trần",
    Direction.QUALITATIVE: "định tính",
}
SCOPE_LABELS = {Scope.UNITS: "đơn vị", Scope.COMMUNE: "xã"}

_HELP = (
    "Cách dùng bảng chỉ tiêu",
    "",
    "• Mỗi dòng của trang «Chỉ tiêu» là một chỉ tiêu. Cột «Số» là số của chỉ tiêu (5, 5.1 …): "
    "giữ nguyên số để sửa chỉ tiêu đó; các số liệu đã báo cáo vẫn gắn với nó.",
    "• Thêm chỉ tiêu: thêm một dòng, để trống cột «Số» (bot lấy số tiếp theo) hoặc ghi số "
    "mới; ghi 5.3 để thêm phần thứ ba của chỉ tiêu 5.",
    "• Bỏ chỉ tiêu: ghi x vào cột «Bỏ». Dòng bị xóa khỏi bảng thì chỉ tiêu giữ nguyên.",
    "• «Con số»: chỉ ghi số (58.000 hoặc 1,5). Chỉ tiêu không có số thì để trống và ghi "
    "vào cột «Nội dung».",
    "• «Cách tính»: đúng, khoảng, tối thiểu, trên, không quá, giảm, tăng (trống là đúng).",
    "• «Chiều đánh giá»: cao (càng cao càng tốt), thấp (càng thấp càng tốt), trần (không "
    "vượt quá), định tính; trống là để bot tự suy ra.",
    "• «Ai báo cáo»: đơn vị (các đơn vị báo cáo, số liệu cộng dồn) hoặc xã (một số liệu "
    "chung); trống là để bot tự suy ra.",
    "• Sửa xong, gửi lại tệp cho bot kèm chú thích /chitieu nhap. Dòng nào sai, bot chỉ rõ "
    "dòng và cột, và không thay đổi gì cho đến khi tệp không còn lỗi.",
)


def _figure_text(value: Decimal | None) -> str:
    return "" if value is None else format_number(value, max_decimals=4)


def build_targets_sheet(
    targets: Sequence[Target],
    *,
    title: str,
    direction_of: Any = None,
    scope_of: Any = None,
) -> bytes:
    """The workbook: a "Chỉ tiêu" sheet (one row per target, *title* above the header) and a
    "Hướng dẫn" sheet. An empty *targets* gives the blank template. *direction_of* and
    *scope_of* fill the columns with the inferred values when the target sets none."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET_TARGETS
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(list(HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    headings = {t.parent_key for t in targets if t.parent_key}
    for target in targets:
        direction = target.direction or (direction_of(target) if direction_of else None)
        scope = target.scope or (scope_of(target) if scope_of else None)
        if target.key in headings and target.value is None and not target.text_value:
            direction = scope = None  # a heading over its parts: the parts carry these
        sheet.append(
            [
                target.key,
                target.name,
                _figure_text(target.value),
                target.measure or "",
                QUALIFIER_LABELS[target.qualifier],
                DIRECTION_LABELS[direction] if direction else "",
                SCOPE_LABELS[scope] if scope else "",
                target.text_value or "",
                "",
            ]
        )
    for index, width in enumerate(_WIDTHS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    for row, target in zip(sheet.iter_rows(min_row=3, max_col=len(HEADER)), targets, strict=True):
        for cell in row:
            cell.number_format = "@"  # text: "5.1" must not become the number 5,1
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if target.parent_key:  # a part of a compound target, set in under its heading
            row[1].alignment = Alignment(wrap_text=True, vertical="top", indent=2)
        # Spreadsheets do not grow a row for wrapped text written by a program: size it.
        lines = max(
            -(-len(target.name) // (_WIDTHS[1] - 4)),
            -(-len(target.text_value or "") // (_WIDTHS[7] - 2)),
            -(-len(target.measure or "") // (_WIDTHS[3] - 2)),
            1,
        )
        sheet.row_dimensions[row[0].row].height = 15 * lines
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "2:2"
    last = max(sheet.max_row, 2) + 200
    _choices(sheet, "E", QUALIFIER_LABELS.values(), last)
    _choices(sheet, "F", DIRECTION_LABELS.values(), last)
    _choices(sheet, "G", SCOPE_LABELS.values(), last)
    sheet.freeze_panes = "C3"
    help_sheet = book.create_sheet(SHEET_HELP)
    help_sheet.column_dimensions["A"].width = _HELP_WIDTH
    for line in _HELP:
        help_sheet.append([line])
        cell = help_sheet.cell(row=help_sheet.max_row, column=1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        help_sheet.row_dimensions[cell.row].height = 15 * max(
            1, -(-len(line) // (_HELP_WIDTH - 10))
        )
    help_sheet["A1"].font = Font(bold=True)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(sheet: Any, column: str, labels: Any, last: int) -> None:
    """A drop-down of *labels* on *column* (typing another value is still checked on reading)."""
    validation = DataValidation(
        type="list", formula1='"' + ",".join(labels) + '"', allow_blank=True, showErrorMessage=False
    )
    sheet.add_data_validation(validation)
    validation.add(f"{column}3:{column}{last}")


# ---------------------------------------------------------------- reading it back


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One target row as the officer left it."""

    row: int  # the row number in the sheet, as the officer sees it
    key: str | None  # None: a new target, numbered by the bot
    name: str
    value: Decimal | None
    measure: str | None
    qualifier: Qualifier
    direction: Direction | None
    scope: Scope | None
    text_value: str | None
    remove: bool


@dataclass(frozen=True, slots=True)
class SheetProblem:
    """What is wrong in one cell (or row) of the sheet."""

    row: int
    column: str
    message: str


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return collapse_spaces(str(value))


def _lookup(labels: dict[Any, str], text: str) -> Any:
    wanted = fold(text)
    return next((item for item, label in labels.items() if fold(label) == wanted), None)


def _header_row(rows: list[tuple[object, ...]]) -> int | None:
    wanted = [fold(h) for h in HEADER[:3]]
    for index, row in enumerate(rows[:10]):
        if [fold(_text(c)) for c in row[:3]] == wanted:
            return index
    return None


def _number(cell: object) -> Decimal:
    if isinstance(cell, bool):
        raise NumberError("không phải số", str(cell))
    if isinstance(cell, int | float):
        try:
            return Decimal(str(cell)).normalize() if isinstance(cell, float) else Decimal(cell)
        except InvalidOperation:
            raise NumberError("không phải số", str(cell)) from None
    return parse_number(_text(cell))


def read_targets_sheet(data: bytes) -> tuple[list[SheetRow], list[SheetProblem]]:
    """The rows of a returned targets sheet and every problem found in them. Raises
    :class:`InvalidInput` when the file is not such a sheet at all."""
    if len(data) > MAX_FILE_BYTES:
        raise InvalidInput("Tệp lớn hơn 2 MB; bảng chỉ tiêu không lớn như vậy.")
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise InvalidInput(
            "Không mở được tệp này như một bảng tính .xlsx. Hãy gửi lại đúng tệp đã tải bằng "
            "/chitieu excel (hoặc /chitieu mau), lưu dạng .xlsx."
        ) from None
    sheet = book[SHEET_TARGETS] if SHEET_TARGETS in book.sheetnames else book.worksheets[0]
    rows = [tuple(r) for r in sheet.iter_rows(max_col=len(HEADER), values_only=True)]
    book.close()
    header = _header_row(rows)
    if header is None:
        raise InvalidInput(
            "Không thấy dòng tiêu đề «Số | Chỉ tiêu | Con số …» của bảng chỉ tiêu. Hãy dùng tệp "
            "tải bằng /chitieu excel hoặc /chitieu mau và giữ nguyên các cột."
        )
    body = [(header + 2 + i, r) for i, r in enumerate(rows[header + 1 :])]
    body = [(n, r) for n, r in body if any(_text(c) for c in r)]
    if len(body) > MAX_ROWS:
        raise InvalidInput(f"Bảng có {len(body)} dòng; tối đa {MAX_ROWS} chỉ tiêu một lần.")
    result: list[SheetRow] = []
    problems: list[SheetProblem] = []
    for number, cells in body:
        row, found = _read_row(number, (*cells, *([None] * len(HEADER)))[: len(HEADER)])
        problems += found
        if row is not None:
            result.append(row)
    return result, problems


def _read_row(number: int, cells: tuple[object, ...]) -> tuple[SheetRow | None, list[SheetProblem]]:
    key_text, name, value_cell, measure, qualifier_text, direction_text, scope_text, text, cut = (
        cells
    )
    problems: list[SheetProblem] = []

    def bad(column: str, message: str) -> None:
        problems.append(SheetProblem(number, column, message))

    key = _text(key_text).strip("()").rstrip(".") or None
    if key is not None and not all(part.isdigit() and len(part) <= 3 for part in key.split(".")):
        bad(COL_KEY, f"«{_text(key_text)}» không phải số chỉ tiêu (ví dụ 5 hoặc 5.1).")
    remove = fold(_text(cut)) in {"x", "bo", "xoa", "co"}
    if _text(cut) and not remove:
        bad(COL_REMOVE, f"ghi x để bỏ chỉ tiêu, hoặc để trống (đang ghi «{_text(cut)}»).")
    if not _text(name) and not remove:
        bad(COL_NAME, "thiếu tên chỉ tiêu.")
    value: Decimal | None = None
    if _text(value_cell).endswith("%") and _text(measure) in {"", "%"}:
        value_cell, measure = _text(value_cell).removesuffix("%").strip(), "%"  # "97,5%"
    if _text(value_cell):
        try:
            value = _number(value_cell)
        except NumberError:
            bad(COL_VALUE, f"«{_text(value_cell)}» không phải một con số (ví dụ 58.000 hoặc 1,5).")
    qualifier = Qualifier.EXACT
    if _text(qualifier_text):
        qualifier = _lookup(QUALIFIER_LABELS, _text(qualifier_text))
        if qualifier is None:
            choices = ", ".join(QUALIFIER_LABELS.values())
            bad(COL_QUALIFIER, f"«{_text(qualifier_text)}» không phải một trong: {choices}.")
    direction = _lookup(DIRECTION_LABELS, _text(direction_text)) if _text(direction_text) else None
    if _text(direction_text) and direction is None:
        choices = ", ".join(DIRECTION_LABELS.values())
        bad(COL_DIRECTION, f"«{_text(direction_text)}» không phải một trong: {choices}.")
    scope = _lookup(SCOPE_LABELS, _text(scope_text)) if _text(scope_text) else None
    if _text(scope_text) and scope is None:
        bad(COL_SCOPE, f"«{_text(scope_text)}» không phải «đơn vị» hoặc «xã».")
    if key is None and remove:
        bad(COL_REMOVE, "dòng chưa có số chỉ tiêu thì không có gì để bỏ.")
    if problems:
        return None, problems
    return (
        SheetRow(
            row=number,
            key=key,
            name=_text(name),
            value=value,
            measure=_text(measure) or None,
            qualifier=qualifier if qualifier is not None else Qualifier.EXACT,
            direction=direction,
            scope=scope,
            text_value=_text(text) or None,
            remove=remove,
        ),
        [],
    )
