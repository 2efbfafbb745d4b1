"""The ceiling on multi-instance activities: at most ``MAX_CARDINALITY`` instances of one activity.

SpiffWorkflow creates every instance of a parallel multi-instance activity at once (``loopCardinality``
8000 kept one request busy for minutes). Deployment refuses a literal cardinality above the ceiling
(``unsupported``); ``install_cardinality_bound`` checks the rest when the activity starts — a cardinality
expression's value, or the size of the input collection — before any instance exists, so the step fails
and the case becomes an incident.
"""

from __future__ import annotations

from collections.abc import Sized
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from .limits import MAX_CARDINALITY
from .sandbox import SandboxError


class CardinalityError(SandboxError):
    """A multi-instance activity would create more instances than the ceiling allows."""

    def __init__(self, message: str, task: Any = None):
        super().__init__(message)
        self.task = task  # the activity's task: an incident names it


def install_cardinality_bound() -> None:
    """Count a multi-instance activity's instances before SpiffWorkflow creates them (idempotent).

    Both kinds (parallel and sequential) run ``MultiInstanceTask``'s update first, which by itself only
    passes on to the loop's (the task takes its data); the count is checked after that, before the kind's
    own update creates instances.
    """
    if not getattr(MultiInstanceTask.__dict__.get("_update_hook"), "bounded", False):
        MultiInstanceTask._update_hook = _bounded_update_hook


def _bounded_update_hook(spec: MultiInstanceTask, my_task: Any) -> Any:
    ready = super(MultiInstanceTask, spec)._update_hook(my_task)  # the task takes its data first
    count = instances(spec, my_task)
    if count is not None and count > MAX_CARDINALITY:
        raise CardinalityError(f"the multi-instance activity would run {count} instances; at most "
                               f"{MAX_CARDINALITY} may run", my_task)
    return ready


def instances(spec: MultiInstanceTask, my_task: Any) -> int | None:
    """How many instances SpiffWorkflow is about to create (None when it will refuse the input itself).

    A cardinality expression is evaluated here once more than SpiffWorkflow does: expressions have no
    side effects, and the command's clock is frozen, so both see the same value.
    """
    if spec.data_input is not None:
        if not spec.data_input.exists(my_task):
            return None
        collection = spec.data_input.get(my_task)
        return len(collection) if isinstance(collection, Sized) else None
    cardinality = my_task.workflow.script_engine.evaluate(my_task, spec.cardinality)
    return cardinality if isinstance(cardinality, int) else None
