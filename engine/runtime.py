"""Commands on cases: start, complete, claim, message, fire timers, cancel, migrate.

Each command is one unit of work: load the case, advance it with ``do_engine_steps``, then write
state, open tasks, next due time and audit events together, or nothing at all. A command that
raced another on the same case and lost gets ``Conflict``.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import SignalEventDefinition
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Engine as Database
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from . import audit, clock, deployment, migration
from .bundle import Problem, read_bundle
from .errors import Conflict, NotFound, StepFailed
from .forms import check_form
from .models import AuditEvent, Instance, OpenTask, ProcessVersion
from .sandbox import Sandbox, SandboxError
from .scripting import SandboxScriptEngine, ServiceHandler
from .serializer import FORMAT, StateSerializer
from .store import session_factory
from .timers import next_due, waiting_timers
from .validation import validate

RUNNING, COMPLETED, CANCELLED = "running", "completed", "cancelled"
SYSTEM_TIMER = "system:timer"
# SpiffWorkflow fires a timer only strictly after its moment; the engine treats the moment itself as due.
_TIMER_EPSILON = timedelta(microseconds=1)

Hook = Callable[[Session, Instance, BpmnWorkflow], None]


@dataclass
class Step:
    """What a command did to a case, to be recorded as audit events."""

    events: list[dict[str, Any]] = field(default_factory=list)

    def record(self, type_: str, data: dict | None = None, task=None) -> None:
        self.events.append({"type_": type_, "data": data or {}, "task_id": str(task.id) if task else None,
                            "task_name": (task.task_spec.bpmn_id or task.task_spec.name) if task else None})


class _Shifted:
    def __init__(self, base: clock.Clock, delta: timedelta):
        self.base, self.delta = base, delta

    def now(self) -> datetime:
        return self.base.now() + self.delta


class Engine:
    """The workflow runtime over one database, one clock and the domain's whitelisted functions."""

    def __init__(self, db: Database, clock_: clock.Clock | None = None,
                 functions: Mapping[str, Callable[..., Any]] | None = None,
                 services: Mapping[str, ServiceHandler] | None = None, on_saved: Hook | None = None):
        clock.install_spiff_clock()
        self.db, self.session = db, session_factory(db)
        self.clock = clock_ or clock.SystemClock()
        self.sandbox = Sandbox({"now": self.now, **(functions or {})})
        self.script_engine = SandboxScriptEngine(self.sandbox, services)
        self.serializer = StateSerializer()
        self.specs = deployment.SpecCache(self.serializer)
        self.on_saved = on_saved

    def now(self) -> datetime:
        """The engine clock's time (also offered to diagrams as ``now()``)."""
        return self.clock.now()

    # -- deployments -----------------------------------------------------------------------------
    def validate(self, files: dict[str, bytes]) -> list[Problem]:
        return validate(read_bundle(files), self.sandbox).problems

    def deploy(self, files: dict[str, bytes], actor: str = "system") -> deployment.Deployed:
        with self.session.begin() as session:
            return deployment.deploy(session, read_bundle(files), self.sandbox, self.serializer, actor, self.now())

    # -- commands --------------------------------------------------------------------------------
    def start(self, process_id: str, data: dict[str, Any], actor: str) -> int:
        """Start a case on the latest version of ``process_id``; returns the case id."""
        with self._unit() as session:
            version = deployment.latest_version(session, process_id)
            if version is None:
                raise NotFound(f"no process '{process_id}' is deployed")
            spec, subprocess_specs = self.specs.get(session, version.id)
            workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self.script_engine)
            for task in workflow.get_tasks(state=TaskState.READY):
                task.data.update(data)
            now = self.now()
            instance = Instance(version_id=version.id, status=RUNNING, state="", state_format=FORMAT, started_at=now,
                                updated_at=now)
            session.add(instance)
            session.flush()
            step = Step()
            step.record("case_started", {"process_id": process_id, "version": version.version, "data": data})
            self._advance(session, instance, workflow, step, actor)
            return instance.id

    def complete_task(self, task_id: str, data: dict[str, Any], actor: str) -> int:
        """Complete a ready user task with the submitted data (checked against its form)."""
        instance_id = self._instance_of_task(task_id)
        with self._case(instance_id) as (session, instance, workflow):
            task = self._ready_task(workflow, task_id)
            check_form(self._form(instance, task), data)
            task.data.update(data)
            step = Step()
            step.record("task_completed", data, task)
            self._run(task.run)
            self._advance(session, instance, workflow, step, actor)
        return instance_id

    def claim(self, task_id: str, actor: str) -> None:
        """Take a task; someone else holding it is a conflict."""
        self._assign(task_id, actor, actor, "task_claimed")

    def unclaim(self, task_id: str, actor: str, force: bool = False) -> None:
        """Give a task back; only its holder may, unless ``force`` (a supervisor's reassignment)."""
        self._assign(task_id, None, actor, "task_unclaimed", force)

    def send_message(self, instance_id: int, name: str, payload: dict[str, Any], actor: str) -> None:
        """Deliver a BPMN message to the case; a case not waiting for it is a conflict."""
        self._deliver(instance_id, BpmnEvent(MessageEventDefinition(name), payload), payload, actor)

    def send_signal(self, instance_id: int, name: str, actor: str) -> None:
        self._deliver(instance_id, BpmnEvent(SignalEventDefinition(name)), {}, actor)

    def cancel(self, instance_id: int, reason: str, actor: str) -> None:
        with self._case(instance_id) as (session, instance, workflow):
            workflow.cancel()
            step = Step()
            step.record("case_cancelled", {"reason": reason})
            self._save(session, instance, workflow, step, actor, status=CANCELLED)

    def fire_due(self, limit: int = 500) -> list[int]:
        """Fire every timer due now, earliest first, each case in its own transaction."""
        now = self.now()
        with self.session() as session:
            due = session.scalars(select(Instance.id).where(Instance.status == RUNNING, Instance.next_due_at <= now)
                                  .order_by(Instance.next_due_at).limit(limit)).all()
        return [case for case in due if self._fire(case, now)]

    def migration_obstacles(self, instance_id: int, version: int) -> list[str]:
        """Why the case cannot move to ``version`` of its process (empty when it can)."""
        with self.session() as session:
            instance, workflow = self._load(session, instance_id)
            target = self._version(session, instance.version.process_id, version)
            return migration.migration_obstacles(self.serializer.registry, workflow,
                                                 *self.specs.get(session, target.id))

    def migrate(self, instance_id: int, version: int, actor: str) -> None:
        """Move a running case to another version of its process, or raise ``Conflict`` with the reasons."""
        with self._case(instance_id) as (session, instance, workflow):
            target = self._version(session, instance.version.process_id, version)
            specs = self.specs.get(session, target.id)
            reasons = migration.migration_obstacles(self.serializer.registry, workflow, *specs)
            if reasons:
                raise Conflict("; ".join(reasons))
            old = instance.version.version
            migration.migrate(self.serializer.registry, workflow, *specs)
            instance.version_id, instance.version = target.id, target
            step = Step()
            step.record("case_migrated", {"from_version": old, "to_version": version})
            self._advance(session, instance, workflow, step, actor)

    # -- reading ---------------------------------------------------------------------------------
    def workflow(self, session: Session, instance: Instance) -> BpmnWorkflow:
        """Rebuild a case's workflow from its stored state (with the sandboxed script engine)."""
        spec, subprocess_specs = self.specs.get(session, instance.version_id)
        workflow = self.serializer.load_state(instance.state, spec, subprocess_specs)
        workflow.script_engine = self.script_engine
        return workflow

    def snapshot(self, instance_id: int) -> dict[str, Any]:
        """Status, data, open tasks and next due time of a case, as a person would check them."""
        with self.session() as session:
            instance, workflow = self._load(session, instance_id)
            tasks = session.scalars(select(OpenTask).where(OpenTask.instance_id == instance_id)
                                    .order_by(OpenTask.created_at, OpenTask.name)).all()
            return {"status": instance.status, "version": instance.version.version, "data": case_data(workflow),
                    "open_tasks": [{"id": t.id, "name": t.name, "lane": t.lane, "assignee": t.assignee}
                                   for t in tasks],
                    "next_due_at": instance.next_due_at}

    # -- the unit of work ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _unit(self) -> Iterator[Session]:
        """One transaction bound to the engine clock; a lost race becomes ``Conflict``."""
        try:
            with self.session.begin() as session, clock.bound(self.clock):
                yield session
        except (StaleDataError, IntegrityError) as err:
            raise Conflict("the case was changed by another command; reload and try again") from err

    @contextlib.contextmanager
    def _case(self, instance_id: int) -> Iterator[tuple[Session, Instance, BpmnWorkflow]]:
        with self._unit() as session:
            instance, workflow = self._load(session, instance_id)
            if instance.status != RUNNING:
                raise Conflict(f"the case is {instance.status}")
            yield session, instance, workflow

    def _load(self, session: Session, instance_id: int) -> tuple[Instance, BpmnWorkflow]:
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"no case {instance_id}")
        return instance, self.workflow(session, instance)

    def _advance(self, session: Session, instance: Instance, workflow: BpmnWorkflow, step: Step, actor: str) -> None:
        self._run(workflow.do_engine_steps)
        self._save(session, instance, workflow, step, actor, COMPLETED if workflow.completed else RUNNING)

    @staticmethod
    def _run(action: Callable[[], Any]) -> None:
        """Run diagram code; its failures become ``StepFailed`` naming the task (nothing is saved)."""
        try:
            action()
        except (SpiffWorkflowException, SandboxError) as err:
            task = getattr(err, "task", None)
            name = task.task_spec.bpmn_id if task is not None else None
            raise StepFailed(str(err), name) from err

    def _save(self, session: Session, instance: Instance, workflow: BpmnWorkflow, step: Step, actor: str,
              status: str) -> None:
        now = self.now()
        instance.state, instance.status = self.serializer.dump_state(workflow), status
        _take_lock(instance, now)
        instance.next_due_at = next_due(workflow) if status == RUNNING else None
        instance.ended_at = now if status != RUNNING else None
        self._sync_open_tasks(session, instance, workflow, now)
        for event in step.events:
            audit.append(session, instance, now, actor, **event)
        if self.on_saved:
            self.on_saved(session, instance, workflow)
        session.flush()

    def _sync_open_tasks(self, session: Session, instance: Instance, workflow: BpmnWorkflow, now: datetime) -> None:
        ready = {} if instance.status != RUNNING else {
            str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}
        rows = session.scalars(select(OpenTask).where(OpenTask.instance_id == instance.id)).all()
        for row in rows:
            if row.id not in ready:
                session.delete(row)
        known = {row.id for row in rows}
        catalogue = instance.version.user_tasks
        for task_id, task in ready.items():
            if task_id not in known:
                info = catalogue.get(task.task_spec.bpmn_id, {})
                session.add(OpenTask(id=task_id, instance_id=instance.id, name=task.task_spec.bpmn_id,
                                     title=info.get("title") or task.task_spec.bpmn_name or task.task_spec.bpmn_id,
                                     lane=info.get("lane") or task.task_spec.lane, form=info.get("form"),
                                     created_at=now))

    # -- helpers ---------------------------------------------------------------------------------
    def _instance_of_task(self, task_id: str) -> int:
        with self.session() as session:
            instance_id = session.scalar(select(OpenTask.instance_id).where(OpenTask.id == task_id))
            if instance_id is not None:
                return instance_id
            if session.scalar(select(AuditEvent.id).where(AuditEvent.task_id == task_id).limit(1)):
                raise Conflict("the task is already completed")
        raise NotFound(f"no open task {task_id}")

    @staticmethod
    def _ready_task(workflow: BpmnWorkflow, task_id: str):
        try:
            task = workflow.get_task_from_id(uuid.UUID(task_id))
        except (ValueError, KeyError, WorkflowException):
            task = None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict("the task is no longer open")
        return task

    @staticmethod
    def _form(instance: Instance, task) -> dict | None:
        form = instance.version.user_tasks.get(task.task_spec.bpmn_id, {}).get("form")
        return instance.version.forms.get(form) if form else None

    def _assign(self, task_id: str, assignee: str | None, actor: str, type_: str, force: bool = False) -> None:
        instance_id = self._instance_of_task(task_id)
        with self._unit() as session:
            instance = session.get(Instance, instance_id)
            row = session.get(OpenTask, task_id)
            if row is None:
                raise Conflict("the task is no longer open")
            holder = row.assignee
            if holder not in (None, actor) and not force:
                raise Conflict(f"the task is held by {holder}")
            if assignee is None and holder is None:
                return
            row.assignee = assignee
            _take_lock(instance, self.now())
            audit.append(session, instance, self.now(), actor, type_, {"previous": holder}, task_id, row.name)

    def _deliver(self, instance_id: int, event: BpmnEvent, payload: dict, actor: str) -> None:
        with self._case(instance_id) as (session, instance, workflow):
            try:
                workflow.send_event(event)
            except WorkflowException as err:
                raise Conflict(f"the case is not waiting for '{event.event_definition.name}'") from err
            step = Step()
            step.record(f"{type(event.event_definition).__name__.removesuffix('EventDefinition').lower()}_received",
                        {"name": event.event_definition.name, "payload": payload})
            self._advance(session, instance, workflow, step, actor)

    def _fire(self, instance_id: int, now: datetime) -> bool:
        """Fire one case's due timers; False when another worker had it or it is no longer due."""
        try:
            with self._unit() as session, clock.bound(_Shifted(self.clock, _TIMER_EPSILON)):
                instance = session.scalars(select(Instance).where(
                    Instance.id == instance_id, Instance.status == RUNNING, Instance.next_due_at <= now)
                    .with_for_update(skip_locked=True)).first()
                if instance is None:
                    return False
                workflow = self.workflow(session, instance)
                step = Step()
                for timer in waiting_timers(workflow):
                    if timer.due <= now:
                        step.record("timer_fired", {"timer": timer.task_name, "due": timer.due.isoformat(),
                                                    "fired": now.isoformat()})
                workflow.refresh_timers()
                self._advance(session, instance, workflow, step, SYSTEM_TIMER)
                return True
        except Conflict:
            return False

    @staticmethod
    def _version(session: Session, process_id: str, version: int) -> ProcessVersion:
        found = session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == process_id,
                                                             ProcessVersion.version == version)).first()
        if found is None:
            raise NotFound(f"process '{process_id}' has no version {version}")
        return found


def _take_lock(instance: Instance, now: datetime) -> None:
    """Always write the case row, so its optimistic lock is checked and bumped even if nothing else changed."""
    instance.updated_at = now
    flag_modified(instance, "updated_at")


def case_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's current data: what its live tasks carry (or, once ended, what it ended with)."""
    live = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED)
    carriers = live or ([workflow.last_task] if workflow.last_task is not None else [])
    merged = dict(workflow.data)
    for task in carriers:
        merged.update(task.data)
    return merged
