"""Overdue lists read newest first from an index, however much closed history there is.

Revision ID: h0004
Revises: h0003
"""

from alembic import op

revision = "h0004"
down_revision = "h0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_hotline_cases_overdue_order", "hotline_cases", ["overdue", "registered_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_hotline_cases_overdue_order", "hotline_cases")
