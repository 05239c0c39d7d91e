"""Fixtures for the reminder tests: virtual time, a recording fake bot, services on the
shared ``database`` fixture (SQLite, plus PostgreSQL when TEST_DATABASE_URL is set) and a
small commune to remind."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from bot.services import Services
from reminders.broadcast import RateLimiter
from reminders.service import PACING_KEY, Pacing
from storage.db import Database
from storage.models import (
    Chat,
    Membership,
    Plan,
    PlanTarget,
    Report,
    Role,
    Unit,
    User,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day: date, at: time = time(9, 0)) -> datetime:
    """An aware datetime in the bot's time zone."""
    return datetime.combine(day, at, tzinfo=TZ)


class VirtualTime:
    """A monotonic clock that only moves when someone sleeps; sleeps are recorded. A sleep
    of *d* seconds started at *t* ends with the clock at (at least) *t + d*, so concurrent
    sleepers overlap as they would in real time."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.before_sleep: Callable[[], Any] | None = None

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        if self.before_sleep is not None:
            await self.before_sleep()
        self.sleeps.append(seconds)
        wake = self.now + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.now = max(self.now, wake)


class SimulatedCrash(Exception):
    """Stands for the process dying in the middle of a broadcast."""


@dataclass
class Sent:
    chat_id: int
    text: str
    markup: Any
    at: float


@dataclass
class FakeBot:
    """Records send_message calls. ``failures[chat]`` lists exceptions to raise, one per
    call, before succeeding; ``crash_on`` makes the n-th call (1-based) raise
    :class:`SimulatedCrash`, after delivering when ``crash_after_delivery``."""

    clock: VirtualTime
    sent: list[Sent] = field(default_factory=list)
    calls: int = 0
    call_log: list[tuple[int, float]] = field(default_factory=list)  # (chat, virtual time)
    failures: dict[int, list[BaseException]] = field(default_factory=dict)
    crash_on: int | None = None
    crash_after_delivery: bool = True

    async def send_message(self, chat_id: int, text: str, **kwargs: Any) -> object:
        self.calls += 1
        call_number, at = self.calls, self.clock.now
        self.call_log.append((chat_id, at))
        await asyncio.sleep(0)  # a real request yields to the loop
        queue = self.failures.get(chat_id)
        if queue:
            raise queue.pop(0)
        crash = call_number == self.crash_on
        if crash and not self.crash_after_delivery:
            raise SimulatedCrash(f"died before sending to {chat_id}")
        self.sent.append(Sent(chat_id, text, kwargs.get("reply_markup"), at))
        if crash:
            raise SimulatedCrash(f"died after sending to {chat_id}")
        return object()

    def count(self, chat_id: int) -> int:
        return sum(1 for s in self.sent if s.chat_id == chat_id)

    def texts(self, chat_id: int) -> list[str]:
        return [s.text for s in self.sent if s.chat_id == chat_id]


@pytest.fixture
def vtime() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def fake_bot(vtime: VirtualTime) -> FakeBot:
    return FakeBot(vtime)


@pytest.fixture
def clock() -> ManualClock:
    # Monday 01/06/2026, 09:00 in Hà Nội: before every reminder of the 14/06/2026 deadline.
    return ManualClock(local(date(2026, 6, 1)))


@pytest.fixture
def reminder_settings(settings: Settings) -> Settings:
    """The shared test settings with the documented reminder defaults spelled out."""
    return settings.model_copy(
        update={
            "reminder_time": time(8, 0),
            "reminder_days_before": [7, 3, 1, 0],
            "holidays": [],
            "broadcast_per_second": 25.0,
        }
    )


def make_services(
    settings: Settings, database: Database, clock: ManualClock, vtime: VirtualTime
) -> Services:
    """Services whose broadcasts wait in virtual time."""
    services = Services(settings=settings, db=database, clock=clock)
    services.caches[PACING_KEY] = Pacing(
        sleep=vtime.sleep,
        monotonic=vtime.monotonic,
        limiter=RateLimiter(
            settings.broadcast_per_second, monotonic=vtime.monotonic, sleep=vtime.sleep
        ),
    )
    return services


@pytest.fixture
def services(
    reminder_settings: Settings, database: Database, clock: ManualClock, vtime: VirtualTime
) -> Services:
    return make_services(reminder_settings, database, clock, vtime)


# ---------------------------------------------------------------- a small commune

ADMIN_CONFIGURED = 1  # in ADMIN_IDS (the shared settings fixture)
ADMIN_PROMOTED = 5  # promoted to admin in the database
GROUP_AN_BINH = -1001
GROUP_VAN_HOA_BLOCKED = -1002
MEMBER_BAC_1 = 201
MEMBER_BAC_LEFT = 202
MEMBER_VAN_HOA = 203
MEMBER_TO_3 = 204


@dataclass
class Commune:
    """Ids of what :func:`seed_commune` created."""

    plan_id: int
    targets: dict[str, int]
    units: dict[str, int]


async def seed_commune(db: Database) -> Commune:
    """An active plan and five units:

    * "Thôn An Bình": bound group GROUP_AN_BINH; only a withdrawn report → has not reported;
    * "Thôn Bắc": no group; members MEMBER_BAC_1 and MEMBER_BAC_LEFT (who left);
    * "Tổ dân phố 3": reported targets 10, 12a and 12b for 2026-6thang (all it owes);
    * "Phòng Văn hóa": its group blocked the bot → its member MEMBER_VAN_HOA instead;
    * "Thôn Cũ": deleted.
    """
    now = datetime(2026, 5, 1, tzinfo=UTC)
    async with db.session() as s:
        plan = Plan(
            name="KH thi đua 2026", identity="kh-test-2026", content_hash="x", is_active=True
        )
        old_plan = Plan(name="KH cũ", identity="kh-test-2025", content_hash="y")
        s.add_all([plan, old_plan])
        await s.flush()

        def target(key: str, name: str, value: str | None, **extra: Any) -> PlanTarget:
            return PlanTarget(
                plan_id=extra.pop("plan_id", plan.id),
                key=key,
                number=extra.pop("number", key),
                name=name,
                value=Decimal(value) if value is not None else None,
                measure=extra.pop("measure", None),
                qualifier="exact",
                section_path="II.2",
                source_text=name,
                position=extra.pop("position", 0),
                **extra,
            )

        rows = {
            "10": target("10", "Giải quyết việc làm", "1600", measure="người", position=1),
            "11": target("11", "Giữ vững an ninh trật tự", None, position=2),
            "12": target("12", "Đàn gia súc", None, position=3),
            "12a": target(
                "12a", "trâu, bò", "710", measure="con", parent_key="12", number="", position=4
            ),
            "12b": target(
                "12b", "lợn", "5500", measure="con", parent_key="12", number="", position=5
            ),
            "13": target("13", "Chỉ tiêu đã bỏ", "5", retired=True, position=6),
            "14": target("14", "Tỷ lệ tham gia BHYT", "96", measure="%", position=7),
            "old": target("1", "Chỉ tiêu kế hoạch cũ", "1", plan_id=old_plan.id),
        }
        s.add_all(rows.values())
        units = {
            name: Unit(name=name, folded_name=name.lower())
            for name in ("Thôn An Bình", "Thôn Bắc", "Tổ dân phố 3", "Phòng Văn hóa", "Thôn Cũ")
        }
        units["Thôn Cũ"].deleted_at = now
        s.add_all(units.values())
        await s.flush()
        people = {
            tid: User(telegram_id=tid, full_name=f"Cán bộ {tid}")
            for tid in (MEMBER_BAC_1, MEMBER_BAC_LEFT, MEMBER_VAN_HOA, MEMBER_TO_3)
        }
        people[ADMIN_PROMOTED] = User(
            telegram_id=ADMIN_PROMOTED, full_name="Chánh văn phòng", role=Role.ADMIN
        )
        s.add_all(people.values())
        await s.flush()
        s.add_all(
            [
                Membership(user_id=people[MEMBER_BAC_1].id, unit_id=units["Thôn Bắc"].id),
                Membership(
                    user_id=people[MEMBER_BAC_LEFT].id, unit_id=units["Thôn Bắc"].id, left_at=now
                ),
                Membership(user_id=people[MEMBER_VAN_HOA].id, unit_id=units["Phòng Văn hóa"].id),
                Membership(user_id=people[MEMBER_TO_3].id, unit_id=units["Tổ dân phố 3"].id),
                Chat(
                    telegram_id=GROUP_AN_BINH,
                    type="supergroup",
                    title="Thôn An Bình",
                    unit_id=units["Thôn An Bình"].id,
                ),
                Chat(
                    telegram_id=GROUP_VAN_HOA_BLOCKED,
                    type="group",
                    title="Văn hóa",
                    unit_id=units["Phòng Văn hóa"].id,
                    unreachable_at=now,
                ),
                Chat(telegram_id=MEMBER_BAC_1, type="private", title=""),
            ]
        )
        await s.flush()
        report_rows = [
            _report(units["Tổ dân phố 3"].id, rows["10"].id, plan.id, "2026-6thang", "a", now),
            _report(units["Thôn An Bình"].id, rows["10"].id, plan.id, "2026-6thang", "b", now),
            # Another period does not count for 2026-6thang.
            _report(units["Thôn Bắc"].id, rows["10"].id, plan.id, "2025-nam", "c", now),
            # Tổ dân phố 3 owes nothing more: each unit reports 10, 12a and 12b itself (the
            # BHYT rate is the commune's one figure).
            _report(units["Tổ dân phố 3"].id, rows["12a"].id, plan.id, "2026-6thang", "a2", now),
            _report(units["Tổ dân phố 3"].id, rows["12b"].id, plan.id, "2026-6thang", "a3", now),
        ]
        report_rows[1].withdrawn_at = now
        s.add_all(report_rows)
        await s.flush()
        return Commune(
            plan_id=plan.id,
            targets={key: row.id for key, row in rows.items()},
            units={name: unit.id for name, unit in units.items()},
        )


def _report(
    unit_id: int, target_id: int, plan_id: int, period: str, source: str, at: datetime
) -> Report:
    return Report(
        unit_id=unit_id,
        target_id=target_id,
        plan_id=plan_id,
        period_key=period,
        value=Decimal(1),
        mode="cumulative",
        cumulative_value=Decimal(1),
        reporter_telegram_id=MEMBER_TO_3,
        reported_at=at,
        chat_telegram_id=MEMBER_TO_3,
        source_key=f"test:{source}",
        source_text="1",
    )


@pytest.fixture
async def commune(database: Database) -> Commune:
    return await seed_commune(database)
