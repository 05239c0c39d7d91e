"""The plan reader on the labelled corpus (tests/fixtures/corpus): floors per document.

Each document goes through the real pipeline (file bytes → ``extract_text`` → ``parse_plan``)
and is scored by :mod:`benchmarks.plan_scoring`, the module ``python -m benchmarks plans``
prints from. The kind (plan or report) must be right for every document; the target F1
and the progress messages saved right must not fall below the floors in :data:`FLOORS`.

The floors record what the reader achieved when the corpus was written; raise them as the
reader improves (``python -m benchmarks.plans --floors`` prints today's figures as this
table; the test's failure message lists missing and extra targets, deadlines not found and
messages not saved right).
"""

from __future__ import annotations

import functools
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from benchmarks.plan_scoring import (
    CORPUS_DIR,
    SEED_PLANS,
    CorpusDocument,
    DocumentScore,
    ExpectedDeadline,
    ExpectedTarget,
    deadline_found,
    load_corpus,
    match_targets,
    scorable_targets,
    score_document,
    seed_figures_matched,
)
from bot.core.measures import lookup_measure
from bot.core.plan import DeadlineKind, ParsedPlan, PlanDeadline, Qualifier, Target
from bot.core.plan_parser import parse_plan

# document id → (target F1 floor, progress messages saved right floor). Reports have no
# targets to score: only their kind is checked.
FLOORS: dict[str, tuple[float, int]] = {
    "c01_phuong_tan_lap_bang_nhom": (1.00, 5),
    "c02_xa_yen_binh_bang_th_kh": (1.00, 6),
    "c03_xa_thach_lam_dvt_trong_ten": (1.00, 5),
    "c04_phuong_bac_ha_gop_o": (1.00, 5),
    "c05_xa_dong_son_nhieu_bang": (1.00, 5),
    "c06_xa_phu_loc_bang_hai_trang": (1.00, 6),
    "c07_xa_hoa_phu_1_1_pdf": (1.00, 7),
    "c08_xa_son_thuy_ve_kinh_te": (1.00, 7),
    "c09_xa_son_thuy_ve_kinh_te_ocr": (1.00, 7),
    "c10_xa_tan_phuoc_md_gach": (1.00, 6),
    "c11_xa_nghia_hung_chi_tieu_so": (1.00, 5),
    "c12_xa_muong_lan_phan_thu_tu_dong": (1.00, 5),
    "c13_xa_vinh_quang_1_1_1": (1.00, 6),
    "c14_phuong_an_lac_cham_tron": (1.00, 5),
    "c15_xa_cam_thanh_a_cham": (1.00, 6),
    "c16_xa_ky_son_ocr_la_ma": (1.00, 5),
    "c17_xa_hoa_phu_bao_cao_so_ket": (0.00, 0),
    "c18_phuong_tan_lap_bao_cao_pdf": (0.00, 0),
    "c19_xa_dai_dong_cong_don": (1.00, 7),
    "c20_xa_an_thinh_bang_pdf": (1.00, 5),
    "c21_xa_pa_co_gach_cong": (1.00, 5),
    "c22_xa_hoa_phu_1_1_ocr": (1.00, 7),
    "c23_phuong_quang_trung_md_bang": (1.00, 5),
    "c24_xa_tien_phong_giao_thon": (1.00, 5),
    "c25_xa_thuan_an_doan_van": (1.00, 5),
    "c26_hdtdkt_phuong_dong_hai_bang_khong_stt": (1.00, 5),
    "c27_phuong_hoa_binh_bang_scan_ocr": (1.00, 5),
    "c28_xa_quynh_luu_xuong_dong_tab": (1.00, 5),
    "c29_xa_yen_binh_bao_cao_tong_ket": (0.00, 0),
    "c30_huyen_kim_son_2025_dau": (1.00, 4),
    "c31_xa_binh_minh_bang_khong_tieu_de": (1.00, 4),
    "c32_xa_hung_dao_md_bang_html": (1.00, 5),
    "c33_xa_tam_dan_1_ngoac_pdf": (1.00, 4),
    "c34_phuong_tan_an_bang_hai_cot": (1.00, 4),
    "c35_xa_thieu_giao_phan_a_b_la_ma": (1.00, 7),
    "c36_xa_phuoc_hoa_gach_cheo": (1.00, 6),
    "c37_xa_my_an_phan_dau_dat": (1.00, 6),
    "c38_phuong_an_khe_linh_vuc_so_sanh": (1.00, 6),
    "c39_xa_ea_tieu_dvt_ngoac_md": (1.00, 6),
    "c40_xa_cam_xuyen_bang_pdf_sang_trang": (1.00, 7),
    "c41_hnd_xa_nghi_loc_phan_dau": (0.91, 6),
    "c42_xa_tan_lien_nhom_danh_lai": (1.00, 6),
    "c43_xa_tan_lien_nhom_danh_lai_ocr": (1.00, 6),
    "c44_doan_xa_quang_phu_bao_cao_6_thang": (0.00, 0),
    "c45_xa_hai_xuan_bang_tang_giam": (1.00, 5),
    "c46_dang_uy_xa_nghia_dan_nghi_quyet": (1.00, 6),
    "c47_truong_thcs_thach_ban_ke_hoach": (0.90, 4),
    "c48_xa_dong_tien_giao_chi_tieu_thon_hang": (0.76, 3),
    "c49_phuong_thanh_son_phan_dau_dau_so_sanh": (1.00, 5),
    "c50_tram_y_te_xa_phu_my_scan_nang": (1.00, 4),
    "c51_xa_ia_grai_hai_cot_pdf": (1.00, 6),
    "c52_xa_vu_ban_chuyen_de_nong_thon_moi": (0.76, 4),
    "c53_xa_quang_thanh_phu_luc_chi_tieu": (1.00, 6),
    "c54_xa_cam_lo_bao_cao_bang_danh_gia": (0.00, 0),
}

# Held-out documents whose letterhead number the reader does not read yet (a mass
# organisation's "03-KH/HND", "27-BC/ĐTN"): only their date of issue is checked. Take an
# id out of this set once the reader gets its number right.
NUMBER_NOT_READ_YET: frozenset[str] = frozenset()  # "03-KH/HND" and "27-BC/ĐTN" are read now

# Units a careful reader labels that bot/core/measures.py has no name for yet ("tạ/ha"):
# the labels keep them (see corpus_blind.UNITS_NOT_YET_KNOWN); such targets count as missed.
UNITS_NOT_YET_KNOWN: frozenset[str] = frozenset()  # "tạ/ha" is a unit of its own now

CORPUS = load_corpus()


@functools.cache
def _score(document_id: str) -> DocumentScore:
    document = next(d for d in CORPUS if d.id == document_id)
    return score_document(document)


def _ids(document: CorpusDocument) -> str:
    return document.id


def test_the_corpus_is_labelled_as_the_floors_expect() -> None:
    assert sorted(FLOORS) == sorted(d.id for d in CORPUS)
    assert len(CORPUS) >= 20
    assert sum(d.held_out for d in CORPUS) == 5
    assert {d.kind for d in CORPUS} == {"ke_hoach", "bao_cao"}
    assert {d.format for d in CORPUS} >= {"docx", "pdf", "txt", "md", "ocr"}


@pytest.mark.parametrize("document", CORPUS, ids=_ids)
def test_labels_name_real_units_and_targets(document: CorpusDocument) -> None:
    assert document.path.is_file(), document.path
    names = {t.name for t in document.targets}
    for target in document.targets:
        if target.unit is not None and target.unit not in UNITS_NOT_YET_KNOWN:
            measure = lookup_measure(target.unit)
            assert measure is not None and measure.name == target.unit, target
    for message in document.messages:
        assert all(name in names for name, _ in message.expect), message
    if document.is_plan:
        assert document.targets and 4 <= len(document.messages) <= 8


@pytest.mark.parametrize("document", CORPUS, ids=_ids)
def test_the_kind_is_read_right(document: CorpusDocument) -> None:
    score = _score(document.id)
    assert score.error is None, score.error
    assert score.kind_found == document.kind, (
        f"{document.id}: đọc là {score.kind_found}, đúng ra là {document.kind}"
    )


@pytest.mark.parametrize("document", CORPUS, ids=_ids)
def test_the_number_and_date_of_issue_are_read_right(document: CorpusDocument) -> None:
    score = _score(document.id)
    number_right = score.number_right or document.id in NUMBER_NOT_READ_YET
    assert number_right and score.issued_on_right, f"{document.id}\n{score.diff()}"


@pytest.mark.parametrize("document", [d for d in CORPUS if d.is_plan], ids=_ids)
def test_targets_and_messages_stay_above_the_floor(document: CorpusDocument) -> None:
    f1_floor, messages_floor = FLOORS[document.id]
    score = _score(document.id)
    report = (
        f"{document.id} ({document.layout})\n"
        f"F1 {score.f1:.2f} (sàn {f1_floor:.2f}), chỉ tiêu khớp {score.matched}/"
        f"{score.expected_count}, đọc được {score.found_count}; tin nhắn ghi đúng "
        f"{score.messages_right}/{len(score.messages)} (sàn {messages_floor})\n{score.diff()}"
    )
    assert score.f1 >= f1_floor - 1e-9, report
    assert score.messages_right >= messages_floor, report


def test_a_six_month_report_is_not_taken_for_a_plan() -> None:
    reports = [d for d in CORPUS if d.kind == "bao_cao"]
    assert reports
    for document in reports:
        assert _score(document.id).kind_found == "bao_cao", document.id


def test_the_text_documents_are_what_the_generator_writes() -> None:
    """The committed .txt/.md files are reproducible from the generator's data."""
    sys.path.insert(0, str(CORPUS_DIR))
    try:
        import make_corpus  # type: ignore[import-not-found]
    finally:
        sys.path.remove(str(CORPUS_DIR))
    for build in make_corpus.BUILDERS:
        doc = build()
        if doc.fmt not in {"txt", "md", "ocr"}:
            continue
        written = Path(CORPUS_DIR / doc.filename).read_text(encoding="utf-8")
        assert written == make_corpus.render_text(doc), doc.filename


@pytest.mark.seeds
@pytest.mark.parametrize("name", sorted(SEED_PLANS))
def test_the_seed_plans_do_not_get_worse(seeds_dir: Path, name: str) -> None:
    """Seeds 001 and 002: every numbered target, and every figure with compounds split."""
    seed = SEED_PLANS[name]
    plan = parse_plan((seeds_dir / name).read_text(encoding="utf-8"), filename=name)
    matched, found, expected = seed_figures_matched(plan, seed)
    assert len(plan.top_level_targets()) == seed.numbered
    assert (matched, found) == (expected, expected), (matched, found, expected)


# ------------------------------------------------------------------ the scoring itself


def _found(
    key: str, name: str, value: str | None, measure: str | None, parent: str | None = None
) -> Target:
    figure = Decimal(value) if value is not None else None
    return Target(key, key, name, figure, measure, Qualifier.EXACT, "II.2", name, parent_key=parent)


def test_targets_pair_on_figure_unit_and_folded_name() -> None:
    expected = [
        ExpectedTarget("Trồng cây phân tán", Decimal("58000"), "cây"),
        ExpectedTarget("Lợn", Decimal("5500"), "con"),
        ExpectedTarget("Dê", Decimal("5500"), "con"),
        ExpectedTarget("Giữ vững xã đạt chuẩn nông thôn mới", None, None),
        ExpectedTarget("Tỷ lệ hộ nghèo", Decimal("1.2"), "%"),
        ExpectedTarget("Thu ngân sách", Decimal("6.3"), "tỷ đồng"),
    ]
    found = [
        _found("1", "Trong moi cay phan tan", "58000.00", "cây"),  # no diacritics, 58.000,00
        _found("2.1", "Dê", "5500", "con", "2"),
        _found("2.2", "Phát triển chăn nuôi: lợn", "5500", "con", "2"),
        _found("3", "Giữ vững xã đạt chuẩn nông thôn mới", None, None),
        _found("4", "Tỷ lệ hộ nghèo", "1.2", None),  # the unit was lost: not the target
        _found("5", "Chi thường xuyên", "6.3", "tỷ đồng"),  # same figure, another target
    ]
    matching = match_targets(expected, found)
    pairs = {exp.name: got.key for exp, got, _ in matching.pairs}
    assert pairs == {
        "Trồng cây phân tán": "1",
        "Lợn": "2.2",
        "Dê": "2.1",
        "Giữ vững xã đạt chuẩn nông thôn mới": "3",
    }
    assert [e.name for e in matching.missing] == ["Tỷ lệ hộ nghèo", "Thu ngân sách"]
    assert [t.key for t in matching.extra] == ["4", "5"]


def test_a_compound_parent_without_figure_is_not_counted_but_one_with_a_figure_is() -> None:
    plan = ParsedPlan(
        "Kế hoạch",
        None,
        None,
        2026,
        "ke_hoach",
        targets=(
            _found("1", "Phát triển chăn nuôi", None, "con"),
            _found("1.1", "Trâu", "450", "con", "1"),
            _found("2", "Tổng sản lượng lương thực", "2210", "tấn"),
            _found("2.1", "Thóc", "1790", "tấn", "2"),
            _found("3", "Không để xảy ra cháy rừng", None, None),
        ),
    )
    assert [t.key for t in scorable_targets(plan)] == ["1.1", "2", "2.1", "3"]


def test_deadline_years_agree_when_one_side_leaves_out_the_plans_year() -> None:
    def found(day: int, month: int, year: int | None) -> tuple[PlanDeadline, ...]:
        return (PlanDeadline(DeadlineKind.SIX_MONTH, day, month, year, "Sơ kết", "", "IV"),)

    wanted = ExpectedDeadline("six_month", 10, 6, 2026)
    assert deadline_found(wanted, found(10, 6, 2026), 2026)
    assert deadline_found(wanted, found(10, 6, None), 2026)
    assert not deadline_found(wanted, found(10, 6, 2025), 2026)
    assert not deadline_found(wanted, found(11, 6, 2026), 2026)
    no_year = ExpectedDeadline("six_month", 10, 6, None)
    assert deadline_found(no_year, found(10, 6, 2026), 2026)
    registration = ExpectedDeadline("registration", 10, 6, 2026)
    assert not deadline_found(registration, found(10, 6, 2026), 2026)
