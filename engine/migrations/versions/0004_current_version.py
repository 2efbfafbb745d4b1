"""Each process's current version (the one new cases start on) and the append-only log of its changes.

Existing databases keep starting cases on the latest version: no current row means the latest, and every
version already deployed is entered in the log as ``deployed`` by whoever deployed it.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY_SQLITE = """
CREATE TRIGGER deployment_events_no_{verb} BEFORE {verb} ON deployment_events
BEGIN SELECT RAISE(ABORT, 'deployment events are append-only'); END
"""
APPEND_ONLY_POSTGRES = [
    """CREATE FUNCTION deployment_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'deployment events are append-only'; END $$""",
    """CREATE TRIGGER deployment_events_append_only BEFORE UPDATE OR DELETE ON deployment_events
       FOR EACH ROW EXECUTE FUNCTION deployment_events_append_only()""",
]


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
    if op.get_bind().dialect.name == "postgresql":
        for statement in APPEND_ONLY_POSTGRES:
            op.execute(statement)
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(APPEND_ONLY_SQLITE.format(verb=verb))


def downgrade() -> None:
    op.drop_table("deployment_events")
    op.drop_table("process_current")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS deployment_events_append_only()")
