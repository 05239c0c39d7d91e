"""Progress rules: how a unit's figure compares with a target, and what adds up.

Pure values and functions; storage fills :class:`ProgressTable`, handlers and exports read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from enum import StrEnum

from bot.core.plan import Qualifier, target_marker
from bot.core.text import fold

# Units whose figures do not add up across units: rates, ages, and anything "per" something
# ("triệu đồng/người/năm", "bác sĩ/vạn dân").
NON_ADDITIVE_MEASURES = frozenset({"%", "‰", "tuổi"})


RATE_MEASURES = frozenset({"%", "‰"})
# Rates of things a plan wants fewer of (folded): reaching the figure means staying at or
# under it, so completion is not figure ÷ target.
_BAD_RATE = re.compile(
    r"suy dinh duong|dan so tu nhien|phat trien dan so|sinh con thu ba|sinh con thu 3|"
    r"ho ngheo|can ngheo|tai nan|toi pham|ty le bo hoc|that nghiep|tu vong|o nhiem"
)


def _is_ratio(measure: str) -> bool:
    return measure in NON_ADDITIVE_MEASURES or "/" in measure


# Figures more than this many times the target are questioned before saving.
SUSPICIOUS_FACTOR = Decimal(10)


class Status(StrEnum):
    """Where a figure stands against its target."""

    NO_TARGET = "no_target"  # the target has no figure to compare with
    NOT_REPORTED = "not_reported"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"

    @property
    def label(self) -> str:
        """Vietnamese label for tables."""
        return {
            Status.NO_TARGET: "không định lượng",
            Status.NOT_REPORTED: "chưa báo cáo",
            Status.IN_PROGRESS: "đang thực hiện",
            Status.ACHIEVED: "đạt",
        }[self]


@dataclass(frozen=True, slots=True)
class TargetInfo:
    """What progress views need to know of a target."""

    key: str
    number: str
    name: str
    value: Decimal | None
    measure: str | None
    qualifier: Qualifier = Qualifier.EXACT
    parent_name: str | None = None  # for sub-targets: the compound line's name

    @property
    def label(self) -> str:
        """ "(5) Phát triển chăn nuôi — Lợn" style label for tables."""
        name = f"{self.parent_name} — {self.name}" if self.parent_name else self.name
        return f"{self.marker} {name}"

    @property
    def marker(self) -> str:
        """The number as "(10)", whatever way the plan wrote it."""
        return target_marker(self.number, self.key)

    @property
    def lower_is_better(self) -> bool:
        """A ceiling ("không quá 1,5%"), or a rate of something bad that the plan names as a
        level to keep under ("Tỷ lệ trẻ em suy dinh dưỡng: 5,9%")."""
        if self.qualifier is Qualifier.AT_MOST:
            return True
        return (
            self.qualifier is Qualifier.EXACT
            and self.measure in RATE_MEASURES
            and _BAD_RATE.search(fold(f"{self.parent_name or ''} {self.name}")) is not None
        )

    @property
    def additive(self) -> bool:
        """True when units' figures for this target can be summed into a total."""
        return self.measure is not None and not _is_ratio(self.measure)


@dataclass(frozen=True, slots=True)
class Figure:
    """A unit's latest figure for one target, with where it came from."""

    unit_name: str
    target_key: str
    value: Decimal
    reported_at: datetime
    reporter_name: str
    # False for a year-end figure last reported in the first half: it still stands as the
    # cumulative figure, but the unit has not reported for this period yet.
    in_period: bool = True


def percent_of_target(value: Decimal, target: TargetInfo) -> Decimal | None:
    """*value* as a percentage of the target's figure, one decimal; None without a figure.

    For a "reduce" or "at most" target a smaller figure is better, but officers still read
    completion as figure ÷ target, so the ratio is the same; :func:`status` says if it is met.
    """
    if target.value is None or target.value == 0 or target.lower_is_better:
        return None  # under a ceiling, more of the figure is not more done
    ratio = value / target.value * 100
    if 0 < ratio < Decimal("0.05"):
        # A first small figure ("2,5 tỷ" of 28.603 tỷ) is progress, not "0%".
        return ratio.quantize(Decimal("0.01"), rounding=ROUND_UP)
    return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def status(value: Decimal | None, target: TargetInfo) -> Status:
    """Whether *value* meets *target*, by its qualifier."""
    if target.value is None:
        return Status.NO_TARGET
    if value is None:
        return Status.NOT_REPORTED
    if target.lower_is_better:
        met = value <= target.value
    elif target.qualifier is Qualifier.MORE_THAN:
        met = value > target.value
    else:
        met = value >= target.value
    return Status.ACHIEVED if met else Status.IN_PROGRESS


def suspicious(value: Decimal, target: TargetInfo) -> str | None:
    """Why *value* looks wrong for *target* (Vietnamese), or None when it looks plausible."""
    if value < 0:
        return "số liệu âm"
    if target.measure == "%" and value > 100:
        return "tỷ lệ lớn hơn 100%"
    if target.value is not None and target.value > 0 and value > target.value * SUSPICIOUS_FACTOR:
        return "lớn hơn 10 lần chỉ tiêu"
    if target.additive and target.value is not None and target.value > 0 and value > target.value:
        # Units' figures add up to the plan's: one unit above the whole target is rare.
        return "một đơn vị đã vượt chỉ tiêu chung của cả kế hoạch"
    return None


def progress_bar(percent: Decimal | None, width: int = 10) -> str:
    """A small text bar for chat: "▓▓▓░░░░░░░" (full at 100% and above)."""
    if percent is None:
        return ""
    filled = max(0, min(width, int(percent * width / 100)))
    return "▓" * filled + "░" * (width - filled)


@dataclass(frozen=True)
class ProgressTable:
    """Every unit against every target for one period: what /tonghop and exports show."""

    plan_label: str  # "Kế hoạch 21/KH-UBND"
    period_key: str  # "2025-6thang"
    period_label: str  # "6 tháng đầu năm 2025"
    generated_at: datetime
    targets: tuple[TargetInfo, ...]
    units: tuple[str, ...]
    figures: dict[tuple[str, str], Figure] = field(default_factory=dict)  # (unit, target key)

    def figure(self, unit: str, target_key: str) -> Figure | None:
        """The unit's latest figure for the target, if reported."""
        return self.figures.get((unit, target_key))

    def total(self, target: TargetInfo) -> Decimal | None:
        """Sum over units when the target's figures add up, else None."""
        if not target.additive:
            return None
        values = [f.value for (_, key), f in self.figures.items() if key == target.key]
        return sum(values, Decimal(0)) if values else None

    def units_missing(self) -> list[str]:
        """Units that have sent no figure in this period."""
        reported = {unit for (unit, _), figure in self.figures.items() if figure.in_period}
        return [u for u in self.units if u not in reported]
