"""Commands on cases: start, complete, claim, message, fire timers, cancel, migrate.

Each command is one ``UnitOfWork`` (``unit``): load the case, advance it with ``do_engine_steps``, then
write state, open tasks, next due time and audit events together, or nothing at all. A command that
raced another on the same case and lost gets ``Conflict``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine as Database
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import audit, clock, deployment, effects, firing, ids, incidents, migration, spiff_patches
from .bundle import Problem, read_bundle
from .case import CANCELLED, Case, Hooks, Step, case_data
from .deployment import LoadedVersion
from .errors import Conflict, NotFound, StepFailed
from .extensions import Extensions
from .forms import check_form
from .limits import STEP_SECONDS
from .live import LiveWorkflows
from .models import Instance, OpenTask
from .sandbox import Sandbox
from .scripting import SandboxScriptEngine, ServiceHandler
from .serializer import FORMAT, StateSerializer
from .store import reads_end_before_writes, session_factory, writer
from .unit import Check, TimersDue, UnitOfWork, behind, unit
from .validation import validate

ReadBack = Callable[[Session, int], Any]
"""Reads the case back inside the command's transaction, after it saved (the answer a caller shows)."""

def catching_up(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command on a case only after the timers that fell due before it have fired (then run it again)."""

    @functools.wraps(command)
    def run(self: Engine, *args: Any, **kwargs: Any) -> Any:
        try:
            return command(self, *args, **kwargs)
        except TimersDue as due:
            self.fire_case(due.instance_id)
        try:
            return command(self, *args, **kwargs)
        except NotFound as gone:  # the task was open when the command came: one of the timers closed it
            raise Conflict("the task is no longer open: a timer that fell due closed it") from gone

    return run


class Engine:
    """The workflow runtime over one database, one clock and the domain's whitelisted functions."""

    def __init__(self, db: Database, clock_: clock.Clock | None = None,
                 functions: Mapping[str, Callable[..., Any]] | None = None,
                 services: Mapping[str, ServiceHandler] | None = None, hooks: Hooks | None = None,
                 step_seconds: float = STEP_SECONDS):
        spiff_patches.install()
        self.db, self.session = db, session_factory(db)
        self.write_session = session_factory(writer(db))
        self.reads_end_before_writes = reads_end_before_writes(db)
        self.clock = clock_ or clock.SystemClock()
        self.sandbox = Sandbox({"now": self.now, **(functions or {})})
        self.script_engine = SandboxScriptEngine(self.sandbox, services)
        self.serializer = StateSerializer()
        self.versions = deployment.VersionCache(self.serializer)
        self.hooks = hooks or Hooks()
        self.due_listeners: list[Callable[[datetime | None], None]] = []
        self.step_seconds = step_seconds
        self.live = LiveWorkflows()

    def now(self) -> datetime:
        """The time: a command's own frozen moment inside one, the engine clock's otherwise (diagrams' ``now()``)."""
        return (clock.bound_clock() or self.clock).now()

    # -- deployments -----------------------------------------------------------------------------
    @property
    def extensions(self) -> Extensions:
        """What diagrams may name beyond plain BPMN here: registered services, timer properties, known lanes."""
        return Extensions(frozenset(self.script_engine.environment.services), self.hooks.timer_properties,
                          self.hooks.lanes)

    def validate(self, files: dict[str, bytes]) -> list[Problem]:
        with clock.bound(clock.Frozen(self.now())):  # timer dates are checked against the engine's time, as deploy does
            return validate(read_bundle(files), self.sandbox, self.extensions).problems

    def deploy(self, files: dict[str, bytes], actor: str = "system") -> deployment.Deployed:
        with unit(self, write=True) as work:  # validation runs before the first statement takes the lock
            return deployment.deploy(work.session, read_bundle(files), self.sandbox, self.serializer, actor, self.now(),
                                     self.extensions)

    def make_current(self, process_id: str, version: int, actor: str) -> bool:
        """Make ``version`` the one new cases of the process start on (a rollback); False when it already was."""
        with unit(self, write=True) as work:
            return deployment.make_current(work.session, process_id, version, actor, self.now())

    # -- commands --------------------------------------------------------------------------------
    def start(self, process_id: str, data: dict[str, Any], actor: str, then: ReadBack | None = None) -> Any:
        """Start a case on the current version of ``process_id``; returns the case id (or what ``then`` reads)."""
        with unit(self) as work:
            version_id = deployment.current_version_id(work.session, process_id)
            if version_id is None:
                raise NotFound(f"no process '{process_id}' is deployed")
            version = self.versions.get(work.session, version_id)
            task_ids = ids.current().resume(ids.new_seed(), 0)
            workflow = effects.start(version.spec, version.subprocess_specs, self.script_engine, data)
            instance = Instance(version_id=version.id, started_at=self.now(), state_format=FORMAT, audit_seq=0,
                                audit_hash=audit.GENESIS, id_seed=task_ids.seed, id_counter=0)
            step = Step().record("case_started", {"process_id": process_id, "version": version.version, "data": data,
                                                  "seed": task_ids.seed})
            work.advance(Case(instance, version, workflow), step, actor)
            return _answer(work, instance.id, then)

    @catching_up
    def complete_task(self, task_id: str, data: dict[str, Any], actor: str, then: ReadBack | None = None,
                      check: Check | None = None) -> Any:
        """Complete a ready user task with the submitted data (checked against its form)."""
        with unit(self, check=check) as work:
            case, task = self._task(work, task_id, actor)
            check_form(self.form(case.version, task.task_spec.bpmn_id), data)
            step = Step().record("task_completed", data, task)
            work.advance(case, step, actor, lambda: effects.complete(case.workflow, task_id, data))
            return _answer(work, case.instance.id, then)

    @catching_up
    def throw(self, task_id: str, kind: str, code: str, message: str | None, actor: str,
              then: ReadBack | None = None, check: Check | None = None) -> Any:
        """Raise a BPMN ``error`` or ``escalation`` from a ready user task (a department returning a case, asking
        for more time): a boundary event of the task must catch the code, and the case follows its path."""
        if kind not in effects.THROWABLE:
            raise ValueError(f"only {' and '.join(effects.THROWABLE)} can be raised from a task")
        with unit(self, check=check) as work:
            case, task = self._task(work, task_id, actor)
            step = Step().record(f"{kind}_thrown", effects.thrown(code, message), task)
            work.advance(case, step, actor, lambda: effects.throw(case.workflow, task_id, kind, code, message))
            return _answer(work, case.instance.id, then)

    def claim(self, task_id: str, actor: str, then: ReadBack | None = None, check: Check | None = None) -> Any:
        """Take a task; someone else holding it is a conflict."""
        return self._assign(task_id, actor, actor, "task_claimed", then=then, check=check)

    def unclaim(self, task_id: str, actor: str, force: bool = False, then: ReadBack | None = None,
                check: Check | None = None) -> Any:
        """Give a task back; only its holder may, unless ``force`` (a supervisor's reassignment)."""
        return self._assign(task_id, None, actor, "task_unclaimed", force, then, check)

    def send_message(self, instance_id: int, name: str, payload: dict[str, Any], actor: str,
                     then: ReadBack | None = None) -> Any:
        """Deliver a BPMN message to the case; a case not waiting for it is a conflict."""
        return self._deliver(instance_id, "message", name, payload, actor, then)

    def send_signal(self, instance_id: int, name: str, actor: str, then: ReadBack | None = None) -> Any:
        """Deliver a BPMN signal to the case; a case not waiting for it is a conflict."""
        return self._deliver(instance_id, "signal", name, {}, actor, then)

    @catching_up
    def cancel(self, instance_id: int, reason: str, actor: str, then: ReadBack | None = None) -> Any:
        with unit(self) as work:
            case = work.load(instance_id, running=True)
            effects.cancel(case.workflow)
            work.save(case, Step().record("case_cancelled", {"reason": reason}), actor, CANCELLED)
            return _answer(work, instance_id, then)

    def migration_obstacles(self, instance_id: int, version: int) -> list[str]:
        """Why the case cannot move to ``version`` of its process (empty when it can)."""
        with self.session() as session:
            case = self.load(session, instance_id)
            target = self._version(session, case.version.process_id, version)
            return migration.migration_obstacles(self.serializer.registry, case.workflow, target.spec,
                                                 target.subprocess_specs)

    @catching_up
    def migrate(self, instance_id: int, version: int, actor: str, then: ReadBack | None = None) -> Any:
        """Move a running case to another version of its process, or raise ``Conflict`` with the reasons."""
        with unit(self) as work:
            case = work.load(instance_id, running=True, or_incident=True)
            if case.version.version == version:  # e.g. moved meanwhile by a concurrent bulk migration
                raise Conflict(f"the case is already on version {version}")
            target = self._version(work.session, case.version.process_id, version)
            registry = self.serializer.registry
            reasons = migration.migration_obstacles(registry, case.workflow, target.spec, target.subprocess_specs)
            if reasons:
                raise Conflict("; ".join(reasons))
            case.touched = True
            migration.migrate(registry, case.workflow, target.spec, target.subprocess_specs)
            step = Step().record("case_migrated", {"from_version": case.version.version, "to_version": version})
            case.version = target
            work.advance(case, step, actor)
            return _answer(work, instance_id, then)

    # -- timers and incidents (``firing``, ``incidents``) ------------------------------------------
    def fire_due(self, limit: int = 500) -> list[int]:
        return firing.fire_due(self, limit)

    def fire_all_due(self) -> list[int]:
        return firing.fire_all_due(self)

    def fire_case(self, instance_id: int, now: datetime | None = None) -> bool:
        return firing.fire_case(self, instance_id, now)

    def earliest_due(self) -> datetime | None:
        return firing.earliest_due(self)

    def retry(self, instance_id: int, actor: str) -> None:
        incidents.retry(self, instance_id, actor)

    def incidents(self) -> list[Instance]:
        return incidents.incidents(self)

    def raise_incident(self, instance_id: int, failed: StepFailed) -> None:
        incidents.raise_incident(self, instance_id, failed)

    def announce(self, due: datetime | None) -> None:
        """Tell the schedulers in this process that a command armed a timer."""
        for listener in self.due_listeners:
            listener(due)

    # -- reading ---------------------------------------------------------------------------------
    def snapshot(self, instance_id: int) -> dict[str, Any]:
        """Status, data, open tasks and next due time of a case, as a person would check them."""
        with self.session() as session:
            case = self.load(session, instance_id)
            tasks = session.scalars(select(OpenTask).where(OpenTask.instance_id == instance_id)
                                    .order_by(OpenTask.created_at, OpenTask.name)).all()
            return {"status": case.instance.status, "version": case.version.version,
                    "data": case_data(case.workflow), "next_due_at": case.instance.next_due_at,
                    "open_tasks": [{"id": t.id, "name": t.name, "lane": t.lane, "assignee": t.assignee}
                                   for t in tasks]}

    def form(self, version: LoadedVersion, task_name: str) -> dict | None:
        """The JSON Schema a user task's data must satisfy (after the domain's adjustments)."""
        form = version.form_of(task_name)[1]
        return self.hooks.form(form) if form is not None and self.hooks.form else form

    def load(self, session: Session, instance_id: int) -> Case:
        """A case with its workflow loaded from its saved state (sandboxed script engine), for reading."""
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"no case {instance_id}")
        version = self.versions.get(session, instance.version_id)
        return Case(instance, version, self.loaded_workflow(instance, version))

    def loaded_workflow(self, instance: Instance, version: LoadedVersion):
        """The case's workflow from its saved state, in whatever format it was saved (older ones are migrated)."""
        workflow = self.serializer.load_state(instance.state, version.spec, version.subprocess_specs,
                                              instance.state_format)
        workflow.script_engine = self.script_engine
        return workflow

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _task(work: UnitOfWork, task_id: str, actor: str):
        """The case of a ready user task its actor may act on, and the task."""
        instance, holder = work.task_case(task_id)
        case = work.load(instance, running=True)
        if holder not in (None, actor):
            raise Conflict(f"the task is held by {holder}")
        return case, effects.ready_task(case.workflow, task_id)

    @catching_up
    def _assign(self, task_id: str, assignee: str | None, actor: str, type_: str, force: bool = False,
                then: ReadBack | None = None, check: Check | None = None) -> Any:
        with unit(self, write=True, check=check) as work:
            # The case row first: whoever read it before a rival's commit then fails on its lock.
            instance = work.task_case(task_id)[0]
            if behind(instance, self.now()):
                raise TimersDue(instance.id)
            row = work.session.get(OpenTask, task_id)
            if row is None:
                raise Conflict("the task is no longer open")
            holder = row.assignee
            if holder not in (None, actor) and not force:
                raise Conflict(f"the task is held by {holder}")
            if assignee is not None or holder is not None:
                row.assignee = assignee
                work.record(instance, actor, type_, {"previous": holder}, task_id, row.name)
            return _answer(work, instance.id, then)

    @catching_up
    def _deliver(self, instance_id: int, kind: str, name: str, payload: dict, actor: str,
                 then: ReadBack | None = None) -> Any:
        with unit(self) as work:
            case = work.load(instance_id, running=True)
            step = Step().record(f"{kind}_received", {"name": name, "payload": payload})
            work.advance(case, step, actor, lambda: effects.deliver(case.workflow, kind, name, payload))
            return _answer(work, instance_id, then)

    def _version(self, session: Session, process_id: str, version: int) -> LoadedVersion:
        return self.versions.get(session, deployment.version_id(session, process_id, version))


def _answer(work: UnitOfWork, instance_id: int, then: ReadBack | None) -> Any:
    """What a command returns: the case id, or what ``then`` reads of the case in the same transaction."""
    return then(work.session, instance_id) if then is not None else instance_id
