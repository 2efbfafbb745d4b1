"""Commands on cases: start, complete, claim, message, fire timers, cancel, migrate.

Each command is one unit of work: load the case, advance it with ``do_engine_steps``, then write
state, open tasks, next due time and audit events together, or nothing at all. A command that
raced another on the same case and lost gets ``Conflict``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine as Database
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import audit, budget, clock, deployment, effects, ids, migration, spiff_patches
from .bundle import Problem, read_bundle
from .case import (
    CANCELLED,
    COMPLETED,
    INCIDENT,
    RUNNING,
    Case,
    Hooks,
    Step,
    case_data,
    check_holder,
    ready_user_tasks,
    take_lock,
)
from .deployment import LoadedVersion
from .errors import Conflict, EngineError, NotFound, StepFailed
from .extensions import Extensions
from .firing import TimerCommands
from .forms import check_form
from .incidents import IncidentCommands
from .limits import STEP_SECONDS
from .models import AuditEvent, Instance, OpenTask
from .sandbox import Sandbox
from .scripting import SandboxScriptEngine, ServiceHandler
from .serializer import FORMAT, StateSerializer
from .store import WRITE, session_factory, writer
from .timers import next_due
from .validation import validate

log = logging.getLogger("hotline.engine")
ReadBack = Callable[[Session, int], Any]
"""Reads the case back inside the command's transaction, after it saved (the answer a caller shows)."""
Check = Callable[[Session], None]
"""The caller's own precondition (who may act), run first inside the command's read transaction."""


class TimersDue(EngineError):
    """A command found the case behind its own timers: they fire first, as they would have on time."""

    def __init__(self, instance_id: int):
        super().__init__(f"case {instance_id} has timers due")
        self.instance_id = instance_id


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


class Engine(TimerCommands, IncidentCommands):
    """The workflow runtime over one database, one clock and the domain's whitelisted functions."""

    def __init__(self, db: Database, clock_: clock.Clock | None = None,
                 functions: Mapping[str, Callable[..., Any]] | None = None,
                 services: Mapping[str, ServiceHandler] | None = None, hooks: Hooks | None = None,
                 step_seconds: float = STEP_SECONDS):
        spiff_patches.install()
        self.db, self.session = db, session_factory(db)
        self._write_session = session_factory(writer(db))
        self.clock = clock_ or clock.SystemClock()
        self.sandbox = Sandbox({"now": self.now, **(functions or {})})
        self.script_engine = SandboxScriptEngine(self.sandbox, services)
        self.serializer = StateSerializer()
        self.versions = deployment.VersionCache(self.serializer)
        self.hooks = hooks or Hooks()
        self.due_listeners: list[Callable[[datetime | None], None]] = []
        self.step_seconds = step_seconds

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
        with self._unit(write=True) as session:  # validation runs before the first statement takes the lock
            return deployment.deploy(session, read_bundle(files), self.sandbox, self.serializer, actor, self.now(),
                                     self.extensions)

    def make_current(self, process_id: str, version: int, actor: str) -> bool:
        """Make ``version`` the one new cases of the process start on (a rollback); False when it already was."""
        with self._unit(write=True) as session:
            return deployment.make_current(session, process_id, version, actor, self.now())

    # -- commands --------------------------------------------------------------------------------
    def start(self, process_id: str, data: dict[str, Any], actor: str, then: ReadBack | None = None) -> Any:
        """Start a case on the current version of ``process_id``; returns the case id (or what ``then`` reads)."""
        with self._unit() as session:
            version_id = deployment.current_version_id(session, process_id)
            if version_id is None:
                raise NotFound(f"no process '{process_id}' is deployed")
            version = self.versions.get(session, version_id)
            task_ids = ids.current().resume(ids.new_seed(), 0)
            workflow = effects.start(version.spec, version.subprocess_specs, self.script_engine, data)
            instance = Instance(version_id=version.id, started_at=self.now(), state_format=FORMAT, audit_seq=0,
                                audit_hash=audit.GENESIS, id_seed=task_ids.seed, id_counter=0)
            step = Step().record("case_started", {"process_id": process_id, "version": version.version, "data": data,
                                                  "seed": task_ids.seed})
            self._advance(Case(session, instance, version, workflow), step, actor)
            return _answer(session, instance.id, then)

    @catching_up
    def complete_task(self, task_id: str, data: dict[str, Any], actor: str, then: ReadBack | None = None,
                      check: Check | None = None) -> Any:
        """Complete a ready user task with the submitted data (checked against its form)."""
        with self._unit(check=check) as session:
            case = self._load(session, self._instance_of_task(session, task_id), running=True)
            check_holder(session, task_id, actor)
            task = effects.ready_task(case.workflow, task_id)
            check_form(self.form(case.version, task.task_spec.bpmn_id), data)
            step = Step().record("task_completed", data, task)
            self._advance(case, step, actor, lambda: effects.complete(case.workflow, task_id, data))
            return _answer(session, case.instance.id, then)

    @catching_up
    def throw(self, task_id: str, kind: str, code: str, message: str | None, actor: str,
              then: ReadBack | None = None, check: Check | None = None) -> Any:
        """Raise a BPMN ``error`` or ``escalation`` from a ready user task (a department returning a case, asking
        for more time): a boundary event of the task must catch the code, and the case follows its path."""
        if kind not in effects.THROWABLE:
            raise ValueError(f"only {' and '.join(effects.THROWABLE)} can be raised from a task")
        with self._unit(check=check) as session:
            case = self._load(session, self._instance_of_task(session, task_id), running=True)
            check_holder(session, task_id, actor)
            task = effects.ready_task(case.workflow, task_id)
            step = Step().record(f"{kind}_thrown", effects.thrown(code, message), task)
            self._advance(case, step, actor, lambda: effects.throw(case.workflow, task_id, kind, code, message))
            return _answer(session, case.instance.id, then)

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
        with self._unit() as session:
            case = self._load(session, instance_id, running=True)
            effects.cancel(case.workflow)
            self._save(case, Step().record("case_cancelled", {"reason": reason}), actor, CANCELLED)
            return _answer(session, instance_id, then)

    def migration_obstacles(self, instance_id: int, version: int) -> list[str]:
        """Why the case cannot move to ``version`` of its process (empty when it can)."""
        with self.session() as session:
            case = self._load(session, instance_id)
            target = self._version(session, case.version.process_id, version)
            return migration.migration_obstacles(self.serializer.registry, case.workflow, target.spec,
                                                 target.subprocess_specs)

    @catching_up
    def migrate(self, instance_id: int, version: int, actor: str, then: ReadBack | None = None) -> Any:
        """Move a running case to another version of its process, or raise ``Conflict`` with the reasons."""
        with self._unit() as session:
            case = self._load(session, instance_id, running=True, or_incident=True)
            if case.version.version == version:  # e.g. moved meanwhile by a concurrent bulk migration
                raise Conflict(f"the case is already on version {version}")
            target = self._version(session, case.version.process_id, version)
            registry = self.serializer.registry
            reasons = migration.migration_obstacles(registry, case.workflow, target.spec, target.subprocess_specs)
            if reasons:
                raise Conflict("; ".join(reasons))
            migration.migrate(registry, case.workflow, target.spec, target.subprocess_specs)
            step = Step().record("case_migrated", {"from_version": case.version.version, "to_version": version})
            case.version = target
            self._advance(case, step, actor)
            return _answer(session, instance_id, then)

    # -- reading ---------------------------------------------------------------------------------
    def snapshot(self, instance_id: int) -> dict[str, Any]:
        """Status, data, open tasks and next due time of a case, as a person would check them."""
        with self.session() as session:
            case = self._load(session, instance_id)
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
        """A case with its rebuilt workflow (sandboxed script engine), for reading."""
        return self._load(session, instance_id)

    # -- the unit of work ------------------------------------------------------------------------
    @contextlib.contextmanager
    def _unit(self, moment: datetime | None = None, write: bool = False,
              check: Check | None = None) -> Iterator[Session]:
        """One command at one frozen moment, with the case's task-id sequence; a lost race is ``Conflict``.

        Freezing the time and the ids makes every command a pure function of the state and the recorded
        event, which is what lets ``replay`` rebuild a case exactly. The command reads, runs the diagram with
        no transaction open, and only then writes (``_save``): on SQLite the write lock is taken as the
        write begins, so a slow diagram never holds up other cases; the case row's ``lock_version`` turns a
        rival's commit in between into ``Conflict``. A ``write`` unit (bookkeeping that runs no diagram) writes
        from its first statement.
        """
        frozen = clock.Frozen(moment or self.now())
        session = self._write_session()
        try:
            with session, clock.bound(frozen), ids.bound(ids.TaskIds()):
                if not write:
                    session.connection(execution_options={WRITE: False})  # reads first, without the write lock
                if check is not None:
                    check(session)
                yield session
                session.commit()
            self._announce(session.info.get("due"))
        except (StaleDataError, IntegrityError) as err:
            raise Conflict("the case was changed by another command; reload and try again") from err
        except StepFailed as failed:  # nothing was saved; the case is set aside for an administrator
            if "case" in session.info:
                self._raise_incident(session.info["case"], failed)
            raise

    def _load(self, session: Session, instance_id: int, running: bool = False, or_incident: bool = False) -> Case:
        """Read a case in a read transaction (no write lock); a command on a case behind its timers is refused
        with ``TimersDue`` so they fire first."""
        if not session.in_transaction():
            session.connection(execution_options={WRITE: False})
        instance = session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"no case {instance_id}")
        session.info["case"] = instance_id
        if running and instance.status not in ((RUNNING, INCIDENT) if or_incident else (RUNNING,)):
            raise Conflict(f"the case is {instance.status}")
        if running and not session.info.get("firing") and _behind(instance, self.now()):
            raise TimersDue(instance_id)
        version = self.versions.get(session, instance.version_id)
        ids.current().resume(instance.id_seed, instance.id_counter)
        workflow = self.serializer.load_state(instance.state, version.spec, version.subprocess_specs)
        workflow.script_engine = self.script_engine
        return Case(session, instance, version, workflow, set(ready_user_tasks(workflow)))

    def _advance(self, case: Case, step: Step, actor: str, effect: Callable[[], Any] | None = None) -> None:
        """Apply the command's effect and run the engine steps it leads to (within the step's time budget), then
        save; nothing of a step that fails or overruns its budget is saved."""
        if case.session.in_transaction():
            case.session.commit()  # end the reads: no transaction is open while the diagram runs
        self._run(lambda: self._steps(case.workflow, effect))
        waiting = INCIDENT if case.instance.status == INCIDENT else RUNNING  # a migration keeps it set aside
        self._save(case, step, actor, COMPLETED if case.workflow.completed else waiting)

    def _steps(self, workflow, effect: Callable[[], Any] | None) -> None:
        """The command's effect and the engine steps it leads to, within the step's time budget."""
        with budget.bound(self.step_seconds):
            if effect is not None:
                effect()
            effects.run_engine_steps(workflow)

    @staticmethod
    def _run(action: Callable[[], Any]) -> None:
        """Run diagram code; whatever it raises becomes ``StepFailed`` naming the task (nothing is saved)."""
        try:
            action()
        except EngineError:
            raise
        except Exception as err:  # a diagram's failure, of any kind, is its case's incident, never the service's
            task = getattr(err, "task", None)
            name = task.task_spec.bpmn_id if task is not None else None
            log.info("step failed in task %s: %s", name, type(err).__name__)
            raise StepFailed(_reason(err), name) from err

    def _save(self, case: Case, step: Step, actor: str, status: str) -> None:
        """Write the case, its open tasks and audit events, and the domain's projection, in the write transaction."""
        now, instance, session = self.now(), case.instance, case.session
        if session.in_transaction():
            session.commit()  # end the reads before the write transaction
        session.add(instance)
        with session.no_autoflush:
            instance.version_id = case.version.id
            instance.state, instance.status = self.serializer.dump_state(case.workflow), status
            instance.id_counter = ids.current().counter
            instance.next_due_at = next_due(case.workflow) if status in (RUNNING, INCIDENT) else None
            session.info["due"] = instance.next_due_at
            instance.ended_at = now if status in (COMPLETED, CANCELLED) else None
            take_lock(instance, now)
            self._sync_open_tasks(case, now)
            events = [audit.append(session, instance, now, actor, **event) for event in step.events]
        session.flush()
        if self.hooks.on_saved:
            self.hooks.on_saved(session, instance, case.workflow, events)

    def _sync_open_tasks(self, case: Case, now: datetime) -> None:
        """Bring the open-task table in step by the difference from the tasks open when the case was loaded."""
        ready = ready_user_tasks(case.workflow) if case.instance.status in (RUNNING, INCIDENT) else {}
        gone = case.open_before - ready.keys()
        if gone:
            case.session.execute(delete(OpenTask).where(OpenTask.id.in_(gone)))
        for task_id in ready.keys() - case.open_before:
            case.session.add(self._open_task(case, task_id, ready[task_id], now))

    def _open_task(self, case: Case, task_id: str, task, now: datetime) -> OpenTask:
        spec = task.task_spec
        info = case.version.user_tasks.get(spec.bpmn_id, {})
        group = self.hooks.task_group(task) if self.hooks.task_group else None
        return OpenTask(id=task_id, instance=case.instance, name=spec.bpmn_id, created_at=now,
                        title=info.get("title") or spec.bpmn_name or spec.bpmn_id,
                        lane=info.get("lane") or spec.lane, form=info.get("form"), candidate_group=group)

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _instance_of_task(session: Session, task_id: str) -> int:
        instance_id = session.scalar(select(OpenTask.instance_id).where(OpenTask.id == task_id))
        if instance_id is not None:
            return instance_id
        if session.scalar(select(AuditEvent.id).where(AuditEvent.task_id == task_id).limit(1)):
            raise Conflict("the task is no longer open")
        raise NotFound(f"no open task {task_id}")

    @catching_up
    def _assign(self, task_id: str, assignee: str | None, actor: str, type_: str, force: bool = False,
                then: ReadBack | None = None, check: Check | None = None) -> Any:
        with self._unit(write=True, check=check) as session:
            # The case row first: whoever read it before a rival's commit then fails on its lock.
            instance = session.get(Instance, self._instance_of_task(session, task_id))
            if _behind(instance, self.now()):
                raise TimersDue(instance.id)
            row = session.get(OpenTask, task_id)
            if row is None:
                raise Conflict("the task is no longer open")
            holder = row.assignee
            if holder not in (None, actor) and not force:
                raise Conflict(f"the task is held by {holder}")
            if assignee is not None or holder is not None:
                row.assignee = assignee
                take_lock(instance, self.now())
                audit.append(session, instance, self.now(), actor, type_, {"previous": holder}, task_id, row.name)
                session.flush()
            return _answer(session, instance.id, then)

    @catching_up
    def _deliver(self, instance_id: int, kind: str, name: str, payload: dict, actor: str,
                 then: ReadBack | None = None) -> Any:
        with self._unit() as session:
            case = self._load(session, instance_id, running=True)
            step = Step().record(f"{kind}_received", {"name": name, "payload": payload})
            self._advance(case, step, actor, lambda: effects.deliver(case.workflow, kind, name, payload))
            return _answer(session, instance_id, then)

    def _version(self, session: Session, process_id: str, version: int) -> LoadedVersion:
        return self.versions.get(session, deployment.version_id(session, process_id, version))


def _behind(instance: Instance, now: datetime) -> bool:
    """The case has a running timer whose moment has passed (strictly, as SpiffWorkflow compares)."""
    return instance.status == RUNNING and instance.next_due_at is not None and instance.next_due_at < now


def _reason(err: BaseException) -> str:
    """What went wrong, with the root cause SpiffWorkflow wraps (``Error evaluating expression`` alone says little)."""
    text, cause = str(err) or type(err).__name__, err.__cause__ or err.__context__
    while cause is not None and (cause.__cause__ or cause.__context__) is not None:
        cause = cause.__cause__ or cause.__context__
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text}: {cause}"
    return text


def _answer(session: Session, instance_id: int, then: ReadBack | None) -> Any:
    """What a command returns: the case id, or what ``then`` reads of the case in the same transaction."""
    return then(session, instance_id) if then is not None else instance_id
