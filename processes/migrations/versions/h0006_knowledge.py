"""The knowledge base: articles, their versions, the search index (terms per article) and citations in replies.

Revision ID: h0006
Revises: h0005
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "h0006"
down_revision = "h0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotline_knowledge_articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("category", sa.String(40), nullable=False, index=True),
        sa.Column("departments", sa.JSON, nullable=False),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("policy_source", sa.String(300)),
        sa.Column("policy_date", sa.Date),
        sa.Column("valid_until", sa.Date),
        sa.Column("length", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_hotline_knowledge_offered", "hotline_knowledge_articles", ["status", "valid_until"])
    op.create_table(
        "hotline_knowledge_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("hotline_knowledge_articles.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("article_id", "version"),
    )
    op.create_table(
        "hotline_knowledge_terms",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("hotline_knowledge_articles.id"), primary_key=True),
        sa.Column("term", sa.String(64), primary_key=True, index=True),
        sa.Column("count", sa.Integer, nullable=False),
    )
    op.create_table(
        "hotline_knowledge_citations",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("instance_id", sa.Integer, sa.ForeignKey("instances.id"), nullable=False, index=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("hotline_knowledge_articles.id"), nullable=False,
                  index=True),
        sa.Column("cited_at", UTCDateTime(), nullable=False, index=True),
    )


def downgrade() -> None:
    for table in ("hotline_knowledge_citations", "hotline_knowledge_terms", "hotline_knowledge_versions",
                  "hotline_knowledge_articles"):
        op.drop_table(table)
