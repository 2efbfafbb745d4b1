"""Everything checked before a bundle may run, reported in one list: nothing stops at the first problem.

The checks read the XML directly (for element ids, names and line numbers): the schema, forms,
gateways, expressions (``expressions``), constructs the engine cannot run (``unsupported``),
unreachable elements (``reachability``) and warnings (``design_warnings``). Then SpiffWorkflow's parser builds
the specs of every executable process; it stops at its first refusal, so what it finds is added only
where the XML checks said nothing about that element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from . import correlation, design_warnings, expressions, incomplete, reachability, unsupported
from .bpmn_xml import NS, VENDORS, is_bpmn, located, outgoing, scopes, vendor_attribute
from .bundle import Bundle, Problem
from .extensions import Extensions, apply_timer_properties
from .forms import form_problems
from .sandbox import Sandbox

SPIFF_FORM_PROPERTY = "formJsonSchemaFilename"
_QUOTED = re.compile(r"'([^']+)'")
_CRASH = re.compile(r"^\w+(Error|Exception)\(")
_FOREIGN_FORM = re.compile(r"^(embedded:|app:|deployment:|camunda-forms:)|\.(html?|form)$", re.IGNORECASE)
_FORM_MAKERS = {"camunda": "Camunda HTML", "activiti": "Activiti", "flowable": "Flowable"}


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


def validate(bundle: Bundle, sandbox: Sandbox, extensions: Extensions | None = None) -> Checked:
    """Run every check over the bundle and return all problems at once (errors and warnings)."""
    extensions = extensions or Extensions()
    checked = Checked(problems=list(bundle.problems))
    catalogue = unsupported.Catalogue.of(bundle)
    for name, tree in bundle.of_kind("bpmn").items():
        checked.problems += _schema_problems(name, tree)
        checked.problems += _timer_and_expression_problems(name, tree, sandbox, extensions)
        checked.problems += _task_and_gateway_problems(name, tree, bundle)
        checked.problems += unsupported.problems(name, tree, extensions, catalogue)
        checked.problems += incomplete.problems(name, tree, catalogue.defined("message"))
        checked.problems += reachability.problems(name, tree)
        checked.problems += design_warnings.problems(name, tree, extensions)
        checked.user_tasks.update(_user_tasks(tree))
    for name, tree in bundle.of_kind("dmn").items():
        checked.problems += expressions.dmn_problems(name, tree, sandbox) + unsupported.decision_problems(name, tree)
    for name in bundle.forms:
        checked.problems += _form_problems(name, bundle.forms)
    _choose_process(bundle, checked)
    _build(bundle, checked)
    checked.problems.sort(key=lambda p: (p.file or "", p.line or 0))
    return checked


def _schema_problems(name: str, tree: etree._ElementTree) -> list[Problem]:
    VALIDATOR.preprocess(tree)
    if VALIDATOR.validator.validate(tree):
        return []
    return [Problem(f"BPMN schema: {e.message}", file=name, line=e.line, rule="schema")
            for e in VALIDATOR.validator.error_log]


def _timer_and_expression_problems(name: str, tree: etree._ElementTree, sandbox: Sandbox,
                                   extensions: Extensions) -> list[Problem]:
    """Timer properties first (they give timers their expressions), then every expression; a timer whose
    property was refused is not reported a second time for having no value."""
    refused = apply_timer_properties(name, tree, extensions)
    found = expressions.tree_problems(name, tree, sandbox) + correlation.problems(name, tree, sandbox)
    elements = {p.element_id for p in refused}
    return refused + [p for p in found if not (p.rule == "timer" and p.element_id in elements)]


def _task_and_gateway_problems(name: str, tree: etree._ElementTree, bundle: Bundle) -> list[Problem]:
    problems: list[Problem] = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        problems += _form_reference_problems(name, task, bundle)
    for scope in scopes(tree):
        leaving = outgoing(scope)
        problems += [problem for gateway in scope if is_bpmn(gateway, "exclusiveGateway", "inclusiveGateway")
                     for problem in _gateway_problems(name, gateway, leaving.get(gateway.get("id"), []))]
    return problems


def _form_reference(task: etree._Element) -> str | None:
    """The form a user task names: the ``formKey`` of Camunda 7, Activiti or Flowable, or SpiffWorkflow's form
    property."""
    key = (vendor_attribute(task, "formKey") or (None, None))[1]
    if key is None:
        found = task.find(f".//spiffworkflow:property[@name='{SPIFF_FORM_PROPERTY}']", NS)
        key = found.get("value") if found is not None else None
    return key.removesuffix(".json") if key else None


def _form_reference_problems(name: str, task: etree._Element, bundle: Bundle) -> list[Problem]:
    form = _form_reference(task)
    suggestion = re.sub(r"[^a-z0-9]+", "_", (task.get("name") or task.get("id") or "form").lower()).strip("_")
    hint = (f'set {_vendor_of(task)}:formKey="{suggestion}" on the task (Camunda Modeler: Form → Type: Embedded or '
            f"External Task Forms → Form key) and deploy {suggestion}.json, a JSON Schema of the task's fields, "
            "with it")
    if form is None:
        camunda8 = task.find(".//zeebe:formDefinition", NS) is not None
        what = "has a Camunda 8 form, which the engine cannot show" if camunda8 else "names no form"
        return [located(f"user task {what}", name, task, hint, "no_form")]
    if _FOREIGN_FORM.search(form):
        return [located(f"user task's form '{form}' is a {_FORM_MAKERS[_vendor_of(task)]} form, not a form of ours",
                        name, task, hint, "foreign_form")]
    if form not in bundle.forms:
        return [located(f"user task names form '{form}', which is not among the deployed files", name, task,
                        f"deploy {form}.json (a JSON Schema) with the diagram", "no_form")]
    return []


def _vendor_of(task: etree._Element) -> str:
    """The prefix of the modeler's extension attributes a document uses (Camunda's when it uses none)."""
    namespaces = set(task.nsmap.values())
    return next((prefix for prefix, uri in VENDORS.items() if uri in namespaces and prefix != "camunda"), "camunda")


def _gateway_problems(name: str, gateway: etree._Element, leaving: list[etree._Element]) -> list[Problem]:
    default = gateway.get("default")
    if len(leaving) < 2:
        return []
    kind = "exclusive" if gateway.tag.endswith("exclusiveGateway") else "inclusive"
    return [located(f"flow '{flow.get('id')}' out of this {kind} gateway has no condition and is not its default",
                    name, gateway, "add a condition to the flow or make it the gateway's default", "gateway")
            for flow in leaving
            if flow.get("id") != default and flow.find("bpmn:conditionExpression", NS) is None]


def _form_problems(name: str, forms: dict[str, dict]) -> list[Problem]:
    """A form is checked with the others of its deployment, the only ones it may refer to."""
    return form_problems(name, forms)


def _user_tasks(tree: etree._ElementTree) -> dict[str, UserTaskInfo]:
    lanes = {ref.text.strip(): lane.get("id")
             for lane in tree.iterfind(".//bpmn:lane", NS) for ref in lane.iterfind("bpmn:flowNodeRef", NS)}
    return {task.get("id"): UserTaskInfo(task.get("id"), task.get("name") or task.get("id"), _form_reference(task),
                                         lanes.get(task.get("id")))
            for task in tree.iterfind(".//bpmn:userTask", NS)}


def _choose_process(bundle: Bundle, checked: Checked) -> None:
    """Pick the one executable process that no other process in the bundle calls."""
    processes, called = [], set()
    for name, tree in bundle.of_kind("bpmn").items():
        processes += [(name, p) for p in tree.iterfind(".//bpmn:process", NS)]
        called |= {c.get("calledElement") for c in tree.iterfind(".//bpmn:callActivity", NS)}
    executable = [p.get("id") for _, p in processes if p.get("isExecutable") == "true"]
    top = [pid for pid in executable if pid not in called]
    if not executable and processes:
        checked.problems.append(_not_executable(processes))
    elif len(top) > 1:
        checked.problems.append(Problem(f"several top-level processes ({', '.join(top)}); deploy them separately",
                                        rule="structure"))
    elif top:
        checked.process_id = top[0]


def _not_executable(processes: list[tuple[str, etree._Element]]) -> Problem:
    """The one message a designer needs when nothing can run: located at the process when there is one."""
    message = "no executable process: every process has isExecutable=\"false\""
    hint = "tick 'Executable' on the process in the modeler (Camunda Modeler: select the canvas, General → Executable)"
    if len(processes) == 1:
        name, process = processes[0]
        return located(message, name, process, hint, "no_executable_process")
    files = {name for name, _ in processes}
    return Problem(message, file=files.pop() if len(files) == 1 else None, hint=hint, rule="no_executable_process")


def _build(bundle: Bundle, checked: Checked) -> None:
    """Let SpiffWorkflow build every executable process; keep what it finds that the XML checks did not."""
    executable = [p.get("id") for tree in bundle.of_kind("bpmn").values()
                  for p in tree.iterfind(".//bpmn:process[@isExecutable='true']", NS)]
    if not executable:
        return
    parser = SpiffBpmnParser(validator=None)
    failed = _build_steps(bundle, parser, executable, checked)
    if not failed and checked.process_id and not checked.errors:
        checked.parser = parser


def _build_steps(bundle: Bundle, parser: SpiffBpmnParser, executable: list[str], checked: Checked) -> bool:
    """Add the documents, then build each process on its own (the parser stops at one refusal per process)."""
    steps = [lambda n=name, t=tree: parser.add_dmn_xml(t.getroot(), filename=n)
             for name, tree in bundle.of_kind("dmn").items()]
    steps += [lambda n=name, t=tree: parser.add_bpmn_xml(t, filename=n)
              for name, tree in bundle.of_kind("bpmn").items()]
    failed = not _attempt(steps, checked)
    if not failed:
        builds = [lambda pid=pid: (parser.get_spec(pid), parser.get_subprocess_specs(pid)) for pid in executable]
        failed = not _attempt(builds, checked, each=True)
    return failed


def _attempt(steps: list, checked: Checked, each: bool = False) -> bool:
    """Run the steps (all of them when ``each``); record SpiffWorkflow's refusals not already reported."""
    ok = True
    for step in steps:
        try:
            step()
        except Exception as err:  # the parser raises plain exceptions too, for some malformed input
            ok = False
            _add_refusal(checked, _refusal(err))
        if not ok and not each:
            return False
    return ok


def _refusal(err: Exception) -> Problem:
    """SpiffWorkflow's refusal as a problem, in a designer's words where its own are a Python error."""
    if isinstance(err, RecursionError) or isinstance(err.__context__, RecursionError):
        # its parser follows each path by recursion, one level per step (and wraps the error it meets)
        return Problem("a path of the diagram is too long for the engine to read (it follows each path step by "
                       "step)", hint="split the path into sub-processes or called processes of a few hundred steps "
                       "each", rule="too_long")
    if isinstance(err, ValidationException):
        return Problem(str(err).split("\n")[0].strip(), file=err.file_name or None, element_id=err.id or None,
                       line=err.line_number or None, rule="engine")
    return Problem(f"the engine could not read the diagram: {err}", rule="engine")


def _add_refusal(checked: Checked, problem: Problem) -> None:
    """A parser refusal counts unless an error already reported concerns that element (as its location or
    quoted in its message, like a gateway's flow). One naming no element, or the parser's own crash (it
    wraps those as ``AttributeError(…)``), counts only when nothing else was found: otherwise it is most
    likely a consequence of what was."""
    subjects = {p.element_id for p in checked.errors} | {q for p in checked.errors for q in _QUOTED.findall(p.message)}
    consequence = not problem.element_id or _CRASH.match(problem.message)
    if problem.element_id in subjects or (consequence and checked.errors):
        return
    checked.problems.append(problem)
