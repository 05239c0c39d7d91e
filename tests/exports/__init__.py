"""Export tests, and the hand-built progress table they share.

Three units (one has not reported anything) and five targets: trees counted in "cây",
a rate in "%", money in "tỷ đồng", a non-numeric target and a sub-target of a compound line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bot.core.plan import Qualifier
from bot.core.progress import Figure, ProgressTable, TargetInfo

TREES = TargetInfo("3", "3", "Trồng mới cây phân tán", Decimal(58000), "cây")
INSURANCE = TargetInfo("7", "7", "Tỷ lệ dân số tham gia BHYT", Decimal(96), "%", Qualifier.AT_LEAST)
BUDGET = TargetInfo("9", "9", "Thu ngân sách trên địa bàn", Decimal("2.5"), "tỷ đồng")
TRAFFIC = TargetInfo("12", "12", "Giảm tai nạn giao thông cả 3 tiêu chí", None, None)
PIGS = TargetInfo("5.2", "5", "Lợn", Decimal(5500), "con", parent_name="Phát triển chăn nuôi")
TARGETS = (TREES, INSURANCE, BUDGET, TRAFFIC, PIGS)
UNITS = ("Thôn 1", "Thôn 2", "Tổ dân phố <Bắc> & Nam")

# 03/07/2025 07:05 UTC is 14:05 in Hà Nội.
GENERATED = datetime(2025, 7, 3, 7, 5, tzinfo=UTC)


def _figure(unit: str, target: TargetInfo, value: str, hour: int) -> Figure:
    moment = datetime(2025, 6, 10, hour, 30, tzinfo=UTC)
    return Figure(unit, target.key, Decimal(value), moment, f"Cán bộ {unit}")


def make_table(
    figures: list[Figure] | None = None, units: tuple[str, ...] = UNITS
) -> ProgressTable:
    """The sample table; *figures* replaces the default figures when given."""
    chosen = figures if figures is not None else default_figures()
    return ProgressTable(
        plan_label="Kế hoạch 21/KH-UBND",
        period_key="2025-6thang",
        period_label="6 tháng đầu năm 2025",
        generated_at=GENERATED,
        targets=TARGETS,
        units=units,
        figures={(f.unit_name, f.target_key): f for f in chosen},
    )


def default_figures() -> list[Figure]:
    """Thôn 1 and Thôn 2 report; the third unit has nothing yet."""
    return [
        _figure("Thôn 1", TREES, "12500", 1),
        _figure("Thôn 1", INSURANCE, "97", 2),
        _figure("Thôn 1", BUDGET, "1.25", 3),
        _figure("Thôn 2", TREES, "18000", 4),
        _figure("Thôn 2", INSURANCE, "92.5", 5),
        _figure("Thôn 2", PIGS, "6000", 6),
    ]
