"""After /kehoach: what the reader understood, shown so the officer can fix it — the lines
not taken offered for a one-tap add, a warning when few targets were read, the plan's own
deadlines offered as the commune's, a report told apart from a plan. The parser's output is
made by hand here so that these tests do not depend on what the reader finds."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal

import pytest

import bot.plans as plan_import
from bot.config import Settings
from bot.core.plan import DeadlineKind, ParsedPlan, PlanDeadline, Qualifier, Section, Target
from bot.worker import PlanDocument
from storage import plans
from storage.db import Database
from storage.models import Deadline, PlanTarget
from tests.support.driver import ADMIN, AN, BotDriver, running_bot


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        yield driver


def _target(key: str, name: str, value: int, measure: str, path: str = "II.1") -> Target:
    return Target(
        key=key,
        number=key,
        name=name,
        value=Decimal(value),
        measure=measure,
        qualifier=Qualifier.EXACT,
        section_path=path,
        source_text=f"{name}: {value} {measure}",
    )


def _plan(**changes: object) -> ParsedPlan:
    fields: dict[str, object] = {
        "title": "Kế hoạch thi đua năm 2025",
        "number": "5/KH-UBND",
        "issued_on": date(2025, 1, 6),
        "year": 2025,
        "kind": "ke_hoach",
        "sections": (
            Section("II", "Chỉ tiêu", 1),
            Section("II.1", "Về kinh tế", 2),
            Section("II.2", "Về văn hóa – xã hội", 2),
        ),
        "targets": (_target("1", "Trồng cây phân tán", 1000, "cây"),),
        "candidates": (
            _target("", "Nạo vét kênh mương", 3, "km", path="III"),
            _target("", "Tập huấn cán bộ", 120, "lượt", path="III"),
        ),
        "deadlines": (
            PlanDeadline(DeadlineKind.SIX_MONTH, 10, 6, 2025, "Báo cáo sơ kết 6 tháng", "…", "IV"),
            PlanDeadline(DeadlineKind.REGISTRATION, 15, 7, None, "Đăng ký thi đua", "…", "IV"),
        ),
    }
    fields.update(changes)
    return ParsedPlan(**fields)  # type: ignore[arg-type]


async def _import(bot: BotDriver, monkeypatch: pytest.MonkeyPatch, parsed: ParsedPlan):  # type: ignore[no-untyped-def]
    async def read(data: bytes, filename: str) -> PlanDocument:
        return PlanDocument(data.decode(), parsed)

    monkeypatch.setattr(plan_import, "read_plan_document", read)
    return await bot.send_file(("kh.txt", "Kế hoạch …".encode()), ADMIN, caption="/kehoach")


async def test_few_targets_warn_and_lines_not_taken_are_one_tap(
    bot: BotDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = await _import(bot, monkeypatch, _plan())
    text = replies.text
    assert "⚠️ Kế hoạch này tôi chỉ đọc được 1 chỉ tiêu — " in text
    assert "/chitieu them Tên: con số" in text and "/chitieu mau" in text
    assert "Mục II.1. Về kinh tế\n(1) Trồng cây phân tán: 1.000 cây ↑" in text
    assert "1. Nạo vét kênh mương: 3 km" in text and "2. Tập huấn cán bộ: 120 lượt" in text
    assert replies.labels()[:2] == ["➕ Thêm dòng 1", "➕ Thêm dòng 2"]
    assert all(len(data.encode()) <= 64 for _, data in replies.buttons)

    # Only an admin may add; the press adds the line as the next target, once.
    assert "chỉ dành cho quản trị viên" in (await bot.press(replies.button("dòng 2"), AN)).text
    added = await bot.press(replies.button("dòng 2"), ADMIN)
    assert "✅ Đã thêm chỉ tiêu:\n(2) Tập huấn cán bộ: 120 lượt" in added.text
    again = await bot.press(replies.button("dòng 2"), ADMIN)
    assert "đã được dùng" in again.text
    rows = await bot.rows(PlanTarget, PlanTarget.retired.is_(False))
    assert [(r.key, r.name, r.edited) for r in rows] == [
        ("1", "Trồng cây phân tán", None),
        ("2", "Tập huấn cán bộ", "added"),
    ]
    # Questions see the new target at once.
    assert "120 lượt" in (await bot.send("/hoi tập huấn cán bộ bao nhiêu", AN)).text


async def test_no_target_at_all_says_so(bot: BotDriver, monkeypatch: pytest.MonkeyPatch) -> None:
    replies = await _import(bot, monkeypatch, _plan(targets=(), candidates=()))
    assert "⚠️ Kế hoạch này tôi chưa đọc được chỉ tiêu nào — " in replies.text


async def test_plan_deadlines_are_offered_and_set_on_a_tap(
    bot: BotDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = await _import(bot, monkeypatch, _plan())
    assert "Hạn kế hoạch đặt ra" in replies.text
    assert "• 10/06/2025 — Báo cáo sơ kết 6 tháng" in replies.text
    assert "• 15/07/2025 — Đăng ký thi đua" in replies.text  # the plan's year fills in
    six = await bot.press(replies.button("10/06/2025"), ADMIN)
    assert "✅ Đã đặt hạn" in six.text and "10/06/2025" in six.text
    registration = await bot.press(replies.button("15/07/2025"), ADMIN)
    assert "Đăng ký thi đua" in registration.text
    rows = await bot.rows(Deadline, Deadline.source == "admin")
    assert sorted((r.kind, r.due_on) for r in rows) == [
        ("6thang", date(2025, 6, 10)),
        ("custom", date(2025, 7, 15)),
    ]


async def test_a_past_plan_deadline_is_refused_plainly(
    bot: BotDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    past = PlanDeadline(DeadlineKind.OTHER, 1, 3, 2025, "Hội nghị phát động", "…", "IV")
    replies = await _import(bot, monkeypatch, _plan(deadlines=(past,)))
    pressed = await bot.press(replies.button("01/03/2025"), ADMIN)
    assert "đã qua" in pressed.text
    assert await bot.rows(Deadline, Deadline.source == "admin") == []


async def test_a_report_is_not_offered_as_the_plan_in_use(
    bot: BotDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    replies = await _import(bot, monkeypatch, _plan(kind="bao_cao", title="Báo cáo 6 tháng"))
    assert "Đây là báo cáo, không phải kế hoạch" in replies.text
    assert "Kế hoạch này tôi" not in replies.text and replies.buttons == []
    assert "Chỉ tiêu nào sai hay thiếu" not in replies.text
    async with bot.db.session() as session:
        assert await plans.active_plan(session) is None
    listing = await bot.send("/kehoach", ADMIN)
    assert listing.buttons == []
    chosen = await bot.choose_plan("1")
    assert "là báo cáo, không phải kế hoạch" in chosen.text
