"""Administrators see the cases set aside by a failing step, and put them back to work after a fix."""

import pytest

from engine.bundle import read_paths
from processes.service import DIAGRAMS
from tests.api_helpers import USERS, Api

TRIAGE = {"treatment": "assignment", "complexity": "general", "departments": ["water"]}


def deploy_hotline(api: Api, broken: bool) -> int:
    files = read_paths(list(DIAGRAMS))
    if broken:
        files["hotline_case.bpmn"] = files["hotline_case.bpmn"].replace(
            b"deadline_days = deadline_days_for(complexity, departments)", b"deadline_days = no_such_value")
    return api.hotline.engine.deploy(files).version


def test_a_failing_step_is_an_incident_the_admin_lists_and_retries_after_a_fix(api):
    assert deploy_hotline(api, broken=True) == 2
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    response = api.post("dispatcher", f"/tasks/{task}/complete", json=TRIAGE)
    assert response.status_code == 409
    assert response.get_json()["task"] == "set_deadline"
    [incident] = api.get("admin", "/incidents").get_json()
    assert (incident["case"], incident["task"]) == (number, "set_deadline")
    assert "no_such_value" in incident["error"]
    assert api.post("dispatcher", f"/tasks/{task}/complete", json=TRIAGE).status_code == 409
    fixed = deploy_hotline(api, broken=False)  # the same files as version 1: version 1 again
    api.hotline.engine.migrate(api.hotline.case(number).instance_id, fixed, "admin")
    assert api.post("admin", f"/incidents/{number}/retry").get_json() == []
    case = api.post("dispatcher", f"/tasks/{task}/complete", json=TRIAGE).get_json()
    assert case["status"] == "in_progress"
    assert api.post("admin", f"/incidents/{number}/retry").status_code == 409


@pytest.mark.parametrize("user", [u for u in USERS if u != "admin"])
def test_only_admins_see_and_retry_incidents(api, user):
    number = api.register()["number"]
    assert api.get(user, "/incidents").status_code == 403
    assert api.post(user, f"/incidents/{number}/retry").status_code == 403
