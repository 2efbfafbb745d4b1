"""``hotline demo``: a simulated fortnight at the hotline, every path of the procedure, in seconds.

Eight calls on Monday 30 November 2026 are worked over two weeks of simulated time: an immediate
reply, an assignment returned by the wrong department and re-dispatched, direct handling, a
submission to the county leaders, a case that runs overdue (reminder, escalation, supervision,
rework, a dissatisfied caller who reopens it), a call outside the acceptance scope, a withdrawal,
a supplement plus a merged repeat call, a deadline extension the supervision centre grants in part,
and a caller looking up their closed case by its number and phone tail. It prints what happened and a
summary table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from . import extensions, public
from .calendar import SHANGHAI
from .desk import Desk
from .users import User

START = datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
CALLS = {
    "consultation": {"category": "departmental_policy", "subject": "县人社局", "content": "灵活就业人员如何参加医保？"},
    "water": {"category": "livelihood", "subject": "人民路供水", "content": "人民路连续三天停水。",
              "departments": ["water"]},
    "pollution": {"category": "livelihood", "subject": "城东化工厂", "content": "化工厂夜间偷排废水，河道发黑。",
                  "urgency": "major_emergency", "departments": ["ecology"]},
    "blackout": {"category": "livelihood", "subject": "开发区", "content": "暴雨后开发区大面积停电停水。",
                 "urgency": "major_emergency", "departments": ["power_supply", "water"]},
    "street_stalls": {"category": "social_affairs", "subject": "解放路", "content": "占道经营堵塞人行道。",
                      "departments": ["urban_management"]},
    "neighbour": {"category": "out_of_scope", "subject": "邻居", "content": "邻居借钱不还。"},
    "pothole": {"category": "livelihood", "subject": "建设路", "content": "建设路有个大坑。",
                "departments": ["transport"]},
    "school_fees": {"category": "government_work", "subject": "县第二小学", "content": "学校乱收资料费。",
                    "departments": ["education"]},
}
WATER_REPLY = "人民路供水主管道已抢修，供水已恢复。"
"""What the water case's caller is told once it is closed; the caller's public lookup shows it."""


def intake(name: str, caller: str, phone: str) -> dict[str, Any]:
    return {"caller": {"name": caller, "phone": phone, "work_unit": "", "address": "城关镇"},
            "confidential": name == "school_fees", "channel": "phone", **CALLS[name]}


class Fortnight:
    """The scripted two weeks; each step says what it did so the run reads like a log."""

    def __init__(self, desk: Desk, say: Callable[[str], None]):
        self.desk, self.say, self.cases = desk, say, {}

    def run(self) -> dict[str, str]:
        self.day_one()
        self.days_two_to_five()
        self.second_week()
        return self.cases

    def at(self, days: int, hour: int) -> None:
        moment = START + timedelta(days=days, hours=hour - START.hour)
        fired = self.desk.advance_to(moment)
        self.say(f"\n{moment:%a %d %b %H:%M}" + (f" — timers fired on {len(fired)} case(s)" if fired else ""))

    def call(self, name: str, caller: str, phone: str) -> str:
        number = self.cases[name] = self.desk.call(intake(name, caller, phone))
        self.say(f"  {number}  registered ({name}), {self.desk.status(number)}")
        return number

    def do(self, name: str, task: str, data: dict, group: str | None = None, actor: str = "staff") -> None:
        number = self.cases[name]
        self.desk.do(number, task, data, group, actor)
        self.say(f"  {number}  {task}{f' [{group}]' if group else ''} done → {self.desk.status(number)}")

    def day_one(self) -> None:
        self.at(0, 9)
        for name, caller, phone in [("consultation", "王芳", "13700000001"), ("water", "张三", "13800138000"),
                                    ("pollution", "刘强", "13600000003"), ("blackout", "陈静", "13500000004"),
                                    ("street_stalls", "赵敏", "13400000005"), ("neighbour", "孙丽", "13300000006"),
                                    ("pothole", "周杰", "13200000007"), ("school_fees", "吴婷", "13100000008")]:
            self.call(name, caller, phone)
        self.at(0, 10)
        triage = self.desk.triage
        triage(self.cases["consultation"], "immediate", [])
        self.do("consultation", "immediate_reply", {"mode": "direct", "reply": "可在县医保中心或手机APP办理参保登记。"},
                actor="operator:li")
        self.do("neighbour", "record_referral",
                {"reason": "民间借贷纠纷不属于受理范围", "referral": "县人民法院诉讼服务中心"}, actor="operator:li")
        triage(self.cases["water"], "assignment", ["water", "housing"])
        triage(self.cases["pollution"], "direct", [], "complex")
        triage(self.cases["blackout"], "submission", ["power_supply", "water"], "complex")
        triage(self.cases["street_stalls"], "assignment", ["urban_management"])
        triage(self.cases["pothole"], "assignment", ["transport"])
        triage(self.cases["school_fees"], "assignment", ["education"])
        self.say("  (dispatcher triaged seven calls; due dates are counted in working days)")
        self.at(0, 15)
        self.do("consultation", "callback", {"reached": True, "satisfaction": "satisfied"}, actor="operator:li")
        self.do("water", "handle",
                {"outcome": "return", "summary": "供水不属本局", "return_kind": "wrong_department",
                 "return_reason": "供水由水务局负责", "suggested_department": "water"},
                "housing", "department:housing")
        self.do("blackout", "draft_special_report", {"report_title": "关于开发区停电停水的专报", "report": "……"},
                actor="dispatcher:zhao")

    def days_two_to_five(self) -> None:
        self.at(1, 9)
        self.do("water", "handle", {"outcome": "handled", "summary": "已抢修主管道"}, "water", "department:water")
        self.do("blackout", "leader_instructions",
                {"instructions": "供电公司牵头，水务局配合，48小时内恢复。", "handled_by": "departments",
                 "departments": ["power_supply", "water"]}, actor="leader:county")
        self.desk.hotline.supplement(self.cases["water"], "停水范围扩大到解放路", "operator:li")
        self.say(f"  {self.cases['water']}  caller added information (supplement)")
        self.desk.redispatch(self.cases["water"], True, "assignment", ["water"])
        self.say(f"  {self.cases['water']}  the return upheld, re-dispatched to water only")
        self.desk.hotline.merge_repeat_call(self.cases["pothole"], {"caller": {"name": "郑海", "phone": "13000000009"},
                                                                    "content": "建设路的坑还没补"}, "operator:wang")
        self.say(f"  {self.cases['pothole']}  repeat call from another caller merged into the case")
        education = User("department:education", "department", "education")
        extensions.request_extension(self.desk.hotline, education, self.cases["school_fees"], 3, "需核查近三年收费账目")
        self.say(f"  {self.cases['school_fees']}  education asked for 3 more working days")
        self.at(2, 11)
        self.desk.hotline.withdraw(self.cases["pothole"], "坑已由施工方自行修复", "operator:wang")
        self.say(f"  {self.cases['pothole']}  caller withdrew → {self.desk.status(self.cases['pothole'])}")
        self.do("water", "handle", {"outcome": "handled", "summary": "已恢复供水"}, "water", "department:water")
        self.do("blackout", "handle", {"outcome": "handled", "summary": "线路已抢修"}, "power_supply",
                "department:power_supply")
        self.do("blackout", "handle", {"outcome": "handled", "summary": "供水已恢复"}, "water", "department:water")
        self.do("pollution", "direct_handling", {"findings": "企业夜间偷排属实", "outcome": "立案查处，责令停产整改",
                                                 "legal_basis": "《水污染防治法》第八十三条"}, actor="supervisor:qian")
        self.do("school_fees", "approve_extension",
                {"approved": True, "working_days": 2, "comment": "准予延期2个工作日"}, actor="supervisor:qian")
        self.at(3, 10)
        self.do("water", "review_result", {"adequate": True, "reply": WATER_REPLY}, actor="dispatcher:zhao")
        for name in ("blackout", "pollution"):
            self.do(name, "review_result", {"adequate": True}, actor="dispatcher:zhao")
        self.do("school_fees", "handle", {"outcome": "handled", "summary": "已责令学校退费"}, "education",
                "department:education")
        self.at(4, 16)
        satisfaction = {"water": "basically_satisfied", "blackout": "satisfied", "pollution": "satisfied"}
        for name, answer in satisfaction.items():
            self.do(name, "callback", {"reached": True, "satisfaction": answer}, actor="operator:li")
        self.look_up("water", "8000")

    def look_up(self, name: str, phone_tail: str) -> None:
        """The caller asks "where is my case?" as on the public page: the number and their phone's last digits."""
        number = self.cases[name]
        progress = public.lookup(self.desk.hotline, "demo-caller", number, phone_tail, "zh")
        self.say(f"  {number}  the caller looked it up (phone …{phone_tail}): {progress['status_name']}, "
                 f"reply: {progress['reply']}")

    def second_week(self) -> None:
        self.at(5, 0)   # the end of Friday 4 Dec has passed: the reminder on the street stalls falls due
        self.at(8, 0)   # the end of Monday 7 Dec has passed: overdue, escalated to the supervision centre
        self.do("street_stalls", "supervise_overdue", {"note": "已约谈城管局分管负责人"}, actor="supervisor:qian")
        self.at(8, 15)
        self.do("street_stalls", "handle", {"outcome": "handled", "summary": "已劝离"}, "urban_management",
                "department:urban_management")
        self.do("street_stalls", "review_result", {"adequate": False, "comment": "未建立长效管理"},
                actor="dispatcher:zhao")
        self.do("street_stalls", "handle", {"outcome": "handled", "summary": "已划定夜市疏导点并每日巡查"},
                "urban_management", "department:urban_management")
        self.do("street_stalls", "review_result", {"adequate": True}, actor="dispatcher:zhao")
        self.do("street_stalls", "callback", {"reached": True, "satisfaction": "dissatisfied",
                                              "caller_comment": "晚上还是有人摆摊"}, actor="operator:li")
        self.desk.triage(self.cases["street_stalls"], "immediate", [])
        self.do("street_stalls", "immediate_reply", {"mode": "member_unit", "member_unit": "urban_management",
                                                     "reply": "城管局夜间巡查组已到现场"}, actor="operator:li")
        self.do("street_stalls", "callback", {"reached": True, "satisfaction": "basically_satisfied"},
                actor="operator:li")
        self.at(9, 10)
        self.do("school_fees", "review_result", {"adequate": True}, actor="dispatcher:zhao")
        self.do("school_fees", "callback", {"reached": True, "satisfaction": "satisfied"}, actor="operator:li")


COLUMNS = ("number", "call", "treatment", "status", "due", "reminded", "overdue", "returns", "satisfaction", "notes")


def summary(desk: Desk, cases: dict[str, str]) -> list[tuple[str, ...]]:
    """One row per case, in the columns a supervisor would want to see."""
    rows = []
    for name, number in cases.items():
        case, data = desk.hotline.case(number), desk.data(number)
        notes = ", ".join(filter(None, [f"{len(case.supplements)} supplement(s)" if case.supplements else "",
                                        f"{len(case.repeat_calls)} repeat call(s)" if case.repeat_calls else "",
                                        f"{data['reworks']} rework(s)" if data.get("reworks") else "",
                                        "reopened" if data.get("reopened") else "",
                                        _extended(case.extensions),
                                        "confidential" if case.confidential else ""]))
        due = f"{case.due_at.astimezone(SHANGHAI):%m-%d}" if case.due_at else "-"
        rows.append((number, name, case.treatment or "-", case.status, due, _yes(case.reminded), _yes(case.overdue),
                     str(case.returns), case.satisfaction or "-", notes))
    return rows


def _extended(granted: list[dict[str, Any]]) -> str:
    days = sum(extension["granted_days"] for extension in granted)
    return f"extended +{days} day(s)" if days else ""


def _yes(flag: bool) -> str:
    return "yes" if flag else "-"


def table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(r[i])) for r in [COLUMNS, *rows]) for i in range(len(COLUMNS))]
    lines = ["  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip()
             for row in [COLUMNS, *rows]]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def run(desk: Desk, say: Callable[[str], None] = print) -> list[tuple[str, ...]]:
    """Play the fortnight and print its summary table; returns the table's rows."""
    cases = Fortnight(desk, say).run()
    rows = summary(desk, cases)
    say("\n" + table(rows))
    statuses = sorted({row[3] for row in rows})
    say(f"\n{len(rows)} cases, statuses: {', '.join(statuses)}")
    return rows
