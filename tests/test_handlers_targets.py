"""/chitieu corrections through ``Application.process_update``: exact references, edits that
keep reported figures attached, confirmations of destructive changes, refusals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from handlers.common import NO_PLAN_TEXT, NOT_ADMIN_TEXT
from storage.db import Database
from storage.models import AuditEntry, PlanTarget, Report
from tests.support.driver import ADMIN, AN, PLAN_FILE, BotDriver, running_bot


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        yield driver


async def target(bot: BotDriver, key: str) -> PlanTarget:
    [row] = await bot.rows(PlanTarget, PlanTarget.key == key)
    return row


async def report_trees(bot: BotDriver) -> Report:
    await bot.add_member(AN, "Thôn 1")
    await bot.send("Đã trồng được 12.500 cây phân tán", AN)
    [report] = await bot.reports()
    return report


async def test_without_a_plan_admins_are_told_to_import_one(bot: BotDriver) -> None:
    assert (await bot.send("/chitieu xoa 1", ADMIN)).text == NO_PLAN_TEXT


async def test_listing_stays_for_everyone_and_changes_are_for_admins(bot: BotDriver) -> None:
    await bot.load_plan()
    listing = await bot.send("/chitieu", AN)
    assert "(1) Trồng cây phân tán: 58.000 cây" in listing.text
    assert "trang 1/2" in listing.text
    assert "trang 2/2" in (await bot.send("/chitieu 2", AN)).text
    assert "Chiều đánh giá: càng cao càng tốt" in (await bot.send("/chitieu xem 1", AN)).text
    for command in ("/chitieu xoa 1", "/chitieu sua 1 so 1 cây", "/chitieu them A: 1 cây"):
        assert (await bot.send(command, AN)).text == NOT_ADMIN_TEXT
    assert (await target(bot, "1")).value == 58000
    # Words that are no action still list, as /chitieu always did.
    assert "(1) Trồng cây phân tán: 58.000 cây" in (await bot.send("/chitieu bhyt", AN)).text


async def test_a_target_is_named_exactly_by_its_number(bot: BotDriver) -> None:
    await bot.load_plan()
    for typed in ("/chitieu xoa 9", "/chitieu xoa (9)", "/chitieu xoa 9."):
        replies = await bot.send(typed, ADMIN)
        assert "Bỏ các chỉ tiêu sau" in replies.text
        assert "(9) Số thôn giữ vững danh hiệu Thôn văn hóa" in replies.text
    # "1" is not a part of "10", "11"…; "99" and words are not targets at all.
    for typed in ("/chitieu xem 99", "/chitieu xoa 1.9", "/chitieu sua bhyt so 96%"):
        replies = await bot.send(typed, ADMIN)
        assert "Không tìm thấy chỉ tiêu" in replies.text
        assert "Các số chỉ tiêu đang có: (1), (2), (2.1)" in replies.text
    for typed in ("/chitieu xoa 10 11", "/chitieu xoa", "/chitieu xem"):
        assert "cần đúng một số chỉ tiêu" in (await bot.send(typed, ADMIN)).text
    rows = await bot.rows(PlanTarget, PlanTarget.retired.is_(True))
    assert rows == []


async def test_edit_keeps_the_reported_figure_attached(bot: BotDriver) -> None:
    await bot.load_plan()
    report = await report_trees(bot)
    before = await target(bot, "1")
    assert report.target_id == before.id

    replies = await bot.send("/chitieu sua 1 so 60.000 cây", ADMIN)
    assert "✅ Đã sửa chỉ tiêu (1)." in replies.text
    assert "Trước: (1) Trồng cây phân tán: 58.000 cây" in replies.text
    assert "Nay: (1) Trồng cây phân tán: 60.000 cây — càng cao càng tốt" in replies.text
    assert "1 số liệu đã báo cáo vẫn gắn với chỉ tiêu" in replies.text

    replies = await bot.send("/chitieu sua 1 Trồng cây xanh phân tán: tối thiểu 61.000 cây", ADMIN)
    assert "Nay: (1) Trồng cây xanh phân tán: tối thiểu 61.000 cây" in replies.text
    after = await target(bot, "1")
    assert (after.id, after.value, after.qualifier) == (before.id, 61000, "at_least")
    assert after.edited == "edited" and after.edited_by == ADMIN
    [report] = await bot.reports()
    assert report.target_id == before.id and report.withdrawn_at is None
    # The answer to a question follows the edit at once.
    assert "61.000 cây" in (await bot.send("/hoi chỉ tiêu trồng cây", AN)).text
    entries = await bot.rows(AuditEntry, AuditEntry.action == "target.edit")
    assert [e.detail["before"]["1"]["value"] for e in entries] == ["58000", "60000"]
    assert entries[-1].detail["after"]["1"]["name"] == "Trồng cây xanh phân tán"


async def test_an_edit_that_changes_nothing_says_so(bot: BotDriver) -> None:
    await bot.load_plan()
    replies = await bot.send("/chitieu sua 1 so 58.000 cây", ADMIN)
    assert replies.text.startswith("Không có gì thay đổi: chỉ tiêu (1) vẫn như cũ.")
    assert "Đã sửa" not in replies.text
    assert await bot.rows(AuditEntry, AuditEntry.action == "target.edit") == []


async def test_a_new_unit_of_the_same_kind_keeps_the_target_s_size(bot: BotDriver) -> None:
    await bot.load_plan()
    replies = await bot.send("/chitieu sua 10 dvt triệu đồng", ADMIN)  # 8,5 tỷ đồng
    assert "Nay: (10) Thu ngân sách nhà nước trên địa bàn: 8.500 triệu đồng" in replies.text
    replies = await bot.send("/chitieu sua 6 dvt m", ADMIN)  # 12 km
    assert "12.000 m" in replies.text


async def test_remove_asks_first_and_cancel_changes_nothing(bot: BotDriver) -> None:
    await bot.load_plan()
    await report_trees(bot)
    asked = await bot.send("/chitieu xoa 1", ADMIN)
    assert "Bỏ các chỉ tiêu sau khỏi kế hoạch đang dùng?" in asked.text
    assert "1 số liệu đã báo cáo vẫn gắn với chỉ tiêu" in asked.text
    assert asked.labels() == ["Đồng ý", "Thôi, giữ nguyên"]
    assert not (await target(bot, "1")).retired

    cancelled = await bot.press(asked.button("Thôi"), ADMIN, on=asked.messages[0])
    assert cancelled.text == "Đã hủy, không thay đổi gì."
    # The question is answered once: a late "Đồng ý" does nothing.
    late = await bot.press(asked.button("Đồng ý"), ADMIN, on=asked.messages[0])
    assert "không còn hiệu lực" in late.text
    assert not (await target(bot, "1")).retired


async def test_remove_then_restore_keeps_history(bot: BotDriver) -> None:
    await bot.load_plan()
    report = await report_trees(bot)
    asked = await bot.send("/chitieu xoa 1", ADMIN)
    # Someone else cannot answer the admin's question.
    assert (await bot.press(asked.button("Đồng ý"), AN)).text == NOT_ADMIN_TEXT
    done = await bot.press(asked.button("Đồng ý"), ADMIN, on=asked.messages[0])
    assert done.text.startswith("🗑 Đã bỏ chỉ tiêu (1).")
    row = await target(bot, "1")
    assert row.retired and row.edited == "removed"
    assert "(1) Trồng cây" not in (await bot.send("/chitieu", AN)).text

    # Re-importing the same document does not bring back what the officer removed.
    again = await bot.send_plan_file(PLAN_FILE, ADMIN)
    assert "Đã cập nhật" in again.text
    assert (await target(bot, "1")).retired

    restored = await bot.send("/chitieu khoiphuc 1", ADMIN)
    assert "✅ Đã lấy lại chỉ tiêu:\n(1) Trồng cây phân tán: 58.000 cây" in restored.text
    row = await target(bot, "1")
    assert not row.retired and row.id == report.target_id
    # It comes back where it stood, not at the end.
    listing = (await bot.send("/chitieu", AN)).text
    assert listing.index("(1) Trồng cây") < listing.index("(2) Chăn nuôi")
    assert "Không có chỉ tiêu đã bỏ số «5»" in (await bot.send("/chitieu khoiphuc 5", ADMIN)).text


async def test_add_split_and_merge(bot: BotDriver) -> None:
    await bot.load_plan()
    added = await bot.send("/chitieu them Xây cầu dân sinh: 3 cầu", ADMIN)
    assert "✅ Đã thêm chỉ tiêu:\n(15) Xây cầu dân sinh: 3 cầu" in added.text
    sub = await bot.send("/chitieu them 2.4 Đàn dê: 380 con", ADMIN)
    assert "(2.4) Đàn dê: 380 con" in sub.text
    used = await bot.send("/chitieu them 3 Trùng số: 1 cây", ADMIN)
    assert "Số (3) đã dùng" in used.text and "ví dụ (16)" in used.text
    listing = await bot.send("/chitieu 2", AN)
    assert "(15) Xây cầu dân sinh: 3 cầu" in listing.text

    split = await bot.send("/chitieu tach 6 Đường trục xã: 8 km; Đường thôn: 4 km", ADMIN)
    assert "✅ Đã tách (6) thành:" in split.text
    assert "(6.1) Đường trục xã: 8 km" in split.text and "(6.2) Đường thôn: 4 km" in split.text
    assert (await target(bot, "6")).value is None

    asked = await bot.send("/chitieu gop 6.1 6.2", ADMIN)
    assert "Gộp các chỉ tiêu:" in asked.text
    # km add up; the merged target is named after both.
    assert "thành:\n    (6.1) Đường trục xã và đường thôn: 12 km" in asked.text
    done = await bot.press(asked.button("Đồng ý"), ADMIN, on=asked.messages[0])
    assert "✅ Đã gộp (6.2) vào (6.1)" in done.text
    merged = await target(bot, "6.2")
    assert merged.retired and merged.merged_into == "6.1"
    assert (await target(bot, "6.1")).value == 12

    bad = await bot.send("/chitieu gop 6.1", ADMIN)
    assert "Cần ít nhất hai số chỉ tiêu khác nhau" in bad.text


async def test_figures_of_merged_targets_count_toward_the_target_they_joined(
    bot: BotDriver,
) -> None:
    await bot.load_plan()
    await bot.add_member(AN, "Thôn 1")
    await bot.send("/chitieu tach 2 Đàn lợn: 4.200 con; Đàn bò: 600 con", ADMIN)
    await bot.send("đàn lợn 3.000 con", AN)
    await bot.send("đàn bò 450 con", AN)
    asked = await bot.send("/chitieu gop 2.1 2.2", ADMIN)
    await bot.press(asked.button("Đồng ý"), ADMIN, on=asked.messages[0])
    summary = (await bot.send("/tonghop", ADMIN)).text
    # Both units' figures stay counted: 3.000 pigs and 450 cows, against 4.800 animals.
    assert "Đàn lợn và đàn bò: tổng 3.450 / 4.800 con" in summary, summary


async def test_direction_and_scope(bot: BotDriver) -> None:
    await bot.load_plan()
    shown = await bot.send("/chitieu xem 7", ADMIN)
    assert "Chiều đánh giá: không vượt quá (tự suy ra)" in shown.text
    assert "Ai báo cáo: một số liệu chung của cả xã (tự suy ra)" in shown.text
    replies = await bot.send("/chitieu huong 5 thap", ADMIN)
    assert "✅ Chỉ tiêu (5): chiều đánh giá là càng thấp càng tốt." in replies.text
    replies = await bot.send("/chitieu phamvi 5 xa", ADMIN)
    assert "✅ Chỉ tiêu (5): một số liệu chung của cả xã." in replies.text
    row = await target(bot, "5")
    assert (row.direction, row.scope) == ("lower", "commune")
    wrong = await bot.send("/chitieu huong 5 ngang", ADMIN)
    assert "Không hiểu «ngang». Chọn một trong: cao, thap, tran" in wrong.text
    # A re-import keeps what the admin set.
    await bot.send_plan_file(PLAN_FILE, ADMIN)
    row = await target(bot, "5")
    assert (row.direction, row.scope) == ("lower", "commune")


async def test_unknown_action_shows_the_usage(bot: BotDriver) -> None:
    await bot.load_plan()
    replies = await bot.send("/chitieu doi 5", ADMIN)
    assert "Không hiểu «doi»" in replies.text
    assert "/chitieu tach 5 Lợn: 5.500 con; Dê: 380 con" in replies.text


async def test_reimport_over_reported_figures_asks_and_says_what_changes(bot: BotDriver) -> None:
    await bot.load_plan()
    report = await report_trees(bot)
    corrected = PLAN_FILE.read_text(encoding="utf-8").replace("58.000 cây", "60.000 cây")
    corrected = corrected.replace("- (12) Xây mới nhà văn hóa thôn: 2 nhà;\n", "")
    asked = await bot.send_file((PLAN_FILE.name, corrected.encode()), ADMIN, caption="/kehoach")
    question = asked.messages[-1].text
    assert "Tệp này là bản mới của kế hoạch 27/KH-UBND (số 1), đã có 1 số liệu" in question
    assert "Nạp lại sẽ sửa 1, bỏ 1 chỉ tiêu." in question
    assert asked.labels() == ["Nạp lại", "Thôi, giữ nguyên"]
    assert (await target(bot, "1")).value == 58000  # nothing changed yet

    kept = await bot.press(asked.button("Thôi"), ADMIN, on=asked.messages[-1])
    assert "Đã hủy" in kept.text
    assert (await target(bot, "1")).value == 58000

    asked = await bot.send_file((PLAN_FILE.name, corrected.encode()), ADMIN, caption="/kehoach")
    done = await bot.press(asked.button("Nạp lại"), ADMIN, on=asked.messages[-1])
    assert "✅ Đã cập nhật kế hoạch đã nạp trước đây" in done.text
    assert "sửa 1, bỏ 1 chỉ tiêu" in done.text
    row = await target(bot, "1")
    assert row.value == 60000 and row.id == report.target_id
    assert (await target(bot, "12")).retired
    # The same file again changes nothing, so it is not asked about.
    again = await bot.send_file((PLAN_FILE.name, corrected.encode()), ADMIN, caption="/kehoach")
    assert "các chỉ tiêu không thay đổi" in again.text and again.buttons == []


@pytest.mark.parametrize(
    ("command", "problem", "usage"),
    [
        ("/chitieu huong", "Thiếu số chỉ tiêu.", "/chitieu huong 7 cao"),
        ("/chitieu huong 5", "Thiếu lựa chọn.", "/chitieu huong 7 cao"),
        ("/chitieu huong thap", "Thiếu số chỉ tiêu.", "/chitieu huong 7 cao"),
        ("/chitieu huong 5 ngang", "Không hiểu «ngang».", "/chitieu huong 7 cao"),
        ("/chitieu phamvi", "Thiếu số chỉ tiêu.", "/chitieu phamvi 7 donvi"),
        ("/chitieu phamvi 5", "Thiếu lựa chọn.", "/chitieu phamvi 7 donvi"),
        ("/chitieu phamvi 5 huyen", "Không hiểu «huyen».", "/chitieu phamvi 7 donvi"),
    ],
)
async def test_direction_and_scope_explain_their_own_usage(
    bot: BotDriver, command: str, problem: str, usage: str
) -> None:
    await bot.load_plan()
    replies = await bot.send(command, ADMIN)
    assert replies.text.startswith(problem), replies.text
    assert f"Cách dùng: {usage}" in replies.text and "Không thay đổi gì." in replies.text
    assert "Không hiểu «»" not in replies.text
    row = await target(bot, "5")
    assert (row.direction, row.scope) == (None, None)


@pytest.mark.parametrize(
    ("command", "problem", "usage"),
    [
        ("/chitieu sua", "Thiếu số chỉ tiêu.", "/chitieu sua 5 Tên: con số"),
        ("/chitieu sua 5", "Thiếu nội dung cần sửa.", "/chitieu sua 5 Tên: con số"),
        ("/chitieu tach", "Thiếu số chỉ tiêu.", "/chitieu tach 5 Lợn: 5.500 con; Dê: 380 con"),
        ("/chitieu tach 5", "Thiếu các phần cần tách.", "/chitieu tach 5 Lợn: 5.500 con"),
        ("/chitieu them", "Thiếu tên chỉ tiêu và con số.", "/chitieu them Tên: con số"),
    ],
)
async def test_edits_missing_a_part_explain_their_own_usage(
    bot: BotDriver, command: str, problem: str, usage: str
) -> None:
    await bot.load_plan()
    replies = await bot.send(command, ADMIN)
    assert replies.text.startswith(problem), replies.text
    assert usage in replies.text and "Không thay đổi gì." in replies.text
    assert "Không tìm thấy chỉ tiêu «»" not in replies.text


RESTARTED = """# KẾ HOẠCH
Phát động phong trào thi đua năm 2026

## I. CHỈ TIÊU THI ĐUA

a) Về kinh tế
1. Thu ngân sách trên địa bàn: 7,8 tỷ đồng.
2. Sản lượng lúa cả năm: 11.200 tấn.

b) Về văn hóa – xã hội
1. Tỷ lệ hộ nghèo: không quá 0,8%.
2. Tạo việc làm mới: 350 lao động.
"""


async def test_a_number_restarted_under_each_group_is_asked_about_not_guessed(
    bot: BotDriver, tmp_path: Path
) -> None:
    path = tmp_path / "ke_hoach_danh_lai.md"
    path.write_text(RESTARTED, encoding="utf-8")
    await bot.load_plan(path)
    await bot.choose_plan("2")
    asked = await bot.send("/chitieu xem 1", ADMIN)
    assert asked.text.startswith("Số (1) có ở 2 chỉ tiêu: 1 — Thu ngân sách trên địa bàn; ")
    [other] = [k for k in ("b.1", "a.1") if f"{k} — Tỷ lệ hộ nghèo" in asked.text]
    shown = await bot.send(f"/chitieu xem {other.upper()}", ADMIN)
    assert "Tỷ lệ hộ nghèo: không quá 0,8%" in shown.text
