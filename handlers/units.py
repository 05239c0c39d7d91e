"""/donvi (admins manage units and invite codes), /thamgia (join a unit or bind a group)
and /roi (leave a unit, or unbind a group).

Every change is written to the audit log in the same transaction, with the actor, chat and
message it came from. Names typed by people are HTML-escaped before they reach a reply.
"""

from __future__ import annotations

import html
import logging
import math
from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, MessageHandler, filters

from bot import callbacks
from bot import units as use
from bot.audit import Origin
from bot.callbacks import UnitDeletePress, UnitDeletion
from bot.commands import Audience, Command
from bot.core.text import fold
from bot.errors import UserFacingError
from bot.exports.text import split_messages
from bot.services import Services
from bot.units import GroupChat, Invite, InviteCodeError, UnitMatch
from bot.update_scope import UpdateScope, scope_of
from handlers.common import (
    ALREADY_ANSWERED,
    Context,
    admin_press,
    answered,
    command,
    command_args,
    confirm_markup,
    origin_of,
    reply,
    require_admin,
    sender_is_admin,
)

logger = logging.getLogger(__name__)

COMMANDS = (
    Command(
        "donvi",
        "Quản lý đơn vị và mã tham gia",
        "/donvi — danh sách đơn vị; /donvi &lt;tên&gt; — thành viên của đơn vị; "
        "/donvi them &lt;tên&gt;; /donvi doiten &lt;tên cũ&gt; | &lt;tên mới&gt;; "
        "/donvi xoa &lt;tên&gt;; /donvi ma &lt;tên&gt; [số ngày] — tạo mã tham gia; "
        "/donvi huyma &lt;mã&gt;",
        Audience.ADMIN,
    ),
    Command(
        "thamgia",
        "Tham gia đơn vị bằng mã",
        "/thamgia &lt;mã&gt; — vào đơn vị của mình (gõ trong nhóm chat: gắn cả nhóm với đơn vị)",
        Audience.EVERYONE,
    ),
    Command(
        "roi",
        "Rời đơn vị",
        "/roi — rời đơn vị đang tham gia (quản trị viên gõ trong nhóm: gỡ nhóm khỏi đơn vị)",
        Audience.STAFF,
    ),
)

DONVI_USAGE = (
    "<b>Quản lý đơn vị</b>\n"
    "• <code>/donvi</code> — danh sách đơn vị\n"
    "• <code>/donvi Thôn 1</code> — thành viên, nhóm và mã của một đơn vị\n"
    "• <code>/donvi them Thôn 1; Thôn 2</code> — tạo đơn vị (nhiều tên: mỗi tên một dòng "
    "hoặc cách nhau bằng «;»)\n"
    "• <code>/donvi doiten Thôn 1 | Thôn Đông</code> — đổi tên\n"
    "• <code>/donvi xoa Thôn 1</code> — xóa đơn vị (lịch sử báo cáo vẫn được giữ)\n"
    "• <code>/donvi ma Thôn 1 30</code> — tạo mã tham gia, hiệu lực 30 ngày "
    f"(mặc định {use.DEFAULT_CODE_DAYS} ngày)\n"
    "• <code>/donvi huyma MÃ</code> — hủy một mã tham gia"
)
JOIN_USAGE = (
    "Hãy gõ <code>/thamgia MÃ</code> với mã tham gia cán bộ phụ trách gửi cho đơn vị, "
    "ví dụ <code>/thamgia K7M2QXP</code>."
)
REPORT_HINT = "chỉ cần nhắn số liệu, ví dụ «Đã trồng được 12.500 cây phân tán»"
BOUND_PREFIX = "Đã gắn nhóm này với đơn vị"
# With Telegram's privacy mode on (the default for new bots), a bot in a group sees only
# commands, so plain reports would silently never arrive.
PRIVACY_NOTE = (
    "⚠️ Lưu ý: bot đang ở chế độ riêng tư của Telegram nên trong nhóm chỉ đọc được lệnh. "
    "Để báo cáo bằng tin nhắn thường, quản trị viên nhóm hãy đặt bot làm quản trị viên nhóm "
    "(hoặc nhắn @BotFather: /setprivacy → Disable, rồi thêm lại bot vào nhóm). Trong lúc chờ, "
    "hãy báo cáo bằng lệnh /baocao, ví dụ «/baocao Đã trồng được 12.500 cây phân tán»."
)

# Sub-commands of /donvi, folded; two-word forms are tried before one-word forms.
SUBCOMMANDS = {
    "them": "add",
    "tao": "add",
    "doiten": "rename",
    "doi ten": "rename",
    "sua": "rename",
    "xoa": "delete",
    "ma": "code",
    "tao ma": "code",
    "taoma": "code",
    "huyma": "revoke",
    "huy ma": "revoke",
    "danhsach": "list",
    "danh sach": "list",
}


def esc(text: str) -> str:
    """A user-supplied text made safe for an HTML reply."""
    return html.escape(text, quote=False)


def day_text(moment: datetime, tz: tzinfo) -> str:
    """ "15/06/2025 lúc 08:00" in the configured time zone."""
    local = moment.astimezone(tz)
    return f"{local:%d/%m/%Y} lúc {local:%H:%M}"


def split_subcommand(args: str) -> tuple[str | None, str]:
    """The /donvi sub-command and the text after it, or (None, args) when there is none.

    ``"doi ten Thôn 1 | Thôn 2"`` → ``("rename", "Thôn 1 | Thôn 2")``; line breaks in the
    rest are kept (several names, one per line).
    """
    for size in (2, 1):
        head = args.split(maxsplit=size)
        if len(head) >= size and fold(" ".join(head[:size])) in SUBCOMMANDS:
            return SUBCOMMANDS[fold(" ".join(head[:size]))], head[size] if len(head) > size else ""
    return None, args


def _candidates_hint(match: UnitMatch) -> str:
    if not match.candidates:
        return " Gõ /donvi để xem danh sách đơn vị."
    names = ", ".join(f"<b>{esc(u.name)}</b>" for u in match.candidates[:5])
    return f" Có phải: {names}? Hãy gõ đúng tên."


def _not_found(name: str, match: UnitMatch) -> str:
    if match.unit is None and len(match.candidates) > 1:
        return f"Tên «{esc(name)}» khớp với nhiều đơn vị.{_candidates_hint(match)}"
    return f"Không tìm thấy đơn vị «{esc(name)}».{_candidates_hint(match)}"


# ---------------------------------------------------------------- /donvi


async def donvi(update: Update, context: Context) -> None:
    """/donvi and its sub-commands (admins only): list, add, rename, delete units and create
    or revoke invite codes; ``/donvi <tên>`` shows one unit."""
    scope = scope_of(context)
    await scope.remember_sender()
    if not await require_admin(update, context):
        return
    action, rest = split_subcommand(command_args(update))
    run = ACTIONS.get(action or "")
    try:
        if run is not None:
            await run(update, scope, rest)
        elif rest:
            await _show_unit(update, scope, rest)
        else:
            await _list_units(update, scope)
    except UserFacingError as error:
        await scope.rollback()  # a refused change leaves nothing of itself behind
        await reply(update, esc(error.message_vi))


async def _list_units(update: Update, scope: UpdateScope, _rest: str = "") -> None:
    """Every unit with its members, bound groups and usable codes."""
    services = scope.services
    tz = services.settings.tz
    session = scope.session
    seen = await use.overview(session, now=services.clock.now())
    listed, members, groups, codes = seen.units, seen.members, seen.groups, seen.codes
    if not listed:
        await reply(
            update,
            "Chưa có đơn vị nào. Tạo đơn vị bằng <code>/donvi them Thôn 1</code> "
            "(nhiều tên: mỗi tên một dòng).",
        )
        return
    lines = [f"<b>Các đơn vị</b> ({len(listed)})", ""]
    for number, unit in enumerate(listed, start=1):
        count = members.get(unit.id, 0)
        people = f"{count} thành viên" if count else "chưa có thành viên"
        group_count = groups.get(unit.id, 0)
        group = f"đã gắn {group_count} nhóm" if group_count else "chưa gắn nhóm"
        line = f"{number}. <b>{esc(unit.name)}</b> — {people}, {group}"
        unit_codes = codes.get(unit.id, [])
        if unit_codes:
            latest = unit_codes[0]
            line += f"; mã <code>{latest.code}</code> đến {day_text(latest.expires_at, tz)}"
        lines.append(line)
    lines += ["", DONVI_USAGE]
    for text in split_messages(lines):
        await reply(update, text)


async def _show_unit(update: Update, scope: UpdateScope, name: str) -> None:
    """One unit: its members, bound groups and usable codes."""
    services = scope.services
    session = scope.session
    lines = await _unit_lines(session, services, name)
    for text in split_messages(lines):
        await reply(update, text)


async def _unit_lines(session: AsyncSession, services: Services, name: str) -> list[str]:
    match = await use.match(session, name)
    if match.unit is None:
        return [_not_found(name, match), "", DONVI_USAGE]
    unit = match.unit
    tz = services.settings.tz
    seen = await use.detail(session, unit, now=services.clock.now())
    people, group_count, codes = seen.members, seen.groups, seen.codes
    lines = [f"<b>{esc(unit.name)}</b>", ""]
    lines.append(f"Nhóm chat: đã gắn {group_count} nhóm" if group_count else "Nhóm chat: chưa gắn")
    lines.append(f"Thành viên ({len(people)}):" if people else "Chưa có thành viên.")
    for member in people:
        handle = f" (@{esc(member.username)})" if member.username else ""
        lines.append(f"• {esc(member.full_name or str(member.telegram_id))}{handle}")
    lines.append("")
    lines.extend(
        f"Mã tham gia: <code>{c.code}</code>, hiệu lực đến {day_text(c.expires_at, tz)}"
        for c in codes
    )
    if not codes:
        lines.append(
            f"Chưa có mã tham gia còn hiệu lực. Tạo mã: <code>/donvi ma {esc(unit.name)}</code>"
        )
    return lines


async def _add(update: Update, scope: UpdateScope, rest: str) -> None:
    """Create one unit per name of *rest* (lines, ";" or a list of unit names with ",")."""
    services = scope.services
    names = use.split_names(rest)
    if not names:
        await reply(update, "Hãy gõ tên đơn vị, ví dụ <code>/donvi them Thôn 1</code>.")
        return
    made = await use.create_units(scope.session, names, origin_of(update), now=services.clock.now())
    created, refused = made.units, [esc(reason) for reason in made.refused]
    lines: list[str] = []
    if len(created) == 1:
        unit = created[0]
        lines.append(
            f"Đã tạo đơn vị <b>{esc(unit.name)}</b>. Tạo mã tham gia để thành viên vào đơn vị: "
            f"<code>/donvi ma {esc(unit.name)}</code>"
        )
    elif created:
        lines.append(f"Đã tạo {len(created)} đơn vị:")
        lines.extend(f"• <b>{esc(u.name)}</b>" for u in created)
        lines.append("Tạo mã tham gia cho từng đơn vị bằng <code>/donvi ma &lt;tên&gt;</code>.")
    if made.existing:
        if len(made.existing) == 1 and not created and not refused:
            lines.append(
                f"Đơn vị <b>{esc(made.existing[0])}</b> đã có từ trước, không tạo thêm. "
                "Xem các đơn vị bằng /donvi."
            )
        else:
            lines.append(f"Đã có từ trước, không tạo thêm ({len(made.existing)}):")
            lines.extend(f"• <b>{esc(name)}</b>" for name in made.existing)
    if refused:
        lines.append("Không tạo được:" if created or made.existing else "Không tạo được đơn vị.")
        lines.extend(f"• {reason}" for reason in refused)
    for text in split_messages(lines):
        await reply(update, text)


async def _rename(update: Update, scope: UpdateScope, rest: str) -> None:
    """``<tên cũ> | <tên mới>``."""
    old_name, bar, new_name = rest.partition("|")
    if not bar or not old_name.strip() or not new_name.strip():
        await reply(update, "Cách dùng: <code>/donvi doiten Tên cũ | Tên mới</code>.")
        return
    session = scope.session
    match = await use.match(session, old_name)
    if match.unit is None or not match.exact:  # renaming is never a guess
        text = _not_found(old_name.strip(), match)
    elif use.clean_name(new_name) == match.unit.name:
        text = f"Đơn vị đã có tên <b>{esc(match.unit.name)}</b>; không thay đổi gì."
    else:
        old = await use.rename(session, match.unit, new_name, origin_of(update))
        new = match.unit.name
        text = f"Đã đổi tên đơn vị <b>{esc(old)}</b> thành <b>{esc(new)}</b>."
    await reply(update, text)


async def _delete(update: Update, scope: UpdateScope, rest: str) -> None:
    """Ask before deleting a unit named exactly (no fuzzy guess for a deletion), saying what
    the deletion changes; the buttons run :func:`delete_pressed`."""
    services = scope.services
    if not rest.strip():
        await reply(update, "Hãy gõ tên đơn vị cần xóa, ví dụ <code>/donvi xoa Thôn 1</code>.")
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    now = services.clock.now()
    session = scope.session
    match = await use.match(session, rest)
    if match.unit is None or not match.exact:
        await reply(update, _not_found(rest.strip(), match))
        return
    unit = match.unit
    preview = await use.deletion_preview(session, unit, now=now)
    members, groups, codes = preview.members, preview.groups, preview.codes
    reported = preview.reported
    pending_id = await callbacks.ask(
        session, UnitDeletion(unit_id=unit.id), chat_id=chat.id, user_id=user.id, now=now
    )
    name = f"<b>{esc(unit.name)}</b>"
    text = (
        f"Xóa đơn vị {name}?\n"
        f"• {members} thành viên rời đơn vị, gỡ {groups} nhóm chat, hủy {codes} mã tham gia "
        "còn hiệu lực;\n"
        f"• {reported} số liệu đơn vị đã báo cáo vẫn được giữ trong lịch sử, nhưng đơn vị không "
        "còn trong /tonghop và báo cáo xuất ra."
    )
    markup = confirm_markup(UnitDeletePress, pending_id, "Xóa đơn vị")
    await reply(update, text, markup=markup)


async def delete_pressed(update: Update, context: Context) -> None:
    """ "Xóa đơn vị" / "Thôi" under the question /donvi xoa asked."""
    press = await admin_press(update, context, UnitDeletePress)
    if press is None:
        return
    scope = scope_of(context)
    services, session = scope.services, scope.session
    user = update.effective_user
    assert user is not None
    asked = await answered(update, context, UnitDeletion, press.pending_id)
    outcome = None
    if asked is not None and press.yes:
        outcome = await use.delete_unit(
            session, asked.unit_id, origin_of(update), now=services.clock.now()
        )
    if asked is None:
        text = ALREADY_ANSWERED
    elif not press.yes:
        text = "Đã hủy; đơn vị giữ nguyên."
    elif outcome is None:
        text = "Đơn vị này đã được xóa trước đó; không thay đổi gì."
    else:
        text = (
            f"Đã xóa đơn vị <b>{esc(outcome.unit.name)}</b>: {outcome.members_released} "
            f"thành viên rời đơn vị, gỡ {outcome.chats_unbound} nhóm chat, hủy "
            f"{outcome.codes_revoked} mã tham gia. Các báo cáo trước đây vẫn được giữ."
        )
    await reply(update, text)


def _code_request(rest: str) -> tuple[str, str | None]:
    """Split ``Thôn 1 | 30`` into name and days text; ``Thôn 1 30`` is split by the caller,
    because the trailing number may belong to the name."""
    name, bar, days = rest.partition("|")
    return (name.strip(), days.strip()) if bar else (rest.strip(), None)


async def _resolve_code_target(
    session: AsyncSession, rest: str
) -> tuple[UnitMatch, str, str | None]:
    """The unit and days of ``/donvi ma``: the whole text as a name first, then the text
    without a trailing number ("Thôn 1 30" → Thôn 1, 30 days)."""
    name, days = _code_request(rest)
    match = await use.match(session, name)
    if not match.exact and days is None:
        head, _, last = name.rpartition(" ")
        if head and last.isdigit():
            shorter = await use.match(session, head)
            if shorter.unit is not None and shorter.exact:
                return shorter, head, last
    return match, name, days


async def _code(update: Update, scope: UpdateScope, rest: str) -> None:
    """Create an invite code for a unit, valid for the given or default number of days."""
    services = scope.services
    if not rest.strip():
        await reply(update, "Hãy gõ tên đơn vị, ví dụ <code>/donvi ma Thôn 1</code>.")
        return
    session = scope.session
    text = await _new_code(session, services, origin_of(update), rest)
    await reply(update, text)


async def _new_code(session: AsyncSession, services: Services, origin: Origin, rest: str) -> str:
    match, name, days_text = await _resolve_code_target(session, rest)
    if match.unit is None or not match.exact:  # a code for the wrong unit lets the wrong
        return _not_found(name, match)  # people in: only the unit's own name will do
    if days_text is not None and not days_text.isdigit():
        return "Số ngày hiệu lực phải là một số nguyên, ví dụ 30."
    days = int(days_text) if days_text else use.DEFAULT_CODE_DAYS
    invite = await use.new_invite(session, match.unit, origin, now=services.clock.now(), days=days)
    return _code_text(match.unit.name, invite, days, services.settings.tz)


def _code_text(unit_name: str, invite: Invite, days: int, tz: tzinfo) -> str:
    return (
        f"Mã tham gia của <b>{esc(unit_name)}</b>: <code>{invite.code}</code>\n"
        f"Hiệu lực {days} ngày, đến {day_text(invite.expires_at, tz)}.\n\n"
        f"• Thành viên nhắn riêng cho bot: <code>/thamgia {invite.code}</code>\n"
        "• Gõ lệnh đó trong nhóm chat của đơn vị để gắn cả nhóm: mọi tin báo cáo trong nhóm "
        "được tính cho đơn vị.\n"
        f"Hủy mã khi cần: <code>/donvi huyma {invite.code}</code>"
    )


async def _revoke(update: Update, scope: UpdateScope, rest: str) -> None:
    """Revoke an invite code; members who joined with it stay."""
    services = scope.services
    typed = use.normalize_code(rest)
    if not typed:
        await reply(update, "Hãy gõ mã cần hủy, ví dụ <code>/donvi huyma K7M2QXP</code>.")
        return
    origin = origin_of(update)
    session = scope.session
    outcome = await use.revoke(session, typed, origin, now=services.clock.now())
    if outcome is None:
        await reply(update, f"Không có mã tham gia <code>{esc(typed)}</code>.")
    elif outcome.already_revoked:
        await reply(update, f"Mã <code>{outcome.invite.code}</code> đã bị hủy từ trước.")
    else:
        await reply(
            update,
            f"Đã hủy mã <code>{outcome.invite.code}</code> của đơn vị "
            f"<b>{esc(outcome.unit.name)}</b>. Những người đã tham gia bằng mã này vẫn ở lại "
            "đơn vị.",
        )


ACTIONS: dict[str, Callable[[Update, UpdateScope, str], Awaitable[None]]] = {
    "list": _list_units,
    "add": _add,
    "rename": _rename,
    "delete": _delete,
    "code": _code,
    "revoke": _revoke,
}


# ---------------------------------------------------------------- /thamgia


async def thamgia(update: Update, context: Context) -> None:
    """/thamgia <mã>: in a private chat the sender joins (or moves to) the code's unit; in a
    group the whole group is bound to it, so everyone there reports for that unit."""
    scope = scope_of(context)
    services, session = scope.services, scope.session
    await scope.remember_sender()
    chat = update.effective_chat
    code = command_args(update)
    if chat is None or update.effective_user is None:
        return
    if not code:
        await reply(update, JOIN_USAGE)
        return
    user_id = update.effective_user.id
    wait = await use.join_wait(session, user_id, now=services.clock.now())
    if wait is not None:
        await reply(update, _wait_text(wait, services))
        return
    try:
        if chat.type in use.GROUP_CHAT_TYPES:
            await _bind_group(update, context, code)
        else:
            await _join(update, scope, code)
    except InviteCodeError as error:
        await scope.rollback()
        await _remember_failure(scope, user_id, chat.id, error)
        await reply(update, esc(error.message_vi))
    except UserFacingError as error:
        await scope.rollback()
        await reply(update, esc(error.message_vi))


def _wait_text(wait: datetime, services: Services) -> str:
    minutes = max(1, math.ceil((wait - services.clock.now()).total_seconds() / 60))
    return (
        f"Anh/chị đã nhập sai mã tham gia {use.MAX_INVITE_FAILURES} lần liền. Để giữ an toàn, "
        f"xin đợi khoảng {minutes} phút (đến {wait.astimezone(services.settings.tz):%H:%M}) "
        "rồi thử lại, hoặc hỏi lại mã cán bộ phụ trách đã gửi."
    )


async def _remember_failure(
    scope: UpdateScope, user_id: int, chat_id: int, error: InviteCodeError
) -> None:
    """Count a refused code towards the user's limit, and log it without the code."""
    services = scope.services
    await use.record_failure(scope.session, user_id, chat_id, error, now=services.clock.now())
    logger.warning("/thamgia refused for user %s in chat %s: %s", user_id, chat_id, error.problem)


async def _join(update: Update, scope: UpdateScope, code: str) -> None:
    services = scope.services
    origin = origin_of(update)
    assert origin.actor is not None
    session = scope.session
    now = services.clock.now()
    unit, outcome = await use.join(session, code, origin.actor, origin, now=now)
    name = f"<b>{esc(unit.name)}</b>"
    if outcome.already_member:
        text = f"Anh/chị đã là thành viên của {name} rồi."
    elif outcome.previous is not None:
        text = (
            f"Anh/chị đã chuyển từ <b>{esc(outcome.previous.name)}</b> sang {name}. "
            f"Các báo cáo trước đây vẫn được giữ cho <b>{esc(outcome.previous.name)}</b>; "
            f"từ giờ số liệu anh/chị gửi được tính cho {name}."
        )
    else:
        text = (
            f"Chào mừng anh/chị đến với {name}! Từ giờ anh/chị có thể báo cáo tiến độ: "
            f"{REPORT_HINT}. Gõ /tiendo để xem tiến độ của đơn vị."
        )
    await reply(update, text)


async def _bind_group(update: Update, context: Context, code: str) -> None:
    scope = scope_of(context)
    services = scope.services
    admin = await sender_is_admin(update, context)
    session = scope.session
    text = await _bind_text(session, update, services, code, admin=admin)
    if text.startswith(BOUND_PREFIX) and not context.bot.can_read_all_group_messages:
        text += "\n\n" + PRIVACY_NOTE
    await reply(update, text)


async def _bind_text(
    session: AsyncSession, update: Update, services: Services, code: str, *, admin: bool
) -> str:
    """Bind the group of *update* to the code's unit; the reply to send."""
    chat = update.effective_chat
    assert chat is not None
    binding = await use.bind_group(
        session,
        code,
        GroupChat(chat.id, chat.type, chat.title),
        origin_of(update),
        admin=admin,
        now=services.clock.now(),
    )
    name = f"<b>{esc(binding.unit.name)}</b>"
    if binding.held_by is not None:
        # A code for another unit must not let any member move a whole group.
        return (
            f"Nhóm này đang gắn với đơn vị <b>{esc(binding.held_by.name)}</b>. Chỉ quản trị "
            "viên mới chuyển nhóm sang đơn vị khác được."
        )
    if binding.outcome is None or binding.outcome.unchanged:
        return f"Nhóm này đã gắn với đơn vị {name} rồi."
    return f"{BOUND_PREFIX} {name}. Mọi người trong nhóm báo cáo cho {name}: {REPORT_HINT}."


# ---------------------------------------------------------------- /roi


async def roi(update: Update, context: Context) -> None:
    """/roi: leave one's unit (private chat); in a group an admin unbinds the group."""
    scope = scope_of(context)
    services = scope.services
    await scope.remember_sender()
    chat = update.effective_chat
    if chat is None or update.effective_user is None:
        return
    if chat.type in use.GROUP_CHAT_TYPES:
        await _unbind_group(update, context)
        return
    origin = origin_of(update)
    session = scope.session
    left = await use.leave(session, update.effective_user.id, origin, now=services.clock.now())
    if left is None:
        await reply(update, "Anh/chị chưa thuộc đơn vị nào.")
        return
    await reply(
        update,
        f"Anh/chị đã rời đơn vị <b>{esc(left.name)}</b>. Các báo cáo trước đây vẫn được giữ. "
        "Anh/chị vẫn hỏi được về kế hoạch thi đua; muốn báo cáo lại, hãy tham gia bằng "
        "<code>/thamgia MÃ</code>.",
    )


async def _unbind_group(update: Update, context: Context) -> None:
    chat = update.effective_chat
    assert chat is not None
    if not await sender_is_admin(update, context):
        await reply(
            update,
            "Chỉ quản trị viên mới gỡ được nhóm khỏi đơn vị. Muốn tự rời đơn vị của mình, "
            "hãy nhắn /roi riêng cho bot.",
        )
        return
    origin = origin_of(update)
    session = scope_of(context).session
    previous = await use.unbind(session, chat.id, origin)
    if previous is None:
        await reply(update, "Nhóm này chưa gắn với đơn vị nào.")
        return
    await reply(
        update,
        f"Đã gỡ nhóm này khỏi đơn vị <b>{esc(previous.name)}</b>. Tin nhắn trong nhóm không còn "
        "được tính là báo cáo của đơn vị.",
    )


async def chat_migrated(update: Update, context: Context) -> None:
    """A group became a supergroup (new id): its unit binding follows it."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    old_id = chat.id if message.migrate_to_chat_id else message.migrate_from_chat_id
    new_id = message.migrate_to_chat_id or chat.id
    if old_id is None or old_id == new_id:
        return
    await use.migrate_chat(scope_of(context).session, old_id, new_id)


def handlers() -> list[BaseHandler[Any, Any, Any]]:
    """The handlers of this feature, for the composition root. Only new messages: an edited
    command must not create a unit or a code twice."""
    return [
        command("donvi", donvi),
        command("thamgia", thamgia),
        command("roi", roi),
        CallbackQueryHandler(delete_pressed, pattern=UnitDeletePress.matches),
        MessageHandler(filters.StatusUpdate.MIGRATE, chat_migrated),
    ]
