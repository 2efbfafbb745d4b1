"""Moving a running case to a newer version of its process, where SpiffWorkflow's diff allows it.

A case can move when every task it has already reached (finished, ready or waiting) still exists
in the new version and no multi-instance task is running; tasks follow the new diagram's paths as
they complete. Otherwise the move is refused with what stands in the way.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

KEEP_ALL = 0  # a reset mask no task state matches


def _blocking(diff) -> list[str]:
    return [f"task '{task.task_spec.bpmn_id or task.task_spec.name}' ({TaskState.get_name(task.state)}) does not "
            "exist in the new version"
            for task in diff.removed if not task.has_state(TaskState.PREDICTED_MASK)]


def _multi_instance_running(workflow: BpmnWorkflow) -> list[str]:
    """SpiffWorkflow loses a running multi-instance task's per-instance data when it migrates; wait instead."""
    return [f"multi-instance task '{task.task_spec.bpmn_id}' is running; move the case once it has finished"
            for task in workflow.get_tasks(state=TaskState.STARTED)
            if isinstance(task.task_spec, MultiInstanceTask)]


def migration_obstacles(registry, workflow: BpmnWorkflow, spec, subprocess_specs: dict) -> list[str]:
    """Why the case cannot move to ``spec`` (empty when it can)."""
    top_diff, sub_diffs = diff_workflow(registry, workflow, spec, subprocess_specs)
    reasons = _blocking(top_diff) + _multi_instance_running(workflow)
    for sub_id, sub_diff in sub_diffs.items():
        if sub_diff is None:
            name = workflow.subprocesses[sub_id].spec.name
            reasons.append(f"running subprocess '{name}' does not exist in the new version")
        else:
            reasons.extend(_blocking(sub_diff))
    return reasons


def migrate(registry, workflow: BpmnWorkflow, spec, subprocess_specs: dict) -> None:
    """Point every task of the case at its counterpart in the new specs.

    No task is reset: SpiffWorkflow's default re-predicts ready and waiting tasks, which would empty a
    multi-instance task's own data and restart running duration timers. Tasks pick up the new
    diagram's paths when they complete (their children are synced with the new outputs then).
    """
    top_diff, sub_diffs = diff_workflow(registry, workflow, spec, subprocess_specs)
    for sub_id, sub_diff in sub_diffs.items():
        subprocess = workflow.subprocesses[sub_id]
        migrate_workflow(sub_diff, subprocess, subprocess_specs[subprocess.spec.name], reset_mask=KEEP_ALL)
    migrate_workflow(top_diff, workflow, spec, reset_mask=KEEP_ALL)
    workflow.subprocess_specs = subprocess_specs
