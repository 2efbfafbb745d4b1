"""Full hotline case lifecycles per second through the HTTP API, with several concurrent clients.

Starts `hotline serve` (``--workers``: gunicorn processes, default 2; 1 runs waitress) on a fresh
database, then N client threads each run lifecycles the way
staff do: register a call, triage it, the department handles it, review, callback — 5 POSTs and 4 task
look-ups per case. Prints lifecycles/s and requests/s; the one-line summary is last.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from engine.store import connect
from processes.desk import Desk
from processes.service import Hotline
from processes.wiring import upgrade

TARGET = 50
CALL = {"caller": {"name": "张三", "phone": "13800138000"}, "confidential": False, "category": "livelihood",
        "subject": "人民路供水", "content": "停水", "departments": ["water"]}
STEPS = (("dispatcher", "triage", {"treatment": "assignment", "complexity": "general", "departments": ["water"]}),
         ("water", "handle", {"outcome": "handled", "summary": "已恢复供水"}),
         ("dispatcher", "review_result", {"adequate": True}),
         ("operator", "callback", {"reached": True, "satisfaction": "satisfied"}))


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


def serve(url: str, port: int, workers: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "--database-url", url,
                                "serve", "--port", str(port), "--threads", "8", "--workers", str(workers),
                                "--no-scheduler"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            return process
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def prepare(url: str, reset: bool) -> dict[str, str]:
    db = connect(url)
    if reset and db.dialect.name == "postgresql":
        with db.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    upgrade(db)
    hotline = Hotline.open(url)
    Desk(hotline)
    return {name: hotline.users.add(name, role, department) for name, role, department in (
        ("operator", "operator", None), ("dispatcher", "dispatcher", None), ("water", "department", "water"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    parser.add_argument("--reset", action="store_true", help="DROP SCHEMA public CASCADE first (PostgreSQL)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--lifecycles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        url = args.database_url or f"sqlite:///{tmp}/http.db"
        client = Client(port, prepare(url, args.reset))
        server = serve(url, port, args.workers)
        try:
            with ThreadPoolExecutor(args.clients) as pool:
                list(pool.map(client.lifecycle, range(args.clients)))  # warm-up
                client.requests, begin = 0, time.perf_counter()
                list(pool.map(client.lifecycle, range(args.lifecycles)))
                seconds = time.perf_counter() - begin
        finally:
            server.terminate()
            server.wait()
    kind = connect(url).dialect.name
    print(f"{args.lifecycles} lifecycles, {client.requests} requests, {args.clients} clients, "
          f"{args.workers} server process(es), {seconds:.1f} s")
    print(f"http_throughput ({kind}): {args.lifecycles / seconds:.1f} lifecycles/s, "
          f"{client.requests / seconds:.0f} requests/s (target >= {TARGET} lifecycles/s on PostgreSQL)")


if __name__ == "__main__":
    main()
