"""Saved case states in an older format, brought up to the current one before they are loaded.

Every case row records the format its state was saved in: SpiffWorkflow's serializer version and our own
layout (``spiff-1.5/specless-1``). SpiffWorkflow migrates its own serializations, which embed the spec; ours
leave it out, so each migration step is handed, beside every workflow's tasks, its spec converted to a dict
(the spec itself lives on the deployed version and is not migrated here). A format this code does not know,
or one written by a newer SpiffWorkflow, is refused before anything is read, with the format named.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.serializer.migration.version_1_4 import update_mi_states
from SpiffWorkflow.bpmn.serializer.migration.version_1_5 import update_event_gateway_children
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_VERSION
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec

from .errors import UnknownStateFormat

LAYOUT = "specless-1"
FORMAT = f"spiff-{SPIFF_VERSION}/{LAYOUT}"
_FORMAT = re.compile(rf"spiff-(\d+)\.(\d+)/{LAYOUT}")

# SpiffWorkflow's step from each older serializer version to the next, for the versions whose steps read only
# tasks and specs of the current shape (before 1.3 the spec itself changed shape, and ours was never saved so).
STEPS: dict[str, tuple[str, Callable[[dict], None]]] = {
    "1.3": ("1.4", update_mi_states),
    "1.4": ("1.5", update_event_gateway_children),
}


def spiff_version(state_format: str) -> str:
    """The SpiffWorkflow serializer version a state was saved with; refused when it cannot be migrated."""
    match = _FORMAT.fullmatch(state_format or "")
    if match is None:
        raise UnknownStateFormat(state_format, f"not a case state format this engine knows (it writes {FORMAT})")
    version = f"{int(match[1])}.{int(match[2])}"
    if version != SPIFF_VERSION and version not in STEPS:
        newer = tuple(map(int, match.groups())) > tuple(map(int, SPIFF_VERSION.split(".")))
        why = (f"written by a newer SpiffWorkflow (serializer {version}; this one reads up to {SPIFF_VERSION})"
               if newer else f"SpiffWorkflow serializer {version} has no migration for states saved without their"
               f" spec (the oldest migrated is {min(STEPS)})")
        raise UnknownStateFormat(state_format, why)
    return version


def migrate(dct: dict[str, Any], version: str, convert: Callable[[Any], dict], spec: BpmnProcessSpec,
            subprocess_specs: dict[str, BpmnProcessSpec]) -> None:
    """Bring a state saved with serializer ``version`` up to the current one, in place."""
    views = list(_workflow_views(dct, dct, spec, subprocess_specs, convert))
    while version != SPIFF_VERSION:
        version, step = STEPS[version]
        for view in views:
            step(view)


def _workflow_views(dct: dict, workflow: dict, spec: BpmnProcessSpec, subprocess_specs: dict, convert):
    """The top workflow and each subprocess as SpiffWorkflow's migrations expect a whole serialization: its own
    tasks beside its spec as a dict, and no subprocesses (its loop over them is fed one workflow at a time)."""
    yield {"tasks": workflow["tasks"], "spec": convert(spec), "subprocesses": {}}
    for task in workflow["tasks"].values():
        child = dct["subprocesses"].get(task["id"])
        if child is not None:
            child_spec = subprocess_specs[spec.task_specs[task["task_spec"]].spec]
            yield from _workflow_views(dct, child, child_spec, subprocess_specs, convert)
