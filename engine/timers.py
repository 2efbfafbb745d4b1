"""Reading a case's waiting timers (when the next one falls due, which are due now), and holding the values
SpiffWorkflow arms them with to the engine's bounds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from . import clock, timer_values

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
    except timer_values.TimerValueError:
        raise  # beyond the engine's horizon (a ValueError that says so)
    except Exception as err:  # SpiffWorkflow raises a bare Exception for malformed durations
        raise ValueError(f"not an ISO 8601 duration: {iso}") from err


_CHECKED_PARSERS = {"parse_iso_duration": timer_values.DURATION,
                    "parse_time_or_duration": timer_values.DATE_OR_DURATION,
                    "parse_iso_recurring_interval": timer_values.CYCLE}


def install_timer_bounds() -> None:
    """Check every timer value SpiffWorkflow reads before it computes a moment from it (idempotent).

    SpiffWorkflow reads a timer's evaluated value with three static parsers of ``TimerEventDefinition``;
    each is wrapped so the value meets ``timer_values`` first, at the engine clock's time. A value out of
    bounds raises ``TimerValueError`` (a ``SandboxError``) before SpiffWorkflow's month loop could run; the
    catching event's update, where the parsers are called, names its task in the error. The step fails and
    the case becomes an incident.
    """
    for name, kind in _CHECKED_PARSERS.items():
        parser = getattr(TimerEventDefinition, name)
        if not getattr(parser, "bounded", False):
            setattr(TimerEventDefinition, name, staticmethod(_bounded(parser, kind)))
    if not getattr(CatchingEvent._update_hook, "bounded", False):
        CatchingEvent._update_hook = _naming_the_task(CatchingEvent._update_hook)


def _bounded(parser: Callable[[Any], Any], kind: str) -> Callable[[Any], Any]:
    def parse(expression: Any) -> Any:
        timer_values.check(kind, expression, clock.current())
        return parser(expression)

    parse.bounded = True
    return parse


def _naming_the_task(update_hook: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def update(spec: Any, my_task: Any) -> Any:
        try:
            return update_hook(spec, my_task)
        except timer_values.TimerValueError as err:
            err.task = my_task
            raise

    update.bounded = True
    return update
