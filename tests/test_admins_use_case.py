"""/quantri's use case (bot/admins.py) without Telegram: who is an admin, giving the role to
someone the bot knows, taking it back only where a command may, each change audited."""

from __future__ import annotations

from sqlalchemy import select

from bot import admins
from bot.admins import Demotion, Person, Promotion
from bot.audit import Origin
from storage import users
from storage.db import Database
from storage.models import AuditEntry

BY = Origin(actor=1, chat=1, message_id=7)


async def _seen(database: Database, telegram_id: int, name: str, handle: str | None) -> None:
    async with database.session() as session:
        await users.upsert_user(session, telegram_id, name, handle)


async def test_only_someone_the_bot_knows_is_promoted_once_and_audited(database: Database) -> None:
    async with database.session() as session:
        assert (await admins.promote(session, 20, BY))[0] is Promotion.UNKNOWN
    await _seen(database, 20, "Nguyễn Văn An", "AnNV")
    async with database.session() as session:
        assert await admins.by_username(session, "annv") == 20
        assert await admins.promote(session, 20, BY) == (
            Promotion.DONE,
            Person(20, "Nguyễn Văn An", "AnNV", admin=False),
        )
    async with database.session() as session:
        assert (await admins.promote(session, 20, BY))[0] is Promotion.ALREADY
        listed = await admins.admins(session, also=[3])
        assert [(p.telegram_id, p.admin) for p in listed] == [(3, False), (20, True)]
        actions = list(await session.scalars(select(AuditEntry.action)))
    assert actions == ["admin.promote"]


async def test_a_role_from_the_configuration_or_a_session_is_not_taken_back(
    database: Database,
) -> None:
    await _seen(database, 20, "Nguyễn Văn An", None)
    async with database.session() as session:
        await admins.promote(session, 20, BY)
    async with database.session() as session:
        asked = await admins.demotable(session, 20, configured=[20])
        assert asked[0] is Demotion.CONFIGURED
        assert (await admins.demotable(session, 20, configured=[], for_session=[20]))[0] is (
            Demotion.SESSION
        )
        assert (await admins.demotable(session, 21, configured=[]))[0] is Demotion.NOT_ADMIN
        assert (await admins.demotable(session, 20, configured=[]))[0] is Demotion.POSSIBLE
        assert not (await admins.demote(session, 20, BY, configured=[20]))[0]
        demoted, someone = await admins.demote(session, 20, BY, configured=[])
        assert demoted and someone.full_name == "Nguyễn Văn An"
    async with database.session() as session:
        assert not (await admins.person(session, 20)).admin
        assert not (await admins.demote(session, 20, BY, configured=[]))[0]
