"""Timers fire on time on every node: at start-up, at their moment, under a busy scheduler, across nodes.

Each node here is what ``hotline serve`` runs: its own database pool, engine, shared simulated clock and
a real BackgroundScheduler. Waits poll until the effect shows and fail after ``PATIENCE`` seconds: they
assert that a timer fires at all without a minute's sweep, never how fast.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from api.scheduler import start_scheduler
from engine.clock import SimulatedClock
from engine.models import AuditEvent
from engine.runtime import Engine
from engine.store import connect
from tests.conftest import diagram_files

START = datetime(2026, 11, 30, 1, tzinfo=UTC)
PATIENCE = 10.0  # seconds; the old once-a-minute sweep could never meet it


class Node:
    """One service node on the shared database: engine, shared clock and, once started, its timer scheduler."""

    def __init__(self, db, start: datetime = START):
        self.db = connect(db.url.render_as_string(hide_password=False))
        self.engine = Engine(self.db, SimulatedClock(start, running=True).attach(self.db))
        self.scheduler: BackgroundScheduler | None = None

    def start_scheduler(self, scheduler: BackgroundScheduler | None = None) -> Node:
        self.scheduler = start_scheduler(self.engine, scheduler or BackgroundScheduler())
        return self

    def stop(self) -> None:
        if self.scheduler and self.scheduler.running:
            self.scheduler.shutdown()  # waits for a firing under way, which must not run into the next test
        self.db.dispose()


@pytest.fixture
def nodes(db):
    started: list[Node] = []

    def node(start: datetime = START) -> Node:
        started.append(Node(db, start))
        return started[-1]

    yield node
    for each in started:
        each.stop()


@pytest.fixture
def deployed(db):
    for diagram in ("quick_timer.bpmn", "timers.bpmn"):
        Engine(db).deploy(diagram_files(diagram, "review.json"))


def open_names(engine: Engine, case: int) -> list[str]:
    return [t["name"] for t in engine.snapshot(case)["open_tasks"]]


def fired(engine: Engine) -> list[tuple[int, str]]:
    """(case, timer) for every timer fired, in the order the audit log recorded them."""
    with engine.session() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.type == "timer_fired")
                                 .order_by(AuditEvent.at, AuditEvent.id))
        return [(event.instance_id, timer["timer"]) for event in events for timer in event.data["timers"]]


def wait_for(condition) -> bool:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_timer_armed_after_start_fires_when_due(nodes, deployed):
    node = nodes().start_scheduler()
    case = node.engine.start("quick_timer", {}, "alice")
    assert open_names(node.engine, case) == ["wait_a_moment"]
    assert wait_for(lambda: open_names(node.engine, case) == ["after_the_timer"])


def test_timers_that_fell_due_while_stopped_fire_at_start_up_in_due_order(nodes, deployed):
    node = nodes()
    first = node.engine.start("quick_timer", {}, "alice")
    node.engine.clock.advance(timedelta(milliseconds=10))
    second = node.engine.start("quick_timer", {}, "alice")
    node.engine.clock.advance(timedelta(minutes=5))
    node.start_scheduler()
    assert fired(node.engine) == [(first, "soon"), (second, "soon")]


def test_a_busy_scheduler_fires_a_timer_late_rather_than_dropping_its_wake_up(nodes, deployed):
    """The scheduler's only worker is busy for 2.5 s when the timer falls due (APScheduler's default would
    drop a wake-up more than a second late, and leave the timer to the next sweep)."""
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)})
    scheduler.add_job(time.sleep, args=[2.5], id="busy")
    node = nodes().start_scheduler(scheduler)
    case = node.engine.start("quick_timer", {}, "alice")
    assert wait_for(lambda: open_names(node.engine, case) == ["after_the_timer"])


def test_a_timer_armed_on_a_node_that_then_stops_fires_on_another(nodes, deployed):
    armed_on, other = nodes().start_scheduler(), nodes().start_scheduler()
    case = armed_on.engine.start("quick_timer", {}, "alice")
    armed_on.stop()
    assert wait_for(lambda: open_names(other.engine, case) == ["after_the_timer"])


def test_a_clock_moved_on_one_node_brings_the_other_nodes_timers_near(nodes, deployed):
    """The reminder is two hours off; a node without a scheduler moves the shared clock to a second before
    it, and the timer node fires it without waiting for a sweep."""
    api_node, timer_node = nodes(), nodes().start_scheduler()
    case = api_node.engine.start("timers", {}, "alice")
    api_node.engine.clock.set(api_node.engine.now() + timedelta(hours=2) - timedelta(seconds=1))
    assert wait_for(lambda: fired(timer_node.engine) == [(case, "remind")])
