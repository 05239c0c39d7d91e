"""Whole plans written in styles the corpus does not have, each read end to end: the
targets (name words, figure, unit), their keys and the deadlines the plan sets. The
documents are written for these tests; figures are made up."""

from __future__ import annotations

import io
from decimal import Decimal

import docx

from bot.core.documents import extract_text
from bot.core.plan import DeadlineKind, ParsedPlan, Qualifier
from bot.core.plan_parser import parse_plan
from bot.core.text import fold


def _figures(plan: ParsedPlan) -> list[tuple[str, Decimal, str | None]]:
    return [(t.key, t.value, t.measure) for t in plan.targets if t.value is not None]


def _named(plan: ParsedPlan, key: str, words: str) -> None:
    target = next(t for t in plan.targets if t.key == key)
    assert fold(words) in fold(target.name), target


# --- a ward's .docx: letterhead table, lettered parts, a merged "Lĩnh vực" column ---------------


def _ward_docx() -> bytes:
    document = docx.Document()
    head = document.add_table(rows=2, cols=2)
    head.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nPHƯỜNG NAM THÀNH"
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    head.cell(1, 0).text = "Số: 08/KH-UBND"
    head.cell(1, 1).text = "Nam Thành, ngày 12 tháng 01 năm 2026"
    for line in (
        "KẾ HOẠCH",
        "Thi đua hoàn thành nhiệm vụ kinh tế - xã hội năm 2026",
        "A. KẾT QUẢ THỰC HIỆN NĂM 2025",
        "Năm 2025, phường đạt và vượt 16/18 chỉ tiêu; thu ngân sách đạt 41,2 tỷ đồng.",
        "B. MỤC TIÊU, CHỈ TIÊU NĂM 2026",
        "I. MỤC TIÊU CHUNG",
        "Giữ vững ổn định chính trị, phát triển kinh tế nhanh và bền vững.",
        "II. CÁC CHỈ TIÊU CHỦ YẾU",
    ):
        document.add_paragraph(line)
    rows = [
        ("Lĩnh vực", "TT", "Chỉ tiêu", "ĐVT", "Ước TH 2025", "KH 2026"),
        ("Kinh tế", "1", "Tổng thu ngân sách trên địa bàn", "Tỷ đồng", "41,2", "45"),
        ("", "2", "Thu nhập bình quân đầu người", "Triệu đồng/người", "72", "78"),
        ("", "3", "Hộ kinh doanh đăng ký mới", "Hộ", "95", "120"),
        ("Xã hội", "4", "Tỷ lệ người dân tham gia BHYT", "%", "94,1", "95,5"),
        ("", "5", "Xóa nhà tạm, nhà dột nát", "Căn", "6", "10"),
        ("", "6", "Tổ dân phố đạt chuẩn văn hóa", "Tổ dân phố", "12", "14"),
        ("Môi trường", "7", "Trồng mới cây xanh đô thị", "Cây", "800", "1.000"),
        ("", "8", "Tỷ lệ rác thải được thu gom, xử lý", "%", "98", "100"),
    ]
    table = document.add_table(rows=len(rows), cols=6)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value and c:
                table.cell(r, c).text = value
    table.cell(0, 0).text = "Lĩnh vực"
    for first, last in ((1, 3), (4, 6), (7, 8)):
        table.cell(first, 0).merge(table.cell(last, 0)).text = rows[first][0]
    for line in (
        "III. NHIỆM VỤ, GIẢI PHÁP",
        "1. Tập trung thu ngân sách, phấn đấu tăng 10% so với năm 2025.",
        "C. TỔ CHỨC THỰC HIỆN",
        "1. Các tổ dân phố đăng ký thi đua trước ngày 28/02/2026.",
        "2. Báo cáo sơ kết 6 tháng gửi về UBND phường trước ngày 10/6/2026.",
    ):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_ward_docx_with_parts_and_a_merged_field_column() -> None:
    plan = parse_plan(extract_text(_ward_docx(), "kh.docx"), filename="kh.docx")
    assert (plan.kind, plan.number, plan.year) == ("ke_hoach", "08/KH-UBND", 2026)
    assert plan.issuer == "UBND phường Nam Thành"  # from the letterhead laid out in a table
    assert _figures(plan) == [
        ("1", Decimal(45), "tỷ đồng"),
        ("2", Decimal(78), "triệu đồng/người/năm"),
        ("3", Decimal(120), "hộ"),
        ("4", Decimal("95.5"), "%"),
        ("5", Decimal(10), "nhà"),  # "căn", not "cân"
        ("6", Decimal(14), "tổ dân phố"),
        ("7", Decimal(1000), "cây"),
        ("8", Decimal(100), "%"),
    ]
    _named(plan, "5", "nhà dột nát")
    groups = {s.path: s.title for s in plan.sections if s.path.startswith("B.II.")}
    assert [fold(g) for g in groups.values()] == ["kinh te", "xa hoi", "moi truong"]
    assert {t.section_path for t in plan.targets} == set(groups)
    assert {d.kind for d in plan.deadlines} == {DeadlineKind.REGISTRATION, DeadlineKind.SIX_MONTH}


# --- a commune's .txt: "Phần thứ …", targets as the clauses of one sentence ----------------------

COMMUNE_TXT = """UBND XÃ THANH SƠN
Số: 03/KH-UBND
Thanh Sơn, ngày 05 tháng 01 năm 2026

KẾ HOẠCH
Phát động phong trào thi đua yêu nước năm 2026

Phần thứ nhất
ĐÁNH GIÁ PHONG TRÀO THI ĐUA NĂM 2025
Năm 2025, toàn xã trồng được 10.500 cây phân tán, thu ngân sách đạt 7,8 tỷ đồng.

Phần thứ hai
MỤC TIÊU VÀ CHỈ TIÊU THI ĐUA NĂM 2026
1. Mục tiêu chung
Thi đua hoàn thành xuất sắc nhiệm vụ chính trị năm 2026.
2. Chỉ tiêu cụ thể
Phấn đấu đến hết năm 2026: thu ngân sách trên địa bàn đạt 8,5 tỷ đồng; tổng sản lượng lương \
thực 6.400 tấn, trong đó thóc 5.900 tấn; năng suất lúa bình quân 61 tạ/ha; tổng đàn trâu 420 \
con, bò 1.150 con, lợn 3.600 con; trồng mới 12.000 cây phân tán; tỷ lệ hộ nghèo giảm còn 1,9%; \
giải quyết việc làm mới cho 230 lao động; tỷ lệ tham gia bảo hiểm y tế đạt 94,5% trở lên.

Phần thứ ba
TỔ CHỨC THỰC HIỆN
1. Các thôn đăng ký thi đua gửi về UBND xã trước ngày 20/02/2026.
2. Báo cáo tổng kết năm gửi về trước ngày 15/11/2026.
"""


def test_commune_txt_with_targets_as_clauses_of_a_sentence() -> None:
    plan = parse_plan(COMMUNE_TXT)
    assert _figures(plan) == [
        ("1", Decimal("8.5"), "tỷ đồng"),
        ("2", Decimal(6400), "tấn"),
        ("2.1", Decimal(5900), "tấn"),
        ("3", Decimal(61), "tạ/ha"),
        ("4.1", Decimal(420), "con"),
        ("4.2", Decimal(1150), "con"),
        ("4.3", Decimal(3600), "con"),
        ("5", Decimal(12000), "cây"),
        ("6", Decimal("1.9"), "%"),
        ("7", Decimal(230), "lao động"),
        ("8", Decimal("94.5"), "%"),
    ]
    assert next(t for t in plan.targets if t.key == "6").qualifier is Qualifier.AT_MOST
    assert next(t for t in plan.targets if t.key == "8").qualifier is Qualifier.AT_LEAST
    _named(plan, "4.2", "bò")
    # Last year's figures (part one) are results, not targets.
    assert not any(t.value == Decimal(10500) for t in plan.targets)
    assert {t.section_path for t in plan.targets} == {"P2.2"}


# --- an emulation council's Markdown: slash numbering at every level ------------------------------

COUNCIL_MD = """**HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG**
**XÃ PHƯỚC HẬU**

# KẾ HOẠCH
## Thi đua thực hiện nhiệm vụ năm 2026

**I/ MỤC ĐÍCH, YÊU CẦU**

1/ Động viên các tầng lớp Nhân dân thi đua lao động sản xuất.

2/ Thi đua phải thiết thực, tránh hình thức.

**II/ CHỈ TIÊU THI ĐUA**

1/ Lĩnh vực kinh tế:

a/ Tổng thu ngân sách trên địa bàn: 15,6 tỷ đồng;

b/ Tổng đàn gia cầm 85.000 con;

c/ Diện tích nuôi trồng thủy sản 120 ha.

2/ Lĩnh vực văn hóa - xã hội:

a/ Tỷ lệ hộ nghèo (theo chuẩn đa chiều) còn dưới 2%;

b/ 97% hộ gia đình đạt danh hiệu "Gia đình văn hóa";

c/ Số người tham gia bảo hiểm xã hội tự nguyện: 420 người.

**III/ TỔ CHỨC THỰC HIỆN**

1/ Thường trực Hội đồng thi đua xã theo dõi; tổng hợp báo cáo trước ngày 05/12/2026.
"""


def test_council_markdown_with_slash_numbering() -> None:
    plan = parse_plan(COUNCIL_MD)
    assert [(k, v, m) for k, v, m in _figures(plan)] == [
        ("a", Decimal("15.6"), "tỷ đồng"),
        ("b", Decimal(85000), "con"),
        ("c", Decimal(120), "ha"),
        ("2.a", Decimal(2), "%"),
        ("2.b", Decimal(97), "%"),
        ("2.c", Decimal(420), "người"),
    ]
    _named(plan, "2.b", "gia đình văn hóa")
    assert {t.section_path for t in plan.targets} == {"II.1", "II.2"}


# --- an OCR'd plan whose targets table stands in an appendix after the signature -----------------

OCR_APPENDIX = """UY BAN NHAN DAN           CONG HOA XA HOI CHU NGHIA VIET NAM
XA DONG LAM                Doc lap - Tu do - Hanh phuc
So: 11/KH-UBND             Dong Lam, ngay 15 thang 01 nam 2026

KE HOACH
To chuc phong trao thi dua nam 2026

I. MUC DICH, YEU CAU
Phat dong phong trao thi dua sau rong trong can bo va Nhan dan.

II. NOI DUNG THI DUA
Thi dua hoan thanh cac chi tieu tai Phu luc kem theo.

III. TO CHUC THUC HIEN
Cac thon dang ky thi dua truoc ngay 01/3/2026.

Noi nhan:
- UBND huyen;
- Luu: VT.
                                     TM. UY BAN NHAN DAN
                                     CHU TICH
- 3 -
PHU LUC
CAC CHI TIEU THI DUA NAM 2026
STT    Chi tieu                          DVT         Ke hoach 2026
1      Thu ngan sach tren dia ban        ty dong     6,8
2      Trong moi cay phan tan            cay         9.000
3      Ty le tham gia BHYT               %           93,5
4      Giai quyet viec lam moi           lao dong    180
"""


def test_ocr_plan_with_its_targets_in_an_appendix() -> None:
    plan = parse_plan(OCR_APPENDIX)
    assert (plan.number, plan.year) == ("11/KH-UBND", 2026)
    assert _figures(plan) == [
        ("1", Decimal("6.8"), "tỷ đồng"),
        ("2", Decimal(9000), "cây"),
        ("3", Decimal("93.5"), "%"),
        ("4", Decimal(180), "lao động"),
    ]
    _named(plan, "2", "cây phân tán")
    assert all(t.section_path == "PL1" for t in plan.targets)
    assert [d.kind for d in plan.deadlines] == [DeadlineKind.REGISTRATION]


# --- a farmers' association plan: Party-style number, members and groups as units --------------

FARMERS_PLAN = """HỘI NÔNG DÂN HUYỆN NAM ĐÀN          HỘI NÔNG DÂN VIỆT NAM
BCH HỘI NÔNG DÂN XÃ NAM HƯNG
Số 05-KH/HND                          Nam Hưng, ngày 08 tháng 01 năm 2026

KẾ HOẠCH
Tổ chức phong trào thi đua của Hội Nông dân xã năm 2026

I. MỤC ĐÍCH, YÊU CẦU
Đẩy mạnh phong trào nông dân thi đua sản xuất, kinh doanh giỏi.

II. CHỈ TIÊU PHẤN ĐẤU
1. Kết nạp mới 60 hội viên; 100% chi hội có hội viên mới.
2. Có 85% hộ hội viên đăng ký danh hiệu sản xuất kinh doanh giỏi các cấp.
3. Thành lập mới 02 tổ hợp tác trong lĩnh vực nông nghiệp.
4. Thành lập 03 chi đoàn thanh niên nông thôn.
5. Giới thiệu 05 hội viên ưu tú cho Đảng xem xét kết nạp.

III. TỔ CHỨC THỰC HIỆN
Các chi hội báo cáo kết quả về Ban Thường vụ trước ngày 25/11/2026.
"""


def test_farmers_association_plan() -> None:
    plan = parse_plan(FARMERS_PLAN)
    assert (plan.number, plan.kind, plan.year) == ("05-KH/HND", "ke_hoach", 2026)
    assert _figures(plan) == [
        ("1.1", Decimal(60), "hội viên"),
        ("1.2", Decimal(100), "%"),
        ("2", Decimal(85), "%"),
        ("3", Decimal(2), "tổ hợp tác"),
        ("4", Decimal(3), "chi đoàn"),
        ("5", Decimal(5), "hội viên"),
    ]
    _named(plan, "3", "Thành lập mới")
    assert [(d.day, d.month, d.year) for d in plan.deadlines] == [(25, 11, 2026)]
