"""A case saved in an older state format loads migrated and carries on; an unknown or newer format is refused.

The older state is the one SpiffWorkflow's serializer 1.3 wrote for the same case: a multi-instance task that has
begun (the hotline's ``handle``, one instance per department, inside the handling subprocess) was saved WAITING,
where the current serializer saves it STARTED. Migration must give back exactly the state saved today.
"""

from __future__ import annotations

import json

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import text

from engine.errors import UnknownStateFormat
from engine.serializer import FORMAT

OLD_FORMAT = "spiff-1.3/specless-1"


def begun_multi_instance(state: dict) -> list[dict]:
    """The saved tasks of multi-instance activities that have begun, in the top workflow and every subprocess."""
    workflows = [state, *state["subprocesses"].values()]
    return [task for workflow in workflows for task in workflow["tasks"].values()
            if task["state"] == TaskState.STARTED and task["task_spec"] == "handle"]


def as_saved_by_serializer_1_3(text: str) -> str:
    """The same state as SpiffWorkflow 2.x (serializer 1.3) saved it: begun multi-instance tasks WAITING."""
    state = json.loads(text)
    for task in begun_multi_instance(state):
        task["state"] = TaskState.WAITING
    return json.dumps(state, separators=(",", ":"))


@pytest.fixture
def assigned(desk):
    """A case assigned to two departments: the multi-instance ``handle`` has begun; its row, version and state."""
    number = desk.call()
    desk.triage(number, "assignment", ["water", "housing"])
    engine = desk.hotline.engine
    instance_id = desk.hotline.case(number).instance_id
    with engine.session() as session:
        case = engine.load(session, instance_id)
        state = case.instance.state
    assert begun_multi_instance(json.loads(state))
    return number, instance_id, case.version, state


def test_a_state_in_an_older_format_loads_as_the_current_serializer_saves_it(desk, assigned):
    _number, _id, version, state = assigned
    serializer, old = desk.hotline.engine.serializer, as_saved_by_serializer_1_3(state)
    migrated = serializer.load_state(old, version.spec, version.subprocess_specs, OLD_FORMAT)
    assert serializer.dump_state(migrated) == state
    unmigrated = serializer.load_state(old, version.spec, version.subprocess_specs)
    assert serializer.dump_state(unmigrated) != state  # the format is what made the difference


def handle_in_turn(workflow, departments: list[str]) -> list[str]:
    """Complete the open ``handle`` task of each department in turn, as SpiffWorkflow runs it; the open user tasks
    after."""
    for department in departments:
        task = next(t for t in open_user_tasks(workflow) if t.data.get("department") == department)
        task.data.update({"outcome": "handled", "summary": "已办理"})
        task.run()
        workflow.do_engine_steps()
    return sorted(t.task_spec.bpmn_id for t in open_user_tasks(workflow))


def open_user_tasks(workflow) -> list:
    return [t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.manual]


def test_a_state_in_an_older_format_carries_on_after_loading(desk, assigned):
    _number, _id, version, state = assigned
    engine, old = desk.hotline.engine, as_saved_by_serializer_1_3(state)
    migrated = engine.serializer.load_state(old, version.spec, version.subprocess_specs, OLD_FORMAT)
    migrated.script_engine = engine.script_engine
    assert handle_in_turn(migrated, ["water", "housing"]) == ["review_result"]
    [review] = open_user_tasks(migrated)
    assert sorted(r["department"] for r in review.data["department_reports"]) == ["housing", "water"]
    unmigrated = engine.serializer.load_state(old, version.spec, version.subprocess_specs)
    unmigrated.script_engine = engine.script_engine
    assert handle_in_turn(unmigrated, ["water", "housing"]) == ["handle", "handle"]  # read as today's, it loops


@pytest.mark.parametrize(("state_format", "why"), [
    ("spiff-1.6/specless-1", "written by a newer SpiffWorkflow (serializer 1.6; this one reads up to 1.5)"),
    ("spiff-2.0/specless-1", "written by a newer SpiffWorkflow (serializer 2.0; this one reads up to 1.5)"),
    ("spiff-1.2/specless-1", "serializer 1.2 has no migration for states saved without their spec"),
    ("spiff-1.5/specless-2", f"not a case state format this engine knows (it writes {FORMAT})"),
    ("spiff-1.5", f"not a case state format this engine knows (it writes {FORMAT})"),
    ("", f"not a case state format this engine knows (it writes {FORMAT})"),
])
def test_an_unknown_or_newer_state_format_is_refused_naming_it(desk, assigned, state_format, why):
    _number, _id, version, state = assigned
    with pytest.raises(UnknownStateFormat, match=f"^the case state format '{state_format}' cannot be loaded: ") as e:
        desk.hotline.engine.serializer.load_state(state, version.spec, version.subprocess_specs, state_format)
    assert why in str(e.value)
    assert e.value.state_format == state_format


def test_a_case_stored_in_an_older_format_carries_on_through_the_commands(desk, assigned, db):
    number, instance_id, _version, state = assigned
    with db.begin() as conn:  # as an older release left the row (its lock_version moves, as every write's does)
        conn.execute(text("UPDATE instances SET state = :state, state_format = :format, "
                          "lock_version = lock_version + 1 WHERE id = :id"),
                     {"state": as_saved_by_serializer_1_3(state), "format": OLD_FORMAT, "id": instance_id})
    for department in ("water", "housing"):
        desk.do(number, "handle", {"outcome": "handled", "summary": "已办理"}, group=department)
    assert desk.open(number) == [("review_result", None)]
    with db.connect() as conn:
        assert conn.execute(text("SELECT state_format FROM instances WHERE id = :id"),
                            {"id": instance_id}).scalar() == FORMAT


def test_a_case_saved_by_a_newer_release_is_refused_over_http_and_left_as_it_was(api):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    instance_id = api.hotline.case(number).instance_id
    with api.hotline.engine.db.begin() as conn:  # as a node of a newer release left it (during a rolling upgrade)
        conn.execute(text("UPDATE instances SET state_format = 'spiff-9.9/specless-1', "
                          "lock_version = lock_version + 1 WHERE id = :id"), {"id": instance_id})
        before = conn.execute(text("SELECT state, lock_version FROM instances WHERE id = :id"),
                              {"id": instance_id}).one()
    shown = api.get("dispatcher", f"/tasks/{task}", headers={"Accept-Language": "zh"})
    assert shown.status_code == 409
    assert "由更新的 SpiffWorkflow 写入" in shown.get_json()["detail"]
    done = api.post("dispatcher", f"/tasks/{task}/complete", json={"treatment": "immediate_reply"},
                    headers={"Accept-Language": "en"})
    assert done.status_code == 409
    assert "written by a newer SpiffWorkflow" in done.get_json()["detail"]
    with api.hotline.engine.db.connect() as conn:
        assert conn.execute(text("SELECT state, lock_version FROM instances WHERE id = :id"),
                            {"id": instance_id}).one() == before
