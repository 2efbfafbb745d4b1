"""Designers start and work cases of any deployed process over HTTP, and the hotline's hooks leave them alone.

``permit`` (tests/diagrams/permit.bpmn) is a small non-hotline process: a user task with a form, then a message,
a signal and a two-hour timer; both databases.
"""

from __future__ import annotations

import io
import re

import pytest

from processes.departments import Directory
from processes.engine_hooks import enum_filler
from processes.history import verify_all
from tests.api_helpers import USERS, Api
from tests.conftest import DIAGRAMS
from tests.hotline_helpers import intake
from tests.test_api import TRIAGE

NUMBER = re.compile(r"^12345-\d{8}-\d{4}$")


@pytest.fixture
def api(api):
    files = {"files": [(io.BytesIO((DIAGRAMS / name).read_bytes()), name)
                       for name in ("permit.bpmn", "application.json")]}
    response = api.post("designer", "/deployments", data=files, content_type="multipart/form-data")
    assert response.status_code == 201, response.get_json()
    return api


def start(api: Api, data: dict | None = None, user: str = "designer") -> dict:
    response = api.post(user, "/processes/permit/cases", json={"data": data or {"applicant": "王五"}})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def send(api: Api, number: str, name: str, body: dict | None = None, user: str = "designer"):
    return api.post(user, f"/cases/{number}/events/{name}", json=body or {})


def test_a_case_of_any_process_is_started_worked_signalled_timed_replayed_and_verified(api):
    case = start(api)
    number = case["number"]
    assert NUMBER.match(number)
    assert (case["status"], case["process_id"], case["version"]) == ("running", "permit", 1)
    assert (case["data"], [t["name"] for t in case["open_tasks"]]) == ({"applicant": "王五"}, ["handle"])
    assert api.get("designer", f"/cases/{number}").get_json() == case

    [task] = api.get("designer", f"/tasks?case={number}").get_json()["items"]
    assert (task["case"], task["title"], task["form"]) == (number, "Handle the application", "application")
    assert api.get("designer", f"/tasks/{task['id']}").get_json()["schema"]["required"] == ["fee"]
    assert api.post("designer", f"/tasks/{task['id']}/complete", json={"fee": 50}).status_code == 200

    early = send(api, number, "site_inspected")  # it waits for the fee first
    assert (early.status_code, early.get_json()["detail"]) == (
        409, "案件未在等待“site_inspected”（它在等待的消息和信号：fee_paid）")  # Chinese by default
    case = send(api, number, "fee_paid", {"data": {"amount": 50}}).get_json()
    assert case["data"]["payment"] == {"amount": 50}
    case = send(api, number, "site_inspected").get_json()
    assert (case["status"], case["next_timer_at"]) == ("running", "2026-11-30T03:00:00+00:00")

    clock = api.post("admin", "/admin/clock", json={"advance": "PT3H"})
    assert (clock.status_code, clock.get_json()["fired"]) == (200, 1)
    case = api.get("designer", f"/cases/{number}").get_json()
    assert (case["status"], case["data"]["issued"], case["open_tasks"]) == ("completed", True, [])

    history = api.get("designer", f"/cases/{number}/history", headers={"Accept-Language": "en"}).get_json()
    assert [(e["type"], e["actor"]) for e in history] == [
        ("case_started", "designer"), ("task_completed", "designer"), ("message_received", "designer"),
        ("signal_received", "designer"), ("timer_fired", "system:timer")]
    assert history[0]["summary"] == "case started"
    before_timer = api.get("designer", f"/cases/{number}/replay?at=2026-11-30T02:00:00%2B00:00").get_json()
    assert (before_timer["status"], before_timer["events"], before_timer["data"]["payment"]) == (
        "running", 4, {"amount": 50})
    for reader in ("designer", "auditor", "admin"):
        assert api.get(reader, f"/cases/{number}/verify").get_json() == {
            "chain_ok": True, "replay_matches": True, "events": 5, "first_bad_event": None, "reason": None}


def test_each_case_gets_its_own_number_from_the_hotlines_daily_series(api):
    first = api.register()["number"]
    numbers = [first, start(api)["number"], api.register()["number"], start(api, user="admin")["number"]]
    assert numbers == [first[:-4] + f"{n:04d}" for n in range(1, 5)]
    assert api.get("admin", "/cases").get_json()["total"] == 2  # case lists and reports stay the hotline's


def test_administrators_start_the_hotline_process_only_as_an_intake(api):
    case = api.post("admin", "/processes/hotline_case/cases", json={"data": intake()}).get_json()
    assert (case["status"], case["category"], case["process_id"]) == ("triage", intake()["category"], "hotline_case")
    refused = api.post("admin", "/processes/hotline_case/cases", json={"data": {"applicant": "王五"}})
    assert refused.status_code == 400
    assert api.post("designer", "/processes/hotline_case/cases", json={"data": intake()}).status_code == 403
    assert api.get("admin", "/cases").get_json()["total"] == 1


@pytest.mark.parametrize("body", [{"data": [1]}, {"data": "x"}, {"data": {}, "surprise": 1}, {"variables": {}}])
def test_a_bad_start_body_is_refused_and_starts_nothing(api, body):
    response = api.post("designer", "/processes/permit/cases", json=body)
    assert (response.status_code, response.mimetype) == (400, "application/problem+json")
    assert response.get_json()["errors"]
    assert api.get("designer", "/tasks").get_json()["total"] == 0


def test_an_unknown_process_is_404(api):
    response = api.post("designer", "/processes/nothing_here/cases", json={"data": {}})
    assert (response.status_code, response.mimetype) == (404, "application/problem+json")


@pytest.mark.parametrize("user", [u for u in USERS if u not in {"designer", "admin"}])
def test_only_designers_and_administrators_start_cases_or_send_diagram_events(api, user):
    number = start(api)["number"]
    assert api.post(user, "/processes/permit/cases", json={"data": {}}).status_code == 403
    assert send(api, number, "fee_paid", {"data": {"amount": 1}}, user=user).status_code == 403
    assert api.get("auditor", "/tasks").get_json()["total"] == 0
    assert len(api.get("designer", "/tasks").get_json()["items"]) == 1


def test_events_the_case_does_not_wait_for_are_409_and_unknown_cases_404(api):
    number = start(api)["number"]
    before = api.get("designer", f"/cases/{number}").get_json()
    for name in ("fee_paid", "site_inspected", "no_such_event"):
        assert send(api, number, name).status_code == 409
    assert send(api, "12345-20261130-9999", "fee_paid").status_code == 404
    assert send(api, number, "fee_paid", {"surprise": 1}).status_code == 400
    assert api.get("designer", f"/cases/{number}").get_json() == before


def test_a_signal_carries_no_data(api):
    number = start(api)["number"]
    task = api.get("designer", f"/tasks?case={number}").get_json()["items"][0]
    api.post("designer", f"/tasks/{task['id']}/complete", json={"fee": 5})
    send(api, number, "fee_paid", {"data": {"amount": 5}})
    response = send(api, number, "site_inspected", {"data": {"by": "x"}})
    assert (response.status_code, list(response.get_json()["errors"])) == (400, ["data"])
    assert api.get("designer", f"/cases/{number}").get_json()["next_timer_at"] is None


def test_designers_see_only_other_processes_cases_and_staff_only_the_hotlines(api):
    hotline = api.register(departments=["water"])["number"]
    api.complete("dispatcher", hotline, "triage", TRIAGE)
    permit = start(api, {"department": "water"})["number"]  # a task named "handle", as the hotline's is
    for path in (f"/cases/{hotline}", f"/cases/{hotline}/history", f"/cases/{hotline}/verify"):
        assert api.get("designer", path).status_code == 404
    assert send(api, hotline, "supplement", user="designer").status_code == 403
    assert send(api, hotline, "no_such_event", user="designer").status_code == 404
    assert [t["case"] for t in api.get("designer", "/tasks").get_json()["items"]] == [permit]
    for user in ("operator", "dispatcher", "water", "supervisor", "leader"):
        assert api.get(user, f"/cases/{permit}").status_code == 404
        assert permit not in {t["case"] for t in api.get(user, "/tasks").get_json()["items"]}
    assert api.get("auditor", f"/cases/{permit}").get_json()["status"] == "running"
    tasks = {t["case"]: t for t in api.get("admin", "/tasks").get_json()["items"]}
    assert (tasks[permit]["department"], tasks[hotline]["department"]) == (None, "water")
    permit_task = tasks[permit]["id"]
    assert api.post("water", f"/tasks/{permit_task}/complete", json={"fee": 1}).status_code == 404
    assert api.post("designer", f"/tasks/{tasks[hotline]['id']}/claim").status_code == 404


def test_due_timers_of_every_process_fire_together(api):
    hotline = api.register(departments=["water"])["number"]
    api.complete("dispatcher", hotline, "triage", TRIAGE)
    permit = start(api)["number"]
    task = api.get("designer", f"/tasks?case={permit}").get_json()["items"][0]
    api.post("designer", f"/tasks/{task['id']}/complete", json={"fee": 5})
    send(api, permit, "fee_paid", {"data": {"amount": 1}})
    send(api, permit, "site_inspected")
    response = api.post("admin", "/admin/clock", json={"advance": "P10D"})
    assert (response.status_code, response.get_json()["fired"]) == (200, 2)
    assert api.get("designer", f"/cases/{permit}").get_json()["data"]["issued"] is False
    assert api.get("supervisor", f"/cases/{hotline}").get_json()["overdue"] is True


def test_the_form_enum_filler_leaves_forms_it_does_not_know_alone():
    form = {"type": "object", "properties": {"x": {"type": "string", "x-enum-source": ["departments"]}}}
    assert enum_filler(Directory.load())(form) == form


def test_the_openapi_document_describes_starting_and_signalling_any_process(api):
    spec = api.get(None, "/openapi.json").get_json()
    start_doc = spec["paths"]["/api/v1/processes/{process_id}/cases"]["post"]
    body = start_doc["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert (list(spec["components"]["schemas"][body]["properties"]), "201" in start_doc["responses"]) == (
        ["data"], True)
    assert "signal" in spec["paths"]["/api/v1/cases/{number}/events/{name}"]["post"]["description"]


def test_a_failing_step_of_another_process_becomes_an_incident_listed_by_its_number(api):
    number = start(api)["number"]
    task = api.get("designer", f"/tasks?case={number}").get_json()["items"][0]
    api.post("designer", f"/tasks/{task['id']}/complete", json={"fee": 5})
    send(api, number, "fee_paid", {"data": {"sum": 5}})  # the diagram's script reads payment['amount']
    send(api, number, "site_inspected")
    assert api.post("admin", "/admin/clock", json={"advance": "PT3H"}).status_code == 200
    case = api.get("designer", f"/cases/{number}").get_json()
    assert (case["status"], "amount" in case["error"]) == ("incident", True)
    assert [i["case"] for i in api.get("admin", "/incidents").get_json()] == [number]


def test_verifying_every_case_includes_other_processes_cases(api):
    numbers = [api.register()["number"], start(api)["number"]]
    assert [(number, verdict.replay_matches) for number, verdict in verify_all(api.hotline)] == [
        (numbers[0], True), (numbers[1], True)]
