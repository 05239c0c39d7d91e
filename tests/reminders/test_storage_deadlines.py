"""storage.deadlines on SQLite (and PostgreSQL with TEST_DATABASE_URL): default rows,
overrides, who has reported, where reminders go, delivery claims."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from storage import deadlines as store
from storage.db import Database
from storage.models import Deadline

from .conftest import (
    ADMIN_CONFIGURED,
    ADMIN_PROMOTED,
    GROUP_AN_BINH,
    MEMBER_BAC_1,
    MEMBER_VAN_HOA,
    Commune,
)


def defaults(year: int, six: date, end: date) -> list[store.DefaultDeadline]:
    return [store.DefaultDeadline(year, "6thang", six), store.DefaultDeadline(year, "nam", end)]


async def all_deadlines(db: Database) -> list[tuple[int, str, date, str]]:
    async with db.session() as s:
        rows = await s.scalars(select(Deadline).order_by(Deadline.year, Deadline.kind))
        return [(r.year, r.kind, r.due_on, r.source) for r in rows]


async def test_defaults_are_created_once_and_follow_the_settings(database: Database) -> None:
    wanted = defaults(2026, date(2026, 6, 14), date(2026, 12, 14))
    async with database.session() as s:
        assert await store.ensure_defaults(s, wanted) == 2
    async with database.session() as s:
        assert await store.ensure_defaults(s, wanted) == 0  # idempotent
    async with database.session() as s:  # SIX_MONTH_DEADLINE changed to 10/06
        await store.ensure_defaults(s, defaults(2026, date(2026, 6, 10), date(2026, 12, 14)))
    assert await all_deadlines(database) == [
        (2026, "6thang", date(2026, 6, 10), "default"),
        (2026, "nam", date(2026, 12, 14), "default"),
    ]


async def test_admin_overrides_survive_default_refreshes(database: Database) -> None:
    async with database.session() as s:
        await store.ensure_defaults(s, defaults(2026, date(2026, 6, 14), date(2026, 12, 14)))
        await store.set_period_deadline(s, 2026, "6thang", date(2026, 6, 20), actor=1)
    async with database.session() as s:
        await store.ensure_defaults(s, defaults(2026, date(2026, 6, 14), date(2026, 12, 14)))
        assert await store.year_dates(s, 2026) == {
            "6thang": date(2026, 6, 20),
            "nam": date(2026, 12, 14),
        }
    assert (2026, "6thang", date(2026, 6, 20), "admin") in await all_deadlines(database)


async def test_custom_deadlines_are_upserted_by_name_and_year(database: Database) -> None:
    async with database.session() as s:
        first, created = await store.upsert_custom(s, "Hồ sơ khen thưởng", date(2026, 7, 31), 1)
        assert created
        again, created_again = await store.upsert_custom(
            s, "hồ sơ khen thưởng", date(2026, 8, 5), 1
        )
        assert not created_again and again.id == first.id and again.due_on == date(2026, 8, 5)
        listed = await store.deadlines_from(s, date(2026, 1, 1), kinds=["custom"])
        assert [d.name for d in listed] == ["Hồ sơ khen thưởng"]


async def test_unit_statuses_use_live_reports_of_the_period(
    database: Database, commune: Commune
) -> None:
    async with database.session() as s:
        statuses = {u.name: u for u in await store.unit_statuses(s, "2026-6thang")}
        assert await store.reported_count(s, "2026-6thang") == (1, 4)
    # The deleted unit is gone; only Tổ dân phố 3 owes nothing more for the period.
    assert set(statuses) == {"Thôn An Bình", "Thôn Bắc", "Tổ dân phố 3", "Phòng Văn hóa"}
    assert [name for name, u in statuses.items() if u.reported] == ["Tổ dân phố 3"]
    # Reportable = numeric value, not retired, active plan: the compound line counts by
    # its sub-targets; the withdrawn report of An Bình does not count.
    # A unit owes the figures each unit reports itself; the BHYT rate (14) is the
    # commune's one figure, so no unit is chased for it.
    assert [t.key for t in statuses["Thôn An Bình"].missing] == ["10", "12a", "12b"]
    assert statuses["Tổ dân phố 3"].missing == ()
    assert statuses["Thôn An Bình"].missing[1].parent_name == "Đàn gia súc"


async def test_reminders_go_to_the_group_or_else_to_reachable_members(
    database: Database, commune: Commune
) -> None:
    units = commune.units
    async with database.session() as s:
        found = await store.unit_recipients(s, list(units.values()))
        admins = await store.admin_recipients(s, [ADMIN_CONFIGURED])
    chats = {unit: [r.chat_id for r in found.get(unit_id, [])] for unit, unit_id in units.items()}
    assert chats["Thôn An Bình"] == [GROUP_AN_BINH]
    assert chats["Thôn Bắc"] == [MEMBER_BAC_1]  # the member who left gets nothing
    assert chats["Phòng Văn hóa"] == [MEMBER_VAN_HOA]  # its group blocked the bot
    assert [a.chat_id for a in admins] == [ADMIN_CONFIGURED, ADMIN_PROMOTED]


async def test_a_delivery_is_claimed_and_taken_only_once(database: Database) -> None:
    async with database.session() as s:
        await store.ensure_defaults(s, defaults(2026, date(2026, 6, 14), date(2026, 12, 14)))
        deadline = await store.period_deadline(s, 2026, "6thang")
        assert deadline is not None
        claims = await store.claim_deliveries(s, deadline.id, "d-3@x", [(10, None), (11, None)])
    assert all(c.sendable for c in claims.values())
    async with database.session() as s:
        again = await store.claim_deliveries(s, deadline.id, "d-3@x", [(10, None), (12, None)])
        assert again[10].delivery_id == claims[10].delivery_id
        assert await store.start_attempt(s, claims[10].delivery_id)
        assert not await store.start_attempt(s, claims[10].delivery_id)
    async with database.session() as s:
        third = await store.claim_deliveries(s, deadline.id, "d-3@x", [(10, None)])
        assert third[10].interrupted and not third[10].sendable
        rows = await store.delivery_rows(s, deadline.id, "d-3@x")
    assert sorted(r.chat_telegram_id for r in rows) == [10, 11, 12]
