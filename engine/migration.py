"""Moving a running case to a newer version of its process, where SpiffWorkflow's diff allows it.

A case can move when every task it has already reached (finished, ready or waiting) still exists
in the new version; tasks only predicted for the future are re-predicted from the new diagram.
Otherwise the move is refused with the tasks that stand in the way.
"""

from __future__ import annotations

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState


def _blocking(diff) -> list[str]:
    return [f"task '{task.task_spec.bpmn_id or task.task_spec.name}' ({TaskState.get_name(task.state)}) does not "
            "exist in the new version"
            for task in diff.removed if not task.has_state(TaskState.PREDICTED_MASK)]


def migration_obstacles(registry, workflow: BpmnWorkflow, spec, subprocess_specs: dict) -> list[str]:
    """Why the case cannot move to ``spec`` (empty when it can)."""
    top_diff, sub_diffs = diff_workflow(registry, workflow, spec, subprocess_specs)
    reasons = _blocking(top_diff)
    for sub_id, sub_diff in sub_diffs.items():
        if sub_diff is None:
            name = workflow.subprocesses[sub_id].spec.name
            reasons.append(f"running subprocess '{name}' does not exist in the new version")
        else:
            reasons.extend(_blocking(sub_diff))
    return reasons


def migrate(registry, workflow: BpmnWorkflow, spec, subprocess_specs: dict) -> None:
    """Point the case at the new specs and re-predict its waiting and ready branches."""
    top_diff, sub_diffs = diff_workflow(registry, workflow, spec, subprocess_specs)
    for sub_id, sub_diff in sub_diffs.items():
        subprocess = workflow.subprocesses[sub_id]
        migrate_workflow(sub_diff, subprocess, subprocess_specs[subprocess.spec.name])
    migrate_workflow(top_diff, workflow, spec)
    workflow.subprocess_specs = subprocess_specs
