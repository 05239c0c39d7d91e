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
