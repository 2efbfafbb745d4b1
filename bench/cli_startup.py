"""How long do `hotline --help` and `hotline demo` take, wall time, as a person typing them waits?

Each command runs ``--runs`` times in a fresh interpreter (the console script, as installed); the best and the
median are printed beside a bare ``python -c pass`` measured in the same run, since absolute figures vary with
the machine and its load (the load average is printed too). ``--help`` of the group and of a few commands shows
what start-up costs; ``users list`` on a database already at its newest migration shows what every command costs
before its own work. ``hotline demo`` is then split, in one more fresh interpreter, into its imports, the schema of
its throwaway database, deploying the diagrams and playing the fortnight.

Python's bytecode cache is allowed and filled by an untimed first run of each command, as it is for anyone who ran
the command before: with ``PYTHONDONTWRITEBYTECODE=1`` and no ``__pycache__`` in the checkout, every run compiles
the hotline's own modules again (about half a second more for the demo).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOTLINE = Path(sys.executable).with_name("hotline")
CACHED = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
HELPS = ([], ["demo"], ["audit"], ["audit", "verify"], ["users", "add"], ["report"])

PHASES = """
import sys, tempfile, time
from pathlib import Path
moments = [time.perf_counter()]
from api.settings import cache_folder
from engine.clock import SimulatedClock
from engine.store import connect
from processes import demo
from processes.database import new_sqlite, upgrade
from processes.desk import Desk
from processes.service import Hotline
moments.append(time.perf_counter())
with tempfile.TemporaryDirectory() as folder:  # as `hotline demo` does
    new_sqlite(Path(folder) / "demo.db", cache_folder())
    url = f"sqlite:///{folder}/demo.db"
    upgrade(connect(url))
    moments.append(time.perf_counter())
    desk = Desk(Hotline.open(url, SimulatedClock(demo.START)))
    moments.append(time.perf_counter())
    demo.run(desk, lambda _line: None)
    moments.append(time.perf_counter())
print(*(later - earlier for earlier, later in zip(moments, moments[1:])))
"""


def wall(command: list[str], runs: int) -> list[tuple[float, float]]:
    """Wall and CPU times of ``runs`` runs of a command in a fresh process after an untimed one, output thrown
    away. The CPU time (user and system) is what a loaded machine cannot inflate much; the wall time is waited."""
    times = []
    for _ in range(runs + 1):
        before, start = _children_cpu(), time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=CACHED)
        times.append((time.perf_counter() - start, _children_cpu() - before))
    return times[1:]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def show(label: str, times: list[tuple[float, float]]) -> None:
    walls, cpus = zip(*times, strict=True)
    print(f"{label:<40} wall best {min(walls):5.2f} s, median {statistics.median(walls):5.2f} s;"
          f" CPU median {statistics.median(cpus):5.2f} s ({len(times)} runs)")


def demo_phases() -> list[float]:
    done = subprocess.run([sys.executable, "-c", PHASES], capture_output=True, text=True, check=True, env=CACHED)
    return [float(seconds) for seconds in done.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each --help and of users list (default 10)")
    parser.add_argument("--demo-runs", type=int, default=5, help="runs of hotline demo (default 5)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    show("python -c pass (bare interpreter)", wall([sys.executable, "-c", "pass"], args.runs))
    for command in HELPS:
        show(" ".join(["hotline", *command, "--help"]), wall([str(HOTLINE), *command, "--help"], args.runs))
    with tempfile.TemporaryDirectory() as folder:
        users = [str(HOTLINE), "--database-url", f"sqlite:///{folder}/cli.db", "users", "list"]
        show("hotline users list (schema up to date)", wall(users, args.runs))  # the untimed run creates it
    show("hotline demo", wall([str(HOTLINE), "demo"], args.demo_runs))
    phases = min((demo_phases() for _ in range(args.demo_runs)), key=sum)
    print("hotline demo, its fastest run split:")
    for name, seconds in zip(("imports", "schema of the throwaway database", "deploying the diagrams",
                              "playing the fortnight"), phases, strict=True):
        print(f"  {name:<40} {seconds:5.2f} s  {seconds / sum(phases):4.0%}")
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
