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
import itertools
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

    text = page.filter(outside_tables)
    placed: list[tuple[float, str | _Table]] = list(
        _in_columns(text.extract_text_lines(return_chars=False), text.extract_words())
    )
    placed += [(table.bbox[1], _table(table)) for table in tables]
    placed.sort(key=lambda item: item[0])
    return _Page([block for _, block in placed])


# Two text columns side by side ("1. Kinh tế | 2. Xã hội", a list in each): the widest
# space between the words of a line, at least this wide (points), is a column gap …
_COLUMN_GAP = 20.0
# … when what stands on both sides of it opens a list item ("•", "-", "+", "1.", "a)").
_LIST_OPENING = re.compile(r"^(?:[•\-+–*·▪●◦]|\d{1,2}(?:\.\d{1,2})*[.)]|[a-zđ][.)]|\(\d{1,2}\))\s")


def _in_columns(
    lines: Sequence[dict[str, Any]], words: Sequence[dict[str, Any]]
) -> list[tuple[float, str]]:
    """The page's text lines with their tops, a run of lines set in two columns (pdfplumber
    reads them across, line by line) given as the left column's lines, then the right's."""
    rows: list[list[dict[str, Any]]] = []
    for line in lines:
        own = [
            w
            for w in words
            if line["top"] - 1 <= (w["top"] + w["bottom"]) / 2 <= line["bottom"] + 1
        ]
        rows.append(sorted(own, key=lambda w: w["x0"]))
    out: list[tuple[float, str]] = []
    i = 0
    while i < len(lines):
        end, band = _column_run(rows, i)
        if band is None:
            out.append((lines[i]["top"], lines[i]["text"]))
            i += 1
            continue
        top = lines[i]["top"]
        left = [_words(r, hi=band[0]) for r in rows[i:end]]
        right = [_words(r, lo=band[1]) for r in rows[i:end]]
        column = [t for t in left + right if t]
        out += [(top + k * 1e-3, t) for k, t in enumerate(column)]
        i = end
    return out


def _widest_gap(row: Sequence[dict[str, Any]]) -> tuple[float, float] | None:
    gaps = [(a["x1"], b["x0"]) for a, b in itertools.pairwise(row)]
    gaps = [g for g in gaps if g[1] - g[0] >= _COLUMN_GAP]
    return max(gaps, key=lambda g: g[1] - g[0]) if gaps else None


def _column_run(
    rows: Sequence[Sequence[dict[str, Any]]], start: int
) -> tuple[int, tuple[float, float] | None]:
    """Where a run of two-column lines starting at *start* ends, and the band between the
    columns; (start, None) when no such run starts there."""
    band = _widest_gap(rows[start]) if rows[start] else None
    if band is None:
        return start, None
    split = [start]
    end = start + 1
    for j in range(start + 1, len(rows)):
        row = rows[j]
        if not row:
            break
        gap = _widest_gap(row)
        if gap is not None and min(gap[1], band[1]) - max(gap[0], band[0]) >= 5:
            band = (max(gap[0], band[0]), min(gap[1], band[1]))
            split.append(j)
            end = j + 1
        elif row[0]["x0"] >= band[1]:
            end = j + 1  # the right column's item wrapped onto a line of its own
        elif row[-1]["x1"] <= band[0] and j + 1 < len(rows):
            continue  # the left column's wrap, kept only when a two-column line follows
        else:
            break
    if len(split) < 2:
        return start, None
    sides = [(_words(rows[j], hi=band[0]), _words(rows[j], lo=band[1])) for j in split]
    listed = sum(1 for a, b in sides if _LIST_OPENING.match(a) and _LIST_OPENING.match(b))
    if listed * 2 < len(split):
        return start, None
    return end, band


def _words(row: Sequence[dict[str, Any]], lo: float = -1.0, hi: float = 1e9) -> str:
    return " ".join(w["text"] for w in row if w["x0"] >= lo and w["x1"] <= hi)


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
