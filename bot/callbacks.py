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
from typing import Annotated, Any, ClassVar, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
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
        return self._fitting(self.PREFIX + ":".join(parts))

    @staticmethod
    def _fitting(data: str) -> str:
        """*data*, refused when over Telegram's limit."""
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


class AnswerChoicePress(Press):
    """A close match under a /hoi answer ("t:5": target 5, "p:37": passage 37) or
    "Không phải" (*hit* ``none``, *ref* the pending question it records), for plan *plan_id*
    (after a switch of plan "t:5" is another target)."""

    PREFIX = "qa:"
    plan_id: int = Field(ge=0)
    hit: Literal["t", "p", "none"]
    ref: str = Field(min_length=1, max_length=36)

    @model_validator(mode="after")
    def _none_names_a_question(self) -> Self:
        if self.hit == "none" and not (self.ref.isascii() and self.ref.isdigit()):
            raise ValueError("'none' carries the id of the question it records")
        return self

    @classmethod
    def choice(cls, plan_id: int, hit_id: str) -> Self:
        """The button for the matcher's hit *hit_id* ("t:5")."""
        hit, _, ref = hit_id.partition(":")
        return cls.model_validate({"plan_id": plan_id, "hit": hit, "ref": ref})

    @classmethod
    def none_of_them(cls, plan_id: int, pending_id: int) -> Self:
        """ "Không phải": none of the matches, the question kept as *pending_id*."""
        return cls(plan_id=plan_id, hit="none", ref=str(pending_id))

    @property
    def hit_id(self) -> str:
        """The matcher's id of the chosen hit ("t:5")."""
        return f"{self.hit}:{self.ref}"

    @property
    def pending_id(self) -> int | None:
        """The question "Không phải" records; None for a match."""
        return int(self.ref) if self.hit == "none" else None


class TargetsPagePress(Press):
    """ "◀ Trước" / "Sau ▶" under /chitieu: the page (from 0) to show."""

    PREFIX = "ct:"
    page: int = Field(ge=0)


class ReportChoicePress(Press):
    """A button under a report question: a target or a reading by its index, "ok" (save
    anyway), "add"/"total" (adds to the total or is the new total), "x" (skip)."""

    PREFIX = "rp:"
    pending_id: int = Field(ge=0)
    choice: Literal["x", "ok", "add", "total"] | Annotated[int, Field(ge=0, le=99)]


class UndoPress(Press):
    """ "Hoàn tác" under a confirmation: the reports *first* to *last* it saved, written
    ``rpu:12`` or ``rpu:12-14`` (the form buttons already sent carry)."""

    PREFIX = "rpu:"
    first: int = Field(ge=0)
    last: int = Field(ge=0)

    @model_validator(mode="after")
    def _in_order(self) -> Self:
        if self.last < self.first:
            raise ValueError("the last report comes after the first")
        return self

    @property
    def report_ids(self) -> range:
        """The ids of the reports to withdraw."""
        return range(self.first, self.last + 1)

    def encode(self) -> str:
        span = str(self.first) if self.first == self.last else f"{self.first}-{self.last}"
        return self._fitting(self.PREFIX + span)

    @classmethod
    def decode(cls, data: object) -> Self | None:
        if not isinstance(data, str) or not data.startswith(cls.PREFIX):
            return None
        first, _, last = data.removeprefix(cls.PREFIX).partition("-")
        try:
            press = cls.model_validate({"first": first, "last": last or first})
        except ValidationError:
            return None
        return press if press.encode() == data else None


class ReportStartPress(Press):
    """ "Báo cáo ngay" under a reminder: how to send figures."""

    PREFIX = "rep:start"


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
    AnswerChoicePress,
    TargetsPagePress,
    ReportChoicePress,
    UndoPress,
    ReportStartPress,
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


class UnansweredChoice(Pending):
    """A /hoi answered with close matches: the question "Không phải" records, and the plan
    it was asked of."""

    KIND = "qa_none"
    question: str
    plan_id: int


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
