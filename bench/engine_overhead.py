"""How much does the engine cost on top of SpiffWorkflow itself?

One case of ``tests/diagrams/basic.bpmn`` (start -> ``fill`` -> ``review`` -> done) is run three ways:

* ``bare spiff``: SpiffWorkflow in memory, nothing persisted - the floor no engine can go below;
* ``spiff + json``: the same plus a full JSON save at each wait and a load before each completion -
  the least any persistent engine must do (this one embeds the spec in every save, as SpiffWorkflow does);
* ``engine``: the engine's commands on a real database, finding tasks the way an API client does
  (from the open-task table), so the figure includes transactions, optimistic locking, audit rows
  and the open-task sync.

The ratio engine / bare spiff is what the summary (last line) reports. This is a benchmark, not a test:
nothing is asserted about time, but every run checks that the case really completes, so a broken flow
cannot pass for a fast one.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, inspect, select

from engine.clock import SimulatedClock
from engine.models import Instance, OpenTask
from engine.runtime import COMPLETED, Engine
from engine.store import connect, upgrade

DIAGRAMS = Path(__file__).resolve().parent.parent / "tests" / "diagrams"
FILES = ("basic.bpmn", "request.json", "review.json")
PROCESS = "basic"
# The user tasks in the order they open, with what the user submits (amount 500 takes the review branch).
STEPS = (("fill", {"amount": 500}), ("review", {"approved": True}))
TARGET_RATIO = 3


class BrokenFlow(RuntimeError):
    """The diagram did not go the expected way; timing it would be meaningless."""


# -- the three lifecycles ------------------------------------------------------------------------
def engine_lifecycle(engine: Engine) -> int:
    """Start a case and complete its two tasks through engine commands; returns the case id."""
    case = engine.start(PROCESS, {}, "bench")
    for name, data in STEPS:
        engine.complete_task(open_task(engine, case, name), data, "bench")
    return case


def open_task(engine: Engine, case: int, expected: str) -> str:
    """The case's single open task, read from the table as an API client would (no case load)."""
    with engine.session() as session:
        rows = session.execute(select(OpenTask.id, OpenTask.name).where(OpenTask.instance_id == case)).all()
    if [row.name for row in rows] != [expected]:
        raise BrokenFlow(f"case {case}: expected open task {expected!r}, found {[row.name for row in rows]}")
    return rows[0].id


def spiff_lifecycle(spec, subprocess_specs, serializer: BpmnWorkflowSerializer | None = None) -> None:
    """The same case in bare SpiffWorkflow; with ``serializer``, saved at each wait and loaded back to continue."""
    workflow = BpmnWorkflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    state = serializer.serialize_json(workflow) if serializer else None
    for name, data in STEPS:
        if serializer:
            workflow = serializer.deserialize_json(state)
        ready = workflow.get_tasks(state=TaskState.READY, manual=True)
        if [task.task_spec.bpmn_id for task in ready] != [name]:
            raise BrokenFlow(f"expected ready task {name!r}, found {[t.task_spec.bpmn_id for t in ready]}")
        ready[0].data.update(data)
        ready[0].run()
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow) if serializer else None
    if not workflow.completed:
        raise BrokenFlow("the bare SpiffWorkflow case did not complete")


# -- setup ---------------------------------------------------------------------------------------
def prepare_database(url: str, reset: bool):
    """Connect and migrate; a database that already has tables is refused unless ``reset`` empties it.

    Numbers from a database full of someone else's rows (or an older schema) would not be comparable,
    and dropping a schema by accident would be worse, hence the explicit flag.
    """
    db = connect(url)
    if inspect(db).get_table_names():
        if not reset:
            raise SystemExit(f"{db.url.render_as_string()} has tables; pass --reset to drop them (PostgreSQL only)")
        if db.dialect.name != "postgresql":
            raise SystemExit("--reset works on PostgreSQL only; give SQLite a fresh file")
        with db.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade(db)
    return db


def measure(action: Callable[[], object], warmup: int, runs: int) -> list[float]:
    """Wall times in ms of ``runs`` calls, after ``warmup`` untimed ones (caches, JIT-free but lazy imports)."""
    for _ in range(warmup):
        action()
    times = []
    for _ in range(runs):
        begin = time.perf_counter()
        action()
        times.append((time.perf_counter() - begin) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="timed runs per lifecycle (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs first (default 20)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary directory")
    parser.add_argument("--reset", action="store_true", help="DROP SCHEMA public CASCADE first (PostgreSQL)")
    args = parser.parse_args()

    files = {name: (DIAGRAMS / name).read_bytes() for name in FILES}
    spiff_parser = SpiffBpmnParser()  # parsed once, as the engine caches its built specs
    spiff_parser.add_bpmn_file(str(DIAGRAMS / "basic.bpmn"))
    spec = spiff_parser.get_spec(PROCESS)
    subprocess_specs = spiff_parser.get_subprocess_specs(PROCESS)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    with tempfile.TemporaryDirectory() as tmp:
        db = prepare_database(args.database_url or f"sqlite:///{tmp}/bench.db", args.reset)
        engine = Engine(db, SimulatedClock(datetime(2026, 11, 2, 1, 0, tzinfo=UTC)))
        engine.deploy(files)
        cases: list[int] = []
        results = {
            "bare spiff": measure(lambda: spiff_lifecycle(spec, subprocess_specs), args.warmup, args.runs),
            "spiff + json": measure(lambda: spiff_lifecycle(spec, subprocess_specs, serializer), args.warmup,
                                    args.runs),
            "engine": measure(lambda: cases.append(engine_lifecycle(engine)), args.warmup, args.runs),
        }
        with engine.session() as session:  # outside the timed part: every case must have ended completed
            done = session.scalar(select(func.count()).select_from(Instance).where(
                Instance.id.in_(cases), Instance.status == COMPLETED))
        if done != len(cases):
            raise BrokenFlow(f"only {done} of {len(cases)} engine cases completed")
        db.dispose()

    print(f"database: {db.dialect.name}, {args.runs} runs after {args.warmup} warm-up, wall time per case in ms")
    print(f"{'lifecycle':<14}{'median':>9}{'p90':>9}")
    for name, times in results.items():
        print(f"{name:<14}{statistics.median(times):>9.2f}{statistics.quantiles(times, n=10)[-1]:>9.2f}")
    engine_ms, spiff_ms = statistics.median(results["engine"]), statistics.median(results["bare spiff"])
    print(f"engine_overhead: engine {engine_ms:.1f} ms, bare spiff {spiff_ms:.1f} ms, "
          f"ratio {engine_ms / spiff_ms:.1f} (target <= {TARGET_RATIO})")


if __name__ == "__main__":
    main()
