"""The hotline as its users act on it: register calls, outside events, calendar schedules, and cases of any
other deployed process (a designer trying a diagram: started with data, sent its own messages and signals).

Each method builds one engine command (or reads); HTTP and CLI entry points call these, never the
engine's internals, so the rules live in one place.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.clock import Clock
from engine.deployment import latest_version_id
from engine.errors import Conflict, InvalidData, NotFound
from engine.forms import check_form
from engine.runtime import Engine
from engine.store import connect

from .calendar import WorkingCalendar, parse_schedule
from .cases import HOTLINE_PROCESS as PROCESS_ID
from .cases import case_row
from .departments import Directory
from .models import CalendarSchedule, HotlineCase, ProcessCase
from .users import Users
from .wiring import diagram_functions, hooks

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
    def register(self, intake: dict[str, Any], actor: str) -> str:
        """Register a call (checked against the intake form) and start its case; returns the case number."""
        data = {**INTAKE_DEFAULTS, **intake}
        with self.engine.session() as session:
            version_id = latest_version_id(session, PROCESS_ID)
            if version_id is None:
                raise NotFound("the hotline process is not deployed (run: hotline deploy bpmn forms)")
            form = self.engine.versions.get(session, version_id).forms.get("intake")
        check_form(self.engine.hooks.form(form) if form else None, data)
        instance_id = self.engine.start(PROCESS_ID, data, actor)
        return self.case(instance_id=instance_id).number

    def case(self, number: str | None = None, instance_id: int | None = None) -> HotlineCase | ProcessCase:
        """A case row by number (or engine instance id): the hotline's row, or the number of another process's case."""
        with self.engine.session() as session:
            row = case_row(session, number, instance_id)
        if row is None:
            raise NotFound(f"no case {number or instance_id}")
        return row

    def withdraw(self, number: str, reason: str, actor: str) -> None:
        """The caller withdraws: the case ends ``withdrawn`` whatever it was doing."""
        self.engine.cancel(self.case(number).instance_id, reason, actor)

    def supplement(self, number: str, content: str, actor: str) -> None:
        """The caller adds information; it is recorded on the case for whoever handles it now."""
        self.engine.send_message(self.case(number).instance_id, "supplement", {"content": content}, actor)

    def merge_repeat_call(self, number: str, call: dict[str, Any], actor: str) -> None:
        """Record a repeat call about the same open matter on the existing case instead of a new one."""
        self.engine.send_message(self.case(number).instance_id, "repeat_call", call, actor)

    # -- cases of any process ---------------------------------------------------------------------
    def start(self, process_id: str, data: dict[str, Any], actor: str) -> str:
        """Start a case on the latest version of a deployed process with ``data``; returns its number.

        The hotline's own process takes the way of a call (checked against the intake form), so no case of it
        lacks what its rows, lists and reports need.
        """
        if process_id == PROCESS_ID:
            return self.register(data, actor)
        return self.case(instance_id=self.engine.start(process_id, data, actor)).number

    def send_event(self, number: str, name: str, payload: dict[str, Any], actor: str) -> None:
        """Deliver the diagram's own message or signal ``name`` to a case; ``Conflict`` unless the case waits for it.

        Whether ``name`` is a message or a signal is read from what the case waits for; a signal carries no data.
        """
        instance_id = self.case(number).instance_id
        waiting = self.waiting_events(instance_id)
        kind = waiting.get(name)
        if kind is None:
            listed = ", ".join(sorted(waiting)) or "none"
            raise Conflict(f"the case is not waiting for '{name}' (messages and signals it waits for: {listed})")
        if kind == "signal" and payload:
            raise InvalidData({"data": ["a signal carries no data; send it with an empty body"]})
        if kind == "message":
            self.engine.send_message(instance_id, name, payload, actor)
        else:
            self.engine.send_signal(instance_id, name, actor)

    def waiting_events(self, instance_id: int) -> dict[str, str]:
        """The messages and signals a case waits for now: ``{name: "message" | "signal"}``."""
        with self.engine.session() as session:
            workflow = self.engine.load(session, instance_id).workflow
            if not workflow.completed:
                return {event.name: EVENT_KINDS[event.event_type] for event in workflow.waiting_events()
                        if event.event_type in EVENT_KINDS}
        return {}

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
