"""Reading cases and tasks for people: filtered, paginated, restricted and masked for the reader.

Lists come from the case rows and the open-task table, never from deserialized cases, so they stay
fast however long the history grows.

Cases of processes other than the hotline's (designers trying their diagrams) carry no caller and belong
to no department: designers and administrators work their tasks; designers, auditors and administrators
read them. Hotline cases stay with the hotline's staff (designers never see callers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from engine.case import case_data
from engine.errors import Conflict, NotFound
from engine.models import AuditEvent, Instance, OpenTask, ProcessVersion

from .access import STAFF, can_work, names_department, role_of_lane, visible_cases, visible_tasks
from .cases import case_row
from .masking import caller_for, data_for
from .models import HotlineCase, ProcessCase
from .service import Hotline
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


def _page(session: Session, query: Select, page: int, per_page: int) -> tuple[list, int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = session.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total


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


def list_cases(hotline: Hotline, user: User, filters: CaseFilters, page: int, per_page: int) -> Page:
    query = visible_cases(case_query(filters), user).order_by(HotlineCase.registered_at.desc(), HotlineCase.id.desc())
    with hotline.engine.session() as session:
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


def get_case(hotline: Hotline, user: User, number: str) -> dict[str, Any]:
    """One case as this user may see it (404 for cases outside a department user's reach)."""
    with hotline.engine.session() as session:
        row = find_case(session, user, number)
        tasks = _open_tasks_by_instance(session, [row.instance_id]).get(row.instance_id, [])
        if isinstance(row, ProcessCase):
            return other_case_view(hotline.engine.load(session, row.instance_id), row.number, tasks)
        return case_view(row, user, tasks, _versions(session, [row.instance_id])[row.instance_id])


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


def _versions(session: Session, instance_ids: list[int]) -> dict[int, tuple[str, int]]:
    query = (select(Instance.id, ProcessVersion.process_id, ProcessVersion.version)
             .join(ProcessVersion, ProcessVersion.id == Instance.version_id).where(Instance.id.in_(instance_ids)))
    return {row.id: (row.process_id, row.version) for row in session.execute(query)}


# -- tasks -----------------------------------------------------------------------------------------
def task_view(task: OpenTask, number: str, due_at: datetime | None) -> dict[str, Any]:
    return {"id": task.id, "name": task.name, "title": task.title, "case": number,
            "role": role_of_lane(task.lane), "department": task.candidate_group, "assignee": task.assignee,
            "created_at": task.created_at, "due_at": due_at, "form": task.form}


def _tasks_with_cases() -> Select:
    """Open tasks with their case's number and deadline (hotline cases have one), whatever process it runs."""
    number = func.coalesce(HotlineCase.number, ProcessCase.number)
    return (select(OpenTask, number, HotlineCase.due_at)
            .outerjoin(HotlineCase, HotlineCase.instance_id == OpenTask.instance_id)
            .outerjoin(ProcessCase, ProcessCase.instance_id == OpenTask.instance_id))


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


def list_tasks(hotline: Hotline, user: User, filters: TaskFilters, page: int, per_page: int) -> Page:
    query = task_query(filters, user).order_by(OpenTask.created_at, OpenTask.id)
    with hotline.engine.session() as session:
        rows, total = _page(session, query, page, per_page)
    return Page([task_view(task, number, due_at) for task, number, due_at in rows], total, page, per_page)


def get_task(hotline: Hotline, user: User, task_id: str) -> dict[str, Any]:
    """A task its candidate may work on, with its form and the case data it shows (masked)."""
    with hotline.engine.session() as session:
        task = session.get(OpenTask, task_id)
        case = case_row(session, instance_id=task.instance_id) if task is not None else None
        if case is None or not _may_work(user, task, case):
            raise NotFound(f"no task {task_id}")
        loaded = hotline.engine.load(session, task.instance_id)
        data = {**case_data(loaded.workflow), **loaded.workflow.get_task_from_id(UUID(task_id)).data}
        schema = hotline.engine.form(loaded.version, task.name)
    if isinstance(case, ProcessCase):
        return {**task_view(task, case.number, None), "schema": schema, "data": data}
    data = data_for(user, {**data, "supplements": case.supplements}, case.confidential)
    return {**task_view(task, case.number, case.due_at), "schema": schema, "data": data}


def task_number(hotline: Hotline, task_id: str) -> str:
    """The number of the case an open task belongs to."""
    with hotline.engine.session() as session:
        number = session.scalar(_tasks_with_cases().with_only_columns(
            func.coalesce(HotlineCase.number, ProcessCase.number)).where(OpenTask.id == task_id))
    if number is None:
        raise Conflict("the task is no longer open")
    return number


def check_candidate(hotline: Hotline, user: User, task_id: str) -> None:
    """Raise unless the user may act on the task: 404 if it is not theirs to know of, 409 if it is done."""
    with hotline.engine.session() as session:
        task = session.get(OpenTask, task_id)
        if task is not None:
            case = case_row(session, instance_id=task.instance_id)
            if case is None or not _may_work(user, task, case):
                raise NotFound(f"no task {task_id}")
            return
        instance_id = session.scalar(select(AuditEvent.instance_id).where(AuditEvent.task_id == task_id).limit(1))
        if instance_id is not None:
            find_case(session, user, instance_id=instance_id)  # NotFound unless the user may see the case
            raise Conflict("the task is already completed")
    raise NotFound(f"no task {task_id}")
