"""The cost of one progress message from the update to the database and back: how many
transactions it commits, how many SQL statements it sends and how many project files it
crosses (measured with SQLAlchemy's engine events, see tests/support/update_cost.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from storage.db import Database
from tests.support.driver import AN, BotDriver, running_bot
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
async def test_a_progress_message_costs(bot: BotDriver, text: str) -> None:
    async with measure(bot.db) as cost:
        replies = await bot.send(text, AN)
    assert replies.text.count("✅") == text.count(";") + 1  # every figure saved
    print(f"\n{text!r}: {cost.summary()}")
    for name in sorted(cost.files):
        print("   ", name)
