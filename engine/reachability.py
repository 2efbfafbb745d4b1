"""Elements no path reaches: drawn, but the engine would never run them (usually a missing flow).

Paths start at the start events of each process and sub-process (event sub-processes start on their
own), follow sequence flows, and reach the boundary events of every activity they reach. A sub-process
is searched only when it is reached itself; link events are reported elsewhere and count as starts
here, so one missing link is not reported twice.
"""

from __future__ import annotations

from lxml import etree

from .bpmn_xml import NS, event_kinds, flow_nodes, is_bpmn, local, located
from .bundle import Problem

NESTED = ("subProcess", "transaction")


def problems(name: str, tree: etree._ElementTree) -> list[Problem]:
    """Every unreachable flow node of the document's processes."""
    found: list[Problem] = []
    for process in tree.iterfind(".//bpmn:process", NS):
        found += _scope(name, process)
    return found


def _scope(name: str, scope: etree._Element) -> list[Problem]:
    nodes = {node.get("id"): node for node in flow_nodes(scope) if node.get("id")}  # no id: ``incomplete`` says
    roots = [node for node in nodes.values() if _starts(node)]
    if not roots:
        return []  # no start event: reported as a structure problem, not as every element being unreachable
    reached = _walk(scope, nodes, roots)
    found = [located("no path reaches this element from a start event", name, node,
                     "connect it with a sequence flow, or delete it", "unreachable")
             for node_id, node in nodes.items()
             if node_id not in reached and not _attached_to_unreached(node, reached)]
    for node_id in reached:
        if local(nodes[node_id]) in NESTED:
            found += _scope(name, nodes[node_id])
    return found


def _starts(node: etree._Element) -> bool:
    if local(node) == "startEvent" or "link" in event_kinds(node):
        return True
    return local(node) in NESTED and node.get("triggeredByEvent") == "true"


def _walk(scope: etree._Element, nodes: dict[str, etree._Element], roots: list[etree._Element]) -> set[str]:
    targets: dict[str, list[str]] = {}
    for flow in scope.iterfind("bpmn:sequenceFlow", NS):
        targets.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
    boundaries: dict[str, list[str]] = {}
    for node in nodes.values():
        if is_bpmn(node, "boundaryEvent"):
            boundaries.setdefault(node.get("attachedToRef"), []).append(node.get("id"))
    reached: set[str] = set()
    pending = [root.get("id") for root in roots]
    while pending:
        node_id = pending.pop()
        if node_id in reached or node_id not in nodes:
            continue
        reached.add(node_id)
        pending += targets.get(node_id, []) + boundaries.get(node_id, [])
    return reached


def _attached_to_unreached(node: etree._Element, reached: set[str]) -> bool:
    """A boundary event of an unreachable activity: reporting the activity says it all."""
    return is_bpmn(node, "boundaryEvent") and node.get("attachedToRef") not in reached
