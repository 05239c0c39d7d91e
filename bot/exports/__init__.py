"""Progress views and exports built from a :class:`~bot.core.progress.ProgressTable`.

``text`` renders chat messages (/tiendo, /tonghop, report confirmations), ``excel`` a workbook,
``word`` a draft six-month or year-end report and ``chart`` a PNG of completion rates. They
are pure: no Telegram, no database. This module holds the display rules they share, so a
figure reads the same in chat, in Excel and in Word ("12.500 / 58.000 cây", "21,6%").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.core.numbers import format_number, format_percent
from bot.core.progress import (
    RATE_MEASURES,
    Assessment,
    ProgressTable,
    Rule,
    Status,
    TargetInfo,
    assess_all,
    status,
)

__all__ = [
    "DISPLAY_TZ",
    "QUALITATIVE_PLAN",
    "RULES_NOTE",
    "achieved_text",
    "amount_text",
    "format_moment",
    "missing_units_note",
    "pair_text",
    "percent_text",
    "plan_number",
    "plan_text",
    "points_text",
    "rate_text",
    "reads_as_rate",
    "report_rows",
    "report_year",
    "spread_text",
    "target_name",
    "value_text",
    "verdict_text",
]

# Officers read times in the commune's zone; the stored times are UTC.
DISPLAY_TZ: tzinfo = ZoneInfo("Asia/Ho_Chi_Minh")


QUALITATIVE_PLAN = "định tính"  # a target without a figure: met or not, as someone judges


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
    """The target's figure as planned: "58.000 cây", "tối thiểu 96%"; "định tính"."""
    if target.value is None:
        return QUALITATIVE_PLAN
    qualifier = target.qualifier.label
    amount = amount_text(target.value, target.measure)
    return f"{qualifier} {amount}" if qualifier else amount


def plan_number(target: TargetInfo) -> str:
    """The planned figure for a table with its own measure column: "tối thiểu 96"."""
    if target.value is None:
        return QUALITATIVE_PLAN
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


def reads_as_rate(target: TargetInfo) -> bool:
    """A target in % or ‰ with a figure: a level read against the plan's level, never as a
    share of it ("95,2% of 96%" means nothing to an officer)."""
    return target.value is not None and target.measure in RATE_MEASURES


def points_text(gap: Decimal, measure: str | None) -> str:
    """A difference between two rates: "0,8 điểm" (percentage points), "1,2 điểm phần nghìn"."""
    unit = "điểm phần nghìn" if measure == "‰" else "điểm"
    return f"{format_number(abs(gap))} {unit}"


def rate_text(value: Decimal, target: TargetInfo) -> str:
    """A rate against its target, the way an officer says it: "95,2% — chỉ tiêu tối thiểu 96%,
    còn 0,8 điểm"; "6,2% — chỉ tiêu không quá 5,9%, cao hơn mức 0,3 điểm, chưa đạt";
    "97% — chỉ tiêu 96%, đã đạt (vượt 1 điểm)"."""
    assert target.value is not None
    plan = plan_text(target)
    if target.lower_is_better and not target.qualifier.label:  # "suy dinh dưỡng: 5,9%"
        plan = f"từ {plan} trở xuống"
    head = f"{amount_text(value, target.measure)} — chỉ tiêu {plan}"
    gap = value - target.value
    points = points_text(gap, target.measure)
    met = status(value, target) is Status.ACHIEVED
    if target.lower_is_better:
        if not met:
            return f"{head}, cao hơn mức {points}, chưa đạt"
        return f"{head}, đã đạt" + (f" (thấp hơn mức {points})" if gap else "")
    if met:
        return f"{head}, đã đạt" + (f" (vượt {points})" if gap else "")
    if not gap:  # "trên 85%" and exactly 85%: the figure must go past the level
        return f"{head}, cần cao hơn mức này"
    return f"{head}, còn {points}"


def percent_text(percent: Decimal | None) -> str:
    """ "21,6%" or "" when there is no percentage."""
    return "" if percent is None else format_percent(percent)


def value_text(value: Decimal, measure: str | None) -> str:
    """A number for a table with its own measure column: "30.500", "95,8%" for a rate."""
    if measure == "%":
        return format_percent(value)
    return format_number(value)


def spread_text(done: Assessment) -> str:
    """The range over the units' own figures: "95,2% (Thôn 2) – 97,5% (Thôn 1)"."""
    low, high = done.lowest, done.highest
    if low is None or high is None:
        return ""
    measure = done.target.measure
    low_text = f"{amount_text(low.value, measure)} ({low.unit_name})"
    if low is high or len(done.figures) == 1:
        return low_text
    return f"{low_text} – {amount_text(high.value, measure)} ({high.unit_name})"


def achieved_text(done: Assessment) -> str:
    """The commune figure as a table cell: "30.500", "95,8%", "đạt"; a partial sum carries
    "(2/3 đơn vị đã báo cáo)"; a rate without its commune figure says so."""
    if done.rule is Rule.QUALITATIVE:
        return done.status.label
    if done.value is None:
        if done.rule is Rule.COMMUNE and done.figures:
            return "chưa có số chung"
        if done.figures:
            return "chưa tính được số chung"
        return "chưa có số liệu"
    text = value_text(done.value, done.target.measure)
    return text if done.complete else f"{text} ({done.coverage})"


def verdict_text(done: Assessment, tz: tzinfo = DISPLAY_TZ) -> str:
    """Who set a qualitative target's status, and when: "Nguyễn Văn A, 10/06/2025"."""
    verdict = done.verdict
    if verdict is None:
        return ""
    who = verdict.set_by + (f" ({verdict.unit_name})" if verdict.unit_name else "")
    return f"{who}, {format_moment(verdict.set_at, tz)[:10]}"


RULES_NOTE = (
    "Cách tính: chỉ tiêu đếm được (cây, người, tỷ đồng…) là tổng số các đơn vị báo cáo; "
    "chỉ tiêu tỷ lệ lấy số chung của xã do đơn vị phụ trách báo cáo, không cộng và không lấy "
    "bình quân số các đơn vị (chỉ nêu khoảng từ thấp đến cao); chỉ tiêu “không quá”, “giảm còn” "
    "đạt khi số liệu không vượt mức; chỉ ghi “đạt” khi đã có đủ số liệu của cả xã."
)


def report_rows(table: ProgressTable) -> tuple[Assessment, ...]:
    """Every target's assessment, in plan order: what each view renders."""
    return assess_all(table)


def missing_units_note(table: ProgressTable) -> str:
    """Who still owes figures this period, for the line under a table: units that sent
    nothing and units that sent only part are both named (a figure each unit reports itself
    is owed by every unit, see :func:`~bot.core.progress.owed_by_every_unit`)."""
    missing = table.units_missing()
    if not missing:
        return "Tất cả đơn vị đã báo cáo đủ số liệu."
    silent = set(table.units_silent())
    names = ", ".join(f"{u} (chưa gửi số nào)" if u in silent else u for u in missing)
    return f"Đơn vị chưa báo cáo đủ ({len(missing)}/{len(table.units)}): {names}."


def report_year(table: ProgressTable) -> int:
    """The year the period covers: from the key ("2025-6thang"), else the label, else now."""
    for source in (table.period_key, table.period_label):
        found = re.search(r"\b(19|20)\d{2}\b", source)
        if found:
            return int(found.group())
    return table.generated_at.year
