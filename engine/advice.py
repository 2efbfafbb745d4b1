"""Warnings: diagrams that run, but probably not as their designer meant. They never block a deployment.

- a user task in no lane has no role among its candidates (lanes name who works a task);
- a deadline (interrupting timer on an activity) with no reminder before it surprises the people working;
- an abstract task (no type) waits for someone to mark it done, like a user task without a form;
- Camunda settings this engine does not read (start forms, assignees, listeners, variable mappings) are
  named, so nobody counts on them.
"""

from __future__ import annotations

from lxml import etree

from .bpmn_xml import CAMUNDA, NS, event_kinds, is_bpmn, local, located
from .bundle import Problem

IGNORED_ATTRIBUTES = {
    "assignee": "candidates come from the task's lane",
    "candidateUsers": "candidates come from the task's lane",
    "candidateGroups": "candidates come from the task's lane",
    "dueDate": "deadlines are timer events on the task",
}
IGNORED_EXTENSIONS = ("executionListener", "taskListener", "inputOutput", "in", "out", "connector")


def problems(name: str, tree: etree._ElementTree) -> list[Problem]:
    """Every warning for the document."""
    laned = {ref.text.strip() for ref in tree.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS) if ref.text}
    found: list[Problem] = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        if not ({task.get("id")} | {a.get("id") for a in task.iterancestors()}) & laned:
            found.append(_warning("the user task is in no lane, so no role is its candidate", name, task,
                                  "put it in the lane of the role that works it", "no_lane"))
    found += [_warning("an abstract task (no type) waits for someone to mark it done", name, task,
                       "give it a type: a user task with a form, a script task, …", "abstract_task")
              for task in tree.iterfind(".//bpmn:task", NS)]
    found += _deadlines_without_reminder(name, tree)
    found += _ignored(name, tree)
    return found


def _warning(message: str, name: str, node: etree._Element, hint: str, rule: str) -> Problem:
    return located(message, name, node, hint, rule, severity="warning")


def _deadlines_without_reminder(name: str, tree: etree._ElementTree) -> list[Problem]:
    timers: dict[str, list[etree._Element]] = {}
    for event in tree.iterfind(".//bpmn:boundaryEvent", NS):
        if "timer" in event_kinds(event):
            timers.setdefault(event.get("attachedToRef"), []).append(event)
    found = []
    for events in timers.values():
        if all(event.get("cancelActivity", "true") != "false" for event in events):
            found += [_warning("a deadline without a reminder: nobody is warned before it passes", name, event,
                               "add a non-interrupting timer event before the deadline to remind the people working",
                               "no_reminder") for event in events]
    return found


def _ignored(name: str, tree: etree._ElementTree) -> list[Problem]:
    found = []
    for node in tree.iter(f"{{{NS['bpmn']}}}*"):
        if is_bpmn(node, "startEvent") and node.get(f"{{{CAMUNDA}}}formKey"):
            found.append(_warning("start forms are not used: a case starts with the data given when it is started",
                                  name, node, "remove camunda:formKey from the start event", "ignored"))
        for attribute, why in IGNORED_ATTRIBUTES.items():
            if local(node) == "userTask" and node.get(f"{{{CAMUNDA}}}{attribute}"):
                found.append(_warning(f"camunda:{attribute} is not read: {why}", name, node,
                                      f"remove camunda:{attribute}", "ignored"))
        extensions = node.find("bpmn:extensionElements", NS)
        for child in (extensions if extensions is not None else []):
            if isinstance(child.tag, str) and etree.QName(child).namespace == CAMUNDA and \
                    etree.QName(child).localname in IGNORED_EXTENSIONS:
                found.append(_warning(f"camunda:{etree.QName(child).localname} is not read by this engine", name,
                                      node, "move the logic into a script task or the process data", "ignored"))
    return found
