"""A unit's name opening a report ends where the report begins: a capital word carrying
the name on ("Thon An Phu Dong") makes another, longer name, which names no unit."""

from __future__ import annotations

import pytest

from bot.core.text import fold
from bot.reporting import _unit_at_start
from storage.models import Unit


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Thôn An Phú BHYT 95,5%", "BHYT 95,5%"),
        ("thon an phu lợn 300 con", "lợn 300 con"),
        ("Thôn An Phú: Đàn lợn 300 con", "Đàn lợn 300 con"),
        ("Thôn An Phú 8.000 cây", "8.000 cây"),
        ("Thon An Phu Dong BHYT 95,5%", None),  # another, longer name: not Thôn An Phú
        ("Thôn An Phú Đông BHYT 95,5%", None),
        ("Thôn An Phú Thượng: 300 con", None),
    ],
)
def test_a_unit_name_carried_on_by_a_capital_word_names_no_unit(
    text: str, found: str | None
) -> None:
    unit = Unit(name="Thôn An Phú", folded_name=fold("Thôn An Phú"))
    result = _unit_at_start(text, [unit])
    assert (result[1] if result is not None else None) == found
