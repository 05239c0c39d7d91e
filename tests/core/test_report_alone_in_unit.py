"""A report naming one target loosely, in the unit that target alone is counted in, and far
ahead of every other target, is saved; a close rival or another unit still asks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.matcher import KnowledgeBase
from bot.core.plan_parser import parse_plan
from bot.core.report_parser import parse_report
from bot.core.synonyms import SynonymTable
from bot.reporting import PickTarget, Ready, decide

PLAN = """KẾ HOẠCH
Thi đua phát triển kinh tế – xã hội năm 2026

II. CHỈ TIÊU
1. Tổng diện tích gieo trồng lúa cả năm: 1.850 ha;
2. Năng suất lúa bình quân cả năm: 62 tạ/ha;
3. Sản lượng lương thực có hạt: 11.400 tấn;
4. Diện tích cây vụ đông: 320 ha;
5. Số lao động đi làm việc ở nước ngoài: 75 người;
6. Năng suất lúa vụ chiêm: 64 tạ/ha;
7. Năng suất lúa vụ mùa: 58 tạ/ha;
8. Tỷ lệ hộ nghèo còn 2,1%;
9. Tỷ lệ hộ cận nghèo còn 3,5%.
"""


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.build(
        parse_plan(PLAN), citation_label="Kế hoạch", synonyms=SynonymTable.builtin()
    )


@pytest.mark.parametrize(
    ("message", "key", "value"),
    [
        ("lúa đã xuống giống được 1.700 ha", "1", Decimal(1700)),
        ("lua xuong giong 1.650 ha", "1", Decimal(1650)),
        ("vu dong trong duoc 210 ha", "4", Decimal(210)),
        ("cây vụ đông đã trồng 250 ha", "4", Decimal(250)),
        ("xkld 40 nguoi", "5", Decimal(40)),
        ("XKLĐ được 52 người", "5", Decimal(52)),
    ],
)
def test_a_target_alone_in_the_message_unit_is_saved(
    kb: KnowledgeBase, message: str, key: str, value: Decimal
) -> None:
    [decision] = decide(parse_report(message), kb)
    assert isinstance(decision, Ready), decision
    assert (decision.target.key, decision.value) == (key, value)


@pytest.mark.parametrize(
    "message",
    [
        "năng suất lúa đạt 60 tạ/ha",  # three yields in tạ/ha: which one?
        "nang suat lua 59 ta/ha",
    ],
)
def test_siblings_in_the_same_unit_are_still_asked_about(kb: KnowledgeBase, message: str) -> None:
    [decision] = decide(parse_report(message), kb)
    assert isinstance(decision, PickTarget)
    assert len(decision.candidates) >= 2


def test_a_name_in_another_unit_is_not_taken() -> None:
    plan = parse_plan(
        "KẾ HOẠCH\nII. CHỈ TIÊU\n1. Sản lượng lúa: 7.000 tấn;\n"
        "2. Diện tích trồng rừng: 40 ha;\n3. Diện tích lúa chất lượng cao: 300 ha.\n"
    )
    kb = KnowledgeBase.build(plan, citation_label="Kế hoạch", synonyms=SynonymTable.builtin())
    decisions = decide(parse_report("sản lượng lúa 120 ha"), kb)
    # "sản lượng lúa" names a harvest in tấn: a figure in ha is never saved to it.
    assert not any(isinstance(d, Ready) and d.target.key == "1" for d in decisions)


SIBLINGS = """KẾ HOẠCH
Thi đua năm 2026

II. CHỈ TIÊU
1. Năng suất lúa vụ chiêm: 64 tạ/ha;
2. Năng suất lúa vụ mùa: 58 tạ/ha;
3. Sản lượng lúa vụ đông xuân: 8.200 tấn; sản lượng lúa vụ hè thu: 6.100 tấn;
4. Diện tích lúa vụ chiêm: 900 ha; diện tích lúa vụ mùa: 850 ha;
5. Tổng đàn gia súc: trâu 450 con, bò 1.200 con, lợn 3.800 con;
6. Số người đi xuất khẩu lao động: 60 người; giải quyết việc làm mới: 300 lao động;
7. Tập huấn chuyển giao khoa học kỹ thuật cho 900 lượt hội viên; mở 12 lớp dạy nghề.
"""


@pytest.fixture(scope="module")
def siblings() -> KnowledgeBase:
    return KnowledgeBase.build(
        parse_plan(SIBLINGS), citation_label="Kế hoạch", synonyms=SynonymTable.builtin()
    )


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("năng suất lúa vụ chiêm đạt 61 tạ/ha", "1"),
        ("nang suat lua vu mua 57 ta/ha", "2"),
        ("san luong lua vu dong xuan 7.900 tan", "3.1"),
        ("sản lượng lúa hè thu 5.000 tấn", "3.2"),
        ("diện tích lúa vụ mùa 800 ha", "4.2"),
        ("lúa vụ chiêm 880 ha", "4.1"),
        ("Đàn bò 265 con", "5.2"),
        ("xkld 55 nguoi", "6.1"),
        # The line's other part counts classes: a figure in "lượt" is the attendance part.
        ("tap huan cho 380 luot hoi vien", "7.1"),
    ],
)
def test_the_word_telling_siblings_apart_picks_one(
    siblings: KnowledgeBase, message: str, key: str
) -> None:
    [decision] = decide(parse_report(message), siblings)
    assert isinstance(decision, Ready), decision
    assert decision.target.key == key


@pytest.mark.parametrize(
    ("message", "keys"),
    [
        ("năng suất lúa 60 tạ/ha", {"1", "2"}),
        ("sản lượng lúa 9.000 tấn", {"3.1", "3.2"}),
        ("diện tích lúa 1.700 ha", {"4.1", "4.2"}),
    ],
)
def test_without_that_word_the_siblings_are_offered(
    siblings: KnowledgeBase, message: str, keys: set[str]
) -> None:
    [decision] = decide(parse_report(message), siblings)
    assert isinstance(decision, PickTarget)
    assert {t.key for t in decision.candidates} == keys
