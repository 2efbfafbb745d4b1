"""How long do reports take over 100,000 cases? (the summary JSON, its CSV and workbook, the HTML report)

Inserts ``--cases`` synthetic case rows straight into ``hotline_cases`` (with the minimal ``instances`` rows
their foreign key needs, and ``hotline_returns`` rows for their returns) in bulk, spread over the first half
of 2026 with plausible shares of categories, treatments, statuses, overdue cases, satisfaction and returns.
Then it times, each ``--runs`` times after one warm-up: ``GET /reports/summary`` as JSON, CSV and XLSX through
the Flask app (authentication included), and the HTML report for the whole half year (``hotline report``'s
work: the figures, the overdue list, three matplotlib charts). Nothing is asserted about time, but the
registered count must equal the rows inserted. The summary is the last line.
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from engine_overhead import prepare_database
from sqlalchemy import insert

from api.app import create_app
from engine.clock import SimulatedClock
from engine.deployment import current_version_id
from engine.models import Instance
from processes.desk import Desk
from processes.models import HotlineCase
from processes.reports.models import CaseReturn
from processes.reports.output import write_report
from processes.reports.period import Period
from processes.scope import INTAKE_CODES
from processes.service import PROCESS_ID, Hotline

FIRST, LAST = date(2026, 1, 1), date(2026, 6, 30)
BATCH = 5000
STATUSES = (("closed", 70), ("in_progress", 12), ("feedback", 5), ("review", 3), ("triage", 3),
            ("withdrawn", 3), ("awaiting_instructions", 2), ("not_accepted", 2))
TREATMENTS = (("assignment", 60), ("immediate", 25), ("direct", 10), ("submission", 5))
SATISFACTION = (("satisfied", 70), ("basically_satisfied", 20), ("dissatisfied", 10))


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def synthetic_cases(rng: random.Random, count: int, departments: list[str], version_id: int):
    """Yield (instance row, case row, return rows) for ``count`` plausible cases."""
    seconds = int((datetime.combine(LAST, datetime.min.time()) - datetime.combine(FIRST, datetime.min.time()))
                  .total_seconds()) + 86400
    start = datetime.combine(FIRST, datetime.min.time(), tzinfo=UTC) - timedelta(hours=8)
    for n in range(1, count + 1):
        registered = start + timedelta(seconds=rng.randrange(seconds))
        status = pick(rng, STATUSES)
        category = "out_of_scope" if status == "not_accepted" else rng.choice(INTAKE_CODES[:-1])
        treatment = None if status in ("not_accepted", "triage") else pick(rng, TREATMENTS)
        named = rng.sample(departments, rng.choice((1, 1, 1, 2))) if treatment in ("assignment", "submission") else []
        due = registered + timedelta(days=rng.choice((7, 9, 14, 21))) if treatment not in (None, "immediate") else None
        ended = registered + timedelta(hours=rng.randrange(1, 24 * 20)) if status in (
            "closed", "withdrawn", "not_accepted") else None
        returns = rng.choices((0, 1, 2), (90, 8, 2))[0] if named else 0
        instance = {"id": n, "version_id": version_id, "status": "completed" if ended else "running", "state": "{}",
                    "state_format": "synthetic", "lock_version": 1, "started_at": registered,
                    "updated_at": ended or registered, "ended_at": ended, "id_seed": "0" * 32, "id_counter": 0,
                    "audit_seq": 0, "audit_hash": "0" * 64}
        case = {"id": n, "instance_id": n, "number": f"12345-S-{n:07d}", "status": status, "category": category,
                "treatment": treatment, "complexity": "general", "departments": named, "urgency": "normal",
                "channel": "phone", "confidential": rng.random() < 0.05,
                "caller": {"name": "测试", "phone": "13800000000"}, "subject": "合成办件", "content": "合成办件",
                "due_at": due, "deadline_provisional": False, "reminded": False,
                "overdue": bool(due) and rng.random() < 0.08, "returns": returns,
                "satisfaction": pick(rng, SATISFACTION) if status == "closed" and rng.random() < 0.9 else None,
                "supplements": [], "repeat_calls": [], "registered_at": registered, "ended_at": ended}
        back = [{"instance_id": n, "department": rng.choice(departments), "returned_at": registered}
                for _ in range(returns)]
        yield instance, case, back


def fill(hotline: Hotline, count: int) -> float:
    """Deploy the diagrams (instances point at a version), insert the synthetic rows in batches; seconds taken."""
    Desk(hotline)
    with hotline.engine.session() as session:
        version_id = current_version_id(session, PROCESS_ID)
    rows = synthetic_cases(random.Random(12345), count, hotline.directory.codes, version_id)
    begin = time.perf_counter()
    with hotline.engine.db.begin() as connection:
        while batch := list(itertools.islice(rows, BATCH)):
            connection.execute(insert(Instance), [instance for instance, _, _ in batch])
            connection.execute(insert(HotlineCase), [case for _, case, _ in batch])
            returns = [row for _, _, back in batch for row in back]
            if returns:
                connection.execute(insert(CaseReturn), returns)
    return time.perf_counter() - begin


def timed(action, runs: int) -> float:
    """Median wall time in seconds of ``runs`` calls, after one untimed call (imports, caches)."""
    action()
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        action()
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each report (median is printed)")
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary directory")
    parser.add_argument("--reset", action="store_true", help="DROP SCHEMA public CASCADE first (PostgreSQL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/reports.db"
        db = prepare_database(url, args.reset)
        hotline = Hotline.open(url, SimulatedClock(datetime(2026, 7, 1, 9, tzinfo=UTC)))
        inserted = fill(hotline, args.cases)
        client = create_app(hotline).test_client()
        token = {"Authorization": f"Bearer {hotline.users.add('bench-leader', 'leader')}"}
        query = f"/api/v1/reports/summary?from={FIRST}&to={LAST}"

        def summary(fmt: str) -> None:
            response = client.get(f"{query}&format={fmt}", headers=token)
            if response.status_code != 200:
                raise SystemExit(f"{fmt}: {response.status_code} {response.get_data(as_text=True)}")
            if fmt == "json" and response.get_json()["indicators"]["registered"] != args.cases:
                raise SystemExit("the summary does not count every case")

        seconds = {fmt: timed(lambda fmt=fmt: summary(fmt), args.runs) for fmt in ("json", "csv", "xlsx")}
        period, out = Period.of_days(FIRST, LAST), Path(tmp) / "report.html"
        seconds["html"] = timed(lambda: write_report(hotline, period, "zh", out), args.runs)
        size = out.stat().st_size
        database = db.dialect.name
        db.dispose()
    print(f"inserted {args.cases:,} cases in {inserted:.1f} s ({database})")
    for name, value in seconds.items():
        print(f"  {name:<5} {value:.2f} s")
    print(f"  html report size {size / 1024:.0f} KB")
    print(f"report_scale: {args.cases:,} cases on {database}: summary JSON {seconds['json']:.2f} s, "
          f"CSV {seconds['csv']:.2f} s, XLSX {seconds['xlsx']:.2f} s, HTML report {seconds['html']:.2f} s "
          f"(median of {args.runs})")


if __name__ == "__main__":
    main()
