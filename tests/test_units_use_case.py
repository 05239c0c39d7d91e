"""The changes /donvi makes through its use case (bot/units.py), without Telegram: each is
audited, a refused name leaves the others, a unit is deleted once, a group's binding follows
its new id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot import units as use
from bot.audit import Origin
from storage import units
from storage.db import Database
from storage.models import AuditEntry

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
BY = Origin(actor=1, chat=1, message_id=5)


async def _actions(database: Database) -> list[str]:
    async with database.session() as session:
        return list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


async def test_units_are_created_each_audited_a_refused_name_leaving_the_others(
    database: Database,
) -> None:
    async with database.session() as session:
        made = await use.create_units(session, ["Thôn 1", "thôn 1", "Thôn 2"], BY, now=NOW)
    assert [unit.name for unit in made.units] == ["Thôn 1", "Thôn 2"]
    [reason] = made.refused
    assert "Thôn 1" in reason
    assert await _actions(database) == ["unit.create", "unit.create"]


async def test_a_unit_is_deleted_once_and_a_code_made_for_it_expires(database: Database) -> None:
    async with database.session() as session:
        [unit] = (await use.create_units(session, ["Thôn 3"], BY, now=NOW)).units
        invite = await use.new_invite(session, unit, BY, now=NOW, days=7)
        assert invite.expires_at - NOW == timedelta(days=7)
        unit_id = unit.id
    async with database.session() as session:
        outcome = await use.delete_unit(session, unit_id, BY, now=NOW)
        assert outcome is not None and outcome.codes_revoked == 1
    async with database.session() as session:
        assert await use.delete_unit(session, unit_id, BY, now=NOW) is None
        assert await use.delete_unit(session, unit_id + 100, BY, now=NOW) is None
    assert await _actions(database) == ["unit.create", "invite.create", "unit.delete"]


async def test_a_group_binding_follows_its_new_id(database: Database) -> None:
    async with database.session() as session:
        [unit] = (await use.create_units(session, ["Thôn 4"], BY, now=NOW)).units
        await units.bind_chat(
            session, chat_telegram_id=-100, chat_type="group", title="Thôn 4", unit=unit
        )
    async with database.session() as session:
        await use.migrate_chat(session, -100, -1001)
    async with database.session() as session:
        moved = await units.unit_of_chat(session, -1001)
        assert moved is not None and moved.name == "Thôn 4"
        assert await units.unit_of_chat(session, -100) is None
    assert (await _actions(database))[-1] == "chat.migrate"
