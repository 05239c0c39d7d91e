"""Text of a plan (kế hoạch) or report (báo cáo) → :class:`~bot.core.plan.ParsedPlan`.

Real documents arrive as OCR output of scanned paper (lost or broken diacritics, lines
wrapped mid-sentence, page numbers, stray marks, "I1." for "II."), as Markdown converted from
Word ("##" headings, "**bold**", LaTeX "$\\geq 100$", "m<sup>2</sup>") or as clean text.
Parsing never fails on such noise; it reads what it can, in four steps.

1. **Lines.** Each line is cleaned (Markdown, HTML and LaTeX markup, stray marks) and page
   numbers are dropped. Folded comparisons (:func:`bot.core.text.fold`) make the OCR'd
   "Chi tiéu" and the clean "Chỉ tiêu" meet.
2. **Header.** Before the body: the number ("Số: 21 /KH-UBND"), the place-and-date line
   ("Bình Sơn, ngày 03 tháng 02 năm 2025"), the kind heading (KẾ HOẠCH / BÁO CÁO) and the title
   lines under it. "Nơi nhận:" ends the body (recipients and signature follow); appendices
   after the signature ("PHỤ LỤC", "Phụ lục I: …", often the targets table) are read on.
3. **Outline.** Lines become blocks: a *marker* line ("Phần thứ hai", "II.", "2.", "1.1.", "a)",
   "(3)", "-") with the lines that continue it, paragraphs (wrapped lines joined; a paragraph
   broken by a page continues when the next one starts in lower case), and table rows. Markers
   are placed by numbering, not by Markdown level or indentation (both unreliable): a marker
   that continues an open list ("3." after "2.") is a sibling; a first item ("1.", "a)") opens
   a list under the current section; a list restarting at "1." under the next group is a new
   list, not a part of the last item. Section paths join the labels: "II.2", "III.1.a"; after
   "Phần thứ hai" they start with "P2" ("P2.II"), after a lettered part ("A.", "B-", "PHẦN B",
   when the letters come before any Roman numeral) with its letter ("B.I"), in an appendix
   with "PL1". Slashes number too ("I/", "1/", "a/", "1.1/"). A numbered line that is a
   heading (short, upper case or ending in ":") becomes a section; a numbered paragraph (a
   duty: "4. Phòng Nội vụ thẩm định hồ sơ …") becomes a section *and* its own passage, so one
   question finds one duty. Paragraphs and bullets are passages of the innermost section.
4. **Targets.** Items of a list directly under a section whose title starts with "Chỉ tiêu"
   are targets (so are the rows of a table with a "Chỉ tiêu"/"ĐVT" header). Each item is split
   into a name (before the first ":" when that part holds no figure) and clauses (";",
   ", trong đó", parentheses). A figure is a number not part of a year, date, reference
   ("34-CT/TW") or ordinal ("mức độ 2", "cả 3 tiêu chí"), with the unit after it
   (:func:`bot.core.measures.find_measure_prefix`, OCR spellings allowed) and a qualifier
   from the words just before it ("khoảng", "đạt", "≥", ">", "giảm", "tăng" …) or after it
   ("trở lên"). One figure makes a simple target; several make a compound target whose
   children are keyed "<n>.1", "<n>.2" …; "X, trong đó Y" keeps X on the parent. A target with
   no figure keeps its text ("Giảm tai nạn giao thông cả 3 tiêu chí", "vào năm 2027").
   An aim written as one paragraph ("Phấn đấu năm 2026: thu ngân sách 28,5 tỷ đồng; trồng
   mới 12.000 cây; …") gives a target per clause; a table under a heading that reviews last
   year gives none. When all this yields fewer than three targets, the measured clauses of a
   section headed as targets are taken (a safety net, never in duties, results or reports).

In a damaged document (OCR output, :func:`bot.core.diacritics.looks_ocr_damaged`) target names
and the title get their diacritics back where the lexicon is sure ("Trong méi cay phan tan" →
"Trồng mới cây phân tán"); ``source_text`` and passages are quotes and stay as read.

Numbers in documents are read with ``dot_decimal_ok`` (OCR turns "2,32" into "2.32"); "1,600"
is 1.600 when the unit counts things (people, trees) and 1,6 otherwise.
"""

from __future__ import annotations

import contextlib
import functools
import html
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import PurePath

from bot.core.diacritics import looks_ocr_damaged, restore_diacritics
from bot.core.measures import Measure, lookup_measure, marks_mismatch, spelled_so
from bot.core.numbers import AmbiguousNumberError, NumberError, parse_number
from bot.core.plan import ParsedPlan, Passage, Qualifier, Section, Target
from bot.core.plan_deadlines import find_deadlines
from bot.core.plan_tables import TableReader, TableRow
from bot.core.text import fold, strip_marks

__all__ = ["MAX_TARGET_LINES", "parse_plan"]

# No plan lists more target lines than this; past it lines are read as text, so that a huge
# upload costs bounded work (the import can tell the officer when a plan reaches it).
MAX_TARGET_LINES = 5000


def _word_count(text: str) -> int:
    """Words in *text*, counted up to a few hundred (all the rules ask is "short or not")."""
    return len(text[:_WORDS_REACH].split()) + (1000 if len(text) > _WORDS_REACH else 0)


_WORDS_REACH = 3000


def _squash(text: str) -> str:
    """White space runs as single spaces, trimmed (as :func:`bot.core.text.collapse_spaces`,
    several times faster on long text)."""
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# Step 1: lines
# ---------------------------------------------------------------------------------------------

_LATEX = re.compile(r"\$([^$\n]{1,80})\$")
_LATEX_SYMBOLS = (
    (r"\geq", "≥"),
    (r"\leq", "≤"),
    (r"\ge", "≥"),
    (r"\le", "≤"),
    (r"\times", "×"),
    (r"\approx", "≈"),
    (r"\%", "%"),
    (r"\lt", "<"),
    (r"\gt", ">"),
)
_SUPERSCRIPT = re.compile(r"<sup>\s*([0-9])\s*</sup>", re.IGNORECASE)
_SUPERSCRIPT_DIGITS = {"2": "²", "3": "³"}
_TAG = re.compile(r"</?[a-zA-Z][^<>]{0,60}>")
_MD_HEADING = re.compile(r"^\s*#{1,6}\s*")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?!\s)|(?<=\S)\*(?![\w*])")
_STRAY_LEAD = re.compile(r"^[‘’'`_=~^»«·]+\s*")
_STRAY_TAIL = re.compile(r"\s+[=_~^‘’`|]+$")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*)?(?:trang\s+|page\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–—])?\s*$",
    re.IGNORECASE,
)
_ONLY_MARKS = re.compile(r"^[\W_]*$")
_END_MARK = re.compile(r"\s*\./\.?\s*$")  # "./." closes the last sentence of an official text


@dataclass(frozen=True, slots=True)
class _Line:
    text: str  # cleaned, spaces collapsed; "" for a blank line
    md: bool = False  # was a Markdown heading ("## …")


def _latex(match: re.Match[str]) -> str:
    inner = match.group(1)
    for command, symbol in _LATEX_SYMBOLS:
        inner = inner.replace(command, f" {symbol} ")
    inner = re.sub(r"\\[a-zA-Z]+", " ", inner).replace("{", "").replace("}", "")
    return f" {_squash(inner)} "


_MARKUP_CHARS = re.compile(r"[<&$#*_\t\u00a0]")


def _clean_markup(raw: str) -> tuple[str, bool]:
    """*raw* without Markdown, HTML and LaTeX markup; and whether it was a "##" heading.
    Each rule runs only where its mark appears (most lines carry none)."""
    if _MARKUP_CHARS.search(raw) is None:
        return _squash(raw), False
    text = raw
    if "<" in text:
        text = _SUPERSCRIPT.sub(lambda m: _SUPERSCRIPT_DIGITS.get(m.group(1), m.group(1)), text)
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    if "$" in text:
        text = _LATEX.sub(_latex, text)
    text = text.replace("\t", " ").replace("\u00a0", " ")
    md = False
    if "#" in text[:8]:
        md = _MD_HEADING.match(text) is not None
        text = _MD_HEADING.sub("", text)
    bullet_star = "*" in text[:8] and re.match(r"^\s*\*\s+\S", text) is not None
    if bullet_star:
        text = text.lstrip()[1:]
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub("", text)
    text = _squash(text)
    if bullet_star:
        text = f"- {text}"  # "* item" is a bullet, not emphasis
    return text, md


def _clean_line(raw: str) -> _Line:
    text, md = _clean_markup(raw)
    text = _STRAY_LEAD.sub("", text)
    text = _STRAY_TAIL.sub("", text)
    if _PAGE_NUMBER.match(text) or _ONLY_MARKS.match(text):
        return _Line("")
    return _Line(text, md)


def _row_line(cells: Sequence[str]) -> _Line:
    """A table row as "| c1 | c2 |", each cell cleaned on its own (a cell "12" is a figure,
    not a page number); a row of empty cells is no row."""
    cleaned = [_clean_markup(cell)[0] for cell in cells]
    if not any(cleaned):
        return _Line("")
    return _Line("| " + " | ".join(cleaned) + " |")


def _split_row(raw: str) -> list[str]:
    """Cells of "| c1 | c2 |" (Markdown, the Word reader) or "c1 | c2" (an empty first
    cell then shows as a leading " | ")."""
    text = raw.strip(" \t")
    if text.startswith("|") and text.endswith("|") and len(text) > 1:
        text = text[1:-1]
    return text.split("|")


_TABLE_ROW_LEN = 4000  # a longer "row" is not a table row
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


_GAP = re.compile(r"\S(?: {3,}|\t+)(?=\S)")  # columns of an OCR'd or plain-text table


def _prepare(text: str) -> list[_Line]:
    """Cleaned lines; page numbers and mark-only lines become blank lines, and the rule
    under a Markdown table header ("|---|---|") disappears. Lines whose words stand in
    columns (runs of spaces, as OCR and plain-text exports keep a table) become table rows:
    three columns or more, or two beside such a row."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<t" in text or "<T" in text:
        text = _HTML_TABLE.sub(_html_table, text)
    raw_lines = [raw for raw in text.split("\n") if not _TABLE_RULE.match(raw)]
    pipes = [_pipe_cells(raw) for raw in raw_lines]
    gaps = [
        len(_GAP.findall(raw[:_TABLE_ROW_LEN]))
        if not pipes[i] and ("   " in raw or "\t" in raw)
        else 0
        for i, raw in enumerate(raw_lines)
    ]
    boxed = [pipes[i] == 1 and _boxed(raw) for i, raw in enumerate(raw_lines)]
    gap_row = [
        not pipes[i]
        and (_is_row(gaps, i) or (gaps[i] == 1 and (_is_row(gaps, i - 1) or _is_row(gaps, i + 1))))
        for i in range(len(raw_lines))
    ]
    aligned = _aligned_cells(raw_lines, gap_row)
    lines: list[_Line] = []
    for i, raw in enumerate(raw_lines):
        if _is_row(pipes, i) or (
            pipes[i] == 1
            and (
                _is_row(pipes, i - 1)
                or _is_row(pipes, i + 1)
                # "| Chỉ tiêu | Mức phấn đấu |" over rows boxed alike: a two-column table
                or (
                    boxed[i] and ((i > 0 and boxed[i - 1]) or (i + 1 < len(boxed) and boxed[i + 1]))
                )
            )
        ):
            lines.append(_row_line(_split_row(raw)))
        elif gap_row[i]:
            lines.append(_row_line(aligned.get(i) or re.split(r" {3,}|\t+", raw.strip())))
        else:
            lines.append(_clean_line(raw))
    return lines


_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.IGNORECASE | re.DOTALL)
_HTML_ROW = re.compile(r"<tr\b.*?(?:</tr\s*>|(?=<tr\b)|$)", re.IGNORECASE | re.DOTALL)
_HTML_CELL = re.compile(
    r"<t([dh])\b([^>]*)>(.*?)(?:</t[dh]\s*>|(?=<t[dh]\b)|$)", re.IGNORECASE | re.DOTALL
)
_COLSPAN = re.compile(r"colspan\s*=\s*[\"']?(\d{1,2})", re.IGNORECASE)
_ROWSPAN = re.compile(r"rowspan\s*=\s*[\"']?(\d{1,3})", re.IGNORECASE)


def _covered(cells: list[str], below: dict[int, int]) -> None:
    """Empty cells where cells of rows above span down into this row."""
    while below.get(len(cells), 0) > 0:
        below[len(cells)] -= 1
        cells.append("")


def _span(pattern: re.Pattern[str], attributes: str) -> int:
    found = pattern.search(attributes)
    return max(1, min(int(found.group(1)), 20)) if found is not None else 1


def _html_table(match: re.Match[str]) -> str:
    """An HTML table (Markdown made from Word keeps complex tables so) as rows
    "| c1 | c2 |" between blank lines; a cell spanning columns leaves the others empty."""
    rows: list[str] = []
    below: dict[int, int] = {}  # column → rows still covered by a cell spanning down
    for row in _HTML_ROW.finditer(match.group(0)):
        cells: list[str] = []
        for cell in _HTML_CELL.finditer(row.group(0)):
            _covered(cells, below)
            inner = html.unescape(_TAG.sub(" ", cell.group(3)))
            width = _span(_COLSPAN, cell.group(2))
            height = _span(_ROWSPAN, cell.group(2))
            for _ in range(width):
                if height > 1:
                    below[len(cells)] = height - 1
                cells.append("")
            cells[-width] = _squash(inner.replace("|", "/"))
        if cells:
            _covered(cells, below)
            rows.append("| " + " | ".join(cells) + " |")
    return "\n\n" + "\n".join(rows) + "\n\n"


def _pipe_cells(raw: str) -> int:
    """How many cell separators a line shows ("| a | b |" and "a | b | c" both 2)."""
    if "|" not in raw or len(raw) > _TABLE_ROW_LEN:
        return 0
    return len(_split_row(raw)) - 1


_GAP_CELL = re.compile(r"\S+(?: {1,2}\S+)*")


def _aligned_cells(raw_lines: Sequence[str], gap_row: Sequence[bool]) -> dict[int, list[str]]:
    """Cells of the rows of a table kept in columns by spaces, each placed under the column
    it stands in: a row with an empty cell ("3   Tỷ lệ hộ nghèo        1,2", no unit) keeps
    its figure in the figure column. Rows with tabs (no positions to go by) are left out."""
    out: dict[int, list[str]] = {}
    i = 0
    while i < len(raw_lines):
        if not gap_row[i]:
            i += 1
            continue
        run = [i]
        while run[-1] + 1 < len(raw_lines) and gap_row[run[-1] + 1]:
            run.append(run[-1] + 1)
        i = run[-1] + 1
        if any("\t" in raw_lines[j] for j in run):
            continue
        spans = {
            j: [(m.start(), m.group(0)) for m in _GAP_CELL.finditer(raw_lines[j])] for j in run
        }
        widest = max(run, key=lambda j: len(spans[j]))
        starts = [start for start, _ in spans[widest]]
        for j in run:
            if len(spans[j]) >= len(starts):
                continue
            cells = [""] * len(starts)
            column = 0
            for start, text in spans[j]:
                nearest = min(range(column, len(starts)), key=lambda c: abs(starts[c] - start))
                cells[nearest] = text
                column = min(nearest + 1, len(starts) - 1)
            out[j] = cells
    return out


def _boxed(raw: str) -> bool:
    """ "| a | b |": a Markdown table row, cells between bars."""
    text = raw.strip()
    return len(text) > 2 and text.startswith("|") and text.endswith("|")


def _is_row(separators: Sequence[int], i: int) -> bool:
    """Two separators or more: three columns at least (a lone "a | b" is a row only beside
    one)."""
    return 0 <= i < len(separators) and separators[i] >= 2


class _FoldTable(dict[int, str]):
    """Each character's folded form (:func:`fold` of it alone, lower case, no marks), worked
    out once per character met, for :meth:`str.translate`."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        folded = strip_marks(ch).lower()
        self[code] = folded if len(folded) == 1 else ch
        return self[code]


_FOLD_TABLE = _FoldTable()


def _fold_keep_length(text: str) -> str:
    """Like :func:`fold` but one character per character, so match offsets map back."""
    if text.isascii():
        return text.lower()
    return text.translate(_FOLD_TABLE)


def _upper_ratio(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(ch.isupper() for ch in letters) / len(letters)


def _is_upper(text: str) -> bool:
    return len([ch for ch in text if ch.isalpha()]) >= 3 and _upper_ratio(text) >= 0.7


# Abbreviations that stay upper case when a heading in capitals is put in sentence case.
_ACRONYMS = frozenset(
    {"UBND", "HĐND", "MTTQ", "HĐTĐKT", "TĐKT", "TTHC", "CCHC", "BHYT", "BHXH", "NTM", "OCOP",
     "CSTĐ", "LĐTT", "ANTT", "GCN", "QSDĐ", "GRDP", "KT-XH", "QP-AN", "TW", "CT/TW", "ĐTKT",
     "VH-TT", "ATGT", "PCCC", "CLB", "HTX", "THCS", "THPT", "TT", "UB", "VN", "TQ"}
)  # fmt: skip
_ROMAN_WORD = re.compile(r"^[IVXLC]+$")


def _sentence_case(text: str) -> str:
    """ "TỔ CHỨC THỰC HIỆN" → "Tổ chức thực hiện"; text not in capitals is left alone."""
    if not _is_upper(text):
        return text
    words = []
    for word in text.split(" "):
        bare = word.strip(".,:;()“”\"'")
        keep = bare in _ACRONYMS or (_ROMAN_WORD.match(bare) is not None and len(bare) > 1)
        words.append(word if keep else word.lower())
    result = " ".join(words)
    return result[:1].upper() + result[1:]


# ---------------------------------------------------------------------------------------------
# Markers
# ---------------------------------------------------------------------------------------------

_LETTERS = "abcdđeghiklmnopqrstuvxy"
_PART_LETTERS = "ABCDEFGH"
_PART = re.compile(
    r"^phan\s+(?:th\w{0,3}\s+)?(nhat|mot|hai|ba|bon|tu|nam|sau|[ivx]{1,4}|\d|[a-h])\b\s*[.:/\-–]?\s*"
)
_PART_NUMBERS = {"nhat": 1, "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6}
# "PHỤ LỤC", "Phụ lục I:", "PHỤ LỤC SỐ 02 - …": an appendix (a part of its own).
_APPENDIX = re.compile(r"^phu luc(?:\s+(?:so\s+)?([ivx]{1,4}|\d{1,2}))?\b\s*[.:\-–]?\s*")
_ROMAN_TOKEN = re.compile(r"^([IVXLl1|]{1,5})\s*[.)/]\s*(?=\S)")
_ROMAN_VALID = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_DOTTED = re.compile(
    r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{1,2}))?(?:\.(\d{1,2}))?(?:[./]?\s*(?=[^\W\d_])|[./]\s+(?=\d))"
)
# Up to four digits (long target lists), but a year opening a wrapped line is no number.
_ARABIC = re.compile(
    r"^(?!(?:19|20)\d\d\b)(\d{1,4})\s*\.(?:\s*(?=[^\d\s.,])|\s+(?=\d[\d.,]*\s*(?:%|[^\W\d_])))"
)  # "3. Tỷ lệ …", and "3. 100% thôn …" (a figure opening the item, after a space)
_ARABIC_PAREN = re.compile(r"^(\d{1,2})\)\s*(?=\S)")
_PAREN = re.compile(r"^\((\d{1,4})\)\s*")
# "1/ Thu ngân sách …": a slash after the number, a word after it (not a date, not "1/2").
_SLASH = re.compile(r"^(\d{1,3})\s*/\s*(?=[^\W\d_])")
_NAMED = re.compile(r"^chi tieu (?:so )?(\d{1,3})\s*[:.)\-–]\s*")
_LETTER = re.compile(r"^([a-zđ])(?:\s?[)/]\s*(?=\S)|\.\s+(?=[^\W\d_]))")
_ARABIC_COMMA = re.compile(r"^(\d{1,2}),\s+(?=[^\W\d_])")
_LETTER_COMMA = re.compile(r"^([a-zđ]),\s+(?=[^\W\d_])")
_UPPER_LETTER = re.compile(r"^([A-H])[.)]\s+(?=[^\W\d_])")  # OCR's "C." for "c)"
# "A. KẾT QUẢ …", "B- PHƯƠNG HƯỚNG …", "C/ TỔ CHỨC …": a lettered part above the Roman
# numerals, when its title stands in capitals.
_LETTER_PART = re.compile(r"^([A-H])\s?[.)/\-–]\s*(?=[^\W\d_])")
_BULLET = re.compile(
    r"^[-–—+•●▪◦](?:\s+(?=\D)|(?=[^\W\d_(“\"])|\s+(?=\d[\d.,]*\s?(?:%|[^\W\d_])))"
)  # "- Trồng mới …", "+ 98% trẻ em …" (a figure opening the bullet)


@dataclass(frozen=True, slots=True)
class _Marker:
    # part, roman, dotted, arabic ("1."), arabic_paren ("1)"), paren ("(1)"), letter ("a)"),
    # maybe_letter ("C.": a letter only where a letter list is open), bullet ("-", "+", "•")
    kind: str
    value: int  # position in its list (1 for "I.", "1.", "a)")
    label: str  # path component: "P2", "II", "3", "a"; "" for bullets
    shown: str  # the marker as the document shows it: "(10)", "10", "a)"
    prefix: str = ""  # for "1.2.3.": "1.2", the number of the item it belongs to
    number: str = ""  # the whole number for "2." and "1.2.": "2", "1.2"


_ROMAN_OCR = str.maketrans("l1|L", "IIII")  # OCR reads "II." as "I1.", "Il." and "I." as "|."


def _roman_value(token: str) -> int | None:
    if not any(ch in "IVX|lL" for ch in token):
        return None  # "11." is eleven, not a Roman numeral
    roman = token.translate(_ROMAN_OCR)
    match = _ROMAN_VALID.match(roman)
    if not roman or match is None:
        return None
    tens = len(match.group(1)) * 10
    unit = {"IX": 9, "IV": 4}.get(match.group(2))
    if unit is None:
        unit = (5 if match.group(2).startswith("V") else 0) + match.group(2).count("I")
    return tens + unit or None


def _to_roman(value: int) -> str:
    out = "X" * (value // 10)
    out += ("", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX")[value % 10]
    return out


def _marker(line: _Line) -> tuple[_Marker, str] | None:
    """The list marker at the start of *line* and the text after it, if any."""
    text = line.text
    if not text or (text.startswith("| ") and text.endswith(" |")):
        return None  # a table row
    folded = _fold_keep_length(text[:40])  # markers are short
    part = _PART.match(folded)
    if part is not None:
        token, rest = part.group(1), text[part.end() :]
        number = _PART_NUMBERS.get(token) or (int(token) if token.isdigit() else None)
        number = number or _roman_value(token.upper())
        label = f"P{number}"
        if number is None and token in _PART_LETTERS.lower():  # "Phần A", "PHẦN B"
            number, label = _PART_LETTERS.lower().index(token) + 1, token.upper()
        if number and (_word_count(rest) <= 12 or _is_upper(rest)):  # a heading, not prose
            return _Marker("part", number, label, text[: part.end()].strip()), rest
    appendix = _APPENDIX.match(folded)
    if appendix is not None:
        token, rest = appendix.group(1) or "1", text[appendix.end() :]
        number = int(token) if token.isdigit() else _roman_value(token.upper())
        # "PHỤ LỤC", "Phụ lục I: …", "PHỤ LỤC CÁC CHỈ TIÊU": not "Phụ lục kèm theo gồm …".
        heading = not rest.strip() or _is_upper(rest) or appendix.group(1) is not None
        if number and heading and _word_count(rest) <= 25:
            shown = text[: appendix.end()].strip()
            return _Marker("part", number, f"PL{number}", shown), rest
    roman = _ROMAN_TOKEN.match(text)
    if roman is not None:
        value = _roman_value(roman.group(1))
        rest = text[roman.end() :]
        if value is not None and (line.md or _upper_ratio(rest) >= 0.6):
            return _Marker("roman", value, _to_roman(value), f"{_to_roman(value)}."), rest
    dotted = _DOTTED.match(text)
    if dotted is not None:
        parts = [str(int(g)) for g in dotted.groups() if g is not None]
        whole = ".".join(parts)
        kind = f"dotted{len(parts)}"
        within = ".".join(parts[:-1])
        marker = _Marker(kind, int(parts[-1]), parts[-1], f"{whole}.", within, whole)
        return marker, text[dotted.end() :]
    named = _NAMED.match(folded)
    if named is not None:  # "Chỉ tiêu 3: …"
        label = str(int(named.group(1)))
        return _Marker("named", int(label), label, label, "", label), text[named.end() :]
    for kind, pattern in (
        ("arabic", _ARABIC),
        ("arabic_paren", _ARABIC_PAREN),
        ("paren", _PAREN),
        ("slash", _SLASH),
    ):
        found = pattern.match(text)
        if found is not None:
            number = int(found.group(1))
            shown = f"({number})" if kind == "paren" else str(number)
            whole = str(number) if kind in {"arabic", "slash"} else ""
            return _Marker(kind, number, str(number), shown, "", whole), text[found.end() :]
    letter = _LETTER.match(text)
    if letter is not None and letter.group(1) in _LETTERS:
        small = letter.group(1)
        dot = letter.group(0).rstrip().endswith(".")
        shown = f"{small}." if dot else f"{small})"
        place = _LETTERS.index(small) + 1
        return _Marker("letter", place, small, shown), text[letter.end() :]
    lettered = _LETTER_PART.match(text)
    if lettered is not None and (line.md or _is_upper(text[lettered.end() :])):
        capital = lettered.group(1)
        place = _PART_LETTERS.index(capital) + 1
        shown = text[: lettered.end()].strip()
        return _Marker("maybe_part", place, capital, shown), text[lettered.end() :]
    number_comma = _ARABIC_COMMA.match(text)
    if number_comma is not None:  # OCR's "3," for "3."
        value = int(number_comma.group(1))
        label = str(value)
        marker = _Marker("maybe_arabic", value, label, f"{value},", "", label)
        return marker, text[number_comma.end() :]
    comma = _LETTER_COMMA.match(text)
    if comma is not None and comma.group(1) in _LETTERS:  # OCR's "c," for "c)" or "c."
        small = comma.group(1)
        place = _LETTERS.index(small) + 1
        return _Marker("maybe_letter", place, small, f"{small},"), text[comma.end() :]
    upper = _UPPER_LETTER.match(text)
    if upper is not None:
        small = upper.group(1).lower()
        place = _LETTERS.index(small) + 1
        return _Marker("maybe_letter", place, small, f"{upper.group(1)}."), text[upper.end() :]
    bullet = _BULLET.match(text)
    if bullet is not None:
        rest = text[bullet.end() :]
        inner = _marker(_Line(rest)) if rest[:1] in "(0123456789" else None
        if inner is not None and inner[0].kind in {"paren", "arabic", "arabic_paren", "slash"}:
            return inner  # "- (1) …": the number is the marker
        symbol = "+" if text[0] == "+" else ("-" if text[0] in "-–—" else "•")
        return _Marker("bullet", 0, "", symbol), rest
    return None


# ---------------------------------------------------------------------------------------------
# Step 2: header
# ---------------------------------------------------------------------------------------------

_HEAD = 300  # header matter (number, date, issuer) sits in the first characters of a line
_KINDS = {"ke hoach": "ke_hoach", "bao cao": "bao_cao"}
_KIND_WORDS = {"ke_hoach": "Kế hoạch", "bao_cao": "Báo cáo"}
_OTHER_KINDS = frozenset(
    {"to trinh", "thong bao", "quyet dinh", "chuong trinh", "huong dan", "cong van", "chi thi"}
)
_NUMBER_LINE = re.compile(
    r"\bS[ốoóôổồ0-9bB]\s*[:.]\s*(\d{1,5})\s*(/)\s*([0-9A-ZĐa-zđ][\w\-Đđ]*(?:/[\w\-Đđ]+)?)"
    # The Party's and mass organisations' "Số 03-KH/HND", "Số: 27-BC/ĐTN".
    r"|\bS[ốoóôổồ0-9bB]\s*[:.]?\s*(\d{1,5})\s*(-)\s*([A-ZĐ]{2,}[\w\-Đđ]*/[\w\-Đđ]+)"
)
_DATE_WORDS = re.compile(
    r"(?:^|,)\s*ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*n\w{0,2}m\s*((?:19|20)\d\d)\b"
)
_DATE_NUMERIC = re.compile(r"(?:^|,)\s*(?:ngay\s*)?(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)\s*$")
_HEADERISH = re.compile(
    r"^(cong hoa|doc lap|so\s*[:.]|s\w\s*:|kinh gui|can cu|uy ban nhan dan|ubnd|"
    r"huyen |xa |tinh |thanh pho |phuong |thi tran |\d+\s*/)"
)
_TITLE_STOP = re.compile(r"^(kinh g|can cu|so\s*[:.])")
_END_OF_BODY = re.compile(r"^\W*(noi nh\w{0,3}\b|(tm|kt|tl)\.\s*(uy ban|ubnd|chu tich))")
_LEVELS = {
    "huyen": "huyện",
    "xa": "xã",
    "phuong": "phường",
    "thi tran": "thị trấn",
    "tinh": "tỉnh",
    "thanh pho": "thành phố",
    "quan": "quận",
    "thi xa": "thị xã",
}
_LEVEL_RE = "|".join(sorted(_LEVELS, key=len, reverse=True))
_ISSUER_START = re.compile(rf"(?:(uy ban nhan dan|ubnd)\s+)?\b({_LEVEL_RE})\s+")
_ISSUER_VERB = re.compile(r"^\s*(?:ban hanh|bao cao|xay dung|phat dong|trien khai)\b")
_ISSUER_STOP = frozenset({"cong", "doc", "so", "ve", "kinh", "uy", "ubnd"})


@dataclass(slots=True)
class _Header:
    title: str = ""
    number: str | None = None
    issued_on: date | None = None
    issuer: str | None = None
    kind: str | None = None
    body_start: int = 0
    title_year_text: str = ""  # the title as written, for the covered year


def _norm_key(text: str) -> str:
    return _squash(re.sub(r"[^\w\s]", " ", _fold_keep_length(text)))


def _read_header(lines: Sequence[_Line]) -> _Header:
    header = _Header()
    nonblank = [i for i, line in enumerate(lines) if line.text][:30]
    kind_at = None
    first_title = ""  # "BÁO CÁO KẾT QUẢ …" on one line: the words after the kind
    for i in nonblank:
        key = _norm_key(lines[i].text[:40])
        if key in _KINDS or key in _OTHER_KINDS:
            kind_at = i
            header.kind = _KINDS.get(key, "khac")
            break
        joined = _kind_heading(lines[i].text)
        if joined is not None:
            kind_at, header.kind, first_title = i, joined[0], joined[1]
            break
        marker = _marker(lines[i])
        if marker is not None and marker[0].kind in {"roman", "part"}:
            break
    header_lines = [lines[i].text for i in nonblank if kind_at is None or i < kind_at]
    if kind_at is None:
        header_lines = header_lines[:8]
    _read_number_and_date(header, header_lines)
    if kind_at is not None:
        title_lines, header.body_start = _title_after(lines, kind_at + 1)
        if first_title:
            title_lines, header.body_start = [first_title], kind_at + 1
        kind_word = _KIND_WORDS.get(header.kind or "", _sentence_case(lines[kind_at].text))
        subtitle = _sentence_case(" ".join(title_lines))
        header.title = f"{kind_word} {subtitle[:1].lower()}{subtitle[1:]}".strip()
        header.title_year_text = subtitle
    else:
        header.title, header.body_start = _title_without_kind(lines)
        header.title_year_text = header.title
    header.issuer = _issuer(header_lines, lines)
    return header


def _kind_heading(text: str) -> tuple[str, str] | None:
    """ "BÁO CÁO KẾT QUẢ CÔNG TÁC THI ĐUA …" in capitals: the kind and the rest of the line."""
    if not _is_upper(text) or _word_count(text) > 25:
        return None
    folded = _fold_keep_length(text)
    for words, kind in _KINDS.items():
        if folded.startswith(words + " "):
            return kind, text[len(words) + 1 :].strip()
    return None


def _read_number_and_date(header: _Header, header_lines: Sequence[str]) -> None:
    for text in header_lines:
        if header.number is None:
            found = _NUMBER_LINE.search(text)
            if found is not None:
                parts = [g for g in found.groups() if g is not None]
                header.number = "".join(parts)
        if header.issued_on is None:
            folded = _fold_keep_length(text[:_HEAD])
            match = _DATE_WORDS.search(folded) or _DATE_NUMERIC.search(folded)
            if match is not None:
                day, month, year = (int(g) for g in match.groups())
                with contextlib.suppress(ValueError):  # "ngày 31 tháng 02": no date at all
                    header.issued_on = date(year, month, day)


def _title_after(lines: Sequence[_Line], start: int) -> tuple[list[str], int]:
    """The title lines under the kind heading: up to the next blank line (at most four)."""
    i = start
    while i < len(lines) and not lines[i].text:
        i += 1
    taken: list[str] = []
    while i < len(lines) and lines[i].text and len(taken) < 4:
        folded = _fold_keep_length(lines[i].text[:_HEAD])
        if _TITLE_STOP.match(folded) and taken:
            break
        marker = _marker(lines[i])
        if marker is not None and marker[0].kind in {"roman", "part"}:
            break
        taken.append(lines[i].text)
        i += 1
    return taken, i


def _title_without_kind(lines: Sequence[_Line]) -> tuple[str, int]:
    """No KẾ HOẠCH / BÁO CÁO heading: the first short line that is not header matter."""
    for i, line in enumerate(lines[:12]):
        if not line.text:
            continue
        folded = _fold_keep_length(line.text[:_HEAD])
        if _HEADERISH.match(folded) or _DATE_WORDS.search(folded):
            continue
        if _marker(line) is not None or _word_count(line.text) > 25:
            return "", i
        following_blank = i + 1 >= len(lines) or not lines[i + 1].text
        if following_blank or line.md:
            return _sentence_case(line.text), i + 1
        return "", i
    return "", 0


def _issuer(header_lines: Sequence[str], lines: Sequence[_Line]) -> str | None:
    """ "UBND huyện Bình Sơn": from the header ("HUYỆN BÌNH SƠN" in capitals at a line's
    start), else from the opening ("Ủy ban nhân dân huyện Bình Sơn ban hành …")."""
    # A letterhead names the superior body first and the issuing one under it ("UBND TỈNH
    # HÀ TĨNH" / "ỦY BAN NHÂN DÂN XÃ CẨM XUYÊN"): the last body named is the issuer.
    issuer: str | None = None
    for i, row in enumerate(header_lines):
        # A letterhead laid out in a table: "| ỦY BAN NHÂN DÂN XÃ … | CỘNG HÒA … |".
        cells = [c.strip() for c in row.strip(" |").split(" | ")] if "|" in row else [row]
        following = header_lines[i + 1] if i + 1 < len(header_lines) else ""
        for text in cells:
            issuer = _last_issuer_in_header(text, following) or issuer
    if issuer is not None:
        return issuer
    for line in lines[:60]:
        found = _issuer_in(line.text, header=False)
        if found is not None:
            return found
    return None


def _last_issuer_in_header(text: str, following: str) -> str | None:
    """The last body a letterhead line names in capitals ("UBND TỈNH THANH HÓA ỦY BAN NHÂN
    DÂN XÃ THIỆU GIAO" → "UBND xã Thiệu Giao"). In a PDF whose two header columns were read
    line by line, the name may stand at the start of the *following* line."""
    text = text[:2000]
    folded = _fold_keep_length(text)
    found: str | None = None
    for match in _ISSUER_START.finditer(folded):
        level_word = text[match.start(2) : match.end(2)]
        if not level_word.isupper() or (match.start() != 0 and match.group(1) is None):
            continue
        rest = text[match.end() :]
        words = _capital_words(rest)
        after = rest.split(None, len(words))[len(words)] if len(rest.split()) > len(words) else ""
        if not after.strip(" _*") or re.match(r"[A-ZĐÀ-Ỹ][a-zà-ỹ]", after) is not None:
            # The name goes on at the next line's start ("ỦY BAN NHÂN DÂN XÃ PHÚ Độc lập …"
            # then "LỘC ____"): the other column came between.
            words += _capital_words(following, stop=_CONTINUATION_STOP)[: 4 - len(words)]
        if words:
            name = " ".join(words)
            found = f"UBND {_LEVELS[match.group(2)]} {name.title()}"
    return found


# Words that open another line of a letterhead, never the rest of a place's name.
_CONTINUATION_STOP = _ISSUER_STOP | {"hoi", "dang", "doan", "ban", "phong", "van"}


def _capital_words(text: str, *, stop: frozenset[str] = _ISSUER_STOP) -> list[str]:
    """The words in capitals at the start of *text*, up to four, stopping at the next body's
    name, the motto, or a number ("SỐ" read as "S6")."""
    words: list[str] = []
    for word in re.finditer(r"\S+", text):
        bare = word.group(0).strip(",.;:")
        if not bare or not bare.isupper() or fold(bare) in stop or len(words) == 4:
            break
        if any(ch.isdigit() for ch in bare):
            break
        words.append(bare)
    return words


def _issuer_in(text: str, *, header: bool) -> str | None:
    text = text[:2000]  # an opening paragraph names its issuer early
    folded = _fold_keep_length(text)
    for match in _ISSUER_START.finditer(folded):
        level_word = text[match.start(2) : match.end(2)]
        if header and (match.start() != 0 or not level_word.isupper()):
            continue
        if not header and match.group(1) is None:
            continue
        words: list[str] = []
        position = match.end()
        for word in re.finditer(r"\S+", text[match.end() :]):
            bare = word.group(0).strip(",.;:")
            capital = bare.isupper() if header else bare[:1].isupper()
            if not bare or not capital or fold(bare) in _ISSUER_STOP or len(words) == 4:
                break
            words.append(bare)
            position = match.end() + word.end()
        if not words:
            continue
        if header or _ISSUER_VERB.match(folded[position:]):
            name = " ".join(words)
            return f"UBND {_LEVELS[match.group(2)]} {name.title() if name.isupper() else name}"
    return None


# ---------------------------------------------------------------------------------------------
# Step 3: blocks and outline
# ---------------------------------------------------------------------------------------------

_TERMINAL = (".", "!", "?", ":", "…")
_CONNECTORS = frozenset(
    {"va", "và", "cua", "của", "cho", "voi", "với", "cac", "các", "nhung", "những", "trong",
     "theo", "de", "để", "la", "là", "duoc", "được", "co", "có", "tai", "tại", "tu", "từ", "den",
     "đến", "ve", "về", "tren", "trên", "duoi", "dưới", "nham", "nhằm", "hoac", "hoặc", "hay",
     "gom", "gồm", "nhu", "như", "thuc", "thực", "bao", "bảo", "gan", "gắn"}
)  # fmt: skip


@dataclass(slots=True)
class _Block:
    kind: str  # marker, para, table
    lines: list[str]
    marker: _Marker | None = None
    md: bool = False
    blank_before: bool = True
    first_length: int = 0  # length of the first line as printed, marker included

    @property
    def text(self) -> str:
        return _join_lines(self.lines)


def _join_lines(lines: Sequence[str]) -> str:
    """Join wrapped lines: "2025-" + "2030" → "2025-2030", otherwise with a space."""
    parts: list[str] = []
    for line in lines:
        if parts and not (re.search(r"\w-$", parts[-1]) and line[:1].isalnum()):
            parts.append(" ")
        parts.append(line)
    return _END_MARK.sub(".", _squash("".join(parts)))


def _starts_lower(text: str) -> bool:
    stripped = text.lstrip("“\"'(‘")
    return bool(stripped) and (stripped[0].islower() or stripped[0].isdigit())


def _open_quote(text: str) -> bool:
    return (
        text.count('"') % 2 == 1
        or text.count("“") > text.count("”")
        or (text.count("(") > text.count(")"))
    )


def _ends_open(text: str) -> bool:
    """The line stops where a sentence cannot end: a comma, a dash, a connector word."""
    if text.endswith((",", "-", "–", "/")) or _open_quote(text):
        return True
    last = text.rsplit(" ", 1)[-1].lower()
    return last in _CONNECTORS


def _wrap_width(lines: Sequence[_Line]) -> int | None:
    """The width the text was wrapped at (OCR, PDF), or None when lines are paragraphs.

    Wrapped text has most of its lines close to one width; typed text and Word exports
    have one paragraph a line, of any length.
    """
    lengths = sorted(len(line.text) for line in lines if line.text)
    if len(lengths) < 4:
        return None
    width = lengths[int(len(lengths) * 0.9) - 1]
    near = sum(1 for n in lengths if n >= 0.75 * width)
    return width if width >= 40 and near >= 0.5 * len(lengths) else None


def _is_table_row(text: str) -> bool:
    if len(text) > _TABLE_ROW_LEN:
        return False
    return text.count(" | ") >= 2 or (text.startswith("|") and text.endswith("|"))


def _continues(block: _Block, line: str, width: int | None) -> bool:
    """Whether *line* (no blank line before it) continues *block*."""
    last = block.lines[-1]
    if block.kind == "table" or block.md:
        return False
    if width is None:  # one paragraph a line: only an obvious continuation joins
        ended = last.endswith((*_TERMINAL, ";"))
        return not ended and (_starts_lower(line) or _ends_open(last))
    paragraph_mode = block.kind == "para" or len(block.lines) > 1
    if paragraph_mode:
        # A short line that ends a sentence ends the paragraph (one-paragraph-per-line text).
        return not (last.endswith((*_TERMINAL, ";")) and len(last) < 0.6 * width)
    if not last.strip() or _starts_lower(line) or _ends_open(last):
        return True
    if _is_upper(last) and _is_upper(line):
        return True  # a heading in capitals wrapped over two lines
    if block.first_length >= 0.9 * width and not last.endswith(_TERMINAL):
        return True  # the line runs to the margin: it was wrapped, not a short heading
    return _word_count(last) > 15 and not last.endswith(_TERMINAL)


def _page_break_continues(block: _Block, line: str) -> bool:
    """After a blank line: a paragraph broken by a page continues in lower case."""
    if block.kind == "table" or block.md:
        return False
    last = block.lines[-1]
    long_enough = sum(len(text) for text in block.lines) > 40
    return _starts_lower(line) and not last.endswith((*_TERMINAL, ";")) and long_enough


def _blocks(lines: Sequence[_Line]) -> list[_Block]:
    width = _wrap_width(lines)
    blocks: list[_Block] = []
    current: _Block | None = None
    blank = True
    for line in lines:
        if not line.text:
            blank = True
            continue
        found = _marker(line)
        if found is not None:
            marker, rest = found
            current = _Block("marker", [rest], marker, line.md, blank, len(line.text))
            blocks.append(current)
        elif _is_table_row(line.text):
            if current is not None and current.kind == "table" and not blank:
                current.lines.append(line.text)
            else:
                current = _Block("table", [line.text], blank_before=blank)
                blocks.append(current)
        elif current is not None and (
            _continues(current, line.text, width)
            if not blank
            else _page_break_continues(current, line.text)
        ):
            current.lines.append(line.text)
        else:
            current = _Block("para", [line.text], md=line.md, blank_before=blank)
            blocks.append(current)
        blank = False
    return blocks


@dataclass(slots=True)
class _Entry:
    """An open list item or section on the outline stack."""

    kind: str
    value: int
    prefix: str
    path: str
    title: str
    heading: bool  # a heading (title only), not a numbered paragraph
    region: int = 0  # targets region: 2 a targets list, 1 targets among other things, 0 none
    target_key: str | None = None  # set on target items
    number: str = ""  # "2", "2.1": what a dotted child's prefix names
    plain: bool = False  # an unnumbered heading ("Các chỉ tiêu cụ thể:"), not a section
    group: bool = False  # an unnumbered group heading inside a targets region


@dataclass(slots=True)
class _Item:
    """A target line before it is read: number as shown, key, text and section."""

    key: str
    number: str
    parts: list[str]
    section_path: str
    shown_prefix: str
    kind: str = ""  # the marker kind it was listed with
    name: str | None = None  # set for table rows: the name cell, not read for figures

    @property
    def text(self) -> str:
        return " ".join(self.parts)

    @property
    def shown(self) -> str:
        return f"{self.shown_prefix} {self.text}".strip()


# Headings that name targets ("Chỉ tiêu thi đua", "Các chỉ tiêu chủ yếu", "Mục tiêu cụ thể",
# "Nội dung và chỉ tiêu") and headings that name something else ("Nội dung thi đua",
# "Nhiệm vụ, giải pháp", "Tổ chức thực hiện", "Mục tiêu chung").
_TARGET_HEAD = re.compile(
    r"^(?:(?:cac|mot so|he thong|nhung|nhom|dang ky|noi dung|muc tieu|va|ve|phan)\s+){0,4}"
    r"(?:chi tieu|muc tieu cu the|muc tieu chu yeu)\b"
)
_TARGET_WORDS = re.compile(r"\b(?:chi tieu|muc tieu cu the|muc tieu chu yeu)\b")
_OTHER_WORDS = re.compile(
    r"\b(noi dung|nhiem vu|giai phap|bien phap|to chuc thuc hien|muc dich|yeu cau|phan cong|"
    r"trach nhiem|khen thuong|hinh thuc|tieu chuan|danh hieu|ket qua|danh gia|muc tieu chung|"
    r"thoi gian|che do bao cao|kinh phi|doi tuong|pham vi|cach tinh|huong dan)\b"
)


def _title_region(title: str) -> int | None:
    """2: a targets heading; 1: targets among other content; 0: other content; None: a
    neutral heading ("Về kinh tế", "Lĩnh vực xã hội") that keeps the region it stands in."""
    key = _norm_key(title)[:120]
    targets = _TARGET_HEAD.match(key) is not None
    other = _OTHER_WORDS.search(key)
    if targets and other is not None:
        return 1
    if targets:
        return 2
    # A heading names its topic first ("Nhiệm vụ, giải pháp", "Về công tác khen thưởng").
    leading = re.sub(r"^(?:(?:cac|ve|phan|cong tac|mot so)\s+)+", "", key)
    return 0 if other is not None and leading.startswith(other.group(1)) else None


def _is_targets_title(title: str) -> bool:
    return _title_region(title) == 2


_STACK_LIMIT = 24  # deeper nesting is noise; keeps each placement bounded


@dataclass(slots=True)
class _Outline:
    sections: list[Section] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    items: list[_Item] = field(default_factory=list)
    stack: list[_Entry] = field(default_factory=list)
    paths: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  # target keys in use
    path_repeats: dict[str, int] = field(default_factory=dict)  # last "~n" per repeated path
    key_repeats: dict[str, int] = field(default_factory=dict)  # last "~n" per repeated key
    per_section: dict[str, int] = field(default_factory=dict)  # items counted per section
    part: _Entry | None = None
    letter_parts: bool = False  # "A.", "B." above the Roman numerals are parts here
    roman_seen: bool = False  # a Roman-numbered section has been opened
    part_title_pending: bool = False  # "PHẦN A" alone: its title is the next line
    lead: str = ""  # a numbered heading's own sentence, to open the paragraph that follows
    tables: TableReader = field(default_factory=TableReader)
    outside: list[tuple[str, str]] = field(default_factory=list)  # (path, line) off the lists

    # -- where we are ----------------------------------------------------------------------

    def path(self) -> str:
        for entry in reversed(self.stack):
            if entry.target_key is None:
                return entry.path
        return self.part.path if self.part else ""

    def heading(self) -> str:
        for entry in reversed(self.stack):
            if entry.heading and entry.target_key is None:
                return entry.title
        return self.part.title if self.part else ""

    def section_entry(self) -> _Entry | None:
        for entry in reversed(self.stack):
            if entry.target_key is None:
                return entry
        return self.part

    @property
    def full(self) -> bool:
        """As many target lines as any plan holds: the rest is read as text (bounded work)."""
        return len(self.items) >= MAX_TARGET_LINES

    def region(self) -> int:
        entry = self.section_entry()
        return entry.region if entry is not None and not self.full else 0

    def target_section(self) -> _Entry | None:
        entry = self.section_entry()
        return entry if entry is not None and entry.region else None

    # -- adding ----------------------------------------------------------------------------

    def passage(self, text: str) -> None:
        text = f"{self.lead} {text}".strip() if self.lead else text.strip()
        self.lead = ""
        if len(re.findall(r"[^\W\d_]+", text[:200])) < 3:
            return  # stray fragments ("Cụ thể:") carry nothing to answer with
        self.passages.append(Passage(self.path(), self.heading(), text, len(self.passages)))

    def unique(self, path: str) -> str:
        return _unique(path, self.paths, self.path_repeats)

    def push(self, entry: _Entry) -> None:
        if len(self.stack) >= _STACK_LIMIT:
            del self.stack[1]  # keep the outermost section; drop the oldest nesting
        self.stack.append(entry)

    def place(self, marker: _Marker) -> _Entry | None:
        """Pop the stack to where *marker* belongs; return its parent entry (None: root)."""
        if marker.kind == "part":
            self.stack.clear()
            return None
        if marker.kind == "roman":
            self.stack.clear()
            self.roman_seen = True
            return self.part
        for i in range(len(self.stack) - 1, -1, -1):
            entry = self.stack[i]
            same_list = entry.prefix == marker.prefix
            if entry.kind == marker.kind and entry.value + 1 == marker.value and same_list:
                del self.stack[i:]
                return self.stack[-1] if self.stack else self.part
        if marker.prefix:  # "2.1.3." belongs under the item numbered "2.1"
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i].number == marker.prefix and self.stack[i].target_key is None:
                    del self.stack[i + 1 :]
                    return self.stack[i]
        if marker.value != 1:
            # Out of sequence (OCR dropped a number): a sibling of the nearest same-kind entry.
            for i in range(len(self.stack) - 1, -1, -1):
                if self.stack[i].kind == marker.kind:
                    del self.stack[i:]
                    break
        return self.stack[-1] if self.stack else self.part

    def continues_ancestor(self, marker: _Marker) -> bool:
        """Whether *marker* would continue a list already open on the stack."""
        return any(
            e.kind == marker.kind and e.value + 1 == marker.value and e.prefix == marker.prefix
            for e in self.stack
        )


def _unique(name: str, taken: set[str], repeats: dict[str, int]) -> str:
    """*name*, or "name~2", "name~3" … when taken; one counter per name keeps this linear."""
    candidate = name
    while candidate in taken:
        repeats[name] = repeats.get(name, 1) + 1
        candidate = f"{name}~{repeats[name]}"
    taken.add(candidate)
    return candidate


def _is_heading(block: _Block, text: str) -> bool:
    """A numbered line that names a section rather than saying something itself."""
    if not text:
        return True
    words = _word_count(text)
    if block.md or _is_upper(text):
        return True
    if text.endswith(":") and words <= 40:
        return True
    if words <= 30 and not text.endswith((".", ";")):
        return True  # "1.1. Lĩnh vực phát triển nông nghiệp …", even when wrapped
    return words <= 15 and len(block.lines) == 1


def _short_title(text: str) -> str:
    text = text.rstrip(" :;.")
    clause = re.split(r"(?<=[^\d])[.;:](?=\s)", text, maxsplit=1)[0]
    words = clause.split()
    if len(words) > 14:
        return " ".join(words[:12]) + " …"
    return clause


def _walk(blocks: Sequence[_Block]) -> _Outline:
    outline = _Outline()
    for index, block in enumerate(blocks):
        if outline.part_title_pending and _part_title(outline, block):
            continue
        if block.kind == "table":
            _table(outline, block)
        elif block.kind == "para":
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            _paragraph(outline, block, following)
        else:
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            _marker_block(outline, block, following)
    return outline


def _has_figure(text: str) -> bool:
    return _DIGIT.search(text) is not None and bool(_figures(text[:_ITEM_LIMIT]))


_DIGIT = re.compile(r"\d")
_ITEM_LIMIT = 2000  # a target line is short; a longer "line" is prose run together


def _heading_like(text: str, md: bool = False) -> bool:
    """An unnumbered line that names what follows: "Các chỉ tiêu cụ thể:", "VỀ KINH TẾ"."""
    words = _word_count(text)
    return words <= 15 and (md or _is_upper(text) or text.endswith(":"))


def _open_plain(outline: _Outline, title: str, region: int | None) -> None:
    """An unnumbered heading opens (or closes) a targets region in the current section.

    Inside a region, an unnumbered heading is a group ("- Về văn hóa, xã hội:", "- Nhóm chỉ
    tiêu kinh tế:"): it replaces the previous group, not the heading that opened the region.
    """
    inside = outline.region() > 0
    group = inside and region != 0
    while outline.stack and (
        outline.stack[-1].target_key or (outline.stack[-1].plain and outline.stack[-1].group)
    ):
        outline.stack.pop()
    if not group:
        while outline.stack and (outline.stack[-1].plain or outline.stack[-1].target_key):
            outline.stack.pop()
    current = outline.region()
    level = current if region is None or group else region
    entry = _Entry("plain", 0, "", outline.path(), title, False, region=level, plain=True)
    entry.group = group
    outline.push(entry)


def _paragraph(outline: _Outline, block: _Block, following: _Block | None) -> None:
    text = block.text
    region = _title_region(text) if _heading_like(text, block.md) else None
    if region is not None or (
        (_heading_like(text, block.md) or _names_a_group(outline, text, following))
        and outline.region()
        and not _has_figure(text)
    ):
        _open_plain(outline, _sentence_case(text.rstrip(" :")), region)
        if region is None:
            outline.passage(text)
        return
    if (
        text.endswith(":")
        and _word_count(text) <= 40
        and _TARGET_WORDS.search(_fold_keep_length(text[-120:]))
    ):
        _open_plain(outline, _short_title(text), 2)  # "… phấn đấu đạt các chỉ tiêu sau:"
        outline.passage(text)
        return
    if _inline_targets(outline, text):
        return
    target_section = outline.target_section()
    top = outline.stack[-1] if outline.stack else None
    if (
        target_section is not None
        and top is not None
        and top.target_key is not None
        and not block.blank_before
        and outline.items
        and not outline.items[-1].parts[-1].endswith((";", "."))
        and (_starts_lower(text) or _ends_open(outline.items[-1].parts[-1]))
    ):
        outline.items[-1].parts.append(text)  # a wrapped target line split off as a paragraph
        return
    if target_section is not None and _word_count(text) <= 60 and _has_figure(text):
        if _under_named_heading(outline, target_section, following):
            _add_named(outline, target_section, text)  # "1. Thu ngân sách" / "Phấn đấu đạt …"
            return
        _add_item(outline, target_section, None, text)  # an unnumbered target line
        return
    if (
        target_section is not None
        and target_section.region == 2
        and top is not None
        and top.target_key is not None
        and top.kind == "bullet"
        and not block.blank_before
        and 3 <= _word_count(text) <= 20
        and not text.endswith((":", "."))  # a closing sentence is prose, not a target
    ):
        outline.stack.pop()
        _add_item(outline, target_section, None, text)  # a target without a figure, listed
        return
    outline.outside.append((outline.path(), text))
    outline.passage(text)


def _names_a_group(outline: _Outline, text: str, following: _Block | None) -> bool:
    """ "Về kinh tế" (no colon, not in capitals) right above a list starting at "1." or
    "a)" inside a targets region: a group heading."""
    return (
        outline.region() > 0
        and following is not None
        and following.marker is not None
        and following.marker.value == 1
        and following.marker.kind not in {"bullet", "part", "roman"}
        and _word_count(text) <= 10
        and not text.endswith((".", ";", ","))
    )


_INLINE_INTRO = re.compile(r"\b(?:chi tieu|muc tieu)\b[^:;.]{0,80}:\s*")
# "Phấn đấu năm 2026: …", "Năm 2026 phấn đấu đạt: …", "Đến cuối năm 2026, phấn đấu: …":
# an aim announced before a colon, its clauses after it.
_AIM_INTRO = re.compile(
    r"\b(?:phan dau|dat duoc|dat)\b[^:;.]{0,80}:\s*|^[^:;.]{0,40}\b20\d\d\s*:\s*"
)
# The aim words opening a paragraph of clauses without a colon ("Năm 2026 phấn đấu thu …").
_AIM_LEAD = re.compile(r"^[^;:.]{0,40}?\bphan dau\s+(?:(?:dat|de|den nam 20\d\d)\s+)*")


def _inline_targets(outline: _Outline, text: str) -> bool:
    """ "Phấn đấu đạt các chỉ tiêu chủ yếu sau: sản lượng lương thực 4.100 tấn; trồng mới
    30.000 cây; …" or "Phấn đấu năm 2026: thu ngân sách 28,5 tỷ đồng; …": the clauses
    after the colon are targets, one each (a clause "X, trong đó Y" or "trâu 450 con, bò
    1.200 con" stays one target with its parts). Only clauses of an aim: never in a
    section about duties, results or how the plan is carried out."""
    marked = _ordinal_clauses(text[:_ITEM_LIMIT])
    if outline.full or not _has_digit(text):
        return False
    if marked is None and ";" not in text and text.count(",") < 2:
        return False
    folded = _fold_keep_length(text[:_ITEM_LIMIT])
    intro = _INLINE_INTRO.search(folded)
    if intro is None and outline.region() == 0 and _in_other_section(outline):
        return False
    start = 0
    if intro is not None:
        start = intro.end()
    else:
        aim = _AIM_INTRO.search(folded) or _AIM_LEAD.match(folded)
        if aim is None and outline.region() == 0:
            return False
        start = aim.end() if aim is not None else 0
    grouped = False
    if marked is not None:
        start, clauses = marked
        lead = text[:start].strip()
        grouped = lead.endswith(":") and _word_count(lead) <= 12  # "Về kinh tế: (1) …"
        rest = text[start:_ITEM_LIMIT]
    else:
        rest = text[start:_ITEM_LIMIT]
        if ";" not in rest and not start:
            return False  # "Tổng đàn: trâu 450 con, bò 1.200 con" is one target, with parts
        split = rest.split(";") if ";" in rest else _comma_clauses(rest)
        clauses = [c.strip(" .") for c in split]
    with_figures = [c for c in clauses if c and _has_figure(c)]
    measured = [c for c in with_figures if any(f.measure for f in _figures(c))]
    if len(measured) < 2 or len(with_figures) < len([c for c in clauses if c]) / 2:
        return False
    if ";" not in rest and len(measured) < 0.75 * len([c for c in clauses if c]):
        return False  # commas join words as often as clauses: only a list of figures
    outline.passage(text)
    title = _short_title(text[:start]) if start else outline.heading()
    if intro is not None or grouped or outline.region() == 0:
        _open_plain(outline, title or "Chỉ tiêu", 2)
    section = outline.target_section()
    if section is None:
        return False
    for clause in with_figures:
        _add_item(outline, section, None, _capitalise(clause))
        outline.stack.pop()
    return True


# "(1) …; (2) …" inside a paragraph: numbered clauses, whatever separates them.
_ORDINAL_IN_TEXT = re.compile(r"(?:^|(?<=[\s;:,.]))\((\d{1,2})\)\s*")


def _ordinal_clauses(text: str) -> tuple[int, list[str]] | None:
    """Where the first "(n)" marker of a paragraph stands and the clauses the markers open,
    when the paragraph holds at least two markers numbered in sequence; else None."""
    marks = list(_ORDINAL_IN_TEXT.finditer(text))
    if len(marks) < 2:
        return None
    numbers = [int(m.group(1)) for m in marks]
    if any(b != a + 1 for a, b in itertools.pairwise(numbers)):
        return None
    ends = [m.start() for m in marks[1:]] + [len(text)]
    clauses = [text[m.end() : end].strip(" ;,.") for m, end in zip(marks, ends, strict=True)]
    return marks[0].start(), clauses


_LED_BY_TARGETS = re.compile(
    r"^(?:cac |mot so |nhung )?(?:chi tieu|muc tieu cu the)\b[^:;.]{0,40}:"
)


def _led_by_targets(text: str) -> bool:
    """ "Chỉ tiêu: …", "Các chỉ tiêu chủ yếu: …": a line that opens with the word targets."""
    return _LED_BY_TARGETS.match(_fold_keep_length(text[:60])) is not None


_RESULTS_TITLE = re.compile(r"^(?:\w+ )?(?:ket qua|danh gia|tinh hinh|kiem diem)\b")


def _under_results(outline: _Outline) -> bool:
    """Whether a heading around reviews what was done ("Kết quả thực hiện năm 2025",
    "Đánh giá kết quả …", "Tình hình …"): its tables are results, not the plan's targets."""
    entries = [e for e in outline.stack if e.target_key is None]
    if outline.part is not None:
        entries.insert(0, outline.part)
    return any(
        e.title
        and _RESULTS_TITLE.match(_norm_key(e.title))
        and not _TARGET_WORDS.search(_norm_key(e.title))  # "Kết quả 2025 và chỉ tiêu 2026"
        for e in entries
    )


def _comma_clauses(text: str) -> list[str]:
    """ "thu ngân sách 28,5 tỷ đồng, trồng mới 12.000 cây, …": clauses split on commas outside
    parentheses and numbers; "…, trong đó …" stays with the clause before it."""
    pieces: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "(") - (ch == ")")
        decimal = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
        if ch == "," and depth <= 0 and not decimal:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    clauses: list[str] = []
    for piece in pieces:
        if clauses and (
            _TRONG_DO.match(piece) or not _has_digit(piece) or _part_of(clauses[-1], piece)
        ):
            clauses[-1] = f"{clauses[-1]},{piece}"  # "…, trong đó Y", or words without a figure
        else:
            clauses.append(piece)
    return clauses


def _part_of(clause: str, piece: str) -> bool:
    """ "tổng đàn trâu 450 con" then "bò 1.200 con": a short piece counting in the same unit
    is a part of the same target."""
    before, after = _figures(clause), _figures(piece)
    if not before or len(after) != 1 or after[0].measure is None:
        return False
    return before[-1].measure == after[0].measure and len(after[0].name.split()) <= 2


def _in_other_section(outline: _Outline) -> bool:
    """Whether a heading around names something other than targets ("Nhiệm vụ, giải
    pháp", "Tổ chức thực hiện", "Kết quả đạt được")."""
    entries = [e for e in outline.stack if e.target_key is None]
    if outline.part is not None:
        entries.insert(0, outline.part)
    return any(e.title and _title_region(e.title) == 0 for e in entries)


_NUMBERED_KINDS = frozenset(
    {"arabic", "dotted2", "dotted3", "dotted4", "letter", "paren", "arabic_paren", "slash", "named"}
)


def _under_named_heading(outline: _Outline, section: _Entry, following: _Block | None) -> bool:
    """Whether a figure line is the one line under a numbered heading that only names a
    target ("1. Thu ngân sách" then "Phấn đấu đạt 28,5 tỷ đồng."): the heading's number and
    name are the target's."""
    if section.kind not in _NUMBERED_KINDS or not section.heading or not section.number:
        return False
    if outline.per_section.get(section.path, 0) or _word_count(section.title) > 12:
        return False
    if section.region != 2 and _title_region(section.title) is not None:
        return False
    alone = (
        following is None
        or following.kind == "table"
        or (following.marker is not None and following.marker.kind != "bullet")
        or (following.kind == "para" and not _has_figure(following.text))
    )
    return alone


def _add_named(outline: _Outline, section: _Entry, text: str) -> None:
    """The figure line under a heading that names it. Its key stays the one such a line
    always had (its place under the heading: "1", "1~2" …) so re-imports keep reports
    attached; the heading gives it its name."""
    _add_item(outline, section, None, f"{section.title}: {text}")
    outline.stack.pop()


def _opens_list(outline: _Outline, marker: _Marker, following: _Block | None) -> bool:
    """Whether the block after a figureless line is listed under it (the line is a group
    heading: "a) Về kinh tế", "1. Chỉ tiêu kinh tế:")."""
    if following is None:
        return False
    if following.kind == "table":
        return True
    if following.kind == "para":
        return _has_figure(following.text) or following.text.endswith(":")
    after = following.marker
    if after is None:
        return False
    if after.kind == "bullet":
        return marker.kind != "bullet"
    if after.kind == marker.kind and after.prefix == marker.prefix:
        return False  # the next item of the same list
    if after.prefix and after.prefix == marker.number:
        return True  # "1." then "1.1."
    if outline.continues_ancestor(after):
        return False
    # Another numbering right under it: its own list, even when the numbers run on across
    # groups ("a) … 1. 2. 3.", "b) … 4. 5.").
    return after.kind != marker.kind


# "Học sinh giỏi cấp tỉnh: 9 em": a clause naming its own target before a colon, its figure
# right after it.
_NAMED_CLAUSE = re.compile(r"^[^\W\d_][^:;]{2,80}:\s*(?:[<>≥≤~]|tr[eê]n|d[uư][oớ]i)?\s*\d")


def _named_clauses(text: str) -> list[str]:
    """ "Học sinh giỏi cấp tỉnh: 9 em; học sinh giỏi cấp trường: 85 em": two targets on one
    line, each named before its own colon, one per clause; else the line as it stands."""
    clauses = [c.strip(" .") for c in text.split(";")]
    clauses = [c for c in clauses if c]
    if len(clauses) < 2 or not all(_NAMED_CLAUSE.match(c) for c in clauses):
        return [text]
    return [_capitalise(c) for c in clauses]


def _heading_above(text: str, following: _Block | None) -> bool:
    """A sentence ("14. Không để xảy ra trọng án … trên địa bàn.") followed by a heading in
    capitals ("C. GIẢI PHÁP VÀ TỔ CHỨC THỰC HIỆN"): the heading opens the next part of the
    plan, it is not listed under the sentence."""
    if following is None or following.marker is None or _is_upper(text):
        return False
    return text.rstrip().endswith((".", ";")) and _is_upper(following.text)


def _bullet(outline: _Outline, block: _Block, following: _Block | None) -> None:
    text = block.text
    marker = block.marker
    assert marker is not None
    target_section = outline.target_section()
    if target_section is None and _led_by_targets(text):
        depth = len(outline.stack)
        if _inline_targets(outline, text):  # "- Chỉ tiêu: giao quân 100%; giảm 5% số vụ …"
            del outline.stack[depth:]
            return
    if target_section is not None:
        last = outline.items[-1] if outline.items else None
        top = outline.stack[-1] if outline.stack else None
        if _has_figure(text):
            if (
                last is not None
                and top is not None
                and top.target_key == last.key
                and top.kind != "bullet"
                and last.parts[-1].endswith(":")
            ):
                last.parts.append(text)  # "… 6.400 tấn, trong đó:" then "- lúa 5.900 tấn"
                return
            if top is not None and top.kind == "bullet" and top.target_key is not None:
                outline.stack.pop()
            if _under_named_heading(outline, target_section, following):
                _add_named(outline, target_section, text)
                return
            clauses = _named_clauses(text)
            for k, clause in enumerate(clauses):
                if k:
                    outline.stack.pop()
                _add_item(outline, target_section, marker, clause)
            return
        if _heading_like(text) or (
            _word_count(text) <= 10 and _opens_list(outline, marker, following)
        ):
            _open_plain(outline, _sentence_case(text.rstrip(" :")), _title_region(text))
            return
        if target_section.region == 2 and _word_count(text) >= 3 and _word_count(text) <= 40:
            _add_item(outline, target_section, marker, text)  # a target without a figure
            return
    if (
        following is not None
        and following.kind == "para"
        and _word_count(text) <= 15
        and not text.endswith((".", ";"))
    ):
        outline.lead = f"{text.rstrip(' :')}:"  # "- Phong trào “…”" names the paragraph
    else:
        outline.outside.append((outline.path(), text))
        outline.passage(text)


def _marker_block(outline: _Outline, block: _Block, following: _Block | None) -> None:
    marker = block.marker
    assert marker is not None
    text = block.text
    if marker.kind == "bullet":
        _bullet(outline, block, following)
        return
    dotted_letter = marker.kind == "letter" and marker.shown.endswith(".")
    if dotted_letter and not _has_figure(text) and _word_count(text) <= 15:
        # "a. Về kinh tế:" names a group as it did when "a." was read as plain text (the
        # keys of the numbers restarted under it stay as earlier imports stored them).
        plain = _Block("para", [f"{marker.shown} {text}"], blank_before=block.blank_before)
        _paragraph(outline, plain, following)
        return
    if marker.kind == "paren" and _ordinal_clauses(f"{marker.shown} {text}") is not None:
        # "(1) …; (2) …; (3) …" in one paragraph: the clauses the markers open, not one item.
        plain = _Block("para", [f"{marker.shown} {text}"], blank_before=block.blank_before)
        _paragraph(outline, plain, following)
        return
    if marker.kind == "maybe_part":
        marker = _letter_part_or_group(outline, marker)
    if marker.kind == "maybe_arabic":
        if not any(e.kind == "arabic" and e.value + 1 == marker.value for e in outline.stack):
            plain = _Block("para", [f"{marker.shown} {text}"], blank_before=True)
            _paragraph(outline, plain, following)
            return
        marker = replace(marker, kind="arabic", shown=marker.label)
    if marker.kind == "maybe_letter":
        if not any(e.kind == "letter" and e.value + 1 == marker.value for e in outline.stack):
            plain = _Block("para", [f"{marker.shown} {text}"], blank_before=True)
            _paragraph(outline, plain, following)
            return
        marker = _Marker("letter", marker.value, marker.label, f"{marker.label})")
    parent = outline.place(marker)
    if (
        parent is not None
        and parent.target_key is not None
        and _opens_own_list(outline, parent, marker)
    ):
        # "1." again after "3." of the same list: the numbering restarts under a new group,
        # the item is a new target, not a part of the last one.
        while outline.stack and outline.stack[-1].target_key is not None:
            outline.stack.pop()
        parent = outline.stack[-1] if outline.stack else outline.part
    if parent is not None and parent.target_key is not None:
        outline.items[-1].parts.append("; " + text)  # a sub-item under a target line
        return
    if marker.kind == "part":
        _part(outline, marker, text)
        return
    region = parent.region if parent is not None and not outline.full else 0
    if not region and marker.kind != "roman" and _led_by_targets(text) and ";" in text:
        # "c) Chỉ tiêu: thu ngân sách 9,2 tỷ đồng; …" in a section about other things.
        _section(outline, block, marker, parent, following, 1)
        depth = len(outline.stack)
        _inline_targets(outline, text)
        del outline.stack[depth:]
        return
    figures = _figures(text[:_ITEM_LIMIT]) if _has_digit(text) and region else []
    # What a short line without a figure names: targets, other content, or neither (a group).
    short = _word_count(text) <= 15 and not text.endswith((".", ";"))
    own = _title_region(text) if short and not figures else None
    # "1. Nhóm chỉ tiêu kinh tế …" above "1.1.", "1.2.": a group heading unless it states a
    # figure of its own ("1. Tổng đàn gia súc 12.000 con" above its parts stays a target).
    heads_children = (
        following is not None
        and following.marker is not None
        and bool(marker.number)
        and following.marker.prefix == marker.number
        and not any(f.measure is not None for f in figures)
    )
    if parent is not None and region and marker.kind != "roman" and not heads_children:
        if figures and (own != 2 or any(f.measure is not None for f in figures)):
            _add_item(outline, parent, marker, text)
            return
        if (
            own is None
            and region == 2
            and not figures
            and (not _opens_list(outline, marker, following) or _heading_above(text, following))
        ):
            _add_item(outline, parent, marker, text)  # a target without a figure
            return
    if own is None and _is_heading(block, text) and not figures:
        own = _title_region(text)
    _section(outline, block, marker, parent, following, own)


def _section(
    outline: _Outline,
    block: _Block,
    marker: _Marker,
    parent: _Entry | None,
    following: _Block | None,
    own: int | None,
) -> None:
    text = block.text
    base = parent.path if parent is not None else ""
    path = outline.unique(f"{base}.{marker.label}" if base else marker.label)
    heading = _is_heading(block, text)
    title = _sentence_case(text.rstrip(" :;.")) if heading else _short_title(text)
    in_part = outline.part is not None and path.startswith(f"{outline.part.path}.")
    level = path.count(".") + 1 - (1 if in_part else 0)
    outline.sections.append(Section(path, title, level))
    inherited = parent.region if parent is not None else 0
    region = own if own is not None else (inherited if heading else 0)
    entry = _Entry(marker.kind, marker.value, marker.prefix, path, title, heading, region)
    entry.number = marker.number
    outline.push(entry)
    plain = not (block.md or _is_upper(text) or text.endswith(":"))
    sibling = (
        following is not None
        and following.marker is not None
        and following.marker.kind == marker.kind
    )
    says_something = text.endswith((".", ";")) or (_word_count(text) >= 8 and sibling)
    if not heading:
        outline.outside.append((path, text))
        outline.passage(text)
    elif plain and says_something and (following is None or following.kind != "para"):
        outline.outside.append((path, text))
        outline.passage(text)  # a one-line duty: "3. Văn phòng tổng hợp kết quả."
    elif plain and text.endswith(".") and following is not None and not following.blank_before:
        outline.lead = text  # "1.1. Thi đua … năm 2024." opens the paragraph under it


def _letter_part_or_group(outline: _Outline, marker: _Marker) -> _Marker:
    """ "A. KẾT QUẢ …" opening the body, before any Roman numeral, makes the letters parts
    ("B. PHƯƠNG HƯỚNG …" then holds "I. Chỉ tiêu …"); a capital letter under a Roman
    numeral names a group or continues a letter list, as a lower-case one would."""
    continues = any(e.kind == "letter" and e.value + 1 == marker.value for e in outline.stack)
    opens = marker.value == 1 and not outline.roman_seen and outline.part is None
    if not continues and (outline.letter_parts or opens):
        outline.letter_parts = True
        return _Marker("part", marker.value, marker.label, marker.shown)
    small = marker.label.lower()
    return _Marker("maybe_letter", _LETTERS.index(small) + 1, small, marker.shown)


def _opens_own_list(outline: _Outline, item: _Entry, marker: _Marker) -> bool:
    """Whether *marker*, met right under the target *item*, starts a list of its own rather
    than parts of the item: the same list restarting, or a numbered list under an unnumbered
    line that does not announce parts ("… gồm 3 biểu." then "1. Thu ngân sách …")."""
    if _restarts(item, marker):
        return True
    announces = outline.items[-1].parts[-1].rstrip().endswith(":") if outline.items else False
    return (
        item.kind == "bullet"
        and marker.value == 1
        and marker.kind not in {"bullet", "letter", "maybe_letter"}
        and not announces
    )


def _restarts(item: _Entry, marker: _Marker) -> bool:
    """Whether *marker* opens the same kind of list as the target *item* was listed in, at
    its first number: the list restarts (a new group), it does not nest."""
    return (
        marker.value == 1
        and item.kind == marker.kind
        and item.prefix == marker.prefix
        and marker.kind not in {"bullet", "part", "roman"}
    )


def _part(outline: _Outline, marker: _Marker, text: str) -> None:
    path = outline.unique(marker.label)
    title = _sentence_case(_KEM_THEO.sub("", text).strip(" :.-–")) or marker.shown
    outline.sections.append(Section(path, title, 0))
    region = _title_region(title) or 0
    outline.part = _Entry("part", marker.value, "", path, title, heading=True, region=region)
    outline.part_title_pending = not text.strip(" :.-–")


# "(Kèm theo Kế hoạch số 15/KH-UBND …)" under an appendix's title: not part of the title.
_KEM_THEO = re.compile(r"\s*\((?:ban hành )?kèm theo\b[^)]*\)?\s*$", re.IGNORECASE)


def _part_title(outline: _Outline, block: _Block) -> bool:
    """ "PHẦN A" alone on its line, its title in capitals on the next: the title is taken."""
    outline.part_title_pending = False
    text = block.text
    part = outline.part
    if part is None or block.kind != "para" or not (block.md or _is_upper(text)):
        return False
    if _word_count(text) > 25:
        return False
    part.title = _sentence_case(_KEM_THEO.sub("", text).strip(" :.-–"))
    part.region = _title_region(part.title) or 0
    outline.sections = [
        Section(s.path, part.title, s.level) if s.path == part.path else s for s in outline.sections
    ]
    return True


def _has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


def _add_item(
    outline: _Outline,
    section: _Entry,
    marker: _Marker | None,
    text: str,
    name: str | None = None,
) -> _Item:
    ordinal = outline.per_section.get(section.path, 0) + 1
    outline.per_section[section.path] = ordinal
    # "a." items keep the place keys they had when "a." was read as plain text (reports
    # already filed against them stay attached); "a)" items are keyed by their letter.
    dotted_letter = marker is not None and marker.kind == "letter" and marker.shown.endswith(".")
    numbered = marker is not None and marker.kind != "bullet" and not dotted_letter
    label = (marker.number or marker.label) if marker is not None and numbered else str(ordinal)
    if label in outline.keys and section.path and numbered:
        # Numbering restarted in the next group ("a) … 1. 2.", "b) … 1. 2."): "b.1".
        label = f"{section.path.rsplit('.', 1)[-1]}.{label}"
    key = _unique(label, outline.keys, outline.key_repeats)  # OCR repeating a number: "~2"
    shown = marker.shown if marker is not None and numbered else str(ordinal)
    prefix = shown if marker is not None and marker.kind == "paren" else f"{shown}."
    kind = marker.kind if marker is not None else "bullet"
    item = _Item(key, shown, [text], section.path, prefix, kind, name)
    outline.items.append(item)
    value = marker.value if marker is not None and numbered else ordinal
    prefix_number = marker.prefix if marker is not None else ""
    outline.push(_Entry(kind, value, prefix_number, section.path, "", False, target_key=key))
    return item


# -- tables -----------------------------------------------------------------------------------


def _cells(row: str) -> list[str]:
    text = row.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|"):
        text = text[:-1]
    return [_squash(c) for c in text.split("|")]


def _table(outline: _Outline, block: _Block) -> None:
    rows = [
        _cells(r) for r in block.lines[: MAX_TARGET_LINES * 2] if not re.fullmatch(r"[\s|:\-]+", r)
    ]
    if not rows:
        return
    expect = outline.region() > 0
    past = not expect and _under_results(outline)  # last year's results, not aims
    read = None if outline.full or past else outline.tables.read(rows, expect_targets=expect)
    if read is None:
        _table_passages(outline, rows)
        return
    anchor = outline.section_entry()
    base = anchor.path if anchor is not None else ""
    while outline.stack and outline.stack[-1].target_key is not None:
        outline.stack.pop()
    table = _Entry("table", 0, "", base, outline.heading(), True, region=2)
    group: _Entry | None = None
    for row in read:
        if outline.full:
            break
        if row.group:
            label = _group_label(row.number or _leading_numeral(row.name), outline, base)
            path = outline.unique(f"{base}.{label}" if base else label)
            title = _sentence_case(row.name.rstrip(" :"))
            outline.sections.append(Section(path, title, path.count(".") + 1))
            group = _Entry("table", 0, "", path, title, True, region=2)
            continue
        section = group or table
        marker = _table_marker(row.number)
        if row.value:
            _add_item(outline, section, marker, _table_value(row), name=row.name)
        else:  # the figure stands in the name cell: read the cell as a target line
            _add_item(outline, section, marker, row.name)
        outline.stack.pop()


def _leading_numeral(name: str) -> str:
    """ "I. Kinh tế" → "I": a group row whose number shares the name cell."""
    found = re.match(r"^([IVXL]{1,5}|[A-ZĐ])[.)]\s", name)
    return found.group(1) if found else ""


def _group_label(number: str, outline: _Outline, base: str) -> str:
    label = number.strip(" .)")
    if label:
        return label
    # Unnumbered groups are "n1", "n1~2", "n1~3" …: the paths (and the keys of numbers
    # restarted under them, "n1~2.1") earlier imports stored, kept so re-imports match.
    return f"n{outline.per_section.get(f'groups:{base}', 0) + 1}"


def _table_marker(number: str) -> _Marker | None:
    shown = number.strip().rstrip(".)")
    if not re.fullmatch(r"\d{1,3}(?:\.\d{1,3}){0,3}", shown):
        return None
    last = int(shown.rsplit(".", 1)[-1])
    return _Marker("table", last, shown, shown, "", shown)


def _table_value(row: TableRow) -> str:
    """The figure cell with the unit after it, unless the cell already names one."""
    value = row.value
    if not row.unit:
        return value
    unit = _mended_unit(row.unit)
    unit = unit.strip(" ()") if lookup_measure(unit, ocr=True) else unit
    numbers = list(_NUMBER_TOKEN.finditer(value))
    if not numbers:
        return f"{value} {unit}".strip()
    # Each figure without its own unit takes the column's ("Trâu 450; bò 1.200" in "con").
    pieces, start = [], 0
    for number in numbers:
        pieces.append(value[start : number.end()])
        if _unit_after(value[number.end() :]) is None:
            pieces.append(f" {unit}")
        start = number.end()
    pieces.append(value[start:])
    return "".join(pieces).strip()


def _mended_unit(unit: str) -> str:
    """A unit cell a narrow column wrapped inside a word ("Triệu đồng/ngư ời/năm", "Ng
    ười") is read with that break closed: the one space whose removal makes a known unit."""
    if lookup_measure(unit, ocr=True) is not None or len(unit) > 40:
        return unit
    spaces = [m.start() for m in re.finditer(r"\s+", unit.strip())]
    text = unit.strip()
    for at in spaces:
        joined = re.sub(r"^\s+", "", text[at:])
        candidate = text[:at] + joined
        if lookup_measure(candidate, ocr=True) is not None:
            return candidate
    return unit


def _table_passages(outline: _Outline, rows: Sequence[list[str]]) -> None:
    for row in rows[1:] if len(rows) > 1 else rows:
        labelled = [
            f"{rows[0][i]}: {cell}" if len(rows) > 1 and i < len(rows[0]) and rows[0][i] else cell
            for i, cell in enumerate(row)
            if cell
        ]
        outline.passage("; ".join(labelled))


# ---------------------------------------------------------------------------------------------
# Step 4: targets
# ---------------------------------------------------------------------------------------------

# "1.600", "28.603,61", and "58 000" grouped by spaces as Word's tab-leader lists print them.
_NUMBER_TOKEN = re.compile(r"(?<![\w.,/])(?:\d{1,3}(?: \d{3})+(?![\d.,]\d)|\d+(?:[.,]\d+)*)")
_YEAR = re.compile(r"^(19|20)\d\d$")
_YEAR_BEFORE = re.compile(r"(?:\bn\w{0,2}m|giai doan|doan|den|tu|vao|truoc|sau|ky|khoa|[-–(])\s*$")
_TRONG_DO = re.compile(r",?\s*\btrong\s+(?:đó|đo|do|dó|d6|dé|de)(?!\w)\s*:?", re.IGNORECASE)
_YEAR_PHRASE = re.compile(
    r"\s*,?\s*\b((?:vao|den|trong|truoc|tu) (?:n\w{0,2}m|cuoi n\w{0,2}m) (?:19|20)\d\d)\s*$"
)
# Words right before a unit-less number that make it an ordinal or a level, not a figure
# ("mức độ 2", "lần thứ 3", "Quý 1"); with a unit after it the number is a figure again
# ("cấp 500 giấy", "thu 5 tỷ đồng").
_ORDINAL_BEFORE = re.compile(
    r"(?:\bmuc do|\bmic do|\bcap do|\bcap|\bloai|\bhang|\blan thu|\bthu|\bkhoa|\bso|\bnhom|"
    r"\btuyen|\bquy|\bduong tinh|\bdieu|\bkhoan|\bchuong|\bphu luc|\bmuc|\bdiem)\s*$"
)
_OCR_TY_LE = re.compile(r"\bt[yi]\s*$")  # OCR's "Tỷ lệ" read as "Ty 18", "Ty 1&"
# "(05 chỉ tiêu)" after a group heading counts the targets below it; it is none of them.
_AFTER_NOT_FIGURE = re.compile(r"^\s*(tuoi|thang|ngay|gio|nam|sao|ky|khoa|chi tieu)\b")
_REFERENCE_AFTER = re.compile(r"^(?:\s*[-/]\s*[^\W\d_]|/\d{1,2}/\d{2,4})")
_FRACTION_AFTER = re.compile(r"^/\d+")
_WINDOW = 60  # characters around a number that can bear on it (unit, year words, ordinals)
# Qualifier words (folded) read backwards from a figure; fillers may sit between them.
_QUALIFIER_WORDS: dict[str, Qualifier] = {
    "khoang": Qualifier.ABOUT,
    "gan": Qualifier.ABOUT,
    "xap xi": Qualifier.ABOUT,
    "≈": Qualifier.ABOUT,
    "~": Qualifier.ABOUT,
    "dat": Qualifier.AT_LEAST,
    "vuot": Qualifier.AT_LEAST,
    "tren": Qualifier.MORE_THAN,  # "đạt trên 95%": more than, not "at least"
    "toi thieu": Qualifier.AT_LEAST,
    "it nhat": Qualifier.AT_LEAST,
    "≥": Qualifier.AT_LEAST,
    ">=": Qualifier.AT_LEAST,
    ">": Qualifier.MORE_THAN,
    "hon": Qualifier.MORE_THAN,
    "duoi": Qualifier.AT_MOST,
    "khong qua": Qualifier.AT_MOST,
    "khong vuot qua": Qualifier.AT_MOST,
    "toi da": Qualifier.AT_MOST,
    "≤": Qualifier.AT_MOST,
    "<=": Qualifier.AT_MOST,
    "<": Qualifier.AT_MOST,
    "con": Qualifier.AT_MOST,  # "giảm xuống còn 2%": a level not to exceed
    "giam": Qualifier.REDUCE,
    "tang": Qualifier.INCREASE,
    "ting": Qualifier.INCREASE,  # OCR's "tăng"
}
# Words that may stand between a qualifier and its figure ("tăng bình quân 10%", "đạt từ").
_FILLER = re.compile(r"^(?:muc|o|la|tu|tir|tur|len|them|xuong|/|dat/vuot)$")
_FILLER_PAIR = re.compile(r"^(?:binh qu\w{0,3}n|h\w{1,2}ng n\w{0,2}m|moi n\w{0,2}m|o muc)$")
# Of those, the pairs that name the figure when no qualifier stands before them ("Thu nhập
# bình quân 65 triệu đồng": the average income, not an income on average).
_NAMING_PAIR = re.compile(r"^binh qu\w{0,3}n$")
# Original spellings that fold onto a qualifier word but mean something else.
_NOT_QUALIFIERS = frozenset(
    {"đất", "đặt", "tầng", "tặng", "giám", "gắn", "gân", "cá", "cà", "cơn", "côn", "hôn"}
)
_REDUCE_IN_NAME = re.compile(r"(?<!\w)(giảm|giam|gidm)(?!\w)")


@dataclass(frozen=True, slots=True)
class _Clause:
    text: str
    note: bool = False  # came from parentheses: "(Tỷ lệ trường đạt chuẩn 81,69%)"


@dataclass(frozen=True, slots=True)
class _Figure:
    value: Decimal
    measure: Measure | None
    qualifier: Qualifier
    name: str  # the words naming it, cleaned; "" when the figure stands alone


def _targets(item: _Item) -> list[Target]:
    """The target (and sub-targets) of one numbered line in a "Chỉ tiêu" section."""
    body = item.text[:_ITEM_LIMIT].strip().rstrip(" ;.,")
    name: str | None
    if item.name is not None:  # a table row: the name cell, then the figure cell
        name, content = item.name, body
        source = _squash(f"{item.shown_prefix} {item.name}: {body}")
    else:
        name, content = _split_name(body)
        source = _squash(item.shown.rstrip(" ;,"))
    readings = [(clause, _figures(clause.text)) for clause in _split_clauses(content)]
    figures = [f for _, found in readings for f in found]
    wordy = [c for c, found in readings if not found and len(c.text.split()) >= 2]
    if not figures:
        return [_non_numeric(item, name, content, source)]
    if len(figures) == 1 and not wordy:
        figure = figures[0]
        if figure.measure is None:  # "Sản lượng lương thực (tấn): 4.200"
            name, figure = _unit_from_name(name, figure)
        full = _capitalise(_combine(name, figure.name) or _squash(body))
        return [
            Target(
                item.key,
                item.number,
                full,
                figure.value,
                _measure_name(figure),
                _name_qualifier(figure.qualifier, full),
                item.section_path,
                source,
            )
        ]
    return _compound(item, name, readings, source)


_UNIT_IN_PARENS = re.compile(r"\s*\(([^()\d]{1,30})\)")


def _unit_from_name(name: str | None, figure: _Figure) -> tuple[str | None, _Figure]:
    """A figure without a unit takes the one its name gives in parentheses ("Thu nhập bình
    quân (triệu đồng/người/năm): 62"); the parentheses leave the name."""
    for text, is_name in ((name, True), (figure.name, False)):
        if not text:
            continue
        for found in _UNIT_IN_PARENS.finditer(text):
            measure = _unit_named(found.group(1).strip())
            if measure is None:
                continue
            cleaned = _squash(text[: found.start()] + text[found.end() :]).strip(" :,")
            if is_name:
                return cleaned, replace(figure, measure=measure)
            return name, replace(figure, measure=measure, name=cleaned)
    return name, figure


def _split_name(body: str) -> tuple[str | None, str]:
    """ "Name: content" when the part before the first ":" holds no figure."""
    depth = 0
    for i, ch in enumerate(body):
        depth += (ch == "(") - (ch == ")")
        if ch == ":" and depth == 0 and not body[i + 1 : i + 2].isdigit():
            head, tail = body[:i].strip(), body[i + 1 :].strip()
            if head and not _figures(head):
                return head, tail
            if head and ";" not in head and _just_a_figure(tail):
                return head, tail  # "Giá trị thu hoạch trên 1 ha đất: 140 triệu đồng"
            break
    return None, body


def _just_a_figure(text: str) -> bool:
    """ "140 triệu đồng", "đạt 95% trở lên": one figure and a few words at most."""
    if _word_count(text) > 6 or ";" in text:
        return False
    return len(_figures(text)) == 1


def _split_clauses(content: str) -> list[_Clause]:
    """Split on ";" outside parentheses; a parenthesis holding a figure is a note clause."""
    pieces: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(content):
        depth += (ch == "(") - (ch == ")")
        if ch == ";" and depth <= 0:
            pieces.append(content[start:i])
            start = i + 1
    pieces.append(content[start:])
    clauses: list[_Clause] = []
    for piece in pieces:
        note = re.search(r"\(([^()]*\d[^()]*)\)", piece)
        if note is not None and _figures(note.group(1)):
            piece, inner = piece[: note.start()] + piece[note.end() :], note.group(1)
            clauses.extend([_Clause(piece.strip()), _Clause(inner.strip(), note=True)])
        else:
            clauses.append(_Clause(piece.strip()))
    return [c for c in clauses if c.text.strip(" ,.")]


def _figures(clause: str) -> list[_Figure]:
    """Every figure in *clause*, with its unit, qualifier and naming words."""
    return list(_figures_cached(clause))


@functools.lru_cache(maxsize=4096)
def _figures_cached(clause: str) -> tuple[_Figure, ...]:
    # The same line is read for figures several times (is it a target, its name, its
    # clauses): once is enough.
    if not _DIGIT.search(clause):
        return ()
    folded = _fold_keep_length(clause)
    found: list[_Found] = []  # start, number end, end, value, unit
    for match in _NUMBER_TOKEN.finditer(clause):
        after = clause[match.end() : match.end() + _WINDOW]  # units and years are short
        if _REFERENCE_AFTER.match(after) or _not_a_figure(match, folded, after):
            continue
        number_end = match.end()
        fraction = _FRACTION_AFTER.match(after)  # "19/19 tiêu chí": the first number counts
        if fraction is not None:
            number_end += fraction.end()
            after = clause[number_end : number_end + _WINDOW]
        unit = _unit_after(after)
        measure, length = unit if unit is not None else (None, 0)
        value = _document_number(match.group(0), measure)
        if value is not None:
            found.append((match.start(), number_end, number_end + length, value, measure))
    found, ranges = _ranges(clause, found)
    if any(f[4] is not None for f in found):
        found = [f for f in found if f[4] is not None]  # "mức độ 2" beside "30%": not a figure
    figures: list[_Figure] = []
    floor = 0
    for position, (start, number_end, end, value, measure) in enumerate(found):
        qualifier, name_end = _qualifier_before(clause, floor, start)
        qualifier = _qualifier_after(clause[end:], qualifier)
        if start in ranges and qualifier in {Qualifier.EXACT, Qualifier.ABOUT}:
            qualifier = Qualifier.AT_LEAST  # "từ 7 - 8%": at least the lower bound
        name = _clean_name(clause[floor:name_end], first=position == 0)
        next_start = found[position + 1][0] if position + 1 < len(found) else len(clause)
        tail = _words_after(clause, number_end, end, next_start, measure)
        # "Trồng mới 12.000 cây phân tán", "Làm mới, nâng cấp 12 km đường giao thông": what
        # is counted is named after the figure too.
        if tail and _AIM_WORDS.match(fold(name)):
            name = ""  # "Phấn đấu có 14/16 chi hội xếp loại vững mạnh": the tail names it
        if len(name.split()) <= 2 or (
            tail and _word_count(tail) <= 8 and (_ends_verb(name) or _DANGLING.search(name))
        ):
            # "… chuyển giao khoa học kỹ thuật cho 900 lượt hội viên": who is counted ends it
            name = _clean_name(f"{name} {tail}", first=True)
        if not tail and measure is not None and measure.name != "%" and _DANGLING.search(name):
            # "Giải quyết việc làm mới cho 230 lao động": the unit ends the name.
            name = f"{name} {_squash(clause[number_end:end])}"
        figures.append(_Figure(value, measure, qualifier, name))
        floor = end
    return tuple(figures)


_RANGE_JOIN = re.compile(r"^\s*(?:-|–|đến|den|tới|toi)\s*$", re.IGNORECASE)
_Found = tuple[int, int, int, Decimal, Measure | None]


def _ranges(clause: str, found: list[_Found]) -> tuple[list[_Found], set[int]]:
    """ "7 - 8%", "từ 5 đến 7 tỷ đồng": one figure, the lower bound, in the upper's unit
    (the plan aims at the range; reaching its floor is reaching the target)."""
    merged: list[_Found] = []
    starts: set[int] = set()
    i = 0
    while i < len(found):
        first = found[i]
        second = found[i + 1] if i + 1 < len(found) else None
        if (
            second is not None
            and first[4] is None
            and second[4] is not None
            and first[3] < second[3]
            and _RANGE_JOIN.match(clause[first[1] : second[0]])
        ):
            merged.append((first[0], first[1], second[2], first[3], second[4]))
            starts.add(first[0])
            i += 2
            continue
        merged.append(first)
        i += 1
    return merged, starts


# Verbs a target opens with before its figure: what follows the figure names the thing.
_VERBS = re.compile(
    r"\b(?:lam moi|nang cap|xay dung|trong moi|trong|ho tro|cai tao|sua chua|mo|mo moi|"
    r"tuyen|tuyen moi|dao tao|tap huan|to chuc|thanh lap|phat trien|ket nap|cap|cap moi|"
    r"giai quyet|xoa|ban giao|be tong hoa|cung co|kien co hoa|hien|van dong|thu hut|nuoi)$"
)


_DANGLING = re.compile(r"\s(?:cho|của|với|được|có|thêm|mới)$", re.IGNORECASE)


def _ends_verb(name: str) -> bool:
    return _VERBS.search(_fold_keep_length(name.rstrip(" ,:"))[-40:]) is not None


_UNIT_SPAN = 26  # the longest unit alias ("triệu đồng/người/ năm") with room for spaces


@functools.lru_cache(maxsize=16384)
def _unit_named(text: str) -> Measure | None:
    return lookup_measure(text, ocr=True)


def _unit_after(after: str) -> tuple[Measure, int] | None:
    """The longest unit at the start of *after* and the characters it spans (as
    :func:`bot.core.measures.find_measure_prefix`), tried at each word end of the first
    characters only, each try cached: the same few units follow most figures, so a plan
    with hundreds of thousands of figures never folds the text around each one anew."""
    window = after[:_UNIT_SPAN]
    body = window.lstrip(" ")
    if body[:1] == "(":  # "4.200 (tấn)": the unit in parentheses after the figure
        close = body.find(")")
        inner = body[1:close] if close > 1 else ""
        measure = _unit_named(inner) if inner and not _DIGIT.search(inner) else None
        if measure is None:
            return None
        return measure, len(window) - len(body) + close + 1
    if not body or body[0] in _UNIT_STOPS or body[0] == ".":
        return None
    start = len(window) - len(body)
    ends: list[int] = []
    words = 0
    for i in range(start + 1, len(window) + 1):
        ch = window[i - 1]
        if ch in _UNIT_STOPS or (ch.isdigit() and i > 1 and window[i - 2].isspace()):
            break  # no unit runs past a clause mark or into the next number
        if ch.isspace():
            words += 1
            if words == 4:
                break
            continue
        at_end = i == len(window) or not (ch.isalnum() and window[i].isalnum())
        if at_end and ch not in ".":
            ends.append(i)
    found: tuple[Measure, int] | None = None
    mismatch: int | None = None
    for end in reversed(ends):
        measure = _unit_named(window[:end])
        if measure is None:
            continue
        if found is None:
            found, mismatch = (measure, end), _marks_mismatch(window[start:end])
            if mismatch is None:
                return found
        elif mismatch is not None and end - start > mismatch and spelled_so(window[start:end]):
            return measure, end  # "3 hộ so với": "hộ", not "hồ sơ"
    return found


@functools.lru_cache(maxsize=16384)
def _marks_mismatch(text: str) -> int | None:
    return marks_mismatch(text)


_UNIT_STOPS = frozenset("(),;:")


def _not_a_figure(match: re.Match[str], folded: str, after: str) -> bool:
    token = match.group(0)
    before = folded[max(0, match.start() - _WINDOW) : match.start()]
    has_unit = _unit_after(after) is not None
    if _YEAR.match(token) and (
        _YEAR_BEFORE.search(before) or re.match(r"^\s*[-–]\s*(19|20)\d\d", after) or not has_unit
    ):
        return True
    if _OCR_TY_LE.search(before) or (not has_unit and _ORDINAL_BEFORE.search(before)):
        return True
    words = match.string[max(0, match.start() - _WINDOW) : match.start()].split()
    previous = words[-1].lower() if words else ""
    unit = _unit_after(after) if has_unit else None
    criteria = unit is not None and unit[0].category == "criteria"
    if previous == "cả" or (previous == "ca" and (not has_unit or criteria)):
        return True  # "cả 3 tiêu chí": all three of them, not a figure
    return not has_unit and _AFTER_NOT_FIGURE.match(_fold_keep_length(after)) is not None


def _document_number(token: str, measure: Measure | None) -> Decimal | None:
    token = token.replace(" ", "")
    try:
        return parse_number(token, dot_decimal_ok=True)
    except AmbiguousNumberError as exc:
        # "1,600": a count of people or trees is whole; a rate or an amount keeps the decimal.
        countable = measure is not None and measure.counts_whole_things
        return max(exc.readings) if countable else min(exc.readings)
    except NumberError:
        return None


_QUALIFIER_REACH = 80  # qualifier words and fillers stand within these characters


def _qualifier_before(clause: str, floor: int, start: int) -> tuple[Qualifier, int]:
    """The qualifier in the words just before a figure, and where its naming words end."""
    base = max(floor, start - _QUALIFIER_REACH)
    region = clause[base:start]
    folded_region = _fold_keep_length(region)
    tokens = list(re.finditer(r"[^\s/]+|/", region))
    folded = [folded_region[t.start() : t.end()] for t in tokens]
    found: list[Qualifier] = []
    name_end = start  # with no qualifier: before the fillers next to the figure
    qualifier_start = None  # where the leftmost qualifier word starts
    fillers_only = True  # no qualifier and no naming pair ("bình quân") met yet
    i = len(tokens) - 1
    while i >= 0:
        taken = 0
        naming_pair = False
        for size in (3, 2, 1):
            if i - size + 1 < 0:
                continue
            if size == 1 and tokens[i].group(0).strip(":,").lower() in _NOT_QUALIFIERS:
                continue
            key = " ".join(w.strip(":,") for w in folded[i - size + 1 : i + 1])
            if key in _QUALIFIER_WORDS:
                found.append(_QUALIFIER_WORDS[key])
                taken = size
                break
        is_qualifier = bool(taken)
        if not taken:
            key = folded[i].strip(":,")
            pair = " ".join(folded[max(i - 1, 0) : i + 1])
            taken = 2 if i > 0 and _FILLER_PAIR.match(pair) else 0
            naming_pair = taken == 2 and _NAMING_PAIR.match(pair) is not None
            taken = taken or (1 if not key or _FILLER.match(key) else 0)
        if not taken:
            break
        i -= taken
        position = base + tokens[i + 1].start()
        if is_qualifier:
            qualifier_start = position
        elif naming_pair:
            fillers_only = False
        elif fillers_only and not found:
            name_end = position
    if qualifier_start is not None:
        name_end = qualifier_start
    return _resolve(found), name_end


def _resolve(found: Sequence[Qualifier]) -> Qualifier:
    """Growth words win ("tăng trên 11%"); "giảm … còn 2%" is a ceiling; else the nearest."""
    if Qualifier.REDUCE in found:
        return Qualifier.AT_MOST if found[0] is Qualifier.AT_MOST else Qualifier.REDUCE
    if Qualifier.INCREASE in found:
        return Qualifier.INCREASE
    return found[0] if found else Qualifier.EXACT


def _qualifier_after(after: str, qualifier: Qualifier) -> Qualifier:
    """ "từ 96% trở lên": a floor even without "đạt"."""
    folded = _fold_keep_length(
        after[:30]
    )  # "trở lên" stands right after the unit; never fold the rest
    if qualifier is Qualifier.EXACT and re.match(r"^\W*tro len\b", folded):
        return Qualifier.AT_LEAST
    if qualifier is Qualifier.EXACT and re.match(r"^\W*tro xuong\b", folded):
        return Qualifier.AT_MOST
    return qualifier


# Units that measure rather than count: never a word of a target's name.
_MEASURES_ONLY = frozenset({"length", "area", "mass", "money", "volume"})


def _words_after(
    clause: str, number_end: int, end: int, limit: int, measure: Measure | None
) -> str:
    """Naming words after a figure: "01 xã NTM nâng cao" → "xã NTM nâng cao" (a unit that
    counts things is part of the name when words follow it; a measure never is: "3,2 km
    đường bê tông" names "đường bê tông", "5 ha rừng" names "rừng")."""
    tail = re.split(r"[;,(]", clause[end:limit], maxsplit=1)[0]
    tail = re.sub(r"^\s*(?:trở lên|tro len)\b", "", tail, flags=re.IGNORECASE)
    if len(re.findall(r"[^\W\d_]+", tail)) == 0:
        return ""
    if measure is not None and measure.name != "%" and measure.category not in _MEASURES_ONLY:
        tail = clause[number_end:end] + tail
    if len(tail.split()) > 8:
        tail = tail.split(",", 1)[0]
    return tail


_NAME_EDGES = re.compile(r"^[\s,.:;\-–+•]+|[\s,.:;\-–]+$")
_NAME_LEAD = re.compile(
    r"^(?:và|va|với|voi|còn|riêng|rieng|trong\s+(?:đó|do|d6|dó))\b\s*:?\s*", re.IGNORECASE
)
_NAME_TAIL = re.compile(r"\s+(?:là|la|đạt|dat|phấn đấu|phan dau)$", re.IGNORECASE)


def _clean_name(text: str, *, first: bool) -> str:
    name = _squash(_NAME_EDGES.sub("", text))
    if not first and "," in name:
        name = name.split(",", 1)[1]  # after an earlier figure: drop its tail ("trở lên, …")
    for _ in range(2):
        name = _NAME_TAIL.sub("", _NAME_LEAD.sub("", _NAME_EDGES.sub("", name.strip())))
    return name.strip()


# Words that only aim at a figure and name nothing ("Phấn đấu có", "Phấn đấu đạt được").
_AIM_WORDS = re.compile(r"^(?:phan dau\s*)?(?:co|dat|dat duoc|co duoc|co them|dat tren)?$")
_AIM_ONLY = re.compile(r"^(?:phan dau|dat|phan dau dat|dat duoc|phan dau thu|muc)$")


def _combine(name: str | None, sub: str) -> str:
    if name and sub and _AIM_ONLY.match(fold(sub)):
        return name  # "Thu ngân sách: Phấn đấu đạt 28,5 tỷ đồng"
    if name and sub:
        own, more = set(fold(name).split()), set(fold(sub).split())
        if len(own) >= 2 and len(own & more) >= 0.5 * len(own):
            return sub  # "Trồng cây phân tán: Trồng mới 12.000 cây phân tán"
    if name and sub and len(sub.split()) >= 2 and re.match(r"^v[eề]\s", name, re.IGNORECASE):
        return sub  # "Về quốc phòng - an ninh: Hoàn thành 100% chỉ tiêu giao quân": a group
    if name and sub and fold(sub) not in fold(name):
        return f"{name}: {sub}"
    return name or sub


def _name_qualifier(qualifier: Qualifier, name: str) -> Qualifier:
    """ "Tỷ lệ hộ nghèo giảm …: 0,77%": a reduction named before the figure."""
    if qualifier is Qualifier.EXACT and _REDUCE_IN_NAME.search(name.lower()):
        return Qualifier.REDUCE
    return qualifier


def _measure_name(figure: _Figure | None) -> str | None:
    return figure.measure.name if figure is not None and figure.measure is not None else None


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _non_numeric(item: _Item, name: str | None, content: str, source: str) -> Target:
    """A target without a figure keeps its words; a closing "vào năm 2027" is its value."""
    content = _squash(content)
    year = _YEAR_PHRASE.search(_fold_keep_length(content))
    if name is None and year is not None and year.start() > 0:
        name, text_value = content[: year.start()].rstrip(" ,"), content[year.start(1) :]
    else:
        text_value = content
        name = name or content
    return Target(
        item.key,
        item.number,
        name,
        None,
        None,
        _name_qualifier(Qualifier.EXACT, text_value),
        item.section_path,
        source,
        text_value=text_value,
    )


def _compound(
    item: _Item,
    name: str | None,
    readings: Sequence[tuple[_Clause, list[_Figure]]],
    source: str,
) -> list[Target]:
    """A line with several figures: the parent, then one child per figure or wordy clause.

    "X, trong đó Y" and "X (Y)" keep X on the parent when X stands alone ("2.210 tấn").
    """
    parent, children = _parent_and_children(readings)
    if parent is None and name is None:
        name, children = _shared_head(children)
    elif parent is None and name is not None and _first_part_named_before(children):
        # "Tổng đàn lợn: 9.500 con; đàn gia cầm: 120.000 con": the words before the ":"
        # name the first part, as the others are named before their own figures.
        children = [(name, children[0][1], children[0][2]), *children[1:]]
        name = None
    child_measures = {_measure_name(f) for _, f, _ in children}
    if parent is not None:
        parent_name = name or parent.name or "; ".join(n for n, _, _ in children)
        measure = _measure_name(parent)
    else:
        parent_name = name or "; ".join(n for n, _, _ in children if n)
        measure = child_measures.pop() if len(child_measures) == 1 else None
    targets = [
        Target(
            item.key,
            item.number,
            parent_name,
            parent.value if parent is not None else None,
            measure,
            parent.qualifier if parent is not None else Qualifier.EXACT,
            item.section_path,
            source,
        )
    ]
    for n, (child_name, figure, clause) in enumerate(children, start=1):
        label = _capitalise(child_name or clause)
        targets.append(
            Target(
                f"{item.key}.{n}",
                item.number,
                label,
                figure.value if figure is not None else None,
                _measure_name(figure),
                _name_qualifier(figure.qualifier if figure else Qualifier.EXACT, label),
                item.section_path,
                source,
                parent_key=item.key,
                text_value=None if figure is not None else clause,
            )
        )
    return targets


def _first_part_named_before(children: Sequence[tuple[str, _Figure | None, str]]) -> bool:
    """The first part is a bare figure ("9.500 con") while every other part is named."""
    if len(children) < 2 or children[0][0] or children[0][1] is None:
        return False
    return all(n and f is not None for n, f, _ in children[1:])


# What a line lists kind by kind: herds, crops, areas, harvests.
_LISTED_KINDS = frozenset({"animals", "plants", "area", "mass"})


def _shared_head(
    children: list[tuple[str, _Figure | None, str]],
) -> tuple[str | None, list[tuple[str, _Figure | None, str]]]:
    """ "tổng đàn trâu 420 con, bò 1.150 con, lợn 3.600 con": the words the first part shares
    with the others name the whole ("Tổng đàn"), the last word names the first part ("Trâu")."""
    names = [n.split() for n, _, _ in children]
    if len(names) < 2 or any(not 1 <= len(n) <= 2 for n in names[1:]) or len(names[0]) < 2:
        return None, children
    measures = {f.measure for _, f, _ in children if f is not None}
    if any(f is None for _, f, _ in children) or len(measures) != 1:
        return None, children
    (measure,) = measures
    if measure is None or measure.category not in _LISTED_KINDS:
        return None, children  # "thu ngân sách 9 tỷ đồng, chi 8 tỷ đồng" names no herd
    width = len(names[1])
    head, own = names[0][:-width], names[0][-width:]
    if not head or len(head) > 4:
        return None, children
    first = (" ".join(own), children[0][1], children[0][2])
    return _capitalise(" ".join(head)), [first, *children[1:]]


def _parent_and_children(
    readings: Sequence[tuple[_Clause, list[_Figure]]],
) -> tuple[_Figure | None, list[tuple[str, _Figure | None, str]]]:
    first_clause, first_figures = readings[0]
    split = _TRONG_DO.search(first_clause.text)
    if len(readings) == 1 and split is not None:
        head = _figures(first_clause.text[: split.start()])
        if len(head) == 1:
            tail = _figures(first_clause.text[split.end() :])
            return head[0], [(f.name, f, first_clause.text) for f in tail]
    note = len(readings) == 2 and readings[1][0].note
    if note and len(first_figures) == 1 and not first_figures[0].name:
        return first_figures[0], [(f.name, f, readings[1][0].text) for f in readings[1][1]]
    children: list[tuple[str, _Figure | None, str]] = []
    for clause, figures in readings:
        if figures:
            children.extend((f.name, f, clause.text) for f in figures)
        elif len(clause.text.split()) >= 2:
            children.append((clause.text, None, clause.text))
    return None, children


# ---------------------------------------------------------------------------------------------
# The year covered, the kind, and the whole
# ---------------------------------------------------------------------------------------------

_PERIOD = re.compile(r"((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)")
_TITLE_YEAR = re.compile(r"\bn\w{0,2}m\s+((?:19|20)\d\d)\b")
_DATE_BEFORE = re.compile(r"th\w{0,3}ng\s+\d{1,2}\s+$")


def _covered_year(header: _Header, outline: _Outline) -> int | None:
    """The year the plan covers: its targets' period, else the title's "năm YYYY" (not a
    date), else the title's last period, else the year of issue."""
    with_targets = {item.section_path for item in outline.items}
    for section in outline.sections:
        if section.path in with_targets:
            period = _PERIOD.search(section.title)
            if period is not None:
                return int(period.group(1))
    folded = _fold_keep_length(header.title_year_text)
    years = [
        int(m.group(1))
        for m in _TITLE_YEAR.finditer(folded)
        if not _DATE_BEFORE.search(folded[: m.start()])
    ]
    if years:
        return years[-1]
    periods = _PERIOD.findall(folded)
    if periods:
        return int(periods[-1][0])
    return header.issued_on.year if header.issued_on else None


_REPORT_WORDS = re.compile(r"\b(so ket|tong ket|ket qua thuc hien|ket qua cong tac)\b")


def _kind(header: _Header, lines: Sequence[_Line], outline: _Outline, filename: str) -> str:
    if header.kind is not None:
        return header.kind
    if header.number is not None:
        suffix = re.split(r"[/-]", header.number, maxsplit=1)[1].upper()
        if suffix.startswith("KH"):
            return "ke_hoach"
        if suffix.startswith("BC"):
            return "bao_cao"
    opening = " ".join(_fold_keep_length(line.text[:_HEAD]) for line in lines[:15])
    # Whichever word comes first names the document: a report quotes the plan it reports
    # on ("thực hiện Kế hoạch số 12/KH-UBND …") after its own title.
    if _REPORT_WORDS.search(_fold_keep_length(header.title)):
        return "bao_cao"  # "Sơ kết công tác thi đua 6 tháng …" without a kind heading
    plan_at, report_at = opening.find("ke hoach"), opening.find("bao cao")
    if report_at >= 0 and (plan_at < 0 or report_at < plan_at):
        return "bao_cao"
    if _REPORT_WORDS.search(opening[:400]) and plan_at < 0:
        return "bao_cao"
    if plan_at >= 0 or outline.items:
        return "ke_hoach"
    name = _norm_key(PurePath(filename).stem.replace("_", " ").replace("-", " "))
    if "ke hoach" in name or "kehoach" in name:
        return "ke_hoach"
    if "bao cao" in name or "baocao" in name:
        return "bao_cao"
    return "khac"


_DAMAGE_SAMPLE = 200_000  # OCR damage is spread over a document: its start tells


def parse_plan(text: str, *, filename: str = "") -> ParsedPlan:
    """Read a plan or report's text into metadata, outline, targets and passages.

    Never raises on odd input: what cannot be read is left out (see the module docstring).
    """
    lines = _prepare(text)
    header = _read_header(lines)
    body = list(lines[header.body_start :])
    for i, line in enumerate(body):
        if line.text and _END_OF_BODY.match(_fold_keep_length(line.text[:40])):
            body = [*body[:i], _Line(""), *_appendices(body[i:])]
            break
    body = _skip_addressees(body)
    outline = _walk(_blocks(body))
    targets = _unique_keys([_targets(item) for item in outline.items])
    kind = _kind(header, lines, outline, filename)
    if kind != "bao_cao" and sum(t.value is not None for t in targets) < _FEW_TARGETS:
        targets = targets + _safety_net(outline, targets)
    # A report's figures are results, not aims: only a plan offers candidates.
    reviews = _reviewing_paths(outline)
    aims = [(path, text) for path, text in outline.outside if path not in reviews]
    candidates = _candidates(aims) if kind != "bao_cao" else []
    taken = {(t.value, t.measure) for t in targets if t.value is not None}
    candidates = [c for c in candidates if (c.value, c.measure) not in taken]
    title = header.title or PurePath(filename).stem or "Văn bản không có tiêu đề"
    sections = outline.sections
    if looks_ocr_damaged(text[:_DAMAGE_SAMPLE]):
        # Names, titles and text values are labels the bot shows; quotes (source_text,
        # passages) stay as read.
        targets = [_restored(t) for t in targets]
        candidates = [_restored(t) for t in candidates]
        sections = [replace(s, title=restore_diacritics(s.title)) for s in sections]
        title = restore_diacritics(title)
    return ParsedPlan(
        title=title,
        number=header.number,
        issued_on=header.issued_on,
        year=_covered_year(header, outline),
        kind=kind,
        sections=tuple(sections),
        targets=tuple(targets),
        passages=tuple(outline.passages),
        issuer=header.issuer,
        candidates=tuple(candidates),
        deadlines=tuple(find_deadlines((p.section_path, p.text) for p in outline.passages)),
    )


# Words that make a clause with a figure read as an aim, not as a fact or a result.
_AIM = re.compile(
    r"\b(phan dau|chi tieu|muc tieu|toi thieu|it nhat|khong qua|khong duoi|tro len|"
    r"trong moi|duy tri|giu vung|hoan thanh)\b"
)
# Words of a result or a comparison: what happened, not what is aimed at.
_RESULT = re.compile(r"\b(da|duoc cong nhan|so voi|cung ky|ket qua|uoc thuc hien|thuc hien duoc)\b")
_CLAUSE_SPLIT = re.compile(r"(?<=[.;])\s+|\s*[;]\s*")
_CANDIDATE_LIMIT = 60
_CANDIDATE_READS = 5000


def _candidates(outside: Sequence[tuple[str, str]]) -> list[Target]:
    """Clauses outside any targets list that state an aim with a figure and a unit
    ("phấn đấu trồng 50 ha rau an toàn"), offered to the officer to add as targets."""
    found: list[Target] = []
    budget = _CANDIDATE_READS  # clauses read for figures: bounded on any document
    for path, text in outside:
        if not _DIGIT.search(text):
            continue
        budget -= 1
        if budget < 0:
            break
        for clause in _CLAUSE_SPLIT.split(text[:_ITEM_LIMIT]):
            clause = clause.strip(" .;")
            if not clause or len(clause.split()) > 40 or not _DIGIT.search(clause):
                continue
            key = _fold_keep_length(clause)
            if _AIM.search(key) is None or _RESULT.search(key) is not None:
                continue
            figures = [f for f in _figures(clause) if f.measure is not None]
            if not figures:
                continue
            number = f"c{len(found) + 1}"
            item = _Item(number, number, [clause], path, "", "candidate")
            found.extend(t for t in _targets(item) if t.parent_key is None)
            if len(found) >= _CANDIDATE_LIMIT:
                return found
    return found


_FEW_TARGETS = 3  # fewer targets with a figure than this: the structure was not understood


def _reviewing_paths(outline: _Outline) -> set[str]:
    """The sections that review what was done, and those inside them: their figures are
    results ("Năm 2025 trồng mới 14.000 cây"), not aims to offer as targets."""
    found: set[str] = set()
    for section in outline.sections:  # in document order: a section follows its parent
        key = _norm_key(section.title[:200])
        parent = section.path.rsplit(".", 1)[0] if "." in section.path else ""
        if parent in found or (_RESULTS_TITLE.match(key) and not _TARGET_WORDS.search(key)):
            found.add(section.path)
    return found


def _safety_net(outline: _Outline, found: Sequence[Target]) -> list[Target]:
    """When reading the structure gave (almost) no targets: the clauses with a figure and a
    unit of measure that stand in a section headed as targets ("Chỉ tiêu", "Mục tiêu cụ
    thể", "Các chỉ tiêu chủ yếu"), one target each. Sections about duties, solutions,
    results or carrying out the plan are never read so, and neither are results ("đã …",
    "so với cùng kỳ")."""
    titles = {s.path: s.title for s in outline.sections}
    if outline.part is not None:
        titles.setdefault(outline.part.path, outline.part.title)

    def chain(path: str) -> list[str]:
        parts = path.split(".")
        return [titles.get(".".join(parts[: i + 1]), "") for i in range(len(parts))]

    used = {t.key for t in found}
    have = {(t.value, t.measure) for t in found if t.value is not None}
    repeats: dict[str, int] = {}
    added: list[Target] = []
    ordinal = 0
    for path, text in outline.outside:
        if not path or not _DIGIT.search(text):
            continue
        heads = chain(path)
        if any(h and _title_region(h) == 0 for h in heads):
            continue
        if not any(h and _TARGET_WORDS.search(_norm_key(h)) for h in heads):
            continue
        for clause in _CLAUSE_SPLIT.split(text[:_ITEM_LIMIT]):
            clause = clause.strip(" .;")
            if not clause or len(clause.split()) > 40 or not _DIGIT.search(clause):
                continue
            if _RESULT.search(_fold_keep_length(clause)) is not None:
                continue
            figures = [f for f in _figures(clause) if f.measure is not None]
            if not figures or all((f.value, _measure_name(f)) in have for f in figures):
                continue
            ordinal += 1
            key = _unique(str(len(used) + 1), used, repeats)
            item = _Item(key, key, [_capitalise(clause)], path, f"{key}.", "safety")
            for target in _targets(item):
                added.append(target)
                if target.value is not None:
                    have.add((target.value, target.measure))
            if len(added) >= _CANDIDATE_LIMIT:
                return added
    return added


def _unique_keys(per_item: Sequence[list[Target]]) -> list[Target]:
    """Targets with distinct keys: a compound line's parts ("2.1") may meet a target numbered
    "2.1." further on; the later line then takes "2.1~2"."""
    used: set[str] = set()
    repeats: dict[str, int] = {}
    out: list[Target] = []
    for targets in per_item:
        if any(t.key in used for t in targets):
            base = targets[0].key
            key = _unique(base, used | {t.key for t in targets}, repeats)
            used.discard(key)
            targets = [
                replace(
                    t,
                    key=key + t.key[len(base) :],
                    parent_key=key if t.parent_key is not None else None,
                )
                for t in targets
            ]
        used.update(t.key for t in targets)
        out.extend(targets)
    return out


def _restored(target: Target) -> Target:
    text_value = restore_diacritics(target.text_value) if target.text_value else None
    return replace(target, name=restore_diacritics(target.name), text_value=text_value)


def _appendices(tail: Sequence[_Line]) -> list[_Line]:
    """After the recipients and the signature: the appendices ("PHỤ LỤC", "Phụ lục I: Các
    chỉ tiêu …"), which often hold the targets table; the signature block itself is left."""
    for i, line in enumerate(tail):
        if line.text and _APPENDIX.match(_fold_keep_length(line.text[:40])):
            return list(tail[i:])
    return []


def _is_addressee(line: _Line) -> bool:
    """ "- Sở Nội vụ;" under "Kính gửi:", or a short recipient line, but not a heading."""
    marker = _marker(line)
    if marker is not None:
        return marker[0].kind == "bullet"
    return _word_count(line.text) <= 8


def _skip_addressees(body: list[_Line]) -> list[_Line]:
    """Drop a leading "Kính gửi:" line and the recipient bullets under it."""
    for i, line in enumerate(body[:12]):
        if not line.text:
            continue
        if not _fold_keep_length(line.text[:20]).startswith("kinh g"):
            return body
        j = i + 1
        while j < len(body) and body[j].text and _is_addressee(body[j]):
            j += 1
        return body[j:]
    return body
