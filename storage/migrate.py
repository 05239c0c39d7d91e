"""Apply Alembic migrations programmatically (at start, and by ``python -m bot migrate``)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import StartupError
from storage.db import Database

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at this package's migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")


async def upgrade_to_head(database: Database) -> None:
    """Bring the schema to the newest revision; idempotent. A database this version cannot
    migrate (a newer revision, tables made by hand) stops start-up with one line."""
    try:
        async with database.engine.begin() as conn:
            await conn.run_sync(_upgrade)
    except (CommandError, SQLAlchemyError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0][:200]
        raise StartupError(
            f"Không cập nhật được cấu trúc cơ sở dữ liệu (migration): {reason}"
        ) from None
