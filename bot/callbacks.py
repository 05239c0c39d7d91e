"""Button payloads and the questions they answer, typed, in one place.

A button's ``callback_data`` is a small :class:`Press` model: a prefix naming the kind, then
its fields joined by ``:`` (``unit:del:12:1``). :meth:`Press.encode` builds it (refusing
anything over Telegram's 64 bytes) and :meth:`Press.decode` reads it back, None for data of
another kind or not in the canonical form. :meth:`Press.matches` is the handler's pattern.

A question asked with buttons is kept in the database (a restart loses nothing) as a
:class:`Pending` model: :func:`ask` stores it and returns the id the buttons carry,
:func:`answer` reads it back, typed, closing it (a question is answered once).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from storage import pending

CALLBACK_DATA_LIMIT = 64  # bytes, Telegram's limit


class Press(BaseModel):
    """A button's callback data: :data:`PREFIX` then the fields, in order, ``:``-joined."""

    model_config = ConfigDict(frozen=True)

    PREFIX: ClassVar[str]

    def encode(self) -> str:
        """The callback data of this press."""
        parts = []
        for value in self.model_dump().values():
            text = ("1" if value else "0") if isinstance(value, bool) else str(value)
            if ":" in text:
                raise ValueError(f"a ':' in a field of {type(self).__name__}: {text!r}")
            parts.append(text)
        data = self.PREFIX + ":".join(parts)
        if len(data.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError(f"callback data over {CALLBACK_DATA_LIMIT} bytes: {data!r}")
        return data

    @classmethod
    def decode(cls, data: object) -> Self | None:
        """The press *data* encodes, None when it is another kind's or malformed."""
        if not isinstance(data, str) or not data.startswith(cls.PREFIX):
            return None
        values = data.removeprefix(cls.PREFIX).split(":") if cls.model_fields else []
        if len(values) != len(cls.model_fields) or (not cls.model_fields and data != cls.PREFIX):
            return None
        try:
            press = cls.model_validate(dict(zip(cls.model_fields, values, strict=True)))
        except ValidationError:
            return None
        return press if press.encode() == data else None  # one spelling per press

    @classmethod
    def matches(cls, data: object) -> bool:
        """Whether *data* is a press of this kind (a ``CallbackQueryHandler`` pattern)."""
        return cls.decode(data) is not None


class Answer(Press):
    """Yes or no to a question kept as pending choice *pending_id*."""

    pending_id: int = Field(ge=0)
    yes: bool


class UnitDeletePress(Answer):
    """ "Xóa đơn vị" / "Thôi" under /donvi xoa."""

    PREFIX = "unit:del:"


class AdminDemotePress(Answer):
    """ "Gỡ quyền" / "Thôi" under /quantri bo."""

    PREFIX = "admin:bo:"


class PlanReimportPress(Answer):
    """ "Nạp lại" / "Thôi" before re-importing over reported figures."""

    PREFIX = "plan:re:"


class PlanUsePress(Answer):
    """ "Dùng kế hoạch số N" / "Thôi" before switching the plan in use."""

    PREFIX = "plan:use:"


class TargetConfirmPress(Answer):
    """ "Đồng ý" / "Thôi" under a destructive /chitieu change."""

    PREFIX = "tgc:"


class PlanActivatePress(Press):
    """ "Dùng kế hoạch số N" under the /kehoach list."""

    PREFIX = "plan:activate:"
    plan_id: int = Field(ge=0)


class PlanCandidatePress(Press):
    """ "➕ Thêm dòng N" under an import summary."""

    PREFIX = "plan:cand:"
    pending_id: int = Field(ge=0)


class PlanDeadlinePress(Press):
    """ "📅 dd/mm/yyyy — …" under an import summary."""

    PREFIX = "plan:dl:"
    pending_id: int = Field(ge=0)


class RoutePress(Press):
    """ "Ghi số liệu" (r) / "Đây là câu hỏi" (q) under a message read both ways."""

    PREFIX = "route:"
    pending_id: int = Field(ge=0)
    route: Literal["r", "q"]


PRESSES: tuple[type[Press], ...] = (
    UnitDeletePress,
    AdminDemotePress,
    PlanReimportPress,
    PlanUsePress,
    TargetConfirmPress,
    PlanActivatePress,
    PlanCandidatePress,
    PlanDeadlinePress,
    RoutePress,
)


# ---------------------------------------------------------------- pending questions


class Pending(BaseModel):
    """What a question asked with buttons needs once it is answered; :data:`KIND` names
    it in the database."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    KIND: ClassVar[str]

    def stored(self) -> dict[str, Any]:
        """The payload as stored (JSON types, field names as written before typing)."""
        return self.model_dump(mode="json", by_alias=True)


class UnitDeletion(Pending):
    """/donvi xoa: the unit to delete."""

    KIND = "unit.delete"
    unit_id: int


class AdminDemotion(Pending):
    """/quantri bo: whose admin role to take back."""

    KIND = "admin.demote"
    telegram_id: int


class PlanReimport(Pending):
    """A corrected plan file over one with reports: the file to import once agreed."""

    KIND = "plan.reimport"
    file_id: str
    filename: str
    name: str | None = None


class PlanSwitch(Pending):
    """/kehoach chon: the plan to use, and the one in use when asked."""

    KIND = "plan.activate"
    plan_id: int
    from_plan: int | None = Field(default=None, alias="from")


class PlanCandidateOffer(Pending):
    """ "➕ Thêm dòng N": a line of an imported plan the reader did not take as a target."""

    KIND = "plan.candidate"
    plan_id: int
    name: str
    value: str | None = None  # a Decimal, as text
    measure: str | None = None
    qualifier: str = "exact"
    text_value: str | None = None
    section_path: str = ""
    source_text: str = ""


class PlanDeadlineOffer(Pending):
    """ "📅 dd/mm/yyyy — …": a date an imported plan sets, to use as a deadline."""

    KIND = "plan.deadline"
    kind: str  # the plan's DeadlineKind
    due: date
    what: str


class TargetChange(Pending):
    """A destructive /chitieu change (remove, merge, a sheet removing targets) awaiting
    "Đồng ý": the plan it was asked about, the action and what the action needs."""

    model_config = ConfigDict(frozen=True, extra="allow")

    KIND = "targets.confirm"
    plan_id: int
    action: str

    def details(self) -> dict[str, Any]:
        """Everything kept, as the targets use case reads it."""
        return self.stored()


class RouteQuestion(Pending):
    """ "Report or question?": the message text asked about, and the message."""

    KIND = "route"
    text: str
    message_id: int | None = None


P = TypeVar("P", bound=Pending)


async def ask(
    session: AsyncSession, question: Pending, *, chat_id: int, user_id: int, now: datetime
) -> int:
    """Keep *question*, asked of *user_id* in *chat_id*; the id its buttons carry."""
    return await pending.create(
        session,
        kind=question.KIND,
        chat_telegram_id=chat_id,
        user_telegram_id=user_id,
        payload=question.stored(),
        now=now,
    )


async def answer(
    session: AsyncSession, kind: type[P], pending_id: int, *, user_id: int, now: datetime
) -> P | None:
    """The question *pending_id* of *kind* asked of *user_id*, closed (answered once); None
    when there is none open for them, or what is kept no longer reads as *kind*."""
    payload = await pending.take(
        session, pending_id, kind=kind.KIND, user_telegram_id=user_id, now=now
    )
    if payload is None:
        return None
    try:
        return kind.model_validate(payload)
    except ValidationError:
        return None
