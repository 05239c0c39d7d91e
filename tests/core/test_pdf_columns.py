"""A PDF page setting part of its text in two columns (two lists side by side): the text
reader gives the left column's lines, then the right's, not both merged line by line; text
side by side that is not two lists (the header of an administrative document, the
signature block) stays as it stands."""

from __future__ import annotations

import io

import matplotlib
import pytest

from bot.core.documents import extract_text

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # the backend must be chosen first


def _pdf(rows: list[tuple[str, str]]) -> bytes:
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}):
        figure = plt.figure(figsize=(8.27, 11.69))
        for i, (left, right) in enumerate(rows):
            y = 0.92 - 0.03 * i
            if left:
                figure.text(0.08, y, left, fontsize=10)
            if right:
                figure.text(0.54, y, right, fontsize=10)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf")
        plt.close(figure)
    return buffer.getvalue()


@pytest.mark.parametrize("mark", ["•", "-", "+"])
def test_two_lists_side_by_side_are_read_one_column_after_the_other(mark: str) -> None:
    rows = [
        ("II. CHỈ TIÊU THI ĐUA", ""),
        ("1. Kinh tế", "2. Xã hội"),
        (f"{mark} Diện tích cà phê tái canh: 180 ha", f"{mark} Tỷ lệ hộ nghèo giảm 2,5%"),
        (f"{mark} Đàn bò: 5.400 con", f"{mark} Tỷ lệ tham gia BHYT: 97%"),
        (f"{mark} Thu ngân sách: 7,2 tỷ đồng", f"{mark} Lao động đi làm việc ở nước"),
        ("", "ngoài: 25 người"),
        ("III. TỔ CHỨC THỰC HIỆN", ""),
    ]
    assert extract_text(_pdf(rows), "kh.pdf").splitlines() == [
        "II. CHỈ TIÊU THI ĐUA",
        "1. Kinh tế",
        f"{mark} Diện tích cà phê tái canh: 180 ha",
        f"{mark} Đàn bò: 5.400 con",
        f"{mark} Thu ngân sách: 7,2 tỷ đồng",
        "2. Xã hội",
        f"{mark} Tỷ lệ hộ nghèo giảm 2,5%",
        f"{mark} Tỷ lệ tham gia BHYT: 97%",
        f"{mark} Lao động đi làm việc ở nước",
        "ngoài: 25 người",
        "III. TỔ CHỨC THỰC HIỆN",
    ]


def test_numbered_lists_in_two_columns() -> None:
    rows = [
        ("1.1. Trồng cây phân tán: 8.000 cây", "2.1. Hộ gia đình văn hóa: 1.500 hộ"),
        ("1.2. Đường bê tông: 3 km", "2.2. Thôn văn hóa: 12 thôn"),
    ]
    assert extract_text(_pdf(rows), "kh.pdf").splitlines() == [
        "1.1. Trồng cây phân tán: 8.000 cây",
        "1.2. Đường bê tông: 3 km",
        "2.1. Hộ gia đình văn hóa: 1.500 hộ",
        "2.2. Thôn văn hóa: 12 thôn",
    ]


def test_a_document_header_and_signature_side_by_side_stay_line_by_line() -> None:
    rows = [
        ("ỦY BAN NHÂN DÂN XÃ IA GRAI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Số: 26/KH-UBND", "Ia Grai, ngày 02 tháng 03 năm 2026"),
        ("Nơi nhận:", "TM. ỦY BAN NHÂN DÂN"),
        ("- Thường trực Đảng ủy;", "CHỦ TỊCH"),
        ("- Lưu: VT, VP.", "(Đã ký)"),
    ]
    assert extract_text(_pdf(rows), "kh.pdf").splitlines() == [f"{a} {b}" for a, b in rows]
