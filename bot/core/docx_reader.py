"""The text of a .docx, read straight from its XML with bounded work.

Only the parts that hold the text are inflated (the main document, its numbering and its
styles, found through the package relationships), each streamed through a cap on the bytes
*actually* inflated: the sizes a zip directory declares can lie. The main document is parsed
incrementally and every body block (paragraph, table) is turned into text and dropped as soon
as it ends, so memory follows the largest block, not the file; every XML element counts
against one budget, so millions of empty paragraphs are refused in a fraction of a second.

Output contract (the plan parser relies on it):

* body blocks in document order, separated by a blank line; empty paragraphs are skipped;
* a paragraph is its text with Word's automatic list number written out ("1.", "a)", "(1)");
  a line break inside it stays a line break;
* a table is one line per row, ``| c1 | c2 | … |``, so with the blank lines around blocks
  every table has a blank line before and after it. Every row has the table grid's column
  count: a cell spanning columns (gridSpan) is written once, followed by an empty cell for
  each further column it covers; a vertically merged continuation cell is empty; cells a row
  skips (gridBefore/gridAfter) are empty. Cell text has line breaks and runs of spaces
  collapsed to one space and ``|`` replaced by ``/``; a table nested in a cell is flattened
  into that cell's text. Rows with no text at all are left out.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from bot.core.documents import (
    MAX_DOCX_UNPACKED_BYTES,
    MAX_DOCX_XML_ELEMENTS,
    MAX_TEXT_CHARS,
    DocumentTooLarge,
    text_too_long,
    unreadable,
)

__all__ = ["MAX_TABLE_COLUMNS", "read_docx"]

# Wider tables do not occur in plans; the cap keeps a forged gridSpan from writing millions
# of empty cells.
MAX_TABLE_COLUMNS = 64
# Far above any real document's part count; bounds the work of the zip directory itself.
_MAX_ZIP_ENTRIES = 5_000
_CHUNK = 64 * 1024

_TRANSITIONAL_W = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STRICT_W = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
_W = "{" + _TRANSITIONAL_W.decode() + "}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
_DEFAULT_MAIN = "word/document.xml"
_SPACES = re.compile(r"\s+")
# Containers whose children are blocks (or rows, or cells) of the same kind as their own.
_WRAPPERS = (f"{_W}sdt", f"{_W}customXml")
_BODY = f"{_W}body"
_BLOCKS = (f"{_W}p", f"{_W}tbl", *_WRAPPERS)
_PARAGRAPH_PARTS = (f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen")


def read_docx(data: bytes) -> str:
    """The text of a .docx (see the module docstring for its layout).

    Raises ``UnreadableDocument`` for a damaged or mislabelled file and ``DocumentTooLarge``
    when the file unpacks to too much, holds too many XML elements or too much text.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise unreadable(".docx") from None
    with archive:
        _check_directory(archive)
        return _Reader(archive).text()


def _check_directory(archive: zipfile.ZipFile) -> None:
    """Cheap refusals from the zip directory, before anything is inflated."""
    entries = archive.infolist()
    declared = sum(info.file_size for info in entries)
    if len(entries) > _MAX_ZIP_ENTRIES or declared > MAX_DOCX_UNPACKED_BYTES:
        raise _unpacks_too_large()


def _unpacks_too_large() -> DocumentTooLarge:
    return DocumentTooLarge(
        f"Tệp .docx này khi giải nén lớn hơn {MAX_DOCX_UNPACKED_BYTES // (1024 * 1024)} MB "
        "(nhiều hình ảnh, hoặc tệp bất thường) nên không đọc được. Hãy lưu lại chỉ phần chữ, "
        "hoặc gửi bản .pdf có chữ hay .txt."
    )


def _too_many_elements() -> DocumentTooLarge:
    return DocumentTooLarge(
        "Tệp .docx này có cấu trúc bất thường (quá nhiều đoạn trống hoặc phần tử định dạng) "
        "nên không đọc được. Hãy mở tệp bằng Word, chép phần chữ sang một tệp mới rồi gửi "
        "lại, hoặc gửi bản .pdf có chữ hay .txt."
    )


class _Budget:
    """What one document may cost: inflated bytes, XML elements and characters of text."""

    def __init__(self) -> None:
        self.inflated = 0
        self.elements = 0
        self.chars = 0

    def inflate(self, count: int) -> None:
        self.inflated += count
        if self.inflated > MAX_DOCX_UNPACKED_BYTES:
            raise _unpacks_too_large()

    def parse(self, count: int) -> None:
        self.elements += count
        if self.elements > MAX_DOCX_XML_ELEMENTS:
            raise _too_many_elements()

    def write(self, text: str) -> str:
        """*text*, counted as written out (with the blank line after it)."""
        self.chars += len(text) + 2
        self.check(0)
        return text

    def check(self, pending: int) -> None:
        """Refuse as soon as what is written plus *pending* characters is over the limit."""
        if self.chars + pending > MAX_TEXT_CHARS:
            raise text_too_long()


# No entities, no network, libxml2's default size and depth limits (huge_tree off).
_SAFE_XML: dict[str, bool] = {"resolve_entities": False, "no_network": True, "huge_tree": False}


class _Reader:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self._archive = archive
        self._budget = _Budget()

    def text(self) -> str:
        main = self._main_part()
        related = self._related_parts(main)
        numbering = _Numbering(
            self._small_part(related.get("/numbering")), self._small_part(related.get("/styles"))
        )
        blocks = _body_blocks(_transitional(self._chunks(main)), numbering, self._budget)
        # A blank line between blocks, as in typed text: Word paragraphs are not wrapped lines.
        return "\n\n".join(self._budget.write(b) for b in blocks if b.strip())

    def _main_part(self) -> str:
        rels = self._small_part("_rels/.rels")
        for name in _targets(rels, "", _OFFICE_DOCUMENT):
            if name in self._archive.NameToInfo:
                return name
        if _DEFAULT_MAIN in self._archive.NameToInfo:
            return _DEFAULT_MAIN
        raise unreadable(".docx")

    def _related_parts(self, main: str) -> dict[str, str]:
        folder, base = posixpath.split(main)
        rels = self._small_part(posixpath.join(folder, "_rels", f"{base}.rels"))
        found: dict[str, str] = {}
        for kind in ("/numbering", "/styles"):
            for name in _targets(rels, folder, kind):
                found.setdefault(kind, name)
        return found

    def _small_part(self, name: str | None) -> Any:
        """The parsed root of a secondary part, or None when it is absent."""
        if name is None or name not in self._archive.NameToInfo:
            return None
        parser = etree.XMLParser(**_SAFE_XML)
        try:
            for chunk in _transitional(self._chunks(name)):
                parser.feed(chunk)
            return parser.close()
        except etree.XMLSyntaxError:
            return None  # a damaged styles or numbering part costs the list numbers only

    def _chunks(self, name: str) -> Iterator[bytes]:
        """The part's bytes as inflated, counted against the budget as they come."""
        try:
            with self._archive.open(name) as stream:
                while chunk := stream.read(_CHUNK):
                    self._budget.inflate(len(chunk))
                    # Every element has one start tag: counted before the parser sees them.
                    self._budget.parse(chunk.count(b"<") - chunk.count(b"</"))
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise unreadable(".docx") from exc  # ValueError: offsets pointing outside the file
        except (RuntimeError, NotImplementedError) as exc:  # encrypted, unknown compression
            raise unreadable(".docx") from exc


def _transitional(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """*chunks* with the Strict OOXML namespace of Word's elements renamed to the usual
    (transitional) one, so that "Strict Open XML" documents read like any other; a name cut
    in two by a chunk boundary is still found."""
    keep = len(_STRICT_W) - 1
    pending = b""
    for chunk in chunks:
        data = (pending + chunk).replace(_STRICT_W, _TRANSITIONAL_W)
        if len(data) <= keep:
            pending = data
            continue
        pending = data[-keep:]
        yield data[:-keep]
    yield pending


def _targets(rels: Any, folder: str, kind: str) -> Iterator[str]:
    """Names of the parts *rels* links with a relationship type ending in *kind*."""
    if rels is None:
        return
    for rel in rels.iter(_REL):
        if rel.get("TargetMode") == "External" or not rel.get("Type", "").endswith(kind):
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        yield posixpath.normpath(path)


def _body_blocks(chunks: Iterable[bytes], numbering: _Numbering, budget: _Budget) -> Iterator[str]:
    """Text of each block of the document body, each handled and freed as soon as it ends."""
    parser = etree.XMLPullParser(events=("end",), tag=_BLOCKS, **_SAFE_XML)

    def blocks_so_far() -> Iterator[str]:
        for _, element in parser.read_events():
            parent = element.getparent()
            if parent is not None and parent.tag == _BODY:  # not a paragraph inside a table
                yield from _block_texts(element, numbering, budget)
                _drop(element)

    try:
        for chunk in chunks:
            parser.feed(chunk)
            yield from blocks_so_far()
        parser.close()
        yield from blocks_so_far()
    except etree.XMLSyntaxError as exc:
        raise unreadable(".docx") from exc


def _drop(element: Any) -> None:
    """Free a handled block and the ones before it (lxml's pattern for incremental parsing)."""
    element.clear(keep_tail=False)
    while element.getprevious() is not None:
        del element.getparent()[0]


def _block_texts(element: Any, numbering: _Numbering, budget: _Budget) -> Iterator[str]:
    if len(element) == 0:
        return  # an empty paragraph: nothing to say, no list number to count
    if element.tag == f"{_W}p":
        yield _paragraph_text(element, numbering)
    elif element.tag == f"{_W}tbl":
        yield _table_text(element, numbering, budget)
    elif element.tag in _WRAPPERS:
        for child in _unwrapped(element):
            yield from _block_texts(child, numbering, budget)


def _unwrapped(container: Any) -> Iterator[Any]:
    """Children of *container*, looking through content controls and custom XML."""
    for child in container.iterchildren():
        if child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _unwrapped(content)
        elif child.tag == f"{_W}customXml":
            yield from _unwrapped(child)
        elif isinstance(child.tag, str):  # not a comment or processing instruction
            yield child


def _paragraph_text(paragraph: Any, numbering: _Numbering) -> str:
    # Text boxes come twice (the modern drawing and its VML fallback): keep the first only.
    for fallback in list(paragraph.iter(_MC_FALLBACK)):
        fallback.getparent().remove(fallback)
    texts: list[str] = []
    for node in paragraph.iter(*_PARAGRAPH_PARTS):
        if node.tag == f"{_W}t":
            texts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            texts.append("\t")
        elif node.tag == f"{_W}noBreakHyphen":
            texts.append("-")
        else:
            texts.append("\n")
    text = "".join(texts)
    label = numbering.label(paragraph)
    return f"{label} {text}" if label and text.strip() else text


# --- tables ---------------------------------------------------------------------------------


def _table_text(table: Any, numbering: _Numbering, budget: _Budget) -> str:
    """The table's rows, one a line; a huge table is refused while its rows are written."""
    lines: list[str] = []
    size = 0
    for line in _table_lines(table, numbering):
        size += len(line) + 1
        budget.check(size)
        lines.append(line)
    return "\n".join(lines)


def _table_lines(table: Any, numbering: _Numbering) -> Iterator[str]:
    grid = table.find(f"{_W}tblGrid")
    width = len(grid.findall(f"{_W}gridCol")) if grid is not None else 0
    rows = [_row_cells(row, numbering) for row in _children(table, "tr")]
    width = min(max([width, *(len(cells) for cells in rows)]), MAX_TABLE_COLUMNS)
    for cells in rows:
        if any(cells):
            cells = (cells + [""] * width)[:width]
            yield "| " + " | ".join(cells) + " |"


def _children(container: Any, name: str) -> Iterator[Any]:
    return (child for child in _unwrapped(container) if child.tag == f"{_W}{name}")


def _row_cells(row: Any, numbering: _Numbering) -> list[str]:
    properties = row.find(f"{_W}trPr")
    cells = [""] * _count(properties, "gridBefore")
    for cell in _children(row, "tc"):
        cell_properties = cell.find(f"{_W}tcPr")
        merge = cell_properties.find(f"{_W}vMerge") if cell_properties is not None else None
        continued = merge is not None and merge.get(f"{_W}val", "continue") == "continue"
        cells.append("" if continued else _cell_text(cell, numbering))
        cells.extend([""] * (_count(cell_properties, "gridSpan", 1) - 1))
        if len(cells) >= MAX_TABLE_COLUMNS:
            return cells[:MAX_TABLE_COLUMNS]
    cells.extend([""] * _count(properties, "gridAfter"))
    return cells


def _count(properties: Any, name: str, default: int = 0) -> int:
    """A small count from a properties element (gridSpan, gridBefore…), kept in bounds."""
    node = properties.find(f"{_W}{name}") if properties is not None else None
    value = node.get(f"{_W}val", "") if node is not None else ""
    return min(int(value), MAX_TABLE_COLUMNS) if value.isdigit() else default


def _cell_text(cell: Any, numbering: _Numbering) -> str:
    text = " ".join(_cell_parts(cell, numbering))
    return _SPACES.sub(" ", text).strip().replace("|", "/")


def _cell_parts(cell: Any, numbering: _Numbering) -> Iterator[str]:
    """Paragraphs of a cell and, flattened in place, the cells of any table nested in it."""
    for child in _unwrapped(cell):
        if child.tag == f"{_W}p":
            yield _paragraph_text(child, numbering)
        elif child.tag == f"{_W}tbl":
            for row in _children(child, "tr"):
                for inner in _children(row, "tc"):
                    yield from _cell_parts(inner, numbering)


# --- automatic list numbers -----------------------------------------------------------------


class _Numbering:
    """Word's automatic list numbers, rendered the way the document shows them."""

    def __init__(self, numbering: Any, styles: Any) -> None:
        self._formats: dict[tuple[str, int], tuple[str, str, int]] = {}
        self._counters: dict[str, list[int]] = {}
        self._styles = _style_numbering(styles)
        if numbering is None:
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in numbering.iterchildren(f"{_W}abstractNum"):
            abstract[node.get(f"{_W}abstractNumId", "")] = _levels(node)
        for num in numbering.iterchildren(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            levels = dict(abstract.get(_child_val(num, "abstractNumId", ""), {}))
            for override in num.iterchildren(f"{_W}lvlOverride"):
                ilvl = _int(override.get(f"{_W}ilvl", "0"))
                start = _int(_child_val(override, "startOverride", ""), default=-1)
                if ilvl in levels and start >= 0:
                    num_fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (num_fmt, text, start)
            for ilvl, level in levels.items():
                self._formats[(num_id, ilvl)] = level

    def label(self, paragraph: Any) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        if num_id is None or (num_id, ilvl) not in self._formats:
            return ""
        counters = self._counters.setdefault(num_id, [0] * 9)
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

        return re.sub(r"%([1-9])", level_value, text).strip()

    def _num_pr(self, paragraph: Any) -> tuple[str | None, int]:
        ppr = paragraph.find(f"{_W}pPr")
        if ppr is not None:
            num_pr = ppr.find(f"{_W}numPr")
            if num_pr is not None:
                num_id = _child_val(num_pr, "numId", "")
                if num_id and num_id != "0":
                    return num_id, min(_int(_child_val(num_pr, "ilvl", "0")), 8)
            style = ppr.find(f"{_W}pStyle")
            if style is not None and style.get(f"{_W}val") in self._styles:
                return self._styles[style.get(f"{_W}val", "")]
        return None, 0


def _levels(abstract_num: Any) -> dict[int, tuple[str, str, int]]:
    levels: dict[int, tuple[str, str, int]] = {}
    for lvl in abstract_num.iterchildren(f"{_W}lvl"):
        levels[min(_int(lvl.get(f"{_W}ilvl", "0")), 8)] = (
            _child_val(lvl, "numFmt", "decimal"),
            _child_val(lvl, "lvlText", "%1."),
            _int(_child_val(lvl, "start", "1"), default=1),
        )
    return levels


def _int(value: str, default: int = 0) -> int:
    return int(value) if value.isdigit() and len(value) < 7 else default


def _child_val(node: Any, name: str, default: str) -> str:
    child = node.find(f"{_W}{name}")
    if child is None:
        return default
    value = child.get(f"{_W}val")
    return default if value is None else str(value)


def _style_numbering(styles: Any) -> dict[str, tuple[str, int]]:
    """Paragraph styles that carry their own list numbering ("List Number")."""
    found: dict[str, tuple[str, int]] = {}
    if styles is None:
        return found
    for style in styles.iterchildren(f"{_W}style"):
        ppr = style.find(f"{_W}pPr")
        num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if num_pr is not None:
            num_id = _child_val(num_pr, "numId", "")
            if num_id and num_id != "0":
                found[style.get(f"{_W}styleId", "")] = (
                    num_id,
                    min(_int(_child_val(num_pr, "ilvl", "0")), 8),
                )
    return found


def _render(value: int, fmt: str) -> str:
    if value > 3999:  # beyond what letters and Roman numerals show sensibly
        return str(value)
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
