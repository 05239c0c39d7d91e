"""The cost of one progress message from the update to the database and back: how many
transactions it commits, how many SQL statements it sends and how many project files it
crosses (measured with SQLAlchemy's engine events, see tests/support/update_cost.py), and
that a message with several figures is saved all or nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import delete

from bot.app import GENERIC_ERROR_TEXT
from bot.config import Settings
from storage import reports
from storage.db import Database
from storage.models import AuditEntry, Deadline, User
from tests.support.driver import AN, CUONG, BotDriver, running_bot
from tests.support.update_cost import measure

ONE_FIGURE = "Đã trồng được 12.500 cây phân tán"
THREE_FIGURES = "Đã trồng được 12.500 cây phân tán; lợn 2.300 con; thóc 900 tấn"


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        await driver.load_plan()
        await driver.add_member(AN, "Thôn 1")
        await driver.send("thêm 0 cây phân tán", AN)  # warm the plan cache and the user row
        yield driver


@pytest.mark.parametrize("text", [ONE_FIGURE, THREE_FIGURES], ids=["one", "three"])
async def test_a_progress_message_commits_once(bot: BotDriver, text: str) -> None:
    async with measure(bot.db) as cost:
        replies = await bot.send(text, AN)
    assert replies.text.count("✅") == text.count(";") + 1  # every figure saved
    print(f"\n{text!r}: {cost.summary()}")
    assert cost.commits == 1, cost.summary()
    assert cost.rollbacks == 0


async def test_a_failure_in_the_third_figure_saves_none_of_them(
    bot: BotDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = len(await bot.reports())
    audited = len(await bot.rows(AuditEntry, AuditEntry.action == "report.add"))
    real_add = reports.add_report
    calls = 0

    async def failing_on_the_third(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("the disk is full")
        return await real_add(*args, **kwargs)

    monkeypatch.setattr(reports, "add_report", failing_on_the_third)
    replies = await bot.send(THREE_FIGURES, AN)

    assert calls == 3
    assert replies.text == GENERIC_ERROR_TEXT  # no confirmation of figures that are not kept
    assert len(await bot.reports()) == before
    assert len(await bot.rows(AuditEntry, AuditEntry.action == "report.add")) == audited

    monkeypatch.setattr(reports, "add_report", real_add)
    replies = await bot.send(THREE_FIGURES, AN)  # sent again, it is saved whole
    assert replies.text.count("✅") == 3
    assert len(await bot.reports()) == before + 3


async def test_a_newcomers_first_question_about_deadlines_is_answered(bot: BotDriver) -> None:
    """The newcomer is recorded in the update's transaction and the default deadlines are
    written in that same transaction: a second writer in the same update would wait for
    the first (SQLite has one writer) and fail."""
    async with bot.db.session() as session:
        await session.execute(delete(Deadline))
    replies = await bot.send("hạn nộp báo cáo 6 tháng khi nào?", CUONG)
    assert replies.text != GENERIC_ERROR_TEXT
    assert "14/06/2025" in replies.text
    assert await bot.rows(User, User.telegram_id == CUONG)
