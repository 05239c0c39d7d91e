"""Reminder broadcast benchmark: 1.000 chats through a fake Bot API over real HTTP.

Run with ``python -m benchmarks broadcast`` (or ``make bench``). The real
:class:`~reminders.broadcast.Broadcaster` sends with a real :class:`telegram.Bot` to
:class:`tests.support.fake_bot_api.FakeBotApi`, which enforces Telegram's flood limits
(30 messages/s overall, 1/s per chat: 429 beyond) and serves injected faults: a few 429s with
``retry_after``, a few 500s, and three chats that blocked the bot. Deliveries are recorded in a
temporary SQLite database. Half-way through, the broadcast is stopped (as at a shutdown) and a
new broadcaster finishes it, as a restarted bot would.

It prints the achieved rate against the configured ``BROADCAST_PER_SECOND`` (25 by default;
``BENCH_BROADCAST_RATE`` overrides it), the 429s, and the two figures that must be 0:
duplicates (a chat that got the reminder twice) and misses (a reachable chat that got none).
It takes about 1.000 / rate seconds (≈ 40 s at 25/s).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from telegram import Bot
from telegram.request import HTTPXRequest

from bot.clock import SystemClock
from bot.config import Settings
from reminders.broadcast import Broadcaster, BroadcastResult, Outgoing
from storage import deadlines as store
from storage.db import Database
from storage.migrate import upgrade_to_head
from tests.support.fake_bot_api import DEFAULT_TOKEN, FakeBotApi

CHATS = 1000
GROUPS = 100  # of which this many are group chats (negative ids)
BLOCKED = (17, 503, 911)  # chat numbers whose users blocked the bot
RETRY_AFTER_CHATS = (40, 300, 620, 880)  # a 429 with retry_after=1 on the first try
SERVER_ERROR_CHATS = (75, 450, 777)  # a 500 on the first try
STOP_AFTER = CHATS // 2  # stop the first broadcaster after this many messages
KEY = "d-3@20260614"


def chat_ids() -> list[int]:
    """Private chats 10001…, then group chats -1000000001…"""
    private = [10_000 + n for n in range(1, CHATS - GROUPS + 1)]
    groups = [-1_000_000_000 - n for n in range(1, GROUPS + 1)]
    return private + groups


def configured_rate() -> float:
    """BROADCAST_PER_SECOND for the run."""
    return float(os.environ.get("BENCH_BROADCAST_RATE", "25"))


async def prepare(db: Database) -> int:
    """Schema and one deadline to record deliveries against."""
    await upgrade_to_head(db)
    async with db.session() as session:
        row = await store.set_period_deadline(session, 2026, "6thang", date(2026, 6, 14), None)
        return row.id


def arm_faults(fake: FakeBotApi, chats: list[int]) -> None:
    """Telegram's limits and the injected faults."""
    fake.set_rate_limit(30, 1)
    for n in BLOCKED:
        fake.block_chat(chats[n])
    for n in RETRY_AFTER_CHATS:
        fake.fail_next("sendMessage", 1, "429", retry_after=1, chat_id=chats[n])
    for n in SERVER_ERROR_CHATS:
        fake.fail_next("sendMessage", 1, "500", chat_id=chats[n])


async def stop_half_way(fake: FakeBotApi, task: asyncio.Task[BroadcastResult]) -> None:
    """Cancel *task* once the fake has delivered STOP_AFTER messages."""
    await fake.wait_for_count(lambda c: c.method == "sendMessage" and c.ok, STOP_AFTER, 120)
    task.cancel()


async def run() -> None:
    """The benchmark itself."""
    rate = configured_rate()
    chats = chat_ids()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        settings = Settings(_env_file=None, database_url=url, broadcast_per_second=rate)
        db = Database(url)
        deadline_id = await prepare(db)
        messages = [
            Outgoing(c, f"⏰ <b>Nhắc hạn</b> báo cáo, chat {c}", label=str(c)) for c in chats
        ]
        async with FakeBotApi(DEFAULT_TOKEN) as fake:
            arm_faults(fake, chats)
            bot = Bot(
                DEFAULT_TOKEN,
                base_url=fake.base_url,
                request=HTTPXRequest(connection_pool_size=16),
            )
            async with bot:
                started = time.perf_counter()
                first = asyncio.create_task(
                    Broadcaster(bot, db, settings, SystemClock()).broadcast(
                        deadline_id, KEY, messages
                    )
                )
                await stop_half_way(fake, first)
                try:
                    await first
                    stopped_at = None
                except asyncio.CancelledError:
                    stopped_at = len(fake.sent_messages())
                # "Restart": a new broadcaster (fresh limiter) over the same database.
                second = await Broadcaster(bot, db, settings, SystemClock()).broadcast(
                    deadline_id, KEY, messages
                )
                elapsed = time.perf_counter() - started
            report(fake, chats, rate, elapsed, stopped_at, second)
        await db.dispose()


def report(
    fake: FakeBotApi,
    chats: list[int],
    rate: float,
    elapsed: float,
    stopped_at: int | None,
    second: BroadcastResult,
) -> None:
    """Print the figures."""
    received = Counter(m["chat"]["id"] for m in fake.sent_messages())
    blocked = {chats[n] for n in BLOCKED}
    duplicates = sum(1 for c in chats if received[c] > 1)
    misses = sum(1 for c in chats if c not in blocked and received[c] == 0)
    sends = fake.calls("sendMessage")
    delivered = sum(received.values())
    print(f"chats: {len(chats)} ({GROUPS} groups), blocked the bot: {len(blocked)}")
    if stopped_at is not None:
        print(f"stopped after {stopped_at} messages, restarted, finished the rest")
    print(f"delivered: {delivered} in {elapsed:.1f} s")
    print(f"achieved rate: {delivered / elapsed:.1f} msg/s (configured {rate:g} msg/s)")
    print(
        f"requests: {len(sends)}; 429 served: {fake.served_429} "
        f"(injected {len(RETRY_AFTER_CHATS)}, flood limit {fake.rate_limited}); "
        f"500 injected: {len(SERVER_ERROR_CHATS)}"
    )
    print(
        f"after restart: {len(second.sent)} sent, {len(second.duplicates)} skipped as done, "
        f"{len(second.unreachable)} unreachable, {len(second.interrupted)} in doubt"
    )
    print(f"duplicates: {duplicates} (must be 0)")
    print(f"misses: {misses} (must be 0)")


def main() -> None:
    """Entry point for ``python -m benchmarks broadcast``."""
    asyncio.run(run())


if __name__ == "__main__":
    main()
