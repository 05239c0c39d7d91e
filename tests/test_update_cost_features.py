"""One command, one transaction, for every feature that writes: units and invite codes,
admins, plans and deadlines (measured with SQLAlchemy's engine events, see
tests/support/update_cost.py). A command whose parts committed separately could leave half
of itself behind, and a second session writing inside the update would wait for the
update's own lock on SQLite."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from storage import units
from storage.db import Database
from storage.models import AuditEntry, Role, User
from tests.support.driver import ADMIN, AN, BINH, GROUP, PLAN_FILE, BotDriver, Replies, running_bot
from tests.support.update_cost import UpdateCost, measure


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        await driver.load_plan()
        await driver.unit("Thôn 1")
        for user in (ADMIN, AN, BINH):  # every sender known already: /start was sent
            await driver.send("/start", user)
        yield driver


async def cost_of(bot: BotDriver, text: str, user: int, **where: int) -> tuple[Replies, UpdateCost]:
    async with measure(bot.db) as cost:
        replies = await bot.send(text, user, **where)
    print(f"\n{text!r}: {cost.summary()}")
    return replies, cost


async def press_cost(bot: BotDriver, asked: Replies, label: str) -> tuple[Replies, UpdateCost]:
    data = asked.button(label)
    async with measure(bot.db) as cost:
        replies = await bot.press(data, ADMIN, on=asked.messages[-1])
    print(f"\npress {label!r} ({data}): {cost.summary()}")
    return replies, cost


def once(cost: UpdateCost) -> None:
    assert cost.commits == 1, cost.summary()
    assert cost.rollbacks == 0, cost.summary()


async def test_units_commands_commit_once(bot: BotDriver) -> None:
    replies, cost = await cost_of(bot, "/donvi them Thôn 2\nThôn 3", ADMIN)
    assert "Đã tạo 2 đơn vị" in replies.text
    once(cost)
    replies, cost = await cost_of(bot, "/donvi doiten Thôn 3 | Thôn Đông", ADMIN)
    assert "Thôn Đông" in replies.text
    once(cost)
    replies, cost = await cost_of(bot, "/donvi ma Thôn 1 30", ADMIN)
    assert "Hiệu lực 30 ngày" in replies.text
    once(cost)
    code = re.search(r"/thamgia ([A-Z0-9]+)", replies.text)
    assert code is not None
    replies, cost = await cost_of(bot, f"/thamgia {code.group(1)}", AN)
    assert "Chào mừng" in replies.text
    once(cost)
    replies, cost = await cost_of(bot, f"/thamgia {code.group(1)}", BINH, chat_id=GROUP)
    assert "Đã gắn nhóm này" in replies.text
    once(cost)
    replies, cost = await cost_of(bot, "/roi", AN)
    assert "đã rời đơn vị" in replies.text
    once(cost)
    replies, cost = await cost_of(bot, f"/donvi huyma {code.group(1)}", ADMIN)
    assert "Đã hủy mã" in replies.text
    once(cost)
    asked, cost = await cost_of(bot, "/donvi xoa Thôn 2", ADMIN)
    assert "Xóa đơn vị" in asked.text
    once(cost)
    replies, cost = await press_cost(bot, asked, "Xóa đơn vị")
    assert "Đã xóa đơn vị" in replies.text
    once(cost)


async def test_a_refused_code_is_counted_in_the_same_transaction(bot: BotDriver) -> None:
    refused = AuditEntry.action == units.INVITE_FAILURE_ACTION
    replies, cost = await cost_of(bot, "/thamgia KHONGCO", AN)
    assert "không đúng" in replies.text
    assert cost.commits == 1, cost.summary()
    assert len(await bot.rows(AuditEntry, refused, AuditEntry.actor_telegram_id == AN)) == 1
    assert await bot.rows(User, User.telegram_id == AN)  # the sender is still recorded


async def test_admin_commands_commit_once(bot: BotDriver) -> None:
    replies, cost = await cost_of(bot, f"/quantri them {AN}", ADMIN)
    assert "Đã cấp quyền" in replies.text
    once(cost)
    asked, cost = await cost_of(bot, f"/quantri bo {AN}", ADMIN)
    once(cost)
    replies, cost = await press_cost(bot, asked, "Gỡ quyền")
    assert "Đã gỡ quyền" in replies.text
    once(cost)
    person = await bot.rows(User, User.telegram_id == AN)
    assert person[0].role == Role.USER
    assert await bot.rows(AuditEntry, AuditEntry.action == "admin.demote")


async def test_plan_commands_commit_once(bot: BotDriver) -> None:
    replies, cost = await cost_of(bot, "/kehoach", ADMIN)
    assert replies.text
    once(cost)
    content = PLAN_FILE.read_bytes()
    async with measure(bot.db) as cost:
        replies = await bot.send_file((PLAN_FILE.name, content), ADMIN, caption="/kehoach")
    print(f"\nplan file: {cost.summary()}")
    assert "Đang đọc kế hoạch" in replies.messages[0].text
    # The sender is committed before "Đang đọc kế hoạch…" goes out (no lock is held while
    # the file is downloaded and read); the plan, its audit entry and the summary's
    # buttons are then saved together.
    assert cost.commits == 2, cost.summary()
    assert cost.rollbacks == 0, cost.summary()


async def test_deadline_commands_commit_once(bot: BotDriver) -> None:
    replies, cost = await cost_of(bot, "/hanchot", ADMIN)
    assert replies.text
    once(cost)
    replies, cost = await cost_of(bot, "/hanchot 6thang 12/06/2025", ADMIN)
    assert "Đã đặt hạn" in replies.text
    once(cost)
    replies, cost = await cost_of(bot, '/hanchot them "Hồ sơ khen thưởng" 31/07/2025', ADMIN)
    assert "Đã thêm hạn" in replies.text
    once(cost)
    replies, cost = await cost_of(bot, '/hanchot xoa "Hồ sơ khen thưởng"', ADMIN)
    assert "Đã xóa hạn" in replies.text
    once(cost)
