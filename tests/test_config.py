"""Settings: defaults, parsing of every key, and one clear line on bad values."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.config import DEFAULT_DATABASE_URL, PUBLIC_API_BASE_URL, Settings, load_settings
from bot.errors import ConfigError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    import os

    for key in list(os.environ):
        if key.split("_")[0] in {
            "TELEGRAM",
            "DATABASE",
            "ADMIN",
            "TIMEZONE",
            "LOG",
            "SIX",
            "YEAR",
            "REMINDER",
            "HOLIDAYS",
            "BROADCAST",
            "REQUEST",
        }:
            monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults_match_env_example() -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.telegram_api_base_url == PUBLIC_API_BASE_URL
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert (settings.six_month_deadline.day, settings.six_month_deadline.month) == (14, 6)
    assert settings.year_end_deadline.in_year(2026) == date(2026, 12, 14)
    assert settings.reminder_time == time(8, 0)
    assert settings.reminder_days_before == [7, 3, 1, 0]
    assert settings.admin_ids == []


def test_values_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "111, 222")
    monkeypatch.setenv("HOLIDAYS", "30/04/2026,01/05/2026")
    monkeypatch.setenv("REMINDER_DAYS_BEFORE", "1,7,3")
    monkeypatch.setenv("REMINDER_TIME", "7:30")
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot/")
    settings = load_settings()
    assert settings.admin_ids == [111, 222]
    assert settings.holidays == [date(2026, 4, 30), date(2026, 5, 1)]
    assert settings.reminder_days_before == [7, 3, 1]
    assert settings.reminder_time == time(7, 30)
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"


def test_env_file_is_read(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    Path(".env").write_text("ADMIN_IDS=5\nLOG_LEVEL=debug\n", encoding="utf-8")
    settings = load_settings()
    assert settings.admin_ids == [5]
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ADMIN_IDS", "abc"),
        ("DATABASE_URL", "mysql://localhost/x"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("TIMEZONE", "Hanoi/Nowhere"),
        ("SIX_MONTH_DEADLINE", "31/02"),
        ("REMINDER_TIME", "25:00"),
        ("HOLIDAYS", "2026-04-30"),
        ("LOG_LEVEL", "chatty"),
        ("TELEGRAM_API_BASE_URL", "ftp://example"),
    ],
)
def test_bad_value_gives_one_line_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, key: str, value: str
) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    message = str(info.value)
    assert "\n" not in message
    assert key in message
    assert message.startswith("Cấu hình không hợp lệ")


def test_token_never_echoed_in_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "12345:secret value")
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert "secret" not in str(info.value)


def test_settings_are_immutable() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    with pytest.raises(Exception, match="frozen"):
        settings.log_level = "DEBUG"  # type: ignore[misc]


def test_env_example_documents_every_setting_and_loads_as_is() -> None:
    import re
    import shutil
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / ".env.example"
    keys = set(re.findall(r"^([A-Z_]+)=", example.read_text(encoding="utf-8"), re.M))
    assert keys == {name.upper() for name in Settings.model_fields}
    shutil.copy(example, ".env")
    settings = load_settings()
    assert settings == Settings(_env_file=None)  # type: ignore[call-arg]
