"""A fake Telegram Bot API for tests and benchmarks.

Two layers:

* :class:`BotApiSimulator` — the Bot API itself, without any transport: it answers methods with
  the JSON Telegram would send (valid ``Message`` objects, ``File`` objects, errors with the real
  status codes and descriptions), queues injected updates for ``getUpdates`` long polling,
  records every call and injects faults (429/5xx/403/400, delays, a rate limit).
  :class:`~tests.support.recording_request.RecordingRequest` drives it in-process.
* :class:`FakeBotApi` — the same simulator behind a small HTTP/1.1 server on 127.0.0.1
  (pure asyncio, keep-alive, Content-Length and chunked bodies, form-encoded or multipart
  requests as PTB's ``HTTPXRequest`` sends them). Plug ``fake.base_url`` and
  ``fake.base_file_url`` into ``ApplicationBuilder`` and the real bot talks to it.

Everything runs on the test's event loop; inject updates from that loop only.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import math
import mimetypes
import re
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import PurePosixPath
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qsl, unquote, urlsplit

from tests.support.updates import (
    DEFAULT_FIRST_NAME,
    JSONDict,
    callback_query_dict,
    chat_dict,
    document_dict,
    file_ids,
    message_dict,
    user_dict,
    utf16_length,
)

DEFAULT_TOKEN = "123456789:TEST-token-for-the-fake-bot-api-000000"
DEFAULT_BOT_USERNAME = "thidua_test_bot"
DEFAULT_BOT_NAME = "Trợ lý Thi đua"

FaultKind = Literal["429", "500", "502", "delay", "403", "400"]
Matcher = str | Callable[["ApiCall"], bool]

# Methods Telegram counts against its flood limits (one chat ≈ 1 msg/s, all chats ≈ 30 msg/s).
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "sendAnimation",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    }
)
# Methods whose result is a Message the bot sent (what sent_messages() lists).
MESSAGE_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
# PTB sends str values verbatim and JSON-encodes everything else, so a form field is JSON
# unless the method's parameter is a string: these must never be JSON-decoded ("123" stays str).
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "callback_query_id",
        "file_id",
        "url",
        "description",
        "short_description",
        "name",
        "title",
        "language_code",
        "action",
        "emoji",
        "query",
        "inline_message_id",
        "business_connection_id",
        "message_effect_id",
        "secret_token",
        "ip_address",
        "document",
        "photo",
        "filename",
    }
)
# Tags Telegram accepts with parse_mode=HTML; anything else is "Unsupported start tag".
HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_HTML_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?>")
MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a content and reply markup of the current message"
)


# ─── records and errors ──────────────────────────────────────────────────────────────────


@dataclass
class UploadedFile:
    """One file part of a multipart request."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass
class ApiCall:
    """One request the bot made, with the answer it got.

    ``params`` are decoded to Python values (``chat_id`` int, ``reply_markup`` dict, ``text``
    str); ``files`` maps multipart part names to their bytes; ``at`` is the simulator clock
    (``time.monotonic`` unless replaced) when the request arrived.
    """

    method: str
    params: dict[str, Any]
    files: dict[str, bytes]
    at: float
    status: int = 200
    response: JSONDict = field(default_factory=dict)
    filenames: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the call succeeded (HTTP 200)."""
        return self.status == HTTPStatus.OK

    @property
    def result(self) -> Any:
        """The ``result`` of a successful answer (a Message dict, ``True``…)."""
        return self.response.get("result")

    @property
    def chat_id(self) -> Any:
        """The ``chat_id`` parameter, if any."""
        return self.params.get("chat_id")

    @property
    def text(self) -> str | None:
        """The ``text`` (or ``caption``) parameter as sent, markup included."""
        value = self.params.get("text", self.params.get("caption"))
        return None if value is None else str(value)


@dataclass(frozen=True)
class ApiReply:
    """An HTTP answer: status, body and content type."""

    status: int
    body: bytes
    content_type: str = "application/json"


class BotApiError(Exception):
    """An error answer of the Bot API (raised inside the simulator, rendered as JSON)."""

    def __init__(
        self,
        status: int,
        description: str,
        parameters: JSONDict | None = None,
        *,
        html_body: str | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters
        self.html_body = html_body

    def payload(self) -> JSONDict:
        """The JSON body Telegram sends for this error."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class _Fault:
    method: str
    kind: FaultKind
    remaining: int
    retry_after: int
    delay: float
    description: str | None
    chat_id: int | None

    def matches(self, method: str, params: JSONDict) -> bool:
        if self.method not in ("*", method):
            return False
        return self.chat_id is None or _maybe_int(params.get("chat_id")) == self.chat_id

    def error(self) -> BotApiError:
        """The error this fault answers with (``delay`` has none: it only slows the call)."""
        if self.kind == "429":
            text = self.description or f"Too Many Requests: retry after {self.retry_after}"
            return BotApiError(429, text, {"retry_after": self.retry_after})
        if self.kind == "500":
            return BotApiError(500, self.description or "Internal Server Error")
        if self.kind == "502":
            # Telegram's front proxy answers 502 with an HTML page, not JSON.
            page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
            return BotApiError(502, "Bad Gateway", html_body=page)
        if self.kind == "403":
            return BotApiError(403, self.description or "Forbidden: bot was blocked by the user")
        if self.kind == "400":
            return BotApiError(400, self.description or "Bad Request: chat not found")
        raise ValueError(f"fault kind {self.kind!r} has no error answer")


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    file_name: str
    mime_type: str

    def file_json(self) -> JSONDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


def _maybe_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def decode_param(name: str, value: str) -> Any:
    """A form field back to its Python value: PTB JSON-encodes every non-str parameter."""
    if name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value  # e.g. chat_id="@channel": a plain string


def html_visible_text(text: str) -> str:
    """What Telegram shows for *text* sent with parse_mode=HTML, raising its 400 errors for
    markup it rejects (unknown tags, a bare ``<``, unbalanced tags)."""
    stack: list[str] = []
    pieces: list[str] = []
    position = 0
    while (start := text.find("<", position)) != -1:
        pieces.append(text[position:start])
        match = _HTML_TAG_RE.match(text, start)
        offset = len(text[:start].encode())
        if match is None:
            raise BotApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset '
                f"{offset}",
            )
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if tag not in HTML_TAGS:
            raise BotApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}" at byte '
                f"offset {offset}",
            )
        if not closing:
            stack.append(tag)
        elif not stack or stack[-1] != tag:
            raise BotApiError(
                400,
                f"Bad Request: can't parse entities: Unexpected end tag at byte offset {offset}",
            )
        else:
            stack.pop()
        position = match.end()
    if stack:
        raise BotApiError(
            400,
            "Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1]}"',
        )
    pieces.append(text[position:])
    return html.unescape("".join(pieces))


def _guess_mime(filename: str) -> str:
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def _png_size(content: bytes) -> tuple[int, int]:
    """Width and height of a PNG (charts are PNG); 0×0 for anything else."""
    if content[:8] == b"\x89PNG\r\n\x1a\n" and len(content) >= 24:
        return int.from_bytes(content[16:20], "big"), int.from_bytes(content[20:24], "big")
    return 0, 0


# ─── the simulator ───────────────────────────────────────────────────────────────────────

Handler = Callable[[JSONDict, dict[str, UploadedFile]], Any]


class BotApiSimulator:
    """The Bot API's behaviour, transport-free. See the module docstring.

    Args:
        token: the only token accepted (others get 401 Unauthorized); ``None`` accepts any.
        strict: answer like Telegram when the bot edits an unknown message, edits without a
            change ("message is not modified"), answers an unknown callback query, or deletes an
            unknown message; when False those calls simply succeed.
        strict_chats: answer 400 "chat not found" for chats never seen in an injected update
            (otherwise an unknown positive id is taken as that user's private chat).
        unknown_methods_ok: answer ``true`` to methods the simulator does not implement
            (otherwise 404 "Not Found", as Telegram does).
        clock: monotonic clock for call times and the rate limit (tests may pass a fake one).
    """

    def __init__(
        self,
        token: str | None = DEFAULT_TOKEN,
        *,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = DEFAULT_BOT_NAME,
        strict: bool = True,
        strict_chats: bool = False,
        unknown_methods_ok: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token = token
        prefix = (token or "").split(":", 1)[0]
        self.bot_id = int(prefix) if prefix.isdigit() else 123456789
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.strict = strict
        self.strict_chats = strict_chats
        self.unknown_methods_ok = unknown_methods_ok
        self._clock = clock
        # recording
        self._calls: list[ApiCall] = []
        self._consumed: set[int] = set()
        self._changed = asyncio.Event()
        self.polls_waiting = 0
        # updates
        self._updates: list[JSONDict] = []
        self._next_update_id = 1
        self._updates_arrived = asyncio.Event()
        self._callback_ids = 0
        self._open_callbacks: set[str] = set()
        # chats, messages, files, commands
        self._chats: dict[int, JSONDict] = {}
        self._last_message_id: dict[int, int] = defaultdict(int)
        self._messages: dict[tuple[int, int], JSONDict] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._commands: dict[str, list[JSONDict]] = {}
        # faults and flood control
        self._faults: list[_Fault] = []
        self._blocked: set[int] = set()
        self._global_limit: int | None = None
        self._chat_limit: int | None = None
        self._global_sends: deque[float] = deque()
        self._chat_sends: dict[int, deque[float]] = defaultdict(deque)
        self.served_429 = 0
        self.rate_limited = 0
        self.status_counts: Counter[int] = Counter()
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "deleteWebhook": self._delete_webhook,
            "setWebhook": self._true,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }

    # ── the bot ──

    @property
    def bot_user(self) -> JSONDict:
        """The bot's ``User`` object (the ``from`` of every message it sends)."""
        return user_dict(self.bot_id, self.bot_first_name, username=self.bot_username, is_bot=True)

    def adopt_token(self, token: str) -> None:
        """Accept only *token* from now on, and take the bot id from it (a simulator made
        with ``token=None`` learns the token from the first call)."""
        self.token = token
        prefix = token.split(":", 1)[0]
        if prefix.isdigit():
            self.bot_id = int(prefix)

    # ── entry points for the transports ──

    async def dispatch(
        self,
        method: str,
        params: JSONDict,
        files: dict[str, UploadedFile] | None = None,
        *,
        token: str | None = None,
    ) -> ApiReply:
        """Answer one Bot API call and record it."""
        uploads = files or {}
        arrival = self._clock()
        raw_body: str | None = None
        try:
            if self.token is not None and token is not None and token != self.token:
                raise BotApiError(401, "Unauthorized")
            fault = self._take_fault(method, params)
            if fault is not None and fault.kind == "delay":
                await asyncio.sleep(fault.delay)
            elif fault is not None:
                raise fault.error()
            result = await self._execute(method, params, uploads)
            status, payload = 200, {"ok": True, "result": result}
        except BotApiError as error:
            status, payload, raw_body = error.status, error.payload(), error.html_body
        self._record(
            ApiCall(
                method=method,
                params=params,
                files={name: up.content for name, up in uploads.items()},
                filenames={name: up.filename for name, up in uploads.items()},
                at=arrival,
                status=status,
                response=payload,
            )
        )
        if raw_body is not None:
            return ApiReply(status, raw_body.encode(), "text/html; charset=utf-8")
        return ApiReply(status, json.dumps(payload, ensure_ascii=False).encode())

    def download(self, file_path: str, *, token: str | None = None) -> ApiReply:
        """Serve the bytes behind a ``file_path`` from ``getFile`` (recorded as
        ``downloadFile``)."""
        stored = self._files_by_path.get(file_path)
        error: BotApiError | None = None
        if self.token is not None and token is not None and token != self.token:
            error = BotApiError(401, "Unauthorized")
        elif stored is None:
            error = BotApiError(404, "Not Found")
        call = ApiCall("downloadFile", {"file_path": file_path}, {}, self._clock())
        if error is not None or stored is None:
            call.status, call.response = (error.status, error.payload()) if error else (404, {})
            self._record(call)
            return ApiReply(call.status, json.dumps(call.response).encode())
        self._record(call)
        return ApiReply(200, stored.content, stored.mime_type)

    async def _execute(self, method: str, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        if method == "getUpdates":
            return await self._get_updates(params)
        handler = self._handlers.get(method)
        if handler is None:
            if self.unknown_methods_ok:
                return True
            raise BotApiError(404, "Not Found")
        chat_id = _maybe_int(params.get("chat_id"))
        if chat_id is not None and chat_id in self._blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        if method in SEND_METHODS:
            self._check_flood(chat_id)
        result = handler(params, files)
        if method in SEND_METHODS:
            self._note_send(chat_id)
        return result

    # ── recording ──

    def _record(self, call: ApiCall) -> None:
        self._calls.append(call)
        self.status_counts[call.status] += 1
        if call.status == HTTPStatus.TOO_MANY_REQUESTS:
            self.served_429 += 1
        self._notify()

    def _notify(self) -> None:
        """Wake every waiter of :meth:`_until`; each re-checks its condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every recorded call, or those of *method*, oldest first (failed ones included)."""
        return [call for call in self._calls if method is None or call.method == method]

    def clear_calls(self) -> None:
        """Forget the recorded calls (and what :meth:`wait_for` consumed)."""
        self._calls.clear()
        self._consumed.clear()

    def sent_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """The Message objects the bot sent successfully (text, documents, photos), oldest
        first, optionally only in *chat_id*."""
        return [
            call.result
            for call in self._calls
            if call.ok
            and call.method in MESSAGE_METHODS
            and isinstance(call.result, dict)
            and (chat_id is None or call.result["chat"]["id"] == chat_id)
        ]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """The text (or caption) of each message in :meth:`sent_messages`, as users see it
        (HTML tags removed)."""
        return [str(m.get("text", m.get("caption", ""))) for m in self.sent_messages(chat_id)]

    def last_message(self, chat_id: int | None = None) -> JSONDict:
        """The latest message the bot sent (in *chat_id*); AssertionError if none."""
        messages = self.sent_messages(chat_id)
        assert messages, f"the bot sent no message{'' if chat_id is None else f' to {chat_id}'}"
        return messages[-1]

    @staticmethod
    def _matcher(match: Matcher) -> Callable[[ApiCall], bool]:
        if isinstance(match, str):
            return lambda call: call.method == match
        return match

    async def _until(self, ready: Callable[[], Any], timeout: float, what: str) -> Any:
        """Wait, woken by each new call or long poll, until ``ready()`` returns something
        truthy (event-driven: no sleeping loop)."""
        try:
            async with asyncio.timeout(timeout):
                while not (outcome := ready()):
                    await self._changed.wait()
                return outcome
        except TimeoutError:
            seen = ", ".join(f"{c.method}:{c.status}" for c in self._calls[-15:]) or "none"
            raise TimeoutError(f"no {what} within {timeout}s; last calls: {seen}") from None

    async def wait_for(self, match: Matcher, timeout: float = 5.0) -> ApiCall:
        """The oldest call matching *match* (a method name or a predicate on :class:`ApiCall`)
        not returned by an earlier ``wait_for``, waiting for it if needed.

        Matches failed calls too: use ``lambda c: c.method == "sendMessage" and c.ok`` to skip
        them. Raises TimeoutError after *timeout* seconds.
        """
        predicate = self._matcher(match)

        def first_unconsumed() -> ApiCall | None:
            for index, call in enumerate(self._calls):
                if index not in self._consumed and predicate(call):
                    self._consumed.add(index)
                    return call
            return None

        call: ApiCall = await self._until(first_unconsumed, timeout, f"call matching {match!r}")
        return call

    async def wait_until_polling(self, timeout: float = 5.0) -> None:
        """Wait until a ``getUpdates`` long poll is held open (the bot is up and listening)."""
        await self._until(lambda: self.polls_waiting > 0, timeout, "long poll")

    async def wait_for_count(
        self, match: Matcher, count: int, timeout: float = 5.0
    ) -> list[ApiCall]:
        """Wait until at least *count* recorded calls match *match*; return them all."""
        predicate = self._matcher(match)

        def enough() -> list[ApiCall] | None:
            found = [call for call in self._calls if predicate(call)]
            return found if len(found) >= count else None

        found: list[ApiCall] = await self._until(enough, timeout, f"{count} calls of {match!r}")
        return found

    # ── fault injection and flood control ──

    def fail_next(
        self,
        method: str,
        n: int = 1,
        kind: FaultKind = "500",
        *,
        retry_after: int = 1,
        delay: float = 1.0,
        description: str | None = None,
        chat_id: int | None = None,
    ) -> None:
        """Make the next *n* calls of *method* (``"*"`` = any) fail with *kind*:

        ``"429"`` Too Many Requests with ``retry_after`` (whole seconds ≥ 1, as Telegram sends),
        ``"500"``, ``"502"`` (an HTML page, like Telegram's proxy), ``"403"`` (bot blocked),
        ``"400"`` (chat not found), or ``"delay"``: hold the answer *delay* seconds, then answer
        normally (a client with a shorter read timeout sees TimedOut although the call took
        effect, as with the real API). *chat_id* limits the fault to calls for that chat.
        """
        if n < 1:
            raise ValueError("n must be at least 1")
        if kind == "429" and (not isinstance(retry_after, int) or retry_after < 1):
            raise ValueError("retry_after must be a whole number of seconds ≥ 1")
        self._faults.append(_Fault(method, kind, n, retry_after, delay, description, chat_id))

    def _take_fault(self, method: str, params: JSONDict) -> _Fault | None:
        for fault in self._faults:
            if fault.matches(method, params):
                fault.remaining -= 1
                if fault.remaining == 0:
                    self._faults.remove(fault)
                return fault
        return None

    def clear_faults(self) -> None:
        """Drop pending faults, blocked chats and the rate limit."""
        self._faults.clear()
        self._blocked.clear()
        self.set_rate_limit(None, None)

    def block_chat(self, chat_id: int) -> None:
        """The user of *chat_id* blocked the bot: every call for it gets 403 Forbidden."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: int) -> None:
        """Undo :meth:`block_chat`."""
        self._blocked.discard(chat_id)

    def set_rate_limit(
        self, global_per_second: int | None = 30, per_chat_per_second: int | None = 1
    ) -> None:
        """Answer 429 when sends exceed these counts in any sliding second (``None`` = no
        limit). Counts only successful send* calls; 429s from here add to ``rate_limited``."""
        self._global_limit = global_per_second
        self._chat_limit = per_chat_per_second
        self._global_sends.clear()
        self._chat_sends.clear()

    def _check_flood(self, chat_id: int | None) -> None:
        if self._global_limit is None and self._chat_limit is None:
            return
        now = self._clock()
        windows = [(self._global_sends, self._global_limit)]
        if chat_id is not None:
            windows.append((self._chat_sends[chat_id], self._chat_limit))
        for window, limit in windows:
            while window and window[0] <= now - 1.0:
                window.popleft()
            if limit is not None and len(window) >= limit:
                self.rate_limited += 1
                retry = max(1, math.ceil(window[0] + 1.0 - now))
                raise BotApiError(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )

    def _note_send(self, chat_id: int | None) -> None:
        if self._global_limit is None and self._chat_limit is None:
            return
        now = self._clock()
        self._global_sends.append(now)
        if chat_id is not None:
            self._chat_sends[chat_id].append(now)

    # ── injection ──

    def inject_update(self, update: JSONDict) -> JSONDict:
        """Queue a raw update (``update_id`` assigned when missing) and wake long polls."""
        queued = dict(update)
        if "update_id" not in queued:
            queued["update_id"] = self._next_update_id
        self._next_update_id = max(self._next_update_id, int(queued["update_id"])) + 1
        self._updates.append(queued)
        self._updates_arrived.set()
        self._updates_arrived = asyncio.Event()
        return queued

    def inject_message(
        self,
        chat_id: int,
        user_id: int,
        text: str | None = None,
        *,
        chat_type: str | None = None,
        first_name: str = DEFAULT_FIRST_NAME,
        username: str | None = None,
        title: str | None = None,
        message_id: int | None = None,
        caption: str | None = None,
        document: tuple[str, bytes] | JSONDict | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        """A user's message arrives. ``chat_type`` defaults from the id (positive → private).
        ``document=(filename, bytes)`` is registered so ``getFile`` + download serve it;
        ``reply_to`` is the id of a message in the same chat. Returns the update."""
        chat = self._remember_chat(chat_id, chat_type, first_name, title)
        doc: JSONDict | None = None
        if isinstance(document, tuple):
            filename, content = document
            self._store_upload(UploadedFile(filename, content, _guess_mime(filename)), "documents")
            doc = document_dict(filename, content)
        elif document is not None:
            doc = document
        message = message_dict(
            chat,
            user_dict(user_id, first_name, username=username),
            self._allocate_message_id(chat_id, message_id),
            text=text,
            caption=caption,
            document=doc,
            reply_to=self._reply_copy(chat_id, reply_to),
        )
        self._messages[(chat_id, message["message_id"])] = message
        return self.inject_update({"message": message})

    def inject_command(
        self, chat_id: int, user_id: int, command: str, args: str = "", **options: Any
    ) -> JSONDict:
        """A ``/command args`` message (with its ``bot_command`` entity); *options* as for
        :meth:`inject_message`."""
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return self.inject_message(chat_id, user_id, text, **options)

    def inject_edited_message(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        text: str,
        *,
        first_name: str = DEFAULT_FIRST_NAME,
    ) -> JSONDict:
        """The user edited their message *message_id* to *text*. Returns the update."""
        original = self._messages.get((chat_id, message_id))
        if original is None:
            chat = self._remember_chat(chat_id, None, first_name, None)
            original = message_dict(
                chat, user_dict(user_id, first_name), self._allocate_message_id(chat_id, message_id)
            )
        edited = message_dict(
            original["chat"],
            original["from"],
            message_id,
            text=text,
            date=original["date"],
            edit_date=int(time.time()),
        )
        self._messages[(chat_id, message_id)] = edited
        return self.inject_update({"edited_message": edited})

    def inject_callback(
        self,
        chat_id: int,
        user_id: int,
        data: str,
        message_id: int | None = None,
        *,
        first_name: str = DEFAULT_FIRST_NAME,
    ) -> JSONDict:
        """The user pressed an inline button carrying *data* under the bot's message
        *message_id* (default: the bot's latest message in the chat). Returns the update."""
        if message_id is None:
            own = [m for (c, _), m in self._messages.items() if c == chat_id and self._is_own(m)]
            if not own:
                raise ValueError(f"the bot has sent no message to chat {chat_id} to press on")
            message = max(own, key=lambda m: int(m["message_id"]))
        else:
            found = self._messages.get((chat_id, message_id))
            if found is None:  # a message from before the test: make one up
                chat = self._remember_chat(chat_id, None, first_name, None)
                found = message_dict(chat, self.bot_user, message_id, text="…")
                self._allocate_message_id(chat_id, message_id)
                self._messages[(chat_id, message_id)] = found
            message = found
        self._callback_ids += 1
        query_id = f"{self.bot_id}{self._callback_ids:08d}"
        self._open_callbacks.add(query_id)
        sender = user_dict(user_id, first_name)
        return self.inject_update(
            {"callback_query": callback_query_dict(query_id, sender, message, data)}
        )

    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed by a ``getUpdates`` offset."""
        return list(self._updates)

    def add_file(
        self,
        file_id: str,
        content: bytes,
        file_path: str | None = None,
        *,
        file_name: str | None = None,
        file_unique_id: str | None = None,
    ) -> JSONDict:
        """Make *file_id* downloadable (``getFile`` then GET ``base_file_url``). Returns the
        ``File`` object."""
        path = file_path or f"documents/{file_id}.bin"
        name = file_name or PurePosixPath(path).name
        unique_id = file_unique_id or file_ids(content, file_id)[1]
        stored = _StoredFile(file_id, unique_id, content, path, name, _guess_mime(name))
        self._files[file_id] = stored
        self._files_by_path[path] = stored
        return stored.file_json()

    def file_content(self, file_id: str) -> bytes:
        """The bytes stored for *file_id* (e.g. a document the bot sent)."""
        return self._files[file_id].content

    # ── chats and messages ──

    def _remember_chat(
        self, chat_id: int, chat_type: str | None, first_name: str, title: str | None
    ) -> JSONDict:
        known = self._chats.get(chat_id)
        if known is None or chat_type is not None or title is not None:
            known = chat_dict(chat_id, chat_type, first_name=first_name, title=title)
            self._chats[chat_id] = known
        return known

    def _chat(self, params: JSONDict) -> JSONDict:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise BotApiError(400, "Bad Request: chat_id is empty")
        chat_id = _maybe_int(raw)
        if chat_id is None:
            raise BotApiError(400, "Bad Request: chat not found")
        chat = self._chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise BotApiError(400, "Bad Request: chat not found")
            chat = chat_dict(chat_id, first_name=f"Người dùng {chat_id}")
            self._chats[chat_id] = chat
        return chat

    def _allocate_message_id(self, chat_id: int, wanted: int | None = None) -> int:
        """Message ids increase per chat, shared by the user's and the bot's messages."""
        if wanted is None:
            wanted = self._last_message_id[chat_id] + 1
        self._last_message_id[chat_id] = max(self._last_message_id[chat_id], wanted)
        return wanted

    def _is_own(self, message: JSONDict) -> bool:
        return bool(message.get("from", {}).get("id") == self.bot_id)

    def _reply_copy(self, chat_id: int, message_id: Any) -> JSONDict | None:
        """The replied-to message, one level deep as Telegram nests it."""
        target = _maybe_int(message_id)
        found = None if target is None else self._messages.get((chat_id, target))
        if found is None:
            return None
        return {k: v for k, v in found.items() if k != "reply_to_message"}

    def _bot_message(self, chat: JSONDict, params: JSONDict, **content: Any) -> JSONDict:
        """Store and return a new Message from the bot in *chat*."""
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else None
        reply_id = reply_id or params.get("reply_to_message_id")
        message = message_dict(
            chat,
            self.bot_user,
            self._allocate_message_id(chat["id"]),
            reply_to=self._reply_copy(chat["id"], reply_id),
            reply_markup=self._inline_markup(params.get("reply_markup")),
            **content,
        )
        self._messages[(chat["id"], message["message_id"])] = message
        return message

    @staticmethod
    def _inline_markup(markup: Any) -> JSONDict | None:
        """The markup a Message echoes (only inline keyboards), checking callback_data size."""
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None
        for row in markup["inline_keyboard"]:
            for button in row:
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                    raise BotApiError(400, "Bad Request: BUTTON_DATA_INVALID")
        return markup

    @staticmethod
    def _visible(text: Any, parse_mode: Any, *, limit: int, what: str) -> str:
        """The text users see, checked against Telegram's parsing and length rules."""
        raw = "" if text is None else str(text)
        shown = html_visible_text(raw) if str(parse_mode or "").upper() == "HTML" else raw
        if utf16_length(shown) > limit:
            raise BotApiError(400, f"Bad Request: {what} is too long")
        return shown

    def _store_upload(self, upload: UploadedFile, folder: str) -> _StoredFile:
        if not upload.content:
            raise BotApiError(400, "Bad Request: file must be non-empty")
        file_id, unique_id = file_ids(upload.content, upload.filename)
        if file_id in self._files:  # the same bytes under the same name: Telegram reuses it
            return self._files[file_id]
        suffix = PurePosixPath(upload.filename).suffix.lower()
        if not (suffix.isascii() and suffix[1:].isalnum()):
            suffix = ""  # server paths stay ASCII whatever the user's file name
        path = f"{folder}/file_{len(self._files)}{suffix}"
        mime = upload.mime_type or _guess_mime(upload.filename)
        stored = _StoredFile(file_id, unique_id, upload.content, path, upload.filename, mime)
        self._files[file_id] = stored
        self._files_by_path[path] = stored
        return stored

    def _input_file(
        self, params: JSONDict, files: dict[str, UploadedFile], name: str, folder: str
    ) -> _StoredFile:
        """The file given for parameter *name*: an upload, ``attach://``, a known file_id or a
        URL."""
        value = params.get(name)
        upload = files.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        if upload is not None:
            return self._store_upload(upload, folder)
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            filename = PurePosixPath(urlsplit(value).path).name or "file"
            return self._store_upload(UploadedFile(filename, value.encode()), folder)
        raise BotApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")

    # ── method handlers ──

    def _true(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        return True

    def _get_me(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long polling: confirm up to *offset*, then answer at once if updates are pending,
        else when one is injected or after *timeout* seconds."""
        offset = _maybe_int(params.get("offset"))
        if offset is not None and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        limit = min(max(_maybe_int(params.get("limit")) or 100, 1), 100)
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0:
            self.polls_waiting += 1
            self._notify()
            try:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(timeout):
                        while not self._updates:
                            await self._updates_arrived.wait()
            finally:
                self.polls_waiting -= 1
        return [dict(u) for u in self._updates[:limit]]

    def _delete_webhook(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        if params.get("drop_pending_updates") is True:
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True) + "|" + str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise BotApiError(400, "Bad Request: commands must be a list of at most 100")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise BotApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise BotApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _get_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> list[JSONDict]:
        return list(self._commands.get(self._commands_key(params), []))

    def _delete_my_commands(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._commands.pop(self._commands_key(params), None)
        return True

    def my_commands(self, scope: JSONDict | None = None, language_code: str = "") -> list[str]:
        """Command names currently published for *scope* (default scope if None)."""
        key = self._commands_key({"scope": scope, "language_code": language_code})
        return [c["command"] for c in self._commands.get(key, [])]

    def _send_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params)
        text = self._visible(
            params.get("text"), params.get("parse_mode"), limit=MAX_TEXT, what="message"
        )
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        return self._bot_message(chat, params, text=text)

    def _message_to_edit(self, params: JSONDict) -> tuple[tuple[int, int], JSONDict | None]:
        chat = self._chat(params)
        message_id = _maybe_int(params.get("message_id"))
        if message_id is None:
            raise BotApiError(400, "Bad Request: message identifier is not specified")
        key = (int(chat["id"]), message_id)
        stored = self._messages.get(key)
        if stored is None and self.strict:
            raise BotApiError(400, "Bad Request: message to edit not found")
        if stored is not None and not self._is_own(stored):
            raise BotApiError(400, "Bad Request: message can't be edited")
        if stored is None:  # lenient: pretend it was the bot's earlier message
            stored = message_dict(chat, self.bot_user, message_id)
        return key, stored

    def _store_edit(self, key: tuple[int, int], edited: JSONDict, markup: JSONDict | None) -> None:
        edited["edit_date"] = int(time.time())
        if markup is None:
            edited.pop("reply_markup", None)
        else:
            edited["reply_markup"] = markup
        self._messages[key] = edited

    def _edit_message_text(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        if params.get("inline_message_id"):
            return True
        text = self._visible(
            params.get("text"), params.get("parse_mode"), limit=MAX_TEXT, what="message"
        )
        if not text.strip():
            raise BotApiError(400, "Bad Request: message text is empty")
        key, stored = self._message_to_edit(params)
        assert stored is not None
        markup = self._inline_markup(params.get("reply_markup"))
        if self.strict and stored.get("text") == text and stored.get("reply_markup") == markup:
            raise BotApiError(400, NOT_MODIFIED)
        edited = {**stored, "text": text}
        self._store_edit(key, edited, markup)
        return edited

    def _edit_message_reply_markup(self, params: JSONDict, files: dict[str, UploadedFile]) -> Any:
        if params.get("inline_message_id"):
            return True
        key, stored = self._message_to_edit(params)
        assert stored is not None
        markup = self._inline_markup(params.get("reply_markup"))
        if self.strict and stored.get("reply_markup") == markup:
            raise BotApiError(400, NOT_MODIFIED)
        edited = dict(stored)
        self._store_edit(key, edited, markup)
        return edited

    def _delete_message(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        chat = self._chat(params)
        key = (int(chat["id"]), _maybe_int(params.get("message_id")) or 0)
        if self._messages.pop(key, None) is None and self.strict:
            raise BotApiError(400, "Bad Request: message to delete not found")
        return True

    def _answer_callback_query(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER:
            raise BotApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        if query_id not in self._open_callbacks and self.strict:
            raise BotApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        self._open_callbacks.discard(query_id)
        return True

    def _caption(self, params: JSONDict) -> str | None:
        if params.get("caption") is None:
            return None
        return self._visible(
            params["caption"], params.get("parse_mode"), limit=MAX_CAPTION, what="message caption"
        )

    def _send_document(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params)
        caption = self._caption(params)
        stored = self._input_file(params, files, "document", "documents")
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_size": len(stored.content),
        }
        return self._bot_message(chat, params, document=document, caption=caption)

    def _send_photo(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        chat = self._chat(params)
        caption = self._caption(params)
        stored = self._input_file(params, files, "photo", "photos")
        width, height = _png_size(stored.content)
        size = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "width": width,
            "height": height,
        }
        return self._bot_message(chat, params, photo=[size], caption=caption)

    def _send_chat_action(self, params: JSONDict, files: dict[str, UploadedFile]) -> bool:
        self._chat(params)
        return True

    def _get_file(self, params: JSONDict, files: dict[str, UploadedFile]) -> JSONDict:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise BotApiError(400, "Bad Request: invalid file_id")
        return stored.file_json()


# ─── HTTP/1.1 transport ──────────────────────────────────────────────────────────────────


class HttpProtocolError(Exception):
    """The client sent something that is not HTTP/1.1 we understand."""


@dataclass
class HttpRequest:
    """One parsed HTTP request."""

    method: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes

    @property
    def keep_alive(self) -> bool:
        """HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 the reverse."""
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return connection == "keep-alive"
        return connection != "close"


async def _read_chunked(reader: asyncio.StreamReader) -> bytes:
    body = bytearray()
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                pass
            return bytes(body)
        body += await reader.readexactly(size)
        await reader.readexactly(2)


async def read_http_request(reader: asyncio.StreamReader) -> HttpRequest | None:
    """The next request on a connection, or None when the client closed it cleanly."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial.strip():
            return None
        raise HttpProtocolError("connection closed inside the request head") from exc
    except asyncio.LimitOverrunError as exc:
        raise HttpProtocolError("request head too large") from exc
    lines = head.decode("latin-1").split("\r\n")
    try:
        method, target, version = lines[0].split(" ", 2)
    except ValueError as exc:
        raise HttpProtocolError(f"bad request line {lines[0]!r}") from exc
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        body = await _read_chunked(reader)
    else:
        length = int(headers.get("content-length", "0") or 0)
        body = await reader.readexactly(length) if length else b""
    return HttpRequest(method.upper(), target, version.strip(), headers, body)


def _html5_unescape(value: str) -> str:
    """Undo httpx's HTML5 escaping of multipart parameter values (%22 for quotes…)."""
    value = re.sub(
        r"%([0-9A-Fa-f]{2})",
        lambda m: chr(int(m.group(1), 16)) if int(m.group(1), 16) in (*range(32), 0x22) else m[0],
        value,
    )
    return value.replace("\\\\", "\\")


def _disposition(header: str) -> dict[str, str]:
    params: dict[str, str] = {}
    for match in re.finditer(r';\s*([A-Za-z*]+)=(?:"((?:[^"\\]|\\.)*)"|([^;]*))', header):
        key, quoted, bare = match.group(1).lower(), match.group(2), match.group(3)
        value = quoted if quoted is not None else (bare or "").strip()
        if key.endswith("*"):  # RFC 5987: utf-8''percent-encoded
            params[key[:-1]] = unquote(value.split("''", 1)[-1])
        else:
            params.setdefault(key, _html5_unescape(value))
    return params


def parse_multipart(body: bytes, boundary: str) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Split a multipart/form-data body into text fields and file parts."""
    fields: dict[str, str] = {}
    uploads: dict[str, UploadedFile] = {}
    for part in body.split(b"--" + boundary.encode())[1:]:
        if part.startswith(b"--"):
            break
        head, _, content = part.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        content = content.removesuffix(b"\r\n")
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        disposition = _disposition(headers.get("content-disposition", ""))
        name = disposition.get("name", "")
        if "filename" in disposition:
            mime = headers.get("content-type", "application/octet-stream")
            uploads[name] = UploadedFile(disposition["filename"], content, mime)
        else:
            fields[name] = content.decode("utf-8")
    return fields, uploads


def parse_body(request: HttpRequest, query: str) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """The Bot API parameters of *request*: query string, form, multipart or JSON body."""
    fields: dict[str, str] = dict(parse_qsl(query, keep_blank_values=True))
    uploads: dict[str, UploadedFile] = {}
    content_type = request.headers.get("content-type", "")
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json" and request.body:
        typed = json.loads(request.body)
        if not isinstance(typed, dict):
            raise HttpProtocolError("JSON body must be an object")
        return {**{k: decode_param(k, v) for k, v in fields.items()}, **typed}, uploads
    if kind == "application/x-www-form-urlencoded":
        fields.update(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
    elif kind == "multipart/form-data":
        boundary = re.search(r'boundary="?([^";]+)"?', content_type)
        if boundary is None:
            raise HttpProtocolError("multipart body without boundary")
        form, uploads = parse_multipart(request.body, boundary.group(1))
        fields.update(form)
    return {name: decode_param(name, value) for name, value in fields.items()}, uploads


def render_response(reply: ApiReply, *, keep_alive: bool) -> bytes:
    """Serialise *reply* as an HTTP/1.1 response."""
    try:
        reason = HTTPStatus(reply.status).phrase
    except ValueError:
        reason = "Unknown"
    head = (
        f"HTTP/1.1 {reply.status} {reason}\r\n"
        f"Content-Type: {reply.content_type}\r\n"
        f"Content-Length: {len(reply.body)}\r\n"
        f"Connection: {'keep-alive' if keep_alive else 'close'}\r\n"
        "Server: fake-bot-api\r\n\r\n"
    )
    return head.encode("latin-1") + reply.body


class FakeBotApi(BotApiSimulator):
    """The simulator served over HTTP on 127.0.0.1 (ephemeral port by default).

    ``async with FakeBotApi() as fake:`` then ``ApplicationBuilder().token(fake.token)
    .base_url(fake.base_url).base_file_url(fake.base_file_url)``.
    """

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        bot_username: str = DEFAULT_BOT_USERNAME,
        bot_first_name: str = DEFAULT_BOT_NAME,
        strict: bool = True,
        strict_chats: bool = False,
        unknown_methods_ok: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            token,
            bot_username=bot_username,
            bot_first_name=bot_first_name,
            strict=strict,
            strict_chats=strict_chats,
            unknown_methods_ok=unknown_methods_ok,
            clock=clock,
        )
        self.token: str = token
        self.host = host
        self._port = port
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self.connections_opened = 0

    @property
    def port(self) -> int:
        """The TCP port (known once started)."""
        if self._server is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder.base_url``: PTB appends the token, then ``/method``."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For ``ApplicationBuilder.base_file_url``: PTB appends the token, then
        ``/file_path``."""
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        """Listen on the host and port (an ephemeral one when port is 0)."""
        self._server = await asyncio.start_server(
            self._serve_connection, self.host, self._port, backlog=4096
        )
        self._port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop listening and close every connection (held long polls included)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        connections = list(self._connections)
        for task in connections:
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)
        await server.wait_closed()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        self.connections_opened += 1
        try:
            await self._serve_requests(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client went away (e.g. a cancelled long poll)
        except asyncio.CancelledError:
            # stop() cancels held connections. End normally: on Python 3.11 asyncio logs
            # "Exception in callback" for a client_connected_cb task that ends cancelled.
            pass
        finally:
            if task is not None:
                self._connections.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    async def _serve_requests(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                request = await read_http_request(reader)
            except HttpProtocolError as exc:
                body = json.dumps({"ok": False, "error_code": 400, "description": str(exc)})
                writer.write(render_response(ApiReply(400, body.encode()), keep_alive=False))
                await writer.drain()
                return
            if request is None:
                return
            reply = await self._respond(request)
            writer.write(render_response(reply, keep_alive=request.keep_alive))
            await writer.drain()
            if not request.keep_alive:
                return

    async def _respond(self, request: HttpRequest) -> ApiReply:
        split = urlsplit(request.target)
        path = unquote(split.path)
        if path.startswith("/file/bot") and request.method == "GET":
            token, _, file_path = path.removeprefix("/file/bot").partition("/")
            return self.download(file_path, token=token)
        if path.startswith("/bot") and request.method in ("GET", "POST"):
            token, _, method = path.removeprefix("/bot").partition("/")
            try:
                params, uploads = parse_body(request, split.query)
            except (HttpProtocolError, ValueError) as exc:
                return ApiReply(400, json.dumps(BotApiError(400, str(exc)).payload()).encode())
            return await self.dispatch(method, params, uploads, token=token)
        return ApiReply(404, json.dumps(BotApiError(404, "Not Found").payload()).encode())


__all__ = [
    "DEFAULT_BOT_USERNAME",
    "DEFAULT_TOKEN",
    "MESSAGE_METHODS",
    "SEND_METHODS",
    "ApiCall",
    "ApiReply",
    "BotApiError",
    "BotApiSimulator",
    "FakeBotApi",
    "FaultKind",
    "HttpRequest",
    "Matcher",
    "UploadedFile",
    "decode_param",
    "html_visible_text",
    "parse_body",
    "parse_multipart",
    "read_http_request",
    "render_response",
]
