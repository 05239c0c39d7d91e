"""Target tables of a plan: rows of cells → group rows and target rows.

Plans (wards' especially, and most .docx files) list their targets in a table:
``STT | Chỉ tiêu | ĐVT | Thực hiện năm trước | Kế hoạch năm nay | Ghi chú``, with group rows
("I | Chỉ tiêu kinh tế", or one cell spanning the row) between numbered rows, headers worded
differently in every office, a unit column or the unit in the name cell ("Trồng cây (cây)"),
and tables continued over pages that repeat their header or have none.

Columns are given roles from the header's words; the figure is read from the plan column
(kế hoạch / chỉ tiêu năm … / mục tiêu), never from last year's result or the notes. A table
without a header borrows the roles of the target table before it when it has as many
columns (a table continued on the next page), else they are guessed from the cells.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.core.measures import lookup_measure
from bot.core.text import collapse_spaces, fold

__all__ = ["TableReader", "TableRow"]


@dataclass(frozen=True, slots=True)
class TableRow:
    """One meaningful row: a group heading ("Chỉ tiêu kinh tế") or a target."""

    group: bool
    number: str  # the STT cell as written: "1", "I", "1.2", "" when none
    name: str  # the name cell, a unit in parentheses at its end removed
    value: str  # the plan figure as written ("≥ 92", "1.500", "Giảm còn 1,5"); "" for groups
    unit: str  # the unit as written ("Tỷ đồng", "%"); "" when none


@dataclass(frozen=True, slots=True)
class _Columns:
    count: int
    number: int | None
    name: int
    unit: int | None
    value: int
    subname: int | None = None  # a column the name header spans ("Chăn nuôi" | "Đàn bò")
    group: int | None = None  # a "Lĩnh vực"/"Nhóm" column before the name (merged down)


@functools.lru_cache(maxsize=4096)
def _key(cell: str) -> str:
    return collapse_spaces(re.sub(r"[^\w\s%]", " ", fold(cell[:200])))


def _holds_figure(row: Sequence[str]) -> bool:
    """A cell with a number other than a year: a data row, not a header."""
    return any(_DIGIT.search(_YEAR_HEAD.sub("", c)) for c in row)


_NUMBER_HEAD = re.compile(r"^(stt|tt|so tt|so thu tu|thu tu)$")
_UNIT_HEAD = re.compile(r"^(dvt|dv tinh|don vi tinh|don vi|dv|don vi do)$")
_NOTE_HEAD = re.compile(r"\bghi chu\b")
_DONE_HEAD = re.compile(
    r"\b(thuc hien|th|uoc th|uoc|uoc dat|ket qua|dat duoc|so sanh|so voi|cung ky|nam truoc)\b"
)
_PLAN_HEAD = re.compile(
    r"\b(ke hoach|kh|muc tieu|phan dau|dang ky|giao|chi tieu (?:nam|giao|ke hoach|\d{4}))\b"
)
_AIM_HEAD = re.compile(r"\b(phan dau|dang ky)\b")
_YEAR_HEAD = re.compile(r"\b((?:19|20)\d\d)\b")
# A column naming the group a row belongs to, left of the name column ("Lĩnh vực | STT |
# Chỉ tiêu | …"), its cell merged down over the group's rows (or repeated on each).
_GROUP_HEAD = re.compile(
    r"^(?:linh vuc|nhom|nhom chi tieu|nhom linh vuc|linh vuc nhom|khoi|nganh|nganh linh vuc|"
    r"phan|loai|loai chi tieu|lv)$"
)
_NAME_HEAD = re.compile(
    r"\b(chi tieu|noi dung|ten chi tieu|linh vuc|danh muc|hang muc|ten|cac chi tieu)\b"
)
_NUMBERING = re.compile(r"^(?:[IVXLivx]{1,5}|[A-Za-zĐđ]|\d{1,3}(?:\.\d{1,3}){0,3})[.)]?$")
_ROMAN_OR_LETTER = re.compile(r"^(?:[IVXL]{1,5}|[A-ZĐ])[.)]?$")
_UNIT_IN_NAME = re.compile(r"\s*\(([^()]{1,25})\)\s*$")
_DIGIT = re.compile(r"\d")
_RATE_NAME = re.compile(r"^(?:ty le|ti le)\b")
_FIGURE_IN_NAME = re.compile(r"\d[\d.,]*\s*(?:%|[^\W\d_])")  # "20.000 cây", "95%"


def _role_scores(header: Sequence[str]) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = {
        "number": [], "name": [], "unit": [], "plan": [], "other": [], "group": []
    }  # fmt: skip
    for i, cell in enumerate(header):
        key = _key(cell)
        if not key:
            continue
        if _NUMBER_HEAD.match(key) or _NUMBER_HEAD.match(key.replace(" ", "")):
            # "ST T", "S TT": a narrow PDF column wraps the header inside the word.
            roles["number"].append(i)
        elif _UNIT_HEAD.match(key):
            roles["unit"].append(i)
        elif _NOTE_HEAD.search(key) or _DONE_HEAD.search(key):
            roles["other"].append(i)
        elif _PLAN_HEAD.search(key) or _YEAR_HEAD.search(key):
            roles["plan"].append(i)
        elif _GROUP_HEAD.match(key):
            roles["group"].append(i)
        elif _NAME_HEAD.search(key):
            roles["name"].append(i)
    # A group column is one only beside a name column after it; alone it names the rows.
    if roles["group"] and not any(n > roles["group"][0] for n in roles["name"]):
        roles["name"] = sorted([*roles["name"], *roles["group"]])
        roles["group"] = []
    return roles


def _is_header(row: Sequence[str]) -> bool:
    if _holds_figure(row):
        return False
    roles = _role_scores(row)
    named = sum(1 for r in ("number", "name", "unit") if roles[r])
    return named + (1 if roles["plan"] else 0) >= 2


def _plan_column(header: Sequence[str], candidates: Sequence[int]) -> int | None:
    """The plan column: worded as a plan ("Kế hoạch", "Chỉ tiêu năm 2026") before a bare
    year; the commune's own aim ("Xã phấn đấu", "Đăng ký") before a figure assigned to it
    ("Huyện giao"), since that aim is what the emulation is for; then the latest year, else
    the first."""
    if not candidates:
        return None

    def rank(i: int) -> tuple[int, int, int, int]:
        key = _key(header[i])
        years = [int(y) for y in _YEAR_HEAD.findall(key)]
        aim = 1 if _AIM_HEAD.search(key) else 0
        return (1 if _PLAN_HEAD.search(key) else 0, aim, max(years, default=0), -i)

    return max(candidates, key=rank)


def _columns_from_header(header: Sequence[str]) -> _Columns | None:
    roles = _role_scores(header)
    if not roles["name"]:
        return None
    group = roles["group"][0] if roles["group"] else None
    name = next((i for i in roles["name"] if group is None or i > group), roles["name"][0])
    plan = [i for i in roles["plan"] if i != name]
    value = _plan_column(header, plan)
    if value is None:
        free = [
            i
            for i in range(len(header))
            if i != name
            and i != group
            and i not in roles["number"] + roles["unit"] + roles["other"]
        ]
        # No figure column ("TT | Nội dung chỉ tiêu"): the figure stands in the name cell.
        value = free[0] if free else name
    number = roles["number"][0] if roles["number"] else None
    unit = roles["unit"][0] if roles["unit"] else None
    after = name + 1
    spanned = after < len(header) and not header[after].strip() and after != value
    subname = after if spanned and after != unit else None
    return _Columns(len(header), number, name, unit, value, subname, group)


def _columns_guessed(rows: Sequence[Sequence[str]]) -> _Columns | None:
    """Roles from the cells of a table without a header line."""
    count = max(len(r) for r in rows)
    if count < 2:
        return None

    def share(i: int, test: re.Pattern[str] | None = None, unit: bool = False) -> float:
        cells = [r[i] for r in rows if i < len(r) and r[i]]
        if not cells:
            return 0.0
        if unit:
            hits = sum(1 for c in cells if lookup_measure(c, ocr=True) is not None)
        else:
            assert test is not None
            hits = sum(1 for c in cells if test.search(c))
        return hits / len(cells)

    number = 0 if share(0, _NUMBERING) >= 0.6 else None
    letters = [
        sum(len(re.findall(r"[^\W\d_]", r[i])) for r in rows if i < len(r)) for i in range(count)
    ]
    name = max((i for i in range(count) if i != number), key=lambda i: letters[i])
    unit = next(
        (i for i in range(count) if i not in {number, name} and share(i, unit=True) >= 0.6), None
    )
    numeric = [i for i in range(count) if i not in {number, name, unit} and share(i, _DIGIT) >= 0.5]
    if not numeric:
        return None
    return _Columns(count, number, name, unit, numeric[-1] if len(numeric) <= 2 else numeric[1])


class TableReader:
    """Reads the target tables of one document, in order (continued tables borrow roles)."""

    def __init__(self) -> None:
        self._last: _Columns | None = None

    def read(self, rows: Sequence[Sequence[str]], *, expect_targets: bool) -> list[TableRow] | None:
        """The group and target rows of *rows*, or None when it is not a target table.

        A table with a target header (a name column and a unit or plan column) is one
        anywhere; one without a header only where targets are expected or when it continues
        the previous target table.
        """
        rows = [list(r) for r in rows if any(c.strip() for c in r)]
        if not rows:
            return None
        by_units = _by_units(rows, expect_targets=expect_targets)
        if by_units is not None:
            return by_units
        columns, start = self._header(rows)
        if columns is None:
            last = self._last
            if last is not None and last.count == max(len(r) for r in rows):
                columns = last
            elif expect_targets:
                columns = _columns_guessed(rows)
            if columns is None:
                return None
        elif not expect_targets and columns.unit is None and not _plan_worded(rows, start, columns):
            return None
        self._last = columns
        return self._rows(rows[start:], columns)

    def _header(self, rows: Sequence[Sequence[str]]) -> tuple[_Columns | None, int]:
        for i, row in enumerate(rows[:3]):
            if not _is_header(row):
                continue
            header = list(row)
            end = i + 1
            # A second header line ("Năm 2025 | Năm 2026" under a merged "Kết quả"): merge.
            while end < len(rows) and end <= i + 2 and _is_subheader(rows[end]):
                width = max((len(r) for r in rows[end + 1 : end + 6]), default=len(header))
                sub = _under_spans(header, list(rows[end]), width)
                header = [
                    f"{header[j] if j < len(header) else ''} {sub[j]}".strip()
                    for j in range(max(len(header), len(sub)))
                ]
                end += 1
            header = _widened(header, rows[end:])
            columns = _columns_from_header(header)
            if columns is not None:
                return _counted(_checked(columns, rows[end:]), rows[end:]), end
        return None, 0

    def _rows(self, rows: Sequence[Sequence[str]], columns: _Columns) -> list[TableRow]:
        out: list[TableRow] = []
        previous_unit = ""
        main = ""  # the name cell merged down over sub-rows
        group = ""  # the group cell merged down (or repeated) over its rows
        for row in rows:
            if _is_header(row) or _is_subheader(row):
                continue  # the header repeated on the next page
            if columns.group is not None:
                own = _cell(row, columns.group)
                if own and own != group and not _DIGIT.search(own):
                    group = own
                    out.append(TableRow(True, "", own, "", ""))
                row = [c if i != columns.group else "" for i, c in enumerate(row)]
            if columns.subname is not None:
                row, main = _joined_name(row, columns, main)
            if out and _continues_row(out[-1], row, columns):
                out[-1] = _joined_rows(out[-1], row, columns)  # a row split by a page break
                continue
            read = _row(row, columns, previous_unit)
            if read is not None:
                out.append(read)
                if not read.group:
                    previous_unit = read.unit
        return out


# The row of a table by units that holds the commune's figure: "Toàn xã", "Cả phường",
# "Tổng cộng", "Cộng toàn xã".
_TOTAL_ROW = re.compile(
    r"^(?:(?:tong cong|tong so|tong|cong)\s+)?(?:toan|ca)\s+"
    r"(?:xa|phuong|thi tran|huyen|don vi|dia ban)(?:\s+\S+){0,3}$"
    r"|^(?:tong cong|tong so|tong|cong|tong toan bo)$"
)

_UNIT_KIND = re.compile(
    r"\b(?:thon|xom|ban|ap|to dan pho|to|khu pho|khu dan cu|don vi|co quan|chi bo|chi hoi|"
    r"truong|doan the|hoi|phuong|xa)\b"
)


def _by_units(rows: Sequence[Sequence[str]], *, expect_targets: bool) -> list[TableRow] | None:
    """A table giving each unit its share, one row per unit (thôn, tổ dân phố, cơ quan) and
    one column per target ("Trồng cây (cây)"), with a total row ("Toàn xã", "Tổng cộng"):
    the targets are the columns, the commune's figure the total row's cell, the unit the
    one the column header names. None when *rows* are not such a table."""
    start = next((i for i, r in enumerate(rows[:3]) if not _holds_figure(r)), None)
    if start is None:
        return None
    header = list(rows[start])
    body = rows[start + 1 :]
    units_row: list[str] = []
    if body and not _holds_figure(body[0]):
        units_row, body = list(body[0]), body[1:]  # a second header line with the units
    totals = [r for r in body if any(_TOTAL_ROW.match(_key(c)) for c in r[:4] if c.strip())]
    shares = [r for r in body if r not in totals and _holds_figure(r)]
    if len(totals) != 1 or len(shares) < 2:
        return None
    total = totals[0]
    roles = _role_scores(header)
    label = next(i for i, c in enumerate(total[:4]) if _TOTAL_ROW.match(_key(c)))
    if label in roles["name"] and not _UNIT_KIND.search(_key(_cell(header, label))):
        return None  # "Nội dung | Số lượng | Thành tiền" with a "Tổng cộng" row: a list
    taken = set(roles["number"] + roles["unit"] + roles["other"] + roles["plan"])
    columns = [
        i
        for i, cell in enumerate(header)
        if cell.strip() and i not in taken and _DIGIT.search(_cell(total, i))
    ]
    if len(columns) < 2 or any(_DIGIT.search(header[i]) for i in columns):
        return None
    out: list[TableRow] = []
    for k, i in enumerate(columns, start=1):
        name, unit = header[i].strip(), _cell(units_row, i)
        in_name = _UNIT_IN_NAME.search(name)
        if in_name is not None and lookup_measure(in_name.group(1), ocr=True) is not None:
            name, unit = name[: in_name.start()].strip(), unit or in_name.group(1).strip()
        out.append(TableRow(False, str(k), name, _cell(total, i), unit))
    if not expect_targets and sum(1 for r in out if r.unit) * 2 < len(out):
        return None
    return out


def _continues_row(above: TableRow, row: Sequence[str], columns: _Columns) -> bool:
    """A row with no number whose name cell goes on in lower case ("| | phân tán | cây |
    500 |") under a numbered row still missing its figure, or adding none of its own: the
    rest of a row a page cut ("| | trong đó: thóc | tấn | 5.900 |" is a part, not this)."""
    if above.group and not _DIGIT.search(above.number):
        return False
    if _cell(row, columns.number) or (columns.number is None and columns.group is None):
        return False
    value = _cell(row, columns.value) if columns.value != columns.name else ""
    if above.value and _DIGIT.search(value):
        return False
    name = _cell(row, columns.name)
    return bool(name) and name[:1].islower() and not _DIGIT.search(name)


def _joined_rows(above: TableRow, row: Sequence[str], columns: _Columns) -> TableRow:
    name = f"{above.name} {_cell(row, columns.name)}".strip()
    value = above.value or (_cell(row, columns.value) if columns.value != columns.name else "")
    unit = above.unit or _cell(row, columns.unit)
    # The top half of a split row, without its figure yet, was taken for a group row.
    group = above.group and not _DIGIT.search(value)
    return replace(above, group=group, name=name, value=value, unit=unit)


def _checked(columns: _Columns, body: Sequence[Sequence[str]]) -> _Columns:
    """The header's name cell may span the STT column too ("Chỉ tiêu" over "1 | Thu ngân
    sách"): when the name column holds numbering and the next one the words, shift."""
    if columns.number is not None or columns.subname is None:
        return columns
    names = [_cell(r, columns.name) for r in body]
    filled = [n for n in names if n]
    numbered = [n for n in filled if _NUMBERING.match(n)]
    if filled and len(numbered) >= 0.6 * len(filled):
        return replace(columns, number=columns.name, name=columns.subname, subname=None)
    return columns


def _counted(columns: _Columns, body: Sequence[Sequence[str]]) -> _Columns:
    """A number column its header does not name ("#", "No", a blank cell): its cells count
    the rows 1, 2, 3 … — they are never the figure, which stands in the next figure column."""
    if columns.number is not None:
        return columns
    for i in range(columns.count):
        if i in {columns.name, columns.unit, columns.group}:
            continue
        cells = [_cell(r, i) for r in body if _cell(r, i).isdigit()]
        counted = [int(c) for c in cells] == list(range(1, len(cells) + 1))
        if len(cells) < 3 or not counted or len(cells) < 0.6 * len(body):
            continue
        if i != columns.value:
            return replace(columns, number=i)
        taken = {i, columns.name, columns.unit, columns.group}
        figures = [
            j
            for j in range(columns.count)
            if j not in taken and sum(1 for r in body if _DIGIT.search(_cell(r, j))) >= len(cells)
        ]
        if figures:
            return replace(columns, number=i, value=figures[0])
    return columns


def _widened(header: list[str], body: Sequence[Sequence[str]]) -> list[str]:
    """A header that lists a cell spanning two columns once ("Chỉ tiêu" over a group and a
    name column) is shorter than its rows: room is made after the name column."""
    lengths = sorted(len(r) for r in body)
    if not lengths:
        return header
    typical = lengths[len(lengths) // 2]
    missing = typical - len(header)
    roles = _role_scores(header)
    if missing <= 0 or missing > 2 or not roles["name"]:
        return header
    at = roles["name"][0] + 1
    return header[:at] + [""] * missing + header[at:]


def _plan_worded(rows: Sequence[Sequence[str]], start: int, columns: _Columns) -> bool:
    header = rows[start - 1] if start > 0 else []
    cell = header[columns.value] if columns.value < len(header) else ""
    return _PLAN_HEAD.search(_key(cell)) is not None


_SUBHEADER_WORDS = frozenset(
    ("thuc", "hien", "th", "uoc", "ke", "hoach", "kh", "nam", "chi", "tieu", "muc", "phan",
     "dau", "so", "luong", "ty", "le", "%", "giao", "dang", "ky", "ghi", "chu", "ket", "qua",
     "dat", "tang", "giam", "gia", "tri", "don", "vi", "tinh", "dvt")
)  # fmt: skip


def _is_subheader(row: Sequence[str]) -> bool:
    """A second header line: "Thực hiện 2025 | Kế hoạch 2026" under a merged "Năm" cell."""
    if _holds_figure(row):
        return False
    cells = [_YEAR_HEAD.sub(" ", _key(c)).split() for c in row if c.strip()]
    return bool(cells) and all(all(w in _SUBHEADER_WORDS for w in c) for c in cells)


def _under_spans(header: list[str], sub: list[str], width: int) -> list[str]:
    """The second header line placed under the first: on the grid when as wide; when the
    first lists a merged cell once, its parts go under the first year or plan cell."""
    if len(sub) >= len(header):
        return sub
    extra = width - len(header)
    at = next(
        (
            j
            for j, cell in enumerate(header)
            if _YEAR_HEAD.search(_key(cell)) or _PLAN_HEAD.search(_key(cell))
        ),
        None,
    )
    if at is None or extra != len(sub) - 1:
        return [""] * (len(header) - len(sub)) + sub  # under the last cells
    header[at + 1 : at + 1] = [header[at]] * extra
    return [""] * at + sub + [""] * (len(header) - at - len(sub))


def _joined_name(row: Sequence[str], columns: _Columns, main: str) -> tuple[list[str], str]:
    """ "Chăn nuôi | Đàn bò" → "Chăn nuôi: Đàn bò" in the name cell; an empty group cell
    (merged down) takes the group above."""
    cells = list(row)
    if columns.subname is not None and len(cells) < columns.count:
        cells[columns.subname : columns.subname] = [""] * (columns.count - len(cells))
    own = _cell(cells, columns.name)
    sub = _cell(cells, columns.subname)
    if own:
        main = own
    if sub and columns.name < len(cells):
        cells[columns.name] = f"{main}: {sub}" if main and main != sub else sub
    return cells, main


def _cell(row: Sequence[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _row(row: Sequence[str], columns: _Columns, previous_unit: str) -> TableRow | None:
    filled = [c.strip() for c in row if c.strip()]
    number = _cell(row, columns.number)
    name = _cell(row, columns.name)
    value = _cell(row, columns.value) if columns.value != columns.name else ""
    unit = _cell(row, columns.unit)
    if not filled:
        return None
    if len(filled) == 1 and not _DIGIT.search(value):
        return TableRow(True, "", filled[0], "", "")  # one cell spanning the row
    if number and not _NUMBERING.match(number) and not name:
        name, number = number, ""  # the name spans the STT column too
    if not name:
        return None
    if not unit:
        in_name = _UNIT_IN_NAME.search(name)
        if in_name is not None and lookup_measure(in_name.group(1), ocr=True) is not None:
            name, unit = name[: in_name.start()].strip(), in_name.group(1).strip()
    if not value and _FIGURE_IN_NAME.search(name) and not _ROMAN_OR_LETTER.match(number):
        return TableRow(False, number, name, "", unit)  # "Trồng cây: 20.000 cây" in one cell
    if not value or (_ROMAN_OR_LETTER.match(number) and not _DIGIT.search(value)):
        return TableRow(True, number, name, "", "")
    if not unit and _DIGIT.search(value) and _RATE_NAME.match(_key(name)) and "%" not in value:
        unit = "%"  # "Tỷ lệ hộ nghèo | | 1,2": a rate, whatever the row above counts
    if not unit and columns.unit is not None and _DIGIT.search(value):
        unit = previous_unit  # a unit cell merged down over several rows
    return TableRow(False, number, name, value, unit)
