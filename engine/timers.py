"""Reading a case's waiting timers: when the next one falls due, and which are due now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

TIMER_TYPES = {"DurationTimerEventDefinition", "TimeDateEventDefinition", "CycleTimerEventDefinition"}


@dataclass(frozen=True)
class WaitingTimer:
    task_id: str
    task_name: str
    due: datetime


def waiting_timers(workflow: BpmnWorkflow) -> list[WaitingTimer]:
    """Every armed timer of the case (subprocesses included), earliest first."""
    timers = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        details = _timer_details(task)
        if details is not None:
            timers.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id or task.task_spec.name, details))
    return sorted(timers, key=lambda t: t.due)


def _timer_details(task) -> datetime | None:
    definition = getattr(task.task_spec, "event_definition", None)
    if definition is None:
        return None
    definitions = getattr(definition, "event_definitions", None) or [definition]
    dues = [_due(d.details(task).value) for d in definitions if type(d).__name__ in TIMER_TYPES]
    dues = [d for d in dues if d is not None]
    return min(dues) if dues else None


def _due(value) -> datetime | None:
    if isinstance(value, dict):
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        return TimerEventDefinition.get_datetime(value)
    except ValueError:
        return None


def next_due(workflow: BpmnWorkflow) -> datetime | None:
    timers = waiting_timers(workflow)
    return timers[0].due if timers else None


def duration_from(start: datetime, iso: str) -> timedelta:
    """An ISO 8601 duration (``P3D``, ``P1M``, ``PT4H``) as a timedelta from ``start`` (months vary in length)."""
    try:
        return TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(iso), start)
    except Exception as err:  # SpiffWorkflow raises a bare Exception for malformed durations
        raise ValueError(f"not an ISO 8601 duration: {iso}") from err
