"""Diacritics restored in target names and titles of OCR'd plans, never in clean ones.

Seed tests use the real field documents (skipped when ../shared/seeds is absent); the rest use
labels written for these tests.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core import plan_parser
from bot.core.diacritics import Lexicon, looks_ocr_damaged, restore_diacritics
from bot.core.plan import ParsedPlan
from bot.core.plan_parser import parse_plan
from bot.core.synonyms import is_syllable
from bot.core.text import fold

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
SEED_001 = "001_0b34b95b63e585f0.txt"
SEED_002 = "002_53c0be273c9cb1a6.txt"
SEED_003 = "003_15fb153601cba5f3.txt"


def _read(seeds_dir: Path, name: str) -> str:
    path = seeds_dir / name
    if not path.is_file():
        pytest.skip(f"seed {name} not found in {seeds_dir}")
    return path.read_text(encoding="utf-8")


def _words(label: str) -> list[str]:
    return re.sub(r"\s*-\s*", " ", label).split()


def _parse_without_restoring(text: str, monkeypatch: pytest.MonkeyPatch) -> ParsedPlan:
    with monkeypatch.context() as patch:
        patch.setattr(plan_parser, "restore_diacritics", lambda label: label)
        return parse_plan(text)


# --- seed 001: the commune plan, all 14 targets and their parts --------------------------------


@pytest.mark.seeds
def test_seed_001_names_and_title_read_properly(seeds_dir: Path) -> None:
    plan = parse_plan(_read(seeds_dir, SEED_001), filename=SEED_001)
    assert plan.title == "Phát động các phong trào thi đua năm 2024"
    assert {t.key: t.name for t in plan.targets} == {
        "1": "Tổng sản lượng lương thực cây có hạt",
        "1.1": "Thóc",
        "2": "Sản phẩm cây công nghiệp hằng năm: lạc vỏ",
        "3": "Sản lượng sản phẩm cây ăn quả",
        "4": "Trồng mới cây phân tán",
        "5": "Phát triển chăn nuôi",
        "5.1": "Trâu, bò, ngựa",
        "5.2": "Lợn",
        "5.3": "Dê",
        "5.4": "Gia cầm",
        "6": "Sản lượng thịt hơi",
        "7": "Mức giảm nghèo theo tiêu chí mới",
        "8": "Tỷ lệ phát triển dân số tự nhiên",
        "9": "Gia đình văn hóa",
        "10": "Bản văn hóa",
        "11": "Tỷ lệ trẻ suy dinh dưỡng dưới 5 tuổi thể nhẹ cân",
        "12": "Lao động được giải quyết việc làm",
        "13": "Tỷ lệ bao phủ thẻ BHYT",
        "14": "Thu - chi ngân sách",
    }


@pytest.mark.seeds
def test_seed_001_quotes_stay_as_read(seeds_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = _read(seeds_dir, SEED_001)
    restored, as_read = parse_plan(text), _parse_without_restoring(text, monkeypatch)
    assert [t.source_text for t in restored.targets] == [t.source_text for t in as_read.targets]
    assert restored.passages == as_read.passages
    # Section titles are labels too ("Muc pich, yeu cau" → "Mục đích, yêu cầu"), word for word.
    assert [(s.path, s.level) for s in restored.sections] == [
        (s.path, s.level) for s in as_read.sections
    ]
    assert restored.sections[0].title == "Mục đích, yêu cầu"
    for new_section, old_section in zip(restored.sections, as_read.sections, strict=True):
        assert len(_words(new_section.title)) == len(_words(old_section.title))
    # Only the labels changed, word for word ("Mtrc" → "Mức"; "Thu- chi" → "Thu - chi").
    four = next(t for t in as_read.targets if t.key == "4")
    assert four.name == "Trong méi cay phan tan"
    for new, old in zip(restored.targets, as_read.targets, strict=True):
        assert (new.key, new.value, new.measure) == (old.key, old.value, old.measure)
        assert len(_words(new.name)) == len(_words(old.name)), (new.name, old.name)


# --- seed 003: the merged commune's report, 8 targets for 2025-2030 ----------------------------


@pytest.mark.seeds
def test_seed_003_names_and_title_read_properly(seeds_dir: Path) -> None:
    plan = parse_plan(_read(seeds_dir, SEED_003), filename=SEED_003)
    assert plan.title == (
        "Báo cáo tổng kết phong trào thi đua yêu nước, công tác khen thưởng 5 năm giai đoạn "
        "2020-2025; phương hướng, nhiệm vụ giai đoạn 2025-2030"
    )
    names = {t.key: t.name for t in plan.targets}
    assert names == {
        "1": (
            'Chính quyền xã được công nhận đạt chuẩn "Chính quyền thân thiện" và '
            '"Công sở thân thiện"'
        ),
        "2": (
            "Hằng năm các cơ quan, đơn vị, MTTQ và các tổ chức chính trị - xã hội đều hoàn "
            "thành tốt nhiệm vụ trở lên"
        ),
        "3": (
            "Hằng năm, thu ngân sách Nhà nước trên địa bàn; thu nhập bình quân đầu người trên "
            "địa bàn"
        ),
        "3.1": "Hằng năm, thu ngân sách Nhà nước trên địa bàn",
        "3.2": "Thu nhập bình quân đầu người trên địa bàn",
        "4": "Hằng năm, chỉ tiêu gia đình văn hóa; thôn văn hóa",
        "4.1": "Hằng năm, chỉ tiêu gia đình văn hóa",
        "4.2": "Thôn văn hóa",
        "5": "Phấn đấu đến năm 2030",
        "5.1": "Các trường học đạt chuẩn quốc gia",
        "5.2": "Số trường đạt chuẩn mức độ 2",
        "5.3": "Trạm y tế xã đạt chuẩn quốc gia",
        "6": (
            "Hằng năm, tỷ lệ giải quyết thủ tục hành chính đúng hạn; phấn đấu đến năm 2030; "
            "tỷ lệ hồ sơ trực tuyến"
        ),
        "6.1": "Hằng năm, tỷ lệ giải quyết thủ tục hành chính đúng hạn",
        "6.2": "Phấn đấu đến năm 2030",
        "6.3": "Tỷ lệ hồ sơ trực tuyến",
        "7": "Hằng năm, tỷ lệ giải ngân vốn đầu tư công cấp xã",
        "8": "Hoàn thành chỉ tiêu giao quân hằng năm",
    }


# --- clean documents are never altered ---------------------------------------------------------


def _never(label: str) -> str:
    raise AssertionError(f"restoration ran on a clean document: {label!r}")


@pytest.mark.seeds
def test_seed_002_clean_plan_is_not_touched(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _read(seeds_dir, SEED_002)
    assert not looks_ocr_damaged(text)
    before = _parse_without_restoring(text, monkeypatch)
    monkeypatch.setattr(plan_parser, "restore_diacritics", _never)
    after = parse_plan(text)  # would raise if any label went through restoration
    assert after == before
    sixteen = after.target("16")
    assert sixteen is not None and sixteen.name == "Tỷ lệ tham gia bảo hiểm y tế"


@pytest.mark.parametrize(
    "name", ["ke_hoach_xa_an_phu_2025.md", "ke_hoach_bang_chi_tieu.md", "bao_cao_6_thang_thon.txt"]
)
def test_clean_samples_are_not_touched(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert not looks_ocr_damaged(text)
    monkeypatch.setattr(plan_parser, "restore_diacritics", _never)
    assert parse_plan(text, filename=name).title  # parsed without restoring anything


def test_ocr_sample_is_restored() -> None:
    text = (FIXTURES / "ke_hoach_ocr_xa_binh_an.txt").read_text(encoding="utf-8")
    assert looks_ocr_damaged(text)
    plan = parse_plan(text)
    assert plan.title.endswith("thi đua yêu nước xa Binh An năm 2024")  # place names stay
    poverty = plan.target("4")
    assert poverty is not None and poverty.name == "Tỷ lệ hộ nghèo giảm"


@pytest.mark.parametrize(
    ("text", "damaged"),
    [
        ("Kế hoạch phát động phong trào thi đua năm 2026 của xã Hòa Bình. " * 3, False),
        ("Ke hoach phat dong phong trao thi dua nam 2026 cua xa Hoa Binh. " * 3, True),
        ("Ké hoach phat déng phong trao thi dua ndm 2026 ctia x& Hoa Binh. " * 3, True),
        ("", False),
    ],
)
def test_looks_ocr_damaged(text: str, damaged: bool) -> None:
    assert looks_ocr_damaged(text) is damaged


@pytest.mark.parametrize(
    "label",
    [
        "Tỷ lệ hộ tham gia bảo hiểm y tế đạt 97,5%",
        "Trồng mới cây phân tán",
        "Thu nhập bình quân đầu người/năm",
        "Thu ngân sách hàng năm vượt dự toán",  # "hàng năm" is as correct as "hằng năm"
        "Tỷ lệ đô thị hoá",  # the old tone placement is correct too
        "Xã đạt chuẩn NTM",
    ],
)
def test_clean_labels_stay_as_written(label: str) -> None:
    assert restore_diacritics(label) == label


# --- single labels -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ocr", "restored"),
    [
        # OCR glyphs and digits inside words
        ("Ty 1& hd nghéo gidm", "Tỷ lệ hộ nghèo giảm"),
        ("ty 18 ho so truc tuyén", "tỷ lệ hồ sơ trực tuyến"),
        ("Ty I giai ngan von dau tu cong", "Tỷ lệ giải ngân vốn đầu tư công"),
        ("T6 chic chinh tri - x& hoi", "Tổ chức chính trị - xã hội"),
        ("hoan thanh tét nhiém vu tro Ién", "hoàn thành tốt nhiệm vụ trở lên"),
        ("San lwong lwong thuc", "Sản lượng lương thực"),
        ("Pang bo va chinh quyén", "Đảng bộ và chính quyền"),
        # case follows the original
        ("PHAT TRIEN CHAN NUOI", "PHÁT TRIỂN CHĂN NUÔI"),
        ("phat trién chan nudi", "phát triển chăn nuôi"),
        # numbers, abbreviations and punctuation stay as written
        ("Ty 1€ bao phu th¢ BHYT: 99,2 %", "Tỷ lệ bao phủ thẻ BHYT: 99,2 %"),
        ("Tré em dudi 5 tudi", "Trẻ em dưới 5 tuổi"),
        ("Thu- chi ngan sach", "Thu - chi ngân sách"),
        # single words a sub-target is named by, only as the whole label or a list of them
        ("Lon", "Lợn"),
        ("Dé", "Dê"),
        ("Trau, bo", "Trâu, bò"),
    ],
)
def test_restores_what_the_lexicon_is_sure_of(ocr: str, restored: str) -> None:
    assert restore_diacritics(ocr) == restored


@pytest.mark.parametrize(
    "label",
    [
        "Cau lon",  # "lớn" or "lợn": a single word inside a label is not guessed
        "bo, nganh",  # "bộ, ngành", not livestock
        "trong moi",  # "trồng mới" or "trong mọi": ambiguous, left alone
        "cong nhan",  # "công nhận" or "công nhân"
        "Du an OCOP Tra Bong",  # words the lexicon does not know
        "Nuoi ca long",
        "34-CT/TW, 99,2 %",
    ],
)
def test_leaves_unknown_and_ambiguous_words_alone(label: str) -> None:
    assert restore_diacritics(label) == label


def test_ambiguity_is_decided_by_a_longer_phrase() -> None:
    assert restore_diacritics("trong moi cay") == "trồng mới cây"
    assert restore_diacritics("chi tieu giao quan") == "chỉ tiêu giao quân"
    # a comma the phrase does not have separates it ("cổ vũ, động viên" is not "vụ đông")
    assert restore_diacritics("co vu, dong vién") == "co vu, dong vién"


def test_a_known_word_is_not_read_as_another_without_a_longer_phrase() -> None:
    # "Thủ" read by OCR as "Thu"/"Thi" next to "do" must not become "đô thị"
    assert restore_diacritics("chuyén dé do Thu tuéng") == "chuyén dé do Thu tuéng"
    assert restore_diacritics("thi tuc hanh chinh") == "thủ tục hành chính"


# --- idempotence -------------------------------------------------------------------------------


@pytest.mark.seeds
def test_restoring_restored_names_changes_nothing(seeds_dir: Path) -> None:
    for name in (SEED_001, SEED_003):
        plan = parse_plan(_read(seeds_dir, name))
        for label in [plan.title, *(t.name for t in plan.targets)]:
            assert restore_diacritics(label) == label


_OCR_TEXT = (
    "Ty 1€ 1& I 18 trong moi méi cay phan tan Phét trién chan nudi lon Lon dé bo trau 2024 nam "
    "dén thi tuc hanh chinh cong nhan chi tieu tro Ién x& t6 chic hang Hàng năm sd dan so ty "
    "nhién va cac duoc dugc déy PHAT TRIEN"
)
_OCR_WORDS = _OCR_TEXT.split(" ")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_OCR_WORDS), st.sampled_from([" ", ", ", "- ", " -", "; "])),
        min_size=1,
        max_size=8,
    )
)
def test_restoring_is_idempotent(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in pieces).strip()
    once = restore_diacritics(text)
    assert restore_diacritics(once) == once


# --- the lexicon -------------------------------------------------------------------------------


def test_builtin_lexicon_is_large_and_well_formed() -> None:
    lexicon = Lexicon.builtin()
    assert len(lexicon.phrases) >= 500
    for entry in lexicon.phrases:
        for form, skeleton in zip(entry.forms, entry.skeleton, strict=True):
            if form.startswith("{") or form.isupper():
                continue  # placeholders and abbreviations ("BHYT")
            assert is_syllable(skeleton), form
            assert fold(form) in {skeleton, skeleton[:-1] + "y"}, form  # tỷ → ti


def test_builtin_collisions_are_the_documented_lookalikes() -> None:
    collisions = Lexicon.builtin().collisions()
    assert set(collisions) == {
        ("trong", "moi"),
        ("cong", "nhan"),
        ("chi", "tieu"),
        ("cong", "tac"),
    }


def test_a_custom_lexicon() -> None:
    lexicon = Lexicon.build(["nuôi cá lồng", "cá lồng"], whole_label=["cá"])
    assert restore_diacritics("Nuoi ca long", lexicon) == "Nuôi cá lồng"
    assert restore_diacritics("Ca", lexicon) == "Cá"
    assert restore_diacritics("Ty 1& ho nghéo", lexicon) == "Ty 1& ho nghéo"  # not in it
    with pytest.raises(ValueError, match="two words"):
        Lexicon.build(["lợn"])


def test_a_huge_word_is_left_as_it_is() -> None:
    word = "nguoi" * 2000  # a 10.000-letter "word": no syllable is one repair away from it
    assert restore_diacritics(f"Trong moi cay {word}") == f"Trồng mới cây {word}"
    assert looks_ocr_damaged(word)


def test_damage_is_counted_once_per_word() -> None:
    # "ti€u" and "t6" are damaged words; a clean marked sentence is not damaged.
    assert looks_ocr_damaged("Tỷ lệ ti€u chuẩn t6 đạt")
    assert not looks_ocr_damaged("Tỷ lệ hộ nghèo giảm còn dưới một phần trăm trong năm nay")
