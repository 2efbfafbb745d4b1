"""Deadline extension requests (延期申请): a department that cannot finish in time asks for more working days.

The request is a message to the case's deadline clock (``bpmn/hotline_case.bpmn``, inside handling): the
supervision centre then decides in the task ``approve_extension`` and, when it grants days, the deadline, the
reminder and the overdue timer move. Here the rules a request must meet before it reaches the case are checked:
a department user whose department works the case now (an open handling task), before the deadline, with no
other request of the case waiting for a decision, within the days still grantable (``MAX_EXTENSION_DAYS`` in all,
``diagram_functions``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.errors import Conflict, InvalidData, NotFound
from engine.models import OpenTask

from . import queries
from .diagram_functions import extension_days_left
from .models import HotlineCase
from .service import Hotline
from .users import User

MESSAGE = "extension_request"
"""The message the deadline clock waits for."""


def request_extension(hotline: Hotline, user: User, number: str, working_days: int, reason: str) -> dict[str, Any]:
    """Ask, for the user's department, ``working_days`` more to handle case ``number``; answers with the case, whose
    ``extensions`` list the request until the supervision centre decides."""
    with hotline.engine.session() as session:
        row = queries.find_case(session, user, number)
        if not isinstance(row, HotlineCase):
            raise NotFound(f"no case {number}")
        _check(session, hotline, user, row, working_days)
    payload = {"department": user.department, "working_days": working_days, "reason": reason,
               "requested_at": hotline.engine.now().isoformat(), "requested_by": user.name}
    shown = hotline.engine.send_message(row.instance_id, MESSAGE, payload, user.name,
                                        then=queries.read_back(hotline.engine, user))
    if shown is None:
        raise NotFound("the case is no longer among those you may see")
    return shown


def _check(session, hotline: Hotline, user: User, row: HotlineCase, working_days: int) -> None:
    open_names = {(name, group) for name, group in session.execute(
        select(OpenTask.name, OpenTask.candidate_group).where(OpenTask.instance_id == row.instance_id))}
    if ("handle", user.department) not in open_names:
        raise Conflict("your department is not handling the case now")
    if row.due_at is None or hotline.engine.now() > row.due_at:
        raise Conflict("the deadline has passed; an extension must be asked for before it")
    if any(name == "approve_extension" for name, _ in open_names):
        raise Conflict("an extension request of the case is waiting for a decision")
    left = extension_days_left(row.extensions)
    if working_days > left:
        raise InvalidData({"working_days": [f"at most {left} more working days can be granted to the case"]})
