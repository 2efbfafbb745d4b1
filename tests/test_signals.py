"""Signals delivered from outside: an intermediate catch event and an interrupting boundary event.

Replay applies the same effect from the recorded event, so verifying a signalled case proves the two agree.
"""

import pytest

from engine.errors import Conflict
from engine.replay import Replayer
from tests.conftest import diagram_files


@pytest.fixture
def signals(engine):
    engine.deploy(diagram_files("signals.bpmn", "review.json"))
    return engine


def only_task(engine, case):
    [task] = engine.snapshot(case)["open_tasks"]
    return task


def assert_replays(engine, case):
    verdict = Replayer(engine).verify(case)
    assert (verdict.chain_ok, verdict.replay_matches, verdict.reason) == (True, True, None)


def test_a_waiting_intermediate_signal_event_catches_the_signal(signals):
    case = signals.start("signals", {}, "designer")
    signals.complete_task(only_task(signals, case)["id"], {"approved": True}, "designer")
    signals.send_signal(case, "go_ahead", "designer")
    snapshot = signals.snapshot(case)
    assert (snapshot["status"], snapshot["data"]["outcome"], snapshot["open_tasks"]) == ("completed", "shipped", [])
    assert_replays(signals, case)


def test_a_signal_boundary_event_interrupts_its_task(signals):
    case = signals.start("signals", {}, "designer")
    signals.send_signal(case, "stop_order", "designer")
    snapshot = signals.snapshot(case)
    assert (snapshot["status"], snapshot["data"]["outcome"], snapshot["open_tasks"]) == ("completed", "stopped", [])
    assert_replays(signals, case)


@pytest.mark.parametrize("name", ["go_ahead", "no_such_signal"])
def test_a_signal_the_case_is_not_waiting_for_is_a_conflict_and_changes_nothing(signals, name):
    case = signals.start("signals", {}, "designer")
    before = signals.snapshot(case)
    with pytest.raises(Conflict, match=name):
        signals.send_signal(case, name, "designer")
    assert signals.snapshot(case) == before
    assert_replays(signals, case)
