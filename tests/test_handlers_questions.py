"""Questions through ``Application.process_update``: /hoi and plain private text answered
from the active plan with the place they come from, close calls offered as buttons,
unanswered questions kept for /cauhoi, /tuvung synonyms, /chitieu pages, and group chatter
left alone."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from handlers.common import NO_PLAN_TEXT, NOT_ADMIN_TEXT
from storage.db import Database
from storage.models import Synonym, UnansweredQuestion
from tests.support.driver import (
    ADMIN,
    AN,
    BINH,
    GROUP,
    OTHER_PLAN_FILE,
    PLANS_DIR,
    BotDriver,
    running_bot,
)

WHERE = "Theo Kế hoạch 27/KH-UBND, mục II.2"
NO_ANSWER = "Kế hoạch 27/KH-UBND không có nội dung trả lời câu hỏi này."


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    async with running_bot(settings, database) as driver:
        await driver.load_plan()
        yield driver


async def unanswered(bot: BotDriver) -> list[UnansweredQuestion]:
    return list(await bot.rows(UnansweredQuestion))


async def test_without_a_plan_the_bot_says_so(settings: Settings, database: Database) -> None:
    async with running_bot(settings, database) as bare:
        assert (await bare.send("/hoi chỉ tiêu trồng cây là bao nhiêu?", AN)).text == NO_PLAN_TEXT
        assert (await bare.send("/chitieu", AN)).text == NO_PLAN_TEXT
        assert (await bare.send("chỉ tiêu BHYT bao nhiêu", AN)).text == NO_PLAN_TEXT


async def test_usage_when_the_question_is_missing(bot: BotDriver) -> None:
    replies = await bot.send("/hoi", AN)
    assert replies.text == "Hãy gõ câu hỏi sau lệnh, ví dụ: /hoi chỉ tiêu BHYT là bao nhiêu?"


async def test_figures_are_found_however_the_question_is_typed(bot: BotDriver) -> None:
    trees = f"{WHERE}, chỉ tiêu (1): Trồng cây phân tán: 58.000 cây."
    for question in (
        "/hoi Chỉ tiêu trồng cây phân tán là bao nhiêu?",
        "/hoi chi tieu trong cay phan tan bao nhieu",  # no diacritics
        "/hoi chi tieu trog cay phan tan",  # a typo
    ):
        replies = await bot.send(question, AN)
        assert replies.text == trees, question
        assert replies.buttons == []

    abbreviations = {
        "/hoi chỉ tiêu BHYT là bao nhiêu": "chỉ tiêu (4): Tỷ lệ người dân tham gia bảo hiểm y tế: "
        "tối thiểu 95%.",
        "/hoi chi tieu SDD": "chỉ tiêu (11): Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng: "
        "không quá 6%.",
    }
    for question, answer in abbreviations.items():
        assert (await bot.send(question, AN)).text == f"{WHERE}, {answer}", question

    # A sub-target of a compound line, and the compound line with all its parts.
    bo = await bot.send("/hoi đàn bò bao nhiêu con", AN)
    assert bo.text == f"{WHERE}, chỉ tiêu (2) Chăn nuôi – Đàn bò: 600 con."
    compound = await bot.send("/hoi chăn nuôi", AN)
    assert compound.text == (
        f"{WHERE}, chỉ tiêu (2): Chăn nuôi, gồm:\n"
        "• Đàn lợn: 4.200 con\n• Đàn bò: 600 con\n• Gia cầm: 90.000 con"
    )
    assert await unanswered(bot) == []


async def test_duty_question_quotes_the_passage_and_its_section(bot: BotDriver) -> None:
    replies = await bot.send("/hoi ai thẩm định hồ sơ khen thưởng?", AN)
    head, quote = replies.text.split("\n", 1)
    assert head == "Theo Kế hoạch 27/KH-UBND, mục III.2 (Tổ chức thực hiện):"
    assert "Công chức Nội vụ" in quote and "thẩm định hồ sơ đề nghị khen thưởng" in quote
    assert quote.startswith("“") and quote.endswith("”")


async def test_unrelated_question_is_recorded_for_the_officer(bot: BotDriver) -> None:
    replies = await bot.send("/hoi giá vàng hôm nay?", AN)
    assert replies.text.startswith(NO_ANSWER)
    assert "/chitieu" in replies.text
    assert replies.buttons == []

    [row] = await unanswered(bot)
    assert (row.text, row.asked_by, row.chat_telegram_id) == ("giá vàng hôm nay?", AN, AN)
    assert row.plan_id == 1 and row.resolved_at is None

    await bot.send("/hoi Giá vàng hôm nay", BINH)  # the same question, typed differently
    listing = await bot.send("/cauhoi", ADMIN)
    assert "Câu hỏi bot chưa trả lời được (mới nhất trước):" in listing.text
    assert "• Giá vàng hôm nay (2 lần)" in listing.text
    assert "/tuvung them từ = nghĩa trong kế hoạch" in listing.text

    assert (await bot.send("/cauhoi", AN)).text == NOT_ADMIN_TEXT

    # What people typed is shown literally (the Bot API rejects stray HTML).
    await bot.send("/hoi giá <b>lúa</b> & ngô?", AN)
    listing = await bot.send("/cauhoi", ADMIN)
    assert "• giá <b>lúa</b> & ngô?" in listing.text
    [call] = listing.api("sendMessage")
    assert "giá &lt;b&gt;lúa&lt;/b&gt; &amp; ngô?" in call.params["text"]


async def test_cauhoi_with_nothing_to_show(bot: BotDriver) -> None:
    replies = await bot.send("/cauhoi", ADMIN)
    assert replies.text == "Chưa có câu hỏi nào bot không trả lời được."


async def test_an_added_synonym_makes_a_question_answerable(bot: BotDriver) -> None:
    question = "/hoi chỉ tiêu GTNT là bao nhiêu"
    assert (await bot.send(question, AN)).text.startswith(NO_ANSWER)

    refused = await bot.send("/tuvung them GTNT = giao thông nông thôn", AN)
    assert refused.text == NOT_ADMIN_TEXT
    assert await bot.rows(Synonym) == []

    added = await bot.send("/tuvung them GTNT = giao thông nông thôn", ADMIN)
    assert added.text == "Đã thêm: «GTNT» = «giao thông nông thôn»."
    [synonym] = await bot.rows(Synonym)
    assert (synonym.expansion, synonym.added_by) == ("giao thông nông thôn", ADMIN)

    answer = await bot.send(question, AN)
    assert answer.text == f"{WHERE}, chỉ tiêu (6): Làm mới đường giao thông nông thôn: 12 km."
    listing = await bot.send("/tuvung", ADMIN)
    assert "• gtnt = giao thông nông thôn" in listing.text

    assert (await bot.send("/tuvung xoa gtnt", ADMIN)).text == "Đã xóa."
    assert (await bot.send(question, AN)).text.startswith(NO_ANSWER)
    assert (await bot.send("/tuvung xoa gtnt", ADMIN)).text == "Không có từ «gtnt»."
    assert "Cách dùng" in (await bot.send("/tuvung them GTNT", ADMIN)).text


async def test_a_close_call_offers_choices(bot: BotDriver) -> None:
    replies = await bot.send("/hoi tỷ lệ là bao nhiêu", AN)
    assert "Có phải anh/chị muốn hỏi:" in replies.text
    labels = replies.labels()
    assert labels[-1] == "Không phải"
    assert "1. Chỉ tiêu (7) Tỷ lệ hộ nghèo" in labels
    assert "2. Chỉ tiêu (4) Tỷ lệ người dân tham gia bảo hiểm y tế" in labels
    assert not await unanswered(bot)  # a close call is not a failure (yet)

    chosen = await bot.press(replies.button("Tỷ lệ hộ nghèo"), AN, on=replies.messages[0])
    assert chosen.text == f"{WHERE}, chỉ tiêu (7): Tỷ lệ hộ nghèo: không quá 1,5%."
    [removed] = chosen.api("editMessageReplyMarkup")  # the choices cannot be pressed twice
    assert removed.params["message_id"] == replies.messages[0].message_id


async def test_none_of_the_choices_records_the_question(bot: BotDriver) -> None:
    replies = await bot.send("tỷ lệ bao nhiêu", AN)  # a private question, without /hoi
    pressed = await bot.press(replies.button("Không phải"), AN, on=replies.messages[0])
    assert pressed.text.startswith("Xin lỗi vì chưa hiểu đúng. Câu hỏi đã được ghi lại")
    [row] = await unanswered(bot)
    assert (row.text, row.asked_by) == ("tỷ lệ bao nhiêu", AN)

    # Pressed again (or from a stale keyboard): nothing more is recorded, and none is claimed.
    again = await bot.press(replies.button("Không phải"), AN, on=replies.messages[0])
    assert "đã được ghi lại" not in again.text
    assert len(await unanswered(bot)) == 1


async def test_none_of_the_choices_survives_a_restart(
    settings: Settings, database: Database
) -> None:
    """The question "Không phải" records is in the database, not in the process's memory."""
    async with running_bot(settings, database) as first:
        await first.load_plan()
        replies = await first.send("tỷ lệ bao nhiêu", AN)
        button = replies.button("Không phải")
        shown = replies.messages[0]
    async with running_bot(settings, database) as second:
        pressed = await second.press(button, AN, on=shown)
        assert pressed.text.startswith("Xin lỗi vì chưa hiểu đúng. Câu hỏi đã được ghi lại")
        assert [row.text for row in await unanswered(second)] == ["tỷ lệ bao nhiêu"]


async def test_chitieu_pages_with_buttons(bot: BotDriver) -> None:
    first = await bot.send("/chitieu", AN)
    text = first.text
    assert text.startswith("Chỉ tiêu thi đua — Kế hoạch 27/KH-UBND (trang 1/2)")
    assert "(1) Trồng cây phân tán: 58.000 cây" in text
    assert "(2) Chăn nuôi:\n    – (2.1) Đàn lợn: 4.200 con" in text
    assert "(12) Xây mới nhà văn hóa thôn: 2 nhà" in text
    assert "(13)" not in text
    assert first.buttons == [("Sau ▶", "ct:1")]

    second = await bot.press("ct:1", AN, on=first.messages[0])
    [edit] = second.api("editMessageText")
    assert edit.params["message_id"] == first.messages[0].message_id
    assert "(trang 2/2)" in edit.params["text"]
    assert "(13) Thu nhập bình quân đầu người: 60 triệu đồng/người/năm" in edit.params["text"]
    assert "(1) Trồng cây" not in edit.params["text"]
    keyboard = edit.params["reply_markup"]["inline_keyboard"]
    assert [(b["text"], b["callback_data"]) for row in keyboard for b in row] == [
        ("◀ Trước", "ct:0")
    ]
    assert second.messages == ()  # the page is edited in place, not sent again


async def test_private_plain_text_is_answered_but_group_chatter_is_not(bot: BotDriver) -> None:
    private = await bot.send("chỉ tiêu đàn bò bao nhiêu con?", AN)
    assert private.text == f"{WHERE}, chỉ tiêu (2) Chăn nuôi – Đàn bò: 600 con."

    for chat_id in (GROUP, -100555):  # a group bound to a unit, and one that is not
        if chat_id == GROUP:
            await bot.bind_group(GROUP, "Thôn 1")
        quiet = await bot.send("chỉ tiêu đàn bò bao nhiêu con?", BINH, chat_id=chat_id)
        assert quiet.calls == (), chat_id
    assert await unanswered(bot) == []

    # /hoi still works in a group, as a reply to the asker's message.
    asked = bot.message("/hoi chỉ tiêu đàn bò bao nhiêu con?", BINH, chat_id=GROUP)
    replies = await bot.process(asked)
    assert replies.text == f"{WHERE}, chỉ tiêu (2) Chăn nuôi – Đàn bò: 600 con."
    [call] = replies.api("sendMessage")
    assert call.params["chat_id"] == GROUP
    assert asked.message is not None
    assert call.params["reply_parameters"]["message_id"] == asked.message.message_id


async def test_choices_belong_to_their_question_and_their_plan(bot: BotDriver) -> None:
    first = await bot.send("tỷ lệ bao nhiêu", AN)
    await bot.send("chăn nuôi bao nhiêu", AN)  # another question asked in between
    await bot.press(first.button("Không phải"), AN, on=first.messages[0])
    assert [row.text for row in await unanswered(bot)] == ["tỷ lệ bao nhiêu"]

    later = await bot.send("tỷ lệ bao nhiêu", AN)
    await bot.load_plan(OTHER_PLAN_FILE)
    await bot.choose_plan("2")
    stale = await bot.press(later.button("Tỷ lệ hộ nghèo"), AN, on=later.messages[0])
    assert stale.text == "Kế hoạch đang dùng đã thay đổi; anh/chị vui lòng hỏi lại."


async def test_a_question_put_to_the_bot_in_a_group_is_answered(bot: BotDriver) -> None:
    await bot.bind_group(GROUP, "Thôn 1")
    name = bot.app.bot.username
    mentioned = await bot.send(f"@{name} chỉ tiêu đàn bò bao nhiêu con?", BINH, chat_id=GROUP)
    assert mentioned.text == f"{WHERE}, chỉ tiêu (2) Chăn nuôi – Đàn bò: 600 con."
    chatter = await bot.send(f"@{name} cảm ơn nhé", BINH, chat_id=GROUP)  # not a question
    assert chatter.calls == ()


@pytest.mark.parametrize("text", ["xin chào", "Cảm ơn bot nhé!", "ok", "👍"])
async def test_small_talk_gets_a_polite_word_and_is_not_logged(bot: BotDriver, text: str) -> None:
    replies = await bot.send(text, AN)
    assert replies.text.startswith("Dạ. Anh/chị cần hỏi gì về kế hoạch")
    assert await unanswered(bot) == []


async def test_chitieu_opens_the_page_asked_for(bot: BotDriver) -> None:
    second = await bot.send("/chitieu 2", AN)
    assert "(trang 2/2)" in second.text and "(13)" in second.text
    assert "(trang 2/2)" in (await bot.send("/chitieu 9", AN)).text  # past the end: the last


async def test_a_deadline_the_plan_sets_is_answered_from_the_plan(bot: BotDriver) -> None:
    replies = await bot.send("hạn nộp báo cáo 6 tháng là khi nào?", AN)
    assert replies.text.startswith("Theo Kế hoạch 27/KH-UBND, mục III.1:")
    assert "gửi báo cáo 6 tháng trước ngày 14/6/2025" in replies.text
    assert "Báo cáo sơ kết 6 tháng: hạn 14/06/2025." in replies.text
    assert await unanswered(bot) == []


async def test_a_deadline_the_plan_does_not_set_is_left_to_the_calendar_or_the_plan(
    bot: BotDriver,
) -> None:
    replies = await bot.send("hạn nộp hồ sơ khen thưởng là khi nào?", AN)
    assert not replies.text.startswith("📅")  # the calendar holds reports only
    polite = await bot.send("Dạ vâng", AN)
    assert polite.text.startswith("Dạ. Anh/chị cần hỏi gì")


async def test_a_question_too_long_is_refused_plainly(bot: BotDriver) -> None:
    replies = await bot.send("/hoi " + "chỉ tiêu trồng cây " * 80, AN)
    assert replies.text.startswith("Câu hỏi dài quá 1.000 ký tự.")


# ---------------------------------------------------------------- trustworthy answers (issue 13)

DUTIES = "Theo Kế hoạch 27/KH-UBND, mục III."


@pytest.mark.parametrize(
    ("question", "section", "named"),
    [
        ("Công chức Nội vụ có nhiệm vụ gì?", "III.2", "Công chức Nội vụ"),
        ("nhiệm vụ của công chức nội vụ là gì", "III.2", "Công chức Nội vụ"),
        ("cong chuc noi vu lam gi", "III.2", "Công chức Nội vụ"),
        ("Công chức Văn phòng - Thống kê phụ trách gì?", "III.1", "Công chức Văn phòng"),
        ("trách nhiệm của trưởng các thôn", "III.3", "Trưởng các thôn"),
        ("Trưởng thôn phải làm gì ạ", "III.3", "Trưởng các thôn"),
    ],
)
async def test_a_duty_question_quotes_the_passage_naming_the_office(
    bot: BotDriver, question: str, section: str, named: str
) -> None:
    replies = await bot.send(question, AN)
    head, quote = replies.text.split("\n", 1)
    assert head == f"Theo Kế hoạch 27/KH-UBND, mục {section} (Tổ chức thực hiện):", question
    assert quote.startswith(f"“{named}"), (question, quote)
    assert replies.buttons == []


@pytest.mark.parametrize(
    "question",
    ["công an xã làm gì", "Hội Phụ nữ có nhiệm vụ gì?", "trách nhiệm của Đoàn thanh niên"],
)
async def test_an_office_the_plan_gives_no_duty_is_told_so_with_those_it_does(
    bot: BotDriver, question: str
) -> None:
    replies = await bot.send(question, AN)
    first, *rest = replies.text.split("\n")
    assert first.startswith("Kế hoạch 27/KH-UBND không giao nhiệm vụ riêng cho «"), question
    assert rest[0] == "Phần «Tổ chức thực hiện» (mục III) giao nhiệm vụ cho:"
    assert rest[1].startswith("• mục III.1: Công chức Văn phòng - Thống kê")
    assert replies.buttons == []


@pytest.mark.parametrize(
    "question",
    [
        "ngân sách dành cho khen thưởng năm nay bao nhiêu?",
        "kinh phí khen thưởng là bao nhiêu",
        "chi cho cong tac khen thuong bao nhieu tien",
    ],
)
async def test_a_figure_is_given_only_for_what_is_asked(bot: BotDriver, question: str) -> None:
    replies = await bot.send(question, AN)
    assert "8,5 tỷ" not in replies.text, question
    assert replies.text.startswith("Kế hoạch 27/KH-UBND không có"), (question, replies.text)
    assert replies.buttons == []
    assert [row.text for row in await unanswered(bot)] == [question]  # kept for the officer
    # The budget target itself is still given when it is what is asked.
    revenue = await bot.send("chỉ tiêu thu ngân sách bao nhiêu", AN)
    assert revenue.text.endswith("Thu ngân sách nhà nước trên địa bàn: 8,5 tỷ đồng.")


@pytest.mark.parametrize(
    "question",
    ["ai ký kế hoạch", "người ký kế hoạch là ai?", "kế hoạch do ai ký", "ai ki ke hoach"],
)
async def test_who_signed_is_read_from_the_signature_block(bot: BotDriver, question: str) -> None:
    replies = await bot.send(question, AN)
    assert replies.text.startswith("Người ký Kế hoạch 27/KH-UBND: Nguyễn Văn Hòa, Chủ tịch."), (
        question,
        replies.text,
    )
    assert replies.buttons == []


async def test_a_plan_without_a_signature_says_it_plainly(
    settings: Settings, database: Database
) -> None:
    async with running_bot(settings, database) as bare:
        await bare.load_plan(OTHER_PLAN_FILE)
        replies = await bare.send("ai ký kế hoạch?", AN)
        assert "không có phần chữ ký đọc được, nên bot không biết ai ký" in replies.text
        assert replies.buttons == []
        # "kỳ" (a period) typed with its marks is no signature.
        assert "chữ ký" not in (await bare.send("kỳ báo cáo này ai tổng hợp?", AN)).text


THEMED_PLAN = """ỦY BAN NHÂN DÂN XÃ HƯNG LONG

Số: 9/KH-UBND

Hưng Long, ngày 10 tháng 02 năm 2026

## KẾ HOẠCH

### Phát động thi đua năm 2026

Căn cứ nghị quyết của Hội đồng nhân dân xã về nhiệm vụ phát triển kinh tế - xã hội năm 2026, \
căn cứ chương trình công tác của Ủy ban nhân dân xã, căn cứ kết quả bình xét thi đua năm \
2025 của các thôn, cơ quan, trường học và các đoàn thể, sau khi lấy ý kiến của Mặt trận Tổ \
quốc và các đoàn thể chính trị - xã hội, Ủy ban nhân dân xã Hưng Long ban hành kế hoạch phát \
động phong trào thi đua năm 2026 trên toàn địa bàn xã, tới từng thôn, từng hộ gia đình, với \
chủ đề: “Đoàn kết, kỷ cương. Chủ động, sáng tạo. Về đích sớm các chỉ tiêu nông thôn mới \
kiểu mẫu”.

## I. CHỈ TIÊU THI ĐUA

- (1) Trồng cây phân tán: 20.000 cây;
- (2) Tỷ lệ người dân tham gia bảo hiểm y tế: 96%.
"""


async def test_a_quote_reaches_what_it_announces(bot: BotDriver, tmp_path: Path) -> None:
    path = tmp_path / "ke_hoach_hung_long.md"
    path.write_text(THEMED_PLAN, encoding="utf-8")
    await bot.load_plan(path)
    await bot.choose_plan("2")
    for question in ("chủ đề năm 2026 là gì", "chu de phong trao thi dua la gi"):
        replies = await bot.send(question, AN)
        assert "Về đích sớm các chỉ tiêu nông thôn mới kiểu mẫu”" in replies.text, replies.text
        quote = replies.text.split("\n", 1)[1]
        # Cut on a clause boundary, never inside a word.
        assert quote.startswith("“… ") or quote.startswith("“Căn cứ"), quote


@pytest.mark.parametrize(
    "question", ["chỉ tiu bhyt", "chi teu bao hiem y te", "chitieu BHYT", "ch tieu bhyt"]
)
async def test_a_mistyped_chi_tieu_still_finds_the_target(bot: BotDriver, question: str) -> None:
    replies = await bot.send(question, AN)
    assert replies.text == (
        f"{WHERE}, chỉ tiêu (4): Tỷ lệ người dân tham gia bảo hiểm y tế: tối thiểu 95%."
    ), question


@pytest.mark.parametrize(
    ("question", "number"),
    [("chỉ tiêu số 20", "20"), ("chi tieu so 15", "15"), ("chỉ tiêu (30) là gì?", "30")],
)
async def test_a_target_number_past_the_end_says_how_many_there_are(
    bot: BotDriver, question: str, number: str
) -> None:
    replies = await bot.send(question, AN)
    assert replies.text == (
        f"Kế hoạch 27/KH-UBND không có chỉ tiêu số {number}: kế hoạch có 14 chỉ tiêu, đánh số "
        "(1) đến (14). Gõ /chitieu để xem danh sách, hoặc hỏi theo số, ví dụ «chỉ tiêu số 14»."
    )
    assert await unanswered(bot) == []  # nothing for the officer to add


async def test_quotes_and_choices_from_an_ocr_plan_are_restored(
    settings: Settings, database: Database
) -> None:
    async with running_bot(settings, database) as ocr:
        await ocr.load_plan(PLANS_DIR / "ke_hoach_ocr_xa_binh_an.txt")
        replies = await ocr.send("công chức nội vụ có nhiệm vụ gì?", AN)
        assert "Hội đồng Thi đua - Khen thưởng" in replies.text, replies.text
        assert "Hoi dong Thi dua" not in replies.text
        assert replies.text.endswith(
            "(Kế hoạch là bản scan: bot đã khôi phục dấu tiếng Việt, nên đối chiếu bản gốc.)"
        )
        # Choice buttons quote the restored text too.
        choices = await ocr.send("thi đua thế nào", AN)
        assert "2. Mục I.1: Động viên cán bộ, đảng viên và Nhân dân thi đua…" in choices.labels()
        assert not any("Dong vién" in label for label in choices.labels())
