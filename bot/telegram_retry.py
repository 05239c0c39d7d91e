"""The one retry policy for every Bot API call the bot makes (plugged in as PTB's rate
limiter, so it wraps each call; ``getUpdates`` is left to the inbox poller).

* A call is retried, with backoff, when Telegram answered with an error that means "not
  done" (429 Too Many Requests — after its ``retry_after`` —, 5xx, the proxy's HTML 502) or
  when the request never left (connection refused, connect or pool timeout).
* When the request left but no answer came (read timeout, connection dropped), Telegram may
  have carried it out: calls that create something (``send*``, ``copy*``, ``forward*``) are
  then NOT retried, so a message is never sent twice; other calls (edits, answers, menus,
  ``getFile``) are idempotent and are retried.
* Errors that will not go away by waiting (400, 403, 401/404) are raised at once.
* Retries go on for :attr:`RetryPolicy.give_up_after` seconds (a short outage), then the
  last error is raised to the caller.

Throttling (30 calls a second in all, 20 a minute per group, as Telegram asks) happens
before each attempt, with ``aiolimiter``.

A call sent with ``rate_limit_args=CALLER_PACED`` is paced and retried by its caller (the
reminder broadcast, reminders/broadcast.py, which keeps its own per-group 20/min rule and
must decide itself what may be sent again so that no chat is reminded twice): it goes
through here in one attempt, neither throttled nor retried a second time.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from aiolimiter import AsyncLimiter
from telegram._utils.types import JSONDict
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import BaseRateLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_before_delay,
    wait_exponential,
    wait_random,
)

from bot.logs import redact

logger = logging.getLogger(__name__)

ApiResult = bool | JSONDict | list[JSONDict]
ApiCallback = Callable[..., Coroutine[Any, Any, ApiResult]]

# Calls whose repetition would duplicate what the user sees.
CREATING_PREFIXES = ("send", "copy", "forward")
# Failures of the transport before the request was sent: always safe to repeat.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Answers that mean the request itself is wrong: waiting does not help.
PERMANENT = (BadRequest, Forbidden, InvalidToken, Conflict, ChatMigrated)


class Pacing(enum.Enum):
    """``rate_limit_args`` values understood by :class:`RetryingRateLimiter`."""

    CALLER = "caller"  # the caller paces and retries this call: one attempt, no throttle


CALLER_PACED = Pacing.CALLER


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff parameters; the defaults ride out an outage of about two minutes."""

    first_wait: float = 0.5
    max_wait: float = 15.0
    give_up_after: float = 120.0
    overall_per_second: float = 30.0
    group_per_minute: float = 20.0


def is_creating(endpoint: str) -> bool:
    """True for calls that create a message (repeating one would send it twice)."""
    return endpoint.startswith(CREATING_PREFIXES)


def _was_sent(error: BaseException) -> bool:
    """False when the transport failed before the request could reach Telegram."""
    cause = error.__cause__
    if isinstance(cause, NOT_SENT):
        return False
    return not (isinstance(error, TimedOut) and "was *not* sent" in str(error))


def should_retry(error: BaseException, endpoint: str) -> bool:
    """Whether *error* from calling *endpoint* may be retried (see the module docstring)."""
    if isinstance(error, RetryAfter):
        return True
    if isinstance(error, PERMANENT) or not isinstance(error, NetworkError):
        return False
    if not isinstance(error, TimedOut) and not isinstance(error.__cause__, httpx.HTTPError):
        return True  # Telegram (or its proxy) answered with an error status: nothing was done
    if not _was_sent(error):
        return True
    return not is_creating(endpoint)  # no answer: only what cannot duplicate is repeated


def _retry_after_seconds(error: RetryAfter) -> float:
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class RetryingRateLimiter(BaseRateLimiter[Pacing]):
    """PTB's rate-limiter hook, used for throttling and the retry policy on every call."""

    def __init__(self, policy: RetryPolicy | None = None) -> None:
        self.policy = policy or RetryPolicy()
        self.give_up_after = self.policy.give_up_after
        self._overall = AsyncLimiter(self.policy.overall_per_second, 1)
        self._groups: dict[int | str, AsyncLimiter] = {}
        self._backoff = wait_exponential(
            multiplier=self.policy.first_wait, max=self.policy.max_wait
        ) + wait_random(0, self.policy.first_wait)

    @contextmanager
    def patience(self, seconds: float) -> Iterator[None]:
        """Give up sooner inside the block (at start, an unreachable API is reported soon)."""
        saved, self.give_up_after = self.give_up_after, seconds
        try:
            yield
        finally:
            self.give_up_after = saved

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: ApiCallback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Pacing | None,
    ) -> ApiResult:
        """Call *callback*, throttled, retried according to the policy (once, untouched,
        when its caller paces and retries it: :data:`CALLER_PACED`)."""
        if rate_limit_args is Pacing.CALLER:
            return await callback(*args, **kwargs)
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda error: should_retry(error, endpoint)),
            wait=self._wait,
            stop=stop_before_delay(self.give_up_after),
            before_sleep=lambda state: _log_retry(endpoint, state),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self._throttle(data.get("chat_id"))
                return await callback(*args, **kwargs)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome is not None else None
        if isinstance(error, RetryAfter):
            return _retry_after_seconds(error) + 0.1
        return float(self._backoff(state))

    async def _throttle(self, chat_id: object) -> None:
        group = _group_key(chat_id)
        if group is not None:
            limiter = self._groups.get(group)
            if limiter is None:
                limiter = self._groups[group] = AsyncLimiter(self.policy.group_per_minute, 60)
            await limiter.acquire()
        await self._overall.acquire()


def _group_key(chat_id: object) -> int | str | None:
    """Groups (negative ids, @channel names) have their own, slower, limit."""
    if isinstance(chat_id, str) and not chat_id.lstrip("-").isdigit():
        return chat_id
    try:
        number = int(str(chat_id))
    except ValueError:
        return None
    return number if number < 0 else None


def _log_retry(endpoint: str, state: RetryCallState) -> None:
    error = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else 0.0
    logger.warning(
        "Telegram %s failed (%s); attempt %d, retrying in %.1f s",
        endpoint,
        redact(str(error)),
        state.attempt_number,
        wait,
    )


__all__ = [
    "CALLER_PACED",
    "Pacing",
    "RetryPolicy",
    "RetryingRateLimiter",
    "is_creating",
    "should_retry",
]
