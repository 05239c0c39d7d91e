"""Matching tokens and the synonym table: folding, OCR repairs, concepts, admin extensions."""

from __future__ import annotations

import pytest

from bot.core.synonyms import SynonymTable, is_syllable, ocr_near, tokenize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Bảo hiểm Y TẾ", ["bao", "hiem", "y", "te"]),
        ("Đảng bộ", ["dang", "bo"]),
        ("1.600 người", ["#1600", "nguoi"]),
        ("28.603,61 tỷ đồng", ["#2860361", "ti", "dong"]),
        ("28603,61", ["#2860361"]),
    ],
)
def test_tokenize_folds_case_marks_and_numbers(text: str, expected: list[str]) -> None:
    assert tokenize(text) == expected


@pytest.mark.parametrize(
    ("ocr", "clean"),
    [
        ("Ty 1€ bao phu", "Tỷ lệ bao phủ"),
        ("Ty 1¢ tré", "Tỷ lệ trẻ"),
        ("x& hoi", "xã hội"),
        ("x4 hoi", "xã hội"),
        ("Pang bo", "Đảng bộ"),
        ("nudc sach", "nước sạch"),
        ("lwong thuc", "lương thực"),
        ("ngay 16n", "ngày lớn"),
        ("c6 trach nhiem", "có trách nhiệm"),
        ("chirc nang", "chức năng"),
        ("dugc giao", "được giao"),
        ("thyc hien", "thực hiện"),
        ("ndng thon", "nông thôn"),
        ("ngan séach", "ngân sách"),
    ],
)
def test_tokenize_repairs_ocr_damage_the_same_way_as_clean_text(ocr: str, clean: str) -> None:
    assert tokenize(ocr) == tokenize(clean)


def test_tokenize_undoes_telex_typed_without_an_input_method() -> None:
    assert tokenize("tyr leej baor hieemr y tees") == tokenize("tỷ lệ bảo hiểm y tế")
    assert tokenize("khen thuowng") == tokenize("khen thưởng")


def test_tokenize_keeps_abbreviations_apart() -> None:
    # "SDD" (suy dinh dưỡng) must not become "sd" (OCR for "số"), nor KDC a syllable.
    assert tokenize("SDD KDC BHYT BHXH UBND") == ["sdd", "kdc", "bhyt", "bhxh", "ubnd"]


def test_an_ambiguous_ocr_word_is_left_as_it_is() -> None:
    # "bdi" could be "bài" or "bồi": no guess is made, matching treats it as damaged.
    assert tokenize("bdi") == ["bdi"]


def test_syllable_shapes() -> None:
    assert all(is_syllable(w) for w in ["nguoi", "quyen", "khuyen", "thuong", "a", "gi"])
    assert not any(is_syllable(w) for w in ["seach", "ciy", "bhyt", "mtrc"])


def test_ocr_near_only_for_letters_ocr_confuses() -> None:
    assert ocr_near("cay", "ciy")
    assert ocr_near("nam", "nim")
    assert not ocr_near("vang", "vung")  # a↔u is not an OCR confusion: different words
    assert not ocr_near("lon", "lan")


def test_builtin_abbreviation_and_its_words_are_one_concept() -> None:
    table = SynonymTable.builtin()
    short, _ = table.rewrite(tokenize("BHYT"))
    spelled, _ = table.rewrite(tokenize("bảo hiểm y tế"))
    assert short == spelled == ["~bhyt"]


def test_different_insurances_stay_different_concepts() -> None:
    table = SynonymTable.builtin()
    health, _ = table.rewrite(tokenize("bảo hiểm y tế"))
    social, _ = table.rewrite(tokenize("bảo hiểm xã hội"))
    assert health != social


@pytest.mark.parametrize(
    ("everyday", "official"),
    [
        ("heo", "lợn"),
        ("sổ đỏ", "giấy chứng nhận quyền sử dụng đất"),
        ("rác thải", "chất thải rắn"),
        ("bắp", "ngô"),
        ("tăng trưởng kinh tế", "tốc độ tăng trưởng tổng giá trị sản phẩm"),
        ("HĐTĐKT", "Hội đồng Thi đua – Khen thưởng"),
        ("Tr.đ", "triệu đồng"),
        ("SDD", "suy dinh dưỡng"),
    ],
)
def test_everyday_words_meet_the_plan_wording(everyday: str, official: str) -> None:
    table = SynonymTable.builtin()
    assert table.rewrite(tokenize(everyday))[0] == table.rewrite(tokenize(official))[0]


def test_rewrite_takes_the_longest_phrase_and_keeps_spans() -> None:
    table = SynonymTable.builtin()
    tokens = tokenize("Hội đồng thi đua khen thưởng xã")
    units, spans = table.rewrite(tokens)
    assert units == ["~hdtdkt", "xa"]
    assert spans == [(0, 6), (6, 7)]


def test_expand_indexes_inner_concepts_and_spelled_words() -> None:
    table = SynonymTable.builtin()
    extra = table.expand(tokenize("Thường trực HĐTĐKT xã"))
    assert "~hdtdkt" in extra and "~tdkt" in extra
    assert {"hoi", "dong", "thi", "dua", "khen", "thuong"} <= set(extra)


def test_a_blocker_keeps_lua_chon_from_reading_as_rice() -> None:
    table = SynonymTable.builtin()
    assert table.rewrite(tokenize("lựa chọn tập thể"))[0] == ["lua", "chon", "tap", "the"]
    assert table.rewrite(tokenize("sản lượng lúa"))[0] == ["san", "luong", "~thoc"]


def test_ocr_tolerant_phrases_for_plan_text_only() -> None:
    table = SynonymTable.builtin()
    damaged = tokenize("Mit tran to quoc")
    assert table.rewrite(damaged, ocr=True)[0] == ["~mttq"]
    assert table.rewrite(damaged)[0] == ["mit", "tran", "to", "quoc"]


def test_with_extra_adds_admin_words_to_a_group_or_a_new_one() -> None:
    table = SynonymTable.builtin().with_extra([("heo nái", "lợn"), ("cây ăn trái", "cây ăn quả")])
    assert table.rewrite(tokenize("heo nái"))[0] == table.rewrite(tokenize("lợn"))[0]
    fresh = table.with_extra([("mô hình kinh tế vườn", "kinh tế vườn đồi")])
    assert (
        fresh.rewrite(tokenize("mô hình kinh tế vườn"))[0]
        == fresh.rewrite(tokenize("kinh tế vườn đồi"))[0]
    )
    # The original table is unchanged: knowledge bases built from it stay as they were.
    assert SynonymTable.builtin().rewrite(tokenize("heo nái"))[0] != ["~lon"]
    assert table.size > SynonymTable.builtin().size


def test_with_extra_ignores_empty_or_identical_pairs() -> None:
    table = SynonymTable.builtin()
    assert table.with_extra([("", "lợn"), ("lợn", "lợn"), ("!!", "?")]).size == table.size
