"""Units of measure: aliases, prefixes after a number, categories and conversion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.measures import (
    MEASURES,
    Measure,
    convert,
    find_measure_prefix,
    lookup_measure,
    measures_in,
)


def _measure(name: str) -> Measure:
    found = lookup_measure(name)
    assert found is not None, name
    return found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("tấn", "tấn"),
        ("tan", "tấn"),
        ("TẤN", "tấn"),
        ("nguoi", "người"),
        ("ho", "hộ"),
        ("cay", "cây"),
        ("con", "con"),
        ("Tr.đ", "triệu đồng"),
        ("tr.d", "triệu đồng"),
        ("trd", "triệu đồng"),
        ("trieu dong", "triệu đồng"),
        ("ty dong", "tỷ đồng"),
        ("ty", "tỷ đồng"),
        ("tỉ đồng", "tỷ đồng"),
        ("m2", "m2"),
        ("m²", "m2"),
        ("m<sup>2</sup>", "m2"),
        ("m<sup>2</sup>/người", "m2/người"),
        ("Tr.đ/người/năm", "triệu đồng/người/năm"),
        ("(%)", "%"),
        ("lao dong", "lao động"),
        ("giay", "giấy"),
        ("truong", "trường"),
        ("xa", "xã"),
        ("ban", "bản"),  # "9 ban" in OCR is villages ("bản"), not a committee
        ("thon", "thôn"),
        ("ha", "ha"),
        ("km", "km"),
        ("cong trinh", "công trình"),
        ("vu", "vụ"),
        ("luot", "lượt"),
    ],
)
def test_lookup_measure_folds_aliases_to_the_canonical_name(text: str, name: str) -> None:
    assert _measure(text).name == name


@pytest.mark.parametrize("text", ["", "xyz", "tháng", "tin"])
def test_lookup_measure_returns_none_for_non_units(text: str) -> None:
    assert lookup_measure(text) is None


def test_ocr_spellings_are_only_read_when_asked() -> None:
    assert lookup_measure("tin") is None  # "tin" is a word ("tin nhắn")…
    ocr = lookup_measure("tin", ocr=True)  # …but OCR turns "tấn" into "tin" in scanned plans
    assert ocr is not None and ocr.name == "tấn"
    assert find_measure_prefix("ngudi;", ocr=True) == (_measure("người"), 5)
    assert find_measure_prefix("ngudi;") is None


@pytest.mark.parametrize(
    ("text", "name", "length"),
    [
        ("cây phân tán", "cây", 3),
        ("con; lợn", "con", 3),
        (" người", "người", 6),  # leading space counts
        ("tỷ đồng;", "tỷ đồng", 7),
        ("Tr.đ/người/năm.", "triệu đồng/người/năm", 14),
        ("m<sup>2</sup>/người;", "m2/người", 19),
        ("%/năm", "%", 5),
        ("%)", "%", 1),
        ("lượt người tham gia", "lượt người", 10),
        ("hộ nghèo", "hộ", 2),
    ],
)
def test_find_measure_prefix_takes_the_longest_unit(text: str, name: str, length: int) -> None:
    found = find_measure_prefix(text)
    assert found is not None
    assert (found[0].name, found[1]) == (name, length)
    assert text[:length].strip()  # the span covers the unit as written


@pytest.mark.parametrize("text", ["công tác", "hoặc", "mới", "trong đó", "x", "", "  "])
def test_find_measure_prefix_needs_a_word_boundary(text: str) -> None:
    assert find_measure_prefix(text) is None


def test_find_measure_prefix_spans_decomposed_input() -> None:
    decomposed = "người".replace("ư", "u\u031b").replace("ờ", "o\u031b\u0300")
    found = find_measure_prefix(decomposed + " x")
    assert found is not None
    assert found[1] == len(decomposed)


def test_categories_group_what_report_matching_compares() -> None:
    assert _measure("con").category == "animals"
    assert _measure("cây").category == "plants"
    assert {m.name for m in measures_in("money")} >= {"đồng", "triệu đồng", "tỷ đồng"}
    assert {m.name for m in measures_in("mass")} >= {"tấn", "tạ", "kg"}
    assert len({m.name for m in MEASURES}) == len(MEASURES)


@pytest.mark.parametrize(
    ("value", "source", "target", "expected"),
    [
        ("2150000000", "đồng", "tỷ đồng", "2.15"),
        ("2.5", "tỷ đồng", "đồng", "2500000000"),
        ("1500", "triệu đồng", "tỷ đồng", "1.5"),
        ("12", "tạ", "tấn", "1.2"),
        ("1.2", "tấn", "kg", "1200"),
        ("3", "ha", "m2", "30000"),
        ("96", "%", "%", "96"),
        ("60000000", "đồng", "Tr.đ/người/năm", "60"),  # "60 triệu" for an income target
        ("5", "xã", "xã", "5"),
    ],
)
def test_convert_between_units_of_one_category(
    value: str, source: str, target: str, expected: str
) -> None:
    assert convert(Decimal(value), _measure(source), _measure(target)) == Decimal(expected)


@pytest.mark.parametrize(
    ("source", "target"), [("con", "cây"), ("%", "người"), ("xã", "phường"), ("tấn", "đồng")]
)
def test_convert_refuses_units_that_do_not_compare(source: str, target: str) -> None:
    assert convert(Decimal(1), _measure(source), _measure(target)) is None


@given(st.integers(min_value=0, max_value=10**15))
def test_money_conversion_round_trips(dong: int) -> None:
    to_ty = convert(Decimal(dong), _measure("đồng"), _measure("tỷ đồng"))
    assert to_ty is not None
    assert convert(to_ty, _measure("tỷ đồng"), _measure("đồng")) == dong
