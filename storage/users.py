"""Users, chats and the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditEntry, Chat, Role, User
from storage.types import utcnow


async def upsert_user(
    session: AsyncSession, telegram_id: int, full_name: str, username: str | None
) -> User:
    """The user with *telegram_id*, created on first sight; name and username kept current."""
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:
        user = User(telegram_id=telegram_id, full_name=full_name, username=username)
        session.add(user)
        await session.flush()
    elif (user.full_name, user.username) != (full_name, username):
        user.full_name, user.username = full_name, username
    return user


async def get_user(session: AsyncSession, telegram_id: int) -> User | None:
    """The user with *telegram_id*, if the bot has seen them."""
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def is_admin(session: AsyncSession, telegram_id: int) -> bool:
    """True when the user has the admin role (from ADMIN_IDS or promoted)."""
    role = await session.scalar(select(User.role).where(User.telegram_id == telegram_id))
    return role == Role.ADMIN


async def sync_admins(session: AsyncSession, admin_ids: Iterable[int]) -> None:
    """Give the admin role to every id in ADMIN_IDS (creating placeholder users as needed)."""
    for telegram_id in admin_ids:
        user = await get_user(session, telegram_id)
        if user is None:
            session.add(User(telegram_id=telegram_id, full_name="", role=Role.ADMIN))
        else:
            user.role = Role.ADMIN
    await session.flush()


async def set_role(session: AsyncSession, telegram_id: int, role: str) -> bool:
    """Change a known user's role; False when the user is unknown."""
    result = await session.execute(
        update(User).where(User.telegram_id == telegram_id).values(role=role)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def admin_telegram_ids(session: AsyncSession) -> list[int]:
    """Telegram ids of every admin."""
    rows = await session.scalars(select(User.telegram_id).where(User.role == Role.ADMIN))
    return list(rows)


async def upsert_chat(session: AsyncSession, telegram_id: int, chat_type: str, title: str) -> Chat:
    """The chat with *telegram_id*, created on first sight; a message from it means it is
    reachable again."""
    chat = await session.scalar(select(Chat).where(Chat.telegram_id == telegram_id))
    if chat is None:
        chat = Chat(telegram_id=telegram_id, type=chat_type, title=title)
        session.add(chat)
        await session.flush()
    else:
        chat.title, chat.unreachable_at = title, None
    return chat


async def mark_chat_unreachable(session: AsyncSession, telegram_id: int) -> None:
    """Remember that the bot was blocked or removed from this chat (a member's private chat
    may not have a row yet: it gets one)."""
    chat = await session.scalar(select(Chat).where(Chat.telegram_id == telegram_id))
    if chat is None:
        kind = "private" if telegram_id > 0 else "group"
        session.add(Chat(telegram_id=telegram_id, type=kind, title="", unreachable_at=utcnow()))
        await session.flush()
    else:
        chat.unreachable_at = utcnow()


async def move_chat(session: AsyncSession, old_telegram_id: int, new_telegram_id: int) -> None:
    """A group upgraded to a supergroup gets a new id: its unit binding follows it.
    Idempotent (Telegram announces the move in both chats)."""
    old = await session.scalar(select(Chat).where(Chat.telegram_id == old_telegram_id))
    if old is None:
        return
    new = await session.scalar(select(Chat).where(Chat.telegram_id == new_telegram_id))
    if new is None:
        old.telegram_id, old.type = new_telegram_id, "supergroup"
    elif new.unit_id is None and old.unit_id is not None:
        new.unit_id, old.unit_id = old.unit_id, None
    await session.flush()


async def audit(
    session: AsyncSession,
    action: str,
    *,
    actor: int | None = None,
    chat: int | None = None,
    message_id: int | None = None,
    **detail: Any,
) -> None:
    """Append one entry to the audit log."""
    session.add(
        AuditEntry(
            action=action,
            actor_telegram_id=actor,
            chat_telegram_id=chat,
            message_id=message_id,
            detail={k: v for k, v in detail.items() if v is not None},
        )
    )
