"""Command line: ``python -m bot [run|console|migrate|import-plan]`` (also ``thidua-bot``).

Every failure a user can cause (bad settings, unreachable database or Telegram) ends with one
clear Vietnamese line on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence

from bot.config import Settings, load_settings
from bot.errors import ConfigError, StartupError
from bot.logs import setup_logging

EXIT_OK = 0
EXIT_STARTUP = 1
EXIT_CONFIG = 2

NO_TOKEN_HELP = """\
Chưa có TELEGRAM_BOT_TOKEN nên bot chưa thể kết nối Telegram.

Cách lấy mã bot:
  1. Trong Telegram, mở trò chuyện với @BotFather và gửi /newbot.
  2. Đặt tên và tên người dùng cho bot; BotFather trả về một mã dạng 123456789:AA…
  3. Chép .env.example thành .env rồi điền: TELEGRAM_BOT_TOKEN=<mã vừa nhận>
  4. Chạy lại: make run

Muốn thử bot ngay mà không cần Telegram: make console  (hoặc: python -m bot console)
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with one sub-command per task."""
    parser = argparse.ArgumentParser(prog="thidua-bot", description="Trợ lý thi đua – khen thưởng")
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="chạy bot với Telegram (mặc định)")
    run.add_argument(
        "--offer-console",
        action="store_true",
        help="không có token thì hỏi có mở bảng điều khiển ngoại tuyến không",
    )
    console = sub.add_parser(
        "console", help="trò chuyện với bot trong terminal, không cần Telegram"
    )
    console.add_argument(
        "--user-id",
        type=int,
        default=None,
        help="mã người dùng giả lập (mặc định 1; 2 với --as thanhvien)",
    )
    console.add_argument(
        "--as",
        dest="role",
        choices=("quantri", "thanhvien"),
        default="quantri",
        help="vai trong bảng điều khiển: quản trị viên (mặc định) hay thành viên đơn vị",
    )
    sub.add_parser("migrate", help="cập nhật cấu trúc cơ sở dữ liệu")
    imp = sub.add_parser(
        "import-plan",
        help="nạp một kế hoạch (.docx, .pdf, .txt, .md; bản scan hoặc ảnh chụp thì đọc bằng OCR)",
    )
    imp.add_argument("file", help="đường dẫn tệp kế hoạch")
    imp.add_argument("--name", help="tên gọi của kế hoạch (mặc định: số hiệu hoặc tên tệp)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_CONFIG
    setup_logging(settings.log_level)
    try:
        if command == "migrate":
            return _migrate(settings)
        if command == "console":
            member = args.role == "thanhvien"
            user_id = args.user_id if args.user_id is not None else (2 if member else 1)
            return _console(settings, user_id, as_member=member)
        if command == "import-plan":
            return _import_plan(settings, args.file, args.name)
        return _run(settings, offer_console=getattr(args, "offer_console", False))
    except (StartupError, ConfigError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_STARTUP if isinstance(exc, StartupError) else EXIT_CONFIG
    except KeyboardInterrupt:
        return EXIT_OK


def _migrate(settings: Settings) -> int:
    from bot.runner import prepare_database

    asyncio.run(prepare_database(settings))
    print("Cơ sở dữ liệu đã được cập nhật lên phiên bản mới nhất.")
    return EXIT_OK


IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff", ".bmp", ".webp"})


def _import_plan(settings: Settings, file: str, name: str | None) -> int:
    from pathlib import Path

    from bot.console import html_to_text
    from bot.core.documents import DocumentError, ScannedPdf
    from bot.plans import import_plan, plan_summary
    from bot.runner import prepare_database
    from bot.scans import ScanDesk, import_scan, ocr_note, photo_pages, scanned_pdf_pages
    from storage.db import Database

    path = Path(file)
    if not path.is_file():
        print(f"Không tìm thấy tệp {file}.", file=sys.stderr)
        return EXIT_STARTUP

    data = path.read_bytes()

    async def progress(page: int, pages: int) -> None:
        print(f"Đang đọc trang {page}/{pages}…", file=sys.stderr)

    async def scan(database: Database) -> str:
        # Page images (a scanned PDF or a photo) are read with Tesseract, as in the chat.
        if path.suffix.lower() in IMAGE_SUFFIXES:
            sources = photo_pages([data])
        else:
            sources = await scanned_pdf_pages(data)
        outcome = await import_scan(
            database,
            sources,
            path.name,
            desk=ScanDesk(),
            name=name,
            imported_by=None,
            progress=progress,
        )
        return f"{plan_summary(outcome.imported)}\n\n{ocr_note(outcome.ocr)}"

    async def run() -> str:
        await prepare_database(settings)
        database = Database(settings.database_url)
        try:
            if path.suffix.lower() in IMAGE_SUFFIXES:
                return await scan(database)
            try:
                outcome = await import_plan(database, data, path.name, name=name, imported_by=None)
            except ScannedPdf:
                return await scan(database)
            return plan_summary(outcome)
        finally:
            await database.dispose()

    try:
        summary = asyncio.run(run())
    except DocumentError as exc:
        print(exc.message_vi, file=sys.stderr)
        return EXIT_STARTUP
    print(html_to_text(summary))
    return EXIT_OK


def _console(settings: Settings, user_id: int, *, as_member: bool = False) -> int:
    from bot.console import run_console

    if settings.log_level == "INFO":
        # Routine INFO lines would interleave with the conversation; warnings still show.
        setup_logging("WARNING")
    asyncio.run(run_console(settings, user_id=user_id, as_member=as_member))
    return EXIT_OK


def _run(settings: Settings, *, offer_console: bool) -> int:
    if settings.token is None:
        print(NO_TOKEN_HELP, file=sys.stderr)
        if offer_console and sys.stdin.isatty():
            try:
                answer = input("Mở bảng điều khiển ngoại tuyến ngay bây giờ? [C/k] ")
            except EOFError:  # Ctrl-D: a "no"
                answer = "k"
            answer = answer.strip().lower()
            if answer in {"", "c", "co", "có", "y", "yes"}:
                return _console(settings, user_id=1)
        print("Không có TELEGRAM_BOT_TOKEN: bot chưa chạy.", file=sys.stderr)
        return EXIT_CONFIG
    asyncio.run(_serve_until_signal(settings))
    return EXIT_OK


async def _serve_until_signal(settings: Settings) -> None:
    from bot.runner import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    logging.getLogger(__name__).info("Starting; press Ctrl-C to stop")
    await serve(settings, stop)
