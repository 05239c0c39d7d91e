"""The labelled conversation cases (benchmarks/data/conversations.json) as a floor: no reply
given with confidence that is wrong, no input left without a usable reply, on the corpus plans
always and on the seed plans where they are present."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.conversations import Case, Tally, judge, load_cases, load_plan
from bot.core.answers import render_answer
from bot.core.matcher import KnowledgeBase
from bot.core.signature import find_signer
from bot.core.synonyms import SynonymTable


def _run(cases: list[Case]) -> Tally:
    tally = Tally()
    synonyms = SynonymTable.builtin()
    for name in dict.fromkeys(c.plan for c in cases):
        loaded = load_plan(name)
        assert loaded is not None, name
        plan, text = loaded
        kb = KnowledgeBase.build(
            plan, citation_label="Kế hoạch", synonyms=synonyms, signer=find_signer(text)
        )
        for case in (c for c in cases if c.plan == name):
            answer = kb.ask(case.text)
            tally.add(judge(case, answer, render_answer(answer)))
    return tally


def test_the_cases_are_labelled_as_documented() -> None:
    cases = load_cases()
    assert len({c.id for c in cases}) == len(cases)
    assert {c.expect for c in cases} == {"answer", "ask", "refuse"}
    assert sum(c.plan.startswith("corpus/") for c in cases) >= 40
    held_out = ("c04_", "c06_", "c16_", "c32_", "c33_")  # never read while developing
    assert not any(c.plan.split("/")[-1].startswith(held_out) for c in cases)


def test_corpus_conversations_have_no_confident_wrong_reply() -> None:
    tally = _run([c for c in load_cases() if c.plan.startswith("corpus/")])
    assert tally.total >= 40
    assert tally.confident_wrong == 0, tally.failures
    assert tally.unanswered == 0, tally.failures
    assert tally.not_routed == 0, tally.failures
    assert tally.right >= tally.total - 2, tally.failures


@pytest.mark.seeds
def test_seed_conversations_have_no_confident_wrong_reply(
    seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THIDUA_SEEDS", str(seeds_dir))
    tally = _run([c for c in load_cases() if c.plan.startswith("seeds/")])
    assert tally.total >= 40
    assert tally.confident_wrong == 0, tally.failures
    assert tally.unanswered == 0, tally.failures
    assert tally.right >= tally.total - 3, tally.failures
