"""Reading cases and tasks for people: filtered, paginated, restricted and masked for the reader.

Every function here reads inside a session its caller holds (``processes.casework`` opens it, or an engine
command hands it to its read-back), so a request's reads and its command share one unit of work.
Lists come from the case rows and the open-task table, never from deserialized cases, so they stay
fast however long the history grows.

Cases of processes other than the hotline's (designers trying their diagrams) carry no caller and belong
to no department: designers and administrators work their tasks; designers, auditors and administrators
read them. Hotline cases stay with the hotline's staff (designers never see callers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, Subquery, func, select, union_all
from sqlalchemy.orm import Session, defer

from engine.case import case_data
from engine.errors import Conflict, NotFound
from engine.models import AuditEvent, Instance, OpenTask, ProcessVersion
from engine.runtime import Engine

from .access import STAFF, can_work, names_department, role_of_lane, visible_cases, visible_tasks
from .masking import caller_for, data_for
from .models import HotlineCase, ProcessCase
from .users import User

TRIERS = frozenset({"designer", "admin"})
"""Who works the tasks of other processes' cases."""
OTHER_CASE_READERS = TRIERS | {"auditor"}
"""Who reads other processes' cases (and their history)."""
CaseRow = HotlineCase | ProcessCase


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class CaseFilters:
    status: str | None = None
    category: str | None = None
    treatment: str | None = None
    department: str | None = None
    overdue: bool | None = None
    registered_from: datetime | None = None
    registered_to: datetime | None = None


@dataclass(frozen=True)
class TaskFilters:
    case: str | None = None
    name: str | None = None
    role: str | None = None
    department: str | None = None
    assignee: str | None = None


def numbered_cases() -> Subquery:
    """Every case's number by engine instance id, whatever process it runs (hotline rows and others')."""
    return union_all(*(select(model.number, model.instance_id) for model in (HotlineCase, ProcessCase))).subquery()


def _page(session: Session, query: Select, page: int, per_page: int) -> tuple[list, int]:
    """A page of rows and the total; a first page with room to spare is the total, so it needs no count (a
    client looking up the one task of a case asks that on every step)."""
    rows = session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    if page == 1 and len(rows) < per_page:
        return rows, len(rows)
    return rows, session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


# -- cases -----------------------------------------------------------------------------------------
def case_query(filters: CaseFilters) -> Select:
    query = select(HotlineCase)
    for column, value in ((HotlineCase.status, filters.status), (HotlineCase.category, filters.category),
                          (HotlineCase.treatment, filters.treatment), (HotlineCase.overdue, filters.overdue)):
        if value is not None:
            query = query.where(column == value)
    if filters.department:
        query = query.where(names_department(filters.department))
    if filters.registered_from:
        query = query.where(HotlineCase.registered_at >= filters.registered_from)
    if filters.registered_to:
        query = query.where(HotlineCase.registered_at < filters.registered_to)
    return query


def list_cases(session: Session, user: User, filters: CaseFilters, page: int, per_page: int) -> Page:
    query = visible_cases(case_query(filters), user).order_by(HotlineCase.registered_at.desc(), HotlineCase.id.desc())
    rows, total = _page(session, query, page, per_page)
    tasks = _open_tasks_by_instance(session, [row.instance_id for (row,) in rows])
    versions = _versions(session, [row.instance_id for (row,) in rows])
    items = [case_view(row, user, tasks.get(row.instance_id, []), versions[row.instance_id]) for (row,) in rows]
    return Page(items, total, page, per_page)


def find_case(session: Session, user: User, number: str | None = None, instance_id: int | None = None) -> CaseRow:
    """The case (by number or instance id) if the user may see it; ``NotFound`` otherwise, so it does not leak."""
    for model, may_see in ((HotlineCase, user.role in STAFF), (ProcessCase, user.role in OTHER_CASE_READERS)):
        if may_see:
            query = select(model).where(model.number == number if number else model.instance_id == instance_id)
            row = session.scalar(visible_cases(query, user) if model is HotlineCase else query)
            if row is not None:
                return row
    raise NotFound(f"no case {number or ''}".strip())


def get_case(session: Session, engine: Engine, user: User, number: str) -> dict[str, Any]:
    """One case as this user may see it (404 for cases outside a department user's reach)."""
    return _shown(session, engine, user, find_case(session, user, number))


def read_back(engine: Engine, user: User) -> Callable[[Session, int], dict[str, Any] | None]:
    """The case as ``user`` sees it after a command, read inside the command's transaction once it saved
    (its ``then=``); None when the command took the case out of the user's sight.

    Never raises for that: raising would undo the command. The version comes from the engine's cache and the
    case from the session the command saved it in, so the read-back costs two queries: the case row (as far as
    the user may see it) and its open tasks.
    """

    def read(session: Session, instance_id: int) -> dict[str, Any] | None:
        try:
            row = find_case(session, user, instance_id=instance_id)
        except NotFound:
            return None
        return _shown(session, engine, user, row)

    return read


def _shown(session: Session, engine: Engine, user: User, row: CaseRow) -> dict[str, Any]:
    tasks = _open_tasks_by_instance(session, [row.instance_id]).get(row.instance_id, [])
    if isinstance(row, ProcessCase):
        return other_case_view(engine.load(session, row.instance_id), row.number, tasks)
    return case_view(row, user, tasks, _version_of(session, engine, row.instance_id))


def case_view(row: HotlineCase, user: User, tasks: list[OpenTask], version: tuple[str, int]) -> dict[str, Any]:
    """The case's fields with the caller masked for this reader."""
    return {
        "number": row.number, "status": row.status, "category": row.category, "treatment": row.treatment,
        "complexity": row.complexity, "departments": row.departments, "urgency": row.urgency,
        "channel": row.channel, "confidential": row.confidential,
        "caller": caller_for(user, row.caller, row.confidential), "subject": row.subject, "content": row.content,
        "due_at": row.due_at, "deadline_provisional": row.deadline_provisional, "overdue": row.overdue,
        "reminded": row.reminded, "returns": row.returns, "satisfaction": row.satisfaction,
        "supplements": row.supplements,
        "repeat_calls": [data_for(user, call, row.confidential) for call in row.repeat_calls],
        "extensions": row.extensions,
        "registered_at": row.registered_at, "ended_at": row.ended_at,
        "open_tasks": [task_view(task, row.number, row.due_at) for task in tasks],
        "process_id": version[0], "version": version[1],
    }


def other_case_view(case, number: str, tasks: list[OpenTask]) -> dict[str, Any]:
    """A case of another process: the engine's status (``running``, ``completed``, ``cancelled``, ``incident``
    and its error), its data, open tasks and next timer; it has none of the hotline's fields."""
    instance = case.instance
    return {"number": number, "status": instance.status, "process_id": case.version.process_id,
            "version": case.version.version, "data": case_data(case.workflow),
            "open_tasks": [task_view(task, number, None) for task in tasks], "registered_at": instance.started_at,
            "ended_at": instance.ended_at, "next_timer_at": instance.next_due_at, "error": instance.error}


def _open_tasks_by_instance(session: Session, instance_ids: list[int]) -> dict[int, list[OpenTask]]:
    grouped: dict[int, list[OpenTask]] = {}
    query = select(OpenTask).where(OpenTask.instance_id.in_(instance_ids)).order_by(OpenTask.created_at, OpenTask.id)
    for task in session.scalars(query):
        grouped.setdefault(task.instance_id, []).append(task)
    return grouped


def _version_of(session: Session, engine: Engine, instance_id: int) -> tuple[str, int]:
    """A case's process and version through the engine's version cache: after a command the case row is in the
    session already (no query); otherwise it is read without its state, which can be large."""
    instance = session.get(Instance, instance_id, options=[defer(Instance.state)])
    version = engine.versions.get(session, instance.version_id)
    return version.process_id, version.version


def _versions(session: Session, instance_ids: list[int]) -> dict[int, tuple[str, int]]:
    query = (select(Instance.id, ProcessVersion.process_id, ProcessVersion.version)
             .join(ProcessVersion, ProcessVersion.id == Instance.version_id).where(Instance.id.in_(instance_ids)))
    return {row.id: (row.process_id, row.version) for row in session.execute(query)}


# -- tasks -----------------------------------------------------------------------------------------
def task_view(task: OpenTask, number: str, due_at: datetime | None) -> dict[str, Any]:
    return {"id": task.id, "name": task.name, "title": task.title, "case": number,
            "role": role_of_lane(task.lane), "department": task.candidate_group, "assignee": task.assignee,
            "created_at": task.created_at, "due_at": due_at, "form": task.form}


def _with_cases(query: Select) -> Select:
    """An open-task query joined to its case's row, whatever process the case runs (one of the two is null)."""
    return (query.outerjoin(HotlineCase, HotlineCase.instance_id == OpenTask.instance_id)
            .outerjoin(ProcessCase, ProcessCase.instance_id == OpenTask.instance_id))


def _tasks_with_cases() -> Select:
    """Open tasks with their case's number and deadline (hotline cases have one)."""
    return _with_cases(select(OpenTask, func.coalesce(HotlineCase.number, ProcessCase.number), HotlineCase.due_at))


def _workable(query: Select, user: User) -> Select:
    """Hotline tasks for their lane's role (and department); other processes' tasks for designers; admins all."""
    if user.role == "admin":
        return query
    if user.role in TRIERS:
        return query.where(ProcessCase.id.is_not(None))
    return visible_tasks(query.where(HotlineCase.id.is_not(None)), user)


def _may_work(user: User, task: OpenTask, case: CaseRow) -> bool:
    return can_work(user, task) if isinstance(case, HotlineCase) else user.role in TRIERS


def task_query(filters: TaskFilters, user: User) -> Select:
    query = _tasks_with_cases()
    if filters.case:
        query = query.where(func.coalesce(HotlineCase.number, ProcessCase.number) == filters.case)
    if filters.name:
        query = query.where(OpenTask.name == filters.name)
    if filters.role:
        query = query.where(OpenTask.lane == f"lane_{filters.role}")
    if filters.department:
        query = query.where(OpenTask.candidate_group == filters.department)
    if filters.assignee:
        query = query.where(OpenTask.assignee == filters.assignee)
    return _workable(query, user)


def list_tasks(session: Session, user: User, filters: TaskFilters, page: int, per_page: int) -> Page:
    query = task_query(filters, user).order_by(OpenTask.created_at, OpenTask.id)
    rows, total = _page(session, query, page, per_page)
    return Page([task_view(task, number, due_at) for task, number, due_at in rows], total, page, per_page)


def _task_and_case(session: Session, task_id: str) -> tuple[OpenTask, CaseRow | None] | None:
    """An open task with the row of its case, in one query (None when no such task is open)."""
    found = session.execute(_with_cases(select(OpenTask, HotlineCase, ProcessCase))
                            .where(OpenTask.id == task_id)).first()
    return None if found is None else (found[0], found[1] or found[2])


def get_task(session: Session, engine: Engine, user: User, task_id: str) -> dict[str, Any]:
    """A task its candidate may work on, with its form and the case data it shows (masked)."""
    found = _task_and_case(session, task_id)
    if found is None or found[1] is None or not _may_work(user, *found):
        raise NotFound(f"no task {task_id}")
    return task_detail(session, engine, user, *found)


def task_detail(session: Session, engine: Engine, user: User, task: OpenTask, case: CaseRow) -> dict[str, Any]:
    loaded = engine.load(session, task.instance_id)
    data = {**case_data(loaded.workflow), **loaded.workflow.get_task_from_id(UUID(task.id)).data}
    schema = engine.form(loaded.version, task.name)
    if isinstance(case, ProcessCase):
        return {**task_view(task, case.number, None), "schema": schema, "data": data}
    data = data_for(user, {**data, "supplements": case.supplements}, case.confidential)
    return {**task_view(task, case.number, case.due_at), "schema": schema, "data": data}


def task_read_back(engine: Engine, user: User, task_id: str) -> Callable[[Session, int], dict[str, Any]]:
    """The task as its candidate sees it after a claim or release, read inside that command's transaction."""

    def read(session: Session, _instance_id: int) -> dict[str, Any]:
        task, case = _task_and_case(session, task_id)
        return task_detail(session, engine, user, task, case)

    return read


def workable_task(session: Session, user: User, task_id: str) -> tuple[OpenTask, CaseRow]:
    """The open task and its case if the user may act on it: 404 if it is not theirs to know of, 409 if it is done."""
    found = _task_and_case(session, task_id)
    if found is not None:
        if found[1] is None or not _may_work(user, *found):
            raise NotFound(f"no task {task_id}")
        return found
    instance_id = session.scalar(select(AuditEvent.instance_id).where(AuditEvent.task_id == task_id).limit(1))
    if instance_id is not None:
        find_case(session, user, instance_id=instance_id)  # NotFound unless the user may see the case
        raise Conflict("the task is already completed")
    raise NotFound(f"no task {task_id}")
