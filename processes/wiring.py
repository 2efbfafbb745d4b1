"""How the hotline domain plugs into the generic engine: its functions, hooks, forms and migrations."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine as Database

from engine.case import Hooks
from engine.store import upgrade as upgrade_engine

from .access import ROLE_LANES
from .calendar import WorkingCalendar
from .cases import Projector, is_hotline
from .departments import Directory
from .scope import INTAKE_CODES, in_acceptance_scope

MIGRATIONS = Path(__file__).parent / "migrations"
MAX_RETURNS = 3  # a case returned this often goes to the supervision centre instead of looping
MAX_REWORKS = 2  # results sent back for rework at most this often


def upgrade(db: Database) -> None:
    """Migrate the engine's tables, then the hotline's own."""
    upgrade_engine(db)
    upgrade_engine(db, MIGRATIONS, "alembic_version_hotline")


def returned_departments(reports: list[dict[str, Any]]) -> list[str]:
    """The departments that returned the case as wrongly assigned."""
    return [r["department"] for r in reports if r.get("outcome") == "return"]


def diagram_functions(calendar: WorkingCalendar, directory: Directory) -> dict[str, Any]:
    """The functions hotline diagrams may call by name (the only ones besides the sandbox builtins)."""

    def add_working_days(start: str | datetime, days: int) -> str:
        moment = datetime.fromisoformat(start) if isinstance(start, str) else start
        return calendar.add_working_days(moment, int(days)).isoformat()

    return {"add_working_days": add_working_days, "in_acceptance_scope": in_acceptance_scope,
            "deadline_days_for": directory.deadline_days_for, "returned_departments": returned_departments,
            "max_returns": lambda: MAX_RETURNS, "max_reworks": lambda: MAX_REWORKS}


WORKING_DAYS = "hotline:working_days"
"""The timer property a designer sets in the modeler's properties panel for a deadline in working days."""
MAX_WORKING_DAYS = 250


def working_days_timer(value: str) -> str:
    """``hotline:working_days = 10`` on a timer event: due at the end of the 10th working day after it starts."""
    try:
        days = int(value.strip())
    except ValueError:
        raise ValueError(f"'{value}' is not a whole number of working days") from None
    if not 1 <= days <= MAX_WORKING_DAYS:
        raise ValueError(f"give between 1 and {MAX_WORKING_DAYS} working days")
    return f"add_working_days(now(), {days})"


def task_group(task) -> str | None:
    """Department tasks are for one department: the multi-instance element it was created for (hotline only)."""
    return task.data.get("department") if task.task_spec.bpmn_id == "handle" and is_hotline(task.workflow) else None


def enum_filler(directory: Directory):
    """Fill ``x-enum-source`` lists in forms from the directory and the acceptance scope."""
    sources = {"departments": directory.codes, "categories": list(INTAKE_CODES)}

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            filled = {key: fill(value) for key, value in node.items()}
            source = node.get("x-enum-source")
            if isinstance(source, str) and source in sources:
                filled["enum"] = sources[source]
            return filled
        if isinstance(node, list):
            return [fill(item) for item in node]
        return node

    return fill


def hooks(calendar: WorkingCalendar, directory: Directory) -> Hooks:
    """The hotline's hooks into engine commands."""
    return Hooks(on_saved=Projector(calendar), task_group=task_group, form=enum_filler(directory),
                 timer_properties={WORKING_DAYS: working_days_timer}, lanes=ROLE_LANES)
