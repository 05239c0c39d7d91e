"""Units (thôn, tổ dân phố, phòng ban…), memberships and invite codes."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Chat, Membership, Unit, User


async def unit_of_user(session: AsyncSession, telegram_id: int) -> Unit | None:
    """The unit the user currently belongs to (open membership, unit not deleted)."""
    return await session.scalar(
        select(Unit)
        .join(Membership, Membership.unit_id == Unit.id)
        .join(User, User.id == Membership.user_id)
        .where(
            User.telegram_id == telegram_id,
            Membership.left_at.is_(None),
            Unit.deleted_at.is_(None),
        )
    )


async def unit_of_chat(session: AsyncSession, chat_telegram_id: int) -> Unit | None:
    """The unit a group chat is bound to, if any."""
    return await session.scalar(
        select(Unit)
        .join(Chat, Chat.unit_id == Unit.id)
        .where(Chat.telegram_id == chat_telegram_id, Unit.deleted_at.is_(None))
    )
