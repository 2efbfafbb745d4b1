"""The hotline as its users act on it: register calls, outside events, calendar schedules, and cases of any
other deployed process (a designer trying a diagram: started with data, sent its own messages and signals).

Each method builds one engine command (or reads) for a trusted caller (the CLI, the demo, the scheduler),
naming the actor. What a person asks over HTTP goes through ``casework``, ``admin`` and ``deployments``,
which check who asks and then call these or the engine's public commands, handing each a read-back
(``then``) so the answer is read in the command's own transaction. Neither the views nor the CLI reach
the engine's internals, so the rules live in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine.clock import Clock, SimulatedClock
from engine.deployment import current_version_id
from engine.errors import Conflict, InvalidData, NotFound
from engine.forms import check_form
from engine.runtime import Engine, ReadBack
from engine.store import connect

from .calendar import WorkingCalendar, parse_schedule
from .cases import HOTLINE_PROCESS as PROCESS_ID
from .cases import case_row
from .departments import Directory
from .diagram_functions import diagram_functions
from .engine_hooks import hooks
from .models import CalendarSchedule
from .queries import CaseRow
from .users import Users

ROOT = Path(__file__).resolve().parent.parent
DIAGRAMS = (ROOT / "bpmn", ROOT / "forms")
INTAKE_DEFAULTS = {"channel": "phone", "urgency": "normal", "departments": []}
EVENT_KINDS = {"MessageEventDefinition": "message", "SignalEventDefinition": "signal"}


class Hotline:
    """The hotline domain over one engine."""

    def __init__(self, engine: Engine, calendar: WorkingCalendar, directory: Directory):
        self.engine, self.calendar, self.directory = engine, calendar, directory
        self.users = Users(engine, directory)

    @classmethod
    def open(cls, database_url: str, clock: Clock | None = None, directory: Directory | None = None) -> Hotline:
        """The hotline over a database (migrated already), with the calendar schedules loaded there."""
        calendar, directory = WorkingCalendar(), directory or Directory.load()
        engine = Engine(connect(database_url), clock, functions=diagram_functions(calendar, directory),
                        hooks=hooks(calendar, directory))
        hotline = cls(engine, calendar, directory)
        hotline._load_schedules()
        return hotline

    # -- calls and cases -------------------------------------------------------------------------
    def register(self, intake: dict[str, Any], actor: str, then: ReadBack | None = None) -> Any:
        """Register a call (checked against the intake form) and start its case; returns the case number
        (or what ``then`` reads of the new case in the transaction that starts it)."""
        data = {**INTAKE_DEFAULTS, **intake}
        with self.engine.session() as session:
            version_id = current_version_id(session, PROCESS_ID)
            if version_id is None:
                raise NotFound("the hotline process is not deployed (run: hotline deploy bpmn forms)")
            form = self.engine.versions.get(session, version_id).forms.get("intake")
        check_form(self.engine.hooks.form(form) if form else None, data)
        return self.engine.start(PROCESS_ID, data, actor, then=then or _number)

    def case(self, number: str | None = None, instance_id: int | None = None) -> CaseRow:
        """A case row by number (or engine instance id): the hotline's row, or the number of another process's case."""
        with self.engine.session() as session:
            row = case_row(session, number, instance_id)
        if row is None:
            raise NotFound(f"no case {number or instance_id}")
        return row

    def withdraw(self, case: str | CaseRow, reason: str, actor: str, then: ReadBack | None = None) -> Any:
        """The caller withdraws: the case (its number, or its row already read) ends ``withdrawn`` whatever it was
        doing."""
        return self.engine.cancel(self._instance(case), reason, actor, then=then)

    def supplement(self, case: str | CaseRow, content: str, actor: str, then: ReadBack | None = None) -> Any:
        """The caller adds information; it is recorded on the case for whoever handles it now."""
        return self.engine.send_message(self._instance(case), "supplement", {"content": content}, actor, then=then)

    def merge_repeat_call(self, case: str | CaseRow, call: dict[str, Any], actor: str,
                          then: ReadBack | None = None) -> Any:
        """Record a repeat call about the same open matter on the existing case instead of a new one."""
        return self.engine.send_message(self._instance(case), "repeat_call", call, actor, then=then)

    def _instance(self, case: str | CaseRow) -> int:
        return self.case(case).instance_id if isinstance(case, str) else case.instance_id

    # -- cases of any process ---------------------------------------------------------------------
    def start(self, process_id: str, data: dict[str, Any], actor: str, then: ReadBack | None = None) -> Any:
        """Start a case on the current version of a deployed process with ``data``; returns its number (or what
        ``then`` reads).

        The hotline's own process takes the way of a call (checked against the intake form), so no case of it
        lacks what its rows, lists and reports need.
        """
        if process_id == PROCESS_ID:
            return self.register(data, actor, then)
        return self.engine.start(process_id, data, actor, then=then or _number)

    def send_event(self, case: str | CaseRow, name: str, payload: dict[str, Any], actor: str,
                   then: ReadBack | None = None) -> Any:
        """Deliver the diagram's own message or signal ``name`` to a case; ``Conflict`` unless the case waits for it.

        Whether ``name`` is a message or a signal is read from what the case waits for; a signal carries no data.
        """
        instance_id = self._instance(case)
        waiting = self.waiting_events(instance_id)
        kind = waiting.get(name)
        if kind is None:
            listed = ", ".join(sorted(waiting)) or "none"
            raise Conflict(f"the case is not waiting for '{name}' (messages and signals it waits for: {listed})")
        if kind == "signal" and payload:
            raise InvalidData({"data": ["a signal carries no data; send it with an empty body"]})
        if kind == "message":
            return self.engine.send_message(instance_id, name, payload, actor, then=then)
        return self.engine.send_signal(instance_id, name, actor, then=then)

    def waiting_events(self, instance_id: int) -> dict[str, str]:
        """The messages and signals a case waits for now: ``{name: "message" | "signal"}``."""
        with self.engine.session() as session:
            workflow = self.engine.load(session, instance_id).workflow
            if not workflow.completed:
                return {event.name: EVENT_KINDS[event.event_type] for event in workflow.waiting_events()
                        if event.event_type in EVENT_KINDS}
        return {}

    # -- the service itself -----------------------------------------------------------------------
    def database_reachable(self) -> bool:
        """Whether the database answers a trivial query (what load balancers poll)."""
        try:
            with self.engine.db.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def sync_clock(self) -> None:
        """Take a move of the shared simulated clock made on another node, so every node serves at one time."""
        if isinstance(self.engine.clock, SimulatedClock):
            self.engine.clock.sync()

    # -- the calendar ----------------------------------------------------------------------------
    def load_schedule(self, document: dict[str, Any]) -> int:
        """Store an official holiday schedule (overrides estimates for its year); returns the year."""
        year, holidays, workdays = parse_schedule(document)
        self.calendar.load_schedule(year, holidays, workdays)
        with self.engine.session.begin() as session:
            session.merge(CalendarSchedule(year=year, document=document, loaded_at=self.engine.now()))
        return year

    def _load_schedules(self) -> None:
        with self.engine.session() as session:
            for schedule in session.scalars(select(CalendarSchedule)):
                self.calendar.load_schedule(*parse_schedule(schedule.document))


def _number(session: Session, instance_id: int) -> str:
    """The number a new case got in the transaction that started it."""
    return case_row(session, instance_id=instance_id).number
