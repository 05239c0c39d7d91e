"""One unit of work per update.

The composition root wraps every handler in :func:`in_update_scope`: it opens one database
session for the update, and what every feature asks first (who is speaking and whether
they are an admin, the active plan, the unit they report for, the period a report counts
for) is resolved in it once, on first use, and kept on the :class:`UpdateScope`. Use cases
take ``scope.session`` instead of opening their own, so an update commits once: a message
with several figures is saved all or nothing.

The transaction commits before the bot first speaks (:func:`before_speaking`, called by the
handlers' reply helpers): a confirmation never goes out for figures a failed commit would
lose, and no lock is held while Telegram answers. It rolls back when the handler raises.

Inside an update, everything goes through ``scope.session``: a unit of work of its own
(``db.session()``) that writes after the scope wrote would wait for the scope's lock on
SQLite (one writer) and fail. Features still opening their own sessions only read through
the scope (admin check, active plan), which never blocks them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import CallbackContext

from bot import knowledge, periods
from bot.core.periods import Period
from bot.knowledge import ActivePlan
from bot.services import Services, get_services, is_admin
from storage import units, users
from storage.models import Unit

_CURRENT: ContextVar[UpdateScope | None] = ContextVar("update_scope", default=None)
_UNSET: Any = object()

Handler = Callable[[Any, Any], Coroutine[Any, Any, Any]]


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who sent the update, and from which chat (None for updates without them)."""

    user_id: int | None
    full_name: str
    username: str | None
    chat_id: int | None
    chat_type: str | None
    chat_title: str

    @classmethod
    def of(cls, update: Update) -> Speaker:
        user, chat = update.effective_user, update.effective_chat
        return cls(
            user_id=user.id if user else None,
            full_name=user.full_name if user else "",
            username=user.username if user else None,
            chat_id=chat.id if chat else None,
            chat_type=chat.type if chat else None,
            chat_title=(chat.title or chat.full_name or "") if chat else "",
        )


@dataclass
class UpdateScope:
    """The update's session and what it resolved so far (each looked up at most once)."""

    services: Services
    session: AsyncSession
    speaker: Speaker
    _admin: bool | None = None
    _plan: tuple[object, ActivePlan | None] | None = None  # (knowledge cache entry, plan)
    _unit: Unit | None = _UNSET
    _group_unit: Unit | None = _UNSET
    _periods: dict[int, Period] = field(default_factory=dict)
    _remembered: bool = False
    # The task handling the update, and whether it is done: a task the handler starts
    # (asyncio copies context variables into it) must not share or reuse the session.
    task: asyncio.Task[Any] | None = None
    closed: bool = False

    async def remember_sender(self) -> None:
        """Record the sender and their chat (names kept current)."""
        if self._remembered:
            return
        self._remembered = True
        who = self.speaker
        if who.user_id is not None:
            await users.upsert_user(self.session, who.user_id, who.full_name, who.username)
        if who.chat_id is not None and who.chat_type is not None:
            await users.upsert_chat(self.session, who.chat_id, who.chat_type, who.chat_title)

    async def is_admin(self) -> bool:
        """Whether the sender is an admin."""
        if self._admin is None:
            user_id = self.speaker.user_id
            self._admin = user_id is not None and await is_admin(
                self.services, user_id, session=self.session
            )
        return self._admin

    async def active_plan(self) -> ActivePlan | None:
        """The active plan with its knowledge base, None when no plan is loaded (looked up
        again when the update itself changed the plan: an import, a target edited)."""
        entry = self.services.caches.get(knowledge.CACHE_KEY)
        if self._plan is None or self._plan[0] is not entry or entry is None:
            plan = await knowledge.active_plan(self.services, session=self.session)
            self._plan = (self.services.caches.get(knowledge.CACHE_KEY), plan)
        return self._plan[1]

    async def reporting_unit(self) -> Unit | None:
        """The unit the sender reports for here: the group's unit in a bound group, else
        their own; None when there is none."""
        if self._unit is _UNSET:
            who = self.speaker
            if who.user_id is None or who.chat_id is None or who.chat_type is None:
                self._unit = None
            else:
                self._unit = await units.reporting_unit(
                    self.session,
                    user_telegram_id=who.user_id,
                    chat_telegram_id=who.chat_id,
                    chat_type=who.chat_type,
                )
        return self._unit

    async def group_unit(self) -> Unit | None:
        """The unit the chat is bound to (a unit's group), None elsewhere."""
        if self._group_unit is _UNSET:
            chat_id = self.speaker.chat_id
            self._group_unit = (
                None if chat_id is None else await units.unit_of_chat(self.session, chat_id)
            )
        return self._group_unit

    async def reporting_period(self, unit_id: int) -> Period:
        """The period a report from *unit_id* made now counts for."""
        if unit_id not in self._periods:
            self._periods[unit_id] = await periods.reporting_period(
                self.services, unit_id, session=self.session
            )
        return self._periods[unit_id]

    async def rollback(self) -> None:
        """Undo the update's changes so far (a request refused half-way) and forget the
        rows resolved in the session, which the rollback expired."""
        await self.session.rollback()
        self._unit = self._group_unit = _UNSET
        self._remembered = False

    async def commit(self) -> None:
        """Make the update's changes so far durable (nothing to do when there are none)."""
        if self.session.in_transaction():
            await self.session.commit()


def current_scope() -> UpdateScope | None:
    """The scope of the update being handled, if any (None in a task the handler started:
    a session serves one task at a time)."""
    scope = _CURRENT.get()
    if scope is None or scope.closed or scope.task is not asyncio.current_task():
        return None
    return scope


def scope_of(context: CallbackContext[Any, Any, Any, Any]) -> UpdateScope:
    """The scope of the update *context* belongs to (every handler runs in one)."""
    scope = current_scope()
    if scope is None or scope.services is not get_services(context):
        raise RuntimeError("no update scope: the handler was not wrapped by in_update_scope")
    return scope


async def before_speaking() -> None:
    """Commit the update's work before the bot tells anyone about it."""
    scope = current_scope()
    if scope is not None:
        await scope.commit()


def in_update_scope(callback: Handler) -> Handler:
    """*callback* run in a scope of its own: one session, committed at the end (and before
    the first reply), rolled back when the callback raises."""

    async def run(update: Any, context: CallbackContext[Any, Any, Any, Any]) -> Any:
        if not isinstance(update, Update):
            return await callback(update, context)
        services = get_services(context)
        async with services.db.sessions() as session:
            scope = UpdateScope(services, session, Speaker.of(update))
            scope.task = asyncio.current_task()
            token = _CURRENT.set(scope)
            try:
                result = await callback(update, context)
                await scope.commit()
            except BaseException:
                await session.rollback()
                raise
            finally:
                scope.closed = True
                _CURRENT.reset(token)
        return result

    run.__name__ = getattr(callback, "__name__", "handler")
    run.__qualname__ = getattr(callback, "__qualname__", run.__name__)
    run.__doc__ = callback.__doc__
    return run
