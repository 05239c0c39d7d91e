"""A figure whose unit points to targets when no target is named ("thêm 300 cây")."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.matcher import KnowledgeBase
from bot.core.plan_parser import parse_plan
from bot.core.report_parser import parse_report
from bot.core.synonyms import SynonymTable
from bot.reporting import NoTarget, PickNumber, PickTarget, Ready, decide

PLAN = """KẾ HOẠCH
Phát động phong trào thi đua năm 2026

II. CHỈ TIÊU THI ĐUA
1. Trồng mới cây xanh trên các tuyến đường: 4.000 cây;
2. Cấp giấy chứng nhận quyền sử dụng đất: 320 giấy;
3. Giải quyết việc làm mới: 450 người;
4. Sản lượng lương thực: 2.100 tấn;
5. Đàn gia súc: trâu 300 con, bò 900 con.
"""


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(
        parse_plan(PLAN), citation_label="Kế hoạch", synonyms=SynonymTable.builtin()
    )


@pytest.mark.parametrize(
    ("message", "key", "value"),
    [
        ("thêm 300 cây", "1", Decimal(300)),
        ("150 giay chung nhan", "2", Decimal(150)),
        ("được 12 tạ", "4", Decimal("1.2")),
    ],
)
def test_a_unit_only_one_target_counts_in_is_enough(
    kb: KnowledgeBase, message: str, key: str, value: Decimal
) -> None:
    [decision] = decide(parse_report(message), kb)
    assert isinstance(decision, Ready)
    assert (decision.target.key, decision.value) == (key, value)


def test_a_unit_several_targets_count_in_is_asked_about(kb: KnowledgeBase) -> None:
    [decision] = decide(parse_report("thêm 20 con"), kb)
    assert isinstance(decision, PickTarget)
    assert {t.key for t in decision.candidates} == {"5.1", "5.2"}


def test_a_unit_many_targets_may_share_says_nothing_alone(kb: KnowledgeBase) -> None:
    [decision] = decide(parse_report("chiều nay 30 người đi họp"), kb)
    assert isinstance(decision, NoTarget)  # never saved on a guess, nor asked about


@pytest.mark.parametrize("message", ["asdkjh qwe 123", "xyz 45"])
def test_a_number_without_a_word_or_unit_pointing_to_a_target_is_no_report(
    kb: KnowledgeBase, message: str
) -> None:
    assert all(isinstance(d, NoTarget) for d in decide(parse_report(message), kb))


@pytest.mark.parametrize(
    ("message", "readings"),
    [
        ("1.5 tấn", {Decimal("1.5"), Decimal(1500)}),
        ("được 2.5 tấn", {Decimal("2.5"), Decimal(2500)}),
    ],
)
def test_an_ambiguous_number_in_a_unit_one_target_counts_in_is_asked_about(
    kb: KnowledgeBase, message: str, readings: set[Decimal]
) -> None:
    [decision] = decide(parse_report(message), kb)
    assert isinstance(decision, PickNumber)
    assert set(decision.claim.readings) == readings
    assert [t.key for t in decision.candidates] == ["4"]


def test_an_ambiguous_number_with_no_target_is_not_asked_about(kb: KnowledgeBase) -> None:
    [decision] = decide(parse_report("họp lúc 7.30"), kb)
    assert isinstance(decision, NoTarget)


HERD_PLAN = """KẾ HOẠCH
Phát động phong trào thi đua năm 2026

II. CHỈ TIÊU THI ĐUA
1. Tổng đàn trâu, bò, lợn: trâu 450 con; bò 1.200 con; lợn 3.800 con.
2. Tỷ lệ hộ nghèo: dưới 3%.
"""


@pytest.mark.parametrize(
    ("message", "name", "value"),
    [
        ("bò 640 con", "bò", Decimal(640)),
        ("bo 640 con", "bò", Decimal(640)),
        ("đàn lợn đạt 3.100 con", "lợn", Decimal(3100)),
    ],
)
def test_a_part_named_by_its_own_name_is_taken_though_its_heading_names_the_others(
    message: str, name: str, value: Decimal
) -> None:
    kb = KnowledgeBase.build(
        parse_plan(HERD_PLAN), citation_label="Kế hoạch", synonyms=SynonymTable.builtin()
    )
    [decision] = decide(parse_report(message), kb)
    assert isinstance(decision, Ready), decision
    assert decision.target.name.lower() == name
    assert decision.value == value


def test_a_heading_word_shared_by_every_part_still_asks() -> None:
    kb = KnowledgeBase.build(
        parse_plan(HERD_PLAN), citation_label="Kế hoạch", synonyms=SynonymTable.builtin()
    )
    [decision] = decide(parse_report("tổng đàn 640 con"), kb)
    assert isinstance(decision, PickTarget)


POULTRY_PLAN = """KẾ HOẠCH
Phát động phong trào thi đua năm 2026

II. CHỈ TIÊU THI ĐUA
1. Đàn gia cầm: 90.000 con.
2. Đàn lợn: 4.200 con.
3. Tỷ lệ tham gia bảo hiểm y tế: 95%.
"""


def test_parts_of_one_count_in_one_message_add_up() -> None:
    kb = KnowledgeBase.build(
        parse_plan(POULTRY_PLAN), citation_label="Kế hoạch", synonyms=SynonymTable.builtin()
    )
    decisions = decide(parse_report("gà 5.000 con, vịt 3.000 con, lợn 200 con"), kb)
    ready = [d for d in decisions if isinstance(d, Ready)]
    assert [(d.target.key, d.value) for d in ready] == [("1", Decimal(8000)), ("2", Decimal(200))]
    assert "gà 5.000 con" in ready[0].claim.source and "vịt 3.000 con" in ready[0].claim.source
