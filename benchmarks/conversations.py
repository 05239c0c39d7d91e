"""Conversation benchmark: what officers type, and whether each reply can be trusted.

Run with ``python -m benchmarks conversations`` (part of ``make bench``). Each labelled case of
benchmarks/data/conversations.json is an input typed to the bot about one plan (a seed plan in
../shared/seeds, or a plan of the corpus tests/fixtures/corpus) with what a right reply is:

* ``answer``: a target (by key), a passage (section, and words the *quoted* text must hold, so
  a quote cut just before the answer fails) or a statement about the document (signer, issuer);
* ``ask``: the input is ambiguous, choices are expected (optionally among them given targets);
* ``refuse``: the plan does not say; the reply must say so plainly (optionally with given words).

It prints, per plan and overall, how many replies were right, and the two counts that matter
most: **confident wrong** (a figure, a quote or a statement given without asking that is not
the right one, or given where the plan says nothing) and **unanswered** (an input that gets
no usable reply: "none" where the plan has the answer, or an empty or overlong message).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.qa import citation_for, seeds_dir
from bot.core.answers import render_answer
from bot.core.documents import extract_text
from bot.core.matcher import Answer, Hit, KnowledgeBase
from bot.core.plan import ParsedPlan
from bot.core.questions import looks_like_question
from bot.core.report_parser import has_figure
from bot.core.signature import find_signer
from bot.core.synonyms import SynonymTable, tokenize

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "data" / "conversations.json"
CORPUS = REPO / "tests" / "fixtures" / "corpus"
TELEGRAM_LIMIT = 4096


@dataclass(frozen=True)
class Case:
    """One labelled input."""

    id: str
    plan: str  # "seeds/002_….txt" or "corpus/c08_….txt"
    text: str
    expect: str  # "answer", "ask" or "refuse"
    targets: tuple[str, ...] = ()
    section: str | None = None
    contains: str = ""  # words the quoted excerpt (or the statement) must hold
    says: str = ""  # words the reply must hold
    tags: tuple[str, ...] = ()  # "later": labelled before the bot was ever run on it


def load_cases(path: Path = CASES) -> list[Case]:
    """The labelled cases of benchmarks/data/conversations.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[Case] = []
    for item in data["cases"]:
        ((expect, detail),) = item["expect"].items()
        out.append(
            Case(
                id=item["id"],
                plan=item["plan"],
                text=item["input"],
                expect=expect,
                targets=tuple(detail.get("targets", ())),
                section=detail.get("section"),
                contains=detail.get("contains", ""),
                says=detail.get("says", ""),
                tags=tuple(item.get("tags", ())),
            )
        )
    return out


def load_plan(name: str) -> tuple[ParsedPlan, str] | None:
    """The parsed plan and its text, or None when the document is absent."""
    from bot.core.plan_parser import parse_plan

    where, _, filename = name.partition("/")
    folder = seeds_dir() if where == "seeds" else CORPUS
    if folder is None or not (folder / filename).is_file():
        return None
    path = folder / filename
    text = extract_text(path.read_bytes(), path.name)
    return parse_plan(text, filename=path.name), text


def _holds(text: str, words: str) -> bool:
    """Whether *text* holds *words* in order (matching tokens: no case, no marks)."""
    needle = tokenize(words)
    hay = tokenize(text)
    k = len(needle)
    return any(hay[i : i + k] == needle for i in range(len(hay) - k + 1))


def _section_fits(expected: str | None, actual: str) -> bool:
    if expected is None:
        return True
    return actual == expected or actual.startswith(expected + ".")


def hit_is_right(case: Case, hit: Hit) -> bool:
    """Whether *hit* is what *case* expects."""
    if case.targets:
        return hit.target is not None and hit.target.key in case.targets
    if hit.kind != "passage" or not _section_fits(case.section, hit.section_path):
        return False
    return not case.contains or _holds(hit.excerpt, case.contains)


@dataclass
class Tally:
    """Counts for one group of cases."""

    total: int = 0
    right: int = 0
    confident_wrong: int = 0
    unanswered: int = 0
    not_routed: int = 0  # with a figure and not read as a question: taken for a report
    by_label: dict[str, list[int]] = field(default_factory=dict)  # label: [right, total]
    failures: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Add *other*'s counts to these."""
        self.total += other.total
        self.right += other.right
        self.confident_wrong += other.confident_wrong
        self.unanswered += other.unanswered
        self.not_routed += other.not_routed
        for label, (r, t) in other.by_label.items():
            mine = self.by_label.setdefault(label, [0, 0])
            mine[0] += r
            mine[1] += t
        self.failures += other.failures

    def line(self, label: str) -> str:
        """One line of figures."""
        parts = "  ".join(f"{name} {r}/{t}" for name, (r, t) in sorted(self.by_label.items()) if t)
        return (
            f"{label:<34} n={self.total:<4} right {self.right}/{self.total}  ({parts})  "
            f"confident wrong {self.confident_wrong}  unanswered {self.unanswered}  "
            f"taken for a report {self.not_routed}"
        )


def judge(case: Case, answer: Answer, reply: str) -> Tally:
    """Score one reply against its label."""
    tally = Tally(total=1, by_label={case.expect: [0, 1]})
    confident = answer.kind in ("target", "passage")
    stated = answer.kind == "about"
    right = False
    if not reply.strip() or len(reply) > TELEGRAM_LIMIT:
        tally.unanswered = 1
    elif case.expect == "answer":
        if stated:
            right = _holds(answer.about, case.contains or case.says)
            tally.confident_wrong = int(not right)
        elif confident and answer.best is not None:
            right = hit_is_right(case, answer.best)
            tally.confident_wrong = int(not right)
        elif answer.kind == "none":
            tally.unanswered = 1
    elif case.expect == "ask":
        if answer.kind == "choices":
            right = not case.targets or any(hit_is_right(case, h) for h in answer.alternatives)
        elif confident and answer.best is not None and case.targets:
            tally.confident_wrong = int(not hit_is_right(case, answer.best))
        elif answer.kind == "none":
            tally.unanswered = 1
    else:  # refuse
        if confident:
            tally.confident_wrong = 1
        elif answer.kind in ("none", "about"):
            right = not case.says or _holds(reply, case.says)
            tally.confident_wrong = int(stated and not right)
    if right:
        tally.right = 1
        tally.by_label[case.expect][0] = 1
    if has_figure(case.text) and not looks_like_question(case.text):
        tally.not_routed = 1  # in a private chat it would be taken for a progress report
    if not right:
        shown = answer.best.id if answer.best is not None else "-"
        tally.failures.append(
            f"{case.id} [{case.plan.split('/')[-1][:3]}] {case.text!r}: expected {case.expect}, "
            f"got {answer.kind} {shown}"
            + (" (CONFIDENT WRONG)" if tally.confident_wrong else "")
            + (" (UNANSWERED)" if tally.unanswered else "")
        )
    return tally


def run(cases: Sequence[Case], *, show_failures: bool) -> Tally:
    """Ask every case of every plan present; print the figures; return the overall tally."""
    synonyms = SynonymTable.builtin()
    overall, later = Tally(), Tally()
    for name in dict.fromkeys(c.plan for c in cases):
        asked = [c for c in cases if c.plan == name]
        loaded = load_plan(name)
        if loaded is None:
            print(f"  {name}: not found, {len(asked)} cases skipped")
            continue
        plan, text = loaded
        kb = KnowledgeBase.build(
            plan,
            citation_label=citation_for(plan, name.split("/")[-1]),
            synonyms=synonyms,
            signer=find_signer(text),
        )
        tally = Tally()
        for case in asked:
            answer = kb.ask(case.text)
            judged = judge(case, answer, render_answer(answer))
            tally.add(judged)
            if "later" in case.tags:
                later.add(judged)
        print("  " + tally.line(name.split("/")[-1][:30]))
        overall.add(tally)
    print("  " + overall.line("all plans"))
    print("  " + later.line("  written later (never tuned on)"))
    if show_failures and overall.failures:
        print("Not right:")
        for line in overall.failures:
            print("  " + line)
    return overall


def main(argv: Sequence[str] | None = None) -> None:
    """Run the conversation benchmark (``--quiet``: no list of misses)."""
    args = list(argv or [])
    cases = load_cases()
    labels = {e: sum(c.expect == e for c in cases) for e in ("answer", "ask", "refuse")}
    plans = len({c.plan for c in cases})
    print(
        f"{len(cases)} labelled conversation cases over {plans} plans "
        f"({', '.join(f'{n} {e}' for e, n in labels.items())}); "
        f"machine load {os.getloadavg()[0]:.2f}"
    )
    if seeds_dir() is None:
        print("Seed documents not found (../shared/seeds, or THIDUA_SEEDS): seed cases skipped.")
    run(cases, show_failures="--quiet" not in args)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
