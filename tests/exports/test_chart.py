"""The completion chart: what it plots, and that it is a sound, deterministic PNG."""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

from matplotlib.image import imread

from bot.core.progress import Figure
from bot.exports.chart import DISPLAY_CAP, build_chart, target_bars, unit_bars
from tests.exports import PIGS, TREES, make_table

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_target_bars_use_totals_or_the_mean_of_rates() -> None:
    bars = {b.label: b for b in target_bars(make_table())}
    assert list(bars) == [
        "(3) Trồng mới cây phân tán",
        "(7) Tỷ lệ dân số tham gia BHYT",
        "(9) Thu ngân sách trên địa bàn",
        "(5) Phát triển chăn nuôi — Lợn",
    ]  # the non-numeric target has nothing to compare with
    assert bars["(3) Trồng mới cây phân tán"].percent == Decimal("52.6")
    # 97 / 96 = 101,0% and 92,5 / 96 = 96,4%: a rate cannot be summed, so the mean.
    assert bars["(7) Tỷ lệ dân số tham gia BHYT"].percent == Decimal("98.7")
    assert bars["(5) Phát triển chăn nuôi — Lợn"].color != bars["(3) Trồng mới cây phân tán"].color


def test_unit_bars_average_reported_targets_and_cap_outliers() -> None:
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    figures = [
        Figure("Thôn 1", TREES.key, Decimal(29000), moment, "An"),  # 50%
        Figure("Thôn 1", PIGS.key, Decimal(55000), moment, "An"),  # 1000%, counted as 150%
    ]
    bars = unit_bars(make_table(figures))
    assert [b.percent for b in bars] == [(Decimal(50) + DISPLAY_CAP) / 2, None, None]


def test_chart_is_a_png_of_sensible_size() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Vietnamese glyph would warn
        data = build_chart(make_table())
    assert data.startswith(PNG_SIGNATURE)
    image = imread(BytesIO(data), format="png")
    height, width = image.shape[:2]
    assert width == 1000
    assert 300 <= height <= 1500


def test_chart_is_deterministic_and_has_no_software_stamp() -> None:
    table = make_table()
    first = build_chart(table)
    assert first == build_chart(table)
    assert b"Matplotlib" not in first


def test_chart_grows_with_the_plan() -> None:
    small = imread(BytesIO(build_chart(make_table())), format="png")
    table = make_table()
    units = tuple(f"Thôn {i}" for i in range(30))
    big = imread(BytesIO(build_chart(replace(table, units=units))), format="png")
    assert big.shape[0] > small.shape[0]


def test_chart_of_an_empty_table() -> None:
    table = replace(make_table([]), targets=(), units=())
    data = build_chart(table)
    assert data.startswith(PNG_SIGNATURE)
    assert imread(BytesIO(data), format="png").shape[1] == 1000
