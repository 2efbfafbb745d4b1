"""The instance store: deployed versions, cases, open user tasks and the audit log.

A case's state is SpiffWorkflow JSON without the spec (the spec lives once on its version). The
open-task table lets task lists be answered without loading any case. ``lock_version`` is
SQLAlchemy's optimistic lock: a command that read an older state gets a conflict, never a lost
update. Audit rows are append-only (database triggers refuse UPDATE and DELETE); the case row keeps
the head of its chain (last seq and hash), so appending needs no extra query.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored as UTC on every database (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class ProcessVersion(Base):
    """One deployed version of a process: its exact files, built spec and user-task catalogue."""

    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_id", "version"), UniqueConstraint("process_id", "content_hash"))

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime]
    deployed_by: Mapped[str] = mapped_column(String(200))
    spec: Mapped[str] = mapped_column(Text, deferred=True)
    user_tasks: Mapped[dict[str, Any]]
    forms: Mapped[dict[str, Any]]
    files: Mapped[list[DeployedFile]] = relationship(back_populates="version", order_by="DeployedFile.name")


class DeployedFile(Base):
    """A file exactly as it was deployed, byte for byte."""

    __tablename__ = "deployed_files"
    __table_args__ = (UniqueConstraint("version_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    version: Mapped[ProcessVersion] = relationship(back_populates="files")


class Instance(Base):
    """A running (or ended) case of a process version."""

    __tablename__ = "instances"
    __table_args__ = (Index("ix_instances_due", "status", "next_due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(Text)
    state_format: Mapped[str] = mapped_column(String(40))
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False)
    next_due_at: Mapped[datetime | None]
    started_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)
    error_task: Mapped[str | None] = mapped_column(String(200))
    id_seed: Mapped[str] = mapped_column(String(32))
    id_counter: Mapped[int] = mapped_column(Integer)
    audit_seq: Mapped[int] = mapped_column(Integer, nullable=False)
    audit_hash: Mapped[str] = mapped_column(String(64))

    __mapper_args__ = {"version_id_col": lock_version}


class OpenTask(Base):
    """A user task that is ready to be worked on (kept in step with the case state)."""

    __tablename__ = "open_tasks"
    __table_args__ = (Index("ix_open_tasks_lane_order", "lane", "created_at", "id"),
                      Index("ix_open_tasks_group_order", "candidate_group", "created_at", "id"))

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    title: Mapped[str] = mapped_column(String(500))
    lane: Mapped[str | None] = mapped_column(String(200), index=True)
    form: Mapped[str | None] = mapped_column(String(200))
    candidate_group: Mapped[str | None] = mapped_column(String(200), index=True)
    assignee: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime]
    instance: Mapped[Instance] = relationship()


class AuditEvent(Base):
    """One appended event of a case's history, chained to the previous one by its hash."""

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("instance_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id"), index=True)
    seq: Mapped[int]
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(36))
    task_name: Mapped[str | None] = mapped_column(String(200))
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    data: Mapped[dict[str, Any]]
    state_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    warm: Mapped[bool] = mapped_column(default=False)
    """Its command continued the workflow left in memory by the previous one (see ``live``), as replay must."""
    instance: Mapped[Instance] = relationship()


class StoredClock(Base):
    """The simulated clock that every node shares (one row): training and demo nodes must agree on the time.

    A running clock reads ``base`` plus the wall time elapsed since ``set_at``, so nodes that read the row
    compute the same moment without writing it on every tick.
    """

    __tablename__ = "simulated_clock"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1: there is one clock
    base: Mapped[datetime]
    set_at: Mapped[datetime]
    running: Mapped[bool]


class ProcessCurrent(Base):
    """The version new cases of a process start on, when it was chosen and by whom (deploying new files makes
    the new version current; a designer may make an earlier one current again)."""

    __tablename__ = "process_current"

    process_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("process_versions.id"))
    set_at: Mapped[datetime]
    set_by: Mapped[str] = mapped_column(String(200))


class DeploymentEvent(Base):
    """One change of a process's current version (``deployed`` or ``made_current``): the deployments' audit log,
    append-only like the cases' (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "deployment_events"
    __table_args__ = (Index("ix_deployment_events_process", "process_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime]
