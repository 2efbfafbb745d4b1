"""Workflows kept in memory between commands: faster, and never a different case than the database holds.

A node continues the workflow its last command on a case left in memory, instead of loading the saved state,
only while nobody has written the case since; a command that failed or was cut off leaves nothing behind; and
replay continues or loads exactly as each live command did, so every history still verifies.
"""

from __future__ import annotations

import pytest

from engine.case import Hooks
from engine.errors import Conflict, InvalidData, StepFailed
from engine.replay import Replayer
from engine.runtime import Engine
from tests.conftest import diagram_files
from tests.test_commands import events, open_task

BASIC = ("basic.bpmn", "request.json", "review.json")


@pytest.fixture
def node(engine):
    engine.deploy(diagram_files(*BASIC))
    return engine


def warm(engine, case) -> list[tuple[str, bool]]:
    return [(event.type, event.warm) for event in events(engine, case)]


def verified(engine, case) -> bool:
    return Replayer(engine).verify(case).replay_matches


def test_the_next_command_continues_the_workflow_in_memory_and_replay_does_the_same(node):
    case = node.start("basic", {}, "alice")
    node.claim(open_task(node, case)["id"], "alice")  # a claim moves the row's version, not the workflow
    node.complete_task(open_task(node, case)["id"], {"amount": 500}, "alice")
    node.complete_task(open_task(node, case)["id"], {"approved": True}, "bob")
    assert warm(node, case) == [("case_started", False), ("task_claimed", False), ("task_completed", True),
                                ("task_completed", True)]
    assert node.snapshot(case)["status"] == "completed"
    assert verified(node, case)


def test_a_case_written_by_another_node_is_loaded_again(node, db, clock):
    other = Engine(db, clock)
    case = node.start("basic", {}, "alice")
    fill = open_task(node, case)["id"]
    other.complete_task(fill, {"amount": 500}, "carol")  # the first node's workflow still waits in ``fill``
    with pytest.raises(Conflict):
        node.complete_task(fill, {"amount": 7}, "alice")
    node.complete_task(open_task(node, case)["id"], {"approved": False}, "bob")
    data = node.snapshot(case)["data"]
    assert (data["amount"], data["approved"], data["size"]) == (500, False, "big")
    assert warm(node, case) == [("case_started", False), ("task_completed", False), ("task_completed", False)]
    assert verified(node, case)


def test_a_refused_command_keeps_the_workflow_and_changes_nothing(node):
    case = node.start("basic", {}, "alice")
    fill = open_task(node, case)["id"]
    with pytest.raises(InvalidData):
        node.complete_task(fill, {"amount": "many"}, "alice")
    node.complete_task(fill, {"amount": 5}, "alice")
    assert node.snapshot(case)["data"]["amount"] == 5
    assert warm(node, case)[-1] == ("task_completed", True)
    assert verified(node, case)


def test_a_step_that_failed_leaves_no_trace_in_memory(engine):
    files = diagram_files(*BASIC)
    files["basic.bpmn"] = files["basic.bpmn"].replace(b"amount &gt; 100", b"missing_value &gt; 100")
    engine.deploy(files)
    case = engine.start("basic", {}, "alice")
    engine.deploy(diagram_files(*BASIC))  # the fix
    fill = open_task(engine, case)["id"]
    with pytest.raises(StepFailed):
        engine.complete_task(fill, {"amount": 500}, "alice")  # it ran half the step before failing
    engine.migrate(case, 2, "admin")
    engine.retry(case, "admin")
    engine.complete_task(fill, {"amount": 500}, "alice")
    assert engine.snapshot(case)["data"]["size"] == "big"
    assert [t["name"] for t in engine.snapshot(case)["open_tasks"]] == ["review"]
    assert warm(engine, case) == [("case_started", False), ("incident_raised", False), ("case_migrated", False),
                                  ("incident_retried", False), ("task_completed", True)]
    assert verified(engine, case)


def test_a_command_cut_off_before_its_commit_is_done_again_from_the_saved_state(db, clock):
    power = {"cut": True}

    def cut(*_args):
        if power["cut"]:
            raise RuntimeError("power cut")

    engine = Engine(db, clock, hooks=Hooks(on_saved=cut))
    engine.deploy(diagram_files(*BASIC))
    power["cut"] = False
    case = engine.start("basic", {}, "alice")
    fill = open_task(engine, case)["id"]
    power["cut"] = True
    with pytest.raises(RuntimeError):
        engine.complete_task(fill, {"amount": 500}, "alice")  # the workflow had moved on to ``review``
    power["cut"] = False
    engine.complete_task(fill, {"amount": 5}, "alice")
    assert engine.snapshot(case)["status"] == "completed"
    assert warm(engine, case) == [("case_started", False), ("task_completed", False)]
    assert verified(engine, case)
