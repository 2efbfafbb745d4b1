"""The timer scheduler wakes at the earliest due moment (not on a fixed poll) and fires at start-up."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from api.scheduler import start_scheduler
from engine.clock import SimulatedClock
from engine.runtime import Engine
from tests.conftest import diagram_files

SWEEP = 3600.0  # so long that only waking at the due moment can explain a timely firing


@pytest.fixture
def running(db):
    engine = Engine(db, SimulatedClock(datetime(2026, 11, 30, 1, tzinfo=UTC), running=True))
    engine.deploy(diagram_files("quick_timer.bpmn", "review.json"))
    return engine


def open_names(engine: Engine, case: int) -> list[str]:
    return [t["name"] for t in engine.snapshot(case)["open_tasks"]]


def wait_for(condition, seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_timer_armed_after_start_fires_when_due_without_waiting_for_the_sweep(running):
    scheduler = start_scheduler(running, BackgroundScheduler(), sweep_seconds=SWEEP)
    try:
        case = running.start("quick_timer", {}, "alice")
        assert open_names(running, case) == ["wait_a_moment"]
        assert wait_for(lambda: open_names(running, case) == ["after_the_timer"])
    finally:
        scheduler.shutdown(wait=False)


def test_timers_that_fell_due_while_stopped_fire_at_start_up_in_due_order(running):
    first = running.start("quick_timer", {}, "alice")
    running.clock.advance(timedelta(milliseconds=10))
    second = running.start("quick_timer", {}, "alice")
    running.clock.advance(timedelta(minutes=5))
    scheduler = start_scheduler(running, BackgroundScheduler(), sweep_seconds=SWEEP)
    try:
        fired = [e.instance_id for e in running_events(running) if e.type == "timer_fired"]
        assert fired == [first, second]
    finally:
        scheduler.shutdown(wait=False)


def running_events(engine: Engine):
    from sqlalchemy import select

    from engine.models import AuditEvent

    with engine.session() as session:
        return list(session.scalars(select(AuditEvent).order_by(AuditEvent.at, AuditEvent.id)))
