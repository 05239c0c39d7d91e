"""Unit names through the real application: several names in one /donvi them (lines, ";" or
a list of unit names with ","), the word limit told at creation, and a report opened by a
long unit name credited to that unit, never to a shorter unit whose name opens it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import Settings
from storage import units
from storage.db import Database
from tests.support.driver import ADMIN, BotDriver, running_bot

LONG_NAME = "Tổ dân phố số 3 khu tái định cư Bắc Sông Gianh xã Sơn Thủy"  # 15 words
SHORT_NAME = "Tổ dân phố số 3"


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    """The sample plan loaded."""
    async with running_bot(settings, database) as driver:
        await driver.load_plan()
        yield driver


async def names(bot: BotDriver) -> list[str]:
    async with bot.db.session() as session:
        return [unit.name for unit in await units.list_units(session)]


async def test_names_separated_by_semicolons_or_lines_each_make_a_unit(bot: BotDriver) -> None:
    replies = await bot.send("/donvi them Thôn 5; Thôn 6", ADMIN)
    assert "Đã tạo 2 đơn vị:" in replies.text
    assert {"Thôn 5", "Thôn 6"} <= set(await names(bot))

    again = await bot.send("/donvi them Thôn 5\nThôn 7;  ; Thôn 7", ADMIN)
    assert "Đã tạo đơn vị <b>Thôn 7</b>" not in again.text  # replies are shown as users see them
    assert "Đã tạo đơn vị Thôn 7." in again.text
    assert "Đã có từ trước, không tạo thêm (1):\n• Thôn 5" in again.text
    assert (await names(bot)).count("Thôn 7") == 1

    alone = await bot.send("/donvi them Thôn 6", ADMIN)
    assert alone.text.startswith("Đơn vị Thôn 6 đã có từ trước, không tạo thêm.")


async def test_a_comma_separates_only_a_list_of_unit_names(bot: BotDriver) -> None:
    replies = await bot.send("/donvi them Thôn 8, Thôn 9", ADMIN)
    assert "Đã tạo 2 đơn vị:" in replies.text
    kept = await bot.send("/donvi them Khu dân cư Bắc, phường Sơn Thủy", ADMIN)
    assert "Đã tạo đơn vị Khu dân cư Bắc, phường Sơn Thủy." in kept.text
    assert {"Thôn 8", "Thôn 9", "Khu dân cư Bắc, phường Sơn Thủy"} <= set(await names(bot))


async def test_an_overlong_name_is_refused_with_the_limit(bot: BotDriver) -> None:
    too_long = LONG_NAME + " cũ"
    replies = await bot.send(f"/donvi them {too_long}; Thôn 10", ADMIN)
    assert "Đã tạo đơn vị Thôn 10." in replies.text
    assert f"tối đa {units.MAX_NAME_WORDS} từ và {units.MAX_NAME_LENGTH} ký tự" in replies.text
    assert "(tên này có 16 từ" in replies.text
    assert too_long not in await names(bot)
    long_chars = "Thôn " + "Đ" * 120
    refused = await bot.send(f"/donvi them {long_chars}", ADMIN)
    assert "Không tạo được đơn vị." in refused.text and "125 ký tự" in refused.text


async def test_a_report_opened_by_the_longest_exact_unit_name_goes_to_that_unit(
    bot: BotDriver,
) -> None:
    await bot.send(f"/donvi them {SHORT_NAME}\n{LONG_NAME}", ADMIN)
    assert {SHORT_NAME, LONG_NAME} <= set(await names(bot))

    replies = await bot.send(f"/baocao {LONG_NAME} 8.000 cây phân tán", ADMIN)
    assert f"✅ {LONG_NAME} — Trồng cây phân tán: 8.000 / 58.000 cây" in replies.text
    colon = await bot.send(f"/baocao {LONG_NAME.lower()}: thêm 500 cây phân tán", ADMIN)
    assert f"✅ {LONG_NAME} — Trồng cây phân tán: 8.500 / 58.000 cây" in colon.text
    short = await bot.send(f"/baocao {SHORT_NAME} 300 cây phân tán", ADMIN)
    assert f"✅ {SHORT_NAME} — Trồng cây phân tán: 300 / 58.000 cây" in short.text
    long_unit, short_unit = await bot.unit(LONG_NAME), await bot.unit(SHORT_NAME)
    saved = {(row.unit_id, row.value) for row in await bot.reports()}
    assert {row[0] for row in saved} == {long_unit.id, short_unit.id}
