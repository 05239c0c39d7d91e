"""Button payloads and pending questions (bot/callbacks.py): every kind fits Telegram's 64
bytes at its largest, reads back as itself and only as itself, and a question kept in the
database reads back typed, once, for the person asked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, get_args

import pytest

from bot import callbacks
from bot.callbacks import (
    CALLBACK_DATA_LIMIT,
    PRESSES,
    AdminDemotePress,
    PlanActivatePress,
    PlanReimport,
    PlanSwitch,
    Press,
    RoutePress,
    RouteQuestion,
    UnitDeletePress,
    UnitDeletion,
)
from storage import pending
from storage.db import Database

BIGGEST_ID = 2**63 - 1  # a BIGINT id: the longest a number field can be
NOW = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)


def largest(kind: type[Press]) -> Press:
    """The press of *kind* with every field at its longest."""
    values: dict[str, Any] = {}
    for name, info in kind.model_fields.items():
        if info.annotation is bool:
            values[name] = True
        elif info.annotation is int:
            values[name] = BIGGEST_ID
        else:  # a Literal: its longest choice
            values[name] = max(get_args(info.annotation), key=len)
    return kind.model_validate(values)


@pytest.mark.parametrize("kind", PRESSES, ids=lambda kind: kind.__name__)
def test_every_press_fits_in_64_bytes_and_reads_back(kind: type[Press]) -> None:
    press = largest(kind)
    data = press.encode()
    assert len(data.encode()) <= CALLBACK_DATA_LIMIT
    assert kind.decode(data) == press
    assert kind.matches(data)
    others = [other for other in PRESSES if other is not kind]
    assert not any(other.matches(data) for other in others), data


def test_prefixes_are_distinct_and_none_is_another_ones_start() -> None:
    prefixes = [kind.PREFIX for kind in PRESSES]
    assert len(set(prefixes)) == len(prefixes)
    for prefix in prefixes:
        assert not any(other != prefix and other.startswith(prefix) for other in prefixes)


def test_presses_keep_the_data_buttons_already_sent_carry() -> None:
    """Buttons under messages sent before this module existed still work."""
    assert UnitDeletePress(pending_id=12, yes=True).encode() == "unit:del:12:1"
    assert AdminDemotePress(pending_id=3, yes=False).encode() == "admin:bo:3:0"
    assert PlanActivatePress(plan_id=2).encode() == "plan:activate:2"
    assert RoutePress(pending_id=7, route="q").encode() == "route:7:q"


@pytest.mark.parametrize(
    "data",
    [
        "unit:del:12:2",  # neither yes nor no
        "unit:del:12",  # a field missing
        "unit:del:12:1:0",  # one too many
        "unit:del:012:1",  # another spelling of 12
        "unit:del:-1:1",
        "unit:del:x:1",
        "unit:del:12:true",
        "admin:bo:12:1",  # another kind's
        "",
        None,
    ],
)
def test_altered_or_foreign_data_is_not_a_press(data: object) -> None:
    assert UnitDeletePress.decode(data) is None
    assert not UnitDeletePress.matches(data)


def test_a_route_is_report_or_question_only() -> None:
    assert RoutePress.decode("route:5:r") == RoutePress(pending_id=5, route="r")
    assert RoutePress.decode("route:5:x") is None


def test_a_field_that_would_break_the_data_is_refused() -> None:
    class Named(Press):
        PREFIX = "t:"
        name: str

    with pytest.raises(ValueError, match="':'"):
        Named(name="a:b").encode()
    with pytest.raises(ValueError, match="64 bytes"):
        Named(name="ư" * 40).encode()


@pytest.mark.parametrize(
    ("question", "stored"),
    [
        (UnitDeletion(unit_id=4), {"unit_id": 4}),
        (PlanSwitch(plan_id=2, from_plan=None), {"plan_id": 2, "from": None}),
        (
            PlanReimport(file_id="BQAC", filename="kh.docx", name=""),
            {"file_id": "BQAC", "filename": "kh.docx", "name": ""},
        ),
        (
            RouteQuestion(text="lợn 2.300 con", message_id=9),
            {"text": "lợn 2.300 con", "message_id": 9},
        ),
    ],
)
async def test_a_question_is_kept_as_before_and_answered_once_typed(
    database: Database, question: callbacks.Pending, stored: dict[str, Any]
) -> None:
    async with database.session() as session:
        pending_id = await callbacks.ask(session, question, chat_id=10, user_id=20, now=NOW)
    async with database.session() as session:  # the row reads as the handlers wrote it
        assert (
            await pending.take(
                session, pending_id, kind=question.KIND, user_telegram_id=20, now=NOW
            )
            == stored
        )
    async with database.session() as session:
        pending_id = await callbacks.ask(session, question, chat_id=10, user_id=20, now=NOW)
    kind = type(question)
    other = PlanSwitch if kind is not PlanSwitch else UnitDeletion
    async with database.session() as session:
        assert await callbacks.answer(session, other, pending_id, user_id=20, now=NOW) is None
        assert await callbacks.answer(session, kind, pending_id, user_id=21, now=NOW) is None
        assert await callbacks.answer(session, kind, pending_id, user_id=20, now=NOW) == question
        assert await callbacks.answer(session, kind, pending_id, user_id=20, now=NOW) is None


async def test_a_kept_question_that_no_longer_reads_as_its_kind_is_void(
    database: Database,
) -> None:
    async with database.session() as session:
        pending_id = await pending.create(
            session,
            kind=UnitDeletion.KIND,
            chat_telegram_id=10,
            user_telegram_id=20,
            payload={"unit": "Thôn 1"},
            now=NOW,
        )
        assert (
            await callbacks.answer(session, UnitDeletion, pending_id, user_id=20, now=NOW) is None
        )
