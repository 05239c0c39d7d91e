"""Numbers, amounts and dates as Vietnamese staff write them, and as the bot shows them.

Official Vietnamese notation groups thousands with "." and marks decimals with ",":
``28.603,61``, ``1.600``, ``96%``. Staff also type English style (``28603.61``), bare digits
(``1600``) and scale words (``2,5 tỷ``, ``60 triệu``). The reading rules, in order:

* digits only: an integer ("01" → 1);
* both "." and ",": the last one is the decimal mark and the other must group thousands
  ("28.603,61", and English "28,603.61");
* "." followed by groups of exactly three digits: thousands ("12.500", "6.832.510.000");
* one "," otherwise: a decimal mark ("97,5", "0,77") — except "1,600" (one to three digits,
  a comma, exactly three digits), which may be an English thousands separator: ambiguous;
* several "," each followed by three digits: English thousands ("1,600,000");
* a lone "." followed by other than three digits ("1.5", "97.5") is ambiguous: 1,5, or the dot
  grouping thousands with the zeros left off ("1.5" = 1.500, as "1.5 nghìn" is said)? The
  user must be asked. Two exceptions, where only one reading makes sense: a leading "0."
  ("0.5": nobody writes 05 for 5) and an integer part of four or more ungrouped digits
  ("28603.61": someone who groups thousands would have written 28.603) read as decimals.
  Documents that are known to use "." as a decimal mark (OCR output such as "2.32 %") pass
  ``dot_decimal_ok=True`` to read every such dot as a decimal mark.

Everything the user can get wrong raises :class:`NumberError` (a :class:`ValueError`) whose
``message_vi`` tells the user, in Vietnamese, what to type instead. Figures are bounded
(:data:`MAX_FIGURE`, :data:`MAX_DECIMALS`): a longer number raises :class:`FigureTooLargeError`
before any arithmetic, so no :class:`decimal.InvalidOperation` escapes and nothing is stored
that one database keeps and the other refuses, or that a view cannot print.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from bot.core.text import fold
from bot.errors import InvalidInput

__all__ = [
    "MAX_DECIMALS",
    "MAX_FIGURE",
    "SCALE_WORDS",
    "AmbiguousNumberError",
    "Amount",
    "DateFormatError",
    "FigureTooLargeError",
    "NumberError",
    "bounded_figure",
    "format_date",
    "format_number",
    "format_percent",
    "parse_amount",
    "parse_date",
    "parse_number",
]


class NumberError(InvalidInput, ValueError):
    """A number, amount or date that cannot be read; ``message_vi`` says what to type."""

    def __init__(self, message_vi: str, text: str = "") -> None:
        super().__init__(message_vi)
        self.text = text


class AmbiguousNumberError(NumberError):
    """A number with two sensible readings ("1.5": 1,5 or 1.500); ``readings`` ascending."""

    def __init__(self, text: str, readings: tuple[Decimal, ...]) -> None:
        shown = " hay ".join(format_number(r, max_decimals=6) for r in readings)
        readings = tuple(_normal(r) for r in readings)
        super().__init__(
            f"Số «{text}» có thể hiểu là {shown}. Xin viết lại theo cách Việt Nam: dấu chấm "
            "ngăn cách hàng nghìn, dấu phẩy cho phần thập phân (ví dụ 1.600 hoặc 1,5).",
            text,
        )
        self.readings = readings


class DateFormatError(NumberError):
    """A date that is not dd/mm/yyyy or does not exist."""


# Every figure the bot reads or stores is below this in size and has at most this many
# decimals: the same on SQLite and PostgreSQL (NUMERIC(28, 6)), and far beyond any commune's
# budget in đồng (10^15 đồng is a million tỷ).
MAX_FIGURE = Decimal(10) ** 15
MAX_DECIMALS = 6
# Digits a number may be typed with at most (integer and decimals together): longer tokens
# are refused before they become a Decimal.
_MAX_DIGITS = 15 + MAX_DECIMALS


class FigureTooLargeError(NumberError):
    """A number too large, or with too many decimals, to be a figure of a plan or report."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"Số «{_clip(text)}» quá lớn hoặc quá nhiều chữ số. Số liệu phải nhỏ hơn "
            "1.000.000.000.000.000 và có tối đa 6 chữ số sau dấu phẩy.",
            text,
        )


def _clip(text: str, limit: int = 40) -> str:
    """*text* cut short for a message that quotes it."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _in_bounds(value: Decimal) -> bool:
    if not value.is_finite():
        return False
    exponent = value.normalize().as_tuple().exponent if value else 0
    return abs(value) < MAX_FIGURE and isinstance(exponent, int) and exponent >= -MAX_DECIMALS


def bounded_figure(value: Decimal, text: str = "") -> Decimal:
    """*value* when it is a figure the bot may store (see :data:`MAX_FIGURE`), else
    :class:`FigureTooLargeError` quoting *text* (what the user typed)."""
    if not _in_bounds(value):
        shown = format_number(value, max_decimals=12) if value.is_finite() else ""
        raise FigureTooLargeError(text or shown[:40])
    return value


# Scale words staff type after a number, folded (no diacritics), with their factor.
SCALE_WORDS: dict[str, Decimal] = {
    "ty": Decimal(10) ** 9,
    "ti": Decimal(10) ** 9,
    "trieu": Decimal(10) ** 6,
    "tr": Decimal(10) ** 6,
    "nghin": Decimal(1000),
    "ngan": Decimal(1000),
    "k": Decimal(1000),
    "tram": Decimal(100),
}

_MINUS_SIGNS = "-−–"  # ASCII hyphen-minus, Unicode minus, en dash (OCR and phones)
_DIGITS = re.compile(r"\d+")
_GROUP3 = re.compile(r"\d{3}")
_AMOUNT = re.compile(r"^(?P<num>[+\-−–]?\s*[\d.,\s]*\d)\s*(?P<scale>[^\W\d_]+)?\s*\.?$")
_DATE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")


def _invalid(text: str) -> NumberError:
    return NumberError(
        f"Không đọc được số «{_clip(text)}». Hãy viết số theo cách Việt Nam, ví dụ 1.600 "
        "hoặc 97,5.",
        text,
    )


def _is_grouping(head: str, groups: list[str]) -> bool:
    """True when *head* then *groups* form thousands grouping: "12" "500" "000".

    The head has one to three digits and no leading zero ("0.500" is not five hundred).
    """
    return (
        bool(groups)
        and 1 <= len(head) <= 3
        and not head.startswith("0")
        and all(_GROUP3.fullmatch(g) for g in groups)
    )


def _join(*parts: str) -> Decimal:
    return Decimal("".join(parts))


def parse_number(text: str, *, dot_decimal_ok: bool = False) -> Decimal:
    """Read one number token ("12.500", "97,5", "28.603,61", "01") into a :class:`Decimal`.

    Raises :class:`AmbiguousNumberError` for "1.5"-like tokens unless *dot_decimal_ok*, and
    :class:`NumberError` for anything that is not a number. See the module docstring.
    """
    raw = text.strip()
    body = raw
    negative = False
    if body and (body[0] in _MINUS_SIGNS or body[0] == "+"):
        negative = body[0] != "+"
        body = body[1:].lstrip()
    body = re.sub(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))", ".", body)  # "12 500" → "12.500"
    if not body or not re.fullmatch(r"\d+(?:[.,]\d+)*", body):
        raise _invalid(raw)
    if len(body.lstrip("0.,")) - body.count(".") - body.count(",") > _MAX_DIGITS:
        raise FigureTooLargeError(raw)
    value = _normal(bounded_figure(_unsigned(body, raw, dot_decimal_ok=dot_decimal_ok), raw))
    return -value if negative and value else value


def _ambiguous(raw: str, readings: set[Decimal]) -> Decimal:
    """The one reading within bounds, or :class:`AmbiguousNumberError` when both are."""
    possible = sorted(r for r in readings if _in_bounds(r))
    if not possible:
        raise FigureTooLargeError(raw)
    if len(possible) == 1:
        return possible[0]
    raise AmbiguousNumberError(raw, tuple(possible))


def _unsigned(body: str, raw: str, *, dot_decimal_ok: bool) -> Decimal:
    dots, commas = body.count("."), body.count(",")
    if dots == 0 and commas == 0:
        return Decimal(body)
    if dots and commas:
        return _mixed(body, raw)
    if commas:
        return _commas_only(body, raw)
    return _dots_only(body, raw, dot_decimal_ok=dot_decimal_ok)


def _mixed(body: str, raw: str) -> Decimal:
    """Both marks: the last one is the decimal mark, the other must group thousands."""
    decimal_mark = "," if body.rfind(",") > body.rfind(".") else "."
    group_mark = "." if decimal_mark == "," else ","
    whole, _, fraction = body.rpartition(decimal_mark)
    if decimal_mark in whole:
        raise _invalid(raw)
    head, *groups = whole.split(group_mark)
    if not _is_grouping(head, groups):
        raise _invalid(raw)
    return Decimal(f"{head}{''.join(groups)}.{fraction}")


def _commas_only(body: str, raw: str) -> Decimal:
    head, *rest = body.split(",")
    if len(rest) > 1:
        if _is_grouping(head, rest):
            return _join(head, *rest)  # English thousands: "1,600,000"
        raise _invalid(raw)
    fraction = rest[0]
    as_decimal = Decimal(f"{head}.{fraction}")
    if _is_grouping(head, rest):
        # "1,600": Vietnamese 1,6 or English 1600?
        return _ambiguous(raw, {as_decimal, _join(head, fraction)})
    return as_decimal


def _dots_only(body: str, raw: str, *, dot_decimal_ok: bool) -> Decimal:
    head, *rest = body.split(".")
    if _is_grouping(head, rest):
        return _join(head, *rest)  # "12.500", "6.832.510.000"
    if len(rest) > 1:
        raise _invalid(raw)
    fraction = rest[0]
    as_decimal = Decimal(f"{head}.{fraction}")
    if dot_decimal_ok or head == "0" or len(head) >= 4:
        return as_decimal
    # Read as thousands, a short group is the leading digits of three: "1.5" is 1.500, not 15.
    grouped = fraction.ljust(3, "0") if len(fraction) < 3 else fraction
    return _ambiguous(raw, {as_decimal, _join(head, grouped)})


@dataclass(frozen=True, slots=True)
class Amount:
    """A number with an optional scale word: "2,5 tỷ" → value 2.500.000.000."""

    value: Decimal  # in base units (the scale applied)
    number: Decimal  # the number as written (2,5)
    scale: Decimal = Decimal(1)  # 10**9 for "tỷ"
    scale_word: str | None = None  # the scale word as written ("tỷ"), if any


def parse_amount(text: str, *, dot_decimal_ok: bool = False) -> Amount:
    """Read a number with an optional scale word ("2,5 tỷ", "60 triệu", "1,2 nghìn", "1,5k").

    Known scale words (folded): tỷ/tỉ, triệu/tr, nghìn/ngàn/k, trăm; a trailing "." after the
    word ("2 tr.") is allowed. An ambiguous number raises :class:`AmbiguousNumberError` with
    the readings already scaled.
    """
    raw = text.strip()
    match = _AMOUNT.match(raw)
    if match is None:
        raise _invalid(raw)
    word = match["scale"]
    scale = Decimal(1)
    if word is not None:
        found = SCALE_WORDS.get(fold(word))
        if found is None:
            raise NumberError(
                f"Không hiểu đơn vị «{word}» sau số. Hãy dùng tỷ, triệu, nghìn hoặc viết đủ "
                "các chữ số.",
                raw,
            )
        scale = found
    try:
        number = parse_number(match["num"], dot_decimal_ok=dot_decimal_ok)
    except AmbiguousNumberError as exc:
        scaled = {r * scale for r in exc.readings}
        number = _ambiguous(raw, scaled) / scale  # raises unless one reading is too large
    return Amount(_normal(bounded_figure(number * scale, raw)), number, scale, word)


def _normal(value: Decimal) -> Decimal:
    """Drop exponent noise so 2,5 × 10⁹ prints as 2500000000, not 2.5E+9."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def format_number(value: Decimal | int, max_decimals: int = 2) -> str:
    """Vietnamese notation: "1.600", "28.603,61", "0,77", "-12.500" (rounded half up)."""
    quantum = Decimal(1).scaleb(-max_decimals)
    try:
        rounded = Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    sign = "-" if rounded < 0 else ""
    whole, _, fraction = f"{abs(rounded):f}".partition(".")
    fraction = fraction.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    if grouped == "0" and not fraction:
        sign = ""  # never "-0"
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def format_percent(value: Decimal | int) -> str:
    """A percentage as written in Vietnamese documents: "96%", "97,5%", "21,6%"."""
    return f"{format_number(value, max_decimals=2)}%"


def format_date(day: date) -> str:
    """dd/mm/yyyy: "03/02/2025"."""
    return day.strftime("%d/%m/%Y")


def parse_date(text: str) -> date:
    """Read "dd/mm/yyyy" or "d/m/yyyy" ("-" and "." also accepted between the parts)."""
    match = _DATE.match(text)
    if match is None:
        raise DateFormatError(
            f"Không đọc được ngày «{text.strip()}». Hãy viết theo dạng ngày/tháng/năm, "
            "ví dụ 03/02/2025.",
            text,
        )
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise DateFormatError(
            f"Ngày «{text.strip()}» không có thật. Hãy kiểm tra lại ngày và tháng "
            "(dạng ngày/tháng/năm, ví dụ 03/02/2025).",
            text,
        ) from None
