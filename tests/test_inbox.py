"""The durable inbox: storage (store, claim, finish, prune; SKIP LOCKED claims on
PostgreSQL), the drainer (per-chat order, retries, poison rows) and the poller (nothing
acknowledged before it is stored). The kill -9 scenario is in test_inbox_e2e.py."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.engine import Connection
from telegram import Update

from bot.inbox import Drainer, InboxSettings, Poller
from storage import inbox
from storage.db import Database
from storage.models import Base, InboxStatus, InboxUpdate

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
STALE = timedelta(minutes=10)


def incoming(update_id: int, chat: int | None = 10) -> inbox.IncomingUpdate:
    return inbox.IncomingUpdate(update_id, chat, {"update_id": update_id})


async def store(db: Database, *updates: inbox.IncomingUpdate) -> int:
    async with db.session() as session:
        return await inbox.store(session, updates, NOW)


async def claim(
    db: Database, who: str, *, limit: int = 10, at: datetime = NOW, exclude: Sequence[int] = ()
) -> list[int]:
    async with db.session() as session:
        rows = await inbox.claim(session, who, at, limit=limit, stale_after=STALE, exclude=exclude)
    return [r.update_id for r in rows]


async def rows(db: Database) -> dict[int, InboxUpdate]:
    async with db.session() as session:
        return {r.update_id: r for r in await session.scalars(select(InboxUpdate))}


async def test_a_redelivered_update_is_stored_once(database: Database) -> None:
    assert await store(database, incoming(1), incoming(2)) == 2
    assert await store(database, incoming(2), incoming(3)) == 1
    assert sorted(await rows(database)) == [1, 2, 3]


async def test_claims_go_oldest_first_and_never_twice(database: Database) -> None:
    await store(database, incoming(3, 1), incoming(1, 2), incoming(2, 3))
    assert await claim(database, "a", limit=2) == [1, 2]
    assert await claim(database, "b") == [3]
    assert await claim(database, "b") == []
    stored = await rows(database)
    assert (stored[1].status, stored[1].claimed_by, stored[1].attempts) == ("claimed", "a", 1)


async def test_a_stale_claim_is_taken_over_a_fresh_one_is_not(database: Database) -> None:
    await store(database, incoming(1, 1), incoming(2, 2))
    assert await claim(database, "a", limit=1) == [1]
    assert await claim(database, "b", limit=1, at=NOW + STALE / 2) == [2]
    later = NOW + STALE + timedelta(seconds=1)
    assert await claim(database, "b", at=later) == [1]
    assert (await rows(database))[1].attempts == 2
    # A replica's own rows still under way are skipped by id, stale or not.
    assert await claim(database, "b", at=later + STALE * 2, exclude=[1, 2]) == []


async def test_a_chat_waits_while_another_replica_holds_its_earlier_update(
    database: Database,
) -> None:
    await store(database, incoming(1, 100), incoming(2, 100), incoming(3, 200))
    assert await claim(database, "a", limit=1) == [1]
    assert await claim(database, "b") == [3]  # not 2: chat 100 is being handled by "a"
    async with database.session() as session:
        await inbox.mark_done(session, 1, NOW)
    assert await claim(database, "b") == [2]


async def test_finishing_releasing_and_pruning(database: Database) -> None:
    await store(database, *(incoming(n, n) for n in range(1, 5)))
    assert await claim(database, "a") == [1, 2, 3, 4]
    async with database.session() as session:
        await inbox.mark_done(session, 1, NOW - timedelta(days=10))
        await inbox.mark_done(session, 2, NOW)
        await inbox.mark_failed(session, 3, NOW - timedelta(days=10), "hỏng")
        assert await inbox.release(session, "a") == 1  # 4 goes back
        assert await inbox.prune(session, NOW - timedelta(days=3)) == 1  # only done row 1
        counts = await inbox.count_by_status(session)
    assert counts == {"done": 1, "failed": 1, "pending": 1}
    assert await claim(database, "b") == [4]


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_postgresql_claims_skip_rows_locked_by_another_replica(
    database: Database, backend: str
) -> None:
    if database.dialect != backend:
        pytest.skip("SKIP LOCKED is a PostgreSQL feature (SQLite has a single writer)")
    await store(database, *(incoming(n, n) for n in range(1, 5)))
    async with database.session() as first:
        mine = await inbox.claim(first, "a", NOW, limit=2, stale_after=STALE)
        # Not committed yet: the rows are locked, and a second replica skips them.
        assert await claim(database, "b") == [3, 4]
    assert [r.update_id for r in mine] == [1, 2]


def _inbox_differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection)
    return [diff for diff in compare_metadata(context, Base.metadata) if "inbox" in repr(diff)]


async def test_the_migration_matches_the_model(database: Database) -> None:
    async with database.engine.connect() as connection:
        assert await connection.run_sync(_inbox_differences) == []


# ---------------------------------------------------------------- the drainer


class Recorder:
    """A process_update that records what ran, optionally held until released."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.finished: list[int] = []
        self.running = 0
        self.most_at_once = 0
        self.gate = asyncio.Event()
        self.fail_ids: set[int] = set()

    async def __call__(self, update: Update) -> None:
        self.started.append(update.update_id)
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            await self.gate.wait()
            if update.update_id in self.fail_ids:
                raise RuntimeError("machinery broke")
        finally:
            self.running -= 1
        self.finished.append(update.update_id)


def decode(payload: dict[str, Any]) -> Update:
    return Update(update_id=int(payload["update_id"]))


FAST = InboxSettings(concurrency=4, idle_check_seconds=0.02, max_attempts=2)


async def drain_until(database: Database, drainer: Drainer, done: int) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(drainer.run(stop))
    try:
        async with asyncio.timeout(20):
            await _until_finished(database, done)
    finally:
        stop.set()
        await task


async def _until_finished(database: Database, done: int) -> None:
    finished = 0
    while finished < done:
        await asyncio.sleep(0.02)
        finished = await _count(database, InboxStatus.DONE, InboxStatus.FAILED)


async def _count(database: Database, *statuses: str) -> int:
    async with database.session() as session:
        counts = await inbox.count_by_status(session)
    return sum(counts.get(s, 0) for s in statuses)


async def test_updates_of_one_chat_run_in_order_chats_side_by_side(database: Database) -> None:
    await store(database, *(incoming(n, chat=n % 2) for n in range(1, 11)))
    recorder = Recorder()
    recorder.gate.set()
    original = recorder.__call__
    second_done = asyncio.Event()

    async def slow_first(update: Update) -> None:
        if update.update_id == 1:
            # Chat 1's first update is held until chat 0's has finished: one chat waiting
            # must not hold up another (a fixed sleep lost the race on a loaded machine).
            await second_done.wait()
        await original(update)
        if update.update_id == 2:
            second_done.set()

    drainer = Drainer(database, slow_first, decode, settings=FAST, claimant="t")
    await drain_until(database, drainer, 10)
    assert [n for n in recorder.finished if n % 2] == [1, 3, 5, 7, 9]
    assert [n for n in recorder.finished if not n % 2] == [2, 4, 6, 8, 10]
    assert recorder.finished.index(2) < recorder.finished.index(1)


async def test_a_broken_update_is_retried_then_set_aside(database: Database) -> None:
    await store(database, incoming(1, 5), incoming(2, 6))
    recorder = Recorder()
    recorder.gate.set()
    recorder.fail_ids = {1}
    drainer = Drainer(database, recorder, decode, settings=FAST, claimant="t")
    await drain_until(database, drainer, 2)
    stored = await rows(database)
    assert stored[2].status == InboxStatus.DONE
    assert stored[1].status == InboxStatus.FAILED
    assert recorder.started.count(1) == FAST.max_attempts


async def test_a_restart_takes_back_what_this_replica_held(database: Database) -> None:
    await store(database, incoming(1), incoming(2))
    assert await claim(database, "host-a") == [1, 2]  # then the process died
    recorder = Recorder()
    recorder.gate.set()
    drainer = Drainer(database, recorder, decode, settings=FAST, claimant="host-a")
    assert await drainer.recover() == 2
    await drain_until(database, drainer, 2)
    assert recorder.finished == [1, 2]


# ---------------------------------------------------------------- the poller


async def test_nothing_is_acknowledged_before_it_is_stored(database: Database) -> None:
    """getUpdates acknowledges by the next call's offset: the poller asks for offset n+1
    only once update n is in the database, even when storing fails for a while."""
    offsets: list[int | None] = []
    stop = asyncio.Event()
    stored_when_asked: list[list[int]] = []
    broken = Database("sqlite+aiosqlite:////nonexistent-dir/x.db")
    healthy = database

    class FlakyDb:
        def __init__(self) -> None:
            self.failures = 2

        def session(self) -> Any:
            if self.failures:
                self.failures -= 1
                return broken.session()
            return healthy.session()

    async def fetch(offset: int | None) -> tuple[Update, ...]:
        offsets.append(offset)
        stored_when_asked.append(sorted(await rows(database)))
        if len(offsets) == 1:
            return (Update(update_id=41), Update(update_id=42))
        stop.set()
        return ()

    poller = Poller(
        FlakyDb(),  # type: ignore[arg-type]
        fetch,
        lambda: None,
        settings=InboxSettings(retry_first_seconds=0.01),
    )
    await poller.run(stop)
    await broken.dispose()
    assert offsets == [None, 43]
    assert stored_when_asked[1] == [41, 42]
