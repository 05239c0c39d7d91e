"""Target tables read whatever shape their header and rows take: a number column whose
header a narrow PDF column wrapped, a table of units by targets with a commune total row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.plan_parser import parse_plan


def _plan(table: str) -> list[tuple[str, Decimal | None, str | None]]:
    text = (
        "KẾ HOẠCH\nThi đua năm 2026\n\nII. CHỈ TIÊU\n\n"
        + table
        + "\nIII. TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo kết quả.\n"
    )
    return [(t.name, t.value, t.measure) for t in parse_plan(text).targets if t.value is not None]


@pytest.mark.parametrize("number", ["ST T", "S TT", "T T", "S T T"])
@pytest.mark.parametrize("figure", ["Chỉ tiêu", "Kế hoạch", "Năm 2026"])
def test_a_wrapped_number_header_is_never_the_figure(number: str, figure: str) -> None:
    table = (
        f"| {number} | Tên chỉ tiêu | ĐVT | {figure} | Ghi chú |\n"
        "| 1 | Sản lượng thủy sản | Tấn | 1.450 | Năm 2025: 1.320 |\n"
        "| 2 | Tỷ lệ hộ nghèo | % | 0,8 | |\n"
        "| 3 | Thôn đạt chuẩn văn hóa | Thôn | 16 | Tổng số 18 thôn |\n"
    )
    assert _plan(table) == [
        ("Sản lượng thủy sản", Decimal(1450), "tấn"),
        ("Tỷ lệ hộ nghèo", Decimal("0.8"), "%"),
        ("Thôn đạt chuẩn văn hóa", Decimal(16), "thôn"),
    ]
