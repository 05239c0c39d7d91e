"""bot.plans: importing a plan file end to end (read → parse → store), re-imports, refusals,
and the Vietnamese summary texts."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from sqlalchemy import func, select

from bot import plans as plan_import
from bot.console import html_to_text
from bot.core.documents import DocumentError, EmptyDocument, UnsupportedFormat
from bot.core.plan import ParsedPlan, Qualifier, Target
from bot.plans import (
    MAX_SUMMARY_CHARS,
    ImportOutcome,
    NoPlanContent,
    import_plan,
    plan_summary,
    plan_summary_pages,
    plans_list_text,
)
from storage import plans
from storage.db import Database
from storage.models import AuditEntry, Plan, PlanTarget

# A small plan written for these tests (not taken from the seed documents).
SAMPLE_LINES = [
    "ỦY BAN NHÂN DÂN XÃ HÒA AN",
    "Số: 12/KH-UBND",
    "Hòa An, ngày 10 tháng 01 năm 2026",
    "KẾ HOẠCH",
    "Phát động phong trào thi đua năm 2026",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "Động viên cán bộ, công chức và nhân dân trong xã thi đua hoàn thành các chỉ tiêu năm 2026.",
    "II. NỘI DUNG VÀ CHỈ TIÊU THI ĐUA",
    "1. Nội dung",
    "Thi đua phát triển kinh tế, chăm lo đời sống nhân dân, giữ vững an ninh trật tự.",
    "2. Chỉ tiêu thi đua",
    "(1) Giải quyết việc làm trong năm: 250 người;",
    "(2) Tỷ lệ tham gia bảo hiểm y tế: 95%;",
    "(3) Đàn gia súc: trâu, bò 420 con; lợn 3.100 con;",
    "(4) Trồng cây phân tán: 12.000 cây.",
    "III. TỔ CHỨC THỰC HIỆN",
    "1. Văn phòng HĐND và UBND xã tổng hợp kết quả thi đua của các thôn, báo cáo Chủ tịch "
    "UBND xã trước ngày 14/6 và 14/12.",
    "2. Các thôn đăng ký thi đua với UBND xã và gửi báo cáo định kỳ đúng hạn.",
]
SAMPLE_MD = "\n\n".join(SAMPLE_LINES).encode("utf-8")


def sample_docx(lines: list[str]) -> bytes:
    """The sample plan as a Word file, one paragraph a line."""
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


async def _stored(db: Database) -> tuple[int, int, int]:
    """(plans, plan targets, audit entries) in the database."""
    async with db.session() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (Plan, PlanTarget, AuditEntry)
        ]
    return counts[0] or 0, counts[1] or 0, counts[2] or 0


# ---------------------------------------------------------------- the sample plan


async def test_import_markdown_plan_stores_it_and_activates_it(database: Database) -> None:
    outcome = await import_plan(database, SAMPLE_MD, "ke-hoach-2026.md", name=None, imported_by=9)

    assert outcome.created and outcome.is_active
    assert outcome.parsed.number == "12/KH-UBND" and outcome.parsed.year == 2026
    assert outcome.targets_added == len(outcome.parsed.targets) == 6
    async with database.session() as session:
        active = await plans.active_plan(session)
        assert active is not None and active.id == outcome.plan_id
        assert active.identity == "12/kh-ubnd|2026" and active.source_filename == "ke-hoach-2026.md"
        loaded = await plans.load_parsed_plan(session, outcome.plan_id)
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "plan.import"))
    assert loaded.targets == outcome.parsed.targets
    employment = loaded.target("1")
    assert employment is not None
    assert (employment.value, employment.measure) == (Decimal(250), "người")
    assert [(t.name, t.value) for t in loaded.children("3")] == [
        ("Trâu, bò", Decimal(420)),
        ("Lợn", Decimal(3100)),
    ]
    assert entry is not None and entry.actor_telegram_id == 9
    assert entry.detail["plan_id"] == outcome.plan_id and entry.detail["created"] is True


async def test_same_plan_as_docx_updates_instead_of_duplicating(database: Database) -> None:
    first = await import_plan(database, SAMPLE_MD, "ke-hoach.md", name="KH xã 2026", imported_by=1)
    async with database.session() as session:
        ids = {k: r.id for k, r in (await plans.target_rows(session, first.plan_id)).items()}

    again = await import_plan(
        database, sample_docx(SAMPLE_LINES), "ke-hoach.docx", name=None, imported_by=1
    )

    assert not again.created and again.plan_id == first.plan_id
    assert (again.targets_added, again.targets_updated, again.targets_retired) == (0, 0, 0)
    assert again.name == "KH xã 2026"
    async with database.session() as session:
        rows = await plans.target_rows(session, first.plan_id)
    assert {k: r.id for k, r in rows.items()} == ids
    assert (await _stored(database))[:2] == (1, 6)


async def test_reimport_with_a_target_dropped_retires_it(database: Database) -> None:
    first = await import_plan(database, SAMPLE_MD, "kh.md", name=None, imported_by=1)
    shorter = [line for line in SAMPLE_LINES if not line.startswith("(4)")]

    again = await import_plan(database, sample_docx(shorter), "kh.docx", name=None, imported_by=1)

    assert again.plan_id == first.plan_id and again.targets_retired == 1
    assert "bỏ 1 chỉ tiêu" in plan_summary(again)
    async with database.session() as session:
        every = await plans.target_rows(session, first.plan_id, include_retired=True)
    assert every["4"].retired


def test_sample_summary_lists_what_the_officer_must_check() -> None:
    outcome = ImportOutcome(
        plan_id=3,
        name="12/KH-UBND",
        is_active=False,
        created=True,
        parsed=_hand_plan(),
        targets_added=4,
        targets_updated=0,
        targets_retired=0,
        targets_restored=0,
        filename="kh.docx",
    )
    text = html_to_text(plan_summary(outcome))
    lines = text.splitlines()
    assert lines[0] == "✅ Đã nạp kế hoạch mới."
    assert "Số 12/KH-UBND, ngày 10/01/2026" in lines
    assert "Năm áp dụng: 2026" in lines
    assert "Gồm 0 mục, 3 chỉ tiêu kèm 2 chỉ tiêu thành phần, 0 đoạn nội dung." in lines
    assert "(1) Giải quyết việc làm trong năm: 1.600 người ↑" in lines
    assert "(3) Đàn gia súc:" in lines
    assert "    – (3.2) Lợn: 5.500 con ↑" in lines
    assert "(4) Tỷ lệ tham gia BHYT: tối thiểu 96,5% ↑" in lines
    assert "/kehoach chon 3" in text  # not active: says how to switch
    assert "⚠️ Không thấy chỉ tiêu số (2): hãy đối chiếu với văn bản gốc." in lines


def _hand_plan() -> ParsedPlan:
    def target(key: str, name: str, value: int | str | None, measure: str | None, **kw: object):  # type: ignore[no-untyped-def]
        return Target(
            key=key,
            number=f"({key.split('.')[0]})",
            name=name,
            value=None if value is None else Decimal(value),
            measure=measure,
            qualifier=kw.pop("qualifier", Qualifier.EXACT),  # type: ignore[arg-type]
            section_path="II.2",
            source_text=name,
            **kw,  # type: ignore[arg-type]
        )

    return ParsedPlan(
        title="Kế hoạch thi đua năm 2026",
        number="12/KH-UBND",
        issued_on=date(2026, 1, 10),
        year=2026,
        kind="ke_hoach",
        targets=(
            target("1", "Giải quyết việc làm trong năm", 1600, "người"),
            target("3", "Đàn gia súc", None, None),
            target("3.1", "Trâu, bò", 710, "con", parent_key="3"),
            target("3.2", "Lợn", 5500, "con", parent_key="3"),
            target("4", "Tỷ lệ tham gia BHYT", "96.5", "%", qualifier=Qualifier.AT_LEAST),
        ),
    )


def test_summary_escapes_document_text_and_fits_telegram() -> None:
    base = _hand_plan()
    many = tuple(
        Target(
            key=str(n),
            number=str(n),
            name=f"Chỉ tiêu <b>thứ</b> {n} & các việc liên quan kéo dài cho đủ một dòng dài",
            value=Decimal(n * 1000),
            measure="người",
            qualifier=Qualifier.EXACT,
            section_path="II.2",
            source_text="",
        )
        for n in range(1, 201)
    )
    parsed = dataclasses.replace(base, title="Kế hoạch <script>", targets=many)
    outcome = ImportOutcome(3, "x", True, False, parsed, 0, 2, 0, 0, "x.txt")

    pages = plan_summary_pages(outcome)
    text = "\n".join(pages)

    assert len(pages) > 1 and all(len(page) <= MAX_SUMMARY_CHARS for page in pages)
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "<b>thứ</b>" not in text and "&lt;b&gt;thứ&lt;/b&gt; 1 &amp; các" in text
    # Every target is shown, none cut: the summary pages instead.
    for n in (1, 100, 200):
        assert f"({n}) Chỉ tiêu" in html_to_text(text)
    assert pages[0].startswith(
        "✅ Đã cập nhật kế hoạch đã nạp trước đây (không tạo bản trùng): sửa 2 chỉ tiêu."
    )


async def test_plans_list_marks_the_active_plan(database: Database) -> None:
    async with database.session() as session:
        assert plans_list_text(await plans.list_plans(session), None) == "Chưa nạp kế hoạch nào."
    first = await import_plan(database, SAMPLE_MD, "kh.md", name="KH <xã>", imported_by=1)
    async with database.session() as session:
        text = plans_list_text(await plans.list_plans(session), first.plan_id)
    assert f"• Số {first.plan_id}: <b>KH &lt;xã&gt;</b> — <b>đang dùng</b>" in text
    assert "12/KH-UBND · ngày 10/01/2026 · năm 2026 · tệp kh.md" in text


# ---------------------------------------------------------------- refusals store nothing


@pytest.mark.parametrize(
    ("data", "filename", "error"),
    [
        (b"", "trong.txt", EmptyDocument),
        (b"   \n\n ", "trong.md", EmptyDocument),
        (b"PK\x03\x04 not really", "bang-tinh.xlsx", UnsupportedFormat),
        (b"Xin ch\xc3\xa0o", "loi-chao.txt", NoPlanContent),
        (  # a list of names is not a plan, however many lines it has
            "Danh sách đề nghị khen thưởng năm 2025\nÔng Nguyễn Văn An, thôn Đông, có thành tích "
            "xuất sắc trong phong trào.\nBà Trần Thị Bình, thôn Tây, có nhiều đóng góp.".encode(),
            "ds.txt",
            NoPlanContent,
        ),
    ],
)
async def test_unusable_files_raise_document_error_and_store_nothing(
    database: Database, data: bytes, filename: str, error: type[DocumentError]
) -> None:
    with pytest.raises(error) as info:
        await import_plan(database, data, filename, name=None, imported_by=1)
    assert info.value.message_vi.startswith(("Tệp", "Chưa đọc được", "Đã đọc được"))
    assert await _stored(database) == (0, 0, 0)


async def test_failure_while_saving_rolls_everything_back(database: Database) -> None:
    broken = dataclasses.replace(_hand_plan(), targets=_hand_plan().targets * 2)  # keys repeat
    read = plan_import.PlanFile(SAMPLE_MD.decode(), broken)
    with pytest.raises(ValueError, match="duplicate target key"):
        await import_plan(database, SAMPLE_MD, "kh.md", name=None, imported_by=1, read=read)
    assert await _stored(database) == (0, 0, 0)


# ---------------------------------------------------------------- the real documents


@pytest.mark.seeds
async def test_seed_002_imports_22_targets_and_reimports_in_place(
    database: Database, seeds_dir: Path
) -> None:
    data = (seeds_dir / "002_53c0be273c9cb1a6.txt").read_bytes()

    first = await import_plan(database, data, "002.txt", name=None, imported_by=1)

    parsed = first.parsed
    assert (parsed.number, parsed.issued_on, parsed.year) == ("21/KH-UBND", date(2025, 2, 3), 2025)
    assert [t.number.strip("()") for t in parsed.top_level_targets()] == [
        str(n) for n in range(1, 23)
    ]
    summary = html_to_text(plan_summary(first))
    assert "(10) Giải quyết việc làm trong năm: 1.600 người" in summary
    assert "Số 21/KH-UBND, ngày 03/02/2025" in summary
    assert all(len(page) <= MAX_SUMMARY_CHARS for page in plan_summary_pages(first))

    stored_before = await _stored(database)
    again = await import_plan(database, data, "002-ban-sao.txt", name=None, imported_by=2)

    assert not again.created and again.plan_id == first.plan_id
    assert (again.targets_added, again.targets_updated, again.targets_retired) == (0, 0, 0)
    assert (await _stored(database))[:2] == stored_before[:2]
    async with database.session() as session:
        loaded = await plans.load_parsed_plan(session, first.plan_id)
    assert loaded.targets == parsed.targets


@pytest.mark.seeds
async def test_seed_001_without_number_is_recognised_on_reimport(
    database: Database, seeds_dir: Path
) -> None:
    data = (seeds_dir / "001_0b34b95b63e585f0.txt").read_bytes()

    first = await import_plan(database, data, "001.txt", name="Tam Tiến 2024", imported_by=1)
    again = await import_plan(database, data, "001.txt", name=None, imported_by=1)

    assert len(first.parsed.top_level_targets()) == 14
    assert not again.created and again.plan_id == first.plan_id
    assert again.name == "Tam Tiến 2024"
    assert (await _stored(database))[0] == 1
