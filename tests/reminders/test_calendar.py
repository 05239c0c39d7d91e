"""The reporting calendar: periods, reminder days, weekend and holiday shifting."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reminders import calendar as cal

from .conftest import TZ

SIX = date(2026, 6, 14)  # a Sunday
END = date(2026, 12, 14)  # a Monday


def slots_by_key(due: date, holidays: list[date] | None = None) -> dict[str, date]:
    slots = cal.reminder_slots(due, [7, 3, 1, 0], time(8, 0), TZ, holidays or [])
    return {slot.key: slot.day for slot in slots}


@pytest.mark.parametrize(
    ("day", "key"),
    [
        (date(2026, 1, 1), "2026-6thang"),
        (date(2026, 6, 14), "2026-6thang"),  # the deadline day still counts for the period
        (date(2026, 6, 15), "2026-nam"),
        (date(2026, 12, 14), "2026-nam"),
        (date(2026, 12, 15), "2027-6thang"),
        (date(2026, 12, 31), "2027-6thang"),
    ],
)
def test_period_of_a_report_with_default_deadlines(day: date, key: str) -> None:
    six, end = date(day.year, 6, 14), date(day.year, 12, 14)
    assert cal.period_key_for(day, six, end) == key


def test_overridden_deadlines_move_the_period_boundary() -> None:
    moved = cal.YearDeadlines(2026, date(2026, 6, 10), date(2026, 12, 20))
    assert cal.period_for(date(2026, 6, 12), lambda _y: moved).key == "2026-nam"
    assert cal.period_for(date(2026, 12, 18), lambda _y: moved).key == "2026-nam"
    assert cal.period_for(date(2026, 12, 21), lambda _y: moved).key == "2027-6thang"


def test_period_labels_and_keys_round_trip() -> None:
    period = cal.parse_period_key("2026-6thang")
    assert period.label == "6 tháng đầu năm 2026"
    assert cal.period_of("nam", 2026).label == "năm 2026"
    assert cal.deadline_title("nam", 2026) == "báo cáo tổng kết năm 2026"
    assert cal.deadline_title("6thang", 2026) == "báo cáo sơ kết 6 tháng đầu năm 2026"
    with pytest.raises(ValueError, match="period key"):
        cal.parse_period_key("2026-quy1")


def test_period_key_for_rejects_deadlines_of_another_year() -> None:
    with pytest.raises(ValueError, match="report's year"):
        cal.period_key_for(date(2027, 1, 5), SIX, END)


def test_leap_day_default_falls_back_to_28_february() -> None:
    assert cal.day_of_year(29, 2, 2027) == date(2027, 2, 28)
    assert cal.day_of_year(29, 2, 2028) == date(2028, 2, 29)


def test_weekend_reminders_move_to_friday_and_merge() -> None:
    # 14/06/2026 is a Sunday: d-7 (Sun 07/06) → Fri 05/06; d-1 (Sat) → Fri 12/06;
    # d-0 (Sun) → Fri 12/06 as well, so it merges into d-1.
    assert slots_by_key(SIX) == {
        "d-7": date(2026, 6, 5),
        "d-3": date(2026, 6, 11),
        "d-1": date(2026, 6, 12),
        "digest": date(2026, 6, 12),
        "overdue": date(2026, 6, 15),
    }


def test_holidays_move_reminders_to_the_working_day_before() -> None:
    holidays = [date(2026, 4, 30), date(2026, 5, 1)]  # Thursday and Friday
    due = date(2026, 5, 4)  # Monday
    assert slots_by_key(due, holidays) == {
        "d-7": date(2026, 4, 27),
        "d-3": date(2026, 4, 29),  # Fri 01/05 holiday, Thu 30/04 holiday → Wed 29/04
        # d-1 (Sun 03/05) would also land on Wed 29/04: merged.
        "d-0": date(2026, 5, 4),
        "digest": date(2026, 5, 4),
        "overdue": date(2026, 5, 5),
    }


def test_overdue_notice_moves_forward_over_a_weekend() -> None:
    slots = slots_by_key(date(2026, 12, 11))  # a Friday
    assert slots["overdue"] == date(2026, 12, 14)  # Monday, not Saturday


def test_slots_are_at_the_reminder_time_in_the_time_zone_and_in_order() -> None:
    slots = cal.reminder_slots(END, [7, 3, 1, 0], time(8, 30), TZ, [])
    assert slots[0].send_at == datetime(2026, 12, 7, 8, 30, tzinfo=TZ)
    assert [s.send_at for s in slots] == sorted(s.send_at for s in slots)
    # At one moment the reminder goes before the digest summarising it.
    assert [s.key for s in slots][-3:] == ["d-0", "digest", "overdue"]


def test_custom_deadlines_have_no_digest_and_no_overdue() -> None:
    slots = cal.slots_for_kind("custom", date(2026, 7, 31), [7, 3, 1, 0], time(8, 0), TZ, [])
    assert [s.key for s in slots] == ["d-7", "d-3", "d-1", "d-0"]


def test_delivery_keys_include_the_date_and_fit_the_column() -> None:
    assert cal.delivery_key("d-7", SIX) == "d-7@20260614"
    longest = [
        cal.delivery_key("manual-20260605", SIX) + ":loi",  # /nhacnho's problem notice
        cal.delivery_key("overdue-admin", SIX),
        cal.delivery_key("d-60", SIX) + ":loi",
    ]
    assert all(len(key) <= 32 for key in longest)


def test_vietnamese_wording() -> None:
    assert cal.format_day_long(SIX) == "Chủ nhật, 14/06/2026"
    assert cal.format_day_long(END) == "Thứ Hai, 14/12/2026"
    assert cal.days_left_phrase(date(2026, 6, 11), SIX) == "còn 3 ngày"
    assert cal.days_left_phrase(date(2026, 6, 13), SIX) == "ngày mai là hạn cuối"
    assert cal.days_left_phrase(SIX, SIX) == "hôm nay là hạn cuối"
    assert cal.days_left_phrase(date(2026, 6, 16), SIX) == "đã quá hạn 2 ngày"


@given(
    due=st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)),
    days=st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=6),
    holidays=st.lists(st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31))),
)
def test_reminders_always_fall_on_distinct_working_days_before_the_deadline(
    due: date, days: list[int], holidays: list[date]
) -> None:
    slots = cal.reminder_slots(due, days, time(8, 0), TZ, holidays)
    reminders = [s for s in slots if s.key.startswith("d-")]
    assert reminders, "at least one reminder survives merging"
    assert len({s.day for s in reminders}) == len(reminders)
    for slot in slots:
        assert cal.is_working_day(slot.day, holidays)
        assert slot.send_at.tzinfo is not None
    for slot in reminders:
        assert slot.day <= due
    overdue = next(s for s in slots if s.key == "overdue")
    assert overdue.day > due
    # The notice goes on the first working day after the deadline.
    gap = (overdue.day - due).days
    assert all(not cal.is_working_day(due + timedelta(d), holidays) for d in range(1, gap))
