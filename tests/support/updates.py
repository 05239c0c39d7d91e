"""Builders of Bot API JSON objects and of bound :class:`telegram.Update` objects.

The dict builders (``user_dict``, ``chat_dict``, ``message_dict``…) produce exactly the JSON
Telegram sends, so the fake server (:mod:`tests.support.fake_bot_api`) and handler tests share
one source of truth. The ``make_*_update`` functions turn them into ``Update`` objects with
``Update.de_json(data, bot)``, so shortcuts such as ``update.message.reply_text`` work.
"""

from __future__ import annotations

import hashlib
import itertools
import mimetypes
import re
import time
from pathlib import PurePosixPath
from typing import Any

from telegram import Bot, Update

JSONDict = dict[str, Any]
DocumentInput = tuple[str, bytes] | JSONDict

DEFAULT_USER_ID = 1001
DEFAULT_FIRST_NAME = "Nguyễn Văn An"

# Process-wide counters: ids stay unique across the updates one test builds.
_update_ids = itertools.count(1)
_message_ids = itertools.count(1)
_callback_ids = itertools.count(1)

# "/cmd", "/cmd@botname" at the start of the text, as Telegram marks them.
_COMMAND_RE = re.compile(r"^/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,64})?")


def next_update_id() -> int:
    """A fresh update_id (increasing within the process)."""
    return next(_update_ids)


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units: the unit Telegram uses for entity offsets and limits."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[JSONDict]:
    """The ``bot_command`` entity Telegram adds when *text* starts with ``/command``."""
    match = _COMMAND_RE.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_length(match.group(0))}]


def user_dict(
    user_id: int,
    first_name: str = DEFAULT_FIRST_NAME,
    *,
    username: str | None = None,
    is_bot: bool = False,
    last_name: str | None = None,
) -> JSONDict:
    """A Telegram ``User`` object."""
    user: JSONDict = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if not is_bot:
        user["language_code"] = "vi"
    return user


def default_chat_type(chat_id: int) -> str:
    """Telegram's chat type implied by the id: users are positive, supergroups -100…."""
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"


def chat_dict(
    chat_id: int,
    chat_type: str | None = None,
    *,
    first_name: str = DEFAULT_FIRST_NAME,
    title: str | None = None,
) -> JSONDict:
    """A Telegram ``Chat`` object: private chats carry the user's name, groups a title."""
    kind = chat_type or default_chat_type(chat_id)
    if kind == "private":
        return {"id": chat_id, "type": kind, "first_name": first_name}
    return {"id": chat_id, "type": kind, "title": title or f"Nhóm {chat_id}"}


def file_ids(content: bytes, salt: str = "") -> tuple[str, str]:
    """Deterministic ``(file_id, file_unique_id)`` for *content* (same bytes → same ids)."""
    digest = hashlib.sha256(salt.encode() + content).hexdigest()
    return f"BQACAgUAAx{digest[:40]}", f"AgAD{digest[40:56]}"


def document_dict(filename: str, content: bytes, *, file_id: str | None = None) -> JSONDict:
    """A Telegram ``Document`` object describing *content* uploaded as *filename*."""
    generated_id, unique_id = file_ids(content, filename)
    mime_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return {
        "file_id": file_id or generated_id,
        "file_unique_id": unique_id,
        "file_name": filename,
        "mime_type": mime_type,
        "file_size": len(content),
    }


def document_file_path(document: JSONDict) -> str:
    """The server-side ``file_path`` Telegram would give *document* (ASCII, like
    ``documents/file_12.docx``), whatever the user's file name was."""
    name = str(document.get("file_name") or "")
    suffix = PurePosixPath(name).suffix.lower()
    if not (suffix.isascii() and suffix[1:].isalnum()):
        suffix = ""  # keep the path plain ASCII, as Telegram's are
    return f"documents/file_{document['file_unique_id']}{suffix}"


def message_dict(
    chat: JSONDict,
    sender: JSONDict,
    message_id: int,
    *,
    text: str | None = None,
    caption: str | None = None,
    document: JSONDict | None = None,
    photo: list[JSONDict] | None = None,
    reply_to: JSONDict | None = None,
    reply_markup: JSONDict | None = None,
    date: int | None = None,
    edit_date: int | None = None,
) -> JSONDict:
    """A Telegram ``Message``; ``/command`` text gets its ``bot_command`` entity."""
    message: JSONDict = {
        "message_id": message_id,
        "date": int(time.time()) if date is None else date,
        "chat": chat,
        "from": sender,
    }
    if text is not None:
        message["text"] = text
        if entities := command_entities(text):
            message["entities"] = entities
    if caption is not None:
        message["caption"] = caption
        if entities := command_entities(caption):
            message["caption_entities"] = entities
    if document is not None:
        message["document"] = document
    if photo is not None:
        message["photo"] = photo
    if reply_to is not None:
        message["reply_to_message"] = reply_to
    if reply_markup is not None:
        message["reply_markup"] = reply_markup
    if edit_date is not None:
        message["edit_date"] = edit_date
    return message


def callback_query_dict(query_id: str, sender: JSONDict, message: JSONDict, data: str) -> JSONDict:
    """A Telegram ``CallbackQuery`` for a button on *message*."""
    chat_instance = str(abs(int(message["chat"]["id"])) * 7919 % 10**12)  # stable per chat
    return {
        "id": query_id,
        "from": sender,
        "message": message,
        "chat_instance": chat_instance,
        "data": data,
    }


def bot_user_dict(bot: Bot) -> JSONDict:
    """The bot's own ``User``: from ``getMe`` when initialised, else from the token's id part."""
    try:
        return bot.bot.to_dict()
    except RuntimeError:  # not initialised yet: no getMe answer cached
        prefix = bot.token.split(":", 1)[0]
        bot_id = int(prefix) if prefix.isdigit() else 1
        return user_dict(bot_id, "Bot", is_bot=True)


def _document_json(bot: Bot, document: DocumentInput) -> JSONDict:
    """The Document JSON for *document*; raw bytes are registered with a RecordingRequest
    behind *bot* (duck-typed ``add_file``) so ``get_file`` + download work offline."""
    if isinstance(document, dict):
        return document
    filename, content = document
    doc = document_dict(filename, content)
    register = getattr(bot.request, "add_file", None)
    if callable(register):
        register(
            doc["file_id"],
            content,
            document_file_path(doc),
            file_name=filename,
            file_unique_id=doc["file_unique_id"],
        )
    return doc


def _message_json(
    bot: Bot,
    text: str | None,
    *,
    user_id: int,
    chat_id: int | None,
    chat_type: str | None,
    first_name: str,
    message_id: int | None,
    document: DocumentInput | None,
    caption: str | None,
    edit_date: int | None = None,
) -> JSONDict:
    chat_key = user_id if chat_id is None else chat_id
    return message_dict(
        chat_dict(chat_key, chat_type, first_name=first_name),
        user_dict(user_id, first_name),
        next(_message_ids) if message_id is None else message_id,
        text=text,
        caption=caption,
        document=None if document is None else _document_json(bot, document),
        edit_date=edit_date,
    )


def make_message_update(
    bot: Bot,
    text: str | None = None,
    *,
    user_id: int = DEFAULT_USER_ID,
    chat_id: int | None = None,
    chat_type: str | None = None,
    first_name: str = DEFAULT_FIRST_NAME,
    update_id: int | None = None,
    message_id: int | None = None,
    document: DocumentInput | None = None,
    caption: str | None = None,
) -> Update:
    """An ``Update`` with a new message from *user_id* (chat defaults to the private chat).

    ``document`` is ``(filename, bytes)`` or a ready Document dict; bytes are served by a
    :class:`~tests.support.recording_request.RecordingRequest` behind *bot*.
    """
    message = _message_json(
        bot,
        text,
        user_id=user_id,
        chat_id=chat_id,
        chat_type=chat_type,
        first_name=first_name,
        message_id=message_id,
        document=document,
        caption=caption,
    )
    data = {"update_id": next_update_id() if update_id is None else update_id, "message": message}
    return Update.de_json(data, bot)


def make_edited_message_update(
    bot: Bot,
    text: str,
    *,
    message_id: int,
    user_id: int = DEFAULT_USER_ID,
    chat_id: int | None = None,
    chat_type: str | None = None,
    first_name: str = DEFAULT_FIRST_NAME,
    update_id: int | None = None,
    caption: str | None = None,
) -> Update:
    """An ``Update`` carrying ``edited_message``: *message_id* now reads *text*."""
    message = _message_json(
        bot,
        text,
        user_id=user_id,
        chat_id=chat_id,
        chat_type=chat_type,
        first_name=first_name,
        message_id=message_id,
        document=None,
        caption=caption,
        edit_date=int(time.time()),
    )
    data = {
        "update_id": next_update_id() if update_id is None else update_id,
        "edited_message": message,
    }
    return Update.de_json(data, bot)


def make_callback_update(
    bot: Bot,
    data: str,
    *,
    user_id: int = DEFAULT_USER_ID,
    chat_id: int | None = None,
    message_id: int = 1,
    message_text: str = "…",
    first_name: str = DEFAULT_FIRST_NAME,
    update_id: int | None = None,
) -> Update:
    """An ``Update`` for a press on an inline button carrying *data*, under the bot's message
    *message_id* (whose text is *message_text*)."""
    chat_key = user_id if chat_id is None else chat_id
    bot_user = bot_user_dict(bot)
    message = message_dict(chat_dict(chat_key, first_name=first_name), bot_user, message_id)
    message["text"] = message_text
    query = callback_query_dict(
        str(next(_callback_ids)), user_dict(user_id, first_name), message, data
    )
    payload = {
        "update_id": next_update_id() if update_id is None else update_id,
        "callback_query": query,
    }
    return Update.de_json(payload, bot)


__all__ = [
    "DEFAULT_FIRST_NAME",
    "DEFAULT_USER_ID",
    "DocumentInput",
    "JSONDict",
    "bot_user_dict",
    "callback_query_dict",
    "chat_dict",
    "command_entities",
    "default_chat_type",
    "document_dict",
    "document_file_path",
    "file_ids",
    "make_callback_update",
    "make_edited_message_update",
    "make_message_update",
    "message_dict",
    "next_update_id",
    "user_dict",
    "utf16_length",
]
