"""/donvi, /thamgia, /roi and /quantri through ``Application.process_update``, against the
in-process Bot API simulator (which rejects malformed HTML like Telegram does)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from telegram import Update

import handlers.admins
import handlers.units
from bot.app import FEATURES, BotApplication, build_application
from bot.clock import ManualClock
from bot.config import Settings
from storage import units, users
from storage.db import Database
from storage.models import AuditEntry, Role
from tests.support.recording_request import RecordingRequest
from tests.support.updates import (
    chat_dict,
    make_callback_update,
    make_edited_message_update,
    make_message_update,
    message_dict,
    next_update_id,
    user_dict,
)

NOW = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
ADMIN = 1  # ADMIN_IDS in the settings fixture
AN, BINH = 2001, 2002
GROUP = -1001234567890
NAMES = {ADMIN: "Lê Văn Quản", AN: "Nguyễn Văn An", BINH: "Trần Thị Bình"}
CODE_RE = re.compile(rf"[{units.CODE_ALPHABET}]{{{units.CODE_LENGTH}}}")


@dataclass
class Bot:
    """The application under test, its recorded Bot API and its clock."""

    app: BotApplication
    request: RecordingRequest
    clock: ManualClock
    db: Database

    async def send(
        self,
        text: str,
        user_id: int,
        *,
        chat_id: int | None = None,
    ) -> str:
        """Process one message; the bot's answers as users see them, joined."""
        self.request.clear()
        update = make_message_update(
            self.app.bot, text, user_id=user_id, chat_id=chat_id, first_name=NAMES[user_id]
        )
        await self.app.process_update(update)
        return "\n".join(self.request.sent_texts())

    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of the buttons under the answers to the last update."""
        found = []
        for message in self.request.sent_messages():
            keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or []
            found += [(str(b["text"]), str(b["callback_data"])) for row in keyboard for b in row]
        return found

    async def press(self, label: str, user_id: int = ADMIN) -> str:
        """Press the button labelled *label* under the last answers; the bot's reply."""
        [data] = [d for text, d in self.buttons() if text == label]
        self.request.clear()
        update = make_callback_update(
            self.app.bot, data, user_id=user_id, first_name=NAMES[user_id]
        )
        await self.app.process_update(update)
        return "\n".join(self.request.sent_texts())

    def sent_html(self) -> str:
        """The raw HTML of the answers to the last message."""
        return "\n".join(str(c.params["text"]) for c in self.request.calls("sendMessage"))

    async def new_code(self, unit_name: str) -> str:
        answer = await self.send(f"/donvi ma {unit_name}", ADMIN)
        found = CODE_RE.search(answer)
        assert found is not None, answer
        return found.group(0)

    async def audit_actions(self) -> list[str]:
        async with self.db.session() as s:
            return list(await s.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
async def bot(settings: Settings, database: Database) -> AsyncIterator[Bot]:
    request, updates_request = RecordingRequest.pair()
    clock = ManualClock(NOW)
    app = build_application(
        settings, db=database, clock=clock, request=request, get_updates_request=updates_request
    )
    for feature in (handlers.units, handlers.admins):
        if feature not in FEATURES:  # until the composition root registers them
            app.add_handlers(feature.handlers())
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)  # syncs ADMIN_IDS into the users table
    try:
        yield Bot(app, request, clock, database)
    finally:
        await app.shutdown()


async def test_non_admins_are_refused(bot: Bot) -> None:
    for command in ("/donvi", "/donvi them Thôn 1", "/donvi ma Thôn 1", "/quantri them 2001"):
        answer = await bot.send(command, AN)
        assert "chỉ dành cho quản trị viên" in answer
    async with bot.db.session() as s:
        assert await units.list_units(s) == []
        assert not await users.is_admin(s, AN)


async def test_admin_creates_a_unit_and_a_member_joins(bot: Bot) -> None:
    answer = await bot.send("/donvi them Thôn 1", ADMIN)
    assert "Đã tạo đơn vị Thôn 1" in answer

    answer = await bot.send("/donvi ma thon 1", ADMIN)
    code = CODE_RE.search(answer)
    assert code is not None
    assert "đến 15/06/2025 lúc 08:00" in answer  # 14 days, shown in local time

    answer = await bot.send(f"/thamgia {code.group(0).lower()}", AN)
    assert "Chào mừng anh/chị đến với Thôn 1" in answer
    assert "đã là thành viên" in await bot.send(f"/thamgia {code.group(0)}", AN)

    answer = await bot.send("/donvi", ADMIN)
    assert "1. Thôn 1 — 1 thành viên, chưa gắn nhóm" in answer
    assert "Nguyễn Văn An" in await bot.send("/donvi thôn 1", ADMIN)

    async with bot.db.session() as s:
        unit = await units.unit_of_user(s, AN)
        assert unit is not None and unit.name == "Thôn 1"
        join = await s.scalar(select(AuditEntry).where(AuditEntry.action == "unit.join"))
    assert join is not None
    assert (join.actor_telegram_id, join.chat_telegram_id) == (AN, AN)
    assert join.message_id is not None and join.detail["unit"] == "Thôn 1"
    assert await bot.audit_actions() == ["unit.create", "invite.create", "unit.join"]


async def test_several_units_at_once_and_duplicates(bot: Bot) -> None:
    answer = await bot.send("/donvi them Thôn 1\nThôn 2\nthon 1", ADMIN)
    assert "Đã tạo 2 đơn vị" in answer
    assert "Tên «thon 1» trùng với đơn vị «Thôn 1» đã có" in answer
    assert "trùng với đơn vị «Thôn 2»" in await bot.send("/donvi them THÔN 2", ADMIN)


async def test_renaming_onto_an_existing_name_says_so_plainly(bot: Bot) -> None:
    await bot.send("/donvi them Thôn A\nThôn B", ADMIN)
    answer = await bot.send("/donvi doiten Thôn A | Thôn B", ADMIN)
    assert "Đã có đơn vị «Thôn B»; hãy chọn tên khác." in answer
    assert "trùng tên với «Thôn B»" not in answer


@pytest.mark.parametrize("typed", ["Thôn A | Thôn A", "thon a | Thôn A", "Thôn A |  «Thôn A» "])
async def test_renaming_to_the_same_name_changes_nothing(bot: Bot, typed: str) -> None:
    await bot.send("/donvi them Thôn A", ADMIN)
    answer = await bot.send(f"/donvi doiten {typed}", ADMIN)
    assert answer == "Đơn vị đã có tên Thôn A; không thay đổi gì."
    assert "unit.rename" not in await bot.audit_actions()
    # Changing only the case or the marks is a real change, and is made.
    assert "Đã đổi tên đơn vị Thôn A thành THÔN A" in await bot.send(
        "/donvi doiten Thôn A | THÔN A", ADMIN
    )


async def test_renaming_needs_the_exact_name(bot: Bot) -> None:
    await bot.send("/donvi them Thôn Đông Hòa", ADMIN)
    answer = await bot.send("/donvi doiten Thon Dong Hoaa | Thôn Mới", ADMIN)
    assert "Không tìm thấy đơn vị «Thon Dong Hoaa»" in answer
    assert "Thôn Mới" not in await bot.send("/donvi", ADMIN)


async def test_group_binding(bot: Bot) -> None:
    await bot.send("/donvi them Thôn 1\nThôn 2", ADMIN)
    first, second = await bot.new_code("Thôn 1"), await bot.new_code("Thôn 2")

    answer = await bot.send(f"/thamgia {first}", AN, chat_id=GROUP)
    assert "Đã gắn nhóm này với đơn vị Thôn 1" in answer
    # The fake getMe says privacy mode is on: plain reports would never reach the bot.
    assert "chế độ riêng tư" in answer and "/setprivacy" in answer
    async with bot.db.session() as s:
        # Everyone in the group reports for the group's unit, members or not.
        unit = await units.reporting_unit(
            s, user_telegram_id=BINH, chat_telegram_id=GROUP, chat_type="supergroup"
        )
        assert unit is not None and unit.name == "Thôn 1"
        assert await units.unit_of_user(s, AN) is None  # binding a group is not joining
    assert "1. Thôn 1 — chưa có thành viên, đã gắn 1 nhóm" in await bot.send("/donvi", ADMIN)

    # Only an admin may move a bound group to another unit.
    answer = await bot.send(f"/thamgia {second}", BINH, chat_id=GROUP)
    assert "đang gắn với đơn vị Thôn 1" in answer
    assert "Thôn 2" in await bot.send(f"/thamgia {second}", ADMIN, chat_id=GROUP)

    # Only an admin may unbind it.
    assert "Chỉ quản trị viên" in await bot.send("/roi", AN, chat_id=GROUP)
    assert "Đã gỡ nhóm này khỏi đơn vị Thôn 2" in await bot.send("/roi", ADMIN, chat_id=GROUP)
    assert "chưa gắn với đơn vị nào" in await bot.send("/roi", ADMIN, chat_id=GROUP)
    async with bot.db.session() as s:
        assert await units.unit_of_chat(s, GROUP) is None
    assert (await bot.audit_actions())[-3:] == ["chat.bind", "chat.bind", "chat.unbind"]


async def test_moving_and_leaving(bot: Bot) -> None:
    await bot.send("/donvi them Thôn 1\nThôn 2", ADMIN)
    first, second = await bot.new_code("Thôn 1"), await bot.new_code("Thôn 2")

    await bot.send(f"/thamgia {first}", AN)
    answer = await bot.send(f"/thamgia {second}", AN)
    assert "đã chuyển từ Thôn 1 sang Thôn 2" in answer
    async with bot.db.session() as s:
        unit = await units.unit_of_user(s, AN)
        assert unit is not None and unit.name == "Thôn 2"
        assert await units.member_counts(s) == {unit.id: 1}

    assert "đã rời đơn vị Thôn 2" in await bot.send("/roi", AN)
    assert "chưa thuộc đơn vị nào" in await bot.send("/roi", AN)
    async with bot.db.session() as s:
        assert await units.unit_of_user(s, AN) is None
    assert (await bot.audit_actions())[-3:] == ["unit.join", "unit.move", "unit.leave"]


async def test_bad_expired_and_revoked_codes(bot: Bot) -> None:
    assert "/thamgia MÃ" in await bot.send("/thamgia", AN)
    assert "Mã tham gia «ZZZZ» không đúng" in await bot.send("/thamgia zzzz", AN)

    await bot.send("/donvi them Thôn 1", ADMIN)
    short = CODE_RE.search(await bot.send("/donvi ma Thôn 1 2", ADMIN))
    assert short is not None
    bot.clock.advance(timedelta(days=2))
    assert "đã hết hạn" in await bot.send(f"/thamgia {short.group(0)}", AN)

    code = await bot.new_code("Thôn 1")
    assert "Đã hủy mã" in await bot.send(f"/donvi huyma {code.lower()}", ADMIN)
    assert "đã bị hủy từ trước" in await bot.send(f"/donvi huyma {code}", ADMIN)
    assert "đã bị hủy" in await bot.send(f"/thamgia {code}", AN)
    assert "đã bị hủy" in await bot.send(f"/thamgia {code}", BINH, chat_id=GROUP)
    async with bot.db.session() as s:
        assert await units.unit_of_user(s, AN) is None
        assert await units.unit_of_chat(s, GROUP) is None


async def test_wrong_codes_are_throttled_per_user_and_logged_without_the_code(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.send("/donvi them Thôn 1", ADMIN)
    code = await bot.new_code("Thôn 1")
    for i in range(units.MAX_INVITE_FAILURES):
        assert "không đúng" in await bot.send(f"/thamgia WRONG{i}", AN)
    answer = await bot.send(f"/thamgia {code}", AN)  # even the right code waits now
    assert "nhập sai mã tham gia 5 lần" in answer and "10 phút" in answer
    async with bot.db.session() as s:
        assert await units.unit_of_user(s, AN) is None
    # Another user is not held back by AN's mistakes.
    assert "Chào mừng" in await bot.send(f"/thamgia {code}", BINH)
    refused = [r.getMessage() for r in caplog.records if "/thamgia refused" in r.getMessage()]
    assert len(refused) == units.MAX_INVITE_FAILURES
    assert all("WRONG" not in line for line in refused)
    async with bot.db.session() as s:
        details = list(
            await s.scalars(
                select(AuditEntry.detail).where(AuditEntry.action == units.INVITE_FAILURE_ACTION)
            )
        )
    assert len(details) == units.MAX_INVITE_FAILURES
    assert all("WRONG" not in str(d) for d in details)
    bot.clock.advance(units.INVITE_FAILURE_WINDOW)
    assert "Chào mừng" in await bot.send(f"/thamgia {code}", AN)


async def test_rename_and_delete(bot: Bot) -> None:
    await bot.send("/donvi them Thôn 1", ADMIN)
    code = await bot.new_code("Thôn 1")
    await bot.send(f"/thamgia {code}", AN)

    answer = await bot.send("/donvi doiten thon 1 | Thôn Đông", ADMIN)
    assert "Đã đổi tên đơn vị Thôn 1 thành Thôn Đông" in answer
    assert "Cách dùng" in await bot.send("/donvi doiten Thôn Đông", ADMIN)

    # A deletion never acts on a fuzzy guess.
    answer = await bot.send("/donvi xoa thon dng", ADMIN)
    assert "Có phải: Thôn Đông?" in answer
    # A deletion says what it changes and waits for the button.
    asked = await bot.send("/donvi xoa thôn đông", ADMIN)
    assert asked == (
        "Xóa đơn vị Thôn Đông?\n"
        "• 1 thành viên rời đơn vị, gỡ 0 nhóm chat, hủy 1 mã tham gia còn hiệu lực;\n"
        "• 0 số liệu đơn vị đã báo cáo vẫn được giữ trong lịch sử, nhưng đơn vị không còn "
        "trong /tonghop và báo cáo xuất ra."
    )
    assert [label for label, _ in bot.buttons()] == ["Xóa đơn vị", "Thôi, giữ nguyên"]
    assert all(len(data.encode()) <= 64 for _, data in bot.buttons())
    assert await bot.press("Thôi, giữ nguyên") == "Đã hủy; đơn vị giữ nguyên."
    assert "Thôn Đông — 1 thành viên" in await bot.send("/donvi", ADMIN)
    await bot.send("/donvi xoa thôn đông", ADMIN)
    assert "chỉ dành cho quản trị viên" in await bot.press("Xóa đơn vị", AN)
    await bot.send("/donvi xoa thôn đông", ADMIN)
    answer = await bot.press("Xóa đơn vị")
    assert "Đã xóa đơn vị Thôn Đông: 1 thành viên rời đơn vị" in answer
    assert "hủy 1 mã" in answer
    assert "Chưa có đơn vị nào" in await bot.send("/donvi", ADMIN)
    async with bot.db.session() as s:
        assert await units.unit_of_user(s, AN) is None


async def test_unit_names_are_escaped(bot: Bot) -> None:
    name = "<b>Tổ</b> & <i>1"
    answer = await bot.send(f"/donvi them {name}", ADMIN)
    assert f"Đã tạo đơn vị {name}" in answer  # shown literally, not as markup
    assert "&lt;b&gt;Tổ&lt;/b&gt; &amp; &lt;i&gt;1" in bot.sent_html()

    code = await bot.new_code(name)
    assert name in await bot.send(f"/thamgia {code}", AN)
    assert name in await bot.send("/donvi", ADMIN)
    assert "Không tìm thấy đơn vị «<script>»" in await bot.send("/donvi xoa <script>", ADMIN)
    assert "đã có từ trước" in await bot.send(f"/donvi them {name}", ADMIN)


@pytest.mark.parametrize("command", ["/donvi them Thôn 9", "/thamgia ABCDEFG", "/roi", "/quantri"])
async def test_an_edited_command_is_not_run_again(bot: Bot, command: str) -> None:
    # Editing "/donvi them …" must not create a second unit, so only new messages match.
    edited = make_edited_message_update(bot.app.bot, command, message_id=7, user_id=ADMIN)
    fresh = make_message_update(bot.app.bot, command, user_id=ADMIN)
    for feature in (handlers.units, handlers.admins):
        for handler in feature.handlers():
            assert not handler.check_update(edited)
    matched = [
        h for f in (handlers.units, handlers.admins) for h in f.handlers() if h.check_update(fresh)
    ]
    assert len(matched) == 1


async def test_promote_and_demote_admins(bot: Bot) -> None:
    assert "Bot chưa biết người dùng" in await bot.send(f"/quantri them {AN}", ADMIN)
    await bot.send("/start", AN)  # now the bot knows An

    assert "Đã cấp quyền quản trị viên cho Nguyễn Văn An" in await bot.send(
        f"/quantri them {AN}", ADMIN
    )
    assert "đã là quản trị viên" in await bot.send(f"/quantri them {AN}", ADMIN)
    assert "Đã tạo đơn vị" in await bot.send("/donvi them Thôn 1", AN)  # now allowed

    listing = await bot.send("/quantri", AN)
    assert "Quản trị viên (2)" in listing and "khai báo trong ADMIN_IDS" in listing

    assert "không gỡ quyền bằng lệnh được" in await bot.send(f"/quantri bo {ADMIN}", AN)
    assert bot.buttons() == []
    asked = await bot.send(f"/quantri bo {AN}", ADMIN)  # says what changes, asks first
    assert asked.startswith("Gỡ quyền quản trị viên của Nguyễn Văn An")
    assert f"cấp lại bằng /quantri them {AN}" in asked
    assert await bot.press("Thôi, giữ nguyên") == "Đã hủy; quyền quản trị viên giữ nguyên."
    assert "Quản trị viên (2)" in await bot.send("/quantri", AN)
    await bot.send(f"/quantri bo {AN}", ADMIN)
    assert "Đã gỡ quyền quản trị viên" in await bot.press("Gỡ quyền")
    assert "không phải quản trị viên" in await bot.send(f"/quantri bo {AN}", ADMIN)
    assert "chỉ dành cho quản trị viên" in await bot.send("/donvi", AN)
    assert "không phải id Telegram" in await bot.send("/quantri them abc", ADMIN)
    async with bot.db.session() as s:
        user = await users.get_user(s, AN)
        assert user is not None and user.role == Role.USER
    admin_actions = [a for a in await bot.audit_actions() if a.startswith("admin.")]
    assert admin_actions == ["admin.promote", "admin.demote"]


async def test_a_group_upgraded_to_a_supergroup_keeps_its_unit(bot: Bot) -> None:
    await bot.send("/donvi them Thôn 1", ADMIN)
    old_group, new_group = -4001, -1009876543210
    await bot.send(f"/thamgia {await bot.new_code('Thôn 1')}", AN, chat_id=old_group)
    chat = chat_dict(old_group, chat_type="group", title="Thôn 1")
    notice = message_dict(chat, user_dict(AN), 99) | {"migrate_to_chat_id": new_group}
    for _twice in range(2):  # Telegram tells both chats; the move is idempotent
        update = Update.de_json({"update_id": next_update_id(), "message": notice}, bot.app.bot)
        await bot.app.process_update(update)
    async with bot.db.session() as s:
        moved = await units.unit_of_chat(s, new_group)
        assert moved is not None and moved.name == "Thôn 1"
        assert await units.unit_of_chat(s, old_group) is None
    assert "chat.migrate" in await bot.audit_actions()


async def test_long_lists_page_within_telegrams_limit(bot: Bot) -> None:
    names = [f"Tổ dân phố số {n} khu dân cư phía đông bờ sông Trà Khúc" for n in range(90)]
    await bot.send("/donvi them " + "\n".join(names), ADMIN)
    for command in ("/donvi", "/tiendo", "/tiendo Tổ dân phố", "/kehoach chon 9"):
        await bot.send(command, ADMIN)
        texts = [str(m["text"]) for m in bot.request.sent_messages()]
        assert texts, command
        assert all(len(text) <= 4096 for text in texts), command
    await bot.send("/donvi", ADMIN)
    listed = "\n".join(bot.request.sent_texts())
    assert all(name in listed for name in names)  # paged, nothing dropped


@pytest.mark.parametrize("typed", ["Hoi Nong dna", "Hội Nông", "Nông dân", "Thôn"])
async def test_a_code_or_the_commune_reporter_is_never_given_to_a_guessed_unit(
    bot: Bot, typed: str
) -> None:
    await bot.send("/donvi them Hội Nông dân xã\nThôn 1", ADMIN)
    for command in (f"/donvi ma {typed}", f"/donvi ma {typed} 30", f"/sochung {typed}"):
        answer = await bot.send(command, ADMIN)
        assert answer.startswith(f"Không tìm thấy đơn vị «{typed}"), answer
        assert CODE_RE.search(answer) is None
    assert [a for a in await bot.audit_actions() if a.startswith(("invite.", "commune"))] == []
    assert "Mã tham gia của Hội Nông dân xã" in await bot.send("/donvi ma hoi nong dan xa", ADMIN)


async def test_a_confirmation_is_answered_only_by_who_asked(bot: Bot) -> None:
    await bot.send("/start", AN)
    await bot.send(f"/quantri them {AN}", ADMIN)  # two admins
    await bot.send("/donvi them Thôn 1", ADMIN)
    await bot.send("/donvi xoa Thôn 1", ADMIN)
    answer = await bot.press("Xóa đơn vị", AN)  # another admin's press changes nothing
    assert answer == (
        "Nút này đã được dùng, hết hiệu lực hoặc không dành cho anh/chị; không thay đổi gì."
    )
    assert "Thôn 1 — chưa có thành viên" in await bot.send("/donvi", ADMIN)
    assert "unit.delete" not in await bot.audit_actions()
