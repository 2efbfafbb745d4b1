"""The hotline's own tables: case rows for lists, filters and reports, case-number counters, API users.

Every case gets a number when it starts: a hotline case on its row, a case of any other process (a designer
trying a diagram) on a ``ProcessCase`` row; both draw from one daily series, so a number names one case.

The case row is a projection kept in step with the engine's state inside every command's transaction
(see ``cases.project``); the engine's state and audit log remain the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from engine.models import UTCDateTime


class HotlineBase(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class HotlineCase(HotlineBase):
    __tablename__ = "hotline_cases"
    __table_args__ = (Index("ix_hotline_cases_overdue_order", "overdue", "registered_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer, unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    category: Mapped[str] = mapped_column(String(40), index=True)
    treatment: Mapped[str | None] = mapped_column(String(20), index=True)
    complexity: Mapped[str | None] = mapped_column(String(20))
    departments: Mapped[list[Any]]
    urgency: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(20))
    confidential: Mapped[bool] = mapped_column(Boolean)
    caller: Mapped[dict[str, Any]]
    subject: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime | None] = mapped_column(index=True)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    reminded: Mapped[bool] = mapped_column(Boolean, default=False)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    returns: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[str | None] = mapped_column(String(30))
    supplements: Mapped[list[Any]]
    repeat_calls: Mapped[list[Any]]
    extensions: Mapped[list[Any]] = mapped_column(default=list)
    """Deadline extension requests and their decisions (``department``, ``requested_days``, ``reason``, ``approved``,
    ``granted_days``, ``comment``, ``due_before``, ``requested_at``, ``decided_at``), oldest first."""
    registered_at: Mapped[datetime] = mapped_column(index=True)
    ended_at: Mapped[datetime | None]


class ProcessCase(HotlineBase):
    """A case of a process other than the hotline's: only its number (it has no caller, category or deadline)."""

    __tablename__ = "hotline_process_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer, unique=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)


class CaseCounter(HotlineBase):
    """The last number given out on a day (numbers are 12345-YYYYMMDD-NNNN, per Shanghai calendar day)."""

    __tablename__ = "hotline_case_counters"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class CalendarSchedule(HotlineBase):
    """An official holiday schedule an administrator loaded (overrides the package and the estimate)."""

    __tablename__ = "hotline_calendar_schedules"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[dict[str, Any]]
    loaded_at: Mapped[datetime]


class LookupFailure(HotlineBase):
    """A public progress lookup that named no case (wrong number or phone), kept a short while per client so that
    guessing is rate-limited; only the SHA-256 of the client's address is kept."""

    __tablename__ = "hotline_lookup_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)


class ApiUser(HotlineBase):
    """Someone (or something) allowed to call the API: a role, maybe a department, and a token's hash.

    Only the SHA-256 of the token is kept, so a leaked table does not leak working tokens.
    """

    __tablename__ = "hotline_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(40))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
