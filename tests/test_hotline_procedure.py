"""The hotline procedure end to end on the simulated clock: every treatment, returns, deadlines, feedback."""

from datetime import date

import pytest

from engine.clock import SimulatedClock
from engine.errors import Conflict, InvalidData
from processes.service import Hotline
from tests.hotline_helpers import Desk, shanghai


def close_with_feedback(desk, number, satisfaction="satisfied"):
    desk.do(number, "review_result", {"adequate": True})
    desk.do(number, "callback", {"reached": True, "satisfaction": satisfaction})


def test_a_call_gets_a_readable_number_and_waits_for_triage_with_a_suggestion(desk):
    first, second = desk.call(departments=["water"]), desk.call()
    assert (first, second) == ("12345-20261130-0001", "12345-20261130-0002")
    assert desk.status(first) == "triage"
    assert desk.open(first) == [("triage", None)]
    data = desk.data(first)
    assert (data["suggested_treatment"], data["suggested_complexity"]) == ("assignment", "general")


@pytest.mark.parametrize(("changes", "suggestion"), [
    ({"urgency": "major_emergency", "departments": ["water", "power_supply"]}, ("submission", "complex")),
    ({"urgency": "major_emergency"}, ("direct", "complex")),
    ({"departments": ["water", "housing", "transport"]}, ("assignment", "complex")),
    ({}, ("immediate", "general")),
])
def test_the_decision_table_suggests_a_treatment_from_the_intake(desk, changes, suggestion):
    data = desk.data(desk.call(**changes))
    assert (data["suggested_treatment"], data["suggested_complexity"]) == suggestion


def test_an_out_of_scope_call_ends_not_accepted_with_reason_and_referral(desk):
    number = desk.call(category="out_of_scope")
    assert (desk.status(number), desk.open(number)) == ("registered", [("record_referral", None)])
    desk.do(number, "record_referral", {"reason": "邻里民事纠纷", "referral": "城关镇人民调解委员会"})
    assert desk.status(number) == "not_accepted"
    assert desk.data(number)["referral"] == "城关镇人民调解委员会"
    assert desk.open(number) == []


def test_an_immediate_reply_goes_straight_to_feedback_and_closes(desk):
    number = desk.call()
    desk.triage(number, "immediate", [])
    assert desk.status(number) == "in_progress"
    desk.do(number, "immediate_reply", {"mode": "direct", "reply": "停水原因是管网检修，今晚恢复。"})
    assert (desk.status(number), desk.open(number)) == ("feedback", [("callback", None)])
    desk.do(number, "callback", {"reached": True, "satisfaction": "satisfied"})
    case = desk.hotline.case(number)
    assert (case.status, case.satisfaction, case.due_at) == ("closed", "satisfied", None)


def test_assignment_to_several_departments_runs_in_parallel_with_the_shortest_deadline(desk):
    number = desk.call()
    desk.triage(number, "assignment", ["water", "housing"])
    assert desk.open(number) == [("handle", "housing"), ("handle", "water")]
    case = desk.hotline.case(number)
    assert case.status == "in_progress"
    assert case.due_at == shanghai(2026, 12, 7, 23, 59, 59)  # water's 5 working days, Mon 30 Nov + 5
    desk.do(number, "handle", {"outcome": "handled", "summary": "已抢修管道"}, "water")
    assert desk.open(number) == [("handle", "housing")]
    desk.do(number, "handle", {"outcome": "handled", "summary": "已督促物业"}, "housing")
    assert desk.status(number) == "review"
    reports = desk.data(number)["department_reports"]
    assert sorted(r["department"] for r in reports) == ["housing", "water"]
    close_with_feedback(desk, number)
    assert desk.status(number) == "closed"


def test_a_wrongly_assigned_case_is_returned_to_dispatch_with_the_reason(desk):
    number = desk.call()
    desk.triage(number, "assignment", ["housing"])
    desk.do(number, "handle", {"outcome": "return", "summary": "不属本局", "return_kind": "wrong_department",
                               "return_reason": "供水归水务局", "suggested_department": "water"}, "housing")
    assert (desk.status(number), desk.open(number)) == ("triage", [("decide_dispute", None)])
    data = desk.data(number)
    assert (data["returns"], data["returned"]) == (1, ["housing"])
    report = data["department_reports"][0]
    assert (report["return_kind"], report["return_reason"], report["suggested_department"]) == (
        "wrong_department", "供水归水务局", "water")
    desk.redispatch(number, True, "assignment", ["water"])
    assert desk.open(number) == [("handle", "water")]


def test_returns_are_bounded_the_third_goes_to_the_supervision_centre(desk):
    number = desk.call()
    desk.triage(number, "assignment", ["housing"])
    for round_ in range(3):
        if round_:
            desk.redispatch(number, False, "assignment", ["housing"])
        desk.do(number, "handle", {"outcome": "return", "summary": "非本局", "return_kind": "not_our_responsibility",
                                   "return_reason": "职责不符"}, "housing")
    assert desk.open(number) == [("direct_handling", None)]
    assert desk.hotline.case(number).treatment == "direct"
    assert desk.hotline.case(number).returns == 3


def test_direct_handling_records_findings_and_legal_basis(desk):
    number = desk.call(urgency="major_emergency")
    desk.triage(number, "direct", [], complexity="complex")
    assert desk.hotline.case(number).due_at == shanghai(2026, 12, 21, 23, 59, 59)  # 15 working days
    desk.do(number, "direct_handling", {"findings": "供水公司擅自停水", "outcome": "责令恢复供水并道歉",
                                        "legal_basis": "《城市供水条例》第二十二条"})
    assert desk.status(number) == "review"
    assert desk.data(number)["legal_basis"] == "《城市供水条例》第二十二条"


def test_submission_waits_for_the_leaders_and_follows_their_instructions(desk):
    number = desk.call(urgency="major_emergency", departments=["water", "power_supply"])
    desk.triage(number, "submission", ["water", "power_supply"], complexity="complex")
    assert (desk.status(number), desk.open(number)) == ("awaiting_instructions", [("draft_special_report", None)])
    desk.do(number, "draft_special_report", {"report_title": "关于人民路停水停电的专报", "report": "……"})
    assert desk.open(number) == [("leader_instructions", None)]
    desk.do(number, "leader_instructions", {"instructions": "水务局牵头，供电公司配合，三日内解决。",
                                            "handled_by": "departments", "departments": ["water", "power_supply"]})
    assert desk.status(number) == "in_progress"
    assert desk.open(number) == [("handle", "power_supply"), ("handle", "water")]


def test_leaders_can_hand_a_submission_to_the_supervision_centre(desk):
    number = desk.call()
    desk.triage(number, "submission", ["water"], complexity="complex")
    desk.do(number, "draft_special_report", {"report_title": "专报", "report": "……"})
    desk.do(number, "leader_instructions", {"instructions": "督办中心直接查办。", "handled_by": "supervision_centre",
                                            "departments": []})
    assert desk.open(number) == [("direct_handling", None)]


def test_a_reminder_comes_the_day_before_and_an_overdue_case_is_escalated_and_stays_marked(desk):
    number = desk.call()
    desk.triage(number, "assignment", ["water"])  # due Mon 7 Dec, end of day
    desk.advance_to(shanghai(2026, 12, 4, 23, 0))
    assert not desk.hotline.case(number).reminded
    assert desk.advance_to(shanghai(2026, 12, 5, 0, 0))  # the end of Fri 4 Dec has passed
    assert desk.hotline.case(number).reminded
    assert desk.open(number) == [("handle", "water")]
    desk.advance_to(shanghai(2026, 12, 8, 0, 0))
    case = desk.hotline.case(number)
    assert (case.overdue, case.status) == (True, "in_progress")
    assert desk.open(number) == [("handle", "water"), ("supervise_overdue", None)]
    desk.do(number, "supervise_overdue", {"note": "已电话督促水务局"})
    desk.do(number, "handle", {"outcome": "handled", "summary": "已恢复供水"}, "water")
    close_with_feedback(desk, number)
    assert (desk.status(number), desk.hotline.case(number).overdue) == ("closed", True)


def test_an_inadequate_result_is_sent_back_for_rework_with_the_same_deadline(desk):
    number = desk.call()
    desk.triage(number, "assignment", ["water"])
    due = desk.hotline.case(number).due_at
    desk.do(number, "handle", {"outcome": "handled", "summary": "已处理"}, "water")
    desk.do(number, "review_result", {"adequate": False, "comment": "未说明恢复时间"})
    assert desk.open(number) == [("handle", "water")]
    assert desk.hotline.case(number).due_at == due


def test_a_dissatisfied_caller_reopens_the_case_once(desk):
    number = desk.call()
    desk.triage(number, "immediate", [])
    desk.do(number, "immediate_reply", {"mode": "direct", "reply": "请耐心等待"})
    desk.do(number, "callback", {"reached": True, "satisfaction": "dissatisfied", "caller_comment": "没解决"})
    assert desk.open(number) == [("triage", None)]
    desk.triage(number, "immediate", [])
    desk.do(number, "immediate_reply", {"mode": "member_unit", "member_unit": "water", "reply": "水务局上门"})
    desk.do(number, "callback", {"reached": True, "satisfaction": "dissatisfied"})
    case = desk.hotline.case(number)
    assert (case.status, case.satisfaction) == ("closed", "dissatisfied")


def test_a_caller_can_withdraw_at_any_time_while_open(desk):
    number = desk.call()
    desk.triage(number, "assignment", ["water", "housing"])
    desk.hotline.withdraw(number, "问题已自行解决", "operator:li")
    case = desk.hotline.case(number)
    assert (case.status, desk.open(number)) == ("withdrawn", [])
    assert case.ended_at is not None
    with pytest.raises(Conflict):
        desk.hotline.supplement(number, "补充", "operator:li")


def test_supplements_and_repeat_calls_are_recorded_on_the_open_case(desk):
    number = desk.call()
    desk.triage(number, "assignment", ["water"])
    desk.hotline.supplement(number, "停水范围扩大到解放路", "operator:li")
    desk.hotline.supplement(number, "有老人需要送水", "operator:wang")
    desk.hotline.merge_repeat_call(number, {"caller": {"name": "李四", "phone": "13900139000"},
                                            "content": "同一问题"}, "operator:wang")
    case = desk.hotline.case(number)
    assert [s["content"] for s in case.supplements] == ["停水范围扩大到解放路", "有老人需要送水"]
    assert case.repeat_calls[0]["caller"]["name"] == "李四"
    assert desk.open(number) == [("handle", "water")]


@pytest.mark.parametrize("data", [
    {"treatment": "assignment", "complexity": "general", "departments": []},
    {"treatment": "assignment", "complexity": "general", "departments": ["no_such_department"]},
    {"treatment": "teleport", "complexity": "general", "departments": []},
    {"treatment": "immediate", "complexity": "general"},
])
def test_bad_triage_data_is_refused_and_changes_nothing(desk, data):
    number = desk.call()
    with pytest.raises(InvalidData):
        desk.do(number, "triage", data)
    assert desk.open(number) == [("triage", None)]


@pytest.mark.parametrize("changes", [
    {"category": "weather"}, {"caller": {"name": "张三", "phone": "not a phone"}}, {"content": ""},
    {"unknown_field": 1}, {"confidential": "yes"}])
def test_bad_intake_is_refused_and_no_case_is_opened(desk, changes):
    with pytest.raises(InvalidData):
        desk.call(**changes)
    assert desk.call().endswith("-0001")


@pytest.fixture
def desk_at(db):
    """A hotline whose simulated clock starts at a chosen moment (the calendar matters)."""
    def make(moment):
        return Desk(Hotline.open(db.url.render_as_string(hide_password=False), SimulatedClock(moment)))
    return make


@pytest.mark.parametrize(("opened", "departments", "complexity", "due"), [
    # Spring Festival 2026: 15-23 Feb off; Sat 14 Feb and Sat 28 Feb are adjusted working days.
    (shanghai(2026, 2, 13, 10), ["water"], "general", shanghai(2026, 2, 27, 23, 59, 59)),
    (shanghai(2026, 2, 13, 10), ["housing"], "general", shanghai(2026, 3, 5, 23, 59, 59)),
    # National Day 2026: 1-7 Oct off; Sat 10 Oct is an adjusted working day.
    (shanghai(2026, 9, 30, 16), ["water"], "general", shanghai(2026, 10, 13, 23, 59, 59)),
    (shanghai(2026, 9, 30, 16), ["water"], "complex", shanghai(2026, 10, 27, 23, 59, 59)),
])
def test_deadlines_follow_the_official_holidays_and_adjusted_working_weekends(desk_at, opened, departments,
                                                                              complexity, due):
    desk = desk_at(opened)
    number = desk.call()
    desk.triage(number, "assignment", departments, complexity)
    case = desk.hotline.case(number)
    assert (case.due_at, case.deadline_provisional) == (due, False)


def test_a_case_opened_late_in_december_gets_a_provisional_2027_deadline_until_the_schedule_is_loaded(desk_at):
    desk = desk_at(shanghai(2026, 12, 28, 10))
    first = desk.call()
    desk.triage(first, "assignment", ["water"], "complex")
    case = desk.hotline.case(first)
    assert (case.due_at, case.deadline_provisional) == (shanghai(2027, 1, 19, 23, 59, 59), True)
    desk.hotline.load_schedule({"year": 2027, "holidays": ["2027-01-01", "2027-01-04"], "workdays": []})
    second = desk.call()
    desk.triage(second, "assignment", ["water"], "complex")
    case = desk.hotline.case(second)
    assert (case.due_at, case.deadline_provisional) == (shanghai(2027, 1, 20, 23, 59, 59), False)
    reopened = Hotline.open(desk.hotline.engine.db.url.render_as_string(hide_password=False), desk.clock)
    assert not reopened.calendar.is_provisional(date(2027, 3, 1))


def test_case_numbers_stay_unique_when_calls_are_registered_at_the_same_moment(desk):
    import threading

    numbers, barrier = [], threading.Barrier(6)

    def register():
        barrier.wait()
        numbers.append(desk.call())

    threads = [threading.Thread(target=register) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(numbers) == [f"12345-20261130-{n:04d}" for n in range(1, 7)]
