"""Task lists read in creation order per lane and per department without sorting the whole table.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_open_tasks_lane_order", "open_tasks", ["lane", "created_at", "id"])
    op.create_index("ix_open_tasks_group_order", "open_tasks", ["candidate_group", "created_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_open_tasks_group_order", "open_tasks")
    op.drop_index("ix_open_tasks_lane_order", "open_tasks")
