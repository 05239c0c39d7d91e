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


@pytest.mark.parametrize("total", ["Toàn xã", "Cả xã", "Tổng", "Tổng cộng", "Cộng toàn xã"])
@pytest.mark.parametrize("label", ["Thôn", "Đơn vị", "Tên thôn, tổ dân phố"])
def test_a_table_of_units_by_targets_gives_the_columns_with_the_total(
    total: str, label: str
) -> None:
    table = (
        f"| TT | {label} | Trồng cây phân tán (cây) | Tỷ lệ tham gia BHYT (%) | Quỹ Vì người nghèo (triệu đồng) |\n"  # noqa: E501
        "| 1 | Thôn Nà Hẩu | 1.200 | 94 | 18 |\n"
        "| 2 | Thôn Khe Lim | 900 | 93 | 14 |\n"
        "| 3 | Thôn Bản Mới | 1.500 | 92 | 12 |\n"
        f"| | {total} | 3.600 | 93 | 44 |\n"
    )
    assert _plan(table) == [
        ("Trồng cây phân tán", Decimal(3600), "cây"),
        ("Tỷ lệ tham gia BHYT", Decimal(93), "%"),
        ("Quỹ Vì người nghèo", Decimal(44), "triệu đồng"),
    ]


def test_units_on_a_second_header_line_and_the_total_first() -> None:
    table = (
        "| Tổ dân phố | Hộ gia đình văn hóa | Đường điện chiếu sáng |\n"
        "| | hộ | m |\n"
        "| Cả phường | 2.140 | 3.500 |\n"
        "| Tổ 1 | 310 | 500 |\n"
        "| Tổ 2 | 295 | 450 |\n"
    )
    assert _plan(table) == [
        ("Hộ gia đình văn hóa", Decimal(2140), "hộ"),
        ("Đường điện chiếu sáng", Decimal(3500), "m"),
    ]


def test_a_target_table_with_a_total_row_stays_a_list_of_targets() -> None:
    table = (
        "| STT | Nội dung | ĐVT | Kế hoạch 2026 |\n"
        "| 1 | Làm mới đường bê tông | m | 1.200 |\n"
        "| 2 | Sửa chữa kênh mương | m | 800 |\n"
        "| | Tổng cộng | m | 2.000 |\n"
    )
    got = _plan(table)
    assert got[:2] == [
        ("Làm mới đường bê tông", Decimal(1200), "m"),
        ("Sửa chữa kênh mương", Decimal(800), "m"),
    ]


@pytest.mark.parametrize("number", ["#", "No", "Số"])
def test_a_column_counting_the_rows_is_the_number_whatever_its_header(number: str) -> None:
    table = (
        f"| {number} | Tên chỉ tiêu | ĐVT | Chỉ tiêu |\n"
        "| 1 | Sản lượng thủy sản | Tấn | 1.450 |\n"
        "| 2 | Tỷ lệ hộ nghèo | % | 0,8 |\n"
        "| 3 | Thôn đạt chuẩn văn hóa | Thôn | 16 |\n"
    )
    assert _plan(table) == [
        ("Sản lượng thủy sản", Decimal(1450), "tấn"),
        ("Tỷ lệ hộ nghèo", Decimal("0.8"), "%"),
        ("Thôn đạt chuẩn văn hóa", Decimal(16), "thôn"),
    ]


def test_figures_that_happen_to_count_up_stay_the_figures() -> None:
    table = (
        "| STT | Chỉ tiêu | ĐVT | Kế hoạch 2026 |\n"
        "| 1 | Nhà văn hóa xây mới | nhà | 1 |\n"
        "| 2 | Trạm y tế đạt chuẩn | trạm | 2 |\n"
        "| 3 | Thôn văn hóa | thôn | 3 |\n"
    )
    assert [v for _, v, _ in _plan(table)] == [Decimal(1), Decimal(2), Decimal(3)]


@pytest.mark.parametrize(
    ("assigned", "aim"),
    [
        ("Huyện giao", "Xã phấn đấu"),
        ("Chỉ tiêu huyện giao", "Phường phấn đấu"),
        ("Giao", "Đăng ký thi đua"),
    ],
)
def test_the_commune_s_own_aim_is_the_target_not_the_figure_assigned_to_it(
    assigned: str, aim: str
) -> None:
    table = (
        f"| TT | Chỉ tiêu | ĐVT | {assigned} | {aim} |\n|---|---|---|---|---|\n"
        "| 1 | Thu ngân sách | tỷ đồng | 12 | 13,5 |\n"
        "| 2 | Trồng cây xanh | cây | 2.000 | 2.500 |\n"
    )
    assert _plan(table) == [
        ("Thu ngân sách", Decimal("13.5"), "tỷ đồng"),
        ("Trồng cây xanh", Decimal(2500), "cây"),
    ]
