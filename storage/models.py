"""SQLAlchemy 2 models: the whole persistent state of the bot.

Tables fall into four groups: people and chats (users, chats, audit log), plans (plans,
sections, targets, passages, synonyms, unanswered questions), units and progress (units,
memberships, invite codes, reports, pending choices) and reminders (deadlines, deliveries).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import ExactDecimal, UTCDateTime, utcnow

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with the project's naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {  # noqa: RUF012 - SQLAlchemy reads this class attribute
        datetime: UTCDateTime(),
        Decimal: ExactDecimal(),
        dict[str, Any]: JSON,
    }


class Role:
    """User roles. Admins configure; staff report for their unit; users only ask."""

    ADMIN = "admin"
    STAFF = "staff"
    USER = "user"


# ---------------------------------------------------------------- people and chats


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    full_name: Mapped[str] = mapped_column(String(256), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default=Role.USER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Chat(Base):
    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    type: Mapped[str] = mapped_column(String(16))  # private, group, supergroup, channel
    title: Mapped[str] = mapped_column(String(256), default="")
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    unreachable_at: Mapped[datetime | None] = mapped_column()  # bot blocked / kicked
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Append-only trail of who did what, from which chat and message."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    chat_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(64), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)


# ---------------------------------------------------------------- plans


class Plan(Base):
    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256))  # what admins call it
    title: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str | None] = mapped_column(String(64))  # "21/KH-UBND"
    issued_on: Mapped[date | None] = mapped_column(Date)
    year: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="ke_hoach")
    issuer: Mapped[str | None] = mapped_column(String(256))
    # Identity for "the same document imported again": number+year when known, else content.
    identity: Mapped[str] = mapped_column(String(128), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    source_filename: Mapped[str] = mapped_column(String(256), default="")
    raw_text: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=False)
    imported_by: Mapped[int | None] = mapped_column(BigInteger)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    sections: Mapped[list[PlanSection]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanSection.position"
    )
    targets: Mapped[list[PlanTarget]] = relationship(
        back_populates="plan", order_by="PlanTarget.position"
    )
    passages: Mapped[list[PlanPassage]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanPassage.position"
    )


class PlanSection(Base):
    __tablename__ = "plan_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="sections")


class PlanTarget(Base):
    """A target of a plan. Rows are kept (``retired``) when a re-import drops them,
    because reports point at them."""

    __tablename__ = "plan_targets"
    __table_args__ = (UniqueConstraint("plan_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    value: Mapped[Decimal | None] = mapped_column()
    measure: Mapped[str | None] = mapped_column(String(64))
    qualifier: Mapped[str] = mapped_column(String(16))
    section_path: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    parent_key: Mapped[str | None] = mapped_column(String(32))
    text_value: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set by an admin; None: inferred from qualifier, measure and name (Direction / Scope).
    direction: Mapped[str | None] = mapped_column(String(16))
    scope: Mapped[str | None] = mapped_column(String(16))
    # What an admin last did to the row ("added", "edited", "removed", "merged"); a
    # re-import of the document keeps the officer's word over what it reads.
    edited: Mapped[str | None] = mapped_column(String(16))
    merged_into: Mapped[str | None] = mapped_column(String(32))  # key of the surviving target
    edited_by: Mapped[int | None] = mapped_column(BigInteger)
    edited_at: Mapped[datetime | None] = mapped_column()

    plan: Mapped[Plan] = relationship(back_populates="targets")


class PlanPassage(Base):
    __tablename__ = "plan_passages"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section_path: Mapped[str] = mapped_column(String(64))
    heading: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="passages")


class Synonym(Base):
    """An admin-added abbreviation or everyday word: ``phrase`` means ``expansion``."""

    __tablename__ = "synonyms"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrase: Mapped[str] = mapped_column(String(128), unique=True)  # folded
    expansion: Mapped[str] = mapped_column(String(512))
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UnansweredQuestion(Base):
    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    folded: Mapped[str] = mapped_column(Text)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    asked_by: Mapped[int | None] = mapped_column(BigInteger)
    chat_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column()


# ---------------------------------------------------------------- units and progress


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(256))
    folded_name: Mapped[str] = mapped_column(String(256), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    deleted_at: Mapped[datetime | None] = mapped_column()  # soft delete: history stays


class Membership(Base):
    """A user's time in a unit; ``left_at`` closes it (leaving or moving)."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_user_open", "user_id", "left_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column()
    invite_code_id: Mapped[int | None] = mapped_column(
        ForeignKey("invite_codes.id", ondelete="SET NULL")
    )


class InviteCode(Base):
    __tablename__ = "invite_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class Report(Base):
    """One figure a unit reported for one target. Append-only: corrections and withdrawals
    add or mark rows, never delete them."""

    __tablename__ = "reports"
    __table_args__ = (
        # The same Telegram message (and edit) never yields two rows for one target.
        UniqueConstraint("source_key", "target_id"),
        Index("ix_reports_unit_target", "unit_id", "target_id", "reported_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("plan_targets.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    period_key: Mapped[str] = mapped_column(String(32), index=True)  # "2025-6thang"
    value: Mapped[Decimal] = mapped_column()  # as typed (an increment when mode=delta)
    mode: Mapped[str] = mapped_column(String(16))  # cumulative | delta
    cumulative_value: Mapped[Decimal] = mapped_column()  # the unit's total after this report
    reporter_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_telegram_id: Mapped[int] = mapped_column(BigInteger)
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    chat_telegram_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    source_key: Mapped[str] = mapped_column(String(128))  # chat:message:edit, or console id
    source_text: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column()
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"))


class TargetVerdict(Base):
    """The status someone set for a qualitative target in a period ("đạt" / "chưa đạt").
    Append-only like reports: the newest live row of a (target, period) stands."""

    __tablename__ = "target_verdicts"
    __table_args__ = (Index("ix_target_verdicts_target_period", "target_id", "period_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("plan_targets.id", ondelete="CASCADE"))
    period_key: Mapped[str] = mapped_column(String(32))
    achieved: Mapped[bool] = mapped_column(Boolean)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # None: an officer
    set_by_telegram_id: Mapped[int] = mapped_column(BigInteger)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    chat_telegram_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    source_text: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column()


class CommuneReporter(Base):
    """A unit that reports figures for the whole commune (the commune office, the health
    station): a rate's commune figure is theirs, never a sum or mean of the others'."""

    __tablename__ = "commune_reporters"

    unit_id: Mapped[int] = mapped_column(
        ForeignKey("units.id", ondelete="CASCADE"), primary_key=True
    )
    set_by_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class PendingChoice(Base):
    """A question the bot asked with buttons (which target? save anyway?), kept in the
    database so a restart loses nothing."""

    __tablename__ = "pending_choices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    chat_telegram_id: Mapped[int] = mapped_column(BigInteger)
    user_telegram_id: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column()


# ---------------------------------------------------------------- reminders


class Deadline(Base):
    """A reporting deadline. Kinds "6thang" and "nam" are one per year; "custom" is named."""

    __tablename__ = "deadlines"
    __table_args__ = (UniqueConstraint("year", "kind", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(256), default="")
    due_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(16), default="default")  # default | admin
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ReminderDelivery(Base):
    """One message of a reminder broadcast to one chat, recorded before it counts as sent."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (UniqueConstraint("deadline_id", "reminder_key", "chat_telegram_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    reminder_key: Mapped[str] = mapped_column(String(32))  # "d-7", "digest", "overdue"
    chat_telegram_id: Mapped[int] = mapped_column(BigInteger)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(
        String(16), default="pending"
    )  # pending|sent|failed|unreachable
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column()
    error: Mapped[str | None] = mapped_column(Text)


# ---------------------------------------------------------------- the durable inbox


class InboxStatus:
    """Life of an inbox row: pending → claimed → done (or failed after too many attempts)."""

    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    FAILED = "failed"


class InboxUpdate(Base):
    """One Telegram update, stored before Telegram is told it was received (the next
    getUpdates offset, or the webhook's 200), and processed from here."""

    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_status_update", "status", "update_id"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # Updates of one chat are handled in order; None for updates without a chat.
    chat_telegram_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.PENDING)
    claimed_by: Mapped[str | None] = mapped_column(String(128))
    claimed_at: Mapped[datetime | None] = mapped_column()
    done_at: Mapped[datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
