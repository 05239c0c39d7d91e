"""The officer's corrections to a plan's targets: add, edit, remove, restore, split, merge,
set direction and scope. Request + session → result; no Telegram, no texts (see
:mod:`bot.targets_texts`).

Every change works on the stored rows in place, so a target keeps its row id (which reports
point at) through every edit; removed and merged targets are retired, never deleted. Each row
an admin touched is marked (``PlanTarget.edited``) so that re-importing the document keeps the
officer's word, and each change is written to the audit log with the before and after.

Targets are named by their key exactly ("5", "(5)", "5.2"), never by a part of it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.measures import Measure, convert, lookup_measure
from bot.core.numbers import NumberError, parse_number
from bot.core.plan import Direction, Qualifier, Scope, Target
from bot.core.progress import TargetInfo
from bot.core.text import collapse_spaces, fold, shorten
from bot.errors import InvalidInput, NotFound
from bot.exports.targets_sheet import COL_KEY, SheetProblem, SheetRow
from bot.knowledge import citation_label
from storage import plans, users
from storage.models import PlanTarget
from storage.types import utcnow

__all__ = [
    "Change",
    "SheetOutcome",
    "TargetRef",
    "add_candidate",
    "add_target",
    "apply_change",
    "apply_sheet",
    "describe",
    "direction_of",
    "edit_target",
    "merge_targets",
    "normalise_key",
    "read_figure",
    "read_line",
    "remove_target",
    "restore_target",
    "scope_of",
    "set_direction",
    "set_scope",
    "split_target",
]

_KEY_LEN = 32
_MEASURE_LEN = 64
_NUMBER_LEN = 16
# "5", "5.2", and the keys the reader gives numbers restarted under a group ("b.1").
_KEY = re.compile(r"^\(?(\d{1,3}(?:\.\d{1,3}){0,3}|[a-z]{1,2}\.\d{1,3}(?:\.\d{1,3}){0,2})\)?\.?$")


# ---------------------------------------------------------------- reading what the admin typed


def normalise_key(text: str) -> str | None:
    """ "5", "(5)", "5." and "5.2" as keys ("5", "5", "5", "5.2"); None for anything else."""
    match = _KEY.match(text.strip())
    return match.group(1) if match else None


# Folded qualifier words, longest first so "khong qua" wins over a shorter reading.
_QUALIFIER_WORDS: tuple[tuple[str, Qualifier], ...] = (
    ("khong qua", Qualifier.AT_MOST),
    ("khong vuot qua", Qualifier.AT_MOST),
    ("khongqua", Qualifier.AT_MOST),
    ("toi da", Qualifier.AT_MOST),
    ("toida", Qualifier.AT_MOST),
    ("duoi", Qualifier.AT_MOST),
    ("toi thieu", Qualifier.AT_LEAST),
    ("toithieu", Qualifier.AT_LEAST),
    ("it nhat", Qualifier.AT_LEAST),
    ("dat", Qualifier.AT_LEAST),
    ("tu", Qualifier.AT_LEAST),
    ("tren", Qualifier.MORE_THAN),
    ("hon", Qualifier.MORE_THAN),
    ("khoang", Qualifier.ABOUT),
    ("giam", Qualifier.REDUCE),
    ("tang", Qualifier.INCREASE),
    ("dung", Qualifier.EXACT),
    ("bang", Qualifier.EXACT),
)
_SIGNS = {">=": Qualifier.AT_LEAST, "≥": Qualifier.AT_LEAST, "<=": Qualifier.AT_MOST}
_SIGNS |= {"≤": Qualifier.AT_MOST, ">": Qualifier.MORE_THAN, "<": Qualifier.AT_MOST}
_NUMBER_START = re.compile(r"^\d[\d.,]*")


@dataclass(frozen=True, slots=True)
class Figure:
    """A target's figure as an admin typed it: "tối thiểu 95%", "58.000 cây", "đạt chuẩn"."""

    value: Decimal | None
    measure: str | None
    qualifier: Qualifier
    text_value: str | None = None


def qualifier_word(text: str) -> Qualifier | None:
    """The qualifier an admin names ("toithieu", "không quá", "dung"), or None."""
    folded = collapse_spaces(fold(text))
    return next((q for word, q in _QUALIFIER_WORDS if folded == word), None)


def _strip_qualifier(text: str) -> tuple[Qualifier, str]:
    for sign, qualifier in _SIGNS.items():
        if text.startswith(sign):
            return qualifier, text[len(sign) :].strip()
    folded = fold(text)
    for word, qualifier in sorted(_QUALIFIER_WORDS, key=lambda item: -len(item[0])):
        if folded.startswith(word + " ") and folded[len(word) + 1 : len(word) + 2].isdigit():
            return qualifier, text[len(word) :].strip()
    return Qualifier.EXACT, text


def read_figure(text: str) -> Figure:
    """Read "tối thiểu 95%", "58.000 cây", "2,5 tỷ đồng"; words without a number are a
    qualitative figure. Raises :class:`InvalidInput` for a number it cannot read."""
    text = collapse_spaces(text)
    if not text:
        raise InvalidInput("Thiếu con số của chỉ tiêu, ví dụ «58.000 cây» hoặc «tối thiểu 95%».")
    qualifier, rest = _strip_qualifier(text)
    number = _NUMBER_START.match(rest)
    if number is None:
        return Figure(None, None, Qualifier.EXACT, text)
    written = number.group(0).strip()
    try:
        value = parse_number(written)
    except NumberError as exc:
        raise InvalidInput(f"Không đọc được số «{written}»: {exc.message_vi}") from None
    # The unit as plans write it: "8,5 tỷ đồng" is 8,5 of the measure "tỷ đồng".
    unit = rest[number.end() :].strip(" .;,")
    measure = lookup_measure(unit) if unit else None
    name = measure.name if measure is not None else (unit or None)
    return Figure(value, name[:_MEASURE_LEN] if name else None, qualifier)


def read_line(text: str) -> tuple[str, Figure | None]:
    """ "Tên chỉ tiêu: tối thiểu 95%" → (name, figure); a name alone → (name, None)."""
    name, colon, figure = text.partition(":")
    name = collapse_spaces(name).strip(" .;,-–")
    if not name:
        raise InvalidInput("Thiếu tên chỉ tiêu, ví dụ «Trồng cây phân tán: 58.000 cây».")
    return name, (read_figure(figure) if colon and figure.strip() else None)


# ---------------------------------------------------------------- inferred direction and scope


def direction_of(target: Target) -> Direction:
    """The admin's direction, else the reading the progress rules make (one rule for the
    import summary, /chitieu and every progress view: :attr:`TargetInfo.goes`)."""
    return TargetInfo.of(target).goes


def scope_of(target: Target) -> Scope:
    """The admin's scope, else counts are reported by units and rates for the commune
    (:attr:`TargetInfo.reported_by`)."""
    return TargetInfo.of(target).reported_by


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class TargetRef:
    """A target as the officer sees it, with how many figures were reported against it."""

    target: Target
    reports: int = 0


@dataclass(frozen=True, slots=True)
class Change:
    """What one command does (or would do, before confirmation)."""

    action: str  # "add", "edit", "remove", "restore", "split", "merge", "direction", "scope"
    before: tuple[TargetRef, ...]  # the targets as they were
    after: tuple[Target, ...]  # the targets as they are now (added, edited, survivors)
    retired: tuple[str, ...] = ()  # keys no longer in use (their rows and reports kept)
    destructive: bool = False  # ask the admin before applying

    @property
    def reports(self) -> int:
        """Figures reported against the targets this change touches."""
        return sum(ref.reports for ref in self.before)


# ---------------------------------------------------------------- loading


@dataclass
class _Plan:
    plan_id: int
    rows: list[PlanTarget]  # every row, retired too, in plan order

    def live(self) -> list[PlanTarget]:
        return [r for r in self.rows if not r.retired]

    def find(self, text: str) -> PlanTarget:
        key = normalise_key(text.strip().lower())
        live = {r.key: r for r in self.live()}
        sharing = [
            r
            for r in live.values()
            if key is not None and r.parent_key is None and _bare(r.number) == key
        ]
        if len(sharing) > 1:
            # Numbering restarted under each group: "(1)" names several targets.
            listed = "; ".join(f"{r.key} — {shorten(r.name, 50)}" for r in sharing[:8])
            raise NotFound(
                f"Số ({key}) có ở {len(sharing)} chỉ tiêu: {listed}. Hãy gõ lại với số riêng "
                f"của chỉ tiêu, ví dụ {sharing[1].key}."
            )
        if key is not None and key in live:
            return live[key]
        choices = ", ".join(f"({k})" for k in list(live)[:40])
        more = " …" if len(live) > 40 else ""
        raise NotFound(
            f"Không tìm thấy chỉ tiêu «{text.strip()}». Các số chỉ tiêu đang có: "
            f"{choices or 'chưa có'}{more}."
        )

    def children(self, key: str) -> list[PlanTarget]:
        return [r for r in self.live() if r.parent_key == key]

    def used(self, key: str) -> bool:
        return any(r.key == key for r in self.rows)


def _bare(number: str) -> str:
    """ "(1)", "1." and "1" alike; a sub-target's shared "(8)" is not its own number."""
    return number.strip().strip("()").rstrip(".")


async def _load(session: AsyncSession, plan_id: int) -> _Plan:
    rows = await session.scalars(
        select(PlanTarget)
        .where(PlanTarget.plan_id == plan_id)
        .order_by(PlanTarget.position, PlanTarget.id)
    )
    return _Plan(plan_id, list(rows))


async def _refs(session: AsyncSession, rows: Sequence[PlanTarget]) -> tuple[TargetRef, ...]:
    counts = await plans.report_counts(session, [r.id for r in rows])
    return tuple(TargetRef(plans.target_of(r), counts.get(r.id, 0)) for r in rows)


def _place(plan: _Plan, new_rows: list[PlanTarget], after: PlanTarget | None) -> None:
    """Put *new_rows* right after *after* (at the end when None) and number every row again
    in that order; retired rows keep their place, so a restored target comes back where it
    stood."""
    ordered = list(plan.rows)
    at = ordered.index(after) + 1 if after is not None else len(ordered)
    ordered[at:at] = new_rows
    plan.rows = ordered
    for position, row in enumerate(ordered):
        row.position = position


def _mark(row: PlanTarget, state: str, actor: int | None) -> None:
    row.edited, row.edited_by, row.edited_at = state, actor, utcnow()


def _json(target: Target) -> dict[str, Any]:
    return {
        "number": target.number,
        "name": target.name,
        "value": None if target.value is None else str(target.value),
        "measure": target.measure,
        "qualifier": str(target.qualifier),
        "text_value": target.text_value,
        "direction": str(target.direction) if target.direction else None,
        "scope": str(target.scope) if target.scope else None,
    }


async def _audit(session: AsyncSession, change: Change, plan_id: int, actor: int | None) -> None:
    await users.audit(
        session,
        f"target.{change.action}",
        actor=actor,
        plan_id=plan_id,
        before={ref.target.key: _json(ref.target) for ref in change.before},
        after={t.key: _json(t) for t in change.after},
        retired=list(change.retired) or None,
    )


def _with_figure(target: Target, figure: Figure) -> Target:
    return dataclasses.replace(
        target,
        value=figure.value,
        measure=figure.measure,
        qualifier=figure.qualifier,
        text_value=figure.text_value,
    )


def _write(row: PlanTarget, target: Target) -> None:
    for column, value in plans.target_fields(target, row.position).items():
        setattr(row, column, value)


# ---------------------------------------------------------------- the changes


async def describe(session: AsyncSession, plan_id: int, key: str) -> TargetRef:
    """Target *key* (exactly) with its report count; :class:`NotFound` lists the valid keys."""
    plan = await _load(session, plan_id)
    return (await _refs(session, [plan.find(key)]))[0]


def _next_number(plan: _Plan) -> str:
    numbers = [int(r.key) for r in plan.rows if r.key.isdigit()]
    candidate = max(numbers, default=0) + 1
    while plan.used(str(candidate)):
        candidate += 1
    return str(candidate)


async def add_target(
    session: AsyncSession,
    plan_id: int,
    line: str,
    *,
    actor: int | None,
    key: str | None = None,
    section_path: str | None = None,
    source_text: str | None = None,
) -> Change:
    """Add "Tên: con số" as a new numbered target (after the last one unless *key* is given).
    Raises :class:`InvalidInput` for a used key or an unreadable line."""
    plan = await _load(session, plan_id)
    name, figure = read_line(line)
    wanted = normalise_key(key) if key else _next_number(plan)
    if wanted is None or len(wanted) > _KEY_LEN:
        raise InvalidInput(f"«{key}» không phải số chỉ tiêu (ví dụ 23 hoặc 5.3).")
    if plan.used(wanted):
        raise InvalidInput(
            f"Số ({wanted}) đã dùng cho một chỉ tiêu (kể cả chỉ tiêu đã bỏ). "
            f"Hãy chọn số khác, ví dụ ({_next_number(plan)})."
        )
    live = plan.live()
    parent_key = wanted.rpartition(".")[0] or None
    parent = next((r for r in live if r.key == parent_key), None)
    if parent_key is not None and parent is None:
        raise InvalidInput(f"Không có chỉ tiêu ({parent_key}) để thêm ({wanted}) vào.")
    where = section_path or (
        parent.section_path if parent else (live[-1].section_path if live else "")
    )
    target = Target(
        key=wanted,
        number=(parent.number if parent else wanted)[:_NUMBER_LEN],
        name=name,
        value=None,
        measure=None,
        qualifier=Qualifier.EXACT,
        section_path=where,
        source_text=source_text or line.strip(),
        parent_key=parent_key,
    )
    if figure is not None:
        target = _with_figure(target, figure)
    return await _insert(session, plan, target, actor)


async def add_candidate(
    session: AsyncSession, plan_id: int, candidate: Target, *, actor: int | None
) -> Change:
    """Add a line the reader saw but did not take (a one-tap add after an import) as the
    next numbered target, unless a live target already reads the same."""
    plan = await _load(session, plan_id)
    same = [r for r in plan.live() if fold(r.name) == fold(candidate.name)]
    if same and same[0].value == candidate.value:
        raise InvalidInput(f"Chỉ tiêu ({same[0].key}) đã có nội dung này; không thêm lần nữa.")
    key = _next_number(plan)
    target = dataclasses.replace(candidate, key=key, number=key, parent_key=None)
    return await _insert(session, plan, target, actor)


async def _insert(session: AsyncSession, plan: _Plan, target: Target, actor: int | None) -> Change:
    row = PlanTarget(plan_id=plan.plan_id, key=target.key, retired=False, position=0)
    _write(row, target)
    _mark(row, plans.ADDED, actor)
    session.add(row)
    parent_key = target.parent_key
    family = [r for r in plan.live() if parent_key and parent_key in (r.key, r.parent_key)]
    _place(plan, [row], family[-1] if family else None)
    change = Change("add", (), (target,))
    await _finish(session, change, plan.plan_id, actor)
    return change


async def edit_target(
    session: AsyncSession, plan_id: int, key: str, field: str, text: str, *, actor: int | None
) -> Change:
    """Change one part of target *key*: field "ten" (name), "so" (figure with its unit and
    qualifier), "dvt" (unit), "loai" (qualifier) or "dong" ("Tên: con số", both)."""
    plan = await _load(session, plan_id)
    row = plan.find(key)
    before = await _refs(session, [row])
    old = before[0].target
    new = _edited(old, field, text)
    if new == old:
        raise InvalidInput(
            f"Không có gì thay đổi: chỉ tiêu ({old.number.strip('()') or old.key}) vẫn như cũ. "
            "Xem chỉ tiêu bằng /chitieu xem số chỉ tiêu."
        )
    _write(row, new)
    _mark(row, plans.EDITED, actor)
    change = Change("edit", before, (new,))
    await _finish(session, change, plan_id, actor)
    return change


def _rescaled(edited: Target, old: Target, measure: Measure | None) -> Target:
    """The figure in the new unit when both units measure the same thing ("6.832.510.000
    đồng" set to "tỷ đồng" is 6,83251 tỷ đồng), so the target keeps its size."""
    before = lookup_measure(old.measure) if old.measure else None
    if old.value is None or before is None or measure is None:
        return edited
    value = convert(old.value, before, measure)
    return dataclasses.replace(edited, value=value) if value is not None else edited


def _edited(old: Target, field: str, text: str) -> Target:
    text = collapse_spaces(text)
    if not text:
        raise InvalidInput("Thiếu nội dung cần sửa.")
    if field == "ten":
        return dataclasses.replace(old, name=text)
    if field == "so":
        return _with_figure(old, read_figure(text))
    if field == "dvt":
        measure = lookup_measure(text)
        edited = dataclasses.replace(
            old, measure=(measure.name if measure else text)[:_MEASURE_LEN]
        )
        return _rescaled(edited, old, measure)
    if field == "loai":
        qualifier = qualifier_word(text)
        if qualifier is None:
            raise InvalidInput(
                f"Không hiểu «{text}». Chọn một trong: dung, khoang, toithieu, tren, khongqua, "
                "giam, tang."
            )
        return dataclasses.replace(old, qualifier=qualifier)
    name, figure = read_line(text)
    new = dataclasses.replace(old, name=name)
    return _with_figure(new, figure) if figure is not None else new


async def set_direction(
    session: AsyncSession, plan_id: int, key: str, direction: Direction, *, actor: int | None
) -> Change:
    """Say which way target *key* should go (kept through re-imports)."""
    return await _set(session, plan_id, key, actor, "direction", direction=direction)


async def set_scope(
    session: AsyncSession, plan_id: int, key: str, scope: Scope, *, actor: int | None
) -> Change:
    """Say whether units report target *key* (counts add up) or the commune as a whole."""
    return await _set(session, plan_id, key, actor, "scope", scope=scope)


async def _set(
    session: AsyncSession, plan_id: int, key: str, actor: int | None, action: str, **what: Any
) -> Change:
    plan = await _load(session, plan_id)
    row = plan.find(key)
    before = await _refs(session, [row])
    new = dataclasses.replace(before[0].target, **what)
    _write(row, new)
    row.edited_by, row.edited_at = actor, utcnow()  # content unchanged: re-imports may update it
    change = Change(action, before, (new,))
    await _finish(session, change, plan_id, actor)
    return change


async def remove_target(
    session: AsyncSession, plan_id: int, key: str, *, actor: int | None, apply: bool
) -> Change:
    """Retire target *key* (and its sub-targets); rows and reports stay. With *apply* False,
    only say what would happen."""
    plan = await _load(session, plan_id)
    row = plan.find(key)
    rows = [row, *plan.children(row.key)]
    change = Change("remove", await _refs(session, rows), (), tuple(r.key for r in rows), True)
    if apply:
        for each in rows:
            each.retired = True
            _mark(each, plans.REMOVED, actor)
        await _finish(session, change, plan_id, actor)
    return change


async def restore_target(
    session: AsyncSession, plan_id: int, key: str, *, actor: int | None
) -> Change:
    """Bring back a removed or merged target (with its sub-targets removed with it)."""
    plan = await _load(session, plan_id)
    wanted = normalise_key(key)
    retired = [r for r in plan.rows if r.retired]
    row = next((r for r in retired if r.key == wanted), None)
    if row is None:
        choices = ", ".join(f"({r.key})" for r in retired[:40]) or "không có"
        raise NotFound(
            f"Không có chỉ tiêu đã bỏ số «{key.strip()}». Các chỉ tiêu đã bỏ: {choices}."
        )
    rows = [row, *(r for r in retired if r.parent_key == row.key)]
    for each in rows:
        each.retired, each.merged_into = False, None
        _mark(each, plans.EDITED, actor)
    change = Change("restore", (), tuple(plans.target_of(r) for r in rows))
    await _finish(session, change, plan_id, actor)
    return change


async def split_target(
    session: AsyncSession,
    plan_id: int,
    key: str,
    parts: Sequence[str],
    *,
    actor: int | None,
    apply: bool,
) -> Change:
    """Split target *key* into sub-targets ("Lợn: 5.500 con", "Dê: 380 con"): the target
    becomes their heading, without a figure of its own; its reports stay with it."""
    if len(parts) < 2:
        raise InvalidInput("Cần ít nhất hai phần, cách nhau bằng dấu «;».")
    plan = await _load(session, plan_id)
    row = plan.find(key)
    if row.parent_key is not None:
        raise InvalidInput(
            f"({row.key}) đã là chỉ tiêu thành phần; hãy thêm phần mới bằng "
            f"/chitieu them {row.parent_key}.N Tên: con số."
        )
    if plan.children(row.key):
        raise InvalidInput(f"({row.key}) đã có chỉ tiêu thành phần; hãy sửa từng phần.")
    before = await _refs(session, [row])
    parent = dataclasses.replace(
        before[0].target, value=None, measure=None, qualifier=Qualifier.EXACT, text_value=None
    )
    children, index = [], 1
    for part in parts:
        while plan.used(f"{row.key}.{index}"):
            index += 1
        name, figure = read_line(part)
        child = Target(
            key=f"{row.key}.{index}",
            number=row.number,
            name=name,
            value=None,
            measure=None,
            qualifier=Qualifier.EXACT,
            section_path=row.section_path,
            source_text=row.source_text,
            parent_key=row.key,
        )
        children.append(_with_figure(child, figure) if figure else child)
        index += 1
    change = Change("split", before, (parent, *children), destructive=before[0].reports > 0)
    if apply:
        _write(row, parent)
        _mark(row, plans.EDITED, actor)
        new_rows = []
        for child in children:
            new_row = PlanTarget(plan_id=plan_id, key=child.key, retired=False, position=0)
            _write(new_row, child)
            _mark(new_row, plans.ADDED, actor)
            session.add(new_row)
            new_rows.append(new_row)
        _place(plan, new_rows, row)
        await _finish(session, change, plan_id, actor)
    return change


async def merge_targets(
    session: AsyncSession,
    plan_id: int,
    keys: Sequence[str],
    *,
    actor: int | None,
    apply: bool,
    line: str | None = None,
) -> Change:
    """Merge targets *keys* into the first: it keeps its row and reports; the others are
    retired (marked merged into it), their reports kept with them. The merged figure is
    *line* ("Tên: con số") when given, else the sum of counts in one unit, else the first's."""
    plan = await _load(session, plan_id)
    rows = [plan.find(k) for k in keys]
    if len(rows) < 2 or len({r.key for r in rows}) < len(rows):
        raise InvalidInput("Cần ít nhất hai số chỉ tiêu khác nhau, ví dụ /chitieu gop 5.1 5.2.")
    if any(plan.children(r.key) for r in rows):
        raise InvalidInput("Không gộp được chỉ tiêu có chỉ tiêu thành phần; hãy gộp các phần.")
    before = await _refs(session, rows)
    merged = _merged([ref.target for ref in before], line)
    change = Change("merge", before, (merged,), tuple(r.key for r in rows[1:]), True)
    if apply:
        _write(rows[0], merged)
        _mark(rows[0], plans.EDITED, actor)
        for other in rows[1:]:
            other.retired, other.merged_into = True, rows[0].key
            _mark(other, plans.MERGED, actor)
        await _finish(session, change, plan_id, actor)
    return change


def _merged(targets: Sequence[Target], line: str | None) -> Target:
    first = targets[0]
    if line:
        name, figure = read_line(line)
        merged = dataclasses.replace(first, name=name)
        return _with_figure(merged, figure) if figure else merged
    first = dataclasses.replace(first, name=_joined_names([t.name for t in targets]))
    measures = {t.measure for t in targets}
    values = [t.value for t in targets]
    if (
        len(measures) == 1
        and None not in values
        and scope_of(first) is Scope.UNITS
        and all(t.qualifier is first.qualifier for t in targets)
    ):
        return dataclasses.replace(
            first, value=sum((v for v in values if v is not None), Decimal(0))
        )
    return first


def _joined_names(names: Sequence[str]) -> str:
    """ "Trâu, bò, ngựa và lợn": the merged target is named after all it now counts."""
    unique = list(dict.fromkeys(n.strip() for n in names if n.strip()))

    def running(name: str) -> str:  # "Lợn" → "lợn", but "BHYT" stays
        return name[:1].lower() + name[1:] if name[1:2].islower() else name

    if len(unique) <= 1:
        return unique[0] if unique else ""
    rest = [running(n) for n in unique[1:]]
    return f"{', '.join([unique[0], *rest[:-1]])} và {rest[-1]}"


async def apply_change(
    session: AsyncSession, plan_id: int, payload: dict[str, Any], actor: int | None
) -> Change:
    """Carry out a confirmed change kept as *payload* (see the handler's pending choices)."""
    action = payload.get("action")
    if action == "remove":
        return await remove_target(session, plan_id, payload["key"], actor=actor, apply=True)
    if action == "merge":
        return await merge_targets(
            session, plan_id, payload["keys"], actor=actor, apply=True, line=payload.get("line")
        )
    if action == "split":
        return await split_target(
            session, plan_id, payload["key"], payload["parts"], actor=actor, apply=True
        )
    raise InvalidInput("Thao tác này không còn hiệu lực; hãy gõ lại lệnh.")


async def _finish(session: AsyncSession, change: Change, plan_id: int, actor: int | None) -> None:
    await session.flush()
    await _audit(session, change, plan_id, actor)
    await plans.touch_plan(session, plan_id)


# ---------------------------------------------------------------- the Excel round trip


@dataclass(frozen=True, slots=True)
class SheetOutcome:
    """What a returned targets sheet changes (or would change, before confirmation)."""

    added: tuple[Target, ...] = ()
    edited: tuple[tuple[Target, Target], ...] = ()  # (before, after)
    removed: tuple[TargetRef, ...] = ()
    unchanged: int = 0
    problems: tuple[SheetProblem, ...] = ()

    @property
    def changes(self) -> int:
        """How many targets the sheet changes."""
        return len(self.added) + len(self.edited) + len(self.removed)


def _from_row(row: SheetRow, current: Target | None, key: str, parent: Target | None) -> Target:
    measure = lookup_measure(row.measure) if row.measure else None
    direction, scope = row.direction, row.scope
    if current is not None and current.direction is None and direction is direction_of(current):
        direction = None  # the sheet shows the inferred direction: keep inferring it
    if current is not None and current.scope is None and scope is scope_of(current):
        scope = None
    base = current or Target(
        key=key,
        number=(parent.number if parent else key)[:_NUMBER_LEN],
        name=row.name,
        value=None,
        measure=None,
        qualifier=Qualifier.EXACT,
        section_path=parent.section_path if parent else "",
        source_text=f"{row.name} (thêm từ bảng Excel)",
        parent_key=parent.key if parent else None,
    )
    return dataclasses.replace(
        base,
        name=row.name,
        value=row.value,
        measure=(measure.name if measure else row.measure or None),
        qualifier=row.qualifier,
        text_value=row.text_value,
        direction=direction,
        scope=scope,
    )


def _sheet_problems(plan: _Plan, rows: Sequence[SheetRow]) -> list[SheetProblem]:
    problems: list[SheetProblem] = []
    live = {r.key for r in plan.live()}
    retired = {r.key for r in plan.rows if r.retired}
    seen: dict[str, int] = {}
    kept = {r.key for r in rows if r.key and not r.remove} | live
    names = {fold(r.name): r.key for r in plan.live()}
    for row in rows:
        if row.key is None:
            same = names.get(fold(row.name))
            if same is not None:  # the same sheet sent twice must not add it twice
                problems.append(
                    SheetProblem(
                        row.row,
                        COL_KEY,
                        f"đã có chỉ tiêu ({same}) cùng tên; ghi {same} vào cột «Số» để sửa "
                        "chỉ tiêu đó, hoặc đổi tên nếu là chỉ tiêu mới.",
                    )
                )
            continue
        if row.key in seen:
            problems.append(
                SheetProblem(row.row, COL_KEY, f"số ({row.key}) đã có ở dòng {seen[row.key]}.")
            )
        seen[row.key] = row.row
        if row.key in retired:
            problems.append(
                SheetProblem(
                    row.row,
                    COL_KEY,
                    f"({row.key}) là chỉ tiêu đã bỏ; lấy lại bằng /chitieu khoiphuc {row.key} "
                    "hoặc dùng số khác.",
                )
            )
        elif row.remove and row.key not in live:
            problems.append(SheetProblem(row.row, COL_KEY, f"không có chỉ tiêu ({row.key}) để bỏ."))
        parent = row.key.rpartition(".")[0]
        if row.key not in live and parent and parent not in kept:
            problems.append(
                SheetProblem(row.row, COL_KEY, f"không có chỉ tiêu ({parent}) để thêm ({row.key}).")
            )
    return problems


async def apply_sheet(
    session: AsyncSession,
    plan_id: int,
    rows: Sequence[SheetRow],
    *,
    actor: int | None,
    apply: bool,
) -> SheetOutcome:
    """Check a returned sheet against the plan and, with *apply* and no problem, make its
    changes: rows with a known number edit that target in place, new numbers or an empty
    number add, "x" in «Bỏ» retires. Rows absent from the sheet are left as they are."""
    plan = await _load(session, plan_id)
    problems = _sheet_problems(plan, rows)
    if problems:
        return SheetOutcome(problems=tuple(problems))
    by_key = {r.key: r for r in plan.live()}
    added: list[Target] = []
    edited: list[tuple[Target, Target]] = []
    removed: list[PlanTarget] = []
    unchanged = 0
    numbers = _Numbers(plan)
    for row in rows:
        current_row = by_key.get(row.key) if row.key else None
        if row.remove and current_row is not None:
            removed += [
                current_row,
                *(c for c in plan.children(current_row.key) if c not in removed),
            ]
            continue
        current = plans.target_of(current_row) if current_row is not None else None
        key = row.key or numbers.next()
        parent_key = key.rpartition(".")[0]
        parent_row = by_key.get(parent_key) if parent_key else None
        parent = plans.target_of(parent_row) if parent_row is not None else None
        if parent is None and parent_key:
            parent = next((t for t in added if t.key == parent_key), None)
        target = _from_row(row, current, key, parent)
        if current is None:
            added.append(target)
        elif target != current:
            edited.append((current, target))
        else:
            unchanged += 1
    outcome = SheetOutcome(tuple(added), tuple(edited), await _refs(session, removed), unchanged)
    if apply:
        await _apply_sheet(session, plan, outcome, by_key, actor)
    return outcome


class _Numbers:
    """Numbers for new rows without one: after the plan's highest, never reused."""

    def __init__(self, plan: _Plan) -> None:
        self.plan = plan
        self.taken: set[str] = set()

    def next(self) -> str:
        candidate = int(_next_number(self.plan))
        while str(candidate) in self.taken or self.plan.used(str(candidate)):
            candidate += 1
        self.taken.add(str(candidate))
        return str(candidate)


async def _apply_sheet(
    session: AsyncSession,
    plan: _Plan,
    outcome: SheetOutcome,
    by_key: dict[str, PlanTarget],
    actor: int | None,
) -> None:
    for before, after in outcome.edited:
        row = by_key[before.key]
        _write(row, after)
        content = dataclasses.replace(after, direction=before.direction, scope=before.scope)
        if content != before:
            _mark(row, plans.EDITED, actor)
        else:
            row.edited_by, row.edited_at = actor, utcnow()
        await _finish(session, Change("edit", (TargetRef(before),), (after,)), plan.plan_id, actor)
    for ref in outcome.removed:
        row = by_key[ref.target.key]
        row.retired = True
        _mark(row, plans.REMOVED, actor)
    if outcome.removed:
        change = Change("remove", outcome.removed, (), tuple(r.target.key for r in outcome.removed))
        await _finish(session, change, plan.plan_id, actor)
    for target in outcome.added:
        await _insert(session, plan, target, actor)


@dataclass(frozen=True)
class PlanInUse:
    """The plan /chitieu changes: its id and how answers name it."""

    id: int
    label: str  # "Kế hoạch 21/KH-UBND"


async def plan_in_use(session: AsyncSession) -> PlanInUse | None:
    """The active plan, None when no plan is in use."""
    plan = await plans.active_plan(session)
    return None if plan is None else PlanInUse(plan.id, citation_label(plan))


async def live_targets(session: AsyncSession, plan_id: int) -> list[Target]:
    """The plan's targets in use, in plan order (for the sheet the officer edits)."""
    return [plans.target_of(r) for r in (await _load(session, plan_id)).live()]
