"""What each recorded event does to a case's workflow: the one definition live commands and replay share.

A live command checks its preconditions (the task is open, the form is satisfied, the case waits for the
message), applies the effect, runs ``do_engine_steps`` and records the event. Replay applies the same
effect from the recorded event, so the two cannot drift apart.
"""

from __future__ import annotations

import uuid
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import SignalEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from .errors import Conflict

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
    """Hand a message or signal to the case; ``Conflict`` when it waits for no such thing."""
    definition = MessageEventDefinition(name) if kind == "message" else SignalEventDefinition(name)
    try:
        workflow.send_event(BpmnEvent(definition, payload if kind == "message" else None))
    except WorkflowException as err:
        raise Conflict(f"the case is not waiting for '{name}'") from err


def fire_timers(workflow: BpmnWorkflow) -> None:
    workflow.refresh_timers()


def cancel(workflow: BpmnWorkflow) -> None:
    workflow.cancel()
