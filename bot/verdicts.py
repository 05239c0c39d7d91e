"""Use cases for what a figure cannot say: the status of a qualitative target ("Giảm tai nạn
giao thông cả 3 tiêu chí": đạt / chưa đạt) and which units report for the whole commune.

No Telegram here: handlers pass the sender and the words typed; texts come back ready to send.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.periods import Period
from bot.core.plan import Target
from bot.core.text import fold
from bot.errors import UserFacingError
from bot.knowledge import ActivePlan
from bot.services import Services
from storage import plans, reports, units
from storage.users import audit

__all__ = [
    "Sender",
    "find_qualitative",
    "parse_achieved",
    "qualitative_targets",
    "set_commune_reporter",
    "set_verdict",
]

_ACHIEVED_WORDS = {"dat": True, "da dat": True, "chua dat": False, "chuadat": False}
_ACHIEVED_WORDS |= {"khong dat": False, "khongdat": False}


@dataclass(frozen=True, slots=True)
class Sender:
    """Who set a status, from which chat and message, and for which unit (None: an officer
    speaking for the commune)."""

    telegram_id: int
    chat_id: int
    message_id: int | None
    unit_id: int | None
    text: str


def qualitative_targets(active: ActivePlan) -> list[Target]:
    """Targets without a figure that are not compound lines: met or not, as someone judges."""
    parsed = active.parsed
    compound = {t.parent_key for t in parsed.targets if t.parent_key}
    return [t for t in parsed.targets if t.value is None and t.key not in compound]


def verdict_marker(target: Target) -> str:
    """How /danhgia names a target: a part of a compound line by its key ("(8.4)"), since
    it shares its line's number ("(8)") with the other parts."""
    return f"({target.key})" if target.parent_key else target.marker


def find_qualitative(active: ActivePlan, token: str) -> Target | None:
    """The qualitative target named by its number ("19", "(19)") or key ("8.4")."""
    wanted = token.strip().strip("().")
    candidates = qualitative_targets(active)
    by_key = [t for t in candidates if t.key == wanted]
    if by_key:
        return by_key[0]
    by_number = [t for t in candidates if t.marker.strip("()") == wanted]
    return by_number[0] if len(by_number) == 1 else None


def parse_achieved(words: str) -> bool | None:
    """ "đạt" → True, "chưa đạt"/"chuadat"/"không đạt" → False; None for anything else."""
    return _ACHIEVED_WORDS.get(" ".join(fold(words).split()))


async def set_verdict(
    services: Services,
    session: AsyncSession,
    active: ActivePlan,
    period: Period,
    target: Target,
    *,
    achieved: bool,
    sender: Sender,
) -> None:
    """Store the status (append-only, traceable to the message) and log it."""
    rows = await plans.target_rows(session, active.plan_id)
    row = rows.get(target.key)
    if row is None:
        raise UserFacingError("Chỉ tiêu này không còn trong kế hoạch đang dùng.")
    stored = await reports.add_verdict(
        session,
        reports.NewVerdict(
            plan_id=active.plan_id,
            target_id=row.id,
            period_key=period.key,
            achieved=achieved,
            unit_id=sender.unit_id,
            set_by_telegram_id=sender.telegram_id,
            chat_telegram_id=sender.chat_id,
            message_id=sender.message_id,
            source_text=sender.text,
            set_at=services.clock.now(),
        ),
    )
    await audit(
        session,
        "verdict.set",
        actor=sender.telegram_id,
        chat=sender.chat_id,
        message_id=sender.message_id,
        verdict=stored.id,
        target=target.key,
        period=period.key,
        achieved=achieved,
    )


async def set_commune_reporter(
    services: Services, session: AsyncSession, unit_name: str, *, on: bool, actor: int
) -> str:
    """Mark or unmark the unit reporting for the whole commune; the reply text."""
    match = await units.match_unit(session, unit_name)
    unit = match.unit if match.exact else None  # the commune's figure: never a guess
    if unit is None:
        close = ", ".join(html.escape(u.name) for u in match.candidates[:5])
        hint = f" Có phải: {close}? Hãy gõ đúng tên." if close else " Xem /donvi."
        return f"Không tìm thấy đơn vị «{html.escape(unit_name)}».{hint}"
    changed = await reports.set_commune_reporter(
        session, unit.id, on=on, by=actor, at=services.clock.now()
    )
    if changed:
        await audit(session, "commune_reporter.set", actor=actor, unit=unit.id, on=on)
    name = html.escape(unit.name)
    if on:
        return (
            f"{name} báo cáo số chung của cả xã: tỷ lệ và các chỉ tiêu tính cho cả xã lấy số "
            "của đơn vị này (không cộng, không lấy bình quân số các đơn vị khác)."
            if changed
            else f"{name} đã là đơn vị báo cáo số chung của xã."
        )
    return (
        f"{name} không còn là đơn vị báo cáo số chung của xã."
        if changed
        else f"{name} không phải là đơn vị báo cáo số chung của xã."
    )
