"""Numbers, amounts and dates in Vietnamese notation: reading, ambiguity, formatting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.numbers import (
    AmbiguousNumberError,
    DateFormatError,
    FigureTooLargeError,
    NumberError,
    bounded_figure,
    format_date,
    format_number,
    format_percent,
    parse_amount,
    parse_date,
    parse_number,
)
from bot.errors import UserFacingError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.500", "12500"),
        ("12500", "12500"),
        ("97,5", "97.5"),
        ("28.603,61", "28603.61"),
        ("6.832.510.000", "6832510000"),
        ("01", "1"),
        ("1,2", "1.2"),
        ("0,77", "0.77"),
        ("0,500", "0.5"),
        ("1234,567", "1234.567"),  # four digits before the comma: cannot be English grouping
        ("28,603.61", "28603.61"),  # both marks: the last one is the decimal mark
        ("1,600,000", "1600000"),  # several commas: English thousands
        ("28603.61", "28603.61"),  # four ungrouped digits then a dot: English decimal
        ("0.5", "0.5"),  # nobody writes 05 for five
        ("12 500", "12500"),  # a space grouping thousands
        ("-12.500", "-12500"),
        ("−3", "-3"),  # Unicode minus sign
        ("+300", "300"),
        (" 1.600 ", "1600"),
    ],
)
def test_parse_number_reads_vietnamese_and_everyday_forms(text: str, expected: str) -> None:
    assert parse_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("1.5", ("1.5", "1500")),
        ("97.5", ("97.5", "97500")),
        ("2.32", ("2.32", "2320")),
        ("1,600", ("1.6", "1600")),
        ("12,500", ("12.5", "12500")),
        ("12.5000", ("12.5", "125000")),
    ],
)
def test_ambiguous_numbers_carry_both_readings(text: str, readings: tuple[str, str]) -> None:
    with pytest.raises(AmbiguousNumberError) as caught:
        parse_number(text)
    assert caught.value.readings == tuple(Decimal(r) for r in readings)
    assert text in caught.value.message_vi
    assert "dấu phẩy" in caught.value.message_vi


def test_dot_decimal_ok_reads_a_lone_dot_as_decimal_but_keeps_grouping() -> None:
    assert parse_number("2.32", dot_decimal_ok=True) == Decimal("2.32")
    assert parse_number("97.5", dot_decimal_ok=True) == Decimal("97.5")
    # A dot followed by exactly three digits still groups thousands in OCR'd plans.
    assert parse_number("1.600", dot_decimal_ok=True) == Decimal(1600)


@pytest.mark.parametrize("text", ["", "-", "abc", "1..2", "1.2.3", "12,", ".5", "1,2,3", "1 2"])
def test_parse_number_rejects_non_numbers_with_a_vietnamese_message(text: str) -> None:
    with pytest.raises(NumberError) as caught:
        parse_number(text)
    assert not isinstance(caught.value, AmbiguousNumberError)
    assert "Không đọc được số" in caught.value.message_vi


def test_number_errors_are_value_errors_and_user_facing() -> None:
    with pytest.raises(ValueError, match="Không đọc được"):
        parse_number("x")
    with pytest.raises(UserFacingError):
        parse_number("1.5")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2,5 tỷ", "2500000000"),
        ("2,5 tỉ", "2500000000"),
        ("7 ty", "7000000000"),
        ("60 triệu", "60000000"),
        ("60 trieu", "60000000"),
        ("2 tr", "2000000"),
        ("2 tr.", "2000000"),
        ("1,2 nghìn", "1200"),
        ("1,2 ngàn", "1200"),
        ("1,2 ngan", "1200"),
        ("1,5k", "1500"),
        ("3 trăm", "300"),
        ("12.500", "12500"),
        ("28.603,61", "28603.61"),
    ],
)
def test_parse_amount_applies_scale_words(text: str, value: str) -> None:
    assert parse_amount(text).value == Decimal(value)


def test_parse_amount_keeps_the_number_and_scale_as_written() -> None:
    amount = parse_amount("2,5 tỷ")
    assert (amount.number, amount.scale, amount.scale_word) == (
        Decimal("2.5"),
        Decimal(10) ** 9,
        "tỷ",
    )
    assert str(amount.value) == "2500000000"  # no exponent noise such as 2.5E+9


def test_parse_amount_scales_both_readings_of_an_ambiguous_number() -> None:
    with pytest.raises(AmbiguousNumberError) as caught:
        parse_amount("1.5 tỷ")
    assert caught.value.readings == (Decimal(1_500_000_000), Decimal(1_500_000_000_000))


def test_parse_amount_rejects_unknown_words() -> None:
    with pytest.raises(NumberError, match="con"):
        parse_amount("2 con")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("1600", "1.600"),
        ("28603.61", "28.603,61"),
        ("0.77", "0,77"),
        ("-12500", "-12.500"),
        ("6832510000", "6.832.510.000"),
        ("0", "0"),
        ("-0.001", "0"),  # rounds to zero: never "-0"
        ("1.005", "1,01"),  # half up, not banker's rounding
        ("35.50", "35,5"),
        ("100.00", "100"),
    ],
)
def test_format_number(value: str, text: str) -> None:
    assert format_number(Decimal(value)) == text


def test_format_number_respects_max_decimals() -> None:
    assert format_number(Decimal("1.23456"), max_decimals=3) == "1,235"
    assert format_number(Decimal("1.5"), max_decimals=0) == "2"
    assert format_number(1600) == "1.600"


@pytest.mark.parametrize(
    ("value", "text"), [("96", "96%"), ("97.5", "97,5%"), ("21.60", "21,6%"), ("0.77", "0,77%")]
)
def test_format_percent(value: str, text: str) -> None:
    assert format_percent(Decimal(value)) == text


def test_dates_round_trip_in_dd_mm_yyyy() -> None:
    assert format_date(date(2025, 2, 3)) == "03/02/2025"
    assert parse_date("03/02/2025") == date(2025, 2, 3)
    assert parse_date("3/2/2025") == date(2025, 2, 3)
    assert parse_date("14-12-2024") == date(2024, 12, 14)


@pytest.mark.parametrize("text", ["2025-02-03", "3/2/25", "ngày mai", "31/02/2025", "0/1/2025"])
def test_parse_date_rejects_other_forms_in_vietnamese(text: str) -> None:
    with pytest.raises(DateFormatError) as caught:
        parse_date(text)
    assert "03/02/2025" in caught.value.message_vi


# --- properties -------------------------------------------------------------------------------


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
def test_integers_round_trip_through_format_and_parse(n: int) -> None:
    assert parse_number(format_number(Decimal(n))) == n


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_two_decimal_values_round_trip(cents: int) -> None:
    value = Decimal(cents).scaleb(-2)
    assert parse_number(format_number(value)) == value


@given(st.integers(min_value=0, max_value=10**15))
def test_grouping_puts_a_dot_before_every_three_digits(n: int) -> None:
    text = format_number(Decimal(n))
    head, *groups = text.split(".")
    assert 1 <= len(head) <= 3
    assert all(len(g) == 3 for g in groups)
    assert text.replace(".", "") == str(n)


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=1, max_value=99))
def test_a_lone_dot_with_one_or_two_digits_is_always_ambiguous(head: int, tail: int) -> None:
    text = f"{head}.{tail}"
    with pytest.raises(AmbiguousNumberError) as caught:
        parse_number(text)
    assert Decimal(text) in caught.value.readings
    # Read as thousands, the digits after the dot lead a group of three: "1.5" is 1.500.
    assert Decimal(f"{head}{tail:0<3}") in caught.value.readings
    assert parse_number(text, dot_decimal_ok=True) == Decimal(text)


@given(
    st.integers(min_value=0, max_value=10**6 - 1),
    st.sampled_from(["tỷ", "triệu", "nghìn", "ngàn", "tr", "k"]),
)
def test_scale_words_multiply(n: int, word: str) -> None:
    factor = {"tỷ": 10**9, "triệu": 10**6, "tr": 10**6}.get(word, 1000)
    assert parse_amount(f"{format_number(Decimal(n))} {word}").value == n * factor


# --- bounds -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["9" * 29, "1" + "0" * 15, "1.000.000.000.000.000", "-1" + "0" * 15, "0,1234567", "1" * 4000],
)
def test_figures_beyond_the_bounds_get_their_own_error(text: str) -> None:
    with pytest.raises(FigureTooLargeError) as caught:
        parse_number(text)
    assert "quá lớn" in caught.value.message_vi
    assert len(caught.value.message_vi) < 300  # a long number is quoted cut short


def test_the_largest_figure_within_bounds_is_read() -> None:
    assert parse_number("999.999.999.999.999") == 10**15 - 1
    assert parse_number("0,123456") == Decimal("0.123456")


def test_a_scale_word_cannot_push_a_figure_beyond_the_bounds() -> None:
    with pytest.raises(FigureTooLargeError):
        parse_amount("1.000.000 tỷ")
    assert parse_amount("999.999 tỷ").value == 999_999 * 10**9


def test_an_ambiguous_number_with_one_reading_too_large_is_the_other() -> None:
    # "123.1234567": 123,1234567 has seven decimals, so only 1231234567 is a figure.
    assert parse_number("123.1234567") == 1231234567


def test_bounded_figure_accepts_zero_and_refuses_infinity() -> None:
    assert bounded_figure(Decimal("0E-12")) == 0
    with pytest.raises(FigureTooLargeError):
        bounded_figure(Decimal("Infinity"))
