"""What kind of question a message asks, read from its wording before any matching.

* :func:`mend_cue_typos` mends the words officers open questions with when mistyped
  ("chỉ tiu", "chi teu", "chitieu" → "chỉ tiêu"), so the cue is dropped as a cue instead of
  weighing as two words the plan never uses.
* :func:`asks_signer`: "ai ký kế hoạch?", "người ký là ai" — the signature block answers.
* :func:`duty_actor`: "Phòng Văn hóa và Thông tin có nhiệm vụ gì?", "công an xã làm gì",
  "trách nhiệm của UBND các thôn" — the office or unit whose duties are asked, answered from
  the part of the plan that assigns duties.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.text import fold, strip_marks, words

__all__ = ["asks_signer", "duty_actor", "mend_cue_typos"]

# "chỉ tiêu" typed with a slip in the second word, or run together. Only slips that make no
# other word after "chi" ("chi tiết", "chi tiền" are words of their own) are mended.
_TIEU_SLIPS = frozenset({"tiu", "teu", "tie", "tjeu", "tieuu", "tieeu", "tiue", "iteu", "tiei"})
_CUE = re.compile(r"(?<!\w)(?P<chi>ch[iịỉìíĩj]|chj|ch)\s*(?P<tieu>\w{2,6})(?!\w)", re.IGNORECASE)
_JOINED = re.compile(r"(?<!\w)ch[iỉ]ti[eê]u(?!\w)", re.IGNORECASE)


def mend_cue_typos(text: str) -> str:
    """*text* with "chỉ tiêu" mended where it was mistyped; anything else left as typed."""

    def mend(found: re.Match[str]) -> str:
        chi, tieu = fold(found["chi"]), fold(found["tieu"])
        if chi not in {"chi", "chj", "ch"} or tieu not in _TIEU_SLIPS | {"tieu"}:
            return found.group()
        if chi == "chi" and tieu == "tieu" and " " in found.group():
            return found.group()  # already right
        return "chỉ tiêu"

    return _JOINED.sub("chỉ tiêu", _CUE.sub(mend, unicodedata.normalize("NFC", text)))


# "ai ký kế hoạch", "người ký là ai", "kế hoạch do ai ký", "ký bởi ai", "chữ ký của ai" (folded,
# without punctuation). Only the document's own signing counts: "ai ký xác nhận hồ sơ khen
# thưởng?" asks a duty. Folded, "ký" (sign) is also "kỳ" (period) and "kỹ" (careful): typed
# with marks, only "ký"/"kí" count.
_DOCUMENT = r"(?:ke hoach|van ban|bao cao|quyet dinh)(?: nay)?"
_SIGNER = re.compile(
    rf"\b(?:ai|nguoi nao|ong nao|ba nao)(?: la nguoi)?(?: da)? k[yi](?: ten)?(?: {_DOCUMENT}| nay)?"
    r"(?: a| vay| nhi| the)*$"
    rf"|\bnguoi k[yi](?: ten)?(?: {_DOCUMENT})?"
    r"(?: (?:la ai|la ong nao|la ba nao|ten gi|la gi)\b| a$| vay$|$)"
    rf"|\b{_DOCUMENT} (?:do|duoc) ai k[yi]\b"
    r"|\bk[yi] boi ai\b"
    r"|\bchu k[yi](?: tren ke hoach| cua ke hoach)? (?:cua|la cua|la) ai\b"
    rf"|\bai (?:la )?nguoi k[yi](?: {_DOCUMENT})?(?: a| vay)*$"
)
_SIGN_WORD = re.compile(r"(?<!\w)k[ýí](?!\w)", re.IGNORECASE)
_MARKED = re.compile(r"[^\x00-\x7f]")


def asks_signer(text: str) -> bool:
    """True when *text* asks who signed the document."""
    if _SIGNER.search(" ".join(words(text))) is None:
        return False
    typed = unicodedata.normalize("NFC", text)
    # Typed with marks, the word must be "ký" itself, not "kỳ" or "kỹ".
    return not _MARKED.search(typed) or _SIGN_WORD.search(typed) is not None


# Duty questions, on the text folded letter for letter (same length as typed), so the actor can
# be cut from what was typed. The actor comes before "có nhiệm vụ gì", "làm gì", "phụ trách gì"
# or after "nhiệm vụ của", "trách nhiệm của", "vai trò của".
_ASK_TAIL = (
    r"(?:\s+(?:la\s+gi|gom\s+nhung\s+gi|gom\s+gi|the\s+nao|nhu\s+the\s+nao|ra\s+sao|a|nhi|vay))*"
)
# "… có trách nhiệm gì trong thi đua?", "… làm gì về khen thưởng"
_ABOUT_WHAT = r"(?:\s+(?:trong|ve|doi\s+voi|khi|o)\s+[a-z0-9 ,]+)?"
_DUTY_AFTER = re.compile(
    r"^(?:(?:cho|xin|muon)\s+hoi\s+)?(?:cac\s+)?(?:nhiem\s+vu|trach\s+nhiem|vai\s+tro|cong\s+viec|"
    r"phan\s+cong)\s+(?:cu\s+the\s+)?(?:cua|doi\s+voi|cho)\s+(?P<actor>.+?)" + _ASK_TAIL + r"\s*$"
)
_DUTY_BEFORE = re.compile(
    r"^(?:(?:cho|xin|muon)\s+hoi\s+)?(?P<actor>.+?)\s+(?:thi\s+)?(?:co|duoc\s+giao|phai|can|se|"
    r"dam\s+nhan|chiu)?\s*(?:(?:nhung\s+|cac\s+)?(?:nhiem\s+vu|trach\s+nhiem|vai\s+tro|"
    r"viec|cong\s+viec)\s+(?:gi|nao|nhu\s+the\s+nao|the\s+nao|ra\s+sao)|lam\s+(?:nhung\s+)?"
    r"(?:gi|viec\s+gi)|phu\s+trach\s+(?:gi|viec\s+gi|nhung\s+gi))"
    + _ASK_TAIL
    + _ABOUT_WHAT
    + r"\s*$"
)
_LETTERS_ONLY = re.compile(r"[^0-9a-z]+")
# An actor is an office, a unit or a post, not a topic ("nhiệm vụ của năm 2025").
_NOT_ACTOR = frozenset({"nam", "ke hoach", "ke hoach nay", "phong trao", "chi tieu", "nay", "do"})


def _folded_same_length(text: str) -> str:
    """Lower case without marks, one character for one character (đ → d)."""
    return strip_marks(text).lower()


def duty_actor(text: str) -> str | None:
    """The office or unit whose duties *text* asks about, as typed ("Phòng Văn hóa và Thông
    tin"), or None when it asks no such thing."""
    typed = unicodedata.normalize("NFC", text).strip().rstrip("?.! ")
    folded = _folded_same_length(typed)
    if len(folded) != len(typed):  # a character without a one-letter folding: work folded
        typed = folded
    for pattern in (_DUTY_AFTER, _DUTY_BEFORE):
        found = pattern.match(folded)
        if found is None:
            continue
        actor = typed[found.start("actor") : found.end("actor")].strip(" ,;:-")
        plain = " ".join(_LETTERS_ONLY.sub(" ", fold(actor)).split())
        if plain and plain not in _NOT_ACTOR and not plain.startswith(("ai", "nao")):
            return actor
    return None
