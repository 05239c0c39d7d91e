"""How long the event loop stalls while a plan is read: on the loop, in a thread (the old
way), and in the bounded worker process (``bot.worker.read_plan_document``).

A ticker coroutine wakes every 10 ms; the figure is the longest gap between two ticks
beyond those 10 ms (the issue's aim: never more than 100 ms). ``python -m benchmarks worker``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.worker import read_plan_document, read_plan_file

SAMPLE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "plans"
TICK_SECONDS = 0.01


def synthetic_plan(targets: int) -> bytes:
    """A plan of *targets* numbered targets (our own words), a few hundred KB."""
    lines = ["KẾ HOẠCH", "Thi đua yêu nước năm 2026", "I. MỤC ĐÍCH", "II. CHỈ TIÊU"]
    for n in range(1, targets + 1):
        lines.append(f"({n}) Chỉ tiêu thử số {n} của thôn: đạt {n * 10:,} người".replace(",", "."))
    return "\n".join(lines).encode()


async def stall_while(job: Callable[[], Awaitable[object]]) -> tuple[float, float]:
    """(longest loop stall in ms, job wall time in s)."""
    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(TICK_SECONDS)
            now = time.perf_counter()
            stalls.append(now - last - TICK_SECONDS)
            last = now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)
    started = time.perf_counter()
    await job()
    took = time.perf_counter() - started
    done.set()
    await ticking
    return max(stalls) * 1000, took


async def run() -> None:
    # Start the forkserver first (once per bot process), so it is not counted below.
    await read_plan_document("(1) Khởi động: 1 lần".encode(), "khoi_dong.txt")
    for label, data, name in (
        ("mẫu An Phú", (SAMPLE / "ke_hoach_xa_an_phu_2025.md").read_bytes(), "an_phu.md"),
        ("400 chỉ tiêu", synthetic_plan(400), "bon_tram_chi_tieu.txt"),
    ):

        async def on_loop(data: bytes = data, name: str = name) -> object:
            return read_plan_file(data, name)

        async def in_thread(data: bytes = data, name: str = name) -> object:
            return await asyncio.to_thread(read_plan_file, data, name)

        async def in_worker(data: bytes = data, name: str = name) -> object:
            return await read_plan_document(data, name)

        ways = (("trên vòng sự kiện", on_loop), ("luồng", in_thread), ("worker", in_worker))
        for way, job in ways:
            stall, took = await stall_while(job)
            print(f"{label:>16} | {way:<18} | dừng vòng lặp tối đa {stall:7.1f} ms | {took:6.2f} s")


def main() -> None:
    asyncio.run(run())


if __name__ == "__main__":
    main()
