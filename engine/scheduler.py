"""Firing timers on time on every node: a cheap check every fraction of a second, and a precise wake-up.

Every ``CHECK_SECONDS`` each node takes the shared simulated clock's moves (if any), reads the earliest
due moment of all cases (one indexed MIN query), fires what is due, and sets a one-shot wake-up for a
timer falling due before its next check. So a timer armed on any node, or brought near by a clock moved
on any node, fires within one check of its moment on every node, and usually within milliseconds; a
command in this process that arms an earlier timer re-arms the wake-up at once. Neither job is ever
dropped for running late (APScheduler's default one-second misfire grace would drop a wake-up under load).

Firing claims each case in the database, so several nodes may run this at once and never fire a timer
twice; timers that fell due while every node was down fire at start-up, in due order.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

from apscheduler.schedulers.base import BaseScheduler

from . import clock
from .runtime import Engine

log = logging.getLogger("hotline.timers")
CHECK, WAKE = "timers-check", "timers-wake"
CHECK_SECONDS = 0.25
SETTLE = timedelta(milliseconds=5)  # a timer fires once its moment has passed (strictly): wake just after it
LATE_OK = {"misfire_grace_time": None, "coalesce": True}


class TimerScheduler:
    """Drives ``Engine.fire_all_due`` from an APScheduler scheduler."""

    def __init__(self, engine: Engine, scheduler: BaseScheduler, check_seconds: float = CHECK_SECONDS):
        self.engine, self.scheduler = engine, scheduler
        self.check_every = timedelta(seconds=check_seconds)
        self.armed_for: datetime | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Fire what fell due while stopped, then keep firing on time."""
        self.scheduler.add_job(self.check, "interval", seconds=self.check_every.total_seconds(), id=CHECK,
                               replace_existing=True, max_instances=1, **LATE_OK)
        self.engine.due_listeners.append(self.notify)
        self.check()

    def check(self) -> None:
        """Fire what is due now (by the shared clock), or wake for a timer due before the next check."""
        if isinstance(self.engine.clock, clock.SimulatedClock):
            self.engine.clock.sync()
        due = self.engine.earliest_due()
        if due is not None and due < self.engine.now():
            self.fire()
        else:
            self.arm(due)

    def fire(self) -> None:
        """Fire every due timer, then wake for the next one (a case that stays due is left to the check)."""
        with self._lock:
            self.armed_for = None
        started = self.engine.now()
        fired = self.engine.fire_all_due()
        if fired:
            log.info("fired the timers of %d case(s)", len(fired))
        due = self.engine.earliest_due()
        if due is not None and due >= started:
            self.arm(due)

    def arm(self, due: datetime | None) -> None:
        """Wake just after ``due`` if it comes before the next check and before the wake-up already set."""
        with self._lock:
            if due is None or (self.armed_for is not None and self.armed_for <= due):
                return
            delay = max(due - self.engine.now(), timedelta(0))
            if delay >= self.check_every:
                return  # a check sees it in time
            self.armed_for = due
            # A wake-up re-set while the previous one still runs must not be skipped: allow overlapping runs.
            self.scheduler.add_job(self.fire, "date", run_date=clock.wall_clock() + delay + SETTLE, id=WAKE,
                                   replace_existing=True, max_instances=4, **LATE_OK)

    def notify(self, due: datetime | None) -> None:
        """A command in this process armed a timer: wake for it if it falls due before the next check."""
        self.arm(due)
