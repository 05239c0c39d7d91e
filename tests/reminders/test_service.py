"""Reminder use cases: who is reminded, with what; digest and overdue notices; deadline
changes and their validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from telegram.error import Forbidden

from bot import periods
from bot.clock import ManualClock
from bot.core.periods import parse_kind
from bot.errors import InvalidInput, NotFound
from bot.services import Services
from reminders import service
from storage import deadlines as store

from .conftest import (
    ADMIN_CONFIGURED,
    ADMIN_PROMOTED,
    GROUP_AN_BINH,
    MEMBER_BAC_1,
    MEMBER_BAC_LEFT,
    MEMBER_TO_3,
    MEMBER_VAN_HOA,
    Commune,
    FakeBot,
    local,
)

MISSING_CHATS = {GROUP_AN_BINH, MEMBER_BAC_1, MEMBER_VAN_HOA}
ADMINS = {ADMIN_CONFIGURED, ADMIN_PROMOTED}


async def period_deadline_id(services: Services, kind: str = "6thang", year: int = 2026) -> int:
    await service.ensure_default_deadlines(services)
    async with services.db.session() as s:
        row = await store.period_deadline(s, year, kind)
    assert row is not None
    return row.id


def chats(bot: FakeBot) -> set[int]:
    return {s.chat_id for s in bot.sent}


async def test_reminder_goes_only_to_units_that_have_not_reported(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    deadline_id = await period_deadline_id(services)
    clock.set(local(date(2026, 6, 11), time(8, 0)))
    report = await service.send_due(services, fake_bot, deadline_id, "d-3")

    assert report is not None
    assert chats(fake_bot) == MISSING_CHATS  # not Tổ dân phố 3, not the member who left
    assert MEMBER_TO_3 not in chats(fake_bot) and MEMBER_BAC_LEFT not in chats(fake_bot)
    assert sorted(report.units_targeted) == ["Phòng Văn hóa", "Thôn An Bình", "Thôn Bắc"]
    (text,) = fake_bot.texts(GROUP_AN_BINH)
    assert "báo cáo sơ kết 6 tháng đầu năm 2026" in text
    assert "Chủ nhật, 14/06/2026" in text and "còn 3 ngày" in text
    assert "Thôn An Bình" in text
    for line in ["(10) Giải quyết việc làm: 1.600 người", "Đàn gia súc – lợn: 5.500 con"]:
        assert line in text
    assert "BHYT" not in text  # the commune's one rate: no unit is chased for it
    assert "an ninh" not in text and "đã bỏ" not in text  # not reportable / retired
    markup = fake_bot.sent[0].markup
    button = markup.inline_keyboard[0][0]
    assert (button.text, button.callback_data) == ("Báo cáo ngay", "rep:start")
    assert not ADMINS & chats(fake_bot)  # nothing went wrong, so no notice to admins


async def test_the_same_slot_run_again_sends_nothing_new(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    deadline_id = await period_deadline_id(services)
    clock.set(local(date(2026, 6, 11), time(8, 0)))
    await service.send_due(services, fake_bot, deadline_id, "d-3")
    again = await service.send_due(services, fake_bot, deadline_id, "d-3")
    assert again is not None and not again.result.sent and len(again.result.duplicates) == 3
    assert len(fake_bot.sent) == 3


async def test_digest_lists_the_missing_units_to_the_admins(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    deadline_id = await period_deadline_id(services)
    clock.set(local(date(2026, 6, 12), time(8, 0)))
    await service.send_due(services, fake_bot, deadline_id, "digest")
    assert chats(fake_bot) == ADMINS
    text = fake_bot.texts(ADMIN_CONFIGURED)[0]
    assert "Đã báo cáo: 1/4 đơn vị" in text and "Còn 3 đơn vị chưa báo cáo" in text
    for name in ("Thôn An Bình", "Thôn Bắc", "Phòng Văn hóa"):
        assert f"• {name}" in text
    assert "Tổ dân phố 3" not in text


async def test_overdue_notice_goes_once_to_missing_units_and_to_admins(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    deadline_id = await period_deadline_id(services)
    clock.set(local(date(2026, 6, 15), time(8, 0)))
    await service.send_due(services, fake_bot, deadline_id, "overdue")
    await service.send_due(services, fake_bot, deadline_id, "overdue")  # a repeat is a no-op
    assert chats(fake_bot) == MISSING_CHATS | ADMINS
    assert all(fake_bot.count(c) == 1 for c in MISSING_CHATS | ADMINS)
    assert "Đã quá hạn báo cáo sơ kết" in fake_bot.texts(MEMBER_BAC_1)[0]
    assert "Còn 3/4 đơn vị chưa báo cáo" in fake_bot.texts(ADMIN_PROMOTED)[0]


async def test_stale_jobs_send_nothing(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    deadline_id = await period_deadline_id(services)
    assert await service.send_due(services, fake_bot, deadline_id, "d-5") is None
    moved = date(2026, 6, 20)
    assert (
        await service.send_due(services, fake_bot, deadline_id, "d-3", expected_due=moved) is None
    )
    assert await service.send_due(services, fake_bot, 9999, "d-3") is None
    assert fake_bot.sent == []


async def test_moving_a_deadline_gives_its_reminders_fresh_keys(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    deadline_id = await period_deadline_id(services)
    clock.set(local(date(2026, 6, 11), time(8, 0)))
    await service.send_due(services, fake_bot, deadline_id, "d-3")
    await service.set_deadline(services, "6thang", date(2026, 6, 19), actor=ADMIN_CONFIGURED)
    clock.set(local(date(2026, 6, 16), time(8, 0)))
    await service.send_due(services, fake_bot, deadline_id, "d-3")
    texts = fake_bot.texts(GROUP_AN_BINH)
    assert len(texts) == 2 and "19/06/2026" in texts[1]


async def test_blocked_and_homeless_units_are_reported_to_admins(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    deadline_id = await period_deadline_id(services)
    fake_bot.failures[MEMBER_BAC_1] = [Forbidden("Forbidden: bot was blocked by the user")]
    clock.set(local(date(2026, 6, 11), time(8, 0)))
    report = await service.send_due(services, fake_bot, deadline_id, "d-3")
    assert report is not None and [m.chat_id for m in report.result.unreachable] == [MEMBER_BAC_1]
    assert {GROUP_AN_BINH, MEMBER_VAN_HOA} <= chats(fake_bot)
    notice = fake_bot.texts(ADMIN_CONFIGURED)[0]
    assert "Thôn Bắc (Cán bộ 201)" in notice and "đã chặn bot" in notice

    # Next reminder: Thôn Bắc has nowhere left to receive it, and admins hear about that.
    clock.set(local(date(2026, 6, 12), time(8, 0)))
    later = await service.send_due(services, fake_bot, deadline_id, "d-1")
    assert later is not None and later.homeless == ["Thôn Bắc"]
    assert "chưa có nhóm hoặc thành viên" in fake_bot.texts(ADMIN_PROMOTED)[-1]


async def test_custom_deadlines_remind_every_unit_without_digest(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    view, created = await service.add_custom_deadline(
        services, "“Hồ sơ khen thưởng”", date(2026, 7, 31), actor=ADMIN_CONFIGURED
    )
    assert created and view.title == "Hồ sơ khen thưởng" and view.period is None
    clock.set(local(date(2026, 7, 24), time(8, 0)))
    await service.send_due(services, fake_bot, view.id, "d-7")
    assert chats(fake_bot) == MISSING_CHATS | {MEMBER_TO_3}  # reported or not: everyone
    text = fake_bot.texts(MEMBER_TO_3)[0]
    assert "Hồ sơ khen thưởng" in text and "Thứ Sáu, 31/07/2026" in text
    assert all(s.markup is None for s in fake_bot.sent)
    assert await service.send_due(services, fake_bot, view.id, "digest") is None
    assert await service.send_due(services, fake_bot, view.id, "overdue") is None


async def test_overrides_move_the_period_and_bad_input_changes_nothing(
    services: Services, clock: ManualClock
) -> None:
    await service.ensure_default_deadlines(services)
    assert (await periods.period_on(services, date(2026, 6, 12))).key == "2026-6thang"
    view = await service.set_deadline(services, "6thang", date(2026, 6, 10), actor=1)
    assert view.source == "admin" and view.due_on == date(2026, 6, 10)
    await service.ensure_default_deadlines(services)  # the override survives
    assert (await periods.period_on(services, date(2026, 6, 12))).key == "2026-nam"
    assert (await periods.current_period(services)).label == "6 tháng đầu năm 2026"

    with pytest.raises(InvalidInput, match="đã qua"):
        await service.set_deadline(services, "nam", date(2026, 5, 1), actor=1)
    with pytest.raises(InvalidInput, match="phải trước"):
        await service.set_deadline(services, "6thang", date(2026, 12, 20), actor=1)
    with pytest.raises(InvalidInput, match="Không có loại hạn"):
        parse_kind("quy1")
    with pytest.raises(InvalidInput, match="không có thật"):
        service.parse_future_day(services, "31/02/2027")
    with pytest.raises(InvalidInput, match="đã qua"):
        service.parse_future_day(services, "31/05/2026")
    assert parse_kind("6 tháng") == "6thang" and parse_kind("Năm") == "nam"
    assert (await periods.year_deadlines(services, 2026)).six_month == date(2026, 6, 10)

    # Once a period has closed, moving its deadline would reopen it: refused.
    clock.set(datetime(2026, 7, 1, 3, 0, tzinfo=UTC))
    with pytest.raises(InvalidInput, match="đã khóa sổ ngày 10/06/2026"):
        await service.set_deadline(services, "6thang", date(2026, 7, 20), actor=1)
    assert (await periods.year_deadlines(services, 2026)).six_month == date(2026, 6, 10)


async def test_list_shows_coming_deadlines_with_report_counts(
    services: Services, commune: Commune
) -> None:
    await service.add_custom_deadline(services, "Hồ sơ khen thưởng", date(2026, 7, 31), 1)
    views = await service.list_deadlines_with_counts(services)
    assert [(v.kind, v.due_on) for v in views] == [
        ("6thang", date(2026, 6, 14)),
        ("custom", date(2026, 7, 31)),
        ("nam", date(2026, 12, 14)),
        ("6thang", date(2027, 6, 14)),
        ("nam", date(2027, 12, 14)),
    ]
    assert (views[0].reported, views[0].total) == (1, 4)
    assert views[1].reported is None


async def test_remind_now_once_a_day_for_the_next_deadline(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    first = await service.send_now(services, fake_bot)
    assert first.deadline.kind == "6thang" and len(first.result.sent) == 3
    again = await service.send_now(services, fake_bot)
    assert not again.result.sent and len(again.result.duplicates) == 3
    clock.advance(timedelta(days=1))
    await service.send_now(services, fake_bot)
    assert fake_bot.count(GROUP_AN_BINH) == 2
    year_end = await service.send_now(services, fake_bot, "nam")
    assert year_end.deadline.due_on == date(2026, 12, 14)


async def test_remove_custom_deadline(services: Services) -> None:
    await service.add_custom_deadline(services, "Đăng ký thi đua", date(2026, 9, 30), 1)
    removed = await service.remove_custom_deadline(services, "đăng ký thi đua", 1)
    assert removed.due_on == date(2026, 9, 30)
    with pytest.raises(NotFound):
        await service.remove_custom_deadline(services, "Đăng ký thi đua", 1)


def test_long_lists_are_cut_to_fit_one_telegram_message() -> None:
    targets = tuple(
        store.TargetRef(n, str(n), str(n), "Chỉ tiêu rất dài " * 8, Decimal(n), "người", None)
        for n in range(1, 101)
    )
    unit = store.UnitStatus(1, "Thôn Đông", reported=False, missing=targets)
    view = service.DeadlineView(
        1, "nam", 2026, "", date(2026, 12, 14), "default", "báo cáo tổng kết năm 2026", None
    )
    text = service.reminder_text(view, unit, date(2026, 12, 7))
    assert len(text) < 4096 and "(1) Chỉ tiêu rất dài" in text
    assert text.splitlines()[-2].startswith("… và ") and "chỉ tiêu khác" in text
    digest = service.digest_text(view, ["Thôn " + "Đông Bắc " * 30] * 200, 250)
    assert len(digest) < 4096 and "đơn vị khác" in digest


async def test_remind_now_after_a_deadline_chases_the_units_that_missed_it(
    services: Services, clock: ManualClock, fake_bot: FakeBot, commune: Commune
) -> None:
    clock.set(local(date(2026, 6, 20)))  # six days after the six-month deadline
    chased = await service.send_now(services, fake_bot)
    assert chased.deadline.kind == "6thang" and chased.deadline.due_on == date(2026, 6, 14)
    assert chased.result.sent
    assert all("Đã quá hạn" in s.text for s in fake_bot.sent)
    assert (await service.send_now(services, fake_bot, "nam")).deadline.kind == "nam"
    clock.set(local(date(2026, 7, 20)))  # the late window has closed
    assert (await service.send_now(services, fake_bot)).deadline.due_on > date(2026, 7, 20)
