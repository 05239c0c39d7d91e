"""The durable inbox at run time: fetch updates into the database, drain them from there.

Telegram forgets an update once a later ``getUpdates`` asks for a higher offset. The
:class:`Poller` therefore stores each fetched batch (and commits) before its next call; a
webhook endpoint would store the update before answering 200. The :class:`Drainer` claims
stored rows, runs each through ``Application.process_update`` and marks it done right after.
Several updates run at once, but those of one chat strictly one after another.

A crash between a handler's effects and the "done" mark replays that update at start; the
handlers are idempotent on redelivery (a report row is keyed by its source message), so the
replay stores nothing twice and at most repeats a reply.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram import Update
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut

from bot.logs import redact
from storage import inbox
from storage.db import Database

logger = logging.getLogger(__name__)

ProcessUpdate = Callable[[Update], Awaitable[None]]


@dataclass(frozen=True)
class InboxSettings:
    """How the inbox runs; the defaults suit one replica on a small server."""

    # Updates processed at once (each chat still one at a time).
    concurrency: int = 4
    # Rows claimed but not yet finished, at most (bounds memory and what a crash replays).
    max_in_flight: int = 32
    # A claim older than this is taken over by another replica (longer than any handler).
    stale_after: timedelta = timedelta(minutes=10)
    # A row claimed this many times without finishing is set aside as failed (poison).
    max_attempts: int = 5
    # Done rows are deleted after this long.
    keep_done: timedelta = timedelta(days=3)
    prune_every: timedelta = timedelta(hours=1)
    # How often the drainer looks for rows other replicas stored (webhook, another poller).
    idle_check_seconds: float = 1.0
    # Pause after a failed getUpdates or a failed database write, doubling up to the cap.
    retry_first_seconds: float = 0.5
    retry_max_seconds: float = 30.0


def replica_name() -> str:
    """This replica's name in ``claimed_by``: stable across restarts of the same host, so a
    restarted bot takes back at once what it held when it died."""
    return socket.gethostname()[:120] or "thidua-bot"


def utc_now() -> datetime:
    """Inbox bookkeeping runs on real time (not the bot's business clock)."""
    return datetime.now(UTC)


def incoming(update: Update) -> inbox.IncomingUpdate:
    """The row to store for *update*: its JSON and the chat that orders it."""
    chat = update.effective_chat
    user = update.effective_user
    # Updates without a chat (inline queries…) are ordered by their user.
    order_key = chat.id if chat is not None else (user.id if user is not None else None)
    return inbox.IncomingUpdate(update.update_id, order_key, update.to_dict())


class Drainer:
    """Claims stored updates and processes them; see the module docstring."""

    def __init__(
        self,
        db: Database,
        process: ProcessUpdate,
        decode: Callable[[dict[str, Any]], Update],
        *,
        settings: InboxSettings | None = None,
        claimant: str | None = None,
    ) -> None:
        self._db = db
        self._process = process
        self._decode = decode
        self.settings = settings or InboxSettings()
        self.claimant = claimant or replica_name()
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(self.settings.concurrency)
        self._in_flight: set[int] = set()
        self._chat_tails: dict[int | None, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_prune: datetime | None = None

    def wake(self) -> None:
        """New rows were stored: look now instead of at the next idle check."""
        self._wake.set()

    async def recover(self) -> int:
        """At start: hand back what this replica held when it stopped or died."""
        async with self._db.session() as session:
            released = await inbox.release(session, self.claimant)
        if released:
            logger.warning(
                "Inbox: %d update(s) left unfinished last time are queued again", released
            )
        return released

    async def run(self, stop: asyncio.Event) -> None:
        """Claim and process rows until *stop* is set; then wait for those under way."""
        while not stop.is_set():
            try:
                claimed = await self._claim_batch()
                await self._prune_if_due()
            except Exception:  # a database hiccup must not end the drainer
                logger.exception("Inbox: could not claim updates; retrying")
                claimed = 0
            if claimed == 0:
                await self._sleep_until_woken(stop)
        await self.finish()

    async def finish(self, timeout: float = 20.0) -> None:
        """Let updates under way complete (up to *timeout*), then give back what is left."""
        pending = set(self._tasks)
        if pending:
            _, still = await asyncio.wait(pending, timeout=timeout)
            for task in still:
                task.cancel()
            await asyncio.gather(*still, return_exceptions=True)
        with contextlib.suppress(Exception):
            async with self._db.session() as session:
                await inbox.release(session, self.claimant)

    async def _sleep_until_woken(self, stop: asyncio.Event) -> None:
        self._wake.clear()
        stop_wait = asyncio.ensure_future(stop.wait())
        wake_wait = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait(
                {stop_wait, wake_wait},
                timeout=self.settings.idle_check_seconds,
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            for waiter in (stop_wait, wake_wait):
                waiter.cancel()

    async def _claim_batch(self) -> int:
        room = self.settings.max_in_flight - len(self._in_flight)
        if room <= 0:
            return 0
        async with self._db.session() as session:
            rows = await inbox.claim(
                session,
                self.claimant,
                utc_now(),
                limit=room,
                stale_after=self.settings.stale_after,
                exclude=sorted(self._in_flight),
            )
        for row in rows:
            self._schedule(row)
        return len(rows)

    def _schedule(self, row: inbox.ClaimedUpdate) -> None:
        """Run *row* after the previous update of its chat (a chain of tasks per chat)."""
        self._in_flight.add(row.update_id)
        previous = self._chat_tails.get(row.chat_telegram_id)
        task = asyncio.create_task(self._run_after(previous, row))
        self._chat_tails[row.chat_telegram_id] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(row, done))

    def _forget(self, row: inbox.ClaimedUpdate, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._in_flight.discard(row.update_id)
        if self._chat_tails.get(row.chat_telegram_id) is task:
            del self._chat_tails[row.chat_telegram_id]

    async def _run_after(
        self, previous: asyncio.Task[None] | None, row: inbox.ClaimedUpdate
    ) -> None:
        if previous is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(previous)
        async with self._slots:
            await self._handle(row)

    async def _handle(self, row: inbox.ClaimedUpdate) -> None:
        if row.attempts > self.settings.max_attempts:
            await self._finish(row, error=f"gave up after {row.attempts - 1} attempts")
            logger.error("Inbox: update %d set aside after repeated failures", row.update_id)
            return
        try:
            update = self._decode(row.payload)
        except Exception as exc:  # a row no handler could ever read
            await self._finish(row, error=f"undecodable: {exc!r}")
            logger.exception("Inbox: update %d cannot be decoded", row.update_id)
            return
        try:
            await self._process(update)
        except Exception as exc:
            # process_update hands handler errors to the error handler (which answers the
            # user), so this is the machinery failing: try again later, a few times at most.
            logger.exception("Inbox: update %d could not be processed", row.update_id)
            await self._requeue(row, repr(exc))
            return
        await self._finish(row)

    async def _requeue(self, row: inbox.ClaimedUpdate, error: str) -> None:
        with contextlib.suppress(Exception):
            async with self._db.session() as session:
                await inbox.requeue(session, row.update_id, error)

    async def _finish(self, row: inbox.ClaimedUpdate, *, error: str | None = None) -> None:
        try:
            async with self._db.session() as session:
                if error is None:
                    await inbox.mark_done(session, row.update_id, utc_now())
                else:
                    await inbox.mark_failed(session, row.update_id, utc_now(), error)
        except Exception:  # it stays claimed, is taken again later, and replays harmlessly
            logger.exception("Inbox: could not mark update %d done", row.update_id)

    async def _prune_if_due(self) -> None:
        now = utc_now()
        if self._last_prune is not None and now - self._last_prune < self.settings.prune_every:
            return
        self._last_prune = now
        async with self._db.session() as session:
            removed = await inbox.prune(session, now - self.settings.keep_done)
        if removed:
            logger.info("Inbox: pruned %d processed update(s)", removed)


class Poller:
    """Long-polls ``getUpdates`` and stores every batch before the next call acknowledges it."""

    def __init__(
        self,
        db: Database,
        fetch: Callable[[int | None], Awaitable[tuple[Update, ...]]],
        on_stored: Callable[[], None],
        *,
        settings: InboxSettings | None = None,
    ) -> None:
        self._db = db
        self._fetch = fetch
        self._on_stored = on_stored
        self.settings = settings or InboxSettings()
        self.offset: int | None = None

    async def run(self, stop: asyncio.Event) -> None:
        """Fetch, store, advance the offset; until *stop* is set (cancel to end a held poll)."""
        pause = self.settings.retry_first_seconds
        while not stop.is_set():
            try:
                updates = await self._fetch(self.offset)
            except TimedOut:
                continue  # a long poll that outlived the read timeout: just ask again
            except (NetworkError, RetryAfter, TelegramError) as exc:
                wait = exc.retry_after if isinstance(exc, RetryAfter) else pause
                logger.warning("Telegram API error while polling, retrying: %s", redact(str(exc)))
                await _sleep_or_stop(stop, _seconds(wait))
                pause = min(pause * 2, self.settings.retry_max_seconds)
                continue
            pause = self.settings.retry_first_seconds
            if updates:
                await self._store(updates, stop)
                # Only now may the next call acknowledge them.
                self.offset = updates[-1].update_id + 1
                self._on_stored()

    async def _store(self, updates: tuple[Update, ...], stop: asyncio.Event) -> None:
        """Write the batch, retrying until it is in: nothing is acknowledged before."""
        pause = self.settings.retry_first_seconds
        rows = [incoming(u) for u in updates]
        while True:
            try:
                async with self._db.session() as session:
                    await inbox.store(session, rows, utc_now())
                return
            except Exception:
                logger.exception("Inbox: could not store %d update(s); retrying", len(rows))
                if stop.is_set():
                    raise
                await _sleep_or_stop(stop, pause)
                pause = min(pause * 2, self.settings.retry_max_seconds)


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()


__all__ = ["Drainer", "InboxSettings", "Poller", "incoming", "replica_name"]
