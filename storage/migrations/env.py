"""Alembic environment: runs on the connection handed over by storage.migrate, or on a URL
given with ``-x url=…`` when a developer autogenerates a revision."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

from storage.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs table rebuilds
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///data/thidua.db")
    with create_engine(url).connect() as sync_connection:
        _run(sync_connection)
        sync_connection.commit()


run_migrations_online()
