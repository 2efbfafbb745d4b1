"""Replies that used an article: recorded as cases are saved, counted for reports.

An operator's immediate reply may name the article it answered from (``article`` in the ``immediate_reply``
form). The engine's save hook records each such reply in ``hotline_knowledge_citations`` in the command's own
transaction, so the figures below are one GROUP BY away, however many cases a period holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.errors import InvalidData
from engine.models import AuditEvent, Instance

from ..models import HotlineCase
from ..reports.period import Period
from .articles import is_offered, today
from .models import Article, Citation

if TYPE_CHECKING:  # the service imports the engine hooks, which record citations from here
    from ..service import Hotline

REPLY_TASK = "immediate_reply"
TOP_ARTICLES = 10


def record(session: Session, instance: Instance, events: list[AuditEvent]) -> None:
    """Record each completed immediate reply that names an article (the engine's ``on_saved``, with the projection)."""
    for event in events:
        article_id = event.data.get("article") if event.type == "task_completed" else None
        if event.task_name == REPLY_TASK and article_id and session.get(Article, article_id) is not None:
            session.add(Citation(instance_id=instance.id, article_id=article_id, cited_at=event.at))


def check_cited(hotline: Hotline, data: dict[str, Any]) -> None:
    """A reply may cite only an article staff are offered today (400 for a draft, an expired or unknown one)."""
    article_id = data.get("article")
    if not isinstance(article_id, int) or isinstance(article_id, bool):
        return  # absent, or the wrong type, which the form itself refuses
    with hotline.engine.session() as session:
        if not is_offered(session, article_id, today(hotline)):
            raise InvalidData({"article": [f"知识条目 {article_id} 不存在或未发布、已失效 / article {article_id} "
                                           "is not a published, valid article"]})


def usage(hotline: Hotline, period: Period) -> dict[str, Any]:
    """For calls registered in the period: how many, how many answered immediately, how many from an article, and
    the articles used most."""
    registered = (HotlineCase.registered_at >= period.start) & (HotlineCase.registered_at < period.end)
    with hotline.engine.session() as session:
        calls, immediate = session.execute(select(
            func.count(), func.count().filter(HotlineCase.treatment == "immediate")).where(registered)).one()
        cited = (select(Citation.article_id, Citation.instance_id)
                 .join(HotlineCase, HotlineCase.instance_id == Citation.instance_id).where(registered).subquery())
        answered = session.scalar(select(func.count(func.distinct(cited.c.instance_id))))
        top = session.execute(select(Article.id, Article.title, func.count().label("uses"))
                              .join(cited, cited.c.article_id == Article.id).group_by(Article.id, Article.title)
                              .order_by(func.count().desc(), Article.id).limit(TOP_ARTICLES)).all()
    return {"calls": calls, "immediate": immediate, "from_knowledge": answered,
            "share_of_calls": round(answered / calls, 4) if calls else None,
            "share_of_immediate": round(answered / immediate, 4) if immediate else None,
            "top_articles": [{"id": row.id, "title": row.title, "uses": row.uses} for row in top]}
