"""Every place the engine reaches into SpiffWorkflow 3.2.0, in one module: what to re-check on an upgrade.

``install`` (called by every ``Engine``; idempotent) points SpiffWorkflow's timers and task stamps at the
engine clock, its new task ids at the case's own sequence, and checks timer values and multi-instance
counts against the engine's limits before SpiffWorkflow computes with them.

``prepare_specs`` corrects the specs once, when a version is loaded. Specs are built once per version and
shared by every case (see ``deployment.VersionCache``), so a spec must never change at run time.
SpiffWorkflow's ``BpmnStartTask.trigger_wf`` connects the start task to an event subprocess the first
time one is triggered, unless the start task is already among the subprocess's inputs; every case created
afterwards would then start the event subprocess eagerly, and a case's state would depend on what other
cases did earlier (replay could not reproduce it). So each event subprocess is wired once: the start task
among its inputs (triggering leaves the spec alone) without the subprocess among the start's outputs (new
cases do not start it), and its end to the process end.
"""

from __future__ import annotations

from SpiffWorkflow import task
from SpiffWorkflow.bpmn.specs.event_definitions import timer

from . import clock, ids, multi_instance, timers


def install() -> None:
    """Apply every run-time patch (idempotent)."""
    timer.datetime = clock.ClockedDatetime
    task.time = clock.ClockedTime
    task.uuid4 = ids.task_uuid
    timers.install_timer_bounds()
    multi_instance.install_cardinality_bound()


def prepare_specs(*specs) -> None:
    """Wire every event subprocess of the given process specs before any case runs on them."""
    for spec in specs:
        for name in spec.start.trigger_specs:
            event_subprocess = spec.task_specs[name]
            if spec.start not in event_subprocess.inputs:
                event_subprocess._inputs.append(spec.start.name)  # one side only: Start's outputs stay as drawn
            if spec.end not in event_subprocess.outputs:
                event_subprocess.connect(spec.end)
