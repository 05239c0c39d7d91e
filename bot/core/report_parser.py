"""Reading progress figures out of what staff type.

"Đã trồng được 12.500 cây phân tán", "lon 2300 con, de 120 con", "BHYT đạt 97,5%",
"Thu ngân sách 2,15 tỷ đồng", "+300 cây phân tán", "thêm 300 con lợn" each yield one or more
:class:`Claim`: the words that name the target, the value, its unit of measure, and whether it
adds to the unit's total ("+300", "thêm") or replaces it (the default: cumulative to date).

Which target a claim belongs to is the matcher's job; this module only reads the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from bot.core.measures import Measure, find_measure_prefix, lookup_measure
from bot.core.numbers import (
    AmbiguousNumberError,
    FigureTooLargeError,
    NumberError,
    bounded_figure,
    format_number,
    parse_amount,
)
from bot.core.text import collapse_spaces, fold
from bot.errors import InvalidInput

MONEY_SCALE = Decimal(1_000_000)
MAX_UNIT_NAME_WORDS = 8
# What one message may carry: Telegram's own limit on a message, and more figures than any
# unit reports at once (a longer list is split into several messages).
MAX_REPORT_CHARS = 4096
MAX_FIGURES = 100
# A unit of measure is looked for in this many characters after a figure (the longest alias,
# "triệu đồng/người/năm", is far shorter, even with marks typed as separate characters).
_UNIT_WINDOW = 96
_SPACES_AT = re.compile(r"\s*")


class ReportTooLargeError(InvalidInput):
    """A message too long, or with too many figures, to be read as one report."""


# A number as staff type it, with an optional sign and scale word ("2,5 tỷ", "60 triệu").
# Thousands may also be grouped with spaces ("12 500", as spreadsheets print them), and an
# amount may go on with a smaller scale ("3 tỷ 200 triệu") or, as people say it, with the
# next digits alone ("2 tỷ 5", "2ty5" = 2,5 tỷ; "1 triệu 2" = 1,2 triệu).
_SCALE = r"(?:tỷ|tỉ|ty|ti|triệu|trieu|tr|nghìn|nghin|ngàn|ngan|k)(?![^\W\d_])\.?"
_NUMBER = re.compile(
    r"(?<![\w.,])(?:(?P<sign>[+-])(?=\d))?(?P<num>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,])"
    r"|\d+(?:[.,]\d+)*)"
    rf"(?P<scale>\s*{_SCALE})?"
    rf"(?P<more>\s+\d+(?:[.,]\d+)?\s*{_SCALE})?"
    r"(?P<tail>\s*\d{1,3}(?=\s*(?:$|[;,)\n]|\.(?!\d)|[^\W\d_])))?",
    re.IGNORECASE,
)
# Numbers that name something rather than report a figure: a year ("năm 2025", "2020-2025"),
# an age ("dưới 5 tuổi"), a duration ("6 tháng"), a date, a target or section of the plan
# ("chỉ tiêu số 10", "(16)", "mục III.4"), a unit ("Thôn 1", "tổ 3") or a document number
# ("21/KH-UBND"). They are blanked before figures are looked for, so "chỉ tiêu việc làm năm
# 2025" reports nothing.
_REFERENCE = re.compile(
    r"(?<!\w)(?:"
    r"(?:năm|nam)\s+(?:19|20)\d{2}"
    # ("sinh khối 45 ha": a figure in its unit, not block 45)
    r"|(?:thôn|thon|xóm|xom|tổ|to|bản|ấp|ap|khu|khối|khoi|đội|doi)\s+\d+"
    r"(?!\d|\s*(?:ha|tấn|tan|tạ|con|km|m2|m²|%)(?!\w))"
    r"|(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}"
    r"|\d+\s*(?:tuổi|tuoi)"
    r"|(?<![\d.,])[1-5]\s*(?:sao)(?!\w)"  # a rating: "sản phẩm OCOP 3 sao", not 3 of anything
    r"|\d+\s*(?:tháng|thang|quý|quy)(?!\w)"
    r"|(?:tháng|thang|quý|quy)\s+\d+"
    r"|\d{1,2}/\d{1,2}/\d{2,4}"
    # "ngày 30/6", "(đến 30/6)"; a bare "19/19 tiêu chí" or "4/6 thôn" is a ratio, kept
    r"|(?:ngày|ngay|đến|den|tới|toi|từ|tu|hết|het|\()\s*\d{1,2}/\d{1,2}(?:/\d{2,4})?"
    r"|(?<![\d\s])(?<!\d\s)(?:đợt|dot|lần|lan|lớp|lop|khóa|khoa|kỳ|ky)\s+\d+"  # "Đợt 1"
    r"|\d+/[A-ZĐ][\w-]*"
    r"|\(\d+\)"
    r"|(?:chỉ\s+tiêu|chi\s+tieu)\s+(?:(?:số|so)\s+)?\d+(?:\.\d+)?"
    r"|(?:số|so)\s+\d+\s*$"
    r"|(?:mục|muc)\s+[IVX\d]+(?:\.\w+)*"
    r")(?!\w)",
    re.IGNORECASE,
)
# How unit names begin ("Thôn 1", "Tổ dân phố 3", "Phòng Nội vụ", "Trường THCS …"), folded.
# Not "bản", "làng": "Bản văn hóa: 9" names a target as often as a unit.
_UNIT_NAME = re.compile(
    r"^(thon|to dan pho|to|xom|khu pho|khu|doi|ap|phong|truong|hoi|doan|tram|"
    r"co quan|chi bo|uy ban|mat tran|cong an|quan su|van phong)\b"
)
# Clauses are separated by ";", newlines, " và ", or a comma that is not a decimal mark.
_CLAUSE_SPLIT = re.compile(r";|\n|,(?!\d)|\s+(?:và|va|với|voi)\s+", re.IGNORECASE)
_SUBTRACT_WORDS = re.compile(r"\b(bớt|bot|bớt đi|trừ|trừ đi|tru)\s*$", re.IGNORECASE)
_DELTA_WORDS = re.compile(r"\b(thêm|them|tăng thêm|tang them|cộng thêm|cong them)\b", re.I)
# Words that carry no meaning for matching a target.
_FILLER = re.compile(
    r"\b(đã|da|được|duoc|đạt|là|la|có|co|thêm|them|tổng|tong|cộng|cong|số|so|"
    r"khoảng|khoang|gần|gan|hơn|hon|trên|tren|của|cua|thôn|thon|tháng|thang|nay|nhé|nhe|ạ|a|"
    r"bao cao|ket qua|hien co|hien nay|den nay|tinh den|den ngay|luy ke|bot|bot di|tru di)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Claim:
    """One figure read from a message, not yet tied to a target."""

    fragment: str  # the words around the figure that name the target ("trồng cây phân tán")
    value: Decimal
    measure: Measure | None
    delta: bool  # True for "+300" / "thêm 300": add to the unit's total
    source: str  # the clause as typed, for confirmations and the audit trail


@dataclass(frozen=True, slots=True)
class AmbiguousClaim:
    """A figure whose number could be read two ways ("1.5"): the user must say which."""

    fragment: str
    readings: tuple[Decimal, ...]
    measure: Measure | None
    delta: bool
    source: str

    def read_as(self, value: Decimal) -> Claim:
        """The claim once the number is known to mean *value*."""
        return Claim(self.fragment, value, self.measure, self.delta, self.source)


@dataclass(frozen=True, slots=True)
class ParsedReport:
    """Everything read from one message."""

    claims: tuple[Claim, ...]
    ambiguous: tuple[AmbiguousClaim, ...]
    invalid: tuple[str, ...]  # clauses with a number that could not be read at all

    @property
    def empty(self) -> bool:
        """True when the message carries no figure."""
        return not (self.claims or self.ambiguous or self.invalid)


# "… 1.000 tấn = 55,9% kế hoạch": the share of the plan, said after the figure itself.
_SHARE_NOTE = re.compile(
    r"(?:=|bằng|bang|đạt|dat)\s*\d+(?:[.,]\d+)?\s*%\s*(?:so\s+với\s+|so\s+voi\s+)?"
    r"(?:kế\s+hoạch|ke\s+hoach|kh|chỉ\s+tiêu|chi\s+tieu)(?!\w)",
    re.IGNORECASE,
)
# "30/6", "15/6": a day and month; "19/19 tiêu chí" or "4/6 thôn" (a unit follows) is a ratio.
_DAY_MONTH = re.compile(r"(?<![\w/])(\d{1,2})/(\d{1,2})(?![\w/])")


def _unit_after(text: str, pos: int) -> tuple[Measure, int] | None:
    """The unit of measure right after position *pos* of *text* (white space first allowed)
    and how many characters from *pos* it spans; only a short window is read, so a message
    with many figures costs time in proportion to its length."""
    spaces = _SPACES_AT.match(text, pos)
    start = spaces.end() if spaces else pos
    found = find_measure_prefix(text[start : start + _UNIT_WINDOW])
    return None if found is None else (found[0], found[1] + start - pos)


def _blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """*text* with each (start, end) span replaced by spaces, in one pass."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _blank_references(text: str) -> str:
    """*text* with references blanked out, keeping every other character where it was."""
    text = _REFERENCE.sub(lambda m: " " * len(m.group()), text)
    text = _blank_spans(
        text,
        [
            (found.start(), found.end())
            for found in _DAY_MONTH.finditer(text)
            if 1 <= int(found[1]) <= 31
            and 1 <= int(found[2]) <= 12
            and _unit_after(text, found.end()) is None
        ],
    )
    first = _NUMBER.search(text)
    return _blank_spans(
        text,
        [
            (found.start(), found.end())
            for found in _SHARE_NOTE.finditer(text)
            # only as a note to a figure before it
            if first is not None and first.end() <= found.start()
        ],
    )


_NAMED_YEAR = re.compile(
    r"(?<!\w)(?:năm|nam)\s+((?:19|20)\d{2})(?!\d)|\d{1,2}/\d{1,2}/((?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)


def named_years(text: str) -> set[int]:
    """Years a message states ("năm 2025", "30/6/2025"): the period it means to report for.

    >>> sorted(named_years("năm 2025 lợn 2000 con, tính đến 30/6/2025"))
    [2025]
    """
    years = set()
    for found in _NAMED_YEAR.finditer(text):
        before = fold(text[max(0, found.start() - 12) : found.start()])
        if re.search(r"(so voi|cung ky|hon|nhu)\s*$", before):
            continue  # "tăng 10% so với năm 2024": a comparison, not the period
        if found[1] and _unit_after(text, found.end()) is not None:
            continue  # "nam 1985 người": men, not a year
        years.add(int(found[1] or found[2]))
    return years


def looks_like_unit_name(text: str) -> bool:
    """True when *text* reads as the name of a unit ("Thôn 2", "Phòng Nội vụ"), as in
    "Thôn 2: 8.000 cây phân tán", rather than a target ("lợn: 2.300 con").

    >>> looks_like_unit_name("Thôn 2"), looks_like_unit_name("Tổng đàn lợn")
    (True, False)
    """
    folded = collapse_spaces(fold(text))
    found = _UNIT_NAME.match(folded)
    if found is None or not 0 < len(folded.split()) <= MAX_UNIT_NAME_WORDS:
        return False
    # The kind must be followed by a number or a proper name ("Thôn 2", "Thôn Đông", "Phòng
    # Nội vụ"): "Thôn văn hóa: 5 thôn" and "Tổ chức trồng cây: 500 cây" name targets.
    words = collapse_spaces(text).split()
    following = (
        words[len(found.group(1).split())] if len(words) > len(found.group(1).split()) else ""
    )
    return following[:1].isdigit() or following[:1].isupper()


def has_figure(text: str) -> bool:
    """True when *text* contains a number that could be a reported figure.

    >>> has_figure("Đã trồng được 12.500 cây phân tán"), has_figure("chỉ tiêu BHYT năm 2025")
    (True, False)
    """
    return _NUMBER.search(_blank_references(text)) is not None


def parse_report(text: str) -> ParsedReport:
    """Split *text* into clauses and read one figure from each clause that has one.

    Raises :class:`ReportTooLargeError` for a message longer than a Telegram message or
    with more than :data:`MAX_FIGURES` figures (nothing of it is read).
    """
    if len(text) > MAX_REPORT_CHARS:
        raise ReportTooLargeError(
            f"Tin nhắn dài quá {format_number(MAX_REPORT_CHARS)} ký tự nên tôi chưa đọc. Xin gửi "
            "số liệu thành nhiều tin ngắn hơn."
        )
    claims: list[Claim] = []
    ambiguous: list[AmbiguousClaim] = []
    invalid: list[str] = []
    clauses = _clauses(text)
    if sum(1 for clause in clauses if _NUMBER.search(clause)) > MAX_FIGURES:
        raise ReportTooLargeError(
            f"Tin nhắn có hơn {MAX_FIGURES} số liệu nên tôi chưa ghi số nào. Xin chia thành "
            f"nhiều tin, mỗi tin không quá {MAX_FIGURES} số liệu."
        )
    for clause in clauses:
        words = _blank_references(clause)  # "Thôn 1", "(đến 30/6)" name no target either
        match = _figure_in(words)
        if match is None:
            continue
        result = _read_clause(clause, words, match)
        if isinstance(result, Claim):
            claims.append(result)
        elif isinstance(result, AmbiguousClaim):
            ambiguous.append(result)
        else:
            invalid.append(clause)
    return ParsedReport(tuple(claims), tuple(ambiguous), tuple(invalid))


def _clauses(text: str) -> list[str]:
    parts = [collapse_spaces(p) for p in _CLAUSE_SPLIT.split(text)]
    return [clause for p in parts if p for clause in _split_run_together(p)]


_WORD_AFTER_SPACE = re.compile(r"\s+\w")


def _split_run_together(clause: str) -> list[str]:
    """ "lợn 2300 con dê 120 con" → two clauses: a figure with its unit, then more words
    and another figure, is two figures typed without a separator. One pass over the clause
    (references blanked once), however many figures it runs together."""
    words = _blank_references(clause)
    pieces: list[str] = []
    start = 0  # where the piece being read begins
    for match in _NUMBER.finditer(words):
        if match.start() < start:
            continue
        found = _unit_after(words, match.end())
        if found is None:
            continue
        cut = match.end() + found[1]
        if _WORD_AFTER_SPACE.match(words, cut) and _NUMBER.search(words, cut):
            pieces.append(clause[start:cut].strip())
            start = cut
    pieces.append(clause[start:].strip())
    return pieces


def _spoken_tail(match: re.Match[str], words: str) -> Decimal | None:
    """The digits said after a scale word, as a share of it: one digit is tenths ("2 tỷ 5"
    = 2,5 tỷ), two or three are the next scale down ("2 tỷ 50" = 2 tỷ 50 triệu = 2,05 tỷ;
    "12 nghìn 500 cây" = 12.500 cây). None when there are none, or when a word follows that
    is no unit ("2 tỷ 5 thôn đạt …": two figures)."""
    if not match["tail"] or not match["scale"] or match["more"]:
        return None
    rest = words[match.end() :].lstrip()
    word = re.match(r"[^\W\d_]+", rest)
    money = word is not None and fold(word.group()) in ("dong", "d")
    if word is not None and not money and find_measure_prefix(rest) is None:
        return None
    digits = match["tail"].strip()
    return Decimal(digits) / (10 if len(digits) == 1 else 1000)


def _figure_in(words: str) -> re.Match[str] | None:
    """The number a clause reports: the first one with its unit of measure ("3 đợt 120
    người" reports 120 người), else the first one."""
    numbers = list(_NUMBER.finditer(words))
    with_unit = (m for m in numbers if _unit_after(words, m.end()) is not None)
    return next(with_unit, numbers[0] if numbers else None)


def _read_clause(clause: str, words: str, match: re.Match[str]) -> Claim | AmbiguousClaim | None:
    """The figure *match* found in *words* (the clause with references blanked)."""
    number_text = re.sub(r"[ \u00a0\u202f]", "", match["num"]) + (match["scale"] or "")
    tail = _spoken_tail(match, words)
    end = match.end() if tail is not None or not match["tail"] else match.start("tail")
    before, after = words[: match.start()], words[end:]
    measure, after = _measure_after(after)
    subtract = match["sign"] == "-" or bool(_SUBTRACT_WORDS.search(before))
    delta = subtract or match["sign"] == "+" or bool(_DELTA_WORDS.search(before))
    fragment = _fragment(f"{before} {after}")
    try:
        amount = parse_amount(number_text)
        extra = parse_amount(match["more"]) if match["more"] and match["scale"] else None
    except AmbiguousNumberError as exc:
        readings = tuple(-r for r in exc.readings) if subtract else tuple(exc.readings)
        return AmbiguousClaim(fragment, readings, measure, delta, clause)
    except FigureTooLargeError:
        raise  # the whole message is refused with the reason: nothing of it is saved
    except NumberError:
        return None
    value = amount.value
    if extra is not None and extra.scale < amount.scale:  # "3 tỷ 200 triệu"
        value += extra.value
    elif tail is not None:  # "2 tỷ 5" = 2,5 tỷ; "2 tỷ 50" = 2 tỷ 50 triệu
        value += tail * amount.scale
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
    if measure is None and amount.scale >= MONEY_SCALE:
        # "thu ngân sách 2,5 tỷ": millions and billions without a unit are money.
        measure = lookup_measure("đồng")
    if subtract:  # "-50 con", "bớt 20 con": taken off the unit's total
        value = -value
    return Claim(fragment, bounded_figure(value, match.group().strip()), measure, delta, clause)


def _measure_after(after: str) -> tuple[Measure | None, str]:
    stripped = after.lstrip()
    found = find_measure_prefix(stripped)
    if found is None:
        return None, after
    measure, length = found
    return measure, stripped[length:]


def _fragment(text: str) -> str:
    cleaned = _FILLER.sub(" ", fold(text))
    cleaned = re.sub(r"[^\w%]+", " ", cleaned)
    return collapse_spaces(cleaned)
