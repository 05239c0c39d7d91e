"""The durable inbox end to end: the real bot as a separate process (``python -m bot run``)
against the fake Bot API, killed with SIGKILL in the middle of a burst of reports and
started again. Every update Telegram considers delivered must be processed exactly once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.plans import import_plan
from storage import inbox, units, users
from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.models import Report
from tests.support.fake_bot_api import ApiCall, FakeBotApi

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "tests" / "fixtures" / "plans" / "ke_hoach_xa_an_phu_2025.md"
ADMIN = 1
MEMBERS = {7001: "Thôn Một", 7002: "Thôn Hai", 7003: "Thôn Ba"}
REPORTS_PER_MEMBER = 40  # 120 in all: more than one getUpdates batch (100)
KILL_AFTER_CONFIRMATIONS = 50
ALREADY_SAVED = "đã được ghi trước đó"


def figure(index: int) -> int:
    """The k-th report's figure: distinct and rising, so each reply names its message."""
    return 1000 + 10 * index


def vietnamese(number: int) -> str:
    """1000 → "1.000"."""
    return f"{number:,}".replace(",", ".")


async def prepare(database_url: str) -> None:
    """Plan, units and members, straight through the use cases and storage."""
    db = Database(database_url)
    try:
        await upgrade_to_head(db)
        await import_plan(db, PLAN.read_bytes(), PLAN.name, name=None, imported_by=ADMIN)
        now = datetime.now(UTC)
        async with db.session() as session:
            for user_id, unit_name in MEMBERS.items():
                unit = await units.create_unit(session, unit_name, created_by=ADMIN, now=now)
                await users.upsert_user(session, user_id, f"Tổ trưởng {unit_name}", None)
                await units.join_unit(session, user_telegram_id=user_id, unit=unit, now=now)
    finally:
        await db.dispose()


def start_bot(settings: Settings, fake: FakeBotApi, log: Path) -> subprocess.Popen[bytes]:
    """``python -m bot run`` in its own process, configured only through the environment."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(REPO),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_FILE_BASE_URL": fake.base_file_url,
        "DATABASE_URL": settings.database_url,
        "ADMIN_IDS": str(ADMIN),
        "LOG_LEVEL": "WARNING",
        "REQUEST_TIMEOUT": "5",
    }
    handle = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=log.parent,  # no .env there
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def confirmations(fake: FakeBotApi) -> list[tuple[int, str]]:
    """Every message the bot got through to a member: (chat, text)."""
    return [(int(c.chat_id), c.text or "") for c in fake.calls() if is_member_reply(c)]


def is_member_reply(call: ApiCall) -> bool:
    return call.method == "sendMessage" and call.ok and int(call.chat_id) in MEMBERS


def tail(log: Path) -> str:
    """The end of the bot's log, for a failure message."""
    return log.read_text(encoding="utf-8", errors="replace")[-4000:]


async def wait_for_replies(fake: FakeBotApi, count: int, log: Path) -> None:
    """Until the members got *count* messages; on timeout fail with the bot's log."""
    try:
        await fake.wait_for_count(is_member_reply, count, timeout=60)
    except (AssertionError, TimeoutError):
        pytest.fail(f"timed out; bot log:\n{tail(log)}")


async def wait_until_drained(database_url: str, count: int, log: Path) -> None:
    """Until *count* inbox rows are done; on timeout fail with the bot's log."""
    db = Database(database_url)
    try:
        async with asyncio.timeout(60):
            done = 0
            while done < count:
                await asyncio.sleep(0.05)
                async with db.session() as session:
                    done = (await inbox.count_by_status(session)).get("done", 0)
    except TimeoutError:
        pytest.fail(f"inbox not drained; bot log:\n{tail(log)}")
    finally:
        await db.dispose()


async def test_kill_mid_burst_loses_nothing_and_repeats_nothing(
    settings: Settings, fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    fake = fake_bot_api
    await prepare(settings.database_url)
    sent: dict[int, tuple[int, int]] = {}  # update_id -> (chat, figure)
    for index in range(REPORTS_PER_MEMBER):
        for user_id in MEMBERS:
            update = fake.inject_message(
                user_id, user_id, f"Đã trồng được {vietnamese(figure(index))} cây phân tán"
            )
            sent[update["update_id"]] = (user_id, figure(index))
    log = tmp_path / "bot.log"

    first = start_bot(settings, fake, log)
    try:
        await wait_for_replies(fake, KILL_AFTER_CONFIRMATIONS, log)
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    replied_before_kill = len(confirmations(fake))
    pending_ids = {u["update_id"] for u in fake.pending_updates()}
    acknowledged = set(sent) - pending_ids
    # The scenario really happened: Telegram had forgotten updates the bot had not answered.
    assert len(acknowledged) > replied_before_kill, tail(log)

    second = start_bot(settings, fake, log)
    try:
        await wait_for_replies(fake, len(sent), log)
        # A replay may answer twice (its confirmation went out before the kill, then the
        # notice): wait for the inbox itself to be drained, not only for the reply count.
        await wait_until_drained(settings.database_url, len(sent), log)
        await asyncio.sleep(0.3)  # a duplicate, if any, would show up now
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)
    assert second.returncode == 0, tail(log)

    db = Database(settings.database_url)
    try:
        async with db.session() as session:
            reports = list(await session.scalars(select(Report)))
            statuses = await inbox.count_by_status(session)
    finally:
        await db.dispose()
    # Rows: exactly one per message, none lost, none doubled.
    per_message = Counter((r.chat_telegram_id, r.message_id) for r in reports)
    assert len(per_message) == len(sent)
    assert set(per_message.values()) == {1}
    assert statuses == {"done": len(sent)}
    # Replies: each figure confirmed exactly once; an update replayed after the kill says
    # "already saved" instead (at most the handful that were under way when it died).
    confirmed = Counter(
        (chat, number)
        for chat, text in confirmations(fake)
        for number in {figure(i) for i in range(REPORTS_PER_MEMBER)}
        if f": {vietnamese(number)} / " in text
    )
    assert max(confirmed.values()) == 1
    notices = sum(1 for _, text in confirmations(fake) if ALREADY_SAVED in text)
    missing = len(sent) - len(confirmed)
    assert missing <= notices <= 8
    print(  # the measurement, shown with pytest -s
        f"burst={len(sent)} killed_after={replied_before_kill} replies "
        f"acknowledged_at_kill={len(acknowledged)} replayed_notices={notices} "
        f"rows={len(reports)}"
    )
