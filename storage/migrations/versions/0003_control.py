"""plan targets: direction, scope and the officer's edits

Revision ID: 0003_control
Revises: 0002_inbox
Create Date: 2026-12-04 17:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0003_control'
down_revision: str | None = '0002_inbox'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('plan_targets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('direction', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('edited', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('merged_into', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('edited_by', sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column('edited_at', storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('plan_targets', schema=None) as batch_op:
        batch_op.drop_column('edited_at')
        batch_op.drop_column('edited_by')
        batch_op.drop_column('merged_into')
        batch_op.drop_column('edited')
        batch_op.drop_column('scope')
        batch_op.drop_column('direction')
