"""Checking every expression a diagram carries before it runs: conditions, timers, scripts, loops, service
parameters, correlation and DMN cells.

Each expression must pass the sandbox. Modelers also write expressions in languages the engine does
not speak — JUEL ``${…}`` (Camunda 7) and FEEL ``= …`` (Camunda 8), correlation keys included — and
those get a hint saying what to write instead. Timers may state plain ISO 8601 (``P7D``, ``R6/P1D``,
a date-time) instead of an expression; those are checked as ISO values.
"""

from __future__ import annotations

import ast
import re

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from .bpmn_xml import NS, located, owner
from .bundle import Problem
from .extensions import TIMER_TAGS
from .sandbox import Sandbox

_ISO_TIMER = re.compile(
    r"^(R\d*/.+|P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)$"
)
_LOOKS_ISO = re.compile(r"^(P\d|PT\d|R\d*/|\d{4}-\d{2})", re.IGNORECASE)
_LOOP_EXPRESSIONS = ("loopCardinality", "completionCondition", "loopCondition")
JUEL_HINT = "this is JUEL (Camunda 7); write a plain expression such as: amount > 1000"
FEEL_HINT = "this is FEEL (Camunda 8); drop the leading '=' and write a plain expression such as: amount > 1000"


def is_iso_timer(text: str) -> bool:
    """A timer value written as plain ISO 8601 (``P7D``, ``R6/P1D``, a date-time), not an expression."""
    return bool(_ISO_TIMER.match(text.strip()))


def foreign_language_hint(text: str) -> str | None:
    """What to write instead, when the text is JUEL or FEEL rather than a plain expression."""
    stripped = text.strip()
    if stripped.startswith(("${", "#{")):
        return JUEL_HINT
    if stripped.startswith("="):
        return FEEL_HINT
    return None


def check(name: str, text: str, node: etree._Element, sandbox: Sandbox, script: bool = False,
          holder: etree._Element | None = None) -> list[Problem]:
    """Problems with one expression (or script) found on ``node``, located at the element that holds it."""
    holder = owner(node) if holder is None else holder
    hint = foreign_language_hint(text)
    if hint:
        return [located(f"expression language not supported: {text.strip()[:60]}", name, holder, hint,
                        rule="foreign_expression")]
    return [located(f"expression refused: {reason}", name, holder, rule="expression")
            for reason in sandbox.check(text, script=script)]


def tree_problems(name: str, tree: etree._ElementTree, sandbox: Sandbox) -> list[Problem]:
    """Every expression of a BPMN document, checked."""
    problems: list[Problem] = []
    for node in tree.iterfind(".//bpmn:conditionExpression", NS):
        problems += check(name, node.text or "", node, sandbox)
    for node in tree.iterfind(".//bpmn:script", NS):
        problems += check(name, node.text or "", node, sandbox, script=True)
    for tag in ("preScript", "postScript"):
        for node in tree.iterfind(f".//spiffworkflow:{tag}", NS):
            problems += check(name, node.text or "", node, sandbox, script=True)
    for tag in _LOOP_EXPRESSIONS:
        for node in tree.iterfind(f".//bpmn:{tag}", NS):
            problems += check(name, node.text or "", node, sandbox)
    for parameter in tree.iterfind(".//spiffworkflow:serviceTaskOperator//spiffworkflow:parameter", NS):
        problems += check(name, parameter.get("value") or "", parameter, sandbox)
    for timer in tree.iterfind(".//bpmn:timerEventDefinition", NS):
        problems += timer_problems(name, timer, sandbox)
    return problems + _correlation_problems(name, tree, sandbox)


def timer_problems(name: str, timer: etree._Element, sandbox: Sandbox) -> list[Problem]:
    """A timer states exactly one value: valid ISO 8601, or an expression the sandbox accepts."""
    event = owner(timer)
    values = [child for child in timer if isinstance(child.tag, str) and etree.QName(child).localname in TIMER_TAGS]
    text = (values[0].text or "").strip() if values else ""
    if not text:
        return [located("the timer has no value", name, event,
                        "set Timer → Type and Value, e.g. Duration P10D, Cycle R3/P1D or Date "
                        "2026-10-08T09:00:00+08:00",
                        rule="timer")]
    literal = _timer_literal(text)
    if literal is None:
        return check(name, text, timer, sandbox)
    try:
        if literal.upper().startswith("R"):
            TimerEventDefinition.parse_iso_recurring_interval(literal)
        else:
            TimerEventDefinition.parse_time_or_duration(literal)
    except Exception as err:  # SpiffWorkflow raises bare Exception for bad durations
        return [located(f"timer value '{literal}' is not valid ISO 8601 ({err})", name, event,
                        "write a duration like P10D or PT4H, a date-time, or a cycle like R3/P1D", rule="timer")]
    return []


def _timer_literal(text: str) -> str | None:
    """The ISO value a timer states outright (bare or quoted), or None when it is computed by an expression."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        value = text
    if not isinstance(value, str):
        return None
    if is_iso_timer(value) or _LOOKS_ISO.match(value):
        return value
    return None


def _correlation_problems(name: str, tree: etree._ElementTree, sandbox: Sandbox) -> list[Problem]:
    """Message correlation: Camunda 8 subscription keys are not read; BPMN retrieval expressions must be plain."""
    problems = []
    for subscription in tree.iterfind(".//zeebe:subscription", NS):
        key = subscription.get("correlationKey") or ""
        language = "FEEL " if key.strip().startswith("=") else ""
        problems.append(located(
            f"{language}correlation key '{key}' (Camunda 8) is not supported", name, owner(subscription),
            "remove the correlation key: a message reaches one case through the API "
            "(POST /cases/{number}/events/{name}); for SpiffWorkflow correlation properties write a plain "
            "expression such as: documentReferenceId", rule="foreign_expression" if language else "unsupported"))
    for path in tree.iterfind(".//bpmn:messagePath", NS):
        problems += check(name, path.text or "", path, sandbox)
    for path in tree.iterfind(".//bpmn:correlationPropertyRetrievalExpression/bpmn:formalExpression", NS):
        problems += check(name, path.text or "", path, sandbox)
    return problems


def dmn_problems(name: str, tree: etree._ElementTree, sandbox: Sandbox) -> list[Problem]:
    """Every DMN cell is a plain expression or a unary test such as ``> 3``."""
    problems = []
    for node in tree.iter("{*}text"):
        text = (node.text or "").strip()
        if not text or text == "-":
            continue
        candidate = text.replace("?", "value")
        if sandbox.check(candidate) and not sandbox.check(f"value {candidate}"):
            continue  # a unary test such as "> 3"
        holder = next((a for a in node.iterancestors() if a.get("id")), node)
        problems += check(name, text, node, sandbox, holder=holder)
    return problems
