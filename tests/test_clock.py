"""One clock for everything: simulated time moves only forward, and SpiffWorkflow's timers read it."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer

from engine import spiff_patches
from engine.clock import ClockError, SimulatedClock, bound


def test_the_simulated_clock_moves_forward_only():
    clock = SimulatedClock(datetime(2026, 11, 2, tzinfo=UTC))
    assert clock.advance(timedelta(days=3)) == datetime(2026, 11, 5, tzinfo=UTC)
    with pytest.raises(ClockError):
        clock.set(datetime(2026, 11, 4, tzinfo=UTC))
    with pytest.raises(ClockError):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ClockError):
        clock.set(datetime(2026, 12, 1))
    assert clock.now() == datetime(2026, 11, 5, tzinfo=UTC)


def test_a_running_simulated_clock_keeps_moving_between_settings():
    clock = SimulatedClock(datetime(2026, 11, 2, tzinfo=UTC), running=True)
    first = clock.now()
    time.sleep(0.01)
    assert first >= datetime(2026, 11, 2, tzinfo=UTC) and clock.now() > first


def test_spiffworkflow_timers_read_the_bound_engine_clock():
    spiff_patches.install()
    moment = datetime(2030, 1, 1, 8, tzinfo=UTC)
    with bound(SimulatedClock(moment)):
        assert timer.datetime.now(UTC) == moment
    assert timer.datetime.now(UTC).year < 2030


START = datetime(2026, 11, 30, 1, tzinfo=UTC)


def node_clock(db, start: datetime = START) -> SimulatedClock:
    """What a node started with ``--simulated-clock START`` runs on (stopped here, so moments compare exactly)."""
    return SimulatedClock(start).attach(db)


def test_a_clock_move_by_one_node_is_seen_by_another(db):
    mover, other = node_clock(db), node_clock(db)
    mover.advance(timedelta(days=3))
    assert other.now() == START  # until it reads the database, as each node does before serving a request
    other.sync()
    assert other.now() == START + timedelta(days=3)


def test_the_shared_clock_moves_forward_only_from_the_time_any_node_set(db):
    mover, other = node_clock(db), node_clock(db)
    mover.set(START + timedelta(days=3))
    with pytest.raises(ClockError):
        other.set(START + timedelta(days=2))  # ``other`` had not synced: the stored time still wins
    assert other.advance(timedelta(days=1)) == START + timedelta(days=4)
    mover.sync()
    assert mover.now() == START + timedelta(days=4)


def test_a_restarted_node_takes_the_shared_clock_and_a_later_start_moves_it_for_all(db):
    first = node_clock(db)
    first.advance(timedelta(days=3))
    assert node_clock(db).now() == START + timedelta(days=3)  # restarted with its old --simulated-clock
    later = START + timedelta(days=10)
    assert node_clock(db, later).now() == later
    first.sync()
    assert first.now() == later


def test_a_running_shared_clock_keeps_running_on_every_node(db):
    mover = SimulatedClock(START, running=True).attach(db)
    mover.advance(timedelta(days=1))
    other = SimulatedClock(START, running=True).attach(db)
    assert START + timedelta(days=1) <= other.now() < START + timedelta(days=1, minutes=1)
    assert other.now() <= mover.now() + timedelta(seconds=1)


def test_every_node_serves_requests_at_the_time_another_node_set(db):
    from api.app import create_app
    from processes.service import Hotline
    from tests.api_helpers import Api
    from tests.hotline_helpers import intake, shanghai

    url = db.url.render_as_string(hide_password=False)
    node_a = Api(url)
    node_a.clock.attach(node_a.hotline.engine.db)
    node_b = create_app(Hotline.open(url, SimulatedClock(shanghai(2026, 11, 30, 9)).attach(db))).test_client()
    moved = node_a.post("admin", "/admin/clock", json={"advance": "P2D"}).get_json()["now"]
    assert datetime.fromisoformat(moved) == shanghai(2026, 12, 2, 9)
    response = node_b.post("/api/v1/cases", json=intake(),
                           headers={"Authorization": f"Bearer {node_a.tokens['operator']}"})
    assert response.status_code == 201, response.get_json()
    assert datetime.fromisoformat(response.get_json()["registered_at"]) == shanghai(2026, 12, 2, 9)
