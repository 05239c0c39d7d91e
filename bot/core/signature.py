"""Who signed a document: the signature block at its end ("TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH /
Nguyễn Văn A").

Administrative documents (Nghị định 30/2020/NĐ-CP) end with the recipients ("Nơi nhận:") on the
left and the signing authority on the right: an optional mandate ("TM." on behalf of, "KT."
signing for, "TL.", "TUQ.", "Q."), the signer's post in capitals ("CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
often "(Đã ký)", then the name. Extracted text mixes the two columns in any order (a Word
table row joined with "|", a PDF line holding a recipient and "CHỦ TỊCH"), so the block is read
as pieces of the tail: the last post written in capitals, the mandate before it, and the first
piece after it shaped like a person's name. Nothing is guessed: without a post and a name there
is no signer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.core.text import collapse_spaces, fold

__all__ = ["Signer", "find_signer"]

_TAIL_CHARS = 2500  # the signature block sits in the last lines of the document
# Pieces after the post where the name may stand: in a PDF of two columns the recipients'
# lines come in between.
_NAME_REACH = 16

# Posts that sign plans and reports, folded, with how they are written in a sentence.
_POSTS = {
    "pho chu tich": "Phó Chủ tịch",
    "chu tich": "Chủ tịch",
    "pho truong ban": "Phó Trưởng ban",
    "truong ban": "Trưởng ban",
    "pho truong phong": "Phó Trưởng phòng",
    "truong phong": "Trưởng phòng",
    "pho giam doc": "Phó Giám đốc",
    "giam doc": "Giám đốc",
    "pho bi thu": "Phó Bí thư",
    "bi thu": "Bí thư",
    "chanh van phong": "Chánh Văn phòng",
    "truong thon": "Trưởng thôn",
    "to truong": "Tổ trưởng",
    "hieu truong": "Hiệu trưởng",
    "thu truong": "Thủ trưởng",
}
# Mandates before the post: "TM." thay mặt, "KT." ký thay, "TL." thừa lệnh, "TUQ." thừa ủy
# quyền, "Q." quyền.
_MANDATES = {"tm": "thay mặt", "kt": "ký thay", "tl": "thừa lệnh", "tuq": "thừa ủy quyền"}
_BODIES = {
    "uy ban nhan dan": "Ủy ban nhân dân",
    "hoi dong thi dua - khen thuong": "Hội đồng Thi đua - Khen thưởng",
    "hoi dong thi dua khen thuong": "Hội đồng Thi đua - Khen thưởng",
    "hoi dong nhan dan": "Hội đồng nhân dân",
    "chu tich": "Chủ tịch",
    "ban chap hanh": "Ban Chấp hành",
}
_MARKUP = re.compile(r"[*_#`>»«]+|<br\s*/?>", re.IGNORECASE)
_PIECES = re.compile(r"\n|\||\(\s*(?:đã|da)\s+k[ýyí]\s*\)|;", re.IGNORECASE)
_MANDATE = re.compile(r"^\s*(TM|T/M|KT|K/T|TL|T/L|TUQ|T/UQ)\s*[.:]\s*(?P<body>.+)$", re.IGNORECASE)
_WORD = re.compile(r"^[^\W\d_]+$")
# Words that open a piece that is not a name (recipients, page marks, body names).
_NOT_NAME = frozenset(
    {"noi", "nhan", "luu", "trang", "uy", "ban", "dan", "hoi", "dong", "thuong", "truc", "cac"}
    | {"so", "phong", "chu", "tich", "pho", "ke", "hoach", "bao", "cao", "tm", "kt", "tl"}
)


@dataclass(frozen=True, slots=True)
class Signer:
    """Who signed: "Nguyễn Ngọc Trân", "Chủ tịch", and the mandate when written."""

    name: str
    post: str  # "Chủ tịch"; empty when the scan lost it
    mandate: str = ""  # "thay mặt Ủy ban nhân dân", "ký thay Chủ tịch"

    def describe(self) -> str:
        """ "Nguyễn Ngọc Trân, Chủ tịch (thay mặt Ủy ban nhân dân)"."""
        text = f"{self.name}, {self.post}" if self.post else self.name
        return f"{text} ({self.mandate})" if self.mandate else text


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _post(piece: str) -> tuple[str, str] | None:
    """The post a piece in capitals ends with ("CHỦ TỊCH", OCR "CHU TICH", "TM. ỦY BAN NHÂN
    DÂN CHỦ TỊCH" from a table cell), as written in a sentence, and the capitals before it."""
    words = piece.split()
    run: list[str] = []
    for word in reversed(words):
        if not _is_upper(word):
            break
        run.insert(0, word)
    folded = [" ".join(re.sub(r"[^a-z/]", " ", fold(w)).split()) for w in run]
    for key, written in _POSTS.items():  # longer posts first ("phó chủ tịch")
        size = len(key.split())
        if len(folded) >= size and " ".join(folded[-size:]) == key:
            return written, " ".join(run[:-size])
    return None


def _name(piece: str) -> str | None:
    """A piece shaped like a person's name: two to six words, each capitalised."""
    text = collapse_spaces(piece).strip(" .,:;-–")
    words = text.split()
    if not 2 <= len(words) <= 6 or not all(_WORD.match(w) for w in words):
        return None
    if fold(words[0]) in _NOT_NAME or not all(w[0].isupper() for w in words):
        return None
    if _is_upper(text):  # "NGUYỄN VĂN AN"
        return " ".join(w[:1] + w[1:].lower() for w in words)
    if not all(w[1:].islower() or len(w) == 1 for w in words):
        return None
    return text


def _body(text: str) -> str:
    folded = " ".join(fold(text).replace("–", "-").split())
    for key, written in _BODIES.items():
        if folded == key:
            return written
    if key_post := _POSTS.get(folded):
        return key_post
    clean = collapse_spaces(text)
    return clean[:1].upper() + clean[1:].lower() if _is_upper(clean) else clean


def find_signer(text: str) -> Signer | None:
    """The signer named in the signature block at the end of *text*, if there is one."""
    tail = unicodedata.normalize("NFC", text[-_TAIL_CHARS:])
    pieces = [collapse_spaces(p) for p in _PIECES.split(_MARKUP.sub(" ", tail))]
    pieces = [p for p in pieces if p]
    # A recipient line and the post may share a line in a PDF ("- Lưu: VT. CHỦ TỊCH"): the
    # capitals at the end of a piece are read (the last post wins).
    found: tuple[int, str, str] | None = None
    for i, piece in enumerate(pieces):
        read = _post(piece)
        if read is not None:
            found = (i, *read)
    if found is None:
        return _without_post(pieces)
    index, post, before = found
    name = next((n for p in pieces[index + 1 : index + _NAME_REACH] if (n := _name(p))), None)
    if name is None:
        return None
    mandate = ""
    for piece in (before, *reversed(pieces[max(0, index - 4) : index])):
        m = _MANDATE.match(_trailing_capitals(piece))
        if m:
            kind = _MANDATES.get(m.group(1).replace("/", "").lower(), "")
            mandate = f"{kind} {_body(m['body'])}" if kind else ""
            break
    return Signer(name, post, mandate)


def _without_post(pieces: list[str]) -> Signer | None:
    """A block whose post the scan lost: "TM. ỦY BAN NHÂN DÂN" straight above the name."""
    for index in range(len(pieces) - 1, -1, -1):
        m = _MANDATE.match(_trailing_capitals(pieces[index]))
        if m is None:
            continue
        kind = _MANDATES.get(m.group(1).replace("/", "").lower(), "")
        name = next((n for p in pieces[index + 1 : index + 3] if (n := _name(p))), None)
        if name is None or not kind:
            return None
        return Signer(name, "", f"{kind} {_body(m['body'])}")
    return None


def _trailing_capitals(piece: str) -> str:
    """The run of words in capitals ending *piece* ("… phường; CHỦ TỊCH" → "CHỦ TỊCH")."""
    words = piece.split()
    run: list[str] = []
    for word in reversed(words):
        if not _is_upper(word):
            break
        run.insert(0, word)
    return " ".join(run)
