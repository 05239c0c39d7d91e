"""Running the bot: preflight checks, then the Application fed by the durable inbox
(long polling into the database, processing from there) until stopped.

The CLI and the end-to-end tests use the same :func:`serve`, so the tests exercise the real
start-up path (migrations, post_init, polling, post_shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.request import HTTPXRequest

from bot.app import BotApplication, build_application, services_of
from bot.clock import Clock
from bot.config import PUBLIC_API_BASE_URL, Settings
from bot.errors import StartupError
from bot.inbox import Drainer, Poller
from bot.logs import redact
from bot.telegram_retry import RetryingRateLimiter
from storage.db import Database
from storage.migrate import upgrade_to_head

logger = logging.getLogger(__name__)

# Start-up calls (getMe, deleteWebhook) are retried for this long before giving up.
STARTUP_PATIENCE_SECONDS = 6.0


async def prepare_database(settings: Settings) -> None:
    """Check the database is reachable and bring its schema up to date."""
    database = Database(settings.database_url)
    try:
        await database.check_connection()
        await upgrade_to_head(database)
    finally:
        await database.dispose()


async def serve(
    settings: Settings,
    stop: asyncio.Event,
    *,
    clock: Clock | None = None,
    poll_timeout: float = 10.0,
    ready: asyncio.Event | None = None,
) -> None:
    """Run the bot until *stop* is set. Raises :class:`StartupError` with one clear line
    when the database or Telegram cannot be reached at start."""
    await prepare_database(settings)
    # Kept here so they can be closed even when initialisation fails half-way (PTB's
    # shutdown skips a bot that never finished initialising).
    requests = (_http_request(settings), _http_request(settings, long_poll=poll_timeout))
    application = build_application(
        settings, clock=clock, request=requests[0], get_updates_request=requests[1]
    )
    try:
        await _start(application, settings)
        await _run_inbox(application, stop, poll_timeout, ready)
    finally:
        await _stop(application)
        for request in requests:
            await request.shutdown()


async def _run_inbox(
    application: BotApplication,
    stop: asyncio.Event,
    poll_timeout: float,
    ready: asyncio.Event | None,
) -> None:
    """Poll into the durable inbox and drain it until *stop* is set (see bot/inbox.py)."""
    services = services_of(application)
    drainer = Drainer(
        services.db,
        application.process_update,
        lambda payload: Update.de_json(payload, application.bot),
    )
    await drainer.recover()

    async def fetch(offset: int | None) -> tuple[Update, ...]:
        updates: tuple[Update, ...] = await application.bot.get_updates(
            offset=offset, timeout=int(poll_timeout), allowed_updates=Update.ALL_TYPES
        )
        return updates

    poller = Poller(services.db, fetch, drainer.wake)
    draining = asyncio.create_task(drainer.run(stop))
    polling = asyncio.create_task(poller.run(stop))
    logger.info("Bot @%s is polling for updates", application.bot.username)
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
    finally:
        polling.cancel()  # a held long poll: its batch, if any, is fetched again next time
        await asyncio.gather(polling, return_exceptions=True)
        await asyncio.gather(draining, return_exceptions=True)


async def _stop_webhook(application: BotApplication) -> None:
    """Long polling needs the webhook off (kept pending updates are fetched by the poller)."""
    await application.bot.delete_webhook(drop_pending_updates=False)


def _http_request(settings: Settings, *, long_poll: float = 0.0) -> HTTPXRequest:
    """An HTTP client for the Bot API; the long-poll one waits longer than the poll."""
    timeout = settings.request_timeout
    return HTTPXRequest(
        connection_pool_size=16 if not long_poll else 1,
        connect_timeout=timeout,
        read_timeout=timeout + long_poll,
        write_timeout=timeout,
        pool_timeout=timeout,
    )


def _unreachable(settings: Settings, error: Exception) -> str:
    return (
        f"Không kết nối được Telegram Bot API tại {settings.telegram_api_base_url} "
        f"({redact(str(error))})."
    )


@contextlib.contextmanager
def _startup_patience(application: BotApplication) -> Iterator[None]:
    """Start-up calls use the one retry policy, but give up sooner: an unreachable API at
    start is reported in seconds, not after the two minutes a running bot waits."""
    limiter = application.bot.rate_limiter
    if isinstance(limiter, RetryingRateLimiter):
        with limiter.patience(STARTUP_PATIENCE_SECONDS):
            yield
    else:
        yield


async def _start(application: BotApplication, settings: Settings) -> None:
    try:
        with _startup_patience(application):
            await application.initialize()
            await _stop_webhook(application)
    except InvalidToken:
        if settings.telegram_api_base_url != PUBLIC_API_BASE_URL:
            # A wrong server path answers 404 too, which PTB reports as an invalid token.
            raise StartupError(
                "Telegram Bot API từ chối yêu cầu: hãy kiểm tra TELEGRAM_BOT_TOKEN và "
                f"TELEGRAM_API_BASE_URL ({settings.telegram_api_base_url})."
            ) from None
        raise StartupError(
            "Telegram từ chối TELEGRAM_BOT_TOKEN: hãy kiểm tra lại mã do BotFather cấp."
        ) from None
    except (NetworkError, TimedOut) as exc:  # BadRequest included: one clear line too
        raise StartupError(_unreachable(settings, exc)) from None
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()


async def _stop(application: BotApplication) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    if application.post_stop is not None:
        await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)
