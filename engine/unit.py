"""The unit of work: one command on one case, at one frozen moment, in one transaction.

Every command of the engine (starting a case, completing a task, firing timers, recording an incident) runs in
one ``UnitOfWork``: it reads the case, runs the diagram without holding any lock, then writes the state, open
tasks, audit events and the domain's projection in one write transaction, or nothing.
The commands in ``runtime``, ``firing`` and ``incidents`` are short functions over this one type.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from . import audit, budget, clock, effects, ids
from .case import CANCELLED, COMPLETED, INCIDENT, RUNNING, Case, Reading, Step, ready_user_tasks, take_lock
from .errors import Conflict, EngineError, NotFound, StepFailed
from .live import Key
from .models import AuditEvent, Instance, OpenTask
from .serializer import FORMAT
from .store import WRITE
from .timers import next_due

if TYPE_CHECKING:
    from .runtime import Engine

log = logging.getLogger("hotline.engine")
OPEN_TASKS, AUDIT_EVENTS = OpenTask.__table__, AuditEvent.__table__  # plain inserts: no ORM bookkeeping per row
Check = Callable[[Session], None]
"""The caller's own precondition (who may act), run first inside the command's read transaction."""


class TimersDue(EngineError):
    """A command found the case behind its own timers: they fire first, as they would have on time."""

    def __init__(self, instance_id: int):
        super().__init__(f"case {instance_id} has timers due")
        self.instance_id = instance_id


class UnitOfWork:
    """The session of one command and what the command does with it: load, advance, save, record."""

    def __init__(self, engine: Engine, session: Session):
        self.engine, self.session = engine, session
        self.firing = False  # a timer command: the case being behind its timers is why it runs
        self.case_id: int | None = None  # the case a failing step is recorded on
        self.due: datetime | None = None  # the next timer the command armed, for the schedulers
        self._keep: list[tuple[Key, Any]] = []  # workflows to keep in memory once the transaction commits
        self._taken: list[tuple[Key, Case]] = []  # workflows taken from memory, given back if left untouched

    # -- reading ---------------------------------------------------------------------------------
    def instance(self, instance_id: int) -> Instance:
        instance = self.session.get(Instance, instance_id)
        if instance is None:
            raise NotFound(f"no case {instance_id}")
        self.case_id = instance_id
        return instance

    def load(self, case: int | Instance, running: bool = False, or_incident: bool = False) -> Case:
        """The case (by id, or its row already read) with its workflow, read without the write lock: continued
        from memory when this node left it at the row's version, loaded from its saved state otherwise. A command
        on a case behind its timers is refused with ``TimersDue`` so they fire first."""
        self._reading()
        instance = case if isinstance(case, Instance) else self.instance(case)
        instance_id = self.case_id = instance.id
        if running and instance.status not in ((RUNNING, INCIDENT) if or_incident else (RUNNING,)):
            raise Conflict(f"the case is {instance.status}")
        if running and not self.firing and behind(instance, self.engine.now()):
            raise TimersDue(instance_id)
        engine = self.engine
        version = engine.versions.get(self.session, instance.version_id)
        ids.current().resume(instance.id_seed, instance.id_counter)
        key = _key(instance)
        kept = engine.live.take(key)
        if kept is not None:
            case = Case(instance, version, kept[0], kept[1], warm=True)
            self._taken.append((key, case))
            return case
        workflow = engine.loaded_workflow(instance, version)
        return Case(instance, version, workflow, frozenset(ready_user_tasks(workflow)))

    def task_case(self, task_id: str) -> tuple[Instance, str | None]:
        """The case row of an open task and who holds the task, in one query; a task already done is a conflict,
        an unknown one not found."""
        found = self.session.execute(select(Instance, OpenTask.assignee).join(
            OpenTask, OpenTask.instance_id == Instance.id).where(OpenTask.id == task_id)).first()
        if found is not None:
            self.case_id = found[0].id
            return found[0], found[1]
        if self.session.scalar(select(AuditEvent.id).where(AuditEvent.task_id == task_id).limit(1)):
            raise Conflict("the task is no longer open")
        raise NotFound(f"no open task {task_id}")

    # -- changing --------------------------------------------------------------------------------
    def advance(self, case: Case, step: Step, actor: str, effect: Callable[[], Any] | None = None) -> None:
        """Apply the command's effect and run the engine steps it leads to (within the step's time budget), then
        save; nothing of a step that fails or overruns its budget is saved."""
        self._end_reads()  # no lock is held while the diagram runs
        case.touched = True
        run_diagram(lambda: self._steps(case.workflow, effect))
        waiting = INCIDENT if case.instance.status == INCIDENT else RUNNING  # a migration keeps it set aside
        self.save(case, step, actor, COMPLETED if case.workflow.completed else waiting)

    def save(self, case: Case, step: Step, actor: str, status: str) -> None:
        """Write the case, its open tasks and audit events, and the domain's projection, in the write transaction."""
        case.touched = True
        now, instance, session = self.engine.now(), case.instance, self.session
        reading = Reading(case.workflow)
        self._end_reads()
        session.add(instance)
        instance.version_id = case.version.id  # a migration moved it
        instance.state, instance.state_format = self.engine.serializer.dump_state(case.workflow), FORMAT
        instance.status = status
        instance.id_counter = ids.current().counter
        instance.next_due_at = self.due = next_due(case.workflow) if status in (RUNNING, INCIDENT) else None
        instance.ended_at = now if status in (COMPLETED, CANCELLED) else None
        take_lock(instance, now)
        events = [audit.event(instance, now, actor, warm=case.warm, **event) for event in step.events]
        session.flush()  # the case row first: a rival's commit in between fails here, before anything else
        for made in events:
            made.instance_id = instance.id  # a new case has its id only now
        ready = reading.ready_user_tasks if status in (RUNNING, INCIDENT) else {}
        self._sync_open_tasks(case, ready, now)
        session.execute(AUDIT_EVENTS.insert(), [audit.row(event) for event in events])
        if self.engine.hooks.on_saved:
            self.engine.hooks.on_saved(session, instance, reading, events)
        if status in (RUNNING, INCIDENT):
            self._keep.append((_key(instance), (case.workflow, frozenset(ready))))

    def record(self, instance: Instance, actor: str, type_: str, data: dict[str, Any] | None = None,
               task_id: str | None = None, task_name: str | None = None) -> None:
        """A bookkeeping event (a claim, an incident) that changes who holds what, not the workflow: a workflow
        kept in memory stays valid at the row's new version."""
        now, old = self.engine.now(), _key(instance)
        take_lock(instance, now)
        audit.append(self.session, instance, now, actor, type_, data, task_id, task_name)
        self.session.flush()
        kept = self.engine.live.take(old)
        if kept is not None:
            self._keep.append((_key(instance), kept))

    def _steps(self, workflow, effect: Callable[[], Any] | None) -> None:
        with budget.bound(self.engine.step_seconds):
            if effect is not None:
                effect()
            effects.run_engine_steps(workflow)

    def _sync_open_tasks(self, case: Case, ready: dict[str, Any], now: datetime) -> None:
        """Bring the open-task table in step by the difference from the tasks open when the case was loaded."""
        gone = case.open_before - ready.keys()
        if gone:
            self.session.execute(OPEN_TASKS.delete().where(OPEN_TASKS.c.id.in_(gone)))
        new = [self._open_task(case, task_id, ready[task_id], now) for task_id in ready.keys() - case.open_before]
        if new:
            self.session.execute(OPEN_TASKS.insert(), new)

    def _open_task(self, case: Case, task_id: str, task, now: datetime) -> dict[str, Any]:
        spec, group = task.task_spec, self.engine.hooks.task_group
        info = case.version.user_tasks.get(spec.bpmn_id, {})
        return {"id": task_id, "instance_id": case.instance.id, "name": spec.bpmn_id, "created_at": now,
                "title": info.get("title") or spec.bpmn_name or spec.bpmn_id, "lane": info.get("lane") or spec.lane,
                "form": info.get("form"), "candidate_group": group(task) if group else None, "assignee": None}

    # -- the transaction -------------------------------------------------------------------------
    def _reading(self) -> None:
        if not self.session.in_transaction():
            self.session.connection(execution_options={WRITE: False})

    def _end_reads(self) -> None:
        if self.engine.reads_end_before_writes and self.session.in_transaction():
            self.session.commit()  # end the read transaction: the write one begins at the first write

    def committed(self) -> None:
        for key, kept in self._keep:
            self.engine.live.keep(key, kept)
        self.abandoned()

    def abandoned(self) -> None:
        """Give back the workflows taken and never changed (a command refused, or with nothing to do); a changed
        one that was not saved is dropped, so the next command loads the saved state."""
        for key, case in self._taken:
            if not case.touched:
                self.engine.live.keep(key, (case.workflow, case.open_before))


@contextlib.contextmanager
def unit(engine: Engine, moment: datetime | None = None, write: bool = False,
         check: Check | None = None) -> Iterator[UnitOfWork]:
    """One command at one frozen moment, with the case's task-id sequence; a lost race is ``Conflict``.

    Freezing the time and the ids makes every command a pure function of the state and the recorded event,
    which is what lets ``replay`` rebuild a case exactly. The command reads, runs the diagram holding no lock
    (on SQLite its read transaction ends first: see ``store.reads_end_before_writes``), and only then writes: a
    slow diagram never holds up other cases; the case row's ``lock_version`` turns a rival's commit in between
    into ``Conflict``. A ``write`` unit (bookkeeping that runs no diagram) writes from its first statement.
    """
    frozen = clock.Frozen(moment or engine.now())
    session = engine.write_session()
    work = UnitOfWork(engine, session)
    try:
        with session, clock.bound(frozen), ids.bound(ids.TaskIds()):
            if not write:
                work._reading()  # reads first, without the write lock
            if check is not None:
                check(session)
            yield work
            session.commit()
        work.committed()
        engine.announce(work.due)
    except BaseException as err:
        work.abandoned()
        if isinstance(err, StaleDataError | IntegrityError):
            raise Conflict("the case was changed by another command; reload and try again") from err
        if isinstance(err, StepFailed) and work.case_id is not None:  # nothing was saved: the case is set aside
            engine.raise_incident(work.case_id, err)
        raise


def run_diagram(action: Callable[[], Any]) -> None:
    """Run diagram code; whatever it raises becomes ``StepFailed`` naming the task (nothing is saved)."""
    try:
        action()
    except EngineError:
        raise
    except Exception as err:  # a diagram's failure, of any kind, is its case's incident, never the service's
        task = getattr(err, "task", None)
        name = task.task_spec.bpmn_id if task is not None else None
        log.info("step failed in task %s: %s", name, type(err).__name__)
        raise StepFailed(reason(err), name) from err


def behind(instance: Instance, now: datetime) -> bool:
    """The case has a running timer whose moment has passed (strictly, as SpiffWorkflow compares)."""
    return instance.status == RUNNING and instance.next_due_at is not None and instance.next_due_at < now


def reason(err: BaseException) -> str:
    """What went wrong, with the root cause SpiffWorkflow wraps (``Error evaluating expression`` alone says little)."""
    text, cause = str(err) or type(err).__name__, err.__cause__ or err.__context__
    while cause is not None and (cause.__cause__ or cause.__context__) is not None:
        cause = cause.__cause__ or cause.__context__
    if cause is not None and str(cause) and str(cause) not in text:
        text = f"{text}: {cause}"
    return text


def _key(instance: Instance) -> Key:
    return Key(instance.id, instance.id_seed, instance.lock_version)
