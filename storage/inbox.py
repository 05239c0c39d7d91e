"""The durable inbox: Telegram updates stored before they are acknowledged, then claimed,
processed and marked done.

Claims are made so that several replicas can drain one PostgreSQL inbox: rows are locked
with ``SELECT … FOR UPDATE SKIP LOCKED`` (SQLite, a single writer, ignores the clause), a
claim older than *stale_after* is taken over, and a row is never claimed while an older
row of the same chat is still held by another replica (updates of one chat stay in order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import InboxStatus, InboxUpdate

# Longest error text kept on a row (the traceback goes to the log, not here).
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class IncomingUpdate:
    """An update as received: its id, its chat (for ordering) and its JSON."""

    update_id: int
    chat_telegram_id: int | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class ClaimedUpdate:
    """A row this replica now holds, with how many times it was claimed (this one included)."""

    update_id: int
    chat_telegram_id: int | None
    payload: dict[str, Any]
    attempts: int


async def store(session: AsyncSession, updates: Sequence[IncomingUpdate], now: datetime) -> int:
    """Insert *updates*, skipping ids already stored (Telegram redelivers the last batch
    fetched before a crash). Returns how many rows were new."""
    if not updates:
        return 0
    rows = [
        {
            "update_id": u.update_id,
            "chat_telegram_id": u.chat_telegram_id,
            "payload": u.payload,
            "received_at": now,
            "status": InboxStatus.PENDING,
            "attempts": 0,
        }
        for u in updates
    ]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(InboxUpdate)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["update_id"])
        .returning(InboxUpdate.update_id)
    )
    return len((await session.execute(statement)).all())


def _claimable(stale_before: datetime) -> Any:
    """Rows free to take: pending, or claimed by a replica whose claim went stale."""
    return or_(
        InboxUpdate.status == InboxStatus.PENDING,
        and_(InboxUpdate.status == InboxStatus.CLAIMED, InboxUpdate.claimed_at < stale_before),
    )


def _no_earlier_row_held_elsewhere(claimant: str, stale_before: datetime) -> Any:
    """Per-chat order across replicas: skip a row while an older row of its chat is held
    (claimed, not stale) by another replica."""
    earlier = aliased(InboxUpdate)
    blocking = (
        select(earlier.update_id)
        .where(
            earlier.chat_telegram_id == InboxUpdate.chat_telegram_id,
            earlier.update_id < InboxUpdate.update_id,
            earlier.status == InboxStatus.CLAIMED,
            earlier.claimed_by != claimant,
            earlier.claimed_at >= stale_before,
        )
        .exists()
    )
    return or_(InboxUpdate.chat_telegram_id.is_(None), ~blocking)


async def claim(
    session: AsyncSession,
    claimant: str,
    now: datetime,
    *,
    limit: int,
    stale_after: timedelta,
    exclude: Sequence[int] = (),
) -> list[ClaimedUpdate]:
    """Take up to *limit* rows for *claimant*, oldest first (commit to make the claim
    visible). *exclude*: ids this replica is still processing."""
    stale_before = now - stale_after
    query = (
        select(InboxUpdate)
        .where(
            _claimable(stale_before),
            _no_earlier_row_held_elsewhere(claimant, stale_before),
        )
        .order_by(InboxUpdate.update_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if exclude:
        query = query.where(InboxUpdate.update_id.not_in(list(exclude)))
    rows = list(await session.scalars(query))
    for row in rows:
        row.status = InboxStatus.CLAIMED
        row.claimed_by = claimant
        row.claimed_at = now
        row.attempts += 1
    await session.flush()
    return [
        ClaimedUpdate(r.update_id, r.chat_telegram_id, dict(r.payload), r.attempts) for r in rows
    ]


async def mark_done(session: AsyncSession, update_id: int, now: datetime) -> None:
    """The update's handler ran: it is never processed again."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id)
        .values(status=InboxStatus.DONE, done_at=now, error=None)
    )


async def mark_failed(session: AsyncSession, update_id: int, now: datetime, error: str) -> None:
    """Give up on an update (kept, with the reason, for an operator to look at)."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id)
        .values(status=InboxStatus.FAILED, done_at=now, error=error[:MAX_ERROR_CHARS])
    )


async def requeue(session: AsyncSession, update_id: int, error: str) -> None:
    """Processing broke down (not the handler: the machinery): back to pending, reason kept."""
    await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.update_id == update_id)
        .values(
            status=InboxStatus.PENDING,
            claimed_by=None,
            claimed_at=None,
            error=error[:MAX_ERROR_CHARS],
        )
    )


async def release(session: AsyncSession, claimant: str) -> int:
    """Hand back every row *claimant* holds (at a clean stop, or at start after a crash of
    the same replica), so it is processed again at once rather than after the stale delay."""
    result = await session.execute(
        update(InboxUpdate)
        .where(InboxUpdate.status == InboxStatus.CLAIMED, InboxUpdate.claimed_by == claimant)
        .values(status=InboxStatus.PENDING, claimed_by=None, claimed_at=None)
    )
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


async def prune(session: AsyncSession, done_before: datetime) -> int:
    """Delete rows done before *done_before* (failed rows stay for inspection)."""
    result = await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.status == InboxStatus.DONE, InboxUpdate.done_at < done_before
        )
    )
    return max(int(getattr(result, "rowcount", 0) or 0), 0)


async def count_by_status(session: AsyncSession) -> dict[str, int]:
    """How many rows are in each status (for logs and tests)."""
    rows = await session.execute(
        select(InboxUpdate.status, func.count()).group_by(InboxUpdate.status)
    )
    return {status: int(count) for status, count in rows.all()}


__all__ = [
    "ClaimedUpdate",
    "IncomingUpdate",
    "claim",
    "count_by_status",
    "mark_done",
    "mark_failed",
    "prune",
    "release",
    "requeue",
    "store",
]
