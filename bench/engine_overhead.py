"""How much does the engine cost on top of SpiffWorkflow itself?

One case of the hotline procedure (``--diagram hotline``, the default: a call assigned to one department,
handled, reviewed, called back, closed) or of the small ``tests/diagrams/basic.bpmn`` (``--diagram basic``)
is run three ways:

* ``bare spiff``: SpiffWorkflow in memory, nothing persisted - the floor no engine can go below (it uses the
  engine's sandboxed script engine, so both run the same expressions and domain functions);
* ``spiff + json``: the same plus a full JSON save at each wait and a load before each completion -
  the least any persistent engine must do (this one embeds the spec in every save, as SpiffWorkflow does);
* ``engine``: the engine's commands on a real database, finding tasks the way an API client does
  (from the open-task table), so the figure includes transactions, optimistic locking, audit rows
  and the open-task sync.

The three lifecycles take turns, run by run, so a busy machine slows them alike. The ratio engine / bare
spiff is what the summary (last line) reports, against the issue's target for the database (SQLite <= 3,
PostgreSQL <= 4). ``--database-url`` runs the engine on PostgreSQL. This is a benchmark, not a test:
nothing is asserted about time, but every run checks that the case really completes, so a broken flow
cannot pass for a fast one.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, inspect, select

from engine.case import COMPLETED
from engine.clock import SimulatedClock
from engine.models import Instance, OpenTask
from engine.runtime import Engine
from engine.store import connect
from processes.database import upgrade
from processes.service import Hotline

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = {"sqlite": 3, "postgresql": 4}  # engine / bare spiff, hotline lifecycle (issue 12)


@dataclass(frozen=True)
class Scenario:
    """A diagram, how a case starts, and the user tasks in the order they open with what is submitted."""

    files: tuple[Path, ...]
    process: str
    start: dict
    steps: tuple[tuple[str, dict], ...]


SCENARIOS = {
    # A small diagram: user task, script, gateway, user task (amount 500 takes the review branch).
    "basic": Scenario(tuple(ROOT / "tests" / "diagrams" / n for n in ("basic.bpmn", "request.json", "review.json")),
                      "basic", {}, (("fill", {"amount": 500}), ("review", {"approved": True}))),
    # The hotline procedure: a call assigned to one department, handled, reviewed, called back, closed.
    "hotline": Scenario(
        tuple(sorted((ROOT / "bpmn").glob("*.*")) + sorted((ROOT / "forms").glob("*.json"))), "hotline_case",
        {"caller": {"name": "张三", "phone": "13800138000"}, "confidential": False, "category": "livelihood",
         "subject": "人民路供水", "content": "停水", "channel": "phone", "urgency": "normal", "departments": ["water"]},
        (("triage", {"treatment": "assignment", "complexity": "general", "departments": ["water"]}),
         ("handle", {"outcome": "handled", "summary": "已恢复供水"}), ("review_result", {"adequate": True}),
         ("callback", {"reached": True, "satisfaction": "satisfied"}))),
}


class BrokenFlow(RuntimeError):
    """The diagram did not go the expected way; timing it would be meaningless."""


# -- the three lifecycles ------------------------------------------------------------------------
def engine_lifecycle(engine: Engine, scenario: Scenario) -> int:
    """Start a case and complete its tasks through engine commands; returns the case id."""
    case = engine.start(scenario.process, dict(scenario.start), "bench")
    for name, data in scenario.steps:
        engine.complete_task(open_task(engine, case, name), data, "bench")
    return case


def open_task(engine: Engine, case: int, expected: str) -> str:
    """The case's single open task, read from the table as an API client would (no case load)."""
    with engine.session() as session:
        rows = session.execute(select(OpenTask.id, OpenTask.name).where(OpenTask.instance_id == case)).all()
    if [row.name for row in rows] != [expected]:
        raise BrokenFlow(f"case {case}: expected open task {expected!r}, found {[row.name for row in rows]}")
    return rows[0].id


def spiff_lifecycle(scenario: Scenario, spec, subprocess_specs, script_engine,
                    serializer: BpmnWorkflowSerializer | None = None) -> None:
    """The same case in bare SpiffWorkflow; with ``serializer``, saved at each wait and loaded back to continue."""
    workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(scenario.start)
    workflow.do_engine_steps()
    state = serializer.serialize_json(workflow) if serializer else None
    for name, data in scenario.steps:
        if serializer:
            workflow = serializer.deserialize_json(state)
            workflow.script_engine = script_engine
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


def measure(actions: dict[str, Callable[[], object]], warmup: int, runs: int) -> dict[str, list[float]]:
    """Wall times in ms of ``runs`` calls of each action, after ``warmup`` untimed ones (caches, lazy imports).

    The actions take turns, run by run, so a change in the machine's load hits each of them alike and the ratios
    stay meaningful on a busy machine."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for run in range(warmup + runs):
        for name, action in actions.items():
            begin = time.perf_counter()
            action()
            if run >= warmup:
                times[name].append((time.perf_counter() - begin) * 1000)
    return times


# -- where the engine's time goes (--split) ---------------------------------------------------------
SPLIT = {  # what is timed: (owner, attribute) -> label; nested parts are also inside "the save"
    ("engine.effects", "run_engine_steps"): "SpiffWorkflow: engine steps and effects",
    ("engine.serializer.StateSerializer", "dump_state"): "SpiffWorkflow: state save (JSON)",
    ("engine.serializer.StateSerializer", "load_state"): "SpiffWorkflow: state load (cold cases only)",
    ("engine.unit.UnitOfWork", "save"): "the save (state, rows, projection, flush)",
    ("processes.cases.Projector", "__call__"): "  of which the hotline projection",
    ("engine.unit.UnitOfWork", "_sync_open_tasks"): "  of which the open-task rows",
    ("sqlalchemy.orm.Session", "flush"): "ORM flushes (inside the save and commits)",
    ("sqlalchemy.orm.Session", "commit"): "commits",
    ("engine.unit.UnitOfWork", "task_case"): "reading the task and its case",
}


def timed_parts(spent: dict[str, float]) -> None:
    """Wrap the functions of ``SPLIT`` so each adds its wall time to ``spent`` (for --split only)."""
    import functools
    import importlib

    for (owner, name), label in SPLIT.items():
        path, _, last = owner.rpartition(".")
        target = getattr(importlib.import_module(path), last) if last[:1].isupper() else importlib.import_module(owner)
        inner = getattr(target, name)

        def wrapper(*args, _inner=inner, _label=label, **kwargs):
            begin = time.perf_counter()
            try:
                return _inner(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - begin

        setattr(target, name, functools.wraps(inner)(wrapper))


def measure_parts(engine: Engine, scenario: Scenario, runs: int) -> tuple[dict[str, float], float, int]:
    spent: dict[str, float] = {}
    timed_parts(spent)
    spent.clear()
    begin = time.perf_counter()
    for _ in range(runs):
        engine_lifecycle(engine, scenario)
    return spent, time.perf_counter() - begin, runs


def print_parts(spent: dict[str, float], total: float, runs: int) -> None:
    print(f"where the engine lifecycle's time goes ({runs} more runs, parts wrapped): ms per case, share")
    print(f"  {'all of it':<46}{total / runs * 1000:>8.2f}  100%")
    for label in SPLIT.values():
        seconds = spent.get(label, 0.0)
        print(f"  {label:<46}{seconds / runs * 1000:>8.2f}  {seconds / total:4.0%}")


def parse(scenario: Scenario):
    """Build the specs once, as the engine caches its built specs per version."""
    parser = SpiffBpmnParser()
    for path in scenario.files:
        if path.suffix == ".dmn":
            parser.add_dmn_file(str(path))
    for path in scenario.files:
        if path.suffix == ".bpmn":
            parser.add_bpmn_file(str(path))
    return parser.get_spec(scenario.process), parser.get_subprocess_specs(scenario.process)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--diagram", choices=sorted(SCENARIOS), default="hotline", help="default: hotline")
    parser.add_argument("--runs", type=int, default=300, help="timed runs per lifecycle (default 300)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs first (default 20)")
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temporary directory")
    parser.add_argument("--reset", action="store_true", help="DROP SCHEMA public CASCADE first (PostgreSQL)")
    parser.add_argument("--split", action="store_true",
                        help="then time the engine's parts over the same number of runs (wrapped, so a little slower)")
    args = parser.parse_args()
    scenario = SCENARIOS[args.diagram]
    spec, subprocess_specs = parse(scenario)
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        prepare_database(url, args.reset)
        clock = SimulatedClock(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
        engine = Hotline.open(url, clock).engine if args.diagram == "hotline" else Engine(connect(url), clock)
        engine.deploy({path.name: path.read_bytes() for path in scenario.files})
        bare = engine.script_engine  # the same sandboxed expressions and domain functions, nothing persisted
        cases: list[int] = []
        results = measure({
            "bare spiff": lambda: spiff_lifecycle(scenario, spec, subprocess_specs, bare),
            "spiff + json": lambda: spiff_lifecycle(scenario, spec, subprocess_specs, bare, serializer),
            "engine": lambda: cases.append(engine_lifecycle(engine, scenario)),
        }, args.warmup, args.runs)
        split = measure_parts(engine, scenario, args.runs) if args.split else None
        with engine.session() as session:  # outside the timed part: every case must have ended completed
            done = session.scalar(select(func.count()).select_from(Instance).where(
                Instance.id.in_(cases), Instance.status == COMPLETED))
        if done != len(cases):
            raise BrokenFlow(f"only {done} of {len(cases)} engine cases completed")
        engine.db.dispose()

    print(f"diagram: {args.diagram}, database: {engine.db.dialect.name}, {args.runs} runs after {args.warmup} "
          "warm-up, wall time per case in ms")
    print(f"{'lifecycle':<14}{'median':>9}{'p90':>9}")
    for name, times in results.items():
        print(f"{name:<14}{statistics.median(times):>9.2f}{statistics.quantiles(times, n=10)[-1]:>9.2f}")
    if split:
        print_parts(*split)
    engine_ms, spiff_ms = statistics.median(results["engine"]), statistics.median(results["bare spiff"])
    kind = engine.db.dialect.name
    print(f"engine_overhead ({args.diagram}, {kind}): engine {engine_ms:.1f} ms, "
          f"bare spiff {spiff_ms:.1f} ms, ratio {engine_ms / spiff_ms:.1f} (target <= {TARGET_RATIO[kind]})")


if __name__ == "__main__":
    main()
