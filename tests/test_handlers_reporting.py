"""Progress reports through ``Application.process_update``: plain messages and /baocao saved
with a confirmation and an undo button, increments, redelivered and edited messages,
questions asked with buttons (which number, is this value right, report or question),
/huy, admins reporting for a unit, groups bound to a unit, and where every row came from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.config import Settings
from handlers.messages import ASK_ROUTE
from handlers.reporting import NOT_MEMBER
from storage import plans, reports
from storage.db import Database
from storage.models import AuditEntry, Report
from tests.support.driver import (
    ADMIN,
    AN,
    BINH,
    CUONG,
    GROUP,
    NOW,
    OTHER_PLAN_FILE,
    BotDriver,
    Replies,
    running_bot,
)

PERIOD = "6 tháng đầu năm 2025"
TREES = "Đã trồng được 12.500 cây phân tán"
TREES_SAVED = f"✅ Thôn 1 — Trồng cây phân tán: 12.500 / 58.000 cây (21,6%), {PERIOD}"


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    """The sample plan loaded and Nguyễn Văn An a member of Thôn 1."""
    async with running_bot(settings, database) as driver:
        await driver.load_plan()
        await driver.add_member(AN, "Thôn 1")
        yield driver


async def live_total(bot: BotDriver, unit_name: str, target_key: str) -> Decimal | None:
    """The unit's current figure for a target of the sample plan, as progress views see it."""
    unit = await bot.unit(unit_name)
    async with bot.db.session() as session:
        rows = await plans.target_rows(session, 1)
        return await reports.current_total(
            session, unit.id, rows[target_key].id, ("2025-6thang", "2025-nam")
        )


def assert_provenance(row: Report, *, reporter: int, chat: int, text: str) -> None:
    """Every stored figure says who sent it, from which chat and message, and when."""
    assert row.reporter_telegram_id == reporter
    assert row.chat_telegram_id == chat
    assert row.message_id is not None and row.message_id > 0
    assert row.source_text == text
    assert row.reported_at == NOW
    assert row.source_key.startswith(f"tg:{chat}:{row.message_id}:")
    assert row.period_key == "2025-6thang" and row.plan_id == 1


async def test_a_members_report_is_saved_confirmed_and_can_be_undone(bot: BotDriver) -> None:
    update = bot.message(TREES, AN)
    replies = await bot.process(update)
    assert replies.text == f"{TREES_SAVED}\n↳ số lũy kế từ đầu kỳ"
    undo = replies.button("Hoàn tác")

    [row] = await bot.reports()
    assert update.message is not None and row.message_id == update.message.message_id
    assert_provenance(row, reporter=AN, chat=AN, text=TREES)
    assert (row.value, row.cumulative_value, row.mode) == (12500, 12500, "cumulative")
    assert row.withdrawn_at is None and row.superseded_by_id is None
    assert await live_total(bot, "Thôn 1", "1") == 12500

    # Someone else cannot undo it.
    refused = await bot.press(undo, BINH, on=replies.messages[0])
    [alert] = refused.api("answerCallbackQuery")
    assert alert.params["text"] == "Chỉ người gửi số liệu hoặc quản trị viên mới hoàn tác được."
    assert alert.params["show_alert"] is True
    assert refused.messages == ()

    undone = await bot.press(undo, AN, on=replies.messages[0])
    assert undone.text == (
        "Đã hoàn tác 1 số liệu (vẫn lưu trong lịch sử, đánh dấu đã rút):\n"
        "• Thôn 1 — Trồng cây phân tán: rút 12.500 cây; số liệu hiện tại: chưa có số liệu"
    )
    assert undone.api("editMessageReplyMarkup")  # the button goes away
    [row] = await bot.reports()  # kept, marked withdrawn
    assert row.withdrawn_at == NOW
    assert await live_total(bot, "Thôn 1", "1") is None

    again = await bot.press(undo, AN, on=replies.messages[0])
    assert again.text == "Số liệu này đã được hoàn tác trước đó."
    actions = [e.action for e in await bot.rows(AuditEntry) if e.action.startswith("report.")]
    assert actions == ["report.add", "report.undo"]


async def test_an_increment_adds_to_the_units_total(bot: BotDriver) -> None:
    await bot.send(TREES, AN)
    replies = await bot.send("thêm 300 cây phân tán", AN)
    assert replies.text == (
        f"✅ Thôn 1 — Trồng cây phân tán: 12.800 / 58.000 cây (22,1%), {PERIOD}\n"
        "↳ cộng thêm 300 cây → lũy kế 12.800 cây"
    )
    first, second = await bot.reports()
    assert (second.value, second.mode, second.cumulative_value) == (300, "delta", 12800)
    assert first.withdrawn_at is None
    assert await live_total(bot, "Thôn 1", "1") == 12800

    # /huy takes back the latest message only: the increment.
    withdrawn = await bot.send("/huy", AN)
    assert withdrawn.text.startswith("Đã rút lại 1 số liệu của báo cáo gần nhất")
    assert withdrawn.text.endswith(  # what it was, and what stands now
        "• Thôn 1 — Trồng cây phân tán: rút +300 cây; số liệu hiện tại: 12.500 cây"
    )
    first, second = await bot.reports()
    assert second.withdrawn_at == NOW and first.withdrawn_at is None
    assert await live_total(bot, "Thôn 1", "1") == 12500

    await bot.send("/huy", AN)
    await bot.send("/huy", AN)
    assert (await bot.send("/huy", AN)).text == "Anh/chị chưa có báo cáo nào để rút lại."
    assert all(r.withdrawn_at is not None for r in await bot.reports())


async def test_the_same_update_twice_stores_one_row(bot: BotDriver) -> None:
    update = bot.message(TREES, AN)
    assert TREES_SAVED in (await bot.process(update)).text
    again = await bot.process(update)  # Telegram redelivers after a restart
    assert again.text == "Số liệu của tin nhắn này đã được ghi trước đó."
    assert again.buttons == []
    assert len(await bot.reports()) == 1
    assert await live_total(bot, "Thôn 1", "1") == 12500


async def test_an_edited_message_corrects_its_figure(bot: BotDriver) -> None:
    update = bot.message(TREES, AN)
    await bot.process(update)
    assert update.message is not None
    message_id = update.message.message_id

    edited = await bot.edit("Đã trồng được 13.000 cây phân tán", message_id, AN)
    assert edited.messages[0].text == "Đã cập nhật theo tin nhắn vừa sửa (1 số liệu cũ được thay)."
    assert "Trồng cây phân tán: 13.000 / 58.000 cây (22,4%)" in edited.text
    old, new = await bot.reports()
    assert old.superseded_by_id == new.id and old.withdrawn_at is None
    assert new.message_id == message_id and new.value == 13000
    assert new.source_text == "Đã trồng được 13.000 cây phân tán"
    assert await live_total(bot, "Thôn 1", "1") == 13000

    # Edited again to name another target: the trees figure is withdrawn, the new one counts.
    moved = await bot.edit("lợn 2.300 con", message_id, AN)
    assert moved.messages[0].text.endswith("(1 số liệu cũ được thay).")
    assert "Chăn nuôi — Đàn lợn: 2.300 / 4.200 con" in moved.text
    old, new, pigs = await bot.reports()
    assert new.withdrawn_at == NOW and new.superseded_by_id is None
    assert pigs.message_id == message_id and pigs.withdrawn_at is None
    assert await live_total(bot, "Thôn 1", "1") is None
    assert await live_total(bot, "Thôn 1", "2.1") == 2300

    # Edits of messages that stored nothing, and of commands, are none of reporting's business.
    chatter = bot.message("hôm nay họp thôn", AN)
    await bot.process(chatter)
    assert chatter.message is not None
    quiet = await bot.edit("hôm nay họp thôn lúc 8 giờ", chatter.message.message_id, AN)
    assert quiet.messages == ()
    assert len(await bot.reports()) == 3


async def test_editing_a_baocao_command_does_not_report_again(bot: BotDriver) -> None:
    command = bot.message("/baocao 5 km đường", AN)
    await bot.process(command)
    assert command.message is not None
    # Commands run on new messages only: an edited "/baocao …" neither reports again nor
    # answers "already recorded".
    again = await bot.edit("/baocao 300 người có việc làm mới", command.message.message_id, AN)
    assert again.messages == ()
    assert [r.value for r in await bot.reports()] == [5]


async def test_a_redelivered_edit_keeps_the_corrected_figure(bot: BotDriver) -> None:
    update = bot.message(TREES, AN)
    await bot.process(update)
    assert update.message is not None
    edit = bot.edited("Đã trồng được 13.000 cây phân tán", update.message.message_id, AN)
    await bot.process(edit)
    await bot.process(edit)  # the same edit delivered again
    assert await live_total(bot, "Thôn 1", "1") == 13000


async def test_an_ambiguous_number_is_asked_about(bot: BotDriver) -> None:
    replies = await bot.send("1.5 tấn thóc", AN)
    assert replies.text.startswith("Số trong «1.5 tấn thóc» có thể hiểu theo hai cách.")
    # The dot as a decimal mark, or grouping thousands with the zeros left off: never 15.
    assert replies.labels() == ["1,5 tấn", "1.500 tấn", "Bỏ qua"]
    assert await bot.reports() == []

    chosen = await bot.press(replies.button("1.500"), AN, on=replies.messages[0])
    assert chosen.text == (
        f"✅ Thôn 1 — Sản lượng thóc cả năm: 1.500 / 1.850 tấn (81,1%), {PERIOD}\n"
        "↳ số lũy kế từ đầu kỳ"
    )
    assert chosen.api("editMessageReplyMarkup")
    [row] = await bot.reports()
    assert row.value == 1500
    assert_provenance(row, reporter=AN, chat=AN, text="1.5 tấn thóc")

    twice = await bot.press(replies.button("1,5"), AN, on=replies.messages[0])
    [alert] = twice.api("answerCallbackQuery")
    assert "đã được trả lời" in alert.params["text"]
    assert len(await bot.reports()) == 1

    skipped = await bot.send("1.5 tấn thóc", AN)
    dropped = await bot.press(skipped.button("Bỏ qua"), AN, on=skipped.messages[0])
    assert dropped.text == "Đã bỏ qua số liệu này."
    assert len(await bot.reports()) == 1


async def test_a_pending_choice_lapses_when_the_plan_changes(bot: BotDriver) -> None:
    asked = await bot.send("1.5 tấn thóc", AN)
    await bot.load_plan(OTHER_PLAN_FILE)
    await bot.choose_plan("2")
    pressed = await bot.press(asked.button("1.500"), AN, on=asked.messages[0])
    [alert] = pressed.api("answerCallbackQuery")
    assert alert.params["text"] == "Kế hoạch đã thay đổi; anh/chị vui lòng gửi lại số liệu."
    assert await bot.reports() == []


async def test_doubtful_values_are_confirmed_before_saving(bot: BotDriver) -> None:
    rate = await bot.send("tỷ lệ tham gia BHYT đạt 120%", AN)
    assert "có vẻ chưa đúng (tỷ lệ lớn hơn 100%)" in rate.text
    assert "Anh/chị có chắc muốn ghi không?" in rate.text
    assert rate.labels() == ["Vẫn ghi", "Bỏ qua"]
    await bot.press(rate.button("Bỏ qua"), AN, on=rate.messages[0])
    assert await bot.reports() == []

    huge = await bot.send("trồng được 700.000 cây phân tán", AN)
    assert "Số liệu 700.000" in huge.text and "(lớn hơn 10 lần chỉ tiêu)" in huge.text
    assert await bot.reports() == []
    stranger = await bot.press(huge.button("Vẫn ghi"), BINH, on=huge.messages[0])
    assert "không dành cho anh/chị" in stranger.api("answerCallbackQuery")[0].params["text"]
    assert await bot.reports() == []

    kept = await bot.press(huge.button("Vẫn ghi"), AN, on=huge.messages[0])
    assert "Trồng cây phân tán: 700.000 / 58.000 cây (1.206,9%)" in kept.text
    assert "đã đạt chỉ tiêu" in kept.text
    [row] = await bot.reports()
    assert row.value == 700000
    assert_provenance(row, reporter=AN, chat=AN, text="trồng được 700.000 cây phân tán")


async def test_the_confirmation_question_names_the_target_once(bot: BotDriver) -> None:
    rate = await bot.send("tỷ lệ tham gia BHYT đạt 120%", AN)
    assert "«(4) Tỷ lệ người dân tham gia bảo hiểm y tế»" in rate.text


async def test_a_non_member_is_told_how_to_join(bot: BotDriver) -> None:
    for text in (TREES, "/baocao Đã trồng được 12.500 cây phân tán"):
        replies = await bot.send(text, BINH)
        assert replies.text == (
            "Anh/chị chưa thuộc đơn vị nào nên chưa báo cáo được. Hãy xin cán bộ phụ trách "
            "mã tham gia rồi gõ /thamgia MÃ. Anh/chị vẫn có thể hỏi về kế hoạch bằng /hoi."
        )
        assert "/thamgia" in NOT_MEMBER
    assert await bot.reports() == []


async def test_baocao_usage_and_an_admin_reporting_for_a_unit(bot: BotDriver) -> None:
    usage = await bot.send("/baocao", AN)
    assert usage.text.startswith("Cách báo cáo: /baocao Đã trồng được 12.500 cây phân tán")

    await bot.unit("Thôn 2")
    replies = await bot.send("/baocao Thôn 2: 8.000 cây phân tán", ADMIN)
    assert replies.text.startswith(
        f"✅ Thôn 2 — Trồng cây phân tán: 8.000 / 58.000 cây (13,8%), {PERIOD}"
    )
    [row] = await bot.reports()
    assert row.unit_id == (await bot.unit("Thôn 2")).id
    assert_provenance(row, reporter=ADMIN, chat=ADMIN, text="8.000 cây phân tán")

    # A member cannot report for another unit by naming it.
    await bot.send("/baocao Thôn 2: 500 cây phân tán", AN)
    assert await live_total(bot, "Thôn 2", "1") == 8000


async def test_a_question_with_figures_asks_what_is_meant(bot: BotDriver) -> None:
    text = "Đã trồng 12.500 cây phân tán, đạt chỉ tiêu chưa?"
    asked = bot.message(text, AN)
    replies = await bot.process(asked)
    assert replies.text == ASK_ROUTE
    assert replies.labels() == ["Ghi số liệu", "Đây là câu hỏi"]
    assert await bot.reports() == []

    saved = await bot.press(replies.button("Ghi số liệu"), AN, on=replies.messages[0])
    assert "Trồng cây phân tán: 12.500 / 58.000 cây (21,6%)" in saved.text
    [row] = await bot.reports()
    assert asked.message is not None and row.message_id == asked.message.message_id
    assert_provenance(row, reporter=AN, chat=AN, text=text)

    stale = await bot.press(replies.button("Đây là câu hỏi"), AN, on=replies.messages[0])
    assert stale.api("answerCallbackQuery")[0].params["text"] == "Câu hỏi này không còn hiệu lực."

    other = await bot.send("Thôn đã trồng 9.000 cây phân tán, vậy chỉ tiêu là bao nhiêu?", AN)
    answered = await bot.press(other.button("Đây là câu hỏi"), AN, on=other.messages[0])
    assert "Có phải anh/chị muốn hỏi:" in answered.text  # a question, answered as one
    target = answered.button("Chỉ tiêu (1) Trồng cây phân tán")
    figure = await bot.press(target, AN, on=answered.messages[0])
    assert (
        figure.text
        == "Theo Kế hoạch 27/KH-UBND, mục II.2, chỉ tiêu (1): Trồng cây phân tán: 58.000 cây."
    )
    assert len(await bot.reports()) == 1


async def test_a_group_bound_to_a_unit_reports_quietly(bot: BotDriver) -> None:
    await bot.bind_group(GROUP, "Thôn 3")
    text = "lợn 2.300 con; bò 120 con"
    message = bot.message(text, BINH, chat_id=GROUP)  # Bình is no member: the group counts
    replies = await bot.process(message)
    assert replies.text == (
        f"✅ Thôn 3 — Chăn nuôi — Đàn lợn: 2.300 / 4.200 con (54,8%), {PERIOD}\n"
        "↳ số lũy kế từ đầu kỳ\n"
        f"✅ Thôn 3 — Chăn nuôi — Đàn bò: 120 / 600 con (20%), {PERIOD}\n"
        "↳ số lũy kế từ đầu kỳ"
    )
    assert replies.labels() == ["Hoàn tác"]
    [call] = replies.api("sendMessage")
    assert message.message is not None
    assert call.params["reply_parameters"]["message_id"] == message.message.message_id
    pigs, cows = await bot.reports()
    thon3 = await bot.unit("Thôn 3")
    for row in (pigs, cows):
        assert row.unit_id == thon3.id
        assert_provenance(row, reporter=BINH, chat=GROUP, text=text)

    # Chatter with numbers that fit no target gets no answer, and neither does an unbound group.
    for chatter, chat in (
        ("Mai 7 giờ họp ở nhà văn hóa nhé", GROUP),
        ("Mai họp lúc 7.30 nhé", GROUP),  # an ambiguous number, but no target to ask about
        ("Chiều nay 3 người đi tập huấn", GROUP),
        ("lợn 2.300 con", -100555),
    ):
        quiet = await bot.send(chatter, CUONG, chat_id=chat)
        assert quiet.calls == (), chatter
    assert len(await bot.reports()) == 2

    # One undo takes back both figures of the message.
    undone = await bot.press(replies.button("Hoàn tác"), BINH, on=replies.messages[0])
    assert undone.text.startswith("Đã hoàn tác 2 số liệu")
    assert all(r.withdrawn_at == NOW for r in await bot.reports())


async def test_unmatched_parts_are_listed(bot: BotDriver) -> None:
    replies: Replies = await bot.send("lợn 2.300 con; xe máy 3 chiếc", AN)
    assert "✅ Thôn 1 — Chăn nuôi — Đàn lợn: 2.300 / 4.200 con (54,8%)" in replies.text
    assert "• Không có chỉ tiêu nào khớp với «xe máy 3 chiếc»." in replies.text
    assert len(await bot.reports()) == 1


async def test_undoing_a_report_under_an_increment_removes_it_from_the_total(
    bot: BotDriver,
) -> None:
    first = await bot.send(TREES, AN)
    await bot.send("thêm 300 cây phân tán", AN)
    await bot.press(first.button("Hoàn tác"), AN, on=first.messages[0])
    assert await live_total(bot, "Thôn 1", "1") == 300


async def test_an_increment_after_the_six_month_deadline_builds_on_the_year_so_far(
    bot: BotDriver,
) -> None:
    await bot.send(TREES, AN)  # 01/06/2025
    bot.clock.advance(timedelta(days=19))  # 20/06/2025: the year-end period
    replies = await bot.send("thêm 300 cây phân tán", AN)
    assert "lũy kế 12.800 cây" in replies.text
    progress = await bot.send("/tiendo", AN)
    assert "12.800 / 58.000 cây" in progress.text


async def test_a_first_half_figure_stands_at_year_end_but_does_not_count_as_reported(
    bot: BotDriver,
) -> None:
    await bot.send(TREES, AN)  # 01/06/2025, six-month period
    bot.clock.advance(timedelta(days=49))  # 20/07/2025: the six-month reports are compiled
    summary = await bot.send("/tonghop", ADMIN)
    assert "năm 2025" in summary.text
    assert "12.500" in summary.text
    assert "Thôn 1 (chưa gửi số nào)" in summary.text.split("chưa báo cáo đủ", 1)[1]


async def test_a_question_naming_a_year_is_answered_not_recorded(bot: BotDriver) -> None:
    replies = await bot.send("chỉ tiêu việc làm năm 2025", AN)
    assert "350 người" in replies.text
    assert await bot.reports() == []


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Thôn 1 đã giải quyết việc làm cho 90 người", "5", 90),  # "Thôn 1" is no figure
        ("Kết quả trồng cây phân tán đến nay: 12.500 cây", "1", 12500),
        ("Báo cáo: đàn lợn hiện có 2.300 con", "2.1", 2300),
        ("lợn 2.300 con (đến 30/6)", "2.1", 2300),
    ],
)
async def test_reports_wrapped_in_everyday_words_are_recorded(
    bot: BotDriver, text: str, key: str, value: int
) -> None:
    replies = await bot.send(text, AN)
    assert replies.text.startswith("✅ Thôn 1 — "), replies.text
    assert await live_total(bot, "Thôn 1", key) == value


async def test_an_increment_is_judged_by_the_total_it_makes(bot: BotDriver) -> None:
    await bot.send("lợn 4.000 con", AN)
    replies = await bot.send("thêm 39.000 con lợn", AN)  # 39.000 alone looks fine
    assert "lũy kế sẽ là 43.000: lớn hơn 10 lần chỉ tiêu" in replies.text
    assert replies.labels() == ["Vẫn ghi", "Bỏ qua"]
    assert await live_total(bot, "Thôn 1", "2.1") == 4000
    kept = await bot.press(replies.button("Vẫn ghi"), AN, on=replies.messages[0])
    assert "lũy kế 43.000 con" in kept.text  # saved at the press, not asked again
    assert await live_total(bot, "Thôn 1", "2.1") == 43000


async def test_a_unit_that_missed_the_deadline_still_reports_for_that_period(
    bot: BotDriver,
) -> None:
    await bot.add_member(BINH, "Thôn 2")
    await bot.send(TREES, AN)  # 01/06/2025: Thôn 1 reports on time
    bot.clock.advance(timedelta(days=19))  # 20/06/2025: past the six-month deadline (14/06)
    late = await bot.send("trồng được 8.000 cây phân tán", BINH)
    assert late.text.startswith(
        f"✅ Thôn 2 — Trồng cây phân tán: 8.000 / 58.000 cây (13,8%), {PERIOD}"
    )
    on_time = await bot.send("thêm 300 cây phân tán", AN)  # Thôn 1 is on to the year
    assert "năm 2025" in on_time.text
    second = await bot.send("lợn 1.000 con", BINH)  # Thôn 2's late report goes on in one place
    assert PERIOD in second.text
    summary = await bot.send("/tonghop", ADMIN)  # still compiling the six months
    assert summary.text.startswith(f"Tổng hợp tiến độ — {PERIOD}")
    assert "Trồng cây phân tán: tổng 20.500 / 58.000 cây (35,3%)" in summary.text
    assert "chưa gửi số nào" not in summary.text  # both units sent figures for the six months


async def test_undo_takes_back_only_what_its_confirmation_saved(bot: BotDriver) -> None:
    # One message: the pigs are saved at once, the rate is asked about first.
    replies = await bot.send("lợn 2.300 con; BHYT 120%", AN)
    saved_now = replies.message_with("Đàn lợn")
    confirmed = await bot.press(replies.button("Vẫn ghi"), AN, on=replies.message_with("120"))
    await bot.press(confirmed.button("Hoàn tác"), AN, on=confirmed.messages[0])
    assert await live_total(bot, "Thôn 1", "4") is None
    assert await live_total(bot, "Thôn 1", "2.1") == 2300  # not the pigs
    undone = await bot.press(replies.button("Hoàn tác"), AN, on=saved_now)
    assert undone.text.startswith("Đã hoàn tác 1 số liệu")
    assert await live_total(bot, "Thôn 1", "2.1") is None


async def test_a_late_press_counts_from_the_press_and_checks_the_unit(bot: BotDriver) -> None:
    asked = await bot.send("lợn 99.000 con", AN)  # > 10× the target: asked first
    bot.clock.advance(timedelta(minutes=5))
    await bot.send("lợn 2.500 con", AN)  # sent directly in between
    bot.clock.advance(timedelta(minutes=5))
    await bot.press(asked.button("Vẫn ghi"), AN, on=asked.messages[0])
    assert await live_total(bot, "Thôn 1", "2.1") == 99000  # the confirmed figure is the latest

    again = await bot.send("lợn 99.000 con", AN)
    asked = await bot.send("/donvi xoa Thôn 1", ADMIN)
    await bot.press(asked.button("Xóa đơn vị"), ADMIN, on=asked.messages[0])
    pressed = await bot.press(again.button("Vẫn ghi"), AN, on=again.messages[0])
    [alert] = pressed.api("answerCallbackQuery")
    assert alert.params["text"] == "Đơn vị này đã bị xóa; số liệu không được ghi."


async def test_naming_a_unit_that_does_not_exist_or_is_not_yours(bot: BotDriver) -> None:
    missing = await bot.send("/baocao Thôn 9: 8.000 cây phân tán", ADMIN)
    assert missing.text == "Không tìm thấy đơn vị «Thôn 9». Xem /donvi."
    await bot.unit("Thôn 2")
    other = await bot.send("Thôn 2: 8.000 cây phân tán", AN)
    assert other.text.startswith("Chỉ quản trị viên mới báo cáo thay cho đơn vị khác.")
    own = await bot.send("Thôn 1: 8.000 cây phân tán", AN)  # naming one's own unit is fine
    assert own.text.startswith("✅ Thôn 1 — Trồng cây phân tán: 8.000 / 58.000 cây")
    assert [r.value for r in await bot.reports()] == [8000]


async def test_a_unit_named_in_lower_case_without_marks_is_that_unit(bot: BotDriver) -> None:
    await bot.unit("Thôn Bắc")
    other = await bot.send("thon bac: 8.000 cây phân tán", AN)  # AN is a member of Thôn 1
    assert other.text.startswith("Chỉ quản trị viên mới báo cáo thay cho đơn vị khác.")
    assert await bot.reports() == []
    own = await bot.send("THON 1: 500 cây phân tán", AN)
    assert own.text.startswith("✅ Thôn 1 — Trồng cây phân tán: 500 / 58.000 cây")
    target_first = await bot.send("cây phân tán: 700 cây", AN)  # a target, not a unit
    assert target_first.text.startswith("✅ Thôn 1 — Trồng cây phân tán: 700 / 58.000 cây")


async def test_an_edit_that_fixes_an_unread_report_records_it(bot: BotDriver) -> None:
    update = bot.message("trồng cây phân tán 12.500 tấn", AN)  # the wrong unit: no target
    first = await bot.process(update)
    assert update.message is not None and await bot.reports() == []
    assert first.text  # told what was not understood
    fixed = await bot.edit("trồng cây phân tán 12.500 cây", update.message.message_id, AN)
    assert fixed.text.startswith("✅ Thôn 1 — Trồng cây phân tán: 12.500 / 58.000 cây")
    [row] = await bot.reports()
    assert row.message_id == update.message.message_id


async def test_a_target_written_like_a_unit_name_is_still_a_report(bot: BotDriver) -> None:
    replies = await bot.send("Thôn văn hóa: 5 thôn", AN)
    assert replies.text.startswith("✅ Thôn 1 — "), replies.text


async def test_group_chatter_naming_a_group_is_not_answered(bot: BotDriver) -> None:
    await bot.bind_group(GROUP, "Thôn 1")
    quiet = await bot.send("Tổ 3: 15 người dự họp", BINH, chat_id=GROUP)
    assert quiet.calls == ()
    report = await bot.send("Chỉ tiêu trồng cây phân tán: đã trồng 12.500 cây", BINH, chat_id=GROUP)
    assert report.text.startswith("✅ Thôn 1 — Trồng cây phân tán: 12.500 / 58.000 cây")


async def test_an_edit_keeps_its_place_under_a_later_increment(bot: BotDriver) -> None:
    first = bot.message(TREES, AN)  # 12.500 on 01/06
    await bot.process(first)
    assert first.message is not None
    bot.clock.advance(timedelta(hours=1))
    await bot.send("thêm 300 cây phân tán", AN)
    bot.clock.advance(timedelta(days=19))  # 20/06: past the six-month deadline
    await bot.edit("Đã trồng được 13.000 cây phân tán", first.message.message_id, AN)
    assert await live_total(bot, "Thôn 1", "1") == 13300  # the increment still adds to it
    corrected = next(r for r in await bot.reports() if r.value == 13000)
    assert corrected.period_key == "2025-6thang"  # the six months, where the first one stood


async def test_an_edited_increment_builds_on_the_total_before_it(bot: BotDriver) -> None:
    await bot.send(TREES, AN)
    plus = bot.message("thêm 300 cây phân tán", AN)
    await bot.process(plus)
    assert plus.message is not None
    edited = await bot.edit("thêm 400 cây phân tán", plus.message.message_id, AN)
    assert "lũy kế 12.900 cây" in edited.text
    assert await live_total(bot, "Thôn 1", "1") == 12900


async def test_an_edit_voids_the_questions_about_its_first_version(bot: BotDriver) -> None:
    huge = bot.message("trồng được 700.000 cây phân tán", AN)
    asked = await bot.process(huge)
    assert huge.message is not None
    await bot.edit("trồng được 7.000 cây phân tán", huge.message.message_id, AN)
    stale = await bot.press(asked.button("Vẫn ghi"), AN, on=asked.messages[0])
    assert "hết hiệu lực" in stale.api("answerCallbackQuery")[0].params["text"]
    assert await live_total(bot, "Thôn 1", "1") == 7000


async def test_an_edit_is_routed_like_a_new_message(bot: BotDriver) -> None:
    question = bot.message("BHYT đạt 96% thì có đạt chỉ tiêu không?", AN)
    await bot.process(question)
    assert question.message is not None
    await bot.edit("BHYT đạt 96% thì có đạt chỉ tiêu không ạ?", question.message.message_id, AN)
    assert await bot.reports() == []  # still a question: nothing recorded


async def test_taking_off_lowers_the_total_and_says_so(bot: BotDriver) -> None:
    await bot.send("lợn 2.300 con", AN)
    replies = await bot.send("bớt 300 con lợn", AN)
    assert "↳ bớt đi 300 con → lũy kế 2.000 con" in replies.text
    assert await live_total(bot, "Thôn 1", "2.1") == 2000
    below_zero = await bot.send("-5.000 con lợn", AN)
    assert "số liệu âm" in below_zero.text  # the total would fall below zero: asked first
    assert await live_total(bot, "Thôn 1", "2.1") == 2000


async def test_a_count_below_the_total_asks_whether_it_adds(bot: BotDriver) -> None:
    await bot.send(TREES, AN)  # 12.500
    asked = await bot.send("tháng này trồng được 700 cây phân tán", AN)
    assert "đơn vị đã có lũy kế 12.500 cây" in asked.text
    assert asked.labels() == ["Cộng thêm → 13.200 cây", "Lũy kế mới: 700 cây", "Bỏ qua"]
    assert await live_total(bot, "Thôn 1", "1") == 12500  # nothing saved before the choice
    added = await bot.press(asked.button("Cộng thêm"), AN, on=asked.messages[0])
    assert "↳ cộng thêm 700 cây → lũy kế 13.200 cây" in added.text
    assert await live_total(bot, "Thôn 1", "1") == 13200

    again = await bot.send("trồng được 9.000 cây phân tán", AN)  # a real correction downwards
    await bot.press(again.button("Lũy kế mới"), AN, on=again.messages[0])
    assert await live_total(bot, "Thôn 1", "1") == 9000
    rate = await bot.send("BHYT đạt 90%", AN)
    lower_rate = await bot.send("BHYT đạt 85%", AN)  # rates go down too: no question
    assert rate.text.startswith("✅") and lower_rate.text.startswith("✅")


async def test_a_figure_for_another_year_is_not_filed_in_this_one(bot: BotDriver) -> None:
    replies = await bot.send("năm 2024 lợn 2.000 con", AN)  # the period is the first half of 2025
    assert replies.text.startswith("Tin nhắn ghi năm 2024, nhưng số liệu gửi bây giờ thuộc kỳ")
    assert await bot.reports() == []
    this_year = await bot.send("năm 2025 lợn 2.000 con", AN)
    assert this_year.text.startswith("✅ Thôn 1 — Chăn nuôi — Đàn lợn: 2.000 / 4.200 con")


async def test_huy_never_touches_a_plan_no_longer_in_use(bot: BotDriver) -> None:
    await bot.send(TREES, AN)
    await bot.load_plan(OTHER_PLAN_FILE)
    await bot.choose_plan("2")
    replies = await bot.send("/huy", AN)
    assert replies.text == "Anh/chị chưa có báo cáo nào để rút lại."
    [row] = await bot.reports()
    assert row.withdrawn_at is None


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [("BHYT đạt 97.5%", "4", Decimal("97.5")), ("lợn 2,300 con", "2.1", Decimal(2300))],
)
async def test_a_number_with_one_possible_reading_is_not_asked_about(
    bot: BotDriver, text: str, key: str, value: Decimal
) -> None:
    replies = await bot.send(text, AN)
    assert replies.text.startswith("✅ Thôn 1 — "), replies.text
    assert await live_total(bot, "Thôn 1", key) == value


async def test_the_target_question_shows_the_figure_it_read(bot: BotDriver) -> None:
    asked = await bot.send("tỷ lệ bao phủ BHYT 93%", AN)
    assert asked.text.startswith("Số liệu 93% («tỷ lệ bao phủ BHYT 93%») thuộc chỉ tiêu nào?")


async def test_editing_an_older_report_restates_it_without_questions(bot: BotDriver) -> None:
    first = bot.message("lợn 2.000 con", AN)
    await bot.process(first)
    assert first.message is not None
    bot.clock.advance(timedelta(hours=1))
    await bot.send("lợn 2.100 con", AN)
    edited = await bot.edit("lợn 2.050 con", first.message.message_id, AN)
    assert not edited.buttons or edited.labels() == ["Hoàn tác"]  # no "adds or new total?"
    assert await live_total(bot, "Thôn 1", "2.1") == 2100  # the later figure still stands

    named = await bot.edit("lợn 2.050 con, năm 2024", first.message.message_id, AN)
    assert named.text.startswith("Tin nhắn ghi năm 2024")
    assert await live_total(bot, "Thôn 1", "2.1") == 2100
    assert len([r for r in await bot.reports() if r.withdrawn_at is None]) >= 2


async def test_a_late_unit_catches_up_then_reports_for_the_new_period(bot: BotDriver) -> None:
    await bot.add_member(BINH, "Thôn 2")
    bot.clock.advance(timedelta(days=19))  # 20/06/2025: Thôn 2 missed 14/06
    late = await bot.send("trồng được 8.000 cây phân tán", BINH)
    assert PERIOD in late.text
    bot.clock.advance(timedelta(days=20))  # 10/07/2025: new work belongs to the year
    later = await bot.send("lợn 1.000 con", BINH)
    assert "năm 2025" in later.text


async def test_group_chatter_naming_a_year_gets_no_answer(bot: BotDriver) -> None:
    await bot.bind_group(GROUP, "Thôn 1")
    quiet = await bot.send("Năm 2024 thôn mình có 3 đám cưới", BINH, chat_id=GROUP)
    assert quiet.calls == ()


async def test_an_edit_of_group_chatter_naming_a_unit_gets_no_answer(bot: BotDriver) -> None:
    chatter = bot.message("Tổ 3 họp lúc 8 giờ", BINH, chat_id=-100777)  # an unbound group
    await bot.process(chatter)
    assert chatter.message is not None
    edited = await bot.edit(
        "Tổ 3: 15 người dự họp", chatter.message.message_id, BINH, chat_id=-100777
    )
    assert edited.calls == ()


async def test_a_long_message_is_never_echoed_past_telegrams_limit(bot: BotDriver) -> None:
    """A problem line quotes a short piece of the message, not all of it."""
    text = "ghi chép " * 440 + "được 5 quyển sổ tay mới"
    replies = await bot.send(text, AN)
    assert replies.messages
    assert all(len(sent.text) <= 4096 for sent in replies.messages)
    assert text not in replies.text


async def test_a_figure_too_large_is_refused_and_nothing_saved(bot: BotDriver) -> None:
    replies = await bot.send("/baocao trồng cây phân tán 99999999999999999999999999999 cây", AN)
    assert "quá lớn" in replies.text
    many = await bot.send("/baocao " + "lợn 2 con dê 3 con " * 60, AN)
    assert many.text.startswith("Tin nhắn có hơn 100 số liệu")
    assert await bot.reports() == []


@pytest.mark.parametrize(
    "text",
    [
        "/baocao Thôn An Phú BHYT 95,5%",
        "/baocao thon an phu BHYT 95,5%",
        "/baocao THÔN AN PHÚ, BHYT 95,5%",
        "/baocao Thôn An Phú BHYT: 95,5%",
        "/baocao Thôn An Phú: BHYT 95,5%",
        "Thôn An Phú - BHYT đạt 95,5%",
    ],
)
async def test_an_admin_names_the_unit_first_with_or_without_a_colon(
    bot: BotDriver, text: str
) -> None:
    await bot.unit("Thôn An Phú")
    await bot.unit("Thôn An")  # a shorter name opening the same words is another unit
    replies = await bot.send(text, ADMIN)
    assert replies.text.startswith(
        "✅ Thôn An Phú — Tỷ lệ người dân tham gia bảo hiểm y tế: 95,5% — chỉ tiêu tối thiểu 95%"
    ), replies.text
    [row] = await bot.reports()
    assert row.unit_id == (await bot.unit("Thôn An Phú")).id and row.value == Decimal("95.5")


@pytest.mark.parametrize(
    "text",
    [
        "/baocao Thôn An BHYT 95,5%",  # a part of a unit's name names no unit
        "/baocao Thon An Phu Dong BHYT 95,5%",  # nor does a longer one
        "/baocao An Phú BHYT 95,5%",
    ],
)
async def test_a_unit_is_named_by_its_whole_name_only(bot: BotDriver, text: str) -> None:
    await bot.unit("Thôn An Phú")
    replies = await bot.send(text, ADMIN)
    assert "✅" not in replies.text
    assert "Thôn An Phú" not in replies.text or "không" in replies.text.lower()
    assert await bot.reports() == []


async def test_a_member_naming_another_unit_without_a_colon_is_refused(bot: BotDriver) -> None:
    await bot.unit("Thôn Bắc")
    other = await bot.send("Thôn Bắc 8.000 cây phân tán", AN)
    assert other.text.startswith("Chỉ quản trị viên mới báo cáo thay cho đơn vị khác.")
    own = await bot.send("thôn 1 8.000 cây phân tán", AN)
    assert own.text.startswith("✅ Thôn 1 — Trồng cây phân tán: 8.000 / 58.000 cây")
    assert [r.value for r in await bot.reports()] == [8000]


@pytest.mark.parametrize("text", ["asdkjh qwe 123", "hôm nay 15", "xyz 2.300", "abc def 7 ghi"])
async def test_a_number_with_nothing_pointing_to_a_target_is_not_a_report(
    bot: BotDriver, text: str
) -> None:
    for user in (AN, ADMIN, BINH):  # a member, an admin in no unit, someone in no unit
        replies = await bot.send(text, user)
        assert replies.text.startswith(f"Tôi chưa hiểu tin nhắn «{text}»"), replies.text
        assert "chưa ghi gì" in replies.text and "/chitieu" in replies.text
        assert replies.buttons == []  # no random target offered
        assert ("ghi tên đơn vị trước" in replies.text) == (user == ADMIN)
    assert await bot.reports() == []


async def test_being_in_no_unit_is_said_only_when_the_figures_fit_a_target(
    bot: BotDriver,
) -> None:
    fits = await bot.send("BHYT 95,5%", ADMIN)
    assert fits.text.startswith("Anh/chị là quản trị viên, chưa thuộc đơn vị nào")
    by_measure = await bot.send("thêm 300 cây", BINH)  # the unit of measure names a target
    assert by_measure.text.startswith("Anh/chị chưa thuộc đơn vị nào")
    assert await bot.reports() == []


@pytest.mark.parametrize(
    ("text", "saved"),
    [
        ("thêm 300 cây", "✅ Thôn 1 — Trồng cây phân tán: 300 / 58.000 cây"),
        ("được 12 km", "✅ Thôn 1 — Làm mới đường giao thông nông thôn: 12 / 12 km"),
        ("2 nha", "✅ Thôn 1 — Xây mới nhà văn hóa thôn: 2 / 2 nhà"),
    ],
)
async def test_a_unit_of_measure_one_target_counts_in_is_enough(
    bot: BotDriver, text: str, saved: str
) -> None:
    replies = await bot.send(text, AN)
    assert replies.text.startswith(saved), replies.text
    assert len(await bot.reports()) == 1


async def test_a_unit_of_measure_several_targets_count_in_is_asked_about(bot: BotDriver) -> None:
    asked = await bot.send("thêm 20 con", AN)
    assert asked.text.startswith("Số liệu 20 con («thêm 20 con») thuộc chỉ tiêu nào?")
    assert asked.labels() == [
        "(2) Chăn nuôi — Đàn lợn",
        "(2) Chăn nuôi — Đàn bò",
        "(2) Chăn nuôi — Gia cầm",
        "Bỏ qua",
    ]
    chosen = await bot.press(asked.button("Đàn bò"), AN, on=asked.messages[0])
    assert chosen.text.startswith("✅ Thôn 1 — Chăn nuôi — Đàn bò: 20 / 600 con")
    number = await bot.send("1.5 tấn", AN)  # no name, but only one target counts in tấn
    assert number.labels() == ["1,5 tấn", "1.500 tấn", "Bỏ qua"]
    chosen = await bot.press(number.button("1.500"), AN, on=number.messages[0])
    assert chosen.text.startswith("✅ Thôn 1 — Sản lượng thóc cả năm: 1.500 / 1.850 tấn")


@pytest.mark.parametrize("user", [AN, ADMIN, BINH])
@pytest.mark.parametrize("text", ["/baocao Thôn 1", "/baocao cây phân tán", "/baocao xin chào"])
async def test_baocao_without_figures_explains_how_to_report(
    bot: BotDriver, text: str, user: int
) -> None:
    replies = await bot.send(text, user)
    assert replies.text.startswith("Tôi không thấy số liệu nào trong tin nhắn.\n\nCách báo cáo:")
    assert await bot.reports() == []


@pytest.mark.parametrize("typed", ["Thôn An", "thon an phuu", "An Phú"])
async def test_a_near_unit_name_is_offered_never_credited(bot: BotDriver, typed: str) -> None:
    await bot.unit("Thôn An Phú")
    replies = await bot.send(f"/baocao {typed}: 8.000 cây phân tán", ADMIN)
    assert replies.text.startswith(f"Không tìm thấy đơn vị «{typed}».")
    assert "«Thôn An Phú»" in replies.text or "Xem /donvi" in replies.text
    assert await bot.reports() == []


@pytest.mark.parametrize(
    "text",
    ["asdkjh qwe 123?", "năm 2025 có bao nhiêu xã được giao chỉ tiêu?", "xyz 45 là gì?"],
)
async def test_a_question_whose_figures_fit_no_target_is_answered_as_a_question(
    bot: BotDriver, text: str
) -> None:
    replies = await bot.send(text, AN)
    assert replies.text and replies.text != ASK_ROUTE
    assert "Ghi số liệu" not in replies.labels()
    assert await bot.reports() == []


LAND_PLAN = """KẾ HOẠCH
Phát động thi đua năm 2025 của xã Hòa Phong

II. CHỈ TIÊU THI ĐUA
1. Cấp giấy chứng nhận quyền sử dụng đất lần đầu: 320 giấy;
2. Trồng mới cây xanh trên các tuyến đường: 4.000 cây;
3. Đàn gia súc: trâu 300 con, bò 900 con;
4. Tỷ lệ tham gia bảo hiểm y tế: 95%.
"""


@pytest.mark.parametrize(
    ("text", "saved"),
    [
        ("sổ đỏ 50 giấy", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu: 50 / 320 giấy"),
        ("150 giay chung nhan", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu: 150 / 320 giấy"),
        ("thêm 300 cây", "Trồng mới cây xanh trên các tuyến đường: 300 / 4.000 cây"),
    ],
)
async def test_an_everyday_word_or_a_unit_one_target_has_is_enough(
    bot: BotDriver, tmp_path: Path, text: str, saved: str
) -> None:
    plan = tmp_path / "ke_hoach_hoa_phong.txt"
    plan.write_text(LAND_PLAN, encoding="utf-8")
    await bot.load_plan(plan)
    await bot.choose_plan("2")
    replies = await bot.send(text, AN)
    assert replies.text.startswith(f"✅ Thôn 1 — {saved}"), replies.text
    asked = await bot.send("thêm 20 con", AN)  # trâu or bò: asked, never guessed
    assert asked.labels()[:2] == ["(3) Đàn gia súc — Trâu", "(3) Đàn gia súc — Bò"]
