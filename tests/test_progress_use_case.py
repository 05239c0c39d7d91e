"""What /tiendo and /sochung ask of the use case (bot/reporting.py), without Telegram: the
units an admin may name, the unit a name refers to, the units reporting the commune's own."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import reporting
from storage import reports, units
from storage.db import Database

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_units_are_named_in_natural_order_and_found_by_name(database: Database) -> None:
    async with database.session() as session:
        for name in ("Thôn 10", "Thôn 2", "Hội Phụ nữ"):
            await units.create_unit(session, name, created_by=1, now=NOW)
    async with database.session() as session:
        names = await reporting.unit_names(session)
        assert names.index("Thôn 2") < names.index("Thôn 10")
        assert sorted(names) == sorted(["Thôn 10", "Thôn 2", "Hội Phụ nữ"])
        found = await reporting.find_unit(session, "thon 2")
        assert found is not None and found.name == "Thôn 2"
        assert await reporting.find_unit(session, "Thôn 7") is None


async def test_the_commune_reporters_are_named(database: Database) -> None:
    async with database.session() as session:
        village = await units.create_unit(session, "Thôn 1", created_by=1, now=NOW)
        office = await units.create_unit(session, "Văn phòng UBND", created_by=1, now=NOW)
        assert await reporting.commune_reporter_names(session) == []
        await reports.set_commune_reporter(session, office.id, on=True, by=1, at=NOW)
        assert village.id != office.id
    async with database.session() as session:
        assert await reporting.commune_reporter_names(session) == ["Văn phòng UBND"]
