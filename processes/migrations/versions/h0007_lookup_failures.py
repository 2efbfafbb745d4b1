"""Failed public progress lookups per client (hashed address), for rate-limiting guesses.

Revision ID: h0007
Revises: h0006
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "h0007"
down_revision = "h0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotline_lookup_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("client_hash", sa.String(64), nullable=False, index=True),
        sa.Column("at", UTCDateTime(), nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("hotline_lookup_failures")
