"""Vietnamese texts (Telegram HTML) for the officer's view and correction of targets."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from bot.core.answers import format_figure
from bot.core.plan import Direction, Scope, Target
from bot.core.text import shorten
from bot.exports.targets_sheet import SheetProblem
from bot.targets import Change, SheetOutcome, TargetRef, direction_of, scope_of

DIRECTION_LABELS = {
    Direction.HIGHER: "càng cao càng tốt",
    Direction.LOWER: "càng thấp càng tốt",
    Direction.CEILING: "không vượt quá",
    Direction.QUALITATIVE: "định tính (đạt/chưa đạt)",
}
SCOPE_LABELS = {
    Scope.UNITS: "các đơn vị báo cáo, số liệu cộng dồn",
    Scope.COMMUNE: "một số liệu chung của cả xã",
}
# What admins type (ASCII) → value.
DIRECTION_WORDS = {
    "cao": Direction.HIGHER,
    "thap": Direction.LOWER,
    "tran": Direction.CEILING,
    "khongvuot": Direction.CEILING,
    "dinhtinh": Direction.QUALITATIVE,
}
SCOPE_WORDS = {"donvi": Scope.UNITS, "xa": Scope.COMMUNE, "phuong": Scope.COMMUNE}

_NAME_CHARS = 140

USAGE = (
    "<b>Sửa chỉ tiêu (quản trị viên)</b> — gọi chỉ tiêu đúng theo số của nó:\n"
    "• <code>/chitieu</code> — danh sách; <code>/chitieu xem 5</code> — chi tiết một chỉ tiêu\n"
    "• <code>/chitieu them Tên: con số</code> — thêm (ghi số trước nếu muốn: "
    "<code>/chitieu them 23 Tên: 100 cây</code>)\n"
    "• <code>/chitieu sua 5 Tên: con số</code> — sửa tên và con số; chỉ một phần: "
    "<code>sua 5 ten …</code>, <code>sua 5 so tối thiểu 95%</code>, <code>sua 5 dvt cây</code>, "
    "<code>sua 5 loai toithieu|tren|khongqua|khoang|giam|tang|dung</code>\n"
    "• <code>/chitieu xoa 5</code> — bỏ chỉ tiêu (hỏi lại trước); "
    "<code>/chitieu khoiphuc 5</code> — lấy lại\n"
    "• <code>/chitieu tach 5 Lợn: 5.500 con; Dê: 380 con</code> — tách thành chỉ tiêu thành phần\n"
    "• <code>/chitieu gop 5.1 5.2</code> — gộp (có thể ghi thêm <code>| Tên: con số</code>)\n"
    "• <code>/chitieu huong 7 cao|thap|tran|dinhtinh</code> — chiều đánh giá\n"
    "• <code>/chitieu phamvi 7 donvi|xa</code> — đơn vị báo cáo cộng dồn, hay một số của cả xã\n"
    "• <code>/chitieu excel</code> — tải bảng chỉ tiêu để sửa; <code>/chitieu mau</code> — mẫu "
    "trống; gửi lại tệp .xlsx kèm chú thích <code>/chitieu nhap</code>"
)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def marker(target: Target) -> str:
    """ "(5)" or "(5.2)": the key the admin types, which is exact for sub-targets too."""
    return f"({target.key})"


def target_line(target: Target, *, details: bool = True) -> str:
    """ "(5) Trồng cây phân tán: 58.000 cây — càng cao càng tốt"."""
    indent = "    " if target.parent_key else ""
    line = f"{indent}{marker(target)} {_e(shorten(target.name, _NAME_CHARS).rstrip(' :;,.'))}"
    figure = format_figure(target)
    if target.value is not None or target.text_value:
        line += f": {_e(figure)}"
    if details:
        line += f" — <i>{DIRECTION_LABELS[direction_of(target)]}</i>"
    return line


def detail_text(ref: TargetRef) -> str:
    """Everything about one target, for /chitieu xem."""
    target = ref.target
    lines = [f"<b>Chỉ tiêu {marker(target)}</b>", target_line(target, details=False)]
    direction, scope = direction_of(target), scope_of(target)
    chosen = " (đã đặt)" if target.direction else " (tự suy ra)"
    lines.append(f"Chiều đánh giá: {DIRECTION_LABELS[direction]}{chosen}")
    chosen = " (đã đặt)" if target.scope else " (tự suy ra)"
    lines.append(f"Ai báo cáo: {SCOPE_LABELS[scope]}{chosen}")
    lines.append(f"Số liệu đã báo cáo: {ref.reports}")
    if target.source_text:
        lines.append(f"Trong văn bản: «{_e(shorten(target.source_text, 300))}»")
    return "\n".join(lines)


def _reports_note(change: Change) -> str:
    if not change.reports:
        return ""
    return (
        f"\n{change.reports} số liệu đã báo cáo vẫn gắn với chỉ tiêu của chúng và được giữ "
        "trong lịch sử."
    )


def preview_text(change: Change) -> str:
    """The question before a destructive change: what will change, and what stays."""
    if change.action == "remove":
        lines = ["Bỏ các chỉ tiêu sau khỏi kế hoạch đang dùng?"]
        lines += [target_line(ref.target, details=False) for ref in change.before]
        lines.append(
            "Các đơn vị sẽ không báo cáo được cho chỉ tiêu này nữa; lấy lại bằng "
            f"<code>/chitieu khoiphuc {change.before[0].target.key}</code>."
        )
    elif change.action == "merge":
        lines = ["Gộp các chỉ tiêu:"]
        lines += [target_line(ref.target, details=False) for ref in change.before]
        lines.append("thành:")
        lines.append(target_line(change.after[0], details=False))
        retired = ", ".join(f"({k})" for k in change.retired)
        lines.append(f"Các số {retired} sẽ không dùng nữa.")
    else:
        lines = [f"Tách chỉ tiêu {marker(change.before[0].target)} thành:"]
        lines += [target_line(t, details=False) for t in change.after[1:]]
        lines.append(
            f"Chỉ tiêu {marker(change.before[0].target)} thành đầu mục, không còn con số riêng."
        )
    return "\n".join(lines) + _reports_note(change)


def done_text(change: Change) -> str:
    """What the admin is told once a change is made."""
    if change.action == "add":
        head = "✅ Đã thêm chỉ tiêu:"
    elif change.action == "restore":
        head = "✅ Đã lấy lại chỉ tiêu:"
    elif change.action == "remove":
        keys = ", ".join(f"({k})" for k in change.retired)
        return f"🗑 Đã bỏ chỉ tiêu {keys}.{_reports_note(change)}"
    elif change.action == "merge":
        keys = ", ".join(f"({k})" for k in change.retired)
        head = f"✅ Đã gộp {keys} vào {marker(change.after[0])}:"
    elif change.action == "split":
        head = f"✅ Đã tách {marker(change.after[0])} thành:"
        return "\n".join([head, *(target_line(t) for t in change.after[1:])]) + _reports_note(
            change
        )
    elif change.action == "direction":
        target = change.after[0]
        return (
            f"✅ Chỉ tiêu {marker(target)}: chiều đánh giá là "
            f"<b>{DIRECTION_LABELS[direction_of(target)]}</b>."
        )
    elif change.action == "scope":
        target = change.after[0]
        return f"✅ Chỉ tiêu {marker(target)}: <b>{SCOPE_LABELS[scope_of(target)]}</b>."
    else:
        before = change.before[0].target
        return (
            f"✅ Đã sửa chỉ tiêu {marker(before)}.\nTrước: {target_line(before, details=False)}\n"
            f"Nay: {target_line(change.after[0])}{_reports_note(change)}"
        )
    return "\n".join([head, *(target_line(t) for t in change.after)])


CONFIRM = "Đồng ý"
CANCEL = "Thôi, giữ nguyên"
CANCELLED = "Đã hủy, không thay đổi gì."
EXPIRED = "Câu hỏi này đã được trả lời hoặc không còn hiệu lực; không thay đổi gì."
PLAN_CHANGED = "Kế hoạch đang dùng đã thay đổi nên không làm theo câu hỏi cũ; hãy gõ lại lệnh."


_ONE_KEY_EXAMPLES = {
    "xem": "/chitieu xem 5",
    "xoa": "/chitieu xoa 5",
    "khoiphuc": "/chitieu khoiphuc 5",
    "laylai": "/chitieu khoiphuc 5",
}


def one_key(word: str) -> str:
    """The usage of an action that names exactly one target."""
    return (
        f"Lệnh này cần đúng một số chỉ tiêu, ví dụ <code>{_ONE_KEY_EXAMPLES[word]}</code>; "
        "không thay đổi gì."
    )


def unknown_word(word: str, choices: Mapping[str, object]) -> str:
    """An option the admin typed that is not one of *choices*."""
    listed = ", ".join(choices)
    return f"Không hiểu «{_e(word)}». Chọn một trong: {listed}."


ACTION_USAGE = {
    "them": (
        "Cách dùng: <code>/chitieu them Tên: con số</code>, ví dụ "
        "<code>/chitieu them Trồng cây phân tán: 58.000 cây</code> (ghi số trước nếu muốn: "
        "<code>/chitieu them 23 Tên: 100 cây</code>). Không thay đổi gì."
    ),
    "sua": (
        "Cách dùng: <code>/chitieu sua 5 Tên: con số</code>, hoặc sửa một phần: "
        "<code>sua 5 ten …</code>, <code>sua 5 so tối thiểu 95%</code>, "
        "<code>sua 5 dvt cây</code>, <code>sua 5 loai toithieu|tren|khongqua|khoang|giam|"
        "tang|dung</code>. Không thay đổi gì."
    ),
    "tach": (
        "Cách dùng: <code>/chitieu tach 5 Lợn: 5.500 con; Dê: 380 con</code> — số chỉ tiêu rồi "
        "ít nhất hai phần, cách nhau bằng dấu «;». Không thay đổi gì."
    ),
}


def missing_part(word: str, key: str, rest: str) -> str | None:
    """/chitieu them|sua|tach typed without what it needs: what is missing, and the
    command's own usage; None when the parts are there."""
    usage = ACTION_USAGE.get(word)
    if usage is None:
        return None
    if word == "them":
        return None if rest.strip() else f"Thiếu tên chỉ tiêu và con số. {usage}"
    if not key:
        return f"Thiếu số chỉ tiêu. {usage}"
    if not rest.strip():
        wanted = "nội dung cần sửa" if word == "sua" else "các phần cần tách"
        return f"Thiếu {wanted}. {usage}"
    return None


DIRECTION_USAGE = (
    "Cách dùng: <code>/chitieu huong 7 cao</code> — số chỉ tiêu rồi một trong: "
    "<code>cao</code> (càng cao càng tốt), <code>thap</code> (càng thấp càng tốt), "
    "<code>tran</code> (không vượt quá), <code>dinhtinh</code> (định tính, đánh giá đạt/chưa "
    "đạt). Không thay đổi gì."
)
SCOPE_USAGE = (
    "Cách dùng: <code>/chitieu phamvi 7 donvi</code> — số chỉ tiêu rồi một trong: "
    "<code>donvi</code> (các đơn vị báo cáo, số liệu cộng dồn), <code>xa</code> (một số liệu "
    "chung của cả xã; <code>phuong</code> cũng được). Không thay đổi gì."
)


def choice_problem(key: str, word: str, choices: Mapping[str, object], usage: str) -> str:
    """/chitieu huong|phamvi with the target or the choice missing, or a word not among
    *choices*: what was wrong, and the command's own usage."""
    if not key or not word:
        # "/chitieu huong cao": the choice is there, the target number is not.
        missing = "lựa chọn" if key and key.lower() not in choices else "số chỉ tiêu"
        return f"Thiếu {missing}. {usage}"
    return f"{unknown_word(word, choices)}\n{usage}"


# ---------------------------------------------------------------- the Excel round trip

MAX_PROBLEMS = 40  # listed one by one; more are counted
SEND_SHEET_TEXT = (
    "Hãy gửi tệp .xlsx (tải bằng <code>/chitieu excel</code> hoặc <code>/chitieu mau</code>) "
    "kèm chú thích <code>/chitieu nhap</code>."
)
SHEET_CAPTION = (
    "Bảng chỉ tiêu — sửa trong Excel rồi gửi lại tệp kèm chú thích /chitieu nhap "
    "(xem trang «Hướng dẫn»)."
)
TEMPLATE_CAPTION = (
    "Mẫu bảng chỉ tiêu trống — mỗi dòng một chỉ tiêu; điền xong gửi lại tệp kèm chú thích "
    "/chitieu nhap."
)
NOT_XLSX = "Tệp này không phải .xlsx. " + SEND_SHEET_TEXT


def sheet_problems_lines(problems: Sequence[SheetProblem]) -> list[str]:
    """Every bad cell, by row and column; nothing was changed."""
    lines = [
        f"❌ Bảng có {len(problems)} chỗ cần sửa nên <b>chưa thay đổi gì</b>. Sửa các ô sau "
        "rồi gửi lại tệp kèm <code>/chitieu nhap</code>:"
    ]
    for problem in problems[:MAX_PROBLEMS]:
        lines.append(f"• Dòng {problem.row}, cột «{_e(problem.column)}»: {_e(problem.message)}")
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"… và {len(problems) - MAX_PROBLEMS} chỗ nữa.")
    return lines


def _counts(outcome: SheetOutcome) -> str:
    parts = []
    if outcome.added:
        parts.append(f"thêm {len(outcome.added)}")
    if outcome.edited:
        parts.append(f"sửa {len(outcome.edited)}")
    if outcome.removed:
        parts.append(f"bỏ {len(outcome.removed)}")
    return ", ".join(parts) + " chỉ tiêu" if parts else "không có gì thay đổi"


def sheet_lines(outcome: SheetOutcome, *, done: bool) -> list[str]:
    """What the sheet changes: counts, then every added, edited and removed target."""
    unchanged = f"; {outcome.unchanged} dòng giữ nguyên" if outcome.unchanged else ""
    if done:
        lines = [f"✅ Đã cập nhật từ bảng Excel: {_counts(outcome)}{unchanged}."]
    else:
        lines = [f"Bảng Excel sẽ {_counts(outcome)}{unchanged}. Làm theo bảng này?"]
    if outcome.added:
        lines.append("\n<b>Thêm</b>")
        lines += [target_line(t) for t in outcome.added]
    if outcome.edited:
        lines.append("\n<b>Sửa</b>")
        for before, after in outcome.edited:
            lines.append(f"{target_line(before, details=False)}\n   → {target_line(after)}")
    if outcome.removed:
        lines.append("\n<b>Bỏ</b>")
        lines += [target_line(ref.target, details=False) for ref in outcome.removed]
        reports = sum(ref.reports for ref in outcome.removed)
        if reports:
            lines.append(
                f"{reports} số liệu đã báo cáo cho các chỉ tiêu này vẫn được giữ trong lịch sử; "
                "lấy lại chỉ tiêu bằng /chitieu khoiphuc &lt;số&gt;."
            )
    return lines
