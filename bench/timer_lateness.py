"""How late timers fire while clients load the API (lateness p50, p99 and max).

Starts `--nodes` `hotline serve --simulated-clock` processes (each with its timer scheduler, sharing the
database and its simulated clock) on a fresh database, and `--clients` threads that run hotline case
lifecycles through the API as staff do, round the nodes, for the whole run. Meanwhile it arms `--timers`
timers (cases of a one-timer diagram) in each of three ways, one way after the other:

* `same node`: one case every 0.2-0.6 s through `POST /processes/bench_timer/cases`, due 1-3 s later;
  the node that took the command re-arms its wake-up at once.
* `other node`: the same, but started by the bench itself as one more node without a scheduler, so the
  serving nodes learn of each timer from the database only.
* `clock moved`: cases due a day ahead, then one `POST /admin/clock` moves the shared clock so that they
  fall due 1-10 s after the move (the nodes' wake-ups were set for the old time).

A watcher reads the database every 10 ms and notes when each case has passed its timer. Lateness is that
moment minus the wall time at which the shared clock reached the timer's moment. The one-line summary is last.
"""

from __future__ import annotations

import argparse
import random
import socket
import tempfile
import threading
import time
from datetime import datetime, timedelta
from statistics import quantiles

from http_throughput import Client, prepare
from server import serve
from sqlalchemy import select

from engine.clock import SimulatedClock, wall_clock
from engine.models import Instance, StoredClock
from engine.runtime import Engine
from engine.store import connect
from processes.service import Hotline

START = "2026-11-30T09:00:00+08:00"
WITHIN = 1.0  # seconds: the promise is that a timer fires within a second of its moment
BENCH_TIMER = b"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs"
                  targetNamespace="http://example.org/bench">
  <bpmn:process id="bench_timer" name="Bench timer" isExecutable="true">
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="due" name="Due"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDate>at</bpmn:timeDate></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="done"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="due"/>
    <bpmn:sequenceFlow id="f2" sourceRef="due" targetRef="done"/>
  </bpmn:process>
</bpmn:definitions>"""


class Watcher(threading.Thread):
    """Notes the wall time at which each armed case is first seen past its timer (every 10 ms)."""

    def __init__(self, engine: Engine):
        super().__init__(daemon=True)
        self.engine, self.armed, self.fired, self.failed = engine, {}, {}, []
        self.lock, self.stopped = threading.Lock(), threading.Event()

    def arm(self, case: int, due: datetime) -> None:
        with self.lock:
            self.armed[case] = due

    def waiting(self) -> list[int]:
        with self.lock:
            return [case for case in self.armed if case not in self.fired]

    def run(self) -> None:
        while not self.stopped.wait(0.01):
            waiting = self.waiting()
            if waiting:
                with self.engine.session() as session:
                    done = session.execute(select(Instance.id, Instance.status).where(
                        Instance.id.in_(waiting), Instance.status != "running")).all()
                seen = wall_clock()
                with self.lock:
                    self.fired.update((case, seen) for case, _ in done)
                    self.failed += [case for case, status in done if status != "completed"]


class Load:
    """Client threads running whole hotline lifecycles through the API, round the nodes, until stopped."""

    def __init__(self, clients: list[Client], threads: int):
        self.clients, self.stopped, self.errors = clients, threading.Event(), []
        self.threads = [threading.Thread(target=self.work, args=(i,), daemon=True) for i in range(threads)]

    def work(self, index: int) -> None:
        while not self.stopped.is_set():
            try:
                self.clients[index % len(self.clients)].lifecycle()
            except Exception as err:  # counted and shown: a failing load must not go unseen
                if not self.stopped.is_set():  # (stopping the servers cuts the lifecycles under way)
                    self.errors.append(err)
            index += 1

    @property
    def requests(self) -> int:
        return sum(client.requests for client in self.clients)


class Bench:
    """The bench's own node (no scheduler), the API clients, and the watcher."""

    def __init__(self, url: str, clients: list[Client]):
        self.db = connect(url)
        self.node = Engine(self.db, SimulatedClock(datetime.fromisoformat(START), running=True).attach(self.db))
        self.hotline, self.clients = Hotline.open(url), clients
        self.watcher = Watcher(self.node)

    def same_node(self, count: int) -> list[int]:
        """Timers started through the API while the load runs, each due 1-3 s later."""
        return [self._arm(self._start_over_http, i) for i in range(count)]

    def other_node(self, count: int) -> list[int]:
        """Timers started by this process's engine, which no serving node hears of but through the database."""
        return [self._arm(lambda due, _i: self.node.start("bench_timer", {"at": due}, "bench"), i)
                for i in range(count)]

    def clock_moved(self, count: int) -> list[int]:
        """Timers a day ahead, then the shared clock moved through the API so that they fall due 1-10 s later."""
        moment, cases = self.node.now() + timedelta(days=1), []
        for _ in range(count):
            due = moment + timedelta(seconds=random.uniform(1, 10))
            cases.append(self.node.start("bench_timer", {"at": due.isoformat()}, "bench"))
            self.watcher.arm(cases[-1], due)
        self.clients[0].call("admin", "POST", "/admin/clock", {"set": moment.isoformat()})
        return cases

    def _arm(self, start, index: int) -> int:
        time.sleep(random.uniform(0.2, 0.6))
        due = self.node.now() + timedelta(seconds=random.uniform(1, 3))
        case = start(due.isoformat(), index)
        self.watcher.arm(case, due)
        return case

    def _start_over_http(self, due: str, index: int) -> int:
        client = self.clients[index % len(self.clients)]
        number = client.call("admin", "POST", "/processes/bench_timer/cases", {"data": {"at": due}})["number"]
        return self.hotline.case(number).instance_id

    def lateness(self, cases: list[int]) -> list[float]:
        """Seconds from the wall time the shared clock reached each timer's moment to its firing being seen."""
        deadline = time.monotonic() + 120
        while self.watcher.waiting() and not self.watcher.failed:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(self.watcher.waiting())} timer(s) never fired")
            time.sleep(0.1)
        if self.watcher.failed:
            raise RuntimeError(f"the timers of cases {self.watcher.failed} failed (incidents)")
        with self.node.session() as session:
            base, set_at = session.execute(select(StoredClock.base, StoredClock.set_at)).one()
        fired, armed = self.watcher.fired, self.watcher.armed
        return [(fired[case] - (set_at + (armed[case] - base))).total_seconds() for case in cases]




def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def summary(name: str, late: list[float]) -> str:
    cuts = quantiles(late, n=100, method="inclusive")
    over = sum(1 for value in late if value > WITHIN)
    return (f"{name:14} {len(late):4} timers  p50 {cuts[49] * 1e3:6.0f} ms  p99 {cuts[98] * 1e3:6.0f} ms  "
            f"max {max(late) * 1e3:6.0f} ms  over {WITHIN:.0f} s: {over}")


def run(url: str, args: argparse.Namespace) -> tuple[dict[str, list[float]], str]:
    """Serve, load and arm; the lateness of each scenario and a line on the load."""
    tokens, _ = prepare(url, args.reset)
    ports = [free_port() for _ in range(args.nodes)]
    clients = [Client(port, tokens) for port in ports]
    bench = Bench(url, clients)
    bench.node.deploy({"bench_timer.bpmn": BENCH_TIMER})
    tokens["admin"] = bench.hotline.users.add("admin", "admin", None)
    servers, load = [serve(url, port, "--simulated-clock", START) for port in ports], Load(clients, args.clients)
    try:
        bench.watcher.start()
        for thread in load.threads:
            thread.start()
        time.sleep(2)  # the load is running before the first timer is armed
        begin, requests, results = time.perf_counter(), load.requests, {}
        for scenario in (bench.same_node, bench.other_node, bench.clock_moved):
            results[scenario.__name__.replace("_", " ")] = bench.lateness(scenario(args.timers))
        seconds, requests = time.perf_counter() - begin, load.requests - requests
    finally:
        load.stopped.set()
        bench.watcher.stopped.set()
        for server in servers:
            server.terminate()
            server.wait()
        bench.db.dispose()
    return results, (f"{bench.db.dialect.name}, {args.nodes} node(s), {args.clients} clients: {requests / seconds:.0f} "
                     f"requests/s over {seconds:.0f} s, {len(load.errors)} failed lifecycle(s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--reset", action="store_true", help="DROP SCHEMA public CASCADE first (PostgreSQL)")
    parser.add_argument("--nodes", type=int, default=1, help="hotline serve processes firing timers")
    parser.add_argument("--clients", type=int, default=8, help="client threads loading the API")
    parser.add_argument("--timers", type=int, default=50, help="timers per way of arming them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results, load = run(args.database_url or f"sqlite:///{tmp}/timers.db", args)
    print(load)
    for name, late in results.items():
        print(summary(name, late))
    print(summary("timer_lateness", [value for late in results.values() for value in late]))


if __name__ == "__main__":
    main()
