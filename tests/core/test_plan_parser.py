"""Plan parsing: metadata, outline, targets and passages, on the real seed documents (skipped
when ../shared/seeds is absent) and on sample documents written for these tests."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.documents import extract_text
from bot.core.plan import ParsedPlan, Qualifier, Target
from bot.core.plan_parser import parse_plan
from bot.core.text import fold

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
SEED_FILES = {
    "000": "000_45e88adc8280bd15.txt",
    "001": "001_0b34b95b63e585f0.txt",
    "002": "002_53c0be273c9cb1a6.txt",
    "003": "003_15fb153601cba5f3.txt",
    "004": "004_2380b3438216d51d.txt",
}


def _seed(seeds_dir: Path, which: str) -> ParsedPlan:
    path = seeds_dir / SEED_FILES[which]
    if not path.is_file():
        pytest.skip(f"seed {path.name} not found in {seeds_dir}")
    return parse_plan(path.read_text(encoding="utf-8"), filename=path.name)


def _fixture(name: str) -> ParsedPlan:
    return parse_plan((FIXTURES / name).read_text(encoding="utf-8"), filename=name)


def _target(plan: ParsedPlan, key: str) -> Target:
    found = plan.target(key)
    assert found is not None, f"no target {key}"
    return found


def _expect(
    plan: ParsedPlan, key: str, value: str | None, measure: str | None, qualifier: Qualifier
) -> Target:
    target = _target(plan, key)
    assert (target.value, target.measure, target.qualifier) == (
        Decimal(value) if value is not None else None,
        measure,
        qualifier,
    ), target
    return target


def _passage_with(plan: ParsedPlan, words: str) -> list[str]:
    """Section paths of the passages whose folded text contains *words* (folded)."""
    return [p.section_path for p in plan.passages if fold(words) in fold(p.text)]


def _assert_clean_passages(plan: ParsedPlan) -> None:
    """No wrap noise: no line breaks, no page-number-only text, no sentence cut in two."""
    for passage in plan.passages:
        assert "\n" not in passage.text
        assert not re.fullmatch(r"[\d\W]*", passage.text)
        assert passage.text == passage.text.strip()
    for before, after in zip(plan.passages, plan.passages[1:], strict=False):
        cut = not re.search(r"[.!?:;”\"…)]$", before.text) and after.text[:1].islower()
        assert not cut, (before.text[-60:], after.text[:60])
    assert [p.order for p in plan.passages] == list(range(len(plan.passages)))


# --- seed 002: clean Markdown district plan -----------------------------------------------------


@pytest.mark.seeds
def test_seed_002_metadata(seeds_dir: Path) -> None:
    plan = _seed(seeds_dir, "002")
    assert plan.kind == "ke_hoach"
    assert plan.number == "21/KH-UBND"
    assert plan.issued_on == date(2025, 2, 3)
    assert plan.year == 2025
    assert plan.issuer == "UBND huyện Bình Sơn"
    assert plan.title.startswith("Kế hoạch phát động phong trào thi đua thực hiện thắng lợi")
    assert plan.title.endswith("huyện Bình Sơn năm 2025")


@pytest.mark.seeds
def test_seed_002_has_22_targets_with_values_units_and_qualifiers(seeds_dir: Path) -> None:
    plan = _seed(seeds_dir, "002")
    top = plan.top_level_targets()
    assert [t.key for t in top] == [str(n) for n in range(1, 23)]
    assert {t.section_path for t in plan.targets} == {"II.2"}
    assert _target(plan, "10").number == "(10)"

    _expect(plan, "1", "28603.61", "tỷ đồng", Qualifier.ABOUT)
    _expect(plan, "2", "9.48", "%", Qualifier.ABOUT)
    _expect(plan, "4", "100", "%", Qualifier.AT_LEAST)  # "$\geq 100$ %"
    ten = _expect(plan, "10", "1600", "người", Qualifier.EXACT)
    assert ten.name == "Giải quyết việc làm trong năm"
    assert "1.600 người" in ten.source_text
    _expect(plan, "12", "0.77", "%", Qualifier.REDUCE)  # "giảm" before the colon
    _expect(plan, "13", "0.79", "%", Qualifier.EXACT)  # "tăng dân số" is not a growth target
    _expect(plan, "16", "96", "%", Qualifier.EXACT)
    _expect(plan, "20", "85", "%", Qualifier.MORE_THAN)
    _expect(plan, "21", "1740", "giấy", Qualifier.EXACT)
    _expect(plan, "22", "60", "triệu đồng/người/năm", Qualifier.EXACT)

    nineteen = _expect(plan, "19", None, None, Qualifier.REDUCE)
    assert nineteen.text_value == "Giảm tai nạn giao thông cả 3 tiêu chí"


@pytest.mark.seeds
def test_seed_002_compound_targets_are_split(seeds_dir: Path) -> None:
    plan = _seed(seeds_dir, "002")
    structure = plan.children("3")
    assert [(c.name, c.value, c.qualifier) for c in structure] == [
        ("Nông, lâm nghiệp và thủy sản", Decimal("10.49"), Qualifier.ABOUT),
        ("Công nghiệp – xây dựng", Decimal("37.52"), Qualifier.ABOUT),
        ("Dịch vụ", Decimal("51.99"), Qualifier.ABOUT),
    ]
    assert _target(plan, "3").value is None

    forest, trees = plan.children("5")
    assert (forest.value, forest.measure, forest.qualifier) == (
        Decimal("35.58"),
        "%",
        Qualifier.AT_LEAST,
    )
    assert (trees.name, trees.value, trees.measure) == (
        "Tỷ lệ đất cây xanh đô thị",
        Decimal(8),
        "m2/người",
    )

    rural = plan.children("8")
    assert [(c.value, c.measure) for c in rural] == [
        (Decimal(100), "%"),
        (Decimal(1), "xã"),
        (Decimal(1), "xã"),
        (None, None),
    ]
    assert rural[3].text_value == "Huyện đạt chuẩn Nông thôn mới"
    assert all(c.parent_key == "8" and c.key.startswith("8.") for c in rural)

    security = plan.children("18")
    assert [(c.name, c.value) for c in security] == [
        ("Xã, phường", Decimal(95)),
        ("Cơ quan, đơn vị", Decimal(100)),
    ]
    # "01 trường (Tỷ lệ trường đạt chuẩn 81,69%)": the parent keeps its figure.
    assert (_target(plan, "9").value, _target(plan, "9").measure) == (Decimal(1), "trường")
    assert [c.value for c in plan.children("9")] == [Decimal("81.69")]


@pytest.mark.seeds
def test_seed_002_outline_and_duty_passages(seeds_dir: Path) -> None:
    plan = _seed(seeds_dir, "002")
    section = plan.section("II.2")
    assert section is not None and section.title == "Chỉ tiêu thi đua"
    implementation = plan.section("III")
    assert implementation is not None and implementation.title == "Tổ chức thực hiện"
    assert [s.path for s in plan.sections if s.path.startswith("III.1.")] == [
        "III.1.a",
        "III.1.b",
        "III.1.c",
        "III.1.d",
    ]
    duty = [p for p in plan.passages if "Thẩm định hồ sơ trình UBND huyện" in p.text]
    assert len(duty) == 1
    assert duty[0].section_path == "III.4"
    assert duty[0].heading == "Tổ chức thực hiện"
    assert duty[0].text.startswith("Phòng Nội vụ theo dõi, kiểm tra")
    # A paragraph broken by a page ("… lần thứ XI" / "và các sự kiện …") is one passage.
    assert _passage_with(plan, "lần thứ XI và các sự kiện") == ["I.1"]
    assert not _passage_with(plan, "Nơi nhận")  # recipients and signature are not content
    _assert_clean_passages(plan)


# --- seed 001: OCR commune plan ---------------------------------------------------------------


@pytest.mark.seeds
def test_seed_001_has_14_targets_with_compounds_split(seeds_dir: Path) -> None:
    plan = _seed(seeds_dir, "001")
    assert plan.kind == "ke_hoach"
    assert plan.year == 2024
    assert "phat dong cac phong trao thi dua nam 2024" in fold(plan.title)
    assert [t.key for t in plan.top_level_targets()] == [str(n) for n in range(1, 15)]
    assert {t.section_path for t in plan.targets} == {"II.2"}

    grain = _expect(plan, "1", "2210", "tấn", Qualifier.EXACT)  # OCR "2.210 tin"
    assert [(fold(c.name), c.value, c.measure) for c in plan.children(grain.key)] == [
        ("thoc", Decimal(1790), "tấn")
    ]
    livestock = plan.children("5")
    assert [(c.key, c.value, c.measure) for c in livestock] == [
        ("5.1", Decimal(710), "con"),
        ("5.2", Decimal(5500), "con"),
        ("5.3", Decimal(380), "con"),
        ("5.4", Decimal(410000), "con"),  # "gia\ncam: 410.000 con" across a wrapped line
    ]
    assert fold(livestock[3].name) == "gia cam"
    _expect(plan, "4", "58000", "cây", Qualifier.EXACT)
    _expect(plan, "6", "2750", "tấn", Qualifier.EXACT)
    _expect(plan, "7", "2.32", "%", Qualifier.REDUCE)  # OCR "2.32 %": the dot is a decimal mark
    _expect(plan, "9", "1600", "hộ", Qualifier.EXACT)
    _expect(plan, "10", "9", "bản", Qualifier.EXACT)
    _expect(plan, "12", "120", "người", Qualifier.EXACT)  # OCR "ngudi"
    _expect(plan, "13", "99.2", "%", Qualifier.EXACT)
    _expect(plan, "14", "6832510000", "đồng", Qualifier.EXACT)


@pytest.mark.seeds
def test_seed_001_outline_and_duties(seeds_dir: Path) -> None:
    plan = _seed(seeds_dir, "001")
    top = [s.path for s in plan.sections if "." not in s.path]
    assert top == ["I", "II", "III", "IV"]
    organisation = plan.section("IV")
    assert organisation is not None and fold(organisation.title) == "to chuc thuc hien"
    assert [s.path for s in plan.sections if s.path.startswith("II.1.")] == [
        f"II.1.{n}" for n in range(1, 7)
    ]
    duties = [p for p in plan.passages if p.section_path.startswith("IV.")]
    assert [p.section_path for p in duties[:4]] == ["IV.1", "IV.2", "IV.3", "IV.4"]
    _assert_clean_passages(plan)


# --- seed 003: OCR commune report with targets for 2025-2030 ------------------------------------


@pytest.mark.seeds
def test_seed_003_targets_under_part_two(seeds_dir: Path) -> None:
    plan = _seed(seeds_dir, "003")
    assert plan.kind == "bao_cao"
    assert plan.year == 2025  # the targets' period 2025-2030, not the 2020-2025 review
    top = plan.top_level_targets()
    assert [t.key for t in top] == [str(n) for n in range(1, 9)]
    assert {t.section_path for t in plan.targets} == {"P2.II"}
    part_two = plan.section("P2")
    assert part_two is not None and part_two.level == 0
    assert "2025 - 2030" in part_two.title

    first = _target(plan, "1")
    assert first.value is None
    assert first.text_value is not None and "2027" in first.text_value
    assert all(t.value != 2027 for t in plan.targets)  # a year is never a figure

    revenue, income = plan.children("3")
    assert (revenue.value, revenue.qualifier) == (Decimal(10), Qualifier.INCREASE)
    assert (income.value, income.qualifier) == (Decimal(11), Qualifier.INCREASE)
    culture = plan.children("4")
    assert [(c.value, c.qualifier) for c in culture] == [
        (Decimal(95), Qualifier.MORE_THAN),  # "đạt trên 95%"
        (Decimal(100), Qualifier.AT_LEAST),
    ]
    # "Ty 18 ho so" is OCR for "Tỷ lệ hồ sơ": 18 is not a figure.
    assert [c.value for c in plan.children("6")] == [Decimal(96), Decimal(99), Decimal(85)]
    _assert_clean_passages(plan)


# --- reports 000 and 004 -----------------------------------------------------------------------


@pytest.mark.seeds
def test_seed_reports_parse_into_passages(seeds_dir: Path) -> None:
    report_000 = _seed(seeds_dir, "000")
    assert report_000.kind == "bao_cao"
    assert report_000.number == "142/BC-UBND"
    assert report_000.issued_on == date(2024, 3, 14)
    assert report_000.year == 2024  # "ngày 07 tháng 4 năm 2014" in the title is a date
    assert [s.path for s in report_000.sections if "." not in s.path] == ["I", "II", "III"]
    assert len(report_000.passages) > 50

    report_004 = _seed(seeds_dir, "004")
    assert report_004.kind == "bao_cao"
    assert report_004.year == 2023
    assert [s.path for s in report_004.sections if "." not in s.path] == ["I", "II"]
    assert len(report_004.passages) > 20
    for plan in (report_000, report_004):
        assert not plan.targets
        _assert_clean_passages(plan)


# --- sample documents written for these tests ---------------------------------------------------


def test_sample_plan_metadata_and_outline() -> None:
    plan = _fixture("ke_hoach_xa_an_phu_2025.md")
    assert plan.kind == "ke_hoach"
    assert plan.number == "15/KH-UBND"
    assert plan.issued_on == date(2025, 1, 10)
    assert plan.year == 2025
    assert plan.issuer == "UBND xã An Phú"
    assert plan.title == (
        "Kế hoạch tổ chức phong trào thi đua thực hiện nhiệm vụ phát triển kinh tế - xã hội "
        "xã An Phú năm 2025"
    )
    assert [(s.path, s.level) for s in plan.sections[:3]] == [("I", 1), ("I.1", 2), ("I.2", 2)]
    assert plan.section("II.1.b") is not None
    assert [p.section_path for p in plan.passages if p.section_path.startswith("III.")] == [
        "III.1",
        "III.2",
        "III.3",
        "III.4",
        "III.4",
    ]
    assert _passage_with(plan, "thẩm định hồ sơ đề nghị khen thưởng") == ["III.4"]
    assert plan.passages[0].section_path == ""  # the opening paragraph, before section I
    assert not _passage_with(plan, "Lưu: VT")
    _assert_clean_passages(plan)


def test_sample_plan_targets() -> None:
    plan = _fixture("ke_hoach_xa_an_phu_2025.md")
    assert len(plan.top_level_targets()) == 12
    _expect(plan, "1", "12.5", "tỷ đồng", Qualifier.ABOUT)
    _expect(plan, "2", "12500", "cây", Qualifier.EXACT)
    assert [(c.name, c.value) for c in plan.children("3")] == [
        ("Đàn lợn", Decimal(3200)),
        ("Đàn bò", Decimal(450)),
        ("Gia cầm", Decimal(85000)),
    ]
    food = _expect(plan, "4", "6400", "tấn", Qualifier.AT_LEAST)
    assert food.name == "Sản lượng lương thực cả năm"
    assert [(c.name, c.value) for c in plan.children("4")] == [("Lúa", Decimal(5900))]
    _expect(plan, "5", "95", "%", Qualifier.AT_LEAST)  # "từ 95% trở lên"
    poverty = _expect(plan, "6", "1.8", "%", Qualifier.AT_MOST)  # "giảm xuống còn 1,8%"
    assert poverty.name == "Tỷ lệ hộ nghèo"
    _expect(plan, "7", "8", "%", Qualifier.AT_MOST)  # "dưới 8%"
    _expect(plan, "9", "58", "triệu đồng/người/năm", Qualifier.EXACT)
    _expect(plan, "10", "98", "%", Qualifier.MORE_THAN)
    eleven = _expect(plan, "11", None, None, Qualifier.REDUCE)
    assert eleven.text_value is not None and eleven.text_value.startswith("Không để xảy ra")
    twelve = _expect(plan, "12", None, None, Qualifier.EXACT)
    assert (twelve.name, twelve.text_value) == (
        "Xã đạt chuẩn nông thôn mới nâng cao",
        "vào năm 2026",
    )


def test_ocr_sample_without_diacritics() -> None:
    plan = _fixture("ke_hoach_ocr_xa_binh_an.txt")
    assert plan.kind == "ke_hoach"
    assert plan.number == "07/KH-UBND"
    assert plan.issued_on == date(2024, 2, 5)
    assert plan.year == 2024
    assert plan.issuer == "UBND xã Binh An"
    # The title is a label the bot shows: its diacritics are restored where the lexicon is sure.
    assert plan.title.startswith("Kế hoạch phát động phong trào thi đua")
    assert plan.title.endswith("năm 2024")
    # "I1." and "I11." are OCR for II. and III.
    assert [s.path for s in plan.sections if "." not in s.path] == ["I", "II", "III"]
    assert [t.key for t in plan.top_level_targets()] == ["1", "2", "3", "4", "5", "6"]
    rice = _expect(plan, "1", "4850", "tấn", Qualifier.EXACT)
    assert [(fold(c.name), c.value) for c in plan.children(rice.key)] == [
        ("lua chat luong cao", Decimal(1200))
    ]
    _expect(plan, "2", "35", "ha", Qualifier.EXACT)
    assert [c.value for c in plan.children("3")] == [Decimal(1150), Decimal(6800), Decimal(52000)]
    _expect(plan, "4", "2.5", "%", Qualifier.REDUCE)
    _expect(plan, "5", "93.5", "%", Qualifier.EXACT)
    _expect(plan, "6", "4250000000", "đồng", Qualifier.EXACT)
    # The page number "2" between "trén dia" and "ban toan xa" is gone and the sentence joined.
    assert _passage_with(plan, "tren dia ban toan xa") == ["II.1"]
    assert _passage_with(plan, "dinh ho so de nghi khen thuong") == ["III.2"]
    _assert_clean_passages(plan)


def test_report_sample_skips_addressees_and_signature() -> None:
    plan = _fixture("bao_cao_6_thang_thon.txt")
    assert plan.kind == "bao_cao"
    assert plan.number == "32/BC-UBND"
    assert plan.issued_on == date(2024, 6, 12)
    assert plan.issuer == "UBND xã Hòa Lợi"
    assert plan.title == "Báo cáo kết quả công tác thi đua, khen thưởng 6 tháng đầu năm 2024"
    assert not plan.targets
    assert [p.section_path for p in plan.passages] == ["I.1", "I.2", "II", "III"]
    assert not _passage_with(plan, "Phòng Nội vụ huyện")  # a "Kính gửi" recipient
    assert plan.passages[0].text.endswith("với 9/9 thôn tham gia.")


def test_targets_from_a_table() -> None:
    plan = _fixture("ke_hoach_bang_chi_tieu.md")
    assert plan.year == 2025
    assert [(t.key, t.name) for t in plan.targets] == [
        ("1", "Tỷ lệ hộ tham gia bảo hiểm y tế"),
        ("2", "Trồng cây xanh dọc đường thôn"),
        ("3", "Hộ đạt danh hiệu Gia đình văn hóa"),
    ]
    _expect(plan, "1", "92", "%", Qualifier.AT_LEAST)
    _expect(plan, "2", "1500", "cây", Qualifier.EXACT)
    _expect(plan, "3", "210", "hộ", Qualifier.EXACT)
    assert {t.section_path for t in plan.targets} == {"I"}


def test_docx_plan_with_automatic_numbering_end_to_end() -> None:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("Thi đua thôn Nam năm 2026")
    document.add_paragraph("I. CHỈ TIÊU VÀ NHIỆM VỤ")
    document.add_paragraph("1. Chỉ tiêu thi đua")
    document.add_paragraph("Tỷ lệ hộ tham gia bảo hiểm y tế đạt 97,5%;", style="List Number")
    document.add_paragraph("Nuôi mới: bò 40 con; dê 120 con;", style="List Number")
    document.add_paragraph("2. Phân công")
    document.add_paragraph(
        "Chi hội Phụ nữ vận động hội viên tham gia bảo hiểm y tế và báo cáo trưởng thôn."
    )
    buffer = io.BytesIO()
    document.save(buffer)

    plan = parse_plan(extract_text(buffer.getvalue(), "kh.docx"), filename="kh.docx")

    assert plan.title == "Kế hoạch thi đua thôn Nam năm 2026"
    assert plan.year == 2026
    _expect(plan, "1", "97.5", "%", Qualifier.AT_LEAST)
    assert [(c.name, c.value) for c in plan.children("2")] == [
        ("Bò", Decimal(40)),
        ("Dê", Decimal(120)),
    ]
    assert {t.section_path for t in plan.targets} == {"I.1"}
    assert _passage_with(plan, "Chi hội Phụ nữ") == ["I.2"]


def test_unnumbered_target_lines_in_typed_text() -> None:
    text = (
        "KẾ HOẠCH\nThi đua năm 2025 của thôn Bắc\n\n1. Chỉ tiêu\n"
        "Tỷ lệ hộ tham gia BHYT: 95%;\nTrồng cây xanh: 300 cây;\n"
        "Các hộ đăng ký thi đua với Ban công tác Mặt trận.\n\n"
        "2. Tổ chức thực hiện\nTrưởng thôn theo dõi, tổng hợp kết quả.\n"
    )
    plan = parse_plan(text)
    assert [(t.key, t.name, t.value) for t in plan.targets] == [
        ("1", "Tỷ lệ hộ tham gia BHYT", Decimal(95)),
        ("2", "Trồng cây xanh", Decimal(300)),
    ]
    assert [(p.section_path, p.heading) for p in plan.passages] == [
        ("1", "Chỉ tiêu"),
        ("2", "Tổ chức thực hiện"),
    ]


@pytest.mark.parametrize(
    ("line", "value", "measure", "qualifier"),
    [
        ("(1) Tỷ lệ che phủ rừng đạt trên 40%", "40", "%", Qualifier.MORE_THAN),
        ("(1) Tỷ lệ nợ đọng: không quá 2%", "2", "%", Qualifier.AT_MOST),
        ("(1) Số vụ cháy rừng: ≤ 1 vụ", "1", "vụ", Qualifier.AT_MOST),
        ("(1) Thu nhập tăng bình quân 8%/năm", "8", "%", Qualifier.INCREASE),
        ("(1) Tổng vốn huy động: 1,2 tỷ đồng", "1.2", "tỷ đồng", Qualifier.EXACT),
        ("(1) Diện tích lúa: 1,600 ha", "1.6", "ha", Qualifier.EXACT),  # area keeps the decimal
        ("(1) Số người được đào tạo nghề: 1,600 người", "1600", "người", Qualifier.EXACT),
        ("(1) Đạt chuẩn 19/19 tiêu chí", "19", "tiêu chí", Qualifier.EXACT),
        ("(1) Diện tích đất trồng cây: 12 ha", "12", "ha", Qualifier.EXACT),  # "đất" ≠ "đạt"
        ("(1) Xây dựng mới khoảng 3 km đường bê tông", "3", "km", Qualifier.ABOUT),
        ("(1) Cấp 500 giấy chứng nhận quyền sử dụng đất", "500", "giấy", Qualifier.EXACT),
        ("(1) Trường đạt chuẩn mức độ 2: 3 trường", "3", "trường", Qualifier.EXACT),
    ],
)
def test_single_target_lines(line: str, value: str, measure: str, qualifier: Qualifier) -> None:
    plan = parse_plan(f"2. Chỉ tiêu thi đua\n\n{line};\n")
    assert len(plan.targets) == 1
    _expect(plan, "1", value, measure, qualifier)


@pytest.mark.parametrize(
    "line",
    [
        "(1) Tổ chức Đại hội thi đua vào năm 2026",
        "(1) Hoàn thành Nghị quyết số 12/NQ-HĐND ngày 05/12/2024",
        "(1) Triển khai Chỉ thị 34-CT/TW giai đoạn 2025-2030",
    ],
)
def test_years_dates_and_references_are_not_figures(line: str) -> None:
    plan = parse_plan(f"2. Chỉ tiêu thi đua\n\n{line}\n")
    (target,) = plan.targets
    assert target.value is None
    assert target.text_value


def test_empty_and_headerless_text() -> None:
    empty = parse_plan("", filename="ke-hoach-2025.docx")
    assert (empty.title, empty.kind, empty.sections, empty.targets, empty.passages) == (
        "ke-hoach-2025",
        "ke_hoach",
        (),
        (),
        (),
    )
    assert parse_plan("   \n\n").title == "Văn bản không có tiêu đề"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "I. MỤC ĐÍCH",
                "II. CHỈ TIÊU",
                "2. Chỉ tiêu thi đua",
                "(1) Tỷ lệ: 96%;",
                "1. Trâu, bò: 710 con; lợn 5.500 con",
                "a) Nội dung",
                "- gạch đầu dòng",
                "Phần thứ hai",
                "12",
                "",
                "khoảng ≥ > giảm 1,600 2.32 %",
                "Số: 5/KH-UBND",
                "ngày 3 tháng 2 năm 2025",
                "| STT | Chỉ tiêu | ĐVT |",
                "$\\geq 5$ m<sup>2</sup>",
                "Nơi nhận:",
            ]
        ),
        max_size=25,
    ).map("\n".join)
)
def test_parsing_never_fails_on_odd_documents(text: str) -> None:
    plan = parse_plan(text)
    keys = [t.key for t in plan.targets]
    assert len(keys) == len(set(keys))
    assert len({s.path for s in plan.sections}) == len(plan.sections)
    for target in plan.targets:
        assert target.parent_key is None or plan.target(target.parent_key) is not None
