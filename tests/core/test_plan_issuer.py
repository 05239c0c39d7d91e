"""The issuing body is read from the letterhead as Decree 30 lays it out: the superior body
on the first line, the issuing one under it, in whatever way the file kept the two columns."""

from __future__ import annotations

import pytest

from bot.core.plan_parser import parse_plan

BODY = """
KẾ HOẠCH
Phát động phong trào thi đua năm 2026

I. CHỈ TIÊU THI ĐUA
1. Trồng mới cây phân tán: 12.000 cây.
"""


@pytest.mark.parametrize(
    ("letterhead", "issuer"),
    [
        # Two lines in one column, as a .txt or a .docx paragraph keeps them.
        (
            "UBND HUYỆN ĐÔNG ANH\nỦY BAN NHÂN DÂN XÃ VÂN HÀ\nSố: 12/KH-UBND",
            "UBND xã Vân Hà",
        ),
        # Both bodies in one table cell, the motto in the other.
        (
            "| UBND TỈNH NINH BÌNH ỦY BAN NHÂN DÂN XÃ GIA VÂN ____ Số: 7/KH-UBND | "
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc |",
            "UBND xã Gia Vân",
        ),
        # A PDF read line by line across both columns: the name wraps under the motto.
        (
            "UBND TỈNH NGHỆ AN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "ỦY BAN NHÂN DÂN XÃ DIỄN Độc lập - Tự do - Hạnh phúc\n"
            "KIM ________________\nSố: 3/KH-UBND",
            "UBND xã Diễn Kim",
        ),
        # The whole name on the next line.
        (
            "UBND HUYỆN BA VÌ CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
            "ỦY BAN NHÂN DÂN XÃ Độc lập - Tự do - Hạnh phúc\n"
            "TẢN LĨNH ____\nSố: 9/KH-UBND",
            "UBND xã Tản Lĩnh",
        ),
        # One body only.
        ("ỦY BAN NHÂN DÂN PHƯỜNG HÒA MINH\nSố: 5/KH-UBND", "UBND phường Hòa Minh"),
        # A council under the ward: the ward issues, the council's name is not a place.
        (
            "UBND PHƯỜNG AN HẢI\nHỘI ĐỒNG THI ĐUA - KHEN THƯỞNG\nSố: 2/KH-HĐTĐKT",
            "UBND phường An Hải",
        ),
    ],
)
def test_the_issuer_is_the_body_under_its_superior(letterhead: str, issuer: str) -> None:
    assert parse_plan(letterhead + "\n" + BODY).issuer == issuer
