"""Choosing the plan in use, as /kehoach's use case does it (bot/plans.py), without Telegram:
the list, what a switch changes, and a switch that happens only if nothing moved meanwhile."""

from __future__ import annotations

from sqlalchemy import select

from bot import plans
from storage.db import Database
from storage.models import AuditEntry
from tests.test_plans_storage import _save, sample_plan


async def test_a_switch_happens_only_from_the_plan_in_use_when_asked(database: Database) -> None:
    first = (await _save(database, sample_plan(number="21/KH-UBND"))).plan.id
    second = (await _save(database, sample_plan(number="35/KH-UBND"))).plan.id
    async with database.session() as session:
        listed = await plans.plan_list(session)
        assert [p.id for p in listed.plans] == [first, second]
        assert listed.active is not None
        in_use = listed.active.id
        other = first if in_use == second else second
        assert (await plans.find_plan(session, str(other))) is not None
        assert await plans.find_plan(session, "") is None
        preview = await plans.switch_preview(session)
        assert preview.current is not None and preview.current.id == in_use
        assert preview.reported == 0
        # Asked when another plan was in use: nothing changes.
        assert await plans.switch_plan(session, other, other, actor=1) is None
        assert await plans.switch_plan(session, other + 100, in_use, actor=1) is None
        switched = await plans.switch_plan(session, other, in_use, actor=1)
        assert switched is not None and switched.id == other
    async with database.session() as session:
        active = (await plans.plan_list(session)).active
        assert active is not None and active.id == other
        assert list(await session.scalars(select(AuditEntry.action))) == ["plan.activate"]
