"""Message correlation as modelers write it: what it refers to must exist, and its expressions must be plain.

A message reaches one case through the API (``POST /cases/{number}/events/{name}``, by the message's name),
so Camunda 8's correlation keys are not read; the problem names the endpoint of that very message. BPMN's
own correlation (keys, properties, retrieval expressions) refers to messages and properties by id: a
reference to one that does not exist is named, with those that do.
"""

from __future__ import annotations

from lxml import etree

from . import foreign
from .bpmn_xml import NS, is_bpmn, located, owner
from .bundle import Problem
from .expressions import check
from .sandbox import Sandbox


def problems(name: str, tree: etree._ElementTree, sandbox: Sandbox) -> list[Problem]:
    """Every correlation problem of a BPMN document."""
    found = [_subscription_problem(name, subscription, sandbox)
             for subscription in tree.iterfind(".//zeebe:subscription", NS)]
    for path in tree.iterfind(".//bpmn:messagePath", NS):
        found += check(name, path.text or "", path, sandbox)
    for path in tree.iterfind(".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", NS):
        found += check(name, path.text or "", path, sandbox)
    return found + _reference_problems(name, tree)


def _subscription_problem(name: str, subscription: etree._Element, sandbox: Sandbox) -> Problem:
    key = (subscription.get("correlationKey") or "").strip()
    message = owner(subscription)
    label = message.get("name") if is_bpmn(message, "message") and message.get("name") else "{name}"
    endpoint = f"POST /cases/{{number}}/events/{label}"
    feel = foreign.translation(key, lambda candidate: not sandbox.check(candidate)) if key.startswith("=") else None
    plain = f"; for SpiffWorkflow correlation properties, write the plain expression: {feel[1]}" \
        if feel and feel[1] else ""
    return located(f"{'FEEL ' if feel else ''}correlation key '{key}' (Camunda 8) is not supported", name, message,
                   f"remove the correlation key: the message reaches one case through the API ({endpoint}){plain}",
                   rule="foreign_expression" if feel else "unsupported")


def _reference_problems(name: str, tree: etree._ElementTree) -> list[Problem]:
    """Retrieval expressions name defined messages; correlation keys name defined correlation properties."""
    messages = {node.get("id") for node in tree.iterfind("bpmn:message", NS)}
    properties = {node.get("id") for node in tree.iterfind("bpmn:correlationProperty", NS)}
    found = [_unknown(name, node, "message", node.get("messageRef"), messages)
             for node in tree.iterfind(".//bpmn:correlationPropertyRetrievalExpression", NS)
             if node.get("messageRef") not in messages]
    found += [_unknown(name, node, "correlation property", (node.text or "").strip(), properties)
              for node in tree.iterfind(".//bpmn:correlationKey/bpmn:correlationPropertyRef", NS)
              if (node.text or "").strip() not in properties]
    return found


def _unknown(name: str, node: etree._Element, kind: str, reference: str | None, defined: set[str]) -> Problem:
    offered = ", ".join(sorted(defined)) if defined else "none"
    return located(f"correlation refers to {kind} '{reference}', which the diagram does not define", name,
                   owner(node), f"name one that exists (defined: {offered}), or define it", rule="reference")
