"""Full hotline case lifecycles per second through the HTTP API, with several concurrent clients.

Starts `hotline serve` (``--workers``: gunicorn processes, default 2; 1 runs waitress) on a fresh
database, then N client threads each run lifecycles the way staff do: register a call, triage it, the
department handles it, review, callback — 5 POSTs and 4 task look-ups per case. ``--workers 1,2,4``
measures several server sizes one after the other, each on a fresh database.

Absolute figures vary 2-3x between machines and runs, so before each server size the same run times the
bare SpiffWorkflow lifecycle of the same case (``engine_overhead.py``'s ``bare spiff``: in memory, nothing
saved), and again after it, and prints the share of the machine's bare capacity the API reached:
lifecycles/s ÷ (1000 ÷ bare ms × cores), with the faster of the two bare timings.

On PostgreSQL, ``--sample`` also reads ``pg_stat_activity`` every 10 ms while the clients run and prints
what the server's connections were doing on average (running a statement, waiting for a lock, holding a
transaction open while the application works, idle) and the transactions committed per lifecycle. The
summary is last.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from engine_overhead import SCENARIOS, measure, parse, spiff_lifecycle
from server import serve
from sqlalchemy import text

from engine.store import connect
from processes.database import upgrade
from processes.desk import Desk
from processes.service import Hotline

TARGET, TARGET_SHARE = 50, 0.10
CALL = {"caller": {"name": "张三", "phone": "13800138000"}, "confidential": False, "category": "livelihood",
        "subject": "人民路供水", "content": "停水", "departments": ["water"]}
STEPS = (("dispatcher", "triage", {"treatment": "assignment", "complexity": "general", "departments": ["water"]}),
         ("water", "handle", {"outcome": "handled", "summary": "已恢复供水"}),
         ("dispatcher", "review_result", {"adequate": True}),
         ("operator", "callback", {"reached": True, "satisfaction": "satisfied"}))
ACTIVITY = text("SELECT state, wait_event_type FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()")
COMMITS = text("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")


class Client:
    def __init__(self, port: int, tokens: dict[str, str]):
        self.base, self.tokens, self.requests = f"http://127.0.0.1:{port}/api/v1", tokens, 0
        self.lock = threading.Lock()

    def call(self, user: str, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(self.base + path, method=method,
                                         data=json.dumps(body).encode() if body is not None else None,
                                         headers={"Authorization": f"Bearer {self.tokens[user]}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            with self.lock:
                self.requests += 1
            return json.loads(response.read())

    def lifecycle(self, _index: int = 0) -> None:
        number = self.call("operator", "POST", "/cases", CALL)["number"]
        for user, name, data in STEPS:
            [task] = self.call(user, "GET", f"/tasks?case={number}&name={name}")["items"]
            case = self.call(user, "POST", f"/tasks/{task['id']}/complete", data)
        if case["status"] != "closed":
            raise RuntimeError(f"{number} ended {case['status']}")


class Sampler(threading.Thread):
    """Reads what the database's connections are doing every 10 ms while started, and the commits made from its
    creation to ``result`` (read once the server's connections closed, so every commit has been counted)."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.db, self.seen, self.samples, self.stopping = connect(url), Counter(), 0, threading.Event()
        self.commits = self._commits()

    def _commits(self) -> int:
        with self.db.connect() as conn:
            return conn.execute(COMMITS).scalar()

    def run(self) -> None:
        with self.db.connect() as conn:
            while not self.stopping.wait(0.01):
                self.seen.update(what(row.state, row.wait_event_type) for row in conn.execute(ACTIVITY))
                conn.commit()
                self.samples += 1

    def stop(self) -> None:
        self.stopping.set()
        self.join()

    def result(self, lifecycles: int) -> tuple[dict[str, float], float]:
        """Connections per state on average, and the server's commits per lifecycle (the sampler's own left out)."""
        time.sleep(1)  # a closing connection's statistics reach pg_stat_database as its backend exits
        commits = self._commits() - self.commits - self.samples
        self.db.dispose()
        return {state: count / max(self.samples, 1) for state, count in self.seen.most_common()}, commits / lifecycles


def what(state: str | None, wait: str | None) -> str:
    """A connection's state in plain words (``Client`` waits are the server's next statement not yet sent)."""
    if state == "active":
        return "running a statement" if wait is None else f"waiting ({wait})"
    if state == "idle in transaction":
        return "in a transaction, waiting for the application"
    return "idle (no transaction)"


@dataclass
class Result:
    workers: int
    lifecycles_per_second: float
    requests_per_second: float
    bare_ms: tuple[float, float]  # measured just before and just after the clients ran
    activity: dict[str, float] | None = None
    commits_per_lifecycle: float | None = None

    @property
    def share(self) -> float:
        """The API's lifecycles/s as a share of what bare SpiffWorkflow could do on every core of the machine (at
        the faster of its two timings: the smaller share, when other work on the machine slowed one down)."""
        return self.lifecycles_per_second / (1000 / min(self.bare_ms) * os.cpu_count())




def prepare(url: str, reset: bool) -> tuple[dict[str, str], Hotline]:
    db = connect(url)
    if reset and db.dialect.name == "postgresql":
        with db.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade(db)
    hotline = Hotline.open(url)
    Desk(hotline)
    tokens = {name: hotline.users.add(name, role, department) for name, role, department in (
        ("operator", "operator", None), ("dispatcher", "dispatcher", None), ("water", "department", "water"))}
    return tokens, hotline


def bare_lifecycle_ms(hotline: Hotline, runs: int = 100) -> float:
    """Median ms of the same case in bare SpiffWorkflow, with the deployed hotline's sandboxed script engine."""
    scenario = SCENARIOS["hotline"]
    spec, subprocess_specs = parse(scenario)
    bare = measure({"bare": lambda: spiff_lifecycle(scenario, spec, subprocess_specs, hotline.engine.script_engine)},
                   20, runs)
    return statistics.median(bare["bare"])


def run(url: str, reset: bool, workers: int, clients: int, lifecycles: int, sample: bool) -> Result:
    """The API with ``workers`` processes on a fresh database, bare SpiffWorkflow timed before and after."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tokens, hotline = prepare(url, reset)
    bare_before = bare_lifecycle_ms(hotline)
    sampler = Sampler(url) if sample else None
    client, server = Client(port, tokens), serve(url, port, "--workers", str(workers), "--no-scheduler")
    try:
        with ThreadPoolExecutor(clients) as pool:
            list(pool.map(client.lifecycle, range(clients)))  # warm-up
            client.requests, begin = 0, time.perf_counter()
            if sampler:
                sampler.start()
            list(pool.map(client.lifecycle, range(lifecycles)))
            seconds = time.perf_counter() - begin
            if sampler:
                sampler.stop()
    finally:
        server.terminate()
        server.wait()
    bare_ms = (bare_before, bare_lifecycle_ms(hotline))
    hotline.engine.db.dispose()
    activity, commits = sampler.result(clients + lifecycles) if sampler else (None, None)
    return Result(workers, lifecycles / seconds, client.requests / seconds, bare_ms, activity, commits)


def report(result: Result) -> None:
    print(f"workers {result.workers}: {result.lifecycles_per_second:.1f} lifecycles/s, "
          f"{result.requests_per_second:.0f} requests/s; bare SpiffWorkflow lifecycle {result.bare_ms[0]:.2f} ms "
          f"before, {result.bare_ms[1]:.2f} ms after ({os.cpu_count()} cores); "
          f"share of bare capacity {result.share:.3f}")
    if result.activity is not None:
        print(f"  transactions committed per lifecycle (warm-up included): {result.commits_per_lifecycle:.1f}")
        for state, connections in result.activity.items():
            print(f"  {state:<48}{connections:6.2f} connections on average")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--reset", action="store_true", help="DROP SCHEMA public CASCADE first (PostgreSQL)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--lifecycles", type=int, default=200)
    parser.add_argument("--workers", default="2", help="server processes, or several: 1,2,4 (default 2)")
    parser.add_argument("--sample", action="store_true", help="sample pg_stat_activity meanwhile (PostgreSQL)")
    args = parser.parse_args()
    sizes = [int(n) for n in args.workers.split(",")]
    if args.database_url and len(sizes) > 1 and not args.reset:
        parser.error("several server sizes on one database need --reset (each starts on an empty one)")
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for workers in sizes:
            url = args.database_url or f"sqlite:///{tmp}/http-{workers}.db"
            results.append(run(url, args.reset, workers, args.clients, args.lifecycles, args.sample))
            report(results[-1])
    kind = connect(url).dialect.name
    print(f"http_throughput ({kind}, {args.clients} clients, {args.lifecycles} lifecycles): " + "; ".join(
        f"{r.workers} worker(s) {r.lifecycles_per_second:.1f}/s, share {r.share:.3f}" for r in results)
        + f" (targets on PostgreSQL: >= {TARGET}/s on a box where bare is 3.9 ms, share >= {TARGET_SHARE})")


if __name__ == "__main__":
    main()
