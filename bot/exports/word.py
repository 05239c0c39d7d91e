"""A draft six-month (sơ kết) or year-end (tổng kết) report as .docx, in the state's format.

Layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I): A4, Times New Roman 13, margins
20/20/30/15 mm; the letterhead is a borderless two-column table (issuing body and number on the
left, the national motto and place-date on the right, short rules under the body's name and
the motto). The body follows the usual outline of these reports: the plan it answers to,
I. results (with the targets table), II. assessment, III. directions, IV. proposals, then
"Nơi nhận" and the signature block, kept on the page of the last paragraph.

The bot fills in what it knows (the figures from :func:`bot.core.progress.assess`, the same
as every other view); what needs an officer's judgement is a marked placeholder.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo
from io import BytesIO
from textwrap import shorten
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bot.core.numbers import format_number
from bot.core.progress import Assessment, PlanCitation, ProgressTable, Rule, Status
from bot.exports import (
    DISPLAY_TZ,
    RULES_NOTE,
    achieved_text,
    format_moment,
    missing_units_note,
    percent_text,
    plan_number,
    report_rows,
    report_year,
    target_name,
    value_text,
)

__all__ = [
    "BODY_WIDTH_MM",
    "KINDS",
    "PLACEHOLDER",
    "TABLE_HEADER",
    "build_report_draft",
    "column_widths_mm",
]

PLACEHOLDER = "[Cán bộ bổ sung nội dung]"
KINDS = ("6thang", "nam")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TABLE_HEADER = ("TT", "Chỉ tiêu", "ĐVT", "Kế hoạch", "Thực hiện", "So với KH", "Đánh giá")
GAP = "……"

PAGE_MM, MARGINS_MM = (210, 297), (20, 20, 30, 15)  # top, bottom, left, right (NĐ 30)
BODY_WIDTH_MM = PAGE_MM[0] - MARGINS_MM[2] - MARGINS_MM[3]  # 165 mm
LETTERHEAD_MM = (68.0, 100.0)  # the motto in 12 pt bold needs about 92 mm on one line
TABLE_PT = 11
_CELL_PADDING_MM = 2.2  # left + right cell margins set on the table
_NAME_MIN_MM = 55.0

# (heading, what the officer writes there) for the parts only a person can write.
_LEADERSHIP = (
    "1. Công tác lãnh đạo, chỉ đạo",
    "văn bản chỉ đạo, kế hoạch phát động đã ban hành; cách quán triệt, tuyên truyền",
)
_MOVEMENTS = (
    "2. Kết quả tổ chức các phong trào thi đua",
    "các phong trào thường xuyên và theo chuyên đề; mô hình hay, điển hình tiên tiến",
)
_AWARDS = (
    "4. Công tác khen thưởng",
    "số tập thể, cá nhân được khen thưởng theo hình thức và cấp khen; khen đột xuất",
)
_ASSESSMENT = (
    ("1. Ưu điểm", "những việc làm được, chuyển biến rõ nét"),
    ("2. Tồn tại, hạn chế", "những việc chưa làm được, chỉ tiêu chưa đạt"),
    ("3. Nguyên nhân", "nguyên nhân khách quan và chủ quan của tồn tại, hạn chế"),
    ("4. Giải pháp khắc phục", "việc cần làm để khắc phục trong thời gian tới"),
)


def _periods(kind: str, year: int) -> tuple[str, str, str]:
    """(title, this period, next period) for the report kind."""
    if kind == "nam":
        return "Tổng kết", f"năm {year}", f"năm {year + 1}"
    return "Sơ kết", f"6 tháng đầu năm {year}", f"6 tháng cuối năm {year}"


# --- low-level formatting ------------------------------------------------------------------


def _run(
    paragraph: Any, text: str, *, bold: bool = False, italic: bool = False, size: float = 0
) -> Any:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    return run


def _paragraph(document: Any, text: str = "", **style: Any) -> Any:
    """A body paragraph with one run; style keys: bold, italic, size, align, indent, after."""
    paragraph = document.add_paragraph()
    if text:
        _run(
            paragraph,
            text,
            bold=style.get("bold", False),
            italic=style.get("italic", False),
            size=style.get("size", 0),
        )
    paragraph.alignment = style.get("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    if style.get("indent", True) and paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    if "after" in style:
        paragraph.paragraph_format.space_after = Pt(style["after"])
    return paragraph


def _heading(document: Any, text: str) -> Any:
    paragraph = _paragraph(document, text, bold=True)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _set(element: Any, tag: str, **attributes: str) -> Any:
    """The child *tag* of *element* (created when missing) with *attributes* set."""
    child = element.find(qn(tag))
    if child is None:
        child = OxmlElement(tag)
        element.append(child)
    for name, value in attributes.items():
        child.set(qn(f"w:{name}"), value)
    return child


def _rule_under(cell: Any, width_mm: float, column_mm: float) -> None:
    """A short centred rule under the cell's text: a tiny paragraph whose bottom border runs
    between indents."""
    paragraph = cell.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(2)
    side = max((column_mm - width_mm) / 2 - _CELL_PADDING_MM / 2, 0)
    paragraph.paragraph_format.left_indent = Mm(side)
    paragraph.paragraph_format.right_indent = Mm(side)
    borders = _set(paragraph._p.get_or_add_pPr(), "w:pBdr")
    _set(borders, "w:bottom", val="single", sz="6", space="1", color="000000")


def _widths(table: Any, widths_mm: Sequence[float]) -> None:
    """Fixed column widths, honoured by Word and LibreOffice alike."""
    table.autofit = False
    properties = table._tbl.tblPr
    _set(properties, "w:tblLayout", type="fixed")
    _set(properties, "w:tblW", w=str(round(sum(widths_mm) * 56.7)), type="dxa")
    grid = table._tbl.tblGrid
    for column, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
        column.set(qn("w:w"), str(round(width * 56.7)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _cell_margins(table: Any, side_mm: float) -> None:
    margins = _set(table._tbl.tblPr, "w:tblCellMar")
    for side in ("left", "right"):
        _set(margins, f"w:{side}", w=str(round(side_mm * 56.7)), type="dxa")


def _no_borders(table: Any) -> None:
    borders = _set(table._tbl.tblPr, "w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _set(borders, f"w:{side}", val="nil")


def _repeat_header(row: Any) -> None:
    """Repeat the row at the top of every page the table runs onto."""
    _set(row._tr.get_or_add_trPr(), "w:tblHeader", val="true")


def _keep_row_whole(row: Any) -> None:
    _set(row._tr.get_or_add_trPr(), "w:cantSplit", val="true")


def _cell_text(
    cell: Any,
    lines: Sequence[tuple[str, bool, bool]],
    *,
    size: float,
    align: Any = WD_ALIGN_PARAGRAPH.LEFT,
) -> None:
    """(text, bold, italic) lines in a cell, without space between them."""
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.first_line_indent = Mm(0)
        _run(paragraph, text, bold=bold, italic=italic, size=size)


# --- document parts ------------------------------------------------------------------------


def _setup(document: Any, table: ProgressTable) -> None:
    """A4, NĐ 30 margins, Times New Roman 13, fixed document properties."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    top, bottom, left, right = MARGINS_MM
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    # East-Asian and complex-script slots too, so no viewer falls back to another face.
    _set(
        normal.element.get_or_add_rPr(),
        "w:rFonts",
        eastAsia="Times New Roman",
        cs="Times New Roman",
        ascii="Times New Roman",
        hAnsi="Times New Roman",
    )
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.0
    properties = document.core_properties
    properties.author = "thidua-bot"
    properties.created = properties.modified = table.generated_at
    properties.title = f"Dự thảo báo cáo — {table.period_label}"


def _letterhead(document: Any, issuer: str, year: int) -> None:
    """Issuing body and number left, national motto and place-date right; no borders."""
    grid = document.add_table(rows=2, cols=2)
    _no_borders(grid)
    _cell_margins(grid, _CELL_PADDING_MM / 2)
    _widths(grid, LETTERHEAD_MM)
    center = WD_ALIGN_PARAGRAPH.CENTER
    body = issuer.strip().upper() or f"UBND XÃ {GAP}……"
    left, right = grid.cell(0, 0), grid.cell(0, 1)
    _cell_text(left, [(body, True, False)], size=12, align=center)
    _cell_text(right, [(MOTTO[0], True, False), (MOTTO[1], True, False)], size=12, align=center)
    right.paragraphs[1].runs[0].font.size = Pt(13)
    _rule_under(left, 22, LETTERHEAD_MM[0])
    _rule_under(right, 60, LETTERHEAD_MM[1])
    _cell_text(grid.cell(1, 0), [("Số: ……/BC-UBND", False, False)], size=13, align=center)
    date_line = f"{GAP}, ngày {GAP} tháng {GAP} năm {year}"
    _cell_text(grid.cell(1, 1), [(date_line, False, True)], size=13, align=center)
    for cell in (grid.cell(1, 0), grid.cell(1, 1)):
        cell.paragraphs[0].paragraph_format.space_before = Pt(6)


def _title(document: Any, kind: str, year: int) -> None:
    title, period, following = _periods(kind, year)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(
        document, "BÁO CÁO", bold=True, size=14, align=center, after=0
    ).paragraph_format.space_before = Pt(12)
    subject = f"{title} công tác thi đua, khen thưởng {period}"
    _paragraph(document, subject, bold=True, align=center, after=0)
    _paragraph(
        document, f"và phương hướng, nhiệm vụ {following}", bold=True, align=center, after=12
    )


def citation_text(plan: PlanCitation | None) -> str:
    """ "Kế hoạch số 21/KH-UBND ngày 15/01/2025 của UBND xã Đại Sơn về …"; gaps as "……"."""
    if plan is None:
        return f"Kế hoạch số {GAP} ngày {GAP} của {GAP}"
    number = plan.number or GAP
    issued = plan.issued_on.strftime("%d/%m/%Y") if plan.issued_on else GAP
    text = f"Kế hoạch số {number} ngày {issued} của {plan.issuer or GAP}"
    subject = plan.title.strip()
    lowered = subject.lower()
    if lowered.startswith("kế hoạch"):
        subject = subject[len("kế hoạch") :].strip(" :,-")
    if subject:
        subject = subject[0].lower() + subject[1:]
        text += f" {subject}" if subject.startswith("về ") else f" về {subject}"
    return text


def _opening(document: Any, table: ProgressTable, period: str, reporter: str) -> None:
    who = reporter.strip() or "Ủy ban nhân dân xã"
    _paragraph(
        document,
        f"Thực hiện {citation_text(table.plan)}; {who} báo cáo kết quả công tác "
        f"thi đua, khen thưởng {period} như sau:",
    )


def _to_fill(document: Any, heading: str, hint: str) -> None:
    """A heading, then the placeholder with what belongs there."""
    _heading(document, heading)
    paragraph = _paragraph(document)
    _run(paragraph, PLACEHOLDER, italic=False)
    _run(paragraph, f" ({hint}).", italic=True)


# --- the targets table ---------------------------------------------------------------------


def _achieved_lines(done: Assessment) -> list[tuple[str, bool, bool]]:
    """The "Thực hiện" cell: the commune figure; a partial one with its coverage; a rate
    without its commune figure with the units' range."""
    if done.value is None or done.rule is Rule.QUALITATIVE:
        lines = [(achieved_text(done), False, False)]
    else:
        lines = [(value_text(done.value, done.target.measure), False, False)]
        if not done.complete:
            lines.append((f"({done.reported}/{done.expected} đơn vị)", False, True))
    if done.rule in (Rule.COMMUNE, Rule.WEIGHTED) and done.figures:
        lines.append((f"({_range(done)})", False, True))  # the units' range, see the note
    return lines


def _range(done: Assessment) -> str:
    """ "95,2–97,5%": the units' spread, compact for a table cell."""
    assert done.lowest is not None and done.highest is not None
    measure = done.target.measure or ""
    low, high = done.lowest.value, done.highest.value
    suffix = "%" if measure == "%" else ""
    low_text, high_text = format_number(low), format_number(high)
    # Word joiners around the dash: a range never breaks across lines inside a cell.
    return f"{low_text}{suffix}" if low == high else f"{low_text}\u2060–\u2060{high_text}{suffix}"


_ZWSP = "\u200b"  # a break opportunity: "triệu đồng/người/năm" may wrap after a slash
_MIN_MM = {4: 17.0, 6: 20.0}  # "Thực hiện", "Đánh giá": short phrases need some room
Cells = list[list[tuple[str, bool, bool]]]


def _row_cells(done: Assessment, *, child: bool) -> Cells:
    """A target's row; a sub-target (*child*) shows its own name under its parent's row."""
    target = done.target
    measure = (target.measure or "").replace("/", "/" + _ZWSP)
    rate = percent_text(done.percent) if done.complete or done.partial else ""
    name = target.name if child else target_name(target)
    return [
        [("-" if child else target.marker.strip("()"), False, False)],
        [(name, False, False)],
        [(measure, False, False)],
        [(plan_number(target), False, False)],
        _achieved_lines(done),
        [(rate, False, False)],
        [(done.status.label, done.status in (Status.ACHIEVED, Status.NOT_ACHIEVED), False)],
    ]


def _parent_cells(done: Assessment) -> Cells:
    """The compound line's own row ("3 | Cơ cấu các ngành kinh tế"), its parts below it."""
    number = done.target.marker.strip("()")
    return [[(number, True, False)], [(done.target.parent_name or "", True, False)]] + [
        [("", False, False)] for _ in TABLE_HEADER[2:]
    ]


def _text_mm(text: str, size: float) -> float:
    """Rough width of *text* in Times New Roman: half an em per character, a bit more for
    capitals (good enough to size a column so a number never breaks)."""
    em = size * 0.3528  # points to mm
    return sum(em * _GLYPH_EM.get(ch, 0.72 if ch.isupper() else 0.5) for ch in text if ch != _ZWSP)


# Glyphs much wider than half an em in Times New Roman: "60%" must not break before the "%".
_GLYPH_EM = {"%": 0.84, "‰": 1.0, "—": 1.0, "–": 0.5, "m": 0.78, "M": 0.89, "W": 0.95}


def column_widths_mm(rows: Sequence[Cells]) -> list[float]:
    """Column widths fitted to content: each column but the name is as wide as its longest
    unbreakable piece (a number, a word of the header) needs; the name column takes the rest."""
    header: Cells = [[(name, True, False)] for name in TABLE_HEADER]
    widths = []
    for column in range(len(TABLE_HEADER)):
        pieces = [
            piece
            for row in (header, *rows)
            for text, _, _ in row[column]
            for word in text.split()
            for piece in word.split(_ZWSP)
        ]
        widest = max((_text_mm(p, TABLE_PT) for p in pieces), default=0.0)
        widths.append(max(widest + _CELL_PADDING_MM + 1.0, _MIN_MM.get(column, 0.0)))
    others = sum(widths) - widths[1]
    widths[1] = max(BODY_WIDTH_MM - others, _NAME_MIN_MM)
    return [round(w, 1) for w in widths]


def _table_rows(rows: list[Assessment]) -> list[tuple[str, Cells]]:
    """("group" | "parent" | "target", cells) in plan order: a group row where the plan's
    heading changes, a parent row before the parts of a compound line."""
    show_groups = len({done.target.section for done in rows}) > 1
    out: list[tuple[str, Cells]] = []
    section: str | None = None
    parent: tuple[str, str | None] | None = None
    for done in rows:
        target = done.target
        if show_groups and target.section != section:
            section = target.section
            out.append(("group", [[(section or "Chỉ tiêu khác", True, False)]]))
            parent = None
        child = target.parent_name is not None
        if child and (target.number, target.parent_name) != parent:
            out.append(("parent", _parent_cells(done)))
        # A line with a figure of its own and parts under it ("9. Trường chuẩn: 1 trường",
        # then "9.1 Tỷ lệ …") is its parts' heading already: no second row with its name.
        parent = (target.number, target.parent_name if child else target.name)
        out.append(("target", _row_cells(done, child=child)))
    return out


def _targets_table(document: Any, rows: list[Assessment]) -> Any:
    """Targets with plan, commune figure, % of plan and status; group rows as in the plan."""
    lines = _table_rows(rows)
    widths = column_widths_mm([cells for kind, cells in lines if kind != "group"])
    grid = document.add_table(rows=1, cols=len(TABLE_HEADER))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _cell_margins(grid, _CELL_PADDING_MM / 2)
    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    header = grid.rows[0]
    _repeat_header(header)
    _keep_row_whole(header)
    for cell, name in zip(header.cells, TABLE_HEADER, strict=True):
        _cell_text(cell, [(name, True, False)], size=TABLE_PT, align=center)
    aligns = (center, WD_ALIGN_PARAGRAPH.LEFT, center, right, right, right, center)
    for kind, cells in lines:
        row = grid.add_row()
        _keep_row_whole(row)
        if kind == "group":
            merged = row.cells[0].merge(row.cells[-1])
            _cell_text(merged, cells[0], size=TABLE_PT)
            continue
        for cell, content, align in zip(row.cells, cells, aligns, strict=True):
            _cell_text(cell, content, size=TABLE_PT, align=align)
        if kind == "parent":
            for paragraph in row.cells[1].paragraphs:
                paragraph.paragraph_format.keep_with_next = True
    _widths(grid, widths)
    return grid


# --- sections --------------------------------------------------------------------------------


def _results(document: Any, table: ProgressTable, rows: list[Assessment], tz: tzinfo) -> None:
    """Part I.3: the sentence with counts, the table, how figures are made, who is missing."""
    _heading(document, "3. Kết quả thực hiện các chỉ tiêu thi đua")
    reported = len(table.units) - len(table.units_missing())
    achieved = sum(1 for d in rows if d.status is Status.ACHIEVED)
    partial = sum(1 for d in rows if d.status is Status.PARTIAL)
    as_of = format_moment(table.generated_at, tz)
    sentence = (
        f"Theo số liệu các đơn vị báo cáo qua hệ thống đến {as_of}, có {reported}/"
        f"{len(table.units)} đơn vị đã báo cáo đủ số liệu; {achieved}/{len(rows)} chỉ tiêu "
        "đạt kế hoạch"
    )
    if partial:
        sentence += f", {partial} chỉ tiêu chưa đủ số liệu để đánh giá"
    _paragraph(
        document,
        sentence + " (số liệu tổng hợp tự động, cán bộ kiểm tra trước khi "
        "ban hành). Kết quả cụ thể như sau:",
    ).paragraph_format.keep_with_next = True
    _targets_table(document, rows)
    note = _paragraph(document, f"Ghi chú: {RULES_NOTE} {_TABLE_NOTE}", italic=True, size=11)
    note.paragraph_format.space_before = Pt(4)
    _paragraph(document, missing_units_note(table), italic=True)


_FOCUS_NAME_CHARS = 48
_TABLE_NOTE = (
    "Cột “Thực hiện”: số trong ngoặc dưới một tỷ lệ là khoảng số liệu các đơn vị tự báo cáo; "
    "“(n/N đơn vị)” dưới một tổng là số đơn vị đã báo cáo."
)


def _focus_text(rows: list[Assessment]) -> str:
    """Targets not met yet, to seed part III: "(3) Trồng mới cây phân tán (đạt 52,6%)"."""
    items = []
    for done in rows:
        if done.status not in (Status.IN_PROGRESS, Status.NOT_ACHIEVED):
            continue
        where = f"đạt {percent_text(done.percent)}" if done.percent is not None else ""
        where = where or done.status.label
        # A part of a compound line by its own name: the number already says which line.
        name = shorten(done.target.name, _FOCUS_NAME_CHARS, placeholder="…")
        items.append(f"{done.target.marker} {name} ({where})")
    return "; ".join(items)


def _directions(document: Any, rows: list[Assessment], heading: str) -> None:
    _heading(document, heading)
    focus = _focus_text(rows)
    if focus:
        paragraph = _paragraph(document)
        _run(paragraph, "Tập trung thực hiện các chỉ tiêu chưa đạt: ", italic=True)
        _run(paragraph, focus + ".")
    _paragraph(document, PLACEHOLDER)


def _signature(document: Any) -> None:
    """Recipients left, signing block right; one row that never splits from the text above."""
    grid = document.add_table(rows=1, cols=2)
    _no_borders(grid)
    _cell_margins(grid, 0)
    _widths(grid, (BODY_WIDTH_MM / 2, BODY_WIDTH_MM / 2))
    _keep_row_whole(grid.rows[0])
    recipients = [
        ("Nơi nhận:", True, True),
        ("- Như trên;", False, False),
        (f"- {GAP};", False, False),
        ("- Lưu: VT.", False, False),
    ]
    _cell_text(grid.cell(0, 0), recipients, size=11)
    grid.cell(0, 0).paragraphs[0].runs[0].font.size = Pt(12)
    signer = [
        ("TM. ỦY BAN NHÂN DÂN", True, False),
        ("CHỦ TỊCH", True, False),
        ("", False, False),
        ("", False, False),
        ("", False, False),
        (PLACEHOLDER, False, True),
    ]
    _cell_text(grid.cell(0, 1), signer, size=13, align=WD_ALIGN_PARAGRAPH.CENTER)
    for cell in grid.rows[0].cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def build_report_draft(
    table: ProgressTable, *, kind: str, unit_or_commune_name: str = "", tz: tzinfo = DISPLAY_TZ
) -> bytes:
    """A .docx draft of the six-month (``kind="6thang"``) or year-end (``"nam"``) report.

    *unit_or_commune_name* heads the page ("UBND xã Đại Sơn"); left blank, the plan's issuer
    does, else a gap to fill.
    Times are shown in *tz*.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    year = report_year(table)
    _, period, following = _periods(kind, year)
    rows = list(report_rows(table))
    document = Document()
    _setup(document, table)
    # The body that issued the plan reports on it, unless the caller names another.
    reporter = unit_or_commune_name.strip() or (table.plan.issuer if table.plan else None) or ""
    _letterhead(document, reporter, year)
    _title(document, kind, year)
    _opening(document, table, period, reporter)
    _heading(document, f"I. KẾT QUẢ CÔNG TÁC THI ĐUA, KHEN THƯỞNG {period.upper()}")
    _to_fill(document, *_LEADERSHIP)
    _to_fill(document, *_MOVEMENTS)
    _results(document, table, rows, tz)
    _to_fill(document, *_AWARDS)
    _heading(document, "II. ĐÁNH GIÁ CHUNG")
    for heading, hint in _ASSESSMENT:
        _to_fill(document, heading, hint)
    _directions(document, rows, f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ {following.upper()}")
    _heading(document, "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    last = _paragraph(document, PLACEHOLDER)
    last.paragraph_format.keep_with_next = True  # the signature never stands alone on a page
    _signature(document)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
