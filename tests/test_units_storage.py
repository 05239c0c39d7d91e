"""Units, memberships, invite codes and group binding, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import InvalidInput
from storage import units, users
from storage.db import Database
from storage.models import Chat, InviteCode, Membership, Unit, User

NOW = datetime(2025, 6, 1, 8, 0, tzinfo=UTC)
ADMIN = 1
AN, BINH = 101, 102
GROUP = -1001


async def _make(session: AsyncSession, *names: str) -> list[Unit]:
    return [await units.create_unit(session, n, created_by=ADMIN, now=NOW) for n in names]


async def _history(session: AsyncSession, telegram_id: int) -> list[tuple[str, bool]]:
    """(unit name, still open) for each membership of the user, oldest first."""
    rows = await session.execute(
        select(Unit.name, Membership.left_at)
        .join(Membership, Membership.unit_id == Unit.id)
        .join(User, User.id == Membership.user_id)
        .where(User.telegram_id == telegram_id)
        .order_by(Membership.joined_at, Membership.id)
    )
    return [(name, left is None) for name, left in rows]


# ---------------------------------------------------------------- names


async def test_create_rename_and_list_in_natural_order(database: Database) -> None:
    async with database.session() as s:
        await _make(s, "Thôn 10", "Thôn 2", "  Tổ dân phố   1 ")
        listed = await units.list_units(s)
    assert [u.name for u in listed] == ["Thôn 2", "Thôn 10", "Tổ dân phố 1"]
    assert listed[2].folded_name == "to dan pho 1" and listed[2].created_by == ADMIN

    async with database.session() as s:
        unit = await units.find_unit(s, "thon 2")
        assert unit is not None
        old = await units.rename_unit(s, unit, "Thôn Hai")
    assert old == "Thôn 2"
    async with database.session() as s:
        assert await units.find_unit(s, "thon hai") is not None
        assert await units.find_unit(s, "Thôn 2") is None


@pytest.mark.parametrize("clash", ["thon 1", "THÔN 1", "Thôn  1", "thôn1", "«Thôn 1»"])
async def test_names_are_unique_folded(database: Database, clash: str) -> None:
    async with database.session() as s:
        await _make(s, "Thôn 1")
    with pytest.raises(units.UnitNameTaken) as caught:
        async with database.session() as s:
            await _make(s, clash)
    assert caught.value.existing_name == "Thôn 1"
    assert "Thôn 1" in caught.value.message_vi


async def test_different_numbers_are_different_names(database: Database) -> None:
    async with database.session() as s:
        await _make(s, "Thôn 37", "Thôn 3 7", "Thôn 3")
        assert len(await units.list_units(s)) == 3


async def test_rename_may_fix_marks_but_not_take_another_name(database: Database) -> None:
    async with database.session() as s:
        first, _second = await _make(s, "thon 1", "Thôn 2")
        await units.rename_unit(s, first, "Thôn 1")  # same name, proper marks
        assert first.name == "Thôn 1"
        with pytest.raises(units.UnitNameTaken):
            await units.rename_unit(s, first, "thôn 2")


@pytest.mark.parametrize("bad", ["", "   ", "—", "a|b", "x" * 101])
async def test_bad_names_are_refused(database: Database, bad: str) -> None:
    with pytest.raises(InvalidInput):
        async with database.session() as s:
            await _make(s, bad)


async def test_soft_delete_keeps_history_and_frees_the_name(database: Database) -> None:
    async with database.session() as s:
        (unit,) = await _make(s, "Thôn 1")
        await users.upsert_user(s, AN, "Nguyễn Văn An", None)
        await units.join_unit(s, user_telegram_id=AN, unit=unit, now=NOW)
        await units.bind_chat(
            s, chat_telegram_id=GROUP, chat_type="supergroup", title="Thôn 1", unit=unit
        )
        code = await units.create_invite_code(s, unit, created_by=ADMIN, now=NOW)

    later = NOW + timedelta(days=1)
    async with database.session() as s:
        unit = await s.get_one(Unit, unit.id)
        outcome = await units.delete_unit(s, unit, now=later)
    assert (outcome.members_released, outcome.chats_unbound, outcome.codes_revoked) == (1, 1, 1)

    async with database.session() as s:
        assert await units.list_units(s) == []
        assert [u.name for u in await units.list_units(s, include_deleted=True)] == ["Thôn 1"]
        assert await units.unit_of_user(s, AN) is None
        assert await units.unit_of_chat(s, GROUP) is None
        assert await _history(s, AN) == [("Thôn 1", False)]  # the membership row stays
        assert await units.find_unit(s, "Thôn 1") is None
        with pytest.raises(units.InviteCodeError) as caught:
            await units.redeem_invite_code(s, code.code, now=later)
        assert caught.value.problem == "unit_deleted"
        (again,) = await _make(s, "Thôn 1")  # the name is free again
        assert again.id != unit.id


# ---------------------------------------------------------------- finding units


async def test_find_unit_exact_compact_and_fuzzy(database: Database) -> None:
    async with database.session() as s:
        await _make(s, "Thôn 1", "Thôn 12", "Hội Nông dân xã", "Phòng Văn hóa – Xã hội")
        assert (await units.find_unit(s, "thon 1")).name == "Thôn 1"  # type: ignore[union-attr]
        assert (await units.find_unit(s, "THON1")).name == "Thôn 1"  # type: ignore[union-attr]
        fuzzy = await units.match_unit(s, "hoi nong dna")
        assert fuzzy.unit is not None and fuzzy.unit.name == "Hội Nông dân xã"
        assert not fuzzy.exact
        culture = await units.find_unit(s, "van hoa xa hoi")
        assert culture is not None and culture.name == "Phòng Văn hóa – Xã hội"


async def test_find_unit_never_guesses(database: Database) -> None:
    async with database.session() as s:
        await _make(
            s,
            "Thôn 1",
            "Thôn 12",
            "Trường THCS Kim Đồng",
            "Trường Tiểu học Kim Đồng",
            "Hội Nông dân xã",
        )
        # A different number is a different unit, however close the spelling.
        assert await units.find_unit(s, "Thôn 2") is None
        assert await units.find_unit(s, "Thôn 3") is None
        # Two close names: no guess, but both are offered.
        both = await units.match_unit(s, "kim dong")
        assert both.unit is None
        assert {u.name for u in both.candidates} == {
            "Trường THCS Kim Đồng",
            "Trường Tiểu học Kim Đồng",
        }
        # A tiny fragment never picks a long name; it is only offered.
        fragment = await units.match_unit(s, "nông")
        assert fragment.unit is None
        assert [u.name for u in fragment.candidates] == ["Hội Nông dân xã"]
        assert await units.find_unit(s, "") is None


# ---------------------------------------------------------------- invite codes


async def test_invite_code_shape_expiry_and_case(database: Database) -> None:
    async with database.session() as s:
        (unit,) = await _make(s, "Thôn 1")
        code = await units.create_invite_code(s, unit, created_by=ADMIN, now=NOW)
        short = await units.create_invite_code(s, unit, created_by=ADMIN, now=NOW, days=1)
    assert len(code.code) == units.CODE_LENGTH
    assert set(code.code) <= set(units.CODE_ALPHABET)
    assert not set(code.code) & set("01OIL")
    assert code.expires_at == NOW + timedelta(days=units.DEFAULT_CODE_DAYS)
    assert code.code != short.code

    typed = f" {code.code[:3].lower()}-{code.code[3:].lower()} "
    async with database.session() as s:
        found, found_unit = await units.redeem_invite_code(s, typed, now=NOW)
        assert found.id == code.id and found_unit.name == "Thôn 1"
        # Valid until the last moment, expired from then on.
        before = NOW + timedelta(days=1) - timedelta(seconds=1)
        await units.redeem_invite_code(s, short.code, now=before)
        with pytest.raises(units.InviteCodeError) as caught:
            await units.redeem_invite_code(s, short.code, now=NOW + timedelta(days=1))
        assert caught.value.problem == "expired"
        assert "hết hạn" in caught.value.message_vi
        open_codes = await units.open_invite_codes(s, now=NOW + timedelta(days=2))
    assert [c.code for c in open_codes[unit.id]] == [code.code]


@pytest.mark.parametrize("days", [0, -3, units.MAX_CODE_DAYS + 1])
async def test_invite_code_days_are_bounded(database: Database, days: int) -> None:
    async with database.session() as s:
        (unit,) = await _make(s, "Thôn 1")
        with pytest.raises(InvalidInput):
            await units.create_invite_code(s, unit, created_by=ADMIN, now=NOW, days=days)


async def test_revoked_and_unknown_codes(database: Database) -> None:
    async with database.session() as s:
        (unit,) = await _make(s, "Thôn 1")
        code = await units.create_invite_code(s, unit, created_by=ADMIN, now=NOW)
    async with database.session() as s:
        revoked = await units.revoke_invite_code(s, code.code.lower(), now=NOW)
        assert revoked is not None and revoked.unit.name == "Thôn 1"
        assert not revoked.already_revoked
        again = await units.revoke_invite_code(s, code.code, now=NOW + timedelta(hours=1))
        assert again is not None and again.already_revoked
        assert again.invite.revoked_at == NOW  # the first revocation is kept
        assert await units.revoke_invite_code(s, "ZZZZZZZ", now=NOW) is None
        with pytest.raises(units.InviteCodeError) as caught:
            await units.redeem_invite_code(s, code.code, now=NOW)
        assert caught.value.problem == "revoked"
        with pytest.raises(units.InviteCodeError) as unknown:
            await units.redeem_invite_code(s, "abc", now=NOW)
        assert unknown.value.problem == "unknown" and "ABC" in unknown.value.message_vi
        stored = await s.scalar(select(InviteCode.revoked_at).where(InviteCode.id == code.id))
    assert stored == NOW


# ---------------------------------------------------------------- membership


async def test_join_move_and_leave_keep_history(database: Database) -> None:
    async with database.session() as s:
        first, second = await _make(s, "Thôn 1", "Thôn 2")
        await users.upsert_user(s, AN, "Nguyễn Văn An", "an")
        code = await units.create_invite_code(s, first, created_by=ADMIN, now=NOW)

    async with database.session() as s:
        joined = await units.join_unit(
            s, user_telegram_id=AN, unit=first, now=NOW, invite_code_id=code.id
        )
        assert joined.previous is None and not joined.already_member
        again = await units.join_unit(s, user_telegram_id=AN, unit=first, now=NOW)
        assert again.already_member
        moved = await units.join_unit(
            s, user_telegram_id=AN, unit=second, now=NOW + timedelta(days=1)
        )
        assert moved.previous is not None and moved.previous.name == "Thôn 1"
        assert (await units.unit_of_user(s, AN)).name == "Thôn 2"  # type: ignore[union-attr]
        assert await units.member_counts(s) == {second.id: 1}
        assert [u.telegram_id for u in await units.unit_members(s, second.id)] == [AN]
        assert await units.unit_members(s, first.id) == []

    async with database.session() as s:
        left = await units.leave_unit(s, user_telegram_id=AN, now=NOW + timedelta(days=2))
        assert left is not None and left.name == "Thôn 2"
        assert await units.leave_unit(s, user_telegram_id=AN, now=NOW) is None
        assert await units.leave_unit(s, user_telegram_id=999, now=NOW) is None
        assert await units.unit_of_user(s, AN) is None
        assert await _history(s, AN) == [("Thôn 1", False), ("Thôn 2", False)]
        first_row = await s.scalar(select(Membership).order_by(Membership.id).limit(1))
    assert first_row is not None and first_row.invite_code_id == code.id
    assert first_row.left_at == NOW + timedelta(days=1)


async def test_joining_a_deleted_unit_is_refused(database: Database) -> None:
    async with database.session() as s:
        (unit,) = await _make(s, "Thôn 1")
        await units.delete_unit(s, unit, now=NOW)
        with pytest.raises(InvalidInput):
            await units.join_unit(s, user_telegram_id=AN, unit=unit, now=NOW)


# ---------------------------------------------------------------- group chats


async def test_bind_rebind_and_unbind_a_group(database: Database) -> None:
    async with database.session() as s:
        first, second = await _make(s, "Thôn 1", "Thôn 2")
        bound = await units.bind_chat(
            s, chat_telegram_id=GROUP, chat_type="group", title="Nhóm thôn", unit=first
        )
        assert bound.previous is None and not bound.unchanged
        same = await units.bind_chat(
            s, chat_telegram_id=GROUP, chat_type="group", title="Nhóm thôn", unit=first
        )
        assert same.unchanged
        moved = await units.bind_chat(
            s, chat_telegram_id=GROUP, chat_type="group", title="Nhóm thôn", unit=second
        )
        assert moved.previous is not None and moved.previous.name == "Thôn 1"
        assert await units.bound_chat_counts(s) == {second.id: 1}
        with pytest.raises(InvalidInput):
            await units.bind_chat(
                s, chat_telegram_id=AN, chat_type="private", title="An", unit=first
            )

    async with database.session() as s:
        assert (await units.unbind_chat(s, GROUP)).name == "Thôn 2"  # type: ignore[union-attr]
        assert await units.unbind_chat(s, GROUP) is None
        assert await units.unbind_chat(s, -42) is None
        chat = await s.scalar(select(Chat).where(Chat.telegram_id == GROUP))
    assert chat is not None and chat.unit_id is None and chat.title == "Nhóm thôn"


async def test_unit_chat_ids_prefers_groups_then_members(database: Database) -> None:
    async with database.session() as s:
        first, second = await _make(s, "Thôn 1", "Thôn 2")
        for telegram_id in (AN, BINH):
            await users.upsert_user(s, telegram_id, f"Người {telegram_id}", None)
            await units.join_unit(s, user_telegram_id=telegram_id, unit=first, now=NOW)
        assert await units.unit_chat_ids(s, first.id) == [AN, BINH]
        assert await units.unit_chat_ids(s, second.id) == []

        # Bình blocked the bot: their private chat is skipped.
        await users.upsert_chat(s, BINH, "private", "Bình")
        await users.mark_chat_unreachable(s, BINH)
        assert await units.unit_chat_ids(s, first.id) == [AN]

        await units.bind_chat(s, chat_telegram_id=GROUP, chat_type="group", title="", unit=first)
        assert await units.unit_chat_ids(s, first.id) == [GROUP]
        # The bot was removed from the group: fall back to the members again.
        await users.mark_chat_unreachable(s, GROUP)
        assert await units.unit_chat_ids(s, first.id) == [AN]


# ---------------------------------------------------------------- who reports for what


async def test_reporting_unit_rules(database: Database) -> None:
    async with database.session() as s:
        first, second = await _make(s, "Thôn 1", "Thôn 2")
        await users.upsert_user(s, AN, "An", None)
        await units.join_unit(s, user_telegram_id=AN, unit=first, now=NOW)
        await units.bind_chat(s, chat_telegram_id=GROUP, chat_type="group", title="", unit=second)

    async def unit_for(user: int, chat: int, chat_type: str) -> str | None:
        async with database.session() as s:
            unit = await units.reporting_unit(
                s, user_telegram_id=user, chat_telegram_id=chat, chat_type=chat_type
            )
        return unit.name if unit else None

    assert await unit_for(AN, AN, "private") == "Thôn 1"
    assert await unit_for(AN, GROUP, "group") == "Thôn 2"  # the group's unit wins
    assert await unit_for(BINH, GROUP, "group") == "Thôn 2"  # even for non-members
    assert await unit_for(AN, -2002, "supergroup") == "Thôn 1"  # unbound: own unit
    assert await unit_for(BINH, -2002, "supergroup") is None
    assert await unit_for(BINH, BINH, "private") is None
    assert await unit_for(AN, -3003, "channel") is None
