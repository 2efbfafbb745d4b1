"""A case as commands see it: statuses, domain hooks, what a command records, and readings of its workflow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from .deployment import LoadedVersion
from .extensions import TimerProperty
from .models import AuditEvent, Instance

RUNNING, COMPLETED, CANCELLED, INCIDENT = "running", "completed", "cancelled", "incident"
SYSTEM_TIMER, SYSTEM_ENGINE = "system:timer", "system:engine"



@dataclass(frozen=True)
class Hooks:
    """Where a domain plugs into commands without the engine knowing the domain."""

    on_saved: Callable[[Session, Instance, Reading, list[AuditEvent]], None] | None = None
    """Called inside each command's transaction after the case is advanced (e.g. to keep a case table), with the
    readings of the workflow the engine took for its own save (so no tree is walked twice)."""
    task_group: Callable[[Any], str | None] | None = None
    """The candidate group of a ready user task (e.g. the department it is for), stored on the open task."""
    form: Callable[[dict], dict] | None = None
    """Adjusts a form before it is used to check data (e.g. fills an enum from a directory)."""
    timer_properties: Mapping[str, TimerProperty] = field(default_factory=dict)
    """Timer extension properties a modeler may set, by name, and the timer expression each value stands for."""
    lanes: frozenset[str] = frozenset()
    """The lane ids that name who works a task (the domain's roles): a user task in another lane is warned about."""


@dataclass
class Step:
    """What a command did to a case, to be recorded as audit events."""

    events: list[dict[str, Any]] = field(default_factory=list)

    def record(self, type_: str, data: dict | None = None, task=None) -> Step:
        self.events.append({"type_": type_, "data": data or {}, "task_id": str(task.id) if task else None,
                            "task_name": (task.task_spec.bpmn_id or task.task_spec.name) if task else None})
        return self


@dataclass
class Case:
    """A case loaded inside a unit of work: ``warm`` when its workflow was continued from memory rather than
    loaded from its saved state (see ``live``), ``touched`` once the command began to change it."""

    instance: Instance
    version: LoadedVersion
    workflow: BpmnWorkflow
    open_before: frozenset[str] = frozenset()
    warm: bool = False
    touched: bool = False


def take_lock(instance: Instance, now: datetime) -> None:
    """Always write the case row, so its optimistic lock is checked and bumped even if nothing else changed."""
    instance.updated_at = now
    flag_modified(instance, "updated_at")


class Reading:
    """What is read off a workflow after a command, each reading walking the task tree at most once: the save,
    the open-task table and the domain's projection share it."""

    def __init__(self, workflow: BpmnWorkflow):
        self.workflow = workflow

    @cached_property
    def ready_user_tasks(self) -> dict[str, Any]:
        return ready_user_tasks(self.workflow)

    @cached_property
    def data(self) -> dict[str, Any]:
        return case_data(self.workflow)

    @cached_property
    def tasks(self) -> list[Any]:
        """Every task, finished side branches and subprocesses included (where flags such as a sent reminder are
        set), in no particular order: read off the workflows' task tables, several times quicker than a walk."""
        workflow = self.workflow
        return [*workflow.tasks.values(),
                *(task for sub in workflow.subprocesses.values() for task in sub.tasks.values())]


def ready_user_tasks(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The user tasks a person can work on now, by task id (what the open-task table mirrors)."""
    return {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's current data: what its live tasks carry (or, once ended, what it ended with)."""
    live = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
    carriers = live or ([workflow.last_task] if workflow.last_task is not None else [])
    merged = dict(workflow.data)
    for task in carriers:
        merged.update(task.data)
    return merged
