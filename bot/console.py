"""The offline console: chat with the bot in a terminal, no Telegram needed.

Messages go through the same Application, handlers and database as in production; only the
transport differs: :class:`ConsoleRequest` answers the Bot API calls locally and prints what
the bot sends. Officers can try the bot (import a plan, ask, report) before going live.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.app import BotApplication, build_application
from bot.config import Settings
from bot.runner import prepare_database

CONSOLE_TOKEN = "1000000001:console-offline-token-not-used-anywhere"
BOT_USER = {
    "id": 1000000001,
    "is_bot": True,
    "first_name": "Trợ lý thi đua",
    "username": "thidua_bot",
}
DEFAULT_USER_ID = 1

BANNER = """\
Bảng điều khiển ngoại tuyến của thidua-bot (không cần Telegram).
Gõ tin nhắn như trong Telegram, ví dụ: /start, /help, chỉ tiêu BHYT là bao nhiêu?
  :gui <đường dẫn tệp> [chú thích]   gửi một tệp (ví dụ kế hoạch .docx với chú thích /kehoach)
  :bam <số>                         bấm nút số <số> của tin nhắn gần nhất có nút
  :thoat                            thoát (hoặc Ctrl-D)
"""
ADMIN_NOTE = """\
Anh/chị đang là người dùng {user_id}, có quyền quản trị trong bảng điều khiển này.
(Thử vai thành viên đơn vị: make console AS=thanhvien)
"""
MEMBER_NOTE = """\
Anh/chị đang là người dùng {user_id}, thành viên thường (như trưởng thôn): tham gia đơn vị bằng
/thamgia MÃ (quản trị viên tạo mã bằng /donvi ma <tên đơn vị>).
"""

_TAG = re.compile(r"</?(b|i|u|s|code|pre|a)(\s[^>]*)?>")


def html_to_text(text: str) -> str:
    """What a Telegram client would show for the bot's HTML: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", text))


class ConsoleRequest(BaseRequest):
    """A Bot API transport that stays in the process and prints the bot's messages."""

    def __init__(self, out: TextIO = sys.stdout, chat_id: int = DEFAULT_USER_ID) -> None:
        self._out = out
        self._chat_id = chat_id
        self._message_ids = itertools.count(1)
        self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, content)
        self.last_buttons: list[tuple[str, str]] = []  # (label, callback data)
        self.last_message_id = 0

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        if "/file/" in url:  # a file download
            for path, content in self.files.values():
                if url.endswith(path):
                    return 200, content
            return 404, b""
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        result = self._handle(endpoint, params, request_data)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _handle(self, endpoint: str, params: dict[str, Any], data: RequestData | None) -> Any:
        handlers: dict[str, Callable[[dict[str, Any], RequestData | None], Any]] = {
            "getMe": lambda p, d: BOT_USER,
            "sendMessage": self._send_message,
            "editMessageText": self._send_message,
            "sendDocument": self._send_file,
            "sendPhoto": self._send_file,
            "answerCallbackQuery": self._answer_callback,
            "getFile": self._get_file,
        }
        handler = handlers.get(endpoint)
        return handler(params, data) if handler else True

    def _message(self, params: dict[str, Any], **extra: Any) -> dict[str, Any]:
        self.last_message_id = next(self._message_ids) + 1_000_000
        chat_id = params.get("chat_id", self._chat_id)
        return {
            "message_id": params.get("message_id", self.last_message_id),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if int(chat_id) > 0 else "group"},
            "from": BOT_USER,
            **extra,
        }

    def _send_message(self, params: dict[str, Any], _data: RequestData | None) -> dict[str, Any]:
        text = str(params.get("text", ""))
        self._print(html_to_text(text))
        self._show_buttons(params.get("reply_markup"))
        return self._message(params, text=text)

    def _send_file(self, params: dict[str, Any], data: RequestData | None) -> dict[str, Any]:
        out_dir = Path("data/console-out")
        out_dir.mkdir(parents=True, exist_ok=True)
        saved = []
        for _name, upload in (data.multipart_data if data else {}).items():
            filename, content = str(upload[0] or "tep"), upload[1]
            if isinstance(content, bytes):
                target = out_dir / Path(filename).name
                target.write_bytes(content)
                saved.append(str(target))
        caption = html_to_text(str(params.get("caption", "")))
        self._print(f"[Tệp đã lưu: {', '.join(saved) or 'không có'}] {caption}".rstrip())
        return self._message(params, document={"file_id": "out", "file_unique_id": "out"})

    def _answer_callback(self, params: dict[str, Any], _data: RequestData | None) -> bool:
        if params.get("text"):
            self._print(f"({params['text']})")
        return True

    def _get_file(self, params: dict[str, Any], _data: RequestData | None) -> dict[str, Any]:
        file_id = str(params.get("file_id"))
        path, content = self.files.get(file_id, ("missing", b""))
        return {
            "file_id": file_id,
            "file_unique_id": file_id,
            "file_size": len(content),
            "file_path": path,
        }

    def _show_buttons(self, markup: Any) -> None:
        if isinstance(markup, str):
            markup = json.loads(markup)
        rows = (markup or {}).get("inline_keyboard", [])
        buttons = [(b["text"], b.get("callback_data", "")) for row in rows for b in row]
        if buttons:
            self.last_buttons = buttons
            for number, (label, _) in enumerate(buttons, start=1):
                self._print(f"   [{number}] {label}")

    def _print(self, text: str) -> None:
        self._out.write(f"bot> {text}\n\n")
        self._out.flush()


class ConsoleSession:
    """Turns what the officer types into Telegram updates for the real Application."""

    def __init__(self, application: BotApplication, request: ConsoleRequest, user_id: int) -> None:
        self.application = application
        self.request = request
        self.user_id = user_id
        self._update_ids = itertools.count(1)
        # Reports remember their message: ids from the clock keep two console runs on the
        # same database from looking like one message delivered twice.
        self._message_ids = itertools.count(int(time.time() * 1000))

    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": "Cán bộ", "language_code": "vi"}

    def _chat(self) -> dict[str, Any]:
        return {"id": self.user_id, "type": "private", "first_name": "Cán bộ"}

    async def send_text(self, text: str) -> None:
        """Deliver *text* as a private message from the console user."""
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": self._user(),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(maxsplit=1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        await self._process({"message": message})

    async def send_file(self, path: Path, caption: str) -> None:
        """Deliver a local file as a document message, as if uploaded in Telegram."""
        content = await asyncio.to_thread(path.read_bytes)
        file_id = f"console-{len(self.request.files) + 1}"
        self.request.files[file_id] = (f"documents/{path.name}", content)
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(),
            "from": self._user(),
            "document": {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_name": path.name,
                "file_size": len(content),
            },
        }
        if caption:
            message["caption"] = caption
            if caption.startswith("/"):
                length = len(caption.split(maxsplit=1)[0])
                message["caption_entities"] = [
                    {"type": "bot_command", "offset": 0, "length": length}
                ]
        await self._process({"message": message})

    async def press(self, number: int) -> bool:
        """Press button *number* (1-based) of the last message that had buttons."""
        if not 1 <= number <= len(self.request.last_buttons):
            return False
        _label, data = self.request.last_buttons[number - 1]
        callback = {
            "id": str(next(self._update_ids)),
            "from": self._user(),
            "chat_instance": "console",
            "data": data,
            "message": {
                "message_id": self.request.last_message_id,
                "date": int(time.time()),
                "chat": self._chat(),
                "from": BOT_USER,
                "text": "",
            },
        }
        await self._process({"callback_query": callback})
        return True

    async def _process(self, payload: dict[str, Any]) -> None:
        payload["update_id"] = next(self._update_ids)
        update = Update.de_json(payload, self.application.bot)
        await self.application.process_update(update)


async def run_console(
    settings: Settings,
    *,
    user_id: int = DEFAULT_USER_ID,
    as_member: bool = False,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> None:
    """Run the console until the officer types :thoat or closes the input.

    The console user is the local officer trying the bot: an admin here, for this run only;
    with *as_member*, a plain user who sees what a village head sees (joins with /thamgia).
    """
    await prepare_database(settings)
    request = ConsoleRequest(out=out, chat_id=user_id)
    application = build_application(
        settings,
        request=request,
        get_updates_request=ConsoleRequest(out=out),
        token=CONSOLE_TOKEN,
        offline_admin_id=None if as_member else user_id,
        offline=True,
    )
    session = ConsoleSession(application, request, user_id)
    out.write(BANNER.format(user_id=user_id))
    out.write((MEMBER_NOTE if as_member else ADMIN_NOTE).format(user_id=user_id))
    async with application:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        try:
            await _loop(session, stdin, out)
        finally:
            await application.stop()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def _loop(session: ConsoleSession, stdin: TextIO, out: TextIO) -> None:
    while True:
        if stdin.isatty():
            out.write("bạn> ")
            out.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            return
        text = line.strip()
        if not text:
            continue
        if text in {":thoat", ":thoát", ":q"}:
            return
        if text.startswith(":gui"):
            await _send_file_command(session, text, out)
        elif text.startswith(":bam"):
            number = text.removeprefix(":bam").strip()
            if not (number.isdigit() and await session.press(int(number))):
                out.write("Không có nút số đó. Gõ :bam kèm số thứ tự của nút.\n")
        else:
            await session.send_text(text)


async def _send_file_command(session: ConsoleSession, text: str, out: TextIO) -> None:
    parts = text.split(maxsplit=2)
    if len(parts) < 2:
        out.write("Cách dùng: :gui <đường dẫn tệp> [chú thích]\n")
        return
    path = await asyncio.to_thread(_existing_file, parts[1])
    if path is None:
        out.write(f"Không tìm thấy tệp {parts[1]}.\n")
        return
    await session.send_file(path, parts[2] if len(parts) > 2 else "")


def _existing_file(text: str) -> Path | None:
    path = Path(text).expanduser()
    return path if path.is_file() else None
