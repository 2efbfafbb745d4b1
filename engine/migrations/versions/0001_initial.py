"""The instance store: versions, files, instances, open tasks, append-only audit events.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from engine.migrations.append_only import drop_refusal, refuse_changes
from engine.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None



def upgrade() -> None:
    op.create_table(
        "process_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("process_id", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("deployed_at", UTCDateTime(), nullable=False),
        sa.Column("deployed_by", sa.String(200), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("user_tasks", sa.JSON, nullable=False),
        sa.Column("forms", sa.JSON, nullable=False),
        sa.UniqueConstraint("process_id", "version"),
        sa.UniqueConstraint("process_id", "content_hash"),
    )
    op.create_table(
        "deployed_files",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("process_versions.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("version_id", "name"),
    )
    op.create_table(
        "instances",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("process_versions.id"), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("state_format", sa.String(40), nullable=False),
        sa.Column("lock_version", sa.Integer, nullable=False),
        sa.Column("next_due_at", UTCDateTime(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("error_task", sa.String(200), nullable=True),
        sa.Column("id_seed", sa.String(32), nullable=False),
        sa.Column("id_counter", sa.Integer, nullable=False),
        sa.Column("audit_seq", sa.Integer, nullable=False),
        sa.Column("audit_hash", sa.String(64), nullable=False),
    )
    op.create_index("ix_instances_due", "instances", ["status", "next_due_at"])
    op.create_table(
        "open_tasks",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, index=True),
        sa.Column("name", sa.String(200), nullable=False, index=True),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("lane", sa.String(200), nullable=True, index=True),
        sa.Column("form", sa.String(200), nullable=True),
        sa.Column("candidate_group", sa.String(200), nullable=True, index=True),
        sa.Column("assignee", sa.String(200), nullable=True, index=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, index=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("task_id", sa.String(36), nullable=True),
        sa.Column("task_name", sa.String(200), nullable=True),
        sa.Column("version_id", sa.Integer, sa.ForeignKey("process_versions.id"), nullable=False),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("state_hash", sa.String(64), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("instance_id", "seq"),
    )
    refuse_changes("audit_events", "audit events")


def downgrade() -> None:
    for table in ("audit_events", "open_tasks", "instances", "deployed_files", "process_versions"):
        op.drop_table(table)
    drop_refusal("audit_events")
