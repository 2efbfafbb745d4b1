"""Hotline case rows, case-number counters and loaded holiday schedules.

Revision ID: h0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "h0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotline_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, unique=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
        sa.Column("status", sa.String(30), nullable=False, index=True),
        sa.Column("category", sa.String(40), nullable=False, index=True),
        sa.Column("treatment", sa.String(20), nullable=True, index=True),
        sa.Column("complexity", sa.String(20), nullable=True),
        sa.Column("departments", sa.JSON, nullable=False),
        sa.Column("urgency", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("confidential", sa.Boolean, nullable=False),
        sa.Column("caller", sa.JSON, nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=True, index=True),
        sa.Column("deadline_provisional", sa.Boolean, nullable=False),
        sa.Column("reminded", sa.Boolean, nullable=False),
        sa.Column("overdue", sa.Boolean, nullable=False, index=True),
        sa.Column("returns", sa.Integer, nullable=False),
        sa.Column("satisfaction", sa.String(30), nullable=True),
        sa.Column("supplements", sa.JSON, nullable=False),
        sa.Column("repeat_calls", sa.JSON, nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False, index=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "hotline_case_counters",
        sa.Column("day", sa.String(8), primary_key=True),
        sa.Column("last", sa.Integer, nullable=False),
    )
    op.create_table(
        "hotline_calendar_schedules",
        sa.Column("year", sa.Integer, primary_key=True),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("loaded_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("hotline_calendar_schedules", "hotline_case_counters", "hotline_cases"):
        op.drop_table(table)
