"""Progress-report benchmark: the real bot, end to end, against a fake Bot API over HTTP.

Run with ``python -m benchmarks reports`` (or ``make bench``). The bot starts exactly as in
production (:func:`bot.runner.serve`: migrations, ``post_init``, long polling) against
:class:`tests.support.fake_bot_api.FakeBotApi` on 127.0.0.1, with a temporary SQLite database
(and a fresh PostgreSQL schema too when ``BENCH_DATABASE_URL`` or ``TEST_DATABASE_URL`` is set).
Before it starts, the benchmark's own plan (``benchmarks/data/bench_plan.md``: 13 numbered
lines, 17 targets with a figure) is imported with :func:`bot.plans.import_plan`, and units
and members are created with :mod:`storage.units`.

Members then send plain report messages ("Đã trồng được 12.500 cây phân tán", "lợn 2.300 con;
dê 120 con", "BHYT đạt 97,5%"…) in three phases:

* warm-up: one message (builds the knowledge-base cache, opens connections);
* sequential: one message at a time, each waiting for its confirmation — the latency of one
  report on an idle bot, and from it the most a bot that handles updates one after another
  (PTB's default) can do;
* burst: ``BENCH_REPORTS_N`` messages queued at once (1.000 by default; 600 per backend when
  PostgreSQL is measured too, to stay under ≈90 s) — reports per second until the last
  confirmation, and latency from injection to confirmation (mostly queueing).

Afterwards the ``reports`` table must hold exactly one row per figure sent. Beside it, in the
same run, a bare PTB echo bot (one ``MessageHandler``, no rate limiter, no database) answers
the same burst through the same fake, and the ratio of the two rates is printed.

The production bot sends through PTB's ``AIORateLimiter`` (30 messages/s overall, Telegram's
own flood limit), so the burst rate cannot exceed ≈ 30/s however fast the handlers are; the
CPU time per report and the sequential latency tell what the handlers alone would allow.
``BENCH_PROFILE=1`` runs the burst under cProfile and prints where the time goes.
"""

from __future__ import annotations

import asyncio
import cProfile
import io
import os
import pstats
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from pydantic import SecretStr
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters
from telegram.request import HTTPXRequest

from bot.clock import SystemClock
from bot.config import Settings
from bot.core.numbers import format_number
from bot.plans import import_plan
from bot.runner import serve
from storage import units, users
from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.models import Report
from tests.support.fake_bot_api import DEFAULT_TOKEN, ApiCall, FakeBotApi

PLAN_FILE = Path(__file__).resolve().parent / "data" / "bench_plan.md"
ADMIN_ID = 1
UNIT_COUNT = 8
MEMBER_COUNT = 40
FIRST_MEMBER_ID = 20_001
SEQUENTIAL = 40  # messages sent one at a time for the idle latency
DEFAULT_N = 1000  # burst size with SQLite alone
DEFAULT_N_EACH = 600  # burst size per backend when PostgreSQL is measured too
RANDOM_SEED = 20260106
POLL_TIMEOUT = 2.0  # seconds a getUpdates long poll is held (short: the bot stops quickly)
START_TIMEOUT = 60.0

# ─── the report messages ──────────────────────────────────────────────────────────────────


class Tally:
    """One unit's running figures. Cumulative reports only go up, week after week, as
    real ones do (a lower total makes the bot ask whether it adds), and stay under the
    commune's targets (one village above the whole target is asked about too)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.values: dict[str, Decimal] = defaultdict(Decimal)

    def grow(self, key: str, low: int, high: int, step: int = 1) -> str:
        """The figure *key* after this week's progress, written the Vietnamese way."""
        self.values[key] += Decimal(self.rng.randrange(low, high + 1, step))
        return format_number(self.values[key])

    def grow_tenths(self, key: str, low: float, high: float) -> str:
        """The same for figures with one decimal (km, tỷ đồng)."""
        self.values[key] += Decimal(str(round(self.rng.uniform(low, high), 1)))
        return format_number(self.values[key], max_decimals=1)

    def add(self, key: str, low: int, high: int, step: int = 1) -> str:
        """An increment ("thêm 300"), added to the running figure."""
        added = Decimal(self.rng.randrange(low, high + 1, step))
        self.values[key] += added
        return format_number(added)

    def rate(self, low: float, high: float) -> str:
        """A rate or an average: it may go down as well as up."""
        return format_number(Decimal(str(round(self.rng.uniform(low, high), 1))), max_decimals=1)


Template = Callable[[Tally], str]

# (message builder, number of figures it carries). Each template was chosen so that every
# figure maps to one target with confidence and a plausible value: it is stored at once and
# the message gets a single confirmation (no question back). The run checks this afterwards:
# rows stored = figures sent, and every reply is a confirmation.
TEMPLATES: tuple[tuple[Template, int], ...] = (
    (lambda t: f"Đã trồng được {t.grow('trees', 100, 600, 100)} cây phân tán", 1),
    (lambda t: f"lợn {t.grow('pigs', 20, 250, 10)} con; dê {t.grow('goats', 5, 60, 5)} con", 2),
    (lambda t: f"BHYT đạt {t.rate(88, 99.5)}%", 1),
    (lambda t: f"đàn bò {t.grow('cows', 5, 50, 5)} con", 1),
    (lambda t: f"gia cầm {t.grow('poultry', 500, 8000, 500)} con", 1),
    (lambda t: f"thóc {t.grow('rice', 50, 400, 50)} tấn", 1),
    (lambda t: f"rau màu {t.grow('vegetables', 1, 20)} ha", 1),
    (lambda t: f"hộ nghèo {t.rate(1.5, 3.5)}%", 1),
    (lambda t: f"việc làm mới {t.grow('jobs', 5, 30)} lao động", 1),
    (lambda t: f"nước sạch {t.rate(80, 99)}%", 1),
    (lambda t: f"rác thải sinh hoạt thu gom {t.rate(70, 99)}%", 1),
    (lambda t: f"đường giao thông {t.grow_tenths('roads', 0.1, 0.8)} km", 1),
    (lambda t: f"BHXH tự nguyện {t.grow('insured', 2, 25)} người", 1),
    (lambda t: f"thu ngân sách {t.grow_tenths('budget', 0.1, 0.9)} tỷ đồng", 1),
    (lambda t: f"lương thực {t.grow('grain', 50, 400, 50)} tấn", 1),
    (lambda t: f"thêm {t.add('trees', 50, 300, 10)} cây phân tán", 1),
    (
        lambda t: (
            f"trồng cây phân tán {t.grow('trees', 100, 600, 100)} cây; "
            f"heo {t.grow('pigs', 20, 250, 10)} con"
        ),
        2,
    ),
    (lambda t: f"Thu nhập bình quân {t.rate(40, 60)} triệu đồng/người/năm", 1),
)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One report message a member sends."""

    member: int  # telegram id (= private chat id)
    text: str
    figures: int


def member_name(member: int) -> str:
    """The member's Telegram first name, the same in the database and in their messages
    (so recording the sender does not rewrite the user row on every message)."""
    return f"Trưởng thôn {member - FIRST_MEMBER_ID + 1}"


def messages(count: int, rng: random.Random) -> list[Outgoing]:
    """*count* report messages, members in turn, templates drawn at random, each unit's
    figures growing from one message to the next (send them in this order)."""
    tallies = [Tally(rng) for _ in range(UNIT_COUNT)]  # members of a unit share its figures
    result = []
    for index in range(count):
        build, figures = rng.choice(TEMPLATES)
        member = FIRST_MEMBER_ID + index % MEMBER_COUNT
        unit = (index % MEMBER_COUNT) % UNIT_COUNT  # as members are assigned to units
        result.append(Outgoing(member, build(tallies[unit]), figures))
    return result


# ─── results ─────────────────────────────────────────────────────────────────────────────


@dataclass
class Phase:
    """Latencies (seconds) and wall time of one phase."""

    sent: int = 0
    figures: int = 0
    elapsed: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Messages per second over the phase."""
        return self.sent / self.elapsed if self.elapsed else 0.0


@dataclass
class BotRun:
    """Everything measured on one database backend."""

    backend: str
    setup: float = 0.0
    start: float = 0.0
    sequential: Phase = field(default_factory=Phase)
    burst: Phase = field(default_factory=Phase)
    figures_sent: int = 0
    rows: int = 0
    unconfirmed: int = 0  # replies that were not a confirmation with the undo button
    sql: Counter[str] = field(default_factory=Counter)  # statements during the burst
    profile: str = ""


def percentile(values: Sequence[float], share: float) -> float:
    """The *share* quantile (0–1) by nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


# ─── databases ───────────────────────────────────────────────────────────────────────────


@contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema in *base_url*'s database (dropped afterwards), as the tests use."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    plain = base_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in base_url else "?"
    try:
        yield f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def postgres_url() -> str | None:
    """The PostgreSQL server to measure too, if one is configured."""
    for key in ("BENCH_DATABASE_URL", "TEST_DATABASE_URL"):
        if value := os.environ.get(key, "").strip():
            return value
    return None


async def prepare_database(url: str) -> None:
    """Schema, the benchmark plan, units and their members (what admins would set up)."""
    db = Database(url)
    try:
        await upgrade_to_head(db)
        outcome = await import_plan(
            db, PLAN_FILE.read_bytes(), PLAN_FILE.name, name=None, imported_by=ADMIN_ID
        )
        if not outcome.is_active:
            raise RuntimeError("the benchmark plan did not become the active plan")
        now = datetime.now(UTC)
        async with db.session() as session:
            made = [
                await units.create_unit(session, f"Thôn {n}", created_by=ADMIN_ID, now=now)
                for n in range(1, UNIT_COUNT + 1)
            ]
            for index in range(MEMBER_COUNT):
                member = FIRST_MEMBER_ID + index
                # Known users in known private chats: the steady state being measured.
                await users.upsert_user(session, member, member_name(member), None)
                await users.upsert_chat(session, member, "private", member_name(member))
                unit = made[index % UNIT_COUNT]
                await units.join_unit(session, user_telegram_id=member, unit=unit, now=now)
    finally:
        await db.dispose()


async def count_reports(url: str) -> int:
    """Rows in the reports table."""
    db = Database(url)
    try:
        async with db.session() as session:
            return int(await session.scalar(select(func.count()).select_from(Report)) or 0)
    finally:
        await db.dispose()


# ─── driving a bot through the fake ──────────────────────────────────────────────────────


def is_reply(call: ApiCall) -> bool:
    """A message the bot sent (to anyone): the cheap test the waits re-run on every call."""
    return call.method == "sendMessage"


def is_confirmation(call: ApiCall) -> bool:
    """A successful confirmation of stored figures, with its "Hoàn tác" button."""
    return call.ok and "Hoàn tác" in str(call.params.get("reply_markup", ""))


async def send_and_wait(
    fake: FakeBotApi, batch: Sequence[Outgoing], replies_before: int, timeout: float
) -> tuple[list[float], list[ApiCall]]:
    """Inject *batch* at once; wait for one reply per message. Returns each message's latency
    (injection → reply, on the fake's monotonic clock) and the replies."""
    injected: dict[int, list[float]] = defaultdict(list)
    for message in batch:
        injected[message.member].append(time.monotonic())
        fake.inject_message(
            message.member, message.member, message.text, first_name=member_name(message.member)
        )
    calls = await fake.wait_for_count(is_reply, replies_before + len(batch), timeout)
    replies = calls[replies_before:]
    # Updates are handled one after another, so a chat's k-th reply answers its k-th message.
    order: dict[int, int] = defaultdict(int)
    latencies = []
    for call in replies:
        chat = int(call.chat_id)
        latencies.append(call.at - injected[chat][order[chat]])
        order[chat] += 1
    return latencies, replies


async def run_phase(
    fake: FakeBotApi, batches: Sequence[Sequence[Outgoing]], timeout: float
) -> tuple[Phase, list[ApiCall]]:
    """Send *batches* one after another (each waits for its replies) and time the whole."""
    phase = Phase()
    replies: list[ApiCall] = []
    cpu, started = time.process_time(), time.monotonic()
    last_reply = started
    for batch in batches:
        before = len(fake.calls("sendMessage"))
        latencies, got = await send_and_wait(fake, batch, before, timeout)
        phase.latencies += latencies
        replies += got
        last_reply = max(call.at for call in got)
        phase.sent += len(batch)
        phase.figures += sum(m.figures for m in batch)
    phase.elapsed = last_reply - started
    phase.cpu = time.process_time() - cpu
    return phase, replies


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[float]:
    """The production start path (:func:`bot.runner.serve`) until the block ends; yields the
    start-up time in seconds."""
    stop, ready = asyncio.Event(), asyncio.Event()
    started = time.monotonic()
    task = asyncio.create_task(
        serve(settings, stop, clock=SystemClock(), poll_timeout=POLL_TIMEOUT, ready=ready)
    )
    ready_wait = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait(
        {task, ready_wait}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
    )
    ready_wait.cancel()
    if task in done:  # start-up failed: surface its error
        task.result()
    if not ready.is_set():
        stop.set()
        await asyncio.wait_for(task, timeout=30)
        raise TimeoutError(f"the bot did not start within {START_TIMEOUT:g} s")
    try:
        yield time.monotonic() - started
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


async def measure_bot(backend: str, url: str, script: list[Outgoing], profile: bool) -> BotRun:
    """The real bot on *url*: warm-up, sequential messages, then the burst (*script* holds
    them in that order, one message, then :data:`SEQUENTIAL`, then the burst)."""
    run = BotRun(backend)
    started = time.monotonic()
    await prepare_database(url)
    run.setup = time.monotonic() - started
    warmup, sequential = script[:1], script[1 : 1 + SEQUENTIAL]
    burst = script[1 + SEQUENTIAL :]
    async with FakeBotApi(DEFAULT_TOKEN) as fake:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=SecretStr(fake.token),
            telegram_api_base_url=fake.base_url,
            telegram_file_base_url=fake.base_file_url,
            database_url=url,
            admin_ids=[ADMIN_ID],
        )
        async with running_bot(settings) as run.start:
            _, warm_replies = await run_phase(fake, [warmup], timeout=60)
            run.sequential, seq_replies = await run_phase(
                fake, [[m] for m in sequential], timeout=30
            )
            profiler = cProfile.Profile() if profile else None
            if profiler is not None:
                profiler.enable()
            with counting_sql() as run.sql:
                run.burst, burst_replies = await run_phase(fake, [burst], timeout=len(burst) + 60)
            if profiler is not None:
                profiler.disable()
                run.profile = profile_text(profiler)
    run.rows = await count_reports(url)
    run.figures_sent = sum(m.figures for m in (*warmup, *sequential, *burst))
    everything = (*warm_replies, *seq_replies, *burst_replies)
    run.unconfirmed = sum(1 for call in everything if not is_confirmation(call))
    return run


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the text received."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


async def measure_echo(burst: list[Outgoing]) -> Phase:
    """A bare PTB bot answering the same burst: the floor of PTB + HTTP + the fake."""
    async with FakeBotApi(DEFAULT_TOKEN) as fake:
        application: Application[Any, Any, Any, Any, Any, Any] = (
            ApplicationBuilder()
            .token(fake.token)
            .base_url(fake.base_url)
            .base_file_url(fake.base_file_url)
            .request(HTTPXRequest(connection_pool_size=16))
            .get_updates_request(
                HTTPXRequest(connection_pool_size=1, read_timeout=POLL_TIMEOUT + 10)
            )
            .build()
        )
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
        async with application:
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(poll_interval=0.0, timeout=int(POLL_TIMEOUT))
            try:
                await run_phase(fake, [messages(1, random.Random(RANDOM_SEED + 2))], timeout=30)
                phase, _ = await run_phase(fake, [burst], timeout=len(burst) + 60)
            finally:
                await application.updater.stop()
                await application.stop()
    return phase


def profile_text(profiler: cProfile.Profile, lines: int = 35) -> str:
    """The heaviest functions by own time. (Cumulative times mislead for coroutines: each
    resumption counts as a call, so they are left out.)"""
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime").print_stats(lines)
    return out.getvalue()


@contextmanager
def counting_sql() -> Iterator[Counter[str]]:
    """Count SQL statements by their first word, and commits, on every engine meanwhile."""
    counts: Counter[str] = Counter()

    def on_statement(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        counts[statement.lstrip().split(None, 1)[0].upper()] += 1

    def on_commit(conn: Any) -> None:
        counts["COMMIT"] += 1

    event.listen(Engine, "before_cursor_execute", on_statement)
    event.listen(Engine, "commit", on_commit)
    try:
        yield counts
    finally:
        event.remove(Engine, "before_cursor_execute", on_statement)
        event.remove(Engine, "commit", on_commit)


# ─── printing ────────────────────────────────────────────────────────────────────────────


def decimal(value: float, places: int = 1) -> str:
    """*value* the Vietnamese way with a fixed number of decimals: 1.234,5."""
    return f"{value:,.{places}f}".translate(str.maketrans(",.", ".,"))


def duration(seconds: float) -> str:
    """A latency or wall time: milliseconds below one second, else seconds."""
    return f"{decimal(seconds * 1000)} ms" if seconds < 1 else f"{decimal(seconds, 2)} s"


def per_second(value: float) -> str:
    """A rate per second."""
    return f"{decimal(value)}/s"


def sql_mix(run: BotRun) -> str:
    """SQL statements per burst message, by kind: "9,3 SELECT · 2,2 INSERT"."""
    sent = run.burst.sent or 1
    kinds = [(k, v) for k, v in run.sql.most_common() if k != "COMMIT"]
    return " · ".join(f"{decimal(v / sent)} {k}" for k, v in kinds)


def print_table(rows: list[tuple[str, ...]]) -> None:
    """Left-aligned first column, right-aligned others."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        print("  ".join(cells).rstrip())


def report(runs: list[BotRun], echo_phase: Phase, n: int) -> None:
    """Print the figures."""
    print(
        f"plan: {PLAN_FILE.name}; {UNIT_COUNT} units, {MEMBER_COUNT} members; burst of "
        f"{format_number(n)} report messages (+{SEQUENTIAL} sent one at a time, +1 warm-up)"
    )
    phases = [r.burst for r in runs] + [echo_phase]
    none = "–"
    rows: list[tuple[str, ...]] = [
        ("", *(f"bot/{r.backend}" for r in runs), "echo bot"),
        ("setup (migrate, plan, units)", *(duration(r.setup) for r in runs), none),
        ("start-up (serve → polling)", *(duration(r.start) for r in runs), none),
        (
            "idle latency p50",
            *(duration(percentile(r.sequential.latencies, 0.5)) for r in runs),
            none,
        ),
        (
            "idle latency p95",
            *(duration(percentile(r.sequential.latencies, 0.95)) for r in runs),
            none,
        ),
        (
            "one-at-a-time ceiling",
            *(per_second(1 / statistics.fmean(r.sequential.latencies)) for r in runs),
            none,
        ),
        ("burst wall time", *(duration(p.elapsed) for p in phases)),
        ("burst throughput", *(per_second(p.rate) for p in phases)),
        ("burst latency p50", *(duration(percentile(p.latencies, 0.5)) for p in phases)),
        ("burst latency p95", *(duration(percentile(p.latencies, 0.95)) for p in phases)),
        ("CPU per message (process)", *(duration(p.cpu / p.sent) for p in phases)),
        ("CPU-bound ceiling", *(per_second(p.sent / p.cpu) for p in phases)),
        (
            "DB transactions per report",
            *(decimal(r.sql["COMMIT"] / r.burst.sent) for r in runs),
            none,
        ),
        ("figures sent", *(format_number(r.figures_sent) for r in runs), none),
        ("rows in reports", *(format_number(r.rows) for r in runs), none),
        ("replies not a confirmation", *(str(r.unconfirmed) for r in runs), none),
    ]
    print_table(rows)
    for run in runs:
        verdict = "OK" if run.rows == run.figures_sent and not run.unconfirmed else "MISMATCH"
        ratio = echo_phase.rate / run.burst.rate if run.burst.rate else float("inf")
        cpu_ratio = (run.burst.cpu / run.burst.sent) / (echo_phase.cpu / echo_phase.sent)
        print(
            f"{run.backend}: echo bot {decimal(ratio)}× the report bot's throughput "
            f"({decimal(cpu_ratio)}× less CPU per message); rows = figures sent: {verdict}"
        )
        print(f"{run.backend}: SQL per report: {sql_mix(run)}")
    print(
        "note: the bot sends through AIORateLimiter (30 messages/s overall, Telegram's limit), "
        "so its burst throughput stays near 30/s; the one-at-a-time and CPU-bound ceilings show "
        "what the handlers alone would allow."
    )
    for run in runs:
        if run.profile:
            print(f"\n--- cProfile of the burst on {run.backend} (own time) ---\n{run.profile}")


# ─── entry point ─────────────────────────────────────────────────────────────────────────


def burst_size(backends: int) -> int:
    """BENCH_REPORTS_N; by default 1.000, or 600 each when two backends are measured (the
    rate limiter holds each burst to ≈30/s, and the whole run should stay under ≈90 s)."""
    default = DEFAULT_N if backends == 1 else DEFAULT_N_EACH
    return max(1, int(os.environ.get("BENCH_REPORTS_N", str(default))))


async def run() -> None:
    """The benchmark itself."""
    base = postgres_url()
    n = burst_size(1 if base is None else 2)
    profile = os.environ.get("BENCH_PROFILE", "") not in ("", "0")
    script = messages(1 + SEQUENTIAL + n, random.Random(RANDOM_SEED))
    burst = script[1 + SEQUENTIAL :]
    runs: list[BotRun] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        runs.append(await measure_bot("sqlite", url, script, profile))
    if base is not None:
        with postgres_schema(base) as url:
            runs.append(await measure_bot("postgresql", url, script, profile))
    echo_phase = await measure_echo(burst)
    report(runs, echo_phase, n)


def main() -> None:
    """Entry point for ``python -m benchmarks reports``."""
    asyncio.run(run())


if __name__ == "__main__":
    main()
