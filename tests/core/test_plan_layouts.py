"""Plan layouts met in communes other than the seeds': targets under group headings at any
depth, in tables with group rows, in every numbering scheme. Each document here is written for
these tests; each test names the targets it expects (name words, figure, unit)."""

from __future__ import annotations

from decimal import Decimal

from bot.core.plan import DeadlineKind, ParsedPlan, Qualifier, Target
from bot.core.plan_parser import parse_plan
from bot.core.text import fold


def _leaves(plan: ParsedPlan) -> list[Target]:
    """Targets that carry a figure: simple targets and the parts of compound ones."""
    return [t for t in plan.targets if t.value is not None]


def _find(plan: ParsedPlan, words: str) -> Target:
    hits = [t for t in plan.targets if fold(words) in fold(t.name)]
    assert hits, f"no target named like {words!r} in {[t.name for t in plan.targets]}"
    return hits[0]


def _has(plan: ParsedPlan, words: str, value: str, measure: str | None) -> Target:
    target = _find(plan, words)
    assert (target.value, target.measure) == (Decimal(value), measure), target
    return target


GROUPED_LETTERS = """ỦY BAN NHÂN DÂN XÃ HÒA TIẾN

KẾ HOẠCH
Thi đua hoàn thành nhiệm vụ năm 2026

I. MỤC ĐÍCH, YÊU CẦU
Động viên cán bộ và Nhân dân thi đua lao động sản xuất.

II. CÁC CHỈ TIÊU CHỦ YẾU
a) Về kinh tế
1. Tổng giá trị sản xuất tăng 8,5%;
2. Sản lượng lương thực có hạt đạt 3.400 tấn;
3. Trồng mới cây phân tán: 20.000 cây;
4. Thu ngân sách trên địa bàn 6,2 tỷ đồng.
b) Về văn hóa – xã hội
5. Tỷ lệ người dân tham gia bảo hiểm y tế đạt 95%;
6. Tỷ lệ hộ nghèo giảm còn 2,1%;
7. Giải quyết việc làm cho 250 lao động;
8. Có thêm 2 thôn đạt chuẩn văn hóa.
c) Về quốc phòng – an ninh
9. Hoàn thành 100% chỉ tiêu giao quân;
10. Giảm 10% số vụ vi phạm pháp luật.

III. TỔ CHỨC THỰC HIỆN
1. Văn phòng UBND xã theo dõi, tổng hợp kết quả, báo cáo sơ kết 6 tháng trước ngày 15/6/2026.
2. Các thôn đăng ký thi đua với UBND xã trước ngày 15/3/2026.
"""


def test_numbered_targets_under_letter_groups() -> None:
    plan = parse_plan(GROUPED_LETTERS)
    assert len(_leaves(plan)) == 10
    _has(plan, "Tổng giá trị sản xuất", "8.5", "%")
    _has(plan, "Sản lượng lương thực", "3400", "tấn")
    _has(plan, "cây phân tán", "20000", "cây")
    _has(plan, "Thu ngân sách", "6.2", "tỷ đồng")
    poverty = _has(plan, "hộ nghèo", "2.1", "%")
    assert poverty.qualifier is Qualifier.AT_MOST  # "giảm còn": a level, not a reduction
    _has(plan, "việc làm", "250", "lao động")
    _has(plan, "giao quân", "100", "%")
    # The groups are sections, not targets.
    assert not any(fold(t.name).startswith("ve kinh te") for t in plan.targets)
    groups = [s.title for s in plan.sections if s.path.startswith("II.")]
    assert [fold(g) for g in groups[:3]] == [
        "ve kinh te",
        "ve van hoa – xa hoi",
        "ve quoc phong – an ninh",
    ]
    assert {t.section_path for t in plan.targets} == {"II.a", "II.b", "II.c"}


DOTTED_GROUPS = """KẾ HOẠCH
Phát động phong trào thi đua năm 2026 của xã Tân Lập

I. MỤC TIÊU

1. Mục tiêu chung
Phấn đấu hoàn thành toàn diện nhiệm vụ phát triển kinh tế - xã hội năm 2026.

2. Mục tiêu cụ thể

2.1. Chỉ tiêu kinh tế:
2.1.1. Giá trị sản xuất nông nghiệp đạt 420 tỷ đồng
2.1.2. Diện tích gieo trồng cây hằng năm 1.250 ha
2.1.3. Đàn gia súc: trâu 450 con, bò 1.200 con, lợn 3.800 con
2.2. Chỉ tiêu xã hội:
2.2.1. Tỷ lệ trẻ em dưới 5 tuổi suy dinh dưỡng dưới 9%
2.2.2. Tỷ lệ dân số tham gia BHYT trên 93%
2.3. Chỉ tiêu môi trường:
2.3.1. Tỷ lệ hộ dân dùng nước hợp vệ sinh 98%

II. NHIỆM VỤ, GIẢI PHÁP
1. Đẩy mạnh chuyển đổi cơ cấu cây trồng, phấn đấu trồng 50 ha rau an toàn.
2. Tăng cường công tác tuyên truyền.
"""


def test_three_level_dotted_numbering_under_group_headings() -> None:
    plan = parse_plan(DOTTED_GROUPS)
    _has(plan, "nông nghiệp", "420", "tỷ đồng")
    _has(plan, "gieo trồng", "1250", "ha")
    livestock = [t for t in _leaves(plan) if t.measure == "con"]
    assert [(fold(t.name), t.value) for t in livestock] == [
        ("trau", Decimal(450)),
        ("bo", Decimal(1200)),
        ("lon", Decimal(3800)),
    ]
    malnutrition = _has(plan, "suy dinh dưỡng", "9", "%")
    assert malnutrition.qualifier is Qualifier.AT_MOST
    assert _has(plan, "BHYT", "93", "%").qualifier is Qualifier.MORE_THAN
    _has(plan, "nước hợp vệ sinh", "98", "%")
    assert len(_leaves(plan)) == 8
    # "phấn đấu trồng 50 ha" stands among the duties: offered, not taken.
    assert not any(t.value == 50 for t in plan.targets)
    assert any(c.value == 50 and c.measure == "ha" for c in plan.candidates)


ROMAN_TABLE = """KẾ HOẠCH
Thi đua năm 2026 của phường Nam Hà

I. MỤC ĐÍCH

Phát huy tinh thần đoàn kết.

II. CHỈ TIÊU THI ĐUA

| STT | Chỉ tiêu | Đơn vị tính | Thực hiện năm 2025 | Kế hoạch năm 2026 | Ghi chú |
| I | Chỉ tiêu kinh tế | | | | |
| 1 | Thu ngân sách nhà nước | Tỷ đồng | 11,2 | 12,5 | |
| 2 | Tổng mức bán lẻ hàng hóa | Tỷ đồng | 830 | 900 | Tăng 8% |
| II | Chỉ tiêu văn hóa - xã hội | | | | |
| 3 | Tỷ lệ hộ gia đình văn hóa | % | 92 | 94 | |
| 4 | Trồng cây xanh đô thị (cây) | | 300 | 450 | |
| 5 | Giải quyết việc làm | Người | 410 | 420 | |

III. TỔ CHỨC THỰC HIỆN

Các tổ dân phố gửi báo cáo tổng kết năm về UBND phường trước ngày 30/11/2026.
"""


def test_table_with_group_rows_prefers_the_plan_column() -> None:
    plan = parse_plan(ROMAN_TABLE)
    assert len(_leaves(plan)) == 5
    _has(plan, "Thu ngân sách", "12.5", "tỷ đồng")
    _has(plan, "bán lẻ", "900", "tỷ đồng")  # not the note "Tăng 8%", not last year's 830
    _has(plan, "gia đình văn hóa", "94", "%")
    trees = _has(plan, "Trồng cây xanh", "450", "cây")  # the unit stands in the name cell
    assert "(cây)" not in trees.name
    _has(plan, "việc làm", "420", "người")
    assert not any("kinh tế" in t.name for t in plan.targets)


def test_deadlines_the_plan_sets() -> None:
    plan = parse_plan(GROUPED_LETTERS)
    assert [(d.kind, d.day, d.month, d.year) for d in plan.deadlines] == [
        (DeadlineKind.SIX_MONTH, 15, 6, 2026),
        (DeadlineKind.REGISTRATION, 15, 3, 2026),
    ]
    assert plan.deadlines[0].section_path == "III.1"
    assert "trước ngày 15/6/2026" in plan.deadlines[0].source_text
    (year_end,) = parse_plan(ROMAN_TABLE).deadlines
    assert (year_end.kind, year_end.day, year_end.month) == (DeadlineKind.YEAR_END, 30, 11)


def test_two_deadlines_in_one_sentence_and_dates_in_words() -> None:
    text = (
        "KẾ HOẠCH\nThi đua năm 2026\n\nIII. TỔ CHỨC THỰC HIỆN\n"
        "1. Các thôn gửi báo cáo 6 tháng trước ngày 14/6 và báo cáo cả năm trước ngày 14/12.\n"
        "2. Hồ sơ đề nghị khen thưởng gửi về Văn phòng chậm nhất ngày 20 tháng 11 năm 2026.\n"
        "3. Các thôn họp dân vào ngày 5/2/2026 để phổ biến kế hoạch.\n"
    )
    plan = parse_plan(text)
    assert [(d.kind, d.day, d.month, d.year) for d in plan.deadlines] == [
        (DeadlineKind.SIX_MONTH, 14, 6, None),
        (DeadlineKind.YEAR_END, 14, 12, None),
        (DeadlineKind.DOSSIER, 20, 11, 2026),
    ]  # a meeting date is no deadline


MERGED_TABLE = """KẾ HOẠCH
Thi đua năm 2026 của xã Minh Khai

II. CHỈ TIÊU THI ĐUA NĂM 2026

| STT | Chỉ tiêu | | ĐVT | Kế hoạch 2026 |
| 1 | Chăn nuôi | Đàn trâu | con | 450 |
| | | Đàn bò | con | 1.200 |
| 2 | Trồng trọt | Lúa | tấn | 2.600 |
| | | Ngô | | 700 |
| 3 | Tỷ lệ hộ nghèo | | % | dưới 2 |

| STT | Chỉ tiêu | | ĐVT | Kế hoạch 2026 |
| 4 | Thu ngân sách | | Tr.đồng | 3.500 |

III. TỔ CHỨC THỰC HIỆN

Các thôn gửi báo cáo về UBND xã.
"""


def test_merged_name_cells_units_merged_down_and_a_table_continued() -> None:
    plan = parse_plan(MERGED_TABLE)
    assert [(t.name, t.value, t.measure) for t in _leaves(plan)] == [
        ("Chăn nuôi: Đàn trâu", Decimal(450), "con"),
        ("Chăn nuôi: Đàn bò", Decimal(1200), "con"),
        ("Trồng trọt: Lúa", Decimal(2600), "tấn"),
        ("Trồng trọt: Ngô", Decimal(700), "tấn"),  # the unit cell merged down
        ("Tỷ lệ hộ nghèo", Decimal(2), "%"),
        ("Thu ngân sách", Decimal(3500), "triệu đồng"),  # the header repeated on page 2
    ]
    assert _find(plan, "hộ nghèo").qualifier is Qualifier.AT_MOST


COLUMN_TABLE = """KẾ HOẠCH
Thi đua năm 2026

II. CHỈ TIÊU THI ĐUA
STT    Chỉ tiêu                      ĐVT      Kế hoạch 2026
I      Kinh tế
1      Thu ngân sách                 Tỷ đồng   36
2      Hộ kinh doanh mới             Hộ       90
II     Xã hội
3      Tỷ lệ tham gia BHYT           %        95,5
III. TỔ CHỨC THỰC HIỆN
Các tổ dân phố đăng ký thi đua trước ngày 15/3/2026.
"""


def test_a_table_kept_in_columns_by_spaces() -> None:
    plan = parse_plan(COLUMN_TABLE)
    assert [(t.name, t.value, t.measure) for t in _leaves(plan)] == [
        ("Thu ngân sách", Decimal(36), "tỷ đồng"),
        ("Hộ kinh doanh mới", Decimal(90), "hộ"),
        ("Tỷ lệ tham gia BHYT", Decimal("95.5"), "%"),
    ]
    assert {t.section_path for t in plan.targets} == {"II.I", "II.II"}


INLINE = """KẾ HOẠCH
Thi đua năm 2026

II. NỘI DUNG, CHỈ TIÊU THI ĐUA
Thi đua phát triển sản xuất. Phấn đấu đạt các chỉ tiêu sau: sản lượng lương thực 4.100 tấn; \
trồng mới 30.000 cây phân tán; tỷ lệ người dân tham gia BHYT 95%; thu ngân sách 4,2 tỷ đồng.

III. TỔ CHỨC THỰC HIỆN
Các thôn báo cáo kết quả.
"""


def test_targets_listed_inline_after_a_colon() -> None:
    plan = parse_plan(INLINE)
    assert [(t.value, t.measure) for t in _leaves(plan)] == [
        (Decimal(4100), "tấn"),
        (Decimal(30000), "cây"),
        (Decimal(95), "%"),
        (Decimal("4.2"), "tỷ đồng"),
    ]
    _has(plan, "sản lượng lương thực", "4100", "tấn")


HTML_TABLE = """# KẾ HOẠCH
## Thi đua năm 2026 của xã Hưng Long

## II. CHỈ TIÊU

<table>
<tr><th>Chỉ tiêu</th><th></th><th>Đơn vị tính</th><th>Kế hoạch năm 2026</th></tr>
<tr><td colspan="4"><b>I. Kinh tế</b></td></tr>
<tr><td>1</td><td>Thu ngân sách</td><td>tỷ đồng</td><td>12,5</td></tr>
<tr><td>2</td><td>Trồng cây phân tán</td><td>cây</td><td>8.000</td></tr>
<tr><td colspan="4"><b>II. Xã hội</b></td></tr>
<tr><td>3</td><td>Tỷ lệ hộ nghèo</td><td>%</td><td>giảm còn 1,2</td></tr>
</table>

## III. TỔ CHỨC THỰC HIỆN
Các thôn báo cáo kết quả.
"""


def test_html_table_whose_name_header_spans_the_number_column() -> None:
    plan = parse_plan(HTML_TABLE)
    assert [(t.key, t.name, t.value, t.measure) for t in _leaves(plan)] == [
        ("1", "Thu ngân sách", Decimal("12.5"), "tỷ đồng"),
        ("2", "Trồng cây phân tán", Decimal(8000), "cây"),
        ("3", "Tỷ lệ hộ nghèo", Decimal("1.2"), "%"),
    ]
    assert _find(plan, "hộ nghèo").qualifier is Qualifier.AT_MOST
    assert {t.section_path for t in plan.targets} == {"II.I", "II.II"}


def test_numbers_grouped_by_spaces_in_a_tab_leader_list() -> None:
    text = (
        "KẾ HOẠCH\nThi đua năm 2026\n\nIV. MỘT SỐ CHỈ TIÊU CỤ THỂ\n\n"
        "1. Sản lượng muối:\t3 400 tấn\n2. Trồng cây phân tán:\t58 000 cây\n"
        "3. Tỷ lệ tham gia BHYT:\t96,5%\n"
    )
    plan = parse_plan(text)
    assert [(t.name, t.value, t.measure) for t in _leaves(plan)] == [
        ("Sản lượng muối", Decimal(3400), "tấn"),
        ("Trồng cây phân tán", Decimal(58000), "cây"),
        ("Tỷ lệ tham gia BHYT", Decimal("96.5"), "%"),
    ]


# Two documents written last, in layouts not used above, to check the reader generalises.
DOC_A = """ỦY BAN NHÂN DÂN XÃ PHÚ THỊNH

Số: 45/KH-UBND

KẾ HOẠCH
Phát động phong trào thi đua năm 2026

Phần thứ nhất
MỤC ĐÍCH, YÊU CẦU
- Khơi dậy tinh thần tự lực, tự cường của cán bộ và Nhân dân trong xã.
Phần thứ hai
MỤC TIÊU CỤ THỂ
- Nhóm chỉ tiêu kinh tế:
+ Tổng giá trị sản xuất đạt 850 tỷ đồng;
+ Diện tích lúa chất lượng cao 320 ha;
+ Chăn nuôi: lợn 5.200 con, trâu bò 900 con;
- Về văn hóa, xã hội:
+ Tỷ lệ lao động qua đào tạo đạt 72%;
+ Tỷ lệ hộ nghèo giảm 0,5%;
+ Không để phát sinh hộ nghèo mới trong năm.
- Nhóm chỉ tiêu môi trường:
• Tỷ lệ chất thải rắn được thu gom, xử lý: 95%.
Phần thứ ba
TỔ CHỨC THỰC HIỆN
- Các thôn đăng ký thi đua với UBND xã trước ngày 10/3/2026.
- Hồ sơ đề nghị khen thưởng gửi Văn phòng chậm nhất ngày 25/11/2026.
- Phấn đấu có thêm 3 mô hình dân vận khéo trong năm.
"""

DOC_B = """| ỦY BAN NHÂN DÂN XÃ ĐỨC HÒA | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |
| Số: 88/BC-UBND | Đức Hòa, ngày 12 tháng 6 năm 2026 |

BÁO CÁO
Sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2026

I. KẾT QUẢ ĐẠT ĐƯỢC
1. Công tác chỉ đạo
Ủy ban nhân dân xã đã ban hành kế hoạch và tổ chức phát động phong trào thi đua năm 2026.
2. Kết quả thực hiện các chỉ tiêu
- Trồng được 12.500 cây phân tán, đạt 62% kế hoạch năm;
- Tỷ lệ tham gia BHYT đạt 91,2%, tăng 1,5% so với cùng kỳ.
II. PHƯƠNG HƯỚNG 6 THÁNG CUỐI NĂM
Tiếp tục đôn đốc các thôn hoàn thành các chỉ tiêu được giao.
"""


def test_parts_with_unnumbered_groups_and_plus_bullets() -> None:
    plan = parse_plan(DOC_A)
    assert [(t.name, t.value, t.measure) for t in _leaves(plan)] == [
        ("Tổng giá trị sản xuất", Decimal(850), "tỷ đồng"),
        ("Diện tích lúa chất lượng cao", Decimal(320), "ha"),
        ("Lợn", Decimal(5200), "con"),
        ("Trâu bò", Decimal(900), "con"),
        ("Tỷ lệ lao động qua đào tạo", Decimal(72), "%"),
        ("Tỷ lệ hộ nghèo", Decimal("0.5"), "%"),
        ("Tỷ lệ chất thải rắn được thu gom, xử lý", Decimal(95), "%"),
    ]
    assert _find(plan, "hộ nghèo").qualifier is Qualifier.REDUCE  # "giảm 0,5%": down by
    assert _find(plan, "phát sinh hộ nghèo").value is None  # a target without a figure
    assert {t.section_path for t in plan.targets} == {"P2"}
    assert [d.kind for d in plan.deadlines] == [DeadlineKind.REGISTRATION, DeadlineKind.DOSSIER]
    # The aim among the duties is offered, not taken.
    assert [(c.value, c.measure) for c in plan.candidates] == [(Decimal(3), "mô hình")]


def test_report_with_its_letterhead_in_a_table_stays_a_report() -> None:
    plan = parse_plan(DOC_B)
    assert plan.kind == "bao_cao"
    assert plan.number == "88/BC-UBND"
    assert plan.title.startswith("Báo cáo sơ kết")
    assert not plan.targets  # results are not targets
    assert not plan.candidates


def test_reports_are_told_from_plans_without_a_kind_line_of_their_own() -> None:
    one_line = (
        "UBND XÃ AN HÒA\n\nBÁO CÁO KẾT QUẢ CÔNG TÁC THI ĐUA 6 THÁNG ĐẦU NĂM 2026\n\n"
        "Thực hiện Kế hoạch số 12/KH-UBND, UBND xã báo cáo như sau:\nI. KẾT QUẢ\n"
        "Các thôn đã trồng 500 cây xanh.\n"
    )
    report = parse_plan(one_line)
    assert (report.kind, report.title) == (
        "bao_cao",
        "Báo cáo kết quả công tác thi đua 6 tháng đầu năm 2026",
    )
    untitled = (
        "Sơ kết công tác thi đua 6 tháng đầu năm 2026\n\n"
        "Thực hiện Kế hoạch số 12/KH-UBND ngày 03/01/2026, xã báo cáo như sau:\n"
        "I. KẾT QUẢ\nCác thôn đã trồng 500 cây xanh.\n"
    )
    assert parse_plan(untitled).kind == "bao_cao"
    plan = parse_plan("KẾ HOẠCH TỔ CHỨC THI ĐUA NĂM 2026\n\nI. CHỈ TIÊU\n1. Trồng 500 cây.\n")
    assert plan.kind == "ke_hoach"


def test_two_header_lines_under_a_merged_year_cell() -> None:
    for header in (
        "| TT | Chỉ tiêu | ĐVT | Năm 2026 | |\n| | | | Thực hiện 2025 | Kế hoạch |",
        "| TT | Chỉ tiêu | ĐVT | Năm 2026 |\n| Thực hiện 2025 | Kế hoạch |",  # span listed once
    ):
        text = (
            f"KẾ HOẠCH\nThi đua năm 2026\n\nII. CHỈ TIÊU\n\n{header}\n"
            "| 1 | Thu ngân sách | tỷ đồng | 11 | 12,5 |\n"
            "| 2 | Trồng cây phân tán | cây | 7.000 | 8.000 |\n\n"
            "III. TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo.\n"
        )
        assert [(t.name, t.value) for t in parse_plan(text).targets] == [
            ("Thu ngân sách", Decimal("12.5")),
            ("Trồng cây phân tán", Decimal(8000)),
        ], header


def test_table_cells_holding_several_figures_or_the_whole_target() -> None:
    text = (
        "KẾ HOẠCH\nThi đua năm 2026\n\nII. CHỈ TIÊU\n\n"
        "| STT | Chỉ tiêu | ĐVT | Kế hoạch 2026 |\n"
        "| 1 | Chăn nuôi | con | trâu 450; bò 1.200; lợn 3.800 |\n"
        "| 2 | Trồng cây phân tán: 20.000 cây | | |\n\n"
        "III. TỔ CHỨC THỰC HIỆN\nCác thôn báo cáo.\n"
    )
    assert [(t.name, t.value, t.measure) for t in _leaves(parse_plan(text))] == [
        ("Trâu", Decimal(450), "con"),
        ("Bò", Decimal(1200), "con"),
        ("Lợn", Decimal(3800), "con"),
        ("Trồng cây phân tán", Decimal(20000), "cây"),
    ]
