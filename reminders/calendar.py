"""The reminder calendar: deadline names and reminder slots. Pure functions.

Two deadlines come every year: the six-month one (kind ``6thang``, default 14/06) and the
year-end one (kind ``nam``, default 14/12); admins may move either for one year and add named
("custom") deadlines. Which period a date belongs to is :mod:`bot.core.periods`.

Reminders go out at the reminder time on each of the configured days before a deadline; a
day that is a Saturday, Sunday or holiday moves to the working day before it. The admin
digest goes out on the deadline day (shifted the same way), the overdue notice on the day
after (moved forward to the next working day).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

# Periods live in the core; they are named here too for the reminder code that reads them.
from bot.core.periods import (
    PERIOD_KINDS,
    SIX_MONTH,
    YEAR_END,
    Period,
    PeriodKind,
    YearDeadlines,
    day_of_year,
    deadline_of,
    parse_period_key,
    period_for,
    period_key,
    period_key_for,
    period_label,
    period_of,
    previous_period,
)

__all__ = [
    "CUSTOM",
    "DIGEST",
    "KINDS",
    "OVERDUE",
    "PERIOD_KINDS",
    "SIX_MONTH",
    "YEAR_END",
    "Period",
    "PeriodKind",
    "Slot",
    "YearDeadlines",
    "day_of_year",
    "days_left_phrase",
    "deadline_of",
    "deadline_title",
    "delivery_key",
    "format_day",
    "format_day_long",
    "is_working_day",
    "next_working_day",
    "parse_period_key",
    "period_for",
    "period_key",
    "period_key_for",
    "period_label",
    "period_of",
    "previous_period",
    "previous_working_day",
    "reminder_key",
    "reminder_slots",
    "slots_for_kind",
    "weekday_name",
]

CUSTOM = "custom"
KINDS = (SIX_MONTH, YEAR_END, CUSTOM)

DIGEST = "digest"
OVERDUE = "overdue"

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def weekday_name(day: date) -> str:
    """ "Thứ Hai" … "Chủ nhật"."""
    return _WEEKDAYS[day.weekday()]


def format_day(day: date) -> str:
    """dd/mm/yyyy, the only way dates are shown."""
    return day.strftime("%d/%m/%Y")


def format_day_long(day: date) -> str:
    """ "Chủ nhật, 14/06/2026"."""
    return f"{weekday_name(day)}, {format_day(day)}"


def deadline_title(kind: str, year: int, name: str = "") -> str:
    """What a deadline is for, as a phrase: "báo cáo sơ kết 6 tháng đầu năm 2026",
    "báo cáo tổng kết năm 2026", or a custom deadline's own name."""
    if kind == SIX_MONTH:
        return f"báo cáo sơ kết {period_label(kind, year)}"
    if kind == YEAR_END:
        return f"báo cáo tổng kết {period_label(kind, year)}"
    return name


def days_left_phrase(today: date, due: date) -> str:
    """ "còn 3 ngày", "ngày mai là hạn cuối", "hôm nay là hạn cuối", "đã quá hạn 2 ngày"."""
    left = (due - today).days
    if left > 1:
        return f"còn {left} ngày"
    if left == 1:
        return "ngày mai là hạn cuối"
    if left == 0:
        return "hôm nay là hạn cuối"
    return f"đã quá hạn {-left} ngày"


# ---------------------------------------------------------------- reminder slots


@dataclass(frozen=True, slots=True)
class Slot:
    """One scheduled send of a deadline: ``key`` is "d-7", "d-0", "digest" or "overdue"."""

    key: str
    send_at: datetime  # aware
    day: date  # the local day it goes out


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    """Monday to Friday and not a configured holiday."""
    return day.weekday() < 5 and day not in holidays


def previous_working_day(day: date, holidays: Collection[date]) -> date:
    """*day* itself when it is a working day, else the closest working day before it."""
    while not is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


def next_working_day(day: date, holidays: Collection[date]) -> date:
    """*day* itself when it is a working day, else the closest working day after it."""
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    return day


def reminder_key(days_before: int) -> str:
    """The slot key of the reminder *days_before* the deadline: "d-7"."""
    return f"d-{days_before}"


def reminder_slots(
    due: date,
    days_before: Iterable[int],
    at: time,
    tz: tzinfo,
    holidays: Collection[date],
    *,
    digest: bool = True,
    overdue: bool = True,
) -> list[Slot]:
    """Every send of a deadline due on *due*, in time order.

    Reminders that shift onto the same working day are merged (the one furthest from the
    deadline keeps its key), so nobody gets two reminders the same morning. The digest
    (deadline day, shifted back like reminders) and overdue notice (day after, shifted
    forward) can be left out, as they are for custom deadlines.
    """
    slots: list[Slot] = []
    taken: set[date] = set()
    for days in sorted(set(days_before), reverse=True):
        day = previous_working_day(due - timedelta(days=days), holidays)
        if day in taken:
            continue
        taken.add(day)
        slots.append(_slot(reminder_key(days), day, at, tz))
    if digest:
        slots.append(_slot(DIGEST, previous_working_day(due, holidays), at, tz))
    if overdue:
        slots.append(_slot(OVERDUE, next_working_day(due + timedelta(days=1), holidays), at, tz))
    # Stable sort: at one moment, reminders go before the digest that summarises them.
    return sorted(slots, key=lambda slot: slot.send_at)


def _slot(key: str, day: date, at: time, tz: tzinfo) -> Slot:
    return Slot(key, datetime.combine(day, at.replace(tzinfo=None), tzinfo=tz), day)


def slots_for_kind(
    kind: str,
    due: date,
    days_before: Sequence[int],
    at: time,
    tz: tzinfo,
    holidays: Collection[date],
) -> list[Slot]:
    """The sends of a deadline of *kind*: custom deadlines have no digest and no overdue
    notice, because "has this unit done it?" is not something the bot can know for them."""
    period = kind in PERIOD_KINDS
    return reminder_slots(due, days_before, at, tz, holidays, digest=period, overdue=period)


def delivery_key(slot_key: str, due: date) -> str:
    """The key deliveries are recorded under: the slot plus the deadline date, so moving a
    deadline gives its reminders fresh keys while repeating a date never re-sends
    (``"d-7@20260614"``, at most 32 characters)."""
    return f"{slot_key}@{due:%Y%m%d}"
