"""Words that count people or works in a school's or a Party cell's plan ("14 đồng chí",
"9 em", "6 sáng kiến") are units of their own kind, never money ("đồng") or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.measures import lookup_measure
from bot.core.plan_parser import parse_plan


@pytest.mark.parametrize(
    ("word", "measure"),
    [
        ("đồng chí", "người"),
        ("đ/c", "người"),
        ("cá nhân", "người"),
        ("em", "học sinh"),
        ("sáng kiến", "sản phẩm"),
        ("đề tài", "sản phẩm"),
        ("đồng", "đồng"),
    ],
)
def test_the_word_names_its_measure(word: str, measure: str) -> None:
    found = lookup_measure(word)
    assert found is not None and found.name == measure


@pytest.mark.parametrize(
    ("line", "value", "measure"),
    [
        ("Giáo viên dạy giỏi cấp trường: 14 đồng chí.", 14, "người"),
        ("Kết nạp đảng viên mới: 12 đồng chí.", 12, "người"),
        ("Giáo viên dạy giỏi cấp huyện: 5 đ/c.", 5, "người"),
        ("Sáng kiến kinh nghiệm được công nhận: 6 sáng kiến.", 6, "sản phẩm"),
        ("Học sinh đạt giải cấp tỉnh: 9 em.", 9, "học sinh"),
        ("Quỹ khuyến học: 14.000.000 đồng.", 14_000_000, "đồng"),
    ],
)
def test_a_target_line_reads_the_figure_with_its_unit(line: str, value: int, measure: str) -> None:
    text = f"KẾ HOẠCH\nThi đua năm học 2025 – 2026\n\nII. CHỈ TIÊU THI ĐUA\n\n* {line}\n"
    targets = [t for t in parse_plan(text).targets if t.value is not None]
    assert [(t.value, t.measure) for t in targets] == [(Decimal(value), measure)]
    assert "đồng chí" not in targets[0].name
