"""Chat texts: /tiendo, /tonghop, report confirmations and message splitting."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from bot.core.plan import Qualifier
from bot.core.progress import Figure, TargetInfo, Verdict
from bot.exports import RULES_NOTE
from bot.exports.text import (
    MESSAGE_LIMIT,
    render_confirmation,
    render_summary,
    render_unit_progress,
    split_messages,
)
from tests.exports import BUDGET, GENERATED, INSURANCE, PIGS, TREES, UNITS, _figure, make_table

PERIOD = "6 tháng đầu năm 2025"


def test_unit_progress_lines_exactly() -> None:
    [message] = render_unit_progress(make_table(), "Thôn 1")
    assert message.splitlines() == [
        "<b>Tiến độ của Thôn 1</b>",
        "6 tháng đầu năm 2025 · Kế hoạch 21/KH-UBND",
        "",
        "• Trồng mới cây phân tán: 12.500 / 58.000 cây (21,6%) ▓▓░░░░░░░░",
        "• Tỷ lệ dân số tham gia BHYT: 97% — chỉ tiêu tối thiểu 96%, đã đạt (vượt 1 điểm)",
        "• Thu ngân sách trên địa bàn: 1,25 / 2,5 tỷ đồng (50%) ▓▓▓▓▓░░░░░",
        "• Giảm tai nạn giao thông cả 3 tiêu chí: chưa báo cáo (chỉ tiêu định tính; đặt bằng"
        " /danhgia)",
        "• Phát triển chăn nuôi — Lợn: chưa báo cáo (chỉ tiêu 5.500 con)",
        "",
        "Đã báo cáo 3/4 chỉ tiêu. Gửi số liệu bằng /baocao.",
    ]


def test_unit_progress_escapes_the_unit_name() -> None:
    [message] = render_unit_progress(make_table(), UNITS[2])
    assert "<b>Tiến độ của Tổ dân phố &lt;Bắc&gt; &amp; Nam</b>" in message
    assert "<Bắc>" not in message
    assert "Đã báo cáo 0/4 chỉ tiêu." in message


def test_unit_progress_shows_a_non_numeric_target_figure_without_percent() -> None:
    traffic = make_table().targets[3]
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    figure = Figure("Thôn 1", traffic.key, Decimal(2), moment, "An")
    [message] = render_unit_progress(make_table([figure]), "Thôn 1")
    assert "• Giảm tai nạn giao thông cả 3 tiêu chí: 2\n" in message


def test_summary_lines_exactly() -> None:
    [message] = render_summary(make_table())
    assert message.splitlines() == [
        "<b>Tổng hợp tiến độ — 6 tháng đầu năm 2025</b>",
        "Kế hoạch 21/KH-UBND · cập nhật 03/07/2025 14:05",
        "Đơn vị đã báo cáo đủ số liệu: 0/3",
        "",
        "• Trồng mới cây phân tán: tổng 30.500 / 58.000 cây (52,6%) ▓▓▓▓▓░░░░░"
        " — 2/3 đơn vị đã báo cáo, chưa đủ số liệu",
        "• Tỷ lệ dân số tham gia BHYT (tối thiểu 96%): chưa có số chung của xã; các đơn vị:"
        " 92,5% (Thôn 2) – 97% (Thôn 1) — 2/3 đơn vị đã báo cáo, chưa đủ số liệu",
        "• Thu ngân sách trên địa bàn: tổng 1,25 / 2,5 tỷ đồng (50%) ▓▓▓▓▓░░░░░"
        " — 1/3 đơn vị đã báo cáo, chưa đủ số liệu",
        "• Giảm tai nạn giao thông cả 3 tiêu chí: chưa báo cáo (chỉ tiêu định tính; đặt bằng"
        " /danhgia)",
        # One unit of three is over the whole target: still not "đạt" for the commune.
        "• Phát triển chăn nuôi — Lợn: tổng 6.000 / 5.500 con (109,1%) ▓▓▓▓▓▓▓▓▓▓"
        " — 1/3 đơn vị đã báo cáo, chưa đủ số liệu",
        "",
        f"<i>{html.escape(RULES_NOTE)}</i>",
        "1 chỉ tiêu tỷ lệ đã có số của đơn vị nhưng chưa có số chung của xã: chọn đơn vị "
        "báo cáo số chung bằng <code>/sochung tên đơn vị</code> (ví dụ Văn phòng UBND), rồi "
        "đơn vị đó báo cáo tỷ lệ của cả xã.",
        "",
        # Each unit owes trees, money and pigs (they add up), the rate is the commune's.
        "Đơn vị chưa báo cáo đủ (3/3): Thôn 1, Thôn 2, Tổ dân phố &lt;Bắc&gt; &amp; Nam "
        "(chưa gửi số nào).",
    ]


def test_summary_when_everyone_reported_and_when_nobody_did() -> None:
    owed = (TREES, BUDGET, PIGS)  # the rate and the qualitative target are the commune's
    complete = [
        _figure(unit, target, "10", hour)
        for hour, (unit, target) in enumerate(
            ((u, t) for u in ("Thôn 1", "Thôn 2") for t in owed), start=1
        )
    ]
    everyone = render_summary(make_table(complete, units=("Thôn 1", "Thôn 2")))[0]
    assert "Đơn vị đã báo cáo đủ số liệu: 2/2" in everyone
    assert everyone.endswith("Tất cả đơn vị đã báo cáo đủ số liệu.")
    nobody = render_summary(make_table([]))[0]
    assert "Đơn vị đã báo cáo đủ số liệu: 0/3" in nobody
    assert "• Trồng mới cây phân tán: chưa có đơn vị báo cáo (chỉ tiêu 58.000 cây)" in nobody
    assert "chưa báo cáo đủ (3/3): Thôn 1 (chưa gửi số nào), Thôn 2 (chưa gửi số nào)" in nobody


def test_a_rate_reported_by_one_unit_is_not_the_commune_figure() -> None:
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    figure = Figure("Thôn 2", INSURANCE.key, Decimal("97.25"), moment, "An")
    message = render_summary(make_table([figure]))[0]
    assert (
        "• Tỷ lệ dân số tham gia BHYT (tối thiểu 96%): chưa có số chung của xã; các đơn vị:"
        " 97,25% (Thôn 2) — 1/3 đơn vị đã báo cáo, chưa đủ số liệu"
    ) in message


def test_a_rate_from_the_unit_reporting_for_the_commune_with_the_units_range() -> None:
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    office = "Văn phòng UBND"
    figures = [
        Figure("Thôn 1", INSURANCE.key, Decimal("95.2"), moment, "An"),
        Figure("Thôn 2", INSURANCE.key, Decimal("97.5"), moment, "Bình"),
        Figure(office, INSURANCE.key, Decimal("96.4"), moment, "Chi"),
    ]
    table = replace(make_table(figures), units=(*UNITS, office), commune_units=frozenset({office}))
    message = render_summary(table)[0]
    assert (
        "• Tỷ lệ dân số tham gia BHYT: 96,4% / tối thiểu 96% (số chung, Văn phòng UBND);"
        " các đơn vị: 95,2% (Thôn 1) – 97,5% (Thôn 2) — 2/3 đơn vị đã báo cáo, đạt ✅"
    ) in message


def test_qualitative_and_ceiling_statuses_in_the_summary() -> None:
    moment = datetime(2025, 6, 1, tzinfo=UTC)
    verdict = Verdict("12", achieved=False, set_by="Lê Văn C", set_at=moment)
    message = render_summary(replace(make_table(), verdicts={"12": verdict}))[0]
    assert "• Giảm tai nạn giao thông cả 3 tiêu chí: chưa đạt ❌ (Lê Văn C, 01/06/2025)" in message


def test_summary_of_a_large_plan_is_split_under_the_limit() -> None:
    name = "Chỉ tiêu có tên dài về phát triển kinh tế – xã hội & môi trường " * 2
    targets = tuple(
        TargetInfo(str(i), str(i), f"{name}{i}", Decimal(1000), "người") for i in range(80)
    )
    units = tuple(f"Thôn {i}" for i in range(40))
    table = replace(make_table([]), targets=targets, units=units)
    messages = render_summary(table)
    assert len(messages) > 1
    assert all(len(m.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT for m in messages)
    text = "\n".join(messages)
    for i in (0, 41, 79):
        assert f"&amp; môi trường {i}: chưa có đơn vị báo cáo" in text
    assert messages[-1].endswith("Thôn 39 (chưa gửi số nào).")
    assert any(RULES_NOTE[:40] in m for m in messages)
    assert not any(m.startswith("\n") or m == "" for m in messages)


def test_very_long_names_are_shortened() -> None:
    long_unit = "Thôn " + "rất dài " * 100
    [message] = render_unit_progress(make_table([], units=(long_unit,)), long_unit)
    assert long_unit not in message
    assert "…</b>" in message


def test_split_messages_keeps_lines_whole_and_in_order() -> None:
    lines = [f"dòng {i} " + "x" * 90 for i in range(200)]
    messages = split_messages(lines, limit=1000)
    assert all(len(m) <= 1000 for m in messages)
    assert "\n".join(messages).splitlines() == lines


def test_split_messages_cuts_an_overlong_line_outside_entities() -> None:
    line = "a &amp; b " * 30  # 300 characters, an entity every 10
    messages = split_messages([line], limit=64)
    assert all(len(m) <= 64 for m in messages)
    for message in messages:
        assert message.count("&") == message.count("&amp;")
    assert " ".join(messages).split() == line.split()


def test_split_messages_of_nothing_is_one_empty_message() -> None:
    assert split_messages([]) == [""]


def test_confirmation_of_a_cumulative_figure() -> None:
    text = render_confirmation("Thôn 1", TREES, Decimal(12500), PERIOD, mode="cumulative")
    assert text == (
        "✅ Thôn 1 — Trồng mới cây phân tán: 12.500 / 58.000 cây (21,6%), 6 tháng đầu năm 2025\n"
        "↳ số lũy kế từ đầu kỳ"
    )


def test_confirmation_of_an_increment() -> None:
    text = render_confirmation(
        "Thôn 1", TREES, Decimal(12800), PERIOD, mode="delta", added=Decimal(300)
    )
    assert text.endswith(
        "12.800 / 58.000 cây (22,1%), 6 tháng đầu năm 2025\n↳ cộng thêm 300 cây → lũy kế 12.800 cây"
    )


def test_confirmation_says_when_the_target_is_met_and_escapes_names() -> None:
    text = render_confirmation("A & B", PIGS, Decimal(5500), PERIOD, mode="cumulative")
    assert text.startswith("✅ A &amp; B — Phát triển chăn nuôi — Lợn: 5.500 / 5.500 con (100%)")
    assert text.endswith("số lũy kế từ đầu kỳ; đã đạt chỉ tiêu")


def test_confirmation_of_a_rate_and_of_money() -> None:
    rate = render_confirmation("Thôn 2", INSURANCE, Decimal("92.5"), PERIOD, mode="cumulative")
    assert rate == (
        "✅ Thôn 2 — Tỷ lệ dân số tham gia BHYT: 92,5% — chỉ tiêu tối thiểu 96%, còn 3,5 điểm; "
        "6 tháng đầu năm 2025\n"
        "↳ tỷ lệ của đơn vị tại thời điểm báo cáo; số gửi sau sẽ thay số này"
    )
    money = render_confirmation(
        "Thôn 2", BUDGET, Decimal("2.75"), PERIOD, mode="delta", added=Decimal("0.5")
    )
    assert "2,75 / 2,5 tỷ đồng (110%)" in money
    assert "cộng thêm 0,5 tỷ đồng → lũy kế 2,75 tỷ đồng; đã đạt chỉ tiêu" in money


def test_confirmation_for_an_at_most_target_below_the_limit_is_met() -> None:
    accidents = TargetInfo("4", "4", "Số vụ cháy", Decimal(5), "vụ", Qualifier.AT_MOST)
    text = render_confirmation("Thôn 1", accidents, Decimal(3), PERIOD, mode="cumulative")
    assert "3 / không quá 5 vụ," in text  # under a ceiling, 60% would read as "not done yet"
    assert "%" not in text
    assert text.endswith("đã đạt chỉ tiêu")


def test_confirmation_of_an_increment_needs_the_increment() -> None:
    with pytest.raises(ValueError, match="added"):
        render_confirmation("Thôn 1", TREES, Decimal(1), PERIOD, mode="delta")


def test_summary_time_is_local() -> None:
    table = replace(make_table(), generated_at=GENERATED.replace(hour=20))
    assert "cập nhật 04/07/2025 03:05" in render_summary(table)[0]


def test_summary_time_in_another_zone() -> None:
    assert "cập nhật 03/07/2025 07:05" in render_summary(make_table(), tz=UTC)[0]


@pytest.mark.parametrize(
    ("qualifier", "name", "value", "reads"),
    [
        # More is better: how far to go, or by how much it is passed; never "% of a %".
        (
            Qualifier.AT_LEAST,
            "Tỷ lệ tham gia BHYT",
            "95.2",
            "95,2% — chỉ tiêu tối thiểu 96%, còn 0,8 điểm",
        ),
        (Qualifier.EXACT, "Tỷ lệ tham gia BHYT", "96", "96% — chỉ tiêu 96%, đã đạt"),
        (
            Qualifier.EXACT,
            "Tỷ lệ tham gia BHYT",
            "97.5",
            "97,5% — chỉ tiêu 96%, đã đạt (vượt 1,5 điểm)",
        ),
        (
            Qualifier.MORE_THAN,
            "Tỷ lệ giải quyết khiếu nại",
            "96",
            "96% — chỉ tiêu trên 96%, cần cao hơn mức này",
        ),
        # Lower is better: a rate to bring down, read as staying at or under the level.
        (
            Qualifier.EXACT,
            "Tỷ lệ trẻ suy dinh dưỡng",
            "97",
            "97% — chỉ tiêu từ 96% trở xuống, cao hơn mức 1 điểm, chưa đạt",
        ),
        (
            Qualifier.EXACT,
            "Tỷ lệ trẻ suy dinh dưỡng",
            "95.5",
            "95,5% — chỉ tiêu từ 96% trở xuống, đã đạt (thấp hơn mức 0,5 điểm)",
        ),
        # A ceiling: over it is a miss, at or under it is met.
        (
            Qualifier.AT_MOST,
            "Tỷ lệ hộ nghèo",
            "96.3",
            "96,3% — chỉ tiêu không quá 96%, cao hơn mức 0,3 điểm, chưa đạt",
        ),
        (Qualifier.AT_MOST, "Tỷ lệ hộ nghèo", "96", "96% — chỉ tiêu không quá 96%, đã đạt"),
    ],
)
def test_a_rate_reads_as_a_rate(qualifier: Qualifier, name: str, value: str, reads: str) -> None:
    target = TargetInfo("9", "9", name, Decimal(96), "%", qualifier)
    text = render_confirmation("Thôn 1", target, Decimal(value), PERIOD, mode="cumulative")
    assert text.startswith(f"✅ Thôn 1 — {name}: {reads}; 6 tháng đầu năm 2025\n")
    assert "lũy kế" not in text and "/" not in text
    figure = Figure("Thôn 1", target.key, Decimal(value), GENERATED, "Cán bộ Thôn 1")
    table = replace(make_table([figure]), targets=(target,))
    [message] = render_unit_progress(table, "Thôn 1")
    assert f"• {name}: {reads}" in message.splitlines()


def test_a_rate_increment_is_said_in_points() -> None:
    text = render_confirmation(
        "Thôn 1", INSURANCE, Decimal("95.7"), PERIOD, mode="delta", added=Decimal("0.5")
    )
    assert text.endswith("↳ cộng thêm 0,5 điểm → 95,7%")
