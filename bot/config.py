"""Settings from the environment and ``.env`` (pydantic-settings).

Every key is documented, in Vietnamese, in ``.env.example``. :func:`load_settings` turns a
validation failure into one :class:`~bot.errors.ConfigError` line naming the key, never a
pydantic traceback.
"""

from __future__ import annotations

import math
import re
from datetime import date, time
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError

PUBLIC_API_BASE_URL = "https://api.telegram.org/bot"
PUBLIC_FILE_BASE_URL = "https://api.telegram.org/file/bot"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///data/thidua.db"
MAX_SECONDS_OR_RATE = 300  # no sane request timeout (s) or broadcast rate (msg/s) is larger

# BotFather tokens look like "123456789:AA…" (an id, a colon, ~35 url-safe characters).
_TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{20,}$")
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})/(\d{1,2})\s*$")
_DAY_MONTH_YEAR = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def _split_csv(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


class DayMonth(tuple[int, int]):
    """A day of the year without a year, written dd/mm ("14/06")."""

    __slots__ = ()

    @property
    def day(self) -> int:
        return self[0]

    @property
    def month(self) -> int:
        return self[1]

    def in_year(self, year: int) -> date:
        """This day in *year* (raises ValueError for 29/02 in a common year)."""
        return date(year, self.month, self.day)

    def __str__(self) -> str:
        return f"{self.day:02d}/{self.month:02d}"


def parse_day_month(text: str) -> DayMonth:
    """Parse "dd/mm" into a :class:`DayMonth`, checking it exists in a leap year."""
    match = _DAY_MONTH.match(text)
    if not match:
        raise ValueError("cần dạng ngày/tháng, ví dụ 14/06")
    day, month = int(match[1]), int(match[2])
    try:
        date(2024, month, day)  # 2024 is a leap year, so 29/02 passes and 31/02 does not
    except ValueError:
        raise ValueError(f"ngày {text.strip()} không có trong năm") from None
    return DayMonth((day, month))


class Settings(BaseSettings):
    """Runtime configuration. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = PUBLIC_API_BASE_URL
    telegram_file_base_url: str = PUBLIC_FILE_BASE_URL
    database_url: str = DEFAULT_DATABASE_URL
    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    timezone: str = "Asia/Ho_Chi_Minh"
    log_level: str = "INFO"
    six_month_deadline: Annotated[DayMonth, NoDecode] = DayMonth((14, 6))
    year_end_deadline: Annotated[DayMonth, NoDecode] = DayMonth((14, 12))
    reminder_time: Annotated[time, NoDecode] = time(8, 0)
    reminder_days_before: Annotated[list[int], NoDecode] = Field(
        default_factory=lambda: [7, 3, 1, 0]
    )
    holidays: Annotated[list[date], NoDecode] = Field(default_factory=list)
    broadcast_per_second: float = 25.0
    request_timeout: float = 20.0

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = value.get_secret_value() if isinstance(value, SecretStr) else str(value).strip()
        if not _TOKEN_SHAPE.match(text):
            # Never echo the token itself: it is a secret even when malformed.
            raise ValueError("không đúng dạng mã do BotFather cấp (số:chuỗi ký tự)")
        return text

    @field_validator("telegram_api_base_url", "telegram_file_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("cần một địa chỉ http:// hoặc https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+psycopg://")):
            raise ValueError(
                "chỉ hỗ trợ sqlite+aiosqlite:///đường/dẫn.db hoặc postgresql+psycopg://…"
            )
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> list[int]:
        ids = []
        for part in _split_csv(value):
            if not re.fullmatch(r"-?\d+", part):
                raise ValueError(f"'{part}' không phải mã người dùng Telegram (một số nguyên)")
            ids.append(int(part))
        return ids

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"không biết múi giờ '{value}'") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("cần một trong DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("six_month_deadline", "year_end_deadline", mode="before")
    @classmethod
    def _day_month(cls, value: object) -> DayMonth:
        return value if isinstance(value, DayMonth) else parse_day_month(str(value))

    @field_validator("reminder_time", mode="before")
    @classmethod
    def _reminder_time(cls, value: object) -> time:
        if isinstance(value, time):
            return value
        match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", str(value))
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError("cần dạng giờ:phút, ví dụ 08:00")
        return time(int(match[1]), int(match[2]))

    @field_validator("reminder_days_before", mode="before")
    @classmethod
    def _days_before(cls, value: object) -> list[int]:
        days = []
        for part in _split_csv(value):
            if not part.isdigit() or int(part) > 60:
                raise ValueError(f"'{part}' không phải số ngày từ 0 đến 60")
            days.append(int(part))
        return sorted(set(days), reverse=True)

    @field_validator("holidays", mode="before")
    @classmethod
    def _holidays(cls, value: object) -> list[date]:
        result = []
        for part in _split_csv(value):
            match = _DAY_MONTH_YEAR.match(part)
            try:
                if not match:
                    raise ValueError
                result.append(date(int(match[3]), int(match[2]), int(match[1])))
            except ValueError:
                raise ValueError(f"'{part}' không phải ngày dạng dd/mm/yyyy") from None
        return sorted(result)

    @field_validator("broadcast_per_second", "request_timeout", mode="before")
    @classmethod
    def _positive(cls, value: object) -> float:
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"'{value}' không phải một số") from None
        if not math.isfinite(number) or number <= 0 or number > MAX_SECONDS_OR_RATE:
            raise ValueError(f"cần một số dương, không quá {MAX_SECONDS_OR_RATE}")
        return number

    @model_validator(mode="after")
    def _deadlines_in_order(self) -> Settings:
        six_month, year_end = self.six_month_deadline, self.year_end_deadline
        if (six_month[1], six_month[0]) >= (year_end[1], year_end[0]):
            raise ValueError("SIX_MONTH_DEADLINE phải đứng trước YEAR_END_DEADLINE trong năm")
        return self

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone as a tzinfo."""
        return ZoneInfo(self.timezone)

    @property
    def token(self) -> str | None:
        """The bot token, or None when not configured. Never log it."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None


def load_settings(**overrides: object) -> Settings:
    """Build :class:`Settings`, turning validation errors into one readable line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]).upper() if first["loc"] else "?"
        message = str(first["msg"]).removeprefix("Value error, ")
        if key == "?":  # a rule across keys names them itself
            raise ConfigError(f"Cấu hình không hợp lệ: {message}") from None
        raise ConfigError(f"Cấu hình không hợp lệ: {key} — {message}") from None
    except UnicodeDecodeError:
        raise ConfigError(
            "Tệp .env không đọc được: hãy lưu lại tệp với bảng mã UTF-8 (không dùng ANSI)."
        ) from None
