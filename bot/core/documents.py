"""Reading uploaded plan files (.txt, .md, .docx, text .pdf) into plain text.

The text keeps the document's reading order and line structure so that plan parsing sees
headings, numbered lines and paragraphs. .docx paragraphs and tables come out in body order,
a blank line between paragraphs and a table's rows one a line ("cell | cell"); Word's
automatic list numbers ("1.", "a)", "(1)") are written out, since plans often number their
targets that way and the numbers would otherwise vanish.

Every refusal is a :class:`DocumentError` whose ``message_vi`` tells the user what to do.
Limits are checked before any heavy work: the upload size first, then, for .docx, the zip
directory's uncompressed total *before* unpacking anything (a small file can unpack to
gigabytes: a zip bomb).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from bot.errors import UserFacingError

__all__ = [
    "MAX_DOCX_UNPACKED_BYTES",
    "MAX_FILE_BYTES",
    "SUPPORTED_EXTENSIONS",
    "DocumentError",
    "DocumentTooLarge",
    "EmptyDocument",
    "ScannedPdf",
    "UnreadableDocument",
    "UnsupportedFormat",
    "extract_text",
]

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DOCX_UNPACKED_BYTES = 50 * 1024 * 1024
SUPPORTED_EXTENSIONS = (".docx", ".pdf", ".txt", ".md")
# A PDF page set with fewer letters than this is taken for a scan (headers, page numbers only).
_MIN_PDF_LETTERS = 20

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class DocumentError(UserFacingError):
    """A file that cannot be turned into text; ``message_vi`` says what to do."""


class DocumentTooLarge(DocumentError):
    """Over :data:`MAX_FILE_BYTES`, or a .docx unpacking to over :data:`MAX_DOCX_UNPACKED_BYTES`."""


class UnsupportedFormat(DocumentError):
    """Not .docx, .pdf, .txt or .md."""


class ScannedPdf(DocumentError):
    """A PDF that holds only images (a scan) and no text to extract."""


class EmptyDocument(DocumentError):
    """A file with no text in it."""


class UnreadableDocument(DocumentError):
    """A damaged, encrypted or mislabelled file."""


def extract_text(data: bytes, filename: str) -> str:
    """The text of an uploaded file, NFC-normalised, lines separated by "\\n".

    Raises a :class:`DocumentError` subclass for files that are too large, of an unsupported
    kind, scanned, empty or unreadable.
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
        text = _docx_text(data)
    elif extension == ".pdf":
        text = _pdf_text(data)
    else:
        text = _plain_text(data)
    text = _normalise(text)
    if not text.strip():
        raise _empty()
    return text


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


def _unreadable(kind: str) -> UnreadableDocument:
    return UnreadableDocument(
        f"Không mở được tệp {kind}: tệp có thể bị hỏng, có mật khẩu hoặc không đúng định dạng. "
        "Hãy mở thử tệp trên máy, lưu lại (bỏ mật khẩu nếu có) rồi gửi lại."
    )


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text.replace("\x00", "").replace("\u00a0", " ").replace("\ufeff", "")


# --- plain text ------------------------------------------------------------------------------


def _plain_text(data: bytes) -> str:
    """UTF-8 (with or without BOM, or with a few damaged bytes), UTF-16 with BOM, then
    Windows-1258 (older Vietnamese files), then Latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _unreadable(".txt") from None
    if b"\x00" in data:
        raise _unreadable(".txt")  # binary content under a text name
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    mostly = data.decode("utf-8-sig", errors="replace")
    if mostly.count("\ufffd") * 200 < len(mostly):
        return mostly  # UTF-8 with a few damaged bytes: keep it rather than guess a code page
    try:
        # Older Vietnamese Windows files; its tone marks are combining, NFC recomposes them.
        return data.decode("cp1258")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --- .docx ---------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable(".docx") from None
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_DOCX_UNPACKED_BYTES:
            raise DocumentTooLarge(
                f"Tệp .docx này khi giải nén lớn hơn {MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)} "
                "MB (nhiều hình ảnh, hoặc tệp bất thường) nên không đọc được. Hãy lưu lại chỉ "
                "phần chữ, hoặc gửi bản .pdf có chữ hay .txt."
            )
        if "word/document.xml" not in archive.namelist():
            raise _unreadable(".docx")
    import docx  # python-docx; imported here so plain-text callers do not pay for it

    try:
        document = docx.Document(io.BytesIO(data))
        blocks = [b for b in _docx_blocks(document) if b.strip()]
    except Exception as exc:  # python-docx raises many kinds on damaged parts
        raise _unreadable(".docx") from exc
    # A blank line between paragraphs, as in typed text: Word paragraphs are not wrapped lines.
    return "\n\n".join(blocks)


def _docx_blocks(document: Any) -> Iterator[str]:
    yield from _blocks(document.element.body, _Numbering(document))


def _blocks(container: Any, numbering: _Numbering) -> Iterator[str]:
    """Paragraphs and whole tables (one row a line) of *container* in order, entering
    content controls (w:sdt)."""
    for element in container.iterchildren():
        if element.tag == f"{_W}p":
            yield _paragraph_text(element, numbering)
        elif element.tag == f"{_W}tbl":
            yield "\n".join(_table_lines(element, numbering))
        elif element.tag == f"{_W}sdt":
            content = element.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content, numbering)


def _paragraph_text(paragraph: Any, numbering: _Numbering) -> str:
    texts: list[str] = []
    for node in paragraph.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if node.tag == f"{_W}t":
            texts.append(node.text or "")
        else:
            texts.append("\t" if node.tag == f"{_W}tab" else "\n")
    text = "".join(texts)
    label = numbering.label(paragraph)
    return f"{label} {text}" if label and text.strip() else text


def _table_lines(table: Any, numbering: _Numbering) -> Iterator[str]:
    """One line per row, cells joined by " | "; a cell spanning columns appears once."""
    for row in table.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for cell in row.iterchildren(f"{_W}tc"):
            parts = [_paragraph_text(p, numbering) for p in cell.iterchildren(f"{_W}p")]
            text = " ".join(" ".join(p.split()) for p in parts if p.strip())
            cells.append(text)
        if any(cells):
            yield " | ".join(cells)


class _Numbering:
    """Word's automatic list numbers, rendered the way the document shows them."""

    def __init__(self, document: Any) -> None:
        self._formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self._counters: dict[str, list[int]] = {}
        self._styles: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.iterchildren(f"{_W}abstractNum"):
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in node.iterchildren(f"{_W}lvl"):
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    _child_val(lvl, "numFmt", "decimal"),
                    _child_val(lvl, "lvlText", "%1."),
                    int(_child_val(lvl, "start", "1")),
                )
            abstract[node.get(f"{_W}abstractNumId", "")] = levels
        for num in root.iterchildren(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            abstract_id = _child_val(num, "abstractNumId", "")
            for ilvl, fmt in abstract.get(abstract_id, {}).items():
                self._formats[(num_id, ilvl)] = fmt
        self._styles = _style_numbering(document)

    def label(self, paragraph: Any) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        if num_id is None or (num_id, ilvl) not in self._formats:
            return ""
        counters = self._counters.setdefault(num_id, [0] * 9)
        ilvl = min(ilvl, 8)
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = 0
        fmt, text, _ = self._formats[(num_id, ilvl)]
        if fmt in {"bullet", "none"}:
            return "-" if fmt == "bullet" else ""

        def level_value(match: re.Match[str]) -> str:
            level = int(match.group(1)) - 1
            lvl_fmt, _, start = self._formats.get((num_id, level), ("decimal", "", 1))
            return _render(counters[level] + start - 1, lvl_fmt)

        return re.sub(r"%(\d)", level_value, text).strip()

    def _num_pr(self, paragraph: Any) -> tuple[str | None, int]:
        ppr = paragraph.find(f"{_W}pPr")
        if ppr is not None:
            num_pr = ppr.find(f"{_W}numPr")
            if num_pr is not None:
                num_id = _child_val(num_pr, "numId", "")
                if num_id and num_id != "0":
                    return num_id, int(_child_val(num_pr, "ilvl", "0"))
            style = ppr.find(f"{_W}pStyle")
            if style is not None and style.get(f"{_W}val") in self._styles:
                return self._styles[style.get(f"{_W}val", "")]
        return None, 0


def _child_val(node: Any, name: str, default: str) -> str:
    child = node.find(f"{_W}{name}")
    if child is None:
        return default
    value = child.get(f"{_W}val")
    return default if value is None else str(value)


def _style_numbering(document: Any) -> dict[str, tuple[str, int]]:
    """Paragraph styles that carry their own list numbering ("List Number")."""
    found: dict[str, tuple[str, int]] = {}
    try:
        styles = document.styles.element
    except (KeyError, NotImplementedError, AttributeError):
        return found
    for style in styles.iterchildren(f"{_W}style"):
        ppr = style.find(f"{_W}pPr")
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is not None:
            num_id = _child_val(num_pr, "numId", "")
            if num_id and num_id != "0":
                found[style.get(f"{_W}styleId", "")] = (
                    num_id,
                    int(_child_val(num_pr, "ilvl", "0")),
                )
    return found


def _render(value: int, fmt: str) -> str:
    if fmt in {"lowerLetter", "upperLetter"}:
        letters = "abcdefghijklmnopqrstuvwxyz"
        text = letters[(value - 1) % 26] * ((value - 1) // 26 + 1) if value > 0 else ""
        return text.upper() if fmt == "upperLetter" else text
    if fmt in {"lowerRoman", "upperRoman"}:
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _roman(value: int) -> str:
    numerals = (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    )  # fmt: skip
    out: list[str] = []
    for amount, numeral in numerals:
        count, value = divmod(value, amount)
        out.append(numeral * count)
    return "".join(out)


# --- .pdf -----------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _unreadable(".pdf")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise _unreadable(".pdf") from exc
    text = "\n".join(pages)
    if sum(ch.isalpha() for ch in text) < _MIN_PDF_LETTERS:
        raise ScannedPdf(
            "Tệp PDF này là bản scan (chỉ có hình ảnh, không có chữ) nên không đọc được. "
            "Hãy gửi bản .docx hoặc PDF xuất trực tiếp từ Word; nếu chỉ có bản giấy, hãy "
            "chuyển bản scan thành chữ (OCR) rồi gửi tệp .docx hoặc .txt."
        )
    return text
