"""Vietnamese text normalisation shared by plan parsing, matching and report parsing.

Everything that compares user text with plan text goes through :func:`fold` so that
"Bảo hiểm y tế", "bao hiem y te" and "BẢO HIỂM Y TẾ" meet in one form.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z%]+")

# đ/Đ are letters of their own in Unicode, not d plus a mark, so NFD leaves them alone.
_LETTER_MAP = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def strip_marks(text: str) -> str:
    """Remove Vietnamese diacritics (tones and vowel marks), keeping case and punctuation."""
    decomposed = unicodedata.normalize("NFD", text.translate(_LETTER_MAP))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d) and collapse white space; punctuation stays."""
    return _SPACES.sub(" ", strip_marks(text).lower()).strip()


def words(text: str) -> list[str]:
    """The folded words of *text*: letters, digits and "%" only, in order."""
    return _NON_WORD.sub(" ", fold(text)).split()


def collapse_spaces(text: str) -> str:
    """Join wrapped lines and runs of white space into single spaces."""
    return _SPACES.sub(" ", text).strip()


def shorten(text: str, limit: int) -> str:
    """*text* with spaces collapsed, cut at a word boundary to at most *limit* characters,
    with "…" where it was cut (labels on buttons, titles in citations)."""
    text = collapse_spaces(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;:–-") + "…"
