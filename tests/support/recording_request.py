"""A network-free ``BaseRequest`` for handler tests.

``RecordingRequest`` hands every call PTB makes straight to a :class:`BotApiSimulator` (the
same one behind :class:`~tests.support.fake_bot_api.FakeBotApi`), so handlers get plausible
Bot API answers — a bot user for ``getMe``, Messages echoing ``chat_id``/``text``/
``reply_markup``, ``File`` objects and downloads for documents registered with
:meth:`RecordingRequest.add_file` — and tests read back what was sent::

    request = RecordingRequest()
    app = ApplicationBuilder().token(TOKEN).request(request).get_updates_request(
        RecordingRequest(request.api)
    ).build()
    async with app:
        await app.process_update(make_message_update(app.bot, "/start"))
    assert "Xin chào" in request.sent_texts()[0]

By default the simulator is lenient (``strict=False``): edits of messages it never saw and
answers to callback queries it never issued succeed, and unknown methods answer ``true``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any, Self
from urllib.parse import unquote, urlsplit

from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from tests.support.fake_bot_api import (
    ApiCall,
    ApiReply,
    BotApiSimulator,
    FaultKind,
    Matcher,
    UploadedFile,
)
from tests.support.updates import JSONDict


def _read_content(content: Any) -> bytes:
    """Multipart content as bytes (PTB may hand over bytes or an open file)."""
    if isinstance(content, bytes):
        return content
    data = content.read()
    return data if isinstance(data, bytes) else str(data).encode()


class RecordingRequest(BaseRequest):
    """Answers PTB's requests from an in-process :class:`BotApiSimulator` and records them.

    Args:
        api: the simulator to use; share one between ``request`` and ``get_updates_request``
            (see :meth:`pair`). A new lenient one when omitted.
        read_timeout: the default read timeout; a ``"delay"`` fault longer than the effective
            timeout raises ``TimedOut`` (the call still takes effect, as on the real API).
    """

    __slots__ = ("_background", "api", "default_read_timeout")

    def __init__(self, api: BotApiSimulator | None = None, *, read_timeout: float = 5.0) -> None:
        self.api = api or BotApiSimulator(token=None, strict=False, unknown_methods_ok=True)
        self.default_read_timeout = read_timeout
        self._background: set[asyncio.Task[ApiReply]] = set()

    @classmethod
    def pair(cls, api: BotApiSimulator | None = None) -> tuple[Self, Self]:
        """``(request, get_updates_request)`` sharing one simulator."""
        first = cls(api)
        return first, cls(first.api)

    @property
    def read_timeout(self) -> float | None:
        """See :attr:`BaseRequest.read_timeout`."""
        return self.default_read_timeout

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Cancel calls still running after their client timed out."""
        for task in list(self._background):
            task.cancel()
        for task in list(self._background):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._background.clear()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Route *url* to the simulator: ``…/bot<token>/<method>`` or a file download."""
        path = unquote(urlsplit(url).path)
        url_token = path.split("/bot", 1)[1].split("/", 1)[0] if "/bot" in path else None
        if self.api.token is None and url_token:
            self.api.adopt_token(url_token)  # getMe then reports the bot id of this token
        if method == "GET" and "/file/bot" in path:
            file_path = path.split("/file/bot", 1)[1].partition("/")[2]
            reply = self.api.download(file_path, token=url_token)
            return reply.status, reply.body
        api_method = path.rpartition("/")[2]
        params: JSONDict = dict(request_data.parameters) if request_data else {}
        uploads: dict[str, UploadedFile] = {}
        if request_data is not None and request_data.contains_files:
            for name, (filename, content, mime) in request_data.multipart_data.items():
                uploads[name] = UploadedFile(filename or name, _read_content(content), mime)
        timeout = (
            self.default_read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        )
        task = asyncio.ensure_future(
            self.api.dispatch(api_method, params, uploads, token=url_token)
        )
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if task not in done:
            # Like an HTTP client giving up: the server still finishes the call later.
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            raise TimedOut(f"Timed out after {timeout}s waiting for {api_method}")
        reply = task.result()
        return reply.status, reply.body

    # ── convenience: the simulator's recording, injection and faults ──

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Recorded calls (of *method*), oldest first."""
        return self.api.calls(method)

    def sent_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Messages the bot sent (to *chat_id*)."""
        return self.api.sent_messages(chat_id)

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts/captions of the messages the bot sent (to *chat_id*), tags removed."""
        return self.api.sent_texts(chat_id)

    def last_text(self, chat_id: int | None = None) -> str:
        """The text of the bot's latest message (to *chat_id*)."""
        message = self.api.last_message(chat_id)
        return str(message.get("text", message.get("caption", "")))

    async def wait_for(self, match: Matcher, timeout: float = 5.0) -> ApiCall:
        """See :meth:`BotApiSimulator.wait_for`."""
        return await self.api.wait_for(match, timeout)

    def add_file(
        self,
        file_id: str,
        content: bytes,
        file_path: str | None = None,
        *,
        file_name: str | None = None,
        file_unique_id: str | None = None,
    ) -> JSONDict:
        """Serve *content* for *file_id* (``getFile`` + download)."""
        return self.api.add_file(
            file_id, content, file_path, file_name=file_name, file_unique_id=file_unique_id
        )

    def fail_next(self, method: str, n: int = 1, kind: FaultKind = "500", **options: Any) -> None:
        """See :meth:`BotApiSimulator.fail_next`."""
        self.api.fail_next(method, n, kind, **options)

    def clear(self) -> None:
        """Forget the recorded calls."""
        self.api.clear_calls()


__all__ = ["RecordingRequest"]
