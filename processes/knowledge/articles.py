"""Knowledge articles as people use them: staff search and read what is offered; editors write versions.

Supervisors and administrators edit. Every save is a new version with its author, and the older versions stay
readable; the article row carries the newest, with the search index rebuilt from it in the same transaction.
Everyone else sees only offered articles (published and valid today); drafts and expired articles are not
found for them, so they are never offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from engine.errors import InvalidData, NotFound

from ..calendar import SHANGHAI
from ..departments import Directory
from ..queries import Page
from ..users import User
from .models import FIELDS, Article, ArticleTerm, ArticleVersion
from .search import index_counts, offered, search

if TYPE_CHECKING:  # the service imports the engine hooks, which record citations from here
    from ..service import Hotline

EDITORS = frozenset({"supervisor", "admin"})
STATUSES = ("draft", "published", "expired")
DATES = ("policy_date", "valid_until")
MAX_TITLE, MAX_BODY, MAX_CATEGORY, MAX_KEYWORD, MAX_SOURCE = 200, 20000, 40, 40, 300
DEFAULTS = {"departments": [], "keywords": [], "policy_source": None, "policy_date": None, "valid_until": None,
            "status": "draft"}


@dataclass(frozen=True)
class ArticleFilters:
    q: str | None = None
    category: str | None = None
    status: str | None = None


def today(hotline: Hotline) -> date:
    """The Beijing calendar day by the engine's clock (articles are valid until the end of a day)."""
    return hotline.engine.now().astimezone(SHANGHAI).date()


# -- reading ---------------------------------------------------------------------------------------
def articles(hotline: Hotline, user: User, filters: ArticleFilters, page: int, per_page: int) -> Page:
    """With ``q``: offered articles ranked by BM25, highlighted. Without: articles newest first (offered ones,
    or for editors any, by ``status``)."""
    day = today(hotline)
    with hotline.engine.session() as session:
        if filters.q:
            hits, total = search(session, filters.q, day, page, per_page, filters.category)
            items = [{**view(hit.article, day), "score": hit.score, "highlight": hit.highlight} for hit in hits]
            return Page(items, total, page, per_page)
        query = select(Article).where(*_visible(user, day, filters))
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.scalars(query.order_by(Article.updated_at.desc(), Article.id.desc())
                               .limit(per_page).offset((page - 1) * per_page))
        return Page([view(article, day) for article in rows], total, page, per_page)


def article(hotline: Hotline, user: User, article_id: int) -> dict[str, Any]:
    day = today(hotline)
    with hotline.engine.session() as session:
        return view(_seen(session, user, article_id, day), day)


def versions(hotline: Hotline, user: User, article_id: int) -> list[dict[str, Any]]:
    """Every version of an article, oldest first (editors; others see those of an offered article)."""
    with hotline.engine.session() as session:
        _seen(session, user, article_id, today(hotline))
        rows = session.scalars(select(ArticleVersion).where(ArticleVersion.article_id == article_id)
                               .order_by(ArticleVersion.version))
        return [version_view(row) for row in rows]


def version(hotline: Hotline, user: User, article_id: int, number: int) -> dict[str, Any]:
    with hotline.engine.session() as session:
        _seen(session, user, article_id, today(hotline))
        row = session.scalar(select(ArticleVersion).where(ArticleVersion.article_id == article_id,
                                                          ArticleVersion.version == number))
        if row is None:
            raise NotFound(f"知识条目 {article_id} 没有第 {number} 版 / article {article_id} has no version {number}")
        return version_view(row)


def suggestions(session: Session, text: str, day: date, limit: int = 3) -> list[dict[str, Any]]:
    """The offered articles most relevant to a call (its subject and content), for the operator at intake."""
    hits, _ = search(session, text, day, 1, limit)
    return [{"id": hit.article.id, "title": hit.article.title, "score": hit.score, "highlight": hit.highlight}
            for hit in hits]


def is_offered(session: Session, article_id: int, day: date) -> bool:
    return session.scalar(select(Article.id).where(Article.id == article_id, offered(day))) is not None


# -- editing ---------------------------------------------------------------------------------------
def create(hotline: Hotline, user: User, fields: dict[str, Any]) -> dict[str, Any]:
    """A new article, as its version 1."""
    document = checked({**DEFAULTS, **fields}, hotline.directory)
    with hotline.engine.session.begin() as session:
        row = add(session, document, user.name, hotline.engine.now())
        return view(row, today(hotline))


def update(hotline: Hotline, user: User, article_id: int, changes: dict[str, Any]) -> dict[str, Any]:
    """A new version of an article: its newest fields with ``changes`` applied (publishing and expiring too)."""
    with hotline.engine.session.begin() as session:
        row = session.get(Article, article_id, with_for_update=True)
        if row is None:
            raise NotFound(f"没有知识条目 {article_id} / no article {article_id}")
        document = checked({**{name: getattr(row, name) for name in FIELDS}, **changes}, hotline.directory)
        _write(session, row, document, user.name, hotline.engine.now())
        return view(row, today(hotline))


def add(session: Session, document: dict[str, Any], author: str, now: datetime) -> Article:
    """Store a checked document as a new article (version 1) with its index; the caller commits."""
    row = Article(version=0, created_at=now, created_by=author)
    session.add(row)
    _write(session, row, document, author, now)
    return row


def checked(document: dict[str, Any], directory: Directory) -> dict[str, Any]:
    """The document, or ``InvalidData`` naming each field a form cannot check: departments unknown to the
    directory, a valid-until date before the policy's date."""
    errors: dict[str, list[str]] = {}
    unknown = [code for code in document["departments"] if code not in directory.by_code]
    if unknown:
        errors["departments"] = [f"未知部门：{', '.join(unknown)} / unknown departments: {', '.join(unknown)}"]
    if document["policy_date"] and document["valid_until"] and document["valid_until"] < document["policy_date"]:
        errors["valid_until"] = ["有效期早于政策日期 / valid_until is before policy_date"]
    if document["status"] not in STATUSES:
        errors["status"] = [f"状态须为 {', '.join(STATUSES)} / status must be one of {', '.join(STATUSES)}"]
    if errors:
        raise InvalidData(errors)
    return document


def _write(session: Session, row: Article, document: dict[str, Any], author: str, now: datetime) -> None:
    counts = index_counts(document["title"], document["keywords"], document["body"])
    for name in FIELDS:
        setattr(row, name, document[name])
    row.version, row.length, row.updated_at, row.updated_by = row.version + 1, sum(counts.values()), now, author
    session.flush()
    if row.version > 1:
        session.execute(delete(ArticleTerm).where(ArticleTerm.article_id == row.id))
    session.execute(insert(ArticleTerm), [{"article_id": row.id, "term": term, "count": n}
                                          for term, n in counts.items()])
    session.add(ArticleVersion(article_id=row.id, version=row.version, document=_stored(document), author=author,
                               at=now))


def _stored(document: dict[str, Any]) -> dict[str, Any]:
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in document.items()}


def _visible(user: User, day: date, filters: ArticleFilters) -> list:
    where = [Article.category == filters.category] if filters.category else []
    if user.role not in EDITORS or filters.status == "published":
        return [*where, offered(day)]
    if filters.status == "expired":
        return [*where, (Article.status == "expired") | ((Article.status == "published") & (Article.valid_until < day))]
    return [*where, Article.status == filters.status] if filters.status else where


def _seen(session: Session, user: User, article_id: int, day: date) -> Article:
    query = select(Article).where(Article.id == article_id)
    row = session.scalar(query if user.role in EDITORS else query.where(offered(day)))
    if row is None:
        raise NotFound(f"没有知识条目 {article_id} / no article {article_id}")
    return row


# -- views -----------------------------------------------------------------------------------------
def view(row: Article, day: date) -> dict[str, Any]:
    """The article's fields; a published article past its valid-until date shows as ``expired``."""
    status = "expired" if row.status == "published" and row.valid_until and row.valid_until < day else row.status
    return {"id": row.id, "version": row.version, **{name: getattr(row, name) for name in FIELDS}, "status": status,
            "created_at": row.created_at, "created_by": row.created_by, "updated_at": row.updated_at,
            "updated_by": row.updated_by}


def version_view(row: ArticleVersion) -> dict[str, Any]:
    """A version as written (its dates were stored as ISO text)."""
    dates = {name: date.fromisoformat(row.document[name]) for name in DATES if row.document.get(name)}
    return {"version": row.version, "author": row.author, "at": row.at, **row.document, **dates}
