"""The bounded worker: a job runs in its own process, is stopped at its time and memory
limits, sends its exceptions back typed, and never blocks the event loop."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from bot.core.documents import UnreadableDocument, extract_text
from bot.core.plan_parser import parse_plan
from bot.errors import UserFacingError
from bot.worker import (
    MAX_CONCURRENT_JOBS,
    WorkerCrashed,
    WorkerOutOfMemory,
    WorkerTimeout,
    read_plan_document,
    run_bounded,
)

PLAN = Path(__file__).parent / "fixtures" / "plans" / "ke_hoach_xa_an_phu_2025.md"


# Jobs: module-level, so the worker process can import them by name.


def add(a: int, b: int) -> int:
    return a + b


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "xong"


def hog_memory(megabytes: int) -> int:
    chunks = [bytearray(1024 * 1024) for _ in range(megabytes)]
    return len(chunks)


def refuse_document() -> None:
    raise UnreadableDocument("Tệp hỏng, hãy gửi lại.")


def plain_bug() -> None:
    raise ValueError("một lỗi lập trình")


class _Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:
        super().__init__(f"{a}{b}")  # args lose b: rebuilding it fails


def unpicklable_error() -> None:
    raise _Unpicklable(1, 2)


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def wait_for_file(path: str, started: str) -> str:
    Path(started).touch()
    while not os.path.exists(path):
        time.sleep(0.005)
    return "đã thấy"


async def test_a_job_returns_its_result() -> None:
    assert await run_bounded(add, 2, 3, timeout_s=20, memory_mb=64) == 5


async def test_a_job_past_its_time_limit_is_stopped() -> None:
    with pytest.raises(WorkerTimeout) as info:
        await run_bounded(sleep_for, 60, timeout_s=0.5, memory_mb=64)
    assert isinstance(info.value, UserFacingError)
    assert "quá lâu" in info.value.message_vi


async def test_a_job_past_its_memory_limit_is_stopped() -> None:
    with pytest.raises(WorkerOutOfMemory) as info:
        await run_bounded(hog_memory, 4096, timeout_s=30, memory_mb=128)
    assert "128 MB" in info.value.message_vi


async def test_a_user_facing_error_comes_back_as_itself() -> None:
    with pytest.raises(UnreadableDocument) as info:
        await run_bounded(refuse_document, timeout_s=20, memory_mb=64)
    assert info.value.message_vi == "Tệp hỏng, hãy gửi lại."


async def test_a_bug_comes_back_with_its_type() -> None:
    with pytest.raises(ValueError, match="một lỗi lập trình"):
        await run_bounded(plain_bug, timeout_s=20, memory_mb=64)


async def test_an_error_that_cannot_travel_becomes_a_crash() -> None:
    with pytest.raises(WorkerCrashed) as info:
        await run_bounded(unpicklable_error, timeout_s=20, memory_mb=64)
    assert "_Unpicklable" in info.value.detail


async def test_a_process_that_dies_is_a_crash() -> None:
    with pytest.raises(WorkerCrashed):
        await run_bounded(die, timeout_s=20, memory_mb=64)


async def test_the_event_loop_runs_while_a_job_waits(tmp_path: Path) -> None:
    """The job finishes only once a coroutine on the loop has ticked five times and then
    released it: were the loop blocked, the job would time out instead."""
    release, started = tmp_path / "release", tmp_path / "started"
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while not started.exists():  # noqa: ASYNC110 - a file, not an asyncio event
            await asyncio.sleep(0.01)
        for _ in range(5):
            ticks += 1
            await asyncio.sleep(0.01)
        release.touch()

    job = run_bounded(wait_for_file, str(release), str(started), timeout_s=30, memory_mb=64)
    result, _ = await asyncio.gather(job, ticker())
    assert result == "đã thấy"
    assert ticks == 5


def started_jobs(folder: Path) -> int:
    return len(list(folder.glob("started-*")))


async def test_at_most_the_allowed_number_of_jobs_run_at_once(tmp_path: Path) -> None:
    release = tmp_path / "release"
    jobs = [
        asyncio.ensure_future(
            run_bounded(
                wait_for_file,
                str(release),
                str(tmp_path / f"started-{n}"),
                timeout_s=30,
                memory_mb=64,
            )
        )
        for n in range(MAX_CONCURRENT_JOBS + 1)
    ]
    while started_jobs(tmp_path) < MAX_CONCURRENT_JOBS:  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)  # room for a job that should not start
    assert started_jobs(tmp_path) == MAX_CONCURRENT_JOBS
    release.touch()
    assert await asyncio.gather(*jobs) == ["đã thấy"] * len(jobs)


async def test_a_plan_is_read_in_the_worker_as_in_process() -> None:
    data = PLAN.read_bytes()
    document = await read_plan_document(data, PLAN.name)
    text = extract_text(data, PLAN.name)
    assert document.text == text
    assert document.plan == parse_plan(text, filename=PLAN.name)
    assert document.plan.targets
