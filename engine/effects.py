"""What each recorded event does to a case's workflow: the one definition live commands and replay share.

A live command checks its preconditions (the task is open, the form is satisfied, the case waits for the
message), applies the effect, runs ``do_engine_steps`` and records the event. Replay applies the same
effect from the recorded event, so the two cannot drift apart.
"""

from __future__ import annotations

import uuid
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import (
    ErrorEventDefinition,
    EscalationEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition, SignalEventDefinition
from SpiffWorkflow.util.task import TaskState

from . import budget
from .errors import Conflict, InvalidData

# What a person may raise from a user task, for the task's boundary events to catch.
THROWABLE = {"error": ErrorEventDefinition, "escalation": EscalationEventDefinition}
# Events that change no workflow state (only who holds a task), and those after which no engine steps run.
BOOKKEEPING = {"task_claimed", "task_unclaimed", "incident_raised", "incident_retried"}
NO_STEPS = BOOKKEEPING | {"case_cancelled"}


def start(spec, subprocess_specs: dict, script_engine, data: dict[str, Any]) -> BpmnWorkflow:
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(data)
    return workflow


def ready_task(workflow: BpmnWorkflow, task_id: str):
    """The ready user task with this id, or ``Conflict``."""
    try:
        task = workflow.get_task_from_id(uuid.UUID(task_id))
    except (ValueError, KeyError, WorkflowException):
        task = None
    if task is None or task.state != TaskState.READY or not task.task_spec.manual:
        raise Conflict("the task is no longer open")
    return task


def complete(workflow: BpmnWorkflow, task_id: str, data: dict[str, Any]) -> None:
    task = ready_task(workflow, task_id)
    task.data.update(data)
    task.run()


def deliver(workflow: BpmnWorkflow, kind: str, name: str, payload: dict[str, Any]) -> None:
    """Hand a message or signal to the case; ``Conflict`` when it waits for no such thing.

    SpiffWorkflow matches an event by the exact class of its definition, so the event is built from the classes
    the parser gives diagrams (the spiff ones); a base-class signal would never be caught.
    """
    definition = MessageEventDefinition(name) if kind == "message" else SignalEventDefinition(name)
    try:
        workflow.send_event(BpmnEvent(definition, payload if kind == "message" else None))
    except WorkflowException as err:
        raise Conflict(f"the case is not waiting for '{name}'") from err


def run_engine_steps(workflow: BpmnWorkflow) -> None:
    """Run until nothing is left for the engine, checking the step's time budget after every task.

    ``do_engine_steps`` ends by refreshing timers, which can make a timer that fell due meanwhile ready without
    running its path; so it runs again until no engine task is ready.
    """
    while True:
        workflow.do_engine_steps(did_complete_task=lambda _task: budget.check())
        if workflow.get_next_task(state=TaskState.READY, manual=False) is None:
            return
        budget.check()


def fire_timers(workflow: BpmnWorkflow) -> None:
    workflow.refresh_timers()


def cancel(workflow: BpmnWorkflow) -> None:
    workflow.cancel()


def throw(workflow: BpmnWorkflow, task_id: str, kind: str, code: str, message: str | None) -> None:
    """Raise an error or escalation from a ready user task; one boundary event of its activity must catch it.

    The catching boundary event is chosen the way BPMN says: one catching exactly this code, else one
    catching every code. Its path finds ``{kind: {code, message}}`` in its data (and in the definition's
    ``variableName``, where the diagram names one, as SpiffWorkflow does for thrown events).
    """
    task = ready_task(workflow, task_id)
    details = thrown(code, message)
    event = BpmnEvent(THROWABLE[kind](code, code), details)
    candidates = catchers(task, kind)
    exact = [t for t in candidates if t.task_spec.event_definition.code == code]
    chosen = (exact or [t for t in candidates if t.task_spec.event_definition.code is None])[:1]
    if not chosen:
        codes = ", ".join(sorted(t.task_spec.event_definition.code for t in candidates)) or "none"
        raise InvalidData({"code": [f"no boundary event of this task catches {kind} '{code}' (it catches: {codes})"]})
    for catcher in chosen:  # as SpiffWorkflow's own event manager delivers a caught event
        catcher.set_data(**{kind: details})
        catcher.task_spec.catch(catcher, event)
        catcher.task_spec._update(catcher)


def thrown(code: str, message: str | None) -> dict[str, str]:
    """What is recorded of a raised error or escalation, and what its path finds in its data."""
    return {"code": code, **({"message": message} if message else {})}


def catchers(task, kind: str) -> list:
    """The waiting boundary events of the task's activity (a multi-instance task's, for one of its instances)."""
    activity = task
    while activity.parent is not None and isinstance(activity.parent.task_spec, MultiInstanceTask):
        activity = activity.parent
    siblings = activity.parent.children if activity.parent is not None else []
    return [t for t in siblings if t is not activity and isinstance(t.task_spec, BoundaryEvent)
            and t.state == TaskState.WAITING and isinstance(t.task_spec.event_definition, THROWABLE[kind])]
