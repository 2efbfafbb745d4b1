"""How long does a process-mining export of 100,000 cases take, and how much memory does it hold?

Inserts ``--cases`` synthetic cases in bulk (the rows of ``report_scale.py``: case rows, minimal ``instances``,
returns) and, for each, the audit events of its treatment's path (intake, triage, the treatment's tasks, review,
callback; 4-8 events a case, by the roles and departments that work them). Then it writes the XES log and the
OCEL 2.0 log of the whole half year to files, as ``hotline export`` does, timing each run, and measures the
peak of Python's allocations (``tracemalloc``) in one more run per kind, once for a tenth of the cases and once
for all of them: a streamed export holds about the same memory for both. Nothing is asserted about time, but
each log must hold every case. The summary is the last line.
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from engine_overhead import prepare_database
from report_scale import FIRST, LAST, fill
from sqlalchemy import insert, select

from engine.clock import SimulatedClock
from engine.models import AuditEvent, Instance
from processes.exports.logs import export
from processes.models import HotlineCase
from processes.reports.period import Period
from processes.service import Hotline

BATCH = 5000
PATHS = {
    "immediate": [("triage", "dispatcher:zhao"), ("immediate_reply", "operator:li")],
    "assignment": [("triage", "dispatcher:zhao"), ("handle", "department:{department}"),
                   ("review_result", "dispatcher:zhao")],
    "direct": [("triage", "dispatcher:zhao"), ("direct_handling", "supervisor:qian"),
               ("review_result", "dispatcher:zhao")],
    "submission": [("triage", "dispatcher:zhao"), ("draft_special_report", "dispatcher:zhao"),
                   ("leader_instructions", "leader:county"), ("handle", "department:{department}"),
                   ("review_result", "dispatcher:zhao")],
}


def events_of(case, version_id: int) -> list[dict]:
    """The audit events of a synthetic case: its path so far (the whole path and the callback once closed)."""
    steps = [("case_started", None, "operator:li")]
    steps += [("task_completed", task, actor) for task, actor in PATHS.get(case.treatment, [])]
    if case.status != "closed":
        steps = steps[:2]
    elif case.treatment:
        steps.append(("task_completed", "callback", "operator:li"))
    department = case.departments[0] if case.departments else "water"
    caller = {"name": "测试", "phone": f"138{case.id % 20000:08d}"}  # about five calls per caller
    return [{"instance_id": case.instance_id, "seq": seq, "at": case.registered_at + timedelta(hours=seq),
             "actor": actor.format(department=department), "type": kind, "task_id": None, "task_name": task,
             "version_id": version_id, "data": {"data": {"caller": caller}} if kind == "case_started" else {},
             "state_hash": "0" * 64, "prev_hash": "0" * 64, "hash": "0" * 64}
            for seq, (kind, task, actor) in enumerate(steps, start=1)]


def fill_events(hotline: Hotline) -> int:
    """Insert the events of every case, in batches; returns how many."""
    inserted = 0
    with hotline.engine.db.begin() as connection:
        version_id = connection.scalar(select(Instance.version_id).limit(1))
        cases = iter(connection.execute(select(HotlineCase.id, HotlineCase.instance_id, HotlineCase.status,
                                               HotlineCase.treatment, HotlineCase.departments,
                                               HotlineCase.registered_at).order_by(HotlineCase.id)).all())
        while batch := list(itertools.islice(cases, BATCH)):
            rows = [event for case in batch for event in events_of(case, version_id)]
            connection.execute(insert(AuditEvent), rows)
            inserted += len(rows)
    return inserted


CASE_MARKS = {"xes": "<trace>", "ocel": '"type":"case","attributes"'}
"""What starts a case in each log (a piece never splits one: XES pieces are traces, OCEL pieces whole objects)."""


def write(hotline: Hotline, kind: str, period: Period, path: Path) -> tuple[int, int]:
    """Write one export to ``path``; returns the characters written and the cases in it."""
    size = cases = 0
    with path.open("w", encoding="utf-8") as file:
        for piece in export(hotline, kind, period):
            size += file.write(piece)
            cases += piece.count(CASE_MARKS[kind])
    return size, cases


def peak_mb(hotline: Hotline, kind: str, period: Period, path: Path) -> float:
    """The peak of Python's allocations while writing one export, in MB."""
    tracemalloc.start()
    write(hotline, kind, period, path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1, help="timed runs of each export")
    parser.add_argument("--database-url", help="default: a new SQLite file in a temporary directory")
    parser.add_argument("--reset", action="store_true", help="DROP SCHEMA public CASCADE first (PostgreSQL)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/exports.db"
        db = prepare_database(url, args.reset)
        hotline = Hotline.open(url, SimulatedClock(datetime(2026, 7, 1, 9, tzinfo=UTC)))
        begin = time.perf_counter()
        fill(hotline, args.cases)
        events = fill_events(hotline)
        print(f"inserted {args.cases:,} cases and {events:,} events in {time.perf_counter() - begin:.0f} s "
              f"({db.dialect.name})")
        whole, tenth = Period.of_days(FIRST, LAST), Period.of_days(FIRST, date(2026, 1, 18))
        figures = {}
        for kind, suffix in (("xes", "xes"), ("ocel", "json")):
            out = Path(tmp) / f"log.{suffix}"
            times = []
            for _ in range(args.runs):
                begin = time.perf_counter()
                size, cases = write(hotline, kind, whole, out)
                times.append(time.perf_counter() - begin)
            if cases != args.cases:
                raise SystemExit(f"{kind}: {cases} cases in the log, {args.cases} inserted")
            figures[kind] = (min(times), size, peak_mb(hotline, kind, tenth, out), peak_mb(hotline, kind, whole, out))
            print(f"  {kind:<4} {min(times):6.1f} s  {size / 1e6:6.0f} MB written  peak Python memory "
                  f"{figures[kind][2]:.1f} MB for ~{args.cases // 10:,} cases, {figures[kind][3]:.1f} MB for all")
        db.dispose()
    print("export_scale: " + "; ".join(
        f"{kind} of {args.cases:,} cases on {db.dialect.name} in {t:.0f} s ({size / 1e6:.0f} MB), peak "
        f"{small:.0f} MB (a tenth) / {large:.0f} MB (all)" for kind, (t, size, small, large) in figures.items()))


if __name__ == "__main__":
    main()
