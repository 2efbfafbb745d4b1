"""Diagrams as other modelers write them: Activiti and Flowable attributes read like Camunda's, expressions in
other languages (JUEL, FEEL, XPath, cron) named with the plain text to write instead, correlation and lanes
that point at something that does not exist named with what does."""

import pytest

from engine.bpmn_xml import VENDORS
from engine.bundle import read_paths
from engine.errors import InvalidData
from engine.runtime import Engine, Hooks
from processes.access import ROLE_LANES
from processes.service import DIAGRAMS, Hotline
from tests.design_helpers import diagram, flows, problems_by_rule, task, timer_event
from tests.external_helpers import edit, external
from tests.test_commands import open_task


def in_vendor(prefix: str, body: str, definitions: str = "") -> dict[str, bytes]:
    """A diagram whose file declares the namespace of ``prefix`` (``activiti``, ``flowable``)."""
    files = diagram(body, definitions)
    files["p.bpmn"] = edit(files["p.bpmn"], 'id="defs"', f'xmlns:{prefix}="{VENDORS[prefix]}" id="defs"')
    return files


def condition(text: str, language: str = "") -> str:
    """A gateway with one conditional flow (``text``) and a default one."""
    declared = f' xsi:type="bpmn:tFormalExpression" language="{language}"' if language else ""
    return ('<bpmn:startEvent id="start"/><bpmn:exclusiveGateway id="gw" default="gw_end"/><bpmn:endEvent id="end"/>'
            '<bpmn:endEvent id="other"/><bpmn:sequenceFlow id="gw_other" sourceRef="gw" targetRef="other">'
            f"<bpmn:conditionExpression{declared}>{text}</bpmn:conditionExpression></bpmn:sequenceFlow>"
            + flows("start>gw", "gw>end"))


def error_on(engine, files, element: str):
    [problem] = [p for p in engine.validate(files) if p.severity == "error" and p.element_id == element]
    return problem


@pytest.mark.parametrize(("text", "written"), [
    ("${vacationApproved == 'Reject'}", "vacationApproved == 'Reject'"),
    ("#{amount gt 1000 &amp;&amp; !urgent}", "amount > 1000 and not urgent"),
    ("${approved eq true || empty reason}", "approved == True or not reason"),
    ("= amount = 5 and status != \"a=b\"", 'amount == 5 and status != "a=b"'),
], ids=["JUEL", "JUEL operators", "JUEL words", "FEEL"])
def test_a_juel_or_feel_hint_gives_the_plain_expression_built_from_the_one_found(engine, text, written):
    problem = error_on(engine, diagram(condition(text)), "gw_other")
    assert problem.rule == "foreign_expression"
    assert problem.hint.endswith(f"write the plain expression: {written}")


def test_a_juel_expression_that_does_not_translate_gets_an_example_instead(engine):
    problem = error_on(engine, diagram(condition("${execution.getVariable('amount') > 5}")), "gw_other")
    assert problem.hint == ("this is JUEL (Camunda 7, Activiti, Flowable); write a plain expression such as: "
                            "amount > 1000")


@pytest.mark.parametrize("language", ["http://www.w3.org/1999/XPath", "XPATH"])
def test_an_xpath_condition_is_named_as_xpath(engine, language):
    files = diagram(condition("getDataObject('order')/amount &gt; 5", language))
    files["p.bpmn"] = edit(files["p.bpmn"], 'id="defs"',
                           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs"')
    problem = error_on(engine, files, "gw_other")
    assert (problem.rule, problem.message) == ("foreign_expression", "XPath expressions are not read by this engine")
    assert "plain expression" in problem.hint


@pytest.mark.parametrize(("cron", "hint"), [
    ("0 0 12 * * ?", "every day at 12:00:00 is R<count>/<first date>T12:00:00<UTC offset>/P1D"),
    ("0 30 8 ? * *", "every day at 08:30:00 is R<count>/<first date>T08:30:00<UTC offset>/P1D"),
    ("0 0 9-17 * * MON-FRI", "R<count>/<first moment>/<interval>"),
    ("*/5 * * * *", "R<count>/<first moment>/<interval>"),
], ids=["Quartz daily", "Quartz any weekday", "Quartz working hours", "Unix"])
def test_a_cron_timer_is_named_as_cron_with_the_iso_cycle_to_write(engine, cron, hint):
    body = ('<bpmn:startEvent id="start"/>' + task("check") + timer_event(
        "every", "check", f"<bpmn:timeCycle>{cron}</bpmn:timeCycle>", interrupting=False)
        + '<bpmn:endEvent id="end"/>' + flows("start>check", "check>end", "every>end"))
    problem = error_on(engine, diagram(body), "every")
    assert (problem.rule, problem.message) == (
        "foreign_expression", f"timer value '{cron}' is a cron expression, which this engine does not read")
    assert hint in problem.hint


@pytest.mark.parametrize("prefix", ["activiti", "flowable"])
def test_an_activiti_or_flowable_form_key_names_the_form_and_the_task_runs_with_it(engine, prefix):
    body = (f'<bpmn:startEvent id="start"/><bpmn:userTask id="check" {prefix}:formKey="note" '
            f'{prefix}:candidateGroups="management"/><bpmn:endEvent id="end"/>' + flows("start>check", "check>end"))
    problems = engine.validate(in_vendor(prefix, body))
    assert problems_by_rule(problems) == []
    assert [p.message for p in problems if p.rule == "ignored"] == [
        f"{prefix}:candidateGroups is not read: candidates come from the task's lane"]
    engine.deploy(in_vendor(prefix, body))
    case = engine.start("p", {}, "clerk")
    with pytest.raises(InvalidData):  # the form is the one the key names
        engine.complete_task(open_task(engine, case, "check")["id"], {"approved": True}, "clerk")
    engine.complete_task(open_task(engine, case, "check")["id"], {"note": "seen"}, "clerk")
    assert engine.snapshot(case)["status"] == "completed"


@pytest.mark.parametrize("prefix", ["activiti", "flowable"])
def test_an_activiti_or_flowable_form_key_without_its_form_suggests_that_vendors_attribute(engine, prefix):
    body = ('<bpmn:startEvent id="start"/><bpmn:userTask id="check" name="Check it"/><bpmn:endEvent id="end"/>'
            + flows("start>check", "check>end"))
    problem = error_on(engine, in_vendor(prefix, body), "check")
    assert problem.hint.startswith(f'set {prefix}:formKey="check_it" on the task')


@pytest.mark.parametrize(("attribute", "message"), [
    ('activiti:class="org.example.Mailer"', "Java delegate (activiti:class) is not supported"),
    ('flowable:expression="${mailer.send()}"', "Java delegate (flowable:expression) is not supported"),
    ('flowable:type="mail"', 'flowable:type="mail" is work the modeler\'s own engine does, not this one'),
])
def test_work_done_by_activiti_or_flowable_is_named(engine, attribute, message):
    prefix = attribute.split(":")[0]
    body = (f'<bpmn:startEvent id="start"/><bpmn:serviceTask id="send" {attribute}/><bpmn:endEvent id="end"/>'
            + flows("start>send", "send>end"))
    assert error_on(engine, in_vendor(prefix, body), "send").message == message


def test_a_reference_to_an_undefined_message_names_the_messages_that_exist(engine):
    body = ('<bpmn:startEvent id="start"/><bpmn:receiveTask id="wait" messageRef="answr"/><bpmn:endEvent id="end"/>'
            + flows("start>wait", "wait>end"))
    messages = '<bpmn:message id="answer" name="answer_received"/><bpmn:message id="withdraw"/>'
    problem = error_on(engine, diagram(body, messages), "wait")
    assert problem.message == "refers to message 'answr', which no diagram defines"
    assert problem.hint.endswith("defined: answer ('answer_received'), withdraw")


def test_a_correlation_that_refers_to_nothing_names_what_exists(engine):
    correlation = ('<bpmn:message id="answer" name="answer_received"/><bpmn:correlationProperty id="reference">'
                   '<bpmn:correlationPropertyRetrievalExpression messageRef="answr"><bpmn:messagePath>ref'
                   '</bpmn:messagePath></bpmn:correlationPropertyRetrievalExpression></bpmn:correlationProperty>')
    body = ('<bpmn:startEvent id="start"/><bpmn:receiveTask id="wait" messageRef="answer"/><bpmn:endEvent id="end"/>'
            + flows("start>wait", "wait>end"))
    problems = [(p.element_id, p.message, p.hint) for p in engine.validate(diagram(body, correlation))
                if p.severity == "error"]
    assert problems == [(None, "correlation refers to message 'answr', which the diagram does not define",
                         "name one that exists (defined: answer), or define it")]


def test_a_camunda8_correlation_key_names_the_endpoint_of_its_own_message(engine):
    files = {"C.9.1-reference.bpmn": external("bpmn-miwg/C.9.1-reference.bpmn")}
    problem = error_on(engine, files, "Message_1")
    assert "(POST /cases/{number}/events/MESSAGE_documentReceived)" in problem.hint
    assert problem.hint.endswith("write the plain expression: documentReferenceId")


LANED = ('<bpmn:laneSet id="lanes"><bpmn:lane id="lane_clerk"><bpmn:flowNodeRef>check</bpmn:flowNodeRef></bpmn:lane>'
         '<bpmn:lane id="Lane_1"><bpmn:flowNodeRef>approve</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
         '<bpmn:startEvent id="start"/>' + task("check") + task("approve") + '<bpmn:endEvent id="end"/>'
         + flows("start>check", "check>approve", "approve>end"))


def test_a_task_in_a_lane_that_is_no_role_is_warned_about_when_the_domain_names_its_lanes(db, clock):
    engine = Engine(db, clock, hooks=Hooks(lanes=frozenset({"lane_clerk", "lane_boss"})))
    problems = engine.validate(diagram(LANED))
    assert problems_by_rule(problems) == []
    [warning] = [p for p in problems if p.rule == "unknown_lane"]
    assert (warning.element_id, warning.severity, warning.message) == (
        "approve", "warning", "the user task is in lane 'Lane_1', which is no role here, so nobody is its candidate")
    assert warning.hint == "put it in a lane whose id is a role's: lane_boss, lane_clerk"
    assert engine.deploy(diagram(LANED)).version == 1


def test_without_lanes_from_the_domain_lanes_are_not_checked(engine):
    assert not [p for p in engine.validate(diagram(LANED)) if p.rule == "unknown_lane"]


def test_the_hotline_knows_its_roles_lanes_and_its_diagram_puts_every_task_in_one(db, clock):
    engine = Hotline.open(db.url.render_as_string(hide_password=False), clock).engine
    assert engine.extensions.lanes == ROLE_LANES
    files = read_paths(list(DIAGRAMS))
    assert [p.element_id for p in engine.validate(files) if p.rule in ("unknown_lane", "no_lane")] == []
    files["hotline_case.bpmn"] = edit(files["hotline_case.bpmn"], '"lane_leader"', '"lane_mayor"', count=2)
    assert [p.element_id for p in engine.validate(files) if p.rule == "unknown_lane"] == ["leader_instructions"]
