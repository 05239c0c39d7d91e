"""The completion chart: what it plots, and that it is a sound, deterministic PNG."""

from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

from matplotlib.image import imread

from bot.core.plan import Qualifier
from bot.core.progress import Figure, ProgressTable, TargetInfo
from bot.exports.chart import build_chart, build_charts, target_bars, unit_bars
from tests.exports import PIGS, TREES, UNITS, make_table

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_every_target_is_a_row_with_the_shared_figures() -> None:
    bars = {b.label: b for b in target_bars(make_table())}
    assert list(bars) == [
        "(3) Trồng mới cây phân tán",
        "(7) Tỷ lệ dân số tham gia BHYT",
        "(9) Thu ngân sách trên địa bàn",
        "(12) Giảm tai nạn giao thông cả 3 tiêu chí",  # qualitative: its status, no bar
        "(5) Phát triển chăn nuôi — Lợn",
    ]
    trees = bars["(3) Trồng mới cây phân tán"]
    assert trees.percent == Decimal("52.6") and trees.partial
    assert trees.note == "52,6% · chưa đủ số liệu · 2/3 đơn vị đã báo cáo"
    # Rates are neither summed nor averaged: no bar without the commune's own figure.
    rate = bars["(7) Tỷ lệ dân số tham gia BHYT"]
    assert rate.percent is None
    assert rate.note == "chưa có số chung; đơn vị: 92,5% (Thôn 2) – 97% (Thôn 1)"
    assert bars["(12) Giảm tai nạn giao thông cả 3 tiêu chí"].note == "định tính: chưa báo cáo"
    # One unit of three above the whole target is partial, not a green bar.
    pigs = bars["(5) Phát triển chăn nuôi — Lợn"]
    assert pigs.partial and pigs.color == trees.color


def test_a_ceiling_is_drawn_against_its_limit_and_marked() -> None:
    accidents = TargetInfo("4", "4", "Số vụ tai nạn", Decimal(5), "vụ", Qualifier.AT_MOST)
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    figures = [Figure(u, "4", Decimal(3), moment, "An") for u in UNITS]
    [bar] = target_bars(replace(make_table(figures), targets=(accidents,)))
    assert bar.lower_is_better and bar.percent == Decimal(180)
    assert bar.note == "9 vụ (mức không quá 5 vụ) · chưa đạt"


def test_sub_targets_keep_their_own_name_when_cut() -> None:
    parent = "Phát triển chăn nuôi theo hướng an toàn sinh học, gắn với tiêu thụ sản phẩm"
    targets = tuple(
        TargetInfo(f"5.{i}", "5", name, Decimal(10), "con", parent_name=parent)
        for i, name in enumerate(("Trâu, bò", "Lợn", "Gia cầm"))
    )
    labels = [b.label for b in target_bars(replace(make_table([]), targets=targets))]
    assert len(set(labels)) == 3
    assert all(
        label.endswith(f" — {name}")
        for label, name in zip(labels, ("Trâu, bò", "Lợn", "Gia cầm"), strict=True)
    )


def test_unit_bars_count_targets_reported_not_an_average_of_rates() -> None:
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    figures = [
        Figure("Thôn 1", TREES.key, Decimal(29000), moment, "An"),
        Figure("Thôn 1", PIGS.key, Decimal(55000), moment, "An"),
    ]
    bars = unit_bars(make_table(figures))
    assert [b.note for b in bars] == ["2/4 chỉ tiêu", "0/4 chỉ tiêu", "0/4 chỉ tiêu"]
    assert bars[0].percent == 50  # of the 4 targets with a figure


def test_a_long_plan_is_cut_into_phone_sized_images() -> None:
    targets = tuple(
        TargetInfo(str(i), str(i), f"Chỉ tiêu {i}", Decimal(100), "người") for i in range(30)
    )
    images = build_charts(replace(make_table([]), targets=targets))
    assert len(images) == 2
    for data in images:
        height, width = imread(BytesIO(data), format="png").shape[:2]
        assert width == 1080 and height <= 2400  # portrait, no taller than a phone screen


def test_chart_is_a_png_of_sensible_size() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Vietnamese glyph would warn
        data = build_chart(make_table())
    assert data.startswith(PNG_SIGNATURE)
    image = imread(BytesIO(data), format="png")
    height, width = image.shape[:2]
    assert width == 1080
    assert 300 <= height <= 2400


def test_chart_is_deterministic_and_has_no_software_stamp() -> None:
    table = make_table()
    first = build_chart(table)
    assert first == build_chart(table)
    assert b"Matplotlib" not in first


def test_chart_grows_with_the_plan() -> None:
    def height(table: ProgressTable) -> int:
        return sum(imread(BytesIO(d), format="png").shape[0] for d in build_charts(table))

    units = tuple(f"Thôn {i}" for i in range(30))
    assert height(replace(make_table(), units=units)) > height(make_table())


def test_chart_of_an_empty_table() -> None:
    table = replace(make_table([]), targets=(), units=())
    data = build_chart(table)
    assert data.startswith(PNG_SIGNATURE)
    assert imread(BytesIO(data), format="png").shape[1] == 1080
