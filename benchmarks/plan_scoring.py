"""Scoring the plan reader against the labelled corpus in tests/fixtures/corpus.

Shared by ``benchmarks/plans.py`` (prints the figures) and ``tests/core/test_plan_corpus.py``
(asserts floors). Each document goes through the real pipeline: the file's bytes through
:func:`bot.core.documents.extract_text`, the text through :func:`bot.core.plan_parser.parse_plan`.

What counts:

* **Targets.** The parsed targets that carry a figure, and those without figure nor parts
  (qualitative), are matched one to one with the labels. A pair counts when the figure is
  the same number (``Decimal`` equality: 1.600 = 1600), the unit is the same canonical name,
  and the names agree: rapidfuzz ``token_set_ratio`` on folded text (no case, no
  diacritics) at least :data:`NAME_THRESHOLD`. A compound line's parent that has no figure of
  its own ("Phát triển chăn nuôi" over "Trâu", "Bò") is not a target to count; its parts are.
* **Deadlines.** A labelled deadline is found when the plan's deadlines hold one of the same
  kind, day and month, and a year that agrees (the same, or missing on one side while the
  other is the plan's year).
* **Kind.** ``ParsedPlan.kind`` against the label (``ke_hoach``/``bao_cao``); also the
  document number ("15/KH-UBND", spacing and case aside) and the date of issue.
* **Messages.** Each labelled progress message goes through
  :func:`bot.core.report_parser.parse_report` and :func:`bot.reporting.decide` with a
  :class:`bot.core.matcher.KnowledgeBase` built from the parsed plan. It is *saved right*
  when every decision is a ``Ready`` and together they are exactly the labelled (target,
  value) pairs, the target being the parsed target matched to the labelled name.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from bot.core.documents import DocumentError, extract_text
from bot.core.matcher import KnowledgeBase
from bot.core.plan import ParsedPlan, PlanDeadline, Target
from bot.core.plan_parser import parse_plan
from bot.core.report_parser import parse_report
from bot.core.synonyms import SynonymTable
from bot.core.text import fold
from bot.reporting import Ready, decide

REPO = Path(__file__).resolve().parents[1]
CORPUS_DIR = REPO / "tests" / "fixtures" / "corpus"
NAME_THRESHOLD = 80.0

# --------------------------------------------------------------------------- labels


@dataclass(frozen=True, slots=True)
class ExpectedTarget:
    name: str
    figure: Decimal | None  # None: a qualitative target
    unit: str | None
    qualifier: str | None = None  # checked only where labelled (Qualifier value)

    def describe(self) -> str:
        if self.figure is None:
            return f"«{self.name}» (không số liệu)"
        return f"«{self.name}» {self.figure} {self.unit}"


@dataclass(frozen=True, slots=True)
class ExpectedDeadline:
    kind: str
    day: int
    month: int
    year: int | None

    def describe(self) -> str:
        year = f"/{self.year}" if self.year else ""
        return f"{self.kind} {self.day}/{self.month}{year}"


@dataclass(frozen=True, slots=True)
class ExpectedMessage:
    text: str
    expect: tuple[tuple[str, Decimal], ...]  # (expected target name, value in its unit)


@dataclass(frozen=True, slots=True)
class CorpusDocument:
    id: str
    path: Path
    format: str
    layout: str
    held_out: bool
    kind: str
    year: int | None
    targets: tuple[ExpectedTarget, ...]
    deadlines: tuple[ExpectedDeadline, ...]
    messages: tuple[ExpectedMessage, ...]
    number: str | None = None  # "15/KH-UBND"; None when the document leaves it blank
    issued_on: date | None = None

    @property
    def is_plan(self) -> bool:
        return self.kind == "ke_hoach"


def _target(raw: dict[str, Any]) -> ExpectedTarget:
    figure = raw["figure"]
    return ExpectedTarget(
        raw["name"],
        Decimal(figure) if figure is not None else None,
        raw["unit"],
        raw.get("qualifier"),
    )


def _document(raw: dict[str, Any], directory: Path) -> CorpusDocument:
    return CorpusDocument(
        id=raw["id"],
        path=directory / raw["file"],
        format=raw["format"],
        layout=raw["layout"],
        held_out=bool(raw["held_out"]),
        kind=raw["kind"],
        year=raw["year"],
        targets=tuple(_target(t) for t in raw["targets"]),
        deadlines=tuple(
            ExpectedDeadline(d["kind"], d["day"], d["month"], d["year"]) for d in raw["deadlines"]
        ),
        messages=tuple(
            ExpectedMessage(
                m["text"], tuple((e["target"], Decimal(e["value"])) for e in m["expect"])
            )
            for m in raw["messages"]
        ),
        number=raw.get("number"),
        issued_on=date.fromisoformat(raw["issued_on"]) if raw.get("issued_on") else None,
    )


def load_corpus(directory: Path = CORPUS_DIR) -> list[CorpusDocument]:
    """The labelled documents of the corpus, in file order."""
    data = json.loads((directory / "expected.json").read_text(encoding="utf-8"))
    return [_document(raw, directory) for raw in data["documents"]]


# --------------------------------------------------------------------------- matching


def name_score(expected: str, found: str) -> float:
    """0–100: how well a parsed name agrees with a labelled one (folded token sets)."""
    return float(fuzz.token_set_ratio(fold(expected), fold(found)))


def scorable_targets(plan: ParsedPlan) -> list[Target]:
    """The parsed targets that count: those with a figure, and qualitative ones (no figure,
    no parts). A compound line's figureless parent is left out: its parts count."""
    parents = {t.parent_key for t in plan.targets if t.parent_key is not None}
    return [t for t in plan.targets if t.value is not None or t.key not in parents]


def _same_figure(expected: ExpectedTarget, found: Target) -> bool:
    if expected.figure is None:
        return found.value is None
    if found.value is None:
        return False
    return expected.figure == found.value and expected.unit == found.measure


@dataclass(frozen=True, slots=True)
class TargetMatching:
    pairs: tuple[tuple[ExpectedTarget, Target, float], ...]
    missing: tuple[ExpectedTarget, ...]
    extra: tuple[Target, ...]

    def found_for(self, name: str) -> Target | None:
        """The parsed target matched to the labelled target *name*."""
        return next((found for exp, found, _ in self.pairs if exp.name == name), None)


def match_targets(
    expected: tuple[ExpectedTarget, ...] | list[ExpectedTarget], found: list[Target]
) -> TargetMatching:
    """One-to-one pairs of labelled and parsed targets, best names first."""
    candidates = sorted(
        (
            (name_score(exp.name, got.name), i, j)
            for i, exp in enumerate(expected)
            for j, got in enumerate(found)
            if _same_figure(exp, got)
        ),
        key=lambda c: (-c[0], c[1], c[2]),
    )
    used_expected: set[int] = set()
    used_found: set[int] = set()
    pairs: list[tuple[int, int, float]] = []
    for score, i, j in candidates:
        if score < NAME_THRESHOLD or i in used_expected or j in used_found:
            continue
        used_expected.add(i)
        used_found.add(j)
        pairs.append((i, j, score))
    pairs.sort()
    return TargetMatching(
        pairs=tuple((expected[i], found[j], score) for i, j, score in pairs),
        missing=tuple(e for i, e in enumerate(expected) if i not in used_expected),
        extra=tuple(t for j, t in enumerate(found) if j not in used_found),
    )


def _years_agree(expected: int | None, found: int | None, plan_year: int | None) -> bool:
    if expected == found:
        return True
    if expected is None:
        return found == plan_year
    return found is None and expected == plan_year


def deadline_found(
    expected: ExpectedDeadline, found: tuple[PlanDeadline, ...], plan_year: int | None
) -> bool:
    return any(
        d.kind == expected.kind
        and d.day == expected.day
        and d.month == expected.month
        and _years_agree(expected.year, d.year, plan_year)
        for d in found
    )


# --------------------------------------------------------------------------- scoring


@dataclass
class MessageResult:
    message: ExpectedMessage
    right: bool
    got: str  # what decide answered, for the failure list


@dataclass
class DocumentScore:
    document: CorpusDocument
    plan: ParsedPlan | None
    error: str | None = None  # the reader refused the file
    matching: TargetMatching | None = None
    found_count: int = 0
    qualifiers_right: int = 0
    qualifiers_labelled: int = 0
    deadlines_found: int = 0
    deadlines_extra: int = 0
    messages: list[MessageResult] = field(default_factory=list)

    @property
    def kind_found(self) -> str | None:
        return self.plan.kind if self.plan is not None else None

    @property
    def kind_right(self) -> bool:
        return self.kind_found == self.document.kind

    @property
    def number_right(self) -> bool:
        """The document number as labelled (spacing and case aside; None when blank)."""
        found = self.plan.number if self.plan else None
        return _number_key(found) == _number_key(self.document.number)

    @property
    def issued_on_right(self) -> bool:
        return (self.plan.issued_on if self.plan else None) == self.document.issued_on

    @property
    def expected_count(self) -> int:
        return len(self.document.targets)

    @property
    def matched(self) -> int:
        return len(self.matching.pairs) if self.matching else 0

    @property
    def precision(self) -> float:
        return ratio(self.matched, self.found_count, empty=1.0 if not self.expected_count else 0.0)

    @property
    def recall(self) -> float:
        return ratio(self.matched, self.expected_count, empty=1.0)

    @property
    def f1(self) -> float:
        return f1(self.precision, self.recall)

    @property
    def messages_right(self) -> int:
        return sum(m.right for m in self.messages)

    def diff(self) -> str:
        """Missing and extra targets, deadlines not found, messages not saved right."""
        lines: list[str] = []
        if self.error:
            lines.append(f"  không đọc được tệp: {self.error}")
        if not self.number_right:
            found = self.plan.number if self.plan else None
            lines.append(f"  số hiệu: đọc {found!r}, đúng ra {self.document.number!r}")
        if not self.issued_on_right:
            found_on = self.plan.issued_on if self.plan else None
            lines.append(f"  ngày ban hành: đọc {found_on}, đúng ra {self.document.issued_on}")
        if self.matching:
            lines += [f"  thiếu: {e.describe()}" for e in self.matching.missing]
            lines += [f"  thừa:  {describe_target(t)}" for t in self.matching.extra]
        plan_deadlines = self.plan.deadlines if self.plan else ()
        year = self.plan.year if self.plan else None
        lines += [
            f"  hạn chưa đọc: {d.describe()}"
            for d in self.document.deadlines
            if not deadline_found(d, plan_deadlines, year)
        ]
        lines += [f"  tin nhắn «{m.message.text}» → {m.got}" for m in self.messages if not m.right]
        return "\n".join(lines)


def _number_key(number: str | None) -> str | None:
    return "".join(fold(number).split()) if number else None


def ratio(part: int, whole: int, *, empty: float) -> float:
    return part / whole if whole else empty


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def describe_target(target: Target) -> str:
    figure = f"{target.value} {target.measure or ''}".strip() if target.value is not None else "—"
    return f"[{target.key}] «{target.name}» {figure}"


def read_plan(document: CorpusDocument) -> ParsedPlan:
    """The document through the real reader: bytes → text → parsed plan."""
    text = extract_text(document.path.read_bytes(), document.path.name)
    return parse_plan(text, filename=document.path.name)


def _message_result(
    message: ExpectedMessage, knowledge: KnowledgeBase, matching: TargetMatching
) -> MessageResult:
    decisions = decide(parse_report(message.text), knowledge)
    got = ", ".join(_describe_decision(d) for d in decisions) or "không có quyết định nào"
    if not decisions or not all(isinstance(d, Ready) for d in decisions):
        return MessageResult(message, False, got)
    wanted: Counter[tuple[str, Decimal]] = Counter()
    for name, value in message.expect:
        target = matching.found_for(name)
        if target is None:
            return MessageResult(message, False, f"{got} (chỉ tiêu «{name}» chưa được đọc)")
        wanted[(target.key, value.normalize())] += 1
    saved = Counter((d.target.key, d.value.normalize()) for d in decisions if isinstance(d, Ready))
    return MessageResult(message, saved == wanted, got)


def _describe_decision(decision: object) -> str:
    name = type(decision).__name__
    if isinstance(decision, Ready):
        return f"Ready([{decision.target.key}] {decision.target.name} = {decision.value})"
    return name


def score_document(document: CorpusDocument) -> DocumentScore:
    """Everything measured on one document."""
    try:
        plan = read_plan(document)
    except DocumentError as exc:
        return DocumentScore(document, None, error=exc.message_vi)
    score = DocumentScore(document, plan)
    if document.is_plan:
        found = scorable_targets(plan)
        score.found_count = len(found)
        score.matching = match_targets(document.targets, found)
        labelled = [(e, t) for e, t, _ in score.matching.pairs if e.qualifier is not None]
        score.qualifiers_labelled = len(labelled)
        score.qualifiers_right = sum(t.qualifier.value == e.qualifier for e, t in labelled)
    score.deadlines_found = sum(
        deadline_found(d, plan.deadlines, plan.year) for d in document.deadlines
    )
    score.deadlines_extra = max(0, len(plan.deadlines) - score.deadlines_found)
    if document.messages and score.matching is not None:
        knowledge = KnowledgeBase.build(
            plan, citation_label=document.path.name, synonyms=SynonymTable.builtin()
        )
        score.messages = [_message_result(m, knowledge, score.matching) for m in document.messages]
    return score


# --------------------------------------------------------------------------- seeds


def seeds_dir() -> Path | None:
    """The real seed documents (../shared/seeds; THIDUA_SEEDS overrides), if present."""
    override = os.environ.get("THIDUA_SEEDS")
    for path in (Path(override) if override else None, REPO.parent / "shared" / "seeds"):
        if path is not None and path.is_dir():
            return path
    return None


# What the seed plans hold (see ../shared/seeds/README.md): how many numbered targets, and the
# figures of every target with compound lines split into their parts, as (figure, unit);
# (None, None) for a target without a figure. Only figures are labelled here: the seeds'
# wording stays out of the project.
@dataclass(frozen=True, slots=True)
class SeedPlan:
    numbered: int
    figures: tuple[tuple[str | None, str | None], ...]


SEED_PLANS = {
    "001_0b34b95b63e585f0.txt": SeedPlan(
        14,
        (
            ("2210", "tấn"), ("1790", "tấn"), ("255", "tấn"), ("1450", "tấn"),
            ("58000", "cây"), ("710", "con"), ("5500", "con"), ("380", "con"),
            ("410000", "con"), ("2750", "tấn"), ("2.32", "%"), ("1", "%"), ("1600", "hộ"),
            ("9", "bản"), ("10.2", "%"), ("120", "người"), ("99.2", "%"),
            ("6832510000", "đồng"),
        ),
    ),
    "002_53c0be273c9cb1a6.txt": SeedPlan(
        22,
        (
            ("28603.61", "tỷ đồng"), ("9.48", "%"), ("10.49", "%"), ("37.52", "%"),
            ("51.99", "%"), ("100", "%"), ("35.58", "%"), ("8", "m2/người"), ("68.97", "%"),
            ("85", "%"), ("100", "%"), ("1", "xã"), ("1", "xã"), (None, None), ("1", "trường"),
            ("81.69", "%"), ("1600", "người"), ("51", "%"), ("0.77", "%"), ("0.79", "%"),
            ("5.9", "%"), ("85", "%"), ("96", "%"), ("100", "%"), ("95", "%"), ("100", "%"),
            (None, None), ("85", "%"), ("1740", "giấy"), ("60", "triệu đồng/người/năm"),
        ),
    ),
}  # fmt: skip


def _figure_key(value: Decimal | None, unit: str | None) -> tuple[Decimal | None, str | None]:
    return (value.normalize() if value is not None else None, unit)


def seed_figures_matched(plan: ParsedPlan, seed: SeedPlan) -> tuple[int, int, int]:
    """(matched, found, expected): the plan's targets against the seed's labelled figures,
    compared as multisets of (figure, unit)."""
    expected = Counter(
        _figure_key(Decimal(f) if f is not None else None, u) for f, u in seed.figures
    )
    found = Counter(_figure_key(t.value, t.measure) for t in scorable_targets(plan))
    matched = sum((expected & found).values())
    return matched, sum(found.values()), sum(expected.values())
