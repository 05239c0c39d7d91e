"""Report matching on the real seed plans: figures land on the right target, or the bot asks."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.core.matcher import KnowledgeBase
from bot.core.plan_parser import parse_plan
from bot.core.report_parser import parse_report
from bot.core.synonyms import SynonymTable
from bot.reporting import ConfirmValue, NoTarget, PickNumber, PickTarget, Ready, decide

pytestmark = pytest.mark.seeds


def knowledge_base(seeds_dir: Path, name: str) -> KnowledgeBase:
    text = (seeds_dir / name).read_text(encoding="utf-8")
    return KnowledgeBase.build(
        parse_plan(text, filename=name), citation_label=name, synonyms=SynonymTable.builtin()
    )


@pytest.fixture(scope="module")
def commune_2024(seeds_dir: Path) -> KnowledgeBase:
    return knowledge_base(seeds_dir, "001_0b34b95b63e585f0.txt")


@pytest.fixture(scope="module")
def district_2025(seeds_dir: Path) -> KnowledgeBase:
    return knowledge_base(seeds_dir, "002_53c0be273c9cb1a6.txt")


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("Đã trồng được 12.500 cây phân tán", [("4", "12500")]),
        ("da trong 12500 cay phan tan", [("4", "12500")]),
        ("lon 2300 con, de 120 con", [("5.2", "2300"), ("5.3", "120")]),
        ("heo 2.300 con", [("5.2", "2300")]),
        ("gia cầm 41.000 con", [("5.4", "41000")]),
        ("thóc 900 tấn", [("1.1", "900")]),
        ("BHYT đạt 97,5%", [("13", "97.5")]),
        ("gia đình văn hóa 800 hộ", [("9", "800")]),
        ("Thu ngân sách 2.150.000.000 đồng", [("14", "2150000000")]),
    ],
)
def test_figures_land_on_the_right_target_of_the_2024_commune_plan(
    commune_2024: KnowledgeBase, message: str, expected: list[tuple[str, str]]
) -> None:
    decisions = decide(parse_report(message), commune_2024)
    assert all(isinstance(d, Ready) for d in decisions), decisions
    got = [(d.target.key, d.value) for d in decisions if isinstance(d, Ready)]
    assert got == [(key, Decimal(value)) for key, value in expected]


@pytest.mark.parametrize(
    ("message", "key", "value"),
    [
        ("Giải quyết việc làm cho 900 người", "10", "900"),
        ("tỷ lệ tham gia bảo hiểm y tế đạt 95,2%", "16", "95.2"),
        ("cấp 300 giấy chứng nhận QSDĐ lần đầu", "21", "300"),
        ("tổng giá trị sản xuất 12.000 tỷ đồng", "1", "12000"),
        ("thu nhập bình quân 55 triệu đồng/người/năm", "22", "55"),
        ("chất thải rắn được thu gom xử lý 80%", "7", "80"),
    ],
)
def test_figures_land_on_the_right_target_of_the_2025_district_plan(
    district_2025: KnowledgeBase, message: str, key: str, value: str
) -> None:
    (decision,) = decide(parse_report(message), district_2025)
    assert isinstance(decision, Ready), decision
    assert decision.target.key == key
    assert decision.value == Decimal(value)


def test_money_is_converted_to_the_targets_unit(district_2025: KnowledgeBase) -> None:
    (decision,) = decide(parse_report("tổng giá trị sản xuất 2,5 tỷ"), district_2025)
    assert isinstance(decision, Ready)
    assert decision.target.key == "1"
    assert decision.value == Decimal("2.5")  # tỷ đồng


def test_ambiguous_number_is_asked(commune_2024: KnowledgeBase) -> None:
    (decision,) = decide(parse_report("1.5 tấn thóc"), commune_2024)
    assert isinstance(decision, PickNumber)
    assert any(t.key == "1.1" for t in decision.candidates)


def test_implausible_values_are_questioned(commune_2024: KnowledgeBase) -> None:
    over_rate, huge = (
        decide(parse_report(text), commune_2024)[0]
        for text in ("BHYT đạt 120%", "trồng cây phân tán 900.000 cây")
    )
    assert isinstance(over_rate, ConfirmValue)
    assert "100%" in over_rate.reason
    assert isinstance(huge, ConfirmValue)


def test_unrelated_figures_match_nothing(commune_2024: KnowledgeBase) -> None:
    decisions = decide(parse_report("họp lúc 8 giờ ở nhà văn hóa"), commune_2024)
    assert all(isinstance(d, NoTarget | PickTarget) for d in decisions)
    assert not any(isinstance(d, Ready) for d in decisions)


@pytest.mark.parametrize("message", ["asdkjh qwe 123", "qwe 123", "zxc qwe 45"])
def test_a_typed_word_the_plan_uses_is_not_mended_into_a_target_of_an_ocr_plan(
    commune_2024: KnowledgeBase, message: str
) -> None:
    # "qwe" reads as "quê", a word of this OCR'd plan; it must not become the damaged "qua"
    # of "cây ăn quả" and put a number with no named target on a fruit target.
    assert all(isinstance(d, NoTarget) for d in decide(parse_report(message), commune_2024))
