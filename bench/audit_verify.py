"""How fast can an auditor verify cases? (`hotline audit verify --all` over demo fortnights.)

Plays the demo fortnight several times on a fresh SQLite file (8 cases each, every path of the
procedure: returns, reminders, overdue escalations, rework, reopening, withdrawals), then verifies
every case: the hash chain, and a replay of every command compared with the recorded state digests and
the stored state. Prints cases verified per second and events replayed per second.

Absolute figures vary with the machine and its load, so the same run also replays the same events
without verifying anything (no reads, hash chain or digests), counting the time SpiffWorkflow's serializer
spends saving and loading the state between events. That splits verification into SpiffWorkflow's own
work (engine steps and effects; state save and load, which exact replay needs: see ``engine/replay.py``)
and the engine's part. The two passes take turns, ``--passes`` times each; the best
of each is reported. The summary is last.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator

from sqlalchemy import select

from engine.clock import SimulatedClock
from engine.models import Instance
from engine.replay import Replayer
from engine.serializer import StateSerializer
from engine.store import connect
from processes import demo, history
from processes.database import upgrade
from processes.desk import Desk
from processes.service import Hotline


def build(url: str, fortnights: int) -> Hotline:
    upgrade(connect(url))
    for _ in range(fortnights):
        demo.Fortnight(Desk(Hotline.open(url, SimulatedClock(demo.START))), lambda _line: None).run()
    return Hotline.open(url)


class TimedSerializer:
    """The engine's serializer, adding up the time spent saving and loading case states."""

    def __init__(self, serializer: StateSerializer):
        self.inner, self.seconds = serializer, 0.0

    def __getattr__(self, name: str):
        return getattr(self.inner, name)

    @contextlib.contextmanager
    def _timed(self) -> Iterator[None]:
        begin = time.perf_counter()
        try:
            yield
        finally:
            self.seconds += time.perf_counter() - begin

    def load_state(self, *args):
        with self._timed():
            return self.inner.load_state(*args)

    def dump_state(self, workflow):
        with self._timed():
            return self.inner.dump_state(workflow)


def best(actions: list[Callable[[], float]], passes: int) -> list[float]:
    """The best time of each action over ``passes`` rounds, taken in turns so a change in load hits all alike."""
    times = [[action() for action in actions] for _ in range(passes)]
    return [min(column) for column in zip(*times, strict=True)]


def verify_pass(hotline: Hotline, verdicts: list, jobs: int = 1) -> float:
    begin = time.perf_counter()
    verdicts[:] = [verdict for _number, verdict in history.verify_all(hotline, jobs=jobs)]
    return time.perf_counter() - begin


def replay_pass(hotline: Hotline, histories: list, spent: dict) -> float:
    """Replay every case from its events read beforehand; ``spent`` gets the serializer's share."""
    engine = hotline.engine
    timed = TimedSerializer(engine.serializer)
    engine.serializer = timed
    try:
        begin = time.perf_counter()
        replayer = Replayer(engine)
        for events in histories:
            replayer.run(events)
        seconds = time.perf_counter() - begin
    finally:
        engine.serializer = timed.inner
    spent[seconds] = timed.seconds
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fortnights", type=int, default=25, help="demo fortnights to play (8 cases each)")
    parser.add_argument("--passes", type=int, default=3, help="passes of each measure; the best counts")
    parser.add_argument("--jobs", type=int, default=2, help="also verify in this many processes (--all --jobs)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        hotline = build(f"sqlite:///{tmp}/audit.db", args.fortnights)
        verdicts, spent = [], {}
        with hotline.engine.session() as session:
            cases = session.scalars(select(Instance.id).order_by(Instance.id)).all()
        replayer = Replayer(hotline.engine)
        histories = [replayer.events(case) for case in cases]
        verify_pass(hotline, verdicts)  # untimed: diagram versions are built on first use
        parallel_verdicts: list = []
        verify, replay, parallel = best([lambda: verify_pass(hotline, verdicts),
                                         lambda: replay_pass(hotline, histories, spent),
                                         lambda: verify_pass(hotline, parallel_verdicts, args.jobs)], args.passes)
    if parallel_verdicts != verdicts:
        raise SystemExit("verifying in several processes gave other verdicts")
    serializer = spent[replay]
    failed = sum(not (v.chain_ok and v.replay_matches) for v in verdicts)
    events = sum(v.events for v in verdicts)
    print(f"{len(verdicts)} cases, {events} events, {failed} failed; best of {args.passes} passes")
    print(f"verify (what `hotline audit verify --all` does)  {verify:6.2f} s  100%")
    print(f"  SpiffWorkflow: engine steps and effects         {replay - serializer:6.2f} s  "
          f"{(replay - serializer) / verify:4.0%}")
    print(f"  SpiffWorkflow: state save and load per event    {serializer:6.2f} s  {serializer / verify:4.0%}")
    print(f"  engine: reading cases, hash chain, digests      {verify - replay:6.2f} s  "
          f"{(verify - replay) / verify:4.0%}")
    print(f"verify --jobs {args.jobs}                                 {parallel:6.2f} s  "
          f"({verify / parallel:.2f}x one process)")
    print(f"audit_verify: {len(verdicts) / verify:.0f} cases/s, {events / verify:.0f} events/s ({failed} failed); "
          f"--jobs {args.jobs}: {len(verdicts) / parallel:.0f} cases/s; verify / replay alone = {verify / replay:.2f} "
          "— SQLite file, demo cases")


if __name__ == "__main__":
    main()
