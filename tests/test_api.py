"""The HTTP API as staff, designers and administrators use it (both databases)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import threading
from datetime import timedelta

import pytest

from tests.api_helpers import USERS
from tests.conftest import DIAGRAMS
from tests.hotline_helpers import CALLER, intake

TRIAGE = {"treatment": "assignment", "complexity": "general", "departments": ["water"]}


def test_health_and_the_openapi_document_need_no_token(api):
    assert api.get(None, "/health").get_json() == {"status": "ok", "database": "ok", "scheduler": "stopped"}
    spec = api.get(None, "/openapi.json").get_json()
    assert "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_missing_or_unknown_tokens_get_401(api, header):
    headers = {"Authorization": header} if header else {}
    response = api.client.get("/api/v1/cases", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"


def test_a_revoked_token_gets_401(api):
    api.hotline.users.revoke("leader")
    assert api.get("leader", "/cases").status_code == 401


def test_the_walk_through_from_call_to_closed_case(api):
    case = api.register(departments=["water"])
    assert (case["status"], [t["name"] for t in case["open_tasks"]]) == ("triage", ["triage"])
    case = api.complete("dispatcher", case["number"], "triage", TRIAGE)
    assert (case["status"], case["treatment"], case["due_at"]) == ("in_progress", "assignment",
                                                                   "2026-12-07T15:59:59+00:00")
    case = api.complete("water", case["number"], "handle", {"outcome": "handled", "summary": "已恢复供水"})
    case = api.complete("dispatcher", case["number"], "review_result", {"adequate": True})
    case = api.complete("operator", case["number"], "callback", {"reached": True, "satisfaction": "satisfied"})
    assert (case["status"], case["satisfaction"], case["open_tasks"]) == ("closed", "satisfied", [])
    assert api.get("auditor", f"/cases/{case['number']}").get_json()["status"] == "closed"


def test_lists_filter_and_paginate(api):
    numbers = [api.register()["number"] for _ in range(3)]
    api.complete("dispatcher", numbers[0], "triage", TRIAGE)
    listed = api.get("supervisor", "/cases?per_page=2&page=1").get_json()
    assert (listed["total"], len(listed["items"]), listed["items"][0]["number"]) == (3, 2, numbers[2])
    last = api.get("supervisor", "/cases?per_page=2&page=2").get_json()
    assert (last["total"], [c["number"] for c in last["items"]]) == (3, numbers[:1])
    assert [c["number"] for c in api.get("supervisor", "/cases?status=in_progress").get_json()["items"]] == numbers[:1]
    assert api.get("supervisor", "/cases?department=water").get_json()["total"] == 1
    assert api.get("supervisor", "/cases?from=2026-12-01T00:00:00%2B08:00").get_json()["total"] == 0
    assert api.get("dispatcher", "/tasks?name=triage").get_json()["total"] == 2


def test_a_department_sees_only_its_own_cases_and_tasks(api):
    number = api.register()["number"]
    api.complete("dispatcher", number, "triage", TRIAGE)
    assert api.get("water", f"/cases/{number}").status_code == 200
    assert api.get("housing", f"/cases/{number}").status_code == 404
    assert api.get("housing", "/cases").get_json()["total"] == 0
    task = api.task("water", number, "handle")
    assert api.get("housing", "/tasks").get_json()["total"] == 0
    for action in ("", "/claim", "/unclaim"):
        method = api.get if not action else api.post
        assert method("housing", f"/tasks/{task['id']}{action}").status_code == 404
    assert api.post("housing", f"/tasks/{task['id']}/complete", json={}).status_code == 404


def test_a_confidential_caller_is_masked_for_roles_that_may_not_see_it(api):
    number = api.register(confidential=True)["number"]
    for user in ("operator", "supervisor", "auditor", "admin"):
        assert api.get(user, f"/cases/{number}").get_json()["caller"] == CALLER
    for user in ("dispatcher", "leader"):
        caller = api.get(user, f"/cases/{number}").get_json()["caller"]
        assert caller == {"name": "张*", "phone": "*******8000", "work_unit": "***", "address": "***"}
    task = api.task("dispatcher", number, "triage")
    data = api.get("dispatcher", f"/tasks/{task['id']}").get_json()["data"]
    assert data["caller"]["phone"] == "*******8000" and "13800138000" not in str(data)


def test_a_task_shows_its_form_and_the_case_data(api):
    number = api.register(departments=["water"])["number"]
    task = api.get("dispatcher", f"/tasks/{api.task('dispatcher', number, 'triage')['id']}").get_json()
    assert task["form"] == "triage"
    assert "water" in task["schema"]["properties"]["departments"]["items"]["enum"]
    assert task["data"]["suggested_treatment"] == "assignment"


def test_titles_follow_accept_language(api):
    number = api.register()["number"]
    english = api.get("dispatcher", f"/tasks?case={number}", headers={"Accept-Language": "en"}).get_json()
    chinese = api.get("dispatcher", f"/tasks?case={number}").get_json()
    assert (english["items"][0]["title"], chinese["items"][0]["title"]) == ("Triage and dispatch", "分流派单")


def test_claims_race_and_only_the_holder_completes(api):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    api.tokens["dispatcher2"] = api.hotline.users.add("dispatcher2", "dispatcher")
    results, barrier = [], threading.Barrier(2)

    def claim(user):
        barrier.wait()
        results.append(api.post(user, f"/tasks/{task}/claim").status_code)

    threads = [threading.Thread(target=claim, args=(u,)) for u in ("dispatcher", "dispatcher2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [200, 409]
    holder = api.get("dispatcher", f"/tasks/{task}").get_json()["assignee"]
    other = "dispatcher" if holder != "dispatcher" else "dispatcher2"
    assert api.post(other, f"/tasks/{task}/complete", json=TRIAGE).status_code == 409
    assert api.post(other, f"/tasks/{task}/unclaim").status_code == 409
    assert api.post(holder, f"/tasks/{task}/unclaim").get_json()["assignee"] is None
    assert api.post(other, f"/tasks/{task}/claim").get_json()["assignee"] == other
    assert api.get("dispatcher", "/tasks?assignee=me").get_json()["total"] == (1 if other == "dispatcher" else 0)


def test_a_completed_task_answers_409(api):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    assert api.post("dispatcher", f"/tasks/{task}/complete", json=TRIAGE).status_code == 200
    assert api.post("dispatcher", f"/tasks/{task}/complete", json=TRIAGE).status_code == 409


def test_outside_events_withdraw_and_supplement(api):
    number = api.register()["number"]
    case = api.post("operator", f"/cases/{number}/events/supplement", json={"content": "又停水了"}).get_json()
    assert case["supplements"][0]["content"] == "又停水了"
    merged = api.post("operator", f"/cases/{number}/events/repeat_call",
                      json={"caller": {"name": "李四", "phone": "13900139000"}, "content": "同一问题"}).get_json()
    assert merged["repeat_calls"][0]["caller"]["name"] == "李四"
    case = api.post("operator", f"/cases/{number}/events/withdraw", json={"reason": "已解决"}).get_json()
    assert (case["status"], case["open_tasks"]) == ("withdrawn", [])
    assert api.post("operator", f"/cases/{number}/events/withdraw", json={"reason": "again"}).status_code == 409


def test_designers_deploy_validate_and_download_exact_files(api):
    bpmn = (DIAGRAMS / "timers.bpmn").read_bytes()
    form = (DIAGRAMS / "review.json").read_bytes()
    files = {"files": [(bpmn_io(bpmn), "timers.bpmn"), (bpmn_io(form), "review.json")]}
    response = api.post("designer", "/deployments/validate", data=files, content_type="multipart/form-data")
    report = response.get_json()
    assert (report["valid"], report["errors"]) == (True, [])
    assert [(w["rule"], w["element_id"]) for w in report["warnings"]] == [("no_lane", "handle"),
                                                                         ("no_lane", "escalated")]
    files = {"files": [(bpmn_io(bpmn), "timers.bpmn"), (bpmn_io(form), "review.json")]}
    response = api.post("designer", "/deployments", data=files, content_type="multipart/form-data")
    assert (response.status_code, response.get_json()["version"]) == (201, 1)
    assert {"process_id": "timers", "latest_version": 1, "current_version": 1} in api.get(
        "designer", "/processes").get_json()
    [version] = api.get("designer", "/processes/timers/versions").get_json()
    assert (version["version"], version["files"]) == (1, ["review.json", "timers.bpmn"])
    assert api.get("auditor", "/processes/timers/versions/1/files/timers.bpmn").data == bpmn
    assert api.get("auditor", "/processes/timers/versions/9/files/timers.bpmn").status_code == 404


def test_a_broken_deployment_lists_every_problem_with_element_and_line(api):
    files = {"files": [(bpmn_io((DIAGRAMS / "basic.bpmn").read_bytes()), "basic.bpmn")]}
    response = api.post("designer", "/deployments", data=files, content_type="multipart/form-data")
    body = response.get_json()
    assert response.status_code == 400
    assert {(p["element_id"], p["file"]) for p in body["problems"]} == {("fill", "basic.bpmn"),
                                                                        ("review", "basic.bpmn")}
    assert all(p["line"] for p in body["problems"])


def test_the_simulated_clock_moves_forward_and_fires_due_timers(api):
    number = api.register()["number"]
    api.complete("dispatcher", number, "triage", TRIAGE)
    assert api.post("admin", "/admin/clock", json={"advance": "P8D"}).get_json() == {
        "now": "2026-12-08T01:00:00+00:00", "fired": 1}
    assert api.get("supervisor", f"/cases/{number}").get_json()["overdue"] is True
    assert api.post("admin", "/admin/clock", json={"set": "2026-12-01T00:00:00+08:00"}).status_code == 409
    assert api.post("admin", "/admin/clock", json={"advance": "P1D", "set": "2027-01-01T00:00:00+08:00"}
                    ).status_code == 400


def test_departments_are_listed_for_staff(api):
    departments = api.get("water", "/departments").get_json()
    assert {"code": "water", "name": "县水务局", "deadline_days": 5} in departments


def test_auditors_read_replay_and_verify_a_case(api):
    number = api.register(confidential=True)["number"]
    api.clock.advance(timedelta(minutes=5))
    api.complete("dispatcher", number, "triage", TRIAGE)
    events = api.get("auditor", f"/cases/{number}/history").get_json()
    assert [(e["seq"], e["type"], e["actor"]) for e in events] == [(1, "case_started", "operator"),
                                                                    (2, "task_completed", "dispatcher")]
    assert events[1]["task_title"] == "分流派单"
    assert events[0]["data"]["data"]["caller"]["phone"] == "13800138000"  # auditors see confidential callers
    english = api.get("auditor", f"/cases/{number}/history", headers={"Accept-Language": "en"}).get_json()
    assert (english[0]["summary"], english[1]["task_title"]) == ("call registered, case started", "Triage and dispatch")
    lines = api.get("auditor", f"/cases/{number}/history?format=jsonl").data.decode().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2]
    exported = api.get("admin", f"/cases/{number}/history?format=csv").data
    assert exported.startswith(codecs.BOM_UTF8)  # Excel reads Chinese right only with it
    table = list(csv.DictReader(io.StringIO(exported.decode("utf-8-sig"))))
    assert [(row["seq"], row["type"]) for row in table] == [("1", "case_started"), ("2", "task_completed")]
    before = api.get("auditor", f"/cases/{number}/replay?at=2026-11-30T01:00:00%2B00:00").get_json()
    assert (before["status"], [t["name"] for t in before["open_tasks"]]) == ("triage", ["triage"])
    assert api.get("auditor", f"/cases/{number}/verify").get_json() == {
        "chain_ok": True, "replay_matches": True, "events": 2, "first_bad_event": None, "reason": None}


@pytest.mark.parametrize("query", ["", "?at=yesterday", "?at=2026-11-30T09:00:00", "?at=x&y=1"])
def test_replay_needs_a_moment_with_a_time_zone(api, query):
    number = api.register()["number"]
    assert api.get("auditor", f"/cases/{number}/replay{query}").status_code == 400


def bpmn_io(content: bytes):
    import io

    return io.BytesIO(content)


# -- every role against every endpoint it must not use ------------------------------------------------
ENDPOINTS = [
    ("POST", "/cases", {"operator"}),
    ("POST", "/cases/{number}/events/withdraw", {"operator"}),
    ("POST", "/cases/{number}/events/supplement", {"operator"}),
    ("POST", "/cases/{number}/events/repeat_call", {"operator"}),
    ("POST", "/cases/{number}/events/fee_paid", {"designer"}),
    ("POST", "/processes/permit/cases", {"designer"}),
    ("POST", "/processes/hotline_case/cases", set()),
    ("GET", "/cases", set(USERS) - {"designer"}),
    ("GET", "/cases/{number}", set(USERS)),
    ("GET", "/tasks", set(USERS)),
    ("GET", "/departments", set(USERS) - {"designer"}),
    ("POST", "/deployments", {"designer"}),
    ("POST", "/deployments/validate", {"designer"}),
    ("GET", "/processes", {"designer", "auditor"}),
    ("GET", "/processes/hotline_case/versions", {"designer", "auditor"}),
    ("GET", "/processes/hotline_case/versions/1/files/hotline_case.bpmn", {"designer", "auditor"}),
    ("GET", "/processes/hotline_case/versions/1/diff/1", {"designer", "auditor"}),
    ("POST", "/processes/hotline_case/migrations", set()),
    ("POST", "/tasks/00000000-0000-0000-0000-000000000000/error", set(USERS)),
    ("POST", "/tasks/00000000-0000-0000-0000-000000000000/escalation", set(USERS)),
    ("POST", "/admin/clock", set()),
    ("GET", "/cases/{number}/history", {"auditor", "designer"}),
    ("GET", "/cases/{number}/replay?at=2026-12-01T00:00:00%2B08:00", {"auditor", "designer"}),
    ("GET", "/cases/{number}/verify", {"auditor", "designer"}),
    ("GET", "/cases/{number}/similar", set(USERS) - {"designer"}),
    ("POST", "/cases/{number}/merge", {"operator"}),
    ("GET", "/knowledge", set(USERS) - {"designer"}),
    ("POST", "/knowledge", {"supervisor"}),
    ("PATCH", "/knowledge/1", {"supervisor"}),
    ("POST", "/knowledge/imports", {"supervisor"}),
    ("POST", "/knowledge/proposals", {"supervisor"}),
    ("GET", "/knowledge/usage", {"leader", "supervisor", "auditor"}),
    ("GET", "/hotspots", {"leader", "supervisor", "auditor"}),
]
FORBIDDEN = [(method, path, user) for method, path, allowed in ENDPOINTS for user in USERS
             if user not in allowed | {"admin"}]


@pytest.mark.parametrize(("method", "path", "user"), FORBIDDEN)
def test_roles_may_not_use_endpoints_outside_their_role(api, method, path, user):
    number = api.register()["number"]
    before = api.get("admin", f"/cases/{number}").get_json()
    response = api.request(method, user, path.format(number=number), json={"reason": "x"})
    assert response.status_code == 403
    assert response.get_json()["status"] == 403
    assert api.get("admin", f"/cases/{number}").get_json() == before


@pytest.mark.parametrize("user", [u for u in USERS if u not in {"dispatcher", "admin"}])
def test_only_a_tasks_candidates_may_claim_or_complete_it(api, user):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    for action, body in (("claim", None), ("complete", TRIAGE)):
        assert api.post(user, f"/tasks/{task}/{action}", json=body).status_code == 404  # not theirs to know
    assert api.get("admin", f"/cases/{number}").get_json()["status"] == "triage"


# -- bad input: a clear 4xx, and nothing changes ----------------------------------------------------------
@pytest.mark.parametrize(("body", "field"), [
    ({**intake(), "surprise": 1}, "surprise"),
    ({**intake(), "category": "weather"}, "category"),
    ({**intake(), "confidential": "yes"}, "confidential"),
    ({**intake(), "caller": {"name": "张三", "phone": "not a phone"}}, "caller.phone"),
    ({**intake(), "content": ""}, "content"),
    ({**intake(), "departments": ["nowhere"]}, "departments.0"),
])
def test_bad_intake_is_refused_with_per_field_errors_and_opens_no_case(api, body, field):
    response = api.post("operator", "/cases", json=body)
    assert response.status_code == 400, response.get_json()
    assert field in response.get_json()["errors"]
    assert api.get("admin", "/cases").get_json()["total"] == 0


@pytest.mark.parametrize(("data", "field"), [
    ({"treatment": "teleport", "complexity": "general", "departments": []}, "treatment"),
    ({**TRIAGE, "departments": ["nowhere"]}, "departments.0"),
    ({**TRIAGE, "note": "x" * 5000}, "note"),
    ({**TRIAGE, "extra": True}, "extra"),
    ({"complexity": "general", "departments": []}, "treatment"),
])
def test_task_data_that_breaks_the_form_is_refused_and_the_task_stays_open(api, data, field):
    number = api.register()["number"]
    task = api.task("dispatcher", number, "triage")["id"]
    response = api.post("dispatcher", f"/tasks/{task}/complete", json=data)
    assert response.status_code == 400
    assert field in response.get_json()["errors"]
    assert api.get("dispatcher", f"/tasks/{task}").status_code == 200


@pytest.mark.parametrize(("path", "kwargs", "status"), [
    ("/cases", {"data": "{not json", "content_type": "application/json"}, 400),
    ("/cases", {"data": "[1, 2]", "content_type": "application/json"}, 400),
    ("/cases", {"json": {**intake(), "content": "x" * 300_000}}, 413),
])
def test_malformed_and_oversized_bodies_are_refused(api, path, kwargs, status):
    response = api.post("operator", path, **kwargs)
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    assert api.get("admin", "/cases").get_json()["total"] == 0


@pytest.mark.parametrize("query", ["page=0", "per_page=1000", "status=lost", "overdue=perhaps", "from=yesterday",
                                   "from=2026-11-30T09:00:00", "surprise=1"])
def test_bad_query_parameters_are_refused(api, query):
    response = api.get("supervisor", f"/cases?{query}")
    assert response.status_code == 400
    assert response.get_json()["errors"]


def test_unknown_things_are_404_with_a_problem(api):
    for path in ("/cases/12345-20261130-9999", "/tasks/00000000-0000-0000-0000-000000000000", "/nothing"):
        response = api.get("admin", path)
        assert (response.status_code, response.mimetype) == (404, "application/problem+json")
