"""Versions side by side and bulk migration on small diagrams: the engine's reports, the API and the shell."""

import json
from io import BytesIO

import pytest
from click.testing import CliRunner

from api.cli import main
from engine import bulk_migration
from engine.bundle import read_paths
from engine.diff import diff_files
from engine.errors import Conflict, NotFound
from engine.replay import Replayer
from processes.service import DIAGRAMS
from tests.conftest import diagram_files
from tests.external_helpers import edit, loan_approval
from tests.test_commands import events, open_task

FORMS = ("request.json", "review.json")
REVIEW_REMOVED = "task 'review' (READY) does not exist in the new version"


def review_replaced() -> dict[str, bytes]:
    """``basic`` whose review step was replaced by an ``approve`` step ending on its own end event."""
    files = diagram_files("basic.bpmn", *FORMS)
    bpmn = files["basic.bpmn"]
    for old, new in (('id="review" name="Review the request"', 'id="approve" name="Approve"'),
                     ('targetRef="review"', 'targetRef="approve"'),
                     ('sourceRef="review" targetRef="done"/>', 'sourceRef="approve" targetRef="approved"/>'
                      '<bpmn:endEvent id="approved"/>'),
                     ("<bpmn:flowNodeRef>review<", "<bpmn:flowNodeRef>approve<")):
        bpmn = edit(bpmn, old, new)
    return {**files, "basic.bpmn": bpmn}


@pytest.fixture
def cases(engine):
    """Version 1 of ``basic`` with a case waiting on ``fill``, one on ``review`` and one ended; version 2 replaces
    ``review``, so only the first can move."""
    engine.deploy(diagram_files("basic.bpmn", *FORMS))
    on_fill, on_review, ended = (engine.start("basic", {}, "alice") for _ in range(3))
    engine.complete_task(open_task(engine, on_review)["id"], {"amount": 500}, "alice")
    engine.complete_task(open_task(engine, ended)["id"], {"amount": 5}, "alice")
    engine.deploy(review_replaced())
    return on_fill, on_review


def test_compare_lists_changed_elements_and_whether_each_open_case_can_move(engine, cases):
    on_fill, on_review = cases
    comparison = bulk_migration.compare(engine, "basic", 1, 2)
    flow = {"type": "sequenceFlow", "name": None, "file": "basic.bpmn"}
    assert comparison.diff.as_dict() == {
        "files": {"added": [], "removed": [], "changed": ["basic.bpmn"]},
        "added": [{"id": "approve", "type": "userTask", "name": "Approve", "file": "basic.bpmn"},
                  {"id": "approved", "type": "endEvent", "name": None, "file": "basic.bpmn"}],
        "removed": [{"id": "review", "type": "userTask", "name": "Review the request", "file": "basic.bpmn"}],
        "changed": [{"id": "f4", **flow, "changes": [{"field": "sourceRef", "before": "review", "after": "approve"},
                                                     {"field": "targetRef", "before": "done", "after": "approved"}]},
                    {"id": "to_review", **flow,
                     "changes": [{"field": "targetRef", "before": "review", "after": "approve"}]}]}
    assert [(c.instance_id, c.can_move, c.reasons) for c in comparison.cases] == [
        (on_fill, True, []), (on_review, False, [REVIEW_REMOVED])]


def test_the_diff_says_what_changed_in_each_element_and_ignores_layout():
    before = diagram_files("timers.bpmn")["timers.bpmn"]
    after = edit(before, "<bpmn:timeDuration>PT2H</bpmn:timeDuration>", "<bpmn:timeDuration>PT3H</bpmn:timeDuration>")
    after = edit(after, 'name="Handle it" camunda:formKey="review"', 'name="Handle the case" camunda:formKey="request"')
    changed = diff_files({"timers.bpmn": before}, {"timers.bpmn": after}).as_dict()["changed"]
    assert [(c["id"], c["changes"]) for c in changed] == [
        ("handle", [{"field": "camunda:formKey", "before": "review", "after": "request"},
                    {"field": "name", "before": "Handle it", "after": "Handle the case"}]),
        ("remind", [{"field": "timerEventDefinition.timeDuration", "before": "PT2H", "after": "PT3H"}])]
    drawn = loan_approval()["loanApproval.bpmn"]
    moved = edit(drawn, '<dc:Bounds x="298" y="78"', '<dc:Bounds x="320" y="90"')
    layout_only = diff_files({"loan.bpmn": drawn}, {"loan.bpmn": moved})
    assert (layout_only.files_changed, layout_only.added, layout_only.removed, layout_only.changed) == (
        ["loan.bpmn"], [], [], [])


def test_migrate_all_moves_what_can_move_reports_the_rest_and_runs_again_safely(engine, cases):
    on_fill, on_review = cases
    report = bulk_migration.migrate_all(engine, "basic", 1, 2, "admin")
    assert (report.migrated, [(c.instance_id, c.reasons) for c in report.refused], report.already) == (
        [on_fill], [(on_review, [REVIEW_REMOVED])], [])
    again = bulk_migration.migrate_all(engine, "basic", 1, 2, "admin")
    assert (again.migrated, [c.instance_id for c in again.refused], again.already) == ([], [on_review], [on_fill])
    assert (engine.snapshot(on_fill)["version"], engine.snapshot(on_review)["version"]) == (2, 1)
    assert [e.data for e in events(engine, on_fill) if e.type == "case_migrated"] == [
        {"from_version": 1, "to_version": 2}]
    engine.complete_task(open_task(engine, on_fill)["id"], {"amount": 500}, "alice")
    assert [t["name"] for t in engine.snapshot(on_fill)["open_tasks"]] == ["approve"]  # the new version's path
    assert Replayer(engine).verify(on_fill).replay_matches


def test_a_dry_run_changes_nothing(engine, cases):
    on_fill, on_review = cases
    before = [len(events(engine, case)) for case in cases]
    report = bulk_migration.migrate_all(engine, "basic", 1, 2, "admin", dry_run=True)
    assert (report.migrated, [c.instance_id for c in report.refused]) == ([on_fill], [on_review])
    assert [len(events(engine, case)) for case in cases] == before
    assert engine.snapshot(on_fill)["version"] == 1


@pytest.mark.parametrize(("old", "new", "error"), [(1, 1, ValueError), (1, 3, NotFound), (9, 2, NotFound),
                                                   (1, 10**30, NotFound)])
def test_the_same_version_twice_or_an_unknown_one_is_refused(engine, cases, old, new, error):
    with pytest.raises(error):
        bulk_migration.migrate_all(engine, "basic", old, new, "admin")


# -- the API and the shell, on the hotline process --------------------------------------------------------
CALLBACK = "回访来电人 Call the caller back"


@pytest.fixture
def api(api):
    api.number = api.register()["number"]
    files = read_paths(list(DIAGRAMS))
    files["hotline_case.bpmn"] = edit(files["hotline_case.bpmn"], CALLBACK, "回访 Call back")
    upload = {"files": [(BytesIO(content), name) for name, content in files.items()]}
    assert api.post("designer", "/deployments", data=upload, content_type="multipart/form-data").status_code == 201
    return api


def test_designers_and_auditors_see_two_versions_side_by_side(api):
    for user in ("designer", "auditor", "admin"):
        body = api.get(user, "/processes/hotline_case/versions/1/diff/2").get_json()
        assert body == {
            "process_id": "hotline_case", "from_version": 1, "to_version": 2,
            "files": {"added": [], "removed": [], "changed": ["hotline_case.bpmn"]}, "added": [], "removed": [],
            "changed": [{"id": "callback", "type": "userTask", "name": "回访 Call back", "file": "hotline_case.bpmn",
                         "changes": [{"field": "name", "before": CALLBACK, "after": "回访 Call back"}]}],
            "cases": [{"case": api.number, "can_move": True, "reasons": []}]}
    assert api.get("designer", "/processes/hotline_case/versions/1/diff/7").status_code == 404
    assert api.get("designer", "/processes/nothing/versions/1/diff/2").status_code == 404


def test_an_administrator_moves_the_cases_of_a_version_dry_run_first(api):
    path = "/processes/hotline_case/migrations"
    dry = api.post("admin", path, json={"from": 1, "to": 2, "dry_run": True}).get_json()
    assert (dry["dry_run"], dry["migrated"], dry["already"], dry["refused"]) == (True, [api.number], [], [])
    assert api.get("admin", f"/cases/{api.number}").get_json()["version"] == 1
    done = api.post("admin", path, json={"from": 1, "to": 2}).get_json()
    assert (done["dry_run"], done["migrated"], done["already"]) == (False, [api.number], [])
    assert api.get("admin", f"/cases/{api.number}").get_json()["version"] == 2
    again = api.post("admin", path, json={"from": 1, "to": 2}).get_json()
    assert (again["migrated"], again["already"], again["refused"]) == ([], [api.number], [])
    assert api.get("auditor", f"/cases/{api.number}/verify").get_json()["replay_matches"] is True


@pytest.mark.parametrize(("body", "status"), [({"from": 1, "to": 1}, 400), ({"from": 1, "to": 5}, 404),
                                              ({"from": 1}, 400), ({"from": 1, "to": 2, "force": True}, 400),
                                              ({"from": "one", "to": 2}, 400)])
def test_bad_migration_requests_are_refused_and_move_nothing(api, body, status):
    response = api.post("admin", "/processes/hotline_case/migrations", json=body)
    assert (response.status_code, response.mimetype) == (status, "application/problem+json")
    assert api.get("admin", f"/cases/{api.number}").get_json()["version"] == 1


def test_diff_and_migrate_from_the_shell(api, db):
    def run(*args):
        return CliRunner().invoke(main, ["--database-url", db.url.render_as_string(hide_password=False), *args])

    shown = run("diff", "hotline_case", "1", "2")
    assert shown.exit_code == 0
    assert shown.output.splitlines() == [
        "hotline_case: version 1 → 2", "files changed: hotline_case.bpmn",
        "  ~ callback (userTask '回访 Call back')", f"      name: '{CALLBACK}' → '回访 Call back'",
        "open cases on version 1: 1 (1 can move, 0 cannot)", f"  {api.number}: can move"]
    dry = run("migrate", "hotline_case", "--from", "1", "--to", "2", "--dry-run", "--format", "json")
    assert (dry.exit_code, json.loads(dry.stdout)["migrated"]) == (0, [api.number])
    assert dry.stderr == "  1/1 cases checked\n"  # progress, apart from the report
    moved = run("migrate", "hotline_case", "--from", "1", "--to", "2")
    assert (moved.exit_code, moved.stdout.splitlines()[1:3]) == (0, ["moved: 1", "already on version 2: 0"])
    assert run("migrate", "hotline_case", "--from", "2", "--to", "2").exit_code == 1
    assert "has no version 3" in run("diff", "hotline_case", "1", "3").output


def test_moving_a_case_to_the_version_it_is_on_is_a_conflict_and_records_nothing(engine, cases):
    on_fill, _ = cases
    history = len(events(engine, on_fill))
    with pytest.raises(Conflict, match="already on version 1"):
        engine.migrate(on_fill, 1, "admin")
    assert len(events(engine, on_fill)) == history
