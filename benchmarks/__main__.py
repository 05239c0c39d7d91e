"""``make bench``: run every benchmark in turn and print its figures.

Each benchmark module exposes ``main()``; they measure accuracy, latency and throughput
in this process (or against a local fake Bot API), never by timed asserts in tests.
"""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = (
    "benchmarks.qa",
    "benchmarks.conversations",
    "benchmarks.plans",
    "benchmarks.documents",
    "benchmarks.adversarial",
    "benchmarks.ocr",
    "benchmarks.replies",
    "benchmarks.reports",
    "benchmarks.broadcast",
)


def main(selected: list[str]) -> int:
    """Run the selected benchmarks (all when none are named)."""
    names = [f"benchmarks.{n}" for n in selected] if selected else list(BENCHMARKS)
    for name in names:
        module = importlib.import_module(name)
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        module.main()
        print(f"({name} took {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
