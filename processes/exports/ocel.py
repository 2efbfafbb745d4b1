"""OCEL 2.0 (JSON): the history as events over objects of three types, written piece by piece.

* ``case`` — a hotline case, with its attributes (category, treatment, complexity, status, channel, overdue,
  confidential, and the subject unless confidential) and links to the departments on it (``handled by``),
  the departments that returned it (``returned by``) and its callers (``reported by``; a merged repeat call's
  caller too);
* ``department`` — a member unit of the directory, by its code;
* ``caller`` — a pseudonym only (``source.Pseudonyms``), no attribute.

Events link their case (``case``), the department that acted (``by department``) and the callers they brought
in (``caller``). The cases are read twice, once for the events and once for the objects, so neither needs
the other in memory; event types are declared after the events, once they are all known. Attribute values are
strings, as the OCEL 2.0 JSON schema has them; their declared types say how to read them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from itertools import chain
from typing import Any

from .source import Event, Trace
from .xes import moment

CASE_ATTRIBUTES = (("category", "string"), ("treatment", "string"), ("complexity", "string"), ("status", "string"),
                   ("channel", "string"), ("overdue", "boolean"), ("confidential", "boolean"), ("subject", "string"))
EVENT_ATTRIBUTES = (("org:resource", "string"), ("org:role", "string"), ("lifecycle:transition", "string"))


def document(traces: Callable[[], Iterable[Trace]], departments: dict[str, str]) -> Iterator[str]:
    """The OCEL 2.0 JSON document; ``traces`` is called twice (events, then objects)."""
    activities: set[str] = set()
    seen: set[str] = set()  # the caller pseudonyms written already: one short string per caller, not per case
    yield '{"objectTypes": ' + _dump(_object_types())
    yield ', "events": ['
    yield from _joined(_events(trace, activities) for trace in traces())
    yield '], "objects": ['
    yield from _joined(chain([_departments(departments)], (_objects(trace, departments, seen) for trace in traces())))
    yield '], "eventTypes": ' + _dump([{"name": name, "attributes": [{"name": key, "type": kind}
                                                                     for key, kind in EVENT_ATTRIBUTES]}
                                       for name in sorted(activities)])
    yield "}\n"


def _object_types() -> list[dict[str, Any]]:
    return [{"name": "case", "attributes": [{"name": key, "type": kind} for key, kind in CASE_ATTRIBUTES]},
            {"name": "department", "attributes": [{"name": "name", "type": "string"}]},
            {"name": "caller", "attributes": []}]


def _joined(pieces: Iterable[str]) -> Iterator[str]:
    """Pieces of a JSON array's items (each already comma-separated inside), commas between the non-empty ones."""
    first = True
    for piece in pieces:
        if piece:
            yield piece if first else "," + piece
            first = False


def _events(trace: Trace, activities: set[str]) -> str:
    activities.update(event.activity for event in trace.events)
    return ",".join(_dump(_event(trace, event)) for event in trace.events)


def _event(trace: Trace, event: Event) -> dict[str, Any]:
    relationships = [{"objectId": _case_id(trace.number), "qualifier": "case"}]
    if event.department:
        relationships.append({"objectId": _department_id(event.department), "qualifier": "by department"})
    relationships += [{"objectId": caller, "qualifier": "caller"} for caller in event.callers]
    return {"id": f"{trace.number}:{event.seq}", "type": event.activity, "time": moment(event.at),
            "attributes": [{"name": "org:resource", "value": event.resource}, {"name": "org:role", "value": event.role},
                           {"name": "lifecycle:transition", "value": event.transition}],
            "relationships": relationships}


def _departments(departments: dict[str, str]) -> str:
    return ",".join(_dump({"id": _department_id(code), "type": "department",
                           "attributes": [{"name": "name", "value": name, "time": _EPOCH}], "relationships": []})
                    for code, name in departments.items())


def _objects(trace: Trace, departments: dict[str, str], seen: set[str]) -> str:
    """The case, and each of its callers the first time one is seen in the export (callers repeat across cases)."""
    known = set(departments)
    relationships = ([{"objectId": _department_id(code), "qualifier": "handled by"}
                      for code in trace.departments if code in known]
                     + [{"objectId": _department_id(code), "qualifier": "returned by"}
                        for code in trace.returned_by if code in known]
                     + [{"objectId": caller, "qualifier": "reported by"} for caller in trace.callers])
    case = {"id": _case_id(trace.number), "type": "case",
            "attributes": [{"name": key, "value": _value(trace.attributes[key]), "time": moment(trace.registered_at)}
                           for key, _ in CASE_ATTRIBUTES if trace.attributes.get(key) is not None],
            "relationships": relationships}
    new = [caller for caller in trace.callers if caller not in seen]
    seen.update(new)
    return ",".join([_dump(case)] + [_dump({"id": caller, "type": "caller", "attributes": [], "relationships": []})
                                      for caller in new])


def _value(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _case_id(number: str) -> str:
    return f"case:{number}"


def _department_id(code: str) -> str:
    return f"department:{code}"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_EPOCH = moment(datetime.fromisoformat("1970-01-01T00:00:00+00:00"))
