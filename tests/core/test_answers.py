"""Vietnamese answer texts: figures in Vietnamese notation, where they stand, HTML-safe."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from bot.core.answers import (
    choice_buttons,
    format_figure,
    render_answer,
    render_choices,
    render_none,
    render_passage,
    render_target,
    target_label,
)
from bot.core.matcher import Answer, Hit, KnowledgeBase
from bot.core.plan import ParsedPlan, Passage, Qualifier, Target, section_label
from bot.core.synonyms import SynonymTable
from tests.core.test_matcher import sample_kb

LABEL = "Kế hoạch 21/KH-UBND"


def _target(**changes: object) -> Target:
    base = Target(
        key="10",
        number="10",
        name="Giải quyết việc làm trong năm",
        value=Decimal(1600),
        measure="người",
        qualifier=Qualifier.EXACT,
        section_path="II.2",
        source_text="(10) Giải quyết việc làm trong năm: 1.600 người;",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _hit(target: Target, **changes: object) -> Hit:
    hit = Hit(
        id=f"t:{target.key}",
        kind="target",
        score=0.9,
        section_path=target.section_path,
        section_title="Chỉ tiêu thi đua",
        target=target,
    )
    return replace(hit, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return sample_kb()


def test_target_answer_names_plan_section_number_and_figure() -> None:
    text = render_target(_hit(_target()), LABEL)
    assert text == (
        "Theo Kế hoạch 21/KH-UBND, mục II.2, chỉ tiêu (10): Giải quyết việc làm trong năm: "
        "<b>1.600 người</b>."
    )


@pytest.mark.parametrize(
    ("value", "measure", "qualifier", "expected"),
    [
        ("28603.61", "tỷ đồng", Qualifier.ABOUT, "khoảng 28.603,61 tỷ đồng"),
        ("9.48", "%", Qualifier.ABOUT, "khoảng 9,48%"),
        ("100", "%", Qualifier.AT_LEAST, "tối thiểu 100%"),
        ("85", "%", Qualifier.MORE_THAN, "trên 85%"),
        ("0.77", "%", Qualifier.REDUCE, "giảm 0,77%"),
        ("96", "%", Qualifier.EXACT, "96%"),
        ("60", "triệu đồng/người/năm", Qualifier.EXACT, "60 triệu đồng/người/năm"),
        ("6832510000", "đồng", Qualifier.EXACT, "6.832.510.000 đồng"),
        ("3", None, Qualifier.EXACT, "3"),
    ],
)
def test_figures_in_vietnamese_notation_with_qualifier(
    value: str, measure: str | None, qualifier: Qualifier, expected: str
) -> None:
    target = _target(value=Decimal(value), measure=measure, qualifier=qualifier)
    assert format_figure(target) == expected


def test_a_target_without_a_figure_says_its_wording() -> None:
    target = _target(
        key="19",
        number="19",
        name="Tiêu chí tai nạn giao thông",
        value=None,
        measure=None,
        qualifier=Qualifier.REDUCE,
        text_value="Giảm tai nạn giao thông cả 3 tiêu chí",
    )
    assert format_figure(target) == "Giảm tai nạn giao thông cả 3 tiêu chí"
    assert render_target(_hit(target), LABEL).endswith(
        "Tiêu chí tai nạn giao thông: <b>Giảm tai nạn giao thông cả 3 tiêu chí</b>."
    )


def test_a_target_whose_wording_is_its_name_is_said_once() -> None:
    target = _target(
        name="Huyện đạt chuẩn nông thôn mới",
        value=None,
        measure=None,
        text_value="Huyện đạt chuẩn Nông thôn mới",
    )
    text = render_target(_hit(target), LABEL)
    assert text.count("nông thôn mới") + text.count("Nông thôn mới") == 1


def test_a_compound_target_lists_its_parts(kb: KnowledgeBase) -> None:
    answer = kb.ask("Chỉ tiêu phát triển chăn nuôi gồm những gì?")
    text = render_answer(answer)
    assert "chỉ tiêu (3): Phát triển chăn nuôi, gồm:" in text
    assert "• Trâu, bò: <b>450 con</b>" in text
    assert "• Lợn: <b>4.200 con</b>" in text
    assert "• Gia cầm: <b>90.000 con</b>" in text


def test_a_compound_target_with_its_own_figure_keeps_it(kb: KnowledgeBase) -> None:
    answer = kb.ask("Tổng sản lượng lương thực có hạt là bao nhiêu tấn?")
    text = render_answer(answer)
    assert "Tổng sản lượng lương thực có hạt: <b>3.500 tấn</b>, trong đó:" in text
    assert "• Thóc: <b>2.900 tấn</b>" in text


def test_a_sub_target_says_which_line_it_belongs_to(kb: KnowledgeBase) -> None:
    text = render_answer(kb.ask("Đàn heo bao nhiêu con?"))
    assert text == (
        "Theo Kế hoạch 15/KH-UBND, mục II.2, chỉ tiêu (3) Phát triển chăn nuôi – Lợn: "
        "<b>4.200 con</b>."
    )


def test_a_passage_answer_quotes_it_with_its_section(kb: KnowledgeBase) -> None:
    text = render_answer(kb.ask("Ai thẩm định hồ sơ khen thưởng?"))
    assert text.startswith("Theo Kế hoạch 15/KH-UBND, mục III.2 (Tổ chức thực hiện):\n“")
    assert "Công chức Nội vụ thẩm định hồ sơ đề nghị khen thưởng" in text
    assert text.endswith("”")


def test_a_long_passage_is_trimmed_to_the_sentences_that_answer() -> None:
    filler = " ".join(f"Câu mở đầu số {i} nói về việc khác của xã." for i in range(40))
    text = filler + " Công chức văn hóa phụ trách tuyên truyền gương người tốt việc tốt. " + filler
    passage = Passage("III.5", "Tổ chức thực hiện", text, 0)
    plan = ParsedPlan("Kế hoạch", None, None, None, "ke_hoach", passages=(passage,))
    kb = KnowledgeBase.build(plan, citation_label=LABEL, synonyms=SynonymTable.builtin())
    answer = kb.ask("Ai phụ trách tuyên truyền gương người tốt việc tốt?")
    assert answer.kind == "passage" and answer.best is not None
    rendered = render_passage(answer.best, LABEL)
    assert "tuyên truyền gương người tốt việc tốt" in rendered
    assert len(rendered) < 800 < len(text)
    assert "…" in rendered


def test_text_is_html_escaped() -> None:
    target = _target(name="Tỷ lệ <đạt> & vượt", measure="%", value=Decimal(100))
    text = render_target(_hit(target), "Kế hoạch <số 1> & 2")
    assert "<đạt>" not in text and "&lt;đạt&gt; &amp; vượt" in text
    assert "Kế hoạch &lt;số 1&gt; &amp; 2" in text
    passage = Passage("III.1", "Tổ chức", "Phòng A & B phối hợp <ngay>.", 0)
    hit = Hit("p:0", "passage", 0.9, "III.1", "Tổ chức", passage=passage, excerpt=passage.text)
    assert "Phòng A &amp; B phối hợp &lt;ngay&gt;." in render_passage(hit, LABEL)


def test_none_says_so_plainly_and_points_to_chitieu(kb: KnowledgeBase) -> None:
    answer = kb.ask("Giá vàng hôm nay bao nhiêu?")
    text = render_answer(answer)
    assert text == render_none("Kế hoạch 15/KH-UBND")
    assert "không có nội dung trả lời" in text
    assert "/chitieu" in text


def test_choices_list_what_the_question_may_mean(kb: KnowledgeBase) -> None:
    answer = kb.ask("bảo hiểm")
    assert answer.kind == "choices"
    text = render_choices(answer)
    assert text.startswith("Câu hỏi có thể ứng với nhiều nội dung. Có phải anh/chị muốn hỏi:")
    assert "1. Chỉ tiêu (" in text
    buttons = choice_buttons(answer)
    assert [hit_id for _, hit_id in buttons] == [h.id for h in answer.alternatives]
    assert all(len(label) <= 64 for label, _ in buttons)
    assert render_answer(answer) == text


def test_labels_for_targets_and_sub_targets() -> None:
    parent = _target(key="5", number="5", name="Phát triển chăn nuôi", value=None)
    child = _target(key="5.2", number="5", name="Lợn", parent_key="5")
    assert target_label(child, parent) == "(5) Phát triển chăn nuôi – Lợn"
    assert target_label(_target(number="(10)")) == "(10) Giải quyết việc làm trong năm"


def test_render_answer_falls_back_to_none_without_a_hit() -> None:
    empty = Answer("target", "?", LABEL, 0.0)
    assert render_answer(empty) == render_none(LABEL)


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("II.2", "mục II.2"),
        ("P2.II", "phần thứ hai, mục II"),
        ("P1.II.1.1", "phần thứ nhất, mục II.1.1"),
        ("P2", "phần thứ hai"),
        ("", "phần mở đầu"),
        # The reader's own names for unnumbered groups and repeated numbers never show.
        ("B.II.n1", "mục B.II"),
        ("B.II.n1~2", "mục B.II"),
        ("II~2.1", "mục II.1"),
        ("n3", "nhóm chỉ tiêu"),
    ],
)
def test_places_in_the_plan_are_named_as_officers_name_them(path: str, label: str) -> None:
    assert section_label(path) == label
