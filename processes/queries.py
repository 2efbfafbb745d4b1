"""Reading cases and tasks for people: filtered, paginated, restricted and masked for the reader.

Lists come from the case rows and the open-task table, never from deserialized cases, so they stay
fast however long the history grows.
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

from .access import can_work, names_department, role_of_lane, visible_cases, visible_tasks
from .masking import caller_for, data_for
from .models import HotlineCase
from .service import Hotline
from .users import User


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


def get_case(hotline: Hotline, user: User, number: str) -> dict[str, Any]:
    """One case as this user may see it (404 for cases outside a department user's reach)."""
    with hotline.engine.session() as session:
        row = session.scalar(visible_cases(select(HotlineCase).where(HotlineCase.number == number), user))
        if row is None:
            raise NotFound(f"no case {number}")
        tasks = _open_tasks_by_instance(session, [row.instance_id]).get(row.instance_id, [])
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
        "open_tasks": [task_view(task, row) for task in tasks],
        "process_id": version[0], "version": version[1],
    }


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
def task_view(task: OpenTask, case: HotlineCase) -> dict[str, Any]:
    return {"id": task.id, "name": task.name, "title": task.title, "case": case.number,
            "role": role_of_lane(task.lane), "department": task.candidate_group, "assignee": task.assignee,
            "created_at": task.created_at, "due_at": case.due_at, "form": task.form}


def task_query(filters: TaskFilters, user: User) -> Select:
    query = select(OpenTask, HotlineCase).join(HotlineCase, HotlineCase.instance_id == OpenTask.instance_id)
    if filters.case:
        query = query.where(HotlineCase.number == filters.case)
    if filters.name:
        query = query.where(OpenTask.name == filters.name)
    if filters.role:
        query = query.where(OpenTask.lane == f"lane_{filters.role}")
    if filters.department:
        query = query.where(OpenTask.candidate_group == filters.department)
    if filters.assignee:
        query = query.where(OpenTask.assignee == filters.assignee)
    return visible_tasks(query, user)


def list_tasks(hotline: Hotline, user: User, filters: TaskFilters, page: int, per_page: int) -> Page:
    query = task_query(filters, user).order_by(OpenTask.created_at, OpenTask.id)
    with hotline.engine.session() as session:
        rows, total = _page(session, query, page, per_page)
    return Page([task_view(task, case) for task, case in rows], total, page, per_page)


def get_task(hotline: Hotline, user: User, task_id: str) -> dict[str, Any]:
    """A task its candidate may work on, with its form and the case data it shows (masked)."""
    with hotline.engine.session() as session:
        row = session.execute(select(OpenTask, HotlineCase).join(
            HotlineCase, HotlineCase.instance_id == OpenTask.instance_id).where(OpenTask.id == task_id)).first()
        if row is None or not can_work(user, row.OpenTask):
            raise NotFound(f"no task {task_id}")
        task, case = row
        loaded = hotline.engine.load(session, task.instance_id)
        spiff_task = loaded.workflow.get_task_from_id(UUID(task_id))
        data = {**case_data(loaded.workflow), **spiff_task.data, "supplements": case.supplements}
        schema = hotline.engine.form(loaded.version, task.name)
    return {**task_view(task, case), "schema": schema, "data": data_for(user, data, case.confidential)}


def task_number(hotline: Hotline, task_id: str) -> str:
    """The number of the case an open task belongs to."""
    with hotline.engine.session() as session:
        number = session.scalar(select(HotlineCase.number).join(
            OpenTask, HotlineCase.instance_id == OpenTask.instance_id).where(OpenTask.id == task_id))
    if number is None:
        raise Conflict("the task is no longer open")
    return number


def check_candidate(hotline: Hotline, user: User, task_id: str) -> None:
    """Raise unless the user may act on the task: 404 if it is not theirs to know of, 409 if it is done."""
    with hotline.engine.session() as session:
        task = session.get(OpenTask, task_id)
        if task is not None:
            if not can_work(user, task):
                raise NotFound(f"no task {task_id}")
            return
        instance_id = session.scalar(select(AuditEvent.instance_id).where(AuditEvent.task_id == task_id).limit(1))
        query = visible_cases(select(HotlineCase.id).where(HotlineCase.instance_id == instance_id), user)
        if instance_id is not None and session.scalar(query) is not None:
            raise Conflict("the task is already completed")
    raise NotFound(f"no task {task_id}")
