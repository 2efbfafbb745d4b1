"""The shipped diagrams carry a complete layout (BPMN DI), so bpmn.io and Camunda Modeler can show them."""

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

DIAGRAMS = sorted((Path(__file__).parent.parent / "bpmn").glob("*.bpmn"))

FLOW_NODES = [
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "scriptTask", "serviceTask", "businessRuleTask", "manualTask", "sendTask", "receiveTask",
    "callActivity", "subProcess", "transaction", "adHocSubProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
]


def q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def ids_of(tree, *tags: str) -> list[str]:
    return [element.get("id") for tag in tags for element in tree.iter(q(BPMN, tag))]


def shapes_of(tree) -> Counter:
    return Counter(shape.get("bpmnElement") for shape in tree.iter(q(BPMNDI, "BPMNShape")))


def bounds_of(shape) -> tuple[float, float, float, float]:
    box = shape.find(q(DC, "Bounds"))
    assert box is not None, f"the shape {shape.get('id')} has no bounds"
    return tuple(float(box.get(side)) for side in ("x", "y", "width", "height"))


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda path: path.name)
def test_every_element_of_the_diagram_is_laid_out(path):
    tree = etree.parse(str(path))
    assert tree.find(f".//{q(BPMNDI, 'BPMNPlane')}") is not None, f"{path.name} has no diagram"
    shapes = shapes_of(tree)
    edges = {edge.get("bpmnElement"): edge for edge in tree.iter(q(BPMNDI, "BPMNEdge"))}

    laid_out = ids_of(tree, *FLOW_NODES, "lane", "participant")
    missing = sorted(element for element in laid_out if shapes[element] == 0)
    doubled = sorted(element for element in laid_out if shapes[element] > 1)
    assert (missing, doubled) == ([], []), "every flow node, lane and pool needs exactly one shape"

    flows = ids_of(tree, "sequenceFlow")
    assert sorted(flow for flow in flows if flow not in edges) == [], "every sequence flow needs an edge"
    short = sorted(flow for flow in flows if len(edges[flow].findall(q(DI, "waypoint"))) < 2)
    assert short == [], "every edge needs at least two waypoints"

    known = set(ids_of(tree, *FLOW_NODES, "lane", "participant", "sequenceFlow", "dataObjectReference",
                       "dataStoreReference", "textAnnotation", "association", "messageFlow", "group"))
    dangling = sorted(set(shapes) - known) + sorted(set(edges) - known)
    assert dangling == [], "the layout refers to elements that are not in the model"


@pytest.mark.parametrize("path", DIAGRAMS, ids=lambda path: path.name)
def test_the_diagram_stays_inside_its_pool(path):
    tree = etree.parse(str(path))
    shapes = {shape.get("bpmnElement"): shape for shape in tree.iter(q(BPMNDI, "BPMNShape"))}
    participants = list(tree.iter(q(BPMN, "participant")))
    if not participants:
        pytest.skip("the diagram has no pool")
    pools = [bounds_of(shapes[participant.get("id")]) for participant in participants]

    def inside(x: float, y: float, width: float = 0, height: float = 0) -> bool:
        return any(px <= x and py <= y and x + width <= px + pw and y + height <= py + ph
                   for px, py, pw, ph in pools)

    pool_ids = {participant.get("id") for participant in participants}
    outside = sorted(element for element, shape in shapes.items()
                     if element not in pool_ids and not inside(*bounds_of(shape)))
    assert outside == [], "every shape lies inside the pool"

    strays = sorted({edge.get("bpmnElement") for edge in tree.iter(q(BPMNDI, "BPMNEdge"))
                     for point in edge.iter(q(DI, "waypoint"))
                     if not inside(float(point.get("x")), float(point.get("y")))})
    assert strays == [], "every edge runs inside the pool"
