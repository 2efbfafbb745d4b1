"""One clock for everything: simulated time moves only forward, and SpiffWorkflow's timers read it."""

from datetime import UTC, datetime, timedelta

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer

from engine.clock import ClockError, SimulatedClock, bound, install_spiff_clock


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
    assert clock.now() >= datetime(2026, 11, 2, tzinfo=UTC)


def test_spiffworkflow_timers_read_the_bound_engine_clock():
    install_spiff_clock()
    moment = datetime(2030, 1, 1, 8, tzinfo=UTC)
    with bound(SimulatedClock(moment)):
        assert timer.datetime.now(UTC) == moment
    assert timer.datetime.now(UTC).year < 2030
