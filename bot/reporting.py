"""The reporting use case: from a staff message to figures ready to store, or to questions.

For each figure in the message it decides one of:

* :class:`Ready` — the target is clear and the value plausible: save at once;
* :class:`PickTarget` — several targets fit about equally: offer them as buttons;
* :class:`PickNumber` — the number reads two ways ("1.5"): ask which;
* :class:`ConfirmValue` — the value looks wrong (negative, a rate over 100%, >10× target);
* :class:`NoTarget` — nothing in the plan fits.

No Telegram and no SQL here: handlers act on the decisions, storage keeps the results.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot import knowledge
from bot.callbacks import ReportChoicePress
from bot.core.measures import Measure, convert, lookup_measure
from bot.core.numbers import bounded_figure, format_number
from bot.core.periods import Period, parse_period_key, period_of
from bot.core.plan import ParsedPlan, Target
from bot.core.progress import (
    Figure,
    PlanCitation,
    ProgressTable,
    TargetInfo,
    Verdict,
    suspicious,
)
from bot.core.report_parser import (
    MAX_UNIT_NAME_WORDS,
    AmbiguousClaim,
    Claim,
    ParsedReport,
    looks_like_unit_name,
    named_years,
)
from bot.core.text import fold, shorten
from bot.errors import InvalidInput, UserFacingError
from bot.exports import amount_text
from bot.knowledge import ActivePlan
from bot.periods import current_period, summary_period
from bot.services import Services, is_admin
from storage import pending, plans, reports, units, users
from storage.models import PlanTarget, Report, Unit

# Target-match scores run 0–100. A match this good, this far ahead of the runner-up, is
# taken without asking.
CONFIDENT_SCORE = 80.0
CONFIDENT_MARGIN = 12.0
# Below this, a candidate is not worth offering.
CANDIDATE_SCORE = 45.0
# The lead a lone candidate in the message's own unit needs over every other target.
CLEAR_MARGIN = 20.0
MEASURED_RELIEF = 10.0
# Units of measure many targets share: a figure in them alone never picks a target.
SHARED_CATEGORIES = frozenset({"people", "rate", "money", "turns", "households"})
# Categories whose units convert into each other ("1,5 tạ" for a target in "tấn").
SCALED_CATEGORIES = frozenset({"mass", "money", "area", "length"})
MEASURE_CHOICES = 5  # at most this many targets offered when the unit alone points to them


class TargetMatchLike(Protocol):
    """What the matcher returns for a report fragment."""

    @property
    def target(self) -> Target: ...

    @property
    def score(self) -> float: ...


class TargetMatcher(Protocol):
    """The part of the knowledge base reporting needs."""

    @property
    def plan(self) -> ParsedPlan: ...

    def match_targets(
        self, fragment: str, *, measure_category: str | None = None, limit: int = 3
    ) -> Sequence[TargetMatchLike]: ...


@dataclass(frozen=True, slots=True)
class Ready:
    claim: Claim
    target: Target
    value: Decimal  # in the target's unit of measure
    confirmed: bool = False  # the user pressed "Vẫn ghi": no more doubts to raise


@dataclass(frozen=True, slots=True)
class PickTarget:
    claim: Claim
    candidates: tuple[Target, ...]


@dataclass(frozen=True, slots=True)
class PickNumber:
    claim: AmbiguousClaim
    candidates: tuple[Target, ...]  # best guesses for the target, may be empty


@dataclass(frozen=True, slots=True)
class ConfirmValue:
    claim: Claim
    target: Target
    value: Decimal
    reason: str  # Vietnamese: "tỷ lệ lớn hơn 100%"


@dataclass(frozen=True, slots=True)
class PickMode:
    """A cumulative figure below what the unit already has: "tháng này trồng được 70 cây"
    after 18.350 more likely adds to the total than replaces it."""

    claim: Claim
    target: Target
    value: Decimal
    so_far: Decimal


@dataclass(frozen=True, slots=True)
class NoTarget:
    claim: Claim


Decision = Ready | PickTarget | PickNumber | ConfirmValue | PickMode | NoTarget


def target_info(target: Target, parent: Target | None = None) -> TargetInfo:
    """The progress view of a plan target."""
    return TargetInfo.of(target, parent.name if parent else None)


def reportable(target: Target) -> bool:
    """Targets a unit can report a figure for: those with a numeric value."""
    return target.value is not None


def convert_to_target(value: Decimal, measure: Measure | None, target: Target) -> Decimal | None:
    """*value* expressed in the target's unit of measure; None when the units clash.
    A figure that would grow beyond what is stored ("tấn" to "kg") raises
    :class:`FigureTooLargeError`."""
    if measure is None or target.measure is None:
        return value
    target_measure = lookup_measure(target.measure)
    if target_measure is None or target_measure.name == measure.name:
        return value
    converted = convert(value, measure, target_measure)
    return (
        None
        if converted is None
        else bounded_figure(converted, f"{format_number(value, max_decimals=6)} {measure.name}")
    )


def decide(report: ParsedReport, matcher: TargetMatcher) -> list[Decision]:
    """One decision per figure in *report*, in message order (ambiguous numbers last)."""
    decisions: list[Decision] = [_decide_claim(claim, matcher) for claim in report.claims]
    for ambiguous in report.ambiguous:
        possible = _possible_readings(ambiguous)
        if len(possible) == 1:  # "BHYT 97.5%" cannot be 975%, "lợn 2,300 con" not 2,3 con
            decisions.append(_decide_claim(ambiguous.read_as(possible[0]), matcher))
            continue
        matches = _candidates(matcher, ambiguous.fragment, ambiguous.measure)
        counted = _counted_in(ambiguous.measure, matcher.plan)  # "1.5 tấn": the unit says it
        if matches or counted:
            targets = tuple(m.target for m in matches) if matches else counted
            decisions.append(PickNumber(ambiguous, targets))
        else:  # "họp lúc 7.30": no target, so no reason to ask which number it is
            decisions.append(NoTarget(ambiguous.read_as(ambiguous.readings[0])))
    return _parts_added(decisions)


def _parts_added(decisions: list[Decision]) -> list[Decision]:
    """Figures of one message that land on the same count are its parts and add up: "gà
    5.000 con, vịt 3.000 con" is 8.000 for "Gia cầm", not 5.000 then a doubtful 3.000. Only
    counts and amounts, and only figures of one kind (all totals, or all increments)."""
    out: list[Decision] = []
    first_of: dict[tuple[str, bool], int] = {}
    for decision in decisions:
        if isinstance(decision, Ready) and target_info(decision.target).additive:
            slot = (decision.target.key, decision.claim.delta)
            if slot in first_of:
                earlier = out[first_of[slot]]
                assert isinstance(earlier, Ready)
                total = earlier.value + decision.value
                claim = replace(
                    earlier.claim,
                    value=total,
                    measure=None,
                    source=f"{earlier.claim.source}; {decision.claim.source}",
                )
                reason = suspicious(total, target_info(decision.target))
                out[first_of[slot]] = (
                    ConfirmValue(claim, decision.target, total, reason)
                    if reason is not None and not decision.claim.delta
                    else replace(earlier, claim=claim, value=total)
                )
                continue
            first_of[slot] = len(out)
        out.append(decision)
    return out


def fits_a_target(report: ParsedReport, matcher: TargetMatcher) -> bool:
    """Whether any figure in *report* points to a target of the plan (by a word or by its
    unit of measure): "asdkjh qwe 123" has a number but nothing that says what it counts."""
    try:
        return any(not isinstance(d, NoTarget) for d in decide(report, matcher))
    except UserFacingError:  # a figure too large to convert: the report path says so
        return True


def _possible_readings(claim: AmbiguousClaim) -> list[Decimal]:
    """The readings of an ambiguous number its unit allows."""
    measure = claim.measure
    readings = list(claim.readings)
    if measure is not None and measure.name == "%":
        readings = [r for r in readings if abs(r) <= 100]
    if measure is not None and measure.counts_whole_things:
        readings = [r for r in readings if r == r.to_integral_value()]
    return readings or list(claim.readings)


def _candidates(
    matcher: TargetMatcher, fragment: str, measure: Measure | None
) -> list[TargetMatchLike]:
    if not fragment:
        return []
    category = measure.category if measure else None
    matches = matcher.match_targets(fragment, measure_category=category, limit=3)
    # A figure with its unit ("93%", "2.300 con") narrows the targets, so a weaker name
    # match is still worth offering as a button.
    floor = CANDIDATE_SCORE - MEASURED_RELIEF if measure else CANDIDATE_SCORE
    return [m for m in matches if reportable(m.target) and m.score >= floor]


def _decide_claim(claim: Claim, matcher: TargetMatcher) -> Decision:
    matches = [
        m
        for m in _candidates(matcher, claim.fragment, claim.measure)
        if convert_to_target(claim.value, claim.measure, m.target) is not None
    ]
    if not matches:
        return _decide_by_measure(claim, matcher.plan)
    best = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    confident = best.score >= CONFIDENT_SCORE and best.score - runner_up >= CONFIDENT_MARGIN
    if (
        not confident
        and not _named_alone(claim.fragment, best, matches[1:])
        and not _alone_in_its_unit(claim, matcher, matches)
    ):
        return PickTarget(claim, tuple(m.target for m in matches))
    return settle(claim, best.target)


def _alone_in_its_unit(
    claim: Claim, matcher: TargetMatcher, matches: Sequence[TargetMatchLike]
) -> bool:
    """One target only is named well enough, it counts in the message's own unit, and every
    other target is named far less: "năng suất lúa vụ chiêm đạt 61 tạ/ha" is the plan's one
    rice yield in tạ/ha, although the plan's name ("… bình quân cả năm") differs in words.
    A name scoring below the candidate floor, or a rival near it, still asks. The line the
    target is a part of (holding no figure of its own), and the line's other parts that
    cannot hold the figure, are no rivals: "tập huấn 12 lớp, cho 900 lượt hội viên" puts
    a figure in "lượt" on the part in "lượt" however well the message names the whole line."""
    if len(matches) != 1 or claim.measure is None:
        return False
    best = matches[0]
    if best.score < CANDIDATE_SCORE or not _same_measure(best.target, claim.measure):
        return False
    ranked = matcher.match_targets(claim.fragment, measure_category=claim.measure.category, limit=3)
    line = best.target.parent_key
    rivals = [
        m.score
        for m in ranked
        if m.target.key != best.target.key
        and not (
            line is not None
            and (m.target.key == line or m.target.parent_key == line)
            and (
                not reportable(m.target)
                or convert_to_target(claim.value, claim.measure, m.target) is None
            )
        )
    ]
    return best.score - max(rivals, default=0.0) >= CLEAR_MARGIN


def _named_alone(fragment: str, best: TargetMatchLike, others: Sequence[TargetMatchLike]) -> bool:
    """The message names the best target by every word of its own name, and no other
    candidate so: "bò 640 con" is the part "Bò" of "Tổng đàn: trâu, bò, lợn", although the
    part "Trâu" shares the heading's words and scores nearly as high; "tỷ lệ hộ nghèo 2%"
    is "Tỷ lệ hộ nghèo", not "Tỷ lệ hộ cận nghèo"."""
    said = set(fold(fragment).split())

    def named(match: TargetMatchLike) -> bool:
        words = set(fold(match.target.name).split())
        return bool(words) and words <= said

    return named(best) and not any(named(m) for m in others)


def _decide_by_measure(claim: Claim, plan: ParsedPlan) -> Decision:
    """No target is named, but the unit may say it: "thêm 300 cây" when one target counts
    trees is that target; when several count in that unit, the user picks one. A unit that
    many targets may share (people, money, %) says nothing on its own."""
    counted = _counted_in(claim.measure, plan)
    if len(counted) == 1:
        return settle(claim, counted[0])
    if counted:
        return PickTarget(claim, counted)
    return NoTarget(claim)  # "3 người đi tập huấn" is chatter, not a report to ask about


def _counted_in(measure: Measure | None, plan: ParsedPlan) -> tuple[Target, ...]:
    """The few targets that count in *measure* (or a unit of its scale); none for a unit
    many targets may share (people, money, %), or when too many count in it to offer."""
    if measure is None or measure.category in SHARED_CATEGORIES:
        return ()
    counted = tuple(t for t in plan.targets if reportable(t) and _same_measure(t, measure))
    return counted if len(counted) <= MEASURE_CHOICES else ()


def _same_measure(target: Target, measure: Measure) -> bool:
    """The target counts in *measure*, or in a unit of the same scale ("tạ" for "tấn")."""
    own = lookup_measure(target.measure, ocr=True) if target.measure else None
    if own is None:
        return False
    return own.name == measure.name or (
        own.category == measure.category and own.category in SCALED_CATEGORIES
    )


def settle(claim: Claim, target: Target) -> Ready | ConfirmValue | NoTarget:
    """The decision once the target is known (directly, or chosen with a button)."""
    value = convert_to_target(claim.value, claim.measure, target)
    if value is None:
        return NoTarget(claim)
    if claim.delta:  # an increment is judged by the total it makes, once that is known
        return Ready(claim, target, value)
    reason = suspicious(value, target_info(target))
    if reason is not None:
        return ConfirmValue(claim, target, value, reason)
    return Ready(claim, target, value)


# ---------------------------------------------------------------- the use case with storage


@dataclass(frozen=True, slots=True)
class Sender:
    """Who reports, for which unit, from which message."""

    unit_id: int
    unit_name: str
    telegram_id: int
    chat_id: int
    message_id: int | None
    source_key: str  # "chat:message:edit" — one message (version) never counts twice
    text: str
    at: datetime
    period: Period
    # Set when an edited message is re-read: its earlier rows do not count towards the
    # total the new figures build on.
    correcting: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_id": self.unit_id,
            "unit_name": self.unit_name,
            "telegram_id": self.telegram_id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "source_key": self.source_key,
            "text": self.text,
            "at": self.at.isoformat(),
            "period": self.period.key,
            "correcting": self.correcting,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Sender:
        return cls(
            unit_id=int(data["unit_id"]),
            unit_name=str(data["unit_name"]),
            telegram_id=int(data["telegram_id"]),
            chat_id=int(data["chat_id"]),
            message_id=data.get("message_id"),
            source_key=str(data["source_key"]),
            text=str(data["text"]),
            at=datetime.fromisoformat(data["at"]),
            period=parse_period_key(data["period"]),
            correcting=bool(data.get("correcting", False)),
        )


@dataclass(frozen=True, slots=True)
class Saved:
    """A figure stored for a unit."""

    report_ids: tuple[int, ...]
    target: Target
    parent: Target | None
    value: Decimal  # as reported (the increment for "+300")
    total: Decimal  # the unit's cumulative figure after this report
    delta: bool


@dataclass(frozen=True, slots=True)
class Question:
    """Something to ask the user with buttons; the answer resumes from the database."""

    pending_id: int
    text: str  # Vietnamese, HTML-safe
    options: tuple[tuple[str, str], ...]  # (button label, callback data)


@dataclass
class Outcome:
    """What became of a message: figures saved, questions asked, parts not understood."""

    sender: Sender | None = None
    saved: list[Saved] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # clauses with no fitting target
    unreadable: list[str] = field(default_factory=list)  # clauses whose number is unreadable
    duplicates: int = 0  # figures already stored from this very message
    other_year: int | None = None  # the message names a year the current period is not in


PENDING_KIND = "report"
MAX_OPTION_LABEL = 60


def _claim_json(claim: Claim) -> dict[str, Any]:
    return {
        "fragment": claim.fragment,
        "value": str(claim.value),
        "measure": claim.measure.name if claim.measure else None,
        "delta": claim.delta,
        "source": claim.source,
    }


def _claim_from_json(data: dict[str, Any]) -> Claim:
    measure = lookup_measure(data["measure"]) if data.get("measure") else None
    return Claim(
        fragment=data["fragment"],
        value=Decimal(data["value"]),
        measure=measure,
        delta=bool(data["delta"]),
        source=data["source"],
    )


async def unit_for_message(
    services: Services, session: AsyncSession, *, unit: Unit | None, user_id: int, text: str
) -> tuple[Unit | None, str]:
    """The unit a message reports for, and its text without a leading unit name.

    *unit* is the sender's own (or the group's); a message may start with a unit's name
    ("Thôn 2: …", or with no colon: "Thôn 2 lợn 300 con"): an admin reports for any unit that
    way, a member only for their own. The name must be a unit's whole name, in any case and
    with or without marks ("thon b: …"); a near name or a part of one is refused
    (:class:`InvalidInput`, naming the near units), never guessed. A member's figures for
    another unit are refused, never credited to their own."""
    name, colon, rest = text.partition(":")
    named: Unit | None = None
    unit_like = False
    match = None
    if colon and name.strip() and len(name.split()) <= _UNIT_NAME_WORDS:
        unit_like = looks_like_unit_name(name)
        match = await units.match_unit(session, name.strip())
        named = match.unit if match.exact else None
    if named is None:  # "Thôn An Phú BHYT 95,5%": a unit's whole name, with no colon
        leading = _unit_at_start(text, await units.list_units(session))
        if leading is not None:
            (named, rest), unit_like = leading, False
    # A near name ("Thôn An" for "Thôn An Phú") never takes the figures: it is offered.
    # Only what reads as a unit name, or an admin's near hit, is worth the question;
    # otherwise a target named before a colon ("lợn: 2.300 con") is just that.
    near = match.candidates if match is not None and named is None else ()
    if near and not unit_like and not await is_admin(services, user_id, session=session):
        near = ()
    if named is None:
        if unit_like or near:  # "Thôn 9: …" with no such unit: say so, save nothing
            close = ", ".join(f"«{html.escape(u.name)}»" for u in near[:5])
            hint = f" Có phải {close}? Hãy ghi đúng tên đơn vị." if close else " Xem /donvi."
            raise InvalidInput(f"Không tìm thấy đơn vị «{html.escape(name.strip())}».{hint}")
        return unit, text  # "lợn: 2.300 con" names a target, not a unit
    if unit is not None and named.id == unit.id:
        return unit, rest.strip()
    if not await is_admin(services, user_id, session=session):
        raise InvalidInput(
            "Chỉ quản trị viên mới báo cáo thay cho đơn vị khác. Anh/chị báo cáo cho đơn vị "
            "của mình bằng cách nhắn số liệu, không cần ghi tên đơn vị."
        )
    return named, rest.strip()


_PUNCTUATION_AFTER_NAME = " \t,;:.-–—"


# Words a unit's name may have when it opens a report: as many as a unit's name may have.
_UNIT_NAME_WORDS = max(MAX_UNIT_NAME_WORDS, units.MAX_NAME_WORDS)


def _unit_at_start(text: str, live: Sequence[Unit]) -> tuple[Unit, str] | None:
    """The unit whose whole name, folded (case and marks aside), opens *text*, and the text
    after it: "thon an phu BHYT 95,5%" → (Thôn An Phú, "BHYT 95,5%"). The longest name
    wins ("Thôn 1" is not "Thôn 12"); a part of a name or a near spelling names nothing."""
    tokens = list(re.finditer(r"\S+", text))
    by_name = {u.folded_name: u for u in live}
    # As many words as the longest live name (a unit named before the word limit existed
    # may be longer): a shorter name that opens a longer one never takes its figures.
    longest = max((len(u.folded_name.split()) for u in live), default=0)
    for size in range(min(max(longest, _UNIT_NAME_WORDS), len(tokens) - 1), 0, -1):
        head = text[: tokens[size - 1].end()].rstrip(_PUNCTUATION_AFTER_NAME)
        found = by_name.get(fold(head))
        if found is not None:
            said = text[: tokens[size - 1].end()]
            if size < len(tokens) and _name_goes_on(said, tokens[size].group(0)):
                return None  # "Thon An Phu Dong": a longer name, not "Thôn An Phú"
            return found, text[tokens[size - 1].end() :].strip(_PUNCTUATION_AFTER_NAME)
    return None


def _name_goes_on(head: str, word: str) -> bool:
    """The word after a unit's name, with nothing between, carries the name on: a capital
    and small letters ("Đông"), as every word of the name before it ("Thon An Phu") has.
    An abbreviation ("BHYT"), a small word ("lợn") or a figure starts the report."""
    word = word.rstrip(_PUNCTUATION_AFTER_NAME)
    if head.endswith(tuple(_PUNCTUATION_AFTER_NAME)) or not word[:1].isupper():
        return False
    if not word[1:] or not word[1:].islower() or not word.isalpha():
        return False
    words = [w for w in head.split() if w[:1].isalpha()]
    return bool(words) and all(w[:1].isupper() for w in words)


async def submit(
    services: Services,
    session: AsyncSession,
    sender: Sender,
    report: ParsedReport,
    active: ActivePlan,
) -> Outcome:
    """Save what is clear in *report*, and prepare questions for the rest. A message that
    names another year than the period's ("năm 2025 lợn 2.000 con" in 2026) saves nothing:
    the figure would land in the wrong period."""
    decisions = decide(report, active.kb)
    other_years = sorted(named_years(sender.text) - {sender.period.year})
    if other_years and any(not isinstance(d, NoTarget) for d in decisions):
        return Outcome(sender=sender, other_year=other_years[0])
    outcome = Outcome(sender=sender, unreadable=list(report.invalid))
    for decision in decisions:
        await _apply(session, sender, decision, active, outcome)
    return outcome


async def _apply(
    session: AsyncSession,
    sender: Sender,
    decision: Decision,
    active: ActivePlan,
    outcome: Outcome,
) -> None:
    if isinstance(decision, Ready) and not decision.confirmed:
        decision = await _check_running_total(session, sender, decision, active)
    if isinstance(decision, Ready):
        await _save(session, sender, decision, active, outcome)
    elif isinstance(decision, NoTarget):
        outcome.unmatched.append(decision.claim.source)
    else:
        outcome.questions.append(await _ask(session, sender, decision, active))


def _own_rows(sender: Sender) -> tuple[int, int] | None:
    """(chat, message) whose earlier rows an edit replaces, so they are not built upon."""
    if not sender.correcting or sender.message_id is None:
        return None
    return sender.chat_id, sender.message_id


async def _check_running_total(
    session: AsyncSession, sender: Sender, ready: Ready, active: ActivePlan
) -> Ready | ConfirmValue | PickMode:
    """An increment is judged by the total it makes: "+30.000 con" on a 4.200 target is
    as doubtful as "32.000 con". A cumulative count below the unit's total so far is asked
    about: it is more often this month's work than a total that went down."""
    info = target_info(ready.target)
    if not ready.claim.delta:
        counts_up = info.additive and not info.lower_is_better
        if sender.correcting or not counts_up or ready.value < 0:
            return ready  # an edit restates its own figure; rates may go down
    row = (await plans.target_rows(session, active.plan_id)).get(ready.target.key)
    if row is None:
        return ready
    so_far = await reports.current_total(
        session,
        sender.unit_id,
        row.id,
        sender.period.running_keys,
        excluding=_own_rows(sender),
    )
    if not ready.claim.delta:
        if so_far is not None and ready.value < so_far:
            return PickMode(ready.claim, ready.target, ready.value, so_far)
        return ready
    total = (so_far or Decimal(0)) + ready.value
    reason = suspicious(total, info)
    if reason is None:
        return ready
    amount = format_number(total)
    return ConfirmValue(ready.claim, ready.target, ready.value, f"lũy kế sẽ là {amount}: {reason}")


async def _save(
    session: AsyncSession, sender: Sender, ready: Ready, active: ActivePlan, outcome: Outcome
) -> None:
    rows = await plans.target_rows(session, active.plan_id)
    row = rows.get(ready.target.key)
    if row is None:  # the plan changed under a pending question
        outcome.unmatched.append(ready.claim.source)
        return
    stored = await reports.add_report(
        session,
        reports.NewReport(
            unit_id=sender.unit_id,
            target_id=row.id,
            plan_id=active.plan_id,
            period_key=sender.period.key,
            running_keys=sender.period.running_keys,
            excluding=_own_rows(sender),
            value=ready.value,
            delta=ready.claim.delta,
            reporter_telegram_id=sender.telegram_id,
            chat_telegram_id=sender.chat_id,
            message_id=sender.message_id,
            source_key=sender.source_key,
            source_text=sender.text,
            reported_at=sender.at,
        ),
    )
    if stored is None:
        outcome.duplicates += 1
        return
    await session.flush()
    await users.audit(
        session,
        "report.add",
        actor=sender.telegram_id,
        chat=sender.chat_id,
        message_id=sender.message_id,
        report_id=stored.id,
        unit_id=sender.unit_id,
        target_key=ready.target.key,
        value=str(ready.value),
    )
    parent = active.parsed.target(ready.target.parent_key) if ready.target.parent_key else None
    outcome.saved.append(
        Saved(
            report_ids=(stored.id,),
            target=ready.target,
            parent=parent,
            value=ready.value,
            total=stored.cumulative_value,
            delta=ready.claim.delta,
        )
    )


async def _ask(
    session: AsyncSession,
    sender: Sender,
    decision: PickTarget | PickNumber | ConfirmValue | PickMode,
    active: ActivePlan,
) -> Question:
    payload: dict[str, Any] = {"sender": sender.to_json(), "plan_id": active.plan_id}
    if isinstance(decision, PickTarget):
        payload |= {"step": "target", "claim": _claim_json(decision.claim)}
        payload["options"] = [t.key for t in decision.candidates]
    elif isinstance(decision, PickNumber):
        ambiguous = decision.claim
        payload |= {"step": "number", "readings": [str(r) for r in ambiguous.readings]}
        payload["claim"] = _claim_json(ambiguous.read_as(Decimal(0)))
    else:
        step = "mode" if isinstance(decision, PickMode) else "confirm"
        payload |= {"step": step, "claim": _claim_json(decision.claim)}
        payload |= {"target_key": decision.target.key, "value": str(decision.value)}
    pending_id = await pending.create(
        session,
        kind=PENDING_KIND,
        chat_telegram_id=sender.chat_id,
        user_telegram_id=sender.telegram_id,
        payload=payload,
        now=sender.at,
    )
    return _question(pending_id, decision, active)


def _question(
    pending_id: int,
    decision: PickTarget | PickNumber | ConfirmValue | PickMode,
    active: ActivePlan,
) -> Question:
    cancel = ("Bỏ qua", _choice_data(pending_id, "x"))
    if isinstance(decision, PickMode):
        return _mode_question(pending_id, decision, active, cancel)
    if isinstance(decision, PickTarget):
        options = tuple(
            (shorten(target_label(t, active.parsed), MAX_OPTION_LABEL), _choice_data(pending_id, i))
            for i, t in enumerate(decision.candidates)
        )
        claim = decision.claim
        figure = amount_text(claim.value, claim.measure.name if claim.measure else None)
        text = (
            f"Số liệu {html.escape(figure)} («{html.escape(claim.source)}») thuộc chỉ tiêu "
            "nào? Chọn một chỉ tiêu bên dưới, tôi sẽ ghi ngay."
        )
        return Question(pending_id, text, (*options, cancel))
    if isinstance(decision, PickNumber):
        unit = decision.claim.measure.name if decision.claim.measure else None
        options = tuple(
            (amount_text(r, unit, max_decimals=3), _choice_data(pending_id, i))
            for i, r in enumerate(decision.claim.readings)
        )
        text = (
            f"Số trong «{html.escape(decision.claim.source)}» có thể hiểu theo hai cách. "
            "Anh/chị muốn ghi số nào? (Dấu chấm ngăn cách hàng nghìn, dấu phẩy là phần thập phân.)"
        )
        return Question(pending_id, text, (*options, cancel))
    label = html.escape(target_label(decision.target, active.parsed))
    text = (
        f"Số liệu {amount_text(decision.value, decision.target.measure)} cho «{label}» "
        "có vẻ chưa đúng "
        f"({decision.reason}). Anh/chị có chắc muốn ghi không?"
    )
    return Question(pending_id, text, (("Vẫn ghi", _choice_data(pending_id, "ok")), cancel))


def _mode_question(
    pending_id: int, decision: PickMode, active: ActivePlan, cancel: tuple[str, str]
) -> Question:
    measure = decision.target.measure
    figure, so_far = amount_text(decision.value, measure), amount_text(decision.so_far, measure)
    added = amount_text(decision.so_far + decision.value, measure)
    label = html.escape(target_label(decision.target, active.parsed))
    text = (
        f"«{label}»: đơn vị đã có lũy kế {so_far}. Số {figure} anh/chị vừa gửi là kết quả "
        "thêm trong đợt này, hay là lũy kế mới (số liệu giảm)?"
    )
    return Question(
        pending_id,
        text,
        (
            (f"Cộng thêm → {added}", _choice_data(pending_id, "add")),
            (f"Lũy kế mới: {figure}", _choice_data(pending_id, "total")),
            cancel,
        ),
    )


def _choice_data(pending_id: int, choice: int | str) -> str:
    """The callback data of one option of question *pending_id*."""
    return ReportChoicePress.model_validate({"pending_id": pending_id, "choice": choice}).encode()


def target_label(target: Target, plan: ParsedPlan) -> str:
    """ "(5) Phát triển chăn nuôi — lợn" for buttons and messages."""
    parent = plan.target(target.parent_key) if target.parent_key else None
    return target_info(target, parent).label


class ChoiceError(UserFacingError):
    """A button press that cannot be honoured (expired, someone else's, plan changed)."""


async def resolve(
    services: Services, session: AsyncSession, pending_id: int, choice: str, user_id: int
) -> Outcome:
    """Continue a report after the user pressed a button; each question is answered once."""
    payload = await pending.take(
        session,
        pending_id,
        kind=PENDING_KIND,
        user_telegram_id=user_id,
        now=services.clock.now(),
    )
    if payload is None:
        raise ChoiceError(
            "Câu hỏi này đã được trả lời, đã hết hiệu lực hoặc không dành cho anh/chị."
        )
    if choice == "x":
        return Outcome(sender=Sender.from_json(payload["sender"]))
    active = await knowledge.active_plan(services, session=session)
    if active is None or active.plan_id != payload["plan_id"]:
        raise ChoiceError("Kế hoạch đã thay đổi; anh/chị vui lòng gửi lại số liệu.")
    # The figure stands from the moment it is confirmed: a report sent directly in between
    # is older, and /tiendo and /huy must see the confirmed one as the latest.
    sender = Sender.from_json(payload["sender"])
    if not sender.correcting:  # a correction keeps the moment of the message it corrects
        sender = replace(sender, at=services.clock.now())
    await _check_still_reporting(services, session, sender, user_id)
    decision = _resolved_decision(payload, choice, active)
    if decision is None:
        raise ChoiceError("Lựa chọn không hợp lệ.")
    outcome = Outcome(sender=sender)
    await _apply(session, sender, decision, active, outcome)
    return outcome


async def _check_still_reporting(
    services: Services, session: AsyncSession, sender: Sender, user_id: int
) -> None:
    """A question answered late: the unit must still exist, and the user still report for
    it (a member, its bound group, or an admin)."""
    unit = await session.get(Unit, sender.unit_id)
    if unit is None or unit.deleted_at is not None:
        raise ChoiceError("Đơn vị này đã bị xóa; số liệu không được ghi.")
    if await is_admin(services, user_id, session=session):
        return
    current = await units.reporting_unit(
        session,
        user_telegram_id=user_id,
        chat_telegram_id=sender.chat_id,
        chat_type="private" if sender.chat_id > 0 else "group",
    )
    if current is None or current.id != unit.id:
        raise ChoiceError("Anh/chị không còn báo cáo cho đơn vị này; số liệu không được ghi.")


def _resolved_decision(payload: dict[str, Any], choice: str, active: ActivePlan) -> Decision | None:
    step = payload["step"]
    if step == "mode" and choice in ("add", "total"):
        target = active.parsed.target(payload["target_key"])
        claim = replace(_claim_from_json(payload["claim"]), delta=choice == "add")
        return Ready(claim, target, Decimal(payload["value"]), confirmed=True) if target else None
    if step == "confirm" and choice == "ok":
        target = active.parsed.target(payload["target_key"])
        claim = _claim_from_json(payload["claim"])
        return Ready(claim, target, Decimal(payload["value"]), confirmed=True) if target else None
    if not choice.isdigit():
        return None
    index = int(choice)
    if step == "target" and index < len(payload["options"]):
        target = active.parsed.target(payload["options"][index])
        return settle(_claim_from_json(payload["claim"]), target) if target else None
    if step == "number" and index < len(payload["readings"]):
        claim = replace(
            _claim_from_json(payload["claim"]), value=Decimal(payload["readings"][index])
        )
        return _decide_claim(claim, active.kb)
    return None


async def undo(
    services: Services, session: AsyncSession, report_ids: range, user_id: int, *, admin: bool
) -> list[str]:
    """Withdraw the figures one confirmation saved ("Hoàn tác"): the rows in *report_ids*
    that came from the same message as the first (other messages' rows may sit between).
    Returns one line per withdrawn figure saying what now stands (empty: undone before);
    only the reporter or an admin may undo."""
    report = await session.get(Report, report_ids.start)
    if report is None:
        raise ChoiceError("Không tìm thấy số liệu cần hoàn tác.")
    if report.reporter_telegram_id != user_id and not admin:
        raise ChoiceError("Chỉ người gửi số liệu hoặc quản trị viên mới hoàn tác được.")
    batch = await reports.reports_with_source(session, report.source_key)
    mine = [r.id for r in batch if r.id in report_ids]
    withdrawn = await reports.withdraw(session, mine, services.clock.now())
    for row in withdrawn:
        await users.audit(session, "report.undo", actor=user_id, report_id=row.id)
    return [await _withdrawn_line(session, row) for row in withdrawn]


async def withdraw_last(
    services: Services, session: AsyncSession, user_id: int, plan_id: int
) -> list[str]:
    """/huy: withdraw the sender's most recent report (all figures of that message).
    Returns one line per withdrawn figure, with what now stands:
    "Thôn 1 — Trồng cây phân tán: rút 12.500 cây; số liệu hiện tại: 10.000 cây"."""
    batch = await reports.last_report_batch(session, user_id, plan_id)
    withdrawn = await reports.withdraw(session, [r.id for r in batch], services.clock.now())
    for row in withdrawn:
        await users.audit(session, "report.withdraw", actor=user_id, report_id=row.id)
    return [await _withdrawn_line(session, row) for row in withdrawn]


async def _withdrawn_line(session: AsyncSession, row: Report) -> str:
    """What was taken back and the unit's figure in force now, for that period."""
    unit = await session.get(Unit, row.unit_id)
    target = await reports.target_by_id(session, row.target_id)
    what = target.name if target is not None else "?"
    measure = target.measure if target is not None else None
    sign = "+" if row.mode == "delta" and row.value >= 0 else ""
    figure = sign + amount_text(row.value, measure)
    keys = parse_period_key(row.period_key).running_keys
    now = await reports.current_total(session, row.unit_id, row.target_id, keys)
    standing = amount_text(now, measure) if now is not None else "chưa có số liệu"
    return f"{unit.name if unit else '?'} — {what}: rút {figure}; số liệu hiện tại: {standing}"


async def correct(
    services: Services,
    session: AsyncSession,
    sender: Sender,
    report: ParsedReport,
    active: ActivePlan,
    *,
    may_start: bool,
) -> tuple[Outcome, int]:
    """An edited message: store its figures anew and retire what the old version stored.
    When the first version stored nothing, the edit counts as a new report only if
    *may_start* (the caller's routing: a report where reports are read).

    Returns the outcome and how many earlier figures were replaced."""
    if sender.message_id is None:
        return Outcome(sender=sender), 0
    chat_id, message_id = sender.chat_id, sender.message_id
    live = await reports.reports_of_message(session, chat_id, message_id)
    ever = live or await reports.reports_of_message(session, chat_id, message_id, live_only=False)
    # Rows of this very version mean the edit was delivered before: it is already applied.
    already = sum(1 for r in live if r.source_key == sender.source_key)
    if not already:  # the buttons asked about the earlier version are void
        await pending.close_for_message(
            session,
            kind=PENDING_KIND,
            chat_telegram_id=chat_id,
            message_id=message_id,
            now=services.clock.now(),
        )
    old = [r for r in live if r.source_key != sender.source_key]
    if not ever:
        # The first version stored nothing (no target fitted, a typo in the number): the
        # corrected one is a report like any other, where a new message would be one.
        if not may_start:
            return Outcome(sender=sender), 0
        return await submit(services, session, sender, report, active), 0
    if already or not old:
        return Outcome(sender=sender, duplicates=already), 0
    # The corrected figures stand where the first ones stood: the same moment and period
    # (a later "+300" still adds to them).
    first = min(old, key=lambda r: (r.reported_at, r.id))
    sender = replace(
        sender,
        at=first.reported_at,
        period=parse_period_key(first.period_key),
        correcting=True,
    )
    outcome = await submit(services, session, sender, report, active)
    if outcome.other_year is not None:  # nothing saved: the first version stands
        return outcome, 0
    new_ids = [report_id for saved in outcome.saved for report_id in saved.report_ids]
    changed = await reports.replace_reports(
        session, [r.id for r in old], new_ids, services.clock.now()
    )
    await users.audit(
        session,
        "report.edit",
        actor=sender.telegram_id,
        chat=sender.chat_id,
        message_id=sender.message_id,
        replaced=[r.id for r in old],
        new=new_ids,
    )
    return outcome, changed


class ReportingUnit(Protocol):
    """What the handlers see of the unit a message reports for."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...


async def unit_names(session: AsyncSession) -> list[str]:
    """The names of the live units, in natural order (to list for an admin)."""
    return [unit.name for unit in await units.list_units(session)]


async def find_unit(session: AsyncSession, name: str) -> Unit | None:
    """The unit *name* refers to without doubt, else None."""
    return await units.find_unit(session, name)


async def commune_reporter_names(session: AsyncSession) -> list[str]:
    """The names of the units whose figures are the commune's own (/sochung), in order."""
    ids = await reports.commune_reporter_ids(session)
    return [unit.name for unit in await units.list_units(session) if unit.id in ids]


def _figure_homes(rows: dict[str, PlanTarget]) -> dict[int, str]:
    """The target key each stored target's figures count toward: its own while it is live,
    the surviving target's once it was merged into it (``/chitieu gop``); a removed target's
    figures count nowhere (they stay in its history)."""
    homes: dict[int, str] = {}
    for key, row in rows.items():
        home, hops = key, 0
        while rows[home].merged_into and rows[home].merged_into in rows and hops < len(rows):
            home, hops = rows[home].merged_into or home, hops + 1
        if rows[home].retired:
            continue
        if home != key and rows[home].measure != row.measure:
            continue  # another unit of measure: the figures cannot be put together
        homes[row.id] = home
    return homes


def _together(first: Figure, second: Figure, target: TargetInfo | None) -> Figure:
    """One unit's figures for targets merged into one: counts and amounts add up; for a
    rate or a mean the newer figure stands."""
    newer = max(first, second, key=lambda f: f.reported_at)
    if target is None or not target.additive:
        return newer
    return replace(
        newer,
        value=first.value + second.value,
        in_period=first.in_period or second.in_period,
    )


async def progress_table(
    services: Services,
    active: ActivePlan,
    period: Period,
    *,
    unit: Unit | None = None,
    session: AsyncSession | None = None,
) -> ProgressTable:
    """Every unit (or one) against every target of the plan for *period*: those with a
    figure, and the qualitative ones (no figure, no parts) with the status someone set."""
    parsed = active.parsed
    compound = {t.parent_key for t in parsed.targets if t.parent_key}
    targets = tuple(
        replace(
            target_info(t, parsed.target(t.parent_key) if t.parent_key else None),
            section=section.title if (section := parsed.section(t.section_path)) else "",
        )
        for t in parsed.targets
        if reportable(t) or t.key not in compound
    )
    async with services.db.within(session) as session:
        unit_rows = [unit] if unit is not None else await units.list_units(session)
        rows = await plans.target_rows(session, active.plan_id, include_retired=True)
        latest = await reports.latest_figures(
            session, active.plan_id, period.running_keys, unit.id if unit is not None else None
        )
        standing = await reports.standing_verdicts(session, active.plan_id, period.key)
        commune_ids = await reports.commune_reporter_ids(session)
    key_of = _figure_homes(rows)
    # By id, with today's names: a deleted unit's figures stay in history but not in the
    # table, even when a new unit takes its name.
    name_of = {u.id: u.name for u in unit_rows}
    info_of = {t.key: t for t in targets}
    figures: dict[tuple[str, str], Figure] = {}
    for f in latest:
        if f.target_id not in key_of or f.unit_id not in name_of:
            continue
        key = key_of[f.target_id]
        figure = Figure(
            unit_name=name_of[f.unit_id],
            target_key=key,
            value=f.value,
            reported_at=f.reported_at,
            reporter_name=f.reporter_name,
            in_period=f.period_key == period.key,
        )
        earlier = figures.get((figure.unit_name, key))
        if earlier is not None:
            figure = _together(earlier, figure, info_of.get(key))
        figures[(figure.unit_name, key)] = figure
    verdicts = {
        key_of[v.target_id]: Verdict(
            target_key=key_of[v.target_id],
            achieved=v.achieved,
            set_by=v.set_by,
            set_at=v.set_at,
            unit_name=name_of.get(v.unit_id) if v.unit_id is not None else None,
        )
        for v in standing
        if v.target_id in key_of
    }
    citation = PlanCitation(parsed.number, parsed.issued_on, parsed.issuer, parsed.title)
    return ProgressTable(
        plan=citation,
        plan_label=active.label,
        period_key=period.key,
        period_label=period.label,
        generated_at=services.clock.now(),
        targets=targets,
        units=tuple(u.name for u in unit_rows),
        figures=figures,
        commune_units=frozenset(u.name for u in unit_rows if u.id in commune_ids),
        verdicts=verdicts,
    )


async def period_for_kind(
    services: Services, kind: str | None, *, session: AsyncSession | None = None
) -> Period:
    """The latest period of *kind* ("6thang" or "nam") that has begun: the current one, or
    for "nam" asked during a six-month period, last year's. None means the period being
    compiled: the one just closed for a while after its deadline, else the current one."""
    if kind is None:
        return await summary_period(services, session=session)
    current = await current_period(services, session=session)
    if kind == current.kind:
        return current
    if kind == "nam":  # in the first half of the year the latest annual period is last year's
        return period_of("nam", current.year - 1)
    return period_of(kind, current.year)
