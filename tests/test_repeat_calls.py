"""Repeat calls found at intake: likely repeats listed with reasons, masked, merged in one step; precision measured."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bench.repeat_call_set import START, calls, measure
from engine.clock import SimulatedClock
from processes.desk import Desk
from processes.service import Hotline
from tests.hotline_helpers import CALLER

NEIGHBOUR = {"name": "李四", "phone": "13900001111", "address": "城关镇人民路8号"}
ELSEWHERE = {"name": "王五", "phone": "13700002222", "address": "城南新村5栋"}


def register(api, **changes):
    response = api.post("operator", "/cases", json=intake(**changes))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def intake(**changes):
    return {"caller": CALLER, "confidential": False, "category": "livelihood", "subject": "人民路停水",
            "content": "人民路一带连续三天停水，无人告知何时恢复。", **changes}


def codes(item):
    return sorted(reason["code"] for reason in item["reasons"])


def test_the_intake_response_lists_a_neighbours_earlier_call_about_the_same_matter(api):
    first = register(api)
    api.clock.advance(timedelta(hours=5))
    second = register(api, caller=NEIGHBOUR, subject="人民路没水", content="家住人民路，自来水停了两天。")
    assert [item["number"] for item in second["similar"]] == [first["number"]]
    reason = second["similar"][0]["reasons"][0]
    assert (reason["code"], reason["place"]) == ("same_place", "人民路") and reason["similarity"] >= 0.6
    assert api.get("dispatcher", f"/cases/{first['number']}/similar").get_json()[0]["number"] == second["number"]


def test_the_same_phone_within_30_days_is_a_reason_even_for_a_call_that_only_chases_the_first(api):
    first = register(api)
    api.clock.advance(timedelta(days=20))
    chase = register(api, subject="催问上次反映的问题", content="我前些天打过电话，到现在还没人处理。")
    assert [(item["number"], codes(item)) for item in chase["similar"]] == [(first["number"], ["same_phone"])]
    api.clock.advance(timedelta(days=11))
    assert register(api, subject="催问上次反映的问题", content="还是没人处理。")["similar"][0]["number"] == \
        chase["number"]  # the first call is now 31 days back: only the chase is listed
    assert len(api.get("operator", f"/cases/{first['number']}/similar").get_json()) == 1


def test_other_matters_are_not_listed(api):
    register(api)
    api.clock.advance(timedelta(hours=1))
    assert register(api, caller=NEIGHBOUR, subject="人民路路灯不亮", content="人民路的路灯坏了一周。")["similar"] == []
    assert register(api, caller=ELSEWHERE, subject="城南新村停水", content="城南新村从昨天开始停水。")["similar"] == []
    other_matter = register(api, subject="城南新村路灯坏了", content="城南新村路灯不亮，晚上很黑。")  # same phone
    assert other_matter["similar"] == []


def test_a_week_later_the_same_place_is_no_longer_a_reason(api):
    register(api)
    api.clock.advance(timedelta(days=8))
    assert register(api, caller=NEIGHBOUR, subject="人民路停水", content="人民路又停水了。")["similar"] == []


def test_three_calls_on_one_place_and_category_within_a_week_are_marked_as_a_cluster(api):
    numbers = [register(api)["number"]]
    for phone in ("13900001111", "13900002222"):
        api.clock.advance(timedelta(hours=3))
        numbers.append(register(api, caller={**NEIGHBOUR, "phone": phone}, subject="人民路一带没水")["number"])
    listed = api.get("operator", f"/cases/{numbers[-1]}/similar").get_json()
    cluster = next(reason for reason in listed[0]["reasons"] if reason["code"] == "cluster")
    assert (cluster["place"], cluster["category"], cluster["calls"]) == ("人民路", "livelihood", 3)
    assert {item["number"] for item in listed} == set(numbers[:2])


def test_ended_cases_are_not_listed(api):
    first = register(api)
    api.post("operator", f"/cases/{first['number']}/events/withdraw", json={"reason": "已自行解决"})
    assert register(api, caller=NEIGHBOUR)["similar"] == []


def test_callers_are_masked_and_a_place_from_a_confidential_address_is_hidden(api):
    first = register(api, confidential=True, subject="停水", content="家里停水三天了。")
    api.clock.advance(timedelta(hours=1))
    second = register(api, caller=NEIGHBOUR, subject="停水", content="家里停水三天了。")  # place only in the address
    seen_by_operator = second["similar"][0]
    assert seen_by_operator["caller"]["phone"] == CALLER["phone"]  # operators see confidential callers
    dispatcher = api.get("dispatcher", f"/cases/{second['number']}/similar").get_json()[0]
    assert dispatcher["number"] == first["number"]
    assert dispatcher["caller"] == {"name": "张*", "phone": "*******8000", "work_unit": "***", "address": "***"}
    assert {reason.get("place") for reason in dispatcher["reasons"]} == {"***"}


def test_a_department_sees_only_the_repeats_on_its_own_cases(api):
    first = register(api, departments=["water"])
    api.clock.advance(timedelta(hours=1))
    second = register(api, caller=NEIGHBOUR, departments=["water"])
    register(api, caller=ELSEWHERE, subject="人民路停水", departments=["housing"])
    assert [item["number"] for item in api.get("water", f"/cases/{second['number']}/similar").get_json()] == [
        first["number"]]
    assert api.get("housing", f"/cases/{first['number']}/similar").status_code == 404


def test_a_merge_from_a_suggestion_keeps_both_histories_verifiable(api):
    first = register(api)
    api.clock.advance(timedelta(hours=2))
    second = register(api, caller=NEIGHBOUR, subject="人民路没水", content="家住人民路，自来水停了两天。")
    into = second["similar"][0]["number"]
    merged = api.post("operator", f"/cases/{second['number']}/merge", json={"into": into})
    assert merged.status_code == 200, merged.get_json()
    call = merged.get_json()["repeat_calls"][0]
    assert (call["case"], call["caller"]["phone"], call["content"]) == (
        second["number"], NEIGHBOUR["phone"], "家住人民路，自来水停了两天。")
    assert api.get("operator", f"/cases/{second['number']}").get_json()["status"] == "withdrawn"
    for number in (first["number"], second["number"]):
        verified = api.get("auditor", f"/cases/{number}/verify").get_json()
        assert (verified["chain_ok"], verified["replay_matches"]) == (True, True)
    history = api.get("auditor", f"/cases/{second['number']}/history").get_json()
    assert history[-1]["data"]["reason"] == f"并入 {into} / merged into {into}"


@pytest.mark.parametrize("into, status", [("self", 400), ("12345-20261130-9999", 404), ("", 400)])
def test_a_bad_merge_is_refused_and_changes_nothing(api, into, status):
    first = register(api)
    second = register(api, caller=NEIGHBOUR)
    target = second["number"] if into == "self" else into
    response = api.post("operator", f"/cases/{second['number']}/merge", json={"into": target})
    assert response.status_code == status
    assert api.get("operator", f"/cases/{second['number']}").get_json()["status"] == "triage"
    assert api.get("operator", f"/cases/{first['number']}").get_json()["repeat_calls"] == []


def test_a_merge_into_an_ended_case_is_refused(api):
    first = register(api)
    api.post("operator", f"/cases/{first['number']}/events/withdraw", json={"reason": "已解决"})
    second = register(api, caller=NEIGHBOUR)
    assert api.post("operator", f"/cases/{second['number']}/merge", json={"into": first["number"]}).status_code == 409
    assert api.get("operator", f"/cases/{second['number']}").get_json()["status"] == "triage"


def test_precision_at_the_top_suggestion_is_at_least_0_9_on_the_labelled_set(db):
    made = calls()
    assert len(made) >= 200
    hotline = Hotline.open(db.url.render_as_string(hide_password=False), SimulatedClock(START))
    Desk(hotline)
    result = measure(hotline, made)
    assert result.suggested >= 0.3 * result.calls  # it does suggest
    assert result.precision >= 0.9, result
