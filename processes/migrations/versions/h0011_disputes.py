"""Dispatch disputes: why a department returned a case, the department it named, and the dispatcher's decision.

Revision ID: h0011
Revises: h0010
"""

import sqlalchemy as sa
from alembic import op

revision = "h0011"
down_revision = "h0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hotline_returns") as batch:
        batch.add_column(sa.Column("kind", sa.String(40), nullable=True))
        batch.add_column(sa.Column("suggested_department", sa.String(40), nullable=True))
        batch.add_column(sa.Column("upheld", sa.Boolean, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hotline_returns") as batch:
        batch.drop_column("upheld")
        batch.drop_column("suggested_department")
        batch.drop_column("kind")
