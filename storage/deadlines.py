"""Deadlines, who still has to report for them, and the record of every reminder sent.

Deadline rows: one ``6thang`` and one ``nam`` per year (name ""), created from the settings
(``source="default"``) and replaced by admins (``source="admin"``), plus named ``custom``
deadlines. Default rows follow the settings when those change; admin rows are never touched.

Deliveries: a reminder to a chat is claimed (a ``pending`` row, unique per deadline, reminder
and chat) before it is sent, and the claim is taken (``attempts`` 0 → 1) in its own commit
right before the send. A row still ``pending`` with ``attempts`` ≥ 1 therefore means "the
process stopped around the send; the message may or may not have gone out" and is never
sent again. The SQL here is plain enough to run the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.progress import TargetInfo, owed_by_every_unit
from bot.core.text import fold
from storage.models import (
    Chat,
    Deadline,
    Membership,
    Plan,
    PlanTarget,
    ReminderDelivery,
    Report,
    Role,
    Unit,
    User,
)
from storage.plans import target_of
from storage.types import utcnow

DEFAULT_SOURCE = "default"
ADMIN_SOURCE = "admin"
CUSTOM_KIND = "custom"

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
UNREACHABLE = "unreachable"

# Stay far below SQLite's limit on bound parameters in one statement.
_CHUNK = 400


def _insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can say ON CONFLICT DO NOTHING in the session's dialect."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


# ---------------------------------------------------------------- deadlines


@dataclass(frozen=True, slots=True)
class DefaultDeadline:
    """A period deadline as the settings say it should be."""

    year: int
    kind: str
    due_on: date


async def ensure_defaults(session: AsyncSession, wanted: Iterable[DefaultDeadline]) -> int:
    """Create missing default rows and move default rows to the settings' date; admin
    overrides stay as they are. Returns how many rows were created or moved."""
    changed = 0
    for item in wanted:
        row = await period_deadline(session, item.year, item.kind)
        if row is None:
            statement = (
                _insert(session, Deadline)
                .values(
                    year=item.year,
                    kind=item.kind,
                    name="",
                    due_on=item.due_on,
                    source=DEFAULT_SOURCE,
                )
                .on_conflict_do_nothing(index_elements=["year", "kind", "name"])
                .returning(Deadline.id)
            )
            # RETURNING, not rowcount: psycopg reports -1 for INSERT … ON CONFLICT.
            created = await session.scalar(statement)
            changed += created is not None
        elif row.source == DEFAULT_SOURCE and row.due_on != item.due_on:
            row.due_on = item.due_on
            changed += 1
    await session.flush()
    return changed


async def get_deadline(session: AsyncSession, deadline_id: int) -> Deadline | None:
    """The deadline with *deadline_id*, if it still exists."""
    return await session.get(Deadline, deadline_id)


async def period_deadline(session: AsyncSession, year: int, kind: str) -> Deadline | None:
    """The ``6thang`` or ``nam`` deadline of *year*, if its row exists."""
    return await session.scalar(
        select(Deadline).where(Deadline.year == year, Deadline.kind == kind, Deadline.name == "")
    )


async def year_dates(session: AsyncSession, year: int) -> dict[str, date]:
    """The stored period deadlines of *year*, by kind (missing kinds are absent)."""
    rows = await session.execute(
        select(Deadline.kind, Deadline.due_on).where(
            Deadline.year == year, Deadline.name == "", Deadline.kind != CUSTOM_KIND
        )
    )
    return {kind: due for kind, due in rows}


async def set_period_deadline(
    session: AsyncSession, year: int, kind: str, due_on: date, actor: int | None
) -> Deadline:
    """Make *due_on* the *kind* deadline of *year* (an admin override)."""
    row = await period_deadline(session, year, kind)
    if row is None:
        row = Deadline(year=year, kind=kind, name="", due_on=due_on)
        session.add(row)
    row.due_on, row.source, row.created_by = due_on, ADMIN_SOURCE, actor
    await session.flush()
    return row


async def find_custom(session: AsyncSession, name: str, year: int | None = None) -> list[Deadline]:
    """Custom deadlines called *name* (ignoring case and diacritics), newest date first."""
    query = select(Deadline).where(Deadline.kind == CUSTOM_KIND)
    if year is not None:
        query = query.where(Deadline.year == year)
    # Folded in Python: SQLite's lower() only knows ASCII ("Đ" ≠ "đ"); custom rows are few.
    wanted = fold(name)
    rows = await session.scalars(query.order_by(Deadline.due_on.desc()))
    return [row for row in rows if fold(row.name) == wanted]


async def upsert_custom(
    session: AsyncSession, name: str, due_on: date, actor: int | None
) -> tuple[Deadline, bool]:
    """Add the custom deadline *name* on *due_on*, or move the one of that name and year.
    Returns the row and whether it is new."""
    existing = await find_custom(session, name, due_on.year)
    if existing:
        row = existing[0]
        row.due_on, row.source, row.created_by = due_on, ADMIN_SOURCE, actor
        await session.flush()
        return row, False
    row = Deadline(
        year=due_on.year,
        kind=CUSTOM_KIND,
        name=name.strip(),
        due_on=due_on,
        source=ADMIN_SOURCE,
        created_by=actor,
    )
    session.add(row)
    await session.flush()
    return row, True


async def delete_deadline(session: AsyncSession, deadline_id: int) -> None:
    """Remove a deadline; its delivery records go with it."""
    row = await session.get(Deadline, deadline_id)
    if row is not None:
        await session.delete(row)
        await session.flush()


async def deadlines_from(
    session: AsyncSession, first_day: date, *, kinds: Collection[str] | None = None
) -> list[Deadline]:
    """Deadlines due on or after *first_day*, soonest first."""
    query = select(Deadline).where(Deadline.due_on >= first_day)
    if kinds is not None:
        query = query.where(Deadline.kind.in_(list(kinds)))
    return list(await session.scalars(query.order_by(Deadline.due_on, Deadline.id)))


# ---------------------------------------------------------------- who has reported


@dataclass(frozen=True, slots=True)
class TargetRef:
    """A reportable target of the active plan, as reminders name it."""

    id: int
    key: str
    number: str
    name: str
    value: Decimal | None
    measure: str | None
    parent_name: str | None
    owed: bool = True  # every unit reports its own figure (:func:`owed_by_every_unit`)


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """A unit against a period: ``reported`` when it owes nothing more (a live report for
    every target each unit reports itself; any report when the plan has no such target);
    ``missing`` lists the targets it still owes."""

    unit_id: int
    name: str
    reported: bool
    missing: tuple[TargetRef, ...]


async def reportable_targets(session: AsyncSession) -> list[TargetRef]:
    """The active plan's live targets that take a figure (a numeric value), in plan order.
    Empty when no plan is active."""
    plan_id = await session.scalar(
        select(Plan.id).where(Plan.is_active).order_by(Plan.updated_at.desc()).limit(1)
    )
    if plan_id is None:
        return []
    rows = list(
        await session.scalars(
            select(PlanTarget)
            .where(PlanTarget.plan_id == plan_id, PlanTarget.retired.is_(False))
            .order_by(PlanTarget.position, PlanTarget.id)
        )
    )
    names = {row.key: row.name for row in rows}
    refs = []
    for row in rows:
        if row.value is None:
            continue
        parent_name = names.get(row.parent_key) if row.parent_key else None
        info = TargetInfo.of(target_of(row), parent_name)
        refs.append(
            TargetRef(
                id=row.id,
                key=row.key,
                number=row.number,
                name=row.name,
                value=row.value,
                measure=row.measure,
                parent_name=parent_name,
                owed=owed_by_every_unit(info),
            )
        )
    return refs


async def live_units(session: AsyncSession) -> list[Unit]:
    """Units that are not deleted, by name."""
    return list(
        await session.scalars(
            select(Unit).where(Unit.deleted_at.is_(None)).order_by(Unit.name, Unit.id)
        )
    )


async def unit_statuses(session: AsyncSession, period_key: str) -> list[UnitStatus]:
    """Every live unit against the period *period_key*, by unit name."""
    targets = await reportable_targets(session)
    reported = await session.execute(
        select(Report.unit_id, Report.target_id)
        .where(Report.period_key == period_key, Report.withdrawn_at.is_(None))
        .distinct()
    )
    done: dict[int, set[int]] = defaultdict(set)
    for unit_id, target_id in reported:
        done[unit_id].add(target_id)
    owed = [t for t in targets if t.owed]
    statuses = []
    for unit in await live_units(session):
        sent = done.get(unit.id, set())
        missing = tuple(t for t in owed if t.id not in sent)
        statuses.append(
            UnitStatus(
                unit_id=unit.id,
                name=unit.name,
                reported=not missing if owed else unit.id in done,
                missing=missing,
            )
        )
    return statuses


async def reported_count(session: AsyncSession, period_key: str) -> tuple[int, int]:
    """(units that owe nothing more for the period, live units)."""
    statuses = await unit_statuses(session, period_key)
    return sum(1 for s in statuses if s.reported), len(statuses)


# ---------------------------------------------------------------- where reminders go


@dataclass(frozen=True, slots=True)
class Recipient:
    """A chat a reminder goes to; ``label`` says who it is, for admins' notices."""

    chat_id: int
    unit_id: int | None
    label: str


async def unit_recipients(
    session: AsyncSession, units: Collection[int]
) -> dict[int, list[Recipient]]:
    """Where each unit's reminders go: its bound group chats that still reach the bot, or
    else its current members' private chats (except those known to have blocked the bot).
    Units with nowhere to send are absent."""
    wanted = list(units)
    names = {
        unit_id: name
        for unit_id, name in (
            await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(wanted)))
        )
    }
    result: dict[int, list[Recipient]] = defaultdict(list)
    groups = await session.execute(
        select(Chat.unit_id, Chat.telegram_id, Chat.title)
        .where(
            Chat.unit_id.in_(wanted),
            Chat.type != "private",
            Chat.unreachable_at.is_(None),
        )
        .order_by(Chat.id)
    )
    for unit_id, chat_id, title in groups:
        assert unit_id is not None  # filtered by the IN above
        label = f"{names[unit_id]} (nhóm «{title}»)" if title else names[unit_id]
        result[unit_id].append(Recipient(chat_id, unit_id, label))
    without_group = [u for u in wanted if u not in result]
    if without_group:
        private = await session.execute(
            select(Membership.unit_id, User.telegram_id, User.full_name)
            .join(User, User.id == Membership.user_id)
            .outerjoin(Chat, Chat.telegram_id == User.telegram_id)
            .where(
                Membership.unit_id.in_(without_group),
                Membership.left_at.is_(None),
                Chat.unreachable_at.is_(None),
            )
            .order_by(Membership.id)
        )
        for unit_id, telegram_id, full_name in private:
            person = full_name or str(telegram_id)
            result[unit_id].append(Recipient(telegram_id, unit_id, f"{names[unit_id]} ({person})"))
    return dict(result)


async def admin_recipients(session: AsyncSession, configured: Iterable[int]) -> list[Recipient]:
    """Admins' private chats: ADMIN_IDS plus promoted admins, except those who blocked
    the bot."""
    rows = await session.execute(
        select(User.telegram_id, User.full_name).where(User.role == Role.ADMIN)
    )
    names = {telegram_id: full_name for telegram_id, full_name in rows}
    ids = sorted(set(configured) | set(names))
    blocked = set(
        await session.scalars(
            select(Chat.telegram_id).where(
                Chat.telegram_id.in_(ids), Chat.unreachable_at.is_not(None)
            )
        )
    )
    return [
        Recipient(chat_id, None, names.get(chat_id) or str(chat_id))
        for chat_id in ids
        if chat_id not in blocked
    ]


# ---------------------------------------------------------------- deliveries


@dataclass(frozen=True, slots=True)
class Claim:
    """The delivery row of one chat for one reminder."""

    delivery_id: int
    chat_id: int
    status: str
    attempts: int

    @property
    def sendable(self) -> bool:
        """Claimed and never tried: this run may send it."""
        return self.status == PENDING and self.attempts == 0

    @property
    def interrupted(self) -> bool:
        """Tried by a run that stopped before recording the outcome: it may have gone out."""
        return self.status == PENDING and self.attempts > 0


async def claim_deliveries(
    session: AsyncSession,
    deadline_id: int,
    reminder_key: str,
    recipients: Sequence[tuple[int, int | None]],
) -> dict[int, Claim]:
    """Claim (chat, unit) pairs for a reminder; rows that already exist are kept as they are.
    Returns the row of every given chat, by chat id."""
    chat_ids = list(dict.fromkeys(chat_id for chat_id, _ in recipients))
    units = dict(recipients)
    for chunk in _chunks(chat_ids):
        statement = (
            _insert(session, ReminderDelivery)
            .values(
                [
                    {
                        "deadline_id": deadline_id,
                        "reminder_key": reminder_key,
                        "chat_telegram_id": chat_id,
                        "unit_id": units[chat_id],
                        "status": PENDING,
                        "attempts": 0,
                        "created_at": utcnow(),
                    }
                    for chat_id in chunk
                ]
            )
            .on_conflict_do_nothing(
                index_elements=["deadline_id", "reminder_key", "chat_telegram_id"]
            )
        )
        await session.execute(statement)
    claims: dict[int, Claim] = {}
    for chunk in _chunks(chat_ids):
        rows = await session.execute(
            select(
                ReminderDelivery.id,
                ReminderDelivery.chat_telegram_id,
                ReminderDelivery.status,
                ReminderDelivery.attempts,
            ).where(
                ReminderDelivery.deadline_id == deadline_id,
                ReminderDelivery.reminder_key == reminder_key,
                ReminderDelivery.chat_telegram_id.in_(list(chunk)),
            )
        )
        for delivery_id, chat_id, status, attempts in rows:
            claims[chat_id] = Claim(delivery_id, chat_id, status, attempts)
    return claims


async def start_attempt(session: AsyncSession, delivery_id: int) -> bool:
    """Take a claimed, never-tried delivery for sending (attempts 0 → 1). False when another
    run got there first: only the run that flips the row may send."""
    result = await session.execute(
        update(ReminderDelivery)
        .where(
            ReminderDelivery.id == delivery_id,
            ReminderDelivery.status == PENDING,
            ReminderDelivery.attempts == 0,
        )
        .values(attempts=1)
    )
    return bool(getattr(result, "rowcount", 0))


async def finish_delivery(
    session: AsyncSession,
    delivery_id: int,
    status: str,
    *,
    attempts: int,
    sent_at: datetime | None = None,
    error: str | None = None,
) -> None:
    """Record the outcome of a delivery."""
    await session.execute(
        update(ReminderDelivery)
        .where(ReminderDelivery.id == delivery_id)
        .values(status=status, attempts=attempts, sent_at=sent_at, error=error)
    )


async def delivery_rows(
    session: AsyncSession, deadline_id: int, reminder_key: str | None = None
) -> list[ReminderDelivery]:
    """The delivery rows of a deadline (one reminder when *reminder_key* is given)."""
    query = select(ReminderDelivery).where(ReminderDelivery.deadline_id == deadline_id)
    if reminder_key is not None:
        query = query.where(ReminderDelivery.reminder_key == reminder_key)
    return list(await session.scalars(query.order_by(ReminderDelivery.id)))
