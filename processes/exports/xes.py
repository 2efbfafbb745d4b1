"""XES (IEEE 1849): one trace per case, written piece by piece as the cases are read.

A trace carries the case number (``concept:name``, which pm4py and ProM read as ``case:concept:name``) and
the case attributes (category, treatment, complexity, status, channel, overdue, confidential, and the subject
unless confidential); each event its activity (``concept:name``), ``time:timestamp``, ``lifecycle:transition``
and who acted: ``org:resource`` (the department, else the role), ``org:role`` and ``org:group`` (the department).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any
from xml.sax.saxutils import quoteattr

from ..calendar import SHANGHAI
from .source import Event, Trace

XES_VERSION = "1849.2016"  # the IEEE standard's version, as its schema's xs:decimal takes it
EXTENSIONS = (("Concept", "concept"), ("Time", "time"), ("Organizational", "org"), ("Lifecycle", "lifecycle"))
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # characters XML 1.0 cannot carry


def document(traces: Iterable[Trace], title: str) -> Iterator[str]:
    """The XES document, a piece per trace."""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<log xes.version="{XES_VERSION}" xes.features="">\n'
    for name, prefix in EXTENSIONS:
        yield (f'  <extension name="{name}" prefix="{prefix}" '
               f'uri="http://www.xes-standard.org/{prefix}.xesext"/>\n')
    yield ('  <global scope="trace">\n    <string key="concept:name" value="UNKNOWN"/>\n  </global>\n'
           '  <global scope="event">\n    <string key="concept:name" value="UNKNOWN"/>\n'
           '    <date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/>\n'
           '    <string key="lifecycle:transition" value="complete"/>\n'
           '    <string key="org:resource" value="UNKNOWN"/>\n  </global>\n'
           '  <classifier name="Activity" keys="concept:name"/>\n'
           '  <classifier name="Activity_and_transition" keys="concept:name lifecycle:transition"/>\n')
    yield f"  {_attribute('concept:name', title)}\n"
    for trace in traces:
        yield _trace(trace)
    yield "</log>\n"


def _trace(trace: Trace) -> str:
    attributes = {"concept:name": trace.number, **trace.attributes,
                  "departments": ",".join(trace.departments), "registered": trace.registered_at}
    lines = ["  <trace>"] + [f"    {_attribute(key, value)}" for key, value in attributes.items() if value is not None]
    lines += [_event(event) for event in trace.events]
    return "\n".join(lines) + "\n  </trace>\n"


def _event(event: Event) -> str:
    attributes = {"concept:name": event.activity, "time:timestamp": event.at,
                  "lifecycle:transition": event.transition, "org:resource": event.resource, "org:role": event.role,
                  "org:group": event.department}
    inner = "".join(f"\n      {_attribute(key, value)}" for key, value in attributes.items() if value is not None)
    return f"    <event>{inner}\n    </event>"


def _attribute(key: str, value: Any) -> str:
    """One typed XES attribute."""
    if isinstance(value, bool):
        return f'<boolean key="{key}" value="{"true" if value else "false"}"/>'
    if isinstance(value, datetime):
        return f'<date key="{key}" value="{moment(value)}"/>'
    if isinstance(value, int):
        return f'<int key="{key}" value="{value}"/>'
    return f'<string key="{key}" value={quoteattr(_NOT_XML.sub("", str(value)))}/>'


def moment(value: datetime) -> str:
    """A timestamp with milliseconds and Beijing's offset (xs:dateTime, ISO 8601)."""
    return value.astimezone(SHANGHAI).isoformat(timespec="milliseconds")
