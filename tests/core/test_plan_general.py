"""Structure plans of any commune share, read as rules rather than per-document fixes:
lettered parts above the Roman numerals, slash numbering, group columns in target tables,
units in parentheses, targets written as clauses of a paragraph, lists restarted under each
group, and a safety net for a targets section the structure could not read. Every document
here is written for these tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

import docx
import pytest

from bot.core.documents import extract_text
from bot.core.plan import ParsedPlan, Qualifier, Target
from bot.core.plan_parser import parse_plan
from bot.core.text import fold


def _figures(plan: ParsedPlan) -> list[Target]:
    return [t for t in plan.targets if t.value is not None]


def _has(plan: ParsedPlan, words: str, value: str, measure: str | None) -> Target:
    hits = [t for t in plan.targets if fold(words) in fold(t.name)]
    assert hits, f"no target named like {words!r} in {[t.name for t in plan.targets]}"
    assert any((t.value, t.measure) == (Decimal(value), measure) for t in hits), hits
    return next(t for t in hits if (t.value, t.measure) == (Decimal(value), measure))


def _plan(body: str, *, head: str = "Thi đua thực hiện nhiệm vụ năm 2026") -> ParsedPlan:
    return parse_plan(f"ỦY BAN NHÂN DÂN XÃ ĐÔNG PHONG\n\nKẾ HOẠCH\n{head}\n\n{body}")


# --- 1. lettered parts above Roman numerals -----------------------------------------------

_PART_BODY = """{a} ĐÁNH GIÁ KẾT QUẢ NĂM 2025
I. KẾT QUẢ ĐẠT ĐƯỢC
1. Thu ngân sách đạt 11,2 tỷ đồng.
2. Trồng mới được 14.000 cây phân tán.
II. HẠN CHẾ
Một số chỉ tiêu chưa đạt.

{b} PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026
I. CHỈ TIÊU CHỦ YẾU
1. Thu ngân sách nhà nước trên địa bàn đạt 12,5 tỷ đồng.
2. Trồng mới 15.000 cây phân tán.
3. Tỷ lệ hộ nghèo giảm còn 1,8%.
II. NHIỆM VỤ, GIẢI PHÁP
1. Đẩy mạnh sản xuất, phấn đấu tăng 10% giá trị.

{c} TỔ CHỨC THỰC HIỆN
1. Văn phòng UBND xã theo dõi, tổng hợp kết quả.
"""


@pytest.mark.parametrize(
    ("a", "b", "c"),
    [
        ("A.", "B.", "C."),
        ("A-", "B-", "C-"),
        ("A/", "B/", "C/"),
        ("PHẦN A.", "PHẦN B.", "PHẦN C."),
        ("Phần A:", "Phần B:", "Phần C:"),
    ],
)
def test_targets_under_a_roman_numeral_inside_a_lettered_part(a: str, b: str, c: str) -> None:
    plan = _plan(_PART_BODY.format(a=a, b=b, c=c))
    assert len(_figures(plan)) == 3
    revenue = _has(plan, "Thu ngân sách", "12.5", "tỷ đồng")
    _has(plan, "cây phân tán", "15000", "cây")
    assert _has(plan, "hộ nghèo", "1.8", "%").qualifier is Qualifier.AT_MOST
    assert revenue.section_path == "B.I"
    assert [t.key for t in plan.targets] == ["1", "2", "3"]
    # Last year's results (part A) and the duties are no targets; part C's items sit in C.
    assert {s.path for s in plan.sections} >= {"A", "A.I", "B", "B.I", "B.II", "C", "C.1"}


def test_a_part_letter_alone_on_its_line_takes_the_next_line_as_title() -> None:
    body = _PART_BODY.format(a="PHẦN A\n", b="PHẦN B\n", c="PHẦN C\n")
    plan = _plan(body)
    titles = {s.path: s.title for s in plan.sections}
    assert fold(titles["B"]) == fold("Phương hướng, nhiệm vụ năm 2026")
    assert len(_figures(plan)) == 3


def test_capital_letters_under_a_roman_numeral_stay_groups() -> None:
    plan = _plan(
        "I. MỤC ĐÍCH\nĐộng viên thi đua.\n\nII. CÁC CHỈ TIÊU\nA. VỀ KINH TẾ\n"
        "1. Thu ngân sách 9,4 tỷ đồng;\n2. Trồng mới 8.000 cây phân tán;\n"
        "B. VỀ XÃ HỘI\n3. Tỷ lệ tham gia bảo hiểm y tế đạt 95%;\n4. Giải quyết việc làm "
        "cho 180 lao động.\n\nIII. TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo hằng quý."
    )
    assert len(_figures(plan)) == 4
    assert all(t.section_path.startswith("II") for t in plan.targets)


# --- 2. slash numbering ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        "I/ MỤC ĐÍCH\nĐộng viên thi đua.\n\nII/ CHỈ TIÊU\n1/ Thu ngân sách 9,4 tỷ đồng;\n"
        "2/ Trồng mới 8.000 cây phân tán;\n3/ Tỷ lệ tham gia bảo hiểm y tế đạt 95%.\n\n"
        "III/ TỔ CHỨC THỰC HIỆN\n1/ Các thôn báo cáo hằng quý.",
        "I. MỤC ĐÍCH\nĐộng viên thi đua.\n\nII. CHỈ TIÊU\na/ Thu ngân sách 9,4 tỷ đồng;\n"
        "b/ Trồng mới 8.000 cây phân tán;\nc/ Tỷ lệ tham gia bảo hiểm y tế đạt 95%.\n\n"
        "III. TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo hằng quý.",
        "I/ MỤC ĐÍCH\nĐộng viên thi đua.\n\nII/ CHỈ TIÊU\n1/ Về kinh tế\n1.1/ Thu ngân sách "
        "9,4 tỷ đồng;\n1.2/ Trồng mới 8.000 cây phân tán;\n2/ Về xã hội\n2.1/ Tỷ lệ tham gia "
        "bảo hiểm y tế đạt 95%.\n\nIII/ TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo hằng quý.",
    ],
)
def test_slash_numbering_at_any_depth(body: str) -> None:
    plan = _plan(body)
    assert len(_figures(plan)) == 3
    _has(plan, "Thu ngân sách", "9.4", "tỷ đồng")
    _has(plan, "cây phân tán", "8000", "cây")
    _has(plan, "bảo hiểm y tế", "95", "%")
    assert not any("thôn báo cáo" in fold(t.name) for t in plan.targets)


def test_dates_and_fractions_at_a_line_start_are_no_slash_numbers() -> None:
    plan = _plan(
        "I. CHỈ TIÊU\n1. Thu ngân sách 9,4 tỷ đồng;\n2. Trồng mới 8.000 cây.\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n15/3/2026 các thôn đăng ký thi đua.\n1/2 số thôn báo cáo."
    )
    assert len(_figures(plan)) == 2


# --- 4. tables with a group column ----------------------------------------------------------

_HEADERS = [
    ["Lĩnh vực", "STT", "Chỉ tiêu", "ĐVT", "Thực hiện 2025", "Kế hoạch 2026", "So sánh (%)"],
    ["Nhóm", "TT", "Nội dung", "Đơn vị tính", "TH 2025", "KH 2026", "Ghi chú"],
    ["Nhóm chỉ tiêu", "STT", "Chỉ tiêu", "ĐVT", "Ước TH 2025", "Chỉ tiêu năm 2026", "Tăng/giảm"],
]
_ROWS = [
    ("Kinh tế", "1", "Thu ngân sách trên địa bàn", "tỷ đồng", "25,1", "28,5", "113"),
    ("", "2", "Trồng mới cây phân tán", "cây", "10.000", "12.000", "120"),
    ("Văn hóa - Xã hội", "3", "Tỷ lệ tham gia bảo hiểm y tế", "%", "94", "96", "102"),
    ("", "4", "Xóa nhà tạm cho hộ nghèo", "căn", "8", "12", "150"),
    ("Quốc phòng - An ninh", "5", "Hoàn thành chỉ tiêu giao quân", "%", "100", "100", "100"),
]


def _check_group_table(plan: ParsedPlan) -> None:
    assert len(_figures(plan)) == 5, [(t.name, t.value) for t in plan.targets]
    _has(plan, "Thu ngân sách", "28.5", "tỷ đồng")  # the plan year, not last year's result
    _has(plan, "cây phân tán", "12000", "cây")
    _has(plan, "bảo hiểm y tế", "96", "%")
    _has(plan, "nhà tạm", "12", "nhà")
    _has(plan, "giao quân", "100", "%")
    groups = [s.title for s in plan.sections if s.path.startswith("II.")]
    assert [fold(g) for g in groups] == [
        "kinh te",
        "van hoa - xa hoi",
        "quoc phong - an ninh",
    ]
    assert not any(fold(t.name).startswith("kinh te") for t in plan.targets)
    assert [t.key for t in plan.targets] == ["1", "2", "3", "4", "5"]


def _table_text(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return "\n".join("| " + " | ".join(r) + " |" for r in [header, *rows])


@pytest.mark.parametrize("header", _HEADERS)
@pytest.mark.parametrize("repeat", [False, True])
def test_group_column_in_text_tables(header: list[str], repeat: bool) -> None:
    rows = [list(r) for r in _ROWS]
    if repeat:  # as a PDF repeats a merged cell's text, or a typist does
        for i, row in enumerate(rows):
            row[0] = row[0] or rows[i - 1][0]
    body = (
        "I. MỤC ĐÍCH, YÊU CẦU\nĐộng viên thi đua.\n\nII. CÁC CHỈ TIÊU CHỦ YẾU\n\n"
        f"{_table_text(header, rows)}\n\nIII. TỔ CHỨC THỰC HIỆN\nCác tổ báo cáo hằng quý."
    )
    _check_group_table(_plan(body))


def _docx_with_group_column(header: Sequence[str]) -> bytes:
    document = docx.Document()
    for line in ("ỦY BAN NHÂN DÂN PHƯỜNG AN HÒA", "KẾ HOẠCH", "Thi đua năm 2026"):
        document.add_paragraph(line)
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("Động viên cán bộ, nhân dân thi đua.")
    document.add_paragraph("II. CÁC CHỈ TIÊU CHỦ YẾU")
    table = document.add_table(rows=len(_ROWS) + 1, cols=len(header))
    for cell, value in zip(table.rows[0].cells, header, strict=True):
        cell.text = value
    for r, row in enumerate(_ROWS, start=1):
        for c, value in enumerate(row[1:], start=1):
            table.cell(r, c).text = value
    # The group cells merged down over their rows, as Word does.
    for first, last in ((1, 2), (3, 4), (5, 5)):
        merged = table.cell(first, 0).merge(table.cell(last, 0)) if last > first else None
        (merged or table.cell(first, 0)).text = _ROWS[first - 1][0]
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    document.add_paragraph("Các tổ dân phố báo cáo kết quả hằng quý.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("header", _HEADERS)
def test_group_column_merged_down_in_a_docx(header: list[str]) -> None:
    text = extract_text(_docx_with_group_column(header), "kh.docx")
    _check_group_table(parse_plan(text))


def test_a_lone_field_column_is_the_name_column() -> None:
    body = (
        "II. CHỈ TIÊU\n\n"
        + _table_text(
            ["STT", "Lĩnh vực", "ĐVT", "Kế hoạch 2026"],
            [
                ["1", "Trồng mới cây phân tán", "cây", "12.000"],
                ["2", "Thu ngân sách", "tỷ đồng", "9"],
            ],
        )
        + "\n\nIII. TỔ CHỨC THỰC HIỆN\nCác tổ báo cáo."
    )
    plan = _plan(body)
    _has(plan, "cây phân tán", "12000", "cây")
    _has(plan, "Thu ngân sách", "9", "tỷ đồng")


# --- 5. units in parentheses ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name", "value", "measure"),
    [
        ("Sản lượng lương thực (tấn): 4.200", "Sản lượng lương thực", "4200", "tấn"),
        (
            "Thu nhập bình quân (triệu đồng/người/năm): 62",
            "Thu nhập bình quân",
            "62",
            "triệu đồng/người/năm",
        ),
        ("Sản lượng lương thực: 4.200 (tấn)", "Sản lượng lương thực", "4200", "tấn"),
        ("Năng suất lúa bình quân đạt 62 tạ/ha", "Năng suất lúa", "62", "tạ/ha"),
        (
            "Thu nhập bình quân 65 triệu đồng/người",
            "Thu nhập bình quân",
            "65",
            "triệu đồng/người/năm",
        ),
        ("Xóa nhà tạm, nhà dột nát: 12 căn", "nhà dột nát", "12", "nhà"),
        ("Làm mới 3,5 km đường giao thông nông thôn", "đường giao thông", "3.5", "km"),
        ("Hỗ trợ 25 hộ thoát nghèo bền vững", "thoát nghèo", "25", "hộ"),
    ],
)
def test_units_written_every_way(line: str, name: str, value: str, measure: str) -> None:
    plan = _plan(
        f"I. CÁC CHỈ TIÊU\n1. {line};\n2. Trồng mới 5.000 cây.\n\nII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    target = _has(plan, name, value, measure)
    assert "(" not in target.name


# --- 3. targets as the clauses of a paragraph -----------------------------------------------

_CLAUSES = (
    "thu ngân sách trên địa bàn 28,5 tỷ đồng; trồng mới 12.000 cây phân tán; tỷ lệ tham gia "
    "bảo hiểm y tế đạt 96%; tổng đàn trâu 450 con, bò 1.200 con; sản lượng lương thực 6.400 "
    "tấn, trong đó lúa 5.900 tấn."
)


@pytest.mark.parametrize(
    ("heading", "paragraph"),
    [
        ("II. MỤC TIÊU", f"Phấn đấu năm 2026: {_CLAUSES}"),
        ("II. MỤC TIÊU CỤ THỂ", f"Năm 2026 phấn đấu đạt: {_CLAUSES}"),
        ("II. MỤC TIÊU", f"Đến cuối năm 2026, phấn đấu {_CLAUSES}"),
        ("II. CÁC CHỈ TIÊU CHỦ YẾU", f"Các chỉ tiêu năm 2026 như sau: {_CLAUSES}"),
        ("II. CÁC CHỈ TIÊU CHỦ YẾU", _CLAUSES[:1].upper() + _CLAUSES[1:]),
        ("II. PHƯƠNG HƯỚNG NĂM 2026", f"Năm 2026: {_CLAUSES}"),
    ],
)
def test_one_target_per_clause_of_an_aim_paragraph(heading: str, paragraph: str) -> None:
    plan = _plan(
        f"I. MỤC ĐÍCH, YÊU CẦU\nĐộng viên thi đua.\n\n{heading}\n{paragraph}\n\n"
        "III. TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo hằng quý."
    )
    _has(plan, "thu ngân sách", "28.5", "tỷ đồng")
    _has(plan, "cây phân tán", "12000", "cây")
    assert _has(plan, "bảo hiểm y tế", "96", "%").qualifier is Qualifier.AT_LEAST
    buffaloes = _has(plan, "trâu", "450", "con")
    cows = _has(plan, "bò", "1200", "con")
    assert buffaloes.parent_key == cows.parent_key is not None  # one target, two parts
    food = _has(plan, "sản lượng lương thực", "6400", "tấn")
    rice = _has(plan, "lúa", "5900", "tấn")
    assert rice.parent_key == food.key  # "X, trong đó Y": X on the parent
    assert len(_figures(plan)) == 7
    assert len({t.key for t in plan.targets}) == len(plan.targets)


@pytest.mark.parametrize(
    "heading",
    ["III. NHIỆM VỤ, GIẢI PHÁP", "III. TỔ CHỨC THỰC HIỆN", "I. KẾT QUẢ ĐẠT ĐƯỢC NĂM 2025"],
)
def test_clauses_of_duties_or_results_are_no_targets(heading: str) -> None:
    plan = _plan(
        f"II. MỤC TIÊU\nXây dựng xã phát triển toàn diện.\n\n{heading}\n"
        "Tập trung hỗ trợ 20 hộ vay vốn; trồng mới 12.000 cây phân tán; tổ chức 4 lớp tập huấn."
    )
    assert plan.targets == ()


# --- 6. a list restarted under each group -----------------------------------------------------

_GROUPS = (
    ("Về kinh tế", ("Thu ngân sách 9,4 tỷ đồng;", "Trồng mới 8.000 cây phân tán;")),
    (
        "Về văn hóa, xã hội",
        ("Tỷ lệ tham gia bảo hiểm y tế đạt 95%;", "Giải quyết việc làm cho 180 lao động;"),
    ),
    (
        "Về quốc phòng, an ninh",
        ("Hoàn thành 100% chỉ tiêu giao quân;", "Xây dựng 5 mô hình tự quản về an ninh trật tự."),
    ),
)


def _restarted(group_line: str, item: str) -> str:
    lines = ["I. MỤC ĐÍCH, YÊU CẦU", "Động viên thi đua.", "", "II. CHỈ TIÊU"]
    for g, (title, items) in enumerate(_GROUPS):
        if group_line:
            lines.append(group_line.format(letter="abc"[g], title=title))
        lines.extend(item.format(n=n) + " " + text for n, text in enumerate(items, start=1))
    lines += ["", "III. TỔ CHỨC THỰC HIỆN", "Các thôn báo cáo hằng quý."]
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("group_line", "item", "keys"),
    [
        ("{letter}) {title}", "{n}.", ["1", "2", "b.1", "b.2", "c.1", "c.2"]),
        ("- {title}:", "{n}.", ["1", "2", "II.1", "II.2", "II.1~2", "II.2~2"]),
        ("{title}", "{n}.", ["1", "2", "II.1", "II.2", "II.1~2", "II.2~2"]),
        ("", "{n}.", ["1", "2", "II.1", "II.2", "II.1~2", "II.2~2"]),
        ("{letter}) {title}", "{n})", ["1", "2", "b.1", "b.2", "c.1", "c.2"]),
        ("{letter}/ {title}", "{n}/", ["1", "2", "b.1", "b.2", "c.1", "c.2"]),
    ],
)
def test_a_list_restarted_under_each_group_keeps_every_target(
    group_line: str, item: str, keys: list[str]
) -> None:
    text = _restarted(group_line, item)
    plan = _plan(text)
    assert len(_figures(plan)) == 6, [(t.key, t.name) for t in plan.targets]
    assert all(t.parent_key is None for t in plan.targets)  # nothing merged into another
    _has(plan, "bảo hiểm y tế", "95", "%")
    _has(plan, "giao quân", "100", "%")
    _has(plan, "mô hình tự quản", "5", "mô hình")
    # Keys are unique and the same on every import of the same text (reports hang on them).
    assert [t.key for t in plan.targets] == keys
    assert [t.key for t in _plan(text).targets] == keys


def test_restarted_numbering_in_a_table_under_group_rows() -> None:
    table = _table_text(
        ["STT", "Chỉ tiêu", "ĐVT", "KH 2026"],
        [
            ["I", "Kinh tế", "", ""],
            ["1", "Thu ngân sách", "tỷ đồng", "9,4"],
            ["2", "Trồng mới cây phân tán", "cây", "8.000"],
            ["II", "Xã hội", "", ""],
            ["1", "Tỷ lệ tham gia bảo hiểm y tế", "%", "95"],
            ["2", "Lao động có việc làm mới", "người", "180"],
        ],
    )
    plan = _plan(f"II. CHỈ TIÊU\n\n{table}\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo hằng quý.")
    assert [t.key for t in plan.targets] == ["1", "2", "II.1", "II.2"]
    _has(plan, "bảo hiểm y tế", "95", "%")


# --- 7. the safety net ---------------------------------------------------------------------------

_PROSE = (
    "Năm 2026, toàn xã tập trung mọi nguồn lực, phát huy sức mạnh của cả hệ thống chính trị "
    "và Nhân dân để hoàn thành thắng lợi các mục tiêu đề ra. Thu ngân sách nhà nước trên địa "
    "bàn phấn đấu đạt 28,5 tỷ đồng. Trồng mới 12.000 cây phân tán dọc các tuyến đường liên "
    "thôn và khu dân cư. Tỷ lệ người dân tham gia bảo hiểm y tế đạt 96% trở lên. Năm 2025 xã "
    "đã thu được 25 tỷ đồng. Giải quyết việc làm mới cho 220 lao động, trong đó xuất khẩu lao "
    "động 30 người."
)


@pytest.mark.parametrize(
    "heading",
    [
        "II. CÁC CHỈ TIÊU CHỦ YẾU",
        "II. MỤC TIÊU\n1. Mục tiêu chung\nXây dựng xã phát triển.\n2. Mục tiêu cụ thể",
        "II. CHỈ TIÊU THI ĐUA NĂM 2026",
        "PHẦN THỨ HAI\nCHỈ TIÊU VÀ NHIỆM VỤ NĂM 2026\nI. CHỈ TIÊU",
    ],
)
def test_prose_in_a_targets_section_gives_its_measured_clauses(heading: str) -> None:
    plan = _plan(
        f"I. MỤC ĐÍCH, YÊU CẦU\nĐộng viên thi đua.\n\n{heading}\n{_PROSE}\n\n"
        "III. NHIỆM VỤ, GIẢI PHÁP\nHỗ trợ 20 hộ vay vốn. Tổ chức 4 lớp tập huấn.\n\n"
        "IV. TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo hằng quý."
    )
    _has(plan, "Thu ngân sách", "28.5", "tỷ đồng")
    _has(plan, "cây phân tán", "12000", "cây")
    _has(plan, "bảo hiểm y tế", "96", "%")
    _has(plan, "việc làm", "220", "lao động")
    # Last year's result and the duties' figures are no targets.
    values = {t.value for t in plan.targets}
    assert Decimal(25) not in values and Decimal(20) not in values and Decimal(4) not in values
    assert len({t.key for t in plan.targets}) == len(plan.targets)
    assert not any(c.value == Decimal("28.5") for c in plan.candidates)  # not offered twice


def test_the_net_never_reads_duties_or_reports() -> None:
    duties = _plan(f"II. NHIỆM VỤ, GIẢI PHÁP\n{_PROSE}\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo.")
    assert duties.targets == ()
    report = parse_plan(
        "ỦY BAN NHÂN DÂN XÃ ĐÔNG PHONG\n\nBÁO CÁO\nSơ kết 6 tháng đầu năm 2026\n\n"
        f"I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU\n{_PROSE}\n\nII. CHỈ TIÊU 6 THÁNG CUỐI NĂM\n{_PROSE}"
    )
    assert report.kind == "bao_cao"
    assert not any(t.value == Decimal("28.5") for t in report.targets)


def test_the_net_stays_down_when_the_structure_was_read() -> None:
    plan = _plan(
        "II. CÁC CHỈ TIÊU\n1. Thu ngân sách 9,4 tỷ đồng;\n2. Trồng mới 8.000 cây;\n"
        "3. Tỷ lệ tham gia bảo hiểm y tế đạt 95%.\n"
        f"{_PROSE}\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert [t.key for t in plan.targets] == ["1", "2", "3"]


# --- appendices after the signature, "Chỉ tiêu:" lines inside content sections -----------------

_APPENDIX_TABLE = _table_text(
    ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch 2026"],
    [
        ["1", "Thu ngân sách trên địa bàn", "tỷ đồng", "12,5"],
        ["2", "Trồng mới cây phân tán", "cây", "15.000"],
        ["3", "Tỷ lệ tham gia bảo hiểm y tế", "%", "95"],
    ],
)


@pytest.mark.parametrize(
    "appendix",
    [
        "PHỤ LỤC\nCÁC CHỈ TIÊU THI ĐUA NĂM 2026\n(Kèm theo Kế hoạch số 15/KH-UBND ngày "
        "20/01/2026 của UBND xã)",
        "Phụ lục I: CÁC CHỈ TIÊU THI ĐUA NĂM 2026",
        "PHỤ LỤC SỐ 01\nBIỂU CHỈ TIÊU NĂM 2026",
    ],
)
def test_targets_table_in_an_appendix_after_the_signature(appendix: str) -> None:
    plan = _plan(
        "I. MỤC ĐÍCH, YÊU CẦU\nPhát huy tinh thần thi đua.\n\nII. NỘI DUNG THI ĐUA\nThi đua "
        "hoàn thành các chỉ tiêu năm 2026 (có Phụ lục kèm theo).\n\nIII. TỔ CHỨC THỰC HIỆN\n"
        "Các thôn đăng ký thi đua trước ngày 15/02/2026.\n\nNơi nhận:\n- UBND huyện;\n"
        "- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn An\n\n"
        f"{appendix}\n\n{_APPENDIX_TABLE}\n"
    )
    assert [t.key for t in plan.targets] == ["1", "2", "3"]
    _has(plan, "Thu ngân sách", "12.5", "tỷ đồng")
    assert all(t.section_path.startswith("PL") for t in plan.targets)
    titles = [s.title for s in plan.sections if s.path.startswith("PL")]
    assert titles and "kèm theo" not in fold(titles[0])
    assert not any("nguyen van an" in fold(p.text) for p in plan.passages)  # the signature


@pytest.mark.parametrize("marker", ["-", "+", "c)", "3."])
def test_a_targets_line_inside_a_content_section(marker: str) -> None:
    plan = _plan(
        "I. NỘI DUNG THI ĐUA\n1. Thi đua bảo đảm quốc phòng, an ninh\na) Mục tiêu: Giữ vững "
        "ổn định chính trị.\nb) Giải pháp: Tăng cường tuần tra.\n"
        f"{marker} Chỉ tiêu: hoàn thành 100% chỉ tiêu giao quân; xây dựng 5 mô hình tự quản; "
        "giảm 5% số vụ phạm pháp hình sự.\n\nII. TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo."
    )
    _has(plan, "giao quân", "100", "%")
    _has(plan, "mô hình tự quản", "5", "mô hình")
    assert len(_figures(plan)) == 3


# --- two-column tables, ranges ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        (
            ["Chỉ tiêu", "Mức phấn đấu năm 2026"],
            [
                ["Thu ngân sách trên địa bàn", "28,5 tỷ đồng"],
                ["Tỷ lệ tham gia bảo hiểm y tế", "≥ 96%"],
                ["Trồng mới cây xanh", "1.200 cây"],
            ],
        ),
        (
            ["TT", "Nội dung chỉ tiêu"],
            [
                ["1", "Thu ngân sách trên địa bàn: 28,5 tỷ đồng"],
                ["2", "Tỷ lệ tham gia bảo hiểm y tế đạt 96%"],
                ["3", "Trồng mới 1.200 cây xanh"],
            ],
        ),
    ],
)
def test_two_column_target_tables(header: list[str], rows: list[list[str]]) -> None:
    plan = _plan(
        f"II. CHỈ TIÊU THI ĐUA\n\n{_table_text(header, rows)}\n\nIII. TỔ CHỨC THỰC HIỆN\n"
        "Các tổ dân phố báo cáo."
    )
    assert len(_figures(plan)) == 3, [(t.name, t.value) for t in plan.targets]
    revenue = _has(plan, "Thu ngân sách", "28.5", "tỷ đồng")
    assert "|" not in revenue.name
    assert _has(plan, "bảo hiểm y tế", "96", "%").qualifier is Qualifier.AT_LEAST
    _has(plan, "Trồng mới", "1200", "cây")


@pytest.mark.parametrize(
    ("line", "value", "measure"),
    [
        ("Tốc độ tăng giá trị sản xuất từ 7 - 8%", "7", "%"),
        ("Tốc độ tăng giá trị sản xuất 7–8%", "7", "%"),
        ("Thu ngân sách từ 5 đến 6 tỷ đồng", "5", "tỷ đồng"),
    ],
)
def test_a_range_aims_at_its_lower_bound(line: str, value: str, measure: str) -> None:
    plan = _plan(
        f"I. CHỈ TIÊU\n1. {line};\n2. Trồng mới 500 cây.\n\nII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    target = plan.targets[0]
    assert (target.value, target.measure) == (Decimal(value), measure)
    assert target.qualifier is Qualifier.AT_LEAST
    assert len(_figures(plan)) == 2


def test_years_and_references_are_no_ranges() -> None:
    plan = _plan(
        "I. CHỈ TIÊU\n1. Giai đoạn 2021 - 2025 trồng mới 5.000 cây;\n"
        "2. Tỷ lệ hộ nghèo giảm 2 - 3 hộ so với năm trước.\n\nII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    _has(plan, "trồng mới", "5000", "cây")
    _has(plan, "hộ nghèo", "2", "hộ")  # "hộ so với": not "hồ sơ"


# --- an item opening with its figure, the thing counted named after it -------------------------


@pytest.mark.parametrize("marker", ["{n}.", "2.{n}.", "({n})", "{n})"])
def test_an_item_that_opens_with_its_figure(marker: str) -> None:
    items = [
        "Thu ngân sách 9 tỷ đồng;",
        "100% thôn có nhà văn hóa;",
        "02 xã đạt chuẩn nông thôn mới.",
    ]
    lines = [marker.format(n=n) + " " + text for n, text in enumerate(items, start=1)]
    plan = _plan("II. CHỈ TIÊU\n" + "\n".join(lines) + "\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo.")
    village = _has(plan, "thôn có nhà văn hóa", "100", "%")
    assert village.name[0].isupper() and not village.name[0].isdigit()
    _has(plan, "xã đạt chuẩn", "2", "xã")
    assert len(_figures(plan)) == 3


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("Làm mới, nâng cấp 12 km đường giao thông nông thôn", "đường giao thông"),
        ("Xây dựng 02 tuyến đường hoa kiểu mẫu", "đường hoa"),
        ("Vận động Nhân dân hiến 3.500 m2 đất làm đường", "đất làm đường"),
        ("Hỗ trợ xây mới, sửa chữa 15 căn nhà cho hộ nghèo", "hộ nghèo"),
    ],
)
def test_what_is_counted_after_the_figure_stays_in_the_name(line: str, words: str) -> None:
    plan = _plan(
        f"II. CHỈ TIÊU\n1. {line};\n2. Trồng mới 500 cây.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert fold(words) in fold(plan.targets[0].name), plan.targets[0]
    assert plan.targets[0].measure is not None


@pytest.mark.parametrize(
    "group",
    [
        "Nhóm chỉ tiêu kinh tế (05 chỉ tiêu)",
        "Nhóm chỉ tiêu kinh tế (05 chỉ tiêu):",
        "Kinh tế: 3 chỉ tiêu",
    ],
)
def test_a_numbered_group_counting_its_targets_is_no_target(group: str) -> None:
    plan = _plan(
        f"II. CÁC CHỈ TIÊU THI ĐUA (15 chỉ tiêu)\n1. {group}\n1.1. Tổng giá trị sản xuất tăng "
        "9%;\n1.2. Thu ngân sách 12 tỷ đồng;\n2. Nhóm chỉ tiêu xã hội (02 chỉ tiêu)\n2.1. Tỷ lệ "
        "hộ nghèo còn 1,2%;\n2.2. Tỷ lệ tham gia BHYT 95%.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert [t.key for t in plan.targets] == ["1.1", "1.2", "2.1", "2.2"]
    assert all(t.parent_key is None for t in plan.targets)
    _has(plan, "Thu ngân sách", "12", "tỷ đồng")


_HTML = """<table>
<tr><th>{first}</th><th>STT</th><th>Chỉ tiêu</th><th>ĐVT</th><th>Kế hoạch 2026</th></tr>
<tr><td rowspan="2">Kinh tế</td><td>1</td><td>Thu ngân sách</td><td>tỷ đồng</td><td>12,5</td></tr>
<tr><td>2</td><td>Trồng mới cây phân tán</td><td>cây</td><td>8.000</td></tr>
<tr><td rowspan={rows}>Xã hội</td><td>3</td><td>Tỷ lệ hộ nghèo</td><td rowspan="2">%</td>
<td>giảm còn 1,2</td></tr>
<tr><td>4</td><td>Tỷ lệ tham gia bảo hiểm y tế</td><td>95</td></tr>
</table>"""


@pytest.mark.parametrize(
    ("first", "rows"), [("Lĩnh vực", '"2"'), ("Nhóm", "2"), ("Lĩnh vực", "'2'")]
)
def test_html_table_cells_spanning_rows(first: str, rows: str) -> None:
    table = _HTML.format(first=first, rows=rows)
    plan = parse_plan(
        "# KẾ HOẠCH\n## Thi đua năm 2026 của phường Tân Mai\n\n## II. CHỈ TIÊU\n\n"
        f"{table}\n\n## III. TỔ CHỨC THỰC HIỆN\nCác tổ dân phố báo cáo kết quả."
    )
    assert [t.key for t in plan.targets] == ["1", "2", "3", "4"]
    _has(plan, "cây phân tán", "8000", "cây")
    assert _has(plan, "hộ nghèo", "1.2", "%").qualifier is Qualifier.AT_MOST
    _has(plan, "bảo hiểm y tế", "95", "%")  # its unit cell merged down from the row above


# --- OCR'd markers: "a." and "c," letters, "3," numbers, "Il." for "II." -------------------------

_OCR_ITEMS = (
    "Thu ngan sach tren dia ban 9,5 ty dong;",
    "Trong moi 8.000 cay phan tan;",
    "Ty le tham gia bao hiem y te dat 95%;",
    "Giai quyet viec lam cho 200 lao dong;",
    "Ty le ho ngheo giam con 1,5%.",
)


@pytest.mark.parametrize(
    "markers",
    [
        ("a.", "b.", "c,", "d.", "e)"),
        ("1.", "2,", "3,", "4.", "5."),
        ("a)", "b)", "c)", "d)", "đ)"),
        ("1.", "2.", "3 .", "4.", "5."),
    ],
)
def test_ocr_damaged_markers_keep_the_list(markers: tuple[str, ...]) -> None:
    items = "\n".join(f"{m} {t}" for m, t in zip(markers, _OCR_ITEMS, strict=True))
    plan = parse_plan(
        "UY BAN NHAN DAN XA KY PHU\n\nKE HOACH\nThi dua nam 2026\n\nI. MUC DICH, YEU CAU\n"
        f"Dong vien can bo thi dua.\n\nIl. CAC CHI TIEU CHU YEU\n{items}\n\n"
        "III. TO CHUC THUC HIEN\nCac thon bao cao."
    )
    assert len(_figures(plan)) == 5, [(t.key, t.name) for t in plan.targets]
    assert all(t.parent_key is None for t in plan.targets)
    assert {t.section_path for t in plan.targets} == {"II"}
    _has(plan, "bảo hiểm y tế", "95", "%")


def test_a_number_and_comma_opening_a_line_outside_a_list_is_text() -> None:
    plan = _plan(
        "I. CHỈ TIÊU\n1. Thu ngân sách 9 tỷ đồng;\n2. Trồng mới 500 cây.\n\nII. TỔ CHỨC THỰC HIỆN\n"
        "Các thôn báo cáo theo các biểu mẫu số\n7, 8 và 9 kèm theo kế hoạch này."
    )
    assert [t.key for t in plan.targets] == ["1", "2"]


@pytest.mark.parametrize("bullet", ["+", "-", "•", "–"])
def test_bullets_opening_with_their_figure(bullet: str) -> None:
    plan = _plan(
        "II. CHỈ TIÊU PHẤN ĐẤU\n- Về kinh tế:\n"
        f"{bullet} Thu ngân sách 12 tỷ đồng;\n{bullet} 98% trẻ em trong độ tuổi được tiêm chủng;\n"
        f"- Về quốc phòng - an ninh: Hoàn thành 100% chỉ tiêu giao quân.\n\n"
        "III. TỔ CHỨC THỰC HIỆN\nBáo cáo ngày 15/6/2026.\n- 15/3/2026: các thôn đăng ký thi đua."
    )
    children = _has(plan, "trẻ em trong độ tuổi", "98", "%")
    assert children.name.startswith("Trẻ em")
    assert _has(plan, "giao quân", "100", "%").name.startswith("Hoàn thành")
    assert len(_figures(plan)) == 3


@pytest.mark.parametrize(
    "heading",
    [
        "I. KẾT QUẢ THỰC HIỆN NĂM 2025",
        "I. ĐÁNH GIÁ KẾT QUẢ NĂM 2025",
        "I. TÌNH HÌNH THỰC HIỆN 2025",
    ],
)
def test_last_years_results_table_gives_no_targets(heading: str) -> None:
    results = _table_text(
        ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch 2025", "Thực hiện 2025"],
        [
            ["1", "Thu ngân sách", "tỷ đồng", "8", "8,4"],
            ["2", "Trồng cây phân tán", "cây", "9.000", "9.500"],
        ],
    )
    plan_table = _table_text(
        ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch 2026"],
        [["1", "Thu ngân sách", "tỷ đồng", "9"], ["2", "Trồng cây phân tán", "cây", "10.000"]],
    )
    plan = _plan(
        f"{heading}\n\n{results}\n\nII. CHỈ TIÊU NĂM 2026\n\n{plan_table}\n\n"
        "III. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert _figures(plan) == [t for t in plan.targets]
    assert [(t.key, t.value) for t in plan.targets] == [("1", Decimal(9)), ("2", Decimal(10000))]


def test_a_table_under_results_and_targets_is_read() -> None:
    table = _table_text(
        ["STT", "Chỉ tiêu", "ĐVT", "Thực hiện 2025", "Kế hoạch 2026"],
        [
            ["1", "Thu ngân sách", "tỷ đồng", "8,4", "9"],
            ["2", "Trồng cây phân tán", "cây", "9.500", "10.000"],
        ],
    )
    plan = _plan(
        f"I. ĐÁNH GIÁ KẾT QUẢ NĂM 2025 VÀ CHỈ TIÊU NĂM 2026\n\n{table}\n\n"
        "II. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert [(t.key, t.value) for t in plan.targets] == [("1", Decimal(9)), ("2", Decimal(10000))]


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Giải quyết việc làm mới cho 230 lao động", "Giải quyết việc làm mới cho lao động"),
        ("Hỗ trợ vốn vay có 20 hộ", "Hỗ trợ vốn vay có hộ"),
        ("Tỷ lệ hộ nghèo còn 1,2%", "Tỷ lệ hộ nghèo"),
    ],
)
def test_a_name_never_ends_on_a_dangling_word(line: str, name: str) -> None:
    plan = _plan(
        f"II. CHỈ TIÊU\n1. {line};\n2. Trồng mới 500 cây.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert plan.targets[0].name == name


_SPACED = """STT    Chi tieu                              DVT         Ke hoach 2026
1      Thu ngan sach tren dia ban            ty dong     6,8
2      Trong moi cay phan tan                cay         9.000
3      Ty le ho ngheo                                    1,2
4      Giu vung xa dat chuan nong thon moi               Dat
5      Giai quyet viec lam moi               lao dong    180"""


@pytest.mark.parametrize("indent", ["", "  "])
def test_a_table_kept_by_spaces_with_empty_cells(indent: str) -> None:
    table = "\n".join(indent + line for line in _SPACED.splitlines())
    plan = parse_plan(
        f"UY BAN NHAN DAN XA DONG LAM\n\nKE HOACH\nThi dua nam 2026\n\nII. CHI TIEU\n{table}\n\n"
        "III. TO CHUC THUC HIEN\nBao cao."
    )
    assert [(t.key, t.value, t.measure) for t in plan.targets] == [
        ("1", Decimal("6.8"), "tỷ đồng"),
        ("2", Decimal(9000), "cây"),
        ("3", Decimal("1.2"), "%"),  # no unit written: a rate, not the trees above it
        ("4", None, None),
        ("5", Decimal(180), "lao động"),
    ]
    assert plan.targets[3].text_value is not None


def test_dotted_letters_keep_the_keys_plain_lines_had() -> None:
    """ "a." was read as plain text before it was read as a letter: the targets keep the
    keys they were stored under ("1", "2" …), so reports filed against them stay attached."""
    plan = _plan(
        "II. CHỈ TIÊU\na. Thu ngân sách 9,4 tỷ đồng;\nb. Tổng đàn trâu 450 con, bò 1.200 con;\n"
        "c. Trồng mới 8.000 cây.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert [t.key for t in plan.targets] == ["1", "2", "2.1", "2.2", "3"]


@pytest.mark.parametrize(
    ("letterhead", "number", "kind"),
    [
        ("HỘI NÔNG DÂN XÃ NGHI LỘC\nSố 03-KH/HND", "03-KH/HND", "ke_hoach"),
        ("ĐOÀN TNCS HỒ CHÍ MINH\nBCH ĐOÀN XÃ QUANG PHÚ\nSố: 27-BC/ĐTN", "27-BC/ĐTN", "bao_cao"),
        ("ĐẢNG BỘ XÃ AN PHÚ\nSố 15-KH/ĐU", "15-KH/ĐU", "ke_hoach"),
        ("UỶ BAN NHÂN DÂN XÃ AN PHÚ\nSố: 12/KH-UBND", "12/KH-UBND", "ke_hoach"),
    ],
)
def test_party_and_mass_organisation_numbers(letterhead: str, number: str, kind: str) -> None:
    plan = parse_plan(
        f"{letterhead}\nAn Phú, ngày 10 tháng 01 năm 2026\n\nThi đua năm 2026\n\n"
        "I. CHỈ TIÊU\n1. Kết nạp 50 hội viên mới.\n"
    )
    assert (plan.number, plan.kind) == (number, kind)


@pytest.mark.parametrize("line", ["{text}", "- {text}", "+ {text}"])
def test_a_numbered_heading_names_the_target_on_the_line_below(line: str) -> None:
    rows = [
        ("1. Thu ngân sách", "Phấn đấu đạt 28,5 tỷ đồng."),
        ("2. Trồng cây phân tán", "Trồng mới 12.000 cây phân tán."),
        ("3. Bảo hiểm y tế", "Tỷ lệ người dân tham gia đạt 95%."),
    ]
    body = "\n".join(f"{head}\n{line.format(text=text)}" for head, text in rows)
    plan = _plan(f"II. CHỈ TIÊU CỤ THỂ\n{body}\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo.")
    # Keys as such lines always had (their place under the heading), for stored reports.
    assert [(t.key, t.value) for t in plan.targets] == [
        ("1", Decimal("28.5")),
        ("1~2", Decimal(12000)),
        ("1~3", Decimal(95)),
    ]
    assert [t.section_path for t in plan.targets] == ["II.1", "II.2", "II.3"]
    assert plan.targets[0].name == "Thu ngân sách"
    assert "bao hiem y te" in fold(plan.targets[2].name)


def test_a_numbered_group_over_several_figure_lines_stays_a_group() -> None:
    plan = _plan(
        "II. CHỈ TIÊU\n1. Chăn nuôi\n- Đàn trâu 450 con;\n- Đàn bò 1.200 con.\n"
        "2. Trồng trọt\n- Sản lượng lương thực 6.400 tấn.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert [t.value for t in plan.targets][:2] == [Decimal(450), Decimal(1200)]
    assert len({t.key for t in plan.targets}) == 3


@pytest.mark.parametrize("heading", ["II. MỤC TIÊU", "II. CÁC CHỈ TIÊU CHỦ YẾU"])
def test_an_aim_listed_with_commas(heading: str) -> None:
    plan = _plan(
        f"I. MỤC ĐÍCH\nThi đua.\n\n{heading}\nPhấn đấu năm 2026: thu ngân sách 28,5 tỷ đồng, tổng "
        "đàn trâu 450 con, bò 1.200 con, lợn 3.800 con, trồng mới 12.000 cây phân tán, sản "
        "lượng lương thực 6.400 tấn, trong đó lúa 5.900 tấn.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    parents = [t.key for t in plan.targets if t.parent_key is None]
    assert parents == ["1", "2", "3", "4"]
    assert _has(plan, "bò", "1200", "con").parent_key == "2"  # the herd stays one target
    assert _has(plan, "lúa", "5900", "tấn").parent_key == "4"
    _has(plan, "cây phân tán", "12000", "cây")


def test_commas_in_a_plain_sentence_split_nothing() -> None:
    plan = _plan(
        "II. MỤC TIÊU\nNăm 2026, xã tiếp tục giữ vững an ninh, trật tự, phấn đấu để 100% thôn "
        "đạt chuẩn văn hóa.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert len(_figures(plan)) <= 1


@pytest.mark.parametrize(
    ("line", "whole", "parts"),
    [
        ("Tổng đàn trâu 450 con, bò 1.200 con, lợn 3.800 con", "Tổng đàn", ["Trâu", "Bò", "Lợn"]),
        ("Sản lượng lúa 5.000 tấn; ngô 300 tấn", "Sản lượng", ["Lúa", "Ngô"]),
        ("Thu ngân sách 9 tỷ đồng, chi 8 tỷ đồng", None, ["Thu ngân sách", "Chi"]),
    ],
)
def test_a_compound_line_named_by_the_words_its_parts_share(
    line: str, whole: str | None, parts: list[str]
) -> None:
    plan = _plan(
        f"II. CHỈ TIÊU\n1. {line};\n2. Trồng mới 500 cây.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    parent = plan.targets[0]
    children = [t for t in plan.targets if t.parent_key == parent.key]
    assert [t.name for t in children] == parts
    if whole is not None:
        assert parent.name == whole


def test_last_years_results_are_not_offered_as_candidates() -> None:
    plan = _plan(_PART_BODY.format(a="A.", b="B.", c="C."))
    assert not any(c.value == Decimal(14000) for c in plan.candidates)  # part A: a result
    offered = _plan(
        "I. CHỈ TIÊU\n1. Thu ngân sách 9 tỷ đồng;\n2. Trồng mới 500 cây.\n\n"
        "II. NHIỆM VỤ, GIẢI PHÁP\nPhấn đấu trồng thêm 50 ha rau an toàn.\n\n"
        "III. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert [c.value for c in offered.candidates] == [Decimal(50)]


@pytest.mark.parametrize(
    ("top", "rest"),
    [
        (["2", "Trồng mới cây", "", ""], ["", "phân tán", "cây", "500"]),
        (["2", "Trồng mới cây", "cây", ""], ["", "phân tán", "", "500"]),
        (["2", "Trồng mới cây", "cây", "500"], ["", "phân tán", "", ""]),
    ],
)
def test_a_table_row_cut_by_a_page_break(top: list[str], rest: list[str]) -> None:
    table = _table_text(
        ["STT", "Chỉ tiêu", "ĐVT", "KH 2026"],
        [["1", "Thu ngân sách", "tỷ đồng", "9"], top, rest, ["3", "Tỷ lệ hộ nghèo", "%", "1,2"]],
    )
    plan = _plan(f"II. CHỈ TIÊU\n\n{table}\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo.")
    assert [(t.key, t.value) for t in plan.targets] == [
        ("1", Decimal(9)),
        ("2", Decimal(500)),
        ("3", Decimal("1.2")),
    ]
    assert plan.targets[1].name == "Trồng mới cây phân tán"


def test_a_lower_case_part_row_with_its_own_figure_stays_a_row() -> None:
    table = _table_text(
        ["STT", "Chỉ tiêu", "ĐVT", "KH 2026"],
        [["1", "Sản lượng lương thực", "tấn", "6.400"], ["", "trong đó: thóc", "tấn", "5.900"]],
    )
    plan = _plan(f"II. CHỈ TIÊU\n\n{table}\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo.")
    assert {t.value for t in plan.targets} >= {Decimal(6400), Decimal(5900)}


def test_a_sentence_about_the_appendix_is_no_appendix() -> None:
    plan = _plan(
        "II. CHỈ TIÊU\nPhụ lục chi tiết kèm theo gồm 3 biểu.\n1. Thu ngân sách 9 tỷ đồng;\n"
        "2. Trồng mới 500 cây.\n\nIII. TỔ CHỨC THỰC HIỆN\nBáo cáo."
    )
    assert not any(s.path.startswith("PL") for s in plan.sections)
    assert {Decimal(9), Decimal(500)} <= {t.value for t in plan.targets}
    assert all(t.parent_key is None for t in plan.targets)  # the list is not swallowed
