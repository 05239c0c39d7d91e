"""Who did something, where: the entry the audit log keeps for a change an officer made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage import users


@dataclass(frozen=True)
class Origin:
    """The sender, chat and message a change came from (None where unknown)."""

    actor: int | None
    chat: int | None
    message_id: int | None

    async def audit(self, session: AsyncSession, action: str, **detail: Any) -> None:
        """Append the audit entry for *action* in the caller's transaction."""
        await users.audit(
            session,
            action,
            actor=self.actor,
            chat=self.chat,
            message_id=self.message_id,
            **detail,
        )
