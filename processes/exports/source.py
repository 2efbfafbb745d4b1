"""Reading the history for an export: the period's hotline cases in batches, each with its audit events.

Cases are read by keyset (``id`` after the last one seen), ``BATCH`` at a time, with their events, returns and
nothing else, so an export holds one batch in memory however many cases the period has. What leaves here is
already fit to share with a process-mining tool:

* who did something is a role or a department, never a person (``Resources``);
* a caller is a pseudonym, keyed per export, so one caller's calls link up inside a file but not across files
  and no phone number can be recovered from it (``Pseudonyms``);
* a confidential case's subject is dropped, and no caller's name, phone, work unit or address is read out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine.models import AuditEvent

from ..models import ApiUser, HotlineCase
from ..reports.models import CaseReturn
from ..reports.period import Period
from ..service import Hotline
from ..users import ROLES

BATCH = 500
TRANSITIONS = {"task_claimed": "assign", "task_unclaimed": "reassign"}
"""XES lifecycle transitions of the events that are not completions (claiming a task assigns it)."""


@dataclass(frozen=True)
class Event:
    """One audit event as a log shows it: what happened (``activity``), when, by which role or department."""

    seq: int
    activity: str
    at: datetime
    transition: str
    role: str
    department: str | None
    callers: tuple[str, ...] = ()  # pseudonyms of the callers the event brought in (intake, a merged repeat call)

    @property
    def resource(self) -> str:
        """``org:resource``: the department that acted, else the role."""
        return self.department or self.role


@dataclass(frozen=True)
class Trace:
    """A case with its events, returns and callers, fit to share (see the module docstring)."""

    number: str
    registered_at: datetime
    attributes: dict[str, Any]
    departments: tuple[str, ...]
    events: list[Event] = field(default_factory=list)
    returned_by: tuple[str, ...] = ()
    callers: tuple[str, ...] = ()


class Pseudonyms:
    """A caller's pseudonym: an HMAC of their phone under a key made for this export only."""

    def __init__(self):
        self._key = secrets.token_bytes(32)

    def __call__(self, caller: Any) -> str | None:
        phone = caller.get("phone") if isinstance(caller, dict) else None
        if not isinstance(phone, str) or not phone.strip():
            return None
        return "caller:" + hmac.new(self._key, phone.strip().encode(), hashlib.sha256).hexdigest()[:16]


class Resources:
    """Who acted, as a role and maybe a department: staff by their user record, scripted actors
    (``department:water``, ``system:timer``, ``open311:app``) by their prefix; never the person's name."""

    def __init__(self, hotline: Hotline):
        with hotline.engine.session() as session:
            self._users = {name: (role, department) for name, role, department
                           in session.execute(select(ApiUser.name, ApiUser.role, ApiUser.department))}
        self._departments = hotline.directory.by_code

    def __call__(self, actor: str) -> tuple[str, str | None]:
        if actor in self._users:
            return self._users[actor]
        prefix, _, rest = actor.partition(":")
        if prefix == "department" and rest in self._departments:
            return prefix, rest
        if prefix in ROLES or prefix in ("system", "open311"):
            return prefix, None
        return "unknown", None


def traces(hotline: Hotline, period: Period, pseudonyms: Pseudonyms | None = None) -> Iterator[Trace]:
    """The period's hotline cases (by registration), oldest first, each with its events; one batch at a time."""
    resources, pseudonyms = Resources(hotline), pseudonyms or Pseudonyms()
    after = 0
    while True:
        with hotline.engine.session() as session:
            rows = session.scalars(select(HotlineCase).where(
                HotlineCase.id > after, HotlineCase.registered_at >= period.start,
                HotlineCase.registered_at < period.end).order_by(HotlineCase.id).limit(BATCH)).all()
            if not rows:
                return
            ids = [row.instance_id for row in rows]
            events = _events(session, ids, resources, pseudonyms)
            returns = _returns(session, ids)
        for row in rows:
            yield _trace(row, events.get(row.instance_id, []), returns.get(row.instance_id, ()), pseudonyms)
        after = rows[-1].id


def _events(session, instance_ids: list[int], resources: Resources,
            pseudonyms: Pseudonyms) -> dict[int, list[Event]]:
    found: dict[int, list[Event]] = {}
    query = (select(AuditEvent.instance_id, AuditEvent.seq, AuditEvent.at, AuditEvent.actor, AuditEvent.type,
                    AuditEvent.task_name, AuditEvent.data)
             .where(AuditEvent.instance_id.in_(instance_ids)).order_by(AuditEvent.instance_id, AuditEvent.seq))
    for instance_id, seq, at, actor, type_, task, data in session.execute(query):
        role, department = resources(actor)
        found.setdefault(instance_id, []).append(Event(
            seq, activity(type_, task, data), at, TRANSITIONS.get(type_, "complete"), role, department,
            _callers(type_, data, pseudonyms)))
    return found


def activity(type_: str, task: str | None, data: dict[str, Any]) -> str:
    """What happened, as a process-mining tool names an activity: the task, or the event and what it named."""
    if type_ in ("task_completed", "task_claimed", "task_unclaimed") and task:
        return task
    if type_ == "timer_fired" and data.get("timers"):
        return "timer_" + "_".join(str(timer.get("timer")) for timer in data["timers"])
    if type_ in ("message_received", "signal_received") and data.get("name"):
        return f"{type_.split('_')[0]}_{data['name']}"
    if type_ in ("error_thrown", "escalation_thrown") and data.get("code"):
        return f"{type_.split('_')[0]}_{data['code']}"
    return type_


def _callers(type_: str, data: dict[str, Any], pseudonyms: Pseudonyms) -> tuple[str, ...]:
    """The callers an event brings in: the intake's caller, a merged repeat call's caller."""
    if type_ == "case_started":
        caller = pseudonyms((data.get("data") or {}).get("caller"))
    elif type_ == "message_received" and data.get("name") == "repeat_call":
        caller = pseudonyms((data.get("payload") or {}).get("caller"))
    else:
        caller = None
    return (caller,) if caller else ()


def _returns(session, instance_ids: list[int]) -> dict[int, tuple[str, ...]]:
    found: dict[int, tuple[str, ...]] = {}
    query = (select(CaseReturn.instance_id, CaseReturn.department).where(CaseReturn.instance_id.in_(instance_ids))
             .order_by(CaseReturn.instance_id, CaseReturn.id))
    for instance_id, department in session.execute(query):
        found[instance_id] = (*found.get(instance_id, ()), department)
    return found


def _trace(row: HotlineCase, events: list[Event], returned_by: tuple[str, ...], pseudonyms: Pseudonyms) -> Trace:
    attributes = {"category": row.category, "treatment": row.treatment, "complexity": row.complexity,
                  "status": row.status, "channel": row.channel, "overdue": row.overdue,
                  "confidential": row.confidential, "subject": None if row.confidential else row.subject}
    callers = tuple(dict.fromkeys(caller for event in events for caller in event.callers))
    return Trace(row.number, row.registered_at, attributes, tuple(row.departments), events, returned_by,
                 callers or tuple(c for c in [pseudonyms(row.caller)] if c))
