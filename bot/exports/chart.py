"""Completion charts for a phone screen: one row per target, from the same assessments as
every other view, and the share of targets each unit has reported.

Each target's name stands on its own line above its bar, so the bar can use the whole width
of a phone. "More is better" targets are drawn as % of the plan; "lower is better" targets and
ceilings as the figure against its limit (hatched, the limit is the dashed line); a partial
sum is drawn pale with how many units reported; qualitative targets show their status.
A long plan is cut into several images of at most :data:`ROWS_PER_IMAGE` targets.

Drawn with matplotlib's object API on the Agg canvas: no GUI, no pyplot global state, so it
is safe inside the bot's event loop threads. DejaVu Sans (shipped with matplotlib) has the
Vietnamese glyphs. The same table always gives the same bytes (no timestamp metadata).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from typing import Any

from bot.core.numbers import format_percent
from bot.core.progress import Assessment, ProgressTable, Rule, Status, TargetInfo
from bot.exports import amount_text, report_rows, spread_text

__all__ = ["DISPLAY_CAP", "ROWS_PER_IMAGE", "Bar", "build_chart", "build_charts", "target_bars"]

# Bars stop here so one 900% figure does not flatten all others; the label keeps the real %.
DISPLAY_CAP = Decimal(150)
ROWS_PER_IMAGE = 16  # about what a phone shows at once without zooming
WIDTH_INCHES, DPI = 7.2, 150  # 1.080 px wide: a phone screen's width
_COLORS = {
    Status.ACHIEVED: "#2e7d32",
    Status.IN_PROGRESS: "#f9a825",
    Status.NOT_ACHIEVED: "#c62828",
    Status.PARTIAL: "#78909c",
    Status.NOT_REPORTED: "#9e9e9e",
    Status.NO_TARGET: "#9e9e9e",
}
_UNIT_COLOR = "#1565c0"
_LABEL_CHARS = 58
_ROW_INCHES, _HEAD_INCHES = 0.52, 1.0


@dataclass(frozen=True, slots=True)
class Bar:
    """One row: its label, bar length in % (None: no bar), colour, note at the bar's end,
    and how it is drawn (hatched for lower-is-better, pale for partial data)."""

    label: str
    percent: Decimal | None
    color: str
    note: str
    lower_is_better: bool = False
    partial: bool = False


def _percent(value: Decimal, limit: Decimal) -> Decimal:
    return (value / limit * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _note(done: Assessment) -> str:
    """What the bar means, in words: "52,6% · 2/3 đơn vị", "1,2% (không quá 1,5%) · đạt"."""
    target = done.target
    if done.rule is Rule.QUALITATIVE:
        return f"định tính: {done.status.label}"
    if done.value is None:
        spread = spread_text(done)
        if not spread:
            return "chưa có số liệu"
        return f"chưa có số chung; đơn vị: {spread}"
    if target.lower_is_better and target.value is not None:
        figure = amount_text(done.value, target.measure)
        limit = amount_text(target.value, target.measure)
        text = f"{figure} (mức {target.qualifier.label or 'tối đa'} {limit})"
    else:
        percent = done.percent
        text = format_percent(percent) if percent is not None else ""
    text += f" · {done.status.label}"
    return text if done.complete else f"{text} · {done.coverage}"


def _label(target: TargetInfo) -> str:
    """ "(5) Phát triển chăn nuôi — Lợn": when too long the compound line's name is cut,
    never the sub-target's own, so sub-targets stay distinct."""
    own = f"{target.marker} {target.name}"
    if target.parent_name is None:
        return textwrap.shorten(own, _LABEL_CHARS, placeholder="…")
    room = max(_LABEL_CHARS - len(target.name) - len(target.marker) - 4, 8)
    parent = textwrap.shorten(target.parent_name, room, placeholder="…")
    return textwrap.shorten(f"{target.marker} {parent} — {target.name}", _LABEL_CHARS + 20)


def _bar(done: Assessment) -> Bar:
    target = done.target
    label = _label(target)
    percent: Decimal | None = None
    if done.value is not None and target.value:
        percent = _percent(done.value, target.value) if target.lower_is_better else done.percent
    return Bar(
        label=label,
        percent=percent,
        color=_COLORS[done.status],
        note=_note(done),
        lower_is_better=target.lower_is_better,
        partial=done.partial,
    )


def target_bars(table: ProgressTable) -> list[Bar]:
    """One row per target of the plan, in plan order: every reported target is drawn."""
    return [_bar(done) for done in report_rows(table)]


def unit_bars(table: ProgressTable) -> list[Bar]:
    """How many of the plan's targets with a figure each unit has reported this period (not
    an average of rates: a unit's completion cannot be read from a handful of its figures)."""
    numeric = [t for t in table.targets if t.value is not None]  # qualitative: /danhgia
    count = len(numeric)
    bars = []
    for unit in table.units:
        done = sum(
            1 for t in numeric if (f := table.figure(unit, t.key)) is not None and f.in_period
        )
        percent = _percent(Decimal(done), Decimal(count)) if count else None
        bars.append(Bar(unit, percent, _UNIT_COLOR, f"{done}/{count} chỉ tiêu"))
    return bars


def _draw(axes: Any, bars: list[Bar], title: str) -> None:
    """Each label on its own line above its bar; the note at the bar's end."""
    axes.set_ylim(len(bars) - 0.3, -0.9)
    axes.set_xlim(0, float(DISPLAY_CAP) + 5)
    axes.axvline(100, color="#616161", linestyle="--", linewidth=1)
    axes.set_yticks([])
    axes.set_xticks(range(0, int(DISPLAY_CAP) + 1, 25))
    from matplotlib.ticker import FuncFormatter  # matplotlib loads on the first chart only

    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}%"))
    axes.tick_params(axis="x", labelsize=8)
    axes.set_title(title, fontsize=10, loc="left", fontweight="bold")
    for row, bar in enumerate(bars):
        axes.text(0.5, row - 0.33, bar.label, fontsize=9, va="center", ha="left")
        width = float(min(bar.percent, DISPLAY_CAP)) if bar.percent is not None else 0.0
        if width:
            axes.barh(
                row + 0.08,
                width,
                height=0.32,
                color=bar.color,
                alpha=0.6 if bar.partial else 1.0,
                hatch="///" if bar.lower_is_better else None,
                edgecolor="white" if bar.lower_is_better else bar.color,
                linewidth=0,
            )
        axes.text(
            min(width, 100) + 1.5 if width < 100 else 1.5,
            row + 0.08,
            bar.note,
            fontsize=8,
            va="center",
            ha="left",
            color="black",
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 1},
        )


_LEGEND = (
    "Cột: % kế hoạch (đường nét đứt = 100%). Cột gạch chéo: chỉ tiêu “không quá”/“giảm còn”, "
    "đạt khi cột không vượt đường 100%. Cột nhạt: mới có một phần đơn vị báo cáo."
)


def _render(title: str, sections: list[tuple[str, list[Bar]]]) -> bytes:
    # Imported here, not at the top: matplotlib takes seconds to load, and the bot should
    # start (and restart after a crash) without waiting for a chart nobody asked for yet.
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = sum(len(bars) for _, bars in sections)
    height = _HEAD_INCHES + _ROW_INCHES * max(rows, 1) + 0.5 * len(sections)
    with rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "thidua"}):
        figure = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        figure.suptitle(title, fontsize=11, fontweight="bold")
        if not rows:
            figure.text(0.5, 0.5, "Chưa có số liệu để vẽ biểu đồ.", ha="center", va="center")
        else:
            ratios = [max(len(bars), 1) + 0.6 for _, bars in sections]
            grid = figure.subplots(len(sections), 1, gridspec_kw={"height_ratios": ratios})
            for axes, (heading, bars) in zip(
                grid if len(sections) > 1 else [grid], sections, strict=True
            ):
                _draw(axes, bars, heading)
        figure.supxlabel(textwrap.fill(_LEGEND, 110), fontsize=7, x=0.01, ha="left")
        buffer = BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def build_charts(table: ProgressTable) -> list[bytes]:
    """PNG images for *table*: the targets, :data:`ROWS_PER_IMAGE` at a time, the units'
    reporting under the last one (or on their own image when that one is full)."""
    by_target, by_unit = target_bars(table), unit_bars(table)
    pages = [by_target[i : i + ROWS_PER_IMAGE] for i in range(0, len(by_target), ROWS_PER_IMAGE)]
    pages = pages or [[]]
    heading = "Mức thực hiện theo chỉ tiêu"
    title = f"Tiến độ chỉ tiêu thi đua — {table.period_label}"
    images = []
    for number, page in enumerate(pages, start=1):
        part = f" ({number}/{len(pages)})" if len(pages) > 1 else ""
        sections = [(heading + part, page)] if page else []
        last = number == len(pages)
        if last and by_unit and len(page) + len(by_unit) <= ROWS_PER_IMAGE * 1.5:
            sections.append(("Số chỉ tiêu các đơn vị đã báo cáo trong kỳ", by_unit))
            by_unit = []
        images.append(_render(title, sections))
    if by_unit:
        images.append(_render(title, [("Số chỉ tiêu các đơn vị đã báo cáo trong kỳ", by_unit)]))
    return images


def build_chart(table: ProgressTable) -> bytes:
    """The first image of :func:`build_charts` (the whole chart for a short plan)."""
    return build_charts(table)[0]
