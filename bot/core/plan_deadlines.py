"""Deadlines a plan sets in its own words: "gửi báo cáo sơ kết 6 tháng về UBND xã trước ngày
10/6/2024", "đăng ký thi đua trước ngày 15/3", "hồ sơ đề nghị khen thưởng gửi chậm nhất ngày
30 tháng 11 năm 2026".

A deadline is a date after a limit word (trước, chậm nhất, hạn chót, không muộn hơn, trong
ngày …). What it is for is read from the words before it in the same sentence, after any
earlier date: "báo cáo 6 tháng trước ngày 14/6 và báo cáo cả năm trước ngày 14/12" gives two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.core.plan import DeadlineKind, PlanDeadline
from bot.core.text import collapse_spaces, shorten, strip_marks

__all__ = ["find_deadlines"]

_LIMIT = (
    r"(?:tr\w{1,2}c|cham nhat(?: la| vao)?|han chot(?: la| vao)?|han cuoi(?: la)?|"
    r"khong muon hon|khong qua|trong|han nop(?: la)?|thoi han(?: la)?|den het)"
)
_DATE_SLASH = re.compile(
    rf"\b{_LIMIT}\s*:?\s*(?:ng\w{{1,2}}\s*)?(\d{{1,2}})\s*[/.\-]\s*(\d{{1,2}})"
    r"(?:\s*[/.\-]\s*((?:19|20)\d\d))?(?![\d/])"
)
_DATE_WORDS = re.compile(
    rf"\b{_LIMIT}\s*:?\s*ng\w{{1,2}}\s*(\d{{1,2}})\s*thang\s*(\d{{1,2}})"
    r"(?:\s*(?:nam|,)\s*((?:19|20)\d\d))?"
)
_KINDS: tuple[tuple[DeadlineKind, re.Pattern[str], str], ...] = (
    (
        DeadlineKind.DOSSIER,
        re.compile(r"\b(ho so|de nghi khen|to trinh)"),
        "Hồ sơ đề nghị khen thưởng",
    ),
    (
        DeadlineKind.REGISTRATION,
        re.compile(r"\b(dang ky)"),
        "Đăng ký thi đua",
    ),
    (
        DeadlineKind.SIX_MONTH,
        re.compile(r"\b(so ket|6 thang|sau thang|06 thang)"),
        "Báo cáo sơ kết 6 tháng",
    ),
    (
        DeadlineKind.YEAR_END,
        re.compile(r"\b(tong ket|ca nam|bao cao nam|hang nam)"),
        "Báo cáo tổng kết năm",
    ),
)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=\S)")
_MAX_TEXT = 20_000  # a passage longer than this is prose run together; its start suffices


def _fold(text: str) -> str:
    """Folded, one character per character (offsets map back to *text*)."""
    quick = strip_marks(text).lower()
    if len(quick) == len(text):
        return quick.replace("đ", "d")
    return "".join(
        (lambda f: f if len(f) == 1 else ch)(strip_marks(ch).lower()) for ch in text
    ).replace("đ", "d")


def _sentences(text: str) -> Iterable[str]:
    start = 0
    for match in _SENTENCE_END.finditer(text):
        yield text[start : match.start()]
        start = match.end()
    yield text[start:]


def find_deadlines(passages: Iterable[tuple[str, str]]) -> list[PlanDeadline]:
    """The deadlines in *passages* ((section path, text) in plan order), one per date and
    purpose, in order."""
    found: list[PlanDeadline] = []
    seen: set[tuple[DeadlineKind, int, int]] = set()
    for path, text in passages:
        for sentence in _sentences(text[:_MAX_TEXT]):
            if not re.search(r"\d", sentence):
                continue
            for deadline in _in_sentence(sentence, path, text):
                key = (deadline.kind, deadline.day, deadline.month)
                if key not in seen:
                    seen.add(key)
                    found.append(deadline)
    return found


def _in_sentence(sentence: str, path: str, passage: str) -> list[PlanDeadline]:
    folded = _fold(sentence)
    matches = sorted(
        [*_DATE_SLASH.finditer(folded), *_DATE_WORDS.finditer(folded)], key=lambda m: m.start()
    )
    out: list[PlanDeadline] = []
    floor = 0
    for match in matches:
        if match.start() < floor:
            continue
        day, month = int(match.group(1)), int(match.group(2))
        year = int(match.group(3)) if match.group(3) else None
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        quote = collapse_spaces(sentence).rstrip(" ;")
        purposes = _purposes(folded[floor : match.start()], folded, _fold(passage[:2000]))
        for kind, what in purposes:
            if kind is DeadlineKind.OTHER:
                what = shorten(sentence[floor : match.start()].strip(" ,:;") or sentence, 60)
            out.append(PlanDeadline(kind, day, month, year, what, quote, path))
        floor = match.end()
    return out


def _purposes(before: str, sentence: str, passage: str) -> list[tuple[DeadlineKind, str]]:
    """What the date is for: every purpose named before it since the last date ("báo cáo
    tổng kết và hồ sơ đề nghị khen thưởng nộp trước …" sets both), else the sentence's
    or the passage's (a schedule table row: "Gửi báo cáo sơ kết; Thời gian: Trước …")."""
    for text in (before, sentence, passage):
        hits = sorted(
            (hit.start(), kind, label)
            for kind, pattern, label in _KINDS
            for hit in [pattern.search(text)]
            if hit is not None
        )
        if hits:
            kinds: list[tuple[DeadlineKind, str]] = []
            for _, kind, label in hits:
                if all(kind is not k for k, _ in kinds):
                    kinds.append((kind, label))
            return kinds
    return [(DeadlineKind.OTHER, "")]
