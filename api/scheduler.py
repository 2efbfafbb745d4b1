"""The schedulers of ``hotline serve`` and ``hotline worker``: deadline timers (and other periodic jobs)."""

from __future__ import annotations

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from engine.runtime import Engine
from engine.scheduler import TimerScheduler


def start_scheduler(engine: Engine, scheduler: BaseScheduler | None = None,
                    sweep_seconds: float = 60.0) -> BaseScheduler:
    """Start firing timers on time in this process (timers due while stopped fire first)."""
    scheduler = scheduler or BackgroundScheduler(job_defaults={"coalesce": True, "max_instances": 1})
    TimerScheduler(engine, scheduler, sweep_seconds).start()
    scheduler.start()  # a BlockingScheduler (``hotline worker``) runs here until stopped
    return scheduler
