"""Deadline extensions (延期申请): a department asks before its deadline, the supervision centre decides, the
deadline, its reminder and its overdue timer move by exact working days (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from processes.diagram_functions import MAX_EXTENSION_DAYS
from tests.api_helpers import Api
from tests.hotline_helpers import shanghai

TRIAGE = {"treatment": "assignment", "complexity": "general", "departments": ["water"]}
END = (23, 59, 59)


def dispatched(api, **triage):
    """A call registered and assigned (to water, 5 working days, unless ``triage`` says otherwise)."""
    number = api.register()["number"]
    api.complete("dispatcher", number, "triage", {**TRIAGE, **triage})
    return number


def ask(api, number, days, user="water", reason="需协调管网改造，现场施工需要更多时间"):
    return api.post(user, f"/cases/{number}/extension-requests", json={"working_days": days, "reason": reason})


def case(api, number):
    return api.get("supervisor", f"/cases/{number}").get_json()


def advance_to(api, moment):
    response = api.post("admin", "/admin/clock", json={"set": moment.isoformat()})
    assert response.status_code == 200, response.get_json()


def iso(*args):
    """A Beijing moment as the API writes it (UTC)."""
    return shanghai(*args).astimezone(UTC).isoformat()


def verified(api, number):
    """Whether the case's audit chain holds and replaying its history gives exactly the stored case."""
    answer = api.get("auditor", f"/cases/{number}/verify").get_json()
    return (answer["chain_ok"], answer["replay_matches"]) == (True, True)


@pytest.fixture
def february(db):
    """The API on Monday 9 February 2026, the week before the Spring Festival."""
    return Api(db.url.render_as_string(hide_password=False), shanghai(2026, 2, 9, 10))


def test_an_extension_across_the_spring_festival_moves_the_deadline_its_reminder_and_the_overdue_timer(february):
    api = february
    # Mon 9 Feb 2026, water's 5 working days: Tue 10, Wed 11, Thu 12, Fri 13, Sat 14 (an adjusted working day).
    number = dispatched(api)
    assert case(api, number)["due_at"] == iso(2026, 2, 14, *END)
    api.clock.set(shanghai(2026, 2, 12, 15))
    answer = ask(api, number, 5)
    assert answer.status_code == 201, answer.get_json()
    assert [t["name"] for t in answer.get_json()["open_tasks"]] == ["handle", "approve_extension"]
    task = api.task("supervisor", number, "approve_extension")
    detail = api.get("supervisor", f"/tasks/{task['id']}").get_json()
    assert set(detail["schema"]["properties"]) == {"approved", "working_days", "comment"}
    assert detail["data"]["extension_request"]["working_days"] == 5
    decided = api.complete("supervisor", number, "approve_extension",
                           {"approved": True, "working_days": 3, "comment": "准予延期3个工作日"})
    # 15-23 Feb are the Spring Festival holiday: the 3 more days are Tue 24, Wed 25, Thu 26 Feb.
    assert decided["due_at"] == iso(2026, 2, 26, *END)
    [extension] = decided["extensions"]
    assert {key: extension[key] for key in ("department", "requested_days", "approved", "granted_days",
                                            "comment")} == {
        "department": "water", "requested_days": 5, "approved": True, "granted_days": 3, "comment": "准予延期3个工作日"}
    assert datetime.fromisoformat(extension["due_before"]) == shanghai(2026, 2, 14, *END)
    advance_to(api, shanghai(2026, 2, 25, 23))  # the old reminder (13 Feb) and deadline (14 Feb) passed silently
    assert (case(api, number)["reminded"], case(api, number)["overdue"]) == (False, False)
    advance_to(api, shanghai(2026, 2, 26, 0, 0, 1))  # the end of Wed 25 Feb: the day before the new deadline
    assert (case(api, number)["reminded"], case(api, number)["overdue"]) == (True, False)
    advance_to(api, shanghai(2026, 2, 27, 0, 0, 1))
    shown = case(api, number)
    assert (shown["overdue"], [t["name"] for t in shown["open_tasks"]]) == (True, ["handle", "supervise_overdue"])
    assert verified(api, number)


def test_a_refused_request_keeps_the_deadline_and_is_recorded(api):
    number = dispatched(api)
    due = case(api, number)["due_at"]
    ask(api, number, 2)
    decided = api.complete("supervisor", number, "approve_extension", {"approved": False, "comment": "理由不充分"})
    assert decided["due_at"] == due
    assert [(e["approved"], e["granted_days"], e["comment"]) for e in decided["extensions"]] == [
        (False, 0, "理由不充分")]
    assert ask(api, number, 1).status_code == 201  # decided: the department may ask again
    assert verified(api, number)


def test_a_case_finished_on_time_after_an_extension_is_on_time_against_the_new_deadline(api):
    number = dispatched(api)  # Mon 30 Nov 2026: due Mon 7 Dec
    ask(api, number, 2)
    api.complete("supervisor", number, "approve_extension", {"approved": True, "working_days": 2})
    assert case(api, number)["due_at"] == iso(2026, 12, 9, *END)
    advance_to(api, shanghai(2026, 12, 9, 17))
    api.complete("water", number, "handle", {"outcome": "handled", "summary": "已改造管网"})
    advance_to(api, shanghai(2026, 12, 11, 9))
    shown = case(api, number)
    assert (shown["status"], shown["overdue"], [t["name"] for t in shown["open_tasks"]]) == (
        "review", False, ["review_result"])
    assert verified(api, number)


def test_a_request_undecided_when_the_deadline_passes_lapses_and_the_case_is_overdue(api):
    number = dispatched(api)
    ask(api, number, 3)
    advance_to(api, shanghai(2026, 12, 8, 0, 0, 1))
    shown = case(api, number)
    assert (shown["overdue"], shown["due_at"]) == (True, iso(2026, 12, 7, *END))
    assert sorted(t["name"] for t in shown["open_tasks"]) == ["handle", "supervise_overdue"]
    assert verified(api, number)


def test_finishing_the_work_withdraws_a_pending_request(api):
    number = dispatched(api)
    ask(api, number, 3)
    api.complete("water", number, "handle", {"outcome": "handled", "summary": "已恢复供水"})
    assert [t["name"] for t in case(api, number)["open_tasks"]] == ["review_result"]


def test_all_extensions_of_a_case_add_up_to_the_limit(api):
    number = dispatched(api, departments=["water"], complexity="complex")
    for days in (10, MAX_EXTENSION_DAYS - 10):
        ask(api, number, days)
        api.complete("supervisor", number, "approve_extension", {"approved": True, "working_days": days})
    before = case(api, number)
    refused = ask(api, number, 1)
    assert (refused.status_code, list(refused.get_json()["errors"])) == (400, ["working_days"])
    assert case(api, number) == before


def test_the_centre_grants_no_more_than_asked(api):
    number = dispatched(api)
    ask(api, number, 1)
    decided = api.complete("supervisor", number, "approve_extension", {"approved": True, "working_days": 4})
    assert (decided["due_at"], decided["extensions"][0]["granted_days"]) == (iso(2026, 12, 8, *END), 1)


@pytest.mark.parametrize(("setup", "user", "body", "status"), [
    ("dispatched", "housing", {"working_days": 2, "reason": "x"}, 404),        # not its case
    ("two_departments_one_done", "housing", {"working_days": 2, "reason": "x"}, 409),  # its part is done
    ("in_triage", "water", {"working_days": 2, "reason": "x"}, 409),          # nobody handles it yet
    ("past_deadline", "water", {"working_days": 2, "reason": "x"}, 409),
    ("pending", "water", {"working_days": 2, "reason": "x"}, 409),
    ("dispatched", "water", {"working_days": 0, "reason": "x"}, 400),
    ("dispatched", "water", {"working_days": MAX_EXTENSION_DAYS + 1, "reason": "x"}, 400),
    ("dispatched", "water", {"working_days": "3", "reason": "x"}, 400),
    ("dispatched", "water", {"working_days": 2}, 400),
    ("dispatched", "water", {"working_days": 2, "reason": ""}, 400),
    ("dispatched", "water", {"working_days": 2, "reason": "x", "due_at": "2027-01-01"}, 400),
    ("dispatched", "dispatcher", {"working_days": 2, "reason": "x"}, 403),
    ("dispatched", "supervisor", {"working_days": 2, "reason": "x"}, 403),
    ("dispatched", "operator", {"working_days": 2, "reason": "x"}, 403),
])
def test_a_request_outside_the_rules_is_refused_and_changes_nothing(api, setup, user, body, status):
    if setup == "in_triage":
        number = api.register(departments=["water"])["number"]
    elif setup == "two_departments_one_done":
        number = dispatched(api, departments=["water", "housing"])
        api.complete("housing", number, "handle", {"outcome": "handled", "summary": "已督促物业"})
    else:
        number = dispatched(api)
    if setup == "past_deadline":
        advance_to(api, shanghai(2026, 12, 8, 9))
    if setup == "pending":
        ask(api, number, 1)
    before = case(api, number)
    response = api.post(user, f"/cases/{number}/extension-requests", json=body)
    assert response.status_code == status, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert case(api, number) == before


def test_refusals_follow_accept_language(api):
    number = api.register(departments=["water"])["number"]
    zh = api.post("water", f"/cases/{number}/extension-requests", json={"working_days": 2, "reason": "x"})
    en = api.post("water", f"/cases/{number}/extension-requests", json={"working_days": 2, "reason": "x"},
                  headers={"Accept-Language": "en"})
    assert (zh.get_json()["detail"], en.get_json()["detail"]) == (
        "贵单位目前未承办该案件", "your department is not handling the case now")
