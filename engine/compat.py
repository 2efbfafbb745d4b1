"""Corrections to SpiffWorkflow 3.2.0 that the engine relies on.

Specs are built once per version and shared by every case (see ``deployment.VersionCache``), so a
spec must never change at run time. SpiffWorkflow's ``BpmnStartTask.trigger_wf`` connects the start
task to an event subprocess the first time one is triggered, unless the start task is already among
the subprocess's inputs; every case created afterwards would then start the event subprocess eagerly,
and a case's state would depend on what other cases did earlier (replay could not reproduce it).
``prepare_specs`` wires each event subprocess once, when the specs are loaded: the start task among
its inputs (so triggering leaves the spec alone) without the subprocess among the start's outputs
(so new cases do not start it), and its end to the process end.
"""

from __future__ import annotations


def prepare_specs(*specs) -> None:
    """Wire every event subprocess of the given process specs before any case runs on them."""
    for spec in specs:
        for name in spec.start.trigger_specs:
            event_subprocess = spec.task_specs[name]
            if spec.start not in event_subprocess.inputs:
                event_subprocess._inputs.append(spec.start.name)  # one side only: Start's outputs stay as drawn
            if spec.end not in event_subprocess.outputs:
                event_subprocess.connect(spec.end)
