"""Checking every expression a diagram carries before it runs: conditions, timers, scripts, loops, service
parameters and DMN cells (correlation: ``correlation``).

Each expression must pass the sandbox. Modelers also write expressions in languages the engine does
not speak — JUEL ``${…}``, FEEL ``= …``, XPath, cron timers (``foreign``) — and those get a hint saying
what to write instead. Timers may state plain ISO 8601 (``P7D``, ``R6/P1D``, a date-time) or a quoted
one (``'P7D'``) instead of an expression; those are checked as ISO values within the engine's bounds
(``timer_values``), so a value that would never fire, or fire for ever, is refused at deploy.
"""

from __future__ import annotations

import ast
import re

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from . import clock, foreign, timer_values
from .bpmn_xml import NS, local, located, owner
from .bundle import Problem
from .extensions import TIMER_TAGS
from .limits import MAX_CYCLE_REPETITIONS, MIN_CYCLE_INTERVAL, TIMER_HORIZON
from .sandbox import Sandbox

_ISO_TIMER = re.compile(
    r"^(R\d*/.+|P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?)$"
)
_LOOKS_ISO = re.compile(r"^(P\d|PT\d|R\d*/|\d{4}-\d{2})", re.IGNORECASE)
_LOOP_EXPRESSIONS = ("loopCardinality", "completionCondition", "loopCondition")
NO_VALUE_HINT = "set Timer → Type and Value, e.g. Duration P10D, Cycle R3/P1D or Date 2026-10-08T09:00:00+08:00"
TIMER_HINT = (f"write a duration like P10D or PT4H, a date-time, or a cycle like R3/P1D; a timer waits at most "
              f"{TIMER_HORIZON.days} days, and a cycle gives its count (at most {MAX_CYCLE_REPETITIONS}) and an "
              f"interval of at least {int(MIN_CYCLE_INTERVAL.total_seconds())} s")
# What SpiffWorkflow itself must be able to read of a literal value, once it is within bounds.
_SPIFF_READS = {timer_values.DURATION: "parse_iso_duration", timer_values.CYCLE: "parse_iso_recurring_interval"}


def is_iso_timer(text: str) -> bool:
    """A timer value written as plain ISO 8601 (``P7D``, ``R6/P1D``, a date-time), not an expression."""
    return bool(_ISO_TIMER.match(text.strip()))


def check(name: str, text: str, node: etree._Element, sandbox: Sandbox, script: bool = False,
          holder: etree._Element | None = None) -> list[Problem]:
    """Problems with one expression (or script) found on ``node``, located at the element that holds it; the
    language is the expression's own, or its script task's ``scriptFormat``."""
    holder = owner(node) if holder is None else holder
    declared = node.get("scriptFormat" if script else "language") or (holder.get("scriptFormat") if script else None)
    language = foreign.language_problem(declared)
    if language:
        return [located(language, name, holder, foreign.LANGUAGE_HINT, rule="foreign_expression")]
    hint = foreign.hint(text, lambda candidate: not sandbox.check(candidate))
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
    return problems


def timer_problems(name: str, timer: etree._Element, sandbox: Sandbox) -> list[Problem]:
    """A timer states exactly one value: ISO 8601 within the engine's bounds, or an expression the sandbox
    accepts (its value is checked when the timer is armed)."""
    event = owner(timer)
    values = [child for child in timer if local(child) in TIMER_TAGS]
    text = (values[0].text or "").strip() if values else ""
    literal = _timer_literal(text)
    if literal is not None and not literal.strip():  # nothing, or a quoted empty string
        return [located("the timer has no value", name, event, NO_VALUE_HINT, rule="timer")]
    cron = foreign.cron_hint(text)
    if cron:
        return [located(f"timer value '{text}' is a cron expression, which this engine does not read", name, event,
                        cron, rule="foreign_expression")]
    if literal is None:
        return check(name, text, timer, sandbox)
    return _literal_problems(name, event, timer_values.KINDS[local(values[0])], literal.strip())


def _literal_problems(name: str, event: etree._Element, kind: str, literal: str) -> list[Problem]:
    """A value the diagram states: within the bounds (checked first: SpiffWorkflow's own reading of a huge
    duration never ends), then readable by SpiffWorkflow."""
    try:
        timer_values.check(kind, literal, clock.current())
        if kind in _SPIFF_READS:
            getattr(TimerEventDefinition, _SPIFF_READS[kind])(literal)
    except timer_values.TimerValueError as err:
        return [located(str(err), name, event, TIMER_HINT, rule="timer")]
    except Exception as err:  # SpiffWorkflow raises bare Exception for bad durations
        return [located(f"timer value '{literal}' is not valid ISO 8601 ({err})", name, event, TIMER_HINT,
                        rule="timer")]
    return []


def _timer_literal(text: str) -> str | None:
    """The value a timer states outright (quoted, or bare ISO 8601), or None when an expression computes it."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text if is_iso_timer(text) or _LOOKS_ISO.match(text) or not text else None
    return value if isinstance(value, str) else None


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
