"""qualitative target verdicts and units reporting for the whole commune

Revision ID: 0004_reports
Revises: 0003_control
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0004_reports"
down_revision: str | None = "0003_control"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "target_verdicts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.Integer(), nullable=False),
        sa.Column("period_key", sa.String(length=32), nullable=False),
        sa.Column("achieved", sa.Boolean(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("set_by_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("set_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("chat_telegram_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("source_text", sa.Text(), nullable=False),
        sa.Column("withdrawn_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_target_verdicts_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["plan_targets.id"],
            name=op.f("fk_target_verdicts_target_id_plan_targets"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_target_verdicts_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_verdicts")),
    )
    with op.batch_alter_table("target_verdicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_target_verdicts_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(
            "ix_target_verdicts_target_period", ["target_id", "period_key"], unique=False
        )
    op.create_table(
        "commune_reporters",
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("set_by_telegram_id", sa.BigInteger(), nullable=True),
        sa.Column("set_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["units.id"],
            name=op.f("fk_commune_reporters_unit_id_units"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("unit_id", name=op.f("pk_commune_reporters")),
    )


def downgrade() -> None:
    op.drop_table("commune_reporters")
    with op.batch_alter_table("target_verdicts", schema=None) as batch_op:
        batch_op.drop_index("ix_target_verdicts_target_period")
        batch_op.drop_index(batch_op.f("ix_target_verdicts_plan_id"))
    op.drop_table("target_verdicts")
