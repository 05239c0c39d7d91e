"""The services every handler and job needs, built once by the composition root.

Handlers reach them through :func:`get_services`; nothing else keeps global state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram.ext import Application, CallbackContext

from bot.clock import Clock
from bot.commands import Command
from bot.config import Settings
from storage import users
from storage.db import Database

SERVICES_KEY = "services"


@dataclass
class Services:
    """Settings, database and clock, plus caches that features attach at start."""

    settings: Settings
    db: Database
    clock: Clock
    commands: tuple[Command, ...] = ()  # every registered command, for /help and the menu
    # The offline console: nothing reaches Telegram, so no reminder may be sent or recorded,
    # and its user is an admin for this run only (never written to the database).
    offline: bool = False
    session_admin_ids: frozenset[int] = frozenset()
    # Feature-owned caches (e.g. the active plan's knowledge base), keyed by feature name.
    caches: dict[str, Any] = field(default_factory=dict)


async def is_admin(
    services: Services, telegram_id: int, *, session: AsyncSession | None = None
) -> bool:
    """Admins: ADMIN_IDS, the offline console's user for its run, and those promoted
    (looked up in *session* when the caller has one)."""
    if telegram_id in services.settings.admin_ids or telegram_id in services.session_admin_ids:
        return True
    async with services.db.within(session) as own:
        return await users.is_admin(own, telegram_id)


def attach_services(
    application: Application[Any, Any, Any, Any, Any, Any], services: Services
) -> None:
    """Make *services* reachable from every callback of *application*."""
    application.bot_data[SERVICES_KEY] = services


def get_services(context: CallbackContext[Any, Any, Any, Any]) -> Services:
    """The services of the running application."""
    services = context.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services
