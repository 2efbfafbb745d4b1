"""Returns per department (filled by the case projection) and the record of scheduled report runs.

Revision ID: h0003
Revises: h0002
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "h0003"
down_revision = "h0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotline_returns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, index=True),
        sa.Column("department", sa.String(40), nullable=False, index=True),
        sa.Column("returned_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "hotline_report_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("period_start", UTCDateTime(), nullable=False),
        sa.Column("period_end", UTCDateTime(), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "period_start"),
    )


def downgrade() -> None:
    op.drop_table("hotline_report_runs")
    op.drop_table("hotline_returns")
