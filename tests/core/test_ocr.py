"""Reading scans: page checks, deskew, binarisation, TSV to lines, limits and refusals, and
(where Tesseract is installed, always in CI) our own scanned sample plan read end to end."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest
from PIL import Image

from bot.core import ocr
from bot.core.ocr import (
    MAX_PAGES,
    OcrError,
    OcrUnavailable,
    PageSource,
    TooManyPages,
    UnreadablePage,
    image_page,
    pdf_pages,
    prepare_page,
    read_page,
    read_pages,
    require_tesseract,
)
from bot.core.plan_parser import parse_plan
from tests.support.scans import (
    EXPECTED_TARGETS,
    PHONE_DIM_PAGE,
    PHONE_PAGES,
    SCAN_300_PDF,
    SCAN_SOURCE,
    TABLE_PAGE,
    TABLE_TARGETS,
    image_bytes,
    needs_tesseract,
    text_rows_image,
)

# ---------------------------------------------------------------- preparing pages


def test_otsu_splits_ink_from_paper() -> None:
    pixels = np.array([20] * 100 + [30] * 50 + [200] * 400 + [230] * 400, dtype=np.uint8)
    threshold = ocr._otsu(pixels)
    assert 30 <= threshold < 200


@pytest.mark.parametrize("tilt", [-3.0, -1.2, 0.0, 0.8, 2.5])
def test_the_tilt_of_text_rows_is_found_and_undone(tilt: float) -> None:
    page = text_rows_image(angle=tilt)
    prepared, angle = prepare_page(page)
    assert prepared is not None
    assert angle == pytest.approx(-tilt, abs=0.25)


def test_only_a_very_small_page_is_enlarged() -> None:
    prepared, _ = prepare_page(text_rows_image((1240, 1754)))
    assert prepared is not None and prepared.mode == "L"
    assert prepared.size == (1240, 1754)  # 150 dpi reads as well as enlarged, and faster
    prepared, _ = prepare_page(text_rows_image((700, 990)))
    assert prepared is not None
    assert prepared.width == 1800


def test_a_dim_corner_does_not_turn_black() -> None:
    page = np.asarray(text_rows_image(), dtype=np.float32)
    falloff = np.linspace(1.0, 0.45, page.shape[1], dtype=np.float32)  # darker to the right
    shaded = Image.fromarray((page * falloff).astype(np.uint8))
    prepared, _ = prepare_page(shaded)
    assert prepared is not None
    pixels = np.asarray(prepared)
    right_margin = pixels[:, -pixels.shape[1] // 12 :]
    assert (right_margin > 200).mean() > 0.95  # paper stays paper where the light is low
    assert np.percentile(pixels[:, pixels.shape[1] // 2 :], 1) < 100  # and ink stays ink


def test_a_blank_page_is_skipped_not_refused() -> None:
    prepared, angle = prepare_page(Image.new("L", (1240, 1754), 245))
    assert prepared is None and angle == 0.0


def test_transparent_areas_count_as_paper() -> None:
    page = text_rows_image().convert("RGBA")
    page.putalpha(Image.new("L", page.size, 0))  # a fully transparent PNG
    prepared, _ = prepare_page(page)
    assert prepared is None  # nothing but (white) paper


@pytest.mark.parametrize(
    ("image", "words"),
    [
        (Image.new("L", (300, 200), 255), "quá nhỏ"),
        (text_rows_image(paper=40, ink=10), "quá tối"),
        (text_rows_image(paper=140, ink=120), "quá mờ"),
    ],
    ids=["too-small", "too-dark", "too-faint"],
)
def test_unreadable_pages_are_refused_with_the_reason(image: Image.Image, words: str) -> None:
    with pytest.raises(UnreadablePage) as caught:
        prepare_page(image, number=3)
    assert caught.value.page == 3
    assert caught.value.message_vi.startswith("Trang 3:")
    assert words in caught.value.message_vi


def test_a_file_that_is_not_an_image_is_refused() -> None:
    with pytest.raises(UnreadablePage, match="không mở được ảnh"):
        image_page(b"%PDF-1.4 not really", 2).load()


def test_photos_are_turned_upright_from_their_exif_orientation() -> None:
    upright = text_rows_image((600, 900))
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    stored = upright.rotate(90, expand=True)
    from io import BytesIO

    out = BytesIO()
    stored.save(out, "JPEG", exif=exif)
    loaded = image_page(out.getvalue(), 1).load()
    assert loaded.size == upright.size


# ---------------------------------------------------------------- TSV to lines


def _tsv(rows: list[tuple[int, int, int, int, int, float, str]]) -> str:
    head = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
        "\tconf\ttext"
    )
    lines = [head, "1\t1\t0\t0\t0\t0\t0\t0\t2480\t3508\t-1\t"]
    for n, (block, par, line, left, width, conf, text) in enumerate(rows):
        lines.append(f"5\t1\t{block}\t{par}\t{line}\t{n}\t{left}\t100\t{width}\t40\t{conf}\t{text}")
    return "\n".join(lines)


def test_tsv_words_become_lines_blocks_and_cells() -> None:
    tsv = _tsv(
        [
            (1, 1, 1, 100, 120, 96.0, "ỦY"),
            (1, 1, 1, 230, 80, 95.0, "BAN"),
            (1, 1, 1, 1300, 200, 91.0, "CỘNG"),  # far to the right: the other column
            (1, 1, 1, 1510, 100, 93.0, "HÒA"),
            (1, 2, 1, 100, 60, 90.0, "(1)"),  # a new paragraph: no blank line for it
            (1, 2, 1, 170, 100, 88.0, "Trồng"),
            (2, 1, 1, 100, 100, 80.5, "Nơi"),  # a new block: a blank line before it
            (2, 1, 1, 210, 100, -1.0, ""),  # Tesseract's empty entries are dropped
        ]
    )
    words = ocr._tsv_words(tsv)
    assert [w.text for w in words] == ["ỦY", "BAN", "CỘNG", "HÒA", "(1)", "Trồng", "Nơi"]
    assert ocr._lines(words) == "ỦY BAN | CỘNG HÒA\n(1) Trồng\n\nNơi"


def test_ruling_lines_read_as_bars_become_one_cell_separator() -> None:
    tsv = _tsv(
        [
            (1, 1, 1, 100, 20, 95.0, "1"),
            (1, 1, 1, 160, 5, 40.0, "|"),  # a ruling line on its own
            (1, 1, 1, 180, 120, 93.0, "|Trồng"),  # and stuck to the next cell's first word
            (1, 1, 1, 310, 60, 92.0, "cây|"),
            (1, 1, 1, 600, 110, 96.0, "45.000"),  # a wide gap as well: still one separator
        ]
    )
    words = ocr._tsv_words(tsv)
    assert ocr._lines(words) == "1 | Trồng cây | 45.000"
    assert [w.text for w in words if w.confidence >= 0] == ["1", "Trồng", "cây", "45.000"]


def test_the_document_confidence_weighs_pages_by_their_words() -> None:
    pages = (
        ocr.PageText(1, "a", 90.0, 300),
        ocr.PageText(2, "", None, 0, blank=True),
        ocr.PageText(3, "b", 60.0, 100),
    )
    result = ocr.OcrResult(pages, 1.0)
    assert result.confidence == pytest.approx(82.5)
    weakest = result.weakest()
    assert weakest is not None and weakest.number == 3
    assert result.text == "a\n\nb"


def test_a_document_of_blank_pages_is_refused() -> None:
    with pytest.raises(OcrError, match="đều trống"):
        ocr.finish([ocr.PageText(1, "", None, 0, blank=True)], 0.1)


# ---------------------------------------------------------------- limits and refusals


def test_more_pages_than_the_limit_are_refused_before_any_reading() -> None:
    pages = [Image.new("L", (100, 140), 255) for _ in range(MAX_PAGES + 1)]
    from io import BytesIO

    out = BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:])
    with pytest.raises(TooManyPages, match=f"có {MAX_PAGES + 1} trang"):
        pdf_pages(out.getvalue())


def test_a_damaged_pdf_is_refused() -> None:
    with pytest.raises(OcrError, match="Không mở được tệp PDF"):
        pdf_pages(b"%PDF-1.7\nnothing here")


def test_a_scanned_pdf_renders_its_pages_at_ocr_resolution() -> None:
    sources = pdf_pages(SCAN_300_PDF.read_bytes())
    assert [s.number for s in sources] == [1, 2]
    first = sources[0].load()
    assert first.width == pytest.approx(2480, abs=3)  # A4 at 300 dpi


def test_missing_tesseract_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(OcrUnavailable) as caught:
        require_tesseract()
    assert "apt-get install tesseract-ocr tesseract-ocr-vie" in caught.value.message_vi
    with pytest.raises(OcrUnavailable):
        read_pages([image_page(image_bytes(text_rows_image()), 1)])


# ---------------------------------------------------------------- Tesseract end to end


def _targets(text: str) -> dict[str, tuple[str, str | None]]:
    parsed = parse_plan(text, filename="scan.txt")
    return {t.number: (_figure(t.value), t.measure) for t in parsed.targets}


def _figure(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


@needs_tesseract
def test_phone_photos_of_the_sample_plan_give_every_target() -> None:
    sources = [image_page(p.read_bytes(), n) for n, p in enumerate(PHONE_PAGES, start=1)]
    seen: list[tuple[int, int]] = []
    result = read_pages(sources, on_page=lambda n, total: seen.append((n, total)))
    assert seen == [(1, 2), (2, 2)]
    assert _targets(result.text) == EXPECTED_TARGETS
    assert result.confidence is not None and result.confidence > 80
    assert all(abs(p.skew) > 1 for p in result.pages)  # both photos were tilted


@needs_tesseract
def test_a_dim_tilted_photo_still_gives_every_target() -> None:
    result = read_pages([image_page(PHONE_DIM_PAGE.read_bytes(), 1)])
    assert _targets(result.text) == EXPECTED_TARGETS
    assert result.pages[0].skew == pytest.approx(3.2, abs=0.3)


@needs_tesseract
def test_a_scanned_table_gives_its_rows_as_cells_and_its_targets() -> None:
    result = read_pages([image_page(TABLE_PAGE.read_bytes(), 1)])
    assert "\n2 | Sản lượng lương thực có hạt | tấn | 2.300\n" in result.text
    plan = "KẾ HOẠCH\nThi đua thực hiện các chỉ tiêu năm 2026\n" + result.text
    assert _targets(plan) == TABLE_TARGETS


@needs_tesseract
def test_a_300_dpi_scan_reads_nearly_letter_for_letter() -> None:
    from rapidfuzz.distance import Levenshtein

    result = read_pages(pdf_pages(SCAN_300_PDF.read_bytes()))
    source = " ".join(SCAN_SOURCE.read_text(encoding="utf-8").split())
    read = " ".join(result.text.replace(" | ", " ").split())
    assert Levenshtein.distance(read, source) / len(source) < 0.03
    assert "Số: 14/KH-UBND" in result.text


@needs_tesseract
def test_a_picture_without_text_is_not_a_document() -> None:
    rng = np.random.default_rng(7)
    blobs = Image.fromarray(rng.integers(0, 255, (60, 40), dtype=np.uint8)).resize(
        (1200, 1800), Image.Resampling.BICUBIC
    )
    with pytest.raises(UnreadablePage, match="không thấy chữ"):
        read_page(PageSource(1, lambda: blobs))


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("HI. TỔ CHỨC THỰC HIỆN", "III. TỔ CHỨC THỰC HIỆN"),
        ("Il. NỘI DUNG VÀ CHỈ TIÊU", "II. NỘI DUNG VÀ CHỈ TIÊU"),
        ("II. NỘI DUNG", "II. NỘI DUNG"),
        ("1. Nội dung thi đua", "1. Nội dung thi đua"),  # an arabic number before lower case
        ("H. Hà Nội", "H. Hà Nội"),  # not a heading in capitals
        ("HH. TỔ CHỨC", "HH. TỔ CHỨC"),  # no roman number reads like that
    ],
)
def test_section_numbers_garbled_by_ocr_are_repaired(read: str, meant: str) -> None:
    assert ocr._repair_heading(read) == meant
