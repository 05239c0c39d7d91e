"""Turning the deadlines in the database into JobQueue jobs. The JobQueue is only the clock:
everything needed to rebuild the jobs lives in the database, so :func:`rebuild_schedule` can
run at every start, after every deadline change and every night, and always ends with the
same set of jobs (one per slot, named ``reminder:<deadline_id>:<slot key>``).

Catch-up at start: when the bot was down at a slot's time, the most recent missed slot of
each deadline is sent once, if the deadline is still ahead (the overdue notice: within
:data:`OVERDUE_CATCH_UP` of its time). It goes out a few seconds after a start during working
hours; a start at night or on a day off defers it to the next working day's reminder time,
and it is dropped when a regular slot of the same deadline comes first. Sending twice is
impossible anyway: deliveries are recorded per chat, so a slot that already went out sends
nothing new.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, CallbackContext, JobQueue

from bot import periods
from bot.config import Settings
from bot.services import Services, get_services
from reminders import calendar as cal
from reminders import service
from storage import deadlines as store

logger = logging.getLogger(__name__)

JOB_PREFIX = "reminder:"
DAILY_JOB = "reminders:daily"
DAILY_AT = time(0, 5)
CATCH_UP_DELAY = timedelta(seconds=10)
QUIET_FROM = time(21, 0)  # no catch-up sends from here until the reminder time
OVERDUE_CATCH_UP = timedelta(days=3)
LOOKBACK = timedelta(days=10)  # deadlines this far past can still have an overdue notice

AnyApplication = Application[Any, Any, Any, Any, Any, Any]
AnyContext = CallbackContext[Any, Any, Any, Any]


@dataclass(frozen=True, slots=True)
class DeadlineRef:
    """What planning needs of a deadline row."""

    id: int
    kind: str
    due_on: date


@dataclass(frozen=True, slots=True)
class PlannedJob:
    """One job to register."""

    name: str
    when: datetime  # aware
    deadline_id: int
    slot_key: str
    due_on: date
    catch_up: bool

    @property
    def data(self) -> dict[str, Any]:
        """What the job callback receives."""
        return {
            "deadline_id": self.deadline_id,
            "slot_key": self.slot_key,
            "due_on": self.due_on.isoformat(),
            "catch_up": self.catch_up,
        }


def job_name(deadline_id: int, slot_key: str) -> str:
    """ "reminder:12:d-3"."""
    return f"{JOB_PREFIX}{deadline_id}:{slot_key}"


def catch_up_time(now: datetime, settings: Settings) -> datetime:
    """When a missed send may go out: a few seconds after *now* on a working day between
    the reminder time and :data:`QUIET_FROM`; otherwise at the reminder time of the next
    working day (today's, when started early in the morning of one)."""
    tz = settings.tz
    local = now.astimezone(tz)
    at = settings.reminder_time.replace(tzinfo=None)
    clock_time = local.time().replace(tzinfo=None)
    working = cal.is_working_day(local.date(), settings.holidays)
    if working and at <= clock_time < QUIET_FROM:
        return now + CATCH_UP_DELAY
    day = local.date() if clock_time < at else local.date() + timedelta(days=1)
    return datetime.combine(cal.next_working_day(day, settings.holidays), at, tzinfo=tz)


def plan_jobs(
    deadlines: Sequence[DeadlineRef], now: datetime, settings: Settings, *, catch_up: bool
) -> list[PlannedJob]:
    """Every future slot of *deadlines* as a job, plus (with *catch_up*) the most recent
    missed slot(s) of each deadline where still useful. Pure: tests call it directly."""
    jobs: list[PlannedJob] = []
    for deadline in deadlines:
        slots = cal.slots_for_kind(
            deadline.kind,
            deadline.due_on,
            settings.reminder_days_before,
            settings.reminder_time,
            settings.tz,
            settings.holidays,
        )
        future = [s for s in slots if s.send_at > now]
        jobs += [
            PlannedJob(
                job_name(deadline.id, s.key), s.send_at, deadline.id, s.key, deadline.due_on, False
            )
            for s in future
        ]
        past = [s for s in slots if s.send_at <= now]
        if catch_up and past:
            jobs += _catch_up(deadline, past, future, now, settings)
    return sorted(jobs, key=lambda job: (job.when, job.name))


def _catch_up(
    deadline: DeadlineRef,
    past: list[cal.Slot],
    future: list[cal.Slot],
    now: datetime,
    settings: Settings,
) -> list[PlannedJob]:
    when = catch_up_time(now, settings)
    if future and future[0].send_at <= when:
        return []  # a regular send comes first and says the same, more up to date
    latest = max(s.send_at for s in past)
    day = when.astimezone(settings.tz).date()
    jobs = []
    for slot in (s for s in past if s.send_at == latest):
        if slot.key == cal.OVERDUE:
            useful = when - slot.send_at <= OVERDUE_CATCH_UP
        else:
            useful = day <= deadline.due_on
        if useful:
            name = job_name(deadline.id, slot.key)
            jobs.append(PlannedJob(name, when, deadline.id, slot.key, deadline.due_on, True))
    return jobs


def _job_queue(application: AnyApplication) -> JobQueue[Any] | None:
    queue = application.job_queue
    if queue is None:
        logger.error("No JobQueue (install python-telegram-bot[job-queue]): no reminders")
    return queue


async def rebuild_schedule(
    application: AnyApplication,
    services: Services,
    *,
    catch_up: bool = True,
    session: AsyncSession | None = None,
) -> list[PlannedJob]:
    """Make the JobQueue match the deadlines in the database: default rows ensured, every
    ``reminder:`` job replaced, the nightly refresh registered. Idempotent. *catch_up*
    (at start) also schedules missed sends; refreshes after changes and at night do not
    plan new ones (nobody gets an old reminder at midnight) but keep those already owed.
    Returns the planned jobs. The deadlines are read (and the default rows written) in
    *session* when the caller has one."""
    queue = _job_queue(application)
    if queue is None:
        return []
    await service.ensure_default_deadlines(services, session=session)
    now = services.clock.now()
    first_day = periods.local_today(services) - LOOKBACK
    async with services.db.within(session) as own:
        refs = [
            DeadlineRef(row.id, row.kind, row.due_on)
            for row in await store.deadlines_from(own, first_day)
        ]
    planned = plan_jobs(refs, now, services.settings, catch_up=catch_up)
    planned_names = {item.name for item in planned}
    for job in queue.jobs(f"^{JOB_PREFIX}"):
        owed = isinstance(job.data, dict) and job.data.get("catch_up")
        if owed and not catch_up and job.name not in planned_names:
            # A send missed while the bot was down, deferred to the next working morning: a
            # refresh at night must not drop it (a changed deadline makes it a no-op anyway).
            continue
        job.schedule_removal()
    for item in planned:
        # A delay from the services' clock, not an absolute time: the JobQueue runs on real
        # time, and a test clock set to another date must not make every job fire at once.
        delay = max(item.when - now, timedelta(0))
        queue.run_once(run_slot, when=delay, name=item.name, data=item.data)
    for job in queue.get_jobs_by_name(DAILY_JOB):
        job.schedule_removal()
    queue.run_daily(refresh, DAILY_AT.replace(tzinfo=services.settings.tz), name=DAILY_JOB)
    logger.info(
        "Reminder schedule: %d jobs (%d catch-up)",
        len(planned),
        sum(1 for item in planned if item.catch_up),
    )
    return planned


async def run_slot(context: AnyContext) -> None:
    """Job callback: send one slot of a deadline (stale jobs do nothing)."""
    job = context.job
    assert job is not None and isinstance(job.data, dict)
    data = job.data
    services = get_services(context)
    try:
        report = await service.send_due(
            services,
            context.bot,
            int(data["deadline_id"]),
            str(data["slot_key"]),
            expected_due=date.fromisoformat(str(data["due_on"])),
        )
    except Exception:
        logger.exception("Reminder job %s failed", job.name)
        return
    if report is not None:
        result = report.result
        logger.info(
            "Reminder %s: %d sent, %d already sent, %d unreachable, %d failed, %d interrupted",
            job.name,
            len(result.sent) + len(report.admin_result.sent),
            len(result.duplicates) + len(report.admin_result.duplicates),
            len(result.unreachable),
            len(result.failed),
            len(result.interrupted),
        )


async def refresh(context: AnyContext) -> None:
    """Nightly job: next year's default deadlines exist and the jobs match the database."""
    await rebuild_schedule(context.application, get_services(context), catch_up=False)
