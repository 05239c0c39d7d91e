"""What one update costs: SQL statements, transactions committed, and project files crossed.

:func:`measure` hooks SQLAlchemy's engine events (every statement sent, every COMMIT) and a
profile function that notes each project file whose code runs, while one update goes
through ``Application.process_update``. Used by ``tests/test_update_cost.py`` to hold the
progress-report path to one transaction, and printed for the maintainers' notes.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy import event

from storage.db import Database

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage", "reminders")


@dataclass
class UpdateCost:
    """Counts gathered while the ``measure`` block ran."""

    statements: list[str] = field(default_factory=list)
    commits: int = 0
    rollbacks: int = 0
    files: set[str] = field(default_factory=set)

    @property
    def packages(self) -> set[str]:
        """The project packages the files belong to."""
        return {name.split("/", 1)[0] for name in self.files}

    def summary(self) -> str:
        return (
            f"{len(self.files)} files in {len(self.packages)} packages, "
            f"{self.commits} commits, {len(self.statements)} statements"
        )


def _project_file(filename: str) -> str | None:
    try:
        relative = Path(filename).resolve().relative_to(REPO)
    except ValueError:
        return None
    return relative.as_posix() if relative.parts[0] in PACKAGES else None


@asynccontextmanager
async def measure(db: Database) -> AsyncIterator[UpdateCost]:
    """Count what runs inside the block against *db*."""
    cost = UpdateCost()
    seen: dict[str, str | None] = {}

    def on_statement(*args: Any) -> None:
        statement = args[2]
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE")):
            cost.statements.append(statement)

    def on_commit(_conn: Any) -> None:
        cost.commits += 1

    def on_rollback(_conn: Any) -> None:
        cost.rollbacks += 1

    def profile(frame: FrameType, what: str, _arg: Any) -> None:
        if what != "call":
            return
        filename = frame.f_code.co_filename
        if filename not in seen:
            seen[filename] = _project_file(filename)
        project = seen[filename]
        if project is not None:
            cost.files.add(project)

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "commit", on_commit)
    event.listen(engine, "rollback", on_rollback)
    previous = sys.getprofile()
    sys.setprofile(profile)
    threading.setprofile(profile)
    try:
        yield cost
    finally:
        sys.setprofile(previous)
        threading.setprofile(None)
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "commit", on_commit)
        event.remove(engine, "rollback", on_rollback)
