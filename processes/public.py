"""The caller's own progress lookup (进度查询): a case number and the last four digits of the caller's phone.

Callers never sign in, so the pair is the only key: a wrong pair (no such case, another phone) answers exactly
like a case that does not exist, and a client address that keeps guessing is refused for a while
(``MAX_FAILURES`` wrong pairs within ``FAILURE_WINDOW``, counted in the database so every node and worker
shares the count). The answer holds what the caller may know of the case's progress — its status, treatment,
deadline and, once closed, the reply — and never a name, a phone, an address, the content or a department's
own notes. A confidential case answers the same way: nothing personal is ever in the answer.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.case import case_data
from engine.errors import NotFound

from .models import HotlineCase, LookupFailure
from .reports.labels import STATUSES, TREATMENTS, name_of
from .service import Hotline

MAX_FAILURES = 10
"""Wrong pairs a client address may try within ``FAILURE_WINDOW`` before it is refused."""
FAILURE_WINDOW = timedelta(minutes=1)
PHONE_TAIL = 4
REPLY_SHOWN = frozenset({"closed"})
"""Statuses in which the reply to the caller is shown (it is final only once the case is closed)."""


class TooManyAttempts(Exception):
    """A client address tried too many wrong pairs; ``retry_after`` seconds until it may try again."""

    def __init__(self, retry_after: int):
        super().__init__(f"too many wrong lookups; try again in {retry_after} s")
        self.retry_after = retry_after


def lookup(hotline: Hotline, client: str, number: str, phone_tail: str, lang: str) -> dict[str, Any]:
    """The public progress of case ``number`` if ``phone_tail`` ends the caller's phone; ``NotFound`` for any wrong
    pair (recorded against ``client``), ``TooManyAttempts`` while ``client`` is refused."""
    client_hash = hashlib.sha256(client.encode()).hexdigest()
    now = hotline.engine.now()
    with hotline.engine.session.begin() as session:
        _refuse_if_guessing(session, client_hash, now)
        row = session.scalar(select(HotlineCase).where(HotlineCase.number == number))
        if row is not None and _phone_matches(row.caller.get("phone"), phone_tail):
            return _progress(hotline, session, row, lang)
        _record_failure(session, client_hash, now)
    raise NotFound(f"no case {number}")  # after the commit, so the failure stays counted


def _record_failure(session: Session, client_hash: str, now: datetime) -> None:
    """Count a wrong pair against the client, forgetting its failures older than the window."""
    session.execute(delete(LookupFailure).where(LookupFailure.client_hash == client_hash,
                                                LookupFailure.at <= now - FAILURE_WINDOW))
    session.add(LookupFailure(client_hash=client_hash, at=now))


def _refuse_if_guessing(session: Session, client_hash: str, now: datetime) -> None:
    recent = (select(func.count(), func.min(LookupFailure.at))
              .where(LookupFailure.client_hash == client_hash, LookupFailure.at > now - FAILURE_WINDOW))
    count, earliest = session.execute(recent).one()
    if count >= MAX_FAILURES:
        raise TooManyAttempts(max(1, int((earliest + FAILURE_WINDOW - now).total_seconds() + 0.999)))


def _phone_matches(phone: Any, tail: str) -> bool:
    """Whether the phone's digits end with ``tail`` (compared in constant time)."""
    digits = "".join(ch for ch in phone if ch.isdigit()) if isinstance(phone, str) else ""
    return len(digits) > PHONE_TAIL and hmac.compare_digest(digits[-PHONE_TAIL:].encode(), tail.encode())


def _progress(hotline: Hotline, session: Session, row: HotlineCase, lang: str) -> dict[str, Any]:
    """What the caller may know of the case: no personal data, no department notes."""
    reply = None
    if row.status in REPLY_SHOWN:
        reply = case_data(hotline.engine.load(session, row.instance_id).workflow).get("reply")
    return {"number": row.number, "status": row.status, "status_name": name_of(STATUSES, row.status, lang),
            "treatment": row.treatment, "treatment_name": name_of(TREATMENTS, row.treatment, lang),
            "registered_at": row.registered_at, "due_at": row.due_at, "overdue": row.overdue,
            "ended_at": row.ended_at, "reply": reply}
