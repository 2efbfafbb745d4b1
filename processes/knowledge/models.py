"""The knowledge base's tables: articles (their current version), every version, the search index, citations.

``hotline_knowledge_terms`` is an inverted index (article, term, count) written with each version, so BM25 is
computed by the same SQL on SQLite and PostgreSQL and reads only the postings of the query's terms.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..models import HotlineBase

FIELDS = ("title", "body", "category", "departments", "keywords", "policy_source", "policy_date", "valid_until",
          "status")
"""What an editor writes; every version keeps all of them."""


class Article(HotlineBase):
    """An article as its latest version has it (the version history is in ``ArticleVersion``)."""

    __tablename__ = "hotline_knowledge_articles"
    __table_args__ = (Index("ix_hotline_knowledge_offered", "status", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(40), index=True)
    departments: Mapped[list[Any]]
    keywords: Mapped[list[Any]]
    policy_source: Mapped[str | None] = mapped_column(String(300))
    policy_date: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    length: Mapped[int] = mapped_column(Integer)  # terms indexed (BM25's document length)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(100))


class ArticleVersion(HotlineBase):
    """One edit of an article: all its fields as written, by whom and when (never changed afterwards)."""

    __tablename__ = "hotline_knowledge_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("hotline_knowledge_articles.id"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[dict[str, Any]]
    author: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime]


class ArticleTerm(HotlineBase):
    """How often a term occurs in an article's indexed text (title and keywords count twice)."""

    __tablename__ = "hotline_knowledge_terms"

    article_id: Mapped[int] = mapped_column(ForeignKey("hotline_knowledge_articles.id"), primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
    count: Mapped[int] = mapped_column(Integer)


class Citation(HotlineBase):
    """An immediate reply that used an article (recorded by the case projection when the reply names one)."""

    __tablename__ = "hotline_knowledge_citations"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer, index=True)  # references instances.id (see the migration)
    article_id: Mapped[int] = mapped_column(ForeignKey("hotline_knowledge_articles.id"), index=True)
    cited_at: Mapped[datetime] = mapped_column(index=True)
