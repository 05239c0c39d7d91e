"""How a command is described. Each handler module lists its commands in ``COMMANDS``; the
composition root gathers them, so /help and Telegram's command menu come from one table."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.core.text import fold


class Audience(StrEnum):
    """Who a command is for."""

    EVERYONE = "everyone"
    STAFF = "staff"  # members of a unit
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Command:
    """One slash command: ASCII Vietnamese name, short menu text, usage for /help."""

    name: str
    menu: str  # ≤ 256 characters, shown in Telegram's command menu
    usage: str  # one line for /help
    audience: Audience


def for_audience(commands: tuple[Command, ...], audience: Audience) -> list[Command]:
    """Commands of one audience, in registration order."""
    return [c for c in commands if c.audience == audience]


def nearest(commands: tuple[Command, ...], typed: str) -> Command | None:
    """The command the user most likely meant by */typed* ("/baocoa" → /baocao), if any is close.

    Compared on the bare ASCII name, so "/báo_cáo" and "/BAOCAO" find /baocao too.
    """
    wanted = "".join(ch for ch in fold(typed.split("@", 1)[0]) if ch.isalnum())[:32]
    if not wanted or not commands:
        return None
    names = [c.name for c in commands]
    found = process.extractOne(wanted, names, scorer=fuzz.ratio, score_cutoff=60)
    return commands[found[2]] if found is not None else None
