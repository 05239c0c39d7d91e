"""Progress rules: how a figure compares with a target, and how the commune's figure is made.

:func:`assess` is the one computation every view renders (/tiendo, /tonghop, the chart, the
workbook, the Word draft), by these rules (:class:`Rule`):

- counts and amounts add up over the units; the sum is judged only when every unit reported;
- a rate is never summed or averaged: the commune figure is the one reported by a unit that
  reports for the whole commune (``ProgressTable.commune_units``), the units' own figures give
  a range; only a target set to be reported per unit (``Scope.UNITS``) is weighted by the
  units' sizes, when all of them are known;
- "lower is better" targets and ceilings are met at or under the figure, missed above it (a
  partial sum already over a ceiling is missed whatever the others report);
- qualitative targets carry the status an officer or unit set (:class:`Verdict`).

Pure values and functions; storage fills :class:`ProgressTable`, handlers and exports read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, ROUND_UP, Decimal
from enum import StrEnum

from bot.core.plan import Direction, Qualifier, Scope, Target, target_marker
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


# Counts of harmful events: the fewer the better ("Số vụ tai nạn giao thông: 3 vụ").
_EVENT_MEASURES = frozenset({"vụ", "ca"})
_BAD_EVENT = re.compile(
    r"tai nan|chay rung|chay no|chay|toi pham|pham phap|vi pham|ma tuy|ngo doc|duoi nuoc|"
    r"tu vong|khieu nai|to cao|bao luc|dich benh"
)


def _is_ratio(measure: str) -> bool:
    return measure in NON_ADDITIVE_MEASURES or "/" in measure


# Names of figures that are a mean or a ratio whatever unit they are counted in ("Thu nhập
# bình quân đầu người: 62 triệu đồng", "Năng suất lúa: 6,2 tấn"): units' figures never add up.
_MEAN_NAME = re.compile(
    r"\b(?:binh quan|trung binh|nang suat|ty le|ti le|mat do|toc do|ty trong|co cau|"
    r"dau nguoi|muc tang|chi so)\b"
)


# Figures more than this many times the target are questioned before saving.
SUSPICIOUS_FACTOR = Decimal(10)


class Status(StrEnum):
    """Where a figure stands against its target."""

    NO_TARGET = "no_target"  # the target has no figure to compare with
    NOT_REPORTED = "not_reported"
    PARTIAL = "partial"  # some units reported: no commune figure to judge yet
    IN_PROGRESS = "in_progress"  # below a "more is better" target
    NOT_ACHIEVED = "not_achieved"  # above a ceiling, or set "chưa đạt" for a qualitative one
    ACHIEVED = "achieved"

    @property
    def label(self) -> str:
        """Vietnamese label for tables."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.NO_TARGET: "không định lượng",
    Status.NOT_REPORTED: "chưa báo cáo",
    Status.PARTIAL: "chưa đủ số liệu",
    Status.IN_PROGRESS: "đang thực hiện",
    Status.NOT_ACHIEVED: "chưa đạt",
    Status.ACHIEVED: "đạt",
}


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
    direction: Direction | None = None  # set by an admin; None: inferred (:attr:`goes`)
    scope: Scope | None = None  # set by an admin; None: inferred (:attr:`reported_by`)
    section: str = ""  # the plan's group heading the target stands under ("Về kinh tế")

    @classmethod
    def of(cls, target: Target, parent_name: str | None = None) -> TargetInfo:
        """The progress view of a plan target (*parent_name*: its compound line's name)."""
        return cls(
            key=target.key,
            number=target.number,
            name=target.name,
            value=target.value,
            measure=target.measure,
            qualifier=target.qualifier,
            parent_name=parent_name,
            direction=target.direction,
            scope=target.scope,
        )

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
    def goes(self) -> Direction:
        """The admin's setting, else: no figure → qualitative; "không quá"/"dưới" → ceiling;
        "giảm còn"/a rate of something bad ("tỷ lệ hộ nghèo: 1,5%") → lower; else higher."""
        if self.direction is not None:
            return self.direction
        if self.value is None:
            return Direction.QUALITATIVE
        if self.qualifier is Qualifier.AT_MOST:
            return Direction.CEILING
        named = fold(f"{self.parent_name or ''} {self.name}")
        bad = _BAD_RATE.search(named) is not None
        plain = self.qualifier in (Qualifier.EXACT, Qualifier.ABOUT)
        if plain and self.measure in RATE_MEASURES:
            return Direction.LOWER if bad else Direction.HIGHER
        if plain and self.measure in _EVENT_MEASURES and _BAD_EVENT.search(named):
            # "Số vụ cháy rừng: 0 vụ" is a ceiling, not a count to raise.
            return Direction.CEILING if self.value == 0 else Direction.LOWER
        return Direction.HIGHER

    @property
    def reported_by(self) -> Scope:
        """The admin's setting, else: counts and amounts by every unit (they add up); rates,
        averages and qualitative targets by the commune as a whole."""
        if self.scope is not None:
            return self.scope
        return Scope.UNITS if self.additive else Scope.COMMUNE

    @property
    def lower_is_better(self) -> bool:
        """A ceiling ("không quá 1,5%") or a level to bring down ("suy dinh dưỡng: 5,9%")."""
        return self.goes in (Direction.LOWER, Direction.CEILING)

    @property
    def additive(self) -> bool:
        """True when units' figures for this target can be summed into a total."""
        if self.measure is None or _is_ratio(self.measure):
            return False
        return _MEAN_NAME.search(fold(f"{self.parent_name or ''} {self.name}")) is None


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
        # Above a level to stay under is a miss, not work still under way.
        return Status.ACHIEVED if value <= target.value else Status.NOT_ACHIEVED
    above = value > target.value if target.qualifier is Qualifier.MORE_THAN else None
    met = above if above is not None else value >= target.value
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


@dataclass(frozen=True, slots=True)
class PlanCitation:
    """What a report cites of the plan it reports on: "Kế hoạch số 21/KH-UBND ngày
    15/01/2025 của UBND xã … về …"."""

    number: str | None
    issued_on: date | None
    issuer: str | None
    title: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The status someone set for a qualitative target ("đạt" / "chưa đạt"), and who."""

    target_key: str
    achieved: bool
    set_by: str
    set_at: datetime
    unit_name: str | None = None  # the unit it was set for; None: by an officer for the commune


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
    # Units that report figures for the whole commune (the commune office, the health
    # station): a commune-scope target's figure is theirs, never a sum or mean of the others.
    commune_units: frozenset[str] = frozenset()
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # qualitative, by target key
    # Each unit's size (population, households) for targets set to be weighted per unit.
    weights: dict[str, Decimal] = field(default_factory=dict)
    plan: PlanCitation | None = None

    def figure(self, unit: str, target_key: str) -> Figure | None:
        """The unit's latest figure for the target, if reported."""
        return self.figures.get((unit, target_key))

    def units_missing(self) -> list[str]:
        """Units that still owe figures this period: a figure for every target each unit
        reports itself (:func:`owed_by_every_unit`); when the plan has none such, any figure."""
        owed = {t.key for t in self.targets if owed_by_every_unit(t)}
        sent: dict[str, set[str]] = {}
        for (unit, key), figure in self.figures.items():
            if figure.in_period:
                sent.setdefault(unit, set()).add(key)
        if not owed:
            return [u for u in self.units if u not in sent]
        return [u for u in self.units if not owed <= sent.get(u, set())]

    def units_silent(self) -> list[str]:
        """Units that have sent no figure at all this period."""
        sent = {unit for (unit, _), figure in self.figures.items() if figure.in_period}
        return [u for u in self.units if u not in sent]


def owed_by_every_unit(target: TargetInfo) -> bool:
    """Whether each unit owes its own figure for *target* every period: a figure to reach
    that units report themselves (counts and amounts that add up, or as an admin set it),
    not a commune-wide rate or a qualitative target."""
    return target.value is not None and target.reported_by is Scope.UNITS


class Rule(StrEnum):
    """How a target's commune figure is made; every view states it."""

    SUM = "sum"  # counts and amounts: the units' figures add up
    WEIGHTED = "weighted"  # a rate set to be reported per unit: mean weighted by unit size
    COMMUNE = "commune"  # one figure for the whole commune, from the unit that reports it
    QUALITATIVE = "qualitative"  # đạt / chưa đạt, set by an officer or unit

    @property
    def label(self) -> str:
        """Short Vietnamese wording for notes under tables."""
        return _RULE_LABELS[self]


_RULE_LABELS = {
    Rule.SUM: "cộng số liệu các đơn vị",
    Rule.WEIGHTED: "bình quân gia quyền theo quy mô từng đơn vị",
    Rule.COMMUNE: "số chung của xã do đơn vị phụ trách báo cáo; không cộng, không lấy bình quân",
    Rule.QUALITATIVE: "đánh giá đạt / chưa đạt do cán bộ hoặc đơn vị xác nhận",
}


@dataclass(frozen=True, slots=True)
class Assessment:
    """One target for one period at commune level: the figure every view shows.

    ``value`` is the commune figure, or for a partial sum what has been reported so far
    (``complete`` False). ``lowest``/``highest`` bracket the units' own figures of a target
    that does not add up.
    """

    target: TargetInfo
    rule: Rule
    value: Decimal | None
    complete: bool
    status: Status
    reported: int  # units with a figure in this period
    expected: int  # units that should report
    figures: tuple[Figure, ...]  # the units' figures, in the table's unit order
    lowest: Figure | None = None
    highest: Figure | None = None
    source: str | None = None  # the unit the commune figure comes from (Rule.COMMUNE)
    verdict: Verdict | None = None

    @property
    def percent(self) -> Decimal | None:
        """The commune figure as % of the target ("more is better" targets only)."""
        if self.value is None or self.target.value is None:
            return None
        return percent_of_target(self.value, self.target)

    @property
    def partial(self) -> bool:
        """Some figure stands but the commune figure is not complete yet."""
        return not self.complete and (self.reported > 0 or self.value is not None)

    @property
    def coverage(self) -> str:
        """ "2/4 đơn vị đã báo cáo": stands beside every partial figure."""
        return f"{self.reported}/{self.expected} đơn vị đã báo cáo"


def _judge(value: Decimal, target: TargetInfo, *, complete: bool) -> Status:
    """Status of a commune figure; an incomplete sum is judged only when more reports
    cannot change the outcome (a ceiling already passed)."""
    judged = status(value, target)
    if complete:
        return judged
    if judged is Status.NOT_ACHIEVED:  # counts only grow: over the ceiling stays over
        return judged
    return Status.PARTIAL


def _summed(target: TargetInfo, base: Assessment, figures: list[Figure]) -> Assessment:
    total = sum((f.value for f in figures), Decimal(0))
    complete = base.reported == base.expected and base.expected > 0
    return replace(
        base, value=total, complete=complete, status=_judge(total, target, complete=complete)
    )


def _weighted(table: ProgressTable, base: Assessment, figures: list[Figure]) -> Assessment:
    weights = [table.weights.get(f.unit_name) for f in figures]
    known = [(f.value, w) for f, w in zip(figures, weights, strict=True) if w is not None and w > 0]
    if not known or len(known) < len(figures):
        return base  # a unit without a size cannot be weighted: no commune figure
    mass = sum((w for _, w in known), Decimal(0))
    mean = sum((v * w for v, w in known), Decimal(0)) / mass
    mean = mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    complete = base.reported == base.expected and base.expected > 0
    judged = _judge(mean, base.target, complete=complete)
    return replace(base, value=mean, complete=complete, status=judged)


def _from_commune_unit(table: ProgressTable, base: Assessment) -> Assessment:
    source = next(
        (
            f
            for u in table.units
            if u in table.commune_units
            if (f := table.figure(u, base.target.key)) is not None
        ),
        None,
    )
    if source is None:
        return base
    complete = source.in_period
    judged = _judge(source.value, base.target, complete=complete)
    return replace(
        base, value=source.value, complete=complete, status=judged, source=source.unit_name
    )


def _qualitative(table: ProgressTable, base: Assessment) -> Assessment:
    verdict = table.verdicts.get(base.target.key)
    if verdict is None:
        return replace(base, status=Status.NOT_REPORTED)
    state = Status.ACHIEVED if verdict.achieved else Status.NOT_ACHIEVED
    return replace(base, complete=True, status=state, verdict=verdict)


def _rule(target: TargetInfo) -> Rule:
    if target.goes is Direction.QUALITATIVE:
        return Rule.QUALITATIVE
    if target.reported_by is Scope.COMMUNE:
        return Rule.COMMUNE
    return Rule.SUM if target.additive else Rule.WEIGHTED


def assess(table: ProgressTable, target: TargetInfo) -> Assessment:
    """The commune figure and status of *target* for the table's period, by :class:`Rule`.

    Units reporting for the whole commune are not counted among the units that add up.
    """
    rule = _rule(target)
    counted = [u for u in table.units if u not in table.commune_units] or list(table.units)
    figures = [f for u in counted if (f := table.figure(u, target.key)) is not None]
    spread = figures if rule is not Rule.SUM and figures else []
    base = Assessment(
        target=target,
        rule=rule,
        value=None,
        complete=False,
        status=Status.PARTIAL if figures else Status.NOT_REPORTED,
        reported=sum(1 for f in figures if f.in_period),
        expected=len(counted),
        figures=tuple(figures),
        lowest=min(spread, key=lambda f: f.value) if spread else None,
        highest=max(spread, key=lambda f: f.value) if spread else None,
    )
    if rule is Rule.QUALITATIVE:
        return _qualitative(table, base)
    if rule is Rule.COMMUNE:
        return _from_commune_unit(table, base)
    if not figures:
        return base
    if rule is Rule.SUM:
        return _summed(target, base, figures)
    return _weighted(table, base, figures)


def assess_all(table: ProgressTable) -> tuple[Assessment, ...]:
    """:func:`assess` for every target of the table, in plan order."""
    return tuple(assess(table, t) for t in table.targets)
