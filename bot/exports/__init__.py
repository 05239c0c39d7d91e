"""Progress views and exports built from a :class:`~bot.core.progress.ProgressTable`.

``text`` renders chat messages (/tiendo, /tonghop, report confirmations), ``excel`` a workbook,
``word`` a draft six-month or year-end report and ``chart`` a PNG of completion rates. They
are pure: no Telegram, no database. This module holds the display rules they share, so a
figure reads the same in chat, in Excel and in Word ("12.500 / 58.000 cây", "21,6%").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.numbers import format_number, format_percent
from bot.core.progress import Figure, ProgressTable, Status, TargetInfo, percent_of_target, status

__all__ = [
    "DISPLAY_TZ",
    "Completion",
    "amount_text",
    "completion",
    "format_moment",
    "pair_text",
    "percent_text",
    "plan_number",
    "plan_text",
    "report_year",
    "target_name",
]

# Officers read times in the commune's zone; the stored times are UTC.
DISPLAY_TZ: tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")


def format_moment(moment: datetime, tz: tzinfo = DISPLAY_TZ) -> str:
    """ "dd/mm/yyyy HH:MM" in *tz*; a naive *moment* is taken as UTC (how SQLite returns it)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(tz).strftime("%d/%m/%Y %H:%M")


def target_name(target: TargetInfo) -> str:
    """The name a person reads: "Phát triển chăn nuôi — Lợn" for a sub-target."""
    return f"{target.parent_name} — {target.name}" if target.parent_name else target.name


def amount_text(value: Decimal, measure: str | None, *, max_decimals: int = 2) -> str:
    """A figure with its unit of measure: "12.500 cây", "96%", "2,5 tỷ đồng", "7"."""
    number = format_number(value, max_decimals=max_decimals)
    if measure == "%":
        return f"{number}%"
    return f"{number} {measure}" if measure else number


def plan_text(target: TargetInfo) -> str:
    """The target's figure as planned: "58.000 cây", "tối thiểu 96%"; "không định lượng"."""
    if target.value is None:
        return Status.NO_TARGET.label
    qualifier = target.qualifier.label
    amount = amount_text(target.value, target.measure)
    return f"{qualifier} {amount}" if qualifier else amount


def plan_number(target: TargetInfo) -> str:
    """The planned figure for a table with its own measure column: "tối thiểu 96"."""
    if target.value is None:
        return Status.NO_TARGET.label
    qualifier = target.qualifier.label
    number = format_number(target.value)
    return f"{qualifier} {number}" if qualifier else number


def pair_text(value: Decimal, target: TargetInfo) -> str:
    """A figure against the plan: "12.500 / 58.000 cây", "92% / 96%", "3 / không quá 5 vụ"."""
    if target.value is None:
        return amount_text(value, target.measure)
    qualifier = f"{target.qualifier.label} " if target.qualifier.label else ""
    if target.measure == "%":
        return f"{format_percent(value)} / {qualifier}{format_percent(target.value)}"
    plan = f"{qualifier}{format_number(target.value)}"
    pair = f"{format_number(value)} / {plan}"
    return f"{pair} {target.measure}" if target.measure else pair


def percent_text(percent: Decimal | None) -> str:
    """ "21,6%" or "" when there is no percentage."""
    return "" if percent is None else format_percent(percent)


@dataclass(frozen=True, slots=True)
class Completion:
    """Where one target stands across all units of a table.

    ``total`` and ``percent`` are set only when the figures add up; for rates and averages
    ``lowest`` and ``highest`` bracket what the units reported.
    """

    target: TargetInfo
    figures: tuple[Figure, ...]  # in the table's unit order
    total: Decimal | None
    percent: Decimal | None
    status: Status
    lowest: Figure | None
    highest: Figure | None

    @property
    def reported(self) -> int:
        """How many units reported a figure for this target."""
        return len(self.figures)


def completion(table: ProgressTable, target: TargetInfo) -> Completion:
    """Total, % of target, status and spread of the units' figures for *target*."""
    figures = tuple(f for unit in table.units if (f := table.figure(unit, target.key)) is not None)
    total = table.total(target)
    percent = percent_of_target(total, target) if total is not None else None
    if total is not None or target.value is None:
        state = status(total, target)
    elif figures:
        # Rates cannot be summed: the target is met only when every reporting unit meets it.
        met = all(status(f.value, target) is Status.ACHIEVED for f in figures)
        state = Status.ACHIEVED if met else Status.IN_PROGRESS
    else:
        state = Status.NOT_REPORTED
    lowest = min(figures, key=lambda f: f.value) if figures and total is None else None
    highest = max(figures, key=lambda f: f.value) if figures and total is None else None
    return Completion(target, figures, total, percent, state, lowest, highest)


def report_year(table: ProgressTable) -> int:
    """The year the period covers: from the key ("2025-6thang"), else the label, else now."""
    for source in (table.period_key, table.period_label):
        found = re.search(r"\b(19|20)\d{2}\b", source)
        if found:
            return int(found.group())
    return table.generated_at.year
