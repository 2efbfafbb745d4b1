"""Audit events say whether their command continued the workflow kept in memory (``warm``), for replay.

Every event recorded before has ``warm`` false: its command loaded the saved state, as replay then does.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("warm", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column("audit_events", "warm")
