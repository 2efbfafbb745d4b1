"""How fast can an auditor verify cases? (`hotline audit verify --all` over demo fortnights.)

Plays the demo fortnight several times on a fresh SQLite file (8 cases each, every path of the
procedure: returns, reminders, overdue escalations, rework, reopening, withdrawals), then verifies
every case: the hash chain, and a replay of every command compared with the recorded state digests and
the stored state. Prints cases verified per second and events replayed per second; the summary is last.
"""

from __future__ import annotations

import argparse
import tempfile
import time

from engine.clock import SimulatedClock
from engine.store import connect
from processes import demo, history
from processes.desk import Desk
from processes.service import Hotline
from processes.wiring import upgrade


def build(url: str, fortnights: int) -> Hotline:
    upgrade(connect(url))
    for _ in range(fortnights):
        demo.Fortnight(Desk(Hotline.open(url, SimulatedClock(demo.START))), lambda _line: None).run()
    return Hotline.open(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fortnights", type=int, default=25, help="demo fortnights to play (8 cases each)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        hotline = build(f"sqlite:///{tmp}/audit.db", args.fortnights)
        begin = time.perf_counter()
        verdicts = [verdict for _number, verdict in history.verify_all(hotline)]
        seconds = time.perf_counter() - begin
    failed = sum(not (v.chain_ok and v.replay_matches) for v in verdicts)
    events = sum(v.events for v in verdicts)
    print(f"{len(verdicts)} cases, {events} events, {failed} failed, {seconds:.2f} s")
    print(f"audit_verify: {len(verdicts) / seconds:.0f} cases/s, {events / seconds:.0f} events/s "
          f"({failed} failed) — SQLite file, demo cases")


if __name__ == "__main__":
    main()
