"""Units plans write: per-hectare yields, houses ("căn") told from kilograms ("cân"), a unit
named in parentheses after the target's name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.measures import find_measure_prefix, lookup_measure
from bot.core.plan_parser import parse_plan


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("căn", "nhà"),
        ("CĂN", "nhà"),
        ("căn hộ", "nhà"),
        ("cân", "kg"),
        ("Cân", "kg"),
        ("can", "nhà"),  # without marks: the spelling plans use for houses
        ("tạ/ha", "tạ/ha"),
        ("tấn/ha", "tấn/ha"),
        ("triệu đồng/ha", "triệu đồng/ha"),
        ("km", "km"),
        ("hộ", "hộ"),
        ("m³", "m3"),
        ("(triệu đồng/người)", "triệu đồng/người/năm"),
    ],
)
def test_lookup_tells_units_apart_by_their_marks(text: str, name: str) -> None:
    measure = lookup_measure(text, ocr=True)
    assert measure is not None and measure.name == name


@pytest.mark.parametrize(
    ("text", "name", "length"),
    [
        ("căn nhà tạm", "nhà", 7),
        ("căn cho hộ nghèo", "nhà", 3),
        ("cân gạo", "kg", 3),
        ("tạ/ha lúa", "tạ/ha", 5),
        ("tạ thóc", "tạ", 2),
        ("km đường", "km", 2),
    ],
)
def test_prefix_after_a_figure_keeps_the_written_unit(text: str, name: str, length: int) -> None:
    found = find_measure_prefix(text, ocr=True)
    assert found is not None
    assert (found[0].name, found[1]) == (name, length)


def test_a_yield_is_not_a_mass() -> None:
    yield_unit = lookup_measure("tạ/ha")
    mass = lookup_measure("tạ")
    assert yield_unit is not None and mass is not None
    assert yield_unit.category != mass.category
    assert mass.factor_to_base == Decimal(100)


@pytest.mark.parametrize(
    ("text", "name", "length"),
    [
        ("hộ so với năm trước", "hộ", 2),  # folds like "hồ sơ", but its marks spell "hộ"
        ("hồ sơ hành chính", "hồ sơ", 5),
        ("ho so", "hồ sơ", 5),  # typed without marks: the longest unit
        ("triệu đồng/ngưòi/năm", "triệu đồng/người/năm", 20),  # OCR's wrong mark, later on
        ("ngưòi", "người", 5),
    ],
)
def test_marks_choose_between_a_long_and_a_short_unit(text: str, name: str, length: int) -> None:
    found = find_measure_prefix(text, ocr=True)
    assert found is not None
    assert (found[0].name, found[1]) == (name, length)


@pytest.mark.parametrize(
    ("text", "name", "length"),
    [
        ("trieu đồng/người/nam", "triệu đồng/người/năm", 20),  # marks half lost by OCR
        ("Ty đồng", "tỷ đồng", 7),
        ("tan lúa", "tấn", 3),
    ],
)
def test_units_half_stripped_of_marks_keep_their_whole_span(
    text: str, name: str, length: int
) -> None:
    found = find_measure_prefix(text, ocr=True)
    assert found is not None
    assert (found[0].name, found[1]) == (name, length)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("chi đoàn", "chi đoàn"),
        ("chi bộ", "chi bộ"),
        ("tổ hợp tác", "tổ hợp tác"),
        ("thanh niên", "thanh niên"),
        ("phần việc", "phần việc"),
        ("ngày công", "ngày công"),
        ("suất quà", "suất"),
        ("tuyến đường", "tuyến"),
    ],
)
def test_units_of_mass_organisations_and_works(text: str, name: str) -> None:
    measure = lookup_measure(text)
    assert measure is not None and measure.name == name


@pytest.mark.parametrize(
    ("line", "name", "measure"),
    [
        ("Làm mới 3,2 km đường bê tông nội đồng.", "Làm mới đường bê tông nội đồng", "km"),
        ("Nạo vét 12 km kênh mương nội đồng.", "Nạo vét kênh mương nội đồng", "km"),
        ("Trồng mới 5 ha rừng sản xuất.", "Trồng mới rừng sản xuất", "ha"),
        ("Có 01 xã NTM nâng cao.", "Xã NTM nâng cao", "xã"),  # a counted unit stays
    ],
)
def test_a_measure_inside_the_sentence_is_no_word_of_the_name(
    line: str, name: str, measure: str
) -> None:
    text = f"KẾ HOẠCH\nThi đua 2027\n\nII. CHỈ TIÊU\n3. {line}\n4. Thu ngân sách: 5 tỷ đồng.\n"
    first = parse_plan(text).targets[0]
    assert (first.name, first.measure) == (name, measure)
