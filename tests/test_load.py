"""Two `hotline serve` nodes on one PostgreSQL database, concurrent clients, timers pushed due, a node killed.

Every case must end closed, every timer must fire exactly once (counted in the audit log), every
acknowledged request's effect must be in the database, and every case's history must verify.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest
from sqlalchemy import select

from engine.models import AuditEvent
from processes.history import verify_all
from processes.service import Hotline
from tests.conftest import POSTGRES_URL
from tests.hotline_helpers import Desk, intake

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL (HOTLINE_TEST_DATABASE_URL)")
START = "2026-11-30T09:00:00+08:00"
CASES = 40
CLIENTS = 4


class Node:
    """One `hotline serve` process."""

    def __init__(self, url: str, port: int):
        self.url, self.port, self.process = url, port, None

    def start(self) -> Node:
        command = [sys.executable, "-c", "from api.cli import main; main()", "--database-url", self.url, "serve",
                   "--port", str(self.port), "--simulated-clock", START, "--threads", "8"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"node on port {self.port} did not start")

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class Client:
    """Sends requests to the live nodes, moving on to another node when one is down."""

    def __init__(self, nodes: list[Node], tokens: dict[str, str]):
        self.nodes, self.tokens = nodes, tokens
        self.acknowledged: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def call(self, user: str, method: str, path: str, body: dict | None = None, attempt: int = 0) -> dict:
        try:
            return self.call_node(self.nodes[attempt % len(self.nodes)], user, method, path, body)
        except urllib.error.HTTPError as error:
            if error.code in (409, 503) and attempt < 40:  # a race lost to the other node, or a moment's outage
                time.sleep(0.05)
                return self.call(user, method, path, body, attempt + 1)
            raise
        except OSError:  # the node is down: another one takes the request
            if attempt >= 40:
                raise
            time.sleep(0.1)
            return self.call(user, method, path, body, attempt + 1)

    def call_node(self, node: Node, user: str, method: str, path: str, body: dict | None = None) -> dict:
        """One request to one node, no retry."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{node.port}/api/v1{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.tokens[user]}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.loads(response.read())

    def complete(self, user: str, number: str, name: str, data: dict) -> None:
        [task] = self.call(user, "GET", f"/tasks?case={number}&name={name}")["items"]
        try:
            self.call(user, "POST", f"/tasks/{task['id']}/complete", data)
        except urllib.error.HTTPError as error:  # 409 only if an earlier try did complete it before its node died
            if error.code != 409 or not self.completed(number, task["id"]):
                raise
        with self.lock:
            self.acknowledged.append(("task_completed", task["id"]))

    def completed(self, number: str, task_id: str) -> bool:
        """Whether the case's history records this task's completion (a lost race would not)."""
        events = self.call("admin", "GET", f"/cases/{number}/history")
        return any(e["type"] == "task_completed" and e["task_id"] == task_id for e in events)

    def register(self) -> str:
        number = self.call("operator", "POST", "/cases", intake(departments=["water"]))["number"]
        with self.lock:
            self.acknowledged.append(("case_started", number))
        return number


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cluster(db):
    if db.dialect.name != "postgresql":
        pytest.skip("several nodes share one PostgreSQL database")
    url = db.url.render_as_string(hide_password=False)
    hotline = Hotline.open(url)
    Desk(hotline)  # deploys the diagrams
    tokens = {name: hotline.users.add(name, role, department) for name, role, department in [
        ("operator", "operator", None), ("dispatcher", "dispatcher", None), ("water", "department", "water"),
        ("supervisor", "supervisor", None), ("admin", "admin", None)]}
    nodes = [Node(url, free_port()).start(), Node(url, free_port()).start()]
    yield hotline, nodes, Client(nodes, tokens)
    for node in nodes:
        node.stop()


def push_clock(client: Client, moment: str) -> None:
    """One node moves the clock that all nodes share; it fires the due timers, racing the other node's scheduler."""
    client.call("admin", "POST", "/admin/clock", {"set": moment})


def shared_time(client: Client, node: Node) -> datetime:
    """The simulated time a node serves at (a move by nothing answers with it)."""
    return datetime.fromisoformat(client.call_node(node, "admin", "POST", "/admin/clock", {"advance": "PT0S"})["now"])


def first_half(client: Client, number: str) -> None:
    client.complete("dispatcher", number, "triage", {"treatment": "assignment", "complexity": "general",
                                                     "departments": ["water"]})


def second_half(client: Client, number: str) -> None:
    client.complete("supervisor", number, "supervise_overdue", {"note": "已督办"})
    client.complete("water", number, "handle", {"outcome": "handled", "summary": "已处理"})
    client.complete("dispatcher", number, "review_result", {"adequate": True})
    client.complete("operator", number, "callback", {"reached": True, "satisfaction": "satisfied"})


def test_two_nodes_under_load_fire_every_timer_once_and_survive_a_killed_node(cluster):
    hotline, nodes, client = cluster
    with ThreadPoolExecutor(CLIENTS) as pool:
        numbers = list(pool.map(lambda _: client.register(), range(CASES)))
        list(pool.map(lambda n: first_half(client, n), numbers))
    push_clock(client, "2026-12-05T00:00:05+08:00")  # reminders fall due
    push_clock(client, "2026-12-08T00:00:05+08:00")  # deadlines pass: overdue escalations
    with ThreadPoolExecutor(CLIENTS) as pool:
        work = [pool.submit(second_half, client, n) for n in numbers]
        time.sleep(0.5)
        nodes[1].kill()  # kill -9 in the middle of the load
        nodes[1].start()  # with its old --simulated-clock START, more than a week behind the shared clock
        assert shared_time(client, nodes[1]) >= datetime.fromisoformat("2026-12-08T00:00:05+08:00")
        for job in work:
            job.result()

    cases = {n: hotline.case(n) for n in numbers}
    assert {case.status for case in cases.values()} == {"closed"}
    assert all(case.overdue and case.reminded for case in cases.values())
    with hotline.engine.session() as session:
        events = list(session.scalars(select(AuditEvent).where(
            AuditEvent.instance_id.in_([c.instance_id for c in cases.values()]))))
    fired = Counter((e.instance_id, t["timer"]) for e in events if e.type == "timer_fired" for t in e.data["timers"])
    assert set(fired.values()) == {1}
    assert {timer for _, timer in fired} == {"remind", "overdue"} and len(fired) == 2 * CASES
    completed = Counter(e.task_id for e in events if e.type == "task_completed")
    assert set(completed.values()) == {1}  # no task completed twice
    for kind, key in client.acknowledged:
        assert key in completed if kind == "task_completed" else key in cases
    assert all(verdict.chain_ok and verdict.replay_matches for _, verdict in verify_all(hotline))
