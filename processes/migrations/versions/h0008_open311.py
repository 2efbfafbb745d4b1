"""Open311 client applications (their keys' hashes) and where each request they created is.

Revision ID: h0008
Revises: h0007
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "h0008"
down_revision = "h0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotline_open311_clients",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True, index=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "hotline_open311_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, unique=True),
        sa.Column("client_id", sa.Integer, sa.ForeignKey("hotline_open311_clients.id"), nullable=False, index=True),
        sa.Column("address", sa.String(300), nullable=True),
        sa.Column("address_id", sa.String(100), nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("media_url", sa.String(1000), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("hotline_open311_requests")
    op.drop_table("hotline_open311_clients")
