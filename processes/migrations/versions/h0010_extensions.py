"""Deadline extensions: the requests and decisions on each case row, and one row per decision for reports.

Revision ID: h0010
Revises: h0009
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "h0010"
down_revision = "h0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hotline_cases") as batch:
        batch.add_column(sa.Column("extensions", sa.JSON, nullable=False, server_default="[]"))
    op.create_table(
        "hotline_extensions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, index=True),
        sa.Column("department", sa.String(40), nullable=False, index=True),
        sa.Column("requested_days", sa.Integer, nullable=False),
        sa.Column("granted_days", sa.Integer, nullable=False),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("hotline_extensions")
    with op.batch_alter_table("hotline_cases") as batch:
        batch.drop_column("extensions")
