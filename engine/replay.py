"""Rebuilding a case from its audit log, and checking that the stored state is what the log produces.

Replay re-runs the recorded commands in order, each at its recorded moment (``Frozen`` clock), on the
recorded diagram version, with the case's task-id sequence, saving and loading the state between
commands exactly as live commands do. Each event carries the digest of the state its command left, so
the first event whose replay disagrees is named.

Replay continues or loads exactly as the live command did, and each event says which (``warm``). The two are
not the same: SpiffWorkflow rebuilds each task's data from its parent's plus the saved difference, so a loaded
workflow's keys come back in another order (on the demo cases 110 of 250 events then save other bytes), nested
values are shared differently, and waiting events are registered in saved order. A command that continued the
workflow its predecessor left in memory (``live``) is replayed on the workflow replay left, one that loaded the
saved state on the loaded state, so both reproduce the recorded states byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, clock, effects, ids, migration
from .case import CANCELLED, COMPLETED, INCIDENT, RUNNING
from .deployment import LoadedVersion
from .errors import EngineError, NotFound
from .models import AuditEvent, Instance
from .sandbox import SandboxError


@dataclass
class Replayed:
    """A case as replay left it: its workflow, version, engine status and who holds which task."""

    workflow: BpmnWorkflow | None = None
    version: LoadedVersion | None = None
    state: str = ""
    status: str = RUNNING
    assignees: dict[str, str] = field(default_factory=dict)
    last_event: AuditEvent | None = None


@dataclass(frozen=True)
class Verdict:
    chain_ok: bool
    replay_matches: bool
    events: int
    first_bad_event: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict:
        return {"chain_ok": self.chain_ok, "replay_matches": self.replay_matches, "events": self.events,
                "first_bad_event": self.first_bad_event, "reason": self.reason}


class ReplayFailed(EngineError):
    """An event could not be re-applied (the log and the diagram disagree)."""

    def __init__(self, event: AuditEvent, reason: str):
        super().__init__(f"event {event.seq} ({event.type}) could not be replayed: {reason}")
        self.event = event


class Replayer:
    """Replays and verifies cases of one engine."""

    def __init__(self, engine):
        self.engine = engine

    def events(self, instance_id: int) -> list[AuditEvent]:
        with self.engine.session() as session:
            return self._events(session, instance_id)

    @staticmethod
    def _events(session: Session, instance_id: int) -> list[AuditEvent]:
        if session.get(Instance, instance_id) is None:
            raise NotFound(f"no case {instance_id}")
        return list(session.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id)
                                    .order_by(AuditEvent.seq)))

    def _versions(self, events: list[AuditEvent]) -> dict[int, LoadedVersion]:
        """The diagram versions the case was started on or moved to, read once (versions never change)."""
        with self.engine.session() as session:
            return {version_id: self.engine.versions.get(session, version_id)
                    for version_id in {e.version_id for e in events if e.type in ("case_started", "case_migrated")}}

    def replay(self, instance_id: int, until: datetime | None = None) -> Replayed:
        """The case as it stood at ``until`` (after every event at or before it), or now."""
        return self.run(self.events(instance_id), until)

    def run(self, events: list[AuditEvent], until: datetime | None = None,
            check: Callable[[Replayed], None] | None = None) -> Replayed:
        """Apply the events one by one (calling ``check`` after each); the case after the last one applied."""
        replayed, task_ids, versions = Replayed(), ids.TaskIds(), self._versions(events)
        for event in events:
            if until is not None and event.at > until:
                break
            self._apply(replayed, event, task_ids, versions)
            if check:
                check(replayed)
        return replayed

    def verify(self, instance_id: int) -> Verdict:
        """Check the hash chain, then that replay reproduces each recorded state and the stored one."""
        with self.engine.session() as session:
            events = self._events(session, instance_id)
            stored = session.get(Instance, instance_id)
        broken = audit.verify_chain(events)
        if broken is not None:
            return Verdict(False, False, len(events), broken, f"event {broken} does not match its hash chain")
        try:
            replayed = self.run(events, check=_same_state)
        except ReplayFailed as failed:
            return Verdict(True, False, len(events), failed.event.seq, str(failed))
        status = RUNNING if stored.status == INCIDENT else stored.status  # an incident is a running case set aside
        if stored.state != replayed.state or status != replayed.status:
            last = events[-1].seq if events else None
            return Verdict(True, False, len(events), last,
                           f"the stored case differs from the state its history produces (after event {last})")
        return Verdict(True, True, len(events))

    # -- applying one event ----------------------------------------------------------------------
    def _apply(self, replayed: Replayed, event: AuditEvent, task_ids: ids.TaskIds,
               versions: dict[int, LoadedVersion]) -> None:
        replayed.last_event = event
        if event.type in effects.BOOKKEEPING:
            self._hold(replayed, event)
            return
        try:
            with clock.bound(clock.Frozen(event.at)), ids.bound(task_ids):
                self._run(replayed, event, task_ids, versions)
        except (SpiffWorkflowException, SandboxError, EngineError, KeyError, TypeError, ValueError) as err:
            raise ReplayFailed(event, str(err)) from err

    def _run(self, replayed: Replayed, event: AuditEvent, task_ids: ids.TaskIds,
             versions: dict[int, LoadedVersion]) -> None:
        engine, target = self.engine, versions[event.version_id] if event.type == "case_migrated" else None
        if event.type == "case_started":
            replayed.version = versions[event.version_id]
            task_ids.resume(event.data["seed"], 0)
            workflow = effects.start(replayed.version.spec, replayed.version.subprocess_specs, engine.script_engine,
                                     event.data["data"])
        elif event.warm and replayed.workflow is not None:  # the live command continued it in memory
            workflow = replayed.workflow
        else:  # the live command loaded the saved state
            workflow = engine.serializer.load_state(replayed.state, replayed.version.spec,
                                                    replayed.version.subprocess_specs)
            workflow.script_engine = engine.script_engine
        self._effect(workflow, event, replayed, target, engine.serializer.registry)
        if event.type not in effects.NO_STEPS:
            effects.run_engine_steps(workflow)
        replayed.workflow, replayed.state = workflow, engine.serializer.dump_state(workflow)
        if replayed.status == RUNNING and workflow.completed:
            replayed.status = COMPLETED

    @staticmethod
    def _effect(workflow: BpmnWorkflow, event: AuditEvent, replayed: Replayed, target: LoadedVersion | None,
                registry) -> None:
        kind = event.type
        if kind == "task_completed":
            effects.complete(workflow, event.task_id, event.data)
            replayed.assignees.pop(event.task_id, None)
        elif kind in ("message_received", "signal_received"):
            effects.deliver(workflow, kind.removesuffix("_received"), event.data["name"], event.data["payload"])
        elif kind == "timer_fired":
            effects.fire_timers(workflow)
        elif kind == "case_cancelled":
            effects.cancel(workflow)
            replayed.status = CANCELLED
        elif kind == "case_migrated":
            migration.migrate(registry, workflow, target.spec, target.subprocess_specs)
            replayed.version = target
        elif kind.endswith("_thrown") and kind.removesuffix("_thrown") in effects.THROWABLE:
            effects.throw(workflow, event.task_id, kind.removesuffix("_thrown"), event.data["code"],
                          event.data.get("message"))
        elif kind != "case_started":
            raise ValueError(f"unknown event type {kind}")

    @staticmethod
    def _hold(replayed: Replayed, event: AuditEvent) -> None:
        if event.type == "task_claimed":
            replayed.assignees[event.task_id] = event.actor
        elif event.type == "task_unclaimed":
            replayed.assignees.pop(event.task_id, None)


def _same_state(replayed: Replayed) -> None:
    """Replay must leave exactly the state the live command recorded, on the diagram version it names."""
    event = replayed.last_event
    if audit.state_digest(replayed.state) != event.state_hash:
        raise ReplayFailed(event, "replaying it gives another state than the one recorded")
    if replayed.version.id != event.version_id:
        raise ReplayFailed(event, f"it names diagram version id {event.version_id}, but the case was on "
                                  f"{replayed.version.id}")
