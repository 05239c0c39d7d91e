"""Reading uploaded plan files (.txt, .md, .docx, text .pdf) into plain text.

The text keeps the document's reading order and line structure so that plan parsing sees
headings, numbered lines, paragraphs and tables. Tables come out one row a line as
``| c1 | c2 | … |`` with a blank line before and after each table, in both .docx
(:mod:`bot.core.docx_reader`) and text PDFs (:mod:`bot.core.pdf_reader`); those modules
document the full contract.

Every refusal is a :class:`DocumentError` whose ``message_vi`` tells the user what to do.
All work is bounded: the upload size is checked first; a .docx is inflated through a cap on
the bytes actually produced and parsed under an XML element budget; a PDF under a page limit;
plain text is told from binary content by more than NUL bytes; and the text handed on is
limited to :data:`MAX_TEXT_CHARS` characters.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath

from bot.errors import UserFacingError

__all__ = [
    "MAX_DOCX_UNPACKED_BYTES",
    "MAX_DOCX_XML_ELEMENTS",
    "MAX_FILE_BYTES",
    "MAX_PDF_PAGES",
    "MAX_TEXT_CHARS",
    "SUPPORTED_EXTENSIONS",
    "DocumentError",
    "DocumentTooLarge",
    "EmptyDocument",
    "PasswordProtected",
    "ScannedPdf",
    "UnreadableDocument",
    "UnsupportedFormat",
    "extract_text",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
# A long real plan has some 100.000 XML elements; Word's own limits are far above this budget,
# which an attacker otherwise fills with millions of empty paragraphs.
MAX_DOCX_XML_ELEMENTS = 500_000
MAX_PDF_PAGES = 60
# About 400 pages of text: no plan is longer, and the parser's work stays bounded.
MAX_TEXT_CHARS = 1_000_000
SUPPORTED_EXTENSIONS = (".docx", ".pdf", ".txt", ".md")


class DocumentError(UserFacingError):
    """A file that cannot be turned into text; ``message_vi`` says what to do."""


class DocumentTooLarge(DocumentError):
    """Over a limit: file size, unpacked size, XML elements, PDF pages or characters of text."""


class UnsupportedFormat(DocumentError):
    """Not .docx, .pdf, .txt or .md."""


class ScannedPdf(DocumentError):
    """A PDF that holds only images (a scan) and no text to extract."""


class EmptyDocument(DocumentError):
    """A file with no text in it."""


class UnreadableDocument(DocumentError):
    """A damaged or mislabelled file, or binary content under a text name."""


class PasswordProtected(UnreadableDocument):
    """A PDF that asks for a password to be opened (an owner password alone is no obstacle)."""


def extract_text(data: bytes, filename: str) -> str:
    """The text of an uploaded file, NFC-normalised, lines separated by "\\n".

    Raises a :class:`DocumentError` subclass for files that are too large, of an unsupported
    kind, scanned, empty, protected or unreadable.
    """
    extension = PurePath(filename.strip().lower()).suffix
    if len(data) > MAX_FILE_BYTES:
        raise DocumentTooLarge(
            f"Tệp lớn hơn {MAX_FILE_BYTES // (1024 * 1024)} MB nên không đọc được. Hãy gửi bản "
            "nhỏ hơn: bỏ bớt hình ảnh, hoặc chỉ gửi phần chữ dưới dạng .docx hay .txt."
        )
    if extension not in SUPPORTED_EXTENSIONS:
        raise _unsupported(extension)
    if not data.strip():
        raise _empty()
    if extension == ".docx":
        from bot.core.docx_reader import read_docx  # imported here: plain text needs no XML

        text = read_docx(data)
    elif extension == ".pdf":
        from bot.core.pdf_reader import read_pdf  # imported here: PDF libraries load slowly

        text = read_pdf(data)
    else:
        text = _plain_text(data)
    text = _normalise(text)
    if len(text) > MAX_TEXT_CHARS:
        raise text_too_long()
    if not text.strip():
        raise _empty()
    return text


def unreadable(kind: str) -> UnreadableDocument:
    """The refusal for a damaged or mislabelled file of *kind* (".docx", ".pdf", ".txt")."""
    return UnreadableDocument(
        f"Không mở được tệp {kind}: tệp có thể bị hỏng hoặc không đúng định dạng. "
        "Hãy mở thử tệp trên máy, lưu lại thành bản mới rồi gửi lại."
    )


def text_too_long() -> DocumentTooLarge:
    """The refusal for a document holding more text than a plan ever does."""
    limit = f"{MAX_TEXT_CHARS:,}".replace(",", ".")
    return DocumentTooLarge(
        f"Tệp có hơn {limit} ký tự chữ, dài hơn mọi kế hoạch nên không đọc được. Hãy gửi "
        "riêng phần kế hoạch (các chỉ tiêu, nhiệm vụ) trong một tệp ngắn hơn."
    )


def _unsupported(extension: str) -> UnsupportedFormat:
    if extension == ".doc":
        return UnsupportedFormat(
            "Tệp .doc (Word đời cũ) chưa đọc được. Hãy mở tệp bằng Word, chọn «Lưu thành» "
            "định dạng .docx rồi gửi lại."
        )
    shown = extension or "không có phần mở rộng"
    return UnsupportedFormat(
        f"Chưa đọc được tệp dạng «{shown}». Hãy gửi tệp .docx, .pdf có chữ, .txt hoặc .md."
    )


def _empty() -> EmptyDocument:
    return EmptyDocument(
        "Tệp không có nội dung chữ nào. Hãy mở tệp kiểm tra lại rồi gửi bản có nội dung."
    )


# Invisible characters that carry no text: zero-width space, soft hyphen, word joiner, BOM,
# and control characters other than tab and line breaks.
_INVISIBLE = re.compile(r"[\u200b\u00ad\u2060\ufeff\x00-\x08\x0e-\x1f\x7f]")


def _normalise(text: str) -> str:
    text = text.replace("\r\n", "\n").translate(_LINE_BREAKS)
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return text.replace("\u00a0", " ")


# Carriage returns, vertical tabs and form feeds end lines as well.
_LINE_BREAKS = str.maketrans({"\r": "\n", "\x0b": "\n", "\x0c": "\n"})


# --- plain text ------------------------------------------------------------------------------

_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# Characters that do not occur in text: control characters other than tab and line breaks,
# the replacement character left by undecodable bytes, surrogates and private-use characters.
_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd\ud800-\udfff\ue000-\uf8ff]")
_MAX_NOT_TEXT_SHARE = 0.01
_MAX_DAMAGED_UTF8_SHARE = 0.005
# cp1258 writes tone marks as combining characters after the vowel; one after anything else
# means the bytes were not Vietnamese (e.g. "ì" in Western cp1252 text).
_STRAY_TONE = re.compile(r"(?:^|[^aăâeêioôơuưyAĂÂEÊIOÔƠUƯY])[\u0300\u0301\u0303\u0309\u0323]")


def _plain_text(data: bytes) -> str:
    text = _decode(data)
    if len(text) - len(_NOT_TEXT.sub("", text)) > len(text) * _MAX_NOT_TEXT_SHARE:
        raise _not_text()
    return text


def _not_text() -> UnreadableDocument:
    return UnreadableDocument(
        "Tệp này không phải văn bản (có thể là hình ảnh, tệp nén hay tệp chương trình được "
        "đặt tên .txt/.md) nên không đọc được. Hãy gửi tệp .docx, .pdf có chữ, hoặc lưu kế "
        "hoạch thành .txt bằng Notepad hay Word rồi gửi lại."
    )


def _decode(data: bytes) -> str:
    """UTF-8 or UTF-16/32 by their BOM; UTF-16 without BOM by its zero bytes; UTF-8 (with at
    most a few damaged bytes); then the legacy Windows code pages, Vietnamese first."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise _not_text() from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data or _control_bytes(data) > len(data) * _MAX_NOT_TEXT_SHARE:
        raise _not_text()  # told from the bytes, before decoding a large binary file
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly = data.decode("utf-8", errors="replace")
    if mostly.count("\ufffd") <= len(mostly) * _MAX_DAMAGED_UTF8_SHARE:
        return mostly  # UTF-8 with a few damaged bytes: keep it rather than guess a code page
    return _legacy(data)


def _control_bytes(data: bytes) -> int:
    """Bytes that are control characters in UTF-8 and in every Windows code page alike."""
    return len(data) - len(data.translate(None, _CONTROL_BYTES))


_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x20), 0x7F])


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a BOM: most characters of Vietnamese (and any Latin) text are
    below U+0100, so one byte of nearly every pair is zero, always on the same side."""
    sample = data[: 64 * 1024 - (64 * 1024) % 2]
    pairs = len(sample) // 2
    if pairs < 2 or len(data) % 2:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    for zeros, stray, codec in (
        (odd_zeros, even_zeros, "utf-16-le"),
        (even_zeros, odd_zeros, "utf-16-be"),
    ):
        if zeros >= pairs * 0.3 and stray <= pairs * 0.02:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _legacy(data: bytes) -> str:
    """Windows-1258 (older Vietnamese files; its tone marks are combining, NFC recomposes
    them), unless its tone marks fall where Vietnamese has none: then Windows-1252."""
    for codec in ("cp1258", "cp1252"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "cp1252" or not _STRAY_TONE.search(text):
            return text
    return data.decode("latin-1")
