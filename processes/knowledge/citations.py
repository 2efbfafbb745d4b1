"""Replies that used an article: recorded as cases are saved, counted for reports.

An operator's immediate reply may name the article it answered from (``article`` in the ``immediate_reply``
form). The engine's save hook records each such reply in ``hotline_knowledge_citations`` in the command's own
transaction, so ``usage`` counts them with one GROUP BY, however many cases a period holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from engine.errors import InvalidData
from engine.models import AuditEvent, Instance

from .articles import is_offered, today
from .models import Article, Citation

if TYPE_CHECKING:  # the service imports the engine hooks, which record citations from here
    from ..service import Hotline

REPLY_TASK = "immediate_reply"


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
