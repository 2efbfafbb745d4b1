"""Engine commands on small diagrams: each advances a case in one transaction, or changes nothing."""

from datetime import timedelta

import pytest

from engine.errors import Conflict, InvalidData, NotFound, StepFailed
from engine.models import AuditEvent, Instance
from tests.conftest import diagram_files


def open_task(engine, case, name=None):
    tasks = engine.snapshot(case)["open_tasks"]
    return next(t for t in tasks if name is None or t["name"] == name)


def events(engine, case):
    with engine.session() as session:
        return session.query(AuditEvent).filter_by(instance_id=case).order_by(AuditEvent.seq).all()


def stored_state(engine, case):
    with engine.session() as session:
        row = session.get(Instance, case)
        return row.state, row.lock_version


@pytest.fixture
def basic(engine):
    engine.deploy(diagram_files("basic.bpmn", "request.json", "review.json"))
    return engine


def test_user_tasks_and_the_gateway_take_the_conditioned_branch(basic):
    case = basic.start("basic", {}, "alice")
    fill = open_task(basic, case)
    assert (fill["name"], fill["lane"]) == ("fill", "lane_clerk")
    basic.complete_task(fill["id"], {"amount": 500}, "alice")
    review = open_task(basic, case)
    assert (review["name"], review["lane"]) == ("review", "lane_boss")
    assert basic.snapshot(case)["data"]["size"] == "big"
    basic.complete_task(review["id"], {"approved": True}, "bob")
    snapshot = basic.snapshot(case)
    assert (snapshot["status"], snapshot["open_tasks"]) == ("completed", [])


def test_the_gateway_default_flow_is_taken_when_no_condition_holds(basic):
    case = basic.start("basic", {}, "alice")
    basic.complete_task(open_task(basic, case)["id"], {"amount": 5}, "alice")
    assert basic.snapshot(case)["status"] == "completed"


@pytest.mark.parametrize("data", [{}, {"amount": -1}, {"amount": "many"}, {"amount": 1, "extra": True}])
def test_data_that_breaks_the_form_is_refused_and_changes_nothing(basic, data):
    case = basic.start("basic", {}, "alice")
    before = stored_state(basic, case)
    with pytest.raises(InvalidData) as refused:
        basic.complete_task(open_task(basic, case)["id"], data, "alice")
    assert refused.value.errors
    assert stored_state(basic, case) == before


def test_completing_an_unknown_task_is_not_found_and_a_completed_one_is_a_conflict(basic):
    case = basic.start("basic", {}, "alice")
    task = open_task(basic, case)["id"]
    basic.complete_task(task, {"amount": 500}, "alice")
    with pytest.raises(Conflict):
        basic.complete_task(task, {"amount": 500}, "alice")
    with pytest.raises(NotFound):
        basic.complete_task("00000000-0000-0000-0000-000000000000", {}, "alice")


def test_claims_conflict_when_someone_else_holds_the_task(basic):
    case = basic.start("basic", {}, "alice")
    task = open_task(basic, case)["id"]
    basic.claim(task, "alice")
    basic.claim(task, "alice")
    with pytest.raises(Conflict):
        basic.claim(task, "bob")
    with pytest.raises(Conflict):
        basic.unclaim(task, "bob")
    basic.unclaim(task, "alice")
    basic.claim(task, "bob")
    assert open_task(basic, case)["assignee"] == "bob"
    assert [e.type for e in events(basic, case)][-3:] == ["task_claimed", "task_unclaimed", "task_claimed"]


def test_cancel_ends_the_case_and_later_commands_conflict(basic):
    case = basic.start("basic", {}, "alice")
    task = open_task(basic, case)["id"]
    basic.cancel(case, "caller hung up", "alice")
    assert basic.snapshot(case)["status"] == "cancelled"
    assert basic.snapshot(case)["open_tasks"] == []
    with pytest.raises(Conflict):
        basic.cancel(case, "again", "alice")
    with pytest.raises(NotFound):  # the cancelled case's tasks are gone
        basic.complete_task(task, {"amount": 1}, "alice")


def test_every_command_is_recorded_in_a_hash_chained_audit_log(basic):
    case = basic.start("basic", {"source": "phone"}, "alice")
    basic.complete_task(open_task(basic, case)["id"], {"amount": 500}, "alice")
    log = events(basic, case)
    assert [(e.seq, e.type, e.actor, e.task_name) for e in log] == [
        (1, "case_started", "alice", None), (2, "task_completed", "alice", "fill")]
    assert log[1].data == {"amount": 500}
    assert log[1].prev_hash == log[0].hash


def test_a_crash_in_the_middle_of_a_command_leaves_the_previous_state(db, clock):
    from engine.runtime import Engine, Hooks

    power = {"cut": False}

    def crash(session, instance, workflow, events):
        if power["cut"]:
            raise RuntimeError("power cut")

    engine = Engine(db, clock, hooks=Hooks(on_saved=crash))
    engine.deploy(diagram_files("basic.bpmn", "request.json", "review.json"))
    case = engine.start("basic", {}, "alice")
    before = stored_state(engine, case)
    task = open_task(engine, case)["id"]
    power["cut"] = True
    with pytest.raises(RuntimeError):
        engine.complete_task(task, {"amount": 500}, "alice")
    assert stored_state(engine, case) == before
    assert open_task(engine, case)["id"] == task
    assert len(events(engine, case)) == 1


def test_a_failing_diagram_step_saves_nothing_and_sets_the_case_aside_as_an_incident(engine):
    files = diagram_files("basic.bpmn", "request.json", "review.json")
    files["basic.bpmn"] = files["basic.bpmn"].replace(b"amount &gt; 100", b"missing_value &gt; 100")
    engine.deploy(files)
    case = engine.start("basic", {}, "alice")
    before = engine.snapshot(case)
    task = open_task(engine, case)["id"]
    with pytest.raises(StepFailed) as failed:
        engine.complete_task(task, {"amount": 5}, "alice")
    assert failed.value.task == "classify"
    after = engine.snapshot(case)
    assert (after["status"], after["data"], after["open_tasks"]) == ("incident", before["data"], before["open_tasks"])
    [incident] = engine.incidents()
    assert (incident.id, incident.error_task) == (case, "classify")
    assert "missing_value" in incident.error
    with pytest.raises(Conflict):
        engine.complete_task(task, {"amount": 5}, "alice")
    engine.retry(case, "admin")
    assert engine.snapshot(case)["status"] == "running"
    assert [e.type for e in events(engine, case)] == ["case_started", "incident_raised", "incident_retried"]
    with pytest.raises(Conflict):
        engine.retry(case, "admin")


def test_a_timer_that_fails_is_an_incident_and_never_blocks_other_cases(engine, clock):
    from engine.replay import Replayer

    broken = diagram_files("timers.bpmn", "review.json")
    broken["timers.bpmn"] = broken["timers.bpmn"].replace(b"reminded = True", b"reminded = nobody + 1")
    engine.deploy(broken)
    failing = engine.start("timers", {}, "alice")
    engine.deploy(diagram_files("timers.bpmn", "review.json"))
    healthy = engine.start("timers", {}, "alice")
    clock.advance(timedelta(hours=3))
    assert engine.fire_due() == [healthy]
    assert engine.snapshot(failing)["status"] == "incident"
    assert engine.fire_due() == []  # set aside: the sweep does not retry it on its own
    engine.migrate(failing, 2, "admin")  # the fix: the corrected version, where the overdue reminder now runs
    engine.retry(failing, "admin")
    clock.advance(timedelta(days=1, minutes=1))
    assert failing in engine.fire_due()
    assert [t["name"] for t in engine.snapshot(failing)["open_tasks"]] == ["escalated"]
    assert Replayer(engine).verify(failing).replay_matches


def test_boundary_timers_remind_without_interrupting_then_interrupt_when_overdue(engine, clock):
    engine.deploy(diagram_files("timers.bpmn", "review.json"))
    case = engine.start("timers", {}, "alice")
    started = clock.now()
    assert engine.snapshot(case)["next_due_at"] == started + timedelta(hours=2)
    clock.advance(timedelta(hours=2))
    assert engine.fire_due() == []  # a timer fires once its moment has passed
    clock.advance(timedelta(seconds=1))
    assert engine.fire_due() == [case]
    snapshot = engine.snapshot(case)
    assert [t["name"] for t in snapshot["open_tasks"]] == ["handle"]
    assert snapshot["next_due_at"] == started + timedelta(days=1)
    clock.advance(timedelta(hours=22))
    assert engine.fire_due() == [case]
    assert [t["name"] for t in engine.snapshot(case)["open_tasks"]] == ["escalated"]
    fired = [timer for e in events(engine, case) if e.type == "timer_fired" for timer in e.data["timers"]]
    assert [(f["timer"], f["due"]) for f in fired] == [
        ("remind", (started + timedelta(hours=2)).isoformat()), ("timeout", (started + timedelta(days=1)).isoformat())]
    assert engine.fire_due() == []


def test_timers_that_fell_due_while_stopped_fire_in_due_order(engine, clock):
    engine.deploy(diagram_files("timers.bpmn", "review.json"))
    first = engine.start("timers", {}, "alice")
    clock.advance(timedelta(minutes=5))
    second = engine.start("timers", {}, "alice")
    clock.advance(timedelta(days=3))
    assert engine.fire_due() == [first, second]


def test_completing_the_task_before_the_deadline_disarms_its_timers(engine, clock):
    engine.deploy(diagram_files("timers.bpmn", "review.json"))
    case = engine.start("timers", {}, "alice")
    engine.complete_task(open_task(engine, case)["id"], {"approved": True}, "alice")
    assert engine.snapshot(case) | {"data": None} == {
        "status": "completed", "version": 1, "data": None, "open_tasks": [], "next_due_at": None}
    clock.advance(timedelta(days=2))
    assert engine.fire_due() == []


def test_a_message_is_caught_with_its_payload_and_an_unexpected_one_conflicts(engine):
    engine.deploy(diagram_files("message.bpmn"))
    case = engine.start("message", {}, "alice")
    with pytest.raises(Conflict):
        engine.send_message(case, "supplement", {"content": "more"}, "op")
    engine.send_message(case, "withdraw", {"reason": "solved"}, "op")
    snapshot = engine.snapshot(case)
    assert snapshot["status"] == "completed"
    assert snapshot["data"]["withdrawal"] == {"reason": "solved"}
    assert events(engine, case)[-1].type == "message_received"


def test_a_call_activity_runs_the_called_process_then_returns(engine):
    engine.deploy(diagram_files("parent.bpmn", "child.bpmn", "review.json"))
    case = engine.start("parent", {}, "alice")
    engine.complete_task(open_task(engine, case, "inside")["id"], {"approved": True}, "alice")
    engine.complete_task(open_task(engine, case, "after")["id"], {}, "alice")
    assert engine.snapshot(case)["status"] == "completed"


@pytest.mark.parametrize(("data", "route"), [
    ({"kind": "urgent", "count": 5}, "fast"), ({"kind": "plain", "count": 3}, "shared"),
    ({"kind": "plain", "count": 1}, "normal")])
def test_a_dmn_table_decides_in_the_sandbox(engine, data, route):
    engine.deploy(diagram_files("decision.bpmn", "decision.dmn", "review.json"))
    case = engine.start("decision", data, "alice")
    assert engine.snapshot(case)["data"]["route"] == route
