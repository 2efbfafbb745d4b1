"""A labelled set of synthetic but realistic calls for measuring how well repeat calls are found at intake.

``calls()`` makes the set, the same each time for a seed: matters (a topic at a place: 停水 on 人民路) called about
one to five times over a few days, by the same caller or by neighbours, each call worded differently; other
matters on the same places, the same topics on other places, callers who call again about something else, and
callers who only chase their earlier call (催办: "nobody has come yet"), naming the place or not.
Each call carries its ``matter``: a suggestion is right when it is an earlier call about the same matter.

``measure(hotline, calls)`` registers the calls in time order on a hotline (a simulated clock) and asks, right
after each, for its likely repeats, as the intake response does. **Precision at the top** is the share of calls
with a suggestion whose first suggestion is right; **recall at the top** the share of calls that repeat a matter
whose first suggestion is right. ``python bench/repeat_call_set.py`` writes the set to
``bench/repeat_call_set.json`` and prints both figures (``tests/test_repeat_calls.py`` holds precision ≥ 0.9).
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

PLACES = ("人民路", "解放路", "建设路", "中山路", "光明路", "文化路", "幸福小区", "金色家园", "城南新村", "东大街",
          "滨江花园", "第一中学", "实验小学", "和平街", "阳光社区")
TOPICS = {  # topic: (category, subjects, contents); {p} is the place
    "water": ("livelihood", ["{p}停水", "{p}一带没水", "{p}自来水停了", "{p}断水好几天"],
              ["{p}从昨天开始停水，一直没有通知什么时候恢复。", "家住{p}，自来水停了两天，老人做饭都困难。",
               "{p}又没水了，打供水公司电话没人接。"]),
    "streetlight": ("livelihood", ["{p}路灯不亮", "{p}路灯坏了", "{p}晚上路灯全黑"],
                    ["{p}的路灯坏了一个多星期，晚上走路很危险。", "{p}路灯晚上不亮，希望尽快维修。",
                     "{p}一段路灯全黑，孩子放学不安全。"]),
    "construction_noise": ("social_affairs", ["{p}工地夜间施工噪音", "{p}半夜施工扰民", "{p}工地晚上施工太吵"],
                           ["{p}的工地每天晚上十一点以后还在施工，噪音很大。", "{p}附近工地半夜打桩，吵得睡不着觉。",
                            "{p}旁边工地夜里施工，严重影响休息。"]),
    "vendors": ("social_affairs", ["{p}占道经营", "{p}流动摊贩占道", "{p}门口摆摊堵路"],
                ["{p}路边摊贩占道经营，行人只能走机动车道。", "{p}门口每天傍晚摆满小摊，堵得车过不去。"]),
    "garbage": ("livelihood", ["{p}垃圾没人清运", "{p}垃圾堆积", "{p}垃圾桶满了没人收"],
                ["{p}的垃圾三天没人清运，味道很大。", "{p}垃圾桶早就满了，垃圾堆在路边没人管。"]),
    "manhole": ("livelihood", ["{p}井盖缺失", "{p}井盖丢了", "{p}窨井盖破损"],
                ["{p}有个井盖不见了，晚上很容易掉下去。", "{p}路口窨井盖破了个大洞，非常危险。"]),
    "sewer": ("livelihood", ["{p}下水道堵塞", "{p}污水外溢", "{p}下水道反水"],
              ["{p}下水道堵了，污水漫到路面上。", "{p}一下雨下水道就反水，臭气熏天。"]),
    "elevator": ("livelihood", ["{p}电梯故障", "{p}电梯坏了", "{p}电梯经常停运"],
                 ["{p}3号楼电梯坏了一周，物业不修。", "{p}的电梯经常停运，老人上下楼困难。"]),
    "power": ("livelihood", ["{p}停电", "{p}经常停电", "{p}突然断电"],
              ["{p}今天突然停电，冰箱里的东西都坏了。", "{p}这个月已经停电三次，没有任何通知。"]),
    "dance": ("social_affairs", ["{p}广场舞噪音", "{p}广场舞音响太吵", "{p}跳广场舞扰民"],
              ["{p}每天晚上广场舞音响开得很大，影响孩子学习。", "{p}跳广场舞的音响声音太大，晚上十点还不停。"]),
    "parking": ("social_affairs", ["{p}乱停车", "{p}违章停车堵路", "{p}车辆乱停"],
                ["{p}两边乱停车，消防车都进不来。", "{p}违章停车严重，每天早上堵车。"]),
    "road": ("development", ["{p}路面破损", "{p}路面坑洼", "{p}道路坑坑洼洼"],
             ["{p}路面坑坑洼洼，下雨天全是积水。", "{p}路面破损很久了，电动车经常摔倒。"]),
}
FOLLOW_UPS = (("{p}的问题还没解决", "我前几天反映过{p}的问题，到现在还没人处理。"),  # a caller chasing their own call
              ("催问上次反映的问题", "我前几天打过电话，到现在还没有人来处理，也没人回复。"))
FOLLOW_UP = 0.25  # share of a first caller's repeat calls that only chase the earlier one
MATTERS, DAYS, START = 115, 14, datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
OTHER_MATTER_CALLERS = 0.08  # share of calls by someone who called before about another matter
SAME_CALLER_AGAIN = 0.4  # share of repeat calls made by the first caller (the rest by neighbours)


@dataclass(frozen=True)
class Call:
    matter: int
    at: str
    phone: str
    category: str
    subject: str
    content: str


def calls(seed: int = 16) -> list[Call]:
    """The labelled calls, in time order."""
    rng, made, phones = random.Random(seed), [], iter(f"139{n:08d}" for n in range(10**8))
    pairs = rng.sample([(topic, place) for topic in sorted(TOPICS) for place in PLACES], MATTERS)
    for matter, (topic, place) in enumerate(pairs):  # one matter per topic and place: two would be one matter
        category, subjects, contents = TOPICS[topic]
        at, first_phone = START + timedelta(hours=rng.uniform(0, DAYS * 24)), next(phones)
        for index in range(rng.choices((1, 2, 3, 4, 5), weights=(50, 25, 15, 6, 4))[0]):
            again = index > 0 and rng.random() < SAME_CALLER_AGAIN
            phone = first_phone if index == 0 or again else next(phones)
            subject, content = rng.choice(FOLLOW_UPS) if again and rng.random() < FOLLOW_UP else (
                rng.choice(subjects), rng.choice(contents))
            made.append(Call(matter, at.isoformat(), phone, category, subject.format(p=place),
                             content.format(p=place)))
            at += timedelta(hours=rng.uniform(1, 96))
    made.sort(key=lambda call: call.at)
    earlier_phones = []
    for i, call in enumerate(made):  # some callers call again about another matter
        if earlier_phones and rng.random() < OTHER_MATTER_CALLERS:
            made[i] = Call(**{**asdict(call), "phone": rng.choice(earlier_phones)})
        earlier_phones.append(made[i].phone)
    return made


@dataclass(frozen=True)
class Precision:
    calls: int
    repeats: int
    suggested: int
    right: int

    @property
    def precision(self) -> float:
        return self.right / self.suggested if self.suggested else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.repeats if self.repeats else 1.0


def measure(hotline: Any, made: list[Call]) -> Precision:
    """Register every call in time order, asking for its likely repeats right after, as the intake does."""
    from processes import queries, repeat_calls
    from processes.users import User

    operator, matter_of, seen, repeats, suggested, right = User("bench", "operator"), {}, set(), 0, 0, 0
    for call in made:
        hotline.engine.clock.set(max(datetime.fromisoformat(call.at), hotline.engine.now()))
        number = hotline.register({"caller": {"name": "来电人", "phone": call.phone}, "confidential": False,
                                   "category": call.category, "subject": call.subject, "content": call.content},
                                  "bench")
        with hotline.engine.session() as session:
            found = repeat_calls.similar(session, operator, queries.find_case(session, operator, number))
        repeats += call.matter in seen
        if found:
            suggested += 1
            right += matter_of[found[0]["number"]] == call.matter
        matter_of[number] = call.matter
        seen.add(call.matter)
    return Precision(len(made), repeats, suggested, right)


def main() -> None:
    from engine.clock import SimulatedClock
    from engine.store import connect
    from processes.database import upgrade
    from processes.desk import Desk
    from processes.service import Hotline

    made = calls()
    out = Path(__file__).with_suffix(".json")
    out.write_text(json.dumps([asdict(call) for call in made], ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/repeat_calls.db"
    upgrade(connect(url))
    hotline = Hotline.open(url, SimulatedClock(START))
    Desk(hotline)  # deploys the hotline's diagrams
    result = measure(hotline, made)
    print(f"{result.calls} calls, {result.repeats} repeat an earlier matter, {result.suggested} got a suggestion; "
          f"top suggestion right {result.right}: precision {result.precision:.3f}, recall {result.recall:.3f} "
          f"(set: {out.name})")


if __name__ == "__main__":
    main()
