"""Reading uploaded files into text, and refusing what cannot be read."""

from __future__ import annotations

import io
import random
import struct
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import Any

import docx
import matplotlib
import matplotlib.lines
import matplotlib.patches
import pypdf
import pytest

from bot.core import documents, docx_reader, pdf_reader
from bot.core.documents import (
    MAX_DOCX_UNPACKED_BYTES,
    MAX_FILE_BYTES,
    DocumentError,
    DocumentTooLarge,
    EmptyDocument,
    PasswordProtected,
    ScannedPdf,
    UnreadableDocument,
    UnsupportedFormat,
    extract_text,
)
from bot.core.docx_reader import MAX_TABLE_COLUMNS
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


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(codec: str) -> None:
    text = "Kế hoạch thi đua năm 2026\n(1) Tỷ lệ hộ nghèo giảm còn 0,45%;\n"
    assert extract_text(text.encode(codec), "a.txt") == text


def test_utf32_with_bom_is_decoded() -> None:
    assert extract_text("Đường giao thông: 2 km".encode("utf-32"), "a.txt") == (
        "Đường giao thông: 2 km"
    )


def test_western_code_page_is_not_taken_for_vietnamese() -> None:
    # In cp1258 byte 0xEC is a combining tone mark; after an "s" it cannot be Vietnamese.
    assert extract_text("Così è la vita, più o meno".encode("cp1252"), "a.txt") == (
        "Così è la vita, più o meno"
    )


def test_random_binary_without_nul_bytes_is_not_text() -> None:
    generator = random.Random(7)
    noise = bytes(generator.randrange(1, 256) for _ in range(20_000))
    assert b"\x00" not in noise
    with pytest.raises(UnreadableDocument) as caught:
        extract_text(noise, "kehoach.txt")
    assert "không phải văn bản" in caught.value.message_vi


def test_text_with_a_few_control_characters_is_still_text() -> None:
    text = "Kế hoạch thi đua năm 2026: trồng 300 cây xanh. " * 10 + "\x1a"
    assert extract_text(text.encode(), "a.txt") == text[:-1]


def test_invisible_characters_go_and_odd_line_breaks_become_lines() -> None:
    data = "Tỷ lệ\u00adhộ\u200b nghèo\x0bgiảm còn 1%\x0cTrang 2".encode()
    assert extract_text(data, "a.md") == "Tỷ lệhộ nghèo\ngiảm còn 1%\nTrang 2"


def test_text_longer_than_any_plan_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 100)
    with pytest.raises(DocumentTooLarge) as caught:
        extract_text(("Chỉ tiêu: 300 cây. " * 10).encode(), "a.txt")
    assert "ký tự" in caught.value.message_vi


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

    # Blocks are separated by a blank line; a table's rows stay together, one a line.
    assert text.split("\n\n") == [
        "KẾ HOẠCH thi đua năm 2025",
        "2. Chỉ tiêu thi đua",
        "| STT | Chỉ tiêu | Kế hoạch |\n| 1 | Trồng cây phân tán | 12.500 cây |\n| 2 |  |  |",
        "III. TỔ CHỨC THỰC HIỆN",
    ]


def _fill(table: Any, rows: list[tuple[str, ...]]) -> None:
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            if value:
                cell.text = value


def test_docx_table_rows_keep_the_grid_through_merged_cells() -> None:
    document = docx.Document()
    table = document.add_table(rows=5, cols=4)
    _fill(
        table,
        [
            ("TT", "Chỉ tiêu", "ĐVT", "KH 2026"),
            ("", "", "", ""),
            ("1", "Trồng mới cây phân tán", "cây", "58.000"),
            ("2", "Tỷ lệ hộ nghèo", "", "1,2"),
            ("", "", "%", ""),
        ],
    )
    group = table.cell(1, 0).merge(table.cell(1, 3))  # a group row across the whole table
    group.text = "I. Chỉ tiêu kinh tế"
    table.cell(3, 1).merge(table.cell(4, 1))  # a name cell spanning two rows
    table.cell(3, 3).merge(table.cell(4, 3))

    text = extract_text(_docx_bytes(document), "a.docx")

    assert text.splitlines() == [
        "| TT | Chỉ tiêu | ĐVT | KH 2026 |",
        "| I. Chỉ tiêu kinh tế |  |  |  |",
        "| 1 | Trồng mới cây phân tán | cây | 58.000 |",
        "| 2 | Tỷ lệ hộ nghèo |  | 1,2 |",
        "|  |  | % |  |",
    ]


def test_docx_cell_text_is_one_line_without_column_bars() -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    name = table.cell(0, 0)
    name.text = "Tỷ lệ trẻ em"
    name.add_paragraph("dưới 6 tuổi   được tiêm chủng")
    table.cell(0, 1).text = "≥ 98% | năm"
    assert extract_text(_docx_bytes(document), "a.docx") == (
        "| Tỷ lệ trẻ em dưới 6 tuổi được tiêm chủng | ≥ 98% / năm |"
    )


def test_docx_nested_table_is_flattened_into_its_cell() -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "3"
    host = table.cell(0, 1)
    host.text = "Chăn nuôi:"
    inner = host.add_table(rows=2, cols=2)
    _fill(inner, [("Trâu", "450 con"), ("Bò", "1.200 con")])
    assert extract_text(_docx_bytes(document), "a.docx") == (
        "| 3 | Chăn nuôi: Trâu 450 con Bò 1.200 con |"
    )


def test_docx_list_numbers_inside_cells_are_written_out() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=2)
    for row, (name, figure) in zip(
        table.rows, [("Trồng cây xanh", "300 cây"), ("Làm mới đường", "2 km")], strict=True
    ):
        row.cells[0].paragraphs[0].style = document.styles["List Number"]
        row.cells[0].paragraphs[0].text = name
        row.cells[1].text = figure
    assert extract_text(_docx_bytes(document), "a.docx").splitlines() == [
        "| 1. Trồng cây xanh | 300 cây |",
        "| 2. Làm mới đường | 2 km |",
    ]


_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _raw_docx(body: str | bytes, *, compress: bool = True) -> bytes:
    """A minimal .docx whose document.xml body is *body* (XML, or raw bytes of document.xml)."""
    document = (
        body
        if isinstance(body, bytes)
        else f'<w:document xmlns:w="{_WORD}"><w:body>{body}</w:body></w:document>'.encode()
    )
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def _cell(text: str, properties: str = "") -> str:
    return f"<w:tc><w:tcPr>{properties}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


_NUMBERING = (
    f'<w:numbering xmlns:w="{_WORD}"><w:abstractNum w:abstractNumId="7">'
    '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1."/></w:lvl>'
    '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
    '<w:lvlText w:val="%1.%2."/></w:lvl>'
    '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>'
    '<w:lvlText w:val="%3)"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="3"><w:abstractNumId w:val="7"/>'
    '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="4"/></w:lvlOverride></w:num>'
    "</w:numbering>"
)
_RELATIONSHIPS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="numbering.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/numbering"/></Relationships>'
)


def _numbered(level: int, text: str) -> str:
    return (
        f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="3"/></w:numPr></w:pPr>'
        f"<w:r><w:t>{text}</w:t></w:r></w:p>"
    )


def test_docx_multilevel_numbers_with_a_start_override_are_written_out() -> None:
    body = (
        _numbered(0, "Chỉ tiêu kinh tế")
        + _numbered(1, "Thu ngân sách: 4.250 triệu đồng")
        + _numbered(2, "thu thuế: 900 triệu đồng")
        + _numbered(2, "thu phí: 150 triệu đồng")
        + _numbered(1, "Trồng cây: 300 cây")
        + f"<w:tbl><w:tr><w:tc>{_numbered(1, 'Làm đường: 2 km')}</w:tc></w:tr></w:tbl>"
        + _numbered(0, "Chỉ tiêu xã hội")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{_WORD}"><w:body>{body}</w:body></w:document>',
        )
        archive.writestr("word/_rels/document.xml.rels", _RELATIONSHIPS)
        archive.writestr("word/numbering.xml", _NUMBERING)
    assert extract_text(buffer.getvalue(), "a.docx").split("\n\n") == [
        "4. Chỉ tiêu kinh tế",
        "4.1. Thu ngân sách: 4.250 triệu đồng",
        "a) thu thuế: 900 triệu đồng",
        "b) thu phí: 150 triệu đồng",
        "4.2. Trồng cây: 300 cây",
        "| 4.3. Làm đường: 2 km |",
        "5. Chỉ tiêu xã hội",
    ]


def test_docx_in_strict_open_xml_is_read_like_any_other(monkeypatch: pytest.MonkeyPatch) -> None:
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    cells = "".join(_cell(text) for text in ("1", "Trồng cây xanh", "300 cây"))
    document = (
        f'<w:document xmlns:w="{strict}"><w:body><w:p><w:r><w:t>Chỉ tiêu</w:t></w:r></w:p>'
        f"<w:tbl><w:tr>{cells}</w:tr></w:tbl></w:body></w:document>"
    ).encode()
    expected = "Chỉ tiêu\n\n| 1 | Trồng cây xanh | 300 cây |"
    assert extract_text(_raw_docx(document), "a.docx") == expected
    monkeypatch.setattr(docx_reader, "_CHUNK", 7)  # the namespace falls across chunk boundaries
    assert extract_text(_raw_docx(document), "a.docx") == expected


def test_docx_rows_skipping_grid_columns_are_padded() -> None:
    body = (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        f"<w:tr>{_cell('STT')}{_cell('Nội dung')}{_cell('Ghi chú')}</w:tr>"
        f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{_cell("Nhóm A")}</w:tr>'
        f"<w:sdt><w:sdtContent><w:tr>{_cell('1')}{_cell('Hộ văn hóa')}{_cell('x')}</w:tr>"
        "</w:sdtContent></w:sdt></w:tbl>"
    )
    assert extract_text(_raw_docx(body), "a.docx").splitlines() == [
        "| STT | Nội dung | Ghi chú |",
        "|  | Nhóm A |  |",
        "| 1 | Hộ văn hóa | x |",
    ]


def test_docx_forged_span_is_capped() -> None:
    span = _cell("A", '<w:gridSpan w:val="99999999"/>')
    body = f"<w:tbl><w:tr>{span}</w:tr></w:tbl>"
    line = extract_text(_raw_docx(body), "a.docx")
    assert line.count("|") == MAX_TABLE_COLUMNS + 1


def test_docx_text_box_fallback_is_not_read_twice() -> None:
    mc = "http://schemas.openxmlformats.org/markup-compatibility/2006"
    box = "<w:txbxContent><w:p><w:r><w:t>Khung chữ</w:t></w:r></w:p></w:txbxContent>"
    body = (
        f'<w:p><w:r><w:t>Trước </w:t></w:r><w:r><mc:AlternateContent xmlns:mc="{mc}">'
        f"<mc:Choice>{box}</mc:Choice><mc:Fallback>{box}</mc:Fallback>"
        "</mc:AlternateContent></w:r></w:p>"
    )
    assert extract_text(_raw_docx(body), "a.docx") == "Trước Khung chữ"


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


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """The zip *data* with *name*'s uncompressed size (local header and directory) set to *size*."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        start = out.find(signature)
        while start >= 0:
            if out[start + name_at : start + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", out, start + size_at, size)
            start = out.find(signature, start + 4)
    return bytes(out)


def test_docx_entry_lying_about_its_size_is_never_inflated_in_full() -> None:
    padding = "<w:p/>" * (MAX_DOCX_UNPACKED_BYTES // 6 + 1)  # 50 MB that deflate to ~50 KB
    honest = _raw_docx(padding)
    with pytest.raises(DocumentTooLarge):  # the declared size already gives it away
        extract_text(honest, "a.docx")
    forged = _lie_about_size(honest, "word/document.xml", 2_000)
    with zipfile.ZipFile(io.BytesIO(forged)) as archive:
        assert archive.getinfo("word/document.xml").file_size == 2_000
    # Read in bounded chunks, the entry stops at its declared size and fails its checksum.
    with pytest.raises(UnreadableDocument):
        extract_text(forged, "a.docx")


def test_docx_inflating_beyond_the_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _raw_docx("<w:p><w:r><w:t>Chỉ tiêu</w:t></w:r></w:p>" + "<w:p/>" * 50_000)
    monkeypatch.setattr(docx_reader, "MAX_DOCX_UNPACKED_BYTES", 100_000)
    with pytest.raises(DocumentTooLarge) as caught:
        docx_reader.read_docx(data)
    assert "giải nén" in caught.value.message_vi


def test_docx_with_too_many_xml_elements_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _raw_docx("<w:p><w:r><w:t>Chỉ tiêu</w:t></w:r></w:p>" + "<w:p/>" * 5_000)
    assert extract_text(data, "a.docx") == "Chỉ tiêu"
    monkeypatch.setattr(docx_reader, "MAX_DOCX_XML_ELEMENTS", 4_000)
    with pytest.raises(DocumentTooLarge) as caught:
        extract_text(data, "a.docx")
    assert "quá nhiều đoạn trống" in caught.value.message_vi


def test_docx_with_more_text_than_any_plan_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _raw_docx("<w:p><w:r><w:t>Trồng cây xanh: 300 cây</w:t></w:r></w:p>" * 100)
    monkeypatch.setattr(docx_reader, "MAX_TEXT_CHARS", 1_000)
    with pytest.raises(DocumentTooLarge) as caught:
        extract_text(data, "a.docx")
    assert "ký tự" in caught.value.message_vi


@pytest.mark.parametrize(
    "document",
    [
        b"<w:document><w:body><w:p>",  # truncated
        f'<w:document xmlns:w="{_WORD}"><w:body><w:p></w:body></w:document>'.encode(),
        b'<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">]><d>&a;&a;&a;</d>',
    ],
)
def test_docx_with_broken_xml_is_unreadable(document: bytes) -> None:
    with pytest.raises(DocumentError):
        extract_text(_raw_docx(document), "a.docx")


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


FIXTURES = Path(__file__).parent.parent / "fixtures" / "documents"


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_pdf_table_stands_in_its_place_one_row_a_line() -> None:
    text = extract_text(_fixture("table_plan.pdf"), "kh.pdf")
    assert text.split("\n\n") == [
        "KẾ HOẠCH\nThực hiện nhiệm vụ thi đua của phường Đông Sơn năm 2026\n"
        "I. CÁC CHỈ TIÊU CHỦ YẾU",
        "| STT | Chỉ tiêu | ĐVT | KH 2026 |\n"
        "| I | Chỉ tiêu kinh tế |  |  |\n"
        "| 1 | Thu ngân sách trên địa bàn | triệu đồng | 4.250 |\n"
        "| 2 | Trồng mới cây phân tán | cây | 3.600 |\n"
        "| II | Chỉ tiêu xã hội |  |  |\n"
        "| 3 | Tỷ lệ hộ nghèo | % | 0,8 |\n"
        "| 4 | Tỷ lệ tham gia bảo hiểm y tế | % | 96 |",
        # The lines of a paragraph stay as the PDF wraps them.
        "II. TỔ CHỨC THỰC HIỆN\nCác tổ dân phố báo cáo kết quả thực hiện về Ủy ban nhân dân "
        "phường trước\nngày 15 hằng tháng.",
    ]


def test_pdf_table_over_three_pages_is_one_table() -> None:
    text = extract_text(_fixture("long_table_plan.pdf"), "kh.pdf")
    blocks = text.split("\n\n")
    table = [block for block in blocks if block.startswith("|")]
    assert len(table) == 1
    rows = table[0].splitlines()
    assert rows[0] == "| TT | Nội dung | Đơn vị tính | Chỉ tiêu |"  # the repeated header once
    assert rows[1:] == [f"| {n} | Chỉ tiêu số {n} của xã | hộ | {n * 10} |" for n in range(1, 61)]
    assert blocks[-1] == "Ủy ban nhân dân xã theo dõi, tổng hợp kết quả."


def _encrypted(data: bytes, *, user_password: str, algorithm: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=user_password, owner_password="chu-so-huu", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_pdf_with_an_owner_password_only_is_read(algorithm: str) -> None:
    plain = _fixture("table_plan.pdf")
    locked = _encrypted(plain, user_password="", algorithm=algorithm)
    assert extract_text(locked, "kh.pdf") == extract_text(plain, "kh.pdf")


def test_pdf_that_needs_a_password_to_open_is_refused() -> None:
    locked = _encrypted(_fixture("table_plan.pdf"), user_password="bi-mat", algorithm="AES-256")
    with pytest.raises(PasswordProtected) as caught:
        extract_text(locked, "kh.pdf")
    assert "mật khẩu" in caught.value.message_vi
    assert isinstance(caught.value, UnreadableDocument)


def test_pdf_over_the_page_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_PDF_PAGES", 2)
    with pytest.raises(DocumentTooLarge) as caught:
        extract_text(_fixture("long_table_plan.pdf"), "kh.pdf")
    assert "3 trang" in caught.value.message_vi


def test_pdf_with_more_text_than_any_plan_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_reader, "MAX_TEXT_CHARS", 500)
    with pytest.raises(DocumentTooLarge):
        extract_text(_fixture("long_table_plan.pdf"), "kh.pdf")


def test_pdf_text_round_the_tables_is_read_even_without_any() -> None:
    lines = ["Chỉ tiêu 1: trồng 300 cây xanh", "1", "Chỉ tiêu 2: làm 2 km đường"]
    assert extract_text(_pdf_with_lines(lines), "kh.pdf").splitlines() == lines


def _pdf_with_deflated_page(content: bytes) -> bytes:
    """The table plan with one more page whose content stream is *content*, deflated."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(FIXTURES / "table_plan.pdf"))
    page = writer.add_blank_page()
    stream = pypdf.generic.StreamObject()
    stream._data = zlib.compress(content, 9)
    stream[pypdf.generic.NameObject("/Filter")] = pypdf.generic.NameObject("/FlateDecode")
    page[pypdf.generic.NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_stream_inflating_beyond_reason_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _pdf_with_deflated_page(b" " * 3_000_000)  # 3 MB of nothing in 3 KB
    assert "Tỷ lệ hộ nghèo" in extract_text(data, "kh.pdf")
    monkeypatch.setattr(pdf_reader, "_MAX_STREAM_BYTES", 2_000_000)
    with pytest.raises(DocumentTooLarge) as caught:
        extract_text(data, "kh.pdf")
    assert "nén bất thường" in caught.value.message_vi


def test_docx_external_entities_are_never_resolved() -> None:
    document = (
        '<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        f'<w:document xmlns:w="{_WORD}"><w:body>'
        "<w:p><w:r><w:t>Chỉ tiêu &secret; hết</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    # The reference stays a reference: nothing is read from the disk (Word never writes one).
    assert extract_text(_raw_docx(document), "a.docx").strip() == "Chỉ tiêu"


def test_pdf_page_border_crossed_by_a_rule_is_not_a_table() -> None:
    lines = [
        "KẾ HOẠCH thi đua năm 2026",
        "Chỉ tiêu 1: trồng 300 cây xanh",
        "Chỉ tiêu 2: 2 km đường",
    ]
    with matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}):
        figure = plt.figure(figsize=(8.27, 11.69))
        border = matplotlib.patches.Rectangle((0.05, 0.05), 0.9, 0.9, fill=False)
        figure.add_artist(border)
        figure.add_artist(matplotlib.lines.Line2D([0.05, 0.95], [0.88, 0.88], color="black"))
        for i, line in enumerate(lines):
            figure.text(0.08, 0.92 - 0.06 * i, line, fontsize=11)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="pdf")
        plt.close(figure)
    assert extract_text(buffer.getvalue(), "kh.pdf").splitlines() == lines


def test_docx_table_text_counts_once_against_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = "".join(
        f"<w:tr>{_cell(str(n))}{_cell('Trồng cây xanh dọc đường thôn')}</w:tr>" for n in range(15)
    )
    data = _raw_docx(f"<w:tbl>{rows}</w:tbl>")
    size = len(extract_text(data, "a.docx"))
    monkeypatch.setattr(docx_reader, "MAX_TEXT_CHARS", size + 10)
    assert len(extract_text(data, "a.docx")) == size
    monkeypatch.setattr(docx_reader, "MAX_TEXT_CHARS", size // 2)
    with pytest.raises(DocumentTooLarge):
        extract_text(data, "a.docx")
