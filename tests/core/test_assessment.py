"""The one set of figures: how a target's commune figure and status are made from units'
reports, pinned on small hand-made tables."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.core.plan import Direction, Qualifier, Scope
from bot.core.progress import (
    Figure,
    ProgressTable,
    Rule,
    Status,
    TargetInfo,
    Verdict,
    assess,
)

AT = datetime(2025, 6, 10, 3, 0, tzinfo=UTC)
UNITS = ("Thôn 1", "Thôn 2", "Thôn 3", "Thôn 4")
OFFICE = "Văn phòng UBND xã"

TREES = TargetInfo("1", "1", "Trồng cây phân tán", Decimal(1000), "cây")
INSURANCE = TargetInfo("2", "2", "Tỷ lệ tham gia BHYT", Decimal(96), "%", Qualifier.AT_LEAST)
POOR = TargetInfo("3", "3", "Tỷ lệ hộ nghèo", Decimal("1.5"), "%", Qualifier.AT_MOST)
ACCIDENTS = TargetInfo("4", "4", "Số vụ tai nạn giao thông", Decimal(5), "vụ", Qualifier.AT_MOST)
TRAFFIC = TargetInfo("5", "5", "Giảm tai nạn giao thông cả 3 tiêu chí", None, None)
MALNUTRITION = TargetInfo("6", "6", "Tỷ lệ trẻ em suy dinh dưỡng", Decimal("5.9"), "%")


def _table(
    figures: dict[tuple[str, str], str],
    *,
    units: tuple[str, ...] = UNITS,
    commune: frozenset[str] = frozenset(),
    verdicts: dict[str, Verdict] | None = None,
    weights: dict[str, Decimal] | None = None,
    stale: frozenset[str] = frozenset(),
) -> ProgressTable:
    return ProgressTable(
        plan_label="Kế hoạch 1/KH-UBND",
        period_key="2025-6thang",
        period_label="6 tháng đầu năm 2025",
        generated_at=AT,
        targets=(TREES, INSURANCE, POOR, ACCIDENTS, TRAFFIC, MALNUTRITION),
        units=units,
        figures={
            (unit, key): Figure(unit, key, Decimal(v), AT, "Cán bộ", in_period=unit not in stale)
            for (unit, key), v in figures.items()
        },
        commune_units=commune,
        verdicts=verdicts or {},
        weights=weights or {},
    )


def test_counts_add_up_and_are_judged_only_when_every_unit_reported() -> None:
    some = {(u, "1"): "300" for u in UNITS[:3]}
    partial = assess(_table(some), TREES)
    assert partial.rule is Rule.SUM
    assert partial.value == 900 and not partial.complete
    assert partial.status is Status.PARTIAL  # not "đạt", not "đang thực hiện"
    assert partial.coverage == "3/4 đơn vị đã báo cáo"
    whole = assess(_table({**some, ("Thôn 4", "1"): "150"}), TREES)
    assert whole.value == 1050 and whole.complete and whole.status is Status.ACHIEVED
    assert whole.percent == Decimal("105.0")


def test_a_subset_over_the_whole_target_is_still_not_achieved() -> None:
    # One unit of four already reports more than the commune's target: the sum is partial.
    done = assess(_table({("Thôn 1", "1"): "1200"}), TREES)
    assert done.status is Status.PARTIAL and done.reported == 1


def test_a_rate_is_never_summed_or_averaged() -> None:
    rates = {("Thôn 1", "2"): "97.5", ("Thôn 2", "2"): "95.2", ("Thôn 3", "2"): "99"}
    done = assess(_table(rates), INSURANCE)
    assert done.rule is Rule.COMMUNE
    assert done.value is None and done.status is Status.PARTIAL
    assert done.lowest is not None and done.lowest.value == Decimal("95.2")
    assert done.highest is not None and done.highest.value == 99


def test_a_rate_comes_from_the_unit_reporting_for_the_whole_commune() -> None:
    units = (*UNITS, OFFICE)
    rates = {("Thôn 1", "2"): "97.5", ("Thôn 2", "2"): "95.2", (OFFICE, "2"): "95.8"}
    done = assess(_table(rates, units=units, commune=frozenset({OFFICE})), INSURANCE)
    assert done.value == Decimal("95.8") and done.source == OFFICE
    assert done.complete and done.status is Status.IN_PROGRESS
    assert done.expected == 4  # the office is not one of the units that add up
    assert done.lowest is not None and done.lowest.value == Decimal("95.2")


def test_a_rate_set_per_unit_is_weighted_by_unit_size() -> None:
    per_unit = TargetInfo(
        "2", "2", "Tỷ lệ tham gia BHYT", Decimal(96), "%", Qualifier.AT_LEAST, scope=Scope.UNITS
    )
    rates = {("Thôn 1", "2"): "100", ("Thôn 2", "2"): "90"}
    sizes = {"Thôn 1": Decimal(300), "Thôn 2": Decimal(100)}
    units = ("Thôn 1", "Thôn 2")
    done = assess(_table(rates, units=units, weights=sizes), per_unit)
    assert done.rule is Rule.WEIGHTED
    assert done.value == Decimal("97.50") and done.status is Status.ACHIEVED
    unweighted = assess(_table(rates, units=units), per_unit)
    assert unweighted.value is None and unweighted.status is Status.PARTIAL


def test_ceilings_are_met_at_or_under_and_missed_above() -> None:
    units = (*UNITS, OFFICE)
    commune = frozenset({OFFICE})
    under = assess(_table({(OFFICE, "3"): "1.2"}, units=units, commune=commune), POOR)
    assert under.status is Status.ACHIEVED and under.percent is None
    over = assess(_table({(OFFICE, "3"): "1.8"}, units=units, commune=commune), POOR)
    assert over.status is Status.NOT_ACHIEVED
    assert Status.NOT_ACHIEVED.label == "chưa đạt"


def test_a_counted_ceiling_passed_by_some_units_is_already_missed() -> None:
    partial = assess(_table({("Thôn 1", "4"): "4", ("Thôn 2", "4"): "3"}), ACCIDENTS)
    assert partial.value == 7 and partial.status is Status.NOT_ACHIEVED
    below = assess(_table({("Thôn 1", "4"): "2"}), ACCIDENTS)
    assert below.status is Status.PARTIAL  # the others may still add accidents


def test_a_bad_rate_without_qualifier_is_lower_is_better() -> None:
    assert MALNUTRITION.goes is Direction.LOWER
    assert INSURANCE.goes is Direction.HIGHER and POOR.goes is Direction.CEILING
    units = (*UNITS, OFFICE)
    done = assess(
        _table({(OFFICE, "6"): "6.2"}, units=units, commune=frozenset({OFFICE})), MALNUTRITION
    )
    assert done.status is Status.NOT_ACHIEVED


def test_an_admin_setting_overrides_the_inference() -> None:
    share = TargetInfo(
        "7", "7", "Tỷ lệ hộ dùng nước sạch", Decimal(90), "%", direction=Direction.LOWER
    )
    assert share.lower_is_better
    assert TargetInfo("8", "8", "Số hộ", Decimal(9), "hộ", scope=Scope.COMMUNE).reported_by is (
        Scope.COMMUNE
    )


def test_qualitative_targets_carry_the_status_someone_set() -> None:
    assert assess(_table({}), TRAFFIC).status is Status.NOT_REPORTED
    met = Verdict("5", achieved=True, set_by="Nguyễn Văn A", set_at=AT)
    done = assess(_table({}, verdicts={"5": met}), TRAFFIC)
    assert done.rule is Rule.QUALITATIVE and done.status is Status.ACHIEVED
    assert done.verdict == met
    missed = Verdict("5", achieved=False, set_by="Nguyễn Văn A", set_at=AT)
    assert assess(_table({}, verdicts={"5": missed}), TRAFFIC).status is Status.NOT_ACHIEVED


def test_a_figure_left_from_an_earlier_period_does_not_count_as_reported() -> None:
    figures = {(u, "1"): "300" for u in UNITS}
    done = assess(_table(figures, stale=frozenset({"Thôn 4"})), TREES)
    assert done.value == 1200 and done.reported == 3
    assert not done.complete and done.status is Status.PARTIAL
