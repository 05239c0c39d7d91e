"""OCR benchmark: our own scanned sample plan read back, per fixture.

Run with ``python -m benchmarks ocr`` (or ``make bench``). The fixtures in
``tests/fixtures/scans/`` are renderings of ``ke_hoach_xa_an_phu_2026.txt`` (two pages, the
10 numbered targets on page 1): a 300-dpi flatbed scan (PDF, 1-bit), a 150-dpi scan (PDF,
JPEG pages), two phone photos at about 150 dpi (tilted, shaded, noisy, blurred, JPEG quality
55), and page 1 photographed badly (tilted 3°, dim, a corner in deep shade). For each it
prints:

* **CER**: the character error rate of the OCR text against the text drawn on the same pages
  (Levenshtein distance over the source length, white space collapsed, cell separators
  dropped);
* **targets**: targets read with the right number, figure and unit, against the 10 expected
  (the plan reader, :func:`bot.core.plan_parser.parse_plan`, on the OCR text);
* **s/page**: wall-clock seconds per page on this machine (preparation + Tesseract, one
  thread), **cpu/page** the CPU seconds (this process and Tesseract's) — on a shared machine
  the wall clock also counts waiting for a core — and Tesseract's mean word confidence.

Each fixture is also read *without* the preparation (the grayscale page straight to
Tesseract) to show what deskew, light flattening, enlargement and binarisation buy.
Set ``BENCH_OCR_ROUNDS`` to repeat the timing (default 1).
"""

from __future__ import annotations

import io
import os
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from bot.core import ocr
from bot.core.ocr import OcrUnavailable, PageSource
from bot.core.plan_parser import parse_plan
from tests.support.scans import (
    EXPECTED_TARGETS,
    PHONE_DIM_PAGE,
    PHONE_PAGES,
    SCAN_150_PDF,
    SCAN_300_PDF,
    SCAN_SOURCE,
    SOURCE_PAGES,
    TABLE_PAGE,
    TABLE_SOURCE,
    TABLE_TARGETS,
)


@dataclass(frozen=True)
class _Fixture:
    name: str
    sources: Callable[[], list[PageSource]]
    pages: tuple[int, ...]  # which pages of the source it shows (0-based)
    source: Path = SOURCE_PAGES  # pages separated by form feeds
    expected: dict[str, tuple[str, str]] = field(default_factory=lambda: EXPECTED_TARGETS)
    heading: str = ""  # put before the OCR text for the plan reader (a table page alone)


def _fixtures() -> list[_Fixture]:
    def photos() -> list[PageSource]:
        return [ocr.image_page(p.read_bytes(), n) for n, p in enumerate(PHONE_PAGES, start=1)]

    return [
        _Fixture(
            "scan 300 dpi (PDF, 1-bit)", lambda: ocr.pdf_pages(SCAN_300_PDF.read_bytes()), (0, 1)
        ),
        _Fixture(
            "scan 150 dpi (PDF, JPEG)", lambda: ocr.pdf_pages(SCAN_150_PDF.read_bytes()), (0, 1)
        ),
        _Fixture("phone 150 dpi (2 JPEG q55)", photos, (0, 1)),
        _Fixture(
            "phone 150 dpi dim, 3° (q50)",
            lambda: [ocr.image_page(PHONE_DIM_PAGE.read_bytes(), 1)],
            (0,),
        ),
        _Fixture(
            "ruled table 150 dpi (1-bit)",
            lambda: [ocr.image_page(TABLE_PAGE.read_bytes(), 1)],
            (0,),
            source=TABLE_SOURCE,
            expected=TABLE_TARGETS,
            heading="KẾ HOẠCH\nThi đua thực hiện các chỉ tiêu năm 2026\n",
        ),
    ]


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # Tesseract, once it has exited
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _collapsed(text: str) -> str:
    return " ".join(text.replace(" | ", " ").split())


def character_error_rate(read: str, source: str) -> float:
    """Edits needed to turn *read* into *source*, per source character."""
    expected = _collapsed(source)
    return Levenshtein.distance(_collapsed(read), expected) / max(len(expected), 1)


def targets_found(
    text: str, expected: dict[str, tuple[str, str]] = EXPECTED_TARGETS
) -> tuple[int, list[str]]:
    """How many *expected* targets the plan reader finds with the right figure and unit, and
    a note for each one it misses."""
    parsed = parse_plan(text, filename="scan.txt")
    read = {
        t.number: (
            format(t.value.normalize(), "f") if isinstance(t.value, Decimal) else "",
            t.measure,
        )
        for t in parsed.targets
    }
    misses = [
        f"{number} expected {value} {unit}, read {read.get(number)}"
        for number, (value, unit) in expected.items()
        if read.get(number) != (value, unit)
    ]
    return len(expected) - len(misses), misses


def _raw_page_text(source: PageSource) -> tuple[str, float | None]:
    """The page straight to Tesseract: grayscale, no preparation."""
    png = io.BytesIO()
    source.load().convert("L").save(png, "PNG")
    tsv = ocr._run_tesseract(ocr.require_tesseract(), png.getvalue(), 120)
    words = ocr._tsv_words(tsv)
    confidences = [w.confidence for w in words if w.confidence >= 0]
    mean = sum(confidences) / len(confidences) if confidences else None
    return ocr._lines(words), mean


@dataclass(frozen=True)
class _Run:
    text: str
    confidence: float | None
    seconds: float  # per page, best round
    cpu: float  # per page, best round


def _measure(
    read: Callable[[Sequence[PageSource]], tuple[str, float | None]],
    fixture: _Fixture,
    rounds: int,
) -> _Run:
    best, best_cpu = float("inf"), float("inf")
    text, confidence = "", None
    for _ in range(rounds):
        sources = fixture.sources()
        started, cpu = time.perf_counter(), _cpu_seconds()
        text, confidence = read(sources)
        best = min(best, (time.perf_counter() - started) / len(sources))
        best_cpu = min(best_cpu, (_cpu_seconds() - cpu) / len(sources))
    return _Run(text, confidence, best, best_cpu)


def _prepared(sources: Sequence[PageSource]) -> tuple[str, float | None]:
    result = ocr.read_pages(sources)
    return result.text, result.confidence


def _unprepared(sources: Sequence[PageSource]) -> tuple[str, float | None]:
    pages = [_raw_page_text(s) for s in sources]
    scores = [c for _, c in pages if c is not None]
    return "\n\n".join(t for t, _ in pages), (sum(scores) / len(scores) if scores else None)


def main() -> None:
    try:
        ocr.require_tesseract()
    except OcrUnavailable as exc:
        print(f"skipped: {exc.message_vi}")
        return
    rounds = int(os.environ.get("BENCH_OCR_ROUNDS", "1"))
    print(f"source: {SCAN_SOURCE.name}, {len(EXPECTED_TARGETS)} targets; best of {rounds}")
    header = (
        f"{'fixture':29} {'mode':9} {'CER':>6} {'targets':>8} {'s/page':>7} {'cpu/page':>8}"
        f" {'conf':>5}"
    )
    print(header)
    print("-" * len(header))
    for fixture in _fixtures():
        pages = fixture.source.read_text(encoding="utf-8").split("\f")
        source = "\n".join(pages[i] for i in fixture.pages)
        for mode, read in (("prepared", _prepared), ("raw", _unprepared)):
            run = _measure(read, fixture, rounds)
            found, misses = targets_found(fixture.heading + run.text, fixture.expected)
            shown = "-" if run.confidence is None else f"{run.confidence:.1f}"
            print(
                f"{fixture.name:29} {mode:9} {character_error_rate(run.text, source):>6.2%} "
                f"{found:>4}/{len(fixture.expected):<3} {run.seconds:>7.2f} {run.cpu:>8.2f}"
                f" {shown:>5}"
            )
            for miss in misses:
                print(f"{'':40}missed {miss}")


if __name__ == "__main__":
    main()
