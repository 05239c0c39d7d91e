"""Questions the bot asked with buttons, kept in the database so a restart loses nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import PendingChoice


async def create(
    session: AsyncSession,
    *,
    kind: str,
    chat_telegram_id: int,
    user_telegram_id: int,
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """Store a pending question; returns its id (used in button callback data)."""
    row = PendingChoice(
        kind=kind,
        chat_telegram_id=chat_telegram_id,
        user_telegram_id=user_telegram_id,
        payload=payload,
        created_at=now,
    )
    session.add(row)
    await session.flush()
    return row.id


async def close_for_message(
    session: AsyncSession, *, kind: str, chat_telegram_id: int, message_id: int, now: datetime
) -> int:
    """Close every open question about one message (it was edited: its buttons are stale).
    Returns how many were closed."""
    rows = await session.scalars(
        select(PendingChoice).where(
            PendingChoice.kind == kind,
            PendingChoice.chat_telegram_id == chat_telegram_id,
            PendingChoice.resolved_at.is_(None),
        )
    )
    closed = 0
    for row in rows:
        sender = row.payload.get("sender") or {}
        if sender.get("message_id") == message_id:
            row.resolved_at = now
            closed += 1
    return closed


async def take(
    session: AsyncSession, pending_id: int, *, kind: str, user_telegram_id: int, now: datetime
) -> dict[str, Any] | None:
    """The payload of an open question asked of this user, closing it (answered once);
    None when it does not exist, is someone else's, or was already answered."""
    row = await session.get(PendingChoice, pending_id, with_for_update=True)
    if (
        row is None
        or row.kind != kind
        or row.user_telegram_id != user_telegram_id
        or row.resolved_at is not None
    ):
        return None
    row.resolved_at = now
    return dict(row.payload)
