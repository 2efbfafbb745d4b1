"""Moving running cases to a newer version: allowed where the diff permits, refused with reasons otherwise."""

import pytest

from engine.errors import Conflict
from tests.conftest import diagram_files
from tests.test_commands import events, open_task

FORMS = ("request.json", "review.json")


def test_a_case_moves_to_a_version_that_adds_a_later_step_and_then_follows_it(engine):
    engine.deploy(diagram_files("basic.bpmn", *FORMS))
    case = engine.start("basic", {}, "alice")
    assert engine.deploy(diagram_files("basic_archive.bpmn", *FORMS)).version == 2
    assert engine.migration_obstacles(case, 2) == []
    engine.migrate(case, 2, "admin")
    assert engine.snapshot(case)["version"] == 2
    engine.complete_task(open_task(engine, case)["id"], {"amount": 500}, "alice")
    engine.complete_task(open_task(engine, case, "review")["id"], {"approved": True}, "bob")
    engine.complete_task(open_task(engine, case, "archive")["id"], {}, "bob")
    assert engine.snapshot(case)["status"] == "completed"
    migrated = [e.data for e in events(engine, case) if e.type == "case_migrated"]
    assert migrated == [{"from_version": 1, "to_version": 2}]


def test_a_case_waiting_on_a_task_the_new_version_removed_is_refused_and_unchanged(engine):
    engine.deploy(diagram_files("basic.bpmn", *FORMS))
    case = engine.start("basic", {}, "alice")
    engine.deploy(diagram_files("basic_no_fill.bpmn", *FORMS))
    [reason] = engine.migration_obstacles(case, 2)
    assert "'fill'" in reason and "does not exist" in reason
    with pytest.raises(Conflict, match="fill"):
        engine.migrate(case, 2, "admin")
    assert engine.snapshot(case)["version"] == 1
    engine.complete_task(open_task(engine, case)["id"], {"amount": 5}, "alice")
    assert engine.snapshot(case)["status"] == "completed"


def test_new_cases_start_on_the_latest_version_without_the_removed_step(engine):
    engine.deploy(diagram_files("basic.bpmn", *FORMS))
    engine.deploy(diagram_files("basic_no_fill.bpmn", *FORMS))
    case = engine.start("basic", {"amount": 500}, "alice")
    assert [t["name"] for t in engine.snapshot(case)["open_tasks"]] == ["review"]
