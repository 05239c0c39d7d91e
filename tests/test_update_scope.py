"""The update scope on its own: one session per update, committed at the end, rolled back
when the handler raises, and out of reach of tasks the handler leaves running."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select
from telegram import Update

from bot.clock import ManualClock
from bot.config import Settings
from bot.services import Services
from bot.update_scope import UpdateScope, current_scope, in_update_scope, scope_of
from storage import users
from storage.db import Database
from storage.models import User
from tests.support.driver import NOW

UPDATE = Update.de_json(
    {
        "update_id": 1,
        "message": {
            "message_id": 7,
            "date": int(NOW.timestamp()),
            "chat": {"id": 2001, "type": "private", "first_name": "An"},
            "from": {"id": 2001, "is_bot": False, "first_name": "An"},
            "text": "xin chào",
        },
    },
    None,
)


def context_for(services: Services) -> Any:
    return SimpleNamespace(bot_data={"services": services})


@pytest.fixture
def services(settings: Settings, database: Database) -> Services:
    return Services(settings=settings, db=database, clock=ManualClock(NOW))


async def run(services: Services, handler: Callable[[Any, Any], Coroutine[Any, Any, None]]) -> None:
    await in_update_scope(handler)(UPDATE, context_for(services))


async def known_users(database: Database) -> list[int]:
    async with database.session() as session:
        return list(await session.scalars(select(User.telegram_id)))


async def test_what_a_handler_writes_is_committed_once_it_returns(services: Services) -> None:
    async def handler(_update: Any, context: Any) -> None:
        await scope_of(context).remember_sender()

    await run(services, handler)
    assert await known_users(services.db) == [2001]


async def test_a_handler_that_raises_leaves_nothing_behind(services: Services) -> None:
    async def handler(_update: Any, context: Any) -> None:
        scope = scope_of(context)
        await scope.remember_sender()
        await users.upsert_user(scope.session, 2002, "Bình", None)
        raise RuntimeError("the matcher broke")

    with pytest.raises(RuntimeError):
        await run(services, handler)
    assert await known_users(services.db) == []


async def test_a_task_the_handler_starts_has_no_scope(services: Services) -> None:
    """A session serves one task: a background task (copying the handler's context
    variables) neither shares it while the update runs nor reuses it afterwards."""
    seen: dict[str, UpdateScope | None] = {}
    handled = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def at_once() -> None:
        seen["at once"] = current_scope()

    async def later() -> None:
        await handled.wait()
        seen["later"] = current_scope()

    async def handler(_update: Any, _context: Any) -> None:
        seen["inside"] = current_scope()
        tasks.append(asyncio.create_task(later()))
        await asyncio.create_task(at_once())

    await run(services, handler)
    handled.set()
    await tasks[0]
    assert seen["inside"] is not None
    assert seen["at once"] is None
    assert seen["later"] is None


async def test_a_refused_request_is_rolled_back_and_the_update_goes_on(
    services: Services,
) -> None:
    async def handler(_update: Any, context: Any) -> None:
        scope = scope_of(context)
        await users.upsert_user(scope.session, 2002, "Bình", None)  # then the request is refused
        await scope.rollback()
        await scope.remember_sender()  # what the update does afterwards is kept

    await run(services, handler)
    assert await known_users(services.db) == [2001]
