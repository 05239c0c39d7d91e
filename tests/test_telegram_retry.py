"""The one retry policy on Bot API calls, against the fake Bot API over real HTTP: errors
that mean "not done" are retried (429 after retry_after, 5xx, connection refused), a send
whose answer never came is not (it may have gone through), nothing is ever sent twice."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date

import pytest
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

from bot.clock import SystemClock
from bot.config import Settings
from bot.telegram_retry import RetryingRateLimiter, RetryPolicy, should_retry
from reminders.broadcast import MAX_ATTEMPTS, Broadcaster, Outgoing
from storage import deadlines as store
from storage.db import Database
from tests.support.fake_bot_api import FakeBotApi
from tests.test_e2e import MEMBER, running_bot, sent_to

CHAT = 4242
FAST = RetryPolicy(first_wait=0.05, max_wait=0.2, give_up_after=5.0)


@asynccontextmanager
async def bot_for(
    fake: FakeBotApi, policy: RetryPolicy = FAST, *, read_timeout: float = 5.0
) -> AsyncIterator[ExtBot[int]]:
    request = HTTPXRequest(read_timeout=read_timeout, connect_timeout=1.0)
    bot: ExtBot[int] = ExtBot(
        fake.token,
        base_url=fake.base_url,
        request=request,
        rate_limiter=RetryingRateLimiter(policy),
    )
    async with bot:
        yield bot


def delivered(fake: FakeBotApi, text: str) -> int:
    return sum(1 for c in fake.calls("sendMessage") if c.ok and c.text == text)


async def test_five_server_errors_in_a_row_are_ridden_out(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    async with bot_for(fake) as bot:
        fake.fail_next("sendMessage", 3, kind="500")
        fake.fail_next("sendMessage", 2, kind="502")  # Telegram's proxy: an HTML page
        await bot.send_message(CHAT, "Đã ghi nhận")
    assert delivered(fake, "Đã ghi nhận") == 1
    assert [c.status for c in fake.calls("sendMessage")] == [500, 500, 500, 502, 502, 200]


async def test_too_many_requests_waits_the_time_telegram_asks(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    async with bot_for(fake) as bot:
        fake.fail_next("sendMessage", 2, kind="429", retry_after=1)
        await bot.send_message(CHAT, "Đã ghi nhận")
    calls = fake.calls("sendMessage")
    assert delivered(fake, "Đã ghi nhận") == 1
    assert len(calls) == 3
    gaps = [later.at - earlier.at for earlier, later in itertools.pairwise(calls)]
    assert min(gaps) >= 1.0  # retry_after honoured, not the (shorter) exponential backoff


async def test_a_send_whose_answer_never_came_is_not_repeated(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    async with bot_for(fake, read_timeout=0.3) as bot:
        fake.fail_next("sendMessage", 1, kind="delay", delay=1.0)
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "Chỉ một lần")
        await asyncio.sleep(1.0)  # the held call completes on the server side
    assert delivered(fake, "Chỉ một lần") == 1
    assert len(fake.calls("sendMessage")) == 1


async def test_an_idempotent_call_without_answer_is_repeated(
    fake_bot_api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_bot_api
    async with bot_for(fake, read_timeout=1.0) as bot:
        fake.fail_next("getMyCommands", 1, kind="delay", delay=3.0)
        assert await bot.get_my_commands() == ()  # the second attempt's answer
    assert "getMyCommands failed (Timed out); attempt 1" in caplog.text


async def test_a_bad_request_is_not_retried(fake_bot_api: FakeBotApi) -> None:
    fake = fake_bot_api
    async with bot_for(fake) as bot:
        fake.fail_next("sendMessage", 1, kind="400")
        with pytest.raises(BadRequest):
            await bot.send_message(CHAT, "x")
    assert len(fake.calls("sendMessage")) == 1


async def test_an_outage_longer_than_the_policy_ends_in_the_error(
    fake_bot_api: FakeBotApi,
) -> None:
    fake = fake_bot_api
    policy = RetryPolicy(first_wait=0.05, max_wait=0.1, give_up_after=0.5)
    async with bot_for(fake, policy) as bot:
        fake.fail_next("sendMessage", 1000, kind="500")
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "x")
    assert 3 <= len(fake.calls("sendMessage")) < 1000


async def test_a_refused_connection_is_retried_until_the_server_is_back() -> None:
    async with FakeBotApi() as probe:
        port = probe.port  # a port that was free a moment ago
    fake = FakeBotApi(port=port)
    async with bot_for_port(fake) as bot:
        sending = asyncio.create_task(bot.send_message(CHAT, "Sau sự cố"))
        await asyncio.sleep(0.5)  # refused meanwhile: the server is not listening yet
        assert not sending.done()
        async with fake:
            await asyncio.wait_for(sending, 10)
            assert delivered(fake, "Sau sự cố") == 1


@asynccontextmanager
async def bot_for_port(fake: FakeBotApi) -> AsyncIterator[ExtBot[int]]:
    """A bot pointed at *fake*'s (not yet listening) port; initialised without getMe."""
    base = f"http://{fake.host}:{fake._port}/bot"
    bot: ExtBot[int] = ExtBot(
        fake.token,
        base_url=base,
        request=HTTPXRequest(connect_timeout=1.0),
        rate_limiter=RetryingRateLimiter(FAST),
    )
    await bot.request.initialize()  # type: ignore[attr-defined]
    try:
        yield bot
    finally:
        await bot.request.shutdown()  # type: ignore[attr-defined]


def test_only_calls_that_cannot_duplicate_are_repeated_without_an_answer() -> None:
    lost = TimedOut()
    assert not should_retry(lost, "sendMessage")
    assert not should_retry(lost, "copyMessage")
    assert should_retry(lost, "editMessageText")
    assert should_retry(lost, "answerCallbackQuery")
    assert should_retry(NetworkError("Internal Server Error"), "sendMessage")


async def test_ten_replies_under_five_server_errors_all_arrive(
    settings: Settings, fake_bot_api: FakeBotApi
) -> None:
    """The reported failure: five 500s lost five of ten replies; now none is lost."""
    fake = fake_bot_api
    async with running_bot(settings, fake):
        fake.fail_next("sendMessage", 5, kind="500")
        users = [MEMBER + n for n in range(10)]
        for user in users:
            fake.inject_command(user, user, "help")
        for user in users:
            await fake.wait_for(sent_to(user, "Các lệnh"), timeout=30)
    answers = [c for c in fake.calls("sendMessage") if c.chat_id in users]
    assert sum(1 for c in answers if c.ok) == 10
    assert sum(1 for c in answers if c.status == 500) == 5


async def test_a_reminder_broadcast_is_paced_and_retried_once_not_twice(
    fake_bot_api: FakeBotApi, settings: Settings, database: Database
) -> None:
    """The broadcaster paces and retries its sends itself; the bot's limiter lets them
    through in one attempt each, so five server errors are the broadcaster's MAX_ATTEMPTS
    requests and a failure to report, not five retries hidden under each of its attempts."""
    fake = fake_bot_api
    async with database.session() as session:
        deadline = await store.set_period_deadline(
            session, 2026, "6thang", date(2026, 6, 14), actor=None
        )

    async def no_wait(_seconds: float) -> None:
        await asyncio.sleep(0)

    async with bot_for(fake) as bot:
        fake.fail_next("sendMessage", 5, kind="500", chat_id=CHAT)
        broadcaster = Broadcaster(bot, database, settings, SystemClock(), no_wait)
        result = await broadcaster.broadcast(
            deadline.id, "d-3", [Outgoing(CHAT, "Nhắc hạn"), Outgoing(CHAT + 1, "Nhắc hạn")]
        )
    assert [m.chat_id for m in result.sent] == [CHAT + 1]
    assert [m.chat_id for m, _ in result.failed] == [CHAT]
    assert len([c for c in fake.calls("sendMessage") if c.chat_id == CHAT]) == MAX_ATTEMPTS
