"""The labelled conversation cases of benchmarks/data/reply_cases.json (python -m benchmarks
replies) through the real application: every input answered, the right kind of answer, and
not one figure recorded on a guess — no slack on any of them."""

from __future__ import annotations

from benchmarks.replies import load_cases, run_cases
from bot.config import Settings
from storage.db import Database
from tests.support.driver import running_bot


async def test_every_labelled_input_gets_the_right_kind_of_answer(
    settings: Settings, database: Database
) -> None:
    cases = load_cases()
    assert {c.expect for c in cases} == {"save", "ask", "reply"}
    async with running_bot(settings, database) as bot:
        results = await run_cases(bot, cases)
    assert [r.case.text for r in results if r.got == "none"] == []  # unanswered
    assert [r.case.text for r in results if r.confident_wrong] == []
    assert [(r.case.text, r.got, r.answer[:80]) for r in results if not r.right] == []
