"""Button payloads and pending questions (bot/callbacks.py): every kind fits Telegram's 64
bytes at its largest, reads back as itself and only as itself, and a question kept in the
database reads back typed, once, for the person asked."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, Union, get_args, get_origin

import pytest

from bot import callbacks
from bot.callbacks import (
    CALLBACK_DATA_LIMIT,
    PRESSES,
    AdminDemotePress,
    AnswerChoicePress,
    PlanActivatePress,
    PlanReimport,
    PlanSwitch,
    Press,
    ReportChoicePress,
    ReportStartPress,
    RoutePress,
    RouteQuestion,
    TargetsPagePress,
    UndoPress,
    UnitDeletePress,
    UnitDeletion,
)
from storage import pending
from storage.db import Database

BIGGEST_ID = 2**63 - 1  # a BIGINT id: the longest a number field can be
NOW = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)


def _longest_values(annotation: Any, metadata: list[Any]) -> list[Any]:
    """The longest values a field of *annotation* takes, one per alternative of a union."""
    if annotation is bool:
        return [True]
    if annotation is int:
        bounds = [m.le for m in metadata if getattr(m, "le", None) is not None]
        return [min(bounds, default=BIGGEST_ID)]
    if annotation is str:
        lengths = [m.max_length for m in metadata if getattr(m, "max_length", None) is not None]
        return ["9" * min(lengths)]  # digits read as any text, and as a number
    if get_origin(annotation) is Literal:
        return list(get_args(annotation))
    if get_origin(annotation) is Union or type(annotation).__name__ == "UnionType":
        return [value for arm in get_args(annotation) for value in _longest_values(arm, [])]
    if hasattr(annotation, "__metadata__"):  # Annotated[int, Field(le=…)]
        inner = [c for m in annotation.__metadata__ for c in getattr(m, "metadata", [m])]
        return _longest_values(get_args(annotation)[0], inner)
    raise AssertionError(f"no longest value for {annotation!r}")


def largest(kind: type[Press]) -> Press:
    """The press of *kind* with every field at its longest."""
    values: dict[str, Any] = {}
    for name, info in kind.model_fields.items():
        candidates = _longest_values(info.annotation, list(info.metadata))
        values[name] = max(candidates, key=lambda value: len(str(value)))
    if kind is UndoPress:  # a span, not one report: the longer spelling
        values["first"] = BIGGEST_ID - 1
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
    assert AnswerChoicePress.choice(3, "t:5.a").encode() == "qa:3:t:5.a"
    assert AnswerChoicePress.choice(3, "p:37").encode() == "qa:3:p:37"
    assert AnswerChoicePress.none_of_them(3, 41).encode() == "qa:3:none:41"
    assert TargetsPagePress(page=1).encode() == "ct:1"
    assert ReportChoicePress(pending_id=8, choice=2).encode() == "rp:8:2"
    assert ReportChoicePress(pending_id=8, choice="total").encode() == "rp:8:total"
    assert UndoPress(first=12, last=12).encode() == "rpu:12"
    assert UndoPress(first=12, last=14).encode() == "rpu:12-14"
    assert ReportStartPress().encode() == "rep:start"


def test_pressed_buttons_read_as_what_the_handlers_act_on() -> None:
    choice = AnswerChoicePress.decode("qa:3:t:5.a")
    assert choice is not None and (choice.plan_id, choice.hit_id) == (3, "t:5.a")
    assert choice.pending_id is None
    none = AnswerChoicePress.decode("qa:3:none:41")
    assert none is not None and none.pending_id == 41
    undo = UndoPress.decode("rpu:12-14")
    assert undo is not None and list(undo.report_ids) == [12, 13, 14]
    assert ReportChoicePress.decode("rp:8:ok") == ReportChoicePress(pending_id=8, choice="ok")


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


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        (AnswerChoicePress, "qa:3:none"),  # "Không phải" names the question it records
        (AnswerChoicePress, "qa:3:none:x"),
        (AnswerChoicePress, "qa:3:q:5"),  # neither a target nor a passage
        (AnswerChoicePress, "qa:x:t:5"),
        (TargetsPagePress, "ct:-1"),
        (TargetsPagePress, "ct:01"),
        (ReportChoicePress, "rp:notanumber"),
        (ReportChoicePress, "rp:5:maybe"),
        (ReportChoicePress, "rp:5:03"),
        (UndoPress, "rpu:14-12"),  # backwards
        (UndoPress, "rpu:12-12"),  # one report is written "rpu:12"
        (UndoPress, "rpu:12-"),
        (UndoPress, "rpu:x"),
        (ReportStartPress, "rep:start:1"),
        (ReportStartPress, "rep:"),
    ],
)
def test_malformed_data_of_the_older_kinds_is_not_a_press(kind: type[Press], data: str) -> None:
    assert kind.decode(data) is None
    assert not any(other.matches(data) for other in PRESSES)


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
