"""Numbers for cases of processes other than the hotline's (from the same daily series as hotline cases).

Revision ID: h0005
Revises: h0004
"""

import sqlalchemy as sa
from alembic import op

revision = "h0005"
down_revision = "h0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotline_process_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, unique=True),
        sa.Column("number", sa.String(20), nullable=False, unique=True),
    )


def downgrade() -> None:
    op.drop_table("hotline_process_cases")
