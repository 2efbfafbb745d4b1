"""From cases to articles: a closed case whose answer the caller judged good, proposed as an article draft.

The draft takes the case's subject as its title, the reply the caller was given as its body, the case's category
and departments, the words of its subject as keywords, and names the case as its source. An editor then words it
for everyone and publishes it; until then it is a draft, offered to no one.
"""

from __future__ import annotations

from typing import Any

from engine.case import case_data
from engine.errors import Conflict

from ..queries import find_case
from ..repeat_calls import topic_words
from ..service import Hotline
from ..users import User
from .articles import DEFAULTS, MAX_BODY, MAX_TITLE, add, checked, today, view

GOOD = ("satisfied", "basically_satisfied")


def propose(hotline: Hotline, user: User, number: str) -> dict[str, Any]:
    """A new draft article from a closed case with a satisfied caller and a reply (409 for any other case)."""
    with hotline.engine.session.begin() as session:
        row = find_case(session, user, number)
        if getattr(row, "status", None) != "closed" or row.satisfaction not in GOOD:
            raise Conflict("只有来电人满意的已办结案件可提为知识条目 / only a closed case whose caller was satisfied "
                           "can be proposed as an article")
        reply = case_data(hotline.engine.load(session, row.instance_id).workflow).get("reply")
        if not reply:
            raise Conflict("该案件没有答复内容 / the case has no reply to propose")
        document = checked({**DEFAULTS, "title": row.subject[:MAX_TITLE], "body": str(reply)[:MAX_BODY],
                            "category": row.category, "departments": list(row.departments),
                            "keywords": topic_words(row.subject), "policy_source": f"案件 {row.number}"},
                           hotline.directory)
        return view(add(session, document, user.name, hotline.engine.now()), today(hotline))
