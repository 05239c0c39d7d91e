"""Test harness for Telegram I/O: a fake Bot API server, a recording request, update builders.

* :class:`FakeBotApi` — HTTP fake of the Bot API for end-to-end tests and benchmarks.
* :class:`RecordingRequest` — network-free ``BaseRequest`` for handler tests.
* ``make_*_update`` — bound ``telegram.Update`` objects for ``Application.process_update``.
"""

from tests.support.fake_bot_api import (
    DEFAULT_TOKEN,
    ApiCall,
    BotApiSimulator,
    FakeBotApi,
    FaultKind,
)
from tests.support.recording_request import RecordingRequest
from tests.support.updates import (
    make_callback_update,
    make_edited_message_update,
    make_message_update,
)

__all__ = [
    "DEFAULT_TOKEN",
    "ApiCall",
    "BotApiSimulator",
    "FakeBotApi",
    "FaultKind",
    "RecordingRequest",
    "make_callback_update",
    "make_edited_message_update",
    "make_message_update",
]
