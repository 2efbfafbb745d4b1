"""Scripted staff work on a hotline: register calls, find and complete tasks, move simulated time.

The demo and the scenario tests drive the hotline through this, the way staff and the scheduler do.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.bundle import read_paths
from engine.models import OpenTask

from .service import DIAGRAMS, Hotline


class Desk:
    """A hotline plus the few moves every scenario makes."""

    def __init__(self, hotline: Hotline, operator: str = "operator:li"):
        self.hotline, self.operator = hotline, operator
        hotline.engine.deploy(read_paths(list(DIAGRAMS)))

    @property
    def clock(self):
        return self.hotline.engine.clock

    def call(self, intake: dict[str, Any]) -> str:
        return self.hotline.register(intake, self.operator)

    def tasks(self, number: str) -> list[OpenTask]:
        case = self.hotline.case(number)
        with self.hotline.engine.session() as session:
            return list(session.scalars(select(OpenTask).where(OpenTask.instance_id == case.instance_id)
                                        .order_by(OpenTask.name, OpenTask.candidate_group)))

    def open(self, number: str) -> list[tuple[str, str | None]]:
        """The open tasks of a case as (task name, candidate group)."""
        return [(t.name, t.candidate_group) for t in self.tasks(number)]

    def do(self, number: str, name: str, data: dict[str, Any], group: str | None = None, actor: str = "staff") -> None:
        """Complete the one open task ``name`` (for department ``group``) of a case."""
        [task] = [t for t in self.tasks(number) if t.name == name and (group is None or t.candidate_group == group)]
        self.hotline.engine.complete_task(task.id, data, actor)

    def triage(self, number: str, treatment: str, departments: list[str], complexity: str = "general") -> None:
        self.do(number, "triage", {"treatment": treatment, "complexity": complexity, "departments": departments},
                actor="dispatcher:zhao")

    def redispatch(self, number: str, upheld: bool, treatment: str, departments: list[str],
                   complexity: str = "general") -> None:
        """Decide a department's return (upheld or not) and dispatch the case again, in one step."""
        self.do(number, "decide_dispute", {"upheld": upheld, "treatment": treatment, "complexity": complexity,
                                           "departments": departments}, actor="dispatcher:zhao")

    def status(self, number: str) -> str:
        return self.hotline.case(number).status

    def data(self, number: str) -> dict[str, Any]:
        return self.hotline.engine.snapshot(self.hotline.case(number).instance_id)["data"]

    def advance_to(self, moment: datetime) -> list[int]:
        """Move the clock and fire every timer that fell due (what the scheduler does)."""
        self.clock.set(moment)
        return self.hotline.engine.fire_due()

    def advance(self, **delta: float) -> list[int]:
        return self.advance_to(self.clock.now() + timedelta(**delta))
