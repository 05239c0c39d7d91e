"""The draft report, opened back with python-docx."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO
from typing import Any

import pytest
from docx import Document

from bot.exports.word import PLACEHOLDER, TABLE_HEADER, build_report_draft
from tests.exports import UNITS, make_table


def _open(data: bytes) -> Any:
    return Document(BytesIO(data))


def _texts(document: Any) -> list[str]:
    return [p.text for p in document.paragraphs]


def _progress_rows(document: Any) -> list[list[str]]:
    [grid] = [t for t in document.tables if t.rows[0].cells[0].text == TABLE_HEADER[0]]
    return [[c.text for c in row.cells] for row in grid.rows]


def test_six_month_draft_heading_and_title() -> None:
    document = _open(build_report_draft(make_table(), kind="6thang"))
    heading = document.tables[0]
    assert (
        heading.cell(0, 1).text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    )
    assert heading.cell(0, 0).text == "UBND XÃ ……………"
    texts = _texts(document)
    assert "BÁO CÁO" in texts
    assert "Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2025" in texts


def test_year_end_draft_and_issuer_name() -> None:
    table = replace(make_table(), period_key="2025-nam", period_label="Năm 2025")
    document = _open(build_report_draft(table, kind="nam", unit_or_commune_name="UBND xã Đại Sơn"))
    texts = _texts(document)
    assert "Tổng kết công tác thi đua, khen thưởng năm 2025" in texts
    assert "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026" in texts
    assert document.tables[0].cell(0, 0).text == "UBND XÃ ĐẠI SƠN"


def test_usual_sections_with_placeholders() -> None:
    texts = _texts(_open(build_report_draft(make_table(), kind="6thang")))
    for heading in (
        "I. KẾT QUẢ CÔNG TÁC THI ĐUA, KHEN THƯỞNG 6 THÁNG ĐẦU NĂM 2025",
        "II. ĐÁNH GIÁ CHUNG",
        "1. Ưu điểm",
        "2. Tồn tại, hạn chế",
        "3. Nguyên nhân",
        "4. Giải pháp khắc phục",
        "III. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2025",
        "IV. ĐỀ XUẤT, KIẾN NGHỊ",
    ):
        assert heading in texts
        assert texts[texts.index(heading) + 1 :].count(PLACEHOLDER) >= 1
    assert texts.count(PLACEHOLDER) >= 10


def test_progress_table_in_vietnamese_notation() -> None:
    rows = _progress_rows(_open(build_report_draft(make_table(), kind="6thang")))
    assert rows[0] == list(TABLE_HEADER)
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number["(3)"] == [
        "(3)",
        "Trồng mới cây phân tán",
        "cây",
        "58.000",
        "30.500",
        "52,6%",
        "đang thực hiện",
    ]
    assert by_number["(9)"][3:6] == ["2,5", "1,25", "50%"]
    assert by_number["(5)"][1] == "Phát triển chăn nuôi — Lợn"
    assert by_number["(5)"][2:] == ["con", "5.500", "6.000", "109,1%", "đạt"]
    rate = by_number["(7)"]
    assert rate[3] == "tối thiểu 96"
    assert rate[4] == f"{PLACEHOLDER} (các đơn vị báo cáo: 92,5% – 97%)"
    assert rate[5] == ""
    assert by_number["(12)"][3:5] == ["không định lượng", "chưa có số liệu"]


def test_missing_units_and_summary_sentence() -> None:
    texts = _texts(_open(build_report_draft(make_table(), kind="6thang")))
    assert f"Đơn vị chưa báo cáo (1): {UNITS[2]}." in texts
    summary = next(t for t in texts if t.startswith("Theo số liệu"))
    assert "đến 03/07/2025 14:05" in summary
    assert "có 2/3 đơn vị đã báo cáo; 1/4 chỉ tiêu đã đạt kế hoạch" in summary


def test_directions_list_targets_not_yet_met() -> None:
    texts = _texts(_open(build_report_draft(make_table(), kind="6thang")))
    assert "- (3) Trồng mới cây phân tán (đạt 52,6%);" in texts
    assert "- (7) Tỷ lệ dân số tham gia BHYT (đang thực hiện);" in texts
    assert not any(t.startswith("- (5)") for t in texts)  # met
    assert not any(t.startswith("- (12)") for t in texts)  # not a figure


def test_everyone_reported() -> None:
    table = make_table(units=("Thôn 1", "Thôn 2"))
    texts = _texts(_open(build_report_draft(table, kind="6thang")))
    assert "Tất cả các đơn vị đã báo cáo số liệu." in texts


def test_page_and_font_follow_administrative_style() -> None:
    document = _open(build_report_draft(make_table(), kind="6thang"))
    section = document.sections[0]
    assert round(section.left_margin.mm) == 30 and round(section.right_margin.mm) == 15
    assert round(section.page_width.mm) == 210
    assert document.styles["Normal"].font.name == "Times New Roman"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="kind"):
        build_report_draft(make_table(), kind="quy")
