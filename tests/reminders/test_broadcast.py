"""The broadcaster: pacing, retries, blocked chats, and never reminding a chat twice — even
when the process dies or is stopped in the middle of a broadcast."""

from __future__ import annotations

import asyncio
import itertools
import warnings
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import select
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.config import Settings
from bot.services import Services
from reminders.broadcast import (
    MAX_ATTEMPTS,
    Broadcaster,
    BroadcastResult,
    Outgoing,
    RateLimiter,
    outcome_unknown,
)
from storage import deadlines as store
from storage.db import Database
from storage.models import Chat, ReminderDelivery

from .conftest import FakeBot, SimulatedCrash, VirtualTime

KEY = "d-3@20260614"


def retry_after(seconds: int) -> RetryAfter:
    """A 429 as PTB raises it (its constructor warns about a future type change)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return RetryAfter(timedelta(seconds=seconds))


async def a_deadline(db: Database) -> int:
    async with db.session() as s:
        row = await store.set_period_deadline(s, 2026, "6thang", date(2026, 6, 14), actor=None)
        return row.id


def broadcaster(services: Services, bot: FakeBot, vtime: VirtualTime, **kw: object) -> Broadcaster:
    return Broadcaster(
        bot,
        services.db,
        services.settings,
        services.clock,
        vtime.sleep,
        monotonic=vtime.monotonic,
        **kw,  # type: ignore[arg-type]
    )


def messages(chat_ids: list[int]) -> list[Outgoing]:
    return [
        Outgoing(chat_id, f"Nhắc <b>{chat_id}</b>", label=f"chat {chat_id}") for chat_id in chat_ids
    ]


async def statuses(db: Database, deadline_id: int) -> dict[int, tuple[str, int]]:
    async with db.session() as s:
        rows = await store.delivery_rows(s, deadline_id, KEY)
    return {r.chat_telegram_id: (r.status, r.attempts) for r in rows}


async def test_every_chat_gets_one_message_within_the_overall_rate(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    chats = list(range(1, 61))
    start = vtime.now
    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages(chats)
    )
    assert sorted(m.chat_id for m in result.sent) == chats
    assert sorted(s.chat_id for s in fake_bot.sent) == chats
    rows = await statuses(services.db, deadline_id)
    assert rows == dict.fromkeys(chats, ("sent", 1))
    # Eight concurrent senders, still no faster than BROADCAST_PER_SECOND (virtual time).
    last = max(s.at for s in fake_bot.sent)
    interval = 1 / services.settings.broadcast_per_second
    assert last - start >= (len(chats) - 1) * interval - 1e-6


async def test_one_sender_spaces_messages_by_the_configured_interval(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    await broadcaster(services, fake_bot, vtime, concurrency=1).broadcast(
        deadline_id, KEY, messages(list(range(1, 11)))
    )
    times = [s.at for s in fake_bot.sent]
    interval = 1 / services.settings.broadcast_per_second
    assert min(b - a for a, b in itertools.pairwise(times)) >= interval - 1e-9


async def test_a_second_run_of_the_same_reminder_sends_nothing(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    first = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages([1, 2, 3])
    )
    second = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages([1, 2, 3, 3])
    )
    assert len(first.sent) == 3 and not second.sent and len(second.duplicates) == 3
    assert [fake_bot.count(c) for c in (1, 2, 3)] == [1, 1, 1]


async def test_two_concurrent_runs_never_send_twice(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    chats = list(range(1, 21))
    one, two = await asyncio.gather(
        broadcaster(services, fake_bot, vtime).broadcast(deadline_id, KEY, messages(chats)),
        broadcaster(services, fake_bot, vtime).broadcast(deadline_id, KEY, messages(chats)),
    )
    assert all(fake_bot.count(c) == 1 for c in chats)
    assert len(one.sent) + len(two.sent) == len(chats)


async def test_retry_after_waits_as_told_then_sends(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    fake_bot.failures[2] = [retry_after(7)]
    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages([1, 2, 3])
    )
    assert len(result.sent) == 3
    (refused_at, retried_at) = [at for chat, at in fake_bot.call_log if chat == 2]
    assert retried_at - refused_at >= 7
    assert (await statuses(services.db, deadline_id))[2] == ("sent", 2)


async def test_transient_errors_are_retried_a_bounded_number_of_times(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    fake_bot.failures[1] = [TimedOut(), NetworkError("Bad Gateway")]
    fake_bot.failures[2] = [TimedOut() for _ in range(10)]
    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages([1, 2])
    )
    assert [m.chat_id for m in result.sent] == [1]
    assert [m.chat_id for m, _ in result.failed] == [2]
    rows = await statuses(services.db, deadline_id)
    assert rows[1] == ("sent", 3)
    assert rows[2] == ("failed", MAX_ATTEMPTS)
    assert fake_bot.calls == 3 + MAX_ATTEMPTS


async def test_a_read_timeout_is_not_retried_because_the_message_may_have_arrived(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    uncertain = TimedOut()
    uncertain.__cause__ = httpx.ReadTimeout("read")
    refused = NetworkError("httpx.ConnectError")
    refused.__cause__ = httpx.ConnectError("refused")
    assert outcome_unknown(uncertain) and not outcome_unknown(refused)
    fake_bot.failures[1] = [uncertain]
    fake_bot.failures[2] = [refused]
    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages([1, 2])
    )
    assert [m.chat_id for m in result.sent] == [2]
    assert "không rõ" in result.failed[0][1]
    assert fake_bot.calls == 3


async def test_blocked_chats_are_marked_and_the_broadcast_goes_on(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    async with services.db.session() as s:
        s.add(Chat(telegram_id=2, type="private", title=""))
    fake_bot.failures[2] = [Forbidden("Forbidden: bot was blocked by the user")]
    fake_bot.failures[3] = [BadRequest("Bad Request: chat not found")]
    fake_bot.failures[4] = [BadRequest("Bad Request: message is too long")]
    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages([1, 2, 3, 4, 5])
    )
    assert sorted(m.chat_id for m in result.sent) == [1, 5]
    assert sorted(m.chat_id for m in result.unreachable) == [2, 3]
    assert [m.chat_id for m, _ in result.failed] == [4]
    assert fake_bot.calls == 5  # permanent errors are not retried
    assert {m.label for m, _ in result.problems} == {"chat 2", "chat 3", "chat 4"}
    async with services.db.session() as s:
        chat = await s.scalar(select(Chat).where(Chat.telegram_id == 2))
    assert chat is not None and chat.unreachable_at is not None


async def test_a_migrated_group_gets_the_message_at_its_new_id(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    fake_bot.failures[-5] = [ChatMigrated(-1005)]
    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages([-5])
    )
    assert len(result.sent) == 1 and [s.chat_id for s in fake_bot.sent] == [-1005]


async def test_killed_after_a_send_then_restarted_every_chat_is_reminded_exactly_once(
    reminder_settings: Settings, services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    chats = list(range(1, 41))
    fake_bot.crash_on = 15  # Telegram took message 15, then the process died
    with pytest.raises(SimulatedCrash):
        await broadcaster(services, fake_bot, vtime).broadcast(deadline_id, KEY, messages(chats))
    assert 15 <= len(fake_bot.sent) < len(chats)

    # The restarted process (new broadcaster, same database) finishes the job.
    fake_bot.crash_on = None
    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages(chats)
    )
    assert [fake_bot.count(c) for c in chats] == [1] * len(chats)
    # The one delivery in doubt is not re-sent, and is reported (here it had arrived).
    assert len(result.interrupted) == 1
    rows = await statuses(services.db, deadline_id)
    assert rows[result.interrupted[0].chat_id][0] == "failed"
    assert sum(1 for status, _ in rows.values() if status == "sent") == len(chats) - 1


async def test_killed_before_a_send_the_chat_in_doubt_is_reported_not_sent_twice(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    chats = list(range(1, 21))
    fake_bot.crash_on, fake_bot.crash_after_delivery = 8, False
    with pytest.raises(SimulatedCrash):
        await broadcaster(services, fake_bot, vtime).broadcast(deadline_id, KEY, messages(chats))
    fake_bot.crash_on = None
    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages(chats)
    )
    counts = [fake_bot.count(c) for c in chats]
    assert max(counts) == 1  # never twice
    missed = [c for c, n in zip(chats, counts, strict=True) if n == 0]
    assert missed == [m.chat_id for m in result.interrupted]  # the one miss is reported
    assert len(missed) == 1


async def test_stopped_mid_broadcast_then_restarted_every_chat_is_reminded_exactly_once(
    services: Services, fake_bot: FakeBot, vtime: VirtualTime
) -> None:
    deadline_id = await a_deadline(services.db)
    chats = list(range(1, 51))
    never = asyncio.Event()
    stalled = asyncio.Event()

    async def stall_after_twenty() -> None:
        if len(fake_bot.sent) >= 20:
            stalled.set()
            await never.wait()

    vtime.before_sleep = stall_after_twenty
    task = asyncio.create_task(
        broadcaster(services, fake_bot, vtime).broadcast(deadline_id, KEY, messages(chats))
    )
    # Wait for the broadcaster itself to reach the stall: counting loop turns raced the
    # database thread on a loaded machine and cancelled before anything was sent.
    await asyncio.wait_for(stalled.wait(), timeout=120)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    vtime.before_sleep = None
    assert 20 <= len(fake_bot.sent) < len(chats)

    result = await broadcaster(services, fake_bot, vtime).broadcast(
        deadline_id, KEY, messages(chats)
    )
    assert [fake_bot.count(c) for c in chats] == [1] * len(chats)
    assert not result.interrupted  # a graceful stop leaves nothing in doubt
    async with services.db.session() as s:
        pending = await s.scalars(
            select(ReminderDelivery).where(ReminderDelivery.status == "pending")
        )
        assert list(pending) == []


async def test_rate_limiter_keeps_group_and_chat_limits(vtime: VirtualTime) -> None:
    limiter = RateLimiter(1000.0, monotonic=vtime.monotonic, sleep=vtime.sleep)
    group_times = []
    for _ in range(25):
        await limiter.wait_turn(-100)
        group_times.append(vtime.now)
    # One per second into a chat, and never more than 20 in any 60 seconds into a group.
    assert all(b - a >= 1.0 - 1e-9 for a, b in itertools.pairwise(group_times))
    assert group_times[20] - group_times[0] >= 60.0
    # A private chat is not held back by the group's minute window.
    before = vtime.now
    await limiter.wait_turn(42)
    assert vtime.now - before < 1.0


async def test_retry_after_pauses_every_sender(vtime: VirtualTime) -> None:
    limiter = RateLimiter(10.0, monotonic=vtime.monotonic, sleep=vtime.sleep)
    await limiter.wait_turn(1)
    limiter.pause(30)
    start = vtime.now
    await limiter.wait_turn(2)
    assert vtime.now - start >= 30


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Bad Request: chat not found", "không tìm thấy cuộc trò chuyện"),
        ("Internal Server Error", "máy chủ Telegram đang trục trặc"),
        ("không rõ đã gửi chưa: Timed out", "không rõ đã gửi chưa"),
        ("Bad Request: message is too long", "Telegram từ chối tin nhắn, xem nhật ký của bot"),
    ],
)
def test_admins_read_why_a_send_failed_in_vietnamese(raw: str, shown: str) -> None:
    outgoing = Outgoing(42, "nhắc", None, 1, "Thôn 1")
    result = BroadcastResult(failed=[(outgoing, raw)])
    assert result.problems == [(outgoing, f"lỗi khi gửi ({shown})")]
