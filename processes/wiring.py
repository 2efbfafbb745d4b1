"""How the hotline domain plugs into the generic engine: its clock, calendar and diagram functions."""

from __future__ import annotations

from datetime import datetime

from engine.clock import Clock
from engine.runtime import Engine
from engine.store import connect

from .calendar import WorkingCalendar


def diagram_functions(calendar: WorkingCalendar) -> dict:
    """The functions hotline diagrams may call by name (the only ones besides the sandbox builtins)."""

    def add_working_days(start: str | datetime, days: int) -> str:
        moment = datetime.fromisoformat(start) if isinstance(start, str) else start
        return calendar.add_working_days(moment, int(days)).isoformat()

    return {"add_working_days": add_working_days}


def build_engine(database_url: str, clock: Clock | None = None, calendar: WorkingCalendar | None = None) -> Engine:
    """The engine over ``database_url`` with the hotline's functions registered."""
    return Engine(connect(database_url), clock, functions=diagram_functions(calendar or WorkingCalendar()))
