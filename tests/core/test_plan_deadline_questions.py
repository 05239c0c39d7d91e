"""Questions about a date the plan itself sets are answered from the plan, quoting it."""

from __future__ import annotations

import pytest

from bot.core.answers import render_plan_deadlines
from bot.core.plan import DeadlineKind, PlanDeadline
from bot.core.plan_parser import parse_plan
from bot.core.questions import plan_deadlines_asked

PLAN = """KẾ HOẠCH
Phát động phong trào thi đua năm 2026

I. CHỈ TIÊU THI ĐUA
1. Trồng mới cây phân tán: 12.000 cây.

II. TỔ CHỨC THỰC HIỆN
1. Các thôn, tổ dân phố đăng ký thi đua về UBND xã trước ngày 20/3/2026.
2. Hồ sơ đề nghị khen thưởng tổng kết năm gửi Thường trực Hội đồng Thi đua - Khen thưởng
xã trước ngày 30 tháng 11 năm 2026.
"""


@pytest.fixture(scope="module")
def deadlines() -> tuple[PlanDeadline, ...]:
    return parse_plan(PLAN).deadlines


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("hạn nộp hồ sơ khen thưởng", DeadlineKind.DOSSIER),
        ("bao gio het han nop ho so khen thuong", DeadlineKind.DOSSIER),
        ("hồ sơ đề nghị khen thưởng gửi trước ngày nào?", DeadlineKind.DOSSIER),
        ("khi nào phải đăng ký thi đua", DeadlineKind.REGISTRATION),
        ("thoi han dang ky thi dua", DeadlineKind.REGISTRATION),
    ],
)
def test_a_date_the_plan_sets_is_found(
    deadlines: tuple[PlanDeadline, ...], question: str, kind: DeadlineKind
) -> None:
    [found] = plan_deadlines_asked(question, deadlines)
    assert found.kind is kind


@pytest.mark.parametrize(
    "question",
    ["ai thẩm định hồ sơ khen thưởng", "chỉ tiêu trồng cây là bao nhiêu", "đăng ký thi đua là gì"],
)
def test_a_question_that_asks_no_date_is_left_to_the_plan_s_text(
    deadlines: tuple[PlanDeadline, ...],
    question: str,
) -> None:
    assert plan_deadlines_asked(question, deadlines) == []


def test_the_answer_quotes_the_plan_and_gives_the_date(deadlines: tuple[PlanDeadline, ...]) -> None:
    found = plan_deadlines_asked("hạn nộp hồ sơ khen thưởng", deadlines)
    text = render_plan_deadlines(found, "Kế hoạch 5/KH-UBND", 2026)
    assert text.startswith("Theo Kế hoạch 5/KH-UBND, mục II.2:")
    assert "trước ngày 30 tháng 11 năm 2026" in text
    assert text.endswith("hạn <b>30/11/2026</b>.")
