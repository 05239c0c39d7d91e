"""The changes /donvi makes through its use case (bot/units.py), without Telegram: each is
audited, a refused name leaves the others, a unit is deleted once, a group's binding follows
its new id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot import units as use
from bot.audit import Origin
from bot.units import GroupChat
from storage import units, users
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


async def test_joining_binding_leaving_each_audited(database: Database) -> None:
    async with database.session() as session:
        [one, two] = (await use.create_units(session, ["Thôn 5", "Thôn 6"], BY, now=NOW)).units
        code_one = (await use.new_invite(session, one, BY, now=NOW, days=7)).code
        code_two = (await use.new_invite(session, two, BY, now=NOW, days=7)).code
        await users.upsert_user(session, 30, "Trần Thị Bình", None)
    async with database.session() as session:
        unit, joined = await use.join(session, code_one, 30, BY, now=NOW)
        assert unit.name == "Thôn 5" and not joined.already_member
        seen = await use.detail(session, unit, now=NOW)
        assert [m.telegram_id for m in seen.members] == [30] and len(seen.codes) == 1
        group = GroupChat(-200, "group", "Nhóm thôn 5")
        bound = await use.bind_group(session, code_one, group, BY, admin=False, now=NOW)
        assert bound.outcome is not None and not bound.outcome.unchanged
        # A member's code for another unit does not move the group; an admin's does.
        held = await use.bind_group(session, code_two, group, BY, admin=False, now=NOW)
        assert held.held_by is not None and held.held_by.name == "Thôn 5"
        preview = await use.deletion_preview(session, unit, now=NOW)
        assert (preview.members, preview.groups, preview.codes) == (1, 1, 1)
        left = await use.leave(session, 30, BY, now=NOW)
        assert left is not None and left.name == "Thôn 5"
        assert await use.leave(session, 30, BY, now=NOW) is None
        unbound = await use.unbind(session, -200, BY)
        assert unbound is not None and await use.unbind(session, -200, BY) is None
        revoked = await use.revoke(session, code_two, BY, now=NOW)
        assert revoked is not None and not revoked.already_revoked
        assert await use.revoke(session, "KHONGCO", BY, now=NOW) is None
        overview = await use.overview(session, now=NOW)
        assert overview.codes.get(two.id, []) == []
    assert (await _actions(database))[-5:] == [
        "unit.join",
        "chat.bind",
        "unit.leave",
        "chat.unbind",
        "invite.revoke",
    ]
