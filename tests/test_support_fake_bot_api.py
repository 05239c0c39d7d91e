"""The Telegram test harness works: a real PTB Application against FakeBotApi over HTTP, the
fake's Bot API behaviour and faults, and handler tests with RecordingRequest."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from tests.support import (
    DEFAULT_TOKEN,
    FakeBotApi,
    RecordingRequest,
    make_callback_update,
    make_edited_message_update,
    make_message_update,
)
from tests.support.fixtures import AnyApplication, builder_for, polling

Context = CallbackContext[Any, Any, Any, Any]
USER = 5001
PLAN_DOCX = b"PK\x03\x04" + "Kế hoạch thi đua năm 2025 – xã mẫu".encode() * 40


def _vn_int(value: int) -> str:
    """1600 → "1.600", the Vietnamese grouping the bot uses."""
    return f"{value:,}".replace(",", ".")


# ─── a tiny bot, built here so the harness is tested on its own ──────────────────────────


async def _start(update: Update, context: Context) -> None:
    assert update.effective_message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Xem tiến độ", callback_data="xem")]])
    await update.effective_message.reply_text(
        "Xin chào <b>anh/chị</b>!", parse_mode=ParseMode.HTML, reply_markup=keyboard
    )


async def _button(update: Update, context: Context) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Đã nhận")
    await query.edit_message_text(f"Anh/chị đã chọn: {query.data}")


async def _document(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None and message.document is not None
    telegram_file = await message.document.get_file()
    content = await telegram_file.download_as_bytearray()
    name = message.document.file_name
    await message.reply_text(f"Đã nhận tệp {name}: {_vn_int(len(content))} byte")


def _add_handlers(application: AnyApplication, errors: list[BaseException]) -> None:
    async def on_error(update: object, context: Context) -> None:
        assert context.error is not None
        errors.append(context.error)

    application.add_handler(CommandHandler("start", _start))
    application.add_handler(CallbackQueryHandler(_button))
    application.add_handler(MessageHandler(filters.Document.ALL, _document))
    application.add_error_handler(on_error)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
def errors() -> list[BaseException]:
    return []


@pytest.fixture
def app(fake: FakeBotApi, errors: list[BaseException]) -> AnyApplication:
    application: AnyApplication = builder_for(fake).build()
    _add_handlers(application, errors)
    return application


def _replied(chat_id: int) -> Any:
    return lambda call: call.method == "sendMessage" and call.ok and call.chat_id == chat_id


# ─── the real Application over HTTP ──────────────────────────────────────────────────────


async def test_start_command_gets_a_reply(fake: FakeBotApi, app: AnyApplication) -> None:
    async with polling(app):
        update = fake.inject_command(USER, USER, "start")
        call = await fake.wait_for(_replied(USER))
    assert call.params["parse_mode"] == "HTML"
    assert call.params["text"] == "Xin chào <b>anh/chị</b>!"
    message = call.result
    assert message["text"] == "Xin chào anh/chị!"  # what the user sees: tags parsed
    assert message["from"]["is_bot"] is True
    assert message["message_id"] == update["message"]["message_id"] + 1
    assert message["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "xem"
    # the updater confirmed the update, so it is not delivered again
    assert fake.pending_updates() == []
    assert [c.method for c in fake.calls()][:2] == ["getMe", "deleteWebhook"]


async def test_button_press_is_answered_and_edits_the_message(
    fake: FakeBotApi, app: AnyApplication
) -> None:
    async with polling(app):
        fake.inject_command(USER, USER, "start")
        sent = (await fake.wait_for(_replied(USER))).result
        fake.inject_callback(USER, USER, "xem")
        answer = await fake.wait_for("answerCallbackQuery")
        edit = await fake.wait_for("editMessageText")
    assert answer.ok and answer.params["text"] == "Đã nhận"
    assert edit.ok and edit.params["message_id"] == sent["message_id"]
    assert edit.result["text"] == "Anh/chị đã chọn: xem"
    assert "reply_markup" not in edit.result  # the edit did not keep the keyboard


async def test_document_round_trips_through_get_file_and_download(
    fake: FakeBotApi, app: AnyApplication
) -> None:
    async with polling(app):
        fake.inject_message(USER, USER, document=("Kế hoạch thi đua.docx", PLAN_DOCX))
        reply = await fake.wait_for(_replied(USER))
    assert (
        reply.params["text"] == f"Đã nhận tệp Kế hoạch thi đua.docx: {_vn_int(len(PLAN_DOCX))} byte"
    )
    get_file = fake.calls("getFile")[0]
    download = fake.calls("downloadFile")[0]
    assert get_file.ok and download.ok
    assert download.params["file_path"] == get_file.result["file_path"]


async def test_updater_retries_get_updates_after_a_server_error(
    fake: FakeBotApi, app: AnyApplication
) -> None:
    fake.fail_next("getUpdates", 1, "500")
    fake.inject_command(USER, USER, "start")
    async with polling(app):
        await fake.wait_for(_replied(USER))
    statuses = [call.status for call in fake.calls("getUpdates")]
    assert statuses[0] == 500
    assert 200 in statuses[1:]


async def test_send_error_reaches_the_error_handler_then_sending_recovers(
    fake: FakeBotApi, app: AnyApplication, errors: list[BaseException]
) -> None:
    fake.fail_next("sendMessage", 1, "500")
    async with polling(app):
        fake.inject_command(USER, USER, "start")
        failed = await fake.wait_for("sendMessage")
        fake.inject_command(USER, USER, "start")
        await fake.wait_for(_replied(USER))
    # updates are processed one after another, so the first one's error handler has run
    assert failed.status == 500
    assert len(errors) == 1 and isinstance(errors[0], NetworkError)
    assert len(fake.sent_messages(USER)) == 1


async def test_wrong_token_makes_initialize_raise_invalid_token(fake: FakeBotApi) -> None:
    application: AnyApplication = builder_for(fake, token="123456789:WRONG-token").build()
    try:
        with pytest.raises(InvalidToken):
            await application.initialize()
    finally:
        await application.bot.shutdown()  # Application.shutdown skips a failed initialise
    assert fake.calls("getMe")[0].status == 401


# ─── the fake's Bot API behaviour, through a plain Bot ───────────────────────────────────


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    request = HTTPXRequest(connection_pool_size=8, read_timeout=5)
    async with Bot(
        fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, request=request
    ) as client:
        yield client


# PTB 22 itself warns when it builds a RetryAfter (its retry_after type will change).
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_faults_map_to_the_errors_ptb_raises(fake: FakeBotApi, bot: Bot) -> None:
    fake.fail_next("sendMessage", 1, "429", retry_after=3)
    with pytest.raises(RetryAfter, match="Retry in 3 seconds"):
        await bot.send_message(USER, "a")

    fake.fail_next("sendMessage", 1, "502")
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "b")

    fake.fail_next("sendMessage", 1, "400", chat_id=777)
    await bot.send_message(USER, "other chats are unaffected")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(777, "c")

    fake.block_chat(USER)
    with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
        await bot.send_message(USER, "d")
    fake.unblock_chat(USER)
    await bot.send_message(USER, "e")

    assert fake.served_429 == 1
    assert fake.sent_texts() == ["other chats are unaffected", "e"]


async def test_delay_fault_times_the_client_out_but_the_call_takes_effect(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.fail_next("sendMessage", 1, "delay", delay=0.15)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "chậm", read_timeout=0.05)
    late = await fake.wait_for("sendMessage")
    assert late.ok and late.result["text"] == "chậm"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_rate_limit_answers_429_per_chat_and_globally() -> None:
    now = [100.0]
    async with FakeBotApi(clock=lambda: now[0]) as fake:
        fake.set_rate_limit(global_per_second=3, per_chat_per_second=1)
        async with Bot(fake.token, base_url=fake.base_url) as client:
            await client.send_message(1, "1")
            with pytest.raises(RetryAfter):
                await client.send_message(1, "2")  # same chat within the second
            await client.send_message(2, "3")
            await client.send_message(3, "4")
            with pytest.raises(RetryAfter):
                await client.send_message(4, "5")  # fourth message in the second
            now[0] += 1.0
            await client.send_message(1, "6")
    assert fake.rate_limited == 2 and fake.served_429 == 2
    assert fake.sent_texts() == ["1", "3", "4", "6"]


async def test_edits_follow_telegram_rules(fake: FakeBotApi, bot: Bot) -> None:
    sent = await bot.send_message(USER, "Tiến độ: 50%")
    edited = await bot.edit_message_text("Tiến độ: 96%", chat_id=USER, message_id=sent.message_id)
    assert isinstance(edited, type(sent)) and edited.text == "Tiến độ: 96%"
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Tiến độ: 96%", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=999)


async def test_text_is_checked_like_telegram_does(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)unsupported start tag"):
        await bot.send_message(USER, "Số liệu <br> mới", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "Tổng < 5", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)end tag"):
        await bot.send_message(USER, "<b>đậm", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "ư" * 4097)
    message = await bot.send_message(USER, "ư" * 4096)
    assert message.text == "ư" * 4096
    escaped = await bot.send_message(USER, "Tổng &lt; 5", parse_mode=ParseMode.HTML)
    assert escaped.text == "Tổng < 5"


async def test_commands_are_published_per_scope(fake: FakeBotApi, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Bắt đầu"), ("baocao", "Báo cáo tiến độ")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "baocao"]
    assert fake.my_commands() == ["start", "baocao"]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([("BaoCao", "chữ hoa không được phép")])
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_unknown_method_is_404_and_recorded(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": USER})
    assert fake.calls("sendHologram")[0].status == 404


async def test_uploaded_document_and_photo_can_be_downloaded_again(
    fake: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_document(USER, PLAN_DOCX, filename="Báo cáo 6 tháng.docx", caption="Mẫu")
    assert sent.document is not None and sent.caption == "Mẫu"
    assert sent.document.file_name == "Báo cáo 6 tháng.docx"
    call = fake.calls("sendDocument")[0]
    assert call.files == {"document": PLAN_DOCX}
    assert call.filenames == {"document": "Báo cáo 6 tháng.docx"}
    downloaded = await (await bot.get_file(sent.document.file_id)).download_as_bytearray()
    assert bytes(downloaded) == PLAN_DOCX

    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I4sII", 13, b"IHDR", 640, 480) + b"\x00" * 32
    photo = await bot.send_photo(USER, png)
    assert (photo.photo[-1].width, photo.photo[-1].height) == (640, 480)
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("không-có")


async def test_many_concurrent_sends_all_succeed(fake: FakeBotApi, bot: Bot) -> None:
    chats = range(1, 51)
    await asyncio.gather(*(bot.send_message(c, f"Nhắc hạn {i}") for c in chats for i in range(3)))
    assert len(fake.sent_messages()) == 150
    for chat in chats:
        ids = sorted(m["message_id"] for m in fake.sent_messages(chat))
        assert ids == [1, 2, 3]


async def test_many_simultaneous_connections_are_served(fake: FakeBotApi) -> None:
    async def one(chat_id: int) -> bytes:
        form = f"chat_id={chat_id}&text=Xin+ch%C3%A0o".encode()
        head = (
            f"POST /bot{DEFAULT_TOKEN}/sendMessage HTTP/1.1\r\nConnection: close\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\n\r\n"
        )
        return await _raw_exchange(fake, head.encode() + form)

    responses = await asyncio.gather(*(one(chat) for chat in range(1, 301)))
    assert all(r.startswith(b"HTTP/1.1 200 OK") for r in responses)
    assert fake.connections_opened == 300
    assert fake.sent_texts(42) == ["Xin chào"]


# ─── long polling, waiting and the HTTP layer ────────────────────────────────────────────


async def test_long_poll_wakes_on_injection_and_offset_confirms(fake: FakeBotApi, bot: Bot) -> None:
    assert await bot.get_updates(timeout=0) == ()
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await fake.wait_until_polling()
    fake.inject_message(USER, USER, "Đã trồng được 12.500 cây")
    updates = await asyncio.wait_for(poll, 5)  # woken at once, long before the 30 s
    assert updates[0].message is not None
    assert updates[0].message.text == "Đã trồng được 12.500 cây"
    again = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert again == ()


async def test_wait_for_consumes_calls_in_order_and_times_out(fake: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(USER, "một")
    await bot.send_message(USER, "hai")
    assert (await fake.wait_for("sendMessage")).params["text"] == "một"
    assert (await fake.wait_for("sendMessage")).params["text"] == "hai"
    with pytest.raises(TimeoutError, match="sendMessage"):
        await fake.wait_for("sendMessage", timeout=0.05)


async def _raw_exchange(fake: FakeBotApi, payload: bytes) -> bytes:
    reader, writer = await asyncio.open_connection(fake.host, fake.port)
    writer.write(payload)
    await writer.drain()
    data = await reader.read()  # the server closes after "Connection: close"
    writer.close()
    await writer.wait_closed()
    return data


async def test_http_keep_alive_chunked_and_errors(fake: FakeBotApi) -> None:
    form = b"chat_id=5001&text=123"
    chunked = b"b\r\nchat_id=500\r\na\r\n1&text=abc\r\n0\r\n\r\n"
    raw = (
        f"POST /bot{DEFAULT_TOKEN}/sendMessage HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(form)}\r\n\r\n"
    ).encode() + form
    raw += (
        f"POST /bot{DEFAULT_TOKEN}/sendMessage HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    ).encode() + chunked
    response = await _raw_exchange(fake, raw)
    assert response.count(b"HTTP/1.1 200 OK") == 2
    assert fake.connections_opened == 1
    first, second = fake.calls("sendMessage")
    assert first.params == {"chat_id": 5001, "text": "123"}  # text stays a string
    assert second.params == {"chat_id": 5001, "text": "abc"}

    missing = await _raw_exchange(fake, b"GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n")
    assert missing.startswith(b"HTTP/1.1 404")
    garbage = await _raw_exchange(fake, b"NONSENSE\r\n\r\n")
    assert garbage.startswith(b"HTTP/1.1 400")
    stranger = await _raw_exchange(
        fake, b"GET /file/bot1:x/documents/a.bin HTTP/1.1\r\nConnection: close\r\n\r\n"
    )
    assert stranger.startswith(b"HTTP/1.1 401")


# ─── handler tests without network ───────────────────────────────────────────────────────


async def test_recording_request_drives_handlers_offline() -> None:
    request, updates_request = RecordingRequest.pair()
    application: AnyApplication = (
        Application.builder()
        .token(DEFAULT_TOKEN)
        .request(request)
        .get_updates_request(updates_request)
        .build()
    )
    errors: list[BaseException] = []
    _add_handlers(application, errors)
    async with application:
        await application.process_update(make_message_update(application.bot, "/start"))
        await application.process_update(make_callback_update(application.bot, "xem"))
        document = make_message_update(application.bot, document=("bao_cao.xlsx", b"x" * 1600))
        await application.process_update(document)
        await application.process_update(make_message_update(application.bot, "chữ thường"))
    assert errors == []
    assert request.sent_texts() == ["Xin chào anh/chị!", "Đã nhận tệp bao_cao.xlsx: 1.600 byte"]
    assert request.calls("getMe")[0].ok
    assert request.calls("answerCallbackQuery")[0].params["text"] == "Đã nhận"
    assert request.calls("editMessageText")[0].result["text"] == "Anh/chị đã chọn: xem"
    assert [c.method for c in request.calls() if c.method == "downloadFile"] == ["downloadFile"]


async def test_recording_request_faults_surface_as_ptb_errors() -> None:
    request = RecordingRequest()
    async with Bot(DEFAULT_TOKEN, request=request) as client:
        request.fail_next("sendMessage", 1, "403")
        with pytest.raises(Forbidden):
            await client.send_message(USER, "x")
        request.fail_next("sendMessage", 1, "delay", delay=0.1)
        with pytest.raises(TimedOut):
            await client.send_message(USER, "y", read_timeout=0.01)
        late = await request.wait_for(lambda c: c.method == "sendMessage" and c.ok)
        assert late.params["text"] == "y"


async def test_update_builders_make_bound_updates_handlers_match() -> None:
    async with Bot(DEFAULT_TOKEN, request=RecordingRequest()) as bot:
        _check_builders(bot)


def _check_builders(bot: Bot) -> None:
    command = make_message_update(bot, "/baocao 12.500 cây", user_id=7, first_name="Lê Thị Hoa")
    assert command.message is not None and command.message.get_bot() is bot
    assert CommandHandler("baocao", _start).check_update(command)
    assert command.effective_chat is not None and command.effective_chat.type == "private"
    group = make_message_update(bot, "chào", user_id=7, chat_id=-1001, chat_type="supergroup")
    assert group.effective_chat is not None and group.effective_chat.id == -1001
    edited = make_edited_message_update(bot, "sửa lại", message_id=3, user_id=7)
    assert edited.edited_message is not None and edited.edited_message.edit_date is not None
    pressed = make_callback_update(bot, "chon:1", user_id=7, message_id=9)
    assert pressed.callback_query is not None and pressed.callback_query.data == "chon:1"
    assert pressed.callback_query.message is not None
    assert pressed.callback_query.message.message_id == 9
    assert command.update_id < group.update_id < edited.update_id < pressed.update_id
