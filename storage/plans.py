"""Plans and what hangs off them: sections, targets, passages, synonyms, unanswered questions.

Pure data access on an :class:`AsyncSession`; the caller owns the transaction
(``async with db.session() as s``). Nothing here knows about Telegram.

Re-importing a document updates the stored plan instead of adding a second one. The plan's
identity is its number and year ("21/kh-ubnd|2025") when the document has a number, else a
hash of its folded text. Targets are matched by key and updated in place, so their ids,
which reports point at, never change; targets that disappear are marked retired, not deleted.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.damage import is_damaged_copy
from bot.core.plan import Direction, ParsedPlan, Passage, Qualifier, Scope, Section, Target
from bot.core.plan_deadlines import find_deadlines
from bot.core.text import collapse_spaces, fold, words
from bot.errors import InvalidInput, NotFound
from storage.models import (
    Plan,
    PlanPassage,
    PlanSection,
    PlanTarget,
    Report,
    Synonym,
    UnansweredQuestion,
)
from storage.types import utcnow

__all__ = [
    "ADDED",
    "EDITED",
    "MERGED",
    "REMOVED",
    "SaveResult",
    "UnansweredGroup",
    "activate_plan",
    "active_plan",
    "add_synonym",
    "existing_plan",
    "find_plan",
    "get_plan",
    "list_plans",
    "list_synonyms",
    "list_unanswered",
    "load_parsed_plan",
    "plan_identity",
    "plan_report_count",
    "record_unanswered",
    "remove_synonym",
    "report_counts",
    "resolve_unanswered",
    "save_plan",
    "target_fields",
    "target_of",
    "target_rows",
    "touch_plan",
]

# Column widths from storage.models, so long OCR noise is clipped instead of failing on
# PostgreSQL (SQLite would silently store it).
_NAME_LEN = 256
_NUMBER_LEN = 64
_FILENAME_LEN = 256
_PATH_LEN = 64
_TARGET_NUMBER_LEN = 16
_MEASURE_LEN = 64
_KEY_LEN = 32
_IDENTITY_LEN = 128
_TITLE_DIGEST = 32
_PHRASE_LEN = 128
_EXPANSION_LEN = 512

_NO_SPACE = re.compile(r"\s+")

# PlanTarget.edited: what an admin last did to a target. A re-import keeps the officer's word:
# added and edited targets keep their content, removed and merged ones stay retired.
ADDED = "added"
EDITED = "edited"
REMOVED = "removed"
MERGED = "merged"
_KEEP_CONTENT = frozenset({ADDED, EDITED})
_KEEP_RETIRED = frozenset({REMOVED, MERGED})
_PLAN_ID = re.compile(r"^(?:#|so\s*)?(\d+)$")  # matched against folded text


# ---------------------------------------------------------------- saving a plan


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What :func:`save_plan` did. Counts are of targets (sub-targets included)."""

    plan: Plan
    created: bool  # False: an earlier import of the same document was updated
    targets_added: int  # keys never seen before in this plan
    targets_updated: int  # existing keys whose content changed
    targets_retired: int  # keys the new version no longer has (rows kept, marked retired)
    targets_restored: int = 0  # retired keys that came back (also counted as updated)
    targets_kept: int = 0  # targets an admin added, edited or removed: left as the admin set
    # Keys of the targets the new version changes or retires, and of those it read as an
    # OCR-damaged copy of the stored text (same figure): those keep their clean text.
    updated_keys: tuple[str, ...] = ()
    retired_keys: tuple[str, ...] = ()
    clean_kept_keys: tuple[str, ...] = ()
    kept_keys: tuple[str, ...] = ()  # the targets counted in *targets_kept*
    clean_kept_fields: tuple[str, ...] = ()  # "title", "issuer", "sections", "passages"


def _clip(text: str | None, length: int) -> str | None:
    return None if text is None else text[:length]


def _content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _text_identity(raw_text: str) -> str:
    return "text:" + _content_hash(fold(raw_text))


def plan_identity(parsed: ParsedPlan, raw_text: str) -> str:
    """The identity under which *parsed* is stored: "21/kh-ubnd|2025"; without a number, its
    kind, year and title; else a text hash.

    The year is the year the plan covers, else the year it was issued: numbers restart
    every year, so "21/KH-UBND" alone does not name one document.
    """
    if parsed.number and parsed.number.strip():
        number = _NO_SPACE.sub("", fold(parsed.number))[:_NUMBER_LEN]
        return f"{number}|{_year(parsed) or ''}"[:_IDENTITY_LEN]
    return _title_identity(parsed) or _text_identity(raw_text)


def _year(parsed: ParsedPlan) -> int | None:
    return parsed.year or (parsed.issued_on.year if parsed.issued_on else None)


def _title_identity(parsed: ParsedPlan) -> str | None:
    """Without a number (a scan that lost it, a draft), the same title for the same year is
    the same document (from the same issuer): a corrected copy updates it instead of
    standing beside it."""
    title, year = collapse_spaces(fold(parsed.title)), _year(parsed)
    if not title or year is None:
        return None
    # Two villages' unnumbered reports share a title; their issuers tell them apart.
    issuer = collapse_spaces(fold(parsed.issuer or ""))
    return f"title:{parsed.kind}|{year}|{_content_hash(f'{issuer}|{title}')[:_TITLE_DIGEST]}"


def _default_name(parsed: ParsedPlan, filename: str) -> str:
    """What to call a plan the admin did not name: its number, else its file, else title."""
    if parsed.number and parsed.number.strip():
        return collapse_spaces(parsed.number)
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    if stem:
        return stem
    return collapse_spaces(parsed.title) or "Kế hoạch"


def target_fields(target: Target, position: int) -> dict[str, Any]:
    """Column values for *target* at *position*, clipped to the column widths (the one
    mapping from the domain :class:`Target` to a row; :func:`target_of` is the way back).
    Direction and scope are absent when the target does not set them, so an admin's choice
    is not overwritten by a re-import that infers them."""
    fields: dict[str, Any] = {
        "number": target.number[:_TARGET_NUMBER_LEN],
        "name": target.name,
        "value": target.value,
        "measure": _clip(target.measure, _MEASURE_LEN),
        "qualifier": str(target.qualifier),
        "section_path": target.section_path[:_PATH_LEN],
        "source_text": target.source_text,
        "parent_key": target.parent_key,
        "text_value": target.text_value,
        "position": position,
    }
    if target.direction is not None:
        fields["direction"] = str(target.direction)
    if target.scope is not None:
        fields["scope"] = str(target.scope)
    return fields


def _check_keys(targets: Sequence[Target]) -> None:
    """Keys identify targets for reports: they must be unique and fit their column."""
    seen: set[str] = set()
    for target in targets:
        if target.key in seen:
            raise ValueError(f"duplicate target key {target.key!r} in parsed plan")
        if len(target.key) > _KEY_LEN:
            raise ValueError(f"target key {target.key!r} longer than {_KEY_LEN} characters")
        seen.add(target.key)


async def save_plan(
    session: AsyncSession,
    parsed: ParsedPlan,
    *,
    raw_text: str,
    filename: str,
    name: str | None,
    imported_by: int | None,
) -> SaveResult:
    """Store *parsed*, or update the earlier import of the same document.

    Sections and passages are replaced; targets are upserted by key (ids stay stable),
    missing ones retired and returning ones restored. When no plan is active yet, this one
    becomes active. *name* None keeps an existing plan's name (or picks a default).
    """
    _check_keys(parsed.targets)
    identity = plan_identity(parsed, raw_text)
    plan = await existing_plan(session, parsed, raw_text)
    created = plan is None
    if plan is None:
        has_active = await session.scalar(select(Plan.id).where(Plan.is_active).limit(1))
        # A report (báo cáo) is kept to read from, never made the plan units report against.
        plan = Plan(identity=identity, is_active=has_active is None and parsed.kind != "bao_cao")
        session.add(plan)
    plan.identity = identity
    if name and name.strip():
        plan.name = collapse_spaces(name)[:_NAME_LEN]
    elif created:
        plan.name = _default_name(parsed, filename)[:_NAME_LEN]
    clean_fields: list[str] = []
    title = collapse_spaces(parsed.title)
    issuer = _clip(parsed.issuer, _NAME_LEN)
    if not created and plan.title and is_damaged_copy(title, plan.title):
        clean_fields.append("title")  # a scan of the same paper: the clean title stays
    else:
        plan.title = title
    if not created and plan.issuer and issuer and is_damaged_copy(issuer, plan.issuer):
        clean_fields.append("issuer")
    else:
        plan.issuer = issuer
    plan.number = _clip(collapse_spaces(parsed.number) if parsed.number else None, _NUMBER_LEN)
    plan.issued_on = parsed.issued_on
    plan.year = parsed.year
    plan.kind = parsed.kind
    stored_text = None if created else (plan.raw_text, plan.content_hash)
    plan.content_hash = _content_hash(raw_text)
    plan.source_filename = filename[:_FILENAME_LEN]
    plan.raw_text = raw_text
    plan.imported_by = imported_by
    # Always bump: the knowledge cache keys on it, and only targets may have changed.
    plan.updated_at = utcnow()
    await session.flush()

    clean_fields.extend(await _replace_outline(session, plan.id, parsed))
    upsert = await _upsert_targets(session, plan.id, parsed.targets)
    if stored_text and (upsert.clean or clean_fields) and not upsert.changed:
        # A damaged copy of the same paper that changes nothing: the clean text stays the
        # plan's text (the signer of exports is read from it).
        plan.raw_text, plan.content_hash = stored_text
    await session.flush()
    return SaveResult(
        plan=plan,
        created=created,
        targets_added=upsert.added,
        targets_updated=len(upsert.updated),
        targets_retired=len(upsert.retired),
        targets_restored=upsert.restored,
        targets_kept=len(upsert.kept),
        updated_keys=tuple(upsert.updated),
        retired_keys=tuple(upsert.retired),
        clean_kept_keys=tuple(upsert.clean),
        kept_keys=tuple(upsert.kept),
        clean_kept_fields=tuple(clean_fields),
    )


async def existing_plan(session: AsyncSession, parsed: ParsedPlan, raw_text: str) -> Plan | None:
    """The stored plan that *parsed* is a new import of, if any (nothing is written)."""
    identity = plan_identity(parsed, raw_text)
    # An earlier import may have been stored without its number (found now): by title or text.
    candidates = {
        identity,
        _text_identity(raw_text),
        _title_identity(parsed) or identity,
        _title_identity(dataclasses.replace(parsed, issuer=None)) or identity,  # older rows
    }
    found = await session.scalars(select(Plan).where(Plan.identity.in_(candidates)))
    by_identity = {p.identity: p for p in found}
    return by_identity.get(identity) or next(iter(by_identity.values()), None)


async def _replace_outline(session: AsyncSession, plan_id: int, parsed: ParsedPlan) -> list[str]:
    """Swap the plan's sections and passages for the new version's (nothing points at them).
    A heading or passage the new version reads as an OCR-damaged copy of the stored one (same
    place) keeps the stored text; which kinds did so ("sections", "passages")."""
    old_titles = {
        s.path: s.title
        for s in await session.scalars(select(PlanSection).where(PlanSection.plan_id == plan_id))
    }
    old_passages = {
        (p.position, p.section_path): (p.heading, p.text)
        for p in await session.scalars(select(PlanPassage).where(PlanPassage.plan_id == plan_id))
    }
    kept: list[str] = []

    def clean(new: str | None, old: str | None, kind: str) -> str | None:
        if new and old and is_damaged_copy(new, old):
            if kind not in kept:
                kept.append(kind)
            return old
        return new

    await session.execute(delete(PlanSection).where(PlanSection.plan_id == plan_id))
    await session.execute(delete(PlanPassage).where(PlanPassage.plan_id == plan_id))
    session.add_all(
        PlanSection(
            plan_id=plan_id,
            path=s.path[:_PATH_LEN],
            title=clean(s.title, old_titles.get(s.path[:_PATH_LEN]), "sections") or "",
            level=s.level,
            position=i,
        )
        for i, s in enumerate(parsed.sections)
    )
    for p in parsed.passages:
        path = p.section_path[:_PATH_LEN]
        old_heading, old_text = old_passages.get((p.order, path), (None, None))
        session.add(
            PlanPassage(
                plan_id=plan_id,
                section_path=path,
                heading=clean(p.heading, old_heading, "passages"),
                text=clean(p.text, old_text, "passages") or p.text,
                position=p.order,
            )
        )
    return kept


@dataclass
class _Upsert:
    """What :func:`_upsert_targets` did, by target key where the summary names them."""

    added: int = 0
    restored: int = 0
    kept: list[str] = dataclasses.field(default_factory=list)
    updated: list[str] = dataclasses.field(default_factory=list)
    retired: list[str] = dataclasses.field(default_factory=list)
    clean: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Anything added, changed, brought back or retired."""
        return bool(self.added or self.updated or self.restored or self.retired)


# What a target says (its figure, kind and place): an OCR copy must read these the same.
_FIGURE = frozenset({"value", "qualifier", "parent_key", "section_path", "direction", "scope"})


def _damaged_reading(row: PlanTarget, fields: dict[str, Any]) -> bool:
    """True when *fields* read *row* again with OCR damage only: the same figure, kind and
    place, and either the same line of the document read with damage (whatever name the
    damaged line gave: "Trong moi" for "Trồng mới cây xanh"), or a name (unit of measure,
    wording of a qualitative target) equal to or a damaged copy of the stored one."""
    if any(getattr(row, k) != fields[k] for k in _FIGURE if k in fields):
        return False
    if row.source_text and is_damaged_copy(fields["source_text"] or "", row.source_text):
        return True
    damaged = False
    for column in ("name", "measure", "text_value"):  # "text_value": a qualitative target
        new, old = fields[column], getattr(row, column)
        if new == old:
            continue
        if not (new and old and is_damaged_copy(new, old)):
            return False
        damaged = True
    return damaged


async def _upsert_targets(
    session: AsyncSession, plan_id: int, targets: Sequence[Target]
) -> _Upsert:
    """Insert new keys, update changed ones, retire missing ones. Targets an admin touched
    stay as the admin left them (*kept*); targets read again with OCR damage only keep their
    clean text (*clean*)."""
    existing = {
        row.key: row
        for row in await session.scalars(select(PlanTarget).where(PlanTarget.plan_id == plan_id))
    }
    done = _Upsert()
    for position, target in enumerate(targets):
        fields = target_fields(target, position)
        row = existing.pop(target.key, None)
        if row is None:
            session.add(PlanTarget(plan_id=plan_id, key=target.key, retired=False, **fields))
            done.added += 1
            continue
        if row.edited in _KEEP_CONTENT or row.edited in _KEEP_RETIRED:
            # Where the document says it stays current; what it says is the officer's.
            row.position, row.source_text = position, fields["source_text"]
            row.section_path = fields["section_path"]
            if row.edited in _KEEP_RETIRED or (
                row.edited in _KEEP_CONTENT and _differs(row, fields, _CONTENT)
            ):
                done.kept.append(row.key)
            continue
        if not row.retired and _damaged_reading(row, fields):
            row.position = position  # a scan of the same paper: the clean text stays
            done.clean.append(row.key)
            continue
        # Position alone moving (a target inserted above) is not a change worth reporting.
        changed = _differs(row, fields)
        for column, value in fields.items():
            setattr(row, column, value)
        if row.retired:
            row.retired = False
            done.restored += 1
            changed = True
        if changed:
            done.updated.append(row.key)
    for row in existing.values():
        if row.edited == ADDED:  # the document never had it: the admin's target stays
            continue
        if not row.retired:
            row.retired = True
            done.retired.append(row.key)
    return done


_CONTENT = frozenset({"name", "value", "measure", "qualifier", "text_value", "parent_key"})


def _differs(row: PlanTarget, fields: dict[str, Any], only: frozenset[str] | None = None) -> bool:
    return any(
        getattr(row, k) != v
        for k, v in fields.items()
        if k != "position" and (only is None or k in only)
    )


async def touch_plan(session: AsyncSession, plan_id: int) -> None:
    """Mark the plan changed, so the cached knowledge base is rebuilt with its new targets."""
    await session.execute(update(Plan).where(Plan.id == plan_id).values(updated_at=utcnow()))


async def plan_report_count(session: AsyncSession, plan_id: int) -> int:
    """How many figures (not withdrawn) units reported against *plan_id*."""
    count = await session.scalar(
        select(func.count(Report.id)).where(
            Report.plan_id == plan_id, Report.withdrawn_at.is_(None)
        )
    )
    return int(count or 0)


async def report_counts(session: AsyncSession, target_ids: Sequence[int]) -> dict[int, int]:
    """How many figures (not withdrawn) were reported against each of *target_ids*."""
    if not target_ids:
        return {}
    rows = await session.execute(
        select(Report.target_id, func.count(Report.id))
        .where(Report.target_id.in_(list(target_ids)), Report.withdrawn_at.is_(None))
        .group_by(Report.target_id)
    )
    return {target_id: count for target_id, count in rows}


# ---------------------------------------------------------------- reading plans


async def list_plans(session: AsyncSession) -> list[Plan]:
    """Every stored plan, oldest first (ids are what admins type to choose one)."""
    return list(await session.scalars(select(Plan).order_by(Plan.id)))


async def get_plan(session: AsyncSession, plan_id: int) -> Plan | None:
    """The plan with *plan_id*, if any."""
    return await session.get(Plan, plan_id)


async def active_plan(session: AsyncSession) -> Plan | None:
    """The plan questions and reports go to, if one is active."""
    return await session.scalar(
        select(Plan).where(Plan.is_active).order_by(Plan.updated_at.desc()).limit(1)
    )


async def activate_plan(session: AsyncSession, plan_id: int) -> Plan:
    """Make *plan_id* the one active plan, deactivating the others in the same transaction.

    Raises :class:`NotFound` when there is no such plan.
    """
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"Không có kế hoạch số {plan_id}.")
    await session.execute(
        update(Plan)
        .where(Plan.id != plan_id, Plan.is_active)
        .values(is_active=False, updated_at=utcnow())
    )
    if not plan.is_active:
        plan.is_active = True
        plan.updated_at = utcnow()
    await session.flush()
    return plan


def _compact(text: str) -> str:
    """Folded with every space dropped: "21 /KH-UBND" and "21/kh-ubnd" meet."""
    return _NO_SPACE.sub("", fold(text))


async def find_plan(session: AsyncSession, text: str) -> Plan | None:
    """The plan an admin means by *text*: its id ("3", "#3", "số 3"), or its whole number
    ("21/KH-UBND"), name or title, compared folded. Never a part of one: "9" is plan 9 or
    nothing, not a plan whose file name has a 9 in it. None when nothing fits."""
    wanted = text.strip()
    if not wanted:
        return None
    id_match = _PLAN_ID.match(fold(wanted))
    if id_match:
        return await session.get(Plan, int(id_match.group(1)))
    key = _compact(wanted)
    newest_first = list(reversed(await list_plans(session)))
    for field in ("number", "name", "title"):
        exact = [p for p in newest_first if _compact(getattr(p, field) or "") == key]
        if exact:
            return exact[0]
    return None


async def load_parsed_plan(session: AsyncSession, plan_id: int) -> ParsedPlan:
    """Rebuild the :class:`ParsedPlan` from stored rows (targets not retired, in plan order),
    so the matcher can index it after a restart without parsing the document again."""
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"Không có kế hoạch số {plan_id}.")
    sections = await session.scalars(
        select(PlanSection)
        .where(PlanSection.plan_id == plan_id)
        .order_by(PlanSection.position, PlanSection.id)
    )
    targets = await session.scalars(
        select(PlanTarget)
        .where(PlanTarget.plan_id == plan_id, PlanTarget.retired.is_(False))
        .order_by(PlanTarget.position, PlanTarget.id)
    )
    passages = await session.scalars(
        select(PlanPassage)
        .where(PlanPassage.plan_id == plan_id)
        .order_by(PlanPassage.position, PlanPassage.id)
    )
    stored = tuple(
        Passage(section_path=p.section_path, heading=p.heading, text=p.text, order=p.position)
        for p in passages
    )
    return ParsedPlan(
        title=plan.title,
        number=plan.number,
        issued_on=plan.issued_on,
        year=plan.year,
        kind=plan.kind,
        issuer=plan.issuer,
        sections=tuple(Section(path=s.path, title=s.title, level=s.level) for s in sections),
        targets=tuple(target_of(t) for t in targets),
        passages=stored,
        # The dates the plan sets are read again from its passages, as the import read them.
        deadlines=tuple(find_deadlines((p.section_path, p.text) for p in stored)),
    )


def target_of(row: PlanTarget) -> Target:
    """The domain :class:`Target` a row stores (see :func:`target_fields`)."""
    return Target(
        key=row.key,
        number=row.number,
        name=row.name,
        value=row.value,
        measure=row.measure,
        qualifier=Qualifier(row.qualifier),
        section_path=row.section_path,
        source_text=row.source_text,
        parent_key=row.parent_key,
        text_value=row.text_value,
        direction=Direction(row.direction) if row.direction else None,
        scope=Scope(row.scope) if row.scope else None,
    )


async def target_rows(
    session: AsyncSession, plan_id: int, *, include_retired: bool = False
) -> dict[str, PlanTarget]:
    """The plan's target rows by key, in plan order. Retired targets are left out unless
    asked for (old reports may still point at them)."""
    query = select(PlanTarget).where(PlanTarget.plan_id == plan_id)
    if not include_retired:
        query = query.where(PlanTarget.retired.is_(False))
    rows = await session.scalars(query.order_by(PlanTarget.position, PlanTarget.id))
    return {row.key: row for row in rows}


# ---------------------------------------------------------------- synonyms


def _synonym_phrase(phrase: str) -> str:
    folded = fold(phrase)
    if not words(folded):
        raise InvalidInput("Từ viết tắt hoặc từ thường dùng không được để trống.")
    if len(folded) > _PHRASE_LEN:
        raise InvalidInput(f"Từ viết tắt dài quá {_PHRASE_LEN} ký tự; hãy viết ngắn hơn.")
    return folded


async def add_synonym(
    session: AsyncSession, phrase: str, expansion: str, added_by: int | None
) -> tuple[Synonym, bool]:
    """Teach that *phrase* means *expansion*; (row, created). An existing phrase (compared
    folded) gets the new expansion. Raises :class:`InvalidInput` for empty or too long text."""
    folded = _synonym_phrase(phrase)
    meaning = collapse_spaces(expansion)
    if not words(meaning):
        raise InvalidInput("Hãy ghi nghĩa đầy đủ của từ, ví dụ: BHYT = bảo hiểm y tế.")
    if len(meaning) > _EXPANSION_LEN:
        raise InvalidInput(f"Phần nghĩa dài quá {_EXPANSION_LEN} ký tự; hãy viết ngắn hơn.")
    row = await session.scalar(select(Synonym).where(Synonym.phrase == folded))
    if row is not None:
        row.expansion, row.added_by = meaning, added_by
        return row, False
    row = Synonym(phrase=folded, expansion=meaning, added_by=added_by)
    session.add(row)
    await session.flush()
    return row, True


async def list_synonyms(session: AsyncSession) -> list[Synonym]:
    """Every admin-added synonym, by phrase."""
    return list(await session.scalars(select(Synonym).order_by(Synonym.phrase)))


async def remove_synonym(session: AsyncSession, phrase: str) -> bool:
    """Forget *phrase* (compared folded); False when it was not there."""
    folded = fold(phrase)
    result = await session.execute(delete(Synonym).where(Synonym.phrase == folded))
    return bool(result.rowcount)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- unanswered questions


@dataclass(frozen=True, slots=True)
class UnansweredGroup:
    """Open questions that read the same once folded, shown as one line to admins."""

    id: int  # the newest question of the group; resolving it resolves the group
    text: str  # as the newest asker typed it
    folded: str
    count: int
    first_asked_at: datetime
    last_asked_at: datetime


def _question_key(text: str) -> str:
    """Folded words only, so "BHYT bao nhiêu?" and "bhyt bao nhieu" count as one question."""
    return " ".join(words(text))


async def record_unanswered(
    session: AsyncSession,
    text: str,
    plan_id: int | None,
    asked_by: int | None,
    chat_id: int | None,
) -> UnansweredQuestion:
    """Remember a question the plan could not answer, for admins to review."""
    row = UnansweredQuestion(
        text=text.strip(),
        folded=_question_key(text),
        plan_id=plan_id,
        asked_by=asked_by,
        chat_telegram_id=chat_id,
    )
    session.add(row)
    await session.flush()
    return row


async def list_unanswered(session: AsyncSession, limit: int = 20) -> list[UnansweredGroup]:
    """Open questions grouped by folded text, most recently asked first, with counts."""
    newest_id = func.max(UnansweredQuestion.id)
    last_at = func.max(UnansweredQuestion.asked_at)
    grouped = await session.execute(
        select(
            newest_id,
            func.count(UnansweredQuestion.id),
            func.min(UnansweredQuestion.asked_at),
            last_at,
        )
        .where(UnansweredQuestion.resolved_at.is_(None))
        .group_by(UnansweredQuestion.folded)
        .order_by(last_at.desc(), newest_id.desc())
        .limit(limit)
    )
    rows = grouped.all()
    ids = [row[0] for row in rows]
    texts = {
        q.id: q
        for q in await session.scalars(
            select(UnansweredQuestion).where(UnansweredQuestion.id.in_(ids))
        )
    }
    return [
        UnansweredGroup(
            id=newest,
            text=texts[newest].text,
            folded=texts[newest].folded,
            count=count,
            first_asked_at=first,  # min() keeps the column type, so this is an aware datetime
            last_asked_at=texts[newest].asked_at,
        )
        for newest, count, first, _last in rows
    ]


async def resolve_unanswered(session: AsyncSession, question_id: int) -> int:
    """Mark question *question_id* and every open question that reads the same as resolved;
    how many were closed (0 when the id is unknown or already resolved)."""
    folded = await session.scalar(
        select(UnansweredQuestion.folded).where(
            UnansweredQuestion.id == question_id, UnansweredQuestion.resolved_at.is_(None)
        )
    )
    if folded is None:
        return 0
    result = await session.execute(
        update(UnansweredQuestion)
        .where(UnansweredQuestion.folded == folded, UnansweredQuestion.resolved_at.is_(None))
        .values(resolved_at=utcnow())
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
