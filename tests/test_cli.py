"""The command line: every start-up failure is one clear line and a non-zero exit."""

from __future__ import annotations

import asyncio
import os
import socket
import sqlite3
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, EXIT_OK, EXIT_STARTUP
from tests.conftest import TEST_TOKEN
from tests.support.fake_bot_api import FakeBotApi
from tests.support.scans import SCAN_300_PDF, needs_tesseract

REPO = Path(__file__).resolve().parents[1]


async def run_cli(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """Run ``python -m bot ARGS`` in *tmp_path* (no .env there) with only *env* configured."""
    base = {k: v for k, v in os.environ.items() if not k.isupper() or k in {"PATH", "HOME"}}
    base.update(PYTHONPATH=str(REPO), DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    base.update(env)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=tmp_path,
        env=base,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def assert_one_clear_line(stderr: str, expected: str) -> None:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert "Traceback" not in stderr
    assert lines, "nothing was printed"
    assert expected in lines[-1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_missing_token_explains_botfather_and_console(tmp_path: Path) -> None:
    code, _, err = await run_cli(tmp_path, "run", "--offer-console")
    assert code == EXIT_CONFIG
    assert "@BotFather" in err
    assert "make console" in err
    assert_one_clear_line(err, "Không có TELEGRAM_BOT_TOKEN")


async def test_malformed_token_names_the_key(tmp_path: Path) -> None:
    code, _, err = await run_cli(tmp_path, "run", TELEGRAM_BOT_TOKEN="not-a-token")
    assert code == EXIT_CONFIG
    assert_one_clear_line(err, "TELEGRAM_BOT_TOKEN")
    assert "not-a-token" not in err


async def test_wrong_database_url_names_the_key(tmp_path: Path) -> None:
    code, _, err = await run_cli(tmp_path, "run", DATABASE_URL="mysql://localhost/thidua")
    assert code == EXIT_CONFIG
    assert_one_clear_line(err, "DATABASE_URL")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "postgresql+psycopg://u@127.0.0.1:abc/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite+aiosqlite:////proc/khong-co/x.db"}, "DATABASE_URL"),
        ({"SIX_MONTH_DEADLINE": "20/12"}, "SIX_MONTH_DEADLINE phải đứng trước"),
        ({"BROADCAST_PER_SECOND": "abc"}, "BROADCAST_PER_SECOND — 'abc' không phải một số"),
        ({"REQUEST_TIMEOUT": "nan"}, "REQUEST_TIMEOUT — cần một số dương"),
    ],
)
async def test_bad_settings_are_one_line(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    code, _, err = await run_cli(tmp_path, "migrate", **env)
    assert code != EXIT_OK
    assert_one_clear_line(err, expected)


async def test_a_dotenv_not_in_utf8_is_one_line(tmp_path: Path) -> None:
    # Saved as ANSI by a Windows editor: "ã" is one byte, not UTF-8.
    (tmp_path / ".env").write_bytes("# Mã bot\nLOG_LEVEL=INFO\n".encode("latin-1"))
    code, _, err = await run_cli(tmp_path, "migrate")
    assert code == EXIT_CONFIG
    assert_one_clear_line(err, "UTF-8")


async def test_a_database_from_a_newer_version_is_one_line(tmp_path: Path) -> None:
    code, _, _ = await run_cli(tmp_path, "migrate")
    assert code == EXIT_OK
    with sqlite3.connect(tmp_path / "cli.db") as db:
        db.execute("UPDATE alembic_version SET version_num = 'zzz_from_the_future'")
    code, _, err = await run_cli(tmp_path, "migrate")
    assert code == EXIT_STARTUP
    assert_one_clear_line(err, "Không cập nhật được cấu trúc cơ sở dữ liệu")


async def test_unreachable_database(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://thidua:secret@127.0.0.1:{free_port()}/none"
    code, _, err = await run_cli(tmp_path, "run", TELEGRAM_BOT_TOKEN=TEST_TOKEN, DATABASE_URL=url)
    assert code == EXIT_STARTUP
    assert_one_clear_line(err, "Không kết nối được cơ sở dữ liệu")
    assert "secret" not in err


async def test_token_refused_by_telegram(tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        code, _, err = await run_cli(
            tmp_path,
            "run",
            TELEGRAM_BOT_TOKEN="999999999:this-token-is-not-the-fake-apis-token",
            TELEGRAM_API_BASE_URL=fake.base_url,
            TELEGRAM_FILE_BASE_URL=fake.base_file_url,
        )
    assert code == EXIT_STARTUP
    # Not the public API: a wrong server path is refused the same way, so both keys are named.
    assert_one_clear_line(err, "TELEGRAM_BOT_TOKEN và TELEGRAM_API_BASE_URL")
    assert "this-token" not in err


async def test_unreachable_bot_api(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    code, _, err = await run_cli(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_BASE_URL=f"{base}/bot",
        TELEGRAM_FILE_BASE_URL=f"{base}/file/bot",
        REQUEST_TIMEOUT="3",
    )
    assert code == EXIT_STARTUP
    assert_one_clear_line(err, "Không kết nối được Telegram Bot API")
    assert TEST_TOKEN.split(":")[1] not in err


async def test_migrate_and_import_plan(tmp_path: Path) -> None:
    plan = REPO / "tests" / "fixtures" / "plans" / "ke_hoach_xa_an_phu_2025.md"
    code, out, _ = await run_cli(tmp_path, "migrate")
    assert code == EXIT_OK
    assert "cập nhật" in out
    code, out, _ = await run_cli(tmp_path, "import-plan", str(plan))
    assert code == EXIT_OK
    assert "Đã nạp kế hoạch mới" in out
    assert "<b>" not in out  # the terminal gets plain text
    code, out, _ = await run_cli(tmp_path, "import-plan", str(plan))
    assert "cập nhật" in out.lower()


@needs_tesseract
async def test_import_plan_reads_a_scanned_pdf_with_ocr(tmp_path: Path) -> None:
    code, out, err = await run_cli(tmp_path, "import-plan", str(SCAN_300_PDF))
    assert code == EXIT_OK, err
    assert "Đang đọc trang 1/" in err  # progress, page by page
    assert "Đã nạp kế hoạch mới" in out
    assert "Đã đọc chữ từ ảnh" in out  # how sure the OCR was


async def test_import_plan_refuses_unreadable_file(tmp_path: Path) -> None:
    bad = tmp_path / "ke-hoach.xls"
    bad.write_bytes(b"\x00\x01 not a plan")
    code, _, err = await run_cli(tmp_path, "import-plan", str(bad))
    assert code == EXIT_STARTUP
    assert "Traceback" not in err


async def test_console_runs_through_the_real_handlers(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "console",
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": str(REPO),
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'c.db'}",
        },
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    typed = b"/start\n/help\n/nhacnho\n:thoat\n"
    out, _ = await asyncio.wait_for(process.communicate(typed), 60)
    text = out.decode()
    assert process.returncode == 0
    assert "Xin chào" in text
    assert "/donvi" in text  # the console user is an admin, so admin commands are listed
    assert "không gửi nhắc nhở" in text  # nothing reaches Telegram, so nothing is recorded
    # … but an admin for this run only: the database keeps no trace of that role.
    with sqlite3.connect(tmp_path / "c.db") as db:
        roles = db.execute("SELECT role FROM users").fetchall()
        deliveries = db.execute("SELECT COUNT(*) FROM reminder_deliveries").fetchone()
    assert ("admin",) not in roles
    assert deliveries == (0,)
