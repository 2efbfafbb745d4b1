"""Dispatch disputes (派单异议): a department returns a case saying why, the dispatcher decides and dispatches again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from processes.reports.models import CaseReturn

TRIAGE = {"treatment": "assignment", "complexity": "general", "departments": ["housing"]}
RETURN = {"outcome": "return", "summary": "本局不负责供水", "return_kind": "wrong_department",
          "return_reason": "供水管网归水务局管理", "suggested_department": "water"}


def returned(api, data=RETURN):
    number = api.register()["number"]
    api.complete("dispatcher", number, "triage", TRIAGE)
    api.complete("housing", number, "handle", data)
    return number


def returns(api, number):
    """The case's returns as reports see them: (department, kind, suggested department, upheld)."""
    with api.hotline.engine.session() as session:
        instance_id = api.hotline.case(number).instance_id
        rows = session.execute(select(CaseReturn.department, CaseReturn.kind, CaseReturn.suggested_department,
                                      CaseReturn.upheld).where(CaseReturn.instance_id == instance_id)
                               .order_by(CaseReturn.id))
        return [tuple(row) for row in rows]


def test_an_upheld_return_is_dispatched_again_at_once_to_the_department_named(api):
    number = returned(api)
    case = api.get("dispatcher", f"/cases/{number}").get_json()
    assert (case["status"], [t["name"] for t in case["open_tasks"]], case["returns"]) == (
        "triage", ["decide_dispute"], 1)
    task = api.task("dispatcher", number, "decide_dispute")
    detail = api.get("dispatcher", f"/tasks/{task['id']}").get_json()
    fields = set(detail["schema"]["properties"])
    assert {"upheld", "dispute_comment", "treatment", "complexity", "departments"} <= fields
    [report] = detail["data"]["department_reports"]
    assert (report["return_kind"], report["suggested_department"]) == ("wrong_department", "water")
    assert returns(api, number) == [("housing", "wrong_department", "water", None)]
    answer = api.complete("dispatcher", number, "decide_dispute", {
        "upheld": True, "dispute_comment": "派单有误", "treatment": "assignment", "complexity": "general",
        "departments": ["water"]})
    assert (answer["status"], answer["departments"], [(t["name"], t["department"]) for t in answer["open_tasks"]]) == (
        "in_progress", ["water"], [("handle", "water")])
    assert returns(api, number) == [("housing", "wrong_department", "water", True)]
    assert api.get("auditor", f"/cases/{number}/verify").get_json()["replay_matches"] is True


def test_a_rejected_return_goes_back_to_the_same_department(api):
    number = returned(api, {**RETURN, "return_kind": "not_our_responsibility", "suggested_department": "water"})
    api.complete("dispatcher", number, "decide_dispute", {"upheld": False, "dispute_comment": "属住建局职责",
                                                          **TRIAGE})
    assert [(t["name"], t["department"]) for t in api.get("housing", f"/cases/{number}").get_json()["open_tasks"]] \
        == [("handle", "housing")]
    assert returns(api, number) == [("housing", "not_our_responsibility", "water", False)]


def test_insufficient_information_names_no_department(api):
    data = {"outcome": "return", "summary": "地址不详", "return_kind": "insufficient_information",
            "return_reason": "无法确定具体位置"}
    number = returned(api, data)
    assert returns(api, number) == [("housing", "insufficient_information", None, None)]


@pytest.mark.parametrize(("data", "field"), [
    ({"outcome": "return", "summary": "x", "return_reason": "职责不符"}, "return_kind"),
    ({**RETURN, "return_kind": "bored"}, "return_kind"),
    ({**RETURN, "suggested_department": "no_such_department"}, "suggested_department"),
    ({key: value for key, value in RETURN.items() if key != "return_reason"}, "return_reason"),
])
def test_a_return_without_its_reason_is_refused_and_changes_nothing(api, data, field):
    number = api.register()["number"]
    api.complete("dispatcher", number, "triage", TRIAGE)
    task = api.task("housing", number, "handle")
    response = api.post("housing", f"/tasks/{task['id']}/complete", json=data)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]
    assert [t["name"] for t in api.get("housing", f"/cases/{number}").get_json()["open_tasks"]] == ["handle"]
    assert returns(api, number) == []


@pytest.mark.parametrize("data", [
    {"treatment": "assignment", "complexity": "general", "departments": ["water"]},   # no decision
    {"upheld": "yes", "treatment": "assignment", "complexity": "general", "departments": ["water"]},
    {"upheld": True, "treatment": "assignment", "complexity": "general", "departments": []},
])
def test_a_decision_without_a_verdict_or_a_dispatch_is_refused_and_changes_nothing(api, data):
    number = returned(api)
    task = api.task("dispatcher", number, "decide_dispute")
    assert api.post("dispatcher", f"/tasks/{task['id']}/complete", json=data).status_code == 400
    assert api.task("dispatcher", number, "decide_dispute")["id"] == task["id"]
    assert returns(api, number) == [("housing", "wrong_department", "water", None)]
