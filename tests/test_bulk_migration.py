"""A few hundred running hotline cases move to a slightly changed version of the procedure at once."""

from sqlalchemy import select

from engine.bundle import read_paths
from engine.models import OpenTask
from engine.replay import Replayer
from processes import versions
from processes.service import DIAGRAMS
from tests.external_helpers import edit
from tests.hotline_helpers import Desk

CALLBACK = "回访来电人 Call the caller back"
RENAMED = "回访来电人并记录满意度 Call the caller back and record satisfaction"
MULTI_INSTANCE = "multi-instance task 'handle' is running; move the case once it has finished"


def deploy_renamed_callback(desk: Desk) -> int:
    files = read_paths(list(DIAGRAMS))
    files["hotline_case.bpmn"] = edit(files["hotline_case.bpmn"], CALLBACK, RENAMED)
    return desk.hotline.engine.deploy(files, "designer").version


def test_a_few_hundred_running_cases_move_and_those_with_running_department_work_are_reported(desk):
    numbers = [desk.call(departments=["water"]) for _ in range(300)]
    handling, replying, closed = numbers[:25], numbers[25:50], numbers[50:55]
    for number in handling:
        desk.triage(number, "assignment", ["water", "housing"])
    for number in replying + closed:
        desk.triage(number, "immediate", [])
    for number in closed:
        desk.do(number, "immediate_reply", {"mode": "direct", "reply": "已答复"})
        desk.do(number, "callback", {"reached": True, "satisfaction": "satisfied"})
    assert deploy_renamed_callback(desk) == 2
    movable = replying + numbers[55:]

    report = versions.migrate(desk.hotline, "hotline_case", 1, 2, "admin:wang")
    assert sorted(report["migrated"]) == sorted(movable)
    assert report["refused"] == [{"case": number, "reasons": [MULTI_INSTANCE]} for number in handling]
    assert report["already"] == []

    again = versions.migrate(desk.hotline, "hotline_case", 1, 2, "admin:wang")
    assert (again["migrated"], sorted(again["already"]), again["refused"]) == ([], sorted(movable), report["refused"])

    replayer = Replayer(desk.hotline.engine)
    verdicts = [replayer.verify(desk.hotline.case(number).instance_id) for number in movable]
    assert all(v.chain_ok and v.replay_matches for v in verdicts)
    assert {desk.hotline.engine.snapshot(desk.hotline.case(n).instance_id)["version"] for n in movable} == {2}
    assert {desk.hotline.engine.snapshot(desk.hotline.case(n).instance_id)["version"] for n in handling} == {1}


def test_a_moved_case_goes_on_along_the_new_version_and_a_refused_one_finishes_on_its_own(desk):
    moved, kept = desk.call(), desk.call(departments=["water"])
    desk.triage(moved, "immediate", [])
    desk.triage(kept, "assignment", ["water", "housing"])
    deploy_renamed_callback(desk)
    versions.migrate(desk.hotline, "hotline_case", 1, 2, "admin:wang")
    desk.do(moved, "immediate_reply", {"mode": "direct", "reply": "已答复"})
    assert [t.title for t in desk.tasks(moved)] == [RENAMED]
    for department in ("water", "housing"):
        desk.do(kept, "handle", {"outcome": "handled", "summary": "已处理"}, group=department)
    desk.do(kept, "review_result", {"adequate": True})
    assert [t.title for t in desk.tasks(kept)] == [CALLBACK]
    with desk.hotline.engine.session() as session:
        assert session.scalar(select(OpenTask.name).where(OpenTask.title == RENAMED)) == "callback"
