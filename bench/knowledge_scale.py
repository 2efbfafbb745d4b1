"""Are knowledge search and repeat-call finding interactive at a county's scale? (10,000 articles, 100,000 cases)

Writes ``--articles`` synthetic knowledge articles through the service's own write path (segmentation and the
BM25 index included), then times searches of typical unsegmented questions (``GET /knowledge?q=`` without HTTP).
Inserts ``--cases`` synthetic cases over 60 days (instances, case rows and their repeat-call keys, in bulk; topics
and wordings from ``repeat_call_set.py`` on 400 places), then times finding the likely repeats of cases as the
intake does. Prints the median and 95th percentile of each, and the median CPU time of the process, in
milliseconds (CPU time is the work itself when others share the machine). Nothing is asserted about time.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from engine_overhead import prepare_database
from repeat_call_set import TOPICS
from sqlalchemy import insert, select

from engine.clock import SimulatedClock
from engine.deployment import current_version_id
from engine.models import Instance
from processes.desk import Desk
from processes.knowledge.articles import DEFAULTS, add, today
from processes.knowledge.search import search
from processes.models import HotlineCase
from processes.repeat_calls import CallKey, keys_of, similar
from processes.service import PROCESS_ID, Hotline
from processes.users import User

NOW = datetime(2026, 12, 1, 1, tzinfo=UTC)
PLACES = [a + b for a, b in itertools.product(
    ("人民", "解放", "建设", "中山", "光明", "文化", "和平", "幸福", "胜利", "新华", "东风", "朝阳", "青年", "团结",
     "振兴", "迎宾", "滨江", "北京", "南京", "长江"),
    ("路", "街", "小区", "新村", "花园", "社区", "大道", "广场", "市场", "中学", "小学", "医院", "公园", "家园", "巷",
     "村", "大厦", "园区", "桥", "东路"))]
FILLER = ("办理", "需要", "携带", "身份证", "材料", "窗口", "工作日", "咨询", "电话", "政策", "规定", "申请", "审核",
          "补贴", "标准", "流程", "时限", "部门", "社区", "居民", "费用", "证明", "登记", "网上", "线下", "通知")
QUESTIONS = ("人民路停水怎么办", "家里断水了找谁", "路灯不亮报修", "晚上工地施工太吵", "医保怎么办理", "垃圾没人清运",
             "井盖丢了很危险", "电梯坏了物业不修", "暖气不热", "广场舞噪音扰民", "乱停车堵路", "下水道堵塞反水",
             "停电了什么时候来电", "摆摊占道", "路面坑坑洼洼", "办理居住证需要什么材料")
BATCH = 5000


def fill_articles(hotline: Hotline, count: int, rng: random.Random) -> float:
    """Write ``count`` articles (one transaction), as editors and imports do; seconds taken."""
    topics = sorted(TOPICS.items())
    begin = time.perf_counter()
    with hotline.engine.session.begin() as session:
        for n in range(count):
            name, (category, subjects, contents) = topics[n % len(topics)]
            place = rng.choice(PLACES)
            body = rng.choice(contents).format(p=place) + "".join(rng.choices(FILLER, k=40))
            add(session, {**DEFAULTS, "title": rng.choice(subjects).format(p=place) + f"答复口径{n}", "body": body,
                          "category": category, "keywords": [name], "status": "published"}, "bench", NOW)
    return time.perf_counter() - begin


def synthetic_cases(rng: random.Random, count: int, version_id: int):
    """Yield (instance row, case row, key rows) for ``count`` calls on the topics and places, over 60 days."""
    topics = sorted(TOPICS.values())
    for n in range(1, count + 1):
        category, subjects, contents = rng.choice(topics)
        place, registered = rng.choice(PLACES), NOW - timedelta(seconds=rng.randrange(60 * 86400))
        caller = {"name": "测试", "phone": f"139{rng.randrange(10**8):08d}"}
        case = {"id": n, "instance_id": n, "number": f"12345-S-{n:07d}", "category": category, "caller": caller,
                "subject": rng.choice(subjects).format(p=place), "content": rng.choice(contents).format(p=place),
                "status": "triage" if registered > NOW - timedelta(days=15) else "closed", "treatment": None,
                "complexity": None, "departments": [], "urgency": "normal", "channel": "phone", "confidential": False,
                "due_at": None, "deadline_provisional": False, "reminded": False, "overdue": False, "returns": 0,
                "satisfaction": None, "supplements": [], "repeat_calls": [], "registered_at": registered,
                "ended_at": None}
        instance = {"id": n, "version_id": version_id, "status": "running", "state": "{}", "state_format": "synthetic",
                    "lock_version": 1, "started_at": registered, "updated_at": registered, "ended_at": None,
                    "id_seed": "0" * 32, "id_counter": 0, "audit_seq": 0, "audit_hash": "0" * 64}
        keys = [{"instance_id": n, "kind": kind, "value": value, "category": category, "registered_at": registered}
                for kind, value in keys_of(SimpleNamespace(**case))]
        yield instance, case, keys


def fill_cases(hotline: Hotline, count: int, rng: random.Random) -> float:
    with hotline.engine.session() as session:
        version_id = current_version_id(session, PROCESS_ID)
    rows = synthetic_cases(rng, count, version_id)
    begin = time.perf_counter()
    with hotline.engine.db.begin() as connection:
        while batch := list(itertools.islice(rows, BATCH)):
            connection.execute(insert(Instance), [instance for instance, _, _ in batch])
            connection.execute(insert(HotlineCase), [case for _, case, _ in batch])
            connection.execute(insert(CallKey), [key for _, _, keys in batch for key in keys])
    return time.perf_counter() - begin


def timed(actions) -> tuple[float, float, float]:
    """Median and 95th percentile of wall time, and median CPU time of this process, in ms over the actions,
    after each ran once untimed (caches, lazy imports). CPU time is the work itself on a machine others share."""
    for action in actions:
        action()
    wall, cpu = [], []
    for action in actions:
        begin, begin_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - begin) * 1000)
        cpu.append((time.process_time() - begin_cpu) * 1000)
    return statistics.median(wall), statistics.quantiles(wall, n=20)[-1], statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary directory")
    parser.add_argument("--reset", action="store_true", help="DROP SCHEMA public CASCADE first (PostgreSQL)")
    args = parser.parse_args()
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/knowledge.db"
        db = prepare_database(url, args.reset)
        hotline = Hotline.open(url, SimulatedClock(NOW))
        Desk(hotline)
        wrote = fill_articles(hotline, args.articles, rng)
        day, found = today(hotline), []
        with hotline.engine.session() as session:
            searches = [lambda q=q: found.append(search(session, q, day, 1, 10)[1]) for q in QUESTIONS * 3]
            search_ms = timed(searches)
        print(f"{db.dialect.name}: wrote {args.articles:,} articles in {wrote:.1f} s")
        print(f"search at {args.articles:,} articles: median {search_ms[0]:.1f} ms, p95 {search_ms[1]:.1f} ms, "
              f"CPU median {search_ms[2]:.1f} ms ({statistics.median(found):.0f} matches per question, median)",
              flush=True)
        if args.cases:
            time_similar(hotline, args.cases, rng)
        db.dispose()


def time_similar(hotline: Hotline, cases: int, rng: random.Random) -> None:
    inserted = fill_cases(hotline, cases, rng)
    operator = User("bench", "operator")
    with hotline.engine.session() as session:
        recent = session.scalars(select(HotlineCase).where(HotlineCase.status == "triage")
                                 .order_by(HotlineCase.registered_at.desc()).limit(200)).all()
        listed = []
        finds = [lambda row=row: listed.append(len(similar(session, operator, row))) for row in rng.sample(recent, 60)]
        similar_ms = timed(finds)
    print(f"inserted {cases:,} cases in {inserted:.1f} s")
    print(f"similar cases at {cases:,} cases: median {similar_ms[0]:.1f} ms, p95 {similar_ms[1]:.1f} ms, "
          f"CPU median {similar_ms[2]:.1f} ms ({statistics.mean(listed):.1f} listed per call, mean)")


if __name__ == "__main__":
    main()
