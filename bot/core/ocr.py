"""Reading scanned plans and phone photos of their pages with Tesseract (Vietnamese data).

A scan arrives as a PDF of page images, or as photos (JPEG/PNG). Each page goes through:

1. **Loading**: a PDF page is rendered by pypdfium2 at :data:`RENDER_DPI`; a photo is turned
   upright from its EXIF orientation and made grayscale.
2. **Checks** that name the problem instead of returning rubbish: too small, too dark or too
   faint (no contrast), blank.
3. **Preparation** that pays for itself (``benchmarks/ocr.py`` measures it): the light is
   flattened (a phone photo is darker towards one corner, and a single threshold would black
   out that corner; a dim, tilted photo loses half its targets without this), the tilt is
   measured from the rows of text and undone, and only very small images are enlarged. Our
   own Otsu binarisation finds blank pages and the tilt; Tesseract binarises the evenly lit
   page itself, which read better than handing it our 1-bit page.
4. **Tesseract** (the ``tesseract`` program, run with a time limit) returns TSV: every word
   with its place and confidence. Lines are rebuilt from it; a wide gap between words on one
   line (table cells, the two-column letterhead) becomes " | ", the same cell separator the
   .docx reader writes, so the plan reader sees table rows alike whatever the source.

The result is the text of every page and Tesseract's mean word confidence per page.
Everything here is synchronous and CPU-bound: callers run it off the event loop, a page at a
time. Every refusal is an :class:`OcrError` (a :class:`DocumentError`) with a Vietnamese
message saying what to do.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFilter, ImageOps

from bot.core.documents import DocumentError

__all__ = [
    "INSTALL_HINT",
    "MAX_PAGES",
    "PAGE_TIMEOUT_SECONDS",
    "RENDER_DPI",
    "TOTAL_TIMEOUT_SECONDS",
    "OcrError",
    "OcrResult",
    "OcrTimeout",
    "OcrUnavailable",
    "PageSource",
    "PageText",
    "TooManyPages",
    "UnreadablePage",
    "image_page",
    "pdf_pages",
    "prepare_page",
    "read_page",
    "read_pages",
    "require_tesseract",
]

MAX_PAGES = 30
RENDER_DPI = 300  # Tesseract's best resolution for body text of 12–14 pt
PAGE_TIMEOUT_SECONDS = 60.0
TOTAL_TIMEOUT_SECONDS = 600.0
LANGUAGE = "vie"
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"

# An A4 page is 8,27 inches wide. Tesseract reads a 150-dpi page (1.240 px) as well as the
# same page enlarged to 300 dpi, and faster (benchmarks/ocr.py), so only a page under about
# 120 dpi is enlarged; one over about 430 dpi is reduced (more pixels only cost time).
_TARGET_WIDTH = 2480
_ENLARGE_BELOW = 1000
_SMALL_TARGET_WIDTH = 1800
_REDUCE_ABOVE = 3600
_MIN_SIDE = 500  # pixels: below this a page of text cannot hold readable letters
_MAX_PIXELS = 60_000_000  # a decompression bomb guard for photos (an A4 at 600 dpi is 35 M)
_DARK_PAPER = 70  # the brightest tenth of a page darker than this: no paper is visible
_MIN_CONTRAST = 40  # paper and ink closer than this in gray levels: nothing to read
_PAPER_GRAIN = 15  # no more spread than this: an empty sheet (scanner noise), not faint text
_BLANK_INK = 0.002  # fewer dark pixels than this share: an empty page (a blank back side)
_MIN_WORDS = 3  # a page with fewer confident words than this is not a text page
_CONFIDENT = 50.0
_MAX_SKEW = 6.0  # degrees; a photo tilted more than this is retaken, not guessed
_COLUMN_GAP_LINES = 2.0  # a gap wider than this many word heights separates two cells


class OcrError(DocumentError):
    """A scan that cannot be read; ``message_vi`` says what to do."""


class OcrUnavailable(OcrError):
    """Tesseract or its Vietnamese data is not installed on the server."""


class UnreadablePage(OcrError):
    """A page too small, too dark, too faint, or without text."""

    def __init__(self, message_vi: str, page: int) -> None:
        super().__init__(message_vi)
        self.page = page


class TooManyPages(OcrError):
    """More pages than :data:`MAX_PAGES`."""


class OcrTimeout(OcrError):
    """A page or the whole document took longer than the time limit."""


@dataclass(frozen=True, slots=True)
class PageText:
    """What Tesseract read on one page."""

    number: int  # 1-based, in document order
    text: str
    confidence: float | None  # mean word confidence 0–100; None for a blank page
    words: int
    blank: bool = False
    skew: float = 0.0  # degrees the page was turned back by


@dataclass(frozen=True, slots=True)
class OcrResult:
    """The pages of one scanned document, read."""

    pages: tuple[PageText, ...]
    seconds: float

    @property
    def text(self) -> str:
        """The whole document, pages in order, separated by blank lines."""
        return "\n\n".join(p.text for p in self.pages if p.text.strip())

    @property
    def confidence(self) -> float | None:
        """Mean word confidence over the document (each word counts once)."""
        read = [p for p in self.pages if p.confidence is not None and p.words]
        words = sum(p.words for p in read)
        if not words:
            return None
        return sum(p.confidence * p.words for p in read if p.confidence is not None) / words

    def weakest(self) -> PageText | None:
        """The page read with the least confidence (worth checking first)."""
        read = [p for p in self.pages if p.confidence is not None]
        return min(read, key=lambda p: p.confidence or 0.0) if read else None


# ---------------------------------------------------------------------------------- Tesseract


@lru_cache(maxsize=1)
def _tesseract_languages(binary: str) -> frozenset[str]:
    try:
        done = subprocess.run(
            [binary, "--list-langs"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (done.stdout + done.stderr).splitlines()
    return frozenset(line.strip() for line in lines[1:] if line.strip())


def require_tesseract() -> str:
    """The path of the ``tesseract`` program with its Vietnamese data, or
    :class:`OcrUnavailable` saying how to install them."""
    binary = shutil.which("tesseract")
    if binary is None:
        raise OcrUnavailable(
            "Máy chủ của bot chưa cài chương trình đọc chữ từ ảnh (Tesseract) nên chưa đọc "
            "được bản scan hay ảnh chụp. Người quản trị máy chủ cài bằng lệnh: "
            f"{INSTALL_HINT}. Trong lúc chờ, hãy gửi bản .docx hoặc PDF có chữ."
        )
    if LANGUAGE not in _tesseract_languages(binary):
        raise OcrUnavailable(
            "Máy chủ đã có Tesseract nhưng thiếu dữ liệu tiếng Việt nên chưa đọc được bản scan. "
            f"Người quản trị máy chủ cài bằng lệnh: {INSTALL_HINT}."
        )
    return binary


def _run_tesseract(binary: str, png: bytes, timeout: float) -> str:
    """TSV of *png* (a prepared page); one thread, as the machine is shared."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    # --dpi: without it Tesseract guesses from the letter sizes and logs a warning each page;
    # 300 is what the letters of body text at ~150–300 dpi read best as (benchmarks/ocr.py).
    command = [binary, "stdin", "stdout", "-l", LANGUAGE, "--psm", "3", "--dpi", "300", "tsv"]
    try:
        done = subprocess.run(
            command, input=png, capture_output=True, timeout=timeout, check=False, env=env
        )
    except subprocess.TimeoutExpired:
        raise OcrTimeout(
            f"Đọc một trang mất quá {timeout:.0f} giây nên đã dừng. Hãy chụp rõ hơn, "
            "mỗi ảnh một trang, rồi gửi lại."
        ) from None
    except OSError:
        raise OcrUnavailable(
            f"Không chạy được Tesseract trên máy chủ. Người quản trị cài lại: {INSTALL_HINT}."
        ) from None
    if done.returncode != 0:
        raise OcrError(
            "Tesseract không đọc được trang này (ảnh hỏng hoặc định dạng lạ). Hãy chụp lại "
            "hoặc lưu ảnh dạng JPEG/PNG rồi gửi lại."
        )
    return done.stdout.decode("utf-8", errors="replace")


# ------------------------------------------------------------------------------------ sources


@dataclass(frozen=True, slots=True)
class PageSource:
    """One page still to read: how to load its image (rendered only when its turn comes,
    so a 30-page scan never holds 30 large images at once)."""

    number: int
    load: Callable[[], Image.Image]


def pdf_pages(data: bytes, *, max_pages: int = MAX_PAGES) -> list[PageSource]:
    """The pages of a scanned PDF, rendered at :data:`RENDER_DPI` when loaded."""
    import pypdfium2 as pdfium  # imported here: only scans pay for it

    try:
        count = len(pdfium.PdfDocument(data))
    except pdfium.PdfiumError:
        raise OcrError(
            "Không mở được tệp PDF này: tệp có thể bị hỏng hoặc có mật khẩu. Hãy mở thử trên "
            "máy, lưu lại (bỏ mật khẩu nếu có) rồi gửi lại."
        ) from None
    _check_page_count(count, max_pages)

    def loader(index: int) -> Callable[[], Image.Image]:
        def load() -> Image.Image:
            document = pdfium.PdfDocument(data)
            try:
                page = document[index]
                width, height = page.get_size()  # points, 72 to the inch
                # A poster-sized page must not become a gigantic bitmap: cap its pixels.
                scale = min(RENDER_DPI / 72, (_MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
                bitmap = page.render(scale=scale, grayscale=True)
                image: Image.Image = bitmap.to_pil()
                return image
            finally:
                document.close()

        return load

    return [PageSource(i + 1, loader(i)) for i in range(count)]


def image_page(data: bytes, number: int) -> PageSource:
    """A photo or image file as one page."""
    return PageSource(number, lambda: _open_image(data, number))


def _check_page_count(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise TooManyPages(
            f"Bản scan có {count} trang, nhiều hơn {max_pages} trang bot đọc được một lần. "
            "Hãy gửi riêng phần có các chỉ tiêu (hoặc tách thành nhiều tệp)."
        )
    if count == 0:
        raise OcrError("Tệp không có trang nào. Hãy kiểm tra rồi gửi lại.")


def _open_image(data: bytes, number: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > _MAX_PIXELS:
                raise UnreadablePage(_too_large_text(number), number)
            image.load()
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnreadablePage(
            f"Trang {number}: không mở được ảnh (tệp hỏng hoặc không phải ảnh). Hãy gửi ảnh "
            "JPEG hoặc PNG.",
            number,
        ) from None
    return ImageOps.exif_transpose(image)


def _too_large_text(number: int) -> str:
    return (
        f"Trang {number}: ảnh quá lớn (hơn {_MAX_PIXELS // 1_000_000} triệu điểm ảnh). "
        "Hãy gửi ảnh chụp thông thường từ điện thoại."
    )


# ---------------------------------------------------------------------------------- preparing

Gray = npt.NDArray[np.uint8]


def _grayscale(image: Image.Image) -> Image.Image:
    if image.mode in {"RGBA", "LA", "P", "PA"}:
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)  # transparent areas are paper, not ink
    return image.convert("L")


def _otsu(pixels: Gray) -> int:
    """The gray level that best splits *pixels* into ink and paper (Otsu's method)."""
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = histogram.sum()
    levels = np.arange(256, dtype=np.float64)
    weight_dark = np.cumsum(histogram)
    weight_light = total - weight_dark
    sum_dark = np.cumsum(histogram * levels)
    mean_dark = np.divide(sum_dark, weight_dark, out=np.zeros(256), where=weight_dark > 0)
    mean_light = np.divide(
        sum_dark[-1] - sum_dark, weight_light, out=np.zeros(256), where=weight_light > 0
    )
    between = weight_dark * weight_light * (mean_dark - mean_light) ** 2
    return int(np.argmax(between))


def _flatten_light(image: Image.Image) -> Image.Image:
    """Divide the page by its own background (the paper's brightness, estimated where there is
    no ink), so a shadow or a dim corner becomes white paper again. The background is found
    on a page about 400 pixels wide: ink strokes vanish under the maximum filter there, and
    it is cheap."""
    factor = max(1, image.width // 400)
    small = image.reduce(factor) if factor > 1 else image
    background = small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(6))
    background = background.resize(image.size, Image.Resampling.BILINEAR)
    page = np.asarray(image, dtype=np.float32)
    paper = np.maximum(np.asarray(background, dtype=np.float32), 1.0)
    flat = np.clip(page / paper * 255.0, 0, 255).astype(np.uint8)
    return Image.fromarray(flat)


def _check_readable(image: Image.Image, number: int) -> None:
    if min(image.size) < _MIN_SIDE:
        raise UnreadablePage(
            f"Trang {number}: ảnh quá nhỏ ({image.width}×{image.height} điểm ảnh) nên không đọc "
            "được chữ. Hãy chụp cả trang, gần hơn, rồi gửi ảnh gốc (không cắt nhỏ).",
            number,
        )
    pixels = np.asarray(image.reduce(4) if min(image.size) >= 2000 else image, dtype=np.uint8)
    dark, light = np.percentile(pixels, [0.5, 90])
    if light < _DARK_PAPER:
        raise UnreadablePage(
            f"Trang {number}: ảnh quá tối, không thấy rõ trang giấy. Hãy chụp lại chỗ đủ sáng, "
            "không che bóng lên trang.",
            number,
        )
    if _PAPER_GRAIN < light - dark < _MIN_CONTRAST:
        raise UnreadablePage(
            f"Trang {number}: ảnh quá mờ, chữ và nền gần như cùng màu. Hãy chụp lại rõ nét, "
            "đủ sáng.",
            number,
        )


def _estimate_skew(binary: npt.NDArray[np.bool_]) -> float:
    """The tilt of the text rows in degrees: the angle at which the row profile of the ink is
    sharpest (text lines and the gaps between them line up with the pixel rows)."""
    ink = Image.fromarray((binary * 255).astype(np.uint8))
    if ink.width > 800:
        ink = ink.resize((800, round(ink.height * 800 / ink.width)), Image.Resampling.BOX)

    def sharpness(angle: float) -> float:
        turned = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
        rows = np.asarray(turned, dtype=np.float64).sum(axis=1)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 0.01, 0.5), key=sharpness)
    fine = np.arange(best - 0.5, best + 0.51, 0.1)
    return round(float(max(fine, key=sharpness)), 1)


def _scale_for_ocr(image: Image.Image) -> float:
    """How much to enlarge (or reduce) a page image towards 300 dpi across an A4 width."""
    if image.width < _ENLARGE_BELOW:
        return _SMALL_TARGET_WIDTH / image.width
    if image.width > _REDUCE_ABOVE:
        return _TARGET_WIDTH / image.width
    return 1.0


def prepare_page(image: Image.Image, number: int = 1) -> tuple[Image.Image | None, float]:
    """The page made ready for Tesseract (grayscale, evenly lit, upright, not tiny) and the
    angle it was turned by; ``None`` for a blank page. Raises :class:`UnreadablePage`.

    The page is binarised (Otsu) here only to find the blank pages and the tilt; Tesseract
    gets the evenly lit grayscale page and binarises it itself, which ``benchmarks/ocr.py``
    measured to read better than our 1-bit page (the letters' grey edges help it)."""
    gray = _grayscale(image)
    _check_readable(gray, number)
    flat = _flatten_light(gray)
    ink = np.asarray(flat, dtype=np.uint8) <= _otsu(np.asarray(flat, dtype=np.uint8))
    if ink.mean() < _BLANK_INK:
        return None, 0.0
    angle = _estimate_skew(ink)
    scale = _scale_for_ocr(flat)
    if scale != 1.0:
        size = (round(flat.width * scale), round(flat.height * scale))
        flat = flat.resize(size, Image.Resampling.LANCZOS)
    if abs(angle) >= 0.2:
        flat = flat.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return flat, angle


# ------------------------------------------------------------------------------------ reading


@dataclass(frozen=True, slots=True)
class _Word:
    line: tuple[int, int, int]  # block, paragraph, line
    left: int
    right: int
    height: int
    confidence: float
    text: str


def _tsv_words(tsv: str) -> list[_Word]:
    words: list[_Word] = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            left, width = int(row["left"]), int(row["width"])
            key = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
            height, confidence = int(row["height"]), float(row["conf"])
        except (KeyError, ValueError):
            continue
        # A table's ruling lines come back as "|" glyphs, alone or stuck to a cell's first or
        # last word: they are kept apart as cell separators, not counted as words read.
        core = text.strip("|").strip()
        if text.startswith("|"):
            words.append(_Word(key, left, left, height, -1.0, _CELL))
        if core:
            words.append(_Word(key, left, left + width, height, confidence, core))
        if text.endswith("|") and core:
            words.append(_Word(key, left + width, left + width, height, -1.0, _CELL))
    return words


_CELL = "|"
_SEPARATORS = re.compile(r"(?:\s*\|)+\s*")


def _lines(words: Sequence[_Word]) -> str:
    """Text lines in Tesseract's reading order; a blank line between blocks (not between
    Tesseract's paragraphs: it splits a paragraph wherever a line is short); a ruling line or
    a wide gap inside a line becomes one " | " between cells."""
    out: list[str] = []
    previous: _Word | None = None
    line: list[str] = []
    # The page's usual word height (not the two words' own: "1" beside "Trồng" is shorter).
    heights = sorted(w.height for w in words if w.text != _CELL)
    cell_gap = _COLUMN_GAP_LINES * (heights[len(heights) // 2] if heights else 1)
    for word in words:
        if previous is not None and word.line != previous.line:
            out.append(_cells(line))
            line = []
            if word.line[0] != previous.line[0]:
                out.append("")
        elif previous is not None and word.left - previous.right > cell_gap:
            line.append(_CELL)
        line.append(word.text)
        previous = word
    if line:
        out.append(_cells(line))
    return "\n".join(_repair_heading(text) for text in out).strip()


def _cells(tokens: Sequence[str]) -> str:
    """The line's words, separators merged into one " | " and none at either end."""
    return _SEPARATORS.sub(" | ", " ".join(tokens)).strip(" |")


# A section number in capitals at the start of a heading, as OCR garbles it: "HI." for
# "III." (two strokes read as one H), "1I." or "Il." for "II.".
_ROMAN_HEADING = re.compile(r"^([IlH1|]{1,3})\.(\s+)(\w+)")
_ROMAN_GLYPHS = str.maketrans({"l": "I", "1": "I", "|": "I", "H": "II"})
_ROMANS = frozenset({"I", "II", "III"})


def _repair_heading(line: str) -> str:
    """ "HI. TỔ CHỨC THỰC HIỆN" → "III. TỔ CHỨC THỰC HIỆN": only at the start of a line, only
    before a word in capitals, and only when the repair is a roman number (so "1. Nội dung"
    and a real "II." stay as they are)."""
    match = _ROMAN_HEADING.match(line)
    if match is None or match.group(1) in _ROMANS or match.group(1).isdigit():
        return line
    if not (match.group(3).isupper() and len(match.group(3)) > 1):
        return line
    roman = match.group(1).translate(_ROMAN_GLYPHS)
    if roman not in _ROMANS:
        return line
    return f"{roman}.{match.group(2)}{line[match.start(3) :]}"


def read_page(source: PageSource, *, timeout: float = PAGE_TIMEOUT_SECONDS) -> PageText:
    """Load, prepare and read one page. Raises :class:`OcrError`."""
    binary = require_tesseract()
    prepared, angle = prepare_page(source.load(), source.number)
    if prepared is None:
        return PageText(source.number, "", None, 0, blank=True)
    png = io.BytesIO()
    prepared.save(png, "PNG", compress_level=1)  # speed over size: it only goes to a pipe
    words = _tsv_words(_run_tesseract(binary, png.getvalue(), timeout))
    if sum(w.confidence >= _CONFIDENT for w in words) < _MIN_WORDS:
        raise UnreadablePage(
            f"Trang {source.number}: không thấy chữ trên ảnh (có thể không phải trang văn bản, "
            "hoặc chụp quá xa, quá nghiêng). Hãy chụp thẳng, cả trang, rõ chữ rồi gửi lại.",
            source.number,
        )
    confidences = [w.confidence for w in words if w.confidence >= 0]
    mean = sum(confidences) / len(confidences) if confidences else None
    return PageText(source.number, _lines(words), mean, len(words), skew=angle)


def read_pages(
    sources: Sequence[PageSource],
    *,
    on_page: Callable[[int, int], None] | None = None,
    total_timeout: float = TOTAL_TIMEOUT_SECONDS,
) -> OcrResult:
    """Read every page in order (synchronously: for the CLI, benchmarks and tests; the bot
    reads page by page off the event loop). *on_page(n, total)* is called before page n."""
    _check_page_count(len(sources), MAX_PAGES)
    require_tesseract()
    started = time.monotonic()
    pages: list[PageText] = []
    for source in sources:
        if on_page is not None:
            on_page(source.number, len(sources))
        left = total_timeout - (time.monotonic() - started)
        if left <= 0:
            raise document_timeout(total_timeout)
        pages.append(read_page(source, timeout=min(PAGE_TIMEOUT_SECONDS, left)))
    return finish(pages, time.monotonic() - started)


def document_timeout(total_timeout: float) -> OcrTimeout:
    """The refusal for a document that took longer than *total_timeout* seconds."""
    return OcrTimeout(
        f"Đọc bản scan mất quá {total_timeout / 60:.0f} phút nên đã dừng. Hãy gửi ít trang "
        "hơn (phần có các chỉ tiêu) hoặc bản .docx, PDF có chữ."
    )


def finish(pages: Sequence[PageText], seconds: float) -> OcrResult:
    """The document from its pages; :class:`OcrError` when every page was blank."""
    if not any(p.text.strip() for p in pages):
        raise OcrError(
            "Các trang gửi lên đều trống, không có chữ. Hãy kiểm tra lại ảnh hoặc bản scan."
        )
    return OcrResult(tuple(pages), seconds)
