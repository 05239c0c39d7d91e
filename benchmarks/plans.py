"""Plan reading benchmark: targets, deadlines, kind and progress messages on the corpus.

Run with ``python -m benchmarks plans`` (or ``make bench``); ``python -m benchmarks.plans -v``
also lists, per document, the targets missed and the ones read wrongly, the deadlines not
found and the progress messages not saved right — for the documents one may develop on only:
the held-out ones keep their details to themselves unless ``--all`` is given too (they
measure whether the reader generalises; reading their misses turns them into seen ones).
``--floors`` prints today's figures as the floors table of tests/core/test_plan_corpus.py.
It prints:

* per document of ``tests/fixtures/corpus`` (see its ``expected.json``): format, whether it is
  held out, the kind read, whether its number and date of issue were read right, target
  precision, recall and F1 (a target counts when figure, unit and name match, see
  :mod:`benchmarks.plan_scoring`), labelled qualifiers read right,
  deadlines found, and labelled progress messages saved against the right target with the
  right value, end to end;
* totals for the documents the parser may be developed on ("seen"), for the held-out ones
  and for all: micro-averaged precision, recall, F1 (targets pooled), the mean of the
  per-document F1, and messages saved right;
* the seed plans 001 and 002 (when ../shared/seeds is there): numbered targets read against
  the 14 and 22 they hold, and, compound lines split into parts, precision and recall of the
  (figure, unit) pairs read against the ones they hold (only figures are labelled for the
  seeds, not their wording).
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Sequence

from benchmarks.plan_scoring import (
    SEED_PLANS,
    DocumentScore,
    f1,
    load_corpus,
    ratio,
    score_document,
    seed_figures_matched,
    seeds_dir,
)
from bot.core.plan_parser import parse_plan


def _row(score: DocumentScore) -> str:
    doc = score.document
    flag = "H" if doc.held_out else "S"
    kind = f"{score.kind_found or '—'}{'' if score.kind_right else '✗'}"
    if doc.is_plan:
        targets = (
            f"{score.matched:>3}/{score.expected_count:<3} tìm {score.found_count:>3}  "
            f"P {score.precision:5.1%} R {score.recall:5.1%} F1 {score.f1:5.1%}"
        )
    else:
        targets = f"(báo cáo: {score.found_count} chỉ tiêu không tính)".ljust(48)
    quals = (
        f"{score.qualifiers_right}/{score.qualifiers_labelled}"
        if score.qualifiers_labelled
        else "—"
    )
    deadlines = f"{score.deadlines_found}/{len(doc.deadlines)}"
    messages = f"{score.messages_right}/{len(score.messages)}" if doc.messages else "—"
    header = ("✓" if score.number_right else "✗") + ("✓" if score.issued_on_right else "✗")
    return (
        f"{doc.id[:34]:<34} {doc.format:<4} {flag} {kind:<10} số/ngày {header} {targets}  "
        f"qual {quals:<5} hạn {deadlines:<5} tin {messages}"
    )


def _totals(label: str, scores: Sequence[DocumentScore]) -> str:
    plans = [s for s in scores if s.document.is_plan]
    matched = sum(s.matched for s in plans)
    found = sum(s.found_count for s in plans)
    expected = sum(s.expected_count for s in plans)
    precision = ratio(matched, found, empty=0.0)
    recall = ratio(matched, expected, empty=0.0)
    macro = sum(s.f1 for s in plans) / len(plans) if plans else 0.0
    kinds = sum(s.kind_right for s in scores)
    numbers = sum(s.number_right for s in scores)
    dates = sum(s.issued_on_right for s in scores)
    deadlines = sum(s.deadlines_found for s in scores)
    deadlines_expected = sum(len(s.document.deadlines) for s in scores)
    messages = sum(len(s.messages) for s in scores)
    right = sum(s.messages_right for s in scores)
    return (
        f"{label:<8} {len(scores):>2} tài liệu: chỉ tiêu {matched}/{expected} (tìm {found}) "
        f"P {precision:5.1%} R {recall:5.1%} F1 {f1(precision, recall):5.1%} "
        f"(F1 trung bình {macro:5.1%}); loại văn bản đúng {kinds}/{len(scores)}; "
        f"số hiệu đúng {numbers}/{len(scores)}, ngày ban hành đúng {dates}/{len(scores)}; "
        f"hạn {deadlines}/{deadlines_expected}; "
        f"tin nhắn ghi đúng {right}/{messages} ({ratio(right, messages, empty=0.0):.1%})"
    )


def _seeds() -> None:
    folder = seeds_dir()
    if folder is None:
        print("Kế hoạch mẫu (seeds): bỏ qua, không thấy ../shared/seeds")
        return
    for name, seed in SEED_PLANS.items():
        path = folder / name
        if not path.is_file():
            print(f"{name}: không có tệp")
            continue
        plan = parse_plan(path.read_text(encoding="utf-8"), filename=name)
        top = len(plan.top_level_targets())
        matched, found, expected = seed_figures_matched(plan, seed)
        precision = ratio(matched, found, empty=0.0)
        recall = ratio(matched, expected, empty=0.0)
        print(
            f"{name}: {top}/{seed.numbered} chỉ tiêu đánh số; tách chỉ tiêu gộp: số liệu và "
            f"đơn vị khớp {matched}/{expected} (đọc {found}) P {precision:5.1%} "
            f"R {recall:5.1%} F1 {f1(precision, recall):5.1%}; {len(plan.deadlines)} hạn; "
            f"loại {plan.kind}"
        )


def floors_table(scores: Sequence[DocumentScore]) -> str:
    """Today's figures as the ``FLOORS`` table of tests/core/test_plan_corpus.py (F1 rounded
    down to hundredths), to paste there when the reader has improved."""
    lines = ["FLOORS: dict[str, tuple[float, int]] = {"]
    for score in scores:
        f1_floor = math.floor(score.f1 * 100) / 100 if score.document.is_plan else 0.0
        lines.append(f'    "{score.document.id}": ({f1_floor:.2f}, {score.messages_right}),')
    lines.append("}")
    return "\n".join(lines)


def main(
    verbose: bool = False, *, held_out_details: bool = False, print_floors: bool = False
) -> None:
    started = time.perf_counter()
    scores = [score_document(doc) for doc in load_corpus()]
    elapsed = time.perf_counter() - started
    if print_floors:
        print(floors_table(scores))
        return
    seen = [s for s in scores if not s.document.held_out]
    held = [s for s in scores if s.document.held_out]
    for title, group in (
        ("Văn bản dùng để phát triển (S)", seen),
        ("Văn bản để riêng (H), không đọc khi phát triển", held),
    ):
        print(f"{title}: {len(group)}")
        for score in group:
            print(_row(score))
            if not verbose or (score.document.held_out and not held_out_details):
                continue
            if detail := score.diff():
                print(detail)
        print()
    for label, group in (("seen", seen), ("held-out", held), ("all", scores)):
        print(_totals(label, group))
    print(f"({elapsed:.1f} s để đọc và chấm {len(scores)} tài liệu)")
    print()
    _seeds()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main(
        verbose="-v" in arguments,
        held_out_details="--all" in arguments,
        print_floors="--floors" in arguments,
    )
