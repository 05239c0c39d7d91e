"""Reading figures out of staff messages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.numbers import FigureTooLargeError
from bot.core.report_parser import (
    MAX_REPORT_CHARS,
    ReportTooLargeError,
    has_figure,
    looks_like_unit_name,
    parse_report,
)


@pytest.mark.parametrize(
    ("text", "fragment", "value", "measure", "delta"),
    [
        ("Đã trồng được 12.500 cây phân tán", "trong phan tan", "12500", "cây", False),
        ("da trong duoc 12500 cay phan tan", "trong phan tan", "12500", "cây", False),
        ("BHYT đạt 97,5%", "bhyt dat", "97.5", "%", False),
        ("Thu ngân sách 2.150.000.000 đồng", "thu ngan sach", "2150000000", "đồng", False),
        ("thu ngân sách 2,5 tỷ", "thu ngan sach", "2500000000", "đồng", False),
        ("+300 cây phân tán", "phan tan", "300", "cây", True),
        ("trồng thêm 300 cây phân tán", "trong phan tan", "300", "cây", True),
        ("Giải quyết việc làm 1,2 nghìn người", "giai quyet viec lam", "1200", "người", False),
    ],
)
def test_single_figure(text: str, fragment: str, value: str, measure: str, delta: bool) -> None:
    report = parse_report(text)
    assert len(report.claims) == 1
    claim = report.claims[0]
    assert claim.fragment == fragment
    assert claim.value == Decimal(value)
    assert claim.measure is not None
    assert claim.measure.name == measure
    assert claim.delta is delta
    assert claim.source == text


def test_several_figures_in_one_message() -> None:
    report = parse_report("lon 2300 con, de 120 con; gia cầm 41.000 con")
    assert [(c.fragment, c.value) for c in report.claims] == [
        ("lon", Decimal(2300)),
        ("de", Decimal(120)),
        ("gia cam", Decimal(41000)),
    ]


def test_decimal_comma_does_not_split_clauses() -> None:
    report = parse_report("Tỷ lệ hộ nghèo giảm 0,77%")
    assert len(report.claims) == 1
    assert report.claims[0].value == Decimal("0.77")


def test_ambiguous_number_is_asked_not_guessed() -> None:
    report = parse_report("1.5 tấn thóc")
    assert report.claims == ()
    assert len(report.ambiguous) == 1
    assert set(report.ambiguous[0].readings) == {Decimal("1.5"), Decimal(1500)}
    assert report.ambiguous[0].fragment == "thoc"


def test_negative_value_is_kept_for_the_sanity_check() -> None:
    report = parse_report("trồng cây phân tán -50 cây")
    assert report.claims[0].value == Decimal(-50)


def test_message_without_numbers() -> None:
    report = parse_report("chỉ tiêu bảo hiểm y tế là gì")
    assert report.empty
    assert not has_figure("chỉ tiêu bảo hiểm y tế là gì")
    assert has_figure("BHYT 96%")


@pytest.mark.parametrize(
    "text",
    [
        "chỉ tiêu việc làm năm 2025",
        "suy dinh dưỡng trẻ dưới 5 tuổi",
        "ty le ho ngheo nam 2025",
        "kết quả 6 tháng đầu năm",
        "chỉ tiêu số 10 là gì",
        "chi tieu 16",
        "nội dung mục III.4",
        "chỉ tiêu (16)",
        "theo Kế hoạch 21/KH-UBND ngày 03/02/2025",
        "giai đoạn 2020-2025",
    ],
)
def test_years_ages_dates_and_references_are_not_figures(text: str) -> None:
    assert not has_figure(text)
    assert parse_report(text).empty


def test_a_figure_beside_a_year_is_read_and_the_year_is_not() -> None:
    [claim] = parse_report("Năm 2025 đã trồng được 12.500 cây phân tán").claims
    assert claim.value == Decimal(12500)
    [rate] = parse_report("tỷ lệ trẻ dưới 5 tuổi suy dinh dưỡng còn 4,8%").claims
    assert rate.value == Decimal("4.8")


@pytest.mark.parametrize(
    ("text", "is_unit"),
    [
        ("Thôn 2", True),
        ("Thôn Đông", True),
        ("thon dong", False),  # could be a target's words; admins' unit names still resolve
        ("Thôn văn hóa", False),  # a target: "Thôn văn hóa: 5 thôn"
        ("Tổ chức trồng cây", False),
        ("Đoàn viên mới", False),
        ("Tổ dân phố 3", True),
        ("Phòng Nội vụ", True),
        ("lợn", False),
        ("Tổng đàn lợn", False),
        ("Bản văn hóa", False),  # a target in mountain communes' plans
        ("", False),
    ],
)
def test_looks_like_unit_name(text: str, is_unit: bool) -> None:
    assert looks_like_unit_name(text) is is_unit


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        ("trồng cây phân tán 12 500 cây", [("12500", "cây")]),  # thousands grouped by spaces
        ("giải quyết việc làm 1 200 người", [("1200", "người")]),
        ("thu ngân sách 3 tỷ 200 triệu", [("3200000000", "đồng")]),  # an amount in two parts
        ("lợn 2300 con dê 120 con", [("2300", "con"), ("120", "con")]),  # no separator
        ("Đã trồng được 12.500 cây phân tán năm 2025", [("12500", "cây")]),
        ("Đợt 1 200 người có việc làm mới", [("200", "người")]),  # an ordinal, not 1.200
        ("thu ngân sách 2 tỷ 5", [("2500000000", "đồng")]),  # said as "2 tỷ 5": 2,5 tỷ
        ("thu ngan sach 2ty5", [("2500000000", "đồng")]),
        ("thu nhập 58 triệu 5", [("58500000", "đồng")]),
        ("thu ngân sách 2 tỷ 50", [("2050000000", "đồng")]),  # 2 tỷ 50 triệu
        ("12 nghìn 500 cây", [("12500", "cây")]),
        ("thóc 1.000 tấn = 55,9% kế hoạch", [("1000", "tấn")]),  # the share is a note
        ("BHYT đạt 96% kế hoạch", [("96", "%")]),  # … unless it is the only figure
        ("Lợn - 2.000 con", [("2000", "con")]),  # a dash between words is no minus sign
        ("giải quyết việc làm mới 3 đợt 120 người", [("120", "người")]),  # the figure with a unit
        ("Báo cáo 30/6: lợn 2.000 con", [("2000", "con")]),  # a day and month, not a figure
        ("trồng được 18.000 cây đạt 30% kế hoạch", [("18000", "cây")]),
        ("Xã đạt 19/19 tiêu chí nông thôn mới", [("19", "tiêu chí")]),  # a ratio, not a date
    ],
)
def test_everyday_ways_of_writing_figures(text: str, figures: list[tuple[str, str]]) -> None:
    claims = parse_report(text).claims
    assert [(str(c.value), c.measure.name if c.measure else None) for c in claims] == figures


@pytest.mark.parametrize("text", ["-50 con lợn", "bớt 20 con dê", "lợn trừ 20 con"])
def test_taking_off_is_a_negative_increment(text: str) -> None:
    [claim] = parse_report(text).claims
    assert claim.delta and claim.value < 0


def test_taking_off_an_ambiguous_number_keeps_the_sign() -> None:
    [asked] = parse_report("bớt 2.3 tấn thóc").ambiguous
    assert asked.delta and all(r < 0 for r in asked.readings)


# --- bounds -----------------------------------------------------------------------------------


def test_many_run_together_figures_split_without_recursion() -> None:
    text = "lợn 2 con dê 3 con " * 60  # 120 figures: too many for one message
    with pytest.raises(ReportTooLargeError):
        parse_report(text)
    parsed = parse_report("lợn 2 con dê 3 con " * 40)
    assert len(parsed.claims) == 80
    assert [c.value for c in parsed.claims[:2]] == [Decimal(2), Decimal(3)]


def test_a_message_over_the_telegram_limit_is_refused_with_a_message() -> None:
    with pytest.raises(ReportTooLargeError) as caught:
        parse_report("lợn 2 con " + "x" * MAX_REPORT_CHARS)
    assert "4.096" in caught.value.message_vi


def test_a_figure_too_large_refuses_the_message_with_the_reason() -> None:
    with pytest.raises(FigureTooLargeError) as caught:
        parse_report("trồng cây 9999999999999999999999999999 cây")
    assert "quá lớn" in caught.value.message_vi
    with pytest.raises(FigureTooLargeError):
        parse_report("thu ngân sách 2.000.000 tỷ")
