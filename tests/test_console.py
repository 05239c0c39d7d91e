"""The offline console in-process: the admin's and the plain member's views."""

from __future__ import annotations

import io

from bot.config import Settings
from bot.console import run_console
from storage.db import Database


async def talk(settings: Settings, typed: str, *, user_id: int, as_member: bool = False) -> str:
    out = io.StringIO()
    await run_console(
        settings, user_id=user_id, as_member=as_member, stdin=io.StringIO(typed), out=out
    )
    return out.getvalue()


async def test_a_member_console_sees_what_a_village_head_sees(
    settings: Settings, database: Database
) -> None:
    admin = await talk(settings, "/donvi them Thôn Một\n/donvi ma Thôn Một\n", user_id=7)
    code = admin.split("Mã tham gia của Thôn Một:", 1)[1].split()[0]
    member = await talk(
        settings, f"/donvi\n/nhacnho\n/thamgia {code}\n/tiendo\n", user_id=8, as_member=True
    )
    assert "thành viên thường" in member
    assert member.count("chỉ dành cho quản trị viên") == 2  # /donvi and /nhacnho refused
    assert "Thôn Một" in member  # joined with the code, as a village head would


async def test_nhacnho_in_the_console_previews_who_would_be_reminded(
    settings: Settings, database: Database
) -> None:
    typed = "/donvi them Thôn Một\n/donvi them Thôn Hai\n/nhacnho\n"
    text = await talk(settings, typed, user_id=7)
    assert "không gửi nhắc nhở cho các đơn vị" in text
    assert "2 đơn vị sẽ được nhắc:" in text
    assert "• Thôn Một — chưa có thành viên hay nhóm chat nào để nhận" in text


async def test_the_console_admin_is_listed_and_not_claimed_to_be_no_admin(
    settings: Settings, database: Database
) -> None:
    text = await talk(settings, "/quantri\n/quantri bo 7\n/donvi them Thôn Một\n", user_id=7)
    assert "quản trị viên trong phiên bảng điều khiển này" in text
    assert "không phải quản trị viên" not in text
    assert "không gỡ quyền bằng lệnh được" in text
    assert "Đã tạo đơn vị Thôn Một" in text  # still an admin
