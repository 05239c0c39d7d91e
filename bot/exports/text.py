"""Chat texts for progress: /tiendo (one unit), /tonghop (all units) and report confirmations.

Every text is Telegram HTML (the bot sends ``parse_mode=HTML``): names typed by people are
escaped here. Long views come back as several messages, each within Telegram's limit.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import tzinfo
from decimal import Decimal
from typing import Literal

from bot.core.progress import (
    Assessment,
    ProgressTable,
    Rule,
    Status,
    TargetInfo,
    percent_of_target,
    progress_bar,
    status,
)
from bot.exports import (
    DISPLAY_TZ,
    RULES_NOTE,
    amount_text,
    format_moment,
    missing_units_note,
    pair_text,
    percent_text,
    plan_text,
    points_text,
    rate_text,
    reads_as_rate,
    report_rows,
    spread_text,
    target_name,
    verdict_text,
)

__all__ = [
    "MESSAGE_LIMIT",
    "render_confirmation",
    "render_summary",
    "render_unit_progress",
    "split_messages",
]

# Telegram rejects messages over 4.096 characters (UTF-16 code units, after entities).
MESSAGE_LIMIT = 4096
# Names longer than this are cut in chat so one line can never fill a whole message.
NAME_LIMIT = 200
_STATUS_MARKS = {Status.ACHIEVED: " ✅", Status.NOT_ACHIEVED: " ❌"}


def _name(text: str) -> str:
    """A user-supplied name, shortened and HTML-escaped for chat."""
    short = text if len(text) <= NAME_LIMIT else text[: NAME_LIMIT - 1].rstrip() + "…"
    return html.escape(short, quote=False)


def _tg_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _safe_cut(piece: str) -> int:
    """Where to cut *piece* so no HTML tag or entity is split, preferring a space."""
    cut = len(piece)
    space = piece.rfind(" ")
    if space > len(piece) // 2:
        cut = space
    for opener, closer in (("&", ";"), ("<", ">")):
        start = piece.rfind(opener, 0, cut)
        if start > piece.rfind(closer, 0, cut):
            cut = start  # an entity or tag left open: cut before it
    return max(cut, 1)


def _hard_split(line: str, limit: int) -> list[str]:
    """Cut one overlong line into pieces of at most *limit* (a last resort)."""
    pieces: list[str] = []
    rest = line
    while _tg_len(rest) > limit:
        piece = rest[:limit]
        while _tg_len(piece) > limit:  # astral characters count twice
            piece = piece[:-1]
        cut = _safe_cut(piece)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    return [*pieces, rest] if rest else pieces


def split_messages(lines: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack *lines* into as few messages as possible, each at most *limit* long.

    Lines are never split unless one alone is longer than *limit*; leading blank lines of a
    continuation message are dropped.
    """
    messages: list[str] = []
    current: list[str] = []
    size = 0
    for line in (p for raw in lines for p in _hard_split(raw, limit) or [""]):
        extra = _tg_len(line) + (1 if current else 0)
        if current and size + extra > limit:
            messages.append("\n".join(current).rstrip())
            current, size = [], 0
            extra = _tg_len(line)
        if not current and not line.strip():
            continue
        current.append(line)
        size += extra
    if current:
        messages.append("\n".join(current).rstrip())
    return messages or [""]


def _unit_line(table: ProgressTable, unit_name: str, target: TargetInfo) -> str:
    """ "• Trồng mới cây phân tán: 12.500 / 58.000 cây (21,6%) ▓▓░░░░░░░░" or not reported."""
    label = _name(target_name(target))
    figure = table.figure(unit_name, target.key)
    verdict = table.verdicts.get(target.key)
    if target.value is None and figure is None:
        if verdict is None:
            return f"• {label}: chưa báo cáo (chỉ tiêu định tính; đặt bằng /danhgia)"
        state = Status.ACHIEVED if verdict.achieved else Status.NOT_ACHIEVED
        return f"• {label}: {state.label}{_STATUS_MARKS[state]}"
    if figure is None:
        return f"• {label}: chưa báo cáo (chỉ tiêu {html.escape(plan_text(target))})"
    if reads_as_rate(target):  # a level, not a share of the plan: no % of it, no bar
        return f"• {label}: {html.escape(rate_text(figure.value, target))}"
    line = f"• {label}: {html.escape(pair_text(figure.value, target))}"
    percent = percent_of_target(figure.value, target)
    if percent is not None:
        line += f" ({percent_text(percent)}) {progress_bar(percent)}"
    return line + _STATUS_MARKS.get(status(figure.value, target), "")


def render_unit_progress(table: ProgressTable, unit_name: str) -> list[str]:
    """/tiendo: each target with the unit's latest figure, % of target and a small bar."""
    lines = [
        f"<b>Tiến độ của {_name(unit_name)}</b>",
        f"{_name(table.period_label)} · {_name(table.plan_label)}",
        "",
    ]
    if not table.targets:
        lines.append("Kế hoạch chưa có chỉ tiêu bằng số để theo dõi.")
        return split_messages(lines)
    lines += [_unit_line(table, unit_name, t) for t in table.targets]
    numeric = [t for t in table.targets if t.value is not None]  # qualitative: /danhgia
    done = sum(1 for t in numeric if table.figure(unit_name, t.key) is not None)
    lines += ["", f"Đã báo cáo {done}/{len(numeric)} chỉ tiêu. Gửi số liệu bằng /baocao."]
    return split_messages(lines)


def _status_tail(done: Assessment) -> str:
    """ ", đạt ✅", ", chưa đạt ❌", ", chưa đủ số liệu" after the coverage."""
    return f", {done.status.label}{_STATUS_MARKS.get(done.status, '')}"


def _qualitative_line(done: Assessment, label: str) -> str:
    who = verdict_text(done)
    if done.verdict is None:
        return f"• {label}: chưa báo cáo (chỉ tiêu định tính; đặt bằng /danhgia)"
    return f"• {label}: {done.status.label}{_STATUS_MARKS.get(done.status, '')} ({_name(who)})"


def _sum_line(done: Assessment, label: str) -> str:
    assert done.value is not None
    line = f"• {label}: tổng {html.escape(pair_text(done.value, done.target))}"
    if done.percent is not None:
        line += f" ({percent_text(done.percent)}) {progress_bar(done.percent)}"
    return line + f" — {done.coverage}"


def _commune_line(done: Assessment, label: str) -> str:
    plan = html.escape(plan_text(done.target))
    if done.value is not None:
        head = f"• {label}: {html.escape(pair_text(done.value, done.target))}"
        if done.source:
            head += f" (số chung, {_name(done.source)})"
        elif done.rule is Rule.WEIGHTED:
            head += " (bình quân gia quyền)"
    else:
        head = f"• {label} ({plan}): chưa có số chung của xã"
    spread = spread_text(done)
    if spread:
        head += f"; các đơn vị: {html.escape(spread)}"
    return head + f" — {done.coverage}"


def _summary_line(done: Assessment) -> str:
    """One target at commune level, by the rule that makes its figure."""
    label = _name(target_name(done.target))
    if done.rule is Rule.QUALITATIVE:
        return _qualitative_line(done, label)
    if not done.figures and done.value is None:
        return f"• {label}: chưa có đơn vị báo cáo (chỉ tiêu {html.escape(plan_text(done.target))})"
    if done.rule is Rule.SUM:
        return _sum_line(done, label) + _status_tail(done)
    return _commune_line(done, label) + _status_tail(done)


def _missing_lines(table: ProgressTable) -> list[str]:
    if not table.units:
        return ["Chưa có đơn vị nào được khai báo."]
    return [html.escape(missing_units_note(table), quote=False)]


def render_summary(table: ProgressTable, *, tz: tzinfo = DISPLAY_TZ) -> list[str]:
    """/tonghop: per target the total (where it adds up), how many units reported, and
    at the end the units that have not reported yet; the update time is shown in *tz*."""
    reported = len(table.units) - len(table.units_missing())
    lines = [
        f"<b>Tổng hợp tiến độ — {_name(table.period_label)}</b>",
        f"{_name(table.plan_label)} · cập nhật {format_moment(table.generated_at, tz)}",
        f"Đơn vị đã báo cáo đủ số liệu: {reported}/{len(table.units)}",
        "",
    ]
    rows = report_rows(table)
    if table.targets:
        lines += [_summary_line(done) for done in rows]
    else:
        lines.append("Kế hoạch chưa có chỉ tiêu để theo dõi.")
    lines += ["", f"<i>{html.escape(RULES_NOTE)}</i>"]
    waiting = sum(1 for d in rows if d.rule is Rule.COMMUNE and d.value is None and d.figures)
    if waiting:  # units reported rates, but nobody reports the commune's own
        lines.append(
            f"{waiting} chỉ tiêu tỷ lệ đã có số của đơn vị nhưng chưa có số chung của xã: "
            "chọn đơn vị báo cáo số chung bằng <code>/sochung tên đơn vị</code> "
            "(ví dụ Văn phòng UBND), rồi đơn vị đó báo cáo tỷ lệ của cả xã."
        )
    lines += ["", *_missing_lines(table)]
    return split_messages(lines)


def render_confirmation(
    unit_name: str,
    target: TargetInfo,
    value: Decimal,
    period_label: str,
    *,
    mode: Literal["cumulative", "delta"],
    added: Decimal | None = None,
) -> str:
    """A saved report, read back: what now stands for the unit and how it was counted.

    *value* is the unit's figure after saving (the running total); with ``mode="delta"``
    *added* is the increment the message carried.
    """
    if mode == "delta" and added is None:
        raise ValueError("mode='delta' needs the increment in 'added'")
    head = f"✅ {_name(unit_name)} — {_name(target_name(target))}: "
    if reads_as_rate(target):
        return _rate_confirmation(head, target, value, period_label, mode=mode, added=added)
    head += html.escape(pair_text(value, target))
    percent = percent_of_target(value, target)
    if percent is not None:
        head += f" ({percent_text(percent)})"
    head += f", {_name(period_label)}"
    if mode == "delta" and added is not None:
        verb = "cộng thêm" if added >= 0 else "bớt đi"
        added_text = amount_text(abs(added), target.measure)
        meaning = f"{verb} {added_text} → lũy kế {amount_text(value, target.measure)}"
    else:
        meaning = "số lũy kế từ đầu kỳ"
    judged = status(value, target)
    if judged is Status.ACHIEVED:
        meaning += "; đã đạt chỉ tiêu"
    elif judged is Status.NOT_ACHIEVED:
        meaning += "; vượt mức cho phép của chỉ tiêu"
    return f"{head}\n↳ {html.escape(meaning)}"


def _rate_confirmation(
    head: str,
    target: TargetInfo,
    value: Decimal,
    period_label: str,
    *,
    mode: Literal["cumulative", "delta"],
    added: Decimal | None,
) -> str:
    """A rate read back as a rate: the level now, the plan's level, how far apart."""
    line = f"{head}{html.escape(rate_text(value, target))}; {_name(period_label)}"
    if mode == "delta" and added is not None:
        verb = "cộng thêm" if added >= 0 else "bớt đi"
        meaning = (
            f"{verb} {points_text(added, target.measure)} → {amount_text(value, target.measure)}"
        )
    else:
        meaning = "tỷ lệ của đơn vị tại thời điểm báo cáo; số gửi sau sẽ thay số này"
    return f"{line}\n↳ {html.escape(meaning)}"
