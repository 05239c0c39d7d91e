"""Telling an OCR-damaged copy of a text from a real change to it.

A plan imported cleanly (from .docx) may later be re-imported from a scan of the same paper:
the scan reads the same targets with lost or broken diacritics ("Tông giá trị" for "Tổng giá
trị", "Tỷ lệ tăng dan sé ty nhiên" for "Tỷ lệ tăng dân số tự nhiên", "Sơn Thuy" for "Sơn
Thủy"). Such a reading says nothing new and must not replace the clean text; a real change of
wording ("Tỷ lệ hộ cận nghèo" for "Tỷ lệ hộ nghèo", "Thôn 3" for "Thôn 2") must.

:func:`is_damaged_copy` compares word by word: the same number of words, numbers unchanged,
and every word that differs is the stored word with marks lost (equal once folded, fewer
marks) or one letter misread in a word that also lost marks ("sé" for "số", "méi" for
"mới", "ty" for "tự"). A word that gained marks, or changed more, is a change.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz.distance import Levenshtein

from bot.core.text import fold

_WORD = re.compile(r"[^\W_]+")
# OCR leaves stray symbols where marks were ("¢ So", "1€"): they are not words of the text.
_NOISE = re.compile(r"[€¢§|~^`´¨]")


# Letters OCR reads as digits inside a word: "1e" for "lệ", "Tr6ng" for "Trồng", "t0" for "tô".
_DIGIT_LETTERS = str.maketrans({"1": "l", "0": "o", "6": "o", "5": "s"})


def marks(word: str) -> int:
    """How many diacritics *word* carries ("số" 2, "tự" 1, "so" 0; "đ" counts as one)."""
    decomposed = unicodedata.normalize("NFD", word)
    return sum(unicodedata.combining(ch) != 0 for ch in decomposed) + sum(ch in "đĐ" for ch in word)


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFC", _NOISE.sub(" ", text)))


def _damaged_word(new: str, old: str) -> bool:
    """True when *new* is *old* as OCR may misread it: marks lost, or for a word with no
    digits one letter misread besides (same first letter)."""
    if new == old:
        return True
    if any(ch.isdigit() for ch in old) or new.isdigit():
        return False  # numbers tell targets and units apart: never noise
    # Past this, digits in *new* are letters misread ("Tr6ng" for "Trồng", "t6" for "tổ").
    if new.lower().translate(_DIGIT_LETTERS) == old.lower():
        return True  # case, or letters read as digits ("1ệ" for "lệ")
    if marks(new) >= marks(old):
        return False
    fn, fo = fold(new).translate(_DIGIT_LETTERS), fold(old)
    if fn == fo:
        return True
    return fn[:1] == fo[:1] and len(fo) >= 2 and Levenshtein.distance(fn, fo) <= 1


def is_damaged_copy(new: str, old: str) -> bool:
    """True when *new* is *old* read with OCR damage only, and differs from it.

    >>> is_damaged_copy("Tỷ lệ tăng dan sé ty nhiên", "Tỷ lệ tăng dân số tự nhiên")
    True
    >>> is_damaged_copy("Tỷ lệ hộ cận nghèo", "Tỷ lệ hộ nghèo")
    False
    >>> is_damaged_copy("Thôn 3", "Thôn 2"), is_damaged_copy("Tổng giá trị", "Tông giá trị")
    (False, False)
    """
    if new == old:
        return False
    new_words, old_words = _words(new), _words(old)
    if not old_words or len(new_words) != len(old_words):
        return False
    if new_words == old_words:  # spacing, line breaks or stray symbols only
        return True
    lost = sum(marks(w) for w in new_words) < sum(marks(w) for w in old_words)
    return lost and all(_damaged_word(n, o) for n, o in zip(new_words, old_words, strict=True))
