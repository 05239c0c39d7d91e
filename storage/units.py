"""Units (thôn, tổ dân phố, phòng ban…), memberships and invite codes.

Pure data access on an :class:`AsyncSession`; the caller owns the transaction and writes
the audit entry (it knows the chat and message). Time is always passed in as ``now`` so
tests can move it; nothing here reads the clock.

Rules kept here:

* unit names are unique among units that are not deleted, compared folded ("Thôn 1" and
  "thon 1" are the same name) and also with spaces and punctuation removed ("Thôn1");
* deleting a unit is soft (``deleted_at``): its reports and memberships stay as history,
  open memberships are closed, bound group chats are unbound and open codes revoked;
* a user belongs to at most one unit at a time: joining another closes the old membership
  (a move), so ``memberships`` is the full history;
* a group chat bound to a unit (``chats.unit_id``) reports for that unit, whoever writes.
"""

from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from rapidfuzz import fuzz
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.text import collapse_spaces, fold, words
from bot.errors import InvalidInput, UserFacingError
from storage.models import AuditEntry, Chat, InviteCode, Membership, Report, Unit, User

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "DEFAULT_CODE_DAYS",
    "GROUP_CHAT_TYPES",
    "MAX_CODE_DAYS",
    "MAX_NAME_LENGTH",
    "MAX_NAME_WORDS",
    "BindOutcome",
    "CodeProblem",
    "DeleteOutcome",
    "InviteCodeError",
    "JoinOutcome",
    "RevokeOutcome",
    "UnitMatch",
    "UnitNameTaken",
    "bind_chat",
    "bound_chat_counts",
    "clean_name",
    "create_invite_code",
    "create_unit",
    "delete_unit",
    "find_unit",
    "invite_wait_until",
    "join_unit",
    "leave_unit",
    "list_units",
    "match_unit",
    "member_counts",
    "normalize_code",
    "open_invite_codes",
    "record_invite_failure",
    "redeem_invite_code",
    "rename_unit",
    "reporting_unit",
    "revoke_invite_code",
    "unbind_chat",
    "unit_chat_ids",
    "unit_members",
    "unit_of_chat",
    "unit_of_user",
    "unit_report_count",
]

MAX_NAME_LENGTH = 100
# A unit's name may open a report ("Đoàn Thanh niên … xã Sơn Thủy: …"), and reports are read
# for names of at most this many words (bot/reporting.py): a longer name could never be
# recognised there, so it is refused when the unit is created or renamed.
MAX_NAME_WORDS = 15
# No 0/O, 1/I/L: codes are read aloud and copied from paper, so nothing can be confused.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 7  # 31^7 ≈ 27 billion codes: guessing one is hopeless
DEFAULT_CODE_DAYS = 14
MAX_CODE_DAYS = 365
GROUP_CHAT_TYPES = frozenset({"group", "supergroup"})

# Fuzzy naming: a name must score this high (token-set ratio on folded words) …
FUZZY_CUTOFF = 85
# … and cover this share of the longer name, so "xã" alone never picks "Hội Nông dân xã".
FUZZY_MIN_COVER = 0.4
_DIGITS = re.compile(r"\d+")
_CODE_JUNK = re.compile(r"[\s\-_.]+")


# ---------------------------------------------------------------- errors and results


class UnitNameTaken(InvalidInput):
    """Another unit (not deleted) already has this name, folded. Keeps plain values, not
    the row, so it stays readable after the transaction rolls back."""

    def __init__(self, name: str, existing: Unit) -> None:
        if collapse_spaces(name) == existing.name:
            text = f"Đã có đơn vị «{existing.name}»; hãy chọn tên khác."
        else:
            text = (
                f"Tên «{name}» trùng với đơn vị «{existing.name}» đã có (chỉ khác chữ hoa, "
                "dấu hoặc khoảng trắng); hãy chọn tên khác."
            )
        super().__init__(text)
        self.existing_id = existing.id
        self.existing_name = existing.name


CodeProblem = Literal["unknown", "revoked", "expired", "unit_deleted"]

_CODE_MESSAGES: dict[CodeProblem, str] = {
    "unknown": (
        "Mã tham gia «{code}» không đúng. Hãy kiểm tra lại hoặc xin cán bộ phụ trách mã mới."
    ),
    "revoked": "Mã tham gia «{code}» đã bị hủy. Hãy xin cán bộ phụ trách mã mới.",
    "expired": "Mã tham gia «{code}» đã hết hạn. Hãy xin cán bộ phụ trách mã mới.",
    "unit_deleted": "Đơn vị của mã «{code}» không còn nữa. Hãy hỏi cán bộ phụ trách.",
}


class InviteCodeError(UserFacingError):
    """A code that cannot be used; ``problem`` says why (plain-text Vietnamese message)."""

    def __init__(self, code: str, problem: CodeProblem) -> None:
        shown = code if len(code) <= 2 * CODE_LENGTH else code[: 2 * CODE_LENGTH] + "…"
        super().__init__(_CODE_MESSAGES[problem].format(code=shown))
        self.code = code
        self.problem = problem


@dataclass(frozen=True, slots=True)
class UnitMatch:
    """What a typed unit name refers to.

    ``unit`` is set when the name is unambiguous; ``exact`` when it matched the folded or
    compact name rather than fuzzily. ``candidates`` lists every close unit (several when
    the name is ambiguous), so callers can ask "which one?".
    """

    unit: Unit | None
    exact: bool
    candidates: tuple[Unit, ...]


@dataclass(frozen=True, slots=True)
class DeleteOutcome:
    """What deleting a unit changed."""

    unit: Unit
    members_released: int
    chats_unbound: int
    codes_revoked: int


@dataclass(frozen=True, slots=True)
class JoinOutcome:
    """A user joining a unit: ``previous`` is the unit they moved from, if any."""

    unit: Unit
    previous: Unit | None
    already_member: bool


@dataclass(frozen=True, slots=True)
class RevokeOutcome:
    """A revoked code and its unit; ``already_revoked`` when it had been revoked before."""

    invite: InviteCode
    unit: Unit
    already_revoked: bool


@dataclass(frozen=True, slots=True)
class BindOutcome:
    """A group chat bound to a unit: ``previous`` is the unit it was bound to before."""

    unit: Unit
    previous: Unit | None

    @property
    def unchanged(self) -> bool:
        """True when the chat was already bound to this unit."""
        return self.previous is not None and self.previous.id == self.unit.id


# ---------------------------------------------------------------- names


def clean_name(raw: str) -> str:
    """A unit name as it will be stored: spaces collapsed, surrounding quotes removed.

    Raises :class:`InvalidInput` for an empty, overlong or letterless name, or one with "|"
    (the separator of ``/donvi doiten``).
    """
    name = collapse_spaces(raw).strip("\"'«»“”‘’ ")
    if not name or not words(name):
        raise InvalidInput("Tên đơn vị cần có chữ hoặc số, ví dụ «Thôn 1».")
    if len(name) > MAX_NAME_LENGTH or len(name.split()) > MAX_NAME_WORDS:
        raise InvalidInput(
            f"Tên đơn vị «{shorten_name(name)}» dài quá: tối đa {MAX_NAME_WORDS} từ và "
            f"{MAX_NAME_LENGTH} ký tự (tên này có {len(name.split())} từ, {len(name)} ký tự). "
            "Hãy đặt tên ngắn gọn hơn."
        )
    if "|" in name:
        raise InvalidInput("Tên đơn vị không được chứa dấu «|».")
    return name


def shorten_name(name: str, limit: int = 40) -> str:
    """*name* cut at a word boundary to about *limit* characters, with "…" when cut."""
    if len(name) <= limit:
        return name
    return name[:limit].rsplit(" ", 1)[0] + "…"


def _compact(name: str) -> str:
    """The name without spaces or punctuation: "Thôn 1" and "Thôn1" meet here."""
    return "".join(words(name))


def _numbers(folded: str) -> tuple[str, ...]:
    """The numbers in a name, normalised ("Thôn 01" → ("1",)): they identify units, so
    names with different numbers never match, however close otherwise."""
    return tuple(n.lstrip("0") or "0" for n in _DIGITS.findall(folded))


def _same_name(a: str, b: str) -> bool:
    """True when two names would be confused: equal folded, or equal compact with the
    same numbers ("Thôn 3 7" and "Thôn 37" differ)."""
    fa, fb = fold(a), fold(b)
    return fa == fb or (_compact(a) == _compact(b) and _numbers(fa) == _numbers(fb))


def _natural_key(unit: Unit) -> tuple[tuple[int, int | str], ...]:
    """Sort "Thôn 2" before "Thôn 10"."""
    parts = re.split(r"(\d+)", unit.folded_name)
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts if p)


async def _live_units(session: AsyncSession) -> list[Unit]:
    rows = await session.scalars(select(Unit).where(Unit.deleted_at.is_(None)))
    return sorted(rows, key=_natural_key)


async def _check_free(session: AsyncSession, name: str, *, except_id: int | None = None) -> None:
    # Names are checked here rather than by a unique index because deleted units keep
    # their names (history) while a new unit may reuse them.
    for unit in await _live_units(session):
        if unit.id != except_id and _same_name(unit.name, name):
            raise UnitNameTaken(name, unit)


# ---------------------------------------------------------------- units


async def create_unit(
    session: AsyncSession, name: str, *, created_by: int | None, now: datetime
) -> Unit:
    """Create a unit named *name* (cleaned); :class:`UnitNameTaken` when the name is used."""
    name = clean_name(name)
    await _check_free(session, name)
    unit = Unit(name=name, folded_name=fold(name), created_at=now, created_by=created_by)
    session.add(unit)
    await session.flush()
    return unit


async def rename_unit(session: AsyncSession, unit: Unit, new_name: str) -> str:
    """Rename *unit*; returns the old name. Changing only case or marks of the same name
    ("thon 1" → "Thôn 1") is allowed; taking another unit's name is not."""
    new_name = clean_name(new_name)
    await _check_free(session, new_name, except_id=unit.id)
    old = unit.name
    unit.name, unit.folded_name = new_name, fold(new_name)
    await session.flush()
    return old


async def delete_unit(session: AsyncSession, unit: Unit, *, now: datetime) -> DeleteOutcome:
    """Soft-delete *unit*: members leave, group chats are unbound, open codes revoked.

    Reports and past memberships stay, so earlier periods still show the unit.
    """
    unit.deleted_at = now
    released = await session.execute(
        update(Membership)
        .where(Membership.unit_id == unit.id, Membership.left_at.is_(None))
        .values(left_at=now)
    )
    unbound = await session.execute(
        update(Chat).where(Chat.unit_id == unit.id).values(unit_id=None)
    )
    revoked = await session.execute(
        update(InviteCode)
        .where(InviteCode.unit_id == unit.id, InviteCode.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    await session.flush()
    return DeleteOutcome(
        unit=unit,
        members_released=int(released.rowcount),  # type: ignore[attr-defined]
        chats_unbound=int(unbound.rowcount),  # type: ignore[attr-defined]
        codes_revoked=int(revoked.rowcount),  # type: ignore[attr-defined]
    )


async def list_units(session: AsyncSession, *, include_deleted: bool = False) -> list[Unit]:
    """Units in natural order ("Thôn 2" before "Thôn 10"); deleted ones only when asked."""
    if not include_deleted:
        return await _live_units(session)
    return sorted(await session.scalars(select(Unit)), key=_natural_key)


async def match_unit(session: AsyncSession, name: str) -> UnitMatch:
    """Resolve a unit name typed by a person.

    Tiers, first hit wins: the folded name ("thon 1" = "Thôn 1"); the compact name
    ("thon1"); then a fuzzy match on folded words ("hoi nong dna" → "Hội Nông dân xã") that
    must be the only close candidate — between two close names nothing is guessed. Names
    with different numbers never match fuzzily ("Thôn 2" is not "Thôn 12").
    """
    query = collapse_spaces(name).strip("\"'«»“”‘’ ")
    folded = fold(query)
    if not words(folded):
        return UnitMatch(None, exact=False, candidates=())
    units = await _live_units(session)
    exact = [u for u in units if u.folded_name == folded]
    if not exact:
        numbers = _numbers(folded)
        exact = [
            u
            for u in units
            if _compact(u.name) == _compact(query) and _numbers(u.folded_name) == numbers
        ]
    if exact:
        return UnitMatch(exact[0] if len(exact) == 1 else None, exact=True, candidates=tuple(exact))
    close = [u for u in units if _fuzzy_close(folded, u.folded_name)]
    chosen = close[0] if len(close) == 1 and _covers(folded, close[0].folded_name) else None
    return UnitMatch(chosen, exact=False, candidates=tuple(close))


def _fuzzy_close(query: str, name: str) -> bool:
    """Close in spelling (typos, missing or extra words) with the same numbers."""
    if _numbers(query) != _numbers(name):
        return False
    return fuzz.token_set_ratio(" ".join(words(query)), " ".join(words(name))) >= FUZZY_CUTOFF


def _covers(query: str, name: str) -> bool:
    """The shorter text is a fair share of the longer one: a lone fragment ("xã") may be
    close to a name, but is only offered as a suggestion, never chosen."""
    q, n = len(" ".join(words(query))), len(" ".join(words(name)))
    return min(q, n) >= FUZZY_MIN_COVER * max(q, n)


async def find_unit(session: AsyncSession, name: str) -> Unit | None:
    """The unit *name* unambiguously refers to (see :func:`match_unit`), else None."""
    return (await match_unit(session, name)).unit


async def member_counts(session: AsyncSession) -> dict[int, int]:
    """Open memberships per unit id (units without members are absent)."""
    rows = await session.execute(
        select(Membership.unit_id, func.count(Membership.id))
        .where(Membership.left_at.is_(None))
        .group_by(Membership.unit_id)
    )
    return {unit_id: count for unit_id, count in rows}


async def bound_chat_counts(session: AsyncSession) -> dict[int, int]:
    """Group chats bound to each unit id (units without one are absent)."""
    rows = await session.execute(
        select(Chat.unit_id, func.count(Chat.id))
        .where(Chat.unit_id.is_not(None))
        .group_by(Chat.unit_id)
    )
    return {unit_id: count for unit_id, count in rows if unit_id is not None}


async def unit_report_count(session: AsyncSession, unit_id: int) -> int:
    """Figures ever reported for a unit and not withdrawn (history a deletion keeps)."""
    count = await session.scalar(
        select(func.count(Report.id)).where(
            Report.unit_id == unit_id, Report.withdrawn_at.is_(None)
        )
    )
    return int(count or 0)


async def unit_members(session: AsyncSession, unit_id: int) -> list[User]:
    """Current members of a unit, by name."""
    rows = await session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.unit_id == unit_id, Membership.left_at.is_(None))
        .order_by(User.full_name, User.telegram_id)
    )
    return list(rows)


async def unit_chat_ids(session: AsyncSession, unit_id: int) -> list[int]:
    """Where to send messages for a unit: its bound, reachable group chats; when it has
    none, its members' private chats (a private chat's id is the user's Telegram id),
    skipping members whose private chat is known to be unreachable."""
    groups = await session.scalars(
        select(Chat.telegram_id)
        .where(Chat.unit_id == unit_id, Chat.unreachable_at.is_(None))
        .order_by(Chat.telegram_id)
    )
    group_ids = list(groups)
    if group_ids:
        return group_ids
    unreachable = select(Chat.telegram_id).where(Chat.unreachable_at.is_not(None))
    members = await session.scalars(
        select(User.telegram_id)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.unit_id == unit_id,
            Membership.left_at.is_(None),
            User.telegram_id.not_in(unreachable),
        )
        .order_by(User.telegram_id)
    )
    return list(members)


# ---------------------------------------------------------------- invite codes

# Wrong codes a user may type in a window before /thamgia waits: guessing a 7-character code
# must not be cheap. Failures are audit entries (action below), so the count survives a
# restart and is shared by every replica; the code typed is never stored.
INVITE_FAILURE_ACTION = "invite.failed"
MAX_INVITE_FAILURES = 5
INVITE_FAILURE_WINDOW = timedelta(minutes=10)


async def record_invite_failure(
    session: AsyncSession,
    *,
    user_telegram_id: int,
    chat_telegram_id: int | None,
    problem: str,
    now: datetime,
) -> None:
    """Remember one refused code for *user_telegram_id* (why, never the code itself)."""
    session.add(
        AuditEntry(
            at=now,
            action=INVITE_FAILURE_ACTION,
            actor_telegram_id=user_telegram_id,
            chat_telegram_id=chat_telegram_id,
            detail={"problem": problem},
        )
    )
    await session.flush()


async def invite_wait_until(
    session: AsyncSession, *, user_telegram_id: int, now: datetime
) -> datetime | None:
    """When *user_telegram_id* may try a code again, or None when they may now: after
    :data:`MAX_INVITE_FAILURES` refused codes within :data:`INVITE_FAILURE_WINDOW`, until
    the oldest of them leaves the window."""
    recent = list(
        await session.scalars(
            select(AuditEntry.at)
            .where(
                AuditEntry.action == INVITE_FAILURE_ACTION,
                AuditEntry.actor_telegram_id == user_telegram_id,
                AuditEntry.at > now - INVITE_FAILURE_WINDOW,
            )
            .order_by(AuditEntry.at.desc())
            .limit(MAX_INVITE_FAILURES)
        )
    )
    if len(recent) < MAX_INVITE_FAILURES:
        return None
    return recent[-1] + INVITE_FAILURE_WINDOW


def normalize_code(text: str) -> str:
    """A typed code in stored form: upper case, without spaces or dashes ("ab3-k7m q")."""
    return _CODE_JUNK.sub("", text).upper()


async def create_invite_code(
    session: AsyncSession,
    unit: Unit,
    *,
    created_by: int | None,
    now: datetime,
    days: int = DEFAULT_CODE_DAYS,
) -> InviteCode:
    """A new random code for *unit*, valid for *days* days from *now*."""
    if not 1 <= days <= MAX_CODE_DAYS:
        raise InvalidInput(f"Số ngày hiệu lực của mã phải từ 1 đến {MAX_CODE_DAYS}.")
    while True:  # a collision is astronomically rare, but codes are unique forever
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if await session.scalar(select(InviteCode.id).where(InviteCode.code == code)) is None:
            break
    invite = InviteCode(
        code=code,
        unit_id=unit.id,
        created_by=created_by,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    session.add(invite)
    await session.flush()
    return invite


async def revoke_invite_code(
    session: AsyncSession, code: str, *, now: datetime
) -> RevokeOutcome | None:
    """Revoke a code (typed in any case); None when no such code exists. A code already
    revoked keeps its first revocation time. Members who joined with it stay members."""
    invite = await session.scalar(select(InviteCode).where(InviteCode.code == normalize_code(code)))
    if invite is None:
        return None
    already = invite.revoked_at is not None
    if not already:
        invite.revoked_at = now
        await session.flush()
    unit = await session.get(Unit, invite.unit_id)
    assert unit is not None  # the foreign key guarantees it
    return RevokeOutcome(invite=invite, unit=unit, already_revoked=already)


async def redeem_invite_code(
    session: AsyncSession, code: str, *, now: datetime
) -> tuple[InviteCode, Unit]:
    """The code and its unit when the code can be used now; :class:`InviteCodeError` with
    the reason (unknown, revoked, unit deleted, expired) otherwise. Codes are reusable
    until they expire: one code serves a whole unit."""
    typed = normalize_code(code)
    invite = await session.scalar(select(InviteCode).where(InviteCode.code == typed))
    if invite is None:
        raise InviteCodeError(typed, "unknown")
    unit = await session.get(Unit, invite.unit_id)
    if unit is None or unit.deleted_at is not None:
        raise InviteCodeError(typed, "unit_deleted")
    if invite.revoked_at is not None:
        raise InviteCodeError(typed, "revoked")
    if now >= invite.expires_at:
        raise InviteCodeError(typed, "expired")
    return invite, unit


async def open_invite_codes(session: AsyncSession, *, now: datetime) -> dict[int, list[InviteCode]]:
    """Usable codes (not revoked, not expired) per unit id, newest first."""
    rows = await session.scalars(
        select(InviteCode)
        .where(InviteCode.revoked_at.is_(None), InviteCode.expires_at > now)
        .order_by(InviteCode.created_at.desc(), InviteCode.id.desc())
    )
    grouped: dict[int, list[InviteCode]] = defaultdict(list)
    for invite in rows:
        grouped[invite.unit_id].append(invite)
    return dict(grouped)


# ---------------------------------------------------------------- membership and chats


async def _user(session: AsyncSession, telegram_id: int) -> User:
    user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
    if user is None:  # handlers record senders first; this keeps storage usable alone
        user = User(telegram_id=telegram_id, full_name="")
        session.add(user)
        await session.flush()
    return user


async def _open_memberships(session: AsyncSession, user_id: int) -> Sequence[Membership]:
    rows = await session.scalars(
        select(Membership)
        .where(Membership.user_id == user_id, Membership.left_at.is_(None))
        .order_by(Membership.joined_at)
    )
    return rows.all()


async def join_unit(
    session: AsyncSession,
    *,
    user_telegram_id: int,
    unit: Unit,
    now: datetime,
    invite_code_id: int | None = None,
) -> JoinOutcome:
    """Make the user a member of *unit*. A member of another unit moves: the old
    membership is closed at *now* and a new one opened, so the history shows both."""
    if unit.deleted_at is not None:
        raise InvalidInput(f"Đơn vị «{unit.name}» đã bị xóa.")
    user = await _user(session, user_telegram_id)
    previous: Unit | None = None
    for membership in await _open_memberships(session, user.id):
        if membership.unit_id == unit.id:
            return JoinOutcome(unit=unit, previous=None, already_member=True)
        previous = await session.get(Unit, membership.unit_id)
        membership.left_at = now
    session.add(
        Membership(user_id=user.id, unit_id=unit.id, joined_at=now, invite_code_id=invite_code_id)
    )
    await session.flush()
    return JoinOutcome(unit=unit, previous=previous, already_member=False)


async def leave_unit(session: AsyncSession, *, user_telegram_id: int, now: datetime) -> Unit | None:
    """Close the user's open membership; returns the unit left, or None when in none."""
    user = await session.scalar(select(User).where(User.telegram_id == user_telegram_id))
    if user is None:
        return None
    left: Unit | None = None
    for membership in await _open_memberships(session, user.id):
        membership.left_at = now
        left = await session.get(Unit, membership.unit_id)
    await session.flush()
    return left


async def bind_chat(
    session: AsyncSession, *, chat_telegram_id: int, chat_type: str, title: str, unit: Unit
) -> BindOutcome:
    """Bind a group chat to *unit*: everyone writing in it then reports for that unit."""
    if chat_type not in GROUP_CHAT_TYPES:
        raise InvalidInput("Chỉ gắn được nhóm chat với đơn vị.")
    if unit.deleted_at is not None:
        raise InvalidInput(f"Đơn vị «{unit.name}» đã bị xóa.")
    chat = await session.scalar(select(Chat).where(Chat.telegram_id == chat_telegram_id))
    if chat is None:
        chat = Chat(telegram_id=chat_telegram_id, type=chat_type, title=title)
        session.add(chat)
    previous = await session.get(Unit, chat.unit_id) if chat.unit_id is not None else None
    chat.unit_id = unit.id
    await session.flush()
    return BindOutcome(unit=unit, previous=previous)


async def unbind_chat(session: AsyncSession, chat_telegram_id: int) -> Unit | None:
    """Unbind a group chat; returns the unit it was bound to, or None."""
    chat = await session.scalar(select(Chat).where(Chat.telegram_id == chat_telegram_id))
    if chat is None or chat.unit_id is None:
        return None
    previous = await session.get(Unit, chat.unit_id)
    chat.unit_id = None
    await session.flush()
    return previous


async def unit_of_user(session: AsyncSession, telegram_id: int) -> Unit | None:
    """The unit the user currently belongs to (open membership, unit not deleted)."""
    return await session.scalar(
        select(Unit)
        .join(Membership, Membership.unit_id == Unit.id)
        .join(User, User.id == Membership.user_id)
        .where(
            User.telegram_id == telegram_id,
            Membership.left_at.is_(None),
            Unit.deleted_at.is_(None),
        )
    )


async def unit_of_chat(session: AsyncSession, chat_telegram_id: int) -> Unit | None:
    """The unit a group chat is bound to, if any."""
    return await session.scalar(
        select(Unit)
        .join(Chat, Chat.unit_id == Unit.id)
        .where(Chat.telegram_id == chat_telegram_id, Unit.deleted_at.is_(None))
    )


async def reporting_unit(
    session: AsyncSession, *, user_telegram_id: int, chat_telegram_id: int, chat_type: str
) -> Unit | None:
    """The unit a message counts for, or None (the sender may ask but not report).

    In a private chat: the sender's unit. In a group bound to a unit: that unit, whoever
    writes (the group *is* the unit). In an unbound group: the sender's own unit.
    Channels never report.
    """
    if chat_type in GROUP_CHAT_TYPES:
        bound = await unit_of_chat(session, chat_telegram_id)
        if bound is not None:
            return bound
    elif chat_type != "private":
        return None
    return await unit_of_user(session, user_telegram_id)
