"""End to end: the real bot (bot.runner.serve — migrations, post_init, long polling) against
the fake Bot API on 127.0.0.1, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from pydantic import SecretStr

from bot.clock import ManualClock
from bot.config import Settings
from bot.runner import serve
from tests.support.fake_bot_api import ApiCall, FakeBotApi

pytestmark = pytest.mark.e2e

ADMIN = 1
MEMBER = 5001
GROUP = -100500
FIXTURE_PLAN = Path(__file__).parent / "fixtures" / "plans" / "ke_hoach_xa_an_phu_2025.md"


@asynccontextmanager
async def running_bot(
    settings: Settings, fake: FakeBotApi, clock: ManualClock | None = None
) -> AsyncIterator[None]:
    """The production start path polling *fake*; stopped (and checked) on exit."""
    configured = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(fake.token),
            "telegram_api_base_url": fake.base_url,
            "telegram_file_base_url": fake.base_file_url,
        }
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(serve(configured, stop, clock=clock, poll_timeout=2, ready=ready))
    ready_wait = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait({task, ready_wait}, timeout=30, return_when="FIRST_COMPLETED")
    if task in done:  # start-up failed: surface the error
        ready_wait.cancel()
        task.result()
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


def _has_file(call: ApiCall, suffix: str) -> bool:
    return any(name.endswith(suffix) for name in call.filenames.values())


def upload_plan(fake: FakeBotApi) -> None:
    """The admin sends the sample plan with the caption /kehoach."""
    fake.inject_message(
        ADMIN, ADMIN, caption="/kehoach", document=(FIXTURE_PLAN.name, FIXTURE_PLAN.read_bytes())
    )


def invite_code(call: ApiCall) -> str:
    """The invite code in the bot's "/thamgia CODE" instructions."""
    found = re.search(r"/thamgia\s+([A-Z0-9]+)", call.text or "")
    assert found, call.text
    return found[1]


def sent_to(chat_id: int, *needles: str) -> Callable[[ApiCall], bool]:
    """Match a successful sendMessage to *chat_id* whose visible text has every needle."""

    def match(call: ApiCall) -> bool:
        text = call.text or ""
        return (
            call.method == "sendMessage"
            and call.ok
            and call.chat_id == chat_id
            and all(n in text for n in needles)
        )

    return match


async def test_start_is_answered_and_commands_published(
    settings: Settings, fake_bot_api: FakeBotApi
) -> None:
    async with running_bot(settings, fake_bot_api):
        fake_bot_api.inject_command(MEMBER, MEMBER, "start")
        reply = await fake_bot_api.wait_for(sent_to(MEMBER, "Xin chào"))
    assert "thi đua – khen thưởng" in (reply.text or "")
    assert "/thamgia" in (reply.text or "")  # a newcomer is told how to join
    commands = set(fake_bot_api.my_commands())
    assert {"start", "help", "hoi", "baocao", "tiendo", "thamgia"} <= commands
    assert "donvi" not in commands  # admin commands stay out of the public menu


async def test_join_report_progress_and_export(
    settings: Settings, fake_bot_api: FakeBotApi
) -> None:
    fake = fake_bot_api
    async with running_bot(settings, fake):
        # The officer loads the plan and creates a unit with an invite code.
        upload_plan(fake)
        await fake.wait_for(sent_to(ADMIN, "Đã nạp kế hoạch"))
        fake.inject_command(ADMIN, ADMIN, "donvi", "them Thôn 1")
        await fake.wait_for(sent_to(ADMIN, "Thôn 1"))
        fake.inject_command(ADMIN, ADMIN, "donvi", "ma Thôn 1")
        code_message = await fake.wait_for(sent_to(ADMIN, "/thamgia"))
        code = invite_code(code_message)

        # A village leader joins and reports in plain words.
        fake.inject_command(MEMBER, MEMBER, "thamgia", code)
        await fake.wait_for(sent_to(MEMBER, "Thôn 1"))
        fake.inject_message(MEMBER, MEMBER, "Đã trồng được 12.500 cây phân tán")
        confirmation = await fake.wait_for(sent_to(MEMBER, "12.500"))
        assert "Thôn 1" in (confirmation.text or "")
        assert "Hoàn tác" in str(confirmation.params.get("reply_markup"))

        fake.inject_command(MEMBER, MEMBER, "tiendo")
        progress = await fake.wait_for(sent_to(MEMBER, "Tiến độ"))
        assert "12.500" in (progress.text or "")

        fake.inject_command(ADMIN, ADMIN, "tonghop")
        chart = await fake.wait_for("sendPhoto")
        fake.inject_command(ADMIN, ADMIN, "xuatbaocao")
        documents = [await fake.wait_for("sendDocument") for _ in range(2)]
    assert next(iter(chart.files.values())).startswith(b"\x89PNG")
    workbook_call = next(c for c in documents if _has_file(c, ".xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(next(iter(workbook_call.files.values()))))
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    assert "Thôn 1" in cells
    assert "12500" in cells  # a real number in the workbook
    draft_call = next(c for c in documents if _has_file(c, ".docx"))
    draft = docx.Document(io.BytesIO(next(iter(draft_call.files.values()))))
    rows = [[cell.text for cell in row.cells] for table in draft.tables for row in table.rows]
    assert any("12.500" in row and any("cây phân tán" in c for c in row) for row in rows)


async def test_group_bound_to_a_unit_reports_and_gets_the_reminder(
    settings: Settings, fake_bot_api: FakeBotApi
) -> None:
    fake = fake_bot_api
    # Five days before the six-month deadline (14/06), at 09:00 in Hà Nội.
    clock = ManualClock(datetime(2026, 6, 9, 2, 0, tzinfo=UTC))
    async with running_bot(settings, fake, clock):
        upload_plan(fake)
        await fake.wait_for(sent_to(ADMIN, "Đã nạp kế hoạch"))
        for name in ("Thôn 1", "Thôn 2"):
            fake.inject_command(ADMIN, ADMIN, "donvi", f"them {name}")
            await fake.wait_for(sent_to(ADMIN, name))
        fake.inject_command(ADMIN, ADMIN, "donvi", "ma Thôn 2")
        code_message = await fake.wait_for(sent_to(ADMIN, "/thamgia"))
        code = invite_code(code_message)
        fake.inject_command(GROUP, MEMBER, "thamgia", code, chat_type="group", title="Thôn 2")
        await fake.wait_for(sent_to(GROUP, "Thôn 2"))

        # Thôn 1 reports through the admin; Thôn 2 (the group) still owes its figures.
        fake.inject_command(ADMIN, ADMIN, "baocao", "Thôn 1: 12.500 cây phân tán")
        await fake.wait_for(sent_to(ADMIN, "12.500"))
        fake.inject_command(ADMIN, ADMIN, "nhacnho")
        reminder = await fake.wait_for(sent_to(GROUP, "14/06/2026"), timeout=15)
        assert "Báo cáo ngay" in str(reminder.params.get("reply_markup"))
    reminded = {c.chat_id for c in fake.calls("sendMessage") if "14/06/2026" in (c.text or "")}
    assert GROUP in reminded


async def test_one_failed_call_at_start_is_retried(
    settings: Settings, fake_bot_api: FakeBotApi
) -> None:
    fake = fake_bot_api
    fake.fail_next("getMe", 1, kind="502")
    fake.fail_next("deleteWebhook", 1, kind="500")
    async with running_bot(settings, fake):
        fake.inject_command(MEMBER, MEMBER, "help")
        reply = await fake.wait_for(sent_to(MEMBER, "Các lệnh"), timeout=15)
    assert reply.ok


async def test_bot_rides_out_transient_api_errors(
    settings: Settings, fake_bot_api: FakeBotApi
) -> None:
    fake = fake_bot_api
    async with running_bot(settings, fake):
        fake.fail_next("getUpdates", 1, kind="500")
        fake.fail_next("sendMessage", 1, kind="429", retry_after=1)
        fake.inject_command(MEMBER, MEMBER, "help")
        reply = await fake.wait_for(sent_to(MEMBER, "Các lệnh"), timeout=15)
        fake.fail_next("sendMessage", 1, kind="502")
        fake.inject_command(MEMBER, MEMBER, "start")  # its reply is lost to the 502 …
        fake.inject_command(MEMBER, MEMBER, "help")  # … and the bot goes on answering
        await fake.wait_for(sent_to(MEMBER, "Các lệnh"), timeout=15)
    assert reply.ok
    assert fake.served_429 >= 1
