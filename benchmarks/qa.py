"""Question answering benchmark: accuracy on labelled questions, latency, and scale.

Run with ``python -m benchmarks qa`` (or ``make bench``). It prints:

* for each seed plan and overall — and apart, the questions written first (the ones the
  matcher was tuned on) and those held out (written afterwards, never tuned on) —
  top-1 (the best candidate is right), answered (a confident answer that is right: what users
  feel) and top-3 (the right one among what is shown) accuracy, no-answer precision and
  recall, and how many figures were stated with confidence for the wrong target;
* answer latency p50/p95 in process on the seed plans, wall clock and CPU time;
* a synthetic knowledge base of 20.000 passages (plan 002 plus passages generated from the
  seed vocabulary with a fixed random seed): build time and memory, query latency and memory,
  accuracy on plan 002's labelled questions and on spans of random passages;
* beside each, a naive full rapidfuzz scan (``process.extract`` over every normalised text,
  WRatio and token_set_ratio), measured in the same run on the same questions.

Seed parts are skipped with a message when ../shared/seeds is absent (THIDUA_SEEDS overrides).
"""

from __future__ import annotations

import gc
import itertools
import json
import os
import random
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import ParamSpec, TypeVar

from rapidfuzz import fuzz, process

from bot.core.matcher import Answer, KnowledgeBase
from bot.core.plan import ParsedPlan, Passage, Qualifier, Target
from bot.core.synonyms import SynonymTable, tokenize
from bot.core.text import fold, words

P = ParamSpec("P")
R = TypeVar("R")

REPO = Path(__file__).resolve().parents[1]
QUESTIONS = Path(__file__).resolve().parent / "data" / "questions.json"
SCALE_BASE = "002_53c0be273c9cb1a6.txt"  # the seed plan the synthetic one is built around
SYNTHETIC_PASSAGES = 20_000
SYNTHETIC_TARGETS = 200
SPAN_QUESTIONS = 300
NAIVE_SAMPLE = 40  # the naive scan is slow at scale: timed on fewer questions
REPEATS = 20  # each seed question is timed this many times
RANDOM_SEED = 20250203
NAIVE_CUTOFF = 70.0  # the naive scan answers "none" below this rapidfuzz score (0–100)
SCORERS: tuple[tuple[str, Callable[..., float]], ...] = (
    ("WRatio", fuzz.WRatio),
    ("token_set_ratio", fuzz.token_set_ratio),
)


def seeds_dir() -> Path | None:
    """The seed documents folder, or None when it is not there."""
    override = os.environ.get("THIDUA_SEEDS")
    path = Path(override) if override else REPO.parent / "shared" / "seeds"
    return path if path.is_dir() else None


# ---------------------------------------------------------------- labelled questions


@dataclass(frozen=True)
class Question:
    """One labelled question: which plan, and what a right answer is."""

    id: str
    plan: str
    text: str
    targets: tuple[str, ...] = ()  # any of these keys is right
    section: str | None = None  # a passage in this section (prefix either way) …
    contains: tuple[str, ...] = ()  # … whose tokens contain these, in order
    none: bool = False  # the plan does not answer it
    tags: tuple[str, ...] = ()

    @property
    def held_out(self) -> bool:
        """Written after the matcher was tuned, and never tuned on."""
        return "holdout" in self.tags


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    """The labelled questions of benchmarks/data/questions.json."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out: list[Question] = []
    for item in data["questions"]:
        expect = item["expect"]
        common = {"id": item["id"], "plan": item["plan"], "text": item["question"]}
        tags = tuple(item.get("tags", ()))
        if expect == "none":
            out.append(Question(**common, none=True, tags=tags))
        elif "targets" in expect:
            out.append(Question(**common, targets=tuple(expect["targets"]), tags=tags))
        else:
            passage = expect["passage"]
            contains = tuple(tokenize(passage["contains"]))
            out.append(Question(**common, section=passage["section"], contains=contains, tags=tags))
    return out


def _contains_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    k = len(needle)
    return any(tuple(haystack[i : i + k]) == tuple(needle) for i in range(len(haystack) - k + 1))


def _section_fits(expected: str | None, actual: str) -> bool:
    if expected is None:
        return True
    return (
        actual == expected or actual.startswith(expected + ".") or expected.startswith(actual + ".")
    )


# (kind, target key, section path, passage text) of one hit.
HitInfo = tuple[str, str, str, str]


def hit_is_right(question: Question, hit: HitInfo) -> bool:
    """Whether one hit answers *question*."""
    kind, key, section, text = hit
    if question.none:
        return False
    if question.targets:
        return kind == "target" and key in question.targets
    return (
        kind == "passage"
        and _section_fits(question.section, section)
        and _contains_run(tokenize(text), question.contains)
    )


def answer_hits(answer: Answer) -> list[HitInfo]:
    """The best hit, then the other hits shown (alternatives or choices)."""
    hits = [answer.best] if answer.best is not None else []
    hits += [h for h in answer.alternatives if answer.best is None or h.id != answer.best.id]
    return [
        (
            h.kind,
            h.target.key if h.target is not None else "",
            h.section_path,
            h.passage.text if h.passage is not None else "",
        )
        for h in hits
    ]


@dataclass
class Tally:
    """Counts for one group of questions."""

    total: int = 0
    top1: int = 0
    answered: int = 0
    top3: int = 0
    none_questions: int = 0
    none_given: int = 0
    none_right: int = 0
    wrong_figures: int = 0  # a figure stated with confidence for the wrong target
    wrong_figures_on_none: int = 0
    wrong_quotes: int = 0  # a passage quoted with confidence that is not the answer
    failures: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        """Add *other*'s counts to these."""
        for f in fields(self):
            if f.name != "failures":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        self.failures += other.failures

    def line(self, label: str) -> str:
        """One line of figures."""

        def pct(n: int, d: int) -> str:
            return f"{100 * n / d:5.1f}%" if d else "    –"

        return (
            f"{label:<30} n={self.total:<4} top-1 {pct(self.top1, self.total)}  "
            f"answered {pct(self.answered, self.total)}  top-3 {pct(self.top3, self.total)}  "
            f"none P {pct(self.none_right, self.none_given)} "
            f"R {pct(self.none_right, self.none_questions)}  "
            f"confident wrong figures {self.wrong_figures} (on none: {self.wrong_figures_on_none})"
            f", quotes {self.wrong_quotes}"
        )


def judge(question: Question, answer: Answer) -> Tally:
    """Score one answer against its label."""
    tally = Tally(total=1, none_questions=int(question.none))
    hits = answer_hits(answer)
    right = [hit_is_right(question, h) for h in hits]
    if answer.kind == "none":
        tally.none_given = 1
        if question.none:
            tally.none_right = tally.top1 = tally.answered = tally.top3 = 1
    else:
        first = bool(right) and right[0]
        tally.top1 = int(first)
        tally.top3 = int(any(right[:3]))
        tally.answered = int(first and answer.kind in ("target", "passage"))
        if answer.kind == "target" and not first:
            tally.wrong_figures = 1
            tally.wrong_figures_on_none = int(question.none)
        if answer.kind == "passage" and not first:
            tally.wrong_quotes = 1
    if not tally.answered:
        shown = ", ".join(f"{kind}:{key or section}" for kind, key, section, _ in hits[:3])
        tally.failures.append(
            f"{question.id} [{question.plan[:3]}] {question.text!r} → {answer.kind} "
            f"({answer.confidence:.2f}) {shown or '-'}"
        )
    return tally


# ---------------------------------------------------------------- measuring


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) of *values*, by nearest rank."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))]


def _ms(values: Sequence[float]) -> str:
    p50, p95 = percentile(values, 50) * 1000, percentile(values, 95) * 1000
    return f"p50 {p50:6.3f} ms p95 {p95:6.3f} ms"


@dataclass
class Timings:
    """Latencies of one kind of call: wall clock, and this process's CPU time (which other
    processes on a busy machine do not inflate)."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def time(self, call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Run *call* and record how long it took."""
        wall, cpu = time.perf_counter(), time.process_time()
        result = call(*args, **kwargs)
        self.cpu.append(time.process_time() - cpu)
        self.wall.append(time.perf_counter() - wall)
        return result

    def line(self) -> str:
        return f"wall {_ms(self.wall)}; CPU {_ms(self.cpu)}"


class NaiveScan:
    """The baseline: every target and passage normalised, then rapidfuzz over all of them."""

    def __init__(self, plan: ParsedPlan) -> None:
        self.items: list[HitInfo] = [
            ("target", t.key, t.section_path, t.source_text or t.name) for t in plan.targets
        ]
        self.items += [("passage", "", p.section_path, p.text) for p in plan.passages]
        self.choices = [" ".join(words(item[3])) for item in self.items]

    def ask(self, question: str, scorer: Callable[..., float]) -> list[tuple[int, float]]:
        """The three best (item index, score) for *question*."""
        query = " ".join(words(question))
        found = process.extract(query, self.choices, scorer=scorer, limit=3, processor=None)
        return [(index, score) for _, score, index in found]

    def judge(self, question: Question, found: list[tuple[int, float]]) -> Tally:
        """Score the scan's answer like the matcher's: below the cut-off it says "none"."""
        tally = Tally(total=1, none_questions=int(question.none))
        if not found or found[0][1] < NAIVE_CUTOFF:
            tally.none_given = 1
            if question.none:
                tally.none_right = tally.top1 = tally.answered = tally.top3 = 1
            return tally
        right = [hit_is_right(question, self.items[i]) for i, _ in found]
        tally.top1 = tally.answered = int(right[0])
        tally.top3 = int(any(right))
        if self.items[found[0][0]][0] == "target" and not right[0]:
            tally.wrong_figures = 1
            tally.wrong_figures_on_none = int(question.none)
        return tally


# ---------------------------------------------------------------- seed plans


def citation_for(plan: ParsedPlan, filename: str) -> str:
    """How answers name the plan (as bot.knowledge does for stored plans)."""
    kind = "Báo cáo" if plan.kind == "bao_cao" else "Kế hoạch"
    if plan.number:
        return f"{kind} {plan.number}"
    if not plan.title:
        return f"{kind} ({filename})"
    return plan.title if fold(plan.title).startswith(fold(kind)) else f"{kind} {plan.title}"


def load_seed_plans(folder: Path, names: Sequence[str]) -> dict[str, ParsedPlan]:
    """Parse each seed document with the project's plan parser."""
    from bot.core.plan_parser import parse_plan

    plans: dict[str, ParsedPlan] = {}
    for name in names:
        path = folder / name
        if path.is_file():
            plans[name] = parse_plan(path.read_text(encoding="utf-8"), filename=name)
    return plans


def run_seed_benchmark(folder: Path, questions: list[Question], *, show_failures: bool) -> None:
    """Accuracy and latency on the labelled questions over the real seed plans."""
    names = sorted({q.plan for q in questions})
    plans = load_seed_plans(folder, names)
    synonyms = SynonymTable.builtin()
    overall, first, held = Tally(), Tally(), Tally()
    naive_tallies = {label: Tally() for label, _ in SCORERS}
    timings = Timings()
    naive_timings = {label: Timings() for label, _ in SCORERS}
    print("Accuracy on the labelled questions (benchmarks/data/questions.json):")
    for name in names:
        plan = plans.get(name)
        asked = [q for q in questions if q.plan == name]
        if plan is None:
            print(f"  {name}: not found, {len(asked)} questions skipped")
            continue
        kb = KnowledgeBase.build(plan, citation_label=citation_for(plan, name), synonyms=synonyms)
        naive = NaiveScan(plan)
        tally = Tally()
        for question in asked:
            judged = judge(question, kb.ask(question.text))
            tally.add(judged)
            (held if question.held_out else first).add(judged)
            for _ in range(REPEATS):
                timings.time(kb.ask, question.text)
            for label, scorer in SCORERS:
                found = naive_timings[label].time(naive.ask, question.text, scorer)
                naive_tallies[label].add(naive.judge(question, found))
        print("  " + tally.line(f"{name[:3]} ({len(plan.targets)} t., {len(plan.passages)} p.)"))
        overall.add(tally)
    print("  " + overall.line("all seed plans"))
    print("  " + first.line("  written first (tuned on)"))
    print("  " + held.line("  held out"))
    for label, naive_tally in naive_tallies.items():
        print("  " + naive_tally.line(f"naive {label} (≥{NAIVE_CUTOFF:.0f})"))
    print(f"Latency per question on the seed plans: {timings.line()}")
    for label, values in naive_timings.items():
        print(f"  naive {label}: {values.line()}")
    if show_failures and overall.failures:
        print("Not answered right (a choice offered, none given, or another answer):")
        for line in overall.failures:
            print("  " + line)


# ---------------------------------------------------------------- synthetic scale


_FALLBACK_TEXT = (
    "Ủy ban nhân dân xã phát động phong trào thi đua yêu nước, tổ chức thực hiện kế hoạch, "
    "tuyên truyền gương người tốt việc tốt, thẩm định hồ sơ khen thưởng, bảo hiểm y tế, "
    "nông thôn mới, chuyển đổi số, cải cách hành chính, giải quyết việc làm cho người lao động, "
    "trồng cây phân tán, phát triển chăn nuôi lợn, gia cầm, thu ngân sách nhà nước trên địa bàn."
)


def _vocabulary(folder: Path | None, exclude: str = "") -> list[str]:
    texts = [_FALLBACK_TEXT]
    if folder is not None:
        paths = (p for p in sorted(folder.glob("*.txt")) if p.name != exclude)
        texts += [p.read_text(encoding="utf-8") for p in paths]
    return [w for text in texts for w in text.split() if any(c.isalpha() for c in w)]


def synthetic_plan(
    folder: Path | None, size: int = SYNTHETIC_PASSAGES, base: ParsedPlan | None = None
) -> ParsedPlan:
    """A plan of *size* passages: those of *base* (a real seed plan, so its labelled questions
    keep their answers) and the rest generated by a word-pair chain with a fixed random seed
    from the words of the other seeds, so the text reads like the seeds without repeating
    them, nor the base plan's own sentences (distractors, not copies of the answers)."""
    rng = random.Random(RANDOM_SEED)
    vocabulary = _vocabulary(folder, exclude=SCALE_BASE if base else "")
    follows: dict[str, list[str]] = {}
    for a, b in itertools.pairwise(vocabulary):
        follows.setdefault(a, []).append(b)
    passages = list(base.passages) if base else []
    order = max((p.order for p in passages), default=-1) + 1
    while len(passages) < size:
        word = rng.choice(vocabulary)
        out = [word]
        for _ in range(rng.randint(25, 90)):
            nexts = follows.get(word)
            word = rng.choice(nexts) if nexts and rng.random() < 0.9 else rng.choice(vocabulary)
            out.append(word)
        section = f"{rng.choice(['I', 'II', 'III', 'IV'])}.{rng.randint(1, 9)}"
        passages.append(Passage(section, "", " ".join(out), order))
        order += 1
    targets = list(base.targets) if base else []
    for i in range(1, SYNTHETIC_TARGETS + 1):
        name = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(3, 8)))
        line = f"{name}: {rng.randint(1, 50_000)}"
        targets.append(Target(f"s{i}", f"s{i}", name, None, None, Qualifier.EXACT, "V.2", line))
    return ParsedPlan(
        base.title if base else "Kế hoạch tổng hợp",
        base.number if base else None,
        None,
        None,
        "ke_hoach",
        sections=base.sections if base else (),
        targets=tuple(targets),
        passages=tuple(passages),
    )


def _noisy(text: str, rng: random.Random) -> str:
    """A question as staff type it: often without diacritics, sometimes with a typo."""
    if rng.random() < 0.5:
        text = fold(text)
    if rng.random() < 0.2 and len(text) > 8:
        i = rng.randrange(len(text) - 1)
        text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text


def span_questions(plan: ParsedPlan, count: int) -> list[tuple[str, tuple[str, ...]]]:
    """(question, tokens the answering passage must contain): 4 to 8 words taken from a
    random passage, typed as staff would."""
    rng = random.Random(RANDOM_SEED + 1)
    out: list[tuple[str, tuple[str, ...]]] = []
    while len(out) < count:
        parts = rng.choice(plan.passages).text.split()
        length = rng.randint(4, 8)
        start = rng.randrange(max(1, len(parts) - length))
        span = " ".join(parts[start : start + length])
        out.append((_noisy(span, rng), tuple(tokenize(span))))
    return out


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:5.1f}%" if d else "    –"


def _build(plan: ParsedPlan) -> KnowledgeBase:
    return KnowledgeBase.build(plan, citation_label="Kế hoạch", synonyms=SynonymTable.builtin())


def run_scale_benchmark(folder: Path | None, questions: list[Question]) -> None:
    """Build and query a 20.000-passage knowledge base; compare with the naive scan."""
    base = load_seed_plans(folder, [SCALE_BASE]).get(SCALE_BASE) if folder else None
    print(f"\nSynthetic knowledge base of {SYNTHETIC_PASSAGES:_} passages".replace("_", "."))
    if base is None:
        print("  (seed documents absent: words from a built-in sample, span questions only)")
    else:
        print(f"  (plan {SCALE_BASE[:3]} and generated passages; {SCALE_BASE[:3]}'s questions)")
    plan = synthetic_plan(folder, base=base)
    gc.collect()
    started = time.perf_counter()
    kb = _build(plan)
    build_time = time.perf_counter() - started
    tracemalloc.start()  # built again under tracemalloc, which slows building down
    traced = _build(plan)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del traced
    print(
        f"  build {build_time:.2f} s; memory kept {_mb(kept)}, peak {_mb(peak)} "
        f"({kb.size} documents)"
    )
    spans = span_questions(plan, SPAN_QUESTIONS)
    labelled = [q for q in questions if base is not None and q.plan == SCALE_BASE]
    for text, _ in spans[:20]:  # warm the caches, as a running bot has them
        kb.ask(text)
    tracemalloc.start()
    for text, _ in spans[:50]:
        kb.ask(text)
    _, query_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  query memory peak {_mb(query_peak)} (over 50 questions)")

    rows: list[tuple[str, Timings, str]] = []
    timings = Timings()
    span_ok = span_ok3 = 0
    for text, needle in spans:
        answer = timings.time(kb.ask, text)
        ok = [_contains_run(tokenize(h[3]), needle) for h in answer_hits(answer)]
        span_ok += int(bool(ok) and ok[0])
        span_ok3 += int(any(ok[:3]))
    tally = Tally()
    for question in labelled:
        tally.add(judge(question, timings.time(kb.ask, question.text)))
    summary = f"spans top-1 {_pct(span_ok, len(spans))} top-3 {_pct(span_ok3, len(spans))}"
    if labelled:
        summary += (
            f"; {SCALE_BASE[:3]} questions top-1 {_pct(tally.top1, tally.total)} answered "
            f"{_pct(tally.answered, tally.total)}, wrong figures {tally.wrong_figures}"
        )
    rows.append(("matcher", timings, summary))

    naive = NaiveScan(plan)
    for label, scorer in SCORERS:
        naive_timings = Timings()
        ok1 = ok3 = 0
        sample = spans[:NAIVE_SAMPLE]
        for text, needle in sample:
            found = naive_timings.time(naive.ask, text, scorer)
            ok = [_contains_run(tokenize(naive.items[i][3]), needle) for i, _ in found]
            ok1 += int(bool(ok) and ok[0])
            ok3 += int(any(ok))
        naive_tally = Tally()
        for question in labelled[:NAIVE_SAMPLE]:
            found = naive_timings.time(naive.ask, question.text, scorer)
            naive_tally.add(naive.judge(question, found))
        summary = f"spans top-1 {_pct(ok1, len(sample))} top-3 {_pct(ok3, len(sample))}"
        if labelled:
            summary += (
                f"; {SCALE_BASE[:3]} questions top-1 "
                f"{_pct(naive_tally.top1, naive_tally.total)}, "
                f"wrong figures {naive_tally.wrong_figures}"
            )
        rows.append((f"naive {label}", naive_timings, summary))

    for label, values, summary in rows:
        print(f"  {label:<22} n={len(values.wall):<4} {values.line()}")
        print(f"  {'':<22} {summary}")
    mine_wall, mine_cpu = percentile(timings.wall, 95), percentile(timings.cpu, 95)
    for label, values, _ in rows[1:]:
        wall = percentile(values.wall, 95) / mine_wall
        cpu = percentile(values.cpu, 95) / mine_cpu
        print(f"  p95 speed-up over {label}: {wall:.1f}× wall, {cpu:.1f}× CPU")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the whole benchmark and print its figures (``--quiet``: no list of misses)."""
    args = list(argv or [])
    folder = seeds_dir()
    questions = load_questions()
    held = sum(q.held_out for q in questions)
    print(
        f"{len(questions)} labelled questions ({sum(q.none for q in questions)} not answerable, "
        f"{held} held out); machine load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    if folder is None:
        print("Seed documents not found (../shared/seeds): seed benchmarks skipped.")
    else:
        run_seed_benchmark(folder, questions, show_failures="--quiet" not in args)
    run_scale_benchmark(folder, questions)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
