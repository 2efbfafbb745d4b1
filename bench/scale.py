"""Does the hotline stay fast as history grows? Task lists, overdue lists, timer firing, storage.

For each history size (default 1,000 and 100,000 cases) a fresh database gets that many synthetic cases
(bulk rows: 250 open with a water-department task and a far-off timer, the rest closed history; one in
twenty overdue, and overdue stays marked) plus 100 real cases whose reminders fall due. Then it
measures, in the same run:

* the median latency of ``GET /tasks`` (the water department's work list) and ``GET /cases?overdue=true`` (a
  supervisor's list) through the API (Flask test client, no network);
* how long firing the 100 due cases takes with that many other cases waiting;

and prints the ratios large/small (target <= 2: work must not grow with history). Storage: the bytes a
closed case takes in the database, from 200 real lifecycles. The one-line summary is last.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select

from api.app import create_app
from engine.audit import GENESIS
from engine.clock import SimulatedClock
from engine.models import Instance, OpenTask
from engine.store import connect
from processes.calendar import SHANGHAI
from processes.database import upgrade
from processes.demo import intake
from processes.desk import Desk
from processes.models import HotlineCase
from processes.service import Hotline

BATCH = 5000
START = datetime(2026, 11, 30, 9, tzinfo=SHANGHAI)
CALL = intake("water", "张三", "13800138000")


OPEN = 250  # open cases with a department task: the day's work, which does not grow with history


def synthetic_rows(version_id: int, first: int, count: int, open_until: int) -> tuple[list, list, list]:
    """Bulk rows for ``count`` cases numbered from ``first`` (open while below ``open_until``)."""
    instances, cases, tasks = [], [], []
    far = START + timedelta(days=365)
    for n in range(first, first + count):
        running = n < open_until
        instances.append({"id": n, "version_id": version_id, "status": "running" if running else "completed",
                          "state": "{}", "state_format": "synthetic", "lock_version": 1,
                          "next_due_at": far if running else None, "started_at": START, "updated_at": START,
                          "id_seed": f"{n:032x}", "id_counter": 0, "audit_seq": 0, "audit_hash": GENESIS})
        cases.append({"instance_id": n, "number": f"12345-20260101-{n:07d}", "category": "livelihood",
                      "status": "in_progress" if running else "closed", "treatment": "assignment",
                      "complexity": "general", "departments": ["water"], "urgency": "normal", "channel": "phone",
                      "confidential": False, "caller": {"name": "x", "phone": "13800138000"}, "subject": "s",
                      "content": "c", "due_at": far, "deadline_provisional": False, "reminded": False,
                      "overdue": n % 20 == 0, "returns": 0, "supplements": [], "repeat_calls": [],
                      "registered_at": START - timedelta(days=n % 300), "ended_at": None if running else START})
        if running:
            tasks.append({"id": f"00000000-0000-4000-8000-{n:012d}", "instance_id": n, "name": "handle",
                          "title": "承办单位办理 Handle the case", "lane": "lane_department", "form": "handle",
                          "candidate_group": "water", "created_at": START})
    return instances, cases, tasks


def fill(hotline: Hotline, count: int) -> None:
    with hotline.engine.session() as session:
        version_id = session.scalar(select(func.max(Instance.version_id))) or 1
        first = (session.scalar(select(func.max(Instance.id))) or 0) + 1_000_000
    for start in range(first, first + count, BATCH):
        instances, cases, tasks = synthetic_rows(version_id, start, min(BATCH, first + count - start), first + OPEN)
        with hotline.engine.db.begin() as conn:
            conn.execute(insert(Instance), instances)
            conn.execute(insert(HotlineCase), cases)
            if tasks:
                conn.execute(insert(OpenTask), tasks)


def real_due_cases(desk: Desk, count: int) -> None:
    for _ in range(count):
        number = desk.call(CALL)
        desk.triage(number, "assignment", ["water"])


def median_ms(client, token: str, path: str, runs: int = 30) -> float:
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        response = client.get(path, headers={"Authorization": f"Bearer {token}"})
        times.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200, response.get_json()
    return statistics.median(times)


def measure(size: int, tmp: Path) -> dict[str, float]:
    url = f"sqlite:///{tmp}/scale-{size}.db"
    upgrade(connect(url))
    desk = Desk(Hotline.open(url, SimulatedClock(START)))
    real_due_cases(desk, 100)
    fill(desk.hotline, size)
    client = create_app(desk.hotline).test_client()
    users = desk.hotline.users
    figures = {"tasks_ms": median_ms(client, users.add("w", "department", "water"), "/api/v1/tasks?per_page=20"),
               "overdue_ms": median_ms(client, users.add("s", "supervisor"), "/api/v1/cases?overdue=true")}
    desk.clock.set(datetime(2026, 12, 5, 0, 0, 1, tzinfo=SHANGHAI))  # the 100 reminders fall due
    begin = time.perf_counter()
    fired = desk.hotline.engine.fire_all_due()
    figures["fire_100_s"] = time.perf_counter() - begin
    assert len(fired) == 100, len(fired)
    return figures


def bytes_per_closed_case(tmp: Path, cases: int = 200) -> float:
    url = f"sqlite:///{tmp}/storage.db"
    upgrade(connect(url))
    desk = Desk(Hotline.open(url, SimulatedClock(START)))
    path = Path(f"{tmp}/storage.db")
    desk.hotline.engine.db.dispose()
    before = path.stat().st_size
    for _ in range(cases):
        number = desk.call(CALL)
        desk.triage(number, "assignment", ["water"])
        desk.do(number, "handle", {"outcome": "handled", "summary": "已恢复供水"}, "water")
        desk.do(number, "review_result", {"adequate": True})
        desk.do(number, "callback", {"reached": True, "satisfaction": "satisfied"})
    with desk.hotline.engine.db.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return (path.stat().st_size - before) / cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small, large = measure(args.small, Path(tmp)), measure(args.large, Path(tmp))
        storage = bytes_per_closed_case(Path(tmp))
    print(f"{'':<28}{args.small:>12,}{args.large:>12,}{'ratio':>8}")
    for key, label in (("tasks_ms", "GET /tasks median ms"), ("overdue_ms", "GET /cases?overdue median ms"),
                       ("fire_100_s", "fire 100 due cases, s")):
        print(f"{label:<28}{small[key]:>12.2f}{large[key]:>12.2f}{large[key] / small[key]:>8.2f}")
    print(f"storage: {storage:,.0f} bytes per closed case (SQLite file growth over 200 real lifecycles)")
    ratios = [large[k] / small[k] for k in ("tasks_ms", "overdue_ms", "fire_100_s")]
    print(f"scale (SQLite, {args.small:,} vs {args.large:,} cases): /tasks x{ratios[0]:.2f}, "
          f"/cases?overdue x{ratios[1]:.2f}, firing x{ratios[2]:.2f} (target <= 2); {storage:,.0f} B per closed case")


if __name__ == "__main__":
    main()
