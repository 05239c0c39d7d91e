"""A PNG of completion rates: by target (top) and by unit (bottom).

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

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.core.numbers import format_percent
from bot.core.progress import ProgressTable, Status, TargetInfo, percent_of_target
from bot.exports import completion, target_name

__all__ = ["DISPLAY_CAP", "Bar", "build_chart", "target_bars", "unit_bars"]

# Bars stop here so one 900% figure does not flatten all others; the label keeps the real %.
DISPLAY_CAP = Decimal(150)
_COLORS = {
    Status.ACHIEVED: "#2e7d32",
    Status.IN_PROGRESS: "#f9a825",
    Status.NOT_REPORTED: "#9e9e9e",
    Status.NO_TARGET: "#9e9e9e",
}
_UNIT_COLOR = "#1565c0"
_LABEL_CHARS = 48


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its label, the completion % (None when nothing was reported) and colour."""

    label: str
    percent: Decimal | None
    color: str


def _mean(values: list[Decimal]) -> Decimal:
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def _target_percent(table: ProgressTable, target: TargetInfo) -> tuple[Decimal | None, Status]:
    """Total ÷ target where figures add up; else the mean of the units' own rates."""
    done = completion(table, target)
    if done.percent is not None or not done.figures:
        return done.percent, done.status
    rates = [p for f in done.figures if (p := percent_of_target(f.value, target)) is not None]
    return (_mean(rates) if rates else None), done.status


def target_bars(table: ProgressTable) -> list[Bar]:
    """Completion by target, for every target that has a figure to compare with."""
    bars = []
    for target in table.targets:
        if target.value is None:
            continue
        percent, state = _target_percent(table, target)
        label = f"{target.marker} {target_name(target)}"
        bars.append(Bar(label, percent, _COLORS[state]))
    return bars


def unit_bars(table: ProgressTable) -> list[Bar]:
    """Each unit's average completion over the numeric targets it reported.

    Each rate is capped at :data:`DISPLAY_CAP` first, so one outlier cannot hide the rest.
    """
    bars = []
    for unit in table.units:
        rates = []
        for target in table.targets:
            figure = table.figure(unit, target.key)
            rate = percent_of_target(figure.value, target) if figure is not None else None
            if rate is not None:
                rates.append(min(rate, DISPLAY_CAP))
        bars.append(Bar(unit, _mean(rates) if rates else None, _UNIT_COLOR))
    return bars


def _short(label: str) -> str:
    return textwrap.shorten(label, width=_LABEL_CHARS, placeholder="…")


def _draw(axes: Any, bars: list[Bar], title: str) -> None:
    """Horizontal bars, first at the top, with the real % written at each bar's end."""
    positions = list(range(len(bars)))
    widths = [float(min(b.percent, DISPLAY_CAP)) if b.percent is not None else 0.0 for b in bars]
    axes.barh(positions, widths, color=[b.color for b in bars], height=0.6)
    axes.set_yticks(positions, [_short(b.label) for b in bars], fontsize=9)
    axes.invert_yaxis()
    axes.axvline(100, color="#616161", linestyle="--", linewidth=1)
    axes.set_xlim(0, float(DISPLAY_CAP) + 30)  # room for the label of a capped bar
    axes.set_xticks(range(0, int(DISPLAY_CAP) + 1, 25))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}%"))
    axes.set_title(title, fontsize=11, loc="left", fontweight="bold")
    for position, width, bar in zip(positions, widths, bars, strict=True):
        text = format_percent(bar.percent) if bar.percent is not None else "chưa có số liệu"
        axes.text(width + 2, position, text, va="center", fontsize=8)


def build_chart(table: ProgressTable) -> bytes:
    """PNG of completion % by target and by unit for *table*."""
    by_target, by_unit = target_bars(table), unit_bars(table)
    rows = max(len(by_target), 1) + max(len(by_unit), 1)
    with rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "thidua"}):
        figure = Figure(figsize=(10, 2.0 + 0.32 * rows), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        figure.suptitle(f"Tiến độ thực hiện chỉ tiêu thi đua — {table.period_label}", fontsize=13)
        if not by_target and not by_unit:
            figure.text(0.5, 0.5, "Chưa có số liệu để vẽ biểu đồ.", ha="center", va="center")
        else:
            top, bottom = figure.subplots(
                2, 1, gridspec_kw={"height_ratios": [max(len(by_target), 1), max(len(by_unit), 1)]}
            )
            _draw(top, by_target, "Mức hoàn thành theo chỉ tiêu (% kế hoạch, cột dài nhất 150%)")
            _draw(bottom, by_unit, "Mức hoàn thành bình quân theo đơn vị")
        buffer = BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
