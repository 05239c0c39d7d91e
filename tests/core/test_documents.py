"""Reading uploaded files into text, and refusing what cannot be read."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import docx
import matplotlib
import pytest

from bot.core.documents import (
    MAX_DOCX_UNPACKED_BYTES,
    MAX_FILE_BYTES,
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    ScannedPdf,
    UnreadableDocument,
    UnsupportedFormat,
    extract_text,
)
from bot.errors import UserFacingError

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # the backend must be chosen first

PLAN_LINES = [
    "KẾ HOẠCH phát động phong trào thi đua năm 2025",
    "2. Chỉ tiêu thi đua",
    "(1) Trồng mới cây phân tán: 12.500 cây;",
    "(2) Tỷ lệ tham gia bảo hiểm y tế: 96%;",
]


# --- plain text ------------------------------------------------------------------------------


def test_utf8_text_and_markdown_are_read_as_is() -> None:
    text = "## Kế hoạch\n(1) Giải quyết việc làm: 1.600 người;\n"
    assert extract_text(text.encode(), "kh.md") == text
    assert extract_text(text.encode(), "KH.TXT") == text


def test_utf8_with_bom_and_windows_line_ends() -> None:
    data = "\ufeffThi đua\r\nKhen thưởng\r\n".encode()
    assert extract_text(data, "a.txt") == "Thi đua\nKhen thưởng\n"


def _cp1258(text: str) -> bytes:
    """Encode like old Vietnamese Windows files: vowel letters precomposed, tones combining."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", ch)
            for mark in marks:  # the vowel mark (ê, ơ, ă …) stays precomposed
                vowel = unicodedata.normalize("NFC", base + mark)
                if len(vowel) == 1 and vowel.encode("cp1258", errors="ignore"):
                    base = vowel
                    marks.remove(mark)
                    break
            out += (base + "".join(marks)).encode("cp1258")
    return out


def test_windows_1258_text_is_decoded_and_recomposed() -> None:
    data = _cp1258("Kế hoạch thi đua năm 2025, tỷ lệ hộ nghèo")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert extract_text(data, "cu.txt") == "Kế hoạch thi đua năm 2025, tỷ lệ hộ nghèo"


def test_utf8_with_a_damaged_byte_stays_utf8() -> None:
    data = ("Kế hoạch thi đua năm 2025. " * 20).encode() + b"\xff" + "Bảo hiểm y tế".encode()
    text = extract_text(data, "a.txt")
    assert text.startswith("Kế hoạch thi đua") and text.endswith("\ufffdBảo hiểm y tế")


def test_utf16_with_bom_is_decoded() -> None:
    assert extract_text("Bảo hiểm y tế: 96%".encode("utf-16"), "a.txt") == "Bảo hiểm y tế: 96%"


@pytest.mark.parametrize("data", [b"", b"   \n\n  ", "\ufeff".encode()])
def test_empty_text_files_are_refused(data: bytes) -> None:
    with pytest.raises(EmptyDocument) as caught:
        extract_text(data, "a.txt")
    assert "không có nội dung" in caught.value.message_vi


def test_binary_content_under_a_text_name_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument):
        extract_text(b"\x00\x01\x02abc", "a.txt")


# --- limits and formats ------------------------------------------------------------------------


def test_files_over_the_size_limit_are_refused_before_reading() -> None:
    with pytest.raises(DocumentTooLarge) as caught:
        extract_text(b"a" * (MAX_FILE_BYTES + 1), "a.txt")
    assert "10 MB" in caught.value.message_vi


@pytest.mark.parametrize(
    ("name", "hint"), [("kh.doc", ".docx"), ("kh.xlsx", ".docx"), ("kehoach", "không có")]
)
def test_unsupported_extensions_say_what_to_send(name: str, hint: str) -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        extract_text(b"something", name)
    assert hint in caught.value.message_vi


def test_document_errors_are_user_facing() -> None:
    with pytest.raises(UserFacingError):
        extract_text(b"x", "a.exe")
    assert issubclass(ScannedPdf, DocumentError)


# --- .docx -------------------------------------------------------------------------------------


def _docx_bytes(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def test_docx_paragraphs_and_tables_come_out_in_document_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH thi đua năm 2025")
    document.add_paragraph("2. Chỉ tiêu thi đua")
    table = document.add_table(rows=3, cols=3)
    for row, cells in zip(
        table.rows,
        [("STT", "Chỉ tiêu", "Kế hoạch"), ("1", "Trồng cây phân tán", "12.500 cây"), ("2", "", "")],
        strict=True,
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    document.add_paragraph("III. TỔ CHỨC THỰC HIỆN")
    path = tmp_path / "kh.docx"
    document.save(str(path))

    text = extract_text(path.read_bytes(), "kh.docx")

    # Paragraphs are separated by a blank line; a table's rows stay together, one a line.
    assert text.split("\n\n") == [
        "KẾ HOẠCH thi đua năm 2025",
        "2. Chỉ tiêu thi đua",
        "STT | Chỉ tiêu | Kế hoạch\n1 | Trồng cây phân tán | 12.500 cây\n2 |  | ",
        "III. TỔ CHỨC THỰC HIỆN",
    ]


def test_docx_merged_cells_appear_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "Chỉ tiêu chung"
    table.cell(0, 2).text = "96%"
    assert extract_text(_docx_bytes(document), "a.docx") == "Chỉ tiêu chung | 96%"


def test_docx_automatic_list_numbers_are_written_out() -> None:
    document = docx.Document()
    document.add_paragraph("Chỉ tiêu:")
    document.add_paragraph("Trồng mới cây phân tán: 12.500 cây", style="List Number")
    document.add_paragraph("Tỷ lệ tham gia BHYT: 96%", style="List Number")
    lines = extract_text(_docx_bytes(document), "a.docx").split("\n\n")
    assert lines == [
        "Chỉ tiêu:",
        "1. Trồng mới cây phân tán: 12.500 cây",
        "2. Tỷ lệ tham gia BHYT: 96%",
    ]


def test_docx_zip_bomb_is_refused_from_the_directory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (MAX_DOCX_UNPACKED_BYTES + 1))
    data = path.read_bytes()
    assert len(data) < MAX_FILE_BYTES  # small on the wire…
    with pytest.raises(DocumentTooLarge) as caught:  # …but refused before unpacking
        extract_text(data, "bomb.docx")
    assert "giải nén" in caught.value.message_vi


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 not really a zip", b"plain text named docx"],
)
def test_damaged_docx_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableDocument) as caught:
        extract_text(data, "a.docx")
    assert "bị hỏng" in caught.value.message_vi


def test_zip_without_a_word_document_is_unreadable() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "xin chào")
    with pytest.raises(UnreadableDocument):
        extract_text(buffer.getvalue(), "a.docx")


def test_docx_without_text_is_empty() -> None:
    with pytest.raises(EmptyDocument):
        extract_text(_docx_bytes(docx.Document()), "a.docx")


# --- .pdf --------------------------------------------------------------------------------------


def _pdf_with_lines(lines: list[str]) -> bytes:
    """A text PDF: matplotlib embeds DejaVu Sans as a TrueType font (Vietnamese glyphs)."""
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}):
        figure = plt.figure(figsize=(8.27, 11.69))
        for i, line in enumerate(lines):
            figure.text(0.08, 0.92 - 0.03 * i, line, fontsize=11)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf")
        plt.close(figure)
    return buffer.getvalue()


def _pdf_with_image_only() -> bytes:
    figure = plt.figure(figsize=(4, 4))
    figure.figimage([[0.1 * ((x + y) % 10) for x in range(64)] for y in range(64)])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="pdf")
    plt.close(figure)
    return buffer.getvalue()


def test_text_pdf_is_read_with_vietnamese_diacritics() -> None:
    text = extract_text(_pdf_with_lines(PLAN_LINES), "kh.pdf")
    assert text.splitlines() == PLAN_LINES


def test_scanned_pdf_is_refused_with_advice() -> None:
    with pytest.raises(ScannedPdf) as caught:
        extract_text(_pdf_with_image_only(), "scan.pdf")
    assert "bản scan" in caught.value.message_vi


def test_damaged_pdf_is_unreadable() -> None:
    with pytest.raises(UnreadableDocument):
        extract_text(b"%PDF-1.4\nthis is not a pdf body", "a.pdf")
