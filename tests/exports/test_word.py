"""The draft report, opened back with python-docx: the state's format and the shared figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn

from bot.core.progress import PlanCitation, TargetInfo, Verdict
from bot.exports.word import (
    BODY_WIDTH_MM,
    PLACEHOLDER,
    TABLE_HEADER,
    build_report_draft,
    citation_text,
)
from tests.exports import UNITS, make_table

PLAN = PlanCitation(
    "21/KH-UBND",
    date(2025, 1, 15),
    "UBND xã Đại Sơn",
    "Kế hoạch phát động phong trào thi đua năm 2025",
)


def _open(data: bytes) -> Any:
    return Document(BytesIO(data))


def _draft(**changes: Any) -> Any:
    table = replace(make_table(), plan=PLAN, **changes)
    return _open(build_report_draft(table, kind="6thang", unit_or_commune_name="UBND xã Đại Sơn"))


def _texts(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def _targets_table(document: Any) -> Any:
    [grid] = [t for t in document.tables if t.rows[0].cells[0].text == TABLE_HEADER[0]]
    return grid


def _progress_rows(document: Any) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in _targets_table(document).rows]


def _mm(twips: str) -> float:
    return int(twips) / 56.7


def test_letterhead_is_a_borderless_two_column_table() -> None:
    document = _draft()
    heading = document.tables[0]
    assert len(heading.columns) == 2
    left, right = heading.cell(0, 0), heading.cell(0, 1)
    assert left.paragraphs[0].text == "UBND XÃ ĐẠI SƠN"
    assert [p.text for p in right.paragraphs[:2]] == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
    ]
    assert all(r.bold for p in right.paragraphs[:2] for r in p.runs)
    # A short rule under the issuing body and under the motto: a paragraph's bottom border.
    for cell in (left, right):
        rule = cell.paragraphs[-1]._p.find(qn("w:pPr")).find(qn("w:pBdr"))
        assert rule is not None and rule.find(qn("w:bottom")).get(qn("w:val")) == "single"
    borders = heading._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"nil"}
    # Wide enough that the motto (12 pt bold, about 92 mm) stands on one line.
    grid = [_mm(c.get(qn("w:w"))) for c in heading._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert grid[1] >= 95 and sum(grid) <= BODY_WIDTH_MM + 5
    assert heading.cell(1, 0).text == "Số: ……/BC-UBND"
    assert heading.cell(1, 1).text == "……, ngày …… tháng …… năm 2025"


def test_title_and_the_plan_it_reports_on() -> None:
    texts = _texts(_draft())
    assert "BÁO CÁO" in texts
    assert "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2025" in texts
    opening = next(t for t in texts if t.startswith("Thực hiện "))
    assert opening.startswith(
        "Thực hiện Kế hoạch số 21/KH-UBND ngày 15/01/2025 của UBND xã Đại Sơn về phát động "
        "phong trào thi đua năm 2025;"
    )


def test_the_plans_issuer_heads_the_draft_when_no_name_is_given() -> None:
    table = replace(make_table(), plan=PLAN)
    document = _open(build_report_draft(table, kind="6thang"))
    assert document.tables[0].cell(0, 0).paragraphs[0].text == "UBND XÃ ĐẠI SƠN"
    opening = next(p.text for p in document.paragraphs if p.text.startswith("Thực hiện"))
    assert "; UBND xã Đại Sơn báo cáo kết quả" in opening
    blank = _open(build_report_draft(make_table(), kind="6thang"))
    assert blank.tables[0].cell(0, 0).paragraphs[0].text == "UBND XÃ …………"


def test_citation_leaves_gaps_for_what_is_unknown() -> None:
    assert citation_text(None) == "Kế hoạch số …… ngày …… của ……"
    partial = PlanCitation("05/KH-UBND", None, None, "")
    assert citation_text(partial) == "Kế hoạch số 05/KH-UBND ngày …… của ……"


def test_year_end_draft() -> None:
    table = replace(make_table(), period_key="2025-nam", period_label="Năm 2025")
    texts = _texts(_open(build_report_draft(table, kind="nam")))
    assert "Tổng kết công tác thi đua, khen thưởng năm 2025" in texts
    assert "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026" in texts


def test_usual_sections_with_placeholders() -> None:
    texts = _texts(_draft())
    for heading in (
        "I. KẾT QUẢ CÔNG TÁC THI ĐUA, KHEN THƯỞNG 6 THÁNG ĐẦU NĂM 2025",
        "1. Công tác lãnh đạo, chỉ đạo",
        "3. Kết quả thực hiện các chỉ tiêu thi đua",
        "II. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế",
        "3. Nguyên nhân",
        "4. Giải pháp khắc phục",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2025",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert heading in texts
        after = texts[texts.index(heading) + 1 :]
        assert any(t.startswith(PLACEHOLDER) for t in after)
    assert sum(t.startswith(PLACEHOLDER) for t in texts) >= 9


def test_targets_table_shows_the_shared_figures() -> None:
    rows = _progress_rows(_draft())
    assert rows[0] == list(TABLE_HEADER)
    by_name = {r[1]: r for r in rows[1:]}
    # Trees: a partial sum carries how many units reported, and is not judged.
    assert by_name["Trồng mới cây phân tán"] == [
        "3",
        "Trồng mới cây phân tán",
        "cây",
        "58.000",
        "30.500\n(2/3 đơn vị)",
        "52,6%",
        "chưa đủ số liệu",
    ]
    # A rate: no sum, no mean; the units' range under the missing commune figure.
    rate = by_name["Tỷ lệ dân số tham gia BHYT"]
    assert rate[3:] == [
        "tối thiểu 96",
        "chưa có số chung\n(92,5\u2060–\u206097%)",
        "",
        "chưa đủ số liệu",
    ]
    assert by_name["Giảm tai nạn giao thông cả 3 tiêu chí"][3:] == [
        "định tính",
        "chưa báo cáo",
        "",
        "chưa báo cáo",
    ]
    # A sub-target stands under its compound line's own row.
    parent_index = next(i for i, r in enumerate(rows) if r[1] == "Phát triển chăn nuôi")
    assert rows[parent_index][0] == "5"
    assert rows[parent_index + 1][:2] == ["-", "Lợn"]


def test_qualitative_status_and_a_complete_sum_are_judged() -> None:
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    verdict = Verdict("12", achieved=True, set_by="An", set_at=moment)
    rows = _progress_rows(_draft(verdicts={"12": verdict}, units=("Thôn 1", "Thôn 2")))
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Giảm tai nạn giao thông cả 3 tiêu chí"][4:] == ["đạt", "", "đạt"]
    assert by_name["Trồng mới cây phân tán"][4:] == ["30.500", "52,6%", "đang thực hiện"]


def test_table_columns_fit_their_content_and_the_page() -> None:
    grid = _targets_table(_draft())
    widths = [_mm(c.get(qn("w:w"))) for c in grid._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert abs(sum(widths) - BODY_WIDTH_MM) < 1
    number, name, _measure, *figures = widths
    assert number < 10  # STT narrow
    assert name > 55 and name == max(widths)  # the name gets the room
    assert all(w >= 12 for w in figures)  # "28.603,61" and "58.000" fit unbroken
    layout = grid._tbl.tblPr.find(qn("w:tblLayout"))
    assert layout is not None and layout.get(qn("w:type")) == "fixed"


def test_numbers_never_need_to_break() -> None:
    big = TargetInfo("1", "1", "Tổng vốn đầu tư toàn xã hội", Decimal("6832510000"), "đồng")
    grid = _targets_table(
        _open(build_report_draft(replace(make_table([]), targets=(big,)), kind="6thang"))
    )
    widths = [_mm(c.get(qn("w:w"))) for c in grid._tbl.tblGrid.findall(qn("w:gridCol"))]
    # "6.832.510.000": 13 characters at 11 pt need about 25 mm with the cell margins.
    assert widths[3] >= 25


def test_header_row_repeats_and_rows_do_not_split() -> None:
    grid = _targets_table(_draft())
    header = grid.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")).get(qn("w:val")) == "true"
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in grid.rows)


def test_group_rows_follow_the_plan_headings() -> None:
    targets = tuple(
        replace(t, section="Về kinh tế" if i < 2 else "Về văn hóa – xã hội")
        for i, t in enumerate(make_table().targets)
    )
    rows = _progress_rows(_draft(targets=targets))
    groups = [r[0] for r in rows if len(set(r)) == 1]
    assert groups == ["Về kinh tế", "Về văn hóa – xã hội"]


def test_signature_block_stays_with_the_last_paragraph() -> None:
    document = _draft()
    signature = document.tables[-1]
    assert signature.cell(0, 0).paragraphs[0].text == "Nơi nhận:"
    assert "TM. ỦY BAN NHÂN DÂN" in signature.cell(0, 1).text
    assert "CHỦ TỊCH" in signature.cell(0, 1).text
    last = document.paragraphs[-1]
    assert last.text == PLACEHOLDER and last.paragraph_format.keep_with_next
    assert signature.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None


def test_missing_units_rules_and_summary_sentence() -> None:
    texts = _texts(_draft())
    # Each unit owes trees, money and pigs (they add up); the third sent nothing at all.
    assert f"Đơn vị chưa báo cáo đủ (3/3): Thôn 1, Thôn 2, {UNITS[2]} (chưa gửi số nào)." in texts
    summary = next(t for t in texts if t.startswith("Theo số liệu"))
    assert "đến 03/07/2025 14:05" in summary
    assert "có 0/3 đơn vị đã báo cáo đủ số liệu; 0/5 chỉ tiêu đạt kế hoạch" in summary
    assert "4 chỉ tiêu chưa đủ số liệu để đánh giá" in summary
    assert any(t.startswith("Ghi chú: Cách tính:") for t in texts)


def test_directions_list_targets_not_met() -> None:
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    verdict = Verdict("12", achieved=False, set_by="An", set_at=moment)
    texts = _texts(_draft(verdicts={"12": verdict}, units=("Thôn 1", "Thôn 2")))
    focus = next(t for t in texts if t.startswith("Tập trung thực hiện"))
    assert "(3) Trồng mới cây phân tán (đạt 52,6%)" in focus
    assert "(12) Giảm tai nạn giao thông cả 3 tiêu chí (chưa đạt)" in focus
    assert "(5)" not in focus  # met


def test_page_and_font_follow_the_decree() -> None:
    document = _draft()
    section = document.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert round(section.top_margin.mm) == 20 and round(section.bottom_margin.mm) == 20
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert document.styles["Normal"].font.size.pt == 13


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        build_report_draft(make_table(), kind="quy")


def test_a_line_with_its_own_figure_heads_its_parts_without_a_second_row() -> None:
    school = "Trường đạt chuẩn quốc gia"
    targets = (
        TargetInfo("9", "(9)", school, Decimal(1), "trường"),
        TargetInfo(
            "9.1", "(9)", "Tỷ lệ trường đạt chuẩn", Decimal("81.69"), "%", parent_name=school
        ),
        TargetInfo("10", "(10)", "Giải quyết việc làm", Decimal(1600), "người"),
    )
    rows = _progress_rows(_draft(targets=targets))
    assert [row[:2] for row in rows[1:]] == [
        ["9", school],
        ["-", "Tỷ lệ trường đạt chuẩn"],
        ["10", "Giải quyết việc làm"],
    ]
