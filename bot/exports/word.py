"""A draft six-month (sơ kết) or year-end (tổng kết) report as .docx.

The bot fills in what it knows (the progress table, who has not reported, which targets
need attention); everything that needs an officer's judgement is left as a marked
placeholder in the usual outline: I. results, II. assessment, III. directions, IV. proposals.
Layout follows the common administrative style (Times New Roman 13, A4, 30/15/20/20 mm).
"""

from __future__ import annotations

from datetime import tzinfo
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

from bot.core.progress import ProgressTable, Status
from bot.exports import (
    DISPLAY_TZ,
    Completion,
    amount_text,
    completion,
    format_moment,
    percent_text,
    plan_number,
    report_year,
    target_name,
)

__all__ = ["KINDS", "PLACEHOLDER", "build_report_draft"]

PLACEHOLDER = "[Cán bộ bổ sung nội dung]"
KINDS = ("6thang", "nam")
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TABLE_HEADER = ("TT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Thực hiện", "Tỷ lệ", "Đánh giá")

# (heading, hint for the officer) for the parts only a person can write.
_LEADERSHIP = (
    "1. Công tác lãnh đạo, chỉ đạo",
    "Văn bản chỉ đạo, kế hoạch phát động đã ban hành; cách thức quán triệt, tuyên truyền.",
)
_MOVEMENTS = (
    "2. Kết quả tổ chức các phong trào thi đua",
    "Các phong trào thường xuyên và theo "
    "chuyên đề; mô hình hay, điển hình tiên tiến được phát hiện, nhân rộng.",
)
_AWARDS = (
    "4. Công tác khen thưởng",
    "Số tập thể, cá nhân được khen thưởng theo từng hình thức "
    "và cấp khen; khen thưởng đột xuất, chuyên đề.",
)
_ASSESSMENT = (
    ("1. Ưu điểm", "Những việc làm được, chuyển biến rõ nét."),
    ("2. Tồn tại, hạn chế", "Những việc chưa làm được, chỉ tiêu chưa đạt."),
    ("3. Nguyên nhân", "Nguyên nhân khách quan và chủ quan của tồn tại, hạn chế."),
    ("4. Giải pháp khắc phục", "Việc cần làm để khắc phục trong thời gian tới."),
)


def _periods(kind: str, year: int) -> tuple[str, str, str]:
    """(title, this period, next period) for the report kind."""
    if kind == "nam":
        return "Tổng kết", f"năm {year}", f"năm {year + 1}"
    return "Sơ kết", f"6 tháng đầu năm {year}", f"6 tháng cuối năm {year}"


def _paragraph(document: Any, text: str = "", **style: Any) -> Any:
    """A body paragraph with one run; style keys: bold, italic, size, align, indent."""
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = style.get("bold")
    run.italic = style.get("italic")
    if "size" in style:
        run.font.size = Pt(style["size"])
    paragraph.alignment = style.get("align", WD_ALIGN_PARAGRAPH.JUSTIFY)
    if style.get("indent", True) and paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY:
        paragraph.paragraph_format.first_line_indent = Mm(10)
    return paragraph


def _setup(document: Any, table: ProgressTable) -> None:
    """A4, administrative margins, Times New Roman 13, fixed document properties."""
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    normal.paragraph_format.space_after = Pt(6)
    properties = document.core_properties
    properties.author = "thidua-bot"
    properties.created = properties.modified = table.generated_at
    properties.title = f"Dự thảo báo cáo — {table.period_label}"


def _cell_lines(cell: Any, lines: list[tuple[str, bool, bool]]) -> None:
    """Centered (text, bold, italic) lines in a header cell."""
    cell.text = ""
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(12 if index == 0 else 13)


def _heading_block(document: Any, issuer: str, year: int) -> None:
    """The issuer and number on the left, the national motto and date on the right."""
    grid = document.add_table(rows=2, cols=2)
    issuer_text = issuer.strip().upper() or "UBND XÃ ……………"
    _cell_lines(grid.cell(0, 0), [(issuer_text, True, False)])
    _cell_lines(grid.cell(0, 1), [(MOTTO[0], True, False), (MOTTO[1], True, False)])
    _cell_lines(grid.cell(1, 0), [("Số: ……/BC-UBND", False, False)])
    _cell_lines(grid.cell(1, 1), [(f"……, ngày …… tháng …… năm {year}", False, True)])


def _title(document: Any, kind: str, year: int) -> None:
    title, period, _ = _periods(kind, year)
    _paragraph(document, "")
    _paragraph(document, "BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    subtitle = f"{title} công tác thi đua, khen thưởng {period}"
    _paragraph(document, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def _to_fill(document: Any, heading: str, hint: str) -> None:
    """A heading, a hint in italics, and the placeholder for the officer's text."""
    _paragraph(document, heading, bold=True)
    _paragraph(document, f"(Gợi ý: {hint})", italic=True)
    _paragraph(document, PLACEHOLDER)


def _achieved_text(done: Completion) -> str:
    """The "Thực hiện" cell: the total where figures add up, else the units' range."""
    if done.total is not None:
        return amount_text(done.total, None)
    if done.lowest is None or done.highest is None:
        return "chưa có số liệu"
    measure = done.target.measure
    spread = amount_text(done.lowest.value, measure)
    if done.highest.value != done.lowest.value:
        spread += f" – {amount_text(done.highest.value, measure)}"
    return f"{PLACEHOLDER} (các đơn vị báo cáo: {spread})"


def _progress_table(document: Any, table: ProgressTable, rows: list[Completion]) -> None:
    """Target, unit of measure, plan, achieved, % and status, in Vietnamese notation."""
    grid = document.add_table(rows=1, cols=len(TABLE_HEADER))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(grid.rows[0].cells, TABLE_HEADER, strict=True):
        _cell_lines(cell, [(name, True, False)])
    for done in rows:
        target = done.target
        values = [target.marker, target_name(target), target.measure or "", plan_number(target)]
        values += [_achieved_text(done), percent_text(done.percent), done.status.label]
        for cell, value in zip(grid.add_row().cells, values, strict=True):
            cell.text = value
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(11)


def _results(document: Any, table: ProgressTable, rows: list[Completion], tz: tzinfo) -> None:
    """Part I.3: what the units reported, the table and who is missing."""
    _paragraph(document, "3. Kết quả thực hiện các chỉ tiêu thi đua", bold=True)
    reported = len(table.units) - len(table.units_missing())
    numeric = [d for d in rows if d.target.value is not None]
    achieved = sum(1 for d in numeric if d.status is Status.ACHIEVED)
    as_of = format_moment(table.generated_at, tz)
    _paragraph(
        document,
        f"Theo số liệu các đơn vị báo cáo qua hệ thống đến {as_of}, "
        f"có {reported}/{len(table.units)} đơn vị đã báo cáo; {achieved}/{len(numeric)} "
        "chỉ tiêu đã đạt kế hoạch (số liệu tổng hợp tự động, cán bộ kiểm tra trước khi ban hành).",
    )
    _progress_table(document, table, rows)
    missing = table.units_missing()
    note = (
        f"Đơn vị chưa báo cáo ({len(missing)}): {', '.join(missing)}."
        if missing
        else "Tất cả các đơn vị đã báo cáo số liệu."
    )
    _paragraph(document, note, italic=True)
    _paragraph(document, PLACEHOLDER)


def _focus_lines(rows: list[Completion]) -> list[str]:
    """Targets not yet met, to seed part III: "(3) Trồng mới cây phân tán (đạt 52,6%)"."""
    lines = []
    for done in rows:
        if done.status not in (Status.IN_PROGRESS, Status.NOT_REPORTED):
            continue
        where = f"đạt {percent_text(done.percent)}" if done.percent is not None else ""
        where = where or done.status.label
        lines.append(f"- {done.target.marker} {target_name(done.target)} ({where});")
    return lines


def _directions(document: Any, rows: list[Completion], heading: str) -> None:
    _paragraph(document, heading, bold=True)
    focus = _focus_lines(rows)
    if focus:
        _paragraph(document, "Các chỉ tiêu cần tập trung thực hiện:", italic=True)
        for line in focus:
            _paragraph(document, line)
    _paragraph(document, PLACEHOLDER)


def _signature(document: Any) -> None:
    """Recipients on the left, the signing block on the right."""
    grid = document.add_table(rows=1, cols=2)
    recipients = grid.cell(0, 0)
    recipients.text = ""
    lines = [("Nơi nhận:", True, True), ("- ……;", False, False), ("- Lưu: VT.", False, False)]
    for index, (text, bold, italic) in enumerate(lines):
        paragraph = recipients.paragraphs[0] if index == 0 else recipients.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(12 if index == 0 else 11)
    signer = [("TM. ỦY BAN NHÂN DÂN", True, False), ("CHỦ TỊCH", True, False)]
    _cell_lines(grid.cell(0, 1), [*signer, ("", False, False), (PLACEHOLDER, False, True)])


def build_report_draft(
    table: ProgressTable, *, kind: str, unit_or_commune_name: str = "", tz: tzinfo = DISPLAY_TZ
) -> bytes:
    """A .docx draft of the six-month (``kind="6thang"``) or year-end (``"nam"``) report.

    *unit_or_commune_name* heads the page ("UBND xã Đại Sơn"); left blank it is a gap to fill.
    Times are shown in *tz*.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    year = report_year(table)
    _, period, following = _periods(kind, year)
    rows = [completion(table, t) for t in table.targets]
    document = Document()
    _setup(document, table)
    _heading_block(document, unit_or_commune_name, year)
    _title(document, kind, year)
    _paragraph(document, PLACEHOLDER)
    _paragraph(document, f"I. KẾT QUẢ CÔNG TÁC THI ĐUA, KHEN THƯỞNG {period.upper()}", bold=True)
    _to_fill(document, *_LEADERSHIP)
    _to_fill(document, *_MOVEMENTS)
    _results(document, table, rows, tz)
    _to_fill(document, *_AWARDS)
    _paragraph(document, "II. ĐÁNH GIÁ CHUNG", bold=True)
    for heading, hint in _ASSESSMENT:
        _to_fill(document, heading, hint)
    _directions(document, rows, f"III. PHƯƠNG HƯỚNG, NHIỆM VỤ {following.upper()}")
    _paragraph(document, "IV. ĐỀ XUẤT, KIẾN NGHỊ", bold=True)
    _paragraph(document, PLACEHOLDER)
    _signature(document)
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
