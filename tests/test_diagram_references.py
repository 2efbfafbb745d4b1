"""The shipped diagrams open in bpmn-js and Camunda Modeler without import warnings: every reference resolves.

bpmn-moddle resolves each reference (an attribute or element named ``…Ref``/``…Refs``, ``incoming``, ``outgoing``,
``default``, DI's ``bpmnElement``) to an element id of the file and warns "unresolved reference" for each that
does not, e.g. a multi-instance ``loopDataInputRef`` naming a variable instead of a data object.
"""

from pathlib import Path

import pytest
from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DIAGRAMS = sorted((Path(__file__).parent.parent / "bpmn").glob("*.bpmn"))
REFERENCE_ELEMENTS = {"incoming", "outgoing"}
REFERENCE_ATTRIBUTES = {"default", "bpmnElement"}


def is_reference(name: str, names: set[str]) -> bool:
    return name.endswith(("Ref", "Refs")) or name in names


def unresolved(tree: etree._ElementTree) -> list[str]:
    """Each reference of the file (in the BPMN and DI namespaces) that names no element id of the file."""
    ids = {node.get("id") for node in tree.iter() if isinstance(node.tag, str) and node.get("id")}
    found = []
    for node in tree.iter(f"{{{BPMN}}}*", f"{{{BPMNDI}}}*"):
        name = etree.QName(node).localname
        if is_reference(name, REFERENCE_ELEMENTS):
            found += [f"<{name}>{ref}" for ref in (node.text or "").split() if ref not in ids]
        found += [f"{name} {attribute}={value}" for attribute, value in node.attrib.items()
                  if "}" not in attribute and is_reference(attribute, REFERENCE_ATTRIBUTES) and value not in ids]
    return found


@pytest.mark.parametrize("path", DIAGRAMS, ids=[p.name for p in DIAGRAMS])
def test_every_reference_of_a_shipped_diagram_resolves_to_an_element_of_the_file(path):
    assert unresolved(etree.parse(str(path))) == []


def test_the_multi_instance_collections_are_declared_as_data_objects_and_read_from_the_case_data():
    path = Path(__file__).parent.parent / "bpmn" / "hotline_case.bpmn"
    tree = etree.parse(str(path))
    declared = {node.get("id") for node in tree.iter(f"{{{BPMN}}}dataObject")}
    assert {"departments", "department_reports"} <= declared
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(path))
    parser.add_dmn_file(str(path.with_name("treatment_suggestion.dmn")))
    handle = parser.get_subprocess_specs("hotline_case")["handling"].task_specs["handle"]
    assert (handle.data_input.bpmn_id, handle.data_output.bpmn_id) == ("departments", "department_reports")
    assert type(handle.data_input).__name__ == "TaskDataReference"  # the case data, as before
