"""Adversarial inputs benchmark: the worst time and memory per core entry point.

Run with ``python -m benchmarks adversarial`` (or ``make bench``). Every public parsing and
matching entry point is fed the inputs an attacker (or a broken scanner) would send — a
4.096-letter word, characters that fold to several letters ("Ⅻ" is "xii"), thousands of run
-together figures, deep brackets, long lines, decomposed marks, OCR glyphs, numbers of
thousands of digits — and for each entry point the benchmark prints the worst wall time (the
median of a few runs of the slowest input) and the worst peak of memory allocated
(tracemalloc), naming the input. A refusal with the project's own error counts as handled;
any other exception is reported as a failure.

The aim (issue 10): no input of 4.096 characters or fewer over 50 ms in the matcher.
"""

from __future__ import annotations

import gc
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from benchmarks.qa import seeds_dir
from bot.core.diacritics import looks_ocr_damaged, restore_diacritics
from bot.core.matcher import MAX_QUESTION_CHARS, KnowledgeBase
from bot.core.measures import find_measure_prefix
from bot.core.numbers import parse_amount, parse_number
from bot.core.plan_parser import parse_plan
from bot.core.report_parser import has_figure, parse_report
from bot.core.synonyms import SynonymTable, tokenize
from bot.core.text import fold
from bot.errors import UserFacingError

LIMIT = 4096  # a Telegram message
RUNS = 3
MATCHER_AIM_MS = 50.0
RANDOM_SEED = 20261204

# A small plan written for this benchmark (targets and duties of an imaginary commune).
_PLAN = """ỦY BAN NHÂN DÂN XÃ AN PHÚ
KẾ HOẠCH
Thi đua thực hiện nhiệm vụ năm 2026
I. MỤC ĐÍCH, YÊU CẦU
Phát động phong trào thi đua sâu rộng trong cán bộ và nhân dân toàn xã.
II. CHỈ TIÊU THI ĐUA
1. Trồng mới cây phân tán: 30.000 cây.
2. Tỷ lệ người dân tham gia bảo hiểm y tế đạt 95%.
3. Tổng đàn lợn: 5.200 con; đàn gia cầm: 80.000 con.
4. Thu ngân sách trên địa bàn: 3,5 tỷ đồng.
5. Giải quyết việc làm mới cho 250 lao động.
6. Tỷ lệ hộ nghèo giảm còn dưới 2%.
III. TỔ CHỨC THỰC HIỆN
1. Văn phòng UBND xã theo dõi, tổng hợp kết quả, báo cáo trước ngày 15 tháng 12.
2. Trưởng thôn phát động phong trào tại thôn và gửi báo cáo sơ kết về xã.
"""


def _adversarial(limit: int) -> dict[str, str]:
    """Named hostile inputs of at most *limit* characters."""
    rnd = random.Random(RANDOM_SEED)
    letters = "abcdeghiklmnopqrstuvxy"

    def fill(chunk: str) -> str:
        return (chunk * (limit // len(chunk) + 1))[:limit]

    return {
        "one long word": "".join(rnd.choice(letters) for _ in range(limit)),
        "one long word of syllables": fill("nguoi"),
        "Ⅻ repeated (folds to xii)": fill("Ⅻ"),
        "ﬃ and ǅ repeated": fill("ﬃǅ"),
        "decomposed marks": fill("e\u0301\u0323"),
        "OCR glyphs": fill("ti€u t6 x& "),
        "long line of words": fill("bảo hiểm y tế trồng cây "),
        "many figures with units": fill("lợn 2 con dê 3 con "),
        "run-together metres": fill("1m "),
        "spoken amounts": fill("2 tỷ 5 "),
        "share notes": fill("= 5% kế hoạch "),
        "dates": fill("12/5 "),
        "digits": fill("9"),
        "dots and digits": fill("1."),
        "grouped thousands": fill("1.000."),
        "deep brackets": "(" * (limit // 2) + ")" * (limit // 2),
        "unit name and colon": fill("Thôn Bắc: "),
        "question words": fill("bao nhiêu ai thế nào "),
        "random unicode": "".join(chr(rnd.randrange(32, 0x2FFF)) for _ in range(limit)),
        "random words": " ".join(
            "".join(rnd.choice(letters) for _ in range(rnd.randint(1, 9))) for _ in range(limit)
        )[:limit],
    }


@dataclass
class _Worst:
    ms: float = 0.0
    wall_ms: float = 0.0
    ms_input: str = ""
    peak_mb: float = 0.0
    peak_input: str = ""
    refused: int = 0
    failures: int = 0
    over_aim: int = 0


def _run(entry: Callable[[str], object], text: str) -> tuple[float, float, float, str]:
    """(median CPU ms, median wall ms, peak MB, outcome) of *entry* on *text*. CPU time is
    what the input costs; wall time also counts what other processes took meanwhile."""
    times = []
    walls = []
    outcome = "ok"
    for _ in range(RUNS):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            entry(text)
        except UserFacingError:
            outcome = "refused"
        except Exception as error:  # a failure is what this reports
            outcome = f"failed: {type(error).__name__}"
        times.append((time.process_time() - cpu_started) * 1000)
        walls.append((time.perf_counter() - started) * 1000)
    gc.collect()
    tracemalloc.start()
    with suppress(Exception):  # already reported above
        entry(text)
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return statistics.median(times), statistics.median(walls), peak, outcome


def _entry_points(kb: KnowledgeBase) -> dict[str, Callable[[str], object]]:
    return {
        "fold": fold,
        "tokenize": tokenize,
        "parse_number": parse_number,
        "parse_amount": parse_amount,
        "find_measure_prefix": find_measure_prefix,
        "parse_report": parse_report,
        "has_figure": has_figure,
        "KnowledgeBase.ask": kb.ask,
        f"KnowledgeBase.ask (≤ {MAX_QUESTION_CHARS})": lambda t: kb.ask(t[:MAX_QUESTION_CHARS]),
        "KnowledgeBase.match_targets": kb.match_targets,
        "restore_diacritics": restore_diacritics,
        "looks_ocr_damaged": looks_ocr_damaged,
        "parse_plan": parse_plan,
    }


def _plan_text() -> tuple[str, str]:
    """The largest seed plan when the seeds are there (a real vocabulary to match against),
    else the small plan above."""
    folder = seeds_dir()
    if folder is not None:
        texts = sorted(folder.glob("*.txt"), key=lambda p: p.stat().st_size)
        if texts:
            return texts[-1].name, texts[-1].read_text(encoding="utf-8")
    return "a small plan written for the benchmark", _PLAN


def main() -> None:
    name_of_plan, plan_text = _plan_text()
    kb = KnowledgeBase.build(
        parse_plan(plan_text), citation_label="Kế hoạch thử", synonyms=SynonymTable.builtin()
    )
    restore_diacritics("khởi động")  # built-in tables are built once, before timing
    inputs = _adversarial(LIMIT)
    print(f"{len(inputs)} adversarial inputs of {LIMIT:,} characters".replace(",", "."))
    print(f"matcher built on {name_of_plan} ({kb.size} documents)")
    print(
        f"{'entry point':34} {'CPU ms':>8} {'wall ms':>8}  {'(input)':32} {'peak MB':>8}  (input)"
    )
    matcher = ("KnowledgeBase.", "find_measure_prefix")
    for name, entry in _entry_points(kb).items():
        worst = _Worst()
        for label, text in inputs.items():
            ms, wall, peak, outcome = _run(entry, text)
            worst.refused += outcome == "refused"
            worst.failures += outcome.startswith("failed")
            if outcome.startswith("failed"):
                print(f"  FAILED {name} on {label}: {outcome}")
            if ms > worst.ms:
                worst.ms, worst.wall_ms, worst.ms_input = ms, wall, label
            if peak > worst.peak_mb:
                worst.peak_mb, worst.peak_input = peak, label
            worst.over_aim += name.startswith(matcher) and ms > MATCHER_AIM_MS
        print(
            f"{name:34} {worst.ms:8.1f} {worst.wall_ms:8.1f}  ({worst.ms_input[:30]:30}) "
            f"{worst.peak_mb:8.2f}  "
            f"({worst.peak_input}); refused {worst.refused}, failed {worst.failures}"
            + (f", over {MATCHER_AIM_MS:.0f} ms: {worst.over_aim}" if worst.over_aim else "")
        )
    _plan_sizes()


def _plan_sizes() -> None:
    """Whole documents: a 30.000-letter word, and thousands of numbered target lines."""
    rnd = random.Random(RANDOM_SEED)
    documents = {
        "30 KB, one word": "".join(rnd.choice("abcdeghiklmnopqrstuvxy") for _ in range(30_000)),
        "1.000 numbered targets": _PLAN
        + "\n".join(f"{i}. Chỉ tiêu thứ {i}: trồng {i * 10} cây" for i in range(7, 1007)),
    }
    for label, text in documents.items():
        ms, wall, peak, outcome = _run(parse_plan, text)
        print(
            f"parse_plan on {label:24} CPU {ms:8.1f} ms, wall {wall:8.1f} ms, "
            f"peak {peak:7.2f} MB ({outcome})"
        )
