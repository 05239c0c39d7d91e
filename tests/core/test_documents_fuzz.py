"""Damaged uploads of every kind end in text or a clear DocumentError, never anything else.

Each example takes a real document (a .docx written here, the committed PDF fixture, plain
text) and damages it: bytes overwritten, the file cut short, junk appended.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.documents import DocumentError, extract_text

FIXTURES = Path(__file__).parent.parent / "fixtures" / "documents"


def _sample_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("Chỉ tiêu thi đua năm 2026")
    document.add_paragraph("Trồng cây xanh: 300 cây", style="List Number")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Nhóm chỉ tiêu"
    table.cell(1, 0).text = "1"
    table.cell(1, 1).text = "Tỷ lệ hộ nghèo"
    table.cell(1, 2).text = "1,2%"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


SAMPLES = {
    "a.docx": _sample_docx(),
    "a.pdf": (FIXTURES / "table_plan.pdf").read_bytes(),
    "a.txt": "Kế hoạch thi đua\n(1) Trồng cây xanh: 300 cây;\n".encode() * 20,
}


@st.composite
def damaged(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data) - 1))
        data[at : at + 4] = draw(st.binary(min_size=1, max_size=4))
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return bytes(data) + draw(st.binary(max_size=16))


@pytest.mark.parametrize("filename", sorted(SAMPLES))
def test_damaged_uploads_give_text_or_a_clear_refusal(filename: str) -> None:
    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
    )
    @given(damaged(SAMPLES[filename]))
    def check(data: bytes) -> None:
        try:
            outcome = extract_text(data, filename)
        except DocumentError as exc:
            outcome = exc.message_vi
        assert isinstance(outcome, str) and outcome.strip()

    check()
