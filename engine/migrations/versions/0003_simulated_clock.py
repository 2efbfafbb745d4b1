"""The simulated clock shared by every node (training and demos): its base moment and when it was set.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "simulated_clock",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("base", UTCDateTime(), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.Column("running", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("simulated_clock")
