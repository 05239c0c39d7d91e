"""Scan fixtures and the rule for tests that need Tesseract: they skip where it is not
installed, except in CI (``CI=true``), where ``.ci/run`` installs it and they must run."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from bot.core.ocr import OcrUnavailable, require_tesseract

SCANS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "scans"
SCAN_SOURCE = SCANS_DIR / "ke_hoach_xa_an_phu_2026.txt"
SCAN_300_PDF = SCANS_DIR / "scan_300dpi.pdf"
SCAN_150_PDF = SCANS_DIR / "scan_150dpi.pdf"
PHONE_PAGES = (SCANS_DIR / "phone_150dpi_p1.jpg", SCANS_DIR / "phone_150dpi_p2.jpg")
# Page 1 again, photographed badly: tilted 3°, dim, one corner in deep shade.
PHONE_DIM_PAGE = SCANS_DIR / "phone_150dpi_dim.jpg"
# A ruled table of five targets under a heading, scanned at 150 dpi (1-bit).
TABLE_PAGE = SCANS_DIR / "table_150dpi.png"
TABLE_SOURCE = SCANS_DIR / "table_source.txt"
TABLE_TARGETS = {
    "1": ("45000", "cây"),
    "2": ("2300", "tấn"),
    "3": ("96", "%"),
    "4": ("420", "người"),
    "5": ("12.4", "tỷ đồng"),
}
# The text drawn on each page of the renderings, pages separated by a form feed.
SOURCE_PAGES = SCANS_DIR / "source_pages.txt"
# The targets of the sample plan, as its text states them: number → (value, measure).
EXPECTED_TARGETS = {
    "(1)": ("45000", "cây"),
    "(2)": ("2300", "tấn"),
    "(3)": ("96", "%"),
    "(4)": ("420", "người"),
    "(5)": ("8.5", "km"),
    "(6)": ("2.1", "%"),
    "(7)": ("12.4", "tỷ đồng"),
    "(8)": ("93", "%"),
    "(9)": ("3", "nhà"),
    "(10)": ("7", "%"),
}


def _tesseract_ready() -> bool:
    try:
        require_tesseract()
    except OcrUnavailable:
        return False
    return True


needs_tesseract = pytest.mark.skipif(
    os.environ.get("CI", "").lower() != "true" and not _tesseract_ready(),
    reason="Tesseract with Vietnamese data is not installed "
    "(apt-get install tesseract-ocr tesseract-ocr-vie); CI installs it and runs these tests",
)


def image_bytes(image: Image.Image, fmt: str = "PNG") -> bytes:
    """*image* encoded as *fmt*."""
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def text_rows_image(
    size: tuple[int, int] = (1240, 1754), *, angle: float = 0.0, paper: int = 250, ink: int = 20
) -> Image.Image:
    """A page of dark bars laid out like lines of text (no font needed), tilted by *angle*."""
    page = Image.new("L", size, paper)
    draw = ImageDraw.Draw(page)
    width, height = size
    row = height // 40
    for y in range(height // 10, height * 9 // 10, row):
        x = width // 8
        while x < width * 7 // 8:
            word = 30 + (x * 7 + y * 3) % 90
            draw.rectangle((x, y, min(x + word, width * 7 // 8), y + row // 2), fill=ink)
            x += word + 14
    return page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=paper)
