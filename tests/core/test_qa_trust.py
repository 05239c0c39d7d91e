"""Replies that can be trusted (issue 13): each rule over a class of inputs, on plans built here.

* a duty question goes to the passage naming the office, preferably where duties are assigned;
* a figure is given only when the question is about that figure;
* who signed comes from the signature block, in any of the layouts extraction produces;
* a quote reaches what it announces, and is cut on clause boundaries;
* a mistyped "chỉ tiêu" is mended; a target number past the end says how many there are;
* quotes from an OCR'd plan are shown restored, the original kept.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.core.answers import render_answer
from bot.core.asking import asks_signer, duty_actor, mend_cue_typos
from bot.core.matcher import KnowledgeBase, clause_cut
from bot.core.plan import ParsedPlan, Passage, Qualifier, Section, Target
from bot.core.questions import looks_like_question
from bot.core.quotes import restore_quote
from bot.core.signature import Signer, find_signer
from bot.core.synonyms import SynonymTable

LABEL = "Kế hoạch 4/KH-UBND"


def _target(key: str, name: str, value: str, measure: str) -> Target:
    return Target(
        key, key, name, Decimal(value), measure, Qualifier.EXACT, "II", f"{name}: {value}"
    )


def _plan(passages: tuple[Passage, ...], *, sections: tuple[Section, ...] = ()) -> ParsedPlan:
    targets = (
        _target("1", "Thu ngân sách nhà nước trên địa bàn", "12", "tỷ đồng"),
        _target("2", "Tỷ lệ tham gia bảo hiểm y tế", "95", "%"),
        _target("3", "Đàn lợn", "3000", "con"),
        _target("4", "Trồng cây phân tán", "20000", "cây"),
        _target("5", "Giải quyết việc làm mới", "300", "người"),
    )
    return ParsedPlan(
        "Kế hoạch thi đua năm 2026",
        "4/KH-UBND",
        None,
        2026,
        "ke_hoach",
        sections=(
            Section("I", "Nội dung thi đua", 1),
            Section("II", "Chỉ tiêu thi đua", 1),
            Section("III", "Tổ chức thực hiện", 1),
            Section("III.1", "Công chức Văn hóa - Xã hội tuyên truyền …", 2),
            Section("III.2", "Công chức Tư pháp tổng hợp …", 2),
            *sections,
        ),
        targets=targets,
        passages=passages,
        issuer="UBND xã Yên Lạc",
    )


CLEAN = (
    Passage(
        "I",
        "Nội dung thi đua",
        "Thi đua phát triển văn hóa, thông tin cơ sở; công chức văn hóa phối hợp với các thôn "
        "tổ chức ngày hội đại đoàn kết.",
        0,
    ),
    Passage(
        "III.1",
        "Tổ chức thực hiện",
        "Công chức Văn hóa - Xã hội tuyên truyền phong trào thi đua trên loa truyền thanh, "
        "giới thiệu gương người tốt, việc tốt.",
        1,
    ),
    Passage(
        "III.2",
        "Tổ chức thực hiện",
        "Công chức Tư pháp tổng hợp kết quả thi đua của các thôn, gửi Chủ tịch UBND xã.",
        2,
    ),
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    signer = Signer("Lê Thị Mai", "Chủ tịch", "thay mặt Ủy ban nhân dân")
    return KnowledgeBase.build(
        _plan(CLEAN), citation_label=LABEL, synonyms=SynonymTable.builtin(), signer=signer
    )


# ---------------------------------------------------------------- duties


@pytest.mark.parametrize(
    ("question", "actor"),
    [
        ("Phòng Văn hóa và Thông tin có nhiệm vụ gì?", "Phòng Văn hóa và Thông tin"),
        ("công an xã làm gì", "công an xã"),
        ("trách nhiệm của UBND các thôn", "UBND các thôn"),
        ("nhiệm vụ của Phòng Nội vụ là gì?", "Phòng Nội vụ"),
        ("Hội Nông dân phụ trách những gì", "Hội Nông dân"),
        ("vai trò của Mặt trận Tổ quốc", "Mặt trận Tổ quốc"),
        ("người đứng đầu cơ quan có trách nhiệm gì trong thi đua?", "người đứng đầu cơ quan"),
        ("các thôn phải làm gì ạ", "các thôn"),
    ],
)
def test_the_office_of_a_duty_question_is_read(question: str, actor: str) -> None:
    assert duty_actor(question) == actor


@pytest.mark.parametrize(
    "question",
    ["nhiệm vụ năm 2026 là gì", "ai thẩm định hồ sơ?", "làm gì để đạt chỉ tiêu", "chỉ tiêu BHYT"],
)
def test_other_questions_name_no_office(question: str) -> None:
    assert duty_actor(question) is None


@pytest.mark.parametrize(
    ("question", "section"),
    [
        ("Công chức Văn hóa - Xã hội có nhiệm vụ gì?", "III.1"),
        ("cong chuc van hoa xa hoi lam gi", "III.1"),
        ("nhiệm vụ của công chức tư pháp", "III.2"),
        ("Công chức Tư pháp xã có nhiệm vụ gì?", "III.2"),  # named without its place
    ],
)
def test_a_duty_is_quoted_from_where_duties_are_assigned(
    kb: KnowledgeBase, question: str, section: str
) -> None:
    answer = kb.ask(question)
    assert answer.kind == "passage" and answer.best is not None, (question, answer.kind)
    assert answer.best.section_path == section
    assert answer.question == question


def test_an_office_the_plan_names_nowhere_is_not_given_someone_elses_duty(
    kb: KnowledgeBase,
) -> None:
    answer = kb.ask("Công an xã có nhiệm vụ gì?")
    assert answer.kind == "none"
    text = render_answer(answer)
    assert text.startswith(f"{LABEL} không giao nhiệm vụ riêng cho «Công an xã».")
    assert "• mục III.1: Công chức Văn hóa - Xã hội tuyên truyền …" in text
    assert "• mục III.2: Công chức Tư pháp tổng hợp …" in text


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(
    "question",
    [
        "ngân sách dành cho khen thưởng năm nay bao nhiêu?",
        "kinh phí khen thưởng là bao nhiêu",
        "ngan sach cho cong tac khen thuong bao nhieu",
    ],
)
def test_a_figure_is_not_given_for_another_figure(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert answer.kind == "none", (question, answer.kind)
    text = render_answer(answer)
    assert "12 tỷ" not in text
    assert text.startswith(f"{LABEL} không có chỉ tiêu nào về «")


def test_the_figure_asked_for_is_still_given(kb: KnowledgeBase) -> None:
    answer = kb.ask("thu ngân sách bao nhiêu?")
    assert answer.kind == "target" and answer.best is not None and answer.best.target is not None
    assert answer.best.target.key == "1"


def test_a_target_asked_for_that_the_plan_lacks_is_not_a_passage(kb: KnowledgeBase) -> None:
    answer = kb.ask("chỉ tiêu đàn bò")
    assert answer.kind in ("none", "choices")
    assert all(h.kind == "target" for h in answer.alternatives)


# ---------------------------------------------------------------- the signer


@pytest.mark.parametrize(
    "question",
    [
        "ai ký kế hoạch?",
        "người ký là ai",
        "người ký kế hoạch",
        "kế hoạch do ai ký",
        "ai ki ke hoach",
        "chữ ký của ai",
    ],
)
def test_who_signed_is_answered_from_the_signature(kb: KnowledgeBase, question: str) -> None:
    assert asks_signer(question)
    answer = kb.ask(question)
    assert answer.kind == "about"
    assert answer.about == (
        f"Người ký {LABEL}: Lê Thị Mai, Chủ tịch (thay mặt Ủy ban nhân dân). "
        "Cơ quan ban hành: UBND xã Yên Lạc."
    )


@pytest.mark.parametrize(
    "question",
    [
        "kỳ báo cáo này ai tổng hợp?",
        "ai kiểm tra kỹ hồ sơ",
        "ai ban hành kế hoạch",
        "ai ký xác nhận hồ sơ khen thưởng?",  # a duty, not the plan's signature
    ],
)
def test_a_period_or_care_is_no_signature(question: str) -> None:
    assert not asks_signer(question)


def test_the_issuer_question_names_the_signer_too(kb: KnowledgeBase) -> None:
    answer = kb.ask("ai ban hành kế hoạch?")
    assert answer.kind == "about"
    assert answer.about.endswith("Người ký: Lê Thị Mai, Chủ tịch (thay mặt Ủy ban nhân dân).")


def test_without_a_signature_the_bot_says_it_does_not_know() -> None:
    kb = KnowledgeBase.build(_plan(CLEAN), citation_label=LABEL, synonyms=SynonymTable.builtin())
    answer = kb.ask("ai ký kế hoạch")
    assert answer.kind == "about"
    assert "không có phần chữ ký đọc được" in answer.about


RECIPIENTS = "Nơi nhận:\n- Thường trực Đảng ủy;\n- Chủ tịch, các Phó Chủ tịch UBND xã;\n- Lưu: VT."


@pytest.mark.parametrize(
    ("tail", "signer"),
    [
        (  # lines, as typed
            f"{RECIPIENTS}\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn Văn An",
            Signer("Nguyễn Văn An", "Chủ tịch", "thay mặt Ủy ban nhân dân"),
        ),
        (  # Markdown bold
            f"{RECIPIENTS}\n\n**TM. ỦY BAN NHÂN DÂN**\n\n**CHỦ TỊCH**\n\n**Trần Thị Bích**",
            Signer("Trần Thị Bích", "Chủ tịch", "thay mặt Ủy ban nhân dân"),
        ),
        (  # a Word table row: recipients | signature
            "| Nơi nhận: - Như trên; - Lưu: VT. "
            "| TM. ỦY BAN NHÂN DÂN CHỦ TỊCH (Đã ký) Lò Văn Pín |",
            Signer("Lò Văn Pín", "Chủ tịch", "thay mặt Ủy ban nhân dân"),
        ),
        (  # two PDF columns on the same lines
            "Nơi nhận: TM. ỦY BAN NHÂN DÂN\n- Thường trực Đảng ủy; CHỦ TỊCH\n- Lưu: VT. (Đã ký)\n"
            "Hà Văn Khánh",
            Signer("Hà Văn Khánh", "Chủ tịch", "thay mặt Ủy ban nhân dân"),
        ),
        (  # signing for the chair, name in capitals
            f"{RECIPIENTS}\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nĐINH CÔNG TRÁNG",
            Signer("Đinh Công Tráng", "Phó Chủ tịch", "ký thay Chủ tịch"),
        ),
        (  # OCR without marks
            f"{RECIPIENTS}\nTM. UY BAN NHAN DAN\nCHU TICH\nVu Van Hai",
            Signer("Vu Van Hai", "Chủ tịch", "thay mặt Ủy ban nhân dân"),
        ),
        (  # the post lost by the scan
            f"{RECIPIENTS}\nTM. UY BAN NHAN DAN\n\nNguyen Van Tam",
            Signer("Nguyen Van Tam", "", "thay mặt Ủy ban nhân dân"),
        ),
        (  # the name at the end of a recipients' line, far below the post
            "Noi nhan: CHU TICH\n- So Noi vu;\n- Ban TDKT;\n- TT. HDND xa;\n- Chu tich UBND;\n"
            "- UB MTTQ xa;\n- Hoi dong TDKT;\n- Cac co quan;\n- Cac thon; Dao Van Son\n- Luu: VT.",
            Signer("Dao Van Son", "Chủ tịch"),
        ),
    ],
)
def test_the_signature_block_is_read_in_every_layout(tail: str, signer: Signer) -> None:
    assert find_signer("KẾ HOẠCH\n\nNội dung kế hoạch.\n\n" + tail) == signer


@pytest.mark.parametrize(
    "text",
    [
        "Nội dung không có chữ ký.",
        f"{RECIPIENTS}\nCHỦ TỊCH\n(Đã ký)",  # a post without a name
        "Chủ tịch UBND xã chỉ đạo các thôn thực hiện.\nTrang 2",  # a post in a sentence
    ],
)
def test_no_signer_is_made_up(text: str) -> None:
    assert find_signer(text) is None


# ---------------------------------------------------------------- quotes


THEME = (
    "Căn cứ nghị quyết của Hội đồng nhân dân xã về nhiệm vụ năm 2026, căn cứ chương trình công "
    "tác của Ủy ban nhân dân xã, căn cứ kết quả bình xét thi đua năm 2025 của các thôn, cơ quan, "
    "trường học và các đoàn thể, sau khi lấy ý kiến của Mặt trận Tổ quốc và các đoàn thể chính "
    "trị - xã hội, Ủy ban nhân dân xã ban hành kế hoạch phát động phong trào thi đua năm 2026 "
    "trên toàn địa bàn xã, tới từng thôn, từng hộ gia đình, từng cơ quan, trường học, với chủ "
    "đề: “Đoàn kết, kỷ cương. Chủ động, sáng tạo. Về đích sớm nông thôn mới kiểu mẫu”. "
    "Các thôn tổ chức phát động trong tháng 3. Kết quả được sơ kết vào tháng 6 và tổng kết vào "
    "tháng 12, gắn với bình xét danh hiệu thi đua của từng thôn và từng hộ gia đình."
)


@pytest.mark.parametrize("question", ["chủ đề năm 2026 là gì", "chu de thi dua nam nay"])
def test_a_quote_goes_on_to_what_it_announces(question: str) -> None:
    plan = _plan((Passage("", "", THEME, 0), *CLEAN))
    kb = KnowledgeBase.build(plan, citation_label=LABEL, synonyms=SynonymTable.builtin())
    answer = kb.ask(question)
    assert answer.kind == "passage" and answer.best is not None
    assert "Về đích sớm nông thôn mới kiểu mẫu”" in answer.best.excerpt


@pytest.mark.parametrize(
    ("limit", "ends"), [(60, " ,;."), (120, ",;."), (200, ",;."), (400, ",;.")]
)
def test_quotes_are_cut_at_a_clause_end(limit: int, ends: str) -> None:
    """At a clause end when one is in reach (past half the limit), else at a word."""
    cut = clause_cut(THEME, limit)
    assert len(cut) <= limit + 1
    body = cut.removesuffix(" …").removesuffix("…")
    assert THEME.startswith(body) and body != THEME
    assert THEME[len(body)] in ends, cut


# ---------------------------------------------------------------- typos and numbers


@pytest.mark.parametrize(
    ("typed", "mended"),
    [
        ("chỉ tiu bhyt", "chỉ tiêu bhyt"),
        ("chi teu lon", "chỉ tiêu lon"),
        ("chitieu bhyt", "chỉ tiêu bhyt"),
        ("ch tieu cay xanh", "chỉ tiêu cay xanh"),
        ("CHI TIU BHYT", "chỉ tiêu BHYT"),
        ("chi tiết kế hoạch", "chi tiết kế hoạch"),  # a word of its own
        ("chi tiền thưởng", "chi tiền thưởng"),
        ("chỉ tiêu lợn", "chỉ tiêu lợn"),
    ],
)
def test_a_mistyped_chi_tieu_is_mended(typed: str, mended: str) -> None:
    assert mend_cue_typos(typed) == mended


@pytest.mark.parametrize(
    ("question", "key"),
    [("chỉ tiu bhyt", "2"), ("chi teu lon", "3"), ("chitieu cay phan tan", "4")],
)
def test_a_mistyped_question_finds_its_target(kb: KnowledgeBase, question: str, key: str) -> None:
    assert looks_like_question(question)
    answer = kb.ask(question)
    assert answer.kind == "target" and answer.best is not None and answer.best.target is not None
    assert answer.best.target.key == key
    assert answer.question == question  # what was typed, not the mended text


@pytest.mark.parametrize("question", ["chỉ tiêu số 9", "chi tieu so 20", "chỉ tiêu (6) là gì"])
def test_a_number_past_the_last_target_says_how_many_there_are(
    kb: KnowledgeBase, question: str
) -> None:
    answer = kb.ask(question)
    assert answer.kind == "none"
    assert "kế hoạch có 5 chỉ tiêu, đánh số (1) đến (5)" in render_answer(answer)


# ---------------------------------------------------------------- OCR


OCR_PASSAGES = (
    Passage(
        "III",
        "To chuc thuc hien",
        "Thuong truc HDTDKT X&, ¢6 trach nhiém trién khai va thuc hién c6 hiéu qua ke hoach nay.",
        0,
    ),
    Passage("III", "To chuc thuc hien", "Cac thon thudng xuyén tuyén truyén, van dong.", 1),
)


def test_quotes_from_an_ocr_plan_are_restored_and_the_original_kept() -> None:
    kb = KnowledgeBase.build(
        _plan(OCR_PASSAGES), citation_label=LABEL, synonyms=SynonymTable.builtin()
    )
    assert kb.ocr
    answer = kb.ask("thường trực hội đồng thi đua khen thưởng có trách nhiệm gì")
    assert answer.kind == "passage" and answer.best is not None
    assert answer.best.excerpt.startswith("Thường trực HĐTĐKT xã, có trách nhiệm triển khai")
    assert answer.best.original.startswith("Thuong truc HDTDKT X&, ¢6 trach nhiém")
    assert answer.best.section_title == "Tổ chức thực hiện"
    text = render_answer(answer)
    assert "Thường trực HĐTĐKT xã" in text and "bản scan" in text
    # A clean plan is quoted byte for byte, without the note.
    clean = KnowledgeBase.build(_plan(CLEAN), citation_label=LABEL, synonyms=SynonymTable.builtin())
    assert not clean.ocr


def test_restoring_a_quote_leaves_clean_text_alone() -> None:
    text = "Công chức Văn hóa - Xã hội có trách nhiệm tuyên truyền."
    assert restore_quote(text) == text


# ---------------------------------------------------------------- ambiguity


def _named_plan(*names: str) -> KnowledgeBase:
    others = ("Trồng cây phân tán", "Giải quyết việc làm mới", "Tỷ lệ tham gia bảo hiểm y tế")
    targets = tuple(_target(str(i), name, "10", "%") for i, name in enumerate((*names, *others), 1))
    plan = ParsedPlan("Kế hoạch", None, None, 2026, "ke_hoach", targets=targets)
    return KnowledgeBase.build(plan, citation_label=LABEL, synonyms=SynonymTable.builtin())


@pytest.mark.parametrize(
    ("names", "question", "expected"),
    [
        (("Thôn văn hóa", "Hộ gia đình văn hóa", "Tỷ lệ hộ nghèo"), "chỉ tiêu văn hóa", None),
        (("Thôn văn hóa", "Hộ gia đình văn hóa", "Tỷ lệ hộ nghèo"), "chỉ tiêu thôn văn hóa", "1"),
        (("Đàn lợn", "Đàn bò", "Đàn lợn nái"), "chỉ tiêu đàn lợn", "1"),  # named in full
        (("Tỷ lệ hộ dùng nước sạch", "Thu ngân sách nhà nước"), "chỉ tiêu nước sạch", "1"),
    ],
)
def test_a_question_that_does_not_say_which_target_is_asked_back(
    names: tuple[str, ...], question: str, expected: str | None
) -> None:
    answer = _named_plan(*names).ask(question)
    if expected is None:
        assert answer.kind == "choices", (question, answer.kind)
        assert {h.id for h in answer.alternatives} >= {"t:1", "t:2"}
    else:
        assert answer.kind == "target" and answer.best is not None, (question, answer.kind)
        assert answer.best.id == f"t:{expected}"


@pytest.mark.parametrize(
    "question", ["chỉ tiêu bhty", "chi tieu BH YT", "chỉ tiêu bhytt", "BHYT bao nhiêu"]
)
def test_a_mistyped_abbreviation_is_mended(kb: KnowledgeBase, question: str) -> None:
    answer = kb.ask(question)
    assert answer.kind == "target" and answer.best is not None, (question, answer.kind)
    assert answer.best.id == "t:2"


def _dotted_plan() -> KnowledgeBase:
    targets = (
        _target("1.1", "Sản lượng lương thực", "5000", "tấn"),
        _target("1.2", "Trồng cây phân tán", "30000", "cây"),
        _target("2.1", "Tỷ lệ tham gia bảo hiểm y tế", "95", "%"),
    )
    plan = ParsedPlan("Kế hoạch", None, None, 2026, "ke_hoach", targets=targets)
    return KnowledgeBase.build(plan, citation_label=LABEL, synonyms=SynonymTable.builtin())


def test_targets_numbered_by_group_are_found_by_their_numbers() -> None:
    kb = _dotted_plan()
    exact = kb.ask("chỉ tiêu 1.2")
    assert exact.kind == "target" and exact.best is not None and exact.best.id == "t:1.2"
    group = kb.ask("chỉ tiêu số 1")  # the group: which of its targets?
    assert group.kind == "choices"
    assert [h.id for h in group.alternatives] == ["t:1.1", "t:1.2"]
    missing = kb.ask("chỉ tiêu số 7")
    assert missing.kind == "none" and missing.settled
    assert "kế hoạch có 3 chỉ tiêu, đánh số (1.1) đến (2.1)" in render_answer(missing)
    figure = kb.ask("chỉ tiêu 2.5 tấn thóc")  # a figure, not a target number
    assert not figure.settled


def test_a_figure_question_nearest_a_passage_is_refused_plainly() -> None:
    passages = (
        Passage("I", "Nội dung thi đua", "Khen thưởng kịp thời các tập thể có thành tích.", 0),
        Passage("III.1", "Tổ chức thực hiện", "Các thôn dành kinh phí cho phong trào.", 1),
    )
    kb = KnowledgeBase.build(_plan(passages), citation_label=LABEL, synonyms=SynonymTable.builtin())
    for question in ("kinh phí khen thưởng bao nhiêu?", "phong trào được dành bao nhiêu tiền"):
        answer = kb.ask(question)  # never a crash, never a figure from elsewhere
        assert answer.kind in ("none", "choices", "passage"), question
        assert "12 tỷ" not in render_answer(answer)
