"""The append-only, hash-chained audit log of each case.

Each event's hash covers its content and the previous event's hash, so editing or removing any
event breaks the chain from that event on. Database triggers refuse UPDATE and DELETE of rows.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from .models import AuditEvent, Instance

GENESIS = "0" * 64


def event_hash(prev_hash: str, seq: int, at: datetime, actor: str, type_: str, task_id: str | None,
               task_name: str | None, version_id: int, data: dict[str, Any], state_hash: str) -> str:
    """SHA-256 over a canonical JSON of the event (the state it produced included) and the previous hash."""
    body = json.dumps([prev_hash, seq, at.isoformat(), actor, type_, task_id, task_name, version_id, data,
                       state_hash],
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def state_digest(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def append(session: Session, instance: Instance, at: datetime, actor: str, type_: str,
           data: dict[str, Any] | None = None, task_id: str | None = None, task_name: str | None = None) -> AuditEvent:
    """Add the next event of ``instance`` to the session (a bookkeeping command's few rows)."""
    appended = event(instance, at, actor, type_, data, task_id, task_name)
    session.add(appended)
    return appended


def event(instance: Instance, at: datetime, actor: str, type_: str, data: dict[str, Any] | None = None,
          task_id: str | None = None, task_name: str | None = None, warm: bool = False) -> AuditEvent:
    """The next event of ``instance`` (with the digest of the state it left); moves the chain head.

    ``warm`` says the command continued the workflow its previous command left in memory instead of loading the
    saved state, so replay does the same (see ``live``). It is outside the hash: a false flag can only make a
    replay disagree with the recorded state digests, which the chain covers, never make a forged state pass.
    """
    seq, prev, digest = instance.audit_seq + 1, instance.audit_hash, state_digest(instance.state)
    data = json.loads(json.dumps(data or {}, default=str))
    made = AuditEvent(instance_id=instance.id, seq=seq, at=at, actor=actor, type=type_, task_id=task_id,
                      task_name=task_name, version_id=instance.version_id, data=data, state_hash=digest,
                      prev_hash=prev, warm=warm, hash=event_hash(prev, seq, at, actor, type_, task_id, task_name,
                                                                 instance.version_id, data, digest))
    instance.audit_seq, instance.audit_hash = seq, made.hash
    return made


def row(made: AuditEvent) -> dict[str, Any]:
    """An event's column values, for inserting a command's events in one statement."""
    return {column: getattr(made, column) for column in _COLUMNS}


_COLUMNS = ("instance_id", "seq", "at", "actor", "type", "task_id", "task_name", "version_id", "data", "state_hash",
            "prev_hash", "hash", "warm")


def verify_chain(events: list[AuditEvent]) -> int | None:
    """The seq of the first event whose link or hash does not match, or None when the chain is intact."""
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        recomputed = event_hash(prev, event.seq, event.at, event.actor, event.type, event.task_id, event.task_name,
                                event.version_id, event.data, event.state_hash)
        if event.seq != expected_seq or event.prev_hash != prev or event.hash != recomputed:
            return event.seq
        prev = event.hash
    return None
