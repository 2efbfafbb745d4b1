"""What people do with cases and tasks over the API: one function per use case, each one unit of work.

A command checks who asks (role and department: ``queries.workable_task`` for a task, ``queries.find_case``
for a case), runs one engine command, and reads the answer (the case or task as this person sees it,
masked) inside that command's transaction, after it saved: the command's ``then=``. The check of who may
work a task runs inside the same unit too, first (the command's ``check=``), so completing a task is one
engine unit of work with one commit; the token behind it is cached (``users.Users``).
"""

from __future__ import annotations

from typing import Any

from engine.errors import InvalidData, NotFound
from engine.runtime import Check, ReadBack

from . import queries, repeat_calls
from .knowledge import articles, citations
from .models import HotlineCase
from .queries import CaseFilters, CaseRow, Page, TaskFilters
from .service import Hotline
from .users import User


# -- reading ---------------------------------------------------------------------------------------
def cases(hotline: Hotline, user: User, filters: CaseFilters, page: int, per_page: int) -> Page:
    """The cases the user may see, newest first."""
    with hotline.engine.session() as session:
        return queries.list_cases(session, user, filters, page, per_page)


def case(hotline: Hotline, user: User, number: str) -> dict[str, Any]:
    """One case as the user may see it (404 outside their reach)."""
    with hotline.engine.session() as session:
        return queries.get_case(session, hotline.engine, user, number)


def tasks(hotline: Hotline, user: User, filters: TaskFilters, page: int, per_page: int) -> Page:
    """The open tasks the user may work on."""
    with hotline.engine.session() as session:
        return queries.list_tasks(session, user, filters, page, per_page)


def task(hotline: Hotline, user: User, task_id: str) -> dict[str, Any]:
    """A task with its form and the data it shows (404 unless the user may work on it)."""
    with hotline.engine.session() as session:
        return queries.get_task(session, hotline.engine, user, task_id)


# -- cases -----------------------------------------------------------------------------------------
def register(hotline: Hotline, user: User, intake: dict[str, Any]) -> dict[str, Any]:
    """Register a call and start its case; answers with the case as registered, the open cases it likely repeats
    (``similar``) and the knowledge articles that may answer it (``suggested_articles``), read once it is saved."""
    shown = _answered(hotline.register(intake, user.name, then=_case_read_back(hotline, user)))
    with hotline.engine.session() as session:
        row = queries.find_case(session, user, shown["number"])
        return {**shown, "similar": repeat_calls.similar(session, user, row), "suggested_articles":
                articles.suggestions(session, f"{row.subject} {row.content}", articles.today(hotline))}


def similar(hotline: Hotline, user: User, number: str) -> list[dict[str, Any]]:
    """The open cases likely about the same matter as a case the user may see, best first, with reasons."""
    with hotline.engine.session() as session:
        row = queries.find_case(session, user, number)
        return repeat_calls.similar(session, user, row) if isinstance(row, HotlineCase) else []


def start(hotline: Hotline, user: User, process_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Start a case of any deployed process (the hotline's own takes an intake); answers with the case."""
    return _answered(hotline.start(process_id, data, user.name, then=_case_read_back(hotline, user)))


def withdraw(hotline: Hotline, user: User, number: str, reason: str) -> dict[str, Any]:
    return _answered(hotline.withdraw(_seen(hotline, user, number), reason, user.name,
                                      then=_case_read_back(hotline, user)))


def supplement(hotline: Hotline, user: User, number: str, content: str) -> dict[str, Any]:
    return _answered(hotline.supplement(_seen(hotline, user, number), content, user.name,
                                        then=_case_read_back(hotline, user)))


def repeat_call(hotline: Hotline, user: User, number: str, call: dict[str, Any]) -> dict[str, Any]:
    return _answered(hotline.merge_repeat_call(_seen(hotline, user, number), call, user.name,
                                               then=_case_read_back(hotline, user)))


def merge(hotline: Hotline, user: User, number: str, into: str) -> dict[str, Any]:
    """Merge a call registered as its own case into an open case about the same matter (one of its ``similar``), in
    one step: the older case records it as a repeat call (caller, content and the merged case's number), then the
    merged case ends ``withdrawn`` with a reason naming the case it went into. Each history stays whole and
    verifiable. Answers with the case merged into."""
    if number == into:
        raise InvalidData({"into": ["不能并入本案件 / a case cannot be merged into itself"]})
    merged, kept = _seen(hotline, user, number), _seen(hotline, user, into)
    if not isinstance(merged, HotlineCase) or not isinstance(kept, HotlineCase):
        raise NotFound("只能合并热线案件 / only hotline cases are merged")
    call = {"caller": merged.caller, "content": merged.content, "case": merged.number}
    hotline.merge_repeat_call(kept, call, user.name)
    hotline.withdraw(merged, f"并入 {into} / merged into {into}", user.name)
    return case(hotline, user, into)


def send_event(hotline: Hotline, user: User, number: str, name: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Deliver the diagram's own message or signal to a case the user may see."""
    return _answered(hotline.send_event(_seen(hotline, user, number), name, payload, user.name,
                                        then=_case_read_back(hotline, user)))


# -- tasks -----------------------------------------------------------------------------------------
def claim(hotline: Hotline, user: User, task_id: str) -> dict[str, Any]:
    """Take a task (``Conflict`` if someone else holds it); answers with the task."""
    return hotline.engine.claim(task_id, user.name, then=queries.task_read_back(hotline.engine, user, task_id),
                                check=_candidate(user, task_id))


def unclaim(hotline: Hotline, user: User, task_id: str) -> dict[str, Any]:
    """Give a task back; administrators may free anyone's. Answers with the task."""
    return hotline.engine.unclaim(task_id, user.name, force=user.role == "admin",
                                  then=queries.task_read_back(hotline.engine, user, task_id),
                                  check=_candidate(user, task_id))


def complete_task(hotline: Hotline, user: User, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Complete a task with its form data (a reply citing an article: one offered today); answers with the case
    after the step."""
    citations.check_cited(hotline, data)
    return _answered(hotline.engine.complete_task(task_id, data, user.name, then=_case_read_back(hotline, user),
                                                  check=_candidate(user, task_id)))


def throw(hotline: Hotline, user: User, task_id: str, kind: str, code: str, message: str | None) -> dict[str, Any]:
    """Raise a BPMN error or escalation from a task; answers with the case after the step."""
    return _answered(hotline.engine.throw(task_id, kind, code, message, user.name,
                                          then=_case_read_back(hotline, user), check=_candidate(user, task_id)))


# -- checks and read-backs -------------------------------------------------------------------------
def _candidate(user: User, task_id: str) -> Check:
    """404 unless the user is among the task's candidates (so others' tasks do not leak), 409 if it is done."""
    return lambda session: queries.workable_task(session, user, task_id)


def _seen(hotline: Hotline, user: User, number: str) -> CaseRow:
    """The case's row, if the user may see it (404 otherwise)."""
    with hotline.engine.session() as session:
        return queries.find_case(session, user, number)


def _case_read_back(hotline: Hotline, user: User) -> ReadBack:
    return queries.read_back(hotline.engine, user)


def _answered(shown: dict[str, Any] | None) -> dict[str, Any]:
    """The read-back's answer; a command that took the case out of the user's sight is done, but shows nothing."""
    if shown is None:
        raise NotFound("the case is no longer among those you may see")
    return shown
