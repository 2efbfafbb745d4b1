"""A caller asks "where is my case?" with its number and the last four digits of their phone, without a token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from processes.public import MAX_FAILURES
from tests.hotline_helpers import CALLER

TRIAGE = {"treatment": "assignment", "complexity": "general", "departments": ["water"]}
TAIL = CALLER["phone"][-4:]


def lookup(api, number, phone=TAIL, address="203.0.113.7", **headers):
    return api.client.get(f"/api/v1/public/cases/{number}", query_string={"phone": phone}, headers=headers,
                          environ_base={"REMOTE_ADDR": address})


def close(api, number, reply):
    if api.get("admin", f"/cases/{number}").get_json()["status"] == "triage":
        api.complete("dispatcher", number, "triage", TRIAGE)
    api.complete("water", number, "handle", {"outcome": "handled", "summary": "内部：管道老化，已派三班抢修"})
    api.complete("dispatcher", number, "review_result", {"adequate": True, "reply": reply})
    api.complete("operator", number, "callback", {"reached": True, "satisfaction": "satisfied"})


def test_a_caller_follows_the_case_from_registration_to_the_reply_without_a_token(api):
    number = api.register()["number"]
    answer = lookup(api, number)
    assert answer.status_code == 200
    assert answer.get_json() == {
        "number": number, "status": "triage", "status_name": "待分流", "treatment": None, "treatment_name": "未分流",
        "registered_at": "2026-11-30T01:00:00+00:00", "due_at": None, "overdue": False, "ended_at": None,
        "reply": None}
    api.complete("dispatcher", number, "triage", TRIAGE)
    answer = lookup(api, number).get_json()
    assert (answer["status"], answer["treatment"], answer["due_at"]) == (
        "in_progress", "assignment", "2026-12-07T15:59:59+00:00")  # water: 5 working days, end of Mon 7 Dec
    close(api, number, "人民路供水管道已修复，12月1日起恢复供水。")
    answer = lookup(api, number).get_json()
    assert (answer["status"], answer["reply"]) == ("closed", "人民路供水管道已修复，12月1日起恢复供水。")


def test_the_answer_follows_accept_language(api):
    number = api.register()["number"]
    answer = lookup(api, number, **{"Accept-Language": "en"}).get_json()
    assert (answer["status_name"], answer["treatment_name"]) == ("Awaiting triage", "Not triaged")
    missing = lookup(api, "12345-20261130-0099", **{"Accept-Language": "en"})
    assert missing.get_json()["title"] == "Not found"


@pytest.mark.parametrize("confidential", [False, True])
def test_the_answer_never_holds_personal_data_or_department_notes(api, confidential):
    number = api.register(confidential=confidential, caller={**CALLER, "address": "城关镇人民路1号"})["number"]
    close(api, number, "已恢复供水")
    body = lookup(api, number).get_data(as_text=True)
    for secret in (*CALLER.values(), TAIL, "人民路供水", "内部", "连续三天停水"):
        assert secret not in body
    assert json.loads(body)["reply"] == "已恢复供水"


def test_an_immediate_reply_is_the_reply_once_closed(api):
    number = api.register()["number"]
    api.complete("dispatcher", number, "triage", {"treatment": "immediate", "complexity": "general",
                                                  "departments": []})
    api.complete("operator", number, "immediate_reply", {"mode": "direct", "reply": "停水系管网检修，今晚恢复。"})
    assert lookup(api, number).get_json()["reply"] is None  # awaiting the callback: not final yet
    api.complete("operator", number, "callback", {"reached": True, "satisfaction": "satisfied"})
    assert lookup(api, number).get_json()["reply"] == "停水系管网检修，今晚恢复。"


def test_any_wrong_pair_is_the_same_404(api):
    number = api.register()["number"]
    answers = [lookup(api, number, "0000"), lookup(api, "12345-20261130-0099"), lookup(api, "no-such-case")]
    assert {a.status_code for a in answers} == {404}
    assert len({json.dumps({k: v for k, v in a.get_json().items() if k != "detail"}) for a in answers}) == 1


@pytest.mark.parametrize("query", [{}, {"phone": "138"}, {"phone": "13800138000"}, {"phone": "abcd"},
                                   {"phone": TAIL, "name": "张三"}])
def test_a_malformed_query_is_400_and_counts_no_failure(api, query):
    number = api.register()["number"]
    for _ in range(MAX_FAILURES + 1):
        response = api.client.get(f"/api/v1/public/cases/{number}", query_string=query)
        assert response.status_code == 400
    assert lookup(api, number, address="127.0.0.1").status_code == 200


def test_an_address_that_keeps_guessing_is_refused_for_a_minute_others_are_not(api):
    number = api.register()["number"]
    for guess in range(MAX_FAILURES):
        assert lookup(api, number, f"{guess:04d}").status_code == 404
    refused = lookup(api, number)  # even the right pair, until the minute has passed
    assert (refused.status_code, refused.headers["Retry-After"]) == (429, "60")
    assert refused.mimetype == "application/problem+json"
    assert lookup(api, number, address="198.51.100.2").status_code == 200
    api.clock.advance(timedelta(seconds=30))
    assert lookup(api, number).headers["Retry-After"] == "30"
    api.clock.advance(timedelta(seconds=31))
    assert lookup(api, number).status_code == 200


def test_right_lookups_are_never_limited(api):
    number = api.register()["number"]
    assert {lookup(api, number).status_code for _ in range(MAX_FAILURES * 2)} == {200}


def test_the_openapi_document_lists_the_lookup_without_a_token(api):
    spec = api.get(None, "/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/public/cases/{number}"]["get"]
    assert operation["security"] == []
    assert {"200", "404", "429"} <= set(operation["responses"])
