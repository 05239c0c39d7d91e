"""/hanchot and /nhacnho as users type them."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from telegram import Chat as TgChat
from telegram import Message, Update
from telegram import User as TgUser
from telegram.ext import Application, ApplicationBuilder

from bot import periods
from bot.clock import ManualClock
from bot.services import SERVICES_KEY, Services
from handlers import deadlines as handler
from handlers.common import NOT_ADMIN_TEXT

from ..conftest import TEST_TOKEN
from .conftest import ADMIN_CONFIGURED, GROUP_AN_BINH, Commune, FakeBot

STAFF = 300


class Harness:
    """Runs a handler on a typed command and keeps what the bot answered."""

    def __init__(self, services: Services, bot: FakeBot) -> None:
        self.services = services
        self.bot = bot
        self.app: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder().token(TEST_TOKEN).build()
        )
        self.app.bot_data[SERVICES_KEY] = services
        self.background: list[Coroutine[Any, Any, Any]] = []

    def _create_task(self, coroutine: Coroutine[Any, Any, Any], **_: Any) -> None:
        self.background.append(coroutine)

    async def run(self, text: str, *, user_id: int = ADMIN_CONFIGURED) -> list[str]:
        before = len(self.bot.sent)
        user = TgUser(id=user_id, first_name="Cán bộ", is_bot=False)
        chat = TgChat(id=user_id, type="private")
        message = Message(
            message_id=1, date=datetime.now(UTC), chat=chat, from_user=user, text=text
        )
        for obj in (user, chat, message):
            obj.set_bot(self.bot)  # type: ignore[arg-type]
        update = Update(update_id=1, message=message)
        application = SimpleNamespace(job_queue=self.app.job_queue, create_task=self._create_task)
        context = SimpleNamespace(bot=self.bot, bot_data=self.app.bot_data, application=application)
        command = text.split()[0].lstrip("/")
        callback = {"hanchot": handler.hanchot, "nhacnho": handler.nhacnho}[command]
        await callback(update, context)  # type: ignore[arg-type]
        while self.background:
            await self.background.pop(0)
        return [s.text for s in self.bot.sent[before:] if s.chat_id == user_id]


async def test_everyone_sees_coming_deadlines_with_counts(
    services: Services, fake_bot: FakeBot, commune: Commune
) -> None:
    (answer,) = await Harness(services, fake_bot).run("/hanchot", user_id=STAFF)
    assert "Các hạn báo cáo sắp tới" in answer
    assert "<b>14/06/2026</b> (Chủ nhật) — Báo cáo sơ kết 6 tháng đầu năm 2026" in answer
    assert "1/4 đơn vị đã báo cáo" in answer
    assert "Cách dùng" not in answer  # the change commands are for admins


async def test_admin_moves_a_deadline_and_the_jobs_follow(
    services: Services, fake_bot: FakeBot
) -> None:
    harness = Harness(services, fake_bot)
    (answer,) = await harness.run("/hanchot 6thang 10/06/2026")
    assert "Đã đặt hạn báo cáo sơ kết 6 tháng đầu năm 2026 là" in answer
    assert "Thứ Tư, 10/06/2026" in answer and "03/06, 05/06, 09/06, 10/06 lúc 08:00" in answer
    assert (await periods.year_deadlines(services, 2026)).six_month == date(2026, 6, 10)
    assert harness.app.job_queue is not None
    dues = {job.data["due_on"] for job in harness.app.job_queue.jobs("^reminder:")}
    assert "2026-06-10" in dues and "2026-06-14" not in dues

    (listed,) = await harness.run("/hanchot")
    assert "(đã điều chỉnh)" in listed and "Cách dùng" in listed


async def test_bad_input_gets_a_clear_message_and_changes_nothing(
    services: Services, fake_bot: FakeBot
) -> None:
    harness = Harness(services, fake_bot)
    cases = {
        "/hanchot 6thang 10/06/2020": "đã qua",
        "/hanchot 6thang 31/02/2027": "không có thật",
        "/hanchot quy1 10/06/2026": "Không hiểu",
        "/hanchot nam 10-06": "phải sau hạn sơ kết 6 tháng",  # 10/06 this year, before it
        "/hanchot nam mai": "Không đọc được ngày",
        "/hanchot 6thang": "Thiếu ngày. Ví dụ: /hanchot 6thang 10/06/2027",
        '/hanchot them "" 31/07/2026': "Hãy ghi tên của hạn",
        "/hanchot them 31/07/2026": "Cần tên và ngày",
    }
    for command, expected in cases.items():
        (answer,) = await harness.run(command)
        assert expected in answer, (command, answer)
    assert (await periods.year_deadlines(services, 2026)).six_month == date(2026, 6, 14)
    (refused,) = await harness.run("/hanchot 6thang 10/06/2026", user_id=STAFF)
    assert refused == NOT_ADMIN_TEXT


async def test_admin_adds_and_removes_a_named_deadline(
    services: Services, fake_bot: FakeBot
) -> None:
    harness = Harness(services, fake_bot)
    (added,) = await harness.run('/hanchot them "Hồ sơ khen thưởng" 31/07/2026')
    assert "Đã thêm hạn «Hồ sơ khen thưởng»" in added and "31/07/2026" in added
    (moved,) = await harness.run("/hanchot them Hồ sơ khen thưởng 05/08/2026")
    assert "Đã đổi ngày của hạn «Hồ sơ khen thưởng»" in moved
    (listed,) = await harness.run("/hanchot")
    assert "Hồ sơ khen thưởng <i>(hạn riêng)</i>" in listed and "05/08/2026" in listed
    # Only the whole name removes it; anything else lists what there is.
    choices = "Các hạn riêng sắp tới: «Hồ sơ khen thưởng» (05/08/2026)."
    for typed in ('"Hồ sơ"', "khen thưởng", "Hồ sơ khen thưởng 2"):
        (missing,) = await harness.run(f"/hanchot xoa {typed}")
        assert missing.startswith("Không có hạn riêng nào sắp tới tên «") and choices in missing
    (bare,) = await harness.run("/hanchot xoa")
    assert bare.startswith('Hãy ghi tên hạn cần xóa, ví dụ: /hanchot xoa "Hồ sơ khen thưởng".')
    assert choices in bare
    (removed,) = await harness.run('/hanchot xoa "hồ sơ khen thưởng"')
    assert "Đã xóa hạn" in removed
    (gone,) = await harness.run('/hanchot xoa "hồ sơ khen thưởng"')
    assert gone.endswith("Chưa có hạn riêng nào sắp tới.")


async def test_remind_now_reports_what_it_sent(
    services: Services, fake_bot: FakeBot, commune: Commune
) -> None:
    harness = Harness(services, fake_bot)
    working, summary = await harness.run("/nhacnho")
    assert "Đang gửi" in working
    assert "3 đơn vị cần nhắc, đã gửi tới 3 nơi" in summary
    assert fake_bot.count(GROUP_AN_BINH) == 1
    _, again = await harness.run("/nhacnho 6thang")
    assert "3 nơi đã được nhắc hôm nay nên không gửi lại" in again
    assert fake_bot.count(GROUP_AN_BINH) == 1
    (refused,) = await harness.run("/nhacnho", user_id=STAFF)
    assert refused == NOT_ADMIN_TEXT
    await asyncio.sleep(0)


async def test_a_date_without_its_year_is_the_next_such_day(
    services: Services, fake_bot: FakeBot
) -> None:
    harness = Harness(services, fake_bot)
    (answer,) = await harness.run("/hanchot nam 11/12")
    assert "11/12/2026" in answer
    assert (await periods.year_deadlines(services, 2026)).year_end == date(2026, 12, 11)
    (weekend,) = await harness.run("/hanchot nam 12/12/2026")
    assert "⚠️ Ngày này là Thứ Bảy" in weekend


async def test_a_reminder_time_already_past_today_is_not_promised(
    services: Services, fake_bot: FakeBot, clock: ManualClock
) -> None:
    """Typed at 22:58 on 03/06: the 08:00 reminder of that day is gone, so it is not listed."""
    clock.set(datetime(2026, 6, 3, 22, 58, tzinfo=services.settings.tz))
    (answer,) = await Harness(services, fake_bot).run("/hanchot 6thang 10/06/2026")
    assert "05/06, 09/06, 10/06 lúc 08:00" in answer
    assert "03/06" not in answer
