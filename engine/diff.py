"""Two versions of a process side by side: which elements were added, removed or changed, and how.

The comparison reads the deployed files, element by element id, because that is what designers drew
and name: a task's name, type, lane, form, its timer value, a flow's condition. Layout (the diagram's
shapes and edges) and the ids modelers generate for inner definitions are left out, so moving boxes
around is no change. Forms and other files are compared whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from .bpmn_xml import BPMN, FLOW_NODES, NS, local
from .bundle import kind_of, parse_xml

BPMN_ELEMENTS = FLOW_NODES | {"sequenceFlow", "lane", "process", "dataObject", "message", "signal", "error",
                              "escalation"}
DMN_ELEMENTS = frozenset({"decision", "input", "output", "rule"})
SKIPPED = frozenset({"incoming", "outgoing", "flowNodeRef"})  # repeated by flows and lanes


@dataclass(frozen=True)
class Element:
    id: str
    type: str
    name: str | None
    file: str
    fields: dict[str, str] = field(compare=False, repr=False)

    def as_dict(self) -> dict:
        return {"id": self.id, "type": self.type, "name": self.name, "file": self.file}


@dataclass(frozen=True)
class Change:
    field: str
    before: str | None
    after: str | None


@dataclass
class VersionDiff:
    files_added: list[str]
    files_removed: list[str]
    files_changed: list[str]
    added: list[Element]
    removed: list[Element]
    changed: list[tuple[Element, list[Change]]]

    def as_dict(self) -> dict:
        return {"files": {"added": self.files_added, "removed": self.files_removed, "changed": self.files_changed},
                "added": [e.as_dict() for e in self.added], "removed": [e.as_dict() for e in self.removed],
                "changed": [{**e.as_dict(), "changes": [vars(c) for c in changes]} for e, changes in self.changed]}


def diff_files(old: dict[str, bytes], new: dict[str, bytes]) -> VersionDiff:
    """Compare two versions' files: whole files by name, and diagram elements by id."""
    before, after = elements(old), elements(new)
    changed = []
    for element_id in sorted(before.keys() & after.keys()):
        changes = _changes(before[element_id], after[element_id])
        if changes:
            changed.append((after[element_id], changes))
    return VersionDiff(
        files_added=sorted(new.keys() - old.keys()), files_removed=sorted(old.keys() - new.keys()),
        files_changed=sorted(n for n in old.keys() & new.keys() if old[n] != new[n]),
        added=[after[i] for i in sorted(after.keys() - before.keys())],
        removed=[before[i] for i in sorted(before.keys() - after.keys())], changed=changed)


def elements(files: dict[str, bytes]) -> dict[str, Element]:
    """Every element of the diagrams (and decision tables) by id, with what describes it."""
    found: dict[str, Element] = {}
    for name, content in sorted(files.items()):
        if kind_of(name) not in ("bpmn", "dmn"):
            continue
        tree, _ = parse_xml(name, content)
        if tree is None:
            continue
        lanes = {ref.text.strip(): lane.get("id") for lane in tree.iterfind(".//bpmn:lane", NS)
                 for ref in lane.iterfind("bpmn:flowNodeRef", NS) if ref.text}
        for node in tree.iter():
            if _compared(node) and node.get("id"):
                found[node.get("id")] = Element(node.get("id"), local(node), node.get("name") or node.get("label"),
                                                name, _fields(node, lanes))
    return found


def _compared(node: etree._Element) -> bool:
    if not isinstance(node.tag, str):
        return False
    namespace = etree.QName(node).namespace or ""
    if namespace == BPMN:
        return local(node) in BPMN_ELEMENTS
    return "DMN" in namespace.upper() and local(node) in DMN_ELEMENTS


def _changes(before: Element, after: Element) -> list[Change]:
    changes = [Change("type", before.type, after.type)] if before.type != after.type else []
    keys = sorted(before.fields.keys() | after.fields.keys())
    return changes + [Change(key, before.fields.get(key), after.fields.get(key)) for key in keys
                      if before.fields.get(key) != after.fields.get(key)]


def _fields(node: etree._Element, lanes: dict[str, str]) -> dict[str, str]:
    """The element's own attributes, lane and inner definitions (not nested elements compared on their own)."""
    fields = {_name(node, key): value for key, value in node.attrib.items() if key != "id"}
    if node.get("id") in lanes:
        fields["lane"] = lanes[node.get("id")]
    _content(node, "", fields)
    return fields


def _content(node: etree._Element, path: str, fields: dict[str, str]) -> None:
    seen: Counter[str] = Counter()
    for child in node:
        if not isinstance(child.tag, str) or _compared(child) or local(child) in SKIPPED:
            continue
        segment = _name(child, child.tag) + (f"[{child.get('name')}]" if child.get("name") else "")
        seen[segment] += 1
        segment += f"#{seen[segment]}" if seen[segment] > 1 else ""
        here = f"{path}.{segment}" if path else segment
        if (child.text or "").strip():
            fields[here] = child.text.strip()
        fields.update({f"{here}@{_name(child, key)}": value for key, value in child.attrib.items()
                       if key not in ("id", "name")})
        _content(child, here, fields)


def _name(node: etree._Element, qualified: str) -> str:
    """``camunda:formKey`` for a namespaced name, the bare name for BPMN's own (or unqualified) names."""
    name = etree.QName(qualified)
    if name.namespace in (None, BPMN):
        return name.localname
    prefixes = {uri: prefix for prefix, uri in node.nsmap.items() if prefix}
    prefix = prefixes.get(name.namespace)
    return f"{prefix}:{name.localname}" if prefix else name.localname
