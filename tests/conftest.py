"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set),
settings, the seed documents, and the Telegram harnesses from tests/support."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bot.config import Settings
from storage.db import Database
from storage.migrate import upgrade_to_head

REPO = Path(__file__).resolve().parents[1]
SEEDS_DIR = REPO.parent / "shared" / "seeds"
TEST_TOKEN = "123456789:TEST-token-for-the-fake-bot-api-000000"

_PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
DATABASE_BACKENDS = ["sqlite", *(["postgresql"] if _PG_URL else [])]


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The real field documents in ../shared/seeds; tests using them skip where absent."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS_DIR} (../shared/seeds); skipping")
    return SEEDS_DIR


def _postgres_schema_url() -> Iterator[str]:
    """A fresh schema in the test PostgreSQL, so parallel runs never see each other."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = _PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in _PG_URL else "?"
    try:
        yield f"{_PG_URL}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=DATABASE_BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL per test: a temp SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    else:
        yield from _postgres_schema_url()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database at the newest revision, migrated once per test run: each
    test's database starts as a copy of it instead of running every migration again."""
    path = tmp_path_factory.mktemp("template") / "migrated.db"

    async def migrate() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            await upgrade_to_head(db)
        finally:
            await db.dispose()  # the last connection to close checkpoints the WAL into the file

    asyncio.run(migrate())
    return path


def _copy_template(database_url: str, template: Path) -> bool:
    """Start the SQLite database at *database_url* as a copy of *template*; False when it
    is not a new SQLite file."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return False
    target = Path(url.database)
    if target.exists():
        return False
    shutil.copyfile(template, target)
    return True


@pytest.fixture
async def database(database_url: str, migrated_sqlite: Path) -> AsyncIterator[Database]:
    """A migrated, empty database: a copy of the migrated template (SQLite), or a fresh
    schema brought to the newest revision (PostgreSQL)."""
    copied = await asyncio.to_thread(_copy_template, database_url, migrated_sqlite)
    db = Database(database_url)
    if not copied:
        await upgrade_to_head(db)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for tests: no .env file, the test database, one admin (id 1)."""
    for key in list(os.environ):
        if key.startswith(("TELEGRAM_", "ADMIN_", "HOLIDAYS", "REMINDER_")):
            monkeypatch.delenv(key, raising=False)
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        telegram_bot_token=TEST_TOKEN,
        database_url=database_url,
        admin_ids="1",
    )


# The Telegram harness: a fake Bot API on 127.0.0.1 and a recording transport.
from tests.support.fixtures import fake_bot_api, recording_request  # noqa: E402, F401
