"""Elements drawn without what the engine needs to run them as drawn: they pass SpiffWorkflow's parser, then
misbehave, so each is an error at deploy.

- A sequence flow or flow node without an ``id``: SpiffWorkflow never follows a flow it cannot name, and
  the case waits for ever at the flow's source.
- A receive task, or a message catch event, that names no message: nothing can ever be delivered to it (a
  receive task without one is even completed at once, as if its message had come).
- A send task that names no message and no other work: it does nothing, and the case passes it at once.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from .bpmn_xml import FLOW_NODES, NS, is_bpmn, local, located, vendor_attribute
from .bundle import Problem

RULE = "incomplete"
MESSAGE_CATCHERS = ("intermediateCatchEvent", "boundaryEvent", "startEvent")
OTHER_WORK = ("class", "delegateExpression", "expression", "type")
"""Camunda/Activiti/Flowable attributes that give a send task work of its own (reported as unsupported)."""


def problems(name: str, tree: etree._ElementTree, messages: Mapping[str, str | None]) -> list[Problem]:
    """Every element of the document that lacks an id or its message; ``messages`` are the defined ones
    (id → name), offered in the hint."""
    found: list[Problem] = []
    for node in tree.iter(f"{{{NS['bpmn']}}}*"):
        kind = local(node)
        if not node.get("id") and (kind == "sequenceFlow" or kind in FLOW_NODES):
            found.append(_missing_id(name, node))
        elif kind == "receiveTask" and not _message_of(node):
            found.append(located("the receive task names no message: the engine completes it at once, as if "
                                 "its message had come", name, node, _choose(messages, "waits for"), RULE))
        elif kind == "sendTask" and not _message_of(node) and not _other_work(node):
            found.append(located("the send task names no message and no work: the case passes it at once, "
                                 "having sent nothing", name, node,
                                 _choose(messages, "sends") + "; to do work, make it a script task or a service "
                                 "task with a registered handler", RULE))
        elif kind in MESSAGE_CATCHERS and _waits_for_nameless_message(node):
            found.append(located(f"this message {_event_words(kind)} names no message, so none can ever reach it",
                                 name, node, _choose(messages, "waits for"), RULE))
    return found


def _missing_id(name: str, node: etree._Element) -> Problem:
    if local(node) == "sequenceFlow":
        source, target = node.get("sourceRef"), node.get("targetRef")
        return located(f"the sequence flow from '{source}' to '{target}' has no id", name, node,
                       f"give it an id (any name unique in the file): the engine never follows a flow without "
                       f"one, so a case would wait at '{source}' for ever", RULE)
    return located(f"this {local(node)} has no id", name, node,
                   "give it an id (any name unique in the file): the engine cannot connect or run an element "
                   "without one", RULE)


def _message_of(node: etree._Element) -> str | None:
    """The message a task names: ``messageRef`` on the task, or on a message event definition inside it."""
    definition = node.find("bpmn:messageEventDefinition", NS)
    return node.get("messageRef") or (definition.get("messageRef") if definition is not None else None)


def _other_work(node: etree._Element) -> bool:
    return any(vendor_attribute(node, attribute) for attribute in OTHER_WORK) or \
        node.find(".//zeebe:taskDefinition", NS) is not None or \
        node.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS) is not None


def _waits_for_nameless_message(event: etree._Element) -> bool:
    """A catching message event without a message (a process's own start event is started through the API,
    so only an event sub-process's start counts)."""
    definitions = [child for child in event if is_bpmn(child, "messageEventDefinition")]
    if not definitions or any(d.get("messageRef") for d in definitions):
        return False
    return local(event) != "startEvent" or event.getparent().get("triggeredByEvent") == "true"


def _event_words(kind: str) -> str:
    return {"boundaryEvent": "boundary event", "startEvent": "start event"}.get(kind, "event")


def _choose(messages: Mapping[str, str | None], verb: str) -> str:
    """Which message to choose, naming those the diagrams define (what a case can be sent, by name)."""
    if not messages:
        return (f"define a message (on the canvas: Messages, or bpmn:message) and choose it as the one it {verb} "
                "(Camunda Modeler: Message → Global message reference)")
    defined = ", ".join(f"{mid} ('{label}')" if label and label != mid else mid
                        for mid, label in sorted(messages.items()))
    return f"choose the message it {verb} (Camunda Modeler: Message → Global message reference); defined: {defined}"
