"""Units, the use case behind /donvi, /thamgia and /roi (handlers/units.py): what a unit
has (members, groups, join codes), the changes admins make, joining and leaving, each change
with its audit entry, on the update's session; no Telegram here. The name and code rules
(and their Vietnamese refusals) are still storage.units's, re-exported here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Origin
from bot.core.report_parser import looks_like_unit_name
from bot.errors import UserFacingError
from storage import units, users
from storage.models import InviteCode, Unit, User
from storage.units import DEFAULT_CODE_DAYS as DEFAULT_CODE_DAYS
from storage.units import GROUP_CHAT_TYPES as GROUP_CHAT_TYPES
from storage.units import MAX_INVITE_FAILURES as MAX_INVITE_FAILURES
from storage.units import BindOutcome, DeleteOutcome, JoinOutcome, RevokeOutcome, UnitNameTaken
from storage.units import InviteCodeError as InviteCodeError
from storage.units import UnitMatch as UnitMatch
from storage.units import clean_name as clean_name
from storage.units import normalize_code as normalize_code

_NAME_SEPARATORS = re.compile(r"[;\n]")


def split_names(text: str) -> list[str]:
    """The unit names in what follows ``/donvi them``: one per line or between ";".

    A comma separates names only when every part reads as a unit's name on its own
    ("Thôn 1, Thôn 2" → two units, like "Thôn 1; Thôn 2"); otherwise it belongs to the name
    ("Tổ dân phố 3, phường Bắc" is kept whole, as a comma inside a name is legitimate)."""
    names: list[str] = []
    for piece in _NAME_SEPARATORS.split(text):
        piece = piece.strip()
        if not piece:
            continue
        parts = [part.strip() for part in piece.split(",")]
        if len(parts) > 1 and all(part and looks_like_unit_name(part) for part in parts):
            names.extend(parts)
        else:
            names.append(piece)
    return names


@dataclass
class Created:
    """Units made from a list of names: those created, the names of units that already
    existed (as stored), and why the others were not (Vietnamese, as the name rules say it)."""

    units: list[Unit] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


async def create_units(
    session: AsyncSession, names: Sequence[str], origin: Origin, *, now: datetime
) -> Created:
    """Create a unit per name (each audited); a name refused leaves the others standing."""
    created = Created()
    for name in names:
        try:
            unit = await units.create_unit(session, name, created_by=origin.actor, now=now)
        except UnitNameTaken as taken:
            if units.clean_name(name) == taken.existing_name:  # the very name: say it exists
                made_now = any(unit.id == taken.existing_id for unit in created.units)
                if not made_now and taken.existing_name not in created.existing:
                    created.existing.append(taken.existing_name)
                continue
            created.refused.append(taken.message_vi)
            continue
        except UserFacingError as error:  # raised before anything is written
            created.refused.append(error.message_vi)
            continue
        created.units.append(unit)
        await origin.audit(session, "unit.create", unit_id=unit.id, name=unit.name)
    return created


async def delete_unit(
    session: AsyncSession, unit_id: int, origin: Origin, *, now: datetime
) -> DeleteOutcome | None:
    """Delete unit *unit_id* as /donvi xoa asked (audited); None when it is already gone."""
    unit = await session.get(Unit, unit_id)
    if unit is None or unit.deleted_at is not None:
        return None
    outcome = await units.delete_unit(session, unit, now=now)
    await origin.audit(
        session,
        "unit.delete",
        unit_id=outcome.unit.id,
        name=outcome.unit.name,
        members_released=outcome.members_released,
        chats_unbound=outcome.chats_unbound,
        codes_revoked=outcome.codes_revoked,
    )
    return outcome


@dataclass(frozen=True)
class Invite:
    """A join code made for a unit, and when it stops working."""

    code: str
    expires_at: datetime


async def new_invite(
    session: AsyncSession, unit: Unit, origin: Origin, *, now: datetime, days: int
) -> Invite:
    """A join code for *unit*, valid *days* days (audited)."""
    invite = await units.create_invite_code(
        session, unit, created_by=origin.actor, now=now, days=days
    )
    await origin.audit(
        session,
        "invite.create",
        unit_id=unit.id,
        code=invite.code,
        expires_at=invite.expires_at.isoformat(),
    )
    return Invite(invite.code, invite.expires_at)


async def migrate_chat(session: AsyncSession, old_id: int, new_id: int) -> None:
    """A group became a supergroup (new id): its unit binding follows it (audited)."""
    await users.move_chat(session, old_id, new_id)
    await users.audit(session, "chat.migrate", chat=old_id, new_chat=new_id)


@dataclass(frozen=True)
class Overview:
    """Every live unit, in natural order, with its members, bound groups and usable codes
    (newest first), counted by unit id."""

    units: list[Unit]
    members: dict[int, int]
    groups: dict[int, int]
    codes: dict[int, list[InviteCode]]


async def overview(session: AsyncSession, *, now: datetime) -> Overview:
    """What /donvi lists."""
    return Overview(
        await units.list_units(session),
        await units.member_counts(session),
        await units.bound_chat_counts(session),
        await units.open_invite_codes(session, now=now),
    )


async def match(session: AsyncSession, name: str) -> UnitMatch:
    """The unit *name* refers to (exactly, or the one close enough), and the close ones."""
    return await units.match_unit(session, name)


@dataclass(frozen=True)
class Detail:
    """One unit as /donvi <tên> shows it."""

    members: list[User]
    groups: int
    codes: list[InviteCode]


async def detail(session: AsyncSession, unit: Unit, *, now: datetime) -> Detail:
    """*unit*'s members, bound groups and usable codes."""
    return Detail(
        await units.unit_members(session, unit.id),
        (await units.bound_chat_counts(session)).get(unit.id, 0),
        (await units.open_invite_codes(session, now=now)).get(unit.id, []),
    )


async def rename(session: AsyncSession, unit: Unit, new_name: str, origin: Origin) -> str:
    """Rename *unit* (audited); its old name."""
    old = await units.rename_unit(session, unit, new_name)
    await origin.audit(session, "unit.rename", unit_id=unit.id, old=old, new=unit.name)
    return old


@dataclass(frozen=True)
class DeletionPreview:
    """What deleting a unit would change, told before asking."""

    members: int
    groups: int
    codes: int
    reported: int


async def deletion_preview(session: AsyncSession, unit: Unit, *, now: datetime) -> DeletionPreview:
    """Members leaving, groups unbound, codes revoked, figures kept if *unit* is deleted."""
    return DeletionPreview(
        (await units.member_counts(session)).get(unit.id, 0),
        (await units.bound_chat_counts(session)).get(unit.id, 0),
        len((await units.open_invite_codes(session, now=now)).get(unit.id, [])),
        await units.unit_report_count(session, unit.id),
    )


async def revoke(
    session: AsyncSession, typed: str, origin: Origin, *, now: datetime
) -> RevokeOutcome | None:
    """Revoke the code *typed* (audited when it changes anything); None when no such code."""
    outcome = await units.revoke_invite_code(session, typed, now=now)
    if outcome is not None and not outcome.already_revoked:
        await origin.audit(
            session, "invite.revoke", unit_id=outcome.unit.id, code=outcome.invite.code
        )
    return outcome


async def join_wait(session: AsyncSession, user_id: int, *, now: datetime) -> datetime | None:
    """Until when *user_id* must wait after too many wrong codes; None when they need not."""
    return await units.invite_wait_until(session, user_telegram_id=user_id, now=now)


async def record_failure(
    session: AsyncSession, user_id: int, chat_id: int, error: InviteCodeError, *, now: datetime
) -> None:
    """Count a refused code towards *user_id*'s limit."""
    await units.record_invite_failure(
        session, user_telegram_id=user_id, chat_telegram_id=chat_id, problem=error.problem, now=now
    )


async def join(
    session: AsyncSession, code: str, user_id: int, origin: Origin, *, now: datetime
) -> tuple[Unit, JoinOutcome]:
    """*user_id* joins (or moves to) the unit of *code* (audited); raises InviteCodeError
    for a code that does not let anyone in."""
    invite, unit = await units.redeem_invite_code(session, code, now=now)
    outcome = await units.join_unit(
        session, user_telegram_id=user_id, unit=unit, now=now, invite_code_id=invite.id
    )
    if not outcome.already_member:
        previous = outcome.previous
        await origin.audit(
            session,
            "unit.move" if previous else "unit.join",
            unit_id=unit.id,
            unit=unit.name,
            from_unit_id=previous.id if previous else None,
            from_unit=previous.name if previous else None,
            code=invite.code,
        )
    return unit, outcome


@dataclass(frozen=True)
class GroupChat:
    """A group chat as Telegram describes it."""

    id: int
    type: str
    title: str | None


@dataclass(frozen=True)
class Binding:
    """What became of binding a group: the code's unit, and either the outcome or, when the
    group belongs to another unit and only an admin may move it, that unit."""

    unit: Unit
    outcome: BindOutcome | None = None
    held_by: Unit | None = None


async def bind_group(
    session: AsyncSession,
    code: str,
    chat: GroupChat,
    origin: Origin,
    *,
    admin: bool,
    now: datetime,
) -> Binding:
    """Bind *chat* to the unit of *code* (audited); a group bound to another unit moves only
    for an admin (a code must not let any member move a whole group)."""
    _invite, unit = await units.redeem_invite_code(session, code, now=now)
    current = await units.unit_of_chat(session, chat.id)
    if current is not None and current.id != unit.id and not admin:
        return Binding(unit, held_by=current)
    outcome = await units.bind_chat(
        session, chat_telegram_id=chat.id, chat_type=chat.type, title=chat.title or "", unit=unit
    )
    if not outcome.unchanged:
        await origin.audit(
            session,
            "chat.bind",
            unit_id=unit.id,
            unit=unit.name,
            from_unit_id=outcome.previous.id if outcome.previous else None,
            title=chat.title,
        )
    return Binding(unit, outcome)


async def leave(
    session: AsyncSession, user_id: int, origin: Origin, *, now: datetime
) -> Unit | None:
    """*user_id* leaves their unit (audited); the unit left, None when in none."""
    left = await units.leave_unit(session, user_telegram_id=user_id, now=now)
    if left is not None:
        await origin.audit(session, "unit.leave", unit_id=left.id, unit=left.name)
    return left


async def unbind(session: AsyncSession, chat_id: int, origin: Origin) -> Unit | None:
    """Unbind group *chat_id* (audited); the unit it was bound to, None when none."""
    previous = await units.unbind_chat(session, chat_id)
    if previous is not None:
        await origin.audit(session, "chat.unbind", unit_id=previous.id, unit=previous.name)
    return previous
