"""The use case behind /hoi's buttons, /cauhoi and /tuvung (bot/questions.py), without
Telegram: "Không phải" records the question once, for the asker and the plan asked."""

from __future__ import annotations

from datetime import UTC, datetime

from bot import questions
from bot.questions import Asker, OpenQuestion, Synonym
from storage.db import Database
from tests.test_plans_storage import _save, sample_plan

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
AN = Asker(user_id=5, chat_id=5)


async def test_none_of_the_choices_records_the_question_once_for_its_asker(
    database: Database,
) -> None:
    plan_id = (await _save(database, sample_plan())).plan.id
    async with database.session() as session:
        kept = await questions.offer_choices(
            session, "Cờ thi đua xét thế nào", plan_id, AN, now=NOW
        )
    async with database.session() as session:
        other = Asker(user_id=6, chat_id=6)
        assert not await questions.reject_choices(session, kept, plan_id, other, now=NOW)
        # Asked of another plan: answered (void), nothing recorded.
        assert not await questions.reject_choices(session, kept, plan_id + 1, AN, now=NOW)
    async with database.session() as session:
        assert await questions.open_questions(session) == []
    async with database.session() as session:
        kept = await questions.offer_choices(
            session, "Cờ thi đua xét thế nào", plan_id, AN, now=NOW
        )
        assert await questions.reject_choices(session, kept, plan_id, AN, now=NOW)
        assert not await questions.reject_choices(session, kept, plan_id, AN, now=NOW)
    async with database.session() as session:
        assert await questions.open_questions(session) == [
            OpenQuestion("Cờ thi đua xét thế nào", 1)
        ]


async def test_a_question_asked_twice_is_one_line_with_its_count(database: Database) -> None:
    plan_id = (await _save(database, sample_plan())).plan.id
    async with database.session() as session:
        await questions.record_unanswered(session, "Ai chấm điểm?", plan_id, AN)
        await questions.record_unanswered(session, "ai cham diem", plan_id, Asker(None, None))
    async with database.session() as session:
        [line] = await questions.open_questions(session)
    assert line.count == 2


async def test_synonyms_are_taught_listed_and_forgotten(database: Database) -> None:
    async with database.session() as session:
        await questions.teach_synonym(session, "sổ đỏ", "giấy chứng nhận quyền sử dụng đất", 5)
    async with database.session() as session:
        assert await questions.synonyms(session) == [  # kept folded, as it is matched
            Synonym("so do", "giấy chứng nhận quyền sử dụng đất")
        ]
        assert await questions.forget_synonym(session, "SỔ ĐỎ")
        assert not await questions.forget_synonym(session, "sổ đỏ")
    async with database.session() as session:
        assert await questions.synonyms(session) == []
