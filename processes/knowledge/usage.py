"""How much the knowledge base answers: the share of a period's calls answered citing an article, the articles
used most (from ``hotline_knowledge_citations``, see ``citations``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from engine.errors import InvalidData

from ..models import HotlineCase
from ..reports.period import PeriodError
from ..reports.report import period_for
from ..service import Hotline
from .models import Article, Citation

TOP_ARTICLES = 10


def usage(hotline: Hotline, first: date | datetime | None, last: date | datetime | None) -> dict[str, Any]:
    """For calls registered in the period (bounds as for reports): how many, how many answered immediately, how many
    from an article, and the articles used most."""
    try:
        period = period_for(hotline, first, last)
    except PeriodError as error:
        raise InvalidData({error.field: [str(error)]}) from None
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
