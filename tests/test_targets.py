"""Use cases of bot.targets without Telegram: reading what an admin types, inferred direction
and scope, and re-imports that keep the officer's corrections."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot import targets
from bot.core.plan import Direction, Qualifier, Scope, Target
from bot.errors import InvalidInput, NotFound
from bot.plans import import_plan
from storage import plans
from storage.db import Database
from storage.models import PlanTarget
from tests.support.driver import PLAN_FILE


@pytest.mark.parametrize(
    ("typed", "value", "measure", "qualifier"),
    [
        ("58.000 cây", Decimal(58000), "cây", Qualifier.EXACT),
        ("tối thiểu 95%", Decimal(95), "%", Qualifier.AT_LEAST),
        ("toi thieu 95 %", Decimal(95), "%", Qualifier.AT_LEAST),
        ("không quá 1,5%", Decimal("1.5"), "%", Qualifier.AT_MOST),
        ("≥ 90%", Decimal(90), "%", Qualifier.AT_LEAST),
        ("2,5 tỷ đồng", Decimal("2.5"), "tỷ đồng", Qualifier.EXACT),
        ("12 km", Decimal(12), "km", Qualifier.EXACT),
        ("350", Decimal(350), None, Qualifier.EXACT),
    ],
)
def test_figures_as_admins_type_them(
    typed: str, value: Decimal, measure: str | None, qualifier: Qualifier
) -> None:
    figure = targets.read_figure(typed)
    assert (figure.value, figure.measure, figure.qualifier) == (value, measure, qualifier)


def test_words_without_a_number_are_a_qualitative_figure() -> None:
    figure = targets.read_figure("không để xảy ra cháy rừng")
    assert figure.value is None and figure.text_value == "không để xảy ra cháy rừng"


def test_a_line_needs_a_name() -> None:
    assert targets.read_line("Đàn dê: 380 con")[0] == "Đàn dê"
    with pytest.raises(InvalidInput):
        targets.read_line(": 380 con")


@pytest.mark.parametrize(
    ("typed", "key"), [("5", "5"), ("(5)", "5"), ("5.", "5"), ("5.2", "5.2"), ("bhyt", None)]
)
def test_keys(typed: str, key: str | None) -> None:
    assert targets.normalise_key(typed) == key


def _target(**changes: object) -> Target:
    fields: dict[str, object] = {
        "key": "1",
        "number": "1",
        "name": "Trồng cây",
        "value": Decimal(10),
        "measure": "cây",
        "qualifier": Qualifier.EXACT,
        "section_path": "II",
        "source_text": "",
    }
    fields.update(changes)
    return Target(**fields)  # type: ignore[arg-type]


def test_inferred_direction_and_scope() -> None:
    assert targets.direction_of(_target()) is Direction.HIGHER
    assert targets.direction_of(_target(qualifier=Qualifier.AT_MOST)) is Direction.CEILING
    # "giảm 0,77%": the reduction achieved is the figure, so more is better.
    assert targets.direction_of(_target(qualifier=Qualifier.REDUCE)) is Direction.HIGHER
    about = _target(name="Tỷ lệ hộ nghèo", measure="%", qualifier=Qualifier.ABOUT)
    assert targets.direction_of(about) is Direction.LOWER
    bad_rate = _target(name="Tỷ lệ hộ nghèo", measure="%")
    assert targets.direction_of(bad_rate) is Direction.LOWER
    assert targets.direction_of(_target(value=None)) is Direction.QUALITATIVE
    assert targets.direction_of(_target(direction=Direction.CEILING)) is Direction.CEILING
    assert targets.scope_of(_target()) is Scope.UNITS
    assert targets.scope_of(bad_rate) is Scope.COMMUNE
    assert targets.scope_of(_target(scope=Scope.COMMUNE)) is Scope.COMMUNE


async def test_reimport_keeps_added_and_edited_targets(database: Database) -> None:
    content = PLAN_FILE.read_bytes()
    outcome = await import_plan(database, content, PLAN_FILE.name, name=None, imported_by=1)
    async with database.session() as session:
        await targets.add_target(session, outcome.plan_id, "Xây cầu: 3 cầu", actor=1)
        await targets.edit_target(session, outcome.plan_id, "3", "so", "1.900 tấn", actor=1)
        with pytest.raises(NotFound):
            await targets.edit_target(session, outcome.plan_id, "33", "so", "1 tấn", actor=1)
    again = await import_plan(database, content, PLAN_FILE.name, name=None, imported_by=1)
    # The document still says 1.850 tấn: the admin's 1.900 stays, and the summary says so.
    assert again.targets_retired == 0 and again.targets_kept == 1
    async with database.session() as session:
        rows = await plans.target_rows(session, outcome.plan_id)
    assert rows["15"].name == "Xây cầu" and rows["15"].value == 3
    assert rows["3"].value == 1900
    # Once the document says what the admin said, nothing differs.
    changed = content.decode().replace("1.850 tấn", "1.900 tấn").encode()
    third = await import_plan(database, changed, PLAN_FILE.name, name=None, imported_by=1)
    assert third.targets_kept == 0
    async with database.session() as session:
        row = await session.get(PlanTarget, rows["3"].id)
        assert row is not None and row.value == 1900


async def test_the_plan_changed_is_the_one_in_use_named_as_answers_name_it(
    database: Database,
) -> None:
    async with database.session() as session:
        assert await targets.plan_in_use(session) is None
    outcome = await import_plan(
        database, PLAN_FILE.read_bytes(), PLAN_FILE.name, name=None, imported_by=1
    )
    async with database.session() as session:
        in_use = await targets.plan_in_use(session)
    assert in_use is not None and in_use.id == outcome.plan_id
    assert in_use.label.startswith("Kế hoạch")
