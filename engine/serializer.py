"""Case state as JSON without the embedded spec, which is stored once per deployed version.

SpiffWorkflow's serializer writes the whole process spec into every saved case; that roughly doubles
the bytes and the save/load time. ``SpeclessWorkflowConverter`` leaves the spec out and is handed the
(cached, shared) spec objects back when a case is loaded.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .state_formats import FORMAT, migrate, spiff_version

__all__ = ["FORMAT", "SpeclessWorkflowConverter", "StateSerializer"]


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Workflow converter that neither writes nor reads the process spec."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None) -> BpmnWorkflow:
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateSerializer:
    """Turns workflows into JSON text and back, and specs into JSON text and back."""

    def __init__(self):
        self.registry = BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: SpeclessWorkflowConverter})
        self._serializer = BpmnWorkflowSerializer(self.registry)

    def dump_state(self, workflow: BpmnWorkflow) -> str:
        return self._dump(workflow)

    def load_state(self, text: str, spec: BpmnProcessSpec, subprocess_specs: dict,
                   state_format: str = FORMAT) -> BpmnWorkflow:
        """Restore a saved state; one saved in an older format (the case row's ``state_format``) is migrated
        first, and an unknown or newer one raises ``UnknownStateFormat`` before anything is read."""
        version = spiff_version(state_format) if state_format != FORMAT else None
        dct = json.loads(text)
        if version is not None:
            migrate(dct, version, self.registry.convert, spec, subprocess_specs)
        return self.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)

    def dump_specs(self, spec: BpmnProcessSpec, subprocess_specs: dict) -> str:
        return self._dump({"spec": spec, "subprocess_specs": subprocess_specs})

    def load_specs(self, text: str) -> tuple[BpmnProcessSpec, dict]:
        dct = json.loads(text)
        subs = {name: self.registry.restore(sub) for name, sub in dct["subprocess_specs"].items()}
        return self.registry.restore(dct["spec"]), subs

    def _dump(self, obj: Any) -> str:
        """Convert with the registry's fast encoder path; key order matters (tasks are restored parents first)."""
        self.registry._encoder_mode = True
        try:
            return json.dumps(self.registry.convert(obj), cls=self._serializer._encoder_cls, separators=(",", ":"))
        finally:
            self.registry._encoder_mode = False
