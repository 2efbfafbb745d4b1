"""A multi-instance activity runs at most MAX_CARDINALITY instances: a number written in the diagram is checked
at deploy, a count known only at run time (an expression, the size of the input collection) when the activity
starts, before any instance exists."""

import pytest

from engine.errors import StepFailed
from engine.limits import MAX_CARDINALITY
from tests.design_helpers import diagram, flows, problems_by_rule, task
from tests.test_commands import open_task


def repeated(loop: str, sequential: bool = False) -> dict[str, bytes]:
    """A user task ``fill``, then a multi-instance script task ``each`` with the given loop characteristics
    (``items`` is a list of ``int(note)`` zeros, ``note`` the answer given in ``fill``)."""
    order = ' isSequential="true"' if sequential else ""
    body = ('<bpmn:startEvent id="start"/>' + task("fill")
            + '<bpmn:scriptTask id="collect"><bpmn:script>items = [0] * int(note)</bpmn:script></bpmn:scriptTask>'
            f'<bpmn:scriptTask id="each"><bpmn:multiInstanceLoopCharacteristics{order}>{loop}'
            "</bpmn:multiInstanceLoopCharacteristics><bpmn:script>done = True</bpmn:script></bpmn:scriptTask>"
            '<bpmn:endEvent id="end"/>' + flows("start>fill", "fill>collect", "collect>each", "each>end"))
    return diagram(body)


def cardinality(value: str) -> str:
    return f"<bpmn:loopCardinality>{value}</bpmn:loopCardinality>"


COLLECTION = '<bpmn:loopDataInputRef>items</bpmn:loopDataInputRef><bpmn:inputDataItem id="item" name="item"/>'


def test_a_written_cardinality_over_the_ceiling_is_refused_at_deploy(engine):
    [problem] = [p for p in engine.validate(repeated(cardinality("8000"))) if p.severity == "error"]
    assert (problem.element_id, problem.rule, problem.message) == (
        "each", "loop", f"loop cardinality 8000 is more than the {MAX_CARDINALITY} instances one activity may run")
    assert problem.hint.startswith(f"run at most {MAX_CARDINALITY} instances")


def test_a_written_cardinality_at_the_ceiling_is_accepted_and_runs(engine):
    engine.deploy(repeated(cardinality(str(MAX_CARDINALITY))))
    case = engine.start("p", {}, "clerk")
    engine.complete_task(open_task(engine, case, "fill")["id"], {"note": "1"}, "clerk")
    assert engine.snapshot(case)["status"] == "completed"


@pytest.mark.parametrize(("loop", "sequential"), [
    (cardinality("int(note)"), False), (cardinality("int(note)"), True), (COLLECTION, False), (COLLECTION, True)],
    ids=["parallel cardinality", "sequential cardinality", "parallel collection", "sequential collection"])
def test_a_count_over_the_ceiling_known_only_at_run_time_fails_the_step_before_any_instance(engine, loop, sequential):
    files = repeated(loop, sequential)
    assert problems_by_rule(engine.validate(files)) == []
    engine.deploy(files)
    case = engine.start("p", {}, "clerk")
    with pytest.raises(StepFailed) as failed:
        engine.complete_task(open_task(engine, case, "fill")["id"], {"note": "8000"}, "clerk")
    assert (failed.value.task, str(failed.value)) == (
        "each", f"the multi-instance activity would run 8000 instances; at most {MAX_CARDINALITY} may run")
    snapshot = engine.snapshot(case)
    assert (snapshot["status"], [t["name"] for t in snapshot["open_tasks"]]) == ("incident", ["fill"])


@pytest.mark.parametrize("loop", [cardinality("int(note)"), COLLECTION], ids=["cardinality", "collection"])
def test_a_count_at_the_ceiling_known_only_at_run_time_runs_every_instance(engine, loop):
    engine.deploy(repeated(loop))
    case = engine.start("p", {}, "clerk")
    engine.complete_task(open_task(engine, case, "fill")["id"], {"note": str(MAX_CARDINALITY)}, "clerk")
    assert engine.snapshot(case)["status"] == "completed"
