"""Vietnamese answer texts for the plan's answers to questions (Telegram HTML, escaped).

Pure functions: an :class:`~bot.core.matcher.Answer` in, a message text out. Figures are in
Vietnamese notation ("1.600 người", "28.603,61 tỷ đồng", "96%") with the plan's qualifier
("khoảng 9,48%"), and every answer says where in the plan it stands.
"""

from __future__ import annotations

import html
from decimal import Decimal

from bot.core.matcher import Answer, Hit
from bot.core.numbers import format_number
from bot.core.plan import PlanDeadline, Qualifier, Target, section_label
from bot.core.text import collapse_spaces, fold, shorten

__all__ = [
    "OCR_NOTE",
    "choice_buttons",
    "format_figure",
    "render_answer",
    "render_choices",
    "render_none",
    "render_passage",
    "render_plan_deadlines",
    "render_target",
    "target_label",
]

_NO_FIGURE = "không có số liệu cụ thể"
# Under a quote from a plan read by OCR: the marks were put back by the bot.
OCR_NOTE = "(Kế hoạch là bản scan: bot đã khôi phục dấu tiếng Việt, nên đối chiếu bản gốc.)"
_PARENT_NAME_LIMIT = 80  # a compound line's name can be a whole sentence
BUTTON_CHARS = 60  # a choice button's text, cut at a word with "…"


def _e(text: str) -> str:
    """Escape for parse_mode HTML (<, > and &)."""
    return html.escape(text, quote=False)


def _clean(text: str) -> str:
    return collapse_spaces(text).strip(" :;,.-–")


def format_figure(target: Target) -> str:
    """The figure of *target* as a sentence part: "1.600 người", "khoảng 9,48%",
    "tối thiểu 100%", "giảm 0,77%", or its wording when it is not a number."""
    if target.value is None:
        return _clean(target.text_value) if target.text_value else _NO_FIGURE
    figure = _amount(target.value, target.measure)
    label = target.qualifier.label
    if label and target.qualifier is not Qualifier.EXACT:
        figure = f"{label} {figure}"
    if target.text_value:
        figure = f"{figure} ({_clean(target.text_value)})"
    return figure


def _amount(value: Decimal, measure: str | None) -> str:
    number = format_number(value)
    if not measure:
        return number
    if measure.startswith("%"):
        return f"{number}{measure}"
    return f"{number} {measure}"


def _says_only_its_name(target: Target) -> bool:
    """A target without a figure whose wording is its name ("Huyện đạt chuẩn nông thôn
    mới"): saying it once is enough."""
    return (
        target.value is None
        and target.text_value is not None
        and fold(_clean(target.text_value)) == fold(_clean(target.name))
    )


def target_label(target: Target, parent: Target | None = None) -> str:
    """ "(5) Phát triển chăn nuôi – Lợn" or "(10) Giải quyết việc làm trong năm"."""
    name = _clean(target.name)
    if parent is not None:
        return f"{parent.marker} {shorten(_clean(parent.name), _PARENT_NAME_LIMIT)} – {name}"
    return f"{target.marker} {name}"


def _where(citation_label: str, section_path: str) -> str:
    return f"Theo {citation_label}, {section_label(section_path)}"


def render_target(hit: Hit, citation_label: str) -> str:
    """A target's figure with its name and place in the plan.

    "Theo Kế hoạch 21/KH-UBND, mục II.2, chỉ tiêu (10): Giải quyết việc làm trong năm:
    <b>1.600 người</b>." A compound target lists its parts, one per line.
    """
    target = hit.target
    if target is None:
        raise ValueError("render_target needs a target hit")
    where = _e(_where(citation_label, hit.section_path))
    if hit.parent is not None:
        parent_name = shorten(_clean(hit.parent.name), _PARENT_NAME_LIMIT)
        head = (
            f"{where}, chỉ tiêu {_e(hit.parent.marker)} {_e(parent_name)} – "
            f"{_e(_clean(target.name))}"
        )
        if _says_only_its_name(target):
            return f"{head}."
        return f"{head}: <b>{_e(format_figure(target))}</b>."
    head = f"{where}, chỉ tiêu {_e(target.marker)}: {_e(_clean(target.name))}"
    if not hit.children:
        if _says_only_its_name(target):
            return f"{head}."
        return f"{head}: <b>{_e(format_figure(target))}</b>."
    lines = [f"{head}: <b>{_e(format_figure(target))}</b>, trong đó:"]
    if target.value is None:
        lines = [f"{head}, gồm:"]
    lines.extend(f"• {_e(_clean(c.name))}: <b>{_e(format_figure(c))}</b>" for c in hit.children)
    return "\n".join(lines)


def render_passage(hit: Hit, citation_label: str) -> str:
    """What the plan says, quoted with its section: "Theo …, mục III.4 (…):" then the text."""
    if hit.passage is None:
        raise ValueError("render_passage needs a passage hit")
    title = _clean(hit.section_title)
    where = _where(citation_label, hit.section_path)
    if title:
        where = f"{where} ({title})"
    quote = hit.excerpt or _clean(hit.passage.text)
    text = f"{_e(where)}:\n“{_e(quote)}”"
    if hit.original:
        text += f"\n<i>{_e(OCR_NOTE)}</i>"
    return text


def render_none(citation_label: str, reason: str = "") -> str:
    """The plan says nothing on the question: say so plainly (with *reason* when it is
    known, e.g. how many targets there are) and point to /chitieu."""
    if reason:
        return _e(reason)
    return (
        f"{_e(citation_label)} không có nội dung trả lời câu hỏi này. "
        "Anh/chị có thể gõ /chitieu để xem danh sách chỉ tiêu, hoặc hỏi lại bằng từ ngữ khác "
        "(ví dụ: «chỉ tiêu trồng cây là bao nhiêu?», «ai thẩm định hồ sơ khen thưởng?»)."
    )


def _choice_text(hit: Hit) -> str:
    if hit.target is not None:
        return f"Chỉ tiêu {target_label(hit.target, hit.parent)}"
    return hit.label


def render_choices(answer: Answer) -> str:
    """A close call: list what the question may mean; the buttons carry the same items."""
    lines = ["Câu hỏi có thể ứng với nhiều nội dung. Có phải anh/chị muốn hỏi:"]
    lines.extend(f"{i}. {_e(_choice_text(hit))}" for i, hit in enumerate(answer.alternatives, 1))
    lines.append("Chọn một mục bên dưới.")
    return "\n".join(lines)


def choice_buttons(answer: Answer) -> list[tuple[str, str]]:
    """(button text, hit id) for each choice; the text is plain (Telegram shows it as is)."""
    return [
        (shorten(f"{i}. {hit.label}", BUTTON_CHARS), hit.id)
        for i, hit in enumerate(answer.alternatives, 1)
    ]


def render_answer(answer: Answer) -> str:
    """The message for any answer kind."""
    if answer.kind == "target" and answer.best is not None:
        return render_target(answer.best, answer.citation_label)
    if answer.kind == "passage" and answer.best is not None:
        return render_passage(answer.best, answer.citation_label)
    if answer.kind == "choices" and answer.alternatives:
        return render_choices(answer)
    if answer.kind == "about":
        return _e(answer.about)
    return render_none(answer.citation_label, answer.about)


def render_plan_deadlines(
    deadlines: list[PlanDeadline], citation_label: str, plan_year: int | None
) -> str:
    """The dates the plan sets, each with the sentence that sets it and where it stands."""
    blocks = []
    for deadline in deadlines:
        year = deadline.year or plan_year
        day = f"{deadline.day:02d}/{deadline.month:02d}" + (f"/{year}" if year else "")
        quote = shorten(_clean(deadline.source_text), 400)
        blocks.append(
            f"{_where(citation_label, deadline.section_path)}:\n“{_e(quote)}”\n"
            f"→ {_e(deadline.what)}: hạn <b>{day}</b>."
        )
    return "\n\n".join(blocks)
