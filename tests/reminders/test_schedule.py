"""The schedule: jobs rebuilt from the database, idempotently; catch-up after downtime."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

from telegram.ext import Application, ApplicationBuilder

from bot.clock import ManualClock
from bot.config import Settings
from bot.services import Services, attach_services
from reminders import service
from reminders.schedule import (
    CATCH_UP_DELAY,
    DAILY_JOB,
    DeadlineRef,
    PlannedJob,
    plan_jobs,
    rebuild_schedule,
    run_slot,
)
from storage import deadlines as store

from ..conftest import TEST_TOKEN
from .conftest import GROUP_AN_BINH, MEMBER_BAC_1, MEMBER_VAN_HOA, Commune, FakeBot, local

SIX_2026 = DeadlineRef(1, "6thang", date(2026, 6, 14))  # a Sunday


def plan(settings: Settings, now: datetime, *refs: DeadlineRef) -> list[PlannedJob]:
    return plan_jobs(list(refs) or [SIX_2026], now, settings, catch_up=True)


def keys(jobs: list[PlannedJob], *, catch_up: bool) -> list[str]:
    return [j.slot_key for j in jobs if j.catch_up is catch_up]


def test_before_any_slot_every_slot_is_a_named_job(reminder_settings: Settings) -> None:
    jobs = plan(reminder_settings, local(date(2026, 6, 1)))
    assert [j.name for j in jobs] == [
        "reminder:1:d-7",
        "reminder:1:d-3",
        "reminder:1:d-1",
        "reminder:1:digest",
        "reminder:1:overdue",
    ]
    assert jobs[0].when == local(date(2026, 6, 5), time(8, 0))
    assert not keys(jobs, catch_up=True)
    assert jobs[0].data == {
        "deadline_id": 1,
        "slot_key": "d-7",
        "due_on": "2026-06-14",
        "catch_up": False,
    }


def test_after_downtime_only_the_latest_missed_slot_is_caught_up(
    reminder_settings: Settings,
) -> None:
    now = local(date(2026, 6, 12), time(10, 0))  # missed d-7, d-3 and Friday's d-1 + digest
    jobs = plan(reminder_settings, now)
    assert keys(jobs, catch_up=True) == ["d-1", "digest"]
    assert all(j.when == now + CATCH_UP_DELAY for j in jobs if j.catch_up)
    assert keys(jobs, catch_up=False) == ["overdue"]


def test_a_start_at_night_waits_for_the_next_working_morning(
    reminder_settings: Settings,
) -> None:
    friday_night = local(date(2026, 6, 5), time(23, 0))  # d-7 missed at 08:00
    jobs = plan(reminder_settings, friday_night)
    (catch_up,) = [j for j in jobs if j.catch_up]
    assert catch_up.slot_key == "d-7"
    assert catch_up.when == local(date(2026, 6, 8), time(8, 0))  # Monday, not Saturday


def test_no_catch_up_when_a_regular_send_comes_first(reminder_settings: Settings) -> None:
    thursday_night = local(date(2026, 6, 11), time(23, 0))  # d-3 missed; d-1 is tomorrow 08:00
    jobs = plan(reminder_settings, thursday_night)
    assert not keys(jobs, catch_up=True)
    assert keys(jobs, catch_up=False) == ["d-1", "digest", "overdue"]


def test_overdue_is_caught_up_for_a_few_days_and_reminders_never_after_the_deadline(
    reminder_settings: Settings,
) -> None:
    assert keys(plan(reminder_settings, local(date(2026, 6, 16))), catch_up=True) == ["overdue"]
    assert not plan(reminder_settings, local(date(2026, 6, 22)))
    custom = DeadlineRef(2, "custom", date(2026, 7, 31))  # Friday; no overdue notice
    assert not plan(reminder_settings, local(date(2026, 8, 3)), custom)


def application(services: Services) -> Application[Any, Any, Any, Any, Any, Any]:
    app = ApplicationBuilder().token(TEST_TOKEN).build()
    attach_services(app, services)
    return app


def job_table(app: Application[Any, Any, Any, Any, Any, Any]) -> list[tuple[str, Any]]:
    assert app.job_queue is not None
    return sorted((job.name or "", job.data) for job in app.job_queue.jobs())


async def test_rebuild_is_idempotent_and_follows_deadline_changes(services: Services) -> None:
    app = application(services)
    planned = await rebuild_schedule(app, services)
    first = job_table(app)
    await rebuild_schedule(app, services)
    assert job_table(app) == first  # replaced, not duplicated
    names = [name for name, _ in first]
    assert len(names) == len(set(names)) and names.count(DAILY_JOB) == 1
    assert sorted(names) == sorted([j.name for j in planned] + [DAILY_JOB])
    # Defaults exist for this year and next, every one with its slots.
    assert {j.due_on for j in planned} == {
        date(2026, 6, 14),
        date(2026, 12, 14),
        date(2027, 6, 14),
        date(2027, 12, 14),
    }

    view = await service.set_deadline(services, "6thang", date(2026, 6, 10), actor=1)
    await rebuild_schedule(app, services, catch_up=False)
    data = dict(job_table(app))[f"reminder:{view.id}:d-3"]
    assert data["due_on"] == "2026-06-10"
    # No job of the old date is left; Wednesday 10/06 also has its own d-0 send.
    dues = [d["due_on"] for name, d in job_table(app) if name.startswith(f"reminder:{view.id}:")]
    assert set(dues) == {"2026-06-10"} and len(dues) == 6


async def test_restart_catches_up_once_and_a_second_restart_sends_nothing_new(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    await service.ensure_default_deadlines(services)
    clock.set(local(date(2026, 6, 12), time(10, 0)))  # the bot was down all week
    for _restart in range(2):
        app = application(services)
        planned = await rebuild_schedule(app, services)
        assert {j.slot_key for j in planned if j.catch_up} == {"d-1", "digest"}
        assert app.job_queue is not None
        for job in app.job_queue.jobs("^reminder:"):
            if job.data["slot_key"] in ("d-1", "digest") and job.data["due_on"] == "2026-06-14":
                context = SimpleNamespace(job=job, bot=fake_bot, bot_data=app.bot_data)
                await run_slot(context)  # type: ignore[arg-type]
        clock.advance(timedelta(minutes=5))
    assert {s.chat_id for s in fake_bot.sent} >= {GROUP_AN_BINH, MEMBER_BAC_1, MEMBER_VAN_HOA}
    assert all(fake_bot.count(chat) == 1 for chat in {s.chat_id for s in fake_bot.sent})
    async with services.db.session() as s:
        row = await store.period_deadline(s, 2026, "6thang")
        assert row is not None
        rows = await store.delivery_rows(s, row.id)
    assert {r.reminder_key for r in rows} == {"d-1@20260614", "digest@20260614"}


async def test_a_deferred_catch_up_survives_the_nightly_refresh(
    services: Services, clock: ManualClock
) -> None:
    await service.ensure_default_deadlines(services)
    clock.set(local(date(2026, 6, 5), time(23, 0)))  # Friday night: d-7 missed at 08:00
    app = application(services)
    planned = await rebuild_schedule(app, services)
    [owed] = [j for j in planned if j.catch_up]
    assert owed.slot_key == "d-7"
    clock.set(local(date(2026, 6, 6), time(0, 5)))  # the nightly refresh, before Monday
    await rebuild_schedule(app, services, catch_up=False)
    assert owed.name in dict(job_table(app))
    await rebuild_schedule(app, services, catch_up=False)  # and still no duplicate
    names = [name for name, _ in job_table(app)]
    assert names.count(owed.name) == 1
