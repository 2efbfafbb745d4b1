"""Who may see and work what: roles against diagram lanes, departments against cases and tasks.

Department users see only the cases their department is named on and the tasks for their department;
other people's things are reported as not found, so their existence does not leak.
"""

from __future__ import annotations

from sqlalchemy import Select, String, cast

from engine.models import OpenTask

from .models import HotlineCase
from .users import ROLES, User

STAFF = tuple(role for role in ROLES if role != "designer")
"""The roles that work or read the hotline's cases (designers work the cases of their own diagrams only)."""
SEES_CONFIDENTIAL = frozenset({"operator", "supervisor", "auditor", "admin"})
LANE_PREFIX = "lane_"
ROLE_LANES = frozenset(f"{LANE_PREFIX}{role}" for role in STAFF)
"""The lanes a diagram may put a task in: one per staff role (validation warns about a task in any other)."""


def role_of_lane(lane: str | None) -> str | None:
    """The role that works a lane's tasks (lanes are named ``lane_<role>`` in the diagrams)."""
    return lane.removeprefix(LANE_PREFIX) if lane and lane.startswith(LANE_PREFIX) else None


def can_work(user: User, task: OpenTask) -> bool:
    """A task's candidates: its lane's role (and, for department tasks, that department); admins too."""
    if user.role == "admin":
        return True
    if role_of_lane(task.lane) != user.role:
        return False
    return task.candidate_group is None or task.candidate_group == user.department


def visible_cases(query: Select, user: User) -> Select:
    """Restrict a case query to what the user may see."""
    return query if user.role != "department" else query.where(names_department(user.department))


def names_department(department: str):
    """Case rows whose department list names ``department`` (JSON text match, portable across databases)."""
    escaped = department.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return cast(HotlineCase.departments, String).like(f'%"{escaped}"%', escape="\\")


def visible_tasks(query: Select, user: User) -> Select:
    """Restrict an open-task query to the tasks the user is a candidate for."""
    if user.role == "admin":
        return query
    lane = OpenTask.lane == f"{LANE_PREFIX}{user.role}"
    if user.role == "department":
        return query.where(lane, OpenTask.candidate_group == user.department)
    return query.where(lane)
