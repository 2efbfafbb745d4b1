"""Two clerks completing the same task at once: exactly one wins, the other gets a conflict."""

import threading

from engine.errors import Conflict
from tests.conftest import diagram_files
from tests.test_commands import events, open_task


def _race(actions):
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        barrier.wait()
        try:
            action()
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_a_concurrent_completion_gives_one_success_and_one_conflict(engine):
    engine.deploy(diagram_files("basic.bpmn", "request.json", "review.json"))
    case = engine.start("basic", {}, "alice")
    task = open_task(engine, case)["id"]
    outcomes = _race([lambda: engine.complete_task(task, {"amount": 500}, "alice"),
                      lambda: engine.complete_task(task, {"amount": 7}, "bob")])
    assert outcomes == ["conflict", "ok"]
    completed = [e for e in events(engine, case) if e.type == "task_completed"]
    assert len(completed) == 1
    winner_went_to_review = completed[0].data == {"amount": 500}
    assert engine.snapshot(case)["status"] == ("running" if winner_went_to_review else "completed")


def test_a_concurrent_claim_gives_the_task_to_one_clerk(engine):
    engine.deploy(diagram_files("basic.bpmn", "request.json", "review.json"))
    case = engine.start("basic", {}, "alice")
    task = open_task(engine, case)["id"]
    assert _race([lambda: engine.claim(task, "alice"), lambda: engine.claim(task, "bob")]) == ["conflict", "ok"]
    assert open_task(engine, case)["assignee"] in {"alice", "bob"}
