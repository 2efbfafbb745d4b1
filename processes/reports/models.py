"""The tables reports need besides the case rows: who returned which case, and which reports were written.

``hotline_returns`` is filled by the case projection (one row each time a department returns a case), so
returns can be counted per department with one GROUP BY instead of reading every case's history;
``hotline_extensions`` likewise holds one row per decided deadline extension request.
``hotline_report_runs`` records each scheduled report once: its unique (kind, period) claims the run, so
two nodes never write the same report twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..models import HotlineBase


class CaseReturn(HotlineBase):
    """A department sent a case back to dispatch as wrongly assigned."""

    __tablename__ = "hotline_returns"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer, index=True)  # references instances.id (see the migration)
    department: Mapped[str] = mapped_column(String(40), index=True)
    returned_at: Mapped[datetime]
    kind: Mapped[str | None] = mapped_column(String(40))
    """why: ``not_our_responsibility``, ``wrong_department`` or ``insufficient_information`` (None before issue 14)"""
    suggested_department: Mapped[str | None] = mapped_column(String(40))
    upheld: Mapped[bool | None] = mapped_column(Boolean)
    """the dispatcher's decision on the return: upheld (the dispatch was wrong), rejected, or None (not decided:
    the third return goes to the supervision centre instead)"""


class CaseExtension(HotlineBase):
    """The supervision centre decided on a department's request to extend a case's deadline."""

    __tablename__ = "hotline_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(Integer, index=True)  # references instances.id (see the migration)
    department: Mapped[str] = mapped_column(String(40), index=True)
    requested_days: Mapped[int] = mapped_column(Integer)
    granted_days: Mapped[int] = mapped_column(Integer)
    decided_at: Mapped[datetime]


class ReportRun(HotlineBase):
    """A scheduled report that was written: its kind (daily, weekly), period, file and time."""

    __tablename__ = "hotline_report_runs"
    __table_args__ = (UniqueConstraint("kind", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    period_start: Mapped[datetime]
    period_end: Mapped[datetime]
    path: Mapped[str] = mapped_column(String(1000))
    at: Mapped[datetime]
