"""Progress reports: append-only rows, latest figures per unit and target, withdrawals, edits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import CommuneReporter, PlanTarget, Report, TargetVerdict, User


@dataclass(frozen=True, slots=True)
class NewReport:
    """What a handler hands over to be stored; the repository fills in the total."""

    unit_id: int
    target_id: int
    plan_id: int
    period_key: str
    running_keys: tuple[str, ...]  # the periods the cumulative figure counts from
    excluding: tuple[int, int] | None  # (chat, message) whose rows an edit replaces
    value: Decimal
    delta: bool
    reporter_telegram_id: int
    chat_telegram_id: int
    message_id: int | None
    source_key: str
    source_text: str
    reported_at: datetime


def _live() -> list[ColumnElement[bool]]:
    """Conditions for reports that still count: not withdrawn, not corrected by an edit."""
    return [Report.withdrawn_at.is_(None), Report.superseded_by_id.is_(None)]


def _running_total(rows: Sequence[Report]) -> Decimal | None:
    """The cumulative figure the live *rows* (oldest first) add up to.

    Derived on every read rather than stored, so withdrawing or correcting any report, an
    increment's base included, is reflected in every later total."""
    total: Decimal | None = None
    for row in rows:
        total = row.value if row.mode == "cumulative" else (total or Decimal(0)) + row.value
    return total


def _in_order() -> tuple[ColumnElement[Any], ...]:
    return (Report.reported_at.asc(), Report.id.asc())


async def current_total(
    session: AsyncSession,
    unit_id: int,
    target_id: int,
    period_keys: Sequence[str],
    *,
    excluding: tuple[int, int] | None = None,
) -> Decimal | None:
    """The unit's cumulative figure for the target over *period_keys*, if it has any;
    *excluding* (chat, message) leaves out the rows of a message being corrected."""
    query = select(Report).where(
        Report.unit_id == unit_id,
        Report.target_id == target_id,
        Report.period_key.in_(period_keys),
        *_live(),
    )
    if excluding is not None:
        chat_id, message_id = excluding
        query = query.where(
            ~and_(Report.chat_telegram_id == chat_id, Report.message_id == message_id)
        )
    rows = await session.scalars(query.order_by(*_in_order()))
    return _running_total(list(rows))


async def add_report(session: AsyncSession, new: NewReport) -> Report | None:
    """Store *new*; None when the same message already produced a row for this target
    (a redelivered update), so nothing is ever counted twice."""
    existing = await session.scalar(
        select(Report).where(Report.source_key == new.source_key, Report.target_id == new.target_id)
    )
    if existing is not None:
        return None
    total = new.value
    if new.delta:
        total += (
            await current_total(
                session, new.unit_id, new.target_id, new.running_keys, excluding=new.excluding
            )
            or 0
        )
    reporter_id = await session.scalar(
        select(User.id).where(User.telegram_id == new.reporter_telegram_id)
    )
    values = dict(
        unit_id=new.unit_id,
        target_id=new.target_id,
        plan_id=new.plan_id,
        period_key=new.period_key,
        value=new.value,
        mode="delta" if new.delta else "cumulative",
        cumulative_value=total,
        reporter_user_id=reporter_id,
        reporter_telegram_id=new.reporter_telegram_id,
        reported_at=new.reported_at,
        chat_telegram_id=new.chat_telegram_id,
        message_id=new.message_id,
        source_key=new.source_key,
        source_text=new.source_text,
    )
    # ON CONFLICT rather than a savepoint: a concurrent delivery of the same update that won
    # the race leaves this one a no-op, and the caller's transaction stays whole (on SQLite a
    # savepoint outside an explicit BEGIN commits when released).
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(Report)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Report.source_key, Report.target_id])
        .returning(Report)
    )
    return await session.scalar(statement)


async def withdraw(session: AsyncSession, report_ids: Sequence[int], now: datetime) -> list[Report]:
    """Mark reports withdrawn (kept for history); returns those that were live."""
    rows = await session.scalars(
        select(Report).where(Report.id.in_(report_ids), Report.withdrawn_at.is_(None))
    )
    withdrawn = list(rows)
    for report in withdrawn:
        report.withdrawn_at = now
    return withdrawn


async def last_report_batch(
    session: AsyncSession, reporter_telegram_id: int, plan_id: int
) -> list[Report]:
    """The live reports of the sender's most recent message under the plan (what /huy
    withdraws: never figures of a plan no longer in use)."""
    latest = await session.scalar(
        select(Report)
        .where(
            Report.reporter_telegram_id == reporter_telegram_id,
            Report.plan_id == plan_id,
            *_live(),
        )
        .order_by(Report.reported_at.desc(), Report.id.desc())
        .limit(1)
    )
    if latest is None:
        return []
    rows = await session.scalars(
        select(Report).where(
            Report.reporter_telegram_id == reporter_telegram_id,
            Report.source_key == latest.source_key,
            *_live(),
        )
    )
    return list(rows)


async def reports_with_source(session: AsyncSession, source_key: str) -> list[Report]:
    """Every report stored from one message version."""
    rows = await session.scalars(select(Report).where(Report.source_key == source_key))
    return list(rows)


async def reports_of_message(
    session: AsyncSession, chat_telegram_id: int, message_id: int, *, live_only: bool = True
) -> list[Report]:
    """Reports created by one Telegram message (to correct them when it is edited): the
    live ones, or with *live_only* False every one, withdrawn and corrected included."""
    rows = await session.scalars(
        select(Report).where(
            Report.chat_telegram_id == chat_telegram_id,
            Report.message_id == message_id,
            *(_live() if live_only else ()),
        )
    )
    return list(rows)


async def replace_reports(
    session: AsyncSession, old_ids: Sequence[int], new_ids: Sequence[int], now: datetime
) -> int:
    """After an edit: each old report is superseded by the new one for the same target, or
    withdrawn when the edited message no longer names its target. Returns how many changed."""
    new_rows = await session.scalars(select(Report).where(Report.id.in_(new_ids)))
    by_target = {row.target_id: row.id for row in new_rows}
    old_rows = await session.scalars(
        select(Report).where(Report.id.in_(old_ids), Report.id.not_in(new_ids), *_live())
    )
    changed = 0
    for row in old_rows:
        if row.target_id in by_target:
            row.superseded_by_id = by_target[row.target_id]
        else:
            row.withdrawn_at = now
        changed += 1
    return changed


@dataclass(frozen=True, slots=True)
class LatestFigure:
    """A unit's cumulative figure for a target, with its latest report and reporter."""

    unit_id: int
    target_id: int
    value: Decimal
    reported_at: datetime
    reporter_name: str
    period_key: str  # the period the latest report was sent in


async def latest_figures(
    session: AsyncSession, plan_id: int, period_keys: Sequence[str], unit_id: int | None = None
) -> list[LatestFigure]:
    """The cumulative figure of every (unit, target) over *period_keys*.

    Only the rows a total is made of are read: the newest cumulative report of each pair
    and the increments after it (a window over the pair, newest first, counts the
    cumulative reports seen so far). A year of weekly reports stays one small read."""
    newest_first = (Report.reported_at.desc(), Report.id.desc())
    bases_so_far = func.sum(case((Report.mode == "cumulative", 1), else_=0)).over(
        partition_by=(Report.unit_id, Report.target_id), order_by=newest_first
    )
    ranked = select(Report.id.label("id"), bases_so_far.label("bases")).where(
        Report.plan_id == plan_id, Report.period_key.in_(period_keys), *_live()
    )
    if unit_id is not None:
        ranked = ranked.where(Report.unit_id == unit_id)
    window = ranked.subquery()
    query = (
        select(Report, User.full_name)
        .join(window, window.c.id == Report.id)
        .outerjoin(User, User.id == Report.reporter_user_id)
        .where(or_(window.c.bases == 0, and_(window.c.bases == 1, Report.mode == "cumulative")))
        .order_by(*_in_order())
    )
    history: dict[tuple[int, int], list[tuple[Report, str | None]]] = {}
    for report, reporter in (await session.execute(query)).all():
        history.setdefault((report.unit_id, report.target_id), []).append((report, reporter))
    figures = []
    for entries in history.values():
        total = _running_total([report for report, _ in entries])
        last, last_reporter = entries[-1]
        assert total is not None  # every entry list holds at least one report
        figures.append(
            LatestFigure(
                unit_id=last.unit_id,
                target_id=last.target_id,
                value=total,
                reported_at=last.reported_at,
                reporter_name=last_reporter or str(last.reporter_telegram_id),
                period_key=last.period_key,
            )
        )
    return figures


async def has_reported(
    session: AsyncSession, unit_id: int, period_key: str, *, before: datetime | None = None
) -> bool:
    """True when the unit has a figure standing for the period (sent *before* a moment,
    when given: on time for a deadline)."""
    query = select(Report.id).where(
        Report.unit_id == unit_id, Report.period_key == period_key, *_live()
    )
    if before is not None:
        query = query.where(Report.reported_at < before)
    return await session.scalar(query.limit(1)) is not None


async def target_by_id(session: AsyncSession, target_id: int) -> PlanTarget | None:
    """A plan target row."""
    return await session.get(PlanTarget, target_id)


# ---------------------------------------------------------------- qualitative verdicts


@dataclass(frozen=True, slots=True)
class NewVerdict:
    """A status set for a qualitative target: by whom, for which unit, from which message."""

    plan_id: int
    target_id: int
    period_key: str
    achieved: bool
    unit_id: int | None
    set_by_telegram_id: int
    chat_telegram_id: int
    message_id: int | None
    source_text: str
    set_at: datetime


@dataclass(frozen=True, slots=True)
class StandingVerdict:
    """The newest live status of a qualitative target in a period."""

    target_id: int
    achieved: bool
    set_by: str
    set_at: datetime
    unit_id: int | None


async def add_verdict(session: AsyncSession, new: NewVerdict) -> TargetVerdict:
    """Store a status; earlier ones stay for history, the newest stands."""
    row = TargetVerdict(
        plan_id=new.plan_id,
        target_id=new.target_id,
        period_key=new.period_key,
        achieved=new.achieved,
        unit_id=new.unit_id,
        set_by_telegram_id=new.set_by_telegram_id,
        set_at=new.set_at,
        chat_telegram_id=new.chat_telegram_id,
        message_id=new.message_id,
        source_text=new.source_text,
    )
    session.add(row)
    await session.flush()
    return row


async def standing_verdicts(
    session: AsyncSession, plan_id: int, period_key: str
) -> list[StandingVerdict]:
    """Per target, the newest live status set in the period, with who set it."""
    query = (
        select(TargetVerdict, User.full_name)
        .outerjoin(User, User.telegram_id == TargetVerdict.set_by_telegram_id)
        .where(
            TargetVerdict.plan_id == plan_id,
            TargetVerdict.period_key == period_key,
            TargetVerdict.withdrawn_at.is_(None),
        )
        .order_by(TargetVerdict.set_at.asc(), TargetVerdict.id.asc())
    )
    newest: dict[int, StandingVerdict] = {}
    for row, name in (await session.execute(query)).all():
        newest[row.target_id] = StandingVerdict(
            target_id=row.target_id,
            achieved=row.achieved,
            set_by=name or str(row.set_by_telegram_id),
            set_at=row.set_at,
            unit_id=row.unit_id,
        )
    return list(newest.values())


# ---------------------------------------------------------------- units reporting for the commune


async def commune_reporter_ids(session: AsyncSession) -> set[int]:
    """Ids of the units whose figures are the commune's own."""
    return set(await session.scalars(select(CommuneReporter.unit_id)))


async def set_commune_reporter(
    session: AsyncSession, unit_id: int, *, on: bool, by: int, at: datetime
) -> bool:
    """Mark (or unmark) a unit as reporting for the whole commune; True when it changed."""
    existing = await session.get(CommuneReporter, unit_id)
    if on and existing is None:
        session.add(CommuneReporter(unit_id=unit_id, set_by_telegram_id=by, set_at=at))
        return True
    if not on and existing is not None:
        await session.delete(existing)
        return True
    return False
