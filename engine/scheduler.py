"""Firing timers on time: wake at the earliest stored due moment, fire every due case, re-arm.

A slow periodic sweep is the backstop (for timers armed by other nodes, or a wake-up that was missed).
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
WAKE, SWEEP = "timers-wake", "timers-sweep"


class TimerScheduler:
    """Drives ``Engine.fire_all_due`` from an APScheduler scheduler."""

    def __init__(self, engine: Engine, scheduler: BaseScheduler, sweep_seconds: float = 60.0):
        self.engine, self.scheduler = engine, scheduler
        self.sweep = timedelta(seconds=sweep_seconds)
        self.armed_for: datetime | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Fire what fell due while stopped, then keep firing on time."""
        self.scheduler.add_job(self.fire, "interval", seconds=self.sweep.total_seconds(), id=SWEEP,
                               replace_existing=True, coalesce=True, max_instances=1)
        self.engine.due_listeners.append(self.notify)
        self.fire()

    def fire(self) -> None:
        fired = self.engine.fire_all_due()
        if fired:
            log.info("fired the timers of %d case(s)", len(fired))
        self.arm()

    def arm(self) -> None:
        """Wake at the earliest due moment (at most one sweep away)."""
        with self._lock:
            due = self.engine.earliest_due()
            self.armed_for = due
            if due is None:
                return
            delay = min(max(due - self.engine.now(), timedelta(0)), self.sweep)
            # A moment passes strictly after ``due``: wake just after it (the clock runs at wall speed).
            run_at = clock.wall_clock() + delay + timedelta(milliseconds=5)
            self.scheduler.add_job(self.fire, "date", run_date=run_at, id=WAKE, replace_existing=True)

    def notify(self, due: datetime | None) -> None:
        """A command armed a timer: wake earlier if it is due before the armed wake-up."""
        if due is not None and (self.armed_for is None or due < self.armed_for):
            self.arm()
