"""Reading BPMN XML as modelers write it: namespaces, element kinds, scopes and located problems.

The checks in ``validation``, ``expressions``, ``constructs``, ``reachability`` and ``advice`` all walk the
same trees; the vocabulary they share lives here so each names elements the same way.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree
from SpiffWorkflow.spiff.parser.task_spec import SPIFFWORKFLOW_NSMAP

from .bundle import Problem

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
NS = {"bpmn": BPMN, "camunda": CAMUNDA, "zeebe": ZEEBE, **SPIFFWORKFLOW_NSMAP}

ACTIVITIES = frozenset({"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
                        "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
                      "complexGateway"})
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS
SCOPES = frozenset({"process", "subProcess", "transaction", "adHocSubProcess"})


def local(node: etree._Element) -> str:
    """The element's tag without its namespace (``userTask``)."""
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def is_bpmn(node: etree._Element, *names: str) -> bool:
    """A BPMN element (of one of ``names``, when given); comments and other namespaces are not."""
    if not isinstance(node.tag, str) or etree.QName(node).namespace != BPMN:
        return False
    return not names or local(node) in names


def located(message: str, file: str, node: etree._Element, hint: str | None = None, rule: str | None = None,
            severity: str = "error") -> Problem:
    """A problem pinned to an element: its id, name and line."""
    return Problem(message, file=file, element_id=node.get("id"), element_name=node.get("name"),
                   line=node.sourceline, hint=hint, severity=severity, rule=rule)


def owner(node: etree._Element) -> etree._Element:
    """The nearest flow node (or flow, or process) holding ``node``: what a designer clicks on to fix it."""
    for candidate in (node, *node.iterancestors()):
        if is_bpmn(candidate, *FLOW_NODES, "sequenceFlow", "process", "message"):
            return candidate
    return node


def flow_nodes(scope: etree._Element) -> list[etree._Element]:
    """The flow nodes drawn directly in a process or sub-process (not those nested deeper)."""
    return [child for child in scope if is_bpmn(child, *FLOW_NODES)]


def scopes(tree: etree._ElementTree) -> Iterator[etree._Element]:
    """Every process and sub-process of a document, outermost first."""
    for node in tree.iter(f"{{{BPMN}}}*"):
        if local(node) in SCOPES:
            yield node


def outgoing(node: etree._Element) -> list[etree._Element]:
    """The sequence flows leaving a flow node (found by ``sourceRef``, as the engine reads them)."""
    scope = node.getparent()
    return [flow for flow in scope.iterfind("bpmn:sequenceFlow", NS) if flow.get("sourceRef") == node.get("id")]


def event_kinds(event: etree._Element) -> list[str]:
    """The event definitions of an event (``timer``, ``message``…), empty for a plain (none) event."""
    return [local(child).removesuffix("EventDefinition") for child in event
            if is_bpmn(child) and local(child).endswith("EventDefinition")]


def extension_properties(node: etree._Element) -> dict[str, etree._Element]:
    """Name/value extension properties set in a modeler's properties panel (Camunda or SpiffWorkflow)."""
    found = {}
    for prefix in ("camunda", "spiffworkflow"):
        for prop in node.iterfind(f"bpmn:extensionElements/{prefix}:properties/{prefix}:property", NS):
            if prop.get("name"):
                found[prop.get("name")] = prop
    return found
