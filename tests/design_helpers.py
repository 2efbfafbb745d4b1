"""Small diagrams written inline, the way a modeler saves them, for checks about one construct at a time."""

from __future__ import annotations

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="t">\n')
FORM = b'{"type": "object", "properties": {"note": {"type": "string"}}, "additionalProperties": false}'


def flows(*pairs: str) -> str:
    """Sequence flows ``a>b`` named ``a_b``."""
    return "".join(f'<bpmn:sequenceFlow id="{a}_{b}" sourceRef="{a}" targetRef="{b}"/>'
                   for a, b in (pair.split(">") for pair in pairs))


def task(task_id: str, name: str | None = None) -> str:
    """A user task with our form."""
    named = f' name="{name}"' if name else ""
    return f'<bpmn:userTask id="{task_id}"{named} camunda:formKey="note"/>'


def diagram(body: str, definitions: str = "", process_id: str = "p") -> dict[str, bytes]:
    """A bundle: one executable process with ``body``, plus the form ``note``."""
    text = f'{HEAD}{definitions}<bpmn:process id="{process_id}" isExecutable="true">{body}</bpmn:process>' \
           "</bpmn:definitions>"
    return {f"{process_id}.bpmn": text.encode(), "note.json": FORM}


def timer_event(event_id: str, attached_to: str, definition: str, interrupting: bool = True,
                properties: dict[str, str] | None = None) -> str:
    """A boundary timer event; ``definition`` is the inside of its timerEventDefinition."""
    extension = ""
    if properties:
        props = "".join(f'<camunda:property name="{k}" value="{v}"/>' for k, v in properties.items())
        extension = f"<bpmn:extensionElements><camunda:properties>{props}</camunda:properties></bpmn:extensionElements>"
    cancel = "" if interrupting else ' cancelActivity="false"'
    return (f'<bpmn:boundaryEvent id="{event_id}" attachedToRef="{attached_to}"{cancel}>{extension}'
            f"<bpmn:timerEventDefinition>{definition}</bpmn:timerEventDefinition></bpmn:boundaryEvent>")


def problems_by_rule(problems, severity: str = "error") -> list[tuple[str, str | None]]:
    """(rule, element id) of each problem of one severity, sorted."""
    return sorted(((p.rule, p.element_id) for p in problems if p.severity == severity), key=str)
