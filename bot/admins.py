"""Admins, the use case behind /quantri (handlers/admins.py): who is an admin and why,
giving the role and taking it back. Plain functions on the update's session, typed results;
the replies are the handler's, and no Telegram here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Origin
from storage import users
from storage.models import Role, User


@dataclass(frozen=True)
class Person:
    """Someone an admin names: their Telegram id and what the bot knows of them."""

    telegram_id: int
    full_name: str = ""  # empty when the bot has never seen them (or they have no name)
    username: str | None = None
    admin: bool = False  # holds the role in the database (ADMIN_IDS aside)


def _person(telegram_id: int, user: User | None) -> Person:
    if user is None:
        return Person(telegram_id)
    return Person(telegram_id, user.full_name, user.username, user.role == Role.ADMIN)


async def person(session: AsyncSession, telegram_id: int) -> Person:
    """*telegram_id* as the bot knows them."""
    return _person(telegram_id, await users.get_user(session, telegram_id))


async def known(session: AsyncSession, telegram_id: int) -> bool:
    """Whether the bot has seen *telegram_id* (one can only promote such a person)."""
    return await users.get_user(session, telegram_id) is not None


async def by_username(session: AsyncSession, username: str) -> int | None:
    """The Telegram id of @*username* (case-insensitive, as on Telegram), None if unseen."""
    user = await session.scalar(
        select(User).where(func.lower(User.username) == username.lower()).limit(1)
    )
    return None if user is None else user.telegram_id


async def admins(session: AsyncSession, also: Iterable[int]) -> list[Person]:
    """Every admin: those holding the role, and *also* (ADMIN_IDS, a console session's), by id."""
    ids = sorted(set(await users.admin_telegram_ids(session)) | set(also))
    return [await person(session, telegram_id) for telegram_id in ids]


class Promotion(Enum):
    """What became of "make them an admin"."""

    UNKNOWN = "unknown"  # the bot has never seen them
    ALREADY = "already"
    DONE = "done"


async def promote(
    session: AsyncSession, telegram_id: int, origin: Origin
) -> tuple[Promotion, Person]:
    """Give *telegram_id* the admin role (audited), if the bot knows them."""
    user = await users.get_user(session, telegram_id)
    someone = _person(telegram_id, user)
    if user is None:
        return Promotion.UNKNOWN, someone
    if someone.admin:
        return Promotion.ALREADY, someone
    await users.set_role(session, telegram_id, Role.ADMIN)
    await origin.audit(session, "admin.promote", telegram_id=telegram_id, name=user.full_name)
    return Promotion.DONE, someone


class Demotion(Enum):
    """Whether an admin's role can be taken back by command, and if not why."""

    POSSIBLE = "possible"
    CONFIGURED = "configured"  # in ADMIN_IDS: only the configuration takes it back
    SESSION = "session"  # a console session's admin, for that session only
    NOT_ADMIN = "not_admin"


async def demotable(
    session: AsyncSession,
    telegram_id: int,
    *,
    configured: Iterable[int],
    for_session: Iterable[int] = (),
) -> tuple[Demotion, Person]:
    """Whether *telegram_id*'s admin role can be taken back by command."""
    someone = await person(session, telegram_id)
    if telegram_id in set(configured):
        return Demotion.CONFIGURED, someone
    if telegram_id in set(for_session):
        return Demotion.SESSION, someone
    if not someone.admin:
        return Demotion.NOT_ADMIN, someone
    return Demotion.POSSIBLE, someone


async def demote(
    session: AsyncSession, telegram_id: int, origin: Origin, *, configured: Iterable[int]
) -> tuple[bool, Person]:
    """Take the admin role back from *telegram_id* (audited), checking again: things may
    have changed since the question; False when it is not a role a command takes back."""
    someone = await person(session, telegram_id)
    if telegram_id in set(configured) or not someone.admin:
        return False, someone
    await users.set_role(session, telegram_id, Role.USER)
    await origin.audit(session, "admin.demote", telegram_id=telegram_id, name=someone.full_name)
    return True, someone
