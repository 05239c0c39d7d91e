"""Every input answered, nothing done on a guess: labelled conversation cases for reports and
commands, through the real application.

Run with ``python -m benchmarks replies`` (or ``make bench``). Each case in
``benchmarks/data/reply_cases.json`` is a message from a unit member, an admin in no unit or
someone in no unit, labelled with what the bot must do:

* ``save`` — record a figure (``target``: the key it must land on);
* ``ask`` — ask with buttons before anything is recorded or changed;
* ``reply`` — answer without recording or changing anything (an explanation, a usage, a
  refusal); ``contains`` names words the answer must hold.

The bot is the one the handler tests drive (:mod:`tests.support.driver`: ``build_application``
fed updates through ``process_update``, a temporary SQLite database, the sample plan
27/KH-UBND). Figures saved by one case are withdrawn before the next, so cases do not lean on
each other. It prints how many cases got the right kind of answer, the inputs left without
any answer (aim 0), the confident wrong actions — a figure recorded where the bot should have
asked or refused, or recorded on another target (aim 0) — and every miss.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from bot.config import Settings
from storage import plans, reports
from storage.db import Database
from storage.migrate import upgrade_to_head
from storage.models import Report
from tests.support.driver import ADMIN, AN, BINH, BotDriver, Replies, running_bot

CASES = Path(__file__).resolve().parent / "data" / "reply_cases.json"
SPEAKERS = {"member": AN, "admin": ADMIN, "outsider": BINH}
UNDO_LABEL = "Hoàn tác"


@dataclass(frozen=True, slots=True)
class Case:
    who: str
    text: str
    expect: str  # save | ask | reply
    target: str | None = None
    contains: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Result:
    case: Case
    got: str  # save | ask | reply | none
    target: str | None
    answer: str

    @property
    def right(self) -> bool:
        if self.got != self.case.expect:
            return False
        if self.got == "save" and self.case.target is not None:
            return self.target == self.case.target
        folded = self.answer.lower()
        return all(word.lower() in folded for word in self.case.contains)

    @property
    def confident_wrong(self) -> bool:
        """A figure recorded where none should be, or on another target."""
        wrong_target = self.case.target is not None and self.target != self.case.target
        return self.got == "save" and (self.case.expect != "save" or wrong_target)


def load_cases(path: Path = CASES) -> list[Case]:
    """The labelled cases, checked for well-formed labels."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    cases = [
        Case(
            who=item["who"],
            text=item["text"],
            expect=item["expect"],
            target=item.get("target"),
            contains=tuple(item.get("contains", ())),
        )
        for item in raw
    ]
    for case in cases:
        if case.who not in SPEAKERS or case.expect not in {"save", "ask", "reply"}:
            raise ValueError(f"bad label in {path.name}: {case}")
    return cases


def _kind(replies: Replies, saved: list[Report]) -> str:
    if saved:
        return "save"
    if not replies.messages:
        return "none"
    asking = [label for label in replies.labels() if label != UNDO_LABEL]
    return "ask" if asking else "reply"


async def _run_case(bot: BotDriver, case: Case) -> Result:
    before = {r.id for r in await bot.reports()}
    replies = await bot.send(case.text, SPEAKERS[case.who])
    saved = [r for r in await bot.reports() if r.id not in before]
    target = None
    async with bot.db.session() as session:
        if saved:
            keys = {row.id: key for key, row in (await plans.target_rows(session, 1)).items()}
            target = keys.get(saved[0].target_id)
            await reports.withdraw(session, [r.id for r in saved], bot.clock.now())
    shown = "\n".join([replies.text, *replies.labels()])  # buttons are part of the answer
    return Result(case, _kind(replies, saved), target, shown)


async def _run(cases: list[Case]) -> list[Result]:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'replies.db'}"
        settings = Settings(
            _env_file=None,
            telegram_bot_token="123456789:BENCH-token-for-the-replies-bench-00",
            database_url=url,
            admin_ids="1",
        )
        database = Database(url)
        await upgrade_to_head(database)
        try:
            async with running_bot(settings, database) as bot:
                return await run_cases(bot, cases)
        finally:
            await database.dispose()


async def run_cases(bot: BotDriver, cases: list[Case]) -> list[Result]:
    """Set up the sample commune on *bot* (plan 27/KH-UBND, Thôn 1 with a member, Thôn 2,
    Thôn An Phú) and run every case in turn."""
    await bot.load_plan()
    await bot.add_member(AN, "Thôn 1")
    for name in ("Thôn 2", "Thôn An Phú"):
        await bot.unit(name)
    results = [await _run_case(bot, case) for case in cases]
    async with bot.db.session() as session:
        live = await session.scalars(select(Report.id).where(Report.withdrawn_at.is_(None)))
        assert not list(live), "a case's figures were left standing"
    return results


def report(results: list[Result]) -> None:
    """Print the figures and the misses."""
    total = len(results)
    right = sum(r.right for r in results)
    unanswered = [r for r in results if r.got == "none"]
    wrong = [r for r in results if r.confident_wrong]
    by_kind = Counter(r.case.expect for r in results)
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(by_kind.items()))
    print(f"{total} labelled cases ({kinds}); machine load {os.getloadavg()[0]:.2f}")
    print(f"right kind of answer: {right}/{total} ({right / total:.1%})")
    print(f"unanswered inputs: {len(unanswered)} (aim 0)")
    print(
        f"confident wrong actions (recorded on a guess or on another target): {len(wrong)} (aim 0)"
    )
    for kind in ("save", "ask", "reply"):
        of_kind = [r for r in results if r.case.expect == kind]
        if of_kind:
            print(f"  {kind}: {sum(r.right for r in of_kind)}/{len(of_kind)}")
    misses = [r for r in results if not r.right]
    if misses:
        print("misses:")
    for miss in misses:
        answer = " ".join(miss.answer.split())[:140]
        print(
            f"  [{miss.case.who}] {miss.case.text!r}: expected {miss.case.expect}"
            f"{' ' + miss.case.target if miss.case.target else ''}, got {miss.got}"
            f"{' ' + miss.target if miss.target else ''} — {answer}"
        )


def main() -> None:
    """Run every case and print the figures."""
    report(asyncio.run(_run(load_cases())))


if __name__ == "__main__":
    main()
