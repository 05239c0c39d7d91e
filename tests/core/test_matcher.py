"""The knowledge base API: build once, ask, resolve a chosen button, match report fragments.

The sample plans here are written for the tests (a commune's 2026 plan), not taken from the
seed documents.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

import bot.core.matcher as matcher_module
from bot.core.matcher import KnowledgeBase
from bot.core.plan import ParsedPlan, Passage, Qualifier, Section, Target
from bot.core.questions import looks_like_question
from bot.core.synonyms import SynonymTable, tokenize


def _t(
    key: str,
    name: str,
    value: str | None,
    measure: str | None,
    *,
    parent: str | None = None,
    qualifier: Qualifier = Qualifier.EXACT,
    text_value: str | None = None,
    line: str = "",
) -> Target:
    number = key.split(".")[0]
    figure = Decimal(value) if value is not None else None
    source = line or f"{name}: {value or text_value or ''} {measure or ''}".strip()
    return Target(key, number, name, figure, measure, qualifier, "II.2", source, parent, text_value)


def sample_plan() -> ParsedPlan:
    """A commune plan with simple, compound and wordy targets, and duties in section III."""
    targets = (
        _t("1", "Tổng sản lượng lương thực có hạt", "3500", "tấn"),
        _t("1.1", "Thóc", "2900", "tấn", parent="1"),
        _t("2", "Trồng mới cây phân tán", "20000", "cây"),
        _t("3", "Phát triển chăn nuôi", None, None),
        _t("3.1", "Trâu, bò", "450", "con", parent="3"),
        _t("3.2", "Lợn", "4200", "con", parent="3"),
        _t("3.3", "Gia cầm", "90000", "con", parent="3"),
        _t("4", "Tỷ lệ người dân tham gia bảo hiểm y tế", "95", "%", qualifier=Qualifier.AT_LEAST),
        _t("5", "Số người tham gia bảo hiểm xã hội tự nguyện", "300", "người"),
        _t("6", "Giải quyết việc làm mới", "800", "người"),
        _t("7", "Tỷ lệ chất thải rắn sinh hoạt được thu gom", "90", "%"),
        _t("8", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "500", "giấy"),
        _t(
            "9",
            "Tốc độ tăng trưởng tổng giá trị sản phẩm",
            "8.5",
            "%",
            qualifier=Qualifier.ABOUT,
        ),
        _t("10", "Xã đạt chuẩn chính quyền thân thiện", None, None, text_value="vào năm 2027"),
    )
    passages = (
        Passage(
            "II.1",
            "Nội dung thi đua",
            "Đẩy mạnh chuyển đổi số trong cơ quan nhà nước; rà soát, công khai thủ tục hành "
            "chính trên cổng dịch vụ công; tiếp nhận hồ sơ trực tuyến tại bộ phận một cửa.",
            0,
        ),
        Passage(
            "III.1",
            "Tổ chức thực hiện",
            "Văn phòng HĐND và UBND xã theo dõi, đôn đốc việc thực hiện kế hoạch này; tổng hợp "
            "kết quả, báo cáo Chủ tịch UBND xã trước ngày 10 tháng 12.",
            1,
        ),
        Passage(
            "III.2",
            "Tổ chức thực hiện",
            "Công chức Nội vụ thẩm định hồ sơ đề nghị khen thưởng của các tập thể, cá nhân, "
            "trình Hội đồng Thi đua – Khen thưởng xã xem xét trước khi Chủ tịch UBND xã quyết "
            "định tặng Giấy khen.",
            2,
        ),
        Passage(
            "III.3",
            "Tổ chức thực hiện",
            "Trưởng thôn tổ chức phát động phong trào thi đua tại thôn, gửi báo cáo sơ kết 6 "
            "tháng về UBND xã trước ngày 14 tháng 6.",
            3,
        ),
    )
    sections = (
        Section("II.1", "Nội dung thi đua", 2),
        Section("II.2", "Chỉ tiêu thi đua", 2),
        Section("III", "Tổ chức thực hiện", 1),
    )
    return ParsedPlan(
        title="Kế hoạch phát động phong trào thi đua năm 2026",
        number="15/KH-UBND",
        issued_on=None,
        year=2026,
        kind="ke_hoach",
        sections=sections,
        targets=targets,
        passages=passages,
    )


def sample_kb(synonyms: SynonymTable | None = None) -> KnowledgeBase:
    return KnowledgeBase.build(
        sample_plan(),
        citation_label="Kế hoạch 15/KH-UBND",
        synonyms=synonyms or SynonymTable.builtin(),
    )


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return sample_kb()


def test_build_indexes_every_target_and_passage(kb: KnowledgeBase) -> None:
    assert kb.size == len(sample_plan().targets) + len(sample_plan().passages)


def test_a_plain_question_gets_the_target(kb: KnowledgeBase) -> None:
    answer = kb.ask("Chỉ tiêu trồng cây phân tán là bao nhiêu?")
    assert answer.kind == "target"
    assert answer.best is not None and answer.best.id == "t:2"
    assert answer.best.section_path == "II.2"
    assert answer.citation_label == "Kế hoạch 15/KH-UBND"
    assert 0 < answer.confidence <= 1


def test_a_sub_target_answer_knows_its_parent(kb: KnowledgeBase) -> None:
    answer = kb.ask("Đàn lợn phải đạt bao nhiêu con?")
    assert answer.kind == "target" and answer.best is not None
    assert answer.best.target is not None and answer.best.target.key == "3.2"
    assert answer.best.parent is not None and answer.best.parent.key == "3"


def test_a_compound_target_answer_lists_its_parts(kb: KnowledgeBase) -> None:
    answer = kb.ask("Chỉ tiêu phát triển chăn nuôi gồm những gì?")
    assert answer.kind == "target" and answer.best is not None
    assert answer.best.id == "t:3"
    assert [c.key for c in answer.best.children] == ["3.1", "3.2", "3.3"]


def test_a_duty_question_gets_the_passage_with_its_section(kb: KnowledgeBase) -> None:
    answer = kb.ask("Ai thẩm định hồ sơ khen thưởng?")
    assert answer.kind == "passage" and answer.best is not None
    assert answer.best.id == "p:2"
    assert answer.best.section_path == "III.2"
    assert answer.best.section_title == "Tổ chức thực hiện"
    assert "thẩm định hồ sơ" in answer.best.excerpt


def test_alternatives_are_other_answers_with_stable_ids(kb: KnowledgeBase) -> None:
    answer = kb.ask("ai theo dõi việc thực hiện kế hoạch")
    assert answer.best is not None and answer.best.id == "p:1"
    ids = [h.id for h in answer.alternatives]
    assert len(ids) <= 3
    assert answer.best.id not in ids
    assert len(set(ids)) == len(ids)
    assert all(i.startswith(("t:", "p:")) for i in ids)


def test_resolve_answers_a_chosen_button(kb: KnowledgeBase) -> None:
    target = kb.resolve("t:3.3")
    assert target is not None and target.kind == "target"
    assert target.best is not None and target.best.target is not None
    assert target.best.target.name == "Gia cầm"
    passage = kb.resolve("p:3")
    assert passage is not None and passage.kind == "passage"
    assert passage.best is not None and passage.best.section_path == "III.3"
    assert kb.resolve("t:99") is None
    assert kb.resolve("nonsense") is None


def test_questions_do_not_normalise_the_plan_again(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = tokenize

    def counting(text: str) -> list[str]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(matcher_module, "tokenize", counting)
    kb.ask("Ai thẩm định hồ sơ khen thưởng?")
    kb.match_targets("lợn")
    # One tokenization per question or fragment, none of the plan's text.
    assert calls == ["Ai thẩm định hồ sơ khen thưởng?", "lợn"]


def test_an_empty_plan_answers_nothing() -> None:
    empty = ParsedPlan("Kế hoạch", None, None, None, "ke_hoach")
    kb = KnowledgeBase.build(empty, citation_label="Kế hoạch", synonyms=SynonymTable.builtin())
    assert kb.size == 0
    assert kb.ask("Chỉ tiêu trồng cây là bao nhiêu?").kind == "none"
    assert kb.match_targets("lợn") == []
    assert kb.resolve("t:1") is None


def test_an_empty_or_wordless_question_gets_none(kb: KnowledgeBase) -> None:
    assert kb.ask("").kind == "none"
    assert kb.ask("??? !!!").kind == "none"
    assert kb.ask("là gì vậy?").kind == "none"


# ---------------------------------------------------------------- report fragments


def test_match_targets_ranks_sub_targets_for_a_fragment(kb: KnowledgeBase) -> None:
    matches = kb.match_targets("lon", measure_category="animals")
    assert matches[0].target.key == "3.2"
    assert matches[0].score >= 80
    assert all(m.target.key != "3.2" for m in matches[1:])
    assert all(matches[0].score - m.score >= 12 for m in matches[1:])


@pytest.mark.parametrize(
    ("fragment", "key"),
    [
        ("trồng được cây phân tán", "2"),
        ("BHYT", "4"),
        ("heo", "3.2"),
        ("gà vịt", "3.3"),
        ("thóc", "1.1"),
        ("cap so do", "8"),
        ("rác thải được thu gom", "7"),
    ],
)
def test_match_targets_understands_report_words(kb: KnowledgeBase, fragment: str, key: str) -> None:
    assert kb.match_targets(fragment)[0].target.key == key


def test_match_targets_prefers_the_unit_the_figure_is_in(kb: KnowledgeBase) -> None:
    # "tham gia bảo hiểm" fits both the BHYT rate and the BHXH head count: the unit decides.
    by_people = kb.match_targets("tham gia bảo hiểm", measure_category="people")
    by_rate = kb.match_targets("tham gia bảo hiểm", measure_category="rate")
    assert by_people[0].target.key == "5"
    assert by_rate[0].target.key == "4"


def test_match_targets_limits_and_scores(kb: KnowledgeBase) -> None:
    matches = kb.match_targets("tỷ lệ", limit=2)
    assert len(matches) <= 2
    assert all(0 <= m.score <= 100 for m in matches)
    assert kb.match_targets("") == []
    assert kb.match_targets("xyz qwv") == []


# ---------------------------------------------------------------- routing


@pytest.mark.parametrize(
    "text",
    [
        "Chỉ tiêu trồng cây là bao nhiêu?",
        "chi tieu trong cay la bao nhieu",
        "ai tham dinh ho so khen thuong",
        "Cho em hỏi hạn nộp báo cáo",
        "hạn nộp báo cáo khi nào",
        "đã nộp báo cáo chưa",
        "mấy con lợn",
        "1.600 người là chỉ tiêu gì",
        "chỉ tiêu BHYT",
        "mục III.4",
        "nhiệm vụ của phòng nội vụ",
        "bao hiem y te the nao",
    ],
)
def test_looks_like_question(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "trồng được 12.500 cây phân tán",
        "lon 2300 con, de 120 con",
        "BHYT đạt 97,5%",
        "thu ngan sach 2,15 ty",
        "Hội phụ nữ đã hoàn thành",
        "em gửi báo cáo ạ",
        "thôn Đông không đạt 3 tiêu chí",
        "",
    ],
)
def test_reports_do_not_look_like_questions(text: str) -> None:
    assert not looks_like_question(text)


@pytest.mark.parametrize(
    "text", ["chỉ tiêu việc làm năm 2025", "chi tieu bhyt 2025", "nhiem vu nam 2025"]
)
def test_a_year_does_not_turn_a_question_into_a_report(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize("text", ["BHYT 97% đã đạt chưa", "lợn 2.300 con có đạt không"])
def test_a_figure_with_a_closing_question_word_may_be_a_question(text: str) -> None:
    assert looks_like_question(text)


# --- bounds -----------------------------------------------------------------------------------


def test_a_question_over_the_limit_is_refused_with_a_message(kb: KnowledgeBase) -> None:
    with pytest.raises(matcher_module.QuestionTooLongError) as caught:
        kb.ask("bảo hiểm y tế " * 100)
    assert "1.000" in caught.value.message_vi


def test_a_long_word_builds_no_deletion_variants(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[int] = []
    real = matcher_module._deletions

    def counting(word: str) -> set[str]:
        out = real(word)
        made.append(len(out))
        return out

    monkeypatch.setattr(matcher_module, "_deletions", counting)
    answer = kb.ask("x" * 900)
    assert answer.kind == "none"
    assert made == []  # exact look-up only: the word is far longer than any syllable
    kb.ask("Ⅻ" * 300)  # folds to one 900-letter word
    assert made == []


def test_a_typo_in_a_syllable_is_still_mended(kb: KnowledgeBase) -> None:
    answer = kb.ask("chỉ tiêu trồng cây phân tánn bao nhiêu")
    assert answer.best is not None and answer.best.id == "t:2"
