"""A known fortnight of cases around the 2026 Mid-Autumn and National Day holidays, for the report tests.

The report period is Monday 28 to Wednesday 30 September 2026 (Shanghai days). Eleven calls fall in it;
one just before (Sunday 23:30) and one just after (Thursday 1 October 00:10) must not count. Working days
on the way: 1-7 October are holidays, Saturday 10 October is an adjusted working day. The report is read on
Monday 12 October at 17:00, when the cases stand as listed in ``CASES``.
"""

from __future__ import annotations

from datetime import date

from engine.clock import SimulatedClock
from processes import extensions
from processes.service import Hotline
from processes.users import User
from tests.hotline_helpers import Desk, shanghai

FIRST_DAY, LAST_DAY = date(2026, 9, 28), date(2026, 9, 30)
READ_AT = shanghai(2026, 10, 12, 17)
HANDLED = {"outcome": "handled", "summary": "已办理"}
RETURNED = {"outcome": "return", "summary": "不属本单位", "return_reason": "职责不符",
            "return_kind": "not_our_responsibility"}
CONFIDENTIAL_SUBJECT = "城管执法人员收受摊贩财物"
CONFIDENTIAL_CALLER = {"name": "欧阳保密", "phone": "13912345678", "work_unit": "县审计局", "address": "城南"}

# name: (category, treatment, status, what happens to it)
CASES = {
    "A": ("livelihood", "assignment", "closed", "water, 2 days' extension granted 29 Sep, handles it 9 Oct: on time"),
    "B": ("social_affairs", "assignment", "closed", "confidential; urban management misses 10 Oct: overdue"),
    "C": ("departmental_policy", "immediate", "closed", "answered and called back the same day: 0 days"),
    "D": ("out_of_scope", None, "not_accepted", "referred elsewhere"),
    "E": ("livelihood", "assignment", "closed", "housing returns it, water handles it; caller not reached"),
    "F": ("government_work", "direct", "in_progress", "confidential caller, investigated directly"),
    "G": ("livelihood", "assignment", "withdrawn", "water and housing return it, then the caller withdraws"),
    "H": ("development", "assignment", "triage", "handled, the caller is dissatisfied: reopened"),
    "I": ("livelihood", "submission", "awaiting_instructions", "special report to the county leaders"),
    "N": ("departmental_policy", "immediate", "closed", "dissatisfied twice: closed dissatisfied"),
    "L": ("social_affairs", None, "triage", "registered Wednesday 23:30, waiting for triage"),
}


def fortnight(url: str) -> dict[str, str]:
    """Play the fortnight on the database at ``url``; returns case numbers by name (K and J are outside)."""
    desk = Desk(Hotline.open(url, SimulatedClock(shanghai(2026, 9, 27, 23, 30))))
    cases: dict[str, str] = {}
    triage, do = desk.triage, desk.do

    def call(name: str, category: str, **changes) -> str:
        cases[name] = desk.call(category=category, **changes)
        return cases[name]

    def feedback(name: str, satisfaction: str | None) -> None:
        do(cases[name], "review_result", {"adequate": True})
        answer = {"reached": True, "satisfaction": satisfaction} if satisfaction else {"reached": False}
        do(cases[name], "callback", answer)

    def reply(name: str) -> None:
        do(cases[name], "immediate_reply", {"mode": "direct", "reply": "已答复"})

    triage(call("K", "livelihood"), "assignment", ["water"])   # Sunday 27 Sep 23:30: before the period
    do(cases["K"], "handle", RETURNED, "water")

    desk.advance_to(shanghai(2026, 9, 28, 9))
    for name in "ACD":
        call(name, CASES[name][0])
    call("B", "social_affairs", confidential=True, caller=CONFIDENTIAL_CALLER, subject=CONFIDENTIAL_SUBJECT)
    triage(cases["A"], "assignment", ["water"])                # due Sat 10 Oct (adjusted working day)
    triage(cases["B"], "assignment", ["urban_management"])     # due Sat 10 Oct too
    triage(cases["C"], "immediate", [])
    reply("C")
    do(cases["C"], "callback", {"reached": True, "satisfaction": "satisfied"})
    do(cases["D"], "record_referral", {"reason": "民事纠纷", "referral": "人民调解委员会"})

    desk.advance_to(shanghai(2026, 9, 29, 9))
    call("E", "livelihood")
    call("F", "government_work", confidential=True, caller=CONFIDENTIAL_CALLER, urgency="major_emergency")
    call("G", "livelihood")
    extensions.request_extension(desk.hotline, User("shui", "department", "water"), cases["A"], 3, "需更换管段")
    do(cases["A"], "approve_extension", {"approved": True, "working_days": 2})  # A due Tue 13 Oct (12, 13 Oct)
    triage(cases["E"], "assignment", ["housing"])
    do(cases["E"], "handle", RETURNED, "housing")
    desk.redispatch(cases["E"], True, "assignment", ["water"])  # the return upheld; due Mon 12 Oct
    triage(cases["F"], "direct", [], "complex")
    triage(cases["G"], "assignment", ["water", "housing"])
    do(cases["G"], "handle", RETURNED, "water")
    do(cases["G"], "handle", RETURNED, "housing")
    desk.hotline.withdraw(cases["G"], "问题已自行解决", "operator:li")

    desk.advance_to(shanghai(2026, 9, 30, 9))
    for name in "HIN":
        call(name, CASES[name][0])
    triage(cases["H"], "assignment", ["transport"])
    do(cases["H"], "handle", HANDLED, "transport")
    feedback("H", "dissatisfied")                              # reopened: back to triage
    triage(cases["I"], "submission", ["power_supply", "water"], "complex")
    for _ in range(2):                                         # the second "dissatisfied" closes it
        triage(cases["N"], "immediate", [])
        reply("N")
        do(cases["N"], "callback", {"reached": True, "satisfaction": "dissatisfied"})
    do(cases["E"], "handle", HANDLED, "water")

    desk.advance_to(shanghai(2026, 9, 30, 23, 30))
    call("L", "social_affairs")
    desk.advance_to(shanghai(2026, 10, 1, 0, 10))
    call("J", "livelihood")                                    # Thursday 1 Oct 00:10: after the period

    desk.advance_to(shanghai(2026, 10, 8, 10))
    feedback("E", None)                                        # caller not reached; closed 8 Oct
    desk.advance_to(shanghai(2026, 10, 9, 10))
    do(cases["A"], "handle", HANDLED, "water")
    feedback("A", "satisfied")                                 # closed 9 Oct: 29, 30 Sep, 8, 9 Oct
    desk.advance_to(shanghai(2026, 10, 11, 0, 0, 1))           # the end of Sat 10 Oct has passed: B overdue
    desk.advance_to(shanghai(2026, 10, 12, 10))
    do(cases["B"], "supervise_overdue", {"note": "已督促"})
    do(cases["B"], "handle", HANDLED, "urban_management")
    feedback("B", "basically_satisfied")                       # closed 12 Oct: 6 working days
    desk.advance_to(READ_AT)
    return cases


# What the report for 28-30 September must say, read on 12 October 17:00 (derivations beside each figure).
INDICATORS = {
    "registered": 11,               # A-I, L, N (K is Sunday 27th, J is 1 October)
    "accepted": 10,                 # all but D (out of scope)
    "acceptance_rate": 0.9091,      # 10 / 11
    "on_time": 2,                   # A and E: deadline, handled, never overdue (C has no deadline, H reopened)
    "overdue": 1,                   # B
    "on_time_rate": 0.6667,         # 2 / (2 + 1)
    "closed": 5,                    # A, B, C, E, N
    "called_back": 4,               # closed with a satisfaction: all but E (caller not reached)
    "callback_rate": 0.8,           # 4 / 5
    "rated": 5,                     # A, B, C, H (reopened), N
    "satisfied": 3,                 # A satisfied, B basically, C satisfied
    "satisfaction_rate": 0.6,       # 3 / 5
    "handling_working_days": 12,    # A 4 (29, 30 Sep, 8, 9 Oct), B 6 (… 10 Oct Saturday, 12 Oct), E 2, C 0, N 0
    "average_handling_days": 2.4,   # 12 / 5
    "returns": 3,                   # E by housing, G by water and by housing (K's return by water is outside)
    "returned_cases": 2,            # E, G
    "upheld_returns": 1,            # E's return by housing (G's returns were never decided: G was withdrawn)
    "extended_cases": 1,            # A
    "extensions": 1,                # A: water asked for 3 days, granted 2
    "extension_days": 2,
}
BY_CATEGORY = {"government_work": 1, "development": 1, "departmental_policy": 2, "livelihood": 4,
               "social_affairs": 2, "out_of_scope": 1}
BY_TREATMENT = {"immediate": 2, "assignment": 5, "direct": 1, "submission": 1, None: 2}
BY_STATUS = {"registered": 0, "not_accepted": 1, "triage": 2, "in_progress": 1, "awaiting_instructions": 1,
             "review": 0, "feedback": 0, "closed": 5, "withdrawn": 1}
# (code, cases naming it now, on time, overdue, on-time rate, returns, upheld, counted, extensions, extension days),
# in the directory's order: housing's return of E was upheld, so one of its two counts against it; water's
# extension of A (2 days) moved A's deadline to 13 Oct, and A, handled on 9 Oct, is on time as before
BY_DEPARTMENT = [("housing", 1, 0, 0, None, 2, 1, 1, 0, 0), ("urban_management", 1, 0, 1, 0.0, 0, 0, 0, 0, 0),
                 ("water", 4, 2, 0, 1.0, 1, 0, 1, 1, 2), ("transport", 1, 0, 0, None, 0, 0, 0, 0, 0),
                 ("power_supply", 1, 0, 0, None, 0, 0, 0, 0, 0)]
DEPARTMENT_COLUMNS = ("code", "cases", "on_time", "overdue", "on_time_rate", "returns", "returns_upheld",
                      "returns_counted", "extensions", "extension_days")
