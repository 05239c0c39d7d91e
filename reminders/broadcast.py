"""Sending one reminder to many chats: within Telegram's limits, each chat at most once.

**Limits.** Telegram allows about 30 messages a second overall, 20 a minute into one group and
about one a second into one chat. :class:`RateLimiter` paces sends at
``settings.broadcast_per_second`` overall, one a second per chat and 20 a minute per group
(group and supergroup ids are negative), and a 429 (:class:`~telegram.error.RetryAfter`)
pauses every sender for the time Telegram asks. Sleeping and the monotonic clock are
injected, so tests run in virtual time. It is the only limiter and :meth:`Broadcaster._send`
the only retry loop a reminder goes through: the bot's own limiter and retry policy
(bot/telegram_retry.py) let calls marked ``CALLER_PACED`` through in one attempt.

**At most once per chat.** Each (deadline, reminder, chat) has one delivery row. All rows of
a broadcast are claimed first (``pending``, attempts 0) in one transaction. A sender waits for
its turn, then takes the row (attempts 0 → 1, its own commit), sends at once and records the
outcome. Cancelling a broadcast (a graceful stop) lets deliveries already taken finish, so
only a hard kill (or a crash) between "taken" and "recorded" leaves a row in doubt. On the
next run:

* ``pending`` with attempts 0 — never tried: sent;
* ``pending`` with attempts ≥ 1 — the process died around the send, so the message may or
  may not have gone out. Telegram has no idempotency key, so it is **not** sent again (the
  requirement is "never twice"): the row is marked ``failed`` ("interrupted") and listed in
  the result so admins are told that this chat may have missed the reminder. At most one
  chat per concurrent sender can be in this state after a kill.

The same reasoning applies to errors: a 429, a refused connection, a connect or pool timeout,
or an error status from Telegram prove the message was not delivered and are retried (with a
bounded number of attempts and backoff); a read timeout or a connection dropped after the
request was written may hide a delivered message and is not retried unless the caller asks
for ``retry_uncertain``. A chat that blocked the bot (:class:`~telegram.error.Forbidden`) is
marked unreachable and the broadcast goes on.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Protocol

import httpx
from telegram import InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.clock import Clock
from bot.config import Settings
from bot.telegram_retry import CALLER_PACED, RetryingRateLimiter
from storage import deadlines as store
from storage import users
from storage.db import Database

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
Monotonic = Callable[[], float]

GROUP_PER_MINUTE = 20
CHAT_INTERVAL = 1.0  # seconds between two messages into one chat
MAX_ATTEMPTS = 4
CONCURRENCY = 8
INTERRUPTED_ERROR = "gián đoạn khi đang gửi: không rõ đã tới chưa, không gửi lại để tránh trùng"

# httpx errors raised before the request reached Telegram: safe to send again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.WriteTimeout)


class MessageSender(Protocol):
    """The part of :class:`telegram.Bot` a broadcast needs."""

    async def send_message(
        self,
        chat_id: int,
        text: str,
        *,
        parse_mode: str,
        reply_markup: InlineKeyboardMarkup | None,
        link_preview_options: LinkPreviewOptions,
        **kwargs: Any,
    ) -> object: ...


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message of a broadcast (HTML text), and who it is for."""

    chat_id: int
    text: str
    markup: InlineKeyboardMarkup | None = None
    unit_id: int | None = None
    label: str = ""  # "Thôn Đông (nhóm «…»)", for admins' notices


def _in_vietnamese(reason: str) -> str:
    """An admin-facing reason for a failed send; the raw Telegram text stays in the delivery
    record and the log."""
    lowered = reason.lower()
    if reason.startswith(("không rõ", "Telegram yêu cầu")):
        return reason.split(":", 1)[0]  # already Vietnamese; drop the raw tail
    if "chat not found" in lowered:
        return "không tìm thấy cuộc trò chuyện"
    if "timed out" in lowered or "timeout" in lowered:
        return "Telegram không trả lời kịp"
    if "bad gateway" in lowered or "internal server error" in lowered or "502" in lowered:
        return "máy chủ Telegram đang trục trặc"
    return "Telegram từ chối tin nhắn, xem nhật ký của bot"


@dataclass(slots=True)
class BroadcastResult:
    """What happened to each message of a broadcast."""

    sent: list[Outgoing] = field(default_factory=list)
    duplicates: list[Outgoing] = field(default_factory=list)  # an earlier run did it
    unreachable: list[Outgoing] = field(default_factory=list)  # blocked or removed the bot
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)  # gave up: why
    interrupted: list[Outgoing] = field(default_factory=list)  # may have gone out, not re-sent

    @property
    def problems(self) -> list[tuple[Outgoing, str]]:
        """Chats that may not have received the message, each with a Vietnamese reason."""
        return (
            [(m, "đã chặn bot hoặc xóa bot khỏi nhóm") for m in self.unreachable]
            + [(m, f"lỗi khi gửi ({_in_vietnamese(reason)})") for m, reason in self.failed]
            + [(m, "bot bị dừng giữa lúc gửi, có thể chưa nhận được") for m in self.interrupted]
        )


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: str
    attempts: int
    error: str | None = None
    chat_id: int | None = None  # where it ended: a group's new id after it became a supergroup


class RateLimiter:
    """Paces sends: *per_second* overall, one per *chat_interval* per chat, and
    *group_per_minute* per group. Shared by every broadcast of a process."""

    def __init__(
        self,
        per_second: float,
        *,
        group_per_minute: int = GROUP_PER_MINUTE,
        chat_interval: float = CHAT_INTERVAL,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.interval = 1.0 / per_second
        self.group_per_minute = group_per_minute
        self.chat_interval = chat_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_global = 0.0
        self._chat_next: dict[int, float] = {}
        self._group_sends: dict[int, list[float]] = {}

    async def wait_turn(self, chat_id: int) -> None:
        """Return when a message may go to *chat_id*. Every wait is reserved before
        sleeping, so concurrent senders never pick the same moment."""
        now = self._monotonic()
        start = max(now, self._chat_next.get(chat_id, 0.0))
        sends = self._group_sends.setdefault(chat_id, []) if chat_id < 0 else None
        if sends is not None:
            del sends[: bisect.bisect_right(sends, now - 60.0)]
            if len(sends) >= self.group_per_minute:
                start = max(start, sends[-self.group_per_minute] + 60.0)
            bisect.insort(sends, start)
        self._chat_next[chat_id] = start + self.chat_interval
        if start > now:
            await self._sleep(start - now)
        now = self._monotonic()
        slot = max(now, self._next_global)
        self._next_global = slot + self.interval
        if slot > now:
            await self._sleep(slot - now)
        # The global queue may have pushed this send later than the chat reserved.
        self._chat_next[chat_id] = max(self._chat_next[chat_id], slot + self.chat_interval)
        if sends is not None and slot > start:
            sends.remove(start)
            bisect.insort(sends, slot)

    def pause(self, seconds: float) -> None:
        """Flood control: nobody sends for *seconds* from now."""
        self._next_global = max(self._next_global, self._monotonic() + seconds)


def outcome_unknown(error: NetworkError) -> bool:
    """True when the request may have reached Telegram and been carried out: a read timeout
    or a connection lost after the request was written. An error status from Telegram, or
    an error raised before the request was sent, proves nothing was delivered."""
    cause = error.__cause__
    if cause is None or isinstance(cause, _NOT_SENT):
        return False
    return isinstance(cause, httpx.TransportError)


def retry_after_seconds(error: RetryAfter) -> float:
    """How long Telegram asked to wait. PTB 22.2+ warns that the attribute will become a
    timedelta; both forms are handled, so the warning is noise here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: float | timedelta = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Broadcaster:
    """Sends one reminder to many chats, recording every delivery (see the module notes)."""

    def __init__(
        self,
        bot: MessageSender,
        db: Database,
        settings: Settings,
        clock: Clock,
        sleep: Sleep = asyncio.sleep,
        *,
        monotonic: Monotonic = time.monotonic,
        limiter: RateLimiter | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        concurrency: int = CONCURRENCY,
        retry_uncertain: bool = False,
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.sleep = sleep
        self.limiter = limiter or RateLimiter(
            settings.broadcast_per_second, monotonic=monotonic, sleep=sleep
        )
        self.max_attempts = max_attempts
        self.concurrency = concurrency
        self.retry_uncertain = retry_uncertain
        # The application's bot paces and retries every call itself; a broadcast is paced
        # and retried here, so it tells that limiter to make one plain attempt.
        own_pacing = isinstance(getattr(bot, "rate_limiter", None), RetryingRateLimiter)
        self._send_options: dict[str, Any] = {"rate_limit_args": CALLER_PACED} if own_pacing else {}

    async def broadcast(
        self, deadline_id: int, reminder_key: str, messages: Sequence[Outgoing]
    ) -> BroadcastResult:
        """Send *messages* (one per chat; later ones for the same chat are dropped) as the
        reminder *reminder_key* of *deadline_id*. Chats an earlier run already handled are
        skipped. An exception that is not a Telegram error (a crash, a cancellation) stops
        the broadcast and propagates; a later run finishes it."""
        unique: list[Outgoing] = []
        seen: set[int] = set()
        for message in messages:
            if message.chat_id not in seen:
                seen.add(message.chat_id)
                unique.append(message)
        result = BroadcastResult()
        if not unique:
            return result
        async with self.db.session() as session:
            claims = await store.claim_deliveries(
                session, deadline_id, reminder_key, [(m.chat_id, m.unit_id) for m in unique]
            )
            todo: list[tuple[Outgoing, store.Claim]] = []
            for message in unique:
                claim = claims[message.chat_id]
                if claim.sendable:
                    todo.append((message, claim))
                elif claim.interrupted:
                    result.interrupted.append(message)
                    await store.finish_delivery(
                        session,
                        claim.delivery_id,
                        store.FAILED,
                        attempts=claim.attempts,
                        error=INTERRUPTED_ERROR,
                    )
                else:
                    result.duplicates.append(message)
        await self._run_workers(todo, result)
        return result

    async def _run_workers(
        self, todo: list[tuple[Outgoing, store.Claim]], result: BroadcastResult
    ) -> None:
        if not todo:
            return
        pending = iter(todo)

        async def worker() -> None:
            for message, claim in pending:
                await self._deliver(message, claim, result)

        tasks = [asyncio.create_task(worker()) for _ in range(min(self.concurrency, len(todo)))]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                error = None if task.cancelled() else task.exception()
                if error is not None:
                    raise error
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    async def _deliver(
        self, message: Outgoing, claim: store.Claim, result: BroadcastResult
    ) -> None:
        # Waiting for a turn takes nothing: cancelled here, the row stays sendable.
        await self.limiter.wait_turn(message.chat_id)
        started = asyncio.ensure_future(self._take_send_record(message, claim, result))
        try:
            await asyncio.shield(started)
        except asyncio.CancelledError:
            # Stopping (not dying): finish the delivery already started, so its row ends
            # sent/failed rather than "interrupted", then stop.
            await started
            raise

    async def _take_send_record(
        self, message: Outgoing, claim: store.Claim, result: BroadcastResult
    ) -> None:
        async with self.db.session() as session:
            taken = await store.start_attempt(session, claim.delivery_id)
        if not taken:
            result.duplicates.append(message)
            return
        outcome = await self._send(message)
        async with self.db.session() as session:
            await store.finish_delivery(
                session,
                claim.delivery_id,
                outcome.status,
                attempts=outcome.attempts,
                sent_at=self.clock.now() if outcome.status == store.SENT else None,
                error=outcome.error,
            )
            if outcome.status == store.UNREACHABLE:
                await users.mark_chat_unreachable(session, outcome.chat_id or message.chat_id)
        if outcome.status == store.SENT:
            result.sent.append(message)
        elif outcome.status == store.UNREACHABLE:
            result.unreachable.append(message)
        else:
            logger.warning("Reminder to chat %s failed: %s", message.chat_id, outcome.error)
            result.failed.append((message, outcome.error or ""))

    async def _send(self, message: Outgoing) -> _Outcome:
        """Send with retries; every path ends in an outcome, except non-Telegram errors."""
        chat_id = message.chat_id
        attempts = 0
        while True:
            attempts += 1
            if attempts > 1:  # the first turn was waited for before the row was taken
                await self.limiter.wait_turn(chat_id)
            try:
                await self.bot.send_message(
                    chat_id,
                    message.text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=message.markup,
                    link_preview_options=LinkPreviewOptions(is_disabled=True),
                    **self._send_options,
                )
                return _Outcome(store.SENT, attempts)
            except RetryAfter as exc:
                # The limiter makes every sender wait; this one retries after the pause.
                delay = retry_after_seconds(exc)
                self.limiter.pause(delay)
                error = f"Telegram yêu cầu chờ {delay:g} giây"
            except Forbidden as exc:
                return _Outcome(store.UNREACHABLE, attempts, exc.message, chat_id)
            except ChatMigrated as exc:
                # The group became a supergroup: same people, new id; not yet delivered.
                chat_id, error = int(exc.new_chat_id), exc.message
                async with self.db.session() as session:
                    await users.move_chat(session, message.chat_id, chat_id)
            except BadRequest as exc:
                status = store.UNREACHABLE if "chat not found" in exc.message.lower() else None
                return _Outcome(status or store.FAILED, attempts, exc.message, chat_id)
            except NetworkError as exc:
                if outcome_unknown(exc) and not self.retry_uncertain:
                    return _Outcome(store.FAILED, attempts, f"không rõ đã gửi chưa: {exc}")
                error = str(exc)
                if attempts < self.max_attempts:
                    await self.sleep(float(2 ** (attempts - 1)))
            except TelegramError as exc:
                return _Outcome(store.FAILED, attempts, exc.message)
            if attempts >= self.max_attempts:
                logger.warning("Giving up on chat %s after %d attempts", chat_id, attempts)
                return _Outcome(store.FAILED, attempts, error)
