"""storage.plans on SQLite and PostgreSQL: saving, re-importing, activation, synonyms,
unanswered questions. Plans are built by hand so these tests do not depend on the parser."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select

from bot.core.plan import ParsedPlan, Passage, Qualifier, Section, Target
from bot.errors import InvalidInput, NotFound
from storage import plans
from storage.db import Database
from storage.models import Plan, PlanPassage, PlanSection, PlanTarget, UnansweredQuestion

RAW = "KẾ HOẠCH số 7/KH-UBND về phong trào thi đua năm 2026 (văn bản mẫu cho kiểm thử)"


def _target(key: str, name: str, value: str | None, measure: str | None, **kw: object) -> Target:
    fields: dict[str, object] = {
        "key": key,
        "number": key.split(".")[0],
        "name": name,
        "value": Decimal(value) if value is not None else None,
        "measure": measure,
        "qualifier": Qualifier.EXACT,
        "section_path": "II.2",
        "source_text": f"({key}) {name}: {value or ''} {measure or ''}".strip(),
    }
    fields.update(kw)
    return Target(**fields)  # type: ignore[arg-type]


def sample_plan(**changes: object) -> ParsedPlan:
    """A small plan with a compound target (3 → 3.1, 3.2), a non-figure and decimals."""
    plan = ParsedPlan(
        title="Kế hoạch phát động phong trào thi đua năm 2026",
        number="7/KH-UBND",
        issued_on=date(2026, 1, 15),
        year=2026,
        kind="ke_hoach",
        issuer="UBND xã Hòa Bình",
        sections=(
            Section("I", "Mục đích, yêu cầu", 1),
            Section("II", "Nội dung và chỉ tiêu thi đua", 1),
            Section("II.2", "Chỉ tiêu thi đua", 2),
            Section("III", "Tổ chức thực hiện", 1),
        ),
        targets=(
            _target("1", "Tổng giá trị sản xuất", "1234.56", "tỷ đồng", qualifier=Qualifier.ABOUT),
            _target("2", "Giải quyết việc làm trong năm", "450", "người"),
            _target("3", "Phát triển chăn nuôi", None, None),
            _target("3.1", "Trâu, bò", "320", "con", parent_key="3"),
            _target("3.2", "Lợn", "2100", "con", parent_key="3"),
            _target("4", "Tỷ lệ tham gia bảo hiểm y tế", "95.5", "%", qualifier=Qualifier.AT_LEAST),
            _target(
                "5",
                "Tai nạn giao thông",
                None,
                None,
                qualifier=Qualifier.REDUCE,
                text_value="giảm cả 3 tiêu chí",
            ),
        ),
        passages=(
            Passage("I", "Mục đích, yêu cầu", "Khơi dậy tinh thần thi đua trong cán bộ.", 0),
            Passage("III", "Tổ chức thực hiện", "Văn phòng tổng hợp kết quả hằng quý.", 1),
        ),
    )
    return dataclasses.replace(plan, **changes)  # type: ignore[arg-type]


async def _save(db: Database, parsed: ParsedPlan, raw: str = RAW, **kw: object) -> plans.SaveResult:
    options: dict[str, object] = {"filename": "ke-hoach.docx", "name": None, "imported_by": 42}
    options.update(kw)
    async with db.session() as session:
        return await plans.save_plan(session, parsed, raw_text=raw, **options)  # type: ignore[arg-type]


async def _count(db: Database, model: type[object], plan_id: int) -> int:
    async with db.session() as session:
        column = model.plan_id  # type: ignore[attr-defined]
        return int(await session.scalar(select(func.count()).where(column == plan_id)) or 0)


# ---------------------------------------------------------------- save and load


async def test_save_then_load_round_trips_the_parsed_plan(database: Database) -> None:
    parsed = sample_plan()
    result = await _save(database, parsed)
    assert result.created
    assert result.targets_added == 7 and result.targets_updated == 0
    assert result.plan.identity == "7/kh-ubnd|2026"
    assert result.plan.name == "7/KH-UBND"
    async with database.session() as session:
        loaded = await plans.load_parsed_plan(session, result.plan.id)
    assert loaded == parsed
    assert loaded.target("1") is not None and loaded.target("1").value == Decimal("1234.56")  # type: ignore[union-attr]
    assert [t.key for t in loaded.children("3")] == ["3.1", "3.2"]


async def test_first_plan_becomes_active_and_later_ones_do_not(database: Database) -> None:
    first = await _save(database, sample_plan())
    second = await _save(database, sample_plan(number="8/KH-UBND"), raw="khác")
    assert first.plan.is_active and not second.plan.is_active
    async with database.session() as session:
        active = await plans.active_plan(session)
    assert active is not None and active.id == first.plan.id


async def test_reimport_updates_in_place_with_stable_target_ids(database: Database) -> None:
    first = await _save(database, sample_plan())
    async with database.session() as session:
        ids_before = {k: r.id for k, r in (await plans.target_rows(session, first.plan.id)).items()}

    again = await _save(database, sample_plan(), raw=RAW + " (bản in lại)", name="KH thi đua 2026")

    assert not again.created and again.plan.id == first.plan.id
    assert (again.targets_added, again.targets_updated, again.targets_retired) == (0, 0, 0)
    assert again.plan.name == "KH thi đua 2026"
    async with database.session() as session:
        rows = await plans.target_rows(session, first.plan.id)
        assert len(await plans.list_plans(session)) == 1
    assert {k: r.id for k, r in rows.items()} == ids_before
    assert await _count(database, PlanTarget, first.plan.id) == 7
    assert await _count(database, PlanSection, first.plan.id) == 4
    assert await _count(database, PlanPassage, first.plan.id) == 2


async def test_reimport_without_a_name_keeps_the_admins_name(database: Database) -> None:
    await _save(database, sample_plan(), name="Kế hoạch của xã")
    again = await _save(database, sample_plan(), name=None)
    assert again.plan.name == "Kế hoạch của xã"


async def test_changed_figure_is_updated_and_counted(database: Database) -> None:
    first = await _save(database, sample_plan())
    changed = sample_plan()
    targets = tuple(
        dataclasses.replace(t, value=Decimal("500")) if t.key == "2" else t for t in changed.targets
    )
    again = await _save(database, dataclasses.replace(changed, targets=targets))
    assert again.targets_updated == 1 and again.targets_added == 0
    async with database.session() as session:
        rows = await plans.target_rows(session, first.plan.id)
    assert rows["2"].value == Decimal("500")


async def test_dropped_target_is_retired_and_comes_back(database: Database) -> None:
    first = await _save(database, sample_plan())
    async with database.session() as session:
        lost_id = (await plans.target_rows(session, first.plan.id))["3.2"].id
    without = sample_plan()
    without = dataclasses.replace(
        without, targets=tuple(t for t in without.targets if t.key != "3.2")
    )

    second = await _save(database, without)

    assert second.targets_retired == 1 and second.plan.id == first.plan.id
    async with database.session() as session:
        live = await plans.target_rows(session, first.plan.id)
        every = await plans.target_rows(session, first.plan.id, include_retired=True)
        loaded = await plans.load_parsed_plan(session, first.plan.id)
    assert "3.2" not in live and every["3.2"].retired and every["3.2"].id == lost_id
    assert [t.key for t in loaded.targets] == ["1", "2", "3", "3.1", "4", "5"]

    third = await _save(database, sample_plan())

    assert (third.targets_restored, third.targets_added, third.targets_retired) == (1, 0, 0)
    async with database.session() as session:
        back = await plans.target_rows(session, first.plan.id)
    assert back["3.2"].id == lost_id and not back["3.2"].retired


async def test_plan_without_number_is_identified_by_title_and_year(database: Database) -> None:
    unnumbered = sample_plan(number=None)
    first = await _save(database, unnumbered, filename="thi-dua-2026.md")
    assert first.plan.identity.startswith("title:ke_hoach|2026|")
    assert first.plan.name == "thi-dua-2026"
    # A corrected copy (other words, same title and year) updates it.
    again = await _save(database, unnumbered, raw="  " + RAW.upper().replace(" ", "  ") + " sửa")
    assert again.plan.id == first.plan.id and not again.created
    other = await _save(database, sample_plan(number=None, title="Kế hoạch thi đua chuyên đề"))
    assert other.created and other.plan.id != first.plan.id
    next_year = await _save(database, sample_plan(number=None, year=2027, issued_on=None))
    assert next_year.created
    neighbour = await _save(database, sample_plan(number=None, issuer="UBND xã Hòa Lạc"))
    assert neighbour.created  # the same title from another commune is another document


async def test_plan_without_number_title_or_year_is_identified_by_its_text(
    database: Database,
) -> None:
    bare = sample_plan(number=None, year=None, issued_on=None)
    first = await _save(database, bare)
    assert first.plan.identity.startswith("text:")
    again = await _save(database, bare, raw="  " + RAW.upper().replace(" ", "  "))
    assert again.plan.id == first.plan.id and not again.created
    other = await _save(database, bare, raw="Một văn bản khác hẳn")
    assert other.created and other.plan.id != first.plan.id


async def test_number_found_later_adopts_the_text_identified_plan(database: Database) -> None:
    first = await _save(database, sample_plan(number=None))
    again = await _save(database, sample_plan())
    assert again.plan.id == first.plan.id
    assert again.plan.identity == "7/kh-ubnd|2026"


async def test_same_number_in_another_year_is_another_plan(database: Database) -> None:
    first = await _save(database, sample_plan())
    other = await _save(
        database, sample_plan(year=2027, issued_on=date(2027, 1, 10)), raw="bản năm sau"
    )
    assert other.created and other.plan.id != first.plan.id


async def test_duplicate_target_keys_are_refused(database: Database) -> None:
    parsed = sample_plan()
    doubled = dataclasses.replace(parsed, targets=(*parsed.targets, parsed.targets[0]))
    with pytest.raises(ValueError, match="duplicate target key"):
        await _save(database, doubled)
    async with database.session() as session:
        assert await plans.list_plans(session) == []


async def test_load_unknown_plan_raises_not_found(database: Database) -> None:
    async with database.session() as session:
        with pytest.raises(NotFound):
            await plans.load_parsed_plan(session, 999)


# ---------------------------------------------------------------- activation and lookup


async def test_activation_is_exclusive(database: Database) -> None:
    a = await _save(database, sample_plan())
    b = await _save(database, sample_plan(number="8/KH-UBND"), raw="b")
    c = await _save(database, sample_plan(number="9/KH-UBND"), raw="c")
    async with database.session() as session:
        await plans.activate_plan(session, b.plan.id)
    async with database.session() as session:
        await plans.activate_plan(session, c.plan.id)
    async with database.session() as session:
        flags = {p.id: p.is_active for p in await plans.list_plans(session)}
        active = await plans.active_plan(session)
    assert flags == {a.plan.id: False, b.plan.id: False, c.plan.id: True}
    assert active is not None and active.id == c.plan.id
    async with database.session() as session:
        with pytest.raises(NotFound):
            await plans.activate_plan(session, 12345)


async def test_activation_changes_updated_at_for_cache_keys(database: Database) -> None:
    a = await _save(database, sample_plan())
    b = await _save(database, sample_plan(number="8/KH-UBND"), raw="b")
    async with database.session() as session:
        before = (await plans.get_plan(session, b.plan.id)).updated_at  # type: ignore[union-attr]
        await plans.activate_plan(session, b.plan.id)
    async with database.session() as session:
        after = await plans.get_plan(session, b.plan.id)
        old = await plans.get_plan(session, a.plan.id)
    assert after is not None and after.updated_at >= before and after.is_active
    assert old is not None and not old.is_active


async def test_find_plan_by_id_number_and_name(database: Database) -> None:
    a = await _save(database, sample_plan(), name="Thi đua xã Hòa Bình")
    b = await _save(
        database,
        sample_plan(number="15/KH-UBND", title="Kế hoạch thi đua chuyên đề chuyển đổi số"),
        raw="b",
        name="Chuyển đổi số",
    )
    async with database.session() as session:
        found = {
            text: (plan.id if (plan := await plans.find_plan(session, text)) else None)
            for text in (
                str(b.plan.id),
                f"#{a.plan.id}",
                "15 /kh-ubnd",
                "THI DUA XA HOA BINH",
                "chuyen doi so",
                "ke hoach thi dua chuyen de chuyen doi so",
                "chuyen doi",  # a part of a name names nothing
                "ke hoach",
                "15",  # a part of a number is not plan 15
                "9",  # no plan 9, whatever the file names hold
                "không có",
                "",
            )
        }
    assert found == {
        str(b.plan.id): b.plan.id,
        f"#{a.plan.id}": a.plan.id,
        "15 /kh-ubnd": b.plan.id,
        "THI DUA XA HOA BINH": a.plan.id,
        "chuyen doi so": b.plan.id,
        "ke hoach thi dua chuyen de chuyen doi so": b.plan.id,
        "chuyen doi": None,
        "ke hoach": None,
        "15": None,
        "9": None,
        "không có": None,
        "": None,
    }


# ---------------------------------------------------------------- synonyms


async def test_synonyms_are_stored_folded_and_updated(database: Database) -> None:
    async with database.session() as session:
        row, created = await plans.add_synonym(session, "  BHYT ", "bảo hiểm y tế", 7)
        assert created and row.phrase == "bhyt"
    async with database.session() as session:
        row, created = await plans.add_synonym(session, "bhyt", "bảo  hiểm y tế toàn dân", 8)
        assert not created
        await plans.add_synonym(session, "Lợn", "heo", 8)
    async with database.session() as session:
        listed = [(s.phrase, s.expansion, s.added_by) for s in await plans.list_synonyms(session)]
    assert listed == [("bhyt", "bảo hiểm y tế toàn dân", 8), ("lon", "heo", 8)]
    async with database.session() as session:
        assert await plans.remove_synonym(session, "LỢN")
        assert not await plans.remove_synonym(session, "lợn")
        assert [s.phrase for s in await plans.list_synonyms(session)] == ["bhyt"]


@pytest.mark.parametrize(
    ("phrase", "expansion"), [("  ", "bảo hiểm"), ("BHXH", " - "), ("x" * 200, "y")]
)
async def test_bad_synonyms_are_refused_in_vietnamese(
    database: Database, phrase: str, expansion: str
) -> None:
    async with database.session() as session:
        with pytest.raises(InvalidInput) as info:
            await plans.add_synonym(session, phrase, expansion, 1)
    assert info.value.message_vi


# ---------------------------------------------------------------- unanswered questions


async def test_unanswered_questions_are_grouped_newest_first(database: Database) -> None:
    plan = await _save(database, sample_plan())
    start = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    asked = [
        ("Hạn nộp hồ sơ khen thưởng là khi nào?", 0),
        ("han nop ho so khen thuong la khi nao", 1),
        ("Ai chấm điểm thi đua?", 2),
        ("HẠN NỘP HỒ SƠ KHEN THƯỞNG LÀ KHI NÀO", 3),
        ("Cờ thi đua xét thế nào", 4),
    ]
    async with database.session() as session:
        for text, minutes in asked:
            row = await plans.record_unanswered(session, text, plan.plan.id, 5, -100)
            row.asked_at = start + timedelta(minutes=minutes)
    async with database.session() as session:
        groups = await plans.list_unanswered(session)
    assert [(g.text, g.count) for g in groups] == [
        ("Cờ thi đua xét thế nào", 1),
        ("HẠN NỘP HỒ SƠ KHEN THƯỞNG LÀ KHI NÀO", 3),
        ("Ai chấm điểm thi đua?", 1),
    ]
    deadline = groups[1]
    assert deadline.folded == "han nop ho so khen thuong la khi nao"
    assert deadline.first_asked_at == start
    assert deadline.last_asked_at == start + timedelta(minutes=3)

    async with database.session() as session:
        assert await plans.resolve_unanswered(session, deadline.id) == 3
        assert await plans.resolve_unanswered(session, deadline.id) == 0
    async with database.session() as session:
        remaining = await plans.list_unanswered(session, limit=1)
        stored = await session.scalar(select(func.count()).select_from(UnansweredQuestion))
    assert [g.text for g in remaining] == ["Cờ thi đua xét thế nào"]
    assert stored == 5  # resolving keeps the history


async def test_unanswered_question_survives_its_plan(database: Database) -> None:
    plan = await _save(database, sample_plan())
    async with database.session() as session:
        await plans.record_unanswered(session, "Câu hỏi?", plan.plan.id, None, None)
    async with database.session() as session:
        # Plans are never deleted by the bot; the schema still must not lose the question.
        await session.execute(delete(Plan).where(Plan.id == plan.plan.id))
    async with database.session() as session:
        groups = await plans.list_unanswered(session)
    assert [g.count for g in groups] == [1]
