"""Timers that fell due together fire as a live run fires them: in due order, each at its own moment.

The property: whatever way the clock gets to a moment (one jump, as after downtime, or many small
steps, as a live service), a case's history is the same.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.clock import SimulatedClock
from engine.models import AuditEvent
from engine.runtime import Engine
from engine.store import connect
from processes.database import upgrade
from processes.service import Hotline
from tests.conftest import DIAGRAMS, diagram_files
from tests.design_helpers import diagram, flows, task, timer_event
from tests.external_helpers import document_request
from tests.hotline_helpers import Desk, shanghai


def duration(iso: str) -> str:
    return f"<bpmn:timeDuration>{iso}</bpmn:timeDuration>"


def cycle(iso: str) -> str:
    return f"<bpmn:timeCycle>{iso}</bpmn:timeCycle>"


def three_deadlines() -> dict[str, bytes]:
    """A task with three interrupting boundary timers, each opening its own follow-up task."""
    hours = (1, 2, 3)
    body = '<bpmn:startEvent id="start"/>' + task("handle") + '<bpmn:endEvent id="end"/>'
    body += "".join(timer_event(f"after_{h}h", "handle", duration(f"PT{h}H")) + task(f"late_{h}h") for h in hours)
    body += flows("start>handle", "handle>end", *(f"after_{h}h>late_{h}h" for h in hours),
                  *(f"late_{h}h>end" for h in hours))
    return diagram(body, process_id="three_deadlines")


def reminders_then_timeout() -> dict[str, bytes]:
    """A non-interrupting reminder every 2 hours (four at most, each opening a task) and an interrupting timeout
    after 7 hours."""
    body = ('<bpmn:startEvent id="start"/>' + task("handle") + '<bpmn:endEvent id="end"/>'
            + timer_event("remind", "handle", cycle("R4/PT2H"), interrupting=False)
            + task("reminded") + '<bpmn:endEvent id="counted"/>'
            + timer_event("timeout", "handle", duration("PT7H")) + task("escalated"))
    body += flows("start>handle", "handle>end", "remind>reminded", "reminded>counted", "timeout>escalated",
                  "escalated>end")
    return diagram(body, process_id="reminders_then_timeout")


def history(engine: Engine, case: int) -> list[tuple]:
    """What an auditor reads of a case: each event's type, moment, task and data."""
    with engine.session() as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.instance_id == case).order_by(AuditEvent.seq))
        return [(e.type, e.at, e.task_name, _without_seed(e.data)) for e in rows]


def _without_seed(data: dict) -> dict:
    """A case's task-id seed is drawn at random when it starts: the same history may differ only there."""
    return {key: value for key, value in data.items() if key != "seed"}


def open_tasks(engine: Engine, case: int) -> list[str]:
    return sorted(t["name"] for t in engine.snapshot(case)["open_tasks"])


def test_only_the_first_of_three_interrupting_timers_fires_after_a_jump(engine, clock):
    engine.deploy(three_deadlines())
    case = engine.start("three_deadlines", {}, "alice")
    started = clock.now()
    clock.advance(timedelta(hours=4))
    engine.fire_all_due()
    assert open_tasks(engine, case) == ["late_1h"]
    fired = [(at, data["timers"]) for kind, at, _, data in history(engine, case) if kind == "timer_fired"]
    assert fired == [(started + timedelta(hours=1, microseconds=1),
                      [{"timer": "after_1h", "due": (started + timedelta(hours=1)).isoformat()}])]


def test_a_command_on_a_case_behind_its_timers_finds_them_fired_first(engine, clock):
    """The service was down past the deadline: completing the task now is too late, as it would have been live."""
    engine.deploy(three_deadlines())
    case = engine.start("three_deadlines", {}, "alice")
    handle = engine.snapshot(case)["open_tasks"][0]["id"]
    clock.advance(timedelta(hours=1, minutes=30))
    with pytest.raises(Exception, match="no longer open"):
        engine.complete_task(handle, {}, "alice")
    assert open_tasks(engine, case) == ["late_1h"]


def test_each_reminder_of_a_cycle_fires_at_its_own_moment_and_stops_at_the_timeout(engine, clock):
    engine.deploy(reminders_then_timeout())
    case = engine.start("reminders_then_timeout", {}, "alice")
    started = clock.now()
    clock.advance(timedelta(hours=6, minutes=30))
    engine.fire_all_due()
    assert open_tasks(engine, case) == ["handle", "reminded", "reminded", "reminded"]
    clock.advance(timedelta(days=1))
    engine.fire_all_due()
    moments = [at - started for kind, at, _, _ in history(engine, case) if kind == "timer_fired"]
    assert moments == [timedelta(hours=h, microseconds=1) for h in (2, 4, 6, 7)]
    assert "escalated" in open_tasks(engine, case)


# -- the property, over every diagram with timers in the suite ------------------------------------------
def reach_the_objection_period(engine: Engine, case: int) -> None:
    """permit: the application is handled, the fee paid and the site inspected; then its timer runs."""
    engine.complete_task(engine.snapshot(case)["open_tasks"][0]["id"], {"fee": 100}, "clerk")
    engine.send_message(case, "fee_paid", {"amount": 100}, "bank")
    engine.send_signal(case, "site_inspected", "inspector")


TIMER_DIAGRAMS = {  # files, how long the clock runs, and what people do first to reach the timers
    "three_deadlines": (three_deadlines, timedelta(hours=4), None),
    "reminders_then_timeout": (reminders_then_timeout, timedelta(hours=9), None),
    "timers": (lambda: diagram_files("timers.bpmn", "review.json"), timedelta(days=2), None),
    "quick_timer": (lambda: diagram_files("quick_timer.bpmn", "review.json"), timedelta(minutes=1), None),
    "permit": (lambda: diagram_files("permit.bpmn", "application.json"), timedelta(hours=3),
               reach_the_objection_period),
    "C.9.1 (MIWG)": (document_request, timedelta(days=8), None),
}


def test_the_property_covers_every_diagram_with_timers_in_the_suite():
    """A new timer diagram in tests/diagrams joins the property below (the hotline's own has its test)."""
    with_timers = {path.stem for path in DIAGRAMS.glob("*.bpmn") if b"timerEventDefinition" in path.read_bytes()}
    assert with_timers <= set(TIMER_DIAGRAMS)


def steps(total: timedelta, seed: int) -> list[timedelta]:
    """Random small moves of the clock that add up to ``total`` (as a live service's wake-ups would)."""
    rng, moves, left = random.Random(seed), [], total
    while left > timedelta(0):
        move = min(left, total * rng.uniform(0.001, 0.08))
        moves.append(move)
        left -= move
    return moves


def run(engine: Engine, clock: SimulatedClock, process: str, moves: list[timedelta], prelude) -> list[tuple]:
    case = engine.start(process, {}, "alice")
    if prelude:
        prelude(engine, case)
    for move in moves:
        clock.advance(move)
        engine.fire_all_due()
    return history(engine, case)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("name", sorted(TIMER_DIAGRAMS))
def test_a_jump_and_a_step_by_step_run_give_the_same_history(db, clock, name, seed):
    files, total, prelude = TIMER_DIAGRAMS[name]
    start = clock.now()
    jumping, stepping = Engine(db, SimulatedClock(start)), Engine(db, SimulatedClock(start))
    deployed = jumping.deploy(files())
    jumped = run(jumping, jumping.clock, deployed.process_id, [total], prelude)
    stepped = run(stepping, stepping.clock, deployed.process_id, steps(total, seed), prelude)
    assert any(event[0] == "timer_fired" for event in jumped)
    assert stepped == jumped


@pytest.mark.parametrize("seed", [1, 2])
def test_the_hotline_deadlines_give_the_same_history_jumped_or_stepped(db, tmp_path, seed):
    """Reminder, overdue escalation and supervision of an assigned case, over three working weeks."""
    start, total = shanghai(2026, 11, 30, 9), timedelta(days=21)
    other = connect(f"sqlite:///{tmp_path / 'stepped.db'}")
    upgrade(other)
    histories = []
    for database, moves in ((db, [total]), (other, steps(total, seed))):
        clock = SimulatedClock(start)
        desk = Desk(Hotline.open(database.url.render_as_string(hide_password=False), clock))
        number = desk.call()
        desk.triage(number, "assignment", ["water"])
        for move in moves:
            clock.advance(move)
            desk.hotline.engine.fire_all_due()
        histories.append(history(desk.hotline.engine, desk.hotline.case(number).instance_id))
    jumped, stepped = histories
    assert sum(event[0] == "timer_fired" for event in jumped) >= 2
    assert stepped == jumped
