"""The composition root: builds the PTB Application and everything it runs on.

All handlers are registered here, in one place and a deliberate order: commands first,
then button presses, then documents, then free text (questions and reports) last, so a
command is never mistaken for a report. Each runs in an update scope: one database session
and one transaction for the whole update (bot/update_scope.py).
"""

from __future__ import annotations

import json
import logging
from types import ModuleType
from typing import Any

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ApplicationBuilder, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot.clock import Clock, SystemClock
from bot.commands import Audience, Command
from bot.config import Settings
from bot.errors import UserFacingError
from bot.logs import redact
from bot.services import Services, attach_services, get_services
from bot.telegram_retry import RetryingRateLimiter, RetryPolicy
from bot.update_scope import in_update_scope
from handlers import (
    admins,
    deadlines,
    messages,
    plans,
    progress,
    questions,
    reporting,
    scans,
    start,
    targets,
    units,
    unknown,
)
from handlers.common import Context, is_harmless
from reminders.schedule import rebuild_schedule
from storage import users
from storage.db import Database

logger = logging.getLogger(__name__)

BotApplication = Application[Any, Any, Any, Any, Any, Any]

# Feature modules in registration order. Each exposes COMMANDS and handlers(). Free text
# (messages) comes last so that commands, documents and buttons are matched first.
FEATURES: tuple[ModuleType, ...] = (
    start,
    units,
    admins,
    scans,  # photos and image files with /kehoach, before plans takes every document
    targets,  # before plans: a sheet sent with /chitieu nhap is not a plan file
    plans,
    questions,
    reporting,
    progress,
    deadlines,
    unknown,
    messages,
)

GENERIC_ERROR_TEXT = (
    "Xin lỗi, đã có lỗi khi xử lý yêu cầu này. Dữ liệu của anh/chị không bị mất; "
    "vui lòng thử lại sau ít phút. Nếu vẫn lỗi, hãy báo cán bộ phụ trách."
)


def collect_commands(features: tuple[ModuleType, ...] = FEATURES) -> tuple[Command, ...]:
    """Every feature's commands, in registration order, each name once."""
    seen: dict[str, Command] = {}
    for feature in features:
        for command in getattr(feature, "COMMANDS", ()):
            seen.setdefault(command.name, command)
    return tuple(seen.values())


def build_application(
    settings: Settings,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    token: str | None = None,
    offline_admin_id: int | None = None,
    offline: bool = False,
    retry_policy: RetryPolicy | None = None,
) -> BotApplication:
    """Build the fully wired Application (not yet initialised or started).

    Tests pass a recording *request*; the console passes one that prints to the terminal,
    and *offline_admin_id*: its user, an admin for this run only, with reminders switched off
    (*offline* switches them off for a console user who is a plain member).
    Every Bot API call goes through one retry policy (*retry_policy*, see bot/telegram_retry).
    """
    bot_token = token or settings.token
    if not bot_token:
        raise ValueError("build_application needs a token (settings or the token argument)")
    builder = (
        ApplicationBuilder()
        .token(bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_file_base_url)
        .defaults(Defaults(tzinfo=settings.tz))
        .rate_limiter(RetryingRateLimiter(retry_policy))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
    else:
        timeout = settings.request_timeout
        builder = builder.request(
            HTTPXRequest(connection_pool_size=16, read_timeout=timeout, connect_timeout=timeout)
        )
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    application: BotApplication = builder.build()

    services = Services(
        settings=settings,
        db=db or Database(settings.database_url),
        clock=clock or SystemClock(),
        commands=collect_commands(),
        offline=offline or offline_admin_id is not None,
        session_admin_ids=frozenset({offline_admin_id} if offline_admin_id is not None else ()),
    )
    attach_services(application, services)
    for feature in FEATURES:
        feature_handlers = feature.handlers()
        for handler in feature_handlers:
            # One session and one transaction per update (see bot/update_scope.py).
            handler.callback = in_update_scope(handler.callback)
        application.add_handlers(feature_handlers)
    application.add_error_handler(on_error)
    return application


async def post_init(application: BotApplication) -> None:
    """Lifecycle start: make admins known, publish the command menu, and rebuild the
    reminder schedule from the database (the JobQueue is only the clock)."""
    services: Services = application.bot_data["services"]
    async with services.db.session() as session:
        await users.sync_admins(session, services.settings.admin_ids)
    await publish_commands(application, services.commands)
    if not services.offline:
        await rebuild_schedule(application, services)


async def publish_commands(application: BotApplication, commands: tuple[Command, ...]) -> None:
    """Register the command menu (admin commands stay out of it: /help lists them to admins)."""
    menu = [BotCommand(c.name, c.menu) for c in commands if c.audience is not Audience.ADMIN]
    try:
        await application.bot.set_my_commands(menu)
        await application.bot.set_my_commands(menu, scope=BotCommandScopeAllPrivateChats())
    except (NetworkError, RetryAfter) as exc:
        # The menu is a convenience; the bot works without it, so log and carry on.
        logger.warning("Could not publish the command menu: %s", exc)


async def post_shutdown(application: BotApplication) -> None:
    """Lifecycle end: close the database pool."""
    services: Services = application.bot_data["services"]
    await services.db.dispose()


async def on_error(update: object, context: Context) -> None:
    """The one error handler: log the update and the exception; tell the user plainly."""
    error = context.error
    if isinstance(error, UserFacingError):
        await _answer(update, error.message_vi)
        return
    # BadRequest is a NetworkError in PTB, but it is our fault (bad markup, text too long):
    # log it in full and tell the user, like any other bug.
    if isinstance(error, BadRequest) and is_harmless(error):
        logger.info("Ignored a harmless Telegram answer: %s", error.message)
        return
    if isinstance(error, RetryAfter | TimedOut | NetworkError | Forbidden) and not isinstance(
        error, BadRequest
    ):
        # Transient API trouble outlasting the retry policy, or a blocked chat.
        logger.warning("Telegram API error: %s", redact(str(error)))
        return
    payload = update.to_dict() if isinstance(update, Update) else repr(update)
    logger.error(
        "Unhandled error while processing update %s",
        redact(json.dumps(payload, ensure_ascii=False, default=str)[:4000]),
        exc_info=error,
    )
    await _answer(update, GENERIC_ERROR_TEXT)


async def _answer(update: object, text: str) -> None:
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await update.effective_chat.send_message(text)
    except Exception:  # the error path must never raise again
        logger.warning("Could not tell the user about an error", exc_info=True)


def services_of(application: BotApplication) -> Services:
    """The services attached to *application* (for the runner and tests)."""
    services = application.bot_data["services"]
    assert isinstance(services, Services)
    return services


__all__ = ["FEATURES", "BotApplication", "build_application", "get_services", "services_of"]
