"""Is a private message a question about the plan, or a progress report?

Staff write both in the same chat: "chỉ tiêu trồng cây là bao nhiêu?" asks, "trồng được 12.500
cây phân tán" reports. Questions carry Vietnamese question words (with or without diacritics);
reports carry figures. Weak cues ("mấy", "nào", "không" at the end) count only in a message
without a figure, since a report may well say "không đạt" or "thôn nào cũng…".
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.asking import mend_cue_typos
from bot.core.plan import DeadlineKind, PlanDeadline
from bot.core.report_parser import has_figure
from bot.core.text import words

__all__ = [
    "asks_about_deadline",
    "asks_clearly",
    "is_small_talk",
    "looks_like_question",
    "reads_as_report",
]

# "mục III.4", "muc 2": asking what a section of the plan says, figures notwithstanding.
_SECTION_REF = re.compile(r"^\s*m[uụ]c\s+[IVX\d]+(\.\w+)*\s*$", re.IGNORECASE)
# Cues that make a question on their own, as folded word sequences.
_STRONG = (
    ("ai",),
    ("gi",),
    ("bao", "nhieu"),
    ("bao", "gio"),
    ("the", "nao"),
    ("ra", "sao"),
    ("tai", "sao"),
    ("vi", "sao"),
    ("lam", "sao"),
    ("o", "dau"),
    ("khi", "nao"),
    ("luc", "nao"),
    ("cho", "biet"),
    ("cho", "hoi"),
    ("xin", "hoi"),
    ("hoi", "ve"),
    ("muon", "hoi"),
    ("co", "phai"),
    ("phai", "khong"),
    ("duoc", "khong"),
    ("co", "khong"),
    ("chua", "a"),
    ("khong", "a"),
    ("nhu", "nao"),
)
# Cues that mean a question only in a message without a figure. Folded, "nao" is only "nào";
# words that fold onto everyday words ("hỏi"/"hội", "đâu"/"đầu", "mấy"/"máy") count only when
# typed with their marks.
_WEAK = (("nao",), ("sao",), ("nhi",))
_MARKED = re.compile(r"(?<!\w)(hỏi|mấy|đâu|hả|nào)(?!\w)")
# Words that end a yes/no question ("đã nộp chưa", "có đạt không", "đúng không nhỉ").
_FINAL = frozenset({"khong", "chua", "nhi", "ko", "k", "hok", "hong"})
# Messages that open by naming what they ask about: "chỉ tiêu BHYT", "mục III", "nhiệm vụ …".
_OPENERS = (
    ("chi", "tieu"),
    ("muc",),
    ("nhiem", "vu"),
    ("trach", "nhiem"),
    ("thu", "tuc"),
    ("tra", "cuu"),
)


def _contains(tokens: list[str], cue: tuple[str, ...]) -> bool:
    k = len(cue)
    return any(tuple(tokens[i : i + k]) == cue for i in range(len(tokens) - k + 1))


def looks_like_question(text: str) -> bool:
    """True when *text* reads as a question rather than a progress report.

    >>> looks_like_question("Chỉ tiêu trồng cây là bao nhiêu?")
    True
    >>> looks_like_question("trồng được 12.500 cây phân tán")
    False
    """
    stripped = mend_cue_typos(text.strip())
    if not stripped:
        return False
    if "?" in stripped:
        return True
    tokens = words(stripped)
    if not tokens:
        return False
    if any(_contains(tokens, cue) for cue in _STRONG):
        return True
    if _SECTION_REF.match(stripped):
        return True
    opens_as_query = tuple(tokens[:2]) in _OPENERS or tuple(tokens[:1]) in _OPENERS
    if has_figure(stripped):
        # "chỉ tiêu BHYT đạt 97%" or "BHYT 97% đã đạt chưa" may ask or report: the caller
        # asks which, with buttons.
        return opens_as_query or tokens[-1] in _FINAL
    if opens_as_query:
        return True
    if tokens[-1] in _FINAL:
        return True
    if _MARKED.search(unicodedata.normalize("NFC", stripped.lower())):
        return True
    return any(_contains(tokens, cue) for cue in _WEAK)


def reads_as_report(text: str, *, in_group: bool = False) -> bool:
    """True when *text* carries a figure and does not read as a question. In a unit's group
    the bot cannot ask back without disturbing everyone, so there only a clear question
    ("?", "bao nhiêu", "ai" …) is not a report: "Chỉ tiêu trồng cây: đã trồng 12.500 cây"
    reports, whereas in a private chat its opening makes the bot ask which is meant."""
    if not has_figure(text):
        return False
    if in_group:
        return not asks_clearly(text)
    return not looks_like_question(text)


def asks_clearly(text: str) -> bool:
    """A question mark or a question word that makes a question on its own."""
    tokens = words(text)
    return "?" in text or any(_contains(tokens, cue) for cue in _STRONG)


# Greetings, thanks and acknowledgements (folded, without punctuation): no question to answer.
_POLITE = (
    r"(?:xin chao|chao|hello|hi|alo|cam on|thanks?|thank you|ok|oke|okay|vang|da|u|uh|uhm|"
    r"vay a|duoc roi|ro roi|tot qua|hay qua|anh|chi|em|ban|bot|ad|admin|a|nhe|nha|nhieu|"
    r"ca nha|moi nguoi)"
)
_SMALL_TALK = re.compile(rf"^{_POLITE}(?: {_POLITE})*$")


def is_small_talk(text: str) -> bool:
    """True for "xin chào", "cảm ơn bot", "ok", "👍": a polite word back, not an answer
    from the plan (and nothing for admins to review in /cauhoi)."""
    folded = " ".join(words(text))
    return not folded or _SMALL_TALK.match(folded) is not None


# "hạn nộp báo cáo 6 tháng là khi nào?", "hạn chót tổng kết năm" (folded): the reporting
# calendar answers these, not the plan. "hạn chế" (shortcomings) is not a deadline.
_DEADLINE = re.compile(
    r"\b((han|thoi han)( (nop|chot|cuoi|gui))? (bao cao|so ket|tong ket)|"
    r"(nop|gui) bao cao (so ket |tong ket )?(6 thang |nam |ca nam )?"
    r"(khi nao|bao gio|ngay nao|truoc ngay nao|han nao))\b"
)


def asks_about_deadline(text: str) -> bool:
    """True when *text* asks when a report is due."""
    return _DEADLINE.search(" ".join(words(text))) is not None


# "Khi nào hết hạn nộp hồ sơ khen thưởng?": a question about a date the plan may set.
_WHEN = re.compile(
    r"\b(han|thoi han|han chot|het han|khi nao|bao gio|ngay nao|truoc ngay|luc nao|"
    r"may gio|thoi gian nop|thoi gian gui)\b"
)
_KIND_WORDS: tuple[tuple[DeadlineKind, re.Pattern[str]], ...] = (
    (DeadlineKind.DOSSIER, re.compile(r"\b(ho so|khen thuong|de nghi|xet tang)\b")),
    (DeadlineKind.REGISTRATION, re.compile(r"\b(dang ky|giao uoc)\b")),
    (DeadlineKind.SIX_MONTH, re.compile(r"\b(so ket|6 thang|sau thang|giua nam)\b")),
    (DeadlineKind.YEAR_END, re.compile(r"\b(tong ket|ca nam|cuoi nam)\b")),
)


def plan_deadlines_asked(text: str, deadlines: tuple[PlanDeadline, ...]) -> list[PlanDeadline]:
    """The dates the plan sets that *text* asks about ("hạn nộp hồ sơ khen thưởng", "khi
    nào đăng ký thi đua"): those of the kinds the question names, else those whose own words
    it names; none when it asks no date."""
    said = " ".join(words(text))
    if not deadlines or _WHEN.search(said) is None:
        return []
    kinds = [kind for kind, cue in _KIND_WORDS if cue.search(said)]
    if DeadlineKind.DOSSIER in kinds and len(kinds) > 1:
        kinds.remove(DeadlineKind.DOSSIER)  # "hồ sơ … sơ kết": the report's kind decides
    if kinds:
        return [d for d in deadlines if d.kind in kinds]
    asked = set(said.split())
    return [d for d in deadlines if set(words(d.what)) - {"bao", "cao"} <= asked]
