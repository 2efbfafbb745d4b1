"""A small driver for scenario tests: a hotline on the simulated clock, worked the way staff work it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from engine.bundle import read_paths
from engine.models import OpenTask
from processes.calendar import SHANGHAI
from processes.service import DIAGRAMS, Hotline

CALLER = {"name": "张三", "phone": "13800138000", "work_unit": "县第一中学", "address": "城关镇人民路1号"}


def intake(**changes: Any) -> dict[str, Any]:
    """A plausible call; tests change only what they are about."""
    return {"caller": CALLER, "confidential": False, "category": "livelihood", "subject": "人民路供水",
            "content": "人民路一带连续三天停水，无人告知何时恢复。", **changes}


class Desk:
    """The hotline plus the few moves every scenario makes."""

    def __init__(self, hotline: Hotline):
        self.hotline = hotline
        hotline.engine.deploy(read_paths(list(DIAGRAMS)))

    @property
    def clock(self):
        return self.hotline.engine.clock

    def call(self, **changes: Any) -> str:
        return self.hotline.register(intake(**changes), "operator:li")

    def tasks(self, number: str) -> list[OpenTask]:
        case = self.hotline.case(number)
        with self.hotline.engine.session() as session:
            return list(session.scalars(select(OpenTask).where(OpenTask.instance_id == case.instance_id)
                                        .order_by(OpenTask.name, OpenTask.candidate_group)))

    def open(self, number: str) -> list[tuple[str, str | None]]:
        """The open tasks of a case as (task name, candidate group)."""
        return [(t.name, t.candidate_group) for t in self.tasks(number)]

    def do(self, number: str, name: str, data: dict[str, Any], group: str | None = None, actor: str = "staff") -> None:
        [task] = [t for t in self.tasks(number) if t.name == name and (group is None or t.candidate_group == group)]
        self.hotline.engine.complete_task(task.id, data, actor)

    def triage(self, number: str, treatment: str, departments: list[str], complexity: str = "general") -> None:
        self.do(number, "triage", {"treatment": treatment, "complexity": complexity, "departments": departments})

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


def shanghai(*args: int) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)
