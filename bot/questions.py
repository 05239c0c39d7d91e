"""Questions about the plan, the use case behind handlers/questions.py: the questions the
bot could not answer (kept for the officer), the question "Không phải" records, and the
synonyms admins teach. Plain functions on the update's session; no Telegram here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import callbacks
from bot.callbacks import UnansweredChoice
from storage import plans


@dataclass(frozen=True)
class Asker:
    """Who asked, and where (ids as Telegram gives them; None when it does not say)."""

    user_id: int | None
    chat_id: int | None


@dataclass(frozen=True)
class OpenQuestion:
    """A question the bot could not answer, as admins see it: its text and how often."""

    text: str
    count: int


@dataclass(frozen=True)
class Synonym:
    """A phrase an admin taught, and what it means in the plan."""

    phrase: str
    expansion: str


async def offer_choices(
    session: AsyncSession, question: str, plan_id: int, asker: Asker, *, now: datetime
) -> int:
    """Keep *question*, answered with close matches from plan *plan_id*, for the "Không
    phải" button to record; the id that button carries."""
    return await callbacks.ask(
        session,
        UnansweredChoice(question=question, plan_id=plan_id),
        chat_id=asker.chat_id or 0,
        user_id=asker.user_id or 0,
        now=now,
    )


async def record_unanswered(
    session: AsyncSession, question: str, plan_id: int, asker: Asker
) -> None:
    """Keep *question*, which plan *plan_id* did not answer, for the officer (/cauhoi)."""
    await plans.record_unanswered(
        session, question, plan_id=plan_id, asked_by=asker.user_id, chat_id=asker.chat_id
    )


async def reject_choices(
    session: AsyncSession, pending_id: int, plan_id: int, asker: Asker, *, now: datetime
) -> bool:
    """ "Không phải": record the question kept as *pending_id*; False when there is nothing
    to record (pressed already, by someone else, or asked of another plan)."""
    if asker.user_id is None:
        return False
    kept = await callbacks.answer(
        session, UnansweredChoice, pending_id, user_id=asker.user_id, now=now
    )
    if kept is None or kept.plan_id != plan_id:
        return False
    await record_unanswered(session, kept.question, plan_id, asker)
    return True


async def open_questions(session: AsyncSession, limit: int = 20) -> list[OpenQuestion]:
    """The questions the bot could not answer, those reading the same as one, newest first."""
    return [OpenQuestion(g.text, g.count) for g in await plans.list_unanswered(session, limit)]


async def synonyms(session: AsyncSession) -> list[Synonym]:
    """Every synonym admins taught, by phrase."""
    return [Synonym(row.phrase, row.expansion) for row in await plans.list_synonyms(session)]


async def teach_synonym(
    session: AsyncSession, phrase: str, expansion: str, added_by: int | None
) -> None:
    """Teach that *phrase* means *expansion* (raises InvalidInput for empty or too long)."""
    await plans.add_synonym(session, phrase, expansion, added_by)


async def forget_synonym(session: AsyncSession, phrase: str) -> bool:
    """Forget *phrase*; False when it was not taught."""
    return await plans.remove_synonym(session, phrase)
