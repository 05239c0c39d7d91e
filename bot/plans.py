"""Importing a plan document, shared by the chat (/kehoach with a file) and the CLI
(``thidua-bot import-plan``), and the Vietnamese texts that show the result.

The import reads the file, parses it and stores it in one transaction: when anything fails
nothing is written. Texts are Telegram HTML with the document's own words escaped; the CLI
strips the tags.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from bot import callbacks
from bot.callbacks import PlanCandidateOffer, PlanDeadlineOffer
from bot.core.answers import format_figure
from bot.core.documents import DocumentError
from bot.core.numbers import format_date
from bot.core.periods import SIX_MONTH, YEAR_END
from bot.core.plan import (
    DeadlineKind,
    Direction,
    ParsedPlan,
    Qualifier,
    Target,
    kind_label,
    section_label,
    unnumbered_group,
)
from bot.core.text import collapse_spaces, fold, shorten
from bot.targets import direction_of
from bot.worker import read_plan_document
from storage import deadlines as deadline_store
from storage import plans, users
from storage.db import Database
from storage.models import Plan

__all__ = [
    "MAX_SUMMARY_CHARS",
    "ImportOutcome",
    "NoPlanContent",
    "PlanFile",
    "ReimportCheck",
    "check_reimport",
    "import_plan",
    "plan_details",
    "plan_summary",
    "plan_summary_pages",
    "plans_list_text",
    "read_plan_file",
    "reimport_question",
]

# Telegram refuses messages over 4096 characters; leave room for what handlers add.
MAX_SUMMARY_CHARS = 3800
_NAME_CHARS = 140  # a target name longer than this is shortened in lists
_TITLE_CHARS = 200
_MAX_NUMBER_SPAN = 100  # targets numbered beyond this are not checked for gaps


class NoPlanContent(DocumentError):
    """The file was read but holds neither targets nor plan passages."""


_NO_CONTENT = (
    "Đã đọc được tệp nhưng không thấy chỉ tiêu hay nội dung kế hoạch nào trong đó. Hãy kiểm tra "
    "đúng là tệp kế hoạch thi đua (có các chỉ tiêu đánh số như «(1) Giải quyết việc làm: "
    "1.600 người») rồi gửi lại; nếu là bản chụp, hãy gửi bản .docx hoặc .pdf có chữ."
)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did, for the summary shown to the officer."""

    plan_id: int
    name: str
    is_active: bool  # the imported plan is the one questions and reports now go to
    created: bool  # False: an earlier import of the same document was updated
    parsed: ParsedPlan
    targets_added: int
    targets_updated: int
    targets_retired: int
    targets_restored: int
    filename: str
    targets_kept: int = 0  # targets an admin added or corrected: the officer's version stays
    # The plan as stored after a re-import merged the file with the officer's edits (what the
    # summary shows); None for a new plan, stored as read.
    stored: ParsedPlan | None = None
    # Targets read from an OCR-damaged copy of the stored text (same figure): kept clean.
    clean_kept: tuple[str, ...] = ()
    clean_kept_fields: tuple[str, ...] = ()
    updated_keys: tuple[str, ...] = ()  # targets the re-import changed (or brought back)
    retired_keys: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanFile:
    """A plan file read and parsed, so that checking and importing it parse it once."""

    text: str
    parsed: ParsedPlan


async def read_plan_file(data: bytes, filename: str) -> PlanFile:
    """Read and parse *data*. Raises :class:`DocumentError` when it holds no plan."""
    # Reading and parsing run in a worker process with time and memory limits, so a
    # hostile or huge file never stalls the bot for everyone else.
    document = await read_plan_document(data, filename)
    text, parsed = document.text, document.plan
    if not parsed.targets and not parsed.sections:  # a list or a letter, not a plan
        raise NoPlanContent(_NO_CONTENT)
    return PlanFile(text, parsed)


async def import_plan(
    db: Database,
    data: bytes,
    filename: str,
    *,
    name: str | None,
    imported_by: int | None,
    read: PlanFile | None = None,
    session: AsyncSession | None = None,
) -> ImportOutcome:
    """Read, parse and store a plan file (or the already *read* one) in *session* when the
    caller has one; importing the same document again updates it.

    Raises :class:`DocumentError` (``message_vi`` for the user) when the file cannot be read
    or holds nothing usable; nothing is stored then.
    """
    read = read or await read_plan_file(data, filename)
    text, parsed = read.text, read.parsed
    async with db.within(session) as session:
        saved = await plans.save_plan(
            session,
            parsed,
            raw_text=text,
            filename=filename,
            name=name,
            imported_by=imported_by,
        )
        await users.audit(
            session,
            "plan.import",
            actor=imported_by,
            plan_id=saved.plan.id,
            identity=saved.plan.identity,
            filename=filename,
            created=saved.created,
            targets=len(parsed.targets),
            added=saved.targets_added,
            updated=saved.targets_updated,
            retired=saved.targets_retired,
            restored=saved.targets_restored,
            kept=saved.targets_kept,
            clean_kept=list(saved.clean_kept_keys),
        )
        stored = None if saved.created else await plans.load_parsed_plan(session, saved.plan.id)
        return ImportOutcome(
            plan_id=saved.plan.id,
            name=saved.plan.name,
            is_active=saved.plan.is_active,
            created=saved.created,
            parsed=parsed,
            targets_added=saved.targets_added,
            targets_updated=saved.targets_updated,
            targets_retired=saved.targets_retired,
            targets_restored=saved.targets_restored,
            filename=filename,
            targets_kept=saved.targets_kept,
            stored=stored,
            clean_kept=saved.clean_kept_keys,
            clean_kept_fields=saved.clean_kept_fields,
            updated_keys=saved.updated_keys,
            retired_keys=saved.retired_keys,
        )


@dataclass(frozen=True, slots=True)
class ReimportCheck:
    """What re-importing a document would change in a plan units already reported against."""

    plan_id: int
    name: str
    reports: int
    added: int
    updated: int
    retired: int
    kept: int
    # What will change, as stored after merging with the officer's edits: "(5) Tên: 1.350 tấn
    # → 1.400 tấn" for a changed target, "(7) Tên: 40.000 cây" for one retired (plain text).
    changed_lines: tuple[str, ...] = ()
    retired_lines: tuple[str, ...] = ()
    kept_lines: tuple[str, ...] = ()  # targets the officer edited: they stay as edited
    clean_kept: int = 0


def _plain_target(target: Target) -> str:
    """ "(5) Sản lượng thịt hơi: 1.350 tấn", plain text (the caller escapes it)."""
    name = shorten(target.name, _NAME_CHARS).rstrip(" :;,.")
    figure = format_figure(target)
    if target.value is None and fold(target.text_value or "") == fold(target.name):
        figure = ""  # "Không để xảy ra cháy rừng": the name says it all
    return f"({target.key}) {name}: {figure}" if figure else f"({target.key}) {name}"


def _change_text(before: Target | None, after: Target | None, key: str) -> str:
    """One changed target as the confirmation names it: what it was and what it becomes."""
    if before is None or after is None:
        either = after or before
        return _plain_target(either) if either is not None else f"({key})"
    old, new = _plain_target(before), _plain_target(after)
    if before.name == after.name:
        was, becomes = format_figure(before), format_figure(after)
        if was != becomes:
            return f"{old} → {becomes or 'không có con số'}"
    return old if old == new else f"{old} → {new.split(' ', 1)[1]}"


async def check_reimport(
    db: Database, read: PlanFile, filename: str, *, session: AsyncSession | None = None
) -> ReimportCheck | None:
    """When the file *read* would update a stored plan with reported figures and change or
    drop some of its targets, what it would do (tried in a transaction that is rolled back:
    a savepoint of *session* when the caller has one); else None."""
    if session is not None:
        async with session.begin_nested() as trial:
            try:
                return await _try_reimport(session, read, filename)
            finally:
                await trial.rollback()
    async with db.sessions() as own:
        try:
            return await _try_reimport(own, read, filename)
        finally:
            await own.rollback()


async def _try_reimport(
    session: AsyncSession, read: PlanFile, filename: str
) -> ReimportCheck | None:
    """The trial import of :func:`check_reimport`, left for the caller to roll back."""
    text, parsed = read.text, read.parsed
    # Look before trying: a trial insert of a new plan would use up an id on PostgreSQL.
    existing = await plans.existing_plan(session, parsed, text)
    if existing is None or not await plans.plan_report_count(session, existing.id):
        return None
    rows = await plans.target_rows(session, existing.id, include_retired=True)
    before = {key: plans.target_of(row) for key, row in rows.items()}  # before the trial
    saved = await plans.save_plan(
        session, parsed, raw_text=text, filename=filename, name=None, imported_by=None
    )
    if saved.created:
        return None
    reports = await plans.plan_report_count(session, saved.plan.id)
    changed = saved.targets_updated - saved.targets_restored + saved.targets_retired
    if not reports or not changed:
        return None
    after = {t.key: t for t in (await plans.load_parsed_plan(session, saved.plan.id)).targets}
    return ReimportCheck(
        plan_id=saved.plan.id,
        name=saved.plan.name,
        reports=reports,
        added=saved.targets_added,
        updated=saved.targets_updated,
        retired=saved.targets_retired,
        kept=saved.targets_kept,
        changed_lines=tuple(
            _change_text(before.get(key), after.get(key), key) for key in saved.updated_keys
        ),
        retired_lines=tuple(
            _plain_target(before[key]) if key in before else f"({key})"
            for key in saved.retired_keys
        ),
        kept_lines=tuple(_plain_target(after[key]) for key in saved.kept_keys if key in after),
        clean_kept=len(saved.clean_kept_keys),
    )


# ---------------------------------------------------------------- texts


def reimport_question(check: ReimportCheck, limit: int = MAX_SUMMARY_CHARS) -> list[str]:
    """The question before re-importing over reported figures, naming the targets that will
    change or be retired (as stored after merging with the officer's edits), in messages of
    at most *limit* characters; the last one asks (the buttons go under it)."""
    changes = []
    if check.added:
        changes.append(f"thêm {check.added}")
    if check.updated:
        changes.append(f"sửa {check.updated}")
    if check.retired:
        changes.append(f"bỏ {check.retired}")
    lines = [
        f"Tệp này là bản mới của kế hoạch <b>{_e(check.name)}</b> (số {check.plan_id}), đã có "
        f"{check.reports} số liệu các đơn vị báo cáo.",
        f"Nạp lại sẽ {', '.join(changes)} chỉ tiêu.",
    ]
    if check.changed_lines:
        lines.append("\n<b>Chỉ tiêu sẽ sửa</b> (số liệu đã báo cáo vẫn gắn với chỉ tiêu):")
        lines.extend(f"• {_e(line)}" for line in check.changed_lines)
    if check.retired_lines:
        lines.append(
            "\n<b>Chỉ tiêu sẽ bỏ</b> (giữ cùng số liệu đã báo cáo, nhưng các đơn vị không báo "
            "cáo tiếp được):"
        )
        lines.extend(f"• {_e(line)}" for line in check.retired_lines)
    lines.append("")
    if check.kept_lines:
        lines.append("<b>Chỉ tiêu đã sửa trong chat</b>, vẫn giữ theo bản sửa:")
        lines.extend(f"• {_e(line)}" for line in check.kept_lines)
    elif check.kept:
        lines.append(f"{check.kept} chỉ tiêu đã sửa trong chat vẫn giữ theo bản sửa.")
    if check.clean_kept:
        lines.append(
            f"{check.clean_kept} chỉ tiêu trong tệp chỉ là bản đọc lỗi chữ (mất dấu, sai chữ khi "
            "quét) của chỉ tiêu đã có, cùng con số: giữ nguyên tên đã lưu."
        )
    lines.append("Nạp lại kế hoạch?")
    return paginate(lines, limit)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _kind_word(kind: str) -> str:
    return kind_label(kind).lower()


def _target_line(target: Target, *, compound: bool) -> str:
    """ "(10) Giải quyết việc làm trong năm: 1.600 người"; a compound target's own line
    ends with ":" when its figures are on the sub-target lines below."""
    name = _e(shorten(target.name, _NAME_CHARS).rstrip(" :;,."))
    figure = _e(format_figure(target))
    if target.value is None and fold(target.text_value or "") == fold(target.name):
        figure = ""  # "Huyện đạt chuẩn nông thôn mới": the name says it all
    if target.parent_key is not None:  # the key is how an admin names it: /chitieu sua 2.1
        head = f"    – ({target.key}) {name}"
        return f"{head}: {figure}" if figure else head
    head = f"{target.marker} {name}"
    if compound and target.value is None and not target.text_value:
        return f"{head}:"
    return f"{head}: {figure}" if figure else head


def target_block(parsed: ParsedPlan, target: Target) -> list[str]:
    """The HTML lines of one numbered target and its sub-targets, as the summary shows them."""
    children = parsed.children(target.key)
    return [_target_line(target, compound=bool(children))] + [
        _target_line(child, compound=False) for child in children
    ]


def _target_lines(parsed: ParsedPlan) -> list[str]:
    parents = {t.parent_key for t in parsed.targets if t.parent_key is not None}
    return [_target_line(t, compound=t.key in parents) for t in parsed.targets]


def _missing_numbers(parsed: ParsedPlan) -> list[int]:
    """Gaps in the plan's target numbering ((1)…(22) without (7)), worth a second look."""
    numbers = {
        int(n) for t in parsed.top_level_targets() if (n := t.number.strip().strip("()")).isdigit()
    }
    # A stray "(2024)" read as a number would make a meaningless gap list: skip wide spans.
    if len(numbers) < 2 or max(numbers) - min(numbers) > _MAX_NUMBER_SPAN:
        return []
    return sorted(set(range(min(numbers), max(numbers) + 1)) - numbers)


def _counts_line(parsed: ParsedPlan) -> str:
    top = len(parsed.top_level_targets())
    subs = len(parsed.targets) - top
    parts = [f"{len(parsed.sections)} mục", f"{top} chỉ tiêu"]
    if subs:
        parts[-1] += f" kèm {subs} chỉ tiêu thành phần"
    parts.append(f"{len(parsed.passages)} đoạn nội dung")
    return "Gồm " + ", ".join(parts) + "."


_DIRECTION_MARKS = {
    Direction.HIGHER: "↑",
    Direction.LOWER: "↓",
    Direction.CEILING: "≤",
    Direction.QUALITATIVE: "○",
}
DIRECTION_LEGEND = (
    "<i>↑ càng cao càng tốt · ↓ càng thấp càng tốt · ≤ không vượt quá · ○ định tính</i>"
)
FEW_TARGETS = 3  # fewer top-level targets than this in a plan deserves a plain warning
MAX_CANDIDATES = 10  # one-tap buttons offered after an import
MAX_DEADLINES = 6


def _head(parsed: ParsedPlan, *, plan_id: int, name: str, is_active: bool) -> list[str]:
    kind = _kind_word(parsed.kind)
    head = [f"<b>{_e(shorten(parsed.title, _TITLE_CHARS) or name)}</b>"]
    reference = []
    if parsed.number:
        reference.append(f"Số {_e(collapse_spaces(parsed.number))}")
    if parsed.issued_on:
        reference.append(f"ngày {format_date(parsed.issued_on)}")
    if reference:
        head.append(", ".join(reference))
    if parsed.issuer:
        head.append(f"Cơ quan ban hành: {_e(collapse_spaces(parsed.issuer))}")
    head.append(f"Năm áp dụng: {parsed.year}" if parsed.year else "Năm áp dụng: chưa xác định")
    head.append(f"Tên gọi trong bot: {_e(name)} (số {plan_id})")
    head.append(_counts_line(parsed))
    if parsed.kind == "bao_cao":
        head.append(
            "📄 Đây là <b>báo cáo</b>, không phải kế hoạch: bot lưu lại nhưng không dùng làm "
            "kế hoạch đang dùng. Muốn các đơn vị báo cáo theo chỉ tiêu, hãy nạp tệp kế hoạch."
        )
    elif is_active:
        head.append(
            f"Đây là {kind} đang dùng: bot trả lời câu hỏi theo {kind} này và ghi số liệu "
            "các đơn vị báo cáo theo chỉ tiêu của nó."
        )
    else:
        head.append(
            f"Chưa phải {kind} đang dùng; gõ <code>/kehoach chon {plan_id}</code> để dùng {kind} "
            "này."
        )
    missing = _missing_numbers(parsed)
    if missing:
        shown = ", ".join(f"({n})" for n in missing)
        head.append(f"⚠️ Không thấy chỉ tiêu số {shown}: hãy đối chiếu với văn bản gốc.")
    warning = few_targets_warning(parsed)
    if warning:
        head.append(warning)
    return head


def few_targets_warning(parsed: ParsedPlan) -> str | None:
    """A plain warning, with what to do next, when a plan gave few or no targets."""
    top = len(parsed.top_level_targets())
    if parsed.kind == "bao_cao" or top >= FEW_TARGETS:
        return None
    read = f"chỉ đọc được {top} chỉ tiêu" if top else "chưa đọc được chỉ tiêu nào"
    return (
        f"⚠️ Kế hoạch này tôi {read} — có thể các chỉ tiêu nằm trong bảng hoặc viết theo cách "
        "tôi chưa đọc được. Hãy đối chiếu với văn bản gốc rồi thêm chỉ tiêu còn thiếu: "
        "<code>/chitieu them Tên: con số</code> (ví dụ <code>/chitieu them Trồng cây phân tán: "
        "58.000 cây</code>), hoặc tải <code>/chitieu mau</code>, điền vào và gửi lại kèm chú "
        "thích <code>/chitieu nhap</code>. Nếu là bản chụp, hãy gửi bản .docx hoặc .pdf có chữ."
    )


def _section_heading(parsed: ParsedPlan, path: str) -> str:
    section = parsed.section(path)
    title = collapse_spaces(section.title) if section and section.title else ""
    if title and unnumbered_group(path):
        # A group the plan gives no number ("Kinh tế" rows of a table): its title names it.
        return f"\n<b>{_e(shorten(title, 100))}</b>"
    label = section_label(path)
    where = label[:1].upper() + label[1:]
    return f"\n<b>{_e(where)}{'. ' + _e(shorten(title, 100)) if title else ''}</b>"


def _marked(line: str, target: Target) -> str:
    if target.value is None and not target.text_value:
        return line  # a heading of sub-targets: the parts carry the direction
    return f"{line} {_DIRECTION_MARKS[direction_of(target)]}"


def _grouped_lines(parsed: ParsedPlan) -> list[str]:
    """Targets under the headings of the plan that hold them, each with its direction."""
    parents = {t.parent_key for t in parsed.targets if t.parent_key is not None}
    lines: list[str] = []
    current: str | None = None
    for target in parsed.targets:
        if target.parent_key is None and target.section_path != current:
            current = target.section_path
            lines.append(_section_heading(parsed, current))
        lines.append(_marked(_target_line(target, compound=target.key in parents), target))
    return lines


def plan_details(
    parsed: ParsedPlan,
    *,
    plan_id: int,
    name: str,
    is_active: bool,
    limit: int = MAX_SUMMARY_CHARS,
) -> str:
    """The plan as the officer should check it: title, number and date, year, counts, and
    every target with its figure (sub-targets indented). HTML of at most *limit* characters:
    targets that do not fit are counted, not shown."""
    head = _head(parsed, plan_id=plan_id, name=name, is_active=is_active)
    body = _target_lines(parsed)
    if not body:
        body = ["Không tìm thấy chỉ tiêu có số liệu; bot vẫn trả lời theo nội dung văn bản."]
    else:
        body.insert(0, "\n<b>Các chỉ tiêu</b>")
    return _fit("\n".join(head), body, limit)


def _fit(head: str, lines: list[str], limit: int = MAX_SUMMARY_CHARS) -> str:
    """*head* and as many *lines* as fit in *limit* characters, saying how many were left
    out."""
    text = head
    for index, line in enumerate(lines):
        left = len(lines) - index
        tail = f"\n… và {left} dòng nữa (quá dài để hiện hết)."
        if len(text) + 1 + len(line) + len(tail) > limit and left > 1:
            return text + tail
        text += "\n" + line
    return text


def paginate(lines: Sequence[str], limit: int = MAX_SUMMARY_CHARS) -> list[str]:
    """*lines* joined into messages of at most *limit* characters each (a line longer than
    that is cut), never splitting a line between messages."""
    pages: list[str] = []
    current = ""
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        if current and len(current) + 1 + len(line) > limit:
            pages.append(current)
            current = line.lstrip("\n")
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        pages.append(current)
    return pages


def _change_line(outcome: ImportOutcome) -> str:
    kind = _kind_word(outcome.parsed.kind)
    if outcome.created:
        return f"✅ Đã nạp {kind} mới."
    changes = []
    restored = outcome.targets_restored
    changed_only = outcome.targets_updated - restored
    if outcome.targets_added:
        changes.append(f"thêm {outcome.targets_added}")
    if changed_only:
        changes.append(f"sửa {changed_only}")
    if restored:
        changes.append(f"dùng lại {restored}")
    if outcome.targets_retired:
        changes.append(f"bỏ {outcome.targets_retired}")
    detail = f"{', '.join(changes)} chỉ tiêu" if changes else "các chỉ tiêu không thay đổi"
    line = f"✅ Đã cập nhật {kind} đã nạp trước đây (không tạo bản trùng): {detail}."
    named = []
    if outcome.updated_keys:
        named.append(f"thay đổi {_keys_text(outcome.updated_keys)}")
    if outcome.retired_keys:
        named.append(f"bị bỏ {_keys_text(outcome.retired_keys)}")
    if named:
        line += f" Chỉ tiêu {'; '.join(named)}."
    if outcome.targets_retired:
        line += " Chỉ tiêu bị bỏ vẫn được giữ cùng các báo cáo cũ."
    if outcome.targets_kept:
        line += (
            f" {outcome.targets_kept} chỉ tiêu đã được sửa trong chat nên giữ theo bản sửa "
            "(xem bằng /chitieu xem &lt;số&gt;)."
        )
    if outcome.clean_kept or outcome.clean_kept_fields:
        line += " " + _clean_kept_text(outcome)
    return line


def _keys_text(keys: Sequence[str]) -> str:
    """ "(5), (16)", at most :data:`_CLEAN_SHOWN` keys, then how many more."""
    shown = ", ".join(f"({key})" for key in keys[:_CLEAN_SHOWN])
    more = len(keys) - _CLEAN_SHOWN
    return shown + (f" và {more} chỉ tiêu nữa" if more > 0 else "")


def _clean_kept_text(outcome: ImportOutcome) -> str:
    """What a re-import kept because the file read the stored text with OCR damage only."""
    count = len(outcome.clean_kept)
    if not count:
        return (
            "Tệp này đọc lỗi chữ (mất dấu, sai chữ khi quét) ở tiêu đề, cơ quan ban hành hoặc "
            "các mục của bản đã lưu: giữ nguyên chữ đúng đã lưu."
        )
    if count == len(outcome.parsed.targets):
        which = f"cả {count} chỉ tiêu"
    else:
        which = f"{count} chỉ tiêu {_keys_text(outcome.clean_kept)}"
    return (
        f"Tệp này đọc lỗi chữ (mất dấu, sai chữ khi quét) ở {which} nhưng cùng con số với bản "
        "đã lưu: giữ nguyên tên đúng đã lưu; muốn đổi tên thì dùng "
        "<code>/chitieu sua &lt;số&gt; ten …</code>."
    )


_CLEAN_SHOWN = 20


def candidate_lines(parsed: ParsedPlan) -> list[str]:
    """The lines that looked like targets but were not taken, numbered for the add buttons."""
    if not parsed.candidates or parsed.kind == "bao_cao":
        return []
    shown = parsed.candidates[:MAX_CANDIDATES]
    lines = ["\n<b>Dòng có số liệu nhưng chưa nhận là chỉ tiêu</b> (bấm nút để thêm):"]
    for index, candidate in enumerate(shown, start=1):
        text = candidate.source_text or f"{candidate.name}: {format_figure(candidate)}"
        lines.append(f"{index}. {_e(shorten(collapse_spaces(text), _NAME_CHARS))}")
    if len(parsed.candidates) > len(shown):
        lines.append(f"… và {len(parsed.candidates) - len(shown)} dòng nữa.")
    return lines


def deadline_lines(parsed: ParsedPlan) -> list[str]:
    """The dates the plan sets, proposed as the commune's deadlines (buttons accept)."""
    if not parsed.deadlines or parsed.kind == "bao_cao":
        return []
    lines = ["\n<b>Hạn kế hoạch đặt ra</b> (bấm nút để dùng làm hạn của xã):"]
    for deadline in parsed.deadlines[:MAX_DEADLINES]:
        year = deadline.year or parsed.year
        day = f"{deadline.day:02d}/{deadline.month:02d}" + (f"/{year}" if year else "")
        lines.append(f"• {day} — {_e(shorten(deadline.what, 80))}")
    return lines


def plan_summary_pages(outcome: ImportOutcome, limit: int = MAX_SUMMARY_CHARS) -> list[str]:
    """What the bot shows after an import, as messages of at most *limit* characters: the
    change, the plan's facts and warnings, its targets grouped as in the plan with their
    direction, the lines not taken and the deadlines it sets."""
    parsed = outcome.parsed
    # After a re-import, the plan as stored: the file merged with the officer's edits and
    # with the clean text kept where the file is a damaged reading of it.
    shown = outcome.stored or parsed
    lines = [
        _change_line(outcome),
        *_head(shown, plan_id=outcome.plan_id, name=outcome.name, is_active=outcome.is_active),
    ]
    targets = _grouped_lines(shown)
    if targets:
        lines += ["\n<b>Các chỉ tiêu</b>", DIRECTION_LEGEND, *targets]
    lines += candidate_lines(parsed)
    lines += deadline_lines(parsed)
    if parsed.kind != "bao_cao":  # a report has no targets for the officer to correct
        lines.append(
            "\nChỉ tiêu nào sai hay thiếu: sửa ngay trong chat (<code>/chitieu huongdan</code>), "
            "qua Excel (<code>/chitieu excel</code>), hoặc sửa tệp rồi gửi lại — bản cũ được cập "
            "nhật, các số liệu đã báo cáo vẫn giữ nguyên."
        )
    return paginate(lines, limit)


def plan_summary(outcome: ImportOutcome) -> str:
    """The whole summary as one text (the CLI prints it; chat sends the pages)."""
    return "\n\n".join(plan_summary_pages(outcome))


# ---------------------------------------------------------------- proposals after an import


@dataclass(frozen=True, slots=True)
class Offers:
    """The pending choices behind the buttons of an import summary."""

    candidates: tuple[tuple[int, int], ...]  # (number shown in the summary, pending id)
    deadlines: tuple[tuple[int, str], ...]  # (pending id, button label)


def _candidate_offer(plan_id: int, target: Target) -> PlanCandidateOffer:
    return PlanCandidateOffer(
        plan_id=plan_id,
        name=target.name,
        value=None if target.value is None else str(target.value),
        measure=target.measure,
        qualifier=str(target.qualifier),
        text_value=target.text_value,
        section_path=target.section_path,
        source_text=target.source_text,
    )


def candidate_from(offer: PlanCandidateOffer) -> Target:
    """The candidate line kept in a pending choice, as a target to add."""
    return Target(
        key="",
        number="",
        name=offer.name,
        value=None if offer.value is None else Decimal(offer.value),
        measure=offer.measure,
        qualifier=Qualifier(offer.qualifier),
        section_path=offer.section_path,
        source_text=offer.source_text,
        text_value=offer.text_value,
    )


async def offer_choices(
    db: Database,
    outcome: ImportOutcome,
    *,
    chat_id: int,
    user_id: int,
    now: datetime,
    session: AsyncSession | None = None,
) -> Offers:
    """Keep the candidate lines and plan deadlines of an import as pending choices (they
    survive a restart) for the summary's buttons, in *session* when the caller has one."""
    parsed = outcome.parsed
    if parsed.kind == "bao_cao":
        return Offers((), ())
    candidates, deadlines = [], []
    async with db.within(session) as session:
        for index, candidate in enumerate(parsed.candidates[:MAX_CANDIDATES], start=1):
            pending_id = await callbacks.ask(
                session,
                _candidate_offer(outcome.plan_id, candidate),
                chat_id=chat_id,
                user_id=user_id,
                now=now,
            )
            candidates.append((index, pending_id))
        for deadline in parsed.deadlines[:MAX_DEADLINES]:
            year = deadline.year or parsed.year or now.year
            try:
                due = date(year, deadline.month, deadline.day)
            except ValueError:  # "30/02" in an OCR'd plan: nothing to propose
                continue
            if await _already_the_deadline(session, deadline.kind, due):
                continue  # the commune's deadline is that day already: nothing to offer
            offer = PlanDeadlineOffer(kind=str(deadline.kind), due=due, what=deadline.what)
            pending_id = await callbacks.ask(
                session, offer, chat_id=chat_id, user_id=user_id, now=now
            )
            label = f"📅 {format_date(due)} — {shorten(deadline.what, 30)}"
            deadlines.append((pending_id, label))
    return Offers(tuple(candidates), tuple(deadlines))


_PERIOD_OF_DEADLINE = {DeadlineKind.SIX_MONTH: SIX_MONTH, DeadlineKind.YEAR_END: YEAR_END}


async def _already_the_deadline(session: AsyncSession, kind: DeadlineKind, due: date) -> bool:
    """Whether *due* is already the commune's deadline of that period (six-month, year-end)."""
    period = _PERIOD_OF_DEADLINE.get(kind)
    if period is None:
        return False
    return (await deadline_store.year_dates(session, due.year)).get(period) == due


def plans_list_text(all_plans: Sequence[Plan], active_id: int | None) -> str:
    """The stored plans for /kehoach: number in the bot, name, reference, which is active."""
    if not all_plans:
        return "Chưa nạp kế hoạch nào."
    lines = ["<b>Các kế hoạch đã nạp</b>"]
    for plan in all_plans:
        mark = " — <b>đang dùng</b>" if plan.id == active_id else ""
        lines.append(f"\n• Số {plan.id}: <b>{_e(plan.name)}</b>{mark}")
        if plan.title:
            lines.append(f"  {_e(shorten(plan.title, 120))}")
        facts = []
        if plan.number:
            facts.append(_e(plan.number))
        if plan.issued_on:
            facts.append(f"ngày {format_date(plan.issued_on)}")
        if plan.year:
            facts.append(f"năm {plan.year}")
        if plan.source_filename:
            facts.append(f"tệp {_e(plan.source_filename)}")
        if facts:
            lines.append("  " + " · ".join(facts))
    return _fit(lines[0], lines[1:])


# ---------------------------------------------------------------- choosing the plan in use


@dataclass(frozen=True)
class PlanList:
    """The stored plans, oldest first, and the one in use (None when none is)."""

    plans: list[Plan]
    active: Plan | None

    @property
    def choosable(self) -> list[Plan]:
        """The plans that may be put in use (a report is not a plan)."""
        return [p for p in self.plans if p.kind != "bao_cao"]


async def plan_list(session: AsyncSession) -> PlanList:
    """Every stored plan and the one in use, for /kehoach and its choice."""
    return PlanList(await plans.list_plans(session), await plans.active_plan(session))


async def find_plan(session: AsyncSession, which: str) -> Plan | None:
    """The plan an admin means by *which* (its number in the bot, its reference, its name)."""
    return await plans.find_plan(session, which) if which else None


async def offered_plan(session: AsyncSession, plan_id: int) -> Plan | None:
    """The plan an import summary's button was about, if it is still stored."""
    return await plans.get_plan(session, plan_id)


@dataclass(frozen=True)
class SwitchPreview:
    """What switching to another plan changes: the plan in use now, and how many figures
    were reported against it (kept, but no longer added to)."""

    current: Plan | None
    reported: int


async def switch_preview(session: AsyncSession) -> SwitchPreview:
    """What /kehoach chon tells before asking."""
    current = await plans.active_plan(session)
    reported = await plans.plan_report_count(session, current.id) if current else 0
    return SwitchPreview(current, reported)


async def switch_plan(
    session: AsyncSession, plan_id: int, from_plan: int | None, *, actor: int
) -> Plan | None:
    """Put plan *plan_id* in use (audited) if the plan in use is still *from_plan*, as when
    the admin was asked; None, changing nothing, when it is not (or the plan is gone)."""
    plan = await plans.get_plan(session, plan_id)
    current = await plans.active_plan(session)
    if plan is None or (current.id if current else None) != from_plan:
        return None
    await plans.activate_plan(session, plan.id)
    await users.audit(session, "plan.activate", actor=actor, plan_id=plan.id)
    return plan
