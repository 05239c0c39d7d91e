"""The project's exception hierarchy.

Every error a user or operator can cause carries a Vietnamese message that is safe to show:
no internals, no secrets. Handlers catch :class:`UserFacingError` and reply with ``message_vi``.
"""

from __future__ import annotations


class ThiduaError(Exception):
    """Base of every error raised deliberately by thidua-bot."""


class ConfigError(ThiduaError):
    """Settings are missing or invalid; ``str(err)`` is one line naming the key."""


class StartupError(ThiduaError):
    """The bot cannot start (database unreachable, Telegram refused the token…)."""


class UserFacingError(ThiduaError):
    """An error caused by what a user sent; ``message_vi`` explains it in Vietnamese."""

    def __init__(self, message_vi: str) -> None:
        super().__init__(message_vi)
        self.message_vi = message_vi


class PermissionDenied(UserFacingError):
    """The user may not do this (not an admin, not a member of the unit…)."""


class NotFound(UserFacingError):
    """A named thing (unit, plan, target, deadline) does not exist."""


class InvalidInput(UserFacingError):
    """The input is malformed; the message says what was expected."""
