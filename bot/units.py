"""Units, the use case behind /donvi, /thamgia and /roi (handlers/units.py): the changes an
admin makes to units, each with its audit entry, on the update's session; no Telegram here.

Issue 11 moves the rest of the feature here step by step: the handler still asks
``storage.units`` directly for matching names, members, codes and joining (see the import
contract "Handlers import no storage" in pyproject.toml)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import Origin
from bot.errors import UserFacingError
from storage import units, users
from storage.models import Unit
from storage.units import DeleteOutcome


@dataclass
class Created:
    """Units made from a list of names: those created, and why the others were not
    (Vietnamese, as the name rules say it)."""

    units: list[Unit] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


async def create_units(
    session: AsyncSession, names: Sequence[str], origin: Origin, *, now: datetime
) -> Created:
    """Create a unit per name (each audited); a name refused leaves the others standing."""
    created = Created()
    for name in names:
        try:
            unit = await units.create_unit(session, name, created_by=origin.actor, now=now)
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
