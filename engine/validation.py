"""Everything checked before a bundle may run: schema, forms, gateways, timers, expressions, calls.

The checks read the XML directly (for element ids, names and line numbers) and then let
SpiffWorkflow's parser build the specs; every problem from either is reported in one list.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

import jsonschema
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import SPIFFWORKFLOW_NSMAP

from .bundle import Bundle, Problem
from .sandbox import Sandbox

NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "camunda": "http://camunda.org/schema/1.0/bpmn",
      **SPIFFWORKFLOW_NSMAP}
CAMUNDA_FORM_KEY = "{http://camunda.org/schema/1.0/bpmn}formKey"
SPIFF_FORM_PROPERTY = "formJsonSchemaFilename"
_ISO_TIMER = re.compile(
    r"^(R\d*/.+|P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)$"
)
_LOOKS_ISO = re.compile(r"^(P\d|PT\d|R\d*/|\d{4}-\d{2})", re.IGNORECASE)
TIMER_TAGS = ("timeDuration", "timeDate", "timeCycle")


@dataclass
class UserTaskInfo:
    """What the engine needs to list a user task without loading its case."""

    name: str
    title: str
    form: str | None
    lane: str | None  # the lane's id: a stable code (its name is for people and may be translated)


@dataclass
class Checked:
    """The outcome of validating a bundle: the problems, and what could be built."""

    problems: list[Problem]
    process_id: str | None = None
    parser: SpiffBpmnParser | None = None
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def is_iso_timer(text: str) -> bool:
    """A timer value written as plain ISO 8601 (``P7D``, ``R6/P1D``, a date-time), not an expression."""
    return bool(_ISO_TIMER.match(text.strip()))


def validate(bundle: Bundle, sandbox: Sandbox) -> Checked:
    """Run every check over the bundle and return all problems at once."""
    checked = Checked(problems=list(bundle.problems))
    for name, tree in bundle.of_kind("bpmn").items():
        checked.problems.extend(_schema_problems(name, tree))
        checked.problems.extend(_element_problems(name, tree, bundle, sandbox))
        checked.user_tasks.update(_user_tasks(tree))
    for name, tree in bundle.of_kind("dmn").items():
        checked.problems.extend(_dmn_problems(name, tree, sandbox))
    for name, form in bundle.forms.items():
        checked.problems.extend(_form_problems(name, form))
    _choose_process(bundle, checked)
    if not checked.errors:
        _build(bundle, checked)
    return checked


def _located(message: str, file: str, node: etree._Element, hint: str | None = None) -> Problem:
    return Problem(message, file=file, element_id=node.get("id"), element_name=node.get("name"),
                   line=node.sourceline, hint=hint)


def _schema_problems(name: str, tree: etree._ElementTree) -> list[Problem]:
    VALIDATOR.preprocess(tree)
    if VALIDATOR.validator.validate(tree):
        return []
    return [Problem(f"BPMN schema: {e.message}", file=name, line=e.line) for e in VALIDATOR.validator.error_log]


def _element_problems(name: str, tree: etree._ElementTree, bundle: Bundle, sandbox: Sandbox) -> list[Problem]:
    problems: list[Problem] = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        problems.extend(_form_reference_problems(name, task, bundle))
    for gateway in tree.iterfind(".//bpmn:exclusiveGateway", NS):
        problems.extend(_gateway_problems(name, gateway))
    for expression in tree.iterfind(".//bpmn:conditionExpression", NS):
        problems.extend(_expression_problems(name, expression, expression.getparent(), sandbox))
    for tag in TIMER_TAGS:
        for timer in tree.iterfind(f".//bpmn:{tag}", NS):
            problems.extend(_timer_problems(name, timer, sandbox))
    for script in tree.iterfind(".//bpmn:script", NS):
        problems.extend(_expression_problems(name, script, script.getparent(), sandbox, script=True))
    for tag in ("preScript", "postScript"):
        for script in tree.iterfind(f".//spiffworkflow:{tag}", NS):
            owner = next(script.iterancestors(), script).getparent()
            problems.extend(_expression_problems(name, script, owner, sandbox, script=True))
    return problems


def _form_reference(task: etree._Element) -> str | None:
    """The form a user task names: Camunda's ``formKey`` or SpiffWorkflow's form property."""
    key = task.get(CAMUNDA_FORM_KEY)
    if key is None:
        found = task.find(f".//spiffworkflow:property[@name='{SPIFF_FORM_PROPERTY}']", NS)
        key = found.get("value") if found is not None else None
    return key.removesuffix(".json") if key else None


def _form_reference_problems(name: str, task: etree._Element, bundle: Bundle) -> list[Problem]:
    form = _form_reference(task)
    hint = "set camunda:formKey=\"FORM\" on the task and deploy forms/FORM.json with it"
    if form is None:
        return [_located("user task names no form", name, task, hint)]
    if form not in bundle.forms:
        return [_located(f"user task names form '{form}', which is not among the deployed files", name, task,
                         hint)]
    return []


def _gateway_problems(name: str, gateway: etree._Element) -> list[Problem]:
    default = gateway.get("default")
    gid = gateway.get("id")
    flows = gateway.getroottree().iterfind(f".//bpmn:sequenceFlow[@sourceRef='{gid}']", NS)
    outgoing = list(flows)
    if len(outgoing) < 2:
        return []
    return [_located(f"flow '{flow.get('id')}' out of this exclusive gateway has no condition and is not its "
                     "default", name, gateway, "add a condition to the flow or make it the gateway's default")
            for flow in outgoing
            if flow.get("id") != default and flow.find("bpmn:conditionExpression", NS) is None]


def _foreign_language_hint(text: str) -> str | None:
    stripped = text.strip()
    if stripped.startswith("${") or stripped.startswith("#{"):
        return "this is JUEL (Camunda 7); write a plain expression such as: amount > 1000"
    if stripped.startswith("="):
        return "this is FEEL (Camunda 8); drop the leading '=' and write a plain expression"
    return None


def _expression_problems(name: str, node: etree._Element, owner: etree._Element, sandbox: Sandbox,
                         script: bool = False) -> list[Problem]:
    text = node.text or ""
    hint = _foreign_language_hint(text)
    reasons = sandbox.check(text, script=script)
    if hint:
        reasons = [f"expression language not supported: {text.strip()[:60]}"]
    return [_located(f"expression refused: {reason}", name, owner, hint) for reason in reasons]


def _timer_problems(name: str, timer: etree._Element, sandbox: Sandbox) -> list[Problem]:
    text = (timer.text or "").strip()
    event = next((a for a in timer.iterancestors() if a.get("id")), timer)
    literal = _timer_literal(text)
    if literal is None:
        return _expression_problems(name, timer, event, sandbox)
    try:
        if literal.upper().startswith("R"):
            TimerEventDefinition.parse_iso_recurring_interval(literal)
        else:
            TimerEventDefinition.parse_time_or_duration(literal)
    except Exception as err:  # SpiffWorkflow raises bare Exception for bad durations
        return [_located(f"timer value '{literal}' is not valid ISO 8601 ({err})", name, event,
                         "write a duration like P10D or PT4H, a date-time, or a cycle like R3/P1D")]
    return []


def _timer_literal(text: str) -> str | None:
    """The ISO value a timer states outright (bare or quoted), or None when it is computed by an expression."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = text
    if not isinstance(value, str):
        return None
    if is_iso_timer(value) or _LOOKS_ISO.match(value):
        return value
    return None


def _dmn_problems(name: str, tree: etree._ElementTree, sandbox: Sandbox) -> list[Problem]:
    problems = []
    for node in tree.iter("{*}text"):
        text = (node.text or "").strip()
        if not text or text == "-":
            continue
        owner = next((a for a in node.iterancestors() if a.get("id")), node)
        candidate = text.replace("?", "value")
        if sandbox.check(candidate) and not sandbox.check(f"value {candidate}"):
            continue  # a unary test such as "> 3"
        problems.extend(_expression_problems(name, node, owner, sandbox))
    return problems


def _form_problems(name: str, form: dict) -> list[Problem]:
    try:
        jsonschema.Draft202012Validator.check_schema(form)
    except jsonschema.SchemaError as err:
        return [Problem(f"form is not a valid JSON Schema: {err.message}", file=f"{name}.json")]
    return []


def _user_tasks(tree: etree._ElementTree) -> dict[str, UserTaskInfo]:
    lanes = {ref.text.strip(): lane.get("id")
             for lane in tree.iterfind(".//bpmn:lane", NS) for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    return {task.get("id"): UserTaskInfo(task.get("id"), task.get("name") or task.get("id"), _form_reference(task),
                                         lanes.get(task.get("id")))
            for task in tree.iterfind(".//bpmn:userTask", NS)}


def _choose_process(bundle: Bundle, checked: Checked) -> None:
    """Pick the one executable process that no other process in the bundle calls."""
    executable, called = [], set()
    for tree in bundle.of_kind("bpmn").values():
        executable += [p.get("id") for p in tree.iterfind(".//bpmn:process[@isExecutable='true']", NS)]
        called |= {c.get("calledElement") for c in tree.iterfind(".//bpmn:callActivity", NS)}
    top = [pid for pid in executable if pid not in called]
    if not executable and bundle.xml:
        checked.problems.append(Problem("no executable process: every process has isExecutable=\"false\"",
                                        hint="tick 'Executable' on the process in the modeler"))
    elif len(top) > 1:
        checked.problems.append(Problem(f"several top-level processes ({', '.join(top)}); deploy them separately"))
    elif top:
        checked.process_id = top[0]
    for pid in called - set(executable):
        checked.problems.append(Problem(f"called process '{pid}' is not among the deployed files"))


def _build(bundle: Bundle, checked: Checked) -> None:
    parser = SpiffBpmnParser(validator=None)
    try:
        for name, tree in bundle.of_kind("dmn").items():
            parser.add_dmn_xml(tree.getroot(), filename=name)
        for name, tree in bundle.of_kind("bpmn").items():
            parser.add_bpmn_xml(tree, filename=name)
        parser.get_spec(checked.process_id)
        parser.get_subprocess_specs(checked.process_id)
    except ValidationException as err:
        checked.problems.append(Problem(str(err).split("\n")[0], file=err.file_name or None,
                                        element_id=err.id or None, line=err.line_number or None))
        return
    checked.parser = parser
