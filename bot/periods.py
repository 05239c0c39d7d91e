"""The reporting calendar with the deadlines admins set: which period a report made today
counts for, which period summaries show, which period is being compiled.

Reporting, progress, plans and reminders all ask here; the pure rules are
:mod:`bot.core.periods`.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core import periods as cal
from bot.services import Services
from storage import deadlines as store
from storage import reports

__all__ = [
    "LATE_REPORT_DAYS",
    "closing_period",
    "current_period",
    "default_deadlines",
    "local_today",
    "period_on",
    "reporting_period",
    "summary_period",
    "year_deadlines",
]

LATE_REPORT_DAYS = 30


def local_today(services: Services) -> date:
    """Today in the configured time zone."""
    return services.clock.now().astimezone(services.settings.tz).date()


def default_deadlines(services: Services, year: int) -> cal.YearDeadlines:
    """The settings' deadlines for *year* (no overrides)."""
    settings = services.settings
    six, end = settings.six_month_deadline, settings.year_end_deadline
    return cal.YearDeadlines(
        year, cal.day_of_year(six.day, six.month, year), cal.day_of_year(end.day, end.month, year)
    )


async def year_deadlines(
    services: Services, year: int, *, session: AsyncSession | None = None
) -> cal.YearDeadlines:
    """*year*'s six-month and year-end deadlines: admin overrides, else the settings."""
    defaults = default_deadlines(services, year)
    async with services.db.within(session) as own:
        stored = await store.year_dates(own, year)
    return cal.YearDeadlines(
        year,
        stored.get(cal.SIX_MONTH, defaults.six_month),
        stored.get(cal.YEAR_END, defaults.year_end),
    )


async def period_on(
    services: Services, day: date, *, session: AsyncSession | None = None
) -> cal.Period:
    """The period a report dated *day* belongs to (see :mod:`bot.core.periods`)."""
    this_year = await year_deadlines(services, day.year, session=session)
    return cal.period_for(day, lambda _year: this_year)


async def current_period(services: Services, *, session: AsyncSession | None = None) -> cal.Period:
    """The period a report made today belongs to."""
    return await period_on(services, local_today(services), session=session)


async def closing_period(
    services: Services,
    current: cal.Period | None = None,
    *,
    session: AsyncSession | None = None,
) -> cal.Period | None:
    """The period whose deadline passed less than :data:`LATE_REPORT_DAYS` ago, if any: the
    one officers are compiling, and the one a late unit still reports for. *current* saves
    looking the current period up again."""
    previous = cal.previous_period(current or await current_period(services, session=session))
    deadlines = await year_deadlines(services, previous.year, session=session)
    closed_on = cal.deadline_of(previous, deadlines)
    return previous if (local_today(services) - closed_on).days <= LATE_REPORT_DAYS else None


async def reporting_period(
    services: Services, unit_id: int, *, session: AsyncSession | None = None
) -> cal.Period:
    """The period a unit's report made today counts for: the current one, except that a
    unit which sent nothing by the deadline just passed (the overdue notice asks it to
    report at once) reports for that period, all day long on the day it catches up (so its
    figures stay together), within :data:`LATE_REPORT_DAYS`."""
    current = await current_period(services, session=session)
    closing = await closing_period(services, current, session=session)
    if closing is not None:
        # Reports sent before today for that period (on time, or late on an earlier day)
        # mean the unit has caught up: from then on it reports for the current period.
        today = datetime.combine(local_today(services), time(), services.settings.tz)
        async with services.db.within(session) as own:
            if not await reports.has_reported(own, unit_id, closing.key, before=today):
                return closing
    return current


async def summary_period(services: Services, *, session: AsyncSession | None = None) -> cal.Period:
    """The period /tonghop and /tiendo show by default: the one just closed while its
    reports are being compiled, else the current one."""
    current = await current_period(services, session=session)
    return await closing_period(services, current, session=session) or current
