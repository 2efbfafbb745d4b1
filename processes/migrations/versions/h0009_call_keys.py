"""Keys repeat calls are found by (a caller's phone, the places a call names), filled for the cases already there.

Revision ID: h0009
Revises: h0008
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime
from processes.places import phone_key, places

revision = "h0009"
down_revision = "h0008"
branch_labels = None
depends_on = None
COMPARED_CONTENT = 200  # as processes.repeat_calls reads a call


def upgrade() -> None:
    keys = op.create_table(
        "hotline_call_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.String(100), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("registered_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_hotline_call_keys_lookup", "hotline_call_keys", ["kind", "value", "registered_at"])
    cases = sa.table("hotline_cases", sa.column("instance_id"), sa.column("caller", sa.JSON), sa.column("subject"),
                     sa.column("content"), sa.column("category"), sa.column("registered_at", UTCDateTime()))
    rows = [{"instance_id": case.instance_id, "kind": kind, "value": value, "category": case.category,
             "registered_at": case.registered_at}
            for case in op.get_bind().execute(sa.select(cases))
            for kind, value in _keys(case)]
    if rows:
        op.bulk_insert(keys, rows)


def _keys(case) -> list[tuple[str, str]]:
    """The keys ``processes.repeat_calls.keys_of`` gives a case row (repeated here: a migration stays as written)."""
    phone = phone_key((case.caller or {}).get("phone"))
    named = places(f"{case.subject} {case.content[:COMPARED_CONTENT]}") or places((case.caller or {}).get("address")
                                                                                  or "")
    return ([("phone", phone)] if phone else []) + [("place", place[:100]) for place in named]


def downgrade() -> None:
    op.drop_table("hotline_call_keys")
