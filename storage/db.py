"""Engine and session setup for SQLite (embedded default) and PostgreSQL.

SQLite runs with WAL (readers never block the writer), foreign keys on, and a busy timeout
so a second connection waits instead of failing with "database is locked".
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.errors import StartupError

SQLITE_BUSY_TIMEOUT_MS = 5000


def _prepare_sqlite_file(url: URL) -> None:
    database = url.database
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).expanduser().parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StartupError(
                f"DATABASE_URL: không tạo được thư mục {folder} cho SQLite ({exc.strerror})"
            ) from None


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(database_url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine for *database_url*, with the SQLite pragmas where relevant."""
    try:
        url = make_url(database_url)
        _ = url.port  # a non-numeric port fails here, not deep inside the driver
    except (ArgumentError, ValueError):
        raise StartupError("DATABASE_URL không phải một địa chỉ cơ sở dữ liệu hợp lệ") from None
    if url.get_backend_name() == "sqlite":
        _prepare_sqlite_file(url)
        engine = create_async_engine(url, echo=echo)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True)


class Database:
    """The bot's database: an engine, a session factory and lifecycle helpers."""

    def __init__(self, database_url: str, *, echo: bool = False) -> None:
        self.url = database_url
        self.engine = create_engine(database_url, echo=echo)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A unit of work: commits when the block succeeds, rolls back when it raises."""
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                raise

    @asynccontextmanager
    async def within(self, session: AsyncSession | None) -> AsyncIterator[AsyncSession]:
        """*session* when the caller already has one (its transaction, committed by its
        owner), else a unit of work of its own, as :meth:`session`."""
        if session is not None:
            yield session
            return
        async with self.session() as own:
            yield own

    async def check_connection(self, timeout: float = 10.0) -> None:
        """Fail fast with one clear line when the database cannot be reached."""
        try:
            async with asyncio.timeout(timeout):
                async with self.engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError, OSError, TimeoutError) as exc:
            safe_url = make_url(self.url).render_as_string(hide_password=True)
            reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200] if str(exc) else "hết giờ"
            raise StartupError(f"Không kết nối được cơ sở dữ liệu {safe_url}: {reason}") from None

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.engine.dispose()
