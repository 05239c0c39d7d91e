"""Storage: migrations apply on SQLite and PostgreSQL, SQLite pragmas, types round-trip."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from bot.errors import StartupError
from storage import users
from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.models import AuditEntry, Chat, Plan, PlanTarget, Role


async def test_migrations_are_idempotent(database: Database) -> None:
    await upgrade_to_head(database)  # second run is a no-op
    async with database.engine.connect() as conn:
        version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    assert version is not None


async def test_sqlite_runs_with_wal_and_foreign_keys(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("SQLite pragmas only")
    async with database.engine.connect() as conn:
        assert await conn.scalar(text("PRAGMA journal_mode")) == "wal"
        assert await conn.scalar(text("PRAGMA foreign_keys")) == 1
        assert await conn.scalar(text("PRAGMA busy_timeout")) == 5000


async def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(IntegrityError):
        async with database.session() as session:
            session.add(
                PlanTarget(
                    plan_id=999,
                    key="1",
                    number="1",
                    name="x",
                    qualifier="exact",
                    section_path="II.2",
                    source_text="x",
                    position=0,
                )
            )


async def test_decimal_and_utc_round_trip(database: Database) -> None:
    async with database.session() as session:
        plan = Plan(name="KH", identity="kh-1", content_hash="h")
        session.add(plan)
        await session.flush()
        for position, value in enumerate([Decimal("28603.61"), Decimal("1600"), Decimal("0.77")]):
            session.add(
                PlanTarget(
                    plan_id=plan.id,
                    key=str(position),
                    number=str(position),
                    name="t",
                    value=value,
                    qualifier="exact",
                    section_path="II.2",
                    source_text="t",
                    position=position,
                )
            )
    async with database.session() as session:
        values = list(await session.scalars(select(PlanTarget.value).order_by(PlanTarget.position)))
        imported_at = await session.scalar(select(Plan.imported_at))
    assert values == [Decimal("28603.61"), Decimal("1600"), Decimal("0.77")]
    assert str(values[1]) == "1600"
    assert imported_at is not None and imported_at.tzinfo is not None
    assert abs((datetime.now(UTC) - imported_at).total_seconds()) < 300


async def test_admin_sync_and_audit(database: Database) -> None:
    async with database.session() as session:
        await users.upsert_user(session, 42, "Nguyễn Văn A", "nva")
        await users.sync_admins(session, [42, 7])
        await users.audit(session, "test.action", actor=42, chat=42, message_id=3, note="x")
    async with database.session() as session:
        assert await users.is_admin(session, 42)
        assert await users.is_admin(session, 7)
        assert not await users.is_admin(session, 8)
        user = await users.get_user(session, 42)
        assert user is not None and user.full_name == "Nguyễn Văn A" and user.role == Role.ADMIN
        entry = await session.scalar(select(AuditEntry))
        assert entry is not None and entry.detail == {"note": "x"} and entry.message_id == 3


async def test_unreachable_database_gives_one_clear_line() -> None:
    database = Database("postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    with pytest.raises(StartupError) as info:
        await database.check_connection(timeout=5)
    message = str(info.value)
    assert message.startswith("Không kết nối được cơ sở dữ liệu")
    assert "secret" not in message and "\n" not in message
    await database.dispose()


async def test_a_chat_never_seen_can_still_be_marked_unreachable(database: Database) -> None:
    """A member's private chat has no row until they write there; a block must still stick."""
    async with database.session() as session:
        await users.mark_chat_unreachable(session, 777)
        await users.mark_chat_unreachable(session, 777)  # and again, without a duplicate
    async with database.session() as session:
        [chat] = list(await session.scalars(select(Chat).where(Chat.telegram_id == 777)))
        assert chat.unreachable_at is not None and chat.type == "private"
