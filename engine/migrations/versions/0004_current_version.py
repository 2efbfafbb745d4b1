"""Each process's current version (the one new cases start on) and the append-only log of its changes.

Existing databases keep starting cases on the latest version: no current row means the latest, and every
version already deployed is entered in the log as ``deployed`` by whoever deployed it.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from engine.migrations.append_only import drop_refusal, refuse_changes
from engine.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None



def upgrade() -> None:
    op.create_table(
        "process_current",
        sa.Column("process_id", sa.String(200), primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("process_versions.id"), nullable=False),
        sa.Column("set_at", UTCDateTime(), nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "deployment_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("process_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_deployment_events_process", "deployment_events", ["process_id", "id"])
    op.execute("INSERT INTO deployment_events (process_id, version, kind, actor, at) SELECT process_id, version, "
               "'deployed', deployed_by, deployed_at FROM process_versions ORDER BY deployed_at, id")
    refuse_changes("deployment_events", "deployment events")


def downgrade() -> None:
    op.drop_table("deployment_events")
    op.drop_table("process_current")
    drop_refusal("deployment_events")
