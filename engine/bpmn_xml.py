"""Reading BPMN XML as modelers write it: namespaces, element kinds, scopes and located problems.

The checks in ``validation``, ``expressions``, ``unsupported``, ``reachability`` and ``design_warnings`` all walk the
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
ACTIVITI = "http://activiti.org/bpmn"
FLOWABLE = "http://flowable.org/bpmn"
VENDORS = {"camunda": CAMUNDA, "activiti": ACTIVITI, "flowable": FLOWABLE}
"""Camunda 7 and the engines it shares its attributes with (``formKey``, ``assignee``, ``class``…)."""
NS = {"bpmn": BPMN, "zeebe": ZEEBE, **VENDORS, **SPIFFWORKFLOW_NSMAP}

ACTIVITIES = frozenset({"task", "userTask", "manualTask", "scriptTask", "serviceTask", "sendTask", "receiveTask",
                        "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway",
                      "complexGateway"})
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS
SCOPES = frozenset({"process", "subProcess", "transaction", "adHocSubProcess"})


def local(node: etree._Element) -> str:
    """The element's tag without its namespace (``userTask``); read from the tag text, which is faster than
    ``etree.QName`` (every check calls this for every element)."""
    tag = node.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


_BPMN_TAG = f"{{{BPMN}}}"


def is_bpmn(node: etree._Element, *names: str) -> bool:
    """A BPMN element (of one of ``names``, when given); comments and other namespaces are not."""
    tag = node.tag
    if not isinstance(tag, str) or not tag.startswith(_BPMN_TAG):
        return False
    return not names or tag[len(_BPMN_TAG):] in names


def located(message: str, file: str, node: etree._Element, hint: str | None = None, rule: str | None = None,
            severity: str = "error") -> Problem:
    """A problem pinned to an element: its id, name and line."""
    return Problem(message, file=file, element_id=node.get("id"), element_name=node.get("name"),
                   line=node.sourceline, hint=hint, severity=severity, rule=rule)


def vendor_attribute(node: etree._Element, name: str) -> tuple[str, str] | None:
    """A Camunda 7, Activiti or Flowable attribute of the element, as (``activiti:formKey``, its value)."""
    for prefix, namespace in VENDORS.items():
        value = node.get(f"{{{namespace}}}{name}")
        if value is not None:
            return f"{prefix}:{name}", value
    return None


def vendor_children(node: etree._Element) -> list[tuple[str, etree._Element]]:
    """The Camunda 7, Activiti or Flowable elements in the element's ``extensionElements``, each with its name
    (``activiti:taskListener``)."""
    extensions = node.find("bpmn:extensionElements", NS)
    prefixes = {namespace: prefix for prefix, namespace in VENDORS.items()}
    return [(f"{prefixes[etree.QName(child).namespace]}:{local(child)}", child)
            for child in (extensions if extensions is not None else [])
            if isinstance(child.tag, str) and etree.QName(child).namespace in prefixes]


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


def outgoing(scope: etree._Element) -> dict[str, list[etree._Element]]:
    """The sequence flows of a scope by the id of the node they leave (``sourceRef``, as the engine reads them).

    One pass per scope: looking the flows up node by node would make validation quadratic in the diagram's size.
    """
    found: dict[str, list[etree._Element]] = {}
    for flow in scope.iterfind("bpmn:sequenceFlow", NS):
        found.setdefault(flow.get("sourceRef"), []).append(flow)
    return found


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
