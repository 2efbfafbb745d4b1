"""What a domain adds that diagrams may name: service handlers, timer properties and the lanes of its roles.

A designer sets a timer in a modeler's properties panel without writing code, e.g. the Camunda
Modeler's *Extension properties* ``hotline:working_days = 10`` on a timer event. The engine knows no
such names: the domain registers a translation per property name (value → timer expression), and
deployment writes that expression into the timer of the parsed diagram before SpiffWorkflow reads it.
The stored files stay exactly as uploaded.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from .bpmn_xml import BPMN, NS, extension_properties, located, owner
from .bundle import Problem

TimerProperty = Callable[[str], str]
"""Turns a property's value into a timer expression giving a date-time; ``ValueError`` for a bad value."""
TIMER_TAGS = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class Extensions:
    """Names a diagram may use beyond plain BPMN: registered service handlers, timer properties, known lanes."""

    services: frozenset[str] = frozenset()
    timer_properties: Mapping[str, TimerProperty] = field(default_factory=dict)
    lanes: frozenset[str] = frozenset()
    """Lane ids that name who works a task (a domain's roles); a user task in another lane is warned about.
    Empty: lanes are not checked."""


def apply_timer_properties(name: str, tree: etree._ElementTree, extensions: Extensions) -> list[Problem]:
    """Give each timer carrying a registered property the expression it stands for (in the parsed tree only)."""
    problems = []
    for timer in tree.iterfind(".//bpmn:timerEventDefinition", NS):
        event = owner(timer)
        props = {key: prop for key, prop in extension_properties(event).items() if key in extensions.timer_properties}
        if not props:
            continue
        problems.extend(_apply(name, timer, event, props, extensions))
    return problems


def _apply(name: str, timer: etree._Element, event: etree._Element, props: dict[str, etree._Element],
           extensions: Extensions) -> list[Problem]:
    if len(props) > 1:
        return [located(f"the timer has several timer properties ({', '.join(sorted(props))})", name, event,
                        "keep one of them", rule="timer")]
    [(key, prop)] = props.items()
    stated = [child for child in timer if isinstance(child.tag, str) and etree.QName(child).localname in TIMER_TAGS
              and (child.text or "").strip()]
    if stated:
        return [located(f"the timer has both a value and the property '{key}'", name, event,
                        "clear the timer's value (Timer → Type: none) or remove the property", rule="timer")]
    try:
        expression = extensions.timer_properties[key](prop.get("value") or "")
    except ValueError as err:
        return [located(f"property '{key}' has a value the engine cannot use: {err}", name, event,
                        rule="timer")]
    for child in [c for c in timer if isinstance(c.tag, str) and etree.QName(c).localname in TIMER_TAGS]:
        timer.remove(child)
    etree.SubElement(timer, f"{{{BPMN}}}timeDate").text = expression
    return []
