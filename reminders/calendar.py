"""The reporting calendar: deadlines, reporting periods and reminder slots. Pure functions.

Two deadlines come every year: the six-month one (kind ``6thang``, default 14/06) and the
year-end one (kind ``nam``, default 14/12); admins may move either for one year and add named
("custom") deadlines. A deadline of year *Y* always falls in year *Y* (the year is the
year of the date), which keeps the periods in order:

* a report dated *d* in year *Y* belongs to ``"<Y>-6thang"`` when *d* is on or before *Y*'s
  six-month deadline (it is then necessarily after *Y-1*'s year-end deadline);
* to ``"<Y>-nam"`` when it is after the six-month and on or before the year-end deadline;
* to ``"<Y+1>-6thang"`` when it is after *Y*'s year-end deadline.

Reminders go out at the reminder time on each of the configured days before a deadline; a
day that is a Saturday, Sunday or holiday moves to the working day before it. The admin
digest goes out on the deadline day (shifted the same way), the overdue notice on the day
after (moved forward to the next working day).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

SIX_MONTH = "6thang"
YEAR_END = "nam"
CUSTOM = "custom"
PERIOD_KINDS = (SIX_MONTH, YEAR_END)
KINDS = (SIX_MONTH, YEAR_END, CUSTOM)

DIGEST = "digest"
OVERDUE = "overdue"

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


# ---------------------------------------------------------------- periods


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: ``key`` is what reports store, ``label`` what people read."""

    key: str  # "2026-6thang"
    label: str  # "6 tháng đầu năm 2026"
    kind: str  # "6thang" | "nam"
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
    return Period(period_key(kind, year), period_label(kind, year), kind, year)


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
