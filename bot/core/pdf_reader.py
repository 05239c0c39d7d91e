"""The text of a text PDF, tables included, read with pdfplumber (pypdf as a fallback).

Output contract (the plan parser relies on it; it matches :mod:`bot.core.docx_reader`):

* pages in order, each page's lines top to bottom as the PDF lays them out: the lines of a
  paragraph stay the lines the PDF shows (the parser re-joins wrapped lines); page headers,
  footers and page numbers are left in;
* a table pdfplumber finds (a ruled grid of two columns or more, as Word and LibreOffice
  export tables; a one-column frame stays loose text) stands in its place on the page, not
  repeated as loose text, with a blank line before and after it and one line per row:
  ``| c1 | c2 | … |``. Every row has the table's column count; cells a
  merged cell covers (across or down) are empty. Cell text has line breaks collapsed to one
  space and ``|`` replaced by ``/``. Rows with no text are left out;
* a table that ends one page and goes on at the top of the next (same columns, same width)
  comes out as one table: the page-number lines between the two parts are dropped, and so is
  the repeated header row when it matches the table's first row.

An owner password alone (the PDF opens in any viewer) is no obstacle; a PDF that needs a
password to be opened is refused with :class:`PasswordProtected`. A PDF with too little text
is taken for a scan (:class:`ScannedPdf`, which the OCR path handles).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.documents import (
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    DocumentError,
    DocumentTooLarge,
    PasswordProtected,
    ScannedPdf,
    text_too_long,
    unreadable,
)

__all__ = ["read_pdf"]

# A PDF page set with fewer letters than this is taken for a scan (headers, page numbers only).
_MIN_PDF_LETTERS = 20
_SPACES = re.compile(r"\s+")
# "2", "- 2 -", "Trang 2", "2/7": the marks that sit between two parts of a table.
_PAGE_MARK = re.compile(r"^\W*(?:trang|page)?\s*\d{1,4}(?:\s*/\s*\d{1,4})?\W*$", re.IGNORECASE)
# What the compressed streams of a text PDF may inflate to (content, fonts, forms).
_MAX_STREAM_BYTES = 32 * 1024 * 1024
_MAX_STREAMS_BYTES = 128 * 1024 * 1024
_STEP = 1024 * 1024
# Tables whose left and right edges match within this many points continue one another.
_EDGE_TOLERANCE = 6.0


@dataclass
class _Table:
    rows: list[list[str]]
    columns: int
    left: float
    right: float


@dataclass
class _Page:
    """A page as a sequence of blocks: a str is a line of text, a _Table a table."""

    blocks: list[str | _Table] = field(default_factory=list)


def read_pdf(data: bytes) -> str:
    """The text of a text PDF (see the module docstring for its layout)."""
    _check_streams(data)
    try:
        pages = _read_with_pdfplumber(data)
    except DocumentError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged files; try pypdf next
        if _asks_for_password(exc):
            raise _password_protected() from exc
        text = _read_with_pypdf(data)
    else:
        text = _render(_joined(pages))
    if sum(ch.isalpha() for ch in text) < _MIN_PDF_LETTERS:
        raise ScannedPdf(
            "Tệp PDF này là bản scan (chỉ có hình ảnh, không có chữ) nên không đọc được. "
            "Hãy gửi bản .docx hoặc PDF xuất trực tiếp từ Word; nếu chỉ có bản giấy, hãy "
            "chuyển bản scan thành chữ (OCR) rồi gửi tệp .docx hoặc .txt."
        )
    return text


def _password_protected() -> PasswordProtected:
    return PasswordProtected(
        "Tệp PDF này có mật khẩu mở tệp nên không đọc được. Hãy mở tệp trên máy bằng mật "
        "khẩu, lưu hoặc in ra một bản PDF không đặt mật khẩu rồi gửi lại (hoặc gửi bản .docx)."
    )


def _too_many_pages(count: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"Tệp PDF có {count} trang, nhiều hơn giới hạn {MAX_PDF_PAGES} trang nên không đọc "
        "được. Hãy gửi riêng phần kế hoạch (các chỉ tiêu, nhiệm vụ) trong một tệp ngắn hơn."
    )


def _asks_for_password(exc: BaseException) -> bool:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    causes = (*exc.args, exc.__cause__, exc.__context__)
    return any(isinstance(cause, PDFPasswordIncorrect) for cause in causes)


# --- compressed streams ---------------------------------------------------------------------


def _check_streams(data: bytes) -> None:
    """Refuse a PDF whose compressed streams inflate beyond what a text document holds.

    pdfminer inflates every stream it reads whole, at once, so a few megabytes of deflate
    could become gigabytes in memory. Each stream is measured here by inflating it in bounded
    steps; images are skipped (they are never inflated for text). A file pypdf cannot parse is
    left to the readers, which refuse it with the right message.
    """
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject, StreamObject

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return  # nothing readable without the password; the reader refuses it
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _too_many_pages(len(reader.pages))  # before any stream is looked at
        total = 0
        for generation, numbers in reader.xref.items():
            for number in numbers:
                stream = reader.get_object(IndirectObject(number, generation, reader))
                if isinstance(stream, StreamObject) and _is_deflated_content(stream):
                    # The raw (still compressed) bytes; pypdf's own decoding would hold them all.
                    total += _inflated_size(stream._data, _MAX_STREAM_BYTES)
                    if total > _MAX_STREAMS_BYTES:
                        raise _inflates_too_much()
    except DocumentError:
        raise
    except Exception:  # damaged or unusual files: pdfplumber or pypdf will say what is wrong
        return


def _is_deflated_content(stream: Any) -> bool:
    if stream.get("/Subtype") == "/Image":
        return False
    filters = stream.get("/Filter")
    first = filters[0] if isinstance(filters, list) and filters else filters
    return first in ("/FlateDecode", "/Fl")


def _inflated_size(raw: bytes, cap: int) -> int:
    """How many bytes *raw* inflates to, counting no further than just past *cap*."""
    inflater = zlib.decompressobj()
    try:
        size = len(inflater.decompress(raw, _STEP))
        while inflater.unconsumed_tail and size <= cap:
            size += len(inflater.decompress(inflater.unconsumed_tail, _STEP))
    except zlib.error:
        return 0  # damaged: the readers decide what to do with it
    if size > cap:
        raise _inflates_too_much()
    return size


def _inflates_too_much() -> DocumentTooLarge:
    return DocumentTooLarge(
        "Tệp PDF này chứa dữ liệu nén bất thường (khi giải nén lớn hơn nhiều so với một văn "
        "bản) nên không đọc được. Hãy mở tệp trên máy rồi in hoặc xuất lại thành PDF mới, "
        "hoặc gửi bản .docx."
    )


# --- pdfplumber -----------------------------------------------------------------------------


def _read_with_pdfplumber(data: bytes) -> list[_Page]:
    import pdfplumber

    pages: list[_Page] = []
    chars = 0
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise _too_many_pages(len(pdf.pages))
        for page in pdf.pages:
            pages.append(_page_blocks(page))
            page.close()  # frees the page's parsed objects before the next one
            chars += sum(_block_chars(block) for block in pages[-1].blocks)
            if chars > MAX_TEXT_CHARS:
                raise text_too_long()
    return pages


def _block_chars(block: str | _Table) -> int:
    if isinstance(block, str):
        return len(block) + 1
    return sum(len(cell) + 3 for row in block.rows for cell in row)


def _page_blocks(page: Any) -> _Page:
    tables = [t for t in page.find_tables() if _is_table(t)]
    boxes = [t.bbox for t in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    placed: list[tuple[float, str | _Table]] = [
        (line["top"], line["text"])
        for line in page.filter(outside_tables).extract_text_lines(return_chars=False)
    ]
    placed += [(table.bbox[1], _table(table)) for table in tables]
    placed.sort(key=lambda item: item[0])
    return _Page([block for _, block in placed])


def _is_table(table: Any) -> bool:
    """A ruled grid of at least two columns. A frame round a paragraph, or a page border
    crossed by a rule, makes a one-column "table" whose text is better kept as lines."""
    return len(table.columns) >= 2


def _table(table: Any) -> _Table:
    rows = [[_cell_text(cell) for cell in row] for row in table.extract()]
    columns = max((len(row) for row in rows), default=0)
    rows = [row + [""] * (columns - len(row)) for row in rows if any(row)]
    x0, _, x1, _ = table.bbox
    return _Table(rows, columns, x0, x1)


def _cell_text(cell: str | None) -> str:
    return _SPACES.sub(" ", cell or "").strip().replace("|", "/")


def _joined(pages: Sequence[_Page]) -> list[str | _Table]:
    """The blocks of all pages, a table going on at the top of a page joined to its start."""
    blocks: list[str | _Table] = []
    for page in pages:
        head = _leading_marks(page.blocks)
        tail = _trailing_table(blocks)
        first = page.blocks[head] if head < len(page.blocks) else None
        if tail is not None and isinstance(first, _Table) and _continues(blocks[tail], first):
            previous = blocks[tail]
            assert isinstance(previous, _Table)
            del blocks[tail + 1 :]  # the page marks between the two parts
            rows = first.rows
            if rows and previous.rows and rows[0] == previous.rows[0]:
                rows = rows[1:]  # the header row Word repeats on each page
            previous.rows.extend(rows)
            blocks.extend(page.blocks[head + 1 :])
        else:
            blocks.extend(page.blocks)
    return blocks


def _leading_marks(blocks: Sequence[str | _Table]) -> int:
    count = 0
    while count < len(blocks) and _is_page_mark(blocks[count]):
        count += 1
    return count


def _trailing_table(blocks: Sequence[str | _Table]) -> int | None:
    index = len(blocks) - 1
    while index >= 0 and _is_page_mark(blocks[index]):
        index -= 1
    return index if index >= 0 and isinstance(blocks[index], _Table) else None


def _is_page_mark(block: str | _Table) -> bool:
    return isinstance(block, str) and bool(_PAGE_MARK.match(block))


def _continues(previous: _Table | str, table: _Table) -> bool:
    return (
        isinstance(previous, _Table)
        and previous.columns == table.columns
        and abs(previous.left - table.left) <= _EDGE_TOLERANCE
        and abs(previous.right - table.right) <= _EDGE_TOLERANCE
    )


def _render(blocks: Sequence[str | _Table]) -> str:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
            continue
        if lines and lines[-1]:
            lines.append("")  # a blank line before the table…
        lines.extend("| " + " | ".join(row) + " |" for row in block.rows)
        lines.append("")  # …and after it
    return "\n".join(lines).rstrip("\n")


# --- pypdf (fallback for files pdfminer cannot parse) ----------------------------------------


def _read_with_pypdf(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _password_protected()
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _too_many_pages(len(reader.pages))
        texts: list[str] = []
        for page in reader.pages:
            texts.append(page.extract_text() or "")
            if sum(map(len, texts)) > MAX_TEXT_CHARS:
                raise text_too_long()
    except DocumentError:
        raise
    except FileNotDecryptedError as exc:
        raise _password_protected() from exc
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, NotImplementedError) as exc:
        raise unreadable(".pdf") from exc
    return "\n".join(texts)
