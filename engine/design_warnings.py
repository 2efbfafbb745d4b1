"""Warnings: diagrams that run, but probably not as their designer meant. They never block a deployment.

- a user task in no lane has no role among its candidates (lanes name who works a task), nor has one in a
  lane the domain does not know (``Extensions.lanes``; unchecked when the domain names none);
- a deadline (interrupting timer on an activity) with no reminder before it surprises the people working;
- an abstract task (no type) waits for someone to mark it done, like a user task without a form;
- settings of Camunda 7, Activiti and Flowable this engine does not read (start forms, assignees, candidate
  groups, listeners, variable mappings) are named, so nobody counts on them.
"""

from __future__ import annotations

from lxml import etree

from .bpmn_xml import NS, event_kinds, is_bpmn, local, located, vendor_attribute, vendor_children
from .bundle import Problem
from .extensions import Extensions

IGNORED_ATTRIBUTES = {
    "assignee": "candidates come from the task's lane",
    "candidateUsers": "candidates come from the task's lane",
    "candidateGroups": "candidates come from the task's lane",
    "dueDate": "deadlines are timer events on the task",
}
IGNORED_EXTENSIONS = ("executionListener", "taskListener", "inputOutput", "in", "out", "connector")


def problems(name: str, tree: etree._ElementTree, extensions: Extensions | None = None) -> list[Problem]:
    """Every warning for the document."""
    found = _lane_problems(name, tree, (extensions or Extensions()).lanes)
    found += [_warning("an abstract task (no type) waits for someone to mark it done", name, task,
                       "give it a type: a user task with a form, a script task, …", "abstract_task")
              for task in tree.iterfind(".//bpmn:task", NS)]
    found += _deadlines_without_reminder(name, tree)
    found += _ignored(name, tree)
    return found


def _lane_problems(name: str, tree: etree._ElementTree, known: frozenset[str]) -> list[Problem]:
    """A user task needs a lane (its own, or its sub-process's) that the domain knows, when it names its lanes."""
    lane_of = {ref.text.strip(): lane.get("id") for lane in tree.iterfind(".//bpmn:lane", NS)
               for ref in lane.iterfind("bpmn:flowNodeRef", NS) if ref.text}
    found = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        holders = (task.get("id"), *(a.get("id") for a in task.iterancestors()))
        lane = next((lane_of[i] for i in holders if i in lane_of), None)
        if lane is None:
            found.append(_warning("the user task is in no lane, so no role is its candidate", name, task,
                                  "put it in the lane of the role that works it", "no_lane"))
        elif known and lane not in known:
            found.append(_warning(f"the user task is in lane '{lane}', which is no role here, so nobody is its "
                                  "candidate", name, task, "put it in a lane whose id is a role's: "
                                  + ", ".join(sorted(known)), "unknown_lane"))
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
        start_form = vendor_attribute(node, "formKey") if is_bpmn(node, "startEvent") else None
        if start_form:
            found.append(_warning("start forms are not used: a case starts with the data given when it is started",
                                  name, node, f"remove {start_form[0]} from the start event", "ignored"))
        if local(node) == "userTask":
            found += [_warning(f"{attribute} is not read: {why}", name, node, f"remove {attribute}", "ignored")
                      for key, why in IGNORED_ATTRIBUTES.items() if (attribute := _attribute_name(node, key))]
        found += [_warning(f"{qualified} is not read by this engine", name, node,
                           "move the logic into a script task or the process data", "ignored")
                  for qualified, child in vendor_children(node) if local(child) in IGNORED_EXTENSIONS]
    return found


def _attribute_name(node: etree._Element, key: str) -> str | None:
    found = vendor_attribute(node, key)
    return found[0] if found else None
