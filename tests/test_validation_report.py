"""One complete validation report: every problem of a diagram in one run, each at its element, with a hint.

What SpiffWorkflow 3.2.0 runs is not refused (inclusive gateways, escalations, registered services); what it
cannot run is, even where its own parser would have stopped at the first problem or run it wrongly.
"""

import pytest
from sqlalchemy import func, select

from engine.deployment import DeploymentRefused
from engine.models import ProcessVersion
from engine.runtime import Engine
from tests.conftest import diagram_files
from tests.design_helpers import diagram, flows, problems_by_rule, task, timer_event
from tests.external_helpers import edit
from tests.test_commands import open_task

EVERYTHING_WRONG = (
    '<bpmn:startEvent id="start"/>' + task("check")
    + timer_event("deadline", "check", "<bpmn:timeDuration>${dueDate}</bpmn:timeDuration>")
    + '<bpmn:exclusiveGateway id="gw" default="gw_done"/><bpmn:endEvent id="done"/>'
    + '<bpmn:sequenceFlow id="gw_throw" sourceRef="gw" targetRef="throw">'
      "<bpmn:conditionExpression>= amount &gt; 5</bpmn:conditionExpression></bpmn:sequenceFlow>"
    + '<bpmn:intermediateThrowEvent id="throw"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateThrowEvent>'
    + '<bpmn:intermediateCatchEvent id="catch"><bpmn:linkEventDefinition name="L"/></bpmn:intermediateCatchEvent>'
    + '<bpmn:intermediateCatchEvent id="wait"><bpmn:conditionalEventDefinition><bpmn:condition>x &gt; 1'
      "</bpmn:condition></bpmn:conditionalEventDefinition></bpmn:intermediateCatchEvent>"
    + '<bpmn:serviceTask id="svc"/><bpmn:serviceTask id="java" camunda:class="org.example.Mailer"/>'
    + '<bpmn:scriptTask id="split"><bpmn:script>a = 1</bpmn:script></bpmn:scriptTask>'
    + '<bpmn:endEvent id="end_a"/><bpmn:endEvent id="end_b"/>' + task("orphan")
    + '<bpmn:complexGateway id="cg"/><bpmn:dataStoreReference id="ds"/>'
    + flows("start>check", "check>gw", "gw>done", "catch>wait", "wait>svc", "svc>java", "java>split", "split>end_a",
            "split>end_b", "orphan>done", "deadline>done", "cg>done"))


def test_everything_the_engine_cannot_run_is_reported_in_one_run(engine):
    problems = engine.validate(diagram(EVERYTHING_WRONG))
    assert problems_by_rule(problems) == sorted([
        ("foreign_expression", "deadline"), ("foreign_expression", "gw_throw"), ("unsupported", "throw"),
        ("unsupported", "catch"), ("unsupported", "wait"), ("unsupported", "svc"), ("unsupported", "java"),
        ("unsupported", "split"), ("unsupported", "cg"), ("unsupported", "ds"), ("unreachable", "orphan"),
        ("unreachable", "cg")], key=str)
    assert problems_by_rule(problems, "warning") == [("no_lane", "check"), ("no_lane", "orphan"),
                                                     ("no_reminder", "deadline")]
    by_rule = {(p.rule, p.element_id): p for p in problems}
    assert "JUEL" in by_rule["foreign_expression", "deadline"].hint
    assert "FEEL" in by_rule["foreign_expression", "gw_throw"].hint
    assert by_rule["unsupported", "split"].message == "2 sequence flows leave this scriptTask without a gateway"
    assert by_rule["unsupported", "java"].message == "Java delegate (camunda:class) is not supported"
    assert all(p.file == "p.bpmn" and p.line == 3 and p.hint for p in problems)  # the process is on line 3


def test_an_undefined_message_signal_error_or_escalation_is_named(engine):
    body = ('<bpmn:startEvent id="start"/>' + task("check")
            + '<bpmn:boundaryEvent id="broken" attachedToRef="check"><bpmn:errorEventDefinition errorRef="nowhere"/>'
              '</bpmn:boundaryEvent><bpmn:receiveTask id="wait" messageRef="lost"/><bpmn:endEvent id="done"/>'
            + flows("start>check", "check>wait", "wait>done", "broken>done"))
    problems = {p.element_id: p.message for p in engine.validate(diagram(body)) if p.severity == "error"}
    assert problems == {"broken": "refers to error 'nowhere', which no diagram defines",
                        "wait": "refers to message 'lost', which no diagram defines"}


def test_a_refusal_only_the_engines_parser_finds_is_added_to_the_xml_findings(engine):
    body = ('<bpmn:startEvent id="start"/><bpmn:userTask id="fill"/><bpmn:userTask id="use" camunda:formKey="note">'
            '<bpmn:dataInputAssociation id="in"><bpmn:sourceRef>ghost</bpmn:sourceRef>'
            "<bpmn:targetRef>use</bpmn:targetRef></bpmn:dataInputAssociation>"
            '</bpmn:userTask><bpmn:endEvent id="end"/>' + flows("start>fill", "fill>use", "use>end"))
    problems = engine.validate(diagram(body))
    assert problems_by_rule(problems) == [("engine", "use"), ("no_form", "fill")]
    assert [p.message.split(" <")[0] for p in problems if p.rule == "engine"] == [
        "Cannot resolve dataInputAssociation"]


def test_a_decision_file_with_several_decisions_is_refused_in_words(engine):
    files = diagram_files("decision.bpmn", "decision.dmn", "review.json")
    files["decision.dmn"] = edit(files["decision.dmn"], "</definitions>", '<decision id="extra"/></definitions>')
    assert [(p.element_id, p.message) for p in engine.validate(files) if p.severity == "error"] == [
        ("route_defs", "a .dmn file must hold exactly one decision; it holds 2 (route_table, extra)")]


def test_a_registered_service_handler_is_accepted_and_called(db, clock):
    calls = []

    def notify(data, to):
        calls.append((to, data["amount"]))
        return '{"sent": true}'

    engine = Engine(db, clock, services={"notify": notify})
    body = ('<bpmn:startEvent id="start"/><bpmn:serviceTask id="send"><bpmn:extensionElements>'
            '<spiffworkflow:serviceTaskOperator id="notify" resultVariable="receipt"><spiffworkflow:parameters>'
            '<spiffworkflow:parameter id="to" type="str" value="department"/></spiffworkflow:parameters>'
            '</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask><bpmn:endEvent id="end"/>'
            + flows("start>send", "send>end"))
    assert engine.validate(diagram(body)) == []
    assert problems_by_rule(Engine(db, clock).validate(diagram(body))) == [("unsupported", "send")]
    engine.deploy(diagram(body))
    case = engine.start("p", {"amount": 3, "department": "water"}, "clerk")
    assert (calls, engine.snapshot(case)["data"]["receipt"]) == ([("water", 3)], {"sent": True})


def test_inclusive_gateways_and_escalations_the_engine_runs_are_not_refused(engine):
    body = ('<bpmn:startEvent id="start"/><bpmn:inclusiveGateway id="fork" default="fork_c"/>'
            '<bpmn:sequenceFlow id="fork_a" sourceRef="fork" targetRef="a"><bpmn:conditionExpression>x &gt; 1'
            '</bpmn:conditionExpression></bpmn:sequenceFlow><bpmn:sequenceFlow id="fork_b" sourceRef="fork" '
            'targetRef="b"><bpmn:conditionExpression>x &gt; 2</bpmn:conditionExpression></bpmn:sequenceFlow>'
            + task("a") + task("b") + task("c") + '<bpmn:inclusiveGateway id="join"/>'
            + '<bpmn:intermediateThrowEvent id="late"><bpmn:escalationEventDefinition escalationRef="esc"/>'
              '</bpmn:intermediateThrowEvent><bpmn:endEvent id="end"/>'
            + flows("start>fork", "fork>c", "a>join", "b>join", "c>join", "join>late", "late>end"))
    files = diagram(body, '<bpmn:escalation id="esc" name="Late" escalationCode="late"/>')
    assert problems_by_rule(engine.validate(files)) == []
    engine.deploy(files)
    case = engine.start("p", {"x": 3}, "clerk")
    assert sorted(t["name"] for t in engine.snapshot(case)["open_tasks"]) == ["a", "b"]
    for name in ("a", "b"):
        engine.complete_task(open_task(engine, case, name)["id"], {}, "clerk")
    assert engine.snapshot(case)["status"] == "completed"


def test_warnings_never_block_a_deployment(engine):
    body = ('<bpmn:startEvent id="start"/>' + task("handle") + timer_event("late", "handle", "<bpmn:timeDuration>"
            "P3D</bpmn:timeDuration>") + '<bpmn:task id="note"/><bpmn:endEvent id="end"/>'
            + flows("start>handle", "handle>end", "late>note", "note>end"))
    assert problems_by_rule(engine.validate(diagram(body)), "warning") == [
        ("abstract_task", "note"), ("no_lane", "handle"), ("no_reminder", "late")]
    assert engine.deploy(diagram(body)).version == 1


def test_an_unreachable_activity_is_reported_once_and_sub_process_contents_are_searched(engine):
    body = ('<bpmn:startEvent id="start"/><bpmn:subProcess id="sub"><bpmn:startEvent id="s2"/>' + task("inner")
            + '<bpmn:endEvent id="e2"/>' + task("stray") + flows("s2>inner", "inner>e2", "stray>e2")
            + "</bpmn:subProcess>" + task("lost") + timer_event("lost_late", "lost", "<bpmn:timeDuration>P1D"
            "</bpmn:timeDuration>", interrupting=False) + '<bpmn:endEvent id="end"/>'
            + flows("start>sub", "sub>end", "lost>end", "lost_late>end"))
    assert problems_by_rule(engine.validate(diagram(body))) == [("unreachable", "lost"), ("unreachable", "stray")]


@pytest.mark.parametrize(("loop", "message"), [
    ('<bpmn:multiInstanceLoopCharacteristics camunda:collection="${items}"/>',
     "a multi-instance activity needs exactly one of loop cardinality and input collection"),
    ("<bpmn:standardLoopCharacteristics/>", "a loop needs a loop condition or a loop maximum"),
])
def test_loops_the_engine_cannot_bound_are_refused(engine, loop, message):
    body = (f'<bpmn:startEvent id="start"/><bpmn:userTask id="again" camunda:formKey="note">{loop}</bpmn:userTask>'
            '<bpmn:endEvent id="end"/>' + flows("start>again", "again>end"))
    with pytest.raises(DeploymentRefused) as refused:
        engine.deploy(diagram(body))
    assert [(p.element_id, p.message) for p in refused.value.problems] == [("again", message)]


MESSAGE = '<bpmn:message id="answer" name="answer_received"/>'
MISBEHAVING = {  # each validated clean before, then stalled or did nothing when run
    "flow without id": (
        '<bpmn:startEvent id="start"/>' + task("check") + '<bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow sourceRef="start" targetRef="check"/>' + flows("check>end"),
        None, "the sequence flow from 'start' to 'check' has no id", "a case would wait at 'start' for ever"),
    "task without id": (
        '<bpmn:startEvent id="start"/><bpmn:scriptTask name="Note"><bpmn:script>a = 1</bpmn:script>'
        '</bpmn:scriptTask><bpmn:endEvent id="end"/>' + flows("start>end"),
        None, "this scriptTask has no id", "give it an id"),
    "receive task without message": (
        '<bpmn:startEvent id="start"/><bpmn:receiveTask id="wait"/><bpmn:endEvent id="end"/>'
        + flows("start>wait", "wait>end"),
        "wait", "the receive task names no message: the engine completes it at once, as if its message had come",
        "defined: answer ('answer_received')"),
    "send task without message": (
        '<bpmn:startEvent id="start"/><bpmn:sendTask id="notify"/><bpmn:endEvent id="end"/>'
        + flows("start>notify", "notify>end"),
        "notify", "the send task names no message and no work: the case passes it at once, having sent nothing",
        "a service task with a registered handler"),
    "message catch event without message": (
        '<bpmn:startEvent id="start"/><bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition/>'
        '</bpmn:intermediateCatchEvent><bpmn:endEvent id="end"/>' + flows("start>wait", "wait>end"),
        "wait", "this message event names no message, so none can ever reach it", "defined: answer"),
    "timer with a quoted empty value": (
        '<bpmn:startEvent id="start"/>' + task("check")
        + timer_event("late", "check", '<bpmn:timeDuration>""</bpmn:timeDuration>', interrupting=False)
        + '<bpmn:endEvent id="end"/>' + flows("start>check", "check>end", "late>end"),
        "late", "the timer has no value", "Duration P10D"),
}


@pytest.mark.parametrize(("body", "element", "message", "hint"), MISBEHAVING.values(), ids=MISBEHAVING.keys())
def test_a_diagram_that_would_stall_or_do_nothing_is_refused_at_its_element(engine, body, element, message, hint):
    files = diagram(body, MESSAGE)
    [problem] = [p for p in engine.validate(files) if p.severity == "error"]
    assert (problem.element_id, problem.message, problem.line) == (element, message, 3)
    assert hint in problem.hint
    with pytest.raises(DeploymentRefused):
        engine.deploy(files)
    with engine.session() as session:
        assert session.scalar(select(func.count()).select_from(ProcessVersion)) == 0


def test_receive_and_send_tasks_that_name_their_message_are_accepted(engine):
    body = ('<bpmn:startEvent id="start"/><bpmn:receiveTask id="wait" messageRef="answer"/>'
            '<bpmn:sendTask id="tell" messageRef="answer"/><bpmn:endEvent id="end"/>'
            + flows("start>wait", "wait>tell", "tell>end"))
    assert problems_by_rule(engine.validate(diagram(body, MESSAGE))) == []


def test_a_path_too_long_for_the_engine_to_read_is_refused_in_words(engine):
    steps = [f"s{i}" for i in range(1000)]
    path = ["start", *steps, "end"]
    body = ('<bpmn:startEvent id="start"/>' + "".join(f'<bpmn:scriptTask id="{s}"><bpmn:script>x = 1</bpmn:script>'
                                                      "</bpmn:scriptTask>" for s in steps)
            + '<bpmn:endEvent id="end"/>' + flows(*(f"{a}>{b}" for a, b in zip(path, path[1:], strict=False))))
    [problem] = engine.validate(diagram(body))
    assert (problem.rule, problem.message) == (
        "too_long", "a path of the diagram is too long for the engine to read (it follows each path step by step)")
    assert "sub-processes" in problem.hint
