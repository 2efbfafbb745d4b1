"""One case's slow step never holds up the others: it runs without a lock, and within its time budget."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from engine.case import COMPLETED, INCIDENT, RUNNING
from engine.errors import StepFailed
from engine.models import AuditEvent
from engine.runtime import Engine
from tests.design_helpers import diagram, flows, task


def scripted(script: str) -> dict[str, bytes]:
    """A user task, then a script task running ``script``, then another user task."""
    body = ('<bpmn:startEvent id="start"/>' + task("first") + f'<bpmn:scriptTask id="work"><bpmn:script>{script}'
            '</bpmn:script></bpmn:scriptTask>' + task("second") + '<bpmn:endEvent id="end"/>')
    return diagram(body + flows("start>first", "first>work", "work>second", "second>end"), process_id="scripted")


def open_task(engine: Engine, case: int) -> dict:
    return engine.snapshot(case)["open_tasks"][0]


def history(engine: Engine, case: int) -> list[str]:
    with engine.session() as session:
        return list(session.scalars(select(AuditEvent.type).where(AuditEvent.instance_id == case)
                                    .order_by(AuditEvent.seq)))


def test_a_step_over_its_time_budget_saves_nothing_and_sets_the_case_aside(db, clock):
    engine = Engine(db, clock, functions={"nap": lambda: time.sleep(0.6)}, step_seconds=0.1)  # > 5 × 0.1 s waiting
    engine.deploy(scripted("a = nap()\nb = 1"))
    case = engine.start("scripted", {}, "alice")
    first = open_task(engine, case)
    with pytest.raises(StepFailed, match="budget of 0.1 s"):
        engine.complete_task(first["id"], {}, "alice")
    snapshot = engine.snapshot(case)
    assert snapshot["status"] == INCIDENT
    assert [t["name"] for t in snapshot["open_tasks"]] == ["first"]
    assert "a" not in snapshot["data"]
    assert history(engine, case) == ["case_started", "incident_raised"]


def test_a_step_kept_off_the_processor_by_a_busy_machine_is_not_stopped(db, clock):
    """The budget is the step's own computing: time it spends waiting (here 0.3 s, three times its 0.1 s budget,
    as a loaded server would keep it waiting) does not make the case an incident, up to 5 × the budget."""
    engine = Engine(db, clock, functions={"nap": lambda: time.sleep(0.3)}, step_seconds=0.1)
    engine.deploy(scripted("a = nap()\nb = 1"))
    case = engine.start("scripted", {}, "alice")
    engine.complete_task(open_task(engine, case)["id"], {}, "alice")
    snapshot = engine.snapshot(case)
    assert (snapshot["status"], snapshot["data"]["b"]) == ("running", 1)
    assert history(engine, case) == ["case_started", "task_completed"]


def test_a_slow_step_of_one_case_does_not_hold_up_another_case(db, clock):
    """While case A's script runs, case B is started and worked: no write lock is held during A's step."""
    entered, other_done = threading.Event(), threading.Event()

    def slow() -> bool:
        entered.set()
        return other_done.wait(timeout=5)

    engine = Engine(db, clock, functions={"slow": slow}, step_seconds=10)
    engine.deploy(scripted("waited = slow()"))
    engine.deploy(diagram('<bpmn:startEvent id="start"/>' + task("only") + '<bpmn:endEvent id="end"/>'
                          + flows("start>only", "only>end"), process_id="plain"))
    slow_case = engine.start("scripted", {}, "alice")
    worker = threading.Thread(target=engine.complete_task, args=(open_task(engine, slow_case)["id"], {}, "alice"))
    worker.start()
    assert entered.wait(timeout=5)
    other = engine.start("plain", {}, "bob")
    engine.complete_task(open_task(engine, other)["id"], {}, "bob")
    still_running = worker.is_alive()
    other_done.set()
    worker.join()
    assert still_running
    assert engine.snapshot(slow_case)["data"]["waited"] is True
    assert [engine.snapshot(c)["status"] for c in (slow_case, other)] == [RUNNING, COMPLETED]
