"""A person raises a BPMN error or escalation on their task (a department returns a case, asks for more time);
the task's boundary event takes the case on, the command is its own audit event, and replay reproduces it."""

from io import BytesIO

import pytest

from engine.bundle import read_paths
from engine.errors import Conflict, InvalidData
from engine.replay import Replayer
from processes.service import DIAGRAMS
from tests.design_helpers import diagram, flows, task
from tests.external_helpers import edit
from tests.test_commands import events, open_task, stored_state

DEFINITIONS = ('<bpmn:error id="wrong" name="Wrong department" errorCode="wrong_department"/>'
               '<bpmn:escalation id="time" name="More time" escalationCode="extension"/>')
BODY = ('<bpmn:startEvent id="start"/>' + task("handle") + task("grant") + task("redispatch")
        + '<bpmn:boundaryEvent id="more_time" attachedToRef="handle" cancelActivity="false">'
          '<bpmn:escalationEventDefinition escalationRef="time"/></bpmn:boundaryEvent>'
        + '<bpmn:boundaryEvent id="returned" attachedToRef="handle"><bpmn:errorEventDefinition errorRef="wrong"/>'
          "</bpmn:boundaryEvent>"
        + '<bpmn:endEvent id="end"/>'
        + flows("start>handle", "handle>end", "more_time>grant", "grant>end", "returned>redispatch",
                "redispatch>end"))
CATCH_ALL = ('<bpmn:boundaryEvent id="other" attachedToRef="handle"><bpmn:errorEventDefinition/>'
             '</bpmn:boundaryEvent>' + task("anything") + flows("other>anything", "anything>end"))


@pytest.fixture
def case(engine):
    engine.deploy(diagram(BODY, DEFINITIONS))
    return engine.start("p", {"amount": 5}, "clerk")


def names(engine, case) -> list[str]:
    return sorted(t["name"] for t in engine.snapshot(case)["open_tasks"])


def test_an_escalation_opens_its_path_and_leaves_the_task_open(engine, case):
    engine.throw(open_task(engine, case, "handle")["id"], "escalation", "extension", "需要再等三天", "water:li")
    assert names(engine, case) == ["grant", "handle"]
    with engine.session() as session:
        grant = engine.load(session, case).workflow.get_next_task(spec_name="grant")
        assert grant.data == {"amount": 5, "escalation": {"code": "extension", "message": "需要再等三天"}}
    [event] = [e for e in events(engine, case) if e.type == "escalation_thrown"]
    assert (event.actor, event.task_name, event.data) == ("water:li", "handle",
                                                          {"code": "extension", "message": "需要再等三天"})


def test_an_error_interrupts_the_task_and_takes_the_case_on_its_path(engine, case):
    engine.throw(open_task(engine, case, "handle")["id"], "error", "wrong_department", None, "water:li")
    assert names(engine, case) == ["redispatch"]
    assert engine.snapshot(case)["data"]["error"] == {"code": "wrong_department"}
    engine.complete_task(open_task(engine, case, "redispatch")["id"], {}, "dispatcher")
    assert engine.snapshot(case)["status"] == "completed"
    assert Replayer(engine).verify(case).replay_matches


def test_the_boundary_catching_the_exact_code_wins_over_one_catching_every_code(engine):
    engine.deploy(diagram(BODY + CATCH_ALL, DEFINITIONS))
    exact, other = engine.start("p", {}, "clerk"), engine.start("p", {}, "clerk")
    engine.throw(open_task(engine, exact, "handle")["id"], "error", "wrong_department", None, "water:li")
    engine.throw(open_task(engine, other, "handle")["id"], "error", "no_budget", None, "water:li")
    assert (names(engine, exact), names(engine, other)) == (["redispatch"], ["anything"])
    assert all(Replayer(engine).verify(c).replay_matches for c in (exact, other))


def test_a_code_no_boundary_event_catches_is_refused_and_changes_nothing(engine, case):
    before, history = stored_state(engine, case), len(events(engine, case))
    with pytest.raises(InvalidData) as refused:
        engine.throw(open_task(engine, case, "handle")["id"], "error", "no_budget", None, "water:li")
    assert refused.value.errors == {
        "code": ["no boundary event of this task catches error 'no_budget' (it catches: wrong_department)"]}
    assert (stored_state(engine, case), len(events(engine, case))) == (before, history)


def test_only_the_holder_may_raise_and_only_on_an_open_task(engine, case):
    task_id = open_task(engine, case, "handle")["id"]
    engine.claim(task_id, "water:li")
    with pytest.raises(Conflict, match="held by water:li"):
        engine.throw(task_id, "error", "wrong_department", None, "water:zhang")
    with pytest.raises(ValueError):
        engine.throw(task_id, "signal", "x", None, "water:li")
    engine.throw(task_id, "error", "wrong_department", None, "water:li")
    with pytest.raises(Conflict):
        engine.throw(task_id, "error", "wrong_department", None, "water:li")


# -- through the API, on the hotline procedure -----------------------------------------------------------
@pytest.fixture
def api(api):
    """The hotline with a version whose triage task may be answered "outside the acceptance scope" by an error."""
    files = read_paths(list(DIAGRAMS))
    bpmn = edit(files["hotline_case.bpmn"], "<bpmn:process ", '<bpmn:error id="scope_error" name="Out of scope" '
                'errorCode="out_of_scope"/><bpmn:process ')
    files["hotline_case.bpmn"] = edit(bpmn, "<!-- Triage -->", (
        '<bpmn:boundaryEvent id="found_out_of_scope" attachedToRef="triage"><bpmn:errorEventDefinition '
        'errorRef="scope_error"/></bpmn:boundaryEvent><bpmn:sequenceFlow id="flow_found_out_of_scope" '
        'sourceRef="found_out_of_scope" targetRef="record_referral"/>'))
    upload = {"files": [(BytesIO(content), name) for name, content in files.items()]}
    assert api.post("designer", "/deployments", data=upload, content_type="multipart/form-data").status_code == 201
    return api


def test_a_dispatcher_raises_an_error_on_triage_and_the_case_goes_to_the_referral(api):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    response = api.post("dispatcher", f"/tasks/{task}/error", json={"code": "out_of_scope", "message": "属民事纠纷"})
    assert response.status_code == 200, response.get_json()
    assert [t["name"] for t in response.get_json()["open_tasks"]] == ["record_referral"]
    history = api.get("auditor", f"/cases/{number}/history", headers={"Accept-Language": "en"}).get_json()
    assert [(e["task"], e["summary"], e["data"]) for e in history if e["type"] == "error_thrown"] == [
        ("triage", "error raised on a task (e.g. a return)", {"code": "out_of_scope", "message": "属民事纠纷"})]
    assert api.get("auditor", f"/cases/{number}/verify").get_json()["replay_matches"] is True
    assert api.post("dispatcher", f"/tasks/{task}/error", json={"code": "out_of_scope"}).status_code == 409


@pytest.mark.parametrize(("user", "kind", "body", "status", "field"), [
    ("operator", "error", {"code": "out_of_scope"}, 404, None),  # not a candidate: the task is not theirs to know
    ("designer", "error", {"code": "out_of_scope"}, 404, None),  # designers work their own processes' tasks only
    ("dispatcher", "error", {"code": "no_budget"}, 400, "code"),
    ("dispatcher", "escalation", {"code": "out_of_scope"}, 400, "code"),
    ("dispatcher", "error", {"message": "no code"}, 400, "code"),
    ("dispatcher", "error", {"code": "out_of_scope", "extra": 1}, 400, "extra"),
    ("dispatcher", "error", {"code": "x" * 201}, 400, "code"),
])
def test_bad_raises_are_refused_and_change_nothing(api, user, kind, body, status, field):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    response = api.post(user, f"/tasks/{task}/{kind}", json=body)
    assert (response.status_code, response.mimetype) == (status, "application/problem+json")
    if field:
        assert field in response.get_json()["errors"]
    assert api.task("dispatcher", number, "triage")["id"] == task
