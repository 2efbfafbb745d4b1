"""Constructs the engine cannot run, found in the XML so every one is reported, not just the first.

SpiffWorkflow 3.2.0's parser stops at the first thing it refuses, and silently mis-runs some others
(a conditional event is checked once, when reached, and never again; a link event just ends its path).
What was tried on the engine: inclusive gateways, escalation and error events, signals, timers of every
ISO form and event-based gateways run; conditional, link and compensation events, data stores,
complex gateways and work done by outside workers (external tasks, job workers, Java delegates) do not.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from lxml import etree

from .bpmn_xml import (
    GATEWAYS,
    NS,
    event_kinds,
    flow_nodes,
    is_bpmn,
    local,
    located,
    outgoing,
    scopes,
    vendor_attribute,
)
from .bundle import Bundle, Problem
from .extensions import Extensions
from .limits import MAX_CARDINALITY

RULE = "unsupported"
FORKS = GATEWAYS | {"startEvent"}
EVENT_HINTS = {
    "conditional": ("conditional events are checked only when the case reaches them, never again, so the case "
                    "would wait for ever", "use an exclusive gateway when the condition is known on arrival, or a "
                    "message or timer event"),
    "link": ("link events are not supported", "draw a sequence flow to where the link leads"),
    "compensate": ("compensation events are not supported", "model the undo step as an ordinary task on an error "
                   "or escalation path"),
}
REFERENCES = {"messageRef": "message", "signalRef": "signal", "errorRef": "error", "escalationRef": "escalation"}
WORKER_HINT = ("replace it with a script task, or register a service handler in the domain and name it with "
               "spiffworkflow:serviceTaskOperator")


@dataclass
class Catalogue:
    """What a bundle defines that elements refer to: processes (executable or not), global tasks, decisions."""

    processes: dict[str, bool] = field(default_factory=dict)
    global_tasks: set[str] = field(default_factory=set)
    decisions: set[str] = field(default_factory=set)
    definitions: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """(kind, id) of the messages, signals, errors and escalations the diagrams define, and their names."""

    @classmethod
    def of(cls, bundle: Bundle) -> Catalogue:
        catalogue = cls()
        for tree in bundle.of_kind("bpmn").values():
            for process in tree.iterfind(".//bpmn:process", NS):
                catalogue.processes[process.get("id")] = process.get("isExecutable") == "true"
            catalogue.global_tasks |= {node.get("id") for node in tree.getroot()
                                       if is_bpmn(node) and local(node).startswith("global")}
            catalogue.definitions |= {(local(node), node.get("id")): node.get("name") for node in tree.getroot()
                                      if is_bpmn(node, *REFERENCES.values())}
        for tree in bundle.of_kind("dmn").values():
            catalogue.decisions |= {node.get("id") for node in tree.iter("{*}decision")}
        return catalogue

    def defined(self, kind: str) -> dict[str, str | None]:
        """The messages (signals, errors…) the diagrams define: id → name."""
        return {id_: label for (kind_, id_), label in self.definitions.items() if kind_ == kind}


def problems(name: str, tree: etree._ElementTree, extensions: Extensions, catalogue: Catalogue) -> list[Problem]:
    """Every construct of the document the engine cannot run, each at its element."""
    found: list[Problem] = []
    for node in tree.iter(f"{{{NS['bpmn']}}}*"):
        kind = local(node)
        if kind in ("dataStore", "dataStoreReference"):
            found.append(located("data stores are not supported", name, node,
                                 "keep the data in the case: task data or a data object", RULE))
        elif kind == "complexGateway":
            found.append(located("complex gateways are not supported", name, node,
                                 "use an exclusive, inclusive or parallel gateway", RULE))
        elif kind in ("serviceTask", "sendTask", "businessRuleTask", "scriptTask"):
            found += _work_problems(name, node, extensions, catalogue)
        elif kind == "callActivity":
            found += _call_problems(name, node, catalogue)
        elif kind.endswith("Event"):
            found += _event_problems(name, node)
        if kind.endswith("Event") or kind in ("sendTask", "receiveTask"):
            found += _reference_problems(name, node, catalogue)
        if node.find("bpmn:multiInstanceLoopCharacteristics", NS) is not None or node.find(
                "bpmn:standardLoopCharacteristics", NS) is not None:
            found += _loop_problems(name, node)
        if kind in ("process", "subProcess", "transaction"):
            found += _scope_problems(name, node)
    for scope in scopes(tree):
        found += _split_problems(name, scope)
    return found


def _work_problems(name: str, task: etree._Element, extensions: Extensions, catalogue: Catalogue) -> list[Problem]:
    """Work done outside the engine needs a handler the domain registered; a decision must be deployed."""
    typed = vendor_attribute(task, "type")
    if typed and typed[1] == "external":
        topic = (vendor_attribute(task, "topic") or ("", ""))[1]
        return [located(f"external task (topic '{topic}') needs an outside worker, which the engine does not have",
                        name, task, WORKER_HINT, RULE)]
    if typed:
        return [located(f"{typed[0]}=\"{typed[1]}\" is work the modeler's own engine does, not this one", name,
                        task, WORKER_HINT, RULE)]
    job = task.find(".//zeebe:taskDefinition", NS)
    if job is not None:
        return [located(f"Camunda 8 job worker (type '{job.get('type')}') is not supported", name, task,
                        WORKER_HINT, RULE)]
    java = [found for attr in ("class", "delegateExpression", "expression") if (found := vendor_attribute(task, attr))]
    if java:
        return [located(f"Java delegate ({java[0][0]}) is not supported", name, task, WORKER_HINT, RULE)]
    kind = local(task)
    if kind == "serviceTask":
        return _service_problems(name, task, extensions)
    if kind == "businessRuleTask":
        return _decision_problems(name, task, catalogue)
    return []


def _service_problems(name: str, task: etree._Element, extensions: Extensions) -> list[Problem]:
    operator = task.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
    available = ", ".join(sorted(extensions.services)) or "none"
    if operator is None:
        return [located("service task names no handler", name, task,
                        f"name a registered handler with spiffworkflow:serviceTaskOperator (registered: {available})",
                        RULE)]
    if operator.get("id") not in extensions.services:
        return [located(f"no handler is registered for service '{operator.get('id')}'", name, task,
                        f"registered: {available}", RULE)]
    return []


def _decision_problems(name: str, task: etree._Element, catalogue: Catalogue) -> list[Problem]:
    decision = (task.findtext("bpmn:extensionElements/spiffworkflow:calledDecisionId", namespaces=NS) or "").strip()
    if not decision:
        return [located("business rule task names no decision", name, task,
                        "set spiffworkflow:calledDecisionId to a decision of a deployed .dmn file "
                        "(camunda:decisionRef is not read)", RULE)]
    if decision not in catalogue.decisions:
        return [located(f"decision '{decision}' is not among the deployed files", name, task,
                        "deploy its .dmn file with the diagram", RULE)]
    return []


def _call_problems(name: str, call: etree._Element, catalogue: Catalogue) -> list[Problem]:
    called = call.get("calledElement") or ""
    if called in catalogue.global_tasks:
        return [located(f"calls '{called}', a global task, which the engine cannot run", name, call,
                        "draw the task inside the process, or call a process", RULE)]
    if called not in catalogue.processes:
        return [located(f"called process '{called}' is not among the deployed files", name, call,
                        "deploy the .bpmn file of the called process together with this one", "called_process")]
    if not catalogue.processes[called]:
        return [located(f"called process '{called}' is not executable", name, call,
                        f"tick 'Executable' on process '{called}'", "called_process")]
    return []


def _event_problems(name: str, event: etree._Element) -> list[Problem]:
    found = []
    for kind in event_kinds(event):
        if kind in EVENT_HINTS:
            message, hint = EVENT_HINTS[kind]
            found.append(located(message, name, event, hint, RULE))
        elif kind == "cancel" and not any(local(a) == "transaction" for a in event.iterancestors()):
            found.append(located("cancel events belong in a transaction sub-process", name, event, None, RULE))
    return found


def _reference_problems(name: str, node: etree._Element, catalogue: Catalogue) -> list[Problem]:
    """A message, signal, error or escalation an element names must be defined in the diagrams."""
    holders = [node, *(child for child in node if is_bpmn(child) and local(child).endswith("EventDefinition"))]
    return [located(f"refers to {kind} '{holder.get(attribute)}', which no diagram defines", name, node,
                    f"choose a defined {kind} in the properties panel, or define it; {_defined(catalogue, kind)}",
                    "reference")
            for holder in holders for attribute, kind in REFERENCES.items()
            if holder.get(attribute) and (kind, holder.get(attribute)) not in catalogue.definitions]


def _defined(catalogue: Catalogue, kind: str) -> str:
    """The ids (and names) of what the diagrams define of a kind: what a reference may name."""
    defined = catalogue.defined(kind)
    if not defined:
        return f"no {kind} is defined"
    return "defined: " + ", ".join(f"{id_} ('{label}')" if label and label != id_ else id_
                                   for id_, label in sorted(defined.items()))


def _loop_problems(name: str, task: etree._Element) -> list[Problem]:
    multi = task.find("bpmn:multiInstanceLoopCharacteristics", NS)
    if multi is not None:
        given = [tag for tag in ("loopCardinality", "loopDataInputRef") if multi.find(f"bpmn:{tag}", NS) is not None]
        if len(given) != 1:
            vendor = (vendor_attribute(multi, "collection") or ("camunda:collection",))[0]
            return [located("a multi-instance activity needs exactly one of loop cardinality and input collection",
                            name, task, "set Loop cardinality (a number or expression) or Input collection "
                            f"({vendor} is not read)", "loop")]
        return _cardinality_problems(name, task, multi.findtext("bpmn:loopCardinality", namespaces=NS))
    loop = task.find("bpmn:standardLoopCharacteristics", NS)
    if loop.get("loopMaximum") is None and loop.find("bpmn:loopCondition", NS) is None:
        return [located("a loop needs a loop condition or a loop maximum", name, task,
                        "set the loop condition (a plain expression) or loopMaximum", "loop")]
    return []


def _cardinality_problems(name: str, task: etree._Element, cardinality: str | None) -> list[Problem]:
    """A cardinality written as a number must stay under the ceiling (an expression's is checked when it runs)."""
    try:
        count = ast.literal_eval((cardinality or "").strip())
    except (ValueError, SyntaxError):
        return []
    if isinstance(count, int) and not isinstance(count, bool) and count > MAX_CARDINALITY:
        return [located(f"loop cardinality {count} is more than the {MAX_CARDINALITY} instances one activity may run",
                        name, task, f"run at most {MAX_CARDINALITY} instances; for more, loop over batches "
                        "(a sequential multi-instance of a multi-instance sub-process)", "loop")]
    return []


def _scope_problems(name: str, scope: etree._Element) -> list[Problem]:
    """A process needs a start event; a sub-process exactly one start event and an end event."""
    kinds = [local(node) for node in flow_nodes(scope)]
    if local(scope) == "process":
        if kinds and "startEvent" not in kinds:
            return [located("the process has no start event", name, scope, "add a start event", "structure")]
        return []
    starts, ends = kinds.count("startEvent"), kinds.count("endEvent")
    if starts != 1 or not ends:
        what = "no contents (it is drawn collapsed and empty)" if not kinds else \
            f"{starts} start event(s) and {ends} end event(s)"
        return [located(f"the sub-process has {what}; it needs exactly one start event and an end event", name,
                        scope, "open it and draw its steps, or replace it with a task", "structure")]
    return []


def _split_problems(name: str, scope: etree._Element) -> list[Problem]:
    """Only gateways and start events may fork: several flows out of anything else are refused by the engine."""
    leaving = outgoing(scope)
    return [located(f"{len(flows)} sequence flows leave this {local(node)} without a gateway", name, node,
                    "put a parallel gateway (every path) or an exclusive gateway (one path) after it", RULE)
            for node in flow_nodes(scope)
            if local(node) not in FORKS and len(flows := leaving.get(node.get("id"), [])) > 1]


def decision_problems(name: str, tree: etree._ElementTree) -> list[Problem]:
    """The engine reads one decision per .dmn file (more, and SpiffWorkflow fails without saying why)."""
    decisions = [node.get("id") for node in tree.getroot() if isinstance(node.tag, str) and local(node) == "decision"]
    if len(decisions) == 1:
        return []
    found = f"{len(decisions)} ({', '.join(decisions)})" if decisions else "none"
    return [located(f"a .dmn file must hold exactly one decision; it holds {found}", name, tree.getroot(),
                    "put each decision in a .dmn file of its own", RULE)]
