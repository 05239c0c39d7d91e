"""The Word draft as LibreOffice lays it out (skipped where LibreOffice is not installed):
a 22-target plan fits in three pages, the header row repeats, the signature is not alone."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import pdfplumber
import pytest

from bot.core.plan import Qualifier
from bot.core.progress import Figure, TargetInfo
from bot.exports.pdf import docx_to_pdf, libreoffice
from bot.exports.word import build_report_draft
from tests.exports import UNITS, make_table


def _times_metrics_font() -> bool:
    """Whether Times New Roman, or its metric twin Liberation Serif, is installed: page
    breaks are judged in the font the draft asks for, not in a wider fallback."""
    program = shutil.which("fc-match")
    if program is None:
        return False
    found = subprocess.run(
        [program, "-f", "%{family}", "Times New Roman"],
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    ).stdout
    return "Times New Roman" in found or "Liberation Serif" in found


pytestmark = [
    pytest.mark.skipif(libreoffice() is None, reason="LibreOffice is not installed"),
    pytest.mark.skipif(
        libreoffice() is not None and not _times_metrics_font(),
        reason="neither Times New Roman nor Liberation Serif is installed "
        "(apt-get install fonts-liberation): the layout would be judged in another font",
    ),
]

_NAMES = (
    ("Tổng giá trị sản xuất trên địa bàn", Decimal("28603.61"), "tỷ đồng", Qualifier.ABOUT),
    ("Tỷ lệ tham gia bảo hiểm y tế", Decimal(96), "%", Qualifier.AT_LEAST),
    ("Tỷ lệ hộ nghèo theo chuẩn đa chiều", Decimal("1.5"), "%", Qualifier.AT_MOST),
    ("Giải quyết việc làm mới trong năm", Decimal(1600), "người", Qualifier.EXACT),
    ("Trồng mới cây phân tán", Decimal(58000), "cây", Qualifier.EXACT),
    (
        "Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi",
        Decimal("5.9"),
        "%",
        Qualifier.EXACT,
    ),
    ("Cấp giấy chứng nhận quyền sử dụng đất lần đầu", Decimal(1740), "giấy", Qualifier.EXACT),
    ("Thu nhập bình quân đầu người", Decimal(60), "triệu đồng/người/năm", Qualifier.EXACT),
)


def _plan_of_22() -> tuple[TargetInfo, ...]:
    targets = []
    for i in range(22):
        name, value, measure, qualifier = _NAMES[i % len(_NAMES)]
        targets.append(
            TargetInfo(str(i + 1), str(i + 1), f"{name} ({i + 1})", value, measure, qualifier)
        )
    return tuple(targets)


def test_a_22_target_draft_fits_three_pages_with_the_header_repeated() -> None:
    targets = _plan_of_22()
    moment = datetime(2025, 6, 10, tzinfo=UTC)
    figures = [
        Figure(unit, t.key, (t.value or Decimal(1)) * Decimal("0.3"), moment, "An")
        for t in targets
        for unit in UNITS[:2]
    ]
    table = replace(make_table(figures), targets=targets)
    pdf = docx_to_pdf(build_report_draft(table, kind="6thang"))
    assert pdf is not None
    with pdfplumber.open(BytesIO(pdf)) as document:
        pages = [page.extract_text() or "" for page in document.pages]
    assert len(pages) <= 3
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pages[0].splitlines()[0]
    table_pages = [p for p in pages if any(name in p for name, *_ in _NAMES)]
    assert len(table_pages) >= 2 and all("Kế hoạch Thực hiện" in p for p in table_pages)
    assert "TM. ỦY BAN NHÂN DÂN" in pages[-1]
    assert "IV. ĐỀ XUẤT, KIẾN NGHỊ" in pages[-1]  # the signature is not alone on its page
    assert "28.603,61" in pages[0] + pages[1]  # never broken inside the number
