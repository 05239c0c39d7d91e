"""A driver for handler tests: the real application (``bot.app.build_application``) fed
updates through ``Application.process_update``, its Bot API calls answered and recorded by a
:class:`~tests.support.recording_request.RecordingRequest`, time held by a ``ManualClock``.

Each test file wraps :func:`running_bot` in its own ``bot`` fixture::

    @pytest.fixture
    async def bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
        async with running_bot(settings, database) as driver:
            yield driver

Set-up that is not under test (loading the sample plan, making someone a unit member) goes
straight to the use cases and storage, so each test only pays for the updates it checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from telegram import Update

from bot import knowledge
from bot.app import BotApplication, build_application, services_of
from bot.clock import ManualClock
from bot.config import Settings
from bot.plans import ImportOutcome, import_plan
from storage import units, users
from storage.db import Database
from storage.models import Report, Unit
from tests.support.fake_bot_api import ApiCall
from tests.support.recording_request import RecordingRequest
from tests.support.updates import (
    DocumentInput,
    JSONDict,
    chat_dict,
    make_callback_update,
    make_message_update,
    message_dict,
    next_update_id,
    user_dict,
)

NOW = datetime(2025, 6, 1, 1, 0, tzinfo=UTC)  # 08:00 on 01/06/2025 in Hà Nội: first half-year
ADMIN = 1  # ADMIN_IDS in the settings fixture
AN, BINH, CUONG = 2001, 2002, 2003
GROUP = -1001234567890
SPIKY = 2004  # a name with HTML in it: "<" and "&" must be escaped before sending
NAMES = {
    ADMIN: "Lê Văn Quản",
    AN: "Nguyễn Văn An",
    BINH: "Trần Thị Bình",
    CUONG: "Phạm Văn Cường",
    SPIKY: "An <3 & Bình",
}

PLANS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "plans"
# Our own sample plan: Kế hoạch 27/KH-UBND, targets in mục II.2 — (1) cây phân tán 58.000 cây,
# (2) a compound line (lợn 4.200, bò 600, gia cầm 90.000 con), (3) thóc 1.850 tấn,
# (4) BHYT ≥ 95%, (5) việc làm 350 người, (6) đường GTNT 12 km, (7) hộ nghèo ≤ 1,5%, … up to
# (14): more than /chitieu's 12 a page. Mục III.2 says who appraises award dossiers.
PLAN_FILE = PLANS_DIR / "ke_hoach_xa_dong_tien_2025.md"
PLAN_LABEL = "Kế hoạch 27/KH-UBND"
# A second, unrelated plan (a village's table of three targets) to switch between plans.
OTHER_PLAN_FILE = PLANS_DIR / "ke_hoach_bang_chi_tieu.md"


@dataclass(frozen=True)
class Sent:
    """One message the bot sent: its visible text (or caption) and its inline buttons."""

    chat_id: int
    message_id: int
    text: str
    buttons: tuple[tuple[str, str], ...]  # (label, callback data)

    @classmethod
    def from_message(cls, message: JSONDict) -> Sent:
        keyboard = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        buttons = tuple(
            (str(b["text"]), str(b.get("callback_data", ""))) for row in keyboard for b in row
        )
        text = str(message.get("text", message.get("caption", "")))
        return cls(int(message["chat"]["id"]), int(message["message_id"]), text, buttons)


@dataclass(frozen=True)
class Replies:
    """What the bot sent in answer to one update, in order."""

    messages: tuple[Sent, ...]
    calls: tuple[ApiCall, ...] = field(repr=False)

    @property
    def text(self) -> str:
        """Every message's text, joined by blank lines."""
        return "\n\n".join(m.text for m in self.messages)

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """Every inline button of every message, in order."""
        return [b for m in self.messages for b in m.buttons]

    def labels(self) -> list[str]:
        """The button labels."""
        return [label for label, _ in self.buttons]

    def button(self, label_part: str) -> str:
        """The callback data of the one button whose label contains *label_part*."""
        found = [data for label, data in self.buttons if label_part in label]
        assert len(found) == 1, f"{label_part!r} in {self.labels()}"
        return found[0]

    def message_with(self, text_part: str) -> Sent:
        """The first message whose text contains *text_part*."""
        for message in self.messages:
            if text_part in message.text:
                return message
        raise AssertionError(f"no message with {text_part!r} in {self.text!r}")

    def api(self, method: str) -> list[ApiCall]:
        """The recorded calls of *method* (e.g. ``sendDocument``) made for this update."""
        return [c for c in self.calls if c.method == method]

    def __bool__(self) -> bool:
        return bool(self.messages)


@dataclass
class BotDriver:
    """The application under test, its recorded Bot API, its clock and its database."""

    app: BotApplication
    request: RecordingRequest
    clock: ManualClock
    db: Database
    _edits: int = 0

    async def process(self, update: Update) -> Replies:
        """Run *update* through the application; what the bot sent in answer."""
        self.request.clear()
        await self.app.process_update(update)
        calls = tuple(self.request.calls())
        messages = tuple(Sent.from_message(m) for m in self.request.sent_messages())
        return Replies(messages, calls)

    def message(
        self,
        text: str | None,
        user_id: int,
        *,
        chat_id: int | None = None,
        message_id: int | None = None,
        document: DocumentInput | None = None,
        caption: str | None = None,
    ) -> Update:
        """A new-message update from *user_id* (private chat unless *chat_id*)."""
        return make_message_update(
            self.app.bot,
            text,
            user_id=user_id,
            chat_id=chat_id,
            first_name=NAMES.get(user_id, "Người dùng"),
            message_id=message_id,
            document=document,
            caption=caption,
        )

    async def send(
        self, text: str, user_id: int, *, chat_id: int | None = None, message_id: int | None = None
    ) -> Replies:
        """Process a text message from *user_id*."""
        return await self.process(
            self.message(text, user_id, chat_id=chat_id, message_id=message_id)
        )

    async def send_file(
        self, document: DocumentInput, user_id: int, *, caption: str | None = None
    ) -> Replies:
        """Process a document: ``(filename, bytes)`` (served to ``getFile`` by the recording
        request) or a ready Document dict."""
        return await self.process(self.message(None, user_id, document=document, caption=caption))

    async def send_plan_file(
        self, path: Path, user_id: int, *, caption: str | None = "/kehoach"
    ) -> Replies:
        """Send the file at *path* (by default with the caption ``/kehoach``)."""
        content = await asyncio.to_thread(path.read_bytes)
        return await self.send_file((path.name, content), user_id, caption=caption)

    def edited(
        self, text: str, message_id: int, user_id: int, *, chat_id: int | None = None
    ) -> Update:
        """An edited-message update: *message_id* now reads *text*. Each one built here has
        its own ``edit_date``, as successive real edits do (Telegram's are whole seconds)."""
        self._edits += 1
        name = NAMES.get(user_id, "Người dùng")
        message = message_dict(
            chat_dict(user_id if chat_id is None else chat_id, first_name=name),
            user_dict(user_id, name),
            message_id,
            text=text,
            edit_date=int(self.clock.now().timestamp()) + self._edits,
        )
        payload = {"update_id": next_update_id(), "edited_message": message}
        return Update.de_json(payload, self.app.bot)

    async def edit(
        self, text: str, message_id: int, user_id: int, *, chat_id: int | None = None
    ) -> Replies:
        """Process an edit of message *message_id* so that it now reads *text*."""
        return await self.process(self.edited(text, message_id, user_id, chat_id=chat_id))

    async def press(
        self, data: str, user_id: int, *, chat_id: int | None = None, on: Sent | None = None
    ) -> Replies:
        """Press the inline button carrying *data* (under the bot message *on*, if given)."""
        update = make_callback_update(
            self.app.bot,
            data,
            user_id=user_id,
            chat_id=chat_id if on is None else on.chat_id,
            message_id=1 if on is None else on.message_id,
            message_text="…" if on is None else on.text,
            first_name=NAMES.get(user_id, "Người dùng"),
        )
        return await self.process(update)

    async def choose_plan(self, which: str, user_id: int = ADMIN) -> Replies:
        """``/kehoach chon <which>`` and the press that confirms the switch."""
        asked = await self.send(f"/kehoach chon {which}", user_id)
        confirm = [data for label, data in asked.buttons if label.startswith("Dùng")]
        if not confirm:  # not found, already in use: nothing to confirm
            return asked
        return await self.press(confirm[0], user_id, on=asked.messages[-1])

    # ---------------------------------------------------------------- set-up shortcuts

    async def load_plan(self, path: Path = PLAN_FILE, *, name: str | None = None) -> ImportOutcome:
        """Import a plan file as the admin would (the first one imported becomes active)."""
        content = await asyncio.to_thread(path.read_bytes)
        outcome = await import_plan(self.db, content, path.name, name=name, imported_by=ADMIN)
        knowledge.invalidate(services_of(self.app))
        return outcome

    async def unit(self, name: str) -> Unit:
        """The unit called *name*, created when missing."""
        async with self.db.session() as session:
            unit = await units.find_unit(session, name)
            if unit is None:
                unit = await units.create_unit(
                    session, name, created_by=ADMIN, now=self.clock.now()
                )
            return unit

    async def add_member(self, user_id: int, unit_name: str) -> Unit:
        """Make *user_id* (known by name) a member of *unit_name*."""
        unit = await self.unit(unit_name)
        async with self.db.session() as session:
            await users.upsert_user(session, user_id, NAMES.get(user_id, ""), None)
            await units.join_unit(
                session, user_telegram_id=user_id, unit=unit, now=self.clock.now()
            )
        return unit

    async def bind_group(self, chat_id: int, unit_name: str) -> Unit:
        """Bind the group *chat_id* to *unit_name*: everyone there reports for that unit."""
        unit = await self.unit(unit_name)
        async with self.db.session() as session:
            await units.bind_chat(
                session,
                chat_telegram_id=chat_id,
                chat_type="supergroup",
                title="Nhóm thôn",
                unit=unit,
            )
        return unit

    async def reports(self) -> list[Report]:
        """Every stored report row, oldest first."""
        async with self.db.session() as session:
            return list(await session.scalars(select(Report).order_by(Report.id)))

    async def rows(self, model: type[Any], *where: Any) -> Sequence[Any]:
        """Every row of *model* (filtered by *where*), by id."""
        async with self.db.session() as session:
            return list(await session.scalars(select(model).where(*where).order_by(model.id)))


@asynccontextmanager
async def running_bot(settings: Settings, database: Database) -> AsyncIterator[BotDriver]:
    """The fully wired application, initialised and post-initialised; shut down on exit."""
    request, updates_request = RecordingRequest.pair()
    clock = ManualClock(NOW)
    app = build_application(
        settings, db=database, clock=clock, request=request, get_updates_request=updates_request
    )
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)  # admins from ADMIN_IDS, command menu, reminder schedule
    try:
        yield BotDriver(app, request, clock, database)
    finally:
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


__all__ = [
    "ADMIN",
    "AN",
    "BINH",
    "CUONG",
    "GROUP",
    "NAMES",
    "NOW",
    "OTHER_PLAN_FILE",
    "PLAN_FILE",
    "PLAN_LABEL",
    "BotDriver",
    "Replies",
    "Sent",
    "running_bot",
]
