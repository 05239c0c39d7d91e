"""Targets numbered "(1) …; (2) …" inside running paragraphs (a Party committee's
resolution): each marker opens one target, and the marker is never read as a figure."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.plan_parser import parse_plan


def _leaves(body: str) -> list[tuple[str, Decimal | None, str | None]]:
    text = (
        "NGHỊ QUYẾT\nVề nhiệm vụ năm 2026\n\nII. PHƯƠNG HƯỚNG, NHIỆM VỤ\n"
        "2. Các chỉ tiêu chủ yếu\n\n"
        + body
        + "\n\nIII. TỔ CHỨC THỰC HIỆN\nCác chi bộ quán triệt.\n"
    )
    return [(t.name, t.value, t.measure) for t in parse_plan(text).targets if t.value is not None]


EXPECTED = [
    ("Thu ngân sách trên địa bàn", Decimal("12.8"), "tỷ đồng"),
    ("Diện tích cây ăn quả cho thu hoạch", Decimal(640), "ha"),
    ("Tỷ lệ hộ nghèo", Decimal("3.5"), "%"),
    ("Kết nạp đảng viên mới", Decimal(28), "đảng viên"),
]


@pytest.mark.parametrize("sep", ["; ", ", ", ". ", " "])
def test_each_marker_opens_one_target(sep: str) -> None:
    body = (
        f"Về kinh tế: (1) thu ngân sách trên địa bàn đạt 12,8 tỷ đồng{sep}"
        "(2) diện tích cây ăn quả cho thu hoạch 640 ha.\n\n"
        f"Về xã hội: (3) tỷ lệ hộ nghèo dưới 3,5%{sep}(4) kết nạp 28 đảng viên mới."
    )
    got = _leaves(body)
    assert [(n, v) for n, v, _ in got] == [(n, v) for n, v, _ in EXPECTED], got
    assert all(v not in {Decimal(1), Decimal(2), Decimal(3), Decimal(4)} for _, v, _ in got)


def test_markers_without_a_lead_and_in_one_paragraph() -> None:
    body = (
        "(1) thu ngân sách trên địa bàn đạt 12,8 tỷ đồng; (2) diện tích cây ăn quả cho thu "
        "hoạch 640 ha; (3) tỷ lệ hộ nghèo dưới 3,5%; (4) kết nạp 28 đảng viên mới."
    )
    assert [(n, v) for n, v, _ in _leaves(body)] == [(n, v) for n, v, _ in EXPECTED]


def _bulleted(line: str) -> list[tuple[str, Decimal | None, str | None]]:
    text = f"KẾ HOẠCH\nThi đua năm học 2025 – 2026\n\nII. CHỈ TIÊU THI ĐUA\n\n{line}\n"
    return [(t.name, t.value, t.measure) for t in parse_plan(text).targets if t.value is not None]


@pytest.mark.parametrize("mark", ["*", "-", "+", "•"])
def test_two_named_targets_on_one_bulleted_line_are_two_targets(mark: str) -> None:
    line = f"{mark} Học sinh giỏi cấp tỉnh: 9 em; học sinh giỏi cấp trường: 85 em."
    assert _bulleted(line) == [
        ("Học sinh giỏi cấp tỉnh", Decimal(9), "học sinh"),
        ("Học sinh giỏi cấp trường", Decimal(85), "học sinh"),
    ]
    three = f"{mark} Trồng cây: 2.000 cây; đường bê tông: 1,5 km; nhà văn hóa: 2 nhà"
    assert [(n, v) for n, v, _ in _bulleted(three)] == [
        ("Trồng cây", Decimal(2000)),
        ("Đường bê tông", Decimal("1.5")),
        ("Nhà văn hóa", Decimal(2)),
    ]


def test_parts_of_one_target_after_its_colon_stay_one_target() -> None:
    text = (
        "KẾ HOẠCH\nThi đua năm 2026\n\nII. CHỈ TIÊU THI ĐUA\n\n"
        "- Tổng đàn gia súc: trâu 450 con; bò 1.200 con; lợn 3.800 con.\n"
    )
    targets = parse_plan(text).targets
    assert {t.number for t in targets} == {"1"}  # one target with its parts
    assert [(t.name, t.value) for t in targets if t.value is not None] == [
        ("Trâu", Decimal(450)),
        ("Bò", Decimal(1200)),
        ("Lợn", Decimal(3800)),
    ]
