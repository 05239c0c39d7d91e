"""Heavy work off the event loop: a pure function run in its own process, with a time limit
and a memory (address-space) limit, at most a few at a time.

Each job gets a fresh process forked from a "forkserver" that has already imported the
document readers and the plan parser, so starting one costs milliseconds and a job that
runs away is simply killed — nothing it did can stay behind in the bot. The event loop only
waits on a pipe: other users are answered meanwhile.

Outcomes reach the caller as the project's own errors: :class:`WorkerTimeout`,
:class:`WorkerOutOfMemory`, :class:`WorkerCrashed`, each with a Vietnamese message; an
exception raised by the function itself (e.g. ``DocumentError``) is raised again, as is.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import resource
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from bot.core.documents import extract_text
from bot.core.plan import ParsedPlan
from bot.core.plan_parser import parse_plan
from bot.errors import UserFacingError

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Jobs running at once (the server has few cores; more would only queue inside the OS).
MAX_CONCURRENT_JOBS = 2
# Limits for reading one plan document (the goal: ≤ 10 MB parsed in ≤ 10 s, ≤ 300 MB).
PLAN_READ_TIMEOUT_S = 60.0
PLAN_READ_MEMORY_MB = 1024

_MB = 1024 * 1024
_context = multiprocessing.get_context("forkserver")
# The forkserver imports these once; every job forks from it with them ready.
_context.set_forkserver_preload(["bot.worker"])


class WorkerTimeout(UserFacingError):
    """The job ran past its time limit and was stopped."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"Việc xử lý quá lâu (hơn {seconds:.0f} giây) nên đã dừng lại; chưa có gì được lưu. "
            "Tệp có thể quá lớn hoặc có cấu trúc bất thường: hãy gửi bản gọn hơn "
            "(ví dụ chỉ phần kế hoạch) hoặc định dạng khác (.docx, .pdf có chữ)."
        )
        self.seconds = seconds

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.seconds,))


class WorkerOutOfMemory(UserFacingError):
    """The job needed more memory than allowed and was stopped."""

    def __init__(self, megabytes: int) -> None:
        super().__init__(
            f"Việc xử lý cần quá nhiều bộ nhớ (hơn {megabytes} MB) nên đã dừng lại; chưa có gì "
            "được lưu. Hãy gửi tệp nhỏ hơn hoặc ở định dạng khác (.docx, .pdf có chữ)."
        )
        self.megabytes = megabytes

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.megabytes,))


class WorkerCrashed(UserFacingError):
    """The job's process died or failed in a way that could not be reported."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Không xử lý được tệp này (bộ xử lý gặp lỗi); chưa có gì được lưu. Hãy thử lại "
            "hoặc gửi tệp ở định dạng khác; nếu vẫn lỗi, hãy báo cán bộ phụ trách."
        )
        self.detail = detail

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.detail,))


@dataclass(frozen=True, slots=True)
class PlanDocument:
    """A plan file read in the worker: its text and what the parser understood of it."""

    text: str
    plan: ParsedPlan


def read_plan_file(data: bytes, filename: str) -> PlanDocument:
    """Text and parse of an uploaded plan (runs inside the worker process)."""
    text = extract_text(data, filename)
    return PlanDocument(text, parse_plan(text, filename=filename))


async def read_plan_document(data: bytes, filename: str) -> PlanDocument:
    """Read and parse a plan file in a bounded worker; raises ``DocumentError`` for a file
    that cannot be read, :class:`WorkerTimeout`/:class:`WorkerOutOfMemory` for one too
    costly to read."""
    return await run_bounded(
        read_plan_file,
        data,
        filename,
        timeout_s=PLAN_READ_TIMEOUT_S,
        memory_mb=PLAN_READ_MEMORY_MB,
    )


_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)


def _slots_for_this_loop() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    slots = _slots.get(loop)
    if slots is None:
        slots = _slots[loop] = asyncio.Semaphore(MAX_CONCURRENT_JOBS)
    return slots


async def run_bounded(func: Callable[..., T], *args: Any, timeout_s: float, memory_mb: int) -> T:
    """``func(*args)`` in a separate process, stopped after *timeout_s* seconds or when it
    needs more than *memory_mb* MB beyond what the process starts with. *func* and its
    arguments and result must be picklable (a module-level function of plain data)."""
    async with _slots_for_this_loop():
        return await _run_in_child(func, args, timeout_s, memory_mb)


async def _run_in_child(
    func: Callable[..., T], args: tuple[Any, ...], timeout_s: float, memory_mb: int
) -> T:
    receiver, sender = _context.Pipe(duplex=False)
    process = _context.Process(
        target=_child_main, args=(sender, func, args, memory_mb), daemon=True
    )
    receiving: asyncio.Future[tuple[str, Any]] | None = None
    try:
        # Starting talks to the forkserver (and launches it the first time): not on the loop.
        await asyncio.to_thread(process.start)
        sender.close()
        receiving = asyncio.ensure_future(asyncio.to_thread(_receive, receiver))
        try:
            async with asyncio.timeout(timeout_s):
                outcome = await asyncio.shield(receiving)
        except TimeoutError:
            logger.warning("Worker job %s stopped after %.1f s", _name(func), timeout_s)
            raise WorkerTimeout(timeout_s) from None
    finally:
        # Kill the child if it still runs (timeout, cancellation): the pending receive then
        # ends with end-of-file, and only after that is the pipe closed.
        await asyncio.to_thread(_stop, process)
        if receiving is not None:
            with contextlib.suppress(BaseException):
                await receiving
        receiver.close()
    return _unwrap(outcome, func, process.exitcode, memory_mb)


def _receive(receiver: Connection) -> tuple[str, Any]:
    """The child's one message; ("died", None) when it ended without sending one."""
    try:
        message: tuple[str, Any] = receiver.recv()
    except (EOFError, OSError):
        return ("died", None)
    return message


def _unwrap(outcome: tuple[str, Any], func: Callable[..., T], exitcode: int | None, mb: int) -> T:
    kind, value = outcome
    if kind == "ok":
        result: T = value
        return result
    if kind == "memory":
        logger.warning("Worker job %s ran out of its %d MB", _name(func), mb)
        raise WorkerOutOfMemory(mb)
    if kind == "error" and isinstance(value, BaseException):
        raise value
    logger.error("Worker job %s failed: %s (exit code %s)", _name(func), value, exitcode)
    raise WorkerCrashed(str(value or f"exit code {exitcode}"))


def _stop(process: multiprocessing.process.BaseProcess) -> None:
    """Kill the child if it still runs and reap it."""
    with contextlib.suppress(ValueError, AttributeError, AssertionError):  # never started
        if process.is_alive():
            process.kill()
        process.join(timeout=5)


def _name(func: Callable[..., Any]) -> str:
    return getattr(func, "__qualname__", repr(func))


# ---------------------------------------------------------------- inside the child


def _limit_memory(memory_mb: int) -> None:
    """Cap the address space at what the process already maps plus *memory_mb*."""
    baseline = _mapped_bytes()
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = baseline + memory_mb * _MB
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _mapped_bytes() -> int:
    """The address space this process maps now (Linux); 0 where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


def _child_main(
    sender: Connection, func: Callable[..., Any], args: tuple[Any, ...], memory_mb: int
) -> None:
    try:
        _limit_memory(memory_mb)
        outcome: tuple[str, Any] = ("ok", func(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:
        outcome = ("error", exc if _travels(exc) else f"{type(exc).__name__}: {exc}")
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory", None))
    except Exception as exc:  # an unpicklable result
        sender.send(("crashed", f"result could not be sent back: {exc!r}"))
    finally:
        sender.close()


def _travels(error: BaseException) -> bool:
    """Whether *error* survives the trip to the parent (pickled, then rebuilt)."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return False
    return True


__all__ = [
    "MAX_CONCURRENT_JOBS",
    "PlanDocument",
    "WorkerCrashed",
    "WorkerOutOfMemory",
    "WorkerTimeout",
    "read_plan_document",
    "read_plan_file",
    "run_bounded",
]
