"""Progress rules that do not depend on a table: which targets add up, what looks wrong."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.plan import Direction, Qualifier
from bot.core.progress import Status, TargetInfo, percent_of_target, status, suspicious


def _info(measure: str | None, value: str = "100") -> TargetInfo:
    return TargetInfo("1", "(1)", "Chỉ tiêu", Decimal(value), measure, Qualifier.EXACT)


@pytest.mark.parametrize("measure", ["cây", "con", "tấn", "người", "tỷ đồng", "km"])
def test_counts_and_amounts_add_up_across_units(measure: str) -> None:
    assert _info(measure).additive


@pytest.mark.parametrize(
    "measure",
    ["%", "‰", "tuổi", "triệu đồng/người/năm", "Tr.đ/người/năm", "bác sĩ/vạn dân", None],
)
def test_rates_and_per_capita_figures_do_not(measure: str | None) -> None:
    assert not _info(measure).additive


@pytest.mark.parametrize(
    ("name", "measure"),
    [
        ("Thu nhập bình quân đầu người", "triệu đồng"),  # the "/người/năm" lost in a PDF
        ("Năng suất lúa bình quân", "tấn"),
        ("Giá trị sản xuất trung bình trên 1 ha", "triệu đồng"),
        ("Tốc độ tăng trưởng kinh tế", "lần"),
    ],
)
def test_a_mean_by_its_name_does_not_add_up_whatever_its_unit(name: str, measure: str) -> None:
    info = TargetInfo("1", "(1)", name, Decimal(60), measure, Qualifier.EXACT)
    assert not info.additive


def test_suspicious_values() -> None:
    assert suspicious(Decimal(-1), _info("cây")) == "số liệu âm"
    assert suspicious(Decimal(101), _info("%")) == "tỷ lệ lớn hơn 100%"
    assert suspicious(Decimal(1001), _info("cây")) == "lớn hơn 10 lần chỉ tiêu"
    assert suspicious(Decimal(101), _info("cây")) == (
        "một đơn vị đã vượt chỉ tiêu chung của cả kế hoạch"  # units' figures add up
    )
    assert suspicious(Decimal(100), _info("cây")) is None
    assert suspicious(Decimal(150), _info("triệu đồng/người/năm")) is None  # an average


def test_a_small_first_figure_is_not_shown_as_zero_percent() -> None:
    budget = _info("tỷ đồng", "28603.61")
    percent = percent_of_target(Decimal("2.5"), budget)
    assert percent is not None and 0 < percent <= Decimal("0.01")
    assert percent_of_target(Decimal(0), budget) == 0
    assert percent_of_target(Decimal(12500), _info("cây", "58000")) == Decimal("21.6")


@pytest.mark.parametrize(
    ("name", "qualifier"),
    [
        ("Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng", Qualifier.EXACT),
        ("Tốc độ tăng dân số tự nhiên", Qualifier.EXACT),
        ("Tỷ lệ hộ nghèo", Qualifier.AT_MOST),
    ],
)
def test_a_rate_to_keep_under_is_met_at_or_below_it(name: str, qualifier: Qualifier) -> None:
    target = TargetInfo("1", "(1)", name, Decimal("5.9"), "%", qualifier)
    assert target.lower_is_better
    assert status(Decimal("5"), target) is Status.ACHIEVED
    assert status(Decimal("6.5"), target) is Status.NOT_ACHIEVED  # over the level: a miss
    assert percent_of_target(Decimal("5"), target) is None  # 84,7% would read as unfinished


def test_other_rates_are_more_is_better() -> None:
    insurance = TargetInfo("1", "(1)", "Tỷ lệ tham gia BHYT", Decimal(96), "%", Qualifier.EXACT)
    assert not insurance.lower_is_better
    assert status(Decimal(90), insurance) is Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("name", "value", "goes"),
    [
        ("Số vụ cháy rừng", "0", Direction.CEILING),
        ("Số vụ tai nạn giao thông", "3", Direction.LOWER),
        ("Số vụ phạm pháp hình sự", "12", Direction.LOWER),
        ("Số vụ việc hòa giải thành", "40", Direction.HIGHER),  # a good count stays higher
    ],
)
def test_counts_of_harmful_events_go_down(name: str, value: str, goes: Direction) -> None:
    info = TargetInfo("1", "(1)", name, Decimal(value), "vụ", Qualifier.EXACT)
    assert info.goes is goes
