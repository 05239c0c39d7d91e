"""Names of targets the plan writes loosely: a compound named before its first ":", a name
that only aims ("Phấn đấu có …"), a unit cell wrapped inside a word; and a report figure
after "khối" in a unit that is no residential block."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.plan import Target
from bot.core.plan_parser import parse_plan
from bot.core.report_parser import parse_report
from bot.core.text import fold


def _targets(line: str) -> list[Target]:
    plan = parse_plan(f"KẾ HOẠCH\nII. CHỈ TIÊU\n1. {line}\n2. Thu ngân sách 9 tỷ đồng.\n")
    return [t for t in plan.targets if t.key != "2"]


def _parts(line: str) -> list[tuple[str, Decimal | None, str | None]]:
    return [(t.name, t.value, t.measure) for t in _targets(line) if t.parent_key]


@pytest.mark.parametrize(
    ("line", "parts"),
    [
        (
            "Tổng đàn lợn: 9.500 con; đàn gia cầm: 120.000 con.",
            [("Tổng đàn lợn", Decimal(9500), "con"), ("Đàn gia cầm", Decimal(120000), "con")],
        ),
        (
            "Tong dan lon: 9.500 con; dan gia cam: 120.000 con.",
            [("Tong dan lon", Decimal(9500), "con"), ("Dan gia cam", Decimal(120000), "con")],
        ),
        (
            "Đàn trâu, bò: 2.350 con; đàn lợn: 8.000 con",
            [("Đàn trâu, bò", Decimal(2350), "con"), ("Đàn lợn", Decimal(8000), "con")],
        ),
        (
            "Diện tích lúa: 1.200 ha; ngô 300 ha; rau màu 150 ha",
            [
                ("Diện tích lúa", Decimal(1200), "ha"),
                ("Ngô", Decimal(300), "ha"),
                ("Rau màu", Decimal(150), "ha"),
            ],
        ),
    ],
)
def test_the_words_before_the_colon_name_the_first_part(
    line: str, parts: list[tuple[str, Decimal, str]]
) -> None:
    # Diacritics the plan lost may be restored in part: names are compared folded.
    found = [(fold(n), v, u) for n, v, u in _parts(line)]
    assert found == [(fold(n), v, u) for n, v, u in parts]


def test_a_heading_naming_the_whole_stays_the_whole() -> None:
    # Every part is named after the ":": the words before it name the whole line.
    targets = _targets("Chăn nuôi: trâu 450 con, bò 1.200 con, lợn 3.800 con")
    assert targets[0].name == "Chăn nuôi"
    assert [t.name for t in targets[1:]] == ["Trâu", "Bò", "Lợn"]


@pytest.mark.parametrize(
    ("line", "name", "value", "unit"),
    [
        (
            "Phấn đấu có 14/16 chi hội xếp loại vững mạnh.",
            "Chi hội xếp loại vững mạnh",
            14,
            "chi hội",
        ),
        (
            "Phấn đấu đạt 25 tổ hợp tác hoạt động hiệu quả",
            "Tổ hợp tác hoạt động hiệu quả",
            25,
            "tổ hợp tác",
        ),
        (
            "Có 3 trường đạt chuẩn quốc gia mức độ 2",
            "Trường đạt chuẩn quốc gia mức độ 2",
            3,
            "trường",
        ),
        (
            "Phấn đấu có 95% hộ gia đình đạt gia đình văn hóa",
            "Hộ gia đình đạt gia đình văn hóa",
            95,
            "%",
        ),
    ],
)
def test_words_that_only_aim_name_nothing(line: str, name: str, value: int, unit: str) -> None:
    [target] = _targets(line)
    assert (target.name, target.value, target.measure) == (name, Decimal(value), unit)


@pytest.mark.parametrize(
    ("unit_cell", "unit"),
    [
        ("Triệu đồng/ngư ời/năm", "triệu đồng/người/năm"),
        ("Ng ười", "người"),
        ("tri ệu đồng", "triệu đồng"),
    ],
)
def test_a_unit_cell_wrapped_inside_a_word_is_read_whole(unit_cell: str, unit: str) -> None:
    text = (
        "KẾ HOẠCH\nII. CHỈ TIÊU\n"
        "| STT | Chỉ tiêu | ĐVT | Kế hoạch 2026 |\n|---|---|---|---|\n"
        f"| 1 | Thu nhập bình quân đầu người | {unit_cell} | 62 |\n"
        "| 2 | Diện tích trồng rừng | ha | 40 |\n"
    )
    plan = parse_plan(text)
    first = next(t for t in plan.targets if t.key == "1")
    assert (first.name, first.value) == ("Thu nhập bình quân đầu người", Decimal(62))
    assert first.measure is not None and first.measure.lower() == unit


@pytest.mark.parametrize(
    ("message", "fragment", "value"),
    [
        ("ngô sinh khối 45 ha", "ngo sinh khoi", Decimal(45)),
        ("ngo sinh khoi 30 ha", "ngo sinh khoi", Decimal(30)),
        ("sắn sinh khối 12 tấn", "san sinh khoi", Decimal(12)),
    ],
)
def test_khoi_before_a_figure_in_a_unit_is_no_block(
    message: str, fragment: str, value: Decimal
) -> None:
    [claim] = parse_report(message).claims
    assert (claim.fragment, claim.value) == (fragment, value)


def test_a_block_number_is_still_no_figure() -> None:
    [claim] = parse_report("khối 5 trồng 200 cây").claims
    assert claim.value == Decimal(200)


@pytest.mark.parametrize(
    ("last", "heading"),
    [
        (
            "Không để xảy ra trọng án, cháy nổ lớn trên địa bàn.",
            "C. GIẢI PHÁP VÀ TỔ CHỨC THỰC HIỆN",
        ),
        ("Giữ vững an ninh chính trị, trật tự an toàn xã hội.", "C. TỔ CHỨC THỰC HIỆN"),
        ("Không có khiếu kiện đông người, vượt cấp;", "C. KINH PHÍ THỰC HIỆN"),
        ("Giữ vững an ninh chính trị, trật tự an toàn xã hội.", "III. TỔ CHỨC THỰC HIỆN"),
    ],
)
def test_a_last_target_without_a_figure_before_a_capital_heading_is_kept(
    last: str, heading: str
) -> None:
    parts = ("A", "B") if heading.startswith("C.") else ("I", "II")
    text = (
        "KẾ HOẠCH\nPhát động phong trào thi đua năm 2026\n\n"
        f"{parts[0]}. MỤC ĐÍCH, YÊU CẦU\nĐộng viên thi đua.\n\n"
        f"{parts[1]}. CHỈ TIÊU THI ĐUA NĂM 2026\n\n1. Thu ngân sách 6.200 triệu đồng.\n\n"
        f"2. Tỷ lệ hộ nghèo giảm còn 1,9%.\n\n3. {last}\n\n{heading}\n\n"
        "Các thôn báo cáo kết quả hằng quý.\n"
    )
    plan = parse_plan(text)
    names = [fold(t.name) for t in plan.targets]
    assert names[-1] == fold(last.rstrip(".;"))
    assert len(plan.targets) == 3


@pytest.mark.parametrize(
    ("message", "value"),
    [
        ("có thêm 1 sản phẩm OCOP 3 sao", Decimal(1)),
        ("thêm 2 sản phẩm đạt OCOP 4 sao", Decimal(2)),
        ("OCOP 3 sao 2 sản phẩm", Decimal(2)),
        ("san pham ocop 3 sao: 5 san pham", Decimal(5)),
    ],
)
def test_a_star_rating_is_no_figure(message: str, value: Decimal) -> None:
    [claim] = parse_report(message).claims
    assert claim.value == value


def test_a_rating_alone_reports_nothing() -> None:
    assert parse_report("sản phẩm được 3 sao").claims == ()


@pytest.mark.parametrize(
    ("line", "name"),
    [
        (
            "Tập huấn chuyển giao khoa học kỹ thuật cho 900 lượt hội viên.",
            "Tập huấn chuyển giao khoa học kỹ thuật cho lượt hội viên",
        ),
        (
            "Tổ chức khám sức khỏe định kỳ cho 1.200 người cao tuổi.",
            "Tổ chức khám sức khỏe định kỳ cho người cao tuổi",
        ),
        (
            "Trao tặng sổ tiết kiệm của 45 hộ nghèo vượt khó.",
            "Trao tặng sổ tiết kiệm của hộ nghèo vượt khó",
        ),
    ],
)
def test_a_name_ending_in_cho_takes_who_is_counted(line: str, name: str) -> None:
    [target] = _targets(line)
    assert target.name == name
