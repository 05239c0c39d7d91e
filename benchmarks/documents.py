"""Worst time and peak memory of reading uploaded documents, hostile ones above all.

Each input is written to a temporary file and read by ``extract_text`` in a fresh child
process, so the peak resident memory (``ru_maxrss``) belongs to that one read; the child runs
under a 2 GB address-space limit so a regression cannot take the shared machine down.
Aim: any document up to 10 MB read (or refused) in ≤ 10 s with ≤ 300 MB. The verdict uses CPU
time, which eight helpers sharing two cores do not inflate; wall time is printed beside it.

Run alone with ``python -m benchmarks documents``.
"""

from __future__ import annotations

import io
import json
import random
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

FIXTURES = Path(__file__).parent.parent / "tests" / "fixtures" / "documents"
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MB = 1024 * 1024
_CHILD_ADDRESS_SPACE = 2048 * _MB
_AIM_SECONDS = 10.0
_AIM_MB = 300.0


def _document_xml(body: str) -> str:
    return f'<w:document xmlns:w="{_WORD}"><w:body>{body}</w:body></w:document>'


def _docx(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _streamed_entry(name: str, filler: bytes, total: int) -> bytes:
    """A zip holding *name*: the start of a Word document then *filler* repeated to *total*
    bytes, compressed as it is written (the gigabytes never sit in memory here)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open(name, "w") as entry:
            head = f'<w:document xmlns:w="{_WORD}"><w:body>'.encode()
            entry.write(head)
            written = len(head)
            block = filler * (_MB // len(filler))
            while written + len(block) < total:
                entry.write(block)
                written += len(block)
    return buffer.getvalue()


def _lie_about_size(data: bytes, name: str, size: int) -> bytes:
    """*data* with *name*'s uncompressed size set to *size* in its headers, and its checksum
    set to that of its first *size* bytes, so that nothing but the inflated length gives the
    lie away."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(name) as entry:
        crc = zlib.crc32(entry.read(size))
    encoded = name.encode()
    headers = ((b"PK\x03\x04", 30, 14, 22), (b"PK\x01\x02", 46, 16, 24))
    for signature, name_at, crc_at, size_at in headers:
        start = out.find(signature)
        while start >= 0:
            if out[start + name_at : start + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", out, start + crc_at, crc)
                struct.pack_into("<I", out, start + size_at, size)
            start = out.find(signature, start + 4)
    return bytes(out)


def _zip_bomb() -> bytes:
    return _streamed_entry("word/document.xml", b" ", 1024 * _MB)


def _lying_bomb() -> bytes:
    """1,9 GB of empty paragraphs declared as 40 MB: the directory passes, only inflating
    (or the element budget) tells."""
    data = _streamed_entry("word/document.xml", b"<w:p/>", 1900 * _MB)
    return _lie_about_size(data, "word/document.xml", 40 * _MB)


def _lying_small() -> bytes:
    """A deflate stream of 200 MB declared as 4 KB (checksum matching): the classic lie."""
    data = _streamed_entry("word/document.xml", b"<w:p/>", 200 * _MB)
    return _lie_about_size(data, "word/document.xml", 4096)


def _empty_paragraphs() -> bytes:
    return _docx({"word/document.xml": _document_xml("<w:p/>" * (49 * _MB // 6))})


def _huge_word_docx() -> bytes:
    return _docx(
        {"word/document.xml": _document_xml(f"<w:p><w:r><w:t>{'a' * 9 * _MB}</w:t></w:r></w:p>")}
    )


def _long_docx() -> bytes:
    """A legitimate but long plan: 3.000 numbered paragraphs and a 2.000-row table."""
    paragraph = "<w:p><w:r><w:rPr><w:b/><w:sz w:val='26'/></w:rPr><w:t>{}</w:t></w:r></w:p>"
    cell = "<w:tc><w:tcPr><w:tcW w:w='2000'/></w:tcPr><w:p><w:r><w:t>{}</w:t></w:r></w:p></w:tc>"
    body = "".join(
        paragraph.format(f"({n}) Trồng mới cây phân tán: {n * 10} cây;") for n in range(3000)
    )
    rows = "".join(
        "<w:tr>"
        + "".join(cell.format(v) for v in (str(n), f"Chỉ tiêu số {n}", "hộ", str(n * 7)))
        + "</w:tr>"
        for n in range(2000)
    )
    return _docx({"word/document.xml": _document_xml(body + f"<w:tbl>{rows}</w:tbl>")})


def _random_binary() -> bytes:
    generator = random.Random(2026)
    return bytes(generator.randrange(1, 256) for _ in range(10 * _MB - 1))


def _huge_word_text() -> bytes:
    return b"a" * (10 * _MB - 1)


def _largest_text() -> bytes:
    line = "(12) Tỷ lệ hộ gia đình đạt danh hiệu Gia đình văn hóa: 92%;\n"
    return (line * (990_000 // len(line))).encode()


def _pdf_pages(copies: int) -> bytes:
    import pypdf

    writer = pypdf.PdfWriter()
    for _ in range(copies):
        writer.append(pypdf.PdfReader(FIXTURES / "long_table_plan.pdf"))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _pdf_bomb() -> bytes:
    """A text PDF with one more page whose content stream inflates to 1 GB of spaces."""
    import pypdf
    from pypdf.generic import NameObject, StreamObject

    compressor = zlib.compressobj(9)
    block = b" " * _MB
    deflated = b"".join(compressor.compress(block) for _ in range(1024)) + compressor.flush()
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(FIXTURES / "table_plan.pdf"))
    page = writer.add_blank_page()
    stream = StreamObject()
    stream._data = deflated
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _many_runs() -> bytes:
    """One paragraph of runs up to the element budget: the largest block held in memory."""
    runs = "<w:r><w:t>a</w:t></w:r>" * 240_000
    return _docx({"word/document.xml": _document_xml(f"<w:p>{runs}</w:p>")})


CASES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "zip bomb: 1 GB document.xml (honest directory)": ("bomb.docx", _zip_bomb),
    "zip bomb: 1,9 GB declared as 40 MB, CRC forged": ("lying.docx", _lying_bomb),
    "lying entry: 200 MB declared 4 KB, CRC forged": ("lying-small.docx", _lying_small),
    "49 MB of empty Word paragraphs": ("empty.docx", _empty_paragraphs),
    "one 9 MB word in a .docx": ("word.docx", _huge_word_docx),
    "one paragraph of 240.000 runs (480.000 elements)": ("runs.docx", _many_runs),
    "long real-looking .docx (3.000 § + 2.000 rows)": ("long.docx", _long_docx),
    "one 10 MB word in a .txt": ("word.txt", _huge_word_text),
    "10 MB random binary, no NUL, as .txt": ("random.txt", _random_binary),
    "990.000 characters of plan lines (.txt)": ("long.txt", _largest_text),
    "PDF at the page limit (60 table pages)": ("long.pdf", lambda: _pdf_pages(20)),
    "PDF of 1.500 pages (over the limit)": ("huge.pdf", lambda: _pdf_pages(500)),
    "PDF page whose content inflates to 1 GB": ("bomb.pdf", _pdf_bomb),
}


def _child(path: str, filename: str) -> None:
    """Read one document and print its cost as JSON (runs in the child process)."""
    from bot.core.documents import DocumentError, extract_text

    data = Path(path).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        outcome = f"read, {len(extract_text(data, filename)):,} characters"
    except DocumentError as exc:
        outcome = f"refused: {type(exc).__name__}"
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cost = {"seconds": seconds, "cpu": cpu, "peak_kb": peak, "before_kb": before}
    print(json.dumps({**cost, "outcome": outcome}))


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (_CHILD_ADDRESS_SPACE, _CHILD_ADDRESS_SPACE))


def main() -> None:
    worst_seconds = worst_mb = 0.0
    print(f"{'input':<50} {'file':>9} {'wall':>8} {'cpu':>7} {'peak':>8} {'growth':>8}  outcome")
    with tempfile.TemporaryDirectory() as folder:
        for label, (filename, build) in CASES.items():
            path = Path(folder) / filename
            path.write_bytes(build())
            size = path.stat().st_size
            done = subprocess.run(
                [sys.executable, "-m", "benchmarks.documents", str(path), filename],
                capture_output=True,
                text=True,
                timeout=300,
                preexec_fn=_limit_child,
                check=False,
            )
            path.unlink()
            if done.returncode != 0:
                tail = done.stderr.strip().splitlines()[-1:] or ["?"]
                print(f"{label:<50} {size / _MB:>7.2f}MB  FAILED: {tail[0]}")
                worst_seconds = worst_mb = float("inf")
                continue
            result = json.loads(done.stdout.strip().splitlines()[-1])
            peak_mb = result["peak_kb"] / 1024
            growth_mb = (result["peak_kb"] - result["before_kb"]) / 1024
            worst_seconds = max(worst_seconds, result["cpu"])
            worst_mb = max(worst_mb, peak_mb)
            print(
                f"{label:<50} {size / _MB:>7.2f}MB {result['seconds']:>7.2f}s "
                f"{result['cpu']:>6.2f}s {peak_mb:>6.0f}MB {growth_mb:>6.0f}MB  {result['outcome']}"
            )
    verdict = "met" if worst_seconds <= _AIM_SECONDS and worst_mb <= _AIM_MB else "NOT met"
    print(
        f"worst: {worst_seconds:.2f} s CPU, peak {worst_mb:.0f} MB resident (whole process) — aim "
        f"≤ {_AIM_SECONDS:.0f} s and ≤ {_AIM_MB:.0f} MB: {verdict}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3:
        _child(sys.argv[1], sys.argv[2])
    else:
        main()
