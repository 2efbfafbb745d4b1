"""How the hotline plugs into engine commands: its projection, task groups, form enums, timer property, lanes."""

from __future__ import annotations

from typing import Any

from engine.case import Hooks

from . import repeat_calls
from .access import ROLE_LANES
from .calendar import WorkingCalendar
from .cases import Projector, is_hotline
from .departments import Directory
from .knowledge import citations
from .scope import INTAKE_CODES

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


def saved(calendar: WorkingCalendar):
    """What a command writes beside the case, in its transaction: the case row, a new call's keys for finding repeat
    calls, and replies citing an article."""
    project = Projector(calendar)

    def on_saved(session, instance, state, events) -> None:
        project(session, instance, state, events)
        repeat_calls.record(session, instance, events)
        citations.record(session, instance, events)

    return on_saved


def hooks(calendar: WorkingCalendar, directory: Directory) -> Hooks:
    """The hotline's hooks into engine commands."""
    return Hooks(on_saved=saved(calendar), task_group=task_group, form=enum_filler(directory),
                 timer_properties={WORKING_DAYS: working_days_timer}, lanes=ROLE_LANES)
