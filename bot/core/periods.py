"""Reporting periods: which period a report belongs to, and what each period is called.

Two periods a year, each closed by a deadline: the six-month one (``6thang``, default 14/06)
and the year-end one (``nam``, default 14/12). A deadline of year *Y* always falls in year *Y*,
which keeps the periods in order:

* a report dated *d* in year *Y* belongs to ``"<Y>-6thang"`` when *d* is on or before *Y*'s
  six-month deadline (it is then necessarily after *Y-1*'s year-end deadline);
* to ``"<Y>-nam"`` when it is after the six-month and on or before the year-end deadline;
* to ``"<Y+1>-6thang"`` when it is after *Y*'s year-end deadline.

Pure values and functions: reporting, progress, plans and reminders all read periods here;
:mod:`bot.periods` adds the deadlines admins set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.core.text import fold
from bot.errors import InvalidInput


class PeriodKind(StrEnum):
    """The two reporting periods of a year (the values are what reports store)."""

    SIX_MONTH = "6thang"  # sơ kết 6 tháng
    YEAR_END = "nam"  # tổng kết năm


SIX_MONTH = PeriodKind.SIX_MONTH
YEAR_END = PeriodKind.YEAR_END
PERIOD_KINDS = (SIX_MONTH, YEAR_END)

# How people name a period in a command (folded, dashes dropped): "6thang", "6 tháng", "năm".
KIND_WORDS = {
    "6thang": SIX_MONTH,
    "6 thang": SIX_MONTH,
    "sauthang": SIX_MONTH,
    "6t": SIX_MONTH,
    "nam": YEAR_END,
    "canam": YEAR_END,
}


def parse_kind(word: str) -> PeriodKind:
    """ "6thang" / "6 tháng" / "nam" / "năm" → the period kind; InvalidInput otherwise."""
    kind = KIND_WORDS.get(fold(word).replace("-", ""))
    if kind is None:
        raise InvalidInput(
            f"Không có loại hạn «{word.strip()}». Dùng «6thang» (sơ kết 6 tháng) hoặc "
            "«nam» (tổng kết năm)."
        )
    return kind


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: ``key`` is what reports store, ``label`` what people read."""

    key: str  # "2026-6thang"
    label: str  # "6 tháng đầu năm 2026"
    kind: PeriodKind
    year: int

    @property
    def running_keys(self) -> tuple[str, ...]:
        """The periods whose reports make up this period's cumulative figures.

        Both periods count from 15/12 of the year before, so the year includes its first half:
        a figure sent in May still stands at year end until a newer one replaces it, and
        "thêm 300" in July adds to it.
        """
        if self.kind == YEAR_END:
            return (period_key(SIX_MONTH, self.year), self.key)
        return (self.key,)


@dataclass(frozen=True, slots=True)
class YearDeadlines:
    """The two period deadlines of one year, overrides applied."""

    year: int
    six_month: date
    year_end: date


def period_key(kind: str, year: int) -> str:
    """The period key of a period deadline: ``period_key("6thang", 2026) == "2026-6thang"``."""
    if kind not in PERIOD_KINDS:
        raise ValueError(f"no reporting period for deadline kind {kind!r}")
    return f"{year}-{kind}"


def period_label(kind: str, year: int) -> str:
    """Vietnamese name of a period: "6 tháng đầu năm 2026" or "năm 2026"."""
    if kind == SIX_MONTH:
        return f"6 tháng đầu năm {year}"
    if kind == YEAR_END:
        return f"năm {year}"
    raise ValueError(f"no reporting period for deadline kind {kind!r}")


def period_of(kind: str, year: int) -> Period:
    """The period a deadline of *kind* in *year* closes."""
    return Period(period_key(kind, year), period_label(kind, year), PeriodKind(kind), year)


def previous_period(period: Period) -> Period:
    """The period before *period*: the year before's for a six-month one."""
    if period.kind == SIX_MONTH:
        return period_of(YEAR_END, period.year - 1)
    return period_of(SIX_MONTH, period.year)


def deadline_of(period: Period, deadlines: YearDeadlines) -> date:
    """The date that closes *period*, from its year's deadlines."""
    return deadlines.six_month if period.kind == SIX_MONTH else deadlines.year_end


def parse_period_key(key: str) -> Period:
    """The :class:`Period` of a stored key such as ``"2026-nam"`` (ValueError when malformed)."""
    year_text, _, kind = key.partition("-")
    if not year_text.isdigit() or kind not in PERIOD_KINDS:
        raise ValueError(f"not a period key: {key!r}")
    return period_of(kind, int(year_text))


def period_for(day: date, deadlines: Callable[[int], YearDeadlines]) -> Period:
    """The period a report dated *day* belongs to, given each year's deadlines."""
    this_year = deadlines(day.year)
    if day <= this_year.six_month:
        return period_of(SIX_MONTH, day.year)
    if day <= this_year.year_end:
        return period_of(YEAR_END, day.year)
    return period_of(SIX_MONTH, day.year + 1)


def period_key_for(day: date, six_month: date, year_end: date) -> str:
    """The period key of a report dated *day*, given the six-month and year-end deadlines
    of *day*'s year: ``period_key_for(date(2026, 7, 1), date(2026, 6, 14),
    date(2026, 12, 14)) == "2026-nam"``."""
    if six_month.year != day.year or year_end.year != day.year:
        raise ValueError("the deadlines must be those of the report's year")
    return period_for(day, lambda year: YearDeadlines(year, six_month, year_end)).key


def day_of_year(day: int, month: int, year: int) -> date:
    """*day*/*month* in *year*; 29/02 becomes 28/02 in a common year rather than failing."""
    if (day, month) == (29, 2):
        try:
            return date(year, 2, 29)
        except ValueError:
            return date(year, 2, 28)
    return date(year, month, day)


# ---------------------------------------------------------------- wording
